"""Numbers in what someone typed, in digits or in words ("16", "sixteen", "I'm twenty-one"), so a
choice can be picked by an age. The words are data, in flows/words/numbers.yaml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.paths import flows_dir
from convo.strict import Strict

_WORD = re.compile(r"\d+|[^\W\d_]+")


class NumberWords(Strict):

    ones: dict[str, int] = Field(description="Words for 0 to 19")
    tens: dict[str, int] = Field(description="Words for 20, 30 … 90, which a word from `ones` may follow")
    not_exact: list[str] = Field(default=[], description="Words after which a number is not an exact age")


def load_numbers(path: str | Path) -> NumberWords:
    document = read(path)
    try:
        return NumberWords.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None


@lru_cache(maxsize=2)
def number_words(path: str | None = None) -> NumberWords:
    return load_numbers(path or flows_dir() / "words" / "numbers.yaml")


def exact_numbers(text: str, words: NumberWords | None = None) -> list[int]:
    """Each whole number in `text`, in order; a number after a word such as "under" is left out."""
    words = words or number_words()
    tokens = _WORD.findall(text.casefold())
    found: list[int] = []
    index = 0
    while index < len(tokens):
        token, before = tokens[index], tokens[index - 1] if index else ""
        value: int | None = None
        if token.isdecimal():
            value = int(token) if len(token) <= 4 else None
        elif token in words.tens:
            value = words.tens[token]
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if 0 < words.ones.get(after, 0) < 10:
                value += words.ones[after]
                index += 1
        elif token in words.ones:
            value = words.ones[token]
        if value is not None and before not in words.not_exact:
            found.append(value)
        index += 1
    return found
