"""Databases written by older convo open and read as they were written.

`first-version.db` was written by convo's first release (store version 1, before alerts had
categories, answers kept the question asked, or suggestions kept their words); `before-typed-events.db`
by the last convo whose events were untyped dictionaries. Both are copied before opening, since
opening an old store brings its tables up to date.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from convo import library
from convo.events import KINDS, Event
from convo.store import Store
from convo.tui import transcript

OLD = Path(__file__).parent / "old_databases"


@pytest.fixture
def old_store(tmp_path):
    opened: list[Store] = []

    def open_copy(name: str) -> Store:
        shutil.copy(OLD / name, tmp_path / name)
        store = Store(tmp_path / name)
        opened.append(store)
        return store

    yield open_copy
    for store in opened:
        store.close()


def test_the_first_version_opens_with_everything_that_was_said(old_store):
    store = old_store("first-version.db")
    [info] = store.list()
    conversation = library.resume(store, info.id)
    record = conversation.assessment()

    assert conversation.ended
    assert [o.text for o in record.outcomes] == ["To walk to the river with her daughter", "To keep her cat"]
    walk = record.outcomes[0]
    assert walk.type == "maintain"  # answered "change", then "keep" after going back
    assert [e.text for e in walk.barriers] == ["Her knees on the hill"]
    assert [e.text for e in walk.own_resources] == ["she knows every bench"]
    assert [(e.text, e.source) for e in walk.others] == [("Her daughter comes on Sundays", "carer"),
                                                         ("Her son hits her when he drinks", "carer")]
    assert [e.text for e in walk.risks] == ["she could fall on the steps", "She could fall"]
    assert walk.not_explored == {"community": "not today"}
    assert [e.text for e in record.general["own_resources"]] == ["She still bakes for the chapel"]
    [alert] = record.safeguarding
    assert (alert.category, alert.term, alert.said_by) == (None, "hits", "carer")  # from before categories
    assert [note.text for note in alert.notes] == ["She says she is safe tonight"]
    [(_, wording, said, _)] = conversation.waiting_alerts()
    assert "SAFEGUARDING" in wording  # worded as it was raised, which quoted only the word
    assert said == "Her son hits her when he drinks"  # so the banner shows the answer too


def test_the_last_untyped_events_open_with_alerts_moves_and_names(old_store):
    store = old_store("before-typed-events.db")
    conversation = library.resume(store, "before-typed-events")
    record = conversation.assessment()

    assert conversation.ended
    assert [(a.id, a.category, a.raised_by_hand, a.acknowledged_by) for a in record.safeguarding] == [
        (16, "financial", False, "root"), (20, "financial", True, None)]
    assert [(step.conversation, step.reason) for step in record.path] == [(1, None), (2, "not safe at home"),
                                                                         (1, None)]
    assert [e.text for e in record.general["community"]] == ["To sing in the chapel choir again"]  # accepted
    assert [(e.text, e.source) for e in record.notes] == [("she seemed tired", "practitioner")]  # refile undone
    assert conversation.state.names == ["Dilys"]
    assert conversation.state.cue_actions == {"6.0": "accepted", "13.0": "dismissed"}


@pytest.mark.parametrize("name", ["first-version.db", "before-typed-events.db"])
def test_every_old_event_reads_as_a_typed_payload_that_writes_the_same_keys(old_store, name):
    store = old_store(name)
    for info in store.list():
        for event in store.events(info.id):
            assert event.type in KINDS
            again = Event.of(event.seq, event.at, event.payload, event.before, event.after)
            assert (again.type, again.data) == (event.type, event.data), f"event {event.seq} ({event.type})"


@pytest.mark.parametrize("name", ["first-version.db", "before-typed-events.db"])
def test_an_old_conversation_s_history_reads_back_in_the_app(old_store, name):
    store = old_store(name)
    for info in store.list():
        lines = [line.plain for line in transcript.from_events(library.resume(store, info.id))]
        assert any(line.startswith("· Undone: refiled") for line in lines)
        assert any("(undone)" in line for line in lines)
        assert lines[-1] == "■ The conversation is finished and saved."
