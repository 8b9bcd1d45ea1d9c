"""Choose what the last answer really is: one of the kinds the vocabulary lets an answer be re-filed as."""

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
from convo.vocabulary import refile_kinds


class RefileModal(ModalScreen[str | None]):
    DEFAULT_CSS = tcss(__file__, "modal.tcss")
    AUTO_FOCUS = "OptionList"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, answer: str):
        super().__init__()
        self.answer = answer

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Content.assemble("Re-file “", self.answer, "” as:"), classes="question")
            yield OptionList(*[Option(kind, id=kind) for kind in refile_kinds()])
            yield Static("Enter to choose · Escape to cancel", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
