"""Write a conversation's draft to a file only its owner can read."""

from __future__ import annotations

import os
from pathlib import Path

from convo.engine.conversation import Conversation
from convo.render import render


def write_draft(conversation: Conversation, path: Path) -> Path:
    """Render the record in the format the file's ending names; raise OSError or ValueError on failure."""
    text = render(conversation.record(), path.suffix.lstrip("."))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # a file that was already there keeps no wider permissions
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path.resolve()
