"""A yes/no question, for things that cannot be taken back (ending a conversation, replacing a file)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from convo.tui.screens.modal import Modal
from convo.tui.words import words


class ConfirmModal(Modal[bool]):
    AUTO_FOCUS = "OptionList"

    def __init__(self, question: str, yes: str, no: str | None = None):
        """`no`: what going back is called (None: "No, carry on", in the language on screen)."""
        super().__init__()
        self.question, self.yes, self.no = question, yes, no or ""

    def ask(self) -> Iterable[Widget]:
        self.no = self.no or words("app_no_carry_on", self.language)
        yield Static(Content(self.question), classes="question")
        yield OptionList(*self.options())

    def options(self) -> list[Option]:
        return [Option(self.no, id="no"), Option(self.yes, id="yes")]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)
