"""Keys described by the app's wording file, not in the Python: the footer shows each in the language on screen."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from convo.tui.words import key_label, key_tip


def binding(keys: str, action: str, **options: Any) -> Binding:
    """A key, described as the file says in English (what Textual's own panels show)."""
    return Binding(keys, action, key_label(action, "en", action), tooltip=key_tip(action, "en", ""), **options)
