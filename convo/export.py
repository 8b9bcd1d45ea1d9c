"""Exporting a draft: the one way both the command line and the app write a conversation out.

It renders the record (redacted if asked), refuses to leave an unencrypted copy of an encrypted
store on disk unless told to, writes owner-only and whole (a temporary file, then a rename), never
over an existing file unless told to, and adds a line to the audit log, which never holds anyone's words.
"""

from __future__ import annotations

import os
from pathlib import Path

from convo.engine.conversation import Conversation
from convo.paths import write_private
from convo.render import FORMATS, render

# The file endings that name a format.
ENDINGS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".txt": "txt", ".json": "json"}


class ExportRefused(Exception):
    """Why an export was not written, in one line."""


def draft_text(conversation: Conversation, fmt: str, redact: bool = False) -> str:
    if fmt not in FORMATS:
        raise ExportRefused(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    record = conversation.record()
    if redact:
        from convo.redact import redact as redacted

        record = redacted(record, conversation.state.names)
    return render(record, fmt)


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


def export(conversation: Conversation, fmt: str, path: Path | None = None, *, redact: bool = False,
           plaintext: bool = False, replace: bool = True) -> str:
    """The draft's text; written to `path` if given (and then the resolved path is returned).

    With `replace` false, an existing file at `path` is refused rather than written over."""
    store = conversation.store
    if path is not None and store.encrypted and not plaintext:
        raise ExportRefused("this store is encrypted and the file would not be; "
                            "export with --plaintext-export (convo export) if that is what you want")
    if path is not None and not replace:
        refuse_if_taken(path)
    text = draft_text(conversation, fmt, redact)
    target = "stdout"
    if path is not None:
        try:
            write_private(path, text, replace=replace)
        except FileExistsError:
            raise _taken(path) from None
        except OSError as error:
            raise ExportRefused(f"cannot write {path}: {error.strerror}") from None
        target = str(path.resolve())
    store.audit("exported", conversation.id, format=fmt, to=target, redacted=redact,
                 encrypted_store=store.encrypted)
    return target if path is not None else text


def refuse_if_taken(path: Path) -> None:
    if os.path.lexists(path):
        raise _taken(path)


def _taken(path: Path) -> ExportRefused:
    return ExportRefused(f"{path} already exists; nothing was written (add --force to replace it)")
