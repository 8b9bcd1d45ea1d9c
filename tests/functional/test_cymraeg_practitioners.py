"""The practitioner flows in Welsh: a three-conversations call and a what-matters conversation held wholly in
Welsh, every question asked in Welsh and every answer kept in Welsh; and a call that changes language part-way."""

from __future__ import annotations

import re
from datetime import date

from convo import library
from convo.engine import outputs as out
from convo.engine.draft import build
from convo.flow.loader import Flow, load
from convo.records import Audience
from convo.render import render
from tests.transcript import play

# Dafydd Pryce's call, in Welsh from the Active Offer on: choices picked by Welsh words, the niece's own view
# kept as hers, a next step as who / what / when and the review as a date.
DAFYDD_CY = """
| say                                                                  | asks             | records          |
| Cymraeg                                                              | details          |                  |
| Dafydd Pryce, cyf 40213                                              | details          | identity         |
| Sian, ei nith, ar y ffôn; roedd Dafydd gyda hi                       | details          | present          |
| ydyn                                                                 | details          | consent          |
| dim                                                                  | about            | communication    |
| Dafydd, 74, ei nith a ffoniodd; mae ganddo glefyd Parkinson          | about            | about            |
|                                                                      | own_resources    |                  |
| Mae'n dal i fwydo Mali'r gath bob bore                               | own_resources    | strength         |
|                                                                      | circumstances    |                  |
| Yn weddw ers y gwanwyn; yn byw ar ei ben ei hun mewn tŷ teras yn Aberdâr | circumstances | circumstance     |
|                                                                      | outcomes         |                  |
| Dydw i ddim yn mynd i unman heb Mali                                 | outcomes         | outcome          |
|                                                                      | outcomes#1       |                  |
| cadw                                                                 | own_resources#1  | outcome_type     |
| Mae'n gwybod ei threfn hi ac mae'n nabod ei milfeddyg                | own_resources#1  | strength         |
|                                                                      | others#1         |                  |
|                                                                      | community#1      |                  |
| Mae'r lloches cathod yn y dref yn gwneud ymweliadau cartref          | community#1      | community        |
|                                                                      | barriers#1       |                  |
| Mae ei ddwylo'n crynu gormod i agor y tuniau                         | barriers#1       | barrier          |
|                                                                      | risks#1          |                  |
| Byddai'n gwrthod mynd i'r ysbyty                                     | risks#1          | risk             |
|                                                                      | risks#1          |                  |
| ydyn                                                                 | risks#1          | risk_choice      |
| Bydd Sian yn ei ffonio bob nos                                       | connect          | risk_mitigation  |
| Soniais wrtho am gynllun maethu'r lloches cathod                     | connect          | connection       |
|                                                                      | connect          |                  |
| 3                                                                    | good_life        | decision         |
| Garddio gyda Mali yn yr haul                                         | good_life        | good_life        |
|                                                                      | good_life        |                  |
|                                                                      | good_life        |                  |
| gartref                                                              | good_life        | support_shape    |
| cymysgedd                                                            | good_life        | support_shape    |
| mynd a dod                                                           | good_life        | support_shape    |
| cynnal                                                               | closing          | support_shape    |
| gwybodaeth, cyngor                                                   | closing          | call_result,call_result |
|                                                                      | outcomes         |                  |
| Hoffai Sian iddo gael glanhawr; dim ond ar ddydd Sul y gall hi fynd yno | outcomes      | carer_view       |
|                                                                      | details          |                  |
| dim angen                                                            | details          | advocacy         |
| nac oes                                                              | closing          | capacity         |
| ydy                                                                  | details          | agreement        |
| ydyn, gyda'i feddyg teulu a Sian                                     | closing          | sharing          |
| Bydd yn holi'r lloches cathod am faethu, yr wythnos hon              | closing          | next_little_step |
| Sian / ffonio'r lloches cathod / dydd Gwener                         | closing          | next_step        |
|                                                                      | closing          |                  |
| 14/04/2026                                                           | closing          | review           |
|                                                                      | done             |                  |
"""

