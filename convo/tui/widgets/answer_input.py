"""Where the practitioner types: one line (Enter sends), or several in a text area (F2 switches, Ctrl+S sends)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, TextArea

from convo.tui.messages import AnswerSubmitted
from convo.tui.styles import tcss


class AnswerInput(Vertical):
    DEFAULT_CSS = tcss(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_lines", "Lines", tooltip="Switch between one line and several"),
        Binding("ctrl+s,ctrl+enter", "send_lines", "Send", show=False, tooltip="Send what is in the text area"),
    ]

    def __init__(self, placeholder: str, **options):
        super().__init__(**options)
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, id="line", select_on_focus=False)
        area = TextArea(id="lines", soft_wrap=True, show_line_numbers=False, tab_behavior="focus")
        area.border_title = "Several lines: Ctrl+S sends, F2 back to one line"
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

    def clear(self) -> None:
        self.query_one(Input).value = ""
        self.query_one(TextArea).text = ""

    def set_enabled(self, enabled: bool, placeholder: str = "") -> None:
        line = self.query_one(Input)
        line.disabled = not enabled
        self.query_one(TextArea).disabled = not enabled
        if placeholder:
            line.placeholder = placeholder

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(AnswerSubmitted(event.value))

    def action_send_lines(self) -> None:
        if self.multiline:
            self.post_message(AnswerSubmitted(self.query_one(TextArea).text.strip("\n")))

    def action_toggle_lines(self) -> None:
        line, area = self.query_one(Input), self.query_one(TextArea)
        if self.multiline:
            line.value = area.text.replace("\n", " ").strip() if area.text.strip() else line.value
        else:
            area.text = line.value
        self.toggle_class("-multiline")
        self.focus_entry()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send_lines":
            return self.multiline
        return True
