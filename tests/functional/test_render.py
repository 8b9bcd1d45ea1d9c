"""The draft in every format: golden files for a whole call, fixed headings, escaping of what was typed.

Regenerate the golden files after an intended change with CONVO_UPDATE_GOLDEN=1, then read the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from convo.render import FORMATS, render
from tests.functional import test_three_conversations_flow as calls
from tests.transcript import rows

GOLDEN = Path(__file__).parent / "golden"
HEADINGS = ["About this conversation", "Personal circumstances", "What matters (personal outcomes)",
            "A carer's own views", "Conversation path", "Information, advice and connections", "Safeguarding",
            "Next steps",
            "Not explored", "Agreement"]
OUTCOME_HEADINGS = ["Barriers", "Strengths and own resources", "Support from others", "Community", "Risks"]


@pytest.fixture(autouse=True)
def practitioner_settings(monkeypatch):
    """Who holds the calls, and where: drafts name the practitioner and the time zone their times are in."""
    monkeypatch.setenv("CONVO_PRACTITIONER_NAME", "Alys Bevan")
    monkeypatch.setenv("CONVO_PRACTITIONER_ROLE", "Social worker")
    monkeypatch.setenv("CONVO_PRACTITIONER_TEAM", "Cynon Valley duty team")
    monkeypatch.setenv("CONVO_TIME_ZONE", "Europe/London")
    monkeypatch.setenv("LOGNAME", "abevan")  # the account that acknowledges an alert


@pytest.fixture
def david(start):
    conversation = start(conversation_id="golden-1", opening=True)
    for row in rows(calls.DAVID):
        conversation.send(row["say"])
    return conversation


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_whole_call_renders_as_its_golden_file(david, fmt):
    text = render(david.assessment(), fmt)
    golden = GOLDEN / f"david.{fmt}"
    if os.environ.get("CONVO_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


def test_markdown_headings_are_fixed_and_in_order(david):
    text = render(david.assessment(), "md")
    level_two = re.findall(r"^## (.+)$", text, re.M)
    assert level_two == HEADINGS
    outcome = text[text.index("### Outcome 1: "):text.index("## Conversation path")]
    assert re.findall(r"^#### (.+)$", outcome, re.M) == OUTCOME_HEADINGS
    assert "DRAFT — to check with the person" in text


def test_an_empty_conversation_still_has_every_heading_and_invents_nothing(start):
    text = render(start().assessment(), "md")
    assert re.findall(r"^## (.+)$", text, re.M) == HEADINGS
    assert "No personal outcomes recorded." in text
    assert "Not yet read back to the person." in text


def test_json_export_is_the_record(david):
    data = json.loads(render(david.assessment(), "json"))
    assert data["outcomes"][0]["text"] == "I'm not going anywhere without Mali"
    assert data["draft"] is True


HOSTILE = [
    "[bold red]not bold[/] [link=https://example.invalid]click[/link]",
    "{{ 7*7 }} {% for x in range(3) %}loop{% endfor %}",
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "\x1b[31mred\x1b[0m \x07 bell \x00 nul",
    "Mae hi'n hoffi canu yn y côr 🎶 — ŵ ŷ",
    "# not a heading\n- not a list\n> not a quote",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_typed_text_is_stored_exactly_and_rendered_inert(start, text):
    conversation = start()
    conversation.send(text)
    record = conversation.assessment()
    assert record.about[0].text == text
    assert json.loads(render(record, "json"))["about"][0]["text"] == text
    html = render(record, "html")
    assert "<script>alert" not in html and "<img" not in html and "49" not in html.split("<main>")[1]
    md, txt = render(record, "md"), render(record, "txt")
    for out in (md, txt, html):
        assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
    assert "{{ 7*7 }}" in txt or "{{" not in text
    assert not re.search(r"^# not a heading", md, re.M)


def test_a_long_paste_is_kept_whole(start):
    paste = "word " * 20_000
    conversation = start()
    conversation.send(paste)
    assert conversation.assessment().about[0].text == paste
    assert paste.strip() in render(conversation.assessment(), "txt")


def test_unknown_format_is_refused():
    from convo.records import Assessment

    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        render(Assessment.model_construct(), "pdf")
