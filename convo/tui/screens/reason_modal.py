"""Ask for a reason (to leave something out, or to move on against the model's advice); returns it, or None."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from convo.tui.screens.modal import Modal
from convo.tui.widgets.in_turn import InTurnInput
from convo.tui.words import words


class ReasonModal(Modal[str | None]):
    AUTO_FOCUS = "Input"
    HINTS: ClassVar[tuple[tuple[str, str, str], ...]] = (("enter", "enter", "app_hint_confirm"),)

    def __init__(self, question: str, placeholder: str | None = None, required: bool = False):
        """`placeholder`: what the empty box says (None: that it wants the reason, in the language on screen)."""
        super().__init__()
        self.question, self.placeholder, self.required = question, placeholder, required

    def ask(self) -> Iterable[Widget]:
        yield Static(Content(self.question), classes="question")
        yield InTurnInput(placeholder=self.placeholder or words("app_reason_box", self.language), id="reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if self.required and not reason:
            self.notify(words("app_reason_needed", self.language), severity="warning")
            return
        self.dismiss(reason)
