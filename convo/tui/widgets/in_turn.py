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
comes before that verdict first empties the box, so it is typed into the next answer."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea


class InTurnInput(Input):
    """A one-line box whose Enter sends what was typed before it.

    With `empty_on_send`, the box is a chat's: what is typed after Enter is the next message. The text sent
    is taken out of the box when it is saved (`sent`), or by the first key or paste after Enter, whichever
    comes first; if it was not saved, `put_back` puts it back in front of anything typed since."""

    def __init__(self, *args, empty_on_send: bool = False, **options):
        super().__init__(*args, **options)
        self.empty_on_send = empty_on_send
        self._showing_sent = False  # the box still shows exactly the text sent, awaiting its verdict

    def _let_go(self) -> None:
        """Take the text sent out of the box, before anything else is typed into it."""
        if self._showing_sent:
            self._showing_sent = False
            self.value = ""

    async def _on_key(self, event: events.Key) -> None:
        self._let_go()
        if event.key != "enter":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text = self.value
        self._showing_sent = self.empty_on_send and bool(text)
        validation = self.validate(text) if "submitted" in self.validate_on else None
        self.post_message(self.Submitted(self, text, validation))

    def _on_paste(self, event: events.Paste) -> None:
        self._let_go()  # then Input's own handler (Textual calls each class's in turn, subclasses first)

    def sent(self) -> None:
        """What was sent is kept: out of the box, if the box still shows it."""
        self._let_go()

    def put_back(self, text: str) -> None:
        """What was sent and not kept, back in the box in front of anything typed since."""
        if self._showing_sent:  # nothing typed since: it is there already, as it was
            self._showing_sent = False
            return
        cursor = self.cursor_position  # where typing goes on: the same place in what was typed since
        self.value = text + self.value
        self.cursor_position = len(text) + cursor


class InTurnTextArea(TextArea):
    """A box of several lines whose Ctrl+S (or Ctrl+Enter) sends what was typed before it; what was sent
    leaves the box as `InTurnInput`'s does."""

    SEND = ("ctrl+s", "ctrl+enter")

    class Sent(Message):
        def __init__(self, area: InTurnTextArea, text: str):
            super().__init__()
            self.area, self.text = area, text

    _showing_sent = False

    def _let_go(self) -> None:
        if self._showing_sent:
            self._showing_sent = False
            self.text = ""

    async def _on_key(self, event: events.Key) -> None:
        self._let_go()
        if event.key not in self.SEND:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text = self.text
        self._showing_sent = bool(text)
        self.post_message(self.Sent(self, text))

    async def _on_paste(self, event: events.Paste) -> None:
        self._let_go()  # then TextArea's own handler

    def sent(self) -> None:
        """What was sent is kept: out of the box, if the box still shows it."""
        self._let_go()

    def put_back(self, text: str) -> None:
        """What was sent and not kept, back in the box in front of anything typed since."""
        if self._showing_sent:
            self._showing_sent = False
            return
        row, column = self.cursor_location  # where typing goes on: the same place in what was typed since
        lines = text.split("\n")
        self.text = text + self.text
        self.move_cursor((row + len(lines) - 1, column + len(lines[-1]) if row == 0 else column))
