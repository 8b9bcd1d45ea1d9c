"""The flows written in Welsh: a carer's whole conversation in Welsh, and every wording a person reads there
given in Welsh."""

from __future__ import annotations

import pytest

from convo import library, wording
from convo.engine import outputs as out
from convo.engine.draft import build
from convo.flow.loader import load
from convo.render import render
from tests.transcript import play

# Sian Pugh, in Welsh from the first screen: the offer taken, then each question answered or passed over.
SIAN_CY = """
| say                                            | asks             | records          |
| Cymraeg                                        | about            |                  |
| nac ydw                                        | circumstances    | decision         |
| Fy mam, sydd â dementia ac yn byw gyda ni      | circumstances    | circumstance     |
|                                                | circumstances    |                  |
| Ei chodi yn y nos a'i meddyginiaethau          | circumstances    | circumstance     |
|                                                | outcomes         |                  |
| Mynd yn ôl i ganu gyda'r côr                   | outcomes         | outcome          |
|                                                | barriers#1       |                  |
| Does neb i aros gyda Mam ar nos Iau            | barriers#1       | barrier          |
|                                                | own_resources#1  |                  |
| Rydw i'n dal i ganu gartref                    | own_resources#1  | strength         |
|                                                | others#1         |                  |
| Fy chwaer, Non                                 | others#1         | support          |
|                                                | community#1      |                  |
| Capel Salem                                    | community#1      | community        |
|                                                | risks#1          |                  |
| Colli cysylltiad gyda fy ffrindiau             | risks#1          | risk             |
|                                                | risks#1          |                  |
| byddwn                                         | circumstances    | risk_choice      |
| ydw                                            | circumstances    | decision         |
|                                                | circumstances    |                  |
|                                                | circumstances    |                  |
|                                                | circumstances    |                  |
|                                                | circumstances    |                  |
|                                                | circumstances    |                  |
|                                                | own_resources    |                  |
|                                                | others           |                  |
|                                                | community        |                  |
|                                                | good_life        |                  |
|                                                | risks            |                  |
|                                                | crisis           |                  |
|                                                | closing          |                  |
| hoffwn                                         | closing          | decision         |
| ydw                                            | closing          | decision         |
| Ffonio'r côr ddydd Llun                        | closing          | next_little_step |
|                                                | done             |                  |
"""

# Words that are the same in both languages, so may stand as they are in a Welsh wording.
SAME_IN_BOTH = {"Cymraeg"}


def welsh_flows() -> list[str]:
    return [name for name in library.shipped_names() if "cy" in load(library.flow_path(name)).languages]


def test_the_carer_flow_is_written_in_welsh():
    assert "carer" in welsh_flows()


def test_a_carer_has_the_whole_conversation_in_welsh(start):
    conversation = start("carer", audience="carer", opening=True)
    played = play(conversation, SIAN_CY)
    flow = load(library.flow_path("carer"))
    english = flow.in_language("en")
    prompts = [o for outputs in played for o in outputs if isinstance(o, out.Prompt)]
    assert prompts
    for prompt in prompts:
        if prompt.stage not in english.steps:
            continue  # finished: convo's own words, from the messages file
        step = english.steps[prompt.stage]
        assert prompt.title != step.title, f"{prompt.stage}: title in English"
        assert prompt.text not in (step.prompt["carer"], step.again.get("carer")), f"{prompt.stage}: in English"
    said = [o.text for outputs in played for o in outputs if isinstance(o, out.Info | out.Error)]
    assert said and all("Gymraeg" in text or "English" not in text for text in said)
    record = build(conversation)  # the draft
    assert record.language_offer is not None and record.language_offer.chosen == "cy"
    assert {item.language for item in conversation.state.items.values()} == {"cy"}
    assert {entry.language for entry in record.circumstances} == {"cy"}  # kept with the words, never translated


def _missing_welsh(name: str) -> list[str]:
    flow = load(library.flow_path(name))
    welsh, english = flow.in_language("cy"), flow.in_language("en")
    missing = []

    def compare(where: str, cy: str | None, en: str | None) -> None:
        if en and (not cy or (cy == en and en not in SAME_IN_BOTH)):
            missing.append(f"{name}: {where}: {en!r}")

    compare("title", welsh.title, english.title)
    for part_cy, part_en in zip(welsh.file.parts, english.file.parts, strict=True):
        compare(f"{part_en.id}: title", part_cy.title, part_en.title)
        compare(f"{part_en.id}: blocked", part_cy.blocked, part_en.blocked)
    for stage, step in english.steps.items():
        cy = welsh.steps[stage]
        compare(f"{stage}: title", cy.title, step.title)
        compare(f"{stage}: skip_reason", cy.skip_reason, step.skip_reason)
        for audience, text in step.prompt.items():
            if not step.offers_language:  # the offer is put in Welsh first in either language
                compare(f"{stage}: prompt for {audience}", cy.prompt.get(audience), text)
        for audience, text in step.again.items():
            compare(f"{stage}: again for {audience}", cy.again.get(audience), text)
        for choice_cy, choice_en in zip(cy.choices, step.choices, strict=True):
            compare(f"{stage}: choice {choice_en.value}", choice_cy.label, choice_en.label)
    return missing


@pytest.mark.parametrize("name", welsh_flows())
def test_every_wording_of_a_welsh_flow_is_in_welsh(name):
    assert _missing_welsh(name) == []


def test_every_message_convo_says_is_in_welsh():
    keys = wording.keys()  # every message in flows/messages.yaml
    assert [key for key in keys if not wording.wording(key, "cy")] == []


def test_a_welsh_answer_is_marked_welsh_in_the_html_draft(start):
    conversation = start("carer", audience="carer", opening=True)
    play(conversation, SIAN_CY)
    page = render(build(conversation), "html", language="en")
    assert '<span lang="cy">Fy mam, sydd â dementia ac yn byw gyda ni</span>' in page
    # In the conversation's own language the page is Welsh, and so are the answers: the page's lang says so.
    assert render(build(conversation), "html").startswith('<!DOCTYPE html>\n<html lang="cy">')
