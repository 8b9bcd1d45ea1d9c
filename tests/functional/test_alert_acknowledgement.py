"""A safeguarding alert stays waiting until a person says they have seen it, and that is kept."""

from convo import export, library
from convo.store import Store
from tests.conftest import pass_opening


def test_alert_waits_until_acknowledged_and_the_acknowledgement_survives_resume(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "three-conversations", "practitioner")
    pass_opening(conversation)
    conversation.send("he hit me")
    assert len(conversation.state.pending_alerts()) == 1

    before = conversation.prompt()
    conversation.send("/ack")

    assert conversation.state.pending_alerts() == []
    assert conversation.prompt() == before
    resumed = library.resume(store, conversation.id)
    assert resumed.state.pending_alerts() == []
    assert len(resumed.state.alerts) == 1


def test_undo_does_not_take_back_an_acknowledgement(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "three-conversations", "practitioner")
    pass_opening(conversation)
    conversation.send("Ann")
    conversation.send("he hit me")
    conversation.send("/ack")
    conversation.send("/undo")

    # The undo takes back the answer, never the acknowledgement event, nor the alert.
    assert [e.type for e in conversation.events][-2:] == ["acknowledged", "undone"]
    assert conversation.events[-1].data["event"] == conversation.events[-3].seq
    assert [alert.text for alert in conversation.state.alerts] == ["he hit me"]
    assert conversation.state.pending_alerts() == []


def test_an_answer_taken_back_leaves_its_alert_and_safety_questions_standing(store, start):
    conversation = start()
    conversation.send("Ann")
    conversation.send("my son took my bank card and I never see my pension")
    at_safety = conversation.prompt()
    assert at_safety is not None and at_safety.stage == "safety-check"

    said = conversation.send("/undo")

    assert "alert it raised stands" in said[0].text
    assert conversation.prompt() == at_safety  # still at the safety questions the alert brought
    for held in (conversation, library.resume(store, conversation.id)):
        assert [alert.category for alert in held.state.pending_alerts()] == ["financial"]
        record = held.assessment()
        assert "my son took my bank card" not in " ".join(item.text for item in record.about)
        [alert] = record.safeguarding
        assert alert.text == "my son took my bank card and I never see my pension" and alert.answer_taken_back
    draft = export.draft_text(conversation, "md")
    assert "The answer was taken back afterwards; the alert stands." in draft


def test_undoing_an_ordinary_answer_goes_back_as_before(start):
    conversation = start()
    before = conversation.prompt()
    conversation.send("Ann")
    said = conversation.send("/undo")
    assert said[0].text == "Undone: Ann"
    assert conversation.prompt() == before and conversation.state.alerts == []


def test_ack_with_nothing_waiting_records_nothing(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "what-matters", "practitioner")
    pass_opening(conversation)
    count = len(conversation.events)
    conversation.send("/ack")
    assert len(conversation.events) == count
