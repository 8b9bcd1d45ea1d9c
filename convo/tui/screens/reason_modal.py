"""Ask for a reason (to leave something out, or to move on against the model's advice); returns it, or None."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from convo.tui.styles import tcss


class ReasonModal(ModalScreen[str | None]):
    DEFAULT_CSS = tcss(__file__, "modal.tcss")
    AUTO_FOCUS = "Input"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, placeholder: str = "The reason, in a few words", required: bool = False):
        super().__init__()
        self.question, self.placeholder, self.required = question, placeholder, required

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Content(self.question), classes="question")
            yield Input(placeholder=self.placeholder, id="reason")
            yield Static("Enter to confirm · Escape to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = event.value.strip()
        if self.required and not reason:
            self.notify("A reason is needed here.", severity="warning")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
