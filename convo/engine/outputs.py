"""What the engine gives back to a face after each line: prompts, cues, alerts, what was captured."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Output:
    type: str = field(init=False, default="")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Prompt(Output):
    """The engine is now waiting for a line."""

    text: str
    area: str
    outcome: int | None
    stage: str
    title: str
    conversation: int | None
    choices: list[dict[str, str]]
    type: str = field(init=False, default="prompt")


@dataclass(frozen=True)
class Cue(Output):
    id: str
    kind: str
    term: str
    text: str
    category: str | None = None  # for "worth asking about" (kind "concern"): which concern, as an alert names it
    type: str = field(init=False, default="cue")


@dataclass(frozen=True)
class Alert(Output):
    kind: str
    term: str
    text: str
    category: str | None = None
    type: str = field(init=False, default="alert")


@dataclass(frozen=True)
class Captured(Output):
    id: int
    kind: str
    area: str
    outcome: int | None
    text: str
    source: str
    choice: str | None = None
    type: str = field(init=False, default="captured")


@dataclass(frozen=True)
class Info(Output):
    text: str
    type: str = field(init=False, default="info")


@dataclass(frozen=True)
class Error(Output):
    text: str
    type: str = field(init=False, default="error")


@dataclass(frozen=True)
class Done(Output):
    id: str
    type: str = field(init=False, default="done")
