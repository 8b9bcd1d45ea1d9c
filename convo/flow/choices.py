"""Which of a question's choices an answer picks: by a choice's value, label or one of its words, by an age
it gives, by a choice followed by more words ("yes, with her GP"), several on one line ("1, 4, 9"), and a
number saying which of several things a choice is about ("yes 2")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from convo.flow.numbers import exact_numbers
from convo.flow.schema import Choice

# What may stand between a choice and the words that follow it: "yes, with her GP", "no — not yet".
_AFTER_CHOICE = re.compile(r"\s*(?:[,;:(]|\s[-–—]\s?|[–—])\s*")
_SEVERAL = re.compile(r"\s*(?:[,;/&+]|\band\b)\s*|\s+(?=\d)")
# Words said around an answer that change nothing of it, in English and Welsh.
_FILLER = frozenset("really then please thanks ta mate love well um erm er oh so just go on i think suppose guess "
                    "reckon honestly probably actually like wel ym yli sti de ynde diolch plis".split())
# A word that turns what follows against the choice before it: "yes, but not as much", "ydw, ond llai".
_CONTRAST = re.compile(r"(?:but|ond)\b")
_NUMBERED = re.compile(r"^\s*(?:(?P<before>\d{1,2})\s+(?P<rest>\D.*)|(?P<words>.*\D)\s+(?P<after>\d{1,2}))\s*$")


def plain(text: str) -> str:
    """Words as compared with a choice's: lower case, curly apostrophes straight, commas and stops gone."""
    text = text.casefold().replace("\u2019", "'").strip().strip(".!?,;:()")
    return " ".join(re.sub(r"(?<=\w)[.!?,;:]+(?=\s|$)", " ", text).split())


def _names(choice: Choice) -> set[str]:
    return {plain(choice.value), plain(choice.label), *(plain(s) for s in choice.says)}


def _exactly(choices: Iterable[Choice], said: str) -> Choice | None:
    return next((choice for choice in choices if said in _names(choice)), None)


def match(choices: tuple[Choice, ...], text: str) -> Choice | None:
    """The choice an answer picks: the whole answer naming one, else an age that falls in one choice's
    ages ("sixteen", "yes I'm 17") if exactly one number is given, else a choice named first and set
    apart from the words that follow it ("yes, with her GP"; "2 — she can't hear on the phone")."""
    if not choices:
        return None
    said = plain(text)
    found = _exactly(choices, said)
    if found is not None:
        return found
    if any(choice.ages for choice in choices):
        numbers = exact_numbers(said)
        if len(numbers) == 1:
            for choice in choices:
                if choice.ages and choice.ages[0] <= numbers[0] <= choice.ages[1]:
                    return choice
    apart = _AFTER_CHOICE.search(text)
    if apart is not None and apart.start() > 0 and text[apart.end():].strip():
        head, tail = plain(text[:apart.start()]), text[apart.end():]
        first = _exactly(choices, head)
        if first is None:
            return _through_filler(choices, said)
        # The words after it may name another choice: "yes, but not as much" is the choice that says so
        # ("Yes, but not as much as now"); "no, not sure" or "yes — no" is said again, never guessed.
        others = [choice for choice in choices if choice is not first and _named_in(tail, choice)]
        if not others:
            return first
        if len(others) == 1 and _CONTRAST.match(plain(tail)) and f"{plain(others[0].label)} ".startswith(f"{head} "):
            return others[0]
        return None
    return _through_filler(choices, said)


def _through_filler(choices: tuple[Choice, ...], said: str) -> Choice | None:
    """The choice named with words around it that change nothing: "dunno really", "yeah go on then", "um, no"."""
    words = said.split()
    while words and words[0] in _FILLER:
        words.pop(0)
    while words and words[-1] in _FILLER:
        words.pop()
    return _exactly(choices, " ".join(words)) if words and len(words) < len(said.split()) else None


def _named_in(text: str, choice: Choice) -> bool:
    """The words name the choice somewhere among them: by its value, label or one of its words, as whole
    words; a number or a single letter ("2 days a week", "y") is not taken to name one there."""
    words = f" {plain(text)} "
    return any(f" {name} " in words for name in _names(choice) if len(name) > 1 and not name.isdecimal())


def several(choices: tuple[Choice, ...], text: str) -> list[str] | None:
    """The parts of a line that picks more than one choice ("1, 4, 9", "information and advice"), each as
    typed; None unless every part picks a choice and there are at least two."""
    parts = [part for part in _SEVERAL.split(text.strip()) if part and part.strip()]
    if len(parts) < 2 or any(_exactly(choices, plain(part)) is None for part in parts):
        return None
    return [part.strip() for part in parts]


def numbered(text: str) -> tuple[str, int | None]:
    """An answer and the number it gives of the thing it is about: "yes 2", "2 yes" and "yes 2 — if she
    takes her phone" give ("yes", 2), ("yes", 2) and ("yes — if she takes her phone", 2)."""
    apart = _AFTER_CHOICE.search(text)
    head, tail = (text[:apart.start()], text[apart.start():]) if apart and apart.start() > 0 else (text, "")
    found = _NUMBERED.match(head)
    if found is None:
        return text, None
    if found["before"] is not None:
        return found["rest"].strip() + tail, int(found["before"])
    return found["words"].strip() + tail, int(found["after"])


def after_choice(text: str) -> str:
    """The words that follow a choice set apart from them ("yes, with her GP" gives "with her GP"), or ""."""
    apart = _AFTER_CHOICE.search(text)
    if apart is None or apart.start() == 0 or len(plain(text[:apart.start()]).split()) > 4:
        return ""
    return text[apart.end():].strip()
