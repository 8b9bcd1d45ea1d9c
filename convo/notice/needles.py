"""The words a phrase pattern cannot match without, so a pattern whose words are absent is not run.

Most answers hold none of a pattern's verbs ("took", "hit", "ending"), and a substring test costs
far less than running the regular expression. The needles are read from the pattern's own parse,
so they follow any edit of `flows/notice/patterns.yaml`; a pattern they cannot be read from is run
on every answer, as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

try:  # the parser Python's own `re` uses (a private module): without it every pattern is simply run
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a later Python that moves it
    _sre = _parse = None

Needles = tuple[frozenset[str], ...]  # every group must have one of its strings in the text
Key = tuple[str, str, str]  # three letters side by side

# A group of more alternatives than this costs more to test than the pattern does to run.
MOST = 40
# A needle of a letter or two ("s", " my ") is in almost every answer: not worth testing.
SHORTEST = 3


def needles(regex: re.Pattern[str]) -> Needles:
    """Groups of strings such that every text `regex` matches holds one string of each group, the
    most telling group first; none when nothing certain can be read."""
    if _parse is None or regex.flags & re.IGNORECASE:
        return ()
    try:
        tree = _parse.parse(regex.pattern, regex.flags)
        if tree.state.flags & re.IGNORECASE:
            return ()
        found = _all_of(tree)
    except Exception:  # noqa: BLE001 - an optimisation only: a pattern that cannot be read is always run
        return ()
    worth = {group for group in found if len(group) <= MOST and _group_rank(group)[0] >= SHORTEST}
    return tuple(sorted(worth, key=_group_rank, reverse=True))


def _all_of(items: Iterable[tuple[Any, Any]]) -> list[frozenset[str]]:
    """What a sequence needs: each run of plain letters, and what each of its needed parts needs."""
    groups: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items:
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            groups.append(frozenset({"".join(run)}))
            run = []
        groups.extend(_needs(op, value))
    if run:
        groups.append(frozenset({"".join(run)}))
    return groups


def _needs(op: Any, value: Any) -> list[frozenset[str]]:
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = value
        return [] if add_flags & re.IGNORECASE else _all_of(inner)
    if op is _sre.BRANCH:
        either: set[str] = set()
        for branch in value[1]:
            best = max(_all_of(branch), key=_group_rank, default=None)
            if best is None:
                return []  # one way through needs nothing
            either |= best
        return [frozenset(either)]
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        least, _most, inner = value
        return _all_of(inner) if least >= 1 else []
    if op is _sre.ATOMIC_GROUP:
        return _all_of(value)
    if op is _sre.ASSERT:  # a lookahead or lookbehind that must hold: what it needs is in the text too
        _direction, inner = value
        return _all_of(inner)
    return []  # a class of letters, any letter, a negative assertion, a back reference: nothing certain


def _group_rank(group: frozenset[str]) -> tuple[int, int]:
    """Longer words are rarer, and fewer of them are quicker to test."""
    return min(len(needle.strip()) for needle in group), -len(group)


# English letters from most to least common (Welsh answers share the rare ones): a three-letter group
# of rarer letters is in fewer answers, so it is the one a needle is known by. A group with a space
# is mostly a short word's edge ("my ", " to"), in almost every answer.
_COMMON = "etaoinshrdlcumwfgypbvkjxqz'"
_SPACE = -20


def keys(found: Needles) -> tuple[frozenset[Key], ...]:
    """For each group of needles, one three-letter group of each needle (its rarest-looking): a text
    holding none of a group's keys holds none of its needles."""
    return tuple(frozenset(max(_threes(needle), key=_key_rank) for needle in group) for group in found)


def _threes(needle: str) -> list[Key]:
    return list(zip(needle, needle[1:], needle[2:], strict=False))


def _key_rank(three: Key) -> int:
    return sum(_SPACE if letter == " " else _COMMON.find(letter) if letter in _COMMON else len(_COMMON)
               for letter in three)


@lru_cache(maxsize=16)  # the figures and then the patterns read the same answer
def grams(text: str) -> frozenset[Key]:
    """Every three-letter group of a text, as letters side by side (quicker to make than slices)."""
    return frozenset(zip(text, text[1:], text[2:], strict=False))


@dataclass(frozen=True)
class Index:
    """Which of a list of patterns may match a text, found from its three-letter groups: a pattern
    is a candidate when each of its groups of needles has a key in the text."""

    by_key: dict[Key, frozenset[tuple[int, int]]]  # a key: the patterns, and which of their groups, it is in
    groups: tuple[int, ...]  # how many groups each pattern has
    always: frozenset[int]  # patterns with no needles: run on every text

    @classmethod
    def of(cls, rules: Sequence[tuple[frozenset[Key], ...]]) -> Index:
        by_key: dict[Key, set[tuple[int, int]]] = {}
        for position, groups in enumerate(rules):
            for number, group in enumerate(groups):
                for key in group:
                    by_key.setdefault(key, set()).add((position, number))
        always = frozenset(position for position, groups in enumerate(rules) if not groups)
        return cls({key: frozenset(found) for key, found in by_key.items()}, tuple(map(len, rules)), always)

    def candidates(self, text: str) -> list[int]:
        """The positions of the patterns that may match `text`, in order."""
        present = grams(text) & self.by_key.keys()
        held: set[tuple[int, int]] = set().union(*(self.by_key[key] for key in present))  # (pattern, group)
        groups_held = Counter(map(itemgetter(0), held))
        whole = (position for position, count in groups_held.items() if count == self.groups[position])
        return sorted(self.always.union(whole))