# Helen's what-matters conversation with a practitioner, in Welsh: two things that matter, one of them passed
# over with a reason.
HELEN_CY = """
| say                                                          | asks             | records          |
| Cymraeg                                                      | details          |                  |
|                                                              | details          |                  |
|                                                              | details          |                  |
|                                                              | details          |                  |
|                                                              | circumstances    |                  |
| Mae'n byw gyda'i gŵr Ifor ar lan afon Teifi                  | circumstances    | circumstance     |
| Mae ei merch Carys yn galw bron bob dydd                     | circumstances    | circumstance     |
|                                                              | own_resources    |                  |
| Mae hi'n dal i nabod pob aderyn ar yr afon                   | own_resources    | strength         |
|                                                              | outcomes         |                  |
| Cerdded at yr afon bob dydd i chwilio am y crëyr glas        | outcomes         | outcome          |
| Aros adref gydag Ifor tan y diwedd                           | outcomes         | outcome          |
|                                                              | outcomes#1       |                  |
| cadw                                                         | barriers#1       | outcome_type     |
| Mae hi'n colli ei gwynt ar y rhiw yn ôl                      | barriers#1       | barrier          |
|                                                              | own_resources#1  |                  |
| Mae hi'n cymryd ei hamser ac yn gorffwys ar y fainc          | own_resources#1  | strength         |
|                                                              | others#1         |                  |
| Mae Carys yn cerdded gyda hi ar ôl gwaith                    | others#1         | support          |
|                                                              | community#1      |                  |
| Y cyngor cymuned a osododd y fainc                           | community#1      | community        |
|                                                              | risks#1          |                  |
| Gallai hi gael codwm ar y llwybr                             | risks#1          | risk             |
|                                                              | risks#1          |                  |
| ydyn                                                         | risks#1          | risk_choice      |
| Bydd Carys yn cerdded gyda hi ac yn cario ei ffôn            | outcomes#2       | risk_mitigation  |
| newid                                                        | barriers#2       | outcome_type     |
| /skip buon ni'n siarad am hyn yr wythnos diwethaf             | own_resources#2  |                  |
|                                                              | others#2         |                  |
|                                                              | community#2      |                  |
|                                                              | risks#2          |                  |
|                                                              | outcomes         |                  |
|                                                              | details          |                  |
|                                                              | details          |                  |
|                                                              | closing          |                  |
| ydy                                                          | details          | agreement        |
|                                                              | closing          |                  |
| Ffonio'r nyrs ardal am gadair olwyn ar gyfer diwrnodau gwael | closing          | next_little_step |
|                                                              | closing          |                  |
|                                                              | closing          |                  |
|                                                              | closing          |                  |
|                                                              | done             |                  |
"""

# Text shorter than this between a template's placeholders ("” — ", "? (") is not wording in either language.
_SHORTEST = 8


def _literal(template: str) -> list[str]:
    """The wording of a template between its placeholders and tags, in the pieces a prompt shows whole."""
    return [part.strip() for part in re.split(r"\{[{%].*?[%}]\}", template) if len(part.strip()) >= _SHORTEST]


def _shown(template: str, text: str) -> bool:
    """Whether `text` is `template` filled in: all the wording of one of its branches ({% if %}…{% else %}…)."""
    branches = [branch for branch in re.split(r"\{%.*?%\}", template) if _literal(branch)]
    return any(all(part in text for part in _literal(branch)) for branch in branches)


def _asked_in_welsh(played: list[list[out.Output]], flow: Flow, audience: Audience) -> list[str]:
    """Each question shown, checked to be in the flow's Welsh and not its English; returns the stages asked."""
    welsh, english = flow.in_language("cy"), flow.in_language("en")
    asked = []
    for prompt in (o for outputs in played for o in outputs if isinstance(o, out.Prompt)):
        if prompt.stage not in english.steps:
            continue  # finished: convo's own words, from the messages file
        cy, en = welsh.steps[prompt.stage], english.steps[prompt.stage]
        assert prompt.title == cy.title != en.title, f"{prompt.stage}: title {prompt.title!r}"
        wordings = [w for w in (cy.prompt.get(audience), cy.again.get(audience)) if w]
        assert any(_shown(w, prompt.text) for w in wordings), \
            f"{prompt.stage}: not the Welsh wording: {prompt.text!r}"
        english_parts = [part for w in (en.prompt.get(audience), en.again.get(audience)) if w for part in _literal(w)]
        assert not [part for part in english_parts if part in prompt.text], f"{prompt.stage}: English shown"
        assert [c["label"] for c in prompt.choices] == [c.label for c in cy.choices]
        asked.append(prompt.stage)
    return asked


def test_the_practitioner_flows_are_written_in_welsh():
    for name in ("three-conversations", "what-matters"):
        assert "cy" in load(library.flow_path(name)).languages, name


