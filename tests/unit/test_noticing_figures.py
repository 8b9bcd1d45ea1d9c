"""Words of harm in their everyday senses, taken out before the phrase patterns read an answer: someone
"pushing me to" do something (encouraging) or pushing a wheelchair round the shops, being "dragged
along to" an outing, having one's head bitten off, a chore one "can't carry on doing", not wanting
to be in hospital but at home, a hand or a face touched in comfort or a limb touched to examine it,
and a thump in play. Beside each, the same words meaning harm, which the patterns still hear. Every
sentence here was written for these tests; none is in the corpus."""

from __future__ import annotations

import pytest

from convo.notice.detector import ALERT
from tests.unit.hearing import alert_patterns, alerts


@pytest.mark.parametrize("text", [
    # Encouraged, or pushed in a wheelchair.
    "My son's been pushing me to join the walking group at the leisure centre.",
    "The physio pushes me to get up and walk to the window twice a day.",
    "She keeps pushing Mam into going to the memory cafe on Thursdays.",
    "My nephew pushes me round the market on a Wednesday and we have chips on the front.",
    "i pushed him round the castle in his chair and he told everyone about the war",
    # Taken along to an outing.
    "My wife dragged me along to the craft fair at the chapel and I bought a tea cosy.",
    "The grandkids dragged me out to the panto, I laughed till I cried.",
    # Told off.
    "She bit my head off for putting the recycling in the wrong bin.",
    # A chore that has become too much.
    "I can't carry on doing the windows, not with my shoulder, so a man comes monthly.",
    "says she can't go on doing the ironing for all of them, wants the kids to do their own",
    # In hospital, wanting to be at home.
    "I don't want to be here, I just want to go home to my own bed and my cat.",
    # A hand or a face touched in comfort; a limb touched to examine it.
    "The new carer touched my hand and told me not to worry about the bills.",
    "Mam touches my cheek every time I leave, it's her way of saying ta-ra.",
    "The doctor touched my ankle to see if it was still swollen.",
    # In play.
    "My grandson punched me on the shoulder when Wales scored, just messing about.",
])
def test_everyday_senses_raise_no_alert_pattern(text):
    assert alert_patterns(text) == [], text


@pytest.mark.parametrize("text, category", [
    ("He pushed me to the floor and stood on my hand.", "physical"),
    ("My son keeps pushing me to sign the house over to him.", "financial"),
    ("He dragged me to the bedroom by my hair.", "physical"),
    ("He pushes me around when he's had a drink.", "physical"),
    ("The new carer touches my face when he washes me and I don't like it.", "sexual"),
    ("The driver touched my leg all the way to the day centre.", "sexual"),
    ("The porter touched my bottom when he was wheeling me back from X-ray.", "sexual"),
    ("I can't carry on doing this, I don't want to wake up any more.", "risk_to_life"),
    ("I don't want to be here any more, not anywhere.", "risk_to_life"),
    ("My grandson punched me in the face when I wouldn't give him my card, he says he was just messing.",
     "physical"),
    ("She slaps me round the head in front of her mates, just messing, she says.", "physical"),
    # The figures are taken out only from a sentence that says nothing of harm, money, sex, drugs, the
    # body or being left; and a way of speaking of dying is not a wish to go home.
    ("My nephew keeps pushing me into getting a loan for him and I've nothing left.", "physical"),
    ("He pushed me to take my top off in front of his mate.", "physical"),
    ("My stepdad dragged me along to the match and punched me when we got home.", "physical"),
    ("I don't want to be here, I want to go home to be with my wife, she died last year.", "risk_to_life"),
    ("The driver touched my knee to see whether I'd say anything.", "sexual"),
])
def test_the_same_words_meaning_harm_still_alert(text, category):
    assert category in alert_patterns(text), text
    assert alerts(text), text


@pytest.mark.parametrize("text", [
    "I'm scared of my husband's diagnosis, we go back to the consultant on Friday.",
    "Terrified of my daughter's wedding, I've got to give a speech.",
    "He locks me in at night when he goes to bed, I asked him to.",
])
def test_fear_for_someone_and_a_door_locked_at_the_persons_asking_raise_no_alert_pattern(text):
    assert alert_patterns(text) == [], text


