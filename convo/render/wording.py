"""The draft's own wording, in the language it is rendered in: read from flows/draft/wording.yaml, where each
heading, label and fixed phrase has an English (en) and a Welsh (cy) wording.

A draft is rendered in one language, or in both side by side as bilingual council documents are (Welsh
first, then English). Nothing a person said passes through here: their words are never translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from convo.language import LANGUAGES, pick

BOTH = "both"
CHOICES = (*LANGUAGES, BOTH)
# Welsh first, then English, as a bilingual council document puts them.
_BOTH_ORDER = ("cy", "en")
_FILLING = re.compile(r"\{(\w+)\}")


class WordingMissing(LookupError):
    """A key the draft asks for that the wording file does not have."""


def languages(language: str) -> tuple[str, ...]:
    """The languages a draft asked for in `language` (en, cy or both) is rendered in, in order."""
    if language == BOTH:
        return _BOTH_ORDER
    if language not in LANGUAGES:
        raise ValueError(f"the draft comes in {', '.join(CHOICES)}, not {language!r}")
    return (language,)


@lru_cache(maxsize=1)
def _all() -> dict[str, Any]:
    from convo.flow.yamlfile import read
    from convo.paths import flows_dir

    data = read(flows_dir() / "draft" / "wording.yaml").data
    return data if isinstance(data, dict) else {}


def entry(key: str) -> Any:
    """The wording (a mapping of language to words) a dotted key names, such as "headings.about"."""
    node: Any = _all()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise WordingMissing(f"the draft's wording file has no {key!r}")
        node = node[part]
    return node


def has(key: str) -> bool:
    try:
        entry(key)
    except WordingMissing:
        return False
    return True


def words(key: str, language: str, **values: object) -> str:
    """The wording of `key` in one language, with each {name} in it filled in from `values`."""
    found = pick(entry(key), language)
    return fill(str(found), values)


def fill(text: str, values: dict[str, object]) -> str:
    return _FILLING.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(), text)


def months(language: str) -> list[str]:
    return [str(month) for month in pick(entry("months"), language)]


def keys() -> list[str]:
    """Every dotted key that names a wording."""
    from convo.language import is_wording

    found: list[str] = []

    def walk(node: Any, where: str) -> None:
        if is_wording(node):
            found.append(where)
        elif isinstance(node, dict):
            for name, value in node.items():
                walk(value, f"{where}.{name}" if where else str(name))

    walk(_all(), "")
    return found


# -- the places the record lists as not explored ------------------------------------------------------------
# The record names them in English (they are part of the JSON record); the draft shows each in the language
# asked for. These are the shapes convo.engine.draft writes them in.

_NOT_ENTERED = re.compile(r"^(?P<name>.+): not entered$")
_LOOP = re.compile(r"^Outcome (?P<n>\d+): (?P<what>.+) not explored yet$")
_NOT_REACHED = re.compile(r"^(?P<name>.+): not reached$")
_OF_OUTCOME = re.compile(r"^(?P<title>.+) \(outcome (?P<n>\d+)\)$")
_PART = re.compile(r"^Conversation (?P<n>\d+) \((?P<title>.+)\)$")


@dataclass(frozen=True)
class Place:
    """A place in the conversation as the record names it: a title from the flow, an outcome's number,
    and what is said of it (not_entered, not_reached, loop_not_yet, or nothing)."""

    title: str
    outcome: int | None = None
    state: str | None = None
    part: int | None = None


def place(text: str) -> Place:
    """The parts of a place the record names, such as "Barriers (outcome 2): not reached"."""
    loop = _LOOP.match(text)
    if loop:
        return Place(loop.group("what"), int(loop.group("n")), "loop_not_yet")
    state = None
    for pattern, said in ((_NOT_ENTERED, "not_entered"), (_NOT_REACHED, "not_reached")):
        found = pattern.match(text)
        if found:
            text, state = found.group("name"), said
            break
    part = _PART.match(text)
    if part:
        return Place(part.group("title"), None, state, int(part.group("n")))
    outcome = _OF_OUTCOME.match(text)
    if outcome:
        return Place(outcome.group("title"), int(outcome.group("n")), state)
    return Place(text, None, state)


def place_words(found: Place, language: str, outcome: Any = None) -> str:
    """A place in one language. `outcome(number, language, inside)` names an outcome (by default by its
    number); `inside` is true where it follows a title in brackets, false where it starts the line."""
    if outcome is None:
        def outcome(number: int, code: str, inside: bool) -> str:
            return words("unexplored.of_outcome" if inside else "headings.outcome", code, n=number)
    if found.state == "loop_not_yet":
        assert found.outcome is not None
        head = outcome(found.outcome, language, False)
        text = words("unexplored.loop_not_yet", language, n=found.outcome, what=found.title)
        return head + text[text.index(":"):] if ":" in text else text
    if found.part is not None:
        name = f"{words('parts.conversation', language, n=found.part)} ({_part_title(found, language)})"
    elif found.outcome is not None:
        name = f"{found.title} ({outcome(found.outcome, language, True)})"
    else:
        name = found.title
    return f"{name}: {words('unexplored.' + found.state, language)}" if found.state else name


def _part_title(found: Place, language: str) -> str:
    key = f"parts.{found.part}"
    return words(key, language) if has(key) else found.title
