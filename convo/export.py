"""A draft as a file: its format from the file's ending, its text (redacted if asked), and writing it
owner-only and whole (a temporary file, then a rename), never over an existing file unless told to.
`convo.services.Service.export` uses these, and writes the audit line.
"""

from __future__ import annotations

import os
from pathlib import Path

from convo.engine.conversation import Conversation
from convo.paths import write_private
from convo.render import FORMATS, render
from convo.render.wording import CHOICES as LANGUAGE_CHOICES

# The file endings that name a format.
ENDINGS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".txt": "txt", ".json": "json"}


class ExportRefused(Exception):
    """Why an export was not written, in one line."""


def draft_text(conversation: Conversation, fmt: str, redact: bool = False, language: str | None = None) -> str:
    """The draft in `fmt`, its own wording in `language` (en, cy, or both side by side, Welsh first); by
    default in the language the conversation is in. What was said is never translated."""
    if fmt not in FORMATS:
        raise ExportRefused(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if language is not None and language not in LANGUAGE_CHOICES:
        raise ExportRefused(f"the draft comes in {', '.join(LANGUAGE_CHOICES)}, not {language!r}")
    record = conversation.assessment()
    if redact:
        from convo.redact import redact as redacted

        record = redacted(record, conversation.state.names)
    return render(record, fmt, language=language or conversation.language)


def format_for(path: Path, fmt: str | None = None) -> str:
    """The format to write `path` in: the one its ending names, or `fmt` (md if neither says)."""
    ending = path.suffix.lower()
    named = ENDINGS.get(ending)
    if fmt is not None and fmt not in FORMATS:
        raise ExportRefused(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if named is None and ending and fmt is None:
        raise ExportRefused(f"{path.name!r} does not say which format to write: end it with "
                            f"{', '.join(ENDINGS)}, or give --format")
    if named is not None and fmt is not None and named != fmt:
        raise ExportRefused(f"{path.name!r} ends in {ending} but the format asked for is {fmt}; make them agree")
    return named or fmt or "md"


def write_draft(path: Path, text: str, *, replace: bool = True) -> None:
    """Write a draft owner-only and whole; without `replace`, never over a file already there."""
    try:
        write_private(path, text, replace=replace)
    except FileExistsError:
        raise _taken(path) from None
    except OSError as error:
        raise ExportRefused(f"cannot write {path}: {error.strerror}") from None


def refuse_if_taken(path: Path) -> None:
    if os.path.lexists(path):
        raise _taken(path)


def _taken(path: Path) -> ExportRefused:
    return ExportRefused(f"{path} already exists; nothing was written (add --force to replace it)")