@pytest.mark.parametrize("text, kind", [
    ("I'm scared of my husband when he's been drinking.", "emotional"),
    ("I'm scared of my son's temper.", "emotional"),
    ("She locks me in when she goes to the pub.", "domestic_abuse"),
    ("He locks me in at night, I asked him to at first but now he won't give me a key.", "domestic_abuse"),
    ("He goes through my texts, he says we agreed but I never agreed to anything.", "domestic_abuse"),
    ("She threatened to ring the police about the noise, she means me crying, and have me sectioned.", "emotional"),
])
def test_fear_of_someone_being_locked_in_a_phone_searched_and_a_threat_still_alert(text, kind):
    assert alert_patterns(text), text
    assert alerts(text), text


@pytest.mark.parametrize("text", [
    "My sister dragged me along to the quiz night at the rugby club and we came second.",
    "The practice nurse touched my ankle to see how far the swelling had gone up.",
    "My grandson thumps me on the shoulder when I get a question wrong on the telly quiz, haha.",
    "I can't keep on managing the stairs, I need a stairlift.",
    "I don't want to be here on my own all day while she's at work.",
    "I don't want to be in here at the respite, I miss my own bed.",
    "Dw i ddim isio bod yma, dw i isio mynd adre at y gath.",
    "The carers shout at Taid because he's deaf, he'd rather that than miss anything.",
    "Mae'r nyrsys yn gweiddi arna i achos dw i'n drwm fy nghlyw.",
    "Mae fy mab yn fy ngwthio i yn y gadair olwyn rownd y parc bob bore Sul.",
    "Mae fy merch yn cadw fy arian achos mod i wedi gofyn iddi, ac mae hi'n dangos y derbynebau i mi.",
])
def test_play_care_loneliness_and_raised_voices_for_the_deaf_raise_no_alert_pattern(text):
    assert alert_patterns(text) == [], text


@pytest.mark.parametrize("text, kind", [
    ("My brother thumps me on the arm till it bruises, haha he says, but it hurts.", "physical"),
    ("The staff shout at him and call him deaf and stupid and laugh about it.", "emotional"),
    ("Mae'r staff yn gweiddi arna i ac yn chwerthin achos dw i'n fyddar.", "emotional"),
    ("I don't want to be here any more, on my own or anywhere.", "risk_to_life"),
    ("He touched my leg to see how far I'd let him go.", "sexual"),
])
def test_the_same_words_meaning_harm_still_raise_their_pattern(text, kind):
    assert kind in alert_patterns(text), text


@pytest.mark.parametrize("text", [
    "Mae'r staff yn fy ngwthio i ymarfer bob dydd, chwarae teg iddyn nhw.",
    "Mae hi'n fy nharo i ar fy mraich pan dw i'n dweud jôc wael, dim ond chwarae.",
])
def test_pushed_to_exercise_and_a_tap_in_play_in_welsh_raise_no_alert_pattern(text):
    assert alert_patterns(text) == [], text


@pytest.mark.parametrize("text", [
    "Mae fy mab yn fy ngwthio i lawr y grisiau.",
    "Mae o'n fy nharo i, dim ond chwarae medda fo.",
])
def test_pushed_down_the_stairs_and_play_said_by_the_one_who_hits_still_alert_in_welsh(text):
    assert "physical" in alert_patterns(text), text


@pytest.mark.parametrize("text", [
    "I've left the form half done, I'll finish it tonight.",
    "The quilt for my granddaughter's nearly there, I'll finish it soon.",
])
def test_a_task_finished_raises_no_alert_pattern(text):
    assert alert_patterns(text) == [], text


@pytest.mark.parametrize("text", [
    "I've written the letters and I've got the tablets, I'll finish it tonight.",
    "I've done the ironing for him, I'm going to end it tonight.",
    "I'm going to end it tonight.",
])
def test_ending_it_with_a_plan_said_beside_a_chore_still_alerts(text):
    assert "risk_to_life" in alert_patterns(text), text


@pytest.mark.parametrize("text", [
    "Reported to adult safeguarding duty by phone at 14:05.",
    "The adult duty desk.",
    "Referred on to the children's safeguarding hub this afternoon.",
    "Spoke to adult social care about the referral.",
])
def test_who_a_concern_was_reported_to_raises_no_alert(text):
    assert alerts(text) == [], text


