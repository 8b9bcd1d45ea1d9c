"""The app's own words (its keys, the command palette, titles, the map, pop-ups and status lines), from
flows/messages.yaml, in the language of the conversation on screen; before there is one, in the setting
(`--language`, CONVO_LANGUAGE).

No Textual here, so the words can be tested (and the log written) without a screen.
"""

from __future__ import annotations

from typing import Any

from convo.language import default_language, speaking
from convo.wording import has, say

KEY = "app_key_{action}"
TIP = "app_key_{action}_tip"
# The quit keys tell the truth about the last save with convo's own messages.
TIPS = {"quit": "quit_saved", "quit_unsaved": "quit_not_saved"}


def words(key: str, language: str | None = None, /, **values: Any) -> str:
    """The message `key` in `language` (None: the setting), filled in with `values`."""
    with speaking(language or default_language()):
        return say(key, **values)


def language_of(app: Any) -> str:
    """The language of the conversation on screen, under any pop-up over it; else the setting."""
    for screen in reversed(getattr(app, "screen_stack", ())):
        conversation = getattr(screen, "conversation", None)
        if conversation is not None:
            return str(conversation.language)
    return default_language()


def key_label(action: str, language: str, fallback: str) -> str:
    """What the footer calls a key, by its action (as Textual describes it, if the file has no wording)."""
    key = KEY.format(action=action)
    return words(key, language) if has(key) else fallback


def key_tip(action: str, language: str, fallback: str) -> str:
    key = TIPS.get(action) or TIP.format(action=action)
    return words(key, language) if has(key) else fallback