def test_a_three_conversations_call_is_held_wholly_in_welsh(start):
    conversation = start("three-conversations", opening=True)
    played = play(conversation, DAFYDD_CY)
    flow = load(library.flow_path("three-conversations"))
    asked = _asked_in_welsh(played, flow, Audience.practitioner)
    assert {"outcome-kind", "risk-choice", "c1-next", "shape-stage", "call-result", "agreement", "review"} <= set(asked)
    said = [o.text for outputs in played for o in outputs if isinstance(o, out.Info | out.Error)]
    assert all("Gymraeg" in text or "English" not in text for text in said)
    assert {item.language for item in conversation.state.items.values()} == {"cy"}
    record = build(conversation)  # the draft
    assert record.language_offer is not None and record.language_offer.chosen == "cy"
    assert [step.conversation for step in record.path] == [1, 3]
    assert [o.text for o in record.outcomes] == ["Dydw i ddim yn mynd i unman heb Mali"]
    assert record.outcomes[0].type == "maintain" and record.outcomes[0].risks[0].wants_to_take_risk
    assert [e.choice for e in record.good_life if e.choice] == ["own-home", "hybrid", "fluctuating", "maintenance"]
    assert [(e.text, e.choice) for e in record.call_results] == [("gwybodaeth", "information"), ("cyngor", "advice")]
    assert [e.choice for e in record.consent] == ["yes"] and record.agreement[0].choice == "agreed"
    assert record.review is not None and record.review.on == date(2026, 4, 14)
    assert {entry.language for entry in record.circumstances} == {"cy"}  # kept as said, never translated
    assert "Garddio gyda Mali yn yr haul" in render(record, "md")


def test_a_what_matters_conversation_is_held_wholly_in_welsh(start):
    conversation = start("what-matters", opening=True)
    played = play(conversation, HELEN_CY)
    asked = _asked_in_welsh(played, load(library.flow_path("what-matters")), Audience.practitioner)
    assert {"circumstances", "outcome-kind", "barriers", "risk-choice", "risk-safer", "agreement"} <= set(asked)
    assert {item.language for item in conversation.state.items.values()} == {"cy"}
    record = build(conversation)
    assert record.language_offer is not None and record.language_offer.chosen == "cy"
    heron, home = record.outcomes
    assert (heron.type, home.type) == ("maintain", "change")
    assert [(r.text, r.wants_to_take_risk) for r in heron.risks] == [("Gallai hi gael codwm ar y llwybr", True)]
    assert home.not_explored == {"barriers": "buon ni'n siarad am hyn yr wythnos diwethaf"}
    assert record.agreement[0].choice == "agreed"
    assert record.next_little_steps[0].text == "Ffonio'r nyrs ardal am gadair olwyn ar gyfer diwrnodau gwael"


def test_a_carer_is_asked_the_what_matters_questions_in_welsh(start):
    conversation = start("what-matters", audience="carer", opening=True)
    played = play(conversation, """
        | say                                    | asks            | records      |
        | Cymraeg                                | circumstances   |              |
        | Rydw i'n byw gyda Mam yn Llanbed       | circumstances   | circumstance |
        |                                        | own_resources   |              |
        |                                        | outcomes        |              |
        | Cael noson allan gyda fy ffrindiau     | outcomes        | outcome      |
        |                                        | outcomes#1      |              |
        | newid                                  | barriers#1      | outcome_type |
    """)
    asked = _asked_in_welsh(played, load(library.flow_path("what-matters")), Audience.carer)
    assert asked[0] == "circumstances" and "outcome-kind" in asked
    assert conversation.prompt().text == "Beth sy'n rhwystro “Cael noson allan gyda fy ffrindiau” ar hyn o bryd?"


def test_a_call_that_changes_language_part_way_asks_in_each_and_keeps_each_answer_in_its_own(start, store, clock):
    conversation = start("three-conversations", opening=True)
    play(conversation, """
        | say                                       | asks          | records   |
        | 2                                         | details       |           |
        | Dafydd Pryce, ref 40213                   | details       | identity  |
        | /language cy                              | details       |           |
        | Sian, ei nith, ar y ffôn                  | details       | present   |
        | ydyn                                      | details       | consent   |
        | /language en                              | details       |           |
        | nothing needed                            | about         | communication |
        | Dafydd, 74, his niece rang                | about         | about     |
    """)
    assert conversation.language == "en"
    conversation.send("/language cy")
    assert conversation.prompt().text == "Unrhyw beth arall am bwy ydyn nhw neu pam eu bod nhw wedi ffonio? " \
                                         "(Enter ar linell wag i symud ymlaen.)"
    assert conversation.prompt().title == "Gyda phwy rydyn ni'n siarad"
    conversation.send("")
    conversation.send("Mae'n dal i fwydo Mali'r gath bob bore")
    items = sorted(conversation.state.items.values(), key=lambda item: item.id)
    assert [(item.kind, item.language) for item in items] == [
        ("identity", "en"), ("present", "cy"), ("consent", "cy"), ("communication", "en"), ("about", "en"),
        ("strength", "cy")]
    record = build(conversation)
    assert record.language_offer is not None and record.language_offer.chosen == "en"
    assert [e.choice for e in record.consent] == ["yes"] and [e.choice for e in record.communication] == ["none"]
    resumed = library.resume(store, conversation.id, clock=clock)
    asked = resumed.prompt()
    assert resumed.language == "cy" and isinstance(asked, out.Prompt) and asked.title == "Beth sy'n mynd yn dda"
