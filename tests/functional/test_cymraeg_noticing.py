"""Alerts and suggestions in the conversation's language: a Welsh conversation shows them in Welsh, an English
one as before, and what is raised is the same in either."""

from __future__ import annotations

from convo.engine import outputs as out

# Dafydd's answers, said in Welsh: one to ask about, one naming people, one a disclosure.
ANSWERS = [
    "Mae ganddi glais ar ei boch, mae'n dweud ei bod hi wedi taro'r drws",  # a bruise explained away
    "Mae fy merch yn helpu gyda'r siopa bob wythnos",
    "Mae fy merch yn siopa i mi, ond mae fy mab yn cadw fy ngherdyn banc",
]

FINANCIAL_EN = (
    "SAFEGUARDING (Financial or material abuse) — “Mae fy merch yn siopa i mi, ond mae fy mab yn cadw fy ngherdyn "
    "banc”: what was said may mean someone is taking, holding or controlling their money or property, or pressing "
    "them over it. You have a duty to report an adult or child at risk under your local safeguarding procedures "
    "(Social Services and Well-being (Wales) Act 2014, ss.128 and 130). If anyone is in immediate danger, call 999. "
    "Type /c2 to move to Conversation 2 and stay with them now.")


def shown(conversation, language: str) -> list[out.Alert | out.Cue]:
    if language != "en":
        conversation.send(f"/language {language}")
    return [o for line in ANSWERS for o in conversation.send(line) if isinstance(o, out.Alert | out.Cue)]


def test_a_welsh_conversation_shows_its_alert_and_suggestions_in_welsh(start):
    found = shown(start(), "cy")
    alert = next(o for o in found if isinstance(o, out.Alert))
    assert alert.text.startswith("DIOGELU (Cam-drin ariannol neu faterol) — “Mae fy merch yn siopa i mi")
    assert "Mae dyletswydd arnoch chi i roi gwybod" in alert.text and "ffoniwch 999" in alert.text
    assert alert.text.endswith("Teipiwch /c2 i symud i Sgwrs 2, ac arhoswch gyda nhw nawr.")
    cues = {cue.kind: cue.text for cue in found if isinstance(cue, out.Cue)}
    assert cues["concern"].startswith("Gwerth holi amdano (cam-drin corfforol): Gofynnwch yn dyner")
    assert cues["people"].startswith("Fe sonion nhw am “merch”.")
    assert not any(english in o.text for o in found for english in ("SAFEGUARDING", "Worth asking", "mentioned"))


def test_an_english_conversation_shows_them_as_before(start):
    found = shown(start(), "en")
    assert [o.text for o in found if isinstance(o, out.Alert)] == [FINANCIAL_EN]
    cues = {cue.kind: cue.text for cue in found if isinstance(cue, out.Cue)}
    assert cues["concern"] == ("Worth asking about (physical abuse): Ask gently how the injury or the rough handling "
                               "came about, and whether they feel safe with the people around them.")
    assert cues["people"] == "They mentioned merch. Record what merch does or could do as support from others?"


def test_the_same_things_are_raised_in_either_language(start):
    english = shown(start(conversation_id="test-en"), "en")
    welsh = shown(start(conversation_id="test-cy"), "cy")
    assert [(o.kind, o.term) for o in english] == [(o.kind, o.term) for o in welsh]
    assert [o.text for o in english] != [o.text for o in welsh]


def test_a_concern_raised_by_hand_and_a_waiting_alert_are_in_welsh(start):
    conversation = start("what-matters")
    conversation.send("/language cy")
    raised = conversation.send("/concern risk_to_life mae'n dweud nad yw eisiau bod yma rhagor")
    alert = next(o for o in raised if isinstance(o, out.Alert))
    assert alert.text.startswith("DIOGELU (Risg i fywyd neu hunan-niweidio)")
    assert "Y Samariaid: 116 123, am ddim, ddydd neu nos." in alert.text and "999" in alert.text
    assert alert.text.endswith("Arhoswch gyda nhw nawr.")  # no Conversation 2 in this flow
    assert any(isinstance(o, out.Info) and "(Risg i fywyd neu hunan-niweidio)" in o.text for o in raised)
    [(_, waiting, _, _)] = conversation.waiting_alerts()
    assert waiting == alert.text


def test_a_carer_in_welsh_is_told_where_to_get_help_now_in_welsh(start):
    conversation = start("carer", audience="carer")
    conversation.send("/language cy")
    said = conversation.send("Sometimes I think I can't go on")  # said in English in a Welsh conversation
    [alert] = [o for o in said if isinstance(o, out.Alert)]
    assert alert.category == "risk_to_life"
    assert "ffoniwch y Samariaid am ddim ar 116 123, ddydd neu nos" in alert.text
    assert "Os oes unrhyw un arall mewn perygl ar hyn o bryd, ffoniwch 999." in alert.text and "/c2" not in alert.text
