"""Render the record as Markdown, HTML or plain text with sandboxed Jinja2 templates; JSON comes
straight from the pydantic models. Templates read only the record.

What a person typed is always escaped for the format and its control characters made visible,
so a draft can never run, style or hide anything that was typed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Jinja2 and the record models load on the first render, so `visible` stays cheap to import
    from jinja2.sandbox import SandboxedEnvironment
    from markupsafe import Markup

    from convo.records import Assessment

FORMATS = ("md", "html", "txt", "json")
_TEMPLATES = {"md": "draft.md.j2", "txt": "draft.md.j2", "html": "draft.html.j2"}
# A carer writing about their own life reads "What you told us" first, then the draft.
_CARER_TEMPLATES = {"md": "summary.md.j2", "txt": "summary.md.j2", "html": "summary.html.j2"}

# C0 controls (but tab and newline), DEL and C1 controls become visible symbols.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANK_RUNS = re.compile(r"\n{3,}")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
# "&" only where it would start an entity such as &amp; or &#60; ("Care & Repair" stays as it is).
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Indentation that would make a code block; kept visible as no-break spaces, which open no block.
_MD_INDENT = re.compile(r"^[ \t]+")


def visible(text: str) -> str:
    """Control characters as visible symbols (U+2400 block), so nothing typed can drive a terminal."""
    return _CONTROL.sub(
        lambda m: chr(0x2400 + ord(m.group())) if ord(m.group()) < 0x20 else f"<{ord(m.group()):#04x}>", text)


def md_escape(text: str) -> str:
    """Typed text as Markdown that shows it literally: no typed line opens a list, quote, heading or code."""
    escaped = _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", visible(text)))
    return "  \n  ".join(_md_line(line) for line in escaped.splitlines())


def _md_line(line: str) -> str:
    line = _MD_INDENT.sub(lambda m: "\u00a0" * len(m.group().expandtabs(4)), line)
    if not line:
        return "\u00a0"  # a blank line between typed lines would end the list item the text sits in
    number = re.match(r"\d{1,9}(?=[.)])", line)
    if number:
        return f"{number.group()}\\{line[number.end():]}"
    return "\\" + line if line[0] in "-+=>" else line


def html_text(text: str) -> Markup:
    from markupsafe import Markup, escape

    return Markup("<br>").join(escape(line) for line in visible(text).splitlines() or [""])


def txt_text(text: str) -> str:
    return "\n    ".join(visible(text).splitlines() or [""])


@lru_cache(maxsize=2)
def _environment(fmt: str) -> SandboxedEnvironment:
    from pathlib import Path

    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["said"] = {"md": md_escape, "txt": txt_text, "html": html_text}[fmt]
    env.filters["visible"] = visible
    env.filters["local"] = _local
    env.filters["after_choice"] = _after_choice
    # The domain's words, read from the vocabulary each time a record is rendered.
    env.globals["part_titles"] = _part_titles
    env.globals["outcome_areas"] = _outcome_areas
    env.globals["generally"] = _generally
    return env


def _local(moment: datetime, zone_name: str) -> datetime:
    """A stored (UTC) time in the record's time zone, which strftime's %Z then names."""
    from convo.config import zone

    return moment.astimezone(zone(zone_name) or UTC)


def _after_choice(text: str) -> str:
    from convo.flow.choices import after_choice

    return after_choice(text)


def _part_titles() -> dict[int, str]:
    from convo.vocabulary import PARTS

    return {number: part.title for number, part in PARTS.items()}


def _outcome_areas() -> list[tuple[str, str]]:
    """Each list an outcome has for an area asked per outcome, with its heading."""
    from convo.vocabulary import per_outcome_areas

    return [(area.section or area.id, area.label) for area in per_outcome_areas()]


def _generally() -> dict[str, str]:
    """The heading of what was said in an area asked per outcome, of no outcome in particular."""
    from convo.vocabulary import per_outcome_areas

    return {area.section or area.id: area.general_label or area.label for area in per_outcome_areas()}


def render(record: Assessment, fmt: str, template: str | None = None) -> str:
    """The record in one of FORMATS; raises ValueError for any other."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        return record.model_dump_json(indent=2) + "\n"
    env = _environment(fmt)
    if template is None and record.audience == "carer":
        return _render_summary(record, fmt, with_draft=True)
    text = env.get_template(template or _TEMPLATES[fmt]).render(a=record, markdown=fmt == "md")
    return text if fmt == "html" else _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def render_summary(record: Assessment, fmt: str) -> str:
    """Only "What you told us": the answers in the writer's own words, addressed to them (md, html or txt)."""
    if fmt not in _CARER_TEMPLATES:
        raise ValueError(f"the summary comes as {', '.join(_CARER_TEMPLATES)}, not {fmt!r}")
    return _render_summary(record, fmt, with_draft=False)


def render_summary_article(record: Assessment) -> str:
    """"What you told us" as an HTML <article> (its own <h1> first), for a page that has its own frame."""
    from convo.render.summary import summarise

    return _environment("html").get_template("_summary_article.html.j2").render(a=record, s=summarise(record))


def _render_summary(record: Assessment, fmt: str, with_draft: bool) -> str:
    from convo.render.summary import summarise

    text = _environment(fmt).get_template(_CARER_TEMPLATES[fmt]).render(
        a=record, s=summarise(record), markdown=fmt == "md", with_draft=with_draft)
    return text if fmt == "html" else _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def summary_text(record: Assessment) -> str:
    """A short read-back of what was recorded, for the agreement question."""
    return _environment("txt").get_template("readback.txt.j2").render(a=record).strip()
