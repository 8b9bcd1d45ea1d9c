"""The live draft record, as plain text (never interpreted as markup)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static


class DraftPane(VerticalScroll, can_focus=True):
    text = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="draft-text")

    def show(self, text: str) -> None:
        self.text = text
        self.query_one("#draft-text", Static).update(Content(text))
