"""The wording and yardsticks of practice mode, read from flows/practice/coaching.yaml.

Tips for each kind of turn, the extra service words and phrase families practice treats as jargon,
the words a safety question is made of, how the simulated person's rapport and guardedness move,
the phrases that show a trainee stayed with a disclosure, what practice mode says, and the MITI
thresholds the feedback compares against.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from convo import vocabulary
from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.practice.coder import BEHAVIOUR_CODES
from convo.practice.safety import SafetyWords
from convo.practice.scenario import COACHING_FILE, Mood, practice_dir
from convo.records import PractisedArea
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
    affirm: str
    seeking_collaboration: str
    emphasising_autonomy: str
    persuade: str
    jargon: str = Field(description="{{ term }} is the word")
    so_what_followed: str = Field(description="{{ term }} is the person's word")
    so_what_missed: str = Field(description="{{ term }} is the person's word")
    alert: str = Field(description="Said when something alert-worthy comes out")
    disclosure_ignored: str = Field(description="The turn after a disclosure moved on from it")
    disclosure_stayed: str = Field(description="The turn after a disclosure stayed with it")
    returned: str = Field(description="The trainee went back to a disclosure they had passed over")
    asked_again: str = Field(description="The trainee asked something they had asked before")
    topic_cut: str = Field(default="", description="The trainee cut across the person; {{ term }} is the words")
    guarded: str = Field(description="The person has closed up; {{ name }} is their name")
    language_switch: str = Field(description="The person spoke their first language; {{ language }} names it")
    language_offered: str = Field(description="The trainee offered the person's first language")


class Measure(Strict):
    label: str
    kind: str = Field(pattern="^(ratio|percent)$")
    fair: float = Field(ge=0)
    good: float = Field(ge=0)
    minimum: int = Field(ge=1, description="The fewest turns to divide by before a band is shown")
    counted: str = Field(min_length=1, description="What the minimum counts, for the feedback: questions, reflections")
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
    alert_child: str = Field(description="The alert when the person is under 18")


class JargonFamily(Strict):
    """Service words by family: any head word followed (within a word) by any tail is jargon."""

    heads: list[str] = Field(min_length=1)
    tails: list[str] = Field(min_length=1)


class PersonRules(Strict):
    """How the simulated person's rapport and guardedness move, and what they take."""

    start: Mood = Field(description="Where a scenario starts unless it says otherwise")
    effects: dict[str, Mood] = Field(description="The change each behaviour or moment makes, once a turn")
    highest: int = Field(ge=1, description="Rapport and guardedness stay between 0 and this")
    guarded_at: int = Field(ge=1, description="At this guardedness the person keeps deeper things back")
    moved_at: int = Field(ge=1, description="At this rapport a complex reflection or affirmation moves them")
    closed_run: int = Field(ge=2, description="This many closed questions in a row, and each after, close them down")
    alert_rapport: dict[str, int] = Field(description="Rapport needed to tell an alert-worthy fact, by how invited")
    same_question: float = Field(gt=0, le=1, description="Share of content words that makes a question a repeat")
    topic_cuts: list[str] = Field(default=[], description="Phrases that cut across what the person was saying")
    language_offers: list[str] = Field(default=[], description="Phrases that offer the person their first language")


class Lines(Strict):
    """What any simulated person may say when their scenario has nothing more fitting."""

    again: list[str] = Field(min_length=1, description="Referring back; {{ said }} is what they said before")
    asked_again: list[str] = Field(min_length=1, description="Asked the same thing again; {{ said }} as above")
    guarded: list[str] = Field(min_length=1)
    agree: list[str] = Field(min_length=1, description="A reflection with nothing new behind it, once theirs are used")
    nothing_more: list[str] = Field(min_length=1, description="An open question with nothing behind it, likewise")
    short: list[str] = Field(min_length=1, description="A closed question with nothing behind it, likewise")
    quiet: list[str] = Field(min_length=1, description="When every other line has been used")
    safety_self: list[str] = Field(min_length=1, description="A question about self-harm with nothing behind it")
    safety_others: list[str] = Field(min_length=1, description="A question about harm from others, nothing behind it")
    safety_general: list[str] = Field(min_length=1, description="A question about safety with nothing behind it")
    language_offered: list[str] = Field(min_length=1)


class Element(Strict):
    label: str = Field(description="How the feedback names it")
    todo: str = Field(description="What to do, for Now what?")


