"""The web pages' own words, read from flows/web/wording.yaml (an English and a Welsh wording of each), and
which language a page is in before a conversation has one: the address's `lang`, else the browser's
Accept-Language (Welsh whenever it asks for Welsh), else English.

A wording is filled in as HTML: its own text and every value are escaped, except a value that is already
markup (a link the template made), so nothing typed and nothing in the file can add to the page's markup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from convo.language import LANGUAGES, is_wording, pick
from convo.paths import flows_dir

FILE = ("web", "wording.yaml")
_FILLING = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_ACCEPTED = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


class WordingMissing(LookupError):
    """A key a page asks for that the pages' wording file does not have."""


@lru_cache(maxsize=1)
def _all() -> dict[str, Any]:
    from convo.flow.yamlfile import read

    data = read(flows_dir().joinpath(*FILE)).data
    return {str(key): value for key, value in data.items()} if isinstance(data, dict) else {}


def keys() -> list[str]:
    return list(_all())


def entry(key: str) -> Any:
    try:
        return _all()[key]
    except KeyError:
        raise WordingMissing(f"flows/web/wording.yaml has no {key!r}") from None


def text(key: str, language: str) -> str:
    """The wording of `key` as written in `language` (else English), not filled in."""
    return str(pick(entry(key), language))


def words(key: str, language: str, /, **values: Any) -> Markup:
    """The wording of `key` in `language`, as HTML, with each {{ name }} filled in from `values`."""
    wording = text(key, language)
    pieces: list[str] = []
    start = 0
    for found in _FILLING.finditer(wording):
        pieces.append(escape(wording[start:found.start()]))
        name = found.group(1)
        pieces.append(escape(values[name]))  # a name not given is a KeyError: the page leaves nothing unfilled
        start = found.end()
    pieces.append(escape(wording[start:]))
    return Markup("").join(pieces)


def gaps() -> list[str]:
    """Every key without a wording in each language, or whose wordings fill in different names."""
    found = []
    for key, value in _all().items():
        if not is_wording(value) or any(not value.get(code) for code in LANGUAGES):
            found.append(f"{key}: needs a wording in each of {', '.join(LANGUAGES)}")
        elif len({frozenset(_FILLING.findall(str(value[code]))) for code in LANGUAGES}) > 1:
            found.append(f"{key}: its wordings fill in different names")
    return found


def checked_language(given: str | None) -> str | None:
    """A language the pages are written in, from an address's `lang` ("cy", "CY", "cy-GB"), or None."""
    code = (given or "").strip().lower().split("-", 1)[0]
    return code if code in LANGUAGES else None


def from_browser(accept_language: str | None) -> str:
    """The language a browser asks for: Welsh if it asks for Welsh at all (the Active Offer: Welsh is not
    made to wait behind a browser set up in English), else English."""
    for part in (accept_language or "").split(",")[:32]:
        match = _ACCEPTED.match(part)
        if match is None or match.group(1).lower() != "cy":
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if quality > 0:
            return "cy"
    return "en"
