"""What every pop-up shares: a small box centred over the conversation, which stays in sight but dimmed,
and the pop-up's own keys in the footer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input

from convo.tui.keys import binding
from convo.tui.styles import tcss
from convo.tui.widgets.key_footer import KeyFooter
from convo.tui.words import language_of, words

Result = TypeVar("Result")


class Modal(ModalScreen[Result]):
    DEFAULT_CSS = tcss(__file__)
    BINDINGS: ClassVar[list[BindingType]] = [binding("escape", "cancel")]
    # The keys the pop-up's own widgets answer, for the footer: (key, as shown, the message saying what it does).
    HINTS: ClassVar[tuple[tuple[str, str, str], ...]] = (("enter", "enter", "app_hint_choose"),)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield from self.ask()
        language = self.language
        yield KeyFooter(hints=[(key, shown, words(said, language)) for key, shown, said in self.HINTS], compact=True)

    @property
    def language(self) -> str:
        """The language of the conversation under the pop-up (else the setting)."""
        return language_of(self.app)

    def on_mount(self) -> None:
        # As the answer box does: tests and snapshots turn the cursor's blinking off, so it is always drawn.
        for box in self.query(Input):
            box.cursor_blink = getattr(self.app, "blink", True)

    def ask(self) -> Iterable[Widget]:
        """The question and how to answer it."""
        return ()

    def action_cancel(self) -> None:
        self.dismiss(None)
