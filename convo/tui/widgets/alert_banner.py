"""The safeguarding banner: unmissable, labelled in words, and there until someone acknowledges it."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from convo.render import visible
from convo.tui.styles import tcss
from convo.tui.words import words


class AlertBanner(Static):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.waiting: list[tuple[int, str, str]] = []  # (answer seq, alert wording, what was said)
        self.language: str | None = None

    def show(self, alerts: list[tuple[int, str, str]], key: str, language: str | None = None) -> None:
        if alerts == self.waiting and (bool(alerts) == self.has_class("-waiting")) and language == self.language:
            return
        self.waiting, self.language = alerts, language
        self.set_class(bool(alerts), "-waiting")
        if not alerts:
            self.update("")
            return
        parts: list[str | tuple[str, str]] = []
        for _, wording, said in alerts:
            wording = visible(wording)
            if wording.upper().startswith("SAFEGUARDING"):
                wording = wording[len("SAFEGUARDING"):].lstrip(" —-:")
            parts += [(f" ⚠ {words('app_alert_label', language)} ", "bold reverse"), " ", (wording, "bold"), "\n"]
            if said:  # an alert saved before alerts quoted the sentence that raised them
                parts += [f"{words('app_alert_said', language)} “", visible(said), "”\n"]
        parts.append((words("app_alert_press", language, key=key), "bold"))
        self.update(Content.assemble(*parts))
