"""Redaction for training and supervision: a copy of the record with identifying details replaced.

Names the practitioner marked with /name, email addresses, UK phone numbers, UK postcodes and NHS
numbers (only those that pass the modulus-11 check) become [NAME], [EMAIL], [PHONE], [POSTCODE] and
[NHS NUMBER]. It works on the record, so every format, JSON included, is redacted the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from convo.records import Assessment

NAME, EMAIL, PHONE, POSTCODE, NHS = "[NAME]", "[EMAIL]", "[PHONE]", "[POSTCODE]", "[NHS NUMBER]"

# Fields that hold convo's own values (ids, areas, times, the flow), never anyone's words.
_STRUCTURAL = frozenset({
    "id", "flow", "flow_title", "flow_version", "audience", "started_at", "ended_at", "at", "draft",
    "conversation", "number", "type", "source", "kind", "stage", "area", "choice", "outcome",
    "wants_to_take_risk", "label", "title", "time_zone", "chosen_by", "not_asked",
})

# Starting only where a run of address characters starts keeps this linear: without the lookbehind,
# every position inside a long run without an "@" would rescan the rest of the run.
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Ten digits, bare or grouped 3-3-4 with spaces or hyphens.
_TEN_DIGITS = re.compile(r"(?<![\w+])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w])")
# +44 or 0, then 9 or 10 more digits in groups; the digit count is checked after matching.
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)\d[\d ()-]{7,14}\d(?![\w])")
_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR ?0AA|[A-PR-UWYZ](?:[A-HK-Y]?\d[A-Z\d]?|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRVWXY])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)


def nhs_number_valid(digits: str) -> bool:
    """The NHS number modulus-11 check: weights 10..2 on the first nine digits give the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def redact_text(text: str, names: Iterable[str] = ()) -> str:
    """The text with marked names and identifying numbers and addresses replaced by placeholders."""
    text = _EMAIL.sub(EMAIL, text)
    text = _TEN_DIGITS.sub(lambda m: NHS if nhs_number_valid(m.group(1) + m.group(3) + m.group(4)) else m.group(), text)
    text = _PHONE.sub(_phone, text)
    text = _POSTCODE.sub(POSTCODE, text)
    for pattern in _name_patterns(tuple(names)):
        text = pattern.sub(NAME, text)
    return text


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    national = digits[2:] if digits.startswith("44") and match.group().lstrip("(").startswith("+") else digits[1:]
    national = national.removeprefix("0")
    return PHONE if 9 <= len(national) <= 10 else match.group()


def _name_patterns(names: tuple[str, ...]) -> list[re.Pattern[str]]:
    """The whole names first, then each part of two letters or more ("Ann Smith", then "Ann", "Smith")."""
    wholes = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    parts = sorted({p for n in wholes for p in n.split() if len(p) >= 2} - set(wholes), key=len, reverse=True)
    return [re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE) for term in wholes + parts]


def redact(record: Assessment, names: Iterable[str] = ()) -> Assessment:
    """A redacted copy of the record: every field of anyone's words, in every section."""
    names = tuple(names)
    return Assessment.model_validate(_walk(record.model_dump(mode="python"), names))


def _walk(value: Any, names: tuple[str, ...], key: str | None = None) -> Any:
    if isinstance(value, str):
        return value if key in _STRUCTURAL else redact_text(value, names)
    if isinstance(value, dict):
        return {k: _walk(v, names, k if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, names, key) for v in value]
    return value
