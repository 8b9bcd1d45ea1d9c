"""Every line-mode command, through the engine: what it records and where it leaves the conversation."""

from __future__ import annotations

import pytest

from convo.engine import outputs as out
from tests.transcript import play


def kinds(outputs):
    return [type(o).__name__ for o in outputs]


def test_undo_takes_back_the_last_answer_and_its_place(start):
    conversation = start("what-matters")
    conversation.send("Lives in Llandeilo")
    conversation.send("")
    assert conversation.prompt().area == "own_resources"
    conversation.send("/undo")  # undoes the move on
    assert conversation.prompt().area == "circumstances"
    conversation.send("/undo")  # undoes the answer
    assert conversation.assessment().circumstances == []
    conversation.send("/undo")  # undoes passing over the last opening question
    assert conversation.prompt().stage == "communication"
    for _ in range(3):  # consent, who is taking part, who it is about
        conversation.send("/undo")
    assert conversation.prompt().stage == "person"
    conversation.send("/undo")  # undoes passing over the Active Offer
    assert conversation.prompt().stage == "welsh-offer"
    undone_all = conversation.send("/undo")
    assert isinstance(undone_all[0], out.Error)


def test_undo_survives_a_resume(start, store, clock):
    from convo import library

    conversation = start("what-matters")
    conversation.send("Lives in Llandeilo")
    conversation.send("/undo")
    again = library.resume(store, conversation.id, clock=clock)
    assert again.assessment().circumstances == []
    assert again.prompt().text == conversation.prompt().text


def test_back_returns_to_the_previous_question(start):
    conversation = start("what-matters")
    conversation.send("")
    assert conversation.prompt().area == "own_resources"
    conversation.send("/back")
    assert conversation.prompt().area == "circumstances"


def test_goto_an_area_for_a_given_outcome(start):
    conversation = start("what-matters")
    play(conversation, """
| say                  | asks          |
| /goto outcomes       | outcomes      |
| To go swimming       | outcomes      |
| To see my grandson   | outcomes      |
| /goto community 2    | community#2   |
| /goto barriers       | barriers#2    |
| /goto nowhere        | barriers#2    |
| /goto risks 7        | barriers#2    |
""")
    errors = [o for o in conversation.send("/goto nowhere") if isinstance(o, out.Error)]
    assert "There is no area or question called nowhere" in errors[0].text


def test_goto_an_outcome_area_before_any_outcome_is_refused(start):
    conversation = start("what-matters")
    reply = conversation.send("/goto barriers")
    assert isinstance(reply[0], out.Error) and "what matters first" in reply[0].text


def test_skip_records_the_reason_and_moves_on(start):
    conversation = start("what-matters")
    conversation.send("/skip she would rather not say")
    assert conversation.prompt().area == "own_resources"
    skip = conversation.assessment().skipped[0]
    assert (skip.area, skip.reason) == ("circumstances", "she would rather not say")


def test_skip_without_a_reason_says_so(start):
    conversation = start("what-matters")
    conversation.send("/skip")
    assert conversation.assessment().skipped[0].reason == "no reason given"


def test_risk_strength_and_note_record_what_is_said_where_we_are(start):
    conversation = start("what-matters")
    play(conversation, """
| say                  | asks          |
| /goto outcomes       | outcomes      |
| To keep driving      | outcomes      |
| /goto barriers       | barriers#1    |
""")
    conversation.send("/risk She has not driven for two years")
    conversation.send("/strength She passed her test in 1961")
    conversation.send("/note Seemed anxious when cars came up")
    record = conversation.assessment()
    outcome = record.outcomes[0]
    assert [r.text for r in outcome.risks] == ["She has not driven for two years"]
    assert [s.text for s in outcome.own_resources] == ["She passed her test in 1961"]
    assert [(n.text, n.source) for n in record.notes] == [("Seemed anxious when cars came up", "practitioner")]


@pytest.mark.parametrize("command", ["/risk", "/strength", "/note", "/goto"])
def test_commands_that_need_words_say_so(start, command):
    reply = start("what-matters").send(command)
    assert isinstance(reply[0], out.Error)


def test_from_changes_whose_words_are_recorded(start):
    conversation = start("what-matters")
    conversation.send("/from carer")
    conversation.send("She won't ask for help")
    assert conversation.assessment().circumstances[0].source == "carer"
    assert isinstance(conversation.send("/from nobody")[0], out.Error)


def test_refile_moves_the_last_answer(start):
    conversation = start("what-matters")
    play(conversation, """
| say                     | asks        |
| /goto outcomes          | outcomes    |
| To get to chapel        | outcomes    |
|                         | outcomes#1  |
| change                  | barriers#1  |
| Her daughter drives her | barriers#1  |
""")
    conversation.send("/refile support")
    outcome = conversation.assessment().outcomes[0]
    assert outcome.barriers == [] and [s.text for s in outcome.others] == ["Her daughter drives her"]
    conversation.send("/refile outcome")
    assert [o.text for o in conversation.assessment().outcomes] == ["To get to chapel", "Her daughter drives her"]
    assert isinstance(conversation.send("/refile teapot")[0], out.Error)


def test_accepting_a_cue_records_it_and_dismissing_sets_it_aside(start):
    conversation = start("what-matters")
    outputs = conversation.send("Her neighbour Bethan pops in")
    cue = next(o for o in outputs if isinstance(o, out.Cue))
    assert cue.kind == "people"
    conversation.send(f"/accept {cue.id}")
    assert [e.text for e in conversation.assessment().general["others"]] == ["Her neighbour Bethan pops in"]
    outputs = conversation.send("She goes to the library on Tuesdays")
    cue = next(o for o in outputs if isinstance(o, out.Cue))
    conversation.send(f"/dismiss {cue.id}")
    assert "community" not in conversation.assessment().general
    assert isinstance(conversation.send(f"/dismiss {cue.id}")[0], out.Error)


def test_accepting_a_so_what_cue_asks_the_follow_up(start):
    conversation = start("what-matters")
    outputs = conversation.send("She wants her independence")
    cue = next(o for o in outputs if isinstance(o, out.Cue) and o.kind == "so_what")
    reply = conversation.send(f"/accept {cue.id}")
    assert "independence" in reply[-1].text and "mean" in reply[-1].text
    conversation.send("Making her own breakfast")
    assert [c.text for c in conversation.assessment().circumstances][-1] == "Making her own breakfast"
    assert "independence" not in conversation.prompt().text


def test_unknown_command_is_one_clear_line(start):
    reply = start().send("/teapot")
    assert isinstance(reply[0], out.Error) and reply[0].text.startswith("There is no command /teapot")
    assert isinstance(reply[-1], out.Prompt)


def test_a_double_slash_answer_is_stored_with_one_slash(start):
    conversation = start()
    conversation.send("//skip is what she calls her dog")
    assert conversation.assessment().about[0].text == "/skip is what she calls her dog"


def test_help_lists_the_commands(start):
    reply = start().send("/help")
    assert all(name in reply[0].text for name in ("/skip", "/undo", "/goto", "/c2", "/c3", "/end"))


def test_end_finishes_and_nothing_more_is_taken(start):
    conversation = start()
    reply = conversation.send("/end")
    assert isinstance(reply[-1], out.Done) and conversation.ended
    reply = conversation.send("one more thing")
    assert isinstance(reply[0], out.Error) and isinstance(reply[-1], out.Done)


def test_c2_in_a_flow_without_it_is_refused(start):
    reply = start("what-matters").send("/c2")
    assert isinstance(reply[0], out.Error) and "no Conversation 2" in reply[0].text
