"""A choice named first and words after it: the words add to the choice ("yes, with her GP"), or turn it
into the choice they name ("yes, but not as much"), or leave it unclear, and then it is asked again rather
than guessed."""

from __future__ import annotations

import pytest

from convo import library
from convo.flow.choices import match


def _willing(language: str = "en"):
    flow, _ = library.get("carer")
    return flow.in_language(language).steps["willing-and-able"].choices


@pytest.mark.parametrize(("said", "value"), [
    ("yes, definitely", "yes"),
    ("yes, 2 days a week", "yes"),  # a number after a choice names no other
    ("no, not really", "no"),
    ("yes, but not as much", "less"),  # the choice whose own words start as the answer does
    ("Yes - but not as much as now", "less"),
    ("no, not sure", None),  # two answers: asked again
    ("yes — no", None),
    ("yes, but I can't do nights", None),  # "can't" is a word of "no", and "no" is not "yes, but…"
    ("yes, with some help", None),  # "some" is a word of "less", said without a "but"
])
def test_words_after_a_choice_add_to_it_turn_it_or_make_it_unclear(said, value):
    found = match(_willing(), said)
    assert (found.value if found else None) == value


def test_the_same_in_welsh():
    assert match(_willing("cy"), "ydw, ond llai").value == "less"
    assert match(_willing("cy"), "ydw, ond ddim cymaint").value == "less"
    assert match(_willing("cy"), "nac ydw, ddim yn siŵr") is None
    assert match(_willing("cy"), "ydw").value == "yes"


def test_a_number_picks_a_choice_only_where_the_question_numbers_its_choices():
    flow, _ = library.get("what-matters")
    assert match(flow.steps["outcome-kind"].choices, "1") is None  # shown as words: "1" is not guessed
    assert match(_willing(), "2").value == "less"  # "(1 yes / 2 yes, but not as much as now / …)"
    carer, _ = library.get("carer")
    assert match(carer.steps["share"].choices, "1") is None  # consent is never given by a stray digit


@pytest.mark.parametrize(("stage", "said", "value"), [
    ("willing-and-able", "dunno really", "unsure"),
    ("carers-assessment", "yeah go on then", "yes"),
    ("carers-assessment", "um, no", "no"),
    ("share", "no thanks", "no"),
    ("willing-and-able", "i think not", None),  # "not" alone is no choice: asked again
    ("willing-and-able", "really", None),
])
def test_a_choice_said_with_words_around_it_that_change_nothing(stage, said, value):
    flow, _ = library.get("carer")
    found = match(flow.steps[stage].choices, said)
    assert (found.value if found else None) == value


def test_only_but_turns_a_choice_and_welsh_words_around_one_change_nothing():
    assert match(_willing(), "yes, though some days it's hard") is None  # asked again, not taken as "less"
    flow, _ = library.get("carer")
    assert match(flow.in_language("cy").steps["carers-assessment"].choices, "wel ie").value == "yes"
