"""Money help said plainly is not a disclosure: a person's own money kept where they keep it, and
someone else's money held for them with what they see of it said in the same breath. Beside it,
money taken or kept by someone else, which the financial pattern still raises whatever excuse comes
with it ("so I don't lose it", "to keep it safe" are said either way). Every sentence here was written
for these tests; none is in the corpus."""

from __future__ import annotations

import pytest

from tests.unit.hearing import alert_patterns


@pytest.mark.parametrize("text", [
    "My nephew keeps my bank card so I don't lose it, and I haven't had a penny of it since March.",
    "Her son took her pension to keep it safe, he says, and now the rent's not paid.",
    "Mum keeps her benefits card and won't give her any money for the bus.",
    "She takes my card on pension day and I get it back empty.",
    "The lodger has had my savings, all of it, and says I gave it him.",
    "He keeps my card in his wallet, says I'd only lose it, and I have to ask for every penny.",
    # What would be a cover, undone in the same breath, or about the one taking.
    "My stepson keeps my card and shows me a statement every month, but it's one he's made on his computer.",
    "She spends my money whenever she likes and I've nothing left for the gas.",
    "He took my savings in order to buy himself a van.",
    "My son keeps my bank card, I asked him to give it back and he laughs.",
])
def test_money_taken_or_kept_by_someone_else_raises_the_financial_pattern(text):
    assert "financial" in alert_patterns(text)


@pytest.mark.parametrize("text", [
    "Gran keeps her money in a biscuit tin on the dresser, always has.",
    "Dad took his pension to the post office himself this morning.",
    "Nain keeps her purse in the bread bin so she knows where it is.",
    "My son keeps my card because I asked him to, and he shows me the statement every month.",
    "My niece has my bank card for the shopping and brings me back the receipts.",
    "My daughter keeps my pension card and I go through the app with her every Sunday.",
    "The warden holds my money and I can have it whenever I want.",
    "My grandson took my card to pay the gas and came back with the receipt.",
    "Mam keeps her pension in the post office account like she always has.",
    "My key worker keeps my bank card in the office and we look at the statement together.",
])
def test_money_help_with_what_the_person_sees_of_it_raises_no_financial_pattern(text):
    assert "financial" not in alert_patterns(text)


@pytest.mark.parametrize("text", [
    "My carer makes me pay for all her shopping as well as mine.",
    "The girl from the agency has me buy her a meal deal every time we go to the Co-op.",
    "My support worker puts her own shopping through on my card.",
    "He gets me to pay for his fags and his taxis and I've nothing left by Wednesday.",
])
def test_someone_elses_things_paid_for_with_the_persons_money_alert(text):
    assert "financial" in alert_patterns(text), text


@pytest.mark.parametrize("text", [
    "She buys her own shopping on a Friday when we go to Aldi.",
    "My daughter makes me pay for her lunch but we take turns, she gets the next one.",
    "The carer pays for her shopping with her own card and does mine separately.",
    "He gets his shopping delivered now, it saves him the bus.",
    "My son makes me pay for the taxi because it's my appointment.",
])
def test_own_things_paid_for_or_turns_taken_raise_no_financial_pattern(text):
    assert "financial" not in alert_patterns(text), text


@pytest.mark.parametrize("text, kind", [
    ("She keeps her purse hidden because she's worried about burglars.", "financial"),
    ("Nain keeps her pension book locked away in the bureau.", "financial"),
    ("My daughter checks my phone to make sure I've not been scammed again, I asked her to.", "domestic_abuse"),
    ("He reads my texts for me since the scam, because I asked him to.", "domestic_abuse"),
])
def test_own_money_put_away_and_a_phone_checked_at_the_persons_asking_raise_no_alert_pattern(text, kind):
    assert kind not in alert_patterns(text), text


@pytest.mark.parametrize("text, kind", [
    ("Her son keeps her purse hidden from her and she has to ask for the bus fare.", "financial"),
    ("She reads my texts every night, I asked her to stop but she won't.", "domestic_abuse"),
])
def test_money_kept_from_someone_and_a_phone_checked_against_their_wishes_still_alert(text, kind):
    assert kind in alert_patterns(text), text


def test_how_much_longer_a_carer_can_keep_going_is_not_a_question_about_money():
    from convo.notice import detector
    from convo.notice.model import load
    from convo.notice.patterns import patterns

    said = "Honestly some days I don't know how much longer I can keep this up without more help."
    assert detector.read(said, "carer", patterns(), load())[1] != "financial"
    assert detector.read("I don't know how much is in my account, he does it all.", "person", patterns(),
                         load())[1] == "financial"
