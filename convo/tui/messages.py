"""Messages the app's widgets and screens post up the DOM."""

from __future__ import annotations

from textual.message import Message


class StartChosen(Message):
    """Start a new conversation on a flow, or open practice mode (flow is None)."""

    def __init__(self, flow: str | None, audience: str, mode: str = "conversation"):
        super().__init__()
        self.flow, self.audience, self.mode = flow, audience, mode


class ResumeChosen(Message):
    def __init__(self, conversation_id: str):
        super().__init__()
        self.conversation_id = conversation_id


class AnswerSubmitted(Message):
    """A line (or several) the user sent; empty means "nothing more here"."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text


class AreaChosen(Message):
    """Go to this stage (for this 1-based outcome number, if it is asked per outcome)."""

    def __init__(self, stage: str, outcome: int | None = None):
        super().__init__()
        self.stage, self.outcome = stage, outcome
