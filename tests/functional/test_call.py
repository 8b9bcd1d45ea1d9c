"""A call that flows, through the engine: the banner says what this flow can do, nothing is asked twice."""

from __future__ import annotations

from convo.engine import outputs as out


def alert_text(conversation, line: str) -> str:
    return next(o.text for o in conversation.send(line) if isinstance(o, out.Alert))


def test_the_banner_offers_conversation_two_only_in_a_flow_that_has_one(start):
    assert "/c2" in alert_text(start("three-conversations"), "Her son hits her when he drinks")
    what_matters = start("what-matters", conversation_id="test-0002")
    said = alert_text(what_matters, "Her son hits her when he drinks")
    assert "/c2" not in said and "Conversation 2" not in said and "Stay with them now." in said
    assert "/c2" not in what_matters.waiting_alerts()[0][1]
    raised = what_matters.send("/concern financial her grandson keeps her bank card")
    assert not any("/c2" in o.text for o in raised if isinstance(o, out.Alert))


def test_going_to_a_question_already_answered_asks_for_more_once(start):
    conversation = start()
    conversation.send("/goto connect")
    conversation.send("Told her about the garden club")
    again = conversation.send("/goto connect")[-1]
    assert again.stage == "connect" and again.text.startswith("Anything else")
    after = conversation.send("Age Cymru's number")[-1]
    assert after == again  # the same question, still open: a face shows it once (see the app's tests)


def test_convo_list_says_unfinished_and_finished_as_the_app_does(start, store, capsys):
    from convo import cli

    start(conversation_id="still-going").send("Gwen, 83")
    done = start(conversation_id="all-done")
    done.send("/end")
    assert cli.main(["list", "--db", str(store.path)]) == 0
    statuses = {line.split("\t")[0]: line.split("\t")[2] for line in capsys.readouterr().out.splitlines()}
    assert statuses == {"still-going": "unfinished", "all-done": "finished"}
