"""The chat log: the assistant's questions, what was typed, what was recorded, cues and alerts, in order."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from convo.tui.transcript import LogLine


class ChatLine(Static):
    """One line of the log. Its text is a Content object, so nothing typed is read as markup."""

    def __init__(self, line: LogLine):
        label = (line.label, "bold") if line.label else ""
        super().__init__(Content.assemble(label, " " if line.label else "", line.text), classes=f"line {line.kind}")
        self.line = line


class ChatLog(VerticalScroll, can_focus=True):
    DEFAULT_CSS = """
    ChatLog { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    ChatLog > ChatLine { width: 1fr; height: auto; }
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.entries: list[LogLine] = []

    def add(self, lines: list[LogLine]) -> None:
        if not lines:
            return
        self.entries.extend(lines)
        self.mount_all([ChatLine(line) for line in lines])
        self.call_after_refresh(self.scroll_end, animate=False, immediate=True)

    @property
    def text(self) -> str:
        """The log as plain text, one line each (for tests and the screen reader-minded)."""
        return "\n".join(line.plain for line in self.entries)
