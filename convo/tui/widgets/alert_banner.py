"""The safeguarding banner: unmissable, labelled in words, and there until someone acknowledges it."""

from __future__ import annotations

import re

from textual.content import Content
from textual.widgets import Static

from convo.render import visible
from convo.tui.styles import tcss
from convo.tui.words import words

# The most of what was said a banner quotes: at 80x24 two banners quoting long sentences in full pushed the
# answer box off the screen. The whole answer is in the conversation above and in the draft.
QUOTE_MAX = 120
_QUOTE = re.compile(r"“([^”]*)”")
_KIND = re.compile(r"^\s*(?:SAFEGUARDING|DIOGELU)?\s*\(([^)]*)\)")


def _short(said: str) -> str:
    if len(said) <= QUOTE_MAX:
        return said
    cut = said[:QUOTE_MAX - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[QUOTE_MAX // 2:] else cut).rstrip(" ,;:") + "…"


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
        label = words("app_alert_label", language)
        if len(alerts) > 1:  # first, every kind heard, and the key: above what may need scrolling to
            # Each kind as its banner names it; where a reworded frame does not say it first, the count alone.
            kinds = [found.group(1) for _, wording, _ in alerts if (found := _KIND.match(visible(wording)))]
            several = (words("app_alert_several", language, count=len(alerts), kinds=" · ".join(kinds))
                       if len(kinds) == len(alerts) else words("app_alert_count", language, count=len(alerts)))
            parts += [(f" ⚠ {label} ", "bold reverse"), " ", (several, "bold"), " ",
                      words("app_alert_press", language, key=key), "\n"]
        for _, wording, said in alerts:
            wording = _QUOTE.sub(lambda quoted: f"“{_short(quoted.group(1))}”", visible(wording), count=1)
            if wording.upper().startswith("SAFEGUARDING"):
                wording = wording[len("SAFEGUARDING"):].lstrip(" —-:")
            parts += [(f" ⚠ {label} ", "bold reverse"), " ", (wording, "bold"), "\n"]
            if said:  # an alert saved before alerts quoted the sentence that raised them
                parts += [f"{words('app_alert_said', language)} “", _short(visible(said)), "”\n"]
        parts.append((words("app_alert_press", language, key=key), "bold"))
        self.update(Content.assemble(*parts))
