"""What a practice session gives back to a face after each line; `to_json()` is the --jsonl protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The same plain outputs as a conversation gives, so every face reads them one way.
from convo.engine.outputs import Done, Error, Info, Output

__all__ = ["Alert", "Coach", "Done", "Error", "Feedback", "Info", "Output", "Prompt", "Reply"]


@dataclass(frozen=True)
class Reply(Output):
    """The simulated person speaks; `explored` counts what has come out in each area so far."""

    name: str
    text: str
    revealed: list[str]
    explored: dict[str, int]
    type: str = field(init=False, default="reply")


@dataclass(frozen=True)
class Coach(Output):
    """How the trainee's turn was heard: its one code, the code of each behaviour in it, a tip for each
    kind of behaviour, and anything else worth noticing."""

    code: str
    behaviour: str
    tip: str
    notes: list[str]
    behaviours: list[str]
    type: str = field(init=False, default="coach")


@dataclass(frozen=True)
class Alert(Output):
    text: str
    type: str = field(init=False, default="alert")


@dataclass(frozen=True)
class Prompt(Output):
    """The session is waiting for a line; `phase` says what for: talk, draft, what, so_what, now_what."""

    text: str
    phase: str
    type: str = field(init=False, default="prompt")


@dataclass(frozen=True)
class Feedback(Output):
    feedback: dict[str, Any]
    type: str = field(init=False, default="feedback")

