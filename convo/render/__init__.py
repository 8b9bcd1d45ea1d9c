"""Render the record as Markdown, HTML or plain text with sandboxed Jinja2 templates; JSON comes
straight from the pydantic models. Templates read only the record (and the carer's summary, the choices'
labels in the page's language, where a face that has the flow gives them).

What a person typed is always escaped for the format and its control characters made visible,
so a draft can never run, style or hide anything that was typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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


# What may end a line for some readers (the line and paragraph separators), and the marks that turn the
# direction of the text after them (which could make one title look like another).
_LINE_BREAKING = re.compile("[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The marks alone (not the separators): what turns the direction of the text after it.
DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The same in JSON text, where the first two and NEL are legal as they are but split a line for readers
# that break lines as Python's str.splitlines() does.
_JSON_LINE_BREAKING = re.compile("[\u0085\u2028\u2029]")


def one_line(text: str) -> str:
    """Text for one line of a list or a table: control characters as visible symbols, a tab and a new line
    too (␉, ␤), and the separators and direction marks as their code (<U+2028>), so nothing typed can move
    to another column or line or turn the text around it."""
    return _LINE_BREAKING.sub(lambda m: f"<U+{ord(m.group()):04X}>",
                              visible(text).replace("\t", "\u2409").replace("\n", "\u2424"))


def json_line(value: Any) -> str:
    """One JSON object on one line, whoever splits the lines: UTF-8 as it is, but NEL and the line and
    paragraph separators written as escapes (the same JSON, read back the same)."""
    import json

    return _JSON_LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def shortened(text: str, most: int) -> str:
    """At most `most` characters, cut at a word where one ends in its second half, with "…" if cut."""
    if len(text) <= most:
        return text
    cut = text[:most - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[most // 2:] else cut).rstrip(" ,;:") + "…"


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

    from jinja2 import FileSystemLoader, StrictUndefined, pass_context, select_autoescape
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
    # The draft's own wording, in the language(s) each render asks for (`languages` in its context).
    env.globals["t"] = _wording_in(fmt)
    env.globals["concern_kind"] = _concern_kind_in(fmt)
    env.globals["month"] = pass_context(_month)
    env.globals["has_wording"] = _has_wording
    env.globals["plain"] = pass_context(_plain)
    env.filters["place"] = _place_in(fmt)
    return env


def _joined(fmt: str, by_language: list[tuple[str, str]]) -> Markup | str:
    """Wording in one language, or in several side by side (in HTML each in an element with its own `lang`)."""
    if fmt != "html":
        return " / ".join(text for _, text in by_language)
    from markupsafe import Markup

    if len(by_language) == 1:
        return Markup(by_language[0][1])
    return Markup(" / ").join(Markup('<span lang="{}">{}</span>').format(code, Markup(text))
                              for code, text in by_language)


def _wording_in(fmt: str) -> Callable[..., Markup | str]:
    """`t(key, **values)` for templates: the draft's wording of `key` in the render's language(s).

    In HTML the wording is the file's own (as a template's text is) with `&`, `<` and `>` escaped, and each
    value filled in is escaped unless it is markup made by the template (a <time>).
    """
    from jinja2 import pass_context

    from convo.render import wording

    @pass_context
    def t(context: Any, key: str, **values: object) -> Markup | str:
        if fmt == "html":
            from markupsafe import escape

            values = {name: escape(value) for name, value in values.items()}
        found = []
        for code in context["languages"]:
            filling = {name.removesuffix("_key"): _key_words(fmt, str(value), code) if name.endswith("_key")
                       else value for name, value in values.items()}
            text = wording.words(key, code)
            found.append((code, wording.fill(_html_wording(text) if fmt == "html" else text, filling)))
        return _joined(fmt, found)

    return t


def _concern_kind_in(fmt: str) -> Callable[..., Markup | str]:
    """`concern_kind(alert)` for templates: the kind of concern in the render's language(s), as the record
    names it when the kind is no longer known."""
    from jinja2 import pass_context

    @pass_context
    def concern_kind(context: Any, alert: Any) -> Markup | str:
        from convo.notice.taxonomy import taxonomy

        kinds = taxonomy()
        if alert.category not in kinds.ids:
            return str(alert.category_label or "")
        found = [(code, kinds.category(alert.category).label_in(code)) for code in context["languages"]]
        if fmt == "html":
            from markupsafe import escape

            found = [(code, str(escape(text))) for code, text in found]
        return _joined(fmt, found)

    return concern_kind


def _key_words(fmt: str, key: str, language: str) -> str:
    """A value given as another wording's key (`title_key="parts.1"`), in the same language as what it fills."""
    from convo.render import wording

    text = wording.words(key, language)
    return _html_wording(text) if fmt == "html" else text


