"""A choice picked by an age, in digits or words, and a question asked again until something is chosen:
the flow file says which ages pick which choice, and the checker catches ages that make no sense."""

from __future__ import annotations

import pytest

from convo.flow.loader import load
from convo.flow.numbers import exact_numbers
from convo.flow.yamlfile import YamlProblems

FLOW = """\
id: ages
version: 1
title: Ages
audiences: [carer]
parts:
  - id: only
    title: Only
    stages:
      - id: how-old
        title: How old
        area: about
        captures: decision
        single: true
        choices_only: true
        prompt:
          carer: "How old are you?"
        choices:
          - {value: child, label: "Under 18", ages: [0, 17]}
          - {value: adult, label: "18 or over", ages: [18, 120]}
"""


@pytest.mark.parametrize(("typed", "numbers"), [
    ("16", [16]), ("sixteen", [16]), ("I'm 16", [16]), ("yes I'm 17", [17]), ("twenty-one", [21]),
    ("Forty Two!", [42]), ("under 18", []), ("nearly eighteen", []), ("no one", []), ("he is 80 and I am 16", [80, 16]),
    ("", []), ("none", []),
])
def test_numbers_are_read_in_digits_or_words_and_a_number_after_under_is_not_exact(typed, numbers):
    assert exact_numbers(typed) == numbers


def test_a_flow_may_give_each_choice_its_ages(tmp_path):
    path = tmp_path / "ages.yaml"
    path.write_text(FLOW)
    flow = load(path)
    assert [c.ages for c in flow.steps["how-old"].choices] == [(0, 17), (18, 120)]
    assert flow.steps["how-old"].choices_only


@pytest.mark.parametrize(("change", "message"), [
    ("ages: [18, 120]", "ages: [17, 120]"),
    ("ages: [0, 17]", "ages: [17, 3]"),
])
def test_ages_that_overlap_or_run_backwards_are_reported_where_they_are(tmp_path, change, message):
    path = tmp_path / "ages.yaml"
    path.write_text(FLOW.replace(change, message))
    with pytest.raises(YamlProblems) as raised:
        load(path)
    problem = raised.value.problems[0]
    assert problem.line in (18, 19) and ("overlap" in problem.message or "lower age first" in problem.message)


def test_choices_only_needs_choices(tmp_path):
    path = tmp_path / "ages.yaml"
    path.write_text(FLOW.split("        choices:\n")[0])
    with pytest.raises(YamlProblems, match="'choices_only' needs choices"):
        load(path)
