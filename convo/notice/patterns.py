"""Phrase patterns that know direction, role, negation and figures of speech (flows/notice/patterns.yaml).

"Someone else does it to me" is a disclosure; "I hit my head when I fell" is not. A match just after
a negation ("he'd never hurt me") is lowered to "worth asking about", never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.notice.needles import Index, Key, Needles, keys, needles
from convo.paths import flows_dir
from convo.strict import Strict

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")  # {OTHER}, {NOT_A_GAME}, {WHO2}; never a count such as {0,40}
_NEGATION = re.compile(r"(?:\bnot|n't|\bnever|\bnobody|\bno one|\bno-one|\bwouldn't|\bwon't)\W+(?:\w+\W+){0,3}$")
# "If it wasn't for the dog I'd have ended it": a negation that only names what held someone back.
_BUT_FOR = re.compile(r"\bif (?:it )?(?:wasn't|weren't|was not|were not|hadn't been|had not been|not) for"
                      r"\W+(?:\w+\W+){0,3}$")
# Nor a negation in a condition ("if I don't give him money he hits me"), nor one of knowing or telling ("I
# don't know why he hits me", "I never told anyone he hits me", "nobody knows my son takes my pension").
_NOT_DENIED = re.compile(
    r"(?:\b(?:if|when|whenever|unless|until|till|because|cos|as soon as)\b[^.!?,;]{0,40}?)"
    r"(?:\bnot|n't|\bnever|\bno one|\bnobody|\bwon't|\bwouldn't)\W+(?:\w+\W+){0,3}$"
    r"|(?:\bnot|n't|\bnever|\bnobody|\bno one|\bno-one)\W+(?:(?:really|even|ever|quite|actually) )?"
    r"(?:know|knows|knew|tell|tells|told|want anyone to know|dare tell)\b[^.!?]{0,40}$")
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
class Rule:
    """One phrase pattern of a category and tier, with the strings it cannot match without (`needles`)."""

    tier: str  # "alert", "ask", or "figure" for a figure of speech
    category: str
    regex: re.Pattern[str]
    needles: Needles = ()
    keys: tuple[frozenset[Key], ...] = ()  # one three-letter group of each needle, group by group

    @classmethod
    def of(cls, tier: str, category: str, regex: re.Pattern[str]) -> Rule:
        found = needles(regex)
        return cls(tier, category, regex, found, keys(found))

    def may_match(self, text: str) -> bool:
        """False only when the pattern cannot match: one of its groups of needles is all absent."""
        return all(any(needle in text for needle in group) for group in self.needles)


@dataclass(frozen=True)
class Patterns:
    figures: tuple[Rule, ...]  # figures of speech and object senses (their tier is "figure")
    alert: tuple[Rule, ...]
    ask: tuple[Rule, ...]
    rules: tuple[Rule, ...] = field(init=False, repr=False, compare=False)  # the alerts, then the asks
    index: Index = field(init=False, repr=False, compare=False)  # over `rules`
    figure_index: Index = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", (*self.alert, *self.ask))
        object.__setattr__(self, "index", Index.of([rule.keys for rule in self.rules]))
        object.__setattr__(self, "figure_index", Index.of([rule.keys for rule in self.figures]))

    def without_figures(self, text: str) -> str:
        """The normalised answer with figures of speech and object senses taken out.

        As one alternation of the figures the answer may hold would, in the file's order: from left to
        right, the figure that matches earliest is taken out (the first in the file where two match at
        the same place) and the search goes on after it. Each figure's expression is compiled once when
        the file is read; joining them anew for each set of figures an answer holds compiled a large
        expression, 5-30 ms, for most answers with words not met before.
        """
        held = sorted(at for at in self.figure_index.candidates(text) if self.figures[at].may_match(text))
        if not held:
            return text
        regexes = [self.figures[at].regex for at in held]
        ahead: list[re.Match[str] | None] = [regex.search(text) for regex in regexes]  # each one's next match
        kept: list[str] = []
        done = 0
        while True:
            first = None
            for index, match in enumerate(ahead):
                if match is not None and match.start() < done:  # overlapped by a figure taken out: look again
                    match = ahead[index] = regexes[index].search(text, done)
                if match is not None and (first is None or match.start() < first.start()):
                    first = match
            if first is None:
                break
            kept += [text[done:first.start()], FIGURE]
            done = first.end()
            if first.end() == first.start():  # matched nothing (no figure should): step over a character
                kept.append(text[done:done + 1])
                done += 1
                if done > len(text):
                    break
        kept.append(text[done:])
        return "".join(kept)

    def find(self, text: str) -> list[Match]:
        """Every pattern that holds in a normalised answer (figures already taken out), alerts first.

        Most answers hold none of most patterns' words: the index names the few patterns that may
        match, and a substring test rules out most of those before their regular expression runs.
        """
        found = []
        for rule in map(self.rules.__getitem__, self.index.candidates(text)):
            if rule.may_match(text) and (hit := rule.regex.search(text)):
                before = text[: hit.start()]
                lowered = (rule.tier == "alert" and _NEGATION.search(before) and not _BUT_FOR.search(before)
                           and not _NOT_DENIED.search(before))
                found.append(Match(rule.category, "ask" if lowered else rule.tier, hit.start(), hit.end()))
        return found


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(5):
        expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def load_patterns(path: str | Path) -> Patterns:
    document = read(path)
    try:
        file = PatternFile.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None
    problems = [document.problem(("macros", name), f"a macro's name is capital letters, digits and _ (starting "
                                                   f"with a letter), so that {{{name}}} can be used: {name!r}")
                for name in file.macros if not _MACRO.fullmatch("{" + name + "}")]

    def compiled(pattern: str, where: tuple) -> re.Pattern[str] | None:
        source = _expand(pattern, file.macros)
        if control := _CONTROL.search(source):
            # "\b" in a double-quoted YAML string is a backspace, not a word boundary: write "\\b".
            problems.append(document.problem(where, f"a control character ({control.group(0)!r}) in the pattern: "
                                                    "in double quotes write \\\\b, \\\\s, … for \\b, \\s"))
            return None
        if unknown := _MACRO.search(source):
            problems.append(document.problem(where, f"unknown macro {unknown.group(0)}"))
            return None
        try:
            # Each alternative starts and ends a word: not inside one, nor after a word's apostrophe ("I'll"),
            # but after a quotation mark ("she said 'suicide is the answer'").
            return re.compile(rf"(?<!\w)(?<!\w')(?:{source})(?![\w])")
        except re.error as error:
            problems.append(document.problem(where, f"bad pattern: {error}"))
            return None

    figures = []
    for index, pattern in enumerate(file.figures):
        if (regex := compiled(pattern, ("figures", index))) is None:
            continue
        if regex.match(""):  # it would leave " ~ " between every two letters of an answer
            problems.append(document.problem(("figures", index), "a figure of speech must match some words: "
                                                                 "this one can match nothing at all"))
            continue
        if regex.groups:  # a group would mean nothing: what a figure matches is taken out whole
            problems.append(document.problem(("figures", index), "a figure of speech captures nothing: "
                                                                 "write (?:…) rather than (…)"))
            continue
        figures.append(Rule.of("figure", "", regex))
    tables = {}
    for tier in ("alert", "ask"):
        rows = []
        for category, patterns in getattr(file, tier).items():
            for index, pattern in enumerate(patterns):
                regex = compiled(pattern, (tier, category, index))
                if regex is not None:
                    rows.append(Rule.of(tier, category, regex))
        tables[tier] = tuple(rows)
    if problems:
        raise YamlProblems(problems)
    return Patterns(tuple(figures), tables["alert"], tables["ask"])


@lru_cache(maxsize=2)
def patterns(path: str | None = None) -> Patterns:
    return load_patterns(path or flows_dir() / "notice" / "patterns.yaml")
