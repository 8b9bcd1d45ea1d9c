"""The what-matters flow end to end: each element asked in turn, every answer filed in its place."""

from __future__ import annotations

from tests.transcript import play

HELEN = """
| say                                                        | asks             | records      | notes          |
| Lives with her husband Ifor by the Teifi                   | circumstances    | circumstance | cue:people     |
| Her daughter Carys comes most days                         | circumstances    | circumstance | cue:people     |
|                                                            | own_resources    |              |                |
| She still knows every bird on the river                    | own_resources    | strength     |                |
|                                                            | outcomes         |              |                |
| To walk to the river every day and look for the heron      | outcomes         | outcome      |                |
| To stay at home with Ifor to the end                       | outcomes         | outcome      |                |
|                                                            | outcomes#1       |              |                |
| keep                                                       | barriers#1       | outcome_type |                |
| She gets breathless on the hill back                       | barriers#1       | barrier      |                |
|                                                            | own_resources#1  |              |                |
| She paces herself and rests on the bench                   | own_resources#1  | strength     |                |
|                                                            | others#1         |              |                |
| Carys walks with her after work                            | others#1         | support      |                |
|                                                            | community#1      |              |                |
| The bench was put in by the community council              | community#1      | community    |                |
|                                                            | risks#1          |              |                |
| She might collapse on the path                             | risks#1          | risk         |                |
|                                                            | risks#1          |              |                |
| yes                                                        | risks#1          | risk_choice  |                |
| Carys will walk with her and carry her phone               | outcomes#2       | risk_mitigation |             |
| change                                                     | barriers#2       | outcome_type |                |
| /skip talked about this last week                          | own_resources#2  |              |                |
|                                                            | others#2         |              |                |
|                                                            | community#2      |              |                |
|                                                            | risks#2          |              |                |
|                                                            | outcomes         |              |                |
|                                                            | details          |              |                |
|                                                            | details          |              |                |
|                                                            | closing          |              |                |
| yes                                                        | details          | agreement    |                |
|                                                            | closing          |              |                |
| Ring the district nurse about a wheelchair for bad days    | closing          | next_little_step |            |
|                                                            | closing          |              |                |
|                                                            | closing          |              |                |
|                                                            | closing          |              |                |
|                                                            | done             |              |                |
"""


def test_helen_is_recorded_element_by_element(start):
    conversation = start("what-matters")
    play(conversation, HELEN)
    record = conversation.assessment()
    assert [o.text for o in record.outcomes] == [
        "To walk to the river every day and look for the heron",
        "To stay at home with Ifor to the end",
    ]
    heron, home = record.outcomes
    assert heron.type == "maintain" and home.type == "change"
    assert [b.text for b in heron.barriers] == ["She gets breathless on the hill back"]
    assert [s.text for s in heron.own_resources] == ["She paces herself and rests on the bench"]
    assert [s.text for s in heron.others] == ["Carys walks with her after work"]
    assert [c.text for c in heron.community] == ["The bench was put in by the community council"]
    assert [(r.text, r.wants_to_take_risk) for r in heron.risks] == [("She might collapse on the path", True)]
    decision = heron.risks[0].decision
    assert (decision.chosen_by, decision.choice, [m.text for m in decision.mitigation]) == (
        "person", "yes", ["Carys will walk with her and carry her phone"])
    assert record.agreement[0].choice == "agreed"
    assert home.not_explored == {"barriers": "talked about this last week"}
    assert record.general["own_resources"][0].text == "She still knows every bird on the river"
    assert record.ended_at is not None


def test_skipped_area_is_listed_with_its_reason(start):
    conversation = start("what-matters")
    play(conversation, HELEN)
    record = conversation.assessment()
    assert [(s.title, s.outcome, s.reason) for s in record.skipped if s.stage == "barriers"] == [
        ("What gets in the way", 2, "talked about this last week")
    ]
    assert "What they can do (outcome 2)" in record.nothing_said


def test_carer_audience_hears_you_not_they(start):
    conversation = start("what-matters", audience="carer")
    first = conversation.prompt()
    assert "your life" in first.text
    assert "their life" not in first.text
