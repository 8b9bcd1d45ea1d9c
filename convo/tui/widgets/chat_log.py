"""The chat log: the assistant's questions, what was typed, what was recorded, cues and alerts, in order.

A RichLog, so adding a turn costs the same however long the call has been (no widget per line to lay
out). Each line is a rich `Text` built from plain strings, so nothing typed is ever read as markup;
the look of each kind of line comes from component classes in the stylesheet.
"""

from __future__ import annotations

from typing import ClassVar

from rich.padding import Padding
from rich.text import Text
from textual.events import Resize
from textual.widgets import RichLog

from convo.tui.styles import tcss
from convo.tui.transcript import ALERT, DONE, PROMPT, STAGE, LogLine

INDENT = {"answer": 2, "command": 2, "moved-on": 2, "you": 2, "captured": 4, "info": 4, "cue": 4, "coach": 4,
          "error": 4}
SPACED = {PROMPT, STAGE, DONE, ALERT, "reply"}  # a blank line before these starts a new turn


class ChatLog(RichLog):
    # One class per kind of line (practice mode adds "you", "reply" and "coach"); unknown kinds draw plain.
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"chat-log--{kind}" for kind in
                         ("prompt", "stage", "answer", "command", "moved-on", "captured", "cue", "alert",
                          "info", "error", "done", "label", "you", "reply", "coach")}
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__(wrap=True, markup=False, highlight=False, min_width=20, **kwargs)
        self.entries: list[LogLine] = []
        self._drawn_width = 0
        self._following = True  # showing the newest line: kept in sight when the log gets shorter

    def on_mount(self) -> None:
        if self.entries:
            self.call_after_refresh(self.redraw)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.call_after_refresh(self.redraw))

    def add(self, lines: list[LogLine]) -> None:
        self.entries.extend(lines)
        for line in lines:
            self._draw(line)
        self._show_end()

    def _show_end(self) -> None:
        """Scroll to the newest line now, so the frame that draws it also shows it (RichLog alone would
        wait for a refresh first, and the new prompt would appear a frame and a whole layout later);
        and again after that refresh, in case the log's height changed in it (a banner came or went)."""
        if self.is_mounted:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def _draw(self, line: LogLine) -> None:
        if not self.is_mounted:
            return
        if line.kind in SPACED and self.lines:
            self.write(Text(""), expand=True, shrink=True, scroll_end=False)
        name = f"chat-log--{line.kind}"
        # Full styles: a partial one drops the blending of translucent colours and can paint white on white.
        text = Text(style=self.get_component_rich_style(name) if name in self.COMPONENT_CLASSES else "")
        if line.label:
            text.append(line.label, self.get_component_rich_style("chat-log--label", partial=True))  # bold only
            text.append(" ")
        text.append(line.text)
        indent = INDENT.get(line.kind, 0)
        self.write(Padding(text, (0, 0, 0, indent), expand=False) if indent else text, expand=True, shrink=True,
                   scroll_end=False)

    def redraw(self) -> None:
        """Lay the whole log out again (after a resize or a change of theme)."""
        self.clear()
        self._drawn_width = self.scrollable_content_region.width
        for line in self.entries:
            self._draw(line)
        self._show_end()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._following = new_value >= self.max_scroll_y - 1

    def on_resize(self, event: Resize) -> None:
        first = not self._size_known
        following = self._following
        super().on_resize(event)  # the first time, this draws what was added before the size was known
        width = self.scrollable_content_region.width
        if first and width:
            self._show_end()
        elif width and width != self._drawn_width and self.entries:
            self.redraw()
        elif following:  # shorter (a box of several lines grew below it): the question stays in sight
            self._show_end()
        self._drawn_width = width

    @property
    def text(self) -> str:
        """The log as plain text, one entry a line (for tests and anyone reading it aloud)."""
        return "\n".join(line.plain for line in self.entries)

    @property
    def rendered(self) -> str:
        """What is on the log's canvas, as text: the lines as drawn, after wrapping."""
        return "\n".join(strip.text.rstrip() for strip in self.lines)
