"""What the noticing tests ask of an answer: the categories it raises a banner for, and those of the
alert phrase patterns it matches."""

from __future__ import annotations

from convo.notice import detector
from convo.notice.detector import ALERT
from convo.notice.patterns import patterns
from convo.notice.text import normalise


def alerts(text: str, speaker: str = "person", audience: str = "practitioner") -> list[str | None]:
    """The categories of the banners an answer raises."""
    return [f.category for f in detector.concerns(text, speaker, audience) if f.kind == ALERT]


def alert_patterns(text: str) -> list[str]:
    """The categories of the alert patterns that match, with the figures of speech taken out first."""
    rules = patterns()
    plain = rules.without_figures(normalise(text))
    return [match.category for match in rules.find(plain) if match.tier == "alert"]