class DisclosureRules(Strict):
    """How the response to a disclosure is judged over the turns after it."""

    window: int = Field(ge=1, description="Trainee turns after a disclosure that are judged")
    acknowledge: list[str] = Field(min_length=1)
    next_steps: list[str] = Field(min_length=1)
    immediate: list[str] = Field(min_length=1, description="Asked in a question, these ask about safety now")
    tell_more: list[str] = Field(min_length=1)
    elements: dict[str, Element]
    verdicts: dict[str, str] = Field(description="How each verdict is named: handled, partly, ignored, ended")


class NowWhat(Strict):
    """Suggestions the feedback adds under "Now what?"; {{ name }}, {{ turn }}, {{ summary }}, {{ todo }}."""

    ignored: str
    partly: str
    ended: str
    alert_missed: str
    so_what_missed: str
    language: str


class Coaching(Strict):
    tips: Tips
    prompts: Prompts
    areas: dict[PractisedArea, str] = Field(description="How each area a fact may be in is named to the trainee")
    jargon: list[str] = Field(default=[], description="Service words beyond the service-language lexicon")
    jargon_families: list[JargonFamily] = Field(default=[], description="Service words by phrase family")
    safety: SafetyWords
    so_what_phrases: list[str] = Field(min_length=1, description="Ways of asking what a word means to the person")
    person: PersonRules
    lines: Lines
    disclosure: DisclosureRules
    now_what: NowWhat
    measures: Measures

    def tip(self, key: str, /, **values: Any) -> str:
        return fill(getattr(self.tips, key), **values)

    def say(self, key: str, /, **values: Any) -> str:
        return fill(getattr(self.prompts, key), **values)

    def now(self, key: str, /, **values: Any) -> str:
        """A "Now what?" suggestion, filled in."""
        return fill(getattr(self.now_what, key), **values)


# What can move the person's rapport and guardedness: each behaviour code, and these moments.
EFFECTS = (*BEHAVIOUR_CODES, "jargon", "closed_run", "topic_cut", "ignored", "returned", "asked_again",
           "language_offer")

_NAMES = {"term", "name", "areas", "command", "title", "language", "turn", "summary", "todo", "said"}


def load_coaching(path: str | Path | None = None) -> Coaching:
    document = read(path or practice_dir() / COACHING_FILE)
    try:
        coaching = Coaching.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None
    problems = []

    for area in vocabulary.practised_areas():
        if area not in coaching.areas:
            problems.append(document.problem(("areas",), f"areas: no name for {area}"))
    for key in ("acknowledged", "stayed", "next_steps", "immediate_safety"):
        if key not in coaching.disclosure.elements:
            problems.append(document.problem(("disclosure", "elements"), f"disclosure.elements: no {key}"))
    for key in ("handled", "partly", "ignored", "ended"):
        if key not in coaching.disclosure.verdicts:
            problems.append(document.problem(("disclosure", "verdicts"), f"disclosure.verdicts: no {key}"))
    for section in ("tips", "prompts", "now_what"):
        for key, text in getattr(coaching, section).model_dump().items():
            try:
                unknown = unknown_names(text)
            except Exception as error:  # noqa: BLE001 -- a Jinja2 syntax error, in one line
                problems.append(document.problem((section, key), f"{section}.{key}: {error}"))
                continue
            if unknown - _NAMES:
                first = sorted(unknown - _NAMES)[0]
                problems.append(document.problem((section, key), f"{section}.{key}: unknown name {first!r}"))
    for name in coaching.person.effects:
        if name not in EFFECTS:
            problems.append(document.problem(("person", "effects"),
                                             f"person.effects: {name!r} is not one of {', '.join(EFFECTS)}"))
    for key, texts in coaching.lines.model_dump().items():
        for position, text in enumerate(texts):
            try:
                unknown = unknown_names(text)
            except Exception as error:  # noqa: BLE001 — a Jinja2 syntax error, reported in one line
                problems.append(document.problem(("lines", key, position), f"lines.{key}: {error}"))
                continue
            if unknown - _NAMES:
                problems.append(document.problem(("lines", key, position),
                                                 f"lines.{key}: unknown name {sorted(unknown - _NAMES)[0]!r}"))
    if problems:
        raise YamlProblems(problems)
    return coaching


@lru_cache(maxsize=1)
def shipped_coaching() -> Coaching:
    return load_coaching()
