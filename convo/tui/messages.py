"""Messages the app's widgets and screens post up the DOM."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class StartChosen(Message):
    """Start a new conversation on a flow, or open practice mode (flow is None)."""

    flow: str | None
    audience: str
    mode: str = "conversation"


@dataclass
class ResumeChosen(Message):
    conversation_id: str


@dataclass
class AnswerSubmitted(Message):
    """A line (or several) the user sent; empty means "nothing more here"."""

    text: str


@dataclass
class AreaChosen(Message):
    """Go to this stage (for this 1-based outcome number, if it is asked per outcome)."""

    stage: str
    outcome: int | None = None
