"""The answer as the detector reads it: lower case, straight quotes, one space, figures of speech out."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|\x1b\[[0-9;?]*[ -/]*[@-~]")
_SPACE = re.compile(r"\s+")
# Marks that set a word apart without changing it: double quotes round it ("hits"), *stars*, _underlines_,
# a terminal's style tags ([bold], [/], [red on white]); not a transcriber's [long pause]. Single quotes
# stay: in Welsh they mark letters left out at either end of a word ('y ngherdyn, ma', 'di), so a pair
# of them is not always a quotation.
_STYLE = r"b|i|u|s|bold|italic|underline|strike|dim|reverse|blink|red|green|blue|yellow|magenta|cyan|white|black"
_EMPHASIS = re.compile(rf"\[/?(?:{_STYLE})(?: [a-z]+)*\]|\[/\]|(?<!\w)[\"*_]+(?=\w)|(?<=\w)[\"*_]+(?!\w)")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE = re.compile(r"[^.!?;\n]+")
_ENDS = re.compile(r"[.!?;\n]+")

# Longer answers are read in pieces of this many characters, so time stays linear in the paste.
MAX_PIECE = 2000


def normalise(text: str) -> str:
    """Lower case, straight quotes, no double quotes or marks round a word, no control characters, single spaces."""
    return _SPACE.sub(" ", _EMPHASIS.sub("", _CONTROL.sub(" ", text.translate(_QUOTES).lower()))).strip()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def sentences(text: str) -> list[str]:
    """The clauses of an answer, split at sentence ends and semicolons."""
    return [piece.strip() for piece in _SENTENCE.findall(text) if piece.strip()]


def pieces(text: str) -> list[str]:
    """A long paste in pieces of at most MAX_PIECE characters, cut after a sentence's end where possible.

    The pieces are slices of the text as typed, so what is quoted from one is in the answer.
    """
    if len(text) <= MAX_PIECE:
        return [text]
    found: list[str] = []
    start = last = 0  # where the current piece starts; the last sentence end inside it
    for end in [*(match.end() for match in _ENDS.finditer(text)), len(text)]:
        if end - start > MAX_PIECE and last > start:
            found.append(text[start:last])
            start = last
        while end - start > MAX_PIECE:  # one sentence longer than a piece
            found.append(text[start:start + MAX_PIECE])
            start += MAX_PIECE
        last = end
    found.append(text[start:])
    return [piece for piece in found if piece.strip()]
