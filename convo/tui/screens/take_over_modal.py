"""Asked when a conversation is open in another window: take it over here, or go back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.binding import BindingType
from textual.widget import Widget
from textual.widgets.option_list import Option

from convo.services import ConversationOpen
from convo.tui.keys import binding
from convo.tui.screens.confirm_modal import ConfirmModal
from convo.tui.words import words


def open_elsewhere(error: ConversationOpen, language: str | None = None) -> str:
    return words("app_open_elsewhere", language, pid=error.pid, host=error.host)


class TakeOverModal(ConfirmModal):
    """Enter or Y takes the conversation over; Escape goes back and leaves the other window writing it."""

    BINDINGS: ClassVar[list[BindingType]] = [binding("y", "take_over")]

    def __init__(self, error: ConversationOpen):
        super().__init__("", "", "")
        self.error = error

    def ask(self) -> Iterable[Widget]:
        # Asked over the start screen or a practice: in the setting's language, as those screens are.
        self.question = open_elsewhere(self.error, self.language)
        self.yes, self.no = words("app_take_over", self.language), words("app_go_back", self.language)
        return super().ask()

    def options(self) -> list[Option]:
        # Taking over first, so Enter does what the person came to do; it is never done without asking.
        return [Option(self.yes, id="yes"), Option(self.no, id="no")]

    def action_take_over(self) -> None:
        self.dismiss(True)