def _html_wording(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _place_in(fmt: str) -> Callable[..., Markup | str]:
    """A place the record lists as not explored ("Barriers (outcome 2): not reached"), in the render's language(s)."""
    from jinja2 import pass_context

    from convo.render import wording

    @pass_context
    def place(context: Any, text: str, said: str | None = None) -> Markup | str:
        found = wording.place(text)
        by_language = [(code, wording.place_words(found, code) + (": " + wording.words(said, code) if said else ""))
                       for code in context["languages"]]
        if fmt == "html":
            from markupsafe import escape

            by_language = [(code, str(escape(said))) for code, said in by_language]
        return _joined(fmt, by_language)

    return place


def _plain(context: Any, key: str) -> str:
    """Wording as plain text, in each language asked for side by side: for a page's <title>."""
    from convo.render import wording

    return " / ".join(wording.words(key, code) for code in context["languages"])


def _has_wording(key: str) -> bool:
    from convo.render import wording

    return wording.has(key)


def _month(context: Any, number: int) -> str:
    """A month's name in the render's language(s): "April", "Ebrill", "Ebrill/April"."""
    from convo.render import wording

    return "/".join(wording.months(code)[number - 1] for code in context["languages"])


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


def language_of(record: Assessment) -> str:
    """The language a record's draft is in unless another is asked for: the one its conversation went on in."""
    return record.language_offer.language if record.language_offer is not None else "en"


def _in_language(record: Assessment, language: str | None) -> dict[str, Any]:
    """What every template is given of the language(s) it is rendered in: `languages`, in order, and the
    page's own language (`lang`), the first of them; answers in another language are marked as such."""
    from convo.render.wording import languages

    codes = languages(language or language_of(record))
    return {"languages": codes, "lang": codes[0]}


def render(record: Assessment, fmt: str, template: str | None = None, *, language: str | None = None) -> str:
    """The record in one of FORMATS; raises ValueError for any other. The draft's own wording is in `language`:
    en, cy, or both side by side (Welsh first); by default the conversation's. The person's words are as said."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        return record.model_dump_json(indent=2) + "\n"
    context = _in_language(record, language)
    env = _environment(fmt)
    if template is None and record.audience == "carer":
        return _render_summary(record, fmt, with_draft=True, language=language)
    text = env.get_template(template or _TEMPLATES[fmt]).render(a=record, markdown=fmt == "md", **context)
    return text if fmt == "html" else _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def render_summary(record: Assessment, fmt: str, *, language: str | None = None,
                   choice_labels: Mapping[int, str] | None = None) -> str:
    """Only "What you told us": the answers in the writer's own words, addressed to them (md, html or txt).
    `choice_labels` are the choices' labels in the page's language, by the id of the answer that made each
    (from a face that has the flow): a choice made in another language is shown by it; any other by the label
    it was chosen by."""
    if fmt not in _CARER_TEMPLATES:
        raise ValueError(f"the summary comes as {', '.join(_CARER_TEMPLATES)}, not {fmt!r}")
    return _render_summary(record, fmt, with_draft=False, language=language, choice_labels=choice_labels)


def render_summary_article(record: Assessment, *, language: str | None = None,
                           choice_labels: Mapping[int, str] | None = None) -> str:
    """"What you told us" as an HTML <article> (its own <h1> first), for a page that has its own frame;
    `choice_labels` as for `render_summary`."""
    from convo.render.summary import summarise

    context = _in_language(record, language)
    return _environment("html").get_template("_summary_article.html.j2").render(
        a=record, s=summarise(record, context["languages"]), choice_labels=choice_labels or {}, **context)


def _render_summary(record: Assessment, fmt: str, with_draft: bool, language: str | None = None,
                    choice_labels: Mapping[int, str] | None = None) -> str:
    from convo.render.summary import summarise

    context = _in_language(record, language)
    text = _environment(fmt).get_template(_CARER_TEMPLATES[fmt]).render(
        a=record, s=summarise(record, context["languages"]), markdown=fmt == "md", with_draft=with_draft,
        choice_labels=choice_labels or {}, **context)
    return text if fmt == "html" else _BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def summary_text(record: Assessment) -> str:
    """A short read-back of what was recorded, for the agreement question."""
    return _environment("txt").get_template("readback.txt.j2").render(a=record).strip()
