"""Where the practitioner types: one line (Enter sends), or several in a text area (F2 or Alt+L switches,
Ctrl+S sends). Several lines pasted into the one-line box switch it to several lines, with all of them.
Both send in turn with the keys typed (`convo.tui.widgets.in_turn`): the box is emptied the moment it
sends, and what was sent goes back in front of anything typed since if it was not saved."""

from __future__ import annotations

from collections import deque
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, TextArea

from convo.tui.keys import binding
from convo.tui.messages import AnswerSubmitted
from convo.tui.styles import tcss
from convo.tui.widgets.in_turn import AwaitingVerdict, InTurnInput, InTurnTextArea


class LineInput(InTurnInput):
    """The one-line box. A paste of several lines is not cut to its first (as Input does): it goes up to
    the answer box whole, which switches to several lines. Keys that reach this box before that switch
    (in the same burst as the paste) follow the lines, an Enter among them as a new line, as it would be
    in the box of several lines: not an answer sent on its own."""

    lines_on_the_way = False  # a paste of several lines is on its way to the box of several lines

    class Pasted(Message):
        def __init__(self, before: str, text: str, after: str):
            super().__init__()
            self.before, self.text, self.after = before, text, after

    def _on_paste(self, event: events.Paste) -> None:
        self.let_go()  # this handler runs before InTurnInput's
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in text.rstrip("\n"):
            return  # one line: Input's own handler takes it
        event.prevent_default()
        event.stop()
        start, end = sorted((self.selection.start, self.selection.end))
        self.lines_on_the_way = True
        self.post_message(self.Pasted(self.value[:start], text.rstrip("\n"), self.value[end:]))

    async def _on_key(self, event: events.Key) -> None:
        """Runs before InTurnInput's, which sends on Enter (Textual calls each class's in turn)."""
        if self.lines_on_the_way and event.key == "enter":
            event.prevent_default()
            event.stop()
            self.insert_text_at_cursor("\n")


class AnswerInput(Vertical):
    DEFAULT_CSS = tcss(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        binding("f2,alt+l", "toggle_lines", key_display="alt+l"),
    ]

    def __init__(self, placeholder: str, **options):
        super().__init__(**options)
        self.placeholder = placeholder
        self.pasted = False  # in several lines because of a paste: back to one line once it is sent
        self.waiting: deque[AwaitingVerdict] = deque()  # the box each send awaiting its verdict came from

    def compose(self) -> ComposeResult:
        yield LineInput(placeholder=self.placeholder, id="line", select_on_focus=False, empty_on_send=True)
        area = InTurnTextArea(id="lines", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        yield area

    def on_mount(self) -> None:
        blink = getattr(self.app, "blink", True)
        self.query_one(Input).cursor_blink = blink
        self.query_one(TextArea).cursor_blink = blink

    @property
    def multiline(self) -> bool:
        return self.has_class("-multiline")

    @property
    def value(self) -> str:
        return self.query_one(TextArea).text if self.multiline else self.query_one(Input).value

    def focus_entry(self) -> None:
        (self.query_one(TextArea) if self.multiline else self.query_one(Input)).focus()

    def type_in(self, typed: str | None = None, pasted: str | None = None) -> None:
        """Keys typed (or a paste) while another part of the screen had them: into the box, as if typed there."""
        self.focus_entry()
        if pasted is not None:
            box = self.query_one(TextArea) if self.multiline else self.query_one(LineInput)
            box.post_message(events.Paste(pasted))
        elif typed:
            if self.multiline:
                self.query_one(TextArea).insert(typed)
            else:
                self.query_one(LineInput).insert_text_at_cursor(typed)

    def sent(self) -> None:
        """The oldest answer awaiting its verdict is saved: out of its box. After a paste of several lines
        sent from the box of several lines, back to one line, with anything typed since (unless that is
        lines pasted since: the next answer)."""
        if not self.waiting:
            return  # nothing was sent from here
        box = self.waiting.popleft()
        box.sent()
        area = self.query_one(InTurnTextArea)
        if self.pasted and box is area and area.showing is None and "\n" not in area.text:
            self.pasted = False
            if area.text:
                self.query_one(LineInput).restore(area.text)
                area.text = ""
            self.remove_class("-multiline")
            self.focus_entry()

    def put_back(self, text: str) -> None:
        """The oldest answer awaiting its verdict was not saved: back in the box in front of anything typed
        since, in the box on screen if it was sent from the other. Nothing typed is lost."""
        shown: AwaitingVerdict = self.query_one(InTurnTextArea) if self.multiline else self.query_one(LineInput)
        box = self.waiting.popleft() if self.waiting else None
        if box is shown:
            shown.put_back(text)
            return
        if box is not None:
            box.sent()  # its verdict given; the words go where the person is typing now
        shown.restore(text)

    def speak(self, placeholder: str, lines_title: str) -> None:
        """The box's own words, in the conversation's language (given again when it changes)."""
        self.placeholder = placeholder
        self.query_one(TextArea).border_title = lines_title
        line = self.query_one(Input)
        if not line.disabled:
            line.placeholder = placeholder

    def hint(self, text: str | None) -> None:
        """What the empty box says: a hint that the question is still open (None: the usual words)."""
        self.query_one(Input).placeholder = text or self.placeholder

    def set_enabled(self, enabled: bool, placeholder: str = "") -> None:
        line = self.query_one(Input)
        line.disabled = not enabled
        self.query_one(TextArea).disabled = not enabled
        if placeholder:
            line.placeholder = placeholder

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.waiting.append(self.query_one(LineInput))
        self.post_message(AnswerSubmitted(event.value))

    def on_line_input_pasted(self, message: LineInput.Pasted) -> None:
        """Several lines pasted: the text area, with everything in the box and every line pasted, and
        anything typed into the one-line box after the paste (in the same burst of keys) after them."""
        message.stop()
        area, line = self.query_one(TextArea), self.query_one(LineInput)
        before, after, value = message.before, message.after, line.value
        typed = (value[len(before):len(value) - len(after)]
                 if value.startswith(before) and value.endswith(after) and len(value) >= len(before + after)
                 else value)  # the box was changed otherwise meanwhile: keep all of it, after the lines
        head = before + message.text + typed
        area.text = head + after
        self.add_class("-multiline")
        lines = head.split("\n")
        area.move_cursor((len(lines) - 1, len(lines[-1])))
        line.value = ""
        line.lines_on_the_way = False
        self.pasted = True
        area.focus()

    def on_in_turn_text_area_sent(self, message: InTurnTextArea.Sent) -> None:
        message.stop()
        self.waiting.append(message.area)
        self.post_message(AnswerSubmitted(message.text.strip("\n")))

    def action_toggle_lines(self) -> None:
        line, area = self.query_one(LineInput), self.query_one(InTurnTextArea)
        line.let_go()  # what was sent is not carried into the other box (it comes back if it is not saved)
        area.let_go()
        if self.multiline:
            line.value = area.text.replace("\n", " ").strip() if area.text.strip() else line.value
            area.text = ""
        else:
            area.text = line.value
            line.value = ""
        self.toggle_class("-multiline")
        self.pasted = False
        self.focus_entry()
