"""The safeguarding banner: unmissable, labelled in words, and there until someone acknowledges it."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from convo.render import visible
from convo.tui.styles import tcss


class AlertBanner(Static):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.waiting: list[tuple[int, str, str]] = []  # (answer seq, alert wording, what was said)

    def show(self, alerts: list[tuple[int, str, str]], key: str) -> None:
        if alerts == self.waiting and (bool(alerts) == self.has_class("-waiting")):
            return
        self.waiting = alerts
        self.set_class(bool(alerts), "-waiting")
        if not alerts:
            self.update("")
            return
        parts: list[str | tuple[str, str]] = []
        for _, wording, said in alerts:
            wording = visible(wording)
            if wording.upper().startswith("SAFEGUARDING"):
                wording = wording[len("SAFEGUARDING"):].lstrip(" —-:")
            parts += [(" ⚠ SAFEGUARDING ", "bold reverse"), " ", (wording, "bold"), "\n",
                      "Said: “", visible(said), "”\n"]
        parts.append((f"Press {key} to acknowledge you have seen this.", "bold"))
        self.update(Content.assemble(*parts))
