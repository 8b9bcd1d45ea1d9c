"""The header: which flow and conversation we are in, and how long the call has been going."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from convo.tui.styles import tcss
from convo.tui.words import words


def elapsed(since: datetime | None, now: datetime) -> str:
    seconds = max(0, int((now - since).total_seconds())) if since else 0
    hours, rest = divmod(seconds, 3600)
    return f"{hours:d}:{rest // 60:02d}:{rest % 60:02d}"


class CallHeader(Horizontal):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, clock: Callable[[], datetime], **kwargs):
        super().__init__(**kwargs)
        self.clock = clock
        self.since: datetime | None = None
        self.where = self.shown = ""
        self.language: str | None = None  # the setting's, until a conversation says

    def compose(self) -> ComposeResult:
        yield Static("", id="where", markup=False)
        yield Static("", id="time", markup=False)

    def on_mount(self) -> None:
        self.set_interval(1, self.tick)

    def show(self, where: str, since: datetime | None, language: str | None = None) -> None:
        if where != self.where:
            self.where = where
            self.query_one("#where", Static).update(where, layout=False)
        self.since, self.language = since, language
        self.tick()

    def tick(self) -> None:
        # No start time, no clock: a carer's own self-assessment is not a call.
        shown = words("app_call_time", self.language, time=elapsed(self.since, self.clock())) if self.since else ""
        if shown != self.shown:
            self.shown = shown
            self.query_one("#time", Static).update(shown, layout=False)
