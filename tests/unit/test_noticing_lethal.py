"""Lethal violence tried or threatened, a wish to die said bare or laughing, a way to die at a place
with a name, asking God to take one, a try at dying told as a small fact, enough put by to die of, and
theft by someone the person knows, each said plainly: the trained model, taught mostly on harm said
sideways and on the idioms of killing, heard none of these ("He tried to kill me" scored 0.01). Beside
each, the everyday words that must raise no banner. Every sentence here was written for these tests."""

from __future__ import annotations

import pytest

from tests.unit.hearing import alert_patterns, alerts


@pytest.mark.parametrize(("text", "category"), [
    # Lethal violence tried or begun, or nearly done.
    ("My ex tried to strangle me with the hoover flex.", "physical"),
    ("my nephew tried to choke me with my own scarf on Boxing Day", "physical"),
    ("She tried to smother me with my duvet.", "physical"),
    ("He tried to kill me at Easter and now he's out again.", "physical"),
    ("Her son went to smother her with a cushion.", "physical"),
    ("he smothered me with a pillow till I saw stars", "physical"),
    ("My partner held my head under the water in the bath.", "physical"),
    ("He nearly choked me last night.", "physical"),
    ("Triodd o fy nhagu i wythnos dwetha.", "physical"),
    # A threat to kill, told as what someone says.
    ("My grandson says he'll kill me if I don't give him my card.", "physical"),
    ("She keeps telling me she'll finish me off one of these days.", "physical"),
    ("The man upstairs said he'd stab me if I rang the police.", "physical"),
    ("He's threatened to kill me.", "physical"),
    # Wanting to die said bare, in text-speak or laughing.
    ("just want to die tbh", "risk_to_life"),
    ("i want to die lol", "risk_to_life"),
    ("gonna unalive myself", "risk_to_life"),
    # A way to die at a place with a name.
    ("I'll throw myself off the Britannia Bridge one day.", "risk_to_life"),
    ("I'm going to walk into the Tawe and that's that.", "risk_to_life"),
    # Asking God to take one.
    ("Every night I ask God to take me.", "risk_to_life"),
    # A try at dying told as a small fact; enough put by.
    ("I took all my sleeping tablets to see if I'd wake up.", "risk_to_life"),
    ("I've got enough morphine in the drawer to see me off.", "risk_to_life"),
    # Theft by someone the person knows, said plainly.
    ("My daughter steals from me.", "financial"),
    ("The night carer stole my wedding ring.", "financial"),
    ("her boyfriend robbed her blind", "financial"),
])
def test_said_plainly_raises_the_banner(text, category):
    assert category in alert_patterns(text)
    assert category in alerts(text)


@pytest.mark.parametrize("text", [
    "My sister tried to kill me with kindness, three puddings a day.",
    "My mum tried to kill me with my favourite pudding, three helpings.",
    "My grandson tried to drown me in the pool, we were messing about.",
    "The dog nearly smothered me with licks when I got home.",
    "She nearly choked me with that perfume of hers.",
    "Mam says she'll kill me if I'm late for Sunday dinner.",
    "My daughter said she'd kill me if I told anyone about the surprise party.",
    "He says he'll kill me for eating the last Welsh cake, ha.",
    "I want to die at home, not in the hospital.",
    "I walked 5 kms with the rambling group on Saturday.",
    "We're going to walk over the Severn Bridge for the hospice.",
    "I'll jump off Tenby pier for the Boxing Day swim again.",
    "I'll drive into the multi-storey and park on the top floor.",
    "I pray God takes care of her when I'm gone.",
    "I ask God to take away the pain in my hip.",
    "I took double my tablets by mistake and ended up in A&E.",
    "I've got enough tablets to see me through Christmas.",
    "My husband stole my heart at the Barry Island dance in 1962.",
    "Someone stole my bike from the shed.",
    "My grandson robbed me blind at cards again, the little rascal.",
    "He stole the show at the chapel concert.",
])
def test_the_everyday_senses_match_no_alert_pattern(text):
    assert alert_patterns(text) == []


def test_taking_the_lot_to_be_at_peace_is_heard_where_a_plan_is_asked():
    from convo.notice.detector import hear

    said = "Finally take the whole packet and get some peace."
    assert "risk_to_life" in alert_patterns(said)
    found = hear(said, speaker="carer", area="next_steps", audience="carer", plan=True)
    assert [f.category for f in found if f.kind == "safeguarding"] == ["risk_to_life"]
    for everyday in ("Take the lot to the tip on Saturday and be done with it.",
                     "I'd take the lot of them to the beach and get some peace.", "I take the lot with my porridge."):
        assert alert_patterns(everyday) == []
