"""Word matching for practice mode: whole words with their inflections, and phrase families.

"car" finds "cars" but not "carer"; "worry" finds "worried" and "worrying"; "driv*" finds any word
starting "driv". Agent and comparative endings (-er, -ers) are not inflections here: a carer is
not a car. A phrase family ("domiciliary" with "care", "provision", "support"…) finds every pairing
of a head word with a following word, so one entry covers the ways services name the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_VOWELS = frozenset("aeiou")
# Endings stripped to find a word's family; longest first. Agentive -er is deliberately absent.
_DERIVATIONAL = ("ingly", "ences", "ently", "ments", "ence", "ance", "ment", "ness", "ent", "ant", "ly")
_INFLECTIONAL = ("ing", "ied", "ies", "ed", "es", "s")


def plain(text: str) -> str:
    """Curly apostrophes made straight, so "I'd" and "I’d" match alike."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(plain(text).casefold())


def _strip_inflection(word: str) -> str:
    if word.endswith("'s"):
        word = word[:-2]
    for ending in _INFLECTIONAL:
        if ending == "s" and word.endswith(("ss", "us", "is")):
            continue
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            if ending in ("ied", "ies"):
                return stem + "y"
            if ending == "es" and not stem.endswith(("s", "x", "z", "ch", "sh")):
                return stem + "e"  # copes -> cope, but boxes -> box
            if ending in ("ed", "ing") and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                return stem[:-1]  # stopped -> stop
            if ending in ("ed", "ing") and stem[-1] not in _VOWELS and stem[-2] in _VOWELS and stem[-3] not in _VOWELS \
                    and len(stem) <= 4:
                return stem + "e"  # coping -> cope, hoped -> hope
            return stem
    return word


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A word's family: inflections and common derivational endings off, agent -er kept.

    independent, independence, independently -> independ; cope, coping, copes -> cope;
    worry, worried, worries -> worry; car, cars -> car; carer -> carer.
    """
    word = _strip_inflection(word.casefold())
    for ending in _DERIVATIONAL:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def same_family(word: str, other: str) -> bool:
    """Whether two words or phrases are the same apart from inflections (independent, independence)."""
    left, right = tokens(word), tokens(other)
    return len(left) == len(right) and bool(left) and all(stem(a) == stem(b) for a, b in zip(left, right, strict=True))


def _word_regex(word: str) -> str:
    """One word of a term with its inflections; a trailing * for any ending."""
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[\w']*"
    if not word[-1:].isalpha():
        return re.escape(word)
    if len(word) > 3 and word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing|e's)"
    if len(word) > 3 and word.endswith("y") and word[-2] not in _VOWELS:
        return re.escape(word[:-1]) + r"(?:y|ies|ied|ying|y's)"
    double = re.escape(word[-1]) + "?" if len(word) >= 3 and word[-1] not in _VOWELS and word[-2] in _VOWELS \
        and word[-3] not in _VOWELS else ""
    return re.escape(word) + rf"(?:s|es|'s|{double}ed|{double}ing)?"


def term_regex(term: str) -> str:
    """A term's regular expression: each word with its inflections, words apart by spaces or hyphens."""
    words = plain(term).strip().rstrip(".…").split()
    return r"(?:\s+|\s*-\s*)".join(_word_regex(word) for word in words)


class Terms:
    """A list of terms compiled once; finds them as whole words, case-insensitively."""

    def __init__(self, terms: Iterable[str]):
        self.terms = [term for term in terms if term.strip().strip("*")]
        parts = sorted((term_regex(term) for term in self.terms), key=len, reverse=True)
        self._regex = re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])", re.IGNORECASE) if parts else None

    def __bool__(self) -> bool:
        return self._regex is not None

    @property
    def pattern(self) -> str:
        """The terms as one regular expression (one that never matches, if there are none)."""
        return self._regex.pattern if self._regex is not None else r"(?!)"

    def search(self, text: str) -> bool:
        return self._regex is not None and self._regex.search(plain(text)) is not None

    def find(self, text: str) -> list[str]:
        """Each match as it was written, spaces tidied, first occurrence of each only."""
        if self._regex is None:
            return []
        found: list[str] = []
        for match in self._regex.finditer(plain(text)):
            said = " ".join(match.group().split())
            if said.casefold() not in (f.casefold() for f in found):
                found.append(said)
        return found


@dataclass(frozen=True)
class PhraseFamily:
    """Head words that name a service when followed (within one word) by any of the tails."""

    heads: Sequence[str]
    tails: Sequence[str]

    def regex(self) -> str:
        heads = "|".join(_word_regex(word) for word in self.heads)
        tails = "|".join(_word_regex(word) for word in self.tails)
        return rf"(?:{heads})(?:\s*-\s*|\s+)(?:[\w']+\s+)?(?:{tails})"


class Families:
    """Phrase families compiled once."""

    def __init__(self, families: Iterable[PhraseFamily]):
        parts = [family.regex() for family in families if family.heads and family.tails]
        self._regex = re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])", re.IGNORECASE) if parts else None

    def find(self, text: str) -> list[str]:
        if self._regex is None:
            return []
        return [" ".join(match.group().split()) for match in self._regex.finditer(plain(text))]
