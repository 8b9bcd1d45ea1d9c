"""Hostile input: whatever is typed, pasted or put in a flow file is kept literally or refused clearly.

Nothing crashes, hangs, runs or styles anything: answers are stored exactly and rendered escaped,
flow files that are broken (at random) give FILE:LINE:COL lines and exit 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convo import cli, library
from convo.paths import flows_dir
from convo.render import FORMATS, render
from convo.store import Store
from tests.conftest import pass_opening

NASTY = [
    "\x1b[2J\x1b[H\x1b]0;owned\x07 cleared your screen",
    "\x1b]52;c;ZWNobyBoaQ==\x07 clipboard write",
    "\x9b31m C1 CSI",
    "[bold red]not bold[/] [link=https://example.com]x[/link]",
    "{{ 7*7 }} and {% for x in range(3) %}loop{% endfor %} {{ ''.__class__.__mro__ }}",
    "<script>alert('x')</script><img src=x onerror=alert(1)><a href=\"javascript:alert(1)\">x</a>",
    "</textarea><iframe src=//evil></iframe>",
    "NUL\x00inside",
    "# heading? - list? > quote? | table | `code` *em* _u_ [link](http://x) ![img](x)",
    "right-to-left \u202egnp.exe and zero\u200bwidth",
    "'; DROP TABLE events; --",
    "\\x00 \\n literal backslashes",
]


class Elements(HTMLParser):
    """The elements and attributes a browser would build: what could run, as opposed to text shown."""

    def __init__(self, html: str):
        super().__init__()
        self.risky: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "img", "object", "embed", "textarea"):
            self.risky.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.risky.append(f"{tag} {name}")


def answers_in(conversation) -> list[str]:
    return [item.text for _, item in sorted(conversation.state.items.items())]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_answers_are_stored_exactly_and_rendered_inert(start, store, text):
    conversation = start()
    conversation.send("//" + text if text.startswith("/") else text)
    conversation.send(f"/risk {text}")
    again = library.resume(store, conversation.id)
    assert answers_in(again) == [text, text]
    record = again.assessment()
    for fmt in FORMATS:
        out = render(record, fmt)
        assert "\x1b" not in out and "\x00" not in out and "\x07" not in out
        if fmt != "json":  # JSON keeps C1 characters as data; the other formats show them as <0x9b>
            assert "\x9b" not in out
    assert json.loads(render(record, "json"))["about"][0]["text"] == text


def test_the_html_draft_carries_no_script_from_what_was_typed(start):
    conversation = start()
    assert Elements(render(conversation.assessment(), "html")).risky == []
    for text in NASTY:
        conversation.send(text)
        conversation.send(f"/note {text}")
    html = render(conversation.assessment(), "html")
    assert Elements(html).risky == []
    assert "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html  # Jinja in an answer is text, never evaluated


def test_a_one_megabyte_paste_is_kept_whole(start, store):
    conversation = start()
    paste = ("Tell them about the garden. " * 40_000)[:1_000_000]
    conversation.send(paste)
    assert answers_in(library.resume(store, conversation.id)) == [paste]
    for fmt in FORMATS:
        assert len(render(conversation.assessment(), fmt)) > 1_000_000


answer_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300).filter(
    lambda s: "\n" not in s and "\r" not in s)
command_text = st.builds(lambda name, rest: f"/{name} {rest}".rstrip(),
                         st.sampled_from(["skip", "back", "undo", "goto", "risk", "strength", "note", "from", "refile",
                                          "accept", "dismiss", "c2", "c3", "name", "help", "ack", "end", "nosuch", ""]),
                         answer_text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(answer_text, command_text, st.just("")), min_size=1, max_size=20))
def test_send_never_raises_and_keeps_every_answer_exactly(tmp_path_factory, lines):
    with Store(tmp_path_factory.mktemp("h") / "c.db") as store:
        conversation = library.start(store, "three-conversations", "practitioner")
        pass_opening(conversation)
        for line in lines:
            if conversation.ended:
                break
            outputs = conversation.send(line)
            assert outputs and outputs[-1].type in ("prompt", "done")
            if line.strip() and not line.startswith("/"):
                assert [o.text for o in outputs if o.type == "captured"] in ([line], [])
        assert answers_in(library.resume(store, conversation.id)) == answers_in(conversation)
        for fmt in FORMATS:
            render(conversation.assessment(), fmt)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=answer_text.filter(lambda s: s.strip() and not s.startswith("/")))
def test_an_answer_is_stored_as_sent(tmp_path_factory, answer):
    with Store(tmp_path_factory.mktemp("a") / "c.db") as store:
        conversation = library.start(store, "three-conversations", "practitioner")
        pass_opening(conversation)
        conversation.send(answer)
        assert answers_in(library.resume(store, conversation.id)) == [answer]


# -- line mode on real stdin ---------------------------------------------------------------------


# The opening questions a practitioner may pass over with Enter: the offer of Welsh, who, taking part, consent,
# communication.
OPENING = b"\n" * 5


def run_plain(tmp_path: Path, data: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convo.cli", "plain", "--jsonl", "--db", str(tmp_path / "c.db")],
                          input=OPENING + data, capture_output=True, timeout=120)


def test_invalid_utf8_on_stdin_becomes_replacement_characters_not_a_crash(tmp_path):
    result = run_plain(tmp_path, b"caf\xe9 \xff\xfe and \xc3\x28\nfine\n")
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    captured = [json.loads(line) for line in result.stdout.splitlines() if b'"captured"' in line]
    assert captured[0]["text"] == "caf\ufffd \ufffd\ufffd and \ufffd(" and captured[1]["text"] == "fine"


def test_nul_bytes_and_escapes_on_stdin_are_kept_and_printed_escaped(tmp_path):
    result = run_plain(tmp_path, b"a\x00b \x1b[31mred\n")
    assert result.returncode == 0
    assert b"\x1b" not in result.stdout and b"\x00" not in result.stdout
    captured = [json.loads(line) for line in result.stdout.splitlines() if b'"captured"' in line]
    assert captured[0]["text"] == "a\x00b \x1b[31mred"


def test_a_one_megabyte_line_on_stdin_is_taken(tmp_path):
    result = run_plain(tmp_path, b"x" * 1_000_000 + b"\n")
    assert result.returncode == 0
    captured = [json.loads(line) for line in result.stdout.splitlines() if b'"captured"' in line]
    assert len(captured[0]["text"]) == 1_000_000


# -- flow files ----------------------------------------------------------------------------------

PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: .+$")


def check_flow(path: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["flows", "check", str(path)])
    return code, err.getvalue()


def assert_clear_problems(code: int, err: str) -> None:
    assert "Traceback" not in err
    if code == 1:
        lines = err.strip().splitlines()
        assert lines and all(PROBLEM_LINE.match(line) for line in lines), err
    else:
        assert code == 0 and err == ""


SHIPPED = (flows_dir() / "three-conversations.yaml").read_text(encoding="utf-8")
SNIPPETS = [":", "- ", "  ", "\t", "{", "}", "[", "]", "&a ", "*a", "!!python/object:os.system", "'", '"', "#", "|",
            ">", "\n", "---\n", "? ", "%YAML 1.1\n", "\x00", "\ufeff", "stage:", "when: count(outcomes) >",
            "{{ __import__('os') }}", "id: about\n", "0x", "~", "null", "!!binary", "<<: *a"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), count=st.integers(1, 6))
def test_a_randomly_broken_flow_gives_positioned_problems_never_a_traceback(tmp_path_factory, seed, count):
    rng = random.Random(seed)
    lines = SHIPPED.splitlines(keepends=True)
    for _ in range(count):
        kind = rng.randrange(5)
        at = rng.randrange(len(lines))
        if kind == 0:
            del lines[at]
        elif kind == 1:
            lines.insert(at, lines[rng.randrange(len(lines))])
        elif kind == 2:
            line = lines[at]
            cut = rng.randrange(len(line) + 1)
            lines[at] = line[:cut] + rng.choice(SNIPPETS) + line[cut:]
        elif kind == 3:
            line = lines[at]
            start = rng.randrange(len(line) + 1)
            lines[at] = line[:start] + line[start + rng.randrange(1, 8):]
        else:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
    path = tmp_path_factory.mktemp("flow") / "three-conversations.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    assert_clear_problems(*check_flow(path))


@pytest.mark.parametrize(("name", "text"), [
    ("billion-laughs", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
     + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
               for i in range(9))),
    ("deep-nesting", "stages: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("deep-mappings", "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x\n"),
    ("python-tag", "id: !!python/object/apply:os.system ['touch pwned']\n"),
    ("not-utf8", "id: caf\xe9\n"),
    ("huge", "id: " + "x" * 1_100_000 + "\n"),
    ("empty", ""),
], ids=lambda value: value if len(value) < 20 else "")
def test_hostile_flow_files_are_refused_quickly_with_a_position(tmp_path, name, text):
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(text.encode("latin-1") if name == "not-utf8" else text.encode())
    code, err = check_flow(path)
    assert code == 1
    assert_clear_problems(code, err)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
