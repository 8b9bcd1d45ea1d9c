"""The answer as the detector reads it: lower case, straight quotes, one space, figures of speech out."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|\x1b\[[0-9;?]*[ -/]*[@-~]")
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE = re.compile(r"[^.!?;\n]+")

# Longer answers are read in pieces of this many characters, so time stays linear in the paste.
MAX_PIECE = 2000


def normalise(text: str) -> str:
    """Lower case, straight quotes, no control characters, single spaces."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", text.translate(_QUOTES).lower())).strip()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def sentences(text: str) -> list[str]:
    """The clauses of an answer, split at sentence ends and semicolons."""
    return [piece.strip() for piece in _SENTENCE.findall(text) if piece.strip()]


def pieces(text: str) -> list[str]:
    """A long paste in pieces of about MAX_PIECE characters, split at sentence ends where possible."""
    if len(text) <= MAX_PIECE:
        return [text]
    found, current = [], ""
    for sentence in _SENTENCE.findall(text):
        while len(sentence) > MAX_PIECE:
            found.append(sentence[:MAX_PIECE])
            sentence = sentence[MAX_PIECE:]
        if len(current) + len(sentence) > MAX_PIECE and current:
            found.append(current)
            current = ""
        current += sentence + ". "
    if current.strip():
        found.append(current)
    return found
