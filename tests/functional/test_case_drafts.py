"""Drafts a senior practitioner would sign off: an ordinary call from a widow, a call where her daughter and
carer takes part, and a crisis call. Each carries every field a Welsh what-matters record needs, and each is a
golden file (CONVO_UPDATE_GOLDEN=1 rewrites them; then read the diff).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from convo.render import render
from tests.functional import test_three_conversations_flow as calls
from tests.transcript import play

GOLDEN = Path(__file__).parent / "golden"

# Gwen, 83, widowed in October: four things that matter, two risks on one of them, the call ends in Conversation 1.
WIDOW = """
| say                                                                 | asks            | records                 |
| 2                                                                   | details         |                         |
| Gwen Rees, WCCIS 118842                                             | details         | identity                |
| 1                                                                   | details         | present                 |
| yes                                                                 | details         | consent                 |
| She wears hearing aids; face to face is best                        | about           | communication           |
| Gwen rang herself; widowed in October and finding the evenings long | about           | about                   |
|                                                                     | own_resources   |                         |
| She still bakes bara brith for the chapel                           | own_resources   | strength                |
|                                                                     | circumstances   |                         |
| Lives alone in a terraced house in Tregaron; her son is in Cardiff  | circumstances   | circumstance            |
|                                                                     | outcomes        |                         |
| To get back to the chapel choir on Thursdays                        | outcomes        | outcome                 |
| To keep living in her own home                                      | outcomes        | outcome                 |
| To stop feeling so lonely in the evenings                           | risks           | outcome                 |
| She gets low and stops eating properly                              | outcomes        | risk                    |
| To be able to have a bath again                                     | outcomes        | outcome                 |
|                                                                     | outcomes#1      |                         |
| change                                                              | own_resources#1 | outcome_type            |
| She still knows all the hymns                                       | own_resources#1 | strength                |
|                                                                     | others#1        |                         |
| Mrs Jones next door drives to chapel                                | others#1        | support                 |
|                                                                     | community#1     |                         |
| The choir meets at Bethel on Thursday evenings                      | community#1     | community               |
|                                                                     | barriers#1      |                         |
| She can't walk up the hill in the dark                              | barriers#1      | barrier                 |
|                                                                     | risks#1         |                         |
| She could fall on the hill in the dark                              | risks#1         | risk                    |
|                                                                     | risks#1         |                         |
| yes                                                                 | risks#1         | risk_choice             |
| Mrs Jones will drive her; she'll take her torch                     | outcomes#2      | risk_mitigation         |
| keep                                                                | own_resources#2 | outcome_type            |
| She manages her own pills and shopping                              | own_resources#2 | strength                |
|                                                                     | others#2        |                         |
| Her son rings every Sunday                                          | others#2        | support                 |
|                                                                     | community#2     |                         |
|                                                                     | barriers#2      |                         |
| The stairs are getting harder                                       | barriers#2      | barrier                 |
|                                                                     | risks#2         |                         |
| She could fall on the stairs at night                               | risks#2         | risk                    |
| She might have to move if she can't manage the stairs               | risks#2         | risk                    |
|                                                                     | risks#2         |                         |
| yes 1 — she won't move her bed downstairs                           | risks#2         | risk_choice             |
| A second stair rail; she'll keep a phone by the bed                 | outcomes#3      | risk_mitigation         |
| change                                                              | own_resources#3 | outcome_type            |
|                                                                     | others#3        |                         |
|                                                                     | community#3     |                         |
| Age Cymru's friendship calls                                        | community#3     | community               |
|                                                                     | barriers#3      |                         |
| She doesn't like to bother anyone                                   | barriers#3      | barrier                 |
|                                                                     | risks#3         |                         |
|                                                                     | outcomes#4      |                         |
| change                                                              | own_resources#4 | outcome_type            |
|                                                                     | others#4        |                         |
|                                                                     | community#4     |                         |
|                                                                     | barriers#4      |                         |
| She can't get out of the bath                                       | barriers#4      | barrier                 |
|                                                                     | risks#4         |                         |
| She could get stuck in the bath                                     | risks#4         | risk                    |
|                                                                     | risks#4         |                         |
| no                                                                  | connect         | risk_choice             |
| Told her about Age Cymru's friendship calls                         | connect         | connection              |
| Gave her the number for Care & Repair about a stair rail            | connect         | connection              |
|                                                                     | connect         |                         |
| 1                                                                   | closing         | decision                |
| 1, 4                                                                | closing         | call_result,call_result |
|                                                                     | details         |                         |
| 1                                                                   | details         | advocacy                |
| 1                                                                   | closing         | capacity                |
| yes                                                                 | details         | agreement               |
| yes, with her GP                                                    | closing         | sharing                 |
| Gwen will ring Mrs Jones about Thursday                             | closing         | next_little_step        |
| Duty team / ask Care & Repair about a second stair rail / this week | closing         | next_step               |
| Duty team / ask an OT to visit about bathing / within two weeks     | closing         | next_step               |
|                                                                     | closing         |                         |
| 14 April 2026                                                       | closing         | review                  |
|                                                                     | done            |                         |
"""

# Eirlys, 79, with COPD, wants one last Christmas shopping trip; Hannah, her daughter and carer, takes part.
# Hannah's own need for a break is hers, not an outcome of her mother's; one risk is Hannah's fear, the other
# is the one Eirlys chooses to take.
CARER = """
| say                                                               | asks            | records                 |
| 2                                                                 | details         |                         |
| Eirlys Hughes, 79                                                 | details         | identity                |
| Hannah, her daughter and carer, on the phone; Eirlys with her     | details         | present                 |
| yes                                                               | details         | consent                 |
| She gets breathless talking for long; keep questions short        | about           | communication           |
| Hannah rang about her mam Eirlys, who has COPD                    | about           | about                   |
|                                                                   | own_resources   |                         |
| Eirlys still does the crossword every day                         | own_resources   | strength                |
|                                                                   | circumstances   |                         |
| Lives with Hannah in Rhyl since the autumn                        | circumstances   | circumstance            |
|                                                                   | outcomes        |                         |
| To go Christmas shopping in Chester one last time                 | outcomes        | outcome                 |
| /from carer                                                       | outcomes        |                         |
| I need a break; I haven't had a night off since September         | outcomes        | carer_view              |
| /from person                                                      | outcomes        |                         |
|                                                                   | outcomes#1      |                         |
| change                                                            | own_resources#1 | outcome_type            |
| She knows exactly what she wants to buy                           | own_resources#1 | strength                |
|                                                                   | others#1        |                         |
| Hannah will take her in the car                                   | others#1        | support                 |
|                                                                   | community#1     |                         |
| The shopmobility scheme lends wheelchairs                         | community#1     | community               |
|                                                                   | barriers#1      |                         |
| She gets breathless walking more than a few yards                 | barriers#1      | barrier                 |
|                                                                   | risks#1         |                         |
| /from carer                                                       | risks#1         |                         |
| She could get a chest infection in the crowds                     | risks#1         | risk                    |
| /from person                                                      | risks#1         |                         |
| She might be too tired for days after                             | risks#1         | risk                    |
|                                                                   | risks#1         |                         |
| yes 2                                                             | risks#1         | risk_choice             |
| Rest days before and after; oxygen in the car                     | connect         | risk_mitigation         |
| Gave Hannah the Carers Trust number                               | connect         | connection              |
|                                                                   | connect         |                         |
| 1                                                                 | closing         | decision                |
| 1, 8                                                              | closing         | call_result,call_result |
|                                                                   | outcomes        |                         |
| Hannah worries Mam will overdo it, but wants her to go            | outcomes        | carer_view              |
|                                                                   | details         |                         |
| 1                                                                 | details         | advocacy                |
| 1                                                                 | closing         | capacity                |
| partly — Hannah would add that she's exhausted                    | details         | agreement               |
| 3 — only with the GP and the respiratory nurse                    | closing         | sharing                 |
| Eirlys will ask shopmobility to book a chair for 12 December      | closing         | next_little_step        |
| Hannah / ring Carers Trust about a carer's assessment / this week | closing         | next_step               |
|                                                                   | closing         |                         |
| 9 January 2027                                                    | closing         | review                  |
|                                                                   | done            |                         |
"""

# Dilys, 88: her grandson takes her pension and locks her in. The practitioner notes what was done, moves to
# Conversation 2, and names who does what by when.
CRISIS = """
| say                                                               | asks     | records                 |
| 2                                                                 | details  |                         |
| Dilys Evans, 88                                                   | details  | identity                |
| Her neighbour Bethan, on speaker                                  | details  | present                 |
| yes                                                               | details  | consent                 |
| 1                                                                 | about    | communication           |
| Mrs Evans rang with her neighbour; she sounded frightened         | about    | about                   |
| Her grandson takes her pension and she's scared of him            | risks    | about                   |
| She says he locks her in when he goes out                         | risks    | safeguarding            |
| No children; his girlfriend sometimes stays                       | risks    | safeguarding            |
| She wants him out but doesn't want him in trouble                 | risks    | safeguarding            |
| Reported to adult safeguarding at 10:20, ref AS-5521; police told | about    | safeguarding            |
| /ack                                                              | about    |                         |
| /c2 safeguarding concern raised during the call                   | crisis   |                         |
| Bethan will stay with her tonight; the locks changed tomorrow     | crisis   | crisis                  |
|                                                                   | crisis   |                         |
| Money from the council's hardship fund for food this week         | crisis   | crisis                  |
|                                                                   | crisis   |                         |
| Bethan / stay with her tonight / tonight                          | crisis   | crisis                  |
|                                                                   | crisis   |                         |
| Tomorrow at 10                                                    | crisis   | crisis                  |
| not yet                                                           | closing  | decision                |
| 9, 1                                                              | closing  | call_result,call_result |
|                                                                   | outcomes |                         |
|                                                                   | details  |                         |
| 2 — she'd like someone independent with her                       | details  | advocacy                |
| 1                                                                 | closing  | capacity                |
| yes                                                               | details  | agreement               |
| yes, with the police and her GP                                   | closing  | sharing                 |
| She'll keep her bank card with Bethan tonight                     | closing  | next_little_step        |
| Duty social worker / visit with the police / tomorrow at 10       | closing  | next_step               |
| Safeguarding team / hold a strategy discussion / within 24 hours  | closing  | next_step               |
|                                                                   | closing  |                         |
| 03/03/2026                                                        | closing  | review                  |
|                                                                   | done     |                         |
"""

CASES = {"widow": WIDOW, "carer": CARER, "crisis": CRISIS, "david": calls.DAVID}


@pytest.fixture(autouse=True)
def practitioner_settings(monkeypatch):
    monkeypatch.setenv("CONVO_PRACTITIONER_NAME", "Alys Bevan")
    monkeypatch.setenv("CONVO_PRACTITIONER_ROLE", "Social worker")
    monkeypatch.setenv("CONVO_PRACTITIONER_TEAM", "Cynon Valley duty team")
    monkeypatch.setenv("CONVO_TIME_ZONE", "Europe/London")
    monkeypatch.setenv("LOGNAME", "abevan")  # the account that acknowledges an alert


def call(start, name: str):
    conversation = start(conversation_id=f"case-{name}", opening=True)
    play(conversation, CASES[name])
    return conversation.assessment()


@pytest.mark.parametrize("name", ["widow", "carer", "crisis"])
@pytest.mark.parametrize("fmt", ["md", "json"])
def test_each_case_renders_as_its_golden_file(start, name, fmt):
    text = render(call(start, name), fmt)
    golden = GOLDEN / f"{name}.{fmt}"
    if os.environ.get("CONVO_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


FIELDS = ["- Practitioner: Alys Bevan, Social worker, Cynon Valley duty team", "- About: ", "- Taking part: ",
          "- Consent to this conversation: ", "- Communication: ", "- Independent advocacy: ",
          "- Capacity to decide: ", "- Consent to share what was noted: ", "## A carer's own views",
          "Who does what:", "Looked at again: ", "## Agreement"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_case_carries_every_field_and_nothing_unasked(start, name):
    text = render(call(start, name), "md")
    for field in FIELDS:
        assert field in text, field
    assert "not recorded" not in text and "not asked" not in text and "not set" not in text
    assert re.search(r"Started: \d\d \w+ 2026, \d\d:\d\d (GMT|BST)", text)  # local time, the zone named
    assert "UTC" not in text
    assert "Not yet read back" not in text


def test_the_widow_chooses_one_risk_of_two_and_says_how_it_is_made_safer(start):
    record = call(start, "widow")
    stairs = record.outcomes[1]
    night, move = stairs.risks
    assert night.decision is not None and move.decision is None
    assert (night.decision.chosen_by, night.decision.choice, night.wants_to_take_risk) == ("person", "yes", True)
    assert [m.text for m in night.decision.mitigation] == ["A second stair rail; she'll keep a phone by the bed"]
    bath = record.outcomes[3].risks[0]
    assert (bath.decision.choice, bath.wants_to_take_risk, bath.decision.mitigation) == ("no", False, [])


def test_a_carers_words_are_kept_apart_and_never_made_the_persons_choice(start):
    record = call(start, "carer")
    assert [o.text for o in record.outcomes] == ["To go Christmas shopping in Chester one last time"]
    assert [(v.text, v.source) for v in record.carer_views] == [
        ("I need a break; I haven't had a night off since September", "carer"),
        ("Hannah worries Mam will overdo it, but wants her to go", "carer")]
    infection, tired = record.outcomes[0].risks
    assert infection.source == "carer" and infection.decision is None and infection.wants_to_take_risk is None
    assert tired.decision.chosen_by == "person" and tired.wants_to_take_risk is True
    text = render(record, "md")
    infection_line = text[text.index("She could get a chest infection"):].split("\n")[0:2]
    assert "Choice" not in infection_line[1]
    assert "the person chooses" not in text.lower()


def test_a_crisis_call_names_who_does_what_by_when_and_the_review(start):
    record = call(start, "crisis")
    assert [(s.who, s.what, s.when) for s in record.next_steps] == [
        ("Duty social worker", "visit with the police", "tomorrow at 10"),
        ("Safeguarding team", "hold a strategy discussion", "within 24 hours")]
    assert record.review.on.isoformat() == "2026-03-03"
    assert [e.choice_label for e in record.call_results] == ["Adult or child at risk reported", "Information given"]
    assert [e.choice for e in record.advocacy] == ["offered"]
    assert record.conversation == 2 and record.ended_at is not None
    alert, fear = record.safeguarding  # the money taken, and fear of the grandson who takes it
    assert (alert.category, fear.category) == ("financial", "emotional")
    assert [note.label for note in alert.notes] == ["Immediate danger", "Others at risk", "Their view and wishes",
                                                    "What was done"]
    assert all(note.source == "practitioner" for note in alert.notes)
    assert "Ended in: Conversation 2" in render(record, "md")


def test_choices_are_exported_as_their_labels(start):
    record = call(start, "widow")
    data = json.loads(render(record, "json"))
    assert [(e["text"], e["choice_label"]) for e in data["call_results"]] == [
        ("1", "Information given"), ("4", "Connected to people or community resources")]
    markdown = render(record, "md")
    assert "1, 4" not in markdown
    assert "Gave her the number for Care & Repair about a stair rail" in markdown  # "&" as typed, not "\\&"
