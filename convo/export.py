"""Exporting a draft: the one way both the command line and the app write a conversation out.

It renders the record (redacted if asked), refuses to leave an unencrypted copy of an encrypted
store on disk unless told to, writes owner-only and whole (a temporary file, then a rename), and
adds a line to the audit log, which never holds anyone's words.
"""

from __future__ import annotations

import os
from pathlib import Path

from convo.engine.conversation import Conversation
from convo.render import FORMATS, render


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


def export(conversation: Conversation, fmt: str, path: Path | None = None, *, redact: bool = False,
           plaintext: bool = False) -> str:
    """The draft's text; written to `path` if given (and then the resolved path is returned)."""
    store = conversation.store
    if path is not None and store.encrypted and not plaintext:
        raise ExportRefused("this store is encrypted and the file would not be; "
                            "export with --plaintext-export (convo export) if that is what you want")
    text = draft_text(conversation, fmt, redact)
    target = "stdout"
    if path is not None:
        write_private(path, text)
        target = str(path.resolve())
    store.record("exported", conversation.id, format=fmt, to=target, redacted=redact,
                 encrypted_store=store.encrypted)
    return target if path is not None else text


def write_private(path: Path, text: str) -> None:
    """Write owner-only and whole: a temporary file beside it, then renamed, so a crash leaves no half draft."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ExportRefused(f"cannot write {path}: {error.strerror}") from None
