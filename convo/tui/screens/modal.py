"""What every pop-up shares: a small box centred over the conversation, which stays in sight but dimmed,
and the pop-up's own keys in the footer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget

from convo.tui.styles import tcss
from convo.tui.widgets.key_footer import KeyFooter

Result = TypeVar("Result")


class Modal(ModalScreen[Result]):
    DEFAULT_CSS = tcss(__file__)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    # The keys the pop-up's own widgets answer, for the footer: (key, as shown, what it does).
    HINTS: ClassVar[tuple[tuple[str, str, str], ...]] = (("enter", "enter", "Choose"),)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield from self.ask()
        yield KeyFooter(hints=self.HINTS, compact=True)

    def ask(self) -> Iterable[Widget]:
        """The question and how to answer it."""
        return ()

    def action_cancel(self) -> None:
        self.dismiss(None)
