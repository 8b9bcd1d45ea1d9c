"""The safeguarding banner: unmissable, labelled in words, and there until someone acknowledges it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from convo.render import visible
from convo.tui.styles import tcss
from convo.tui.words import words

if TYPE_CHECKING:
    from convo.engine.conversation import WaitingAlert

# The most of what was said a banner quotes: at 80x24 two banners quoting long sentences in full pushed the
# answer box off the screen. The whole answer is in the conversation above and in the draft.
QUOTE_MAX = 120


class AlertBanner(Static):
    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)
        self.waiting: list[WaitingAlert] = []
        self.language: str | None = None

    def show(self, alerts: list[WaitingAlert], key: str, language: str | None = None) -> None:
        """`alerts` as the conversation gives them (`waiting_alerts(QUOTE_MAX)`)."""
        if alerts == self.waiting and (bool(alerts) == self.has_class("-waiting")) and language == self.language:
            return
        self.waiting, self.language = alerts, language
        self.set_class(bool(alerts), "-waiting")
        if not alerts:
            self.update("")
            return
        parts: list[str | tuple[str, str]] = []
        label = words("app_alert_label", language)
        if len(alerts) > 1:  # first, every kind heard, and the key: above what may need scrolling to
            kinds = [alert.kind for alert in alerts]
            several = (words("app_alert_several", language, count=len(alerts), kinds=" · ".join(kinds))
                       if all(kinds) else words("app_alert_count", language, count=len(alerts)))
            parts += [(f" ⚠ {label} ", "bold reverse"), " ", (several, "bold"), " ",
                      words("app_alert_press", language, key=key), "\n"]
        for alert in alerts:
            wording = visible(alert.wording)
            if wording.upper().startswith(label.upper()):  # the banner's own label says it
                wording = wording[len(label):].lstrip(" —-:")
            parts += [(f" ⚠ {label} ", "bold reverse"), " ", (wording, "bold"), "\n"]
            if alert.said:  # an alert saved before alerts quoted the sentence that raised them
                parts += [f"{words('app_alert_said', language)} “", visible(alert.said), "”\n"]
        parts.append((words("app_alert_press", language, key=key), "bold"))
        self.update(Content.assemble(*parts))
