"""Ask for a reason (to leave something out, or to move on against the model's advice); returns it, or None."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from convo.tui.screens.modal import Modal


class ReasonModal(Modal[str | None]):
    AUTO_FOCUS = "Input"
    HINTS: ClassVar[tuple[tuple[str, str, str], ...]] = (("enter", "enter", "Confirm"),)

    def __init__(self, question: str, placeholder: str = "The reason, in a few words", required: bool = False):
        super().__init__()
        self.question, self.placeholder, self.required = question, placeholder, required

    def ask(self) -> Iterable[Widget]:
        yield Static(Content(self.question), classes="question")
        yield Input(placeholder=self.placeholder, id="reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if self.required and not reason:
            self.notify("A reason is needed here.", severity="warning")
            return
        self.dismiss(reason)
