"""What convo says in its own voice, read from flows/messages.yaml so it can be reworded.

Each message is a wording, or a wording per language (`en:`, `cy:`); it is said in the language in use
(convo.language), else in English.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from convo.language import current, pick
from convo.paths import flows_dir
from convo.templating import fill


@lru_cache(maxsize=1)
def _all() -> dict[str, Any]:
    from convo.flow.yamlfile import read

    return {str(key): value for key, value in read(flows_dir() / "messages.yaml").data.items()}


def keys() -> list[str]:
    return list(_all())


def has(key: str) -> bool:
    """Whether the messages file has wording for `key`."""
    return key in _all()


def wording(key: str, language: str | None = None) -> str | None:
    """The message as written in `language` (None if it has no wording in that language)."""
    value = _all()[key]
    if isinstance(value, dict):
        found = value.get(language or current())
        return str(found) if found else None
    return str(value) if (language or current()) == "en" else None


def say(key: str, /, **values: Any) -> str:
    return fill(str(pick(_all()[key], current())), **values)
