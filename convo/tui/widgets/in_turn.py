"""Boxes that send in turn with the keys typed into them.

Textual's Input sends on Enter through a key binding, and a binding runs only once the key has passed up
through the widgets to the app. Keys typed after Enter that reach the app in the same burst (a busy
machine, or `convo serve` over a slow connection) are typed into the box before the binding runs, so the
text sent holds words typed after Enter: one answer saved as two ("I get him up and d", then "ressed and
do his tablets"), or an Enter meant to move on sent as the start of the next answer. These boxes take
Enter (Ctrl+S or Ctrl+Enter in the box of several lines) when the box itself reaches it, in the order
it was typed, and send exactly what was typed before it.

What was sent stays on screen until whoever saves it says how it went (`sent`, `put_back`), so the frame
that shows the reply also empties the box: emptied at once, the box took a frame of its own and the
reply waited for the next (27 -> 52 ms from Enter to the next question painted). A key or a paste that
comes before that verdict first empties the box, so it is typed into the next answer. Verdicts come in
the order of the sends (the screen takes what was sent one at a time), so each is matched to its own send:
two answers sent in one burst, the first refused, leave the first in the box and never the second twice."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea


class AwaitingVerdict:
    """What a chat's box sent, shown until it is saved or refused. Sends are numbered as they are taken and
    verdicts as they come (in the same order); the box shows the text of send `showing`, or none."""

    _sends = 0
    _verdicts = 0
    showing: int | None = None
    # Each box says how it empties, and how it puts text in front of what it holds.
    _empty: Callable[[], None]
    _prepend: Callable[[str], None]

    def _took(self, text: str, keep_showing: bool) -> None:
        self.showing = self._sends if keep_showing and text else None
        self._sends += 1

    def _verdict(self) -> int:
        self._verdicts += 1
        return self._verdicts - 1

    def let_go(self) -> None:
        """Take the text sent out of the box, before anything else is typed into it."""
        if self.showing is not None:
            self.showing = None
            self._empty()

    def sent(self) -> None:
        """The oldest send waiting for its verdict was kept: out of the box, if the box still shows it."""
        if self.showing == self._verdict():
            self.let_go()

    def put_back(self, text: str) -> None:
        """The oldest send waiting for its verdict was not kept: back in the box, in front of anything typed
        since (if the box still shows it and nothing else, it is there already)."""
        if self.showing == self._verdict():
            self.showing = None
            return
        self.restore(text)

    def restore(self, text: str) -> None:
        """`text` in front of what the box holds, with what it shows of a later send taken out first."""
        self.let_go()
        self._prepend(text)


class InTurnInput(AwaitingVerdict, Input):
    """A one-line box whose Enter sends what was typed before it.

    With `empty_on_send`, the box is a chat's: what is typed after Enter is the next message. Whoever saves
    what was sent gives each send its verdict: `sent` or `put_back`."""

    def __init__(self, *args, empty_on_send: bool = False, **options):
        super().__init__(*args, **options)
        self.empty_on_send = empty_on_send

    async def _on_key(self, event: events.Key) -> None:
        self.let_go()
        if event.key != "enter":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text = self.value
        self._took(text, self.empty_on_send)
        validation = self.validate(text) if "submitted" in self.validate_on else None
        self.post_message(self.Submitted(self, text, validation))

    def _on_paste(self, event: events.Paste) -> None:
        self.let_go()  # then Input's own handler (Textual calls each class's in turn, subclasses first)

    def _empty(self) -> None:
        self.value = ""

    def _prepend(self, text: str) -> None:
        cursor = self.cursor_position  # where typing goes on: the same place in what was typed since
        self.value = text + self.value
        self.cursor_position = len(text) + cursor


class InTurnTextArea(AwaitingVerdict, TextArea):
    """A box of several lines whose Ctrl+S (or Ctrl+Enter) sends what was typed before it; what was sent
    leaves the box as `InTurnInput`'s does."""

    SEND = ("ctrl+s", "ctrl+enter")

    class Sent(Message):
        def __init__(self, area: InTurnTextArea, text: str):
            super().__init__()
            self.area, self.text = area, text

    async def _on_key(self, event: events.Key) -> None:
        self.let_go()
        if event.key not in self.SEND:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text = self.text
        self._took(text, True)
        self.post_message(self.Sent(self, text))

    async def _on_paste(self, event: events.Paste) -> None:
        self.let_go()  # then TextArea's own handler

    def _empty(self) -> None:
        self.text = ""

    def _prepend(self, text: str) -> None:
        row, column = self.cursor_location  # where typing goes on: the same place in what was typed since
        lines = text.split("\n")
        self.text = text + self.text
        self.move_cursor((row + len(lines) - 1, column + len(lines[-1]) if row == 0 else column))
