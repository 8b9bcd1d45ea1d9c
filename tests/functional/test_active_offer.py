"""The Active Offer: each shipped flow opens by offering Welsh, in Welsh first; the answer sets the language, the
offer is recorded as made, and the draft says so."""

from __future__ import annotations

import pytest

from convo.engine import outputs as out
from convo.events import LanguageChosen
from convo.render import render
from tests.transcript import play

FLOWS = [("three-conversations", "practitioner"), ("what-matters", "practitioner"), ("what-matters", "carer"),
         ("carer", "carer")]


@pytest.mark.parametrize(("flow", "audience"), FLOWS)
def test_every_flow_opens_by_offering_welsh_in_welsh_first(start, flow, audience):
    prompt = start(flow, audience=audience, opening=True).prompt()
    assert isinstance(prompt, out.Prompt)
    welsh_first = "Hoffech chi gael y sgwrs hon yn Gymraeg? / Would you like this conversation in Welsh?"
    assert prompt.text.startswith(welsh_first)
    assert [choice["value"] for choice in prompt.choices] == ["cy", "en"]


def _offers(conversation) -> list[LanguageChosen]:
    return [e.payload for e in conversation.events if isinstance(e.payload, LanguageChosen)]


def test_choosing_welsh_switches_the_conversation_and_records_that_it_was_offered(start):
    conversation = start("carer", audience="carer", opening=True)
    said = play(conversation, """
        | say     | asks  | records |
        | Cymraeg | about |         |
    """)[0]
    assert any(isinstance(o, out.Info) and "Gymraeg" in o.text for o in said)
    assert conversation.language == "cy" and conversation.state.offered_welsh
    assert _offers(conversation) == [LanguageChosen(language="cy", offered=True)]
    assert not conversation.state.items  # the choice is the conversation's language, not the person's words


@pytest.mark.parametrize("answer", ["2", "English", "na", "no thanks"])
def test_choosing_english_keeps_english_and_records_the_offer(start, answer):
    conversation = start("three-conversations", opening=True)
    conversation.send(answer)
    assert conversation.language == "en" and conversation.state.offered_welsh
    assert _offers(conversation) == [LanguageChosen(language="en", offered=True)]


def test_a_blank_answer_keeps_the_language_and_moves_on(start):
    conversation = start("carer", audience="carer", opening=True)
    play(conversation, """
        | say | asks  | records |
        |     | about |         |
    """)
    assert conversation.language == "en"
    assert _offers(conversation) == [LanguageChosen(language="en", offered=True, passed=True)]


def test_an_answer_that_chooses_no_language_is_asked_again_and_not_kept(start):
    conversation = start("carer", audience="carer", opening=True)
    said = conversation.send("Sian Owen")
    assert any(isinstance(o, out.Error) for o in said)
    assert conversation.step is not None and conversation.step.offers_language
    assert not conversation.state.items and not _offers(conversation)


def test_going_to_an_area_never_lands_on_the_offer(start):
    conversation = start("carer", audience="carer")
    conversation.send("/goto about")
    assert conversation.step is not None and not conversation.step.offers_language


@pytest.mark.parametrize(("answer", "said"), [
    ("1", "made; Welsh (Cymraeg) chosen"),
    ("English", "made; English chosen"),
    ("", "made; passed over, carried on in English"),
])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_draft_says_the_offer_was_made_and_what_was_chosen(start, answer, said, fmt):
    conversation = start("three-conversations", opening=True)
    conversation.send(answer)
    assert conversation.assessment().language_offer is not None
    english = render(conversation.assessment(), fmt, language="en")
    assert "Welsh offered first (the Active Offer)" in english
    assert said in english


def test_a_welsh_draft_says_the_offer_was_made_in_welsh(start):
    conversation = start("three-conversations", opening=True)
    conversation.send("1")
    welsh = render(conversation.assessment(), "md")  # in the conversation's language
    assert "Cynnig y Gymraeg yn gyntaf (y Cynnig Rhagweithiol)" in welsh
    assert "dewiswyd y Gymraeg" in welsh


def test_the_offer_is_not_in_the_list_of_what_was_not_explored(start):
    record = start("carer", audience="carer").assessment()
    assert "Cymraeg / Welsh" not in " ".join(record.not_reached + record.nothing_said)


def test_an_offer_taken_back_is_no_longer_recorded(start):
    conversation = start("carer", audience="carer", opening=True)
    conversation.send("Cymraeg")
    conversation.send("/undo")
    assert conversation.assessment().language_offer is None
    assert conversation.step is not None and conversation.step.offers_language
