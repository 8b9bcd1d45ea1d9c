"""Lexicon cues: words in an answer that deserve a quiet follow-up, from flows/lexicons/.

People, places, generic words that hide the person, service words and practical risks. A cue is
only ever a suggestion; nothing here changes the record. Matching is case-insensitive, whole-word
and tolerant of simple inflections (fall, falls, falling), never of a longer word (car is not
carer, park is not parker). Safeguarding is not heard here but by
the detector (convo.notice.detector), which reads meaning rather than single words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.language import is_wording, pick
from convo.notice.taxonomy import Wording
from convo.paths import flows_dir
from convo.records import AreaId, Audience
from convo.strict import Strict
from convo.templating import fill

CueKind = Literal["so_what", "service_language", "people", "community", "risk"]


class LexiconFile(Strict):

    kind: CueKind
    title: str = Field(min_length=1)
    follow_up: Wording | dict[Audience, Wording] = Field(
        description="The suggestion, per audience or for all, each in English and Welsh")
    quiet_in: list[AreaId] = Field(default=[], description="Areas where this cue would only repeat the question")
    terms: list[str] = []
    patterns: list[str] = []


@dataclass(frozen=True)
class Cue:
    kind: str
    term: str
    text: str


@dataclass(frozen=True)
class Lexicon:
    file: LexiconFile
    regex: re.Pattern[str] | None

    def follow_up(self, term: str, audience: str, language: str = "en") -> str:
        wording: Any = self.file.follow_up
        if isinstance(wording, dict) and not is_wording(wording):  # one per audience
            wording = wording.get(Audience(audience)) or next(iter(wording.values()))
        return fill(str(pick(wording, language)), term=term)


def term_regex(term: str) -> str:
    """The regular expression for one lexicon term: whole words, simple inflections, `*` for any ending."""
    words = term.strip().rstrip(".…").split()
    *head, last = words
    if last.endswith("*"):
        tail = re.escape(last[:-1]) + r"\w*"
    elif len(last) > 3 and last.endswith("e"):
        tail = re.escape(last[:-1]) + "(?:e|es|ed|ing)"
    elif len(last) > 3 and last.endswith("y") and last[-2] not in "aeiou":
        tail = re.escape(last[:-1]) + "(?:y|ies|ied|ying)"
    elif last[-1].isalpha():
        tail = re.escape(last) + "(?:s|es|ed|ing)?"
    else:
        tail = re.escape(last)
    return r"\s+".join([re.escape(word) for word in head] + [tail])


def load_lexicon(path: str | Path) -> Lexicon:
    document = read(path)
    try:
        file = LexiconFile.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None
    parts = [term_regex(term) for term in file.terms if term.strip()]
    problems = []
    for index, pattern in enumerate(file.patterns):
        try:
            re.compile(pattern)
        except re.error as error:
            problems.append(document.problem(("patterns", index), f"bad pattern: {error}"))
        parts.append(f"(?:{pattern})")
    if problems:
        raise YamlProblems(problems)
    regex = re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE) if parts else None
    return Lexicon(file, regex)


@lru_cache(maxsize=4)
def lexicons(directory: str | None = None) -> tuple[Lexicon, ...]:
    folder = Path(directory) if directory else flows_dir() / "lexicons"
    return tuple(load_lexicon(path) for path in sorted(folder.glob("*.yaml")))


def _normalise(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def find(text: str, area: str, audience: str, library: tuple[Lexicon, ...] | None = None,
         language: str = "en") -> list[Cue]:
    """Every cue in an answer, at most one per kind and term, its suggestion worded in `language`."""
    found: list[Cue] = []
    seen: set[tuple[str, str]] = set()
    plain = _normalise(text)
    for lexicon in library if library is not None else lexicons():
        if lexicon.regex is None or area in lexicon.file.quiet_in:
            continue
        for match in lexicon.regex.finditer(plain):
            term = " ".join(text[match.start() : match.end()].split())
            key = (lexicon.file.kind, term.casefold())
            if key not in seen:
                seen.add(key)
                found.append(Cue(lexicon.file.kind, term, lexicon.follow_up(term, audience, language)))
    return found
