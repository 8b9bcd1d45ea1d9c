"""The three-conversations flow end to end: listen and connect, crisis, a good life, and the close."""

from __future__ import annotations

from convo.engine import outputs as out
from tests.transcript import play

DAVID = """
| say                                                          | asks             | records      | notes       |
| 2                                                            | details          |              |             |
| David Pryce, ref 40213                                       | details          | identity     |             |
| Sian, niece, on the phone; David was with her                | details          | present      |             |
| yes                                                          | details          | consent      |             |
| 1                                                            | about            | communication |            |
| David, 74, his niece rang; he has Parkinson's                | about            | about        |             |
|                                                              | own_resources    |              |             |
| He still feeds Mali the cat every morning                    | own_resources    | strength     |             |
|                                                              | circumstances    |              |             |
| Widowed last spring; lives alone in a terrace in Aberdare    | circumstances    | circumstance |             |
|                                                              | outcomes         |              |             |
| I'm not going anywhere without Mali                          | outcomes         | outcome      |             |
|                                                              | outcomes#1       |              |             |
| keep                                                         | own_resources#1  | outcome_type |             |
| He knows her routine and her vet                             | own_resources#1  | strength     |             |
|                                                              | others#1         |              |             |
|                                                              | community#1      |              |             |
| The cat rescue in town does home visits                      | community#1      | community    |             |
|                                                              | barriers#1       |              |             |
| His hands shake too much to open the tins                    | barriers#1       | barrier      |             |
|                                                              | risks#1          |              |             |
| He would refuse to go into hospital                          | risks#1          | risk         |             |
|                                                              | risks#1          |              |             |
| yes                                                          | risks#1          | risk_choice  |             |
| Sian will ring him each evening                              | connect          | risk_mitigation |          |
| Told him about the cat rescue's fostering scheme             | connect          | connection   |             |
|                                                              | connect          |              |             |
| 3                                                            | good_life        | decision     |             |
| Pottering in the garden with Mali in the sun                 | good_life        | good_life    |             |
|                                                              | good_life        |              |             |
|                                                              | good_life        |              |             |
| 1                                                            | good_life        | support_shape |            |
| 3                                                            | good_life        | support_shape |            |
| 2                                                            | good_life        | support_shape |            |
| 3                                                            | closing          | support_shape |            |
| 1, 4                                                         | closing          | call_result,call_result |  |
|                                                              | outcomes         |              |             |
| Sian would like him to have a cleaner; she can only get there on Sundays | outcomes | carer_view |        |
|                                                              | details          |              |             |
| 1                                                            | details          | advocacy     |             |
| 1                                                            | closing          | capacity     |             |
| yes                                                          | details          | agreement    |             |
| yes, with his GP and Sian                                    | closing          | sharing      |             |
| He will ask the cat rescue about fostering, this week        | closing          | next_little_step |         |
| Sian / ring the cat rescue / Friday                          | closing          | next_step    |             |
|                                                              | closing          |              |             |
| 14 April 2026                                                | closing          | review       |             |
|                                                              | done             |              |             |
"""


def test_david_moves_from_listening_to_a_good_life(start):
    conversation = start(opening=True)
    play(conversation, DAVID)
    record = conversation.assessment()
    assert [step.conversation for step in record.path] == [1, 3]
    assert record.outcomes[0].type == "maintain"
    assert [(e.label, e.choice) for e in record.good_life if e.choice] == [
        ("Where", "own-home"), ("How often", "hybrid"), ("How long", "fluctuating"), ("At what stage", "maintenance"),
    ]
    assert [(e.text, e.choice) for e in record.call_results] == [("1", "information"), ("4", "connected")]
    assert record.agreement[0].choice == "agreed"
    assert record.next_little_steps[0].text == "He will ask the cat rescue about fostering, this week"


CRISIS = """
| say                                                   | asks          | records  | notes  |
| Mrs Evans, 88, rang by her neighbour                  | about         | about    | cue:people |
| Her grandson takes her pension and she's scared of him| risks         | about    | alert  |
| She says he locks her in                              | risks         | safeguarding |    |
| /c2 safeguarding concern raised during the call       | crisis        |          |        |
| The neighbour will stay with her tonight              | crisis        | crisis   |        |
|                                                       | crisis        |          |        |
|                                                       | crisis        |          |        |
|                                                       | crisis        |          |        |
| Tomorrow at 10                                        | crisis        | crisis   |        |
| /c3                                                   | crisis        |          | error  |
| not yet                                               | closing       | decision |        |
| /c3                                                   | closing       |          | error  |
"""


def test_safeguarding_is_unmissable_and_crisis_blocks_long_term_plans(start):
    conversation = start()
    outputs = play(conversation, CRISIS)
    alerts = [o for o in outputs[1] if isinstance(o, out.Alert)]
    assert alerts and "duty to report" in alerts[0].text and "/c2" in alerts[0].text
    record = conversation.assessment()
    # Money taken and fear of the one who takes it: two kinds of harm, an alert each, from one answer.
    alert, fear = record.safeguarding
    assert (alert.category, fear.category) == ("financial", "emotional") and alert.said_by == "person"
    assert alert.text == fear.text == "Her grandson takes her pension and she's scared of him"
    assert alert.id == fear.id
    # What the practitioner types at the safety questions is their own note, kept with the answer's first alert.
    assert [(n.label, n.text, n.source) for n in alert.notes] == [
        ("Immediate danger", "She says he locks her in", "practitioner")]
    assert fear.notes == []
    assert [step.conversation for step in record.path] == [1, 2]
    assert record.path[1].reason == "safeguarding concern raised during the call"


def test_conversation_three_can_be_forced_with_a_reason_that_is_recorded(start):
    conversation = start()
    refused = conversation.send("/c3")
    assert isinstance(refused[0], out.Error)
    moved = conversation.send("/c3 long-standing needs, agreed with team manager")
    assert moved[-1].area == "good_life"
    assert conversation.assessment().path[-1].reason == "long-standing needs, agreed with team manager"
