"""Boxes that send in turn with the keys typed into them.

Textual's Input sends on Enter through a key binding, and a binding runs only once the key has passed up
through the widgets to the app. Keys typed after Enter that reach the app in the same burst (a busy
machine, or `convo serve` over a slow connection) are typed into the box before the binding runs, so the
text sent holds words typed after Enter: one answer saved as two ("I get him up and d", then "ressed and
do his tablets"), or an Enter meant to move on sent as the start of the next answer. These boxes take
Enter (Ctrl+S or Ctrl+Enter in the box of several lines) when the box itself reaches it, in the order
it was typed, and send exactly what was typed before it."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input, TextArea


class InTurnInput(Input):
    """A one-line box whose Enter sends what was typed before it.

    With `empty_on_send`, the box is emptied the moment Enter is taken: in a chat's box what is typed
    next is the next message. Whoever saves the text puts it back (`put_back`) if it was not kept."""

    def __init__(self, *args, empty_on_send: bool = False, **options):
        super().__init__(*args, **options)
        self.empty_on_send = empty_on_send

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "enter":
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text = self.value
        if self.empty_on_send:
            self.value = ""
        validation = self.validate(text) if "submitted" in self.validate_on else None
        self.post_message(self.Submitted(self, text, validation))

    def put_back(self, text: str) -> None:
        """What was sent and not kept, back in the box in front of anything typed since."""
        cursor = self.cursor_position  # where typing goes on: the same place in what was typed since
        self.value = text + self.value
        self.cursor_position = len(text) + cursor


class InTurnTextArea(TextArea):
    """A box of several lines whose Ctrl+S (or Ctrl+Enter) sends what was typed before it, and empties it."""

    SEND = ("ctrl+s", "ctrl+enter")

    class Sent(Message):
        def __init__(self, area: InTurnTextArea, text: str):
            super().__init__()
            self.area, self.text = area, text

    async def _on_key(self, event: events.Key) -> None:
        if event.key not in self.SEND:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        text, self.text = self.text, ""
        self.post_message(self.Sent(self, text))

    def put_back(self, text: str) -> None:
        """What was sent and not kept, back in the box in front of anything typed since."""
        row, column = self.cursor_location  # where typing goes on: the same place in what was typed since
        lines = text.split("\n")
        self.text = text + self.text
        self.move_cursor((row + len(lines) - 1, column + len(lines[-1]) if row == 0 else column))
