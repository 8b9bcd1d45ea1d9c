"""Records and event logs written by an older convo still open; a record written now reads back as it was.

`old_records/v1-david.json` is the JSON export of a whole call as convo wrote it before the record had a
version (schema version 1): no practitioner, consent, who took part, carer's views or structured next steps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from convo import library
from convo.records import SCHEMA_VERSION, Assessment, export_schema
from convo.render import FORMATS, render
from convo.store import Store
from tests.functional import test_three_conversations_flow as calls
from tests.transcript import rows

HERE = Path(__file__).parent


def test_a_version_one_record_opens_and_renders_with_nothing_made_up():
    old = Assessment.model_validate_json((HERE / "old_records" / "v1-david.json").read_text())
    assert old.schema_version == 1
    assert old.practitioner is None and old.consent == [] and old.carer_views == [] and old.review is None
    assert [step.text for step in old.next_steps] == ["Niece to ring back on Friday"]
    assert old.next_steps[0].who is None  # written as a line, never split after the fact
    [risk] = old.outcomes[0].risks
    assert risk.wants_to_take_risk is True and risk.decision is None
    assert old.outcomes[0].risk_decision == "Yes, they choose to take it"
    text = render(old, "md")
    assert "- Practitioner: not recorded" in text
    assert "- Consent to this conversation: not recorded" in text
    assert "Decision about the risk: Yes, they choose to take it" in text
    assert "Started: 02 March 2026, 10:00 UTC" in text  # a version 1 record's times are UTC
    for fmt in FORMATS:
        assert render(old, fmt)


def test_an_old_event_log_opens_as_a_record_of_this_version(tmp_path):
    shutil.copy(HERE / "old_databases" / "first-version.db", tmp_path / "old.db")
    with Store(tmp_path / "old.db") as store:
        [info] = store.list()
        record = library.resume(store, info.id).assessment()
    assert record.schema_version == SCHEMA_VERSION
    assert record.practitioner is None  # not kept by then
    assert record.consent == [] and record.not_asked == []  # never asked, not "passed over"
    assert [o.text for o in record.outcomes] == ["To walk to the river with her daughter", "To keep her cat"]
    assert "- Practitioner: not recorded" in render(record, "md")


@pytest.fixture
def david(start, monkeypatch):
    monkeypatch.setenv("CONVO_PRACTITIONER_NAME", "Alys Bevan")
    conversation = start(opening=True)
    for row in rows(calls.DAVID):
        conversation.send(row["say"])
    return conversation.assessment()


def test_a_record_of_this_version_round_trips_through_its_json(david):
    again = Assessment.model_validate_json(david.model_dump_json())
    assert again == david
    assert again.schema_version == SCHEMA_VERSION == 2


def test_the_schema_names_its_version_and_every_new_field():
    schema = export_schema()
    assert schema["version"] == SCHEMA_VERSION
    assert {"schema_version", "practitioner", "person", "present", "consent", "sharing", "communication",
            "advocacy", "capacity", "carer_views", "next_steps", "review", "not_asked", "time_zone"} \
        <= set(schema["properties"])
    assert {"who", "what", "when"} <= set(schema["$defs"]["NextStep"]["properties"])
    assert {"chosen_by", "mitigation"} <= set(schema["$defs"]["RiskDecision"]["properties"])

