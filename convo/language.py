"""The languages convo speaks (English and Welsh): wording given per language in data files, and which one is used.

Any wording in a flow, messages or concerns file may be a plain string (in the file's own language) or a
mapping `{en: …, cy: …}`. The language in use is the conversation's, set around each piece of work that
speaks; otherwise the default, from `CONVO_LANGUAGE`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal

Language = Literal["en", "cy"]
LANGUAGES: tuple[str, ...] = ("en", "cy")
NAMES = {"en": "English", "cy": "Cymraeg"}
ENVIRONMENT = "CONVO_LANGUAGE"

_speaking: ContextVar[str | None] = ContextVar("convo_language", default=None)
_default: list[str] = []  # set once by a face for the whole process (the app, line mode)


class LanguageError(ValueError):
    """A language convo does not speak, said in one line."""


def checked(language: str) -> str:
    code = language.strip().lower()
    if code not in LANGUAGES:
        raise LanguageError(f"convo speaks {' and '.join(LANGUAGES)}, not {language!r}")
    return code


def default_language() -> str:
    if _default:
        return _default[-1]
    given = os.environ.get(ENVIRONMENT, "").strip()
    return checked(given) if given else "en"


def set_default(language: str) -> None:
    """The language of everything said in this process outside a conversation's own work."""
    _default[:] = [checked(language)]


def forget_default() -> None:
    """Back to the setting (`CONVO_LANGUAGE`, else English), as a process starts."""
    _default.clear()


def current() -> str:
    return _speaking.get() or default_language()


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Say everything inside in `language` (None: carry on in the current one)."""
    token = _speaking.set(checked(language) if language else _speaking.get())
    try:
        yield
    finally:
        _speaking.reset(token)


def is_wording(value: Any) -> bool:
    """A mapping of language to wording, as opposed to any other mapping in a file."""
    return isinstance(value, dict) and bool(value) and all(key in LANGUAGES for key in value)


def pick(value: Any, language: str | None = None, fallback: str = "en") -> Any:
    """The wording in `language` (else in `fallback`, else in whatever language it has); other values as they are."""
    if not is_wording(value):
        return value
    language = language or current()
    for code in (language, fallback, *value):
        if value.get(code) is not None:
            return value[code]
    return next(iter(value.values()))


def localize(data: Any, language: str, fallback: str = "en") -> Any:
    """A copy of a file's data with every per-language wording replaced by its wording in `language`."""
    if is_wording(data):
        return pick(data, language, fallback)
    if isinstance(data, dict):
        return {key: localize(value, language, fallback) for key, value in data.items()}
    if isinstance(data, list):
        return [localize(value, language, fallback) for value in data]
    return data


def gaps(data: Any, languages: list[str], is_text_at: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Where wording is missing in one of `languages`: (place, message) for each, with `is_text_at(loc)` saying
    which places hold wording a person reads."""
    if is_wording(data):
        for code in languages:
            if not data.get(code):
                yield loc, f"no {NAMES.get(code, code)} ({code}) wording here"
        return
    if isinstance(data, str) and len(languages) > 1 and is_text_at(loc):
        yield loc, f"wording in one language only: give it as {', '.join(f'{code}: …' for code in languages)}"
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield from gaps(value, languages, is_text_at, loc + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from gaps(value, languages, is_text_at, loc + (index,))