@pytest.mark.parametrize("text", [
    "My son hits me and I reported him to adult safeguarding.",
    "Reported to adult safeguarding, he hits her every night.",
])
def test_a_report_beside_a_disclosure_still_alerts(text):
    assert alerts(text), text


@pytest.mark.parametrize("said", ["mae hi'n fy mwrw i weithiau, mae gen i gleisiau ar fy mreichiau",
                                  "ma fe'n 'y mwrw i pan dw i'n ei olchi fe"])
def test_a_carer_hit_by_the_person_they_look_after_in_welsh_is_physical_harm_as_in_english(said):
    assert alerts(said, "carer", "carer") == ["physical"]


@pytest.mark.parametrize("said", ["mae'r glaw yn bwrw", "mae hi'n bwrw eira ers bore"])
def test_the_weather_in_welsh_hits_no_one(said):
    assert alerts(said) == [] and alert_patterns(said) == []


@pytest.mark.parametrize("text", [
    "Sorry I meant £83.70 a week",
    "Sorry I meant my mum",
    "oops typo, 40 hours a week",
    "sorry, wrong box, that was about Dad",
    "Sori, o'n i'n feddwl Mam",
])
def test_a_correction_of_what_was_typed_is_not_guilt_or_despair(text):
    assert alerts(text, "carer", "carer") == []


@pytest.mark.parametrize("text, category", [
    ("sorry, I meant to say he hits me", "physical"),
    ("I'm sorry for everything, I meant to be a better wife", "risk_to_life"),
    ("Sorry I put him through all that. I can't live with myself", "carer_breakdown"),
])
def test_what_follows_an_apology_is_heard_as_ever(text, category):
    assert category in alerts(text, "carer", "carer")


def test_a_risk_to_ones_own_life_given_as_the_plan_is_held_to_the_risks_bar_not_never_raised():
    from convo.notice.detector import hear

    def raised(text: str) -> list[str | None]:
        return [f.category for f in hear(text, speaker="carer", area="closing", audience="carer", plan=True)
                if f.kind == ALERT]

    assert raised("I've been thinking of taking all his tablets myself") == ["risk_to_life"]
    for plan in ("Sort out his tablets into the dosette box on Sunday", "Get a lock box for the tablets so he "
                 "can't take too many", "Bethan will keep her bank card for her tonight"):
        assert raised(plan) == []


@pytest.mark.parametrize("text, category", [
    ("My dad. I don't see the point in going on any more", "risk_to_life"),
    ("I can't see the point of living like this", "risk_to_life"),
    ("Dw i ddim yn gweld pwynt mynd ymlaen", "risk_to_life"),
    ("Be di'r pwynt byw fel hyn", "risk_to_life"),
    ("I lock her in her room when I pop to the shop", "carer_breakdown"),
    ("I've started locking Mum in at night so I can sleep", "carer_breakdown"),
    ("Sometimes I think about just driving the car into a wall", "risk_to_life"),
    ("I picture myself steering into a lorry on the A55", "risk_to_life"),
    ("Sometimes I think about swerving into oncoming traffic", "risk_to_life"),
    ("I don't really see the point in going on", "risk_to_life"),
])
def test_not_seeing_the_point_of_going_on_and_a_carer_locking_someone_in(text, category):
    assert category in alerts(text, "carer", "carer")


@pytest.mark.parametrize("text", [
    "I don't see the point in going on about it, the council never listens",
    "Mum doesn't see the point in going on the walker, she says she's fine with her stick",
    "Does dim pwynt codi'n gynnar ar ddydd Sul",
    "Be di'r pwynt cario ymlaen efo'r ffisio",
    "Can't see the point in getting up early on a Sunday, I have a lie-in",
    "I'm thinking of driving into the bus station to pick her up",
    "I want to drive into the sea front car park for the views",
    "I keep his tablets in a box and I lock them in the cupboard at night",
    "We lock her in the utility room at night, she chews everything",
    "I lock them in the shed, the bikes got nicked",
    "I locked him in a hug and wouldn't let go, the soft lump",
])
def test_the_same_words_in_their_everyday_senses_raise_no_banner(text):
    assert alerts(text, "carer", "carer") == []
