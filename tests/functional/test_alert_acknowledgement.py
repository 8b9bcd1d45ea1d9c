"""A safeguarding alert stays waiting until a person says they have seen it, and that is kept."""

from convo import library
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

    # The undo takes back the answer (and with it the alert), never the acknowledgement event.
    assert [e.type for e in conversation.events][-2:] == ["acknowledged", "undone"]
    assert conversation.events[-1].data["event"] == conversation.events[-3].seq


def test_ack_with_nothing_waiting_records_nothing(tmp_path):
    store = Store(tmp_path / "c.db")
    conversation = library.start(store, "what-matters", "practitioner")
    pass_opening(conversation)
    count = len(conversation.events)
    conversation.send("/ack")
    assert len(conversation.events) == count
