"""What faces do with stored conversations, through the one service they may use."""

from __future__ import annotations

import textwrap

import pytest

from convo.services import ConversationOpen, Service, StoreError, open_database
from convo.store import Store

# A flow of its own, so what is said first is the answer these tests look for, whatever the shipped flows ask.
FLOW = textwrap.dedent("""\
    id: two-questions
    version: 1
    title: Two questions
    audiences: [practitioner]
    parts:
      - id: c1
        title: Listen and connect
        conversation: 1
        stages:
          - id: life
            title: Life at the moment
            area: circumstances
            captures: circumstance
            prompt:
              practitioner: "How is life at the moment?"
          - id: outcomes
            title: What matters
            area: outcomes
            captures: outcome
            prompt:
              practitioner: "What matters to them?"
    """)


@pytest.fixture
def service(db_path):
    with open_database(db_path) as opened:
        yield opened


@pytest.fixture
def flow(tmp_path):
    path = tmp_path / "two-questions.yaml"
    path.write_text(FLOW)
    return str(path)


def test_conversations_are_listed_a_page_at_a_time_and_found_by_title(service, flow, clock):
    for number in range(5):
        conversation = service.start(flow, "practitioner", clock=clock, conversation_id=f"c-{number}")
        conversation.send(f"Person number {number}")
    assert [info.id for info in service.list(limit=2)] == ["c-4", "c-3"]
    assert [info.id for info in service.list(limit=2, offset=2)] == ["c-2", "c-1"]
    assert [info.id for info in service.list(search="number 3")] == ["c-3"]


def test_a_conversation_started_or_resumed_is_held_by_its_window_alone(service, flow, db_path, clock):
    started = service.start(flow, "practitioner", clock=clock)
    with Service(Store(db_path)) as elsewhere:
        with pytest.raises(ConversationOpen):
            elsewhere.resume(started.id)
        elsewhere.open(started.id)  # reading, to show or export, takes nothing from the writer
        service.release(started.id)
        carried_on = elsewhere.resume(started.id)
        carried_on.send("Lives alone")
    assert [i.text for i in service.open(started.id).state.items.values()] == ["Lives alone"]


def test_opening_a_conversation_that_is_not_there_says_so(service):
    with pytest.raises(StoreError, match="there is no conversation 'nobody'"):
        service.open("nobody")


def test_an_export_is_audited_without_anyone_s_words(service, flow, clock, tmp_path):
    conversation = service.start(flow, "practitioner", clock=clock)
    conversation.send("Lives above the chip shop")
    written = service.export(conversation, "md", tmp_path / "draft.md")
    [entry] = service.audit_log()
    assert (entry.action, entry.conversation, entry.detail["to"]) == ("exported", conversation.id, written)
    assert "chip shop" not in str(entry.detail)


def test_a_carer_s_code_finds_only_their_own_conversation(service, flow, clock):
    from convo import carer

    code = carer.new_code()
    service.start("carer", "carer", clock=clock, conversation_id=code)
    service.start(flow, "practitioner", clock=clock, conversation_id="not-a-carer")
    assert service.carer_code(code.upper().replace("-", " ")).id == code
    assert service.carer_code("not-a-carer") is None
    assert service.carer_code(carer.new_code()) is None
