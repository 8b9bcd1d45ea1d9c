"""Conditions in flow files: a small fixed language, parsed once and never evaluated as code.

A condition is `[not] NAME [ARG] [OP VALUE]`, for example `outcomes > 0`, `visited c1-next`,
`choice c1-next == crisis`, `not alerts`. A list of conditions holds when every one holds.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

_GRAMMAR = re.compile(
    r"^\s*(?P<neg>not\s+)?(?P<name>[a-z]+)(?:\s+(?P<arg>[a-z][a-z0-9-]*))?"
    r"(?:\s*(?P<op>==|!=|>=|<=|>|<)\s*(?P<value>[A-Za-z0-9-]+))?\s*$"
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
COUNTS = ("outcomes", "risks", "alerts", "strengths", "conversation")
NEEDS_STAGE = ("visited", "choice", "skipped")
WORDS = ("audience",)


class ConditionError(ValueError):
    pass


class Facts(Protocol):
    """What a condition can ask about the conversation so far."""

    def count(self, name: str) -> int: ...
    def visited(self, stage: str) -> bool: ...
    def skipped(self, stage: str) -> bool: ...
    def choice(self, stage: str) -> str | None: ...
    @property
    def audience(self) -> str: ...


@dataclass(frozen=True)
class Test:
    negate: bool
    name: str
    arg: str | None
    op: str | None
    value: str | None

    def holds(self, facts: Facts) -> bool:
        return self._holds(facts) != self.negate

    def _holds(self, facts: Facts) -> bool:
        if self.name in COUNTS:
            left: object = facts.count(self.name)
            right: object = int(self.value) if self.value is not None else 0
            if self.op is None:
                return bool(left)
        elif self.name == "visited":
            return facts.visited(self.arg or "")
        elif self.name == "skipped":
            return facts.skipped(self.arg or "")
        elif self.name == "choice":
            left = facts.choice(self.arg or "")
            if self.op is None:
                return left is not None
            right = self.value
        else:
            left, right = facts.audience, self.value
        return _OPS[self.op or "=="](left, right)


def parse(text: str) -> Test:
    """Parse one condition, or raise ConditionError saying what is wrong with it."""
    match = _GRAMMAR.match(text)
    if not match:
        raise ConditionError(f"cannot read condition {text!r}: expected '[not] NAME [STAGE] [OP VALUE]'")
    name, arg, op, value = match["name"], match["arg"], match["op"], match["value"]
    if name not in COUNTS + NEEDS_STAGE + WORDS:
        known = ", ".join(COUNTS + NEEDS_STAGE + WORDS)
        raise ConditionError(f"unknown name {name!r} in condition {text!r} (known: {known})")
    if name in NEEDS_STAGE and arg is None:
        raise ConditionError(f"{name!r} needs a stage id in condition {text!r}")
    if name not in NEEDS_STAGE and arg is not None:
        raise ConditionError(f"{name!r} takes no stage id in condition {text!r}")
    if name in ("visited", "skipped") and op is not None:
        raise ConditionError(f"{name!r} cannot be compared in condition {text!r}")
    if name in COUNTS and value is not None and not value.isdecimal():
        raise ConditionError(f"{name!r} is a number; {value!r} is not, in condition {text!r}")
    if name in WORDS + ("choice",) and op not in (None, "==", "!="):
        raise ConditionError(f"{name!r} can only be compared with == or != in condition {text!r}")
    if name == "audience" and op is None:
        raise ConditionError(f"'audience' needs == or != and a value in condition {text!r}")
    return Test(bool(match["neg"]), name, arg, op, value)


def parse_all(when: str | list[str] | None) -> tuple[Test, ...]:
    if when is None:
        return ()
    return tuple(parse(text) for text in ([when] if isinstance(when, str) else when))


def all_hold(tests: tuple[Test, ...], facts: Facts) -> bool:
    return all(test.holds(facts) for test in tests)
