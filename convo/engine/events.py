"""Events: everything that happens in a conversation, in order. The store keeps them; the fold reads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# What can be taken back with /undo.
UNDOABLE = frozenset({"answered", "captured", "skipped", "moved", "refiled", "cue", "speaker", "named"})


@dataclass(frozen=True)
class Position:
    """Where the conversation is: a stage, for which outcome, and where an interrupt returns to."""

    stage: str
    outcome: int | None = None
    back_to: tuple[str, int | None] | None = None
    term: str | None = None
    follow_up: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stage": self.stage, "outcome": self.outcome}
        if self.back_to:
            data["back_to"] = list(self.back_to)
        if self.term:
            data["term"] = self.term
        if self.follow_up:
            data["follow_up"] = self.follow_up
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Position:
        back = data.get("back_to")
        return cls(
            stage=data["stage"],
            outcome=data.get("outcome"),
            back_to=(back[0], back[1]) if back else None,
            term=data.get("term"),
            follow_up=data.get("follow_up"),
        )

    @property
    def place(self) -> tuple[str, int | None]:
        return (self.stage, self.outcome)


@dataclass(frozen=True)
class Event:
    seq: int
    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def before(self) -> Position | None:
        return Position.from_json(self.data["pos"]) if "pos" in self.data else None

    @property
    def after(self) -> Position | None:
        return Position.from_json(self.data["next"]) if "next" in self.data else None
