"""A yes/no question, for things that cannot be taken back (ending a conversation)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from convo.tui.styles import tcss


class ConfirmModal(ModalScreen[bool]):
    DEFAULT_CSS = tcss(__file__, "modal.tcss")
    AUTO_FOCUS = "OptionList"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, yes: str, no: str = "No, carry on"):
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Content(self.question), classes="question")
            yield OptionList(Option(self.no, id="no"), Option(self.yes, id="yes"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)
