"""Stopping and carrying on: a carer closes (or loses) `convo carer` after any answer, types
`convo carer` again, and is asked the same next question with nothing lost and no id to remember."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from convo import library
from convo.store import Store
from tests.functional import test_carer_flow as flows
from tests.transcript import rows

LINES = ["", *(row["say"] for row in rows(flows.SIAN))]  # Enter past the Active Offer first
WELCOME_BACK = "Welcome back. Here is where you left off."


def convo(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convo.cli", "--db", str(db), *args], input=stdin,
                          capture_output=True, text=True, timeout=60, env={**os.environ, "CONVO_DB": str(db)})


def typed(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


@pytest.fixture(scope="module")
def prompts(tmp_path_factory) -> list[str]:
    """The prompt shown after each number of lines, from one uninterrupted conversation."""
    with Store(tmp_path_factory.mktemp("reference") / "reference.db") as store:
        conversation = library.start(store, "carer", "carer")
        shown = [conversation.prompt().text]
        for line in LINES:
            last = conversation.send(line)[-1]
            shown.append(getattr(last, "text", "done"))
        return shown


def comparable(record: dict) -> dict:
    """The record without what differs between two runs: the conversation id and the clock."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("at", "started_at", "ended_at")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {k: v for k, v in strip(record).items() if k != "id"}


def only_conversation(db: Path) -> str:
    listed = convo("list", db=db).stdout.splitlines()
    assert len(listed) == 1, listed
    return listed[0].split("\t")[0]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("whole") / "whole.db"
    result = convo("carer", db=db, stdin=typed(LINES))
    assert result.returncode == 0, result.stderr
    return comparable(json.loads(convo("export", only_conversation(db), "--format", "json", db=db).stdout))


def first_prompt_after_welcome(stdout: str) -> str:
    assert stdout.startswith(WELCOME_BACK + "\n"), stdout[:200]
    return stdout[len(WELCOME_BACK) + 1:].lstrip("\n").split("\n")[0]


@pytest.mark.parametrize("k", [2, 3, 8, 17, 26, 41])
def test_closing_after_k_answers_and_carrying_on_loses_nothing(tmp_path, prompts, uninterrupted, k):
    db = tmp_path / "carer.db"
    first = convo("carer", db=db, stdin=typed(LINES[:k]))
    assert first.returncode == 0, first.stderr
    assert "To carry on where you left off, type: convo carer" in first.stderr
    rest = convo("carer", "--resume", db=db, stdin=typed(LINES[k:]))
    assert rest.returncode == 0, rest.stderr
    assert first_prompt_after_welcome(rest.stdout) == prompts[k]
    record = json.loads(convo("export", only_conversation(db), "--format", "json", db=db).stdout)
    assert comparable(record) == uninterrupted


def saved_answers(db: Path) -> int:
    """Lines (answers, /skip and the answer to the Active Offer) committed so far.

    Read without ever writing: the process may still be creating the file.
    """
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as reader:
            saved = "SELECT COUNT(*) FROM events WHERE type IN ('answered', 'skipped', 'language')"
            return reader.execute(saved).fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("k", [2, 12, 33])
