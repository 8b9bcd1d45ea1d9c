"""Asked when a conversation is open in another window: take it over here, or go back."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets.option_list import Option

from convo.services import ConversationOpen
from convo.tui.screens.confirm_modal import ConfirmModal

OPEN_ELSEWHERE = "This conversation is open in another window (process {pid} on {host})."
TAKE_OVER = "Take it over here (the other window will save nothing more)"


def open_elsewhere(error: ConversationOpen) -> str:
    return OPEN_ELSEWHERE.format(pid=error.pid, host=error.host)


class TakeOverModal(ConfirmModal):
    """Enter or Y takes the conversation over; Escape goes back and leaves the other window writing it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("y", "take_over", "Take over")]

    def __init__(self, error: ConversationOpen):
        super().__init__(open_elsewhere(error), TAKE_OVER, "Go back")

    def options(self) -> list[Option]:
        # Taking over first, so Enter does what the person came to do; it is never done without asking.
        return [Option(self.yes, id="yes"), Option(self.no, id="no")]

    def action_take_over(self) -> None:
        self.dismiss(True)
