"""The wording and yardsticks of practice mode, read from flows/practice/coaching.yaml.

Tips for each kind of turn, the extra service words practice treats as jargon, the words that ask
about safety, what practice mode says, and the MITI thresholds the feedback compares against.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.practice.scenario import COACHING_FILE, practice_dir
from convo.strict import Strict
from convo.templating import fill, unknown_names


class Tips(Strict):
    """A one-line tip for each code the coder gives, and for the moments practice watches for."""

    open_question: str
    closed_question: str
    simple_reflection: str
    complex_reflection: str
    information: str
    advice: str
    other: str
    jargon: str = Field(description="{{ term }} is the word")
    so_what_followed: str = Field(description="{{ term }} is the person's word")
    so_what_missed: str = Field(description="{{ term }} is the person's word")
    alert: str = Field(description="Said when something alert-worthy comes out")


class Measure(Strict):
    label: str
    kind: str = Field(pattern="^(ratio|percent)$")
    fair: float = Field(ge=0)
    good: float = Field(ge=0)
    source: str = Field(min_length=1)


class Measures(Strict):
    reflection_to_question: Measure
    complex_reflections: Measure
    open_questions: Measure


class Prompts(Strict):
    """What practice mode says in its own voice."""

    start: str
    turn: str
    help: str
    coach_on: str
    coach_off: str
    draft_saved: str
    draft: str
    what: str
    so_what: str
    now_what: str
    ended: str
    explored: str
    explored_none: str
    unknown_command: str
    needs_text: str
    alert: str


class Coaching(Strict):
    tips: Tips
    prompts: Prompts
    areas: dict[str, str] = Field(description="How each fact area is named to the trainee")
    jargon: list[str] = Field(default=[], description="Service words beyond the service-language lexicon")
    safety: list[str] = Field(min_length=1, description="Words that ask about safety")
    so_what_phrases: list[str] = Field(min_length=1, description="Ways of asking what a word means to the person")
    measures: Measures

    def tip(self, key: str, /, **values: Any) -> str:
        return fill(getattr(self.tips, key), **values)

    def say(self, key: str, /, **values: Any) -> str:
        return fill(getattr(self.prompts, key), **values)


_NAMES = {"term", "name", "areas", "command", "title"}


def load_coaching(path: str | Path | None = None) -> Coaching:
    document = read(path or practice_dir() / COACHING_FILE)
    try:
        coaching = Coaching.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None
    problems = []
    from convo.practice.scenario import AREAS

    for area in AREAS:
        if area not in coaching.areas:
            problems.append(document.problem(("areas",), f"areas: no name for {area}"))
    for section in ("tips", "prompts"):
        for key, text in getattr(coaching, section).model_dump().items():
            try:
                unknown = unknown_names(text)
            except Exception as error:  # noqa: BLE001 -- a Jinja2 syntax error, in one line
                problems.append(document.problem((section, key), f"{section}.{key}: {error}"))
                continue
            if unknown - _NAMES:
                first = sorted(unknown - _NAMES)[0]
                problems.append(document.problem((section, key), f"{section}.{key}: unknown name {first!r}"))
    if problems:
        raise YamlProblems(problems)
    return coaching


@lru_cache(maxsize=1)
def shipped_coaching() -> Coaching:
    return load_coaching()