def test_a_killed_session_carries_on_from_its_last_saved_answer(tmp_path, prompts, uninterrupted, k):
    db = tmp_path / "carer.db"
    process = subprocess.Popen([sys.executable, "-m", "convo.cli", "--db", str(db), "carer", "--plain"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    process.stdin.write(typed(LINES[:k]))
    process.stdin.flush()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if saved_answers(db) >= k:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"{k} answers were not saved in time")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    rest = convo("carer", "--resume", db=db, stdin=typed(LINES[k:]))
    assert rest.returncode == 0, rest.stderr
    assert first_prompt_after_welcome(rest.stdout) == prompts[k]
    record = json.loads(convo("export", only_conversation(db), "--format", "json", db=db).stdout)
    assert comparable(record) == uninterrupted


def test_without_a_terminal_or_a_flag_a_new_conversation_is_started(tmp_path):
    """A script feeding `convo carer` must never land in someone's unfinished answers by accident."""
    db = tmp_path / "carer.db"
    convo("carer", db=db, stdin=typed(LINES[:3]))
    again = convo("carer", db=db, stdin="")
    assert WELCOME_BACK not in again.stdout and "Hoffech chi gael y sgwrs hon yn Gymraeg?" in again.stdout
    assert len(convo("list", db=db).stdout.splitlines()) == 2


def test_new_starts_afresh_and_resume_takes_the_latest_unfinished(tmp_path):
    db = tmp_path / "carer.db"
    convo("carer", db=db, stdin=typed(["", "no", "My dad"]))
    convo("carer", "--new", db=db, stdin=typed(["", "no", "My aunt"]))
    rest = convo("carer", "--resume", db=db, stdin=typed(["She lives next door"]))
    assert first_prompt_after_welcome(rest.stdout).startswith("Anyone else you look after")
    exports = [convo("export", line.split("\t")[0], "--format", "json", db=db).stdout
               for line in convo("list", db=db).stdout.splitlines()]
    aunt = next(json.loads(e) for e in exports if "My aunt" in e)
    assert [c["text"] for c in aunt["circumstances"]] == ["My aunt", "She lives next door"]


def test_resume_with_nothing_unfinished_starts_a_new_one(tmp_path):
    db = tmp_path / "carer.db"
    result = convo("carer", "--resume", db=db, stdin="")
    assert result.returncode == 0 and "Hoffech chi gael y sgwrs hon yn Gymraeg?" in result.stdout


def test_a_browser_code_carries_on_in_a_terminal_too(tmp_path):
    from convo import carer

    db = tmp_path / "carer.db"
    code = carer.new_code()
    with Store(db) as store:
        conversation = library.start(store, "carer", "carer", conversation_id=code)
        conversation.send("")
        conversation.send("no")
    result = convo("carer", "--code", code.upper(), db=db, stdin=typed(["My gran"]))
    assert first_prompt_after_welcome(result.stdout).startswith("Who do you look after")
    assert f"convo carer --code {code}" in result.stderr
    wrong = convo("carer", "--code", carer.new_code(), db=db)
    assert wrong.returncode == 1 and "does not match" in wrong.stderr


def _at_a_terminal(db: Path, typed_in: bytes) -> str:
    """`convo carer --plain` with a terminal for its input, as a carer types it; what it wrote."""
    import pty

    main, side = pty.openpty()
    with open(side, "rb", buffering=0) as keyboard:
        run = subprocess.Popen([sys.executable, "-m", "convo.cli", "--db", str(db), "carer", "--plain"],
                               stdin=keyboard, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "CONVO_DB": str(db)})
        os.write(main, typed_in + b"\x04" * 3)
        try:
            out, err = run.communicate(timeout=60)
        finally:
            os.close(main)
    assert run.returncode == 0 and "Traceback" not in err, err
    return out + err


@pytest.mark.parametrize("yes", ["ydw", "Ie", "yes"])
def test_a_welsh_self_assessment_is_offered_again_in_welsh_and_a_welsh_yes_carries_it_on(tmp_path, yes):
    db = tmp_path / "c.db"
    convo("carer", "--plain", db=db, stdin="1\nno\nFy mam, Glenys\n")  # Cymraeg at the offer
    with Store(db) as store:
        [first] = [info.id for info in store.list()]
    out = _at_a_terminal(db, yes.encode() + b"\n")
    asked = out.split("(ie/na)", 1)[0]
    assert "Fe ddechreuoch chi hunanasesiad ar " in asked
    assert any(month in asked for month in ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf",
                                            "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"))
    assert "Croeso" in out.split("(ie/na)", 1)[1]  # welcome back, in Welsh
    assert "Wedi'i gadw" in out or "wedi'i gadw" in out  # and how to carry on, in Welsh
    with Store(db) as store:
        assert [info.id for info in store.list()] == [first]  # carried on, not started again


def test_no_at_the_question_starts_a_new_self_assessment(tmp_path):
    db = tmp_path / "c.db"
    convo("carer", "--plain", db=db, stdin="\nno\nMy dad\n")
    out = _at_a_terminal(db, b"no\n")
    assert "Carry on where you left off? (yes/no)" in out
    with Store(db) as store:
        assert len(store.list()) == 2


@pytest.mark.parametrize(("language", "told"), [
    ("en", "Saved. To carry on where you left off, type: convo carer"),
    ("cy", "Wedi'i gadw. I barhau o'r man lle gadawoch chi, teipiwch: convo carer")])
def test_closing_the_carers_app_before_the_end_says_how_to_carry_on(monkeypatch, capsys, language, told):
    from types import SimpleNamespace

    from convo import cli

    monkeypatch.setattr(cli, "_run", lambda app: 0)
    shown = SimpleNamespace(id="20261204-abc123", language=language, ended=False)

    def app(last_opened=shown, **state):
        return SimpleNamespace(last_opened=last_opened, **{"last_save_failed": False, "taken_elsewhere": False,
                                                            **state})

    assert cli._run_carer(app()) == 0
    assert capsys.readouterr().out.strip() == told
    assert cli._run_carer(app(SimpleNamespace(id="x", language="en", ended=True))) == 0
    assert capsys.readouterr().out == ""  # finished: nothing to carry on
    for state in ({"last_save_failed": True}, {"taken_elsewhere": True}):
        assert cli._run_carer(app(**state)) == 0
        assert capsys.readouterr().out == ""  # the last answer was not saved here: no "Saved."
