"""Practice scenarios: who the simulated person is, how they open, and the facts a good conversation uncovers.

Scenarios are YAML files in flows/practice/; `load_scenario` checks one and reports every problem
as FILE:LINE:COL, so `convo flows check` covers them like flows and lexicons.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from convo.flow.yamlfile import Problem, YamlProblems, read, validation_problems
from convo.paths import flows_dir
from convo.records import PractisedArea
from convo.strict import Strict

# What it takes to reveal a fact: its topic touched at all; an open question or a reflection on
# its topic; or a "so what?" follow-up on a word the person used.
Needs = Literal["topic", "open", "so_what"]

COACHING_FILE = "coaching.yaml"

_Replies = list[str]


def _nonblank(values: list[str]) -> list[str]:
    if any(not value.strip() for value in values):
        raise ValueError("replies must not be blank")
    return values


class Mood(Strict):
    """How open the person is: rapport rises as they feel heard, guardedness as they do not."""

    rapport: int = 0
    guardedness: int = 0


class Language(Strict):
    """A first language other than English, which the person speaks when moved."""

    code: str = Field(pattern=r"^[a-z]{2,3}$", description="ISO 639 code, e.g. cy")
    name: str = Field(min_length=1, description="Its name in English, e.g. Welsh")
    reviewed: bool = Field(description="Whether a fluent speaker has checked the lines in it")
    note: str = ""


class Person(Strict):
    name: str = Field(min_length=1)
    age: int | None = Field(default=None, ge=0, le=120)
    about: str = Field(min_length=1, description="What the trainee knows before the conversation")
    start: Mood | None = Field(default=None, description="How open they are at first, if not the usual")
    first_language: Language | None = None


class DefaultReplies(Strict):
    """What the person says when a turn reveals nothing new."""

    closed: _Replies = Field(min_length=1, description="A short answer to a closed question")
    open: _Replies = Field(min_length=1, description="An open question with nothing new behind it")
    reflection: _Replies = Field(min_length=1, description="A reflection with nothing new behind it")
    information: _Replies = Field(min_length=1, description="Information or advice given too soon")
    puzzled: _Replies = Field(min_length=1, description="Jargon; {{ term }} is the word that puzzled them")
    other: _Replies = Field(min_length=1, description="Anything else")
    # In the person's own voice; where these are left out, the lines in coaching.yaml are used.
    guarded: _Replies = Field(default=[], description="When they have closed up")
    again: _Replies = Field(default=[], description="Referring back; {{ said }} is what they said before")
    asked_again: _Replies = Field(default=[], description="Asked the same thing twice; {{ said }} as above")
    safety_self: _Replies = Field(default=[], description="Asked about self-harm, with nothing to tell")
    safety_others: _Replies = Field(default=[], description="Asked about harm from others, with nothing to tell")
    safety_general: _Replies = Field(default=[], description="Asked about safety, with nothing to tell")
    language_offered: _Replies = Field(default=[], description="Offered their first language")

    _check = field_validator("closed", "open", "reflection", "information", "puzzled", "other", "guarded", "again",
                             "asked_again", "safety_self", "safety_others", "safety_general",
                             "language_offered")(_nonblank)


class DisclosureReplies(Strict):
    """What a person who has just told something alert-worthy says next, by how the trainee responds."""

    stayed: _Replies = Field(min_length=1, description="The trainee stayed with it")
    safety: _Replies = Field(min_length=1, description="The trainee asked whether they are safe now")
    next_steps: _Replies = Field(min_length=1, description="The trainee said what happens next")
    ignored: _Replies = Field(min_length=1, description="The trainee moved on as if it had not been said")
    returned: _Replies = Field(min_length=1, description="The trainee came back to it after moving on")

    _check = field_validator("stayed", "safety", "next_steps", "ignored", "returned")(_nonblank)


class Fact(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    area: PractisedArea = Field(description="The area of the conversation it belongs to")
    summary: str = Field(min_length=1, description="The fact in a line, for the feedback")
    needs: Needs = "topic"
    topics: list[str] = Field(default=[],
                              description="Words or phrases that touch this fact; a trailing * matches any ending")
    word: str | None = Field(default=None, description="For needs: so_what, the person's generic word to follow up")
    alert: bool = Field(default=False, description="Safeguarding: only told after a safety question or a reflection")
    after: list[str] = Field(default=[], description="Facts that must come out first")
    replies: _Replies = Field(min_length=1)
    when_asked: _Replies = Field(default=[], description="Told in answer to a question, in place of replies")
    when_reflected: _Replies = Field(default=[], description="Told after a reflection, in place of replies")
    moved: _Replies = Field(default=[], description="Told when the person is moved, in their first language")
    closed: _Replies = Field(default=[], description="The short answer a closed question on this topic gets")
    hint: str | None = Field(default=None,
                             description="What the person lets slip when asked openly and nothing else fits")

    safety: list[Literal["self", "others"]] = Field(
        default=[], description="Alert-worthy: the direct safety questions that reach it (any open one does)")
    denied: _Replies = Field(default=[], description="Alert-worthy: a direct question about it, asked too soon")
    stay_with: list[str] = Field(default=[], description="Alert-worthy: words that show the trainee stayed with it")
    responses: DisclosureReplies | None = Field(default=None, description="Alert-worthy: what they say next")

    _check = field_validator("replies", "when_asked", "when_reflected", "moved", "closed", "denied")(_nonblank)


class Scenario(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1, description="One line for the list of scenarios")
    person: Person
    setting: str = Field(min_length=1)
    opening: str = Field(min_length=1)
    what_matters: str = Field(min_length=1, description="The scenario's own statement of what matters")
    replies: DefaultReplies
    facts: list[Fact] = Field(min_length=1)

    def fact(self, fact_id: str) -> Fact:
        return next(fact for fact in self.facts if fact.id == fact_id)


class LoadedScenario(BaseModel):
    """A checked scenario with where it came from, so a saved practice can name its exact version."""

    model_config = ConfigDict(frozen=True)

    scenario: Scenario
    path: str
    hash: str


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and check a scenario file; raise YamlProblems with every problem found."""
    document = read(path)
    try:
        scenario = Scenario.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None
    problems: list[Problem] = []
    ids = [fact.id for fact in scenario.facts]
    def said_before(fact: Fact) -> str:
        others = (line for other in scenario.facts if other is not fact
                  for line in [*other.replies, *other.closed, other.hint or ""])
        return " ".join([scenario.opening, *others, fact.hint or ""])

    for index, fact in enumerate(scenario.facts):
        where = ("facts", index)
        if ids.index(fact.id) != index:
            problems.append(document.problem((*where, "id"), f"facts[{index}].id: {fact.id!r} is used twice"))
        for position, other in enumerate(fact.after):
            if other not in ids:
                problems.append(document.problem((*where, "after", position),
                                                 f"facts[{index}].after: no fact {other!r}"))
            elif other == fact.id:
                problems.append(document.problem((*where, "after", position),
                                                 f"facts[{index}].after: a fact cannot wait for itself"))
        if fact.needs == "so_what":
            if not fact.word:
                problems.append(document.problem((*where, "needs"),
                                                 f"facts[{index}]: needs so_what, so give the person's word in word:"))
            elif not _mentions(said_before(fact), fact.word):
                problems.append(document.problem((*where, "word"),
                                                 f"facts[{index}].word: the person never says {fact.word!r}"))
        elif not fact.topics and not fact.alert:
            problems.append(document.problem(where, f"facts[{index}]: needs {fact.needs}, so list its topics:"))
        if fact.alert and fact.responses is None:
            problems.append(document.problem(where, f"facts[{index}]: an alert-worthy fact needs responses:"))
        if fact.moved and scenario.person.first_language is None:
            problems.append(document.problem((*where, "moved"),
                                             f"facts[{index}].moved: the person has no first_language"))
        for position, topic in enumerate(fact.topics):
            if not topic.strip() or topic.strip() == "*":
                problems.append(document.problem((*where, "topics", position), f"facts[{index}].topics: empty topic"))
    if problems:
        raise YamlProblems(sorted(set(problems)))
    digest = hashlib.sha256(document.text.encode()).hexdigest()[:16]
    return LoadedScenario(scenario=scenario, path=str(path), hash=digest)


def _mentions(text: str, word: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word.casefold()), text.casefold()) is not None


def practice_dir() -> Path:
    return flows_dir() / "practice"


def scenario_files() -> list[Path]:
    folder = practice_dir()
    return sorted(p for p in folder.glob("*.yaml") if p.name != COACHING_FILE) if folder.is_dir() else []


@lru_cache(maxsize=32)
def _cached(path: str, mtime: float) -> LoadedScenario:
    return load_scenario(path)


def _load(path: Path) -> LoadedScenario:
    return _cached(str(path), path.stat().st_mtime)


def shipped() -> list[LoadedScenario]:
    return [_load(path) for path in scenario_files()]


def get_scenario(name: str) -> LoadedScenario:
    """A shipped scenario by id or file stem, or a scenario file by path."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        return load_scenario(candidate)
    for path in scenario_files():
        if path.stem == name:
            return _load(path)
    for loaded in shipped():
        if loaded.scenario.id == name:
            return loaded
    names = ", ".join(path.stem for path in scenario_files())
    raise LookupError(f"there is no practice scenario called {name!r}: choose one of {names} or give a file")
