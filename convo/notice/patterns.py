"""Phrase patterns that know direction, role, negation and figures of speech (flows/notice/patterns.yaml).

"Someone else does it to me" is a disclosure; "I hit my head when I fell" is not. A match just after
a negation ("he'd never hurt me") is lowered to "worth asking about", never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.paths import flows_dir
from convo.strict import Strict

_MACRO = re.compile(r"\{([A-Z_]+)\}")
_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bnobody|\bno one|\bno-one|\bwouldn't|\bwon't)\W+(?:\w+\W+){0,3}$")
# "If it wasn't for the dog I'd have ended it": a negation that only names what held someone back.
_BUT_FOR = re.compile(r"\bif (?:it )?(?:wasn't|weren't|was not|were not|hadn't been|had not been|not) for"
                      r"\W+(?:\w+\W+){0,3}$")
FIGURE = " ~ "  # what a figure of speech leaves behind: no word a pattern or the model reads


class PatternFile(Strict):

    macros: dict[str, str] = {}
    figures: list[str] = []
    alert: dict[str, list[str]] = {}
    ask: dict[str, list[str]] = {}


@dataclass(frozen=True)
class Match:
    category: str
    tier: str  # "alert" or "ask"
    start: int
    end: int


@dataclass(frozen=True)
class Patterns:
    figures: re.Pattern[str] | None
    alert: tuple[tuple[str, re.Pattern[str]], ...]
    ask: tuple[tuple[str, re.Pattern[str]], ...]

    def without_figures(self, text: str) -> str:
        """The normalised answer with figures of speech and object senses taken out."""
        return self.figures.sub(FIGURE, text) if self.figures else text

    def find(self, text: str) -> list[Match]:
        """Every pattern that holds in a normalised answer (figures already taken out)."""
        found = []
        for tier, table in (("alert", self.alert), ("ask", self.ask)):
            for category, regex in table:
                for hit in regex.finditer(text):
                    before = text[: hit.start()]
                    lowered = tier == "alert" and _NEGATION.search(before) is not None and not _BUT_FOR.search(before)
                    found.append(Match(category, "ask" if lowered else tier, hit.start(), hit.end()))
                    break
        return found


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(5):
        expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


def load_patterns(path: str | Path) -> Patterns:
    document = read(path)
    try:
        file = PatternFile.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None
    problems = []

    def compiled(pattern: str, where: tuple) -> re.Pattern[str] | None:
        source = _expand(pattern, file.macros)
        if unknown := _MACRO.search(source):
            problems.append(document.problem(where, f"unknown macro {unknown.group(0)}"))
            return None
        try:
            return re.compile(rf"(?<![\w'])(?:{source})(?![\w])")  # the guards hold for every alternative
        except re.error as error:
            problems.append(document.problem(where, f"bad pattern: {error}"))
            return None

    figures = [compiled(p, ("figures", i)) for i, p in enumerate(file.figures)]
    tables = {}
    for tier in ("alert", "ask"):
        rows = []
        for category, patterns in getattr(file, tier).items():
            for index, pattern in enumerate(patterns):
                regex = compiled(pattern, (tier, category, index))
                if regex is not None:
                    rows.append((category, regex))
        tables[tier] = tuple(rows)
    if problems:
        raise YamlProblems(problems)
    figure = re.compile("|".join(f"(?:{r.pattern})" for r in figures if r)) if any(figures) else None
    return Patterns(figure, tables["alert"], tables["ask"])


@lru_cache(maxsize=2)
def patterns(path: str | None = None) -> Patterns:
    return load_patterns(path or flows_dir() / "notice" / "patterns.yaml")
