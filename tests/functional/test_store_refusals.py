"""The store refuses what it must not touch, in one line, and never overwrites it."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from convo.store import SCHEMA_VERSION, Store, StoreError


def run_convo(db: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convo.cli", *args, "--db", str(db)], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my shopping list\n" * 100)
    before = path.read_bytes()
    result = run_convo(path, "plain", stdin="Ann\n")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "damaged or not a convo database" in result.stderr
    assert path.read_bytes() == before


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match="not a convo database"):
        Store(path)


def test_a_newer_store_is_refused_with_advice(tmp_path, store):
    path = store.path
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.read_bytes()
    result = run_convo(path, "list")
    assert result.returncode == 1 and "newer convo" in result.stderr and "upgrade" in result.stderr
    assert path.read_bytes() == before


def test_a_locked_database_is_a_clear_error_not_a_hang(tmp_path, store, monkeypatch, capsys):
    from convo import cli
    from convo import store as store_module

    monkeypatch.setattr(store_module, "BUSY_WAIT", 0.5)  # 15 s in use, for many writers at once
    path = store.path
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert cli.main(["plain", "--db", str(path)]) == 1
        said = capsys.readouterr().err
        assert "in use by another program" in said and said.count("\n") == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_damaged_database_is_refused(tmp_path, start, store):
    start().send("Ann Price")
    path = store.path
    store.close()
    data = bytearray(path.read_bytes())
    data[100:4000] = b"\xff" * 3900
    path.write_bytes(bytes(data))
    for name in os.listdir(tmp_path):
        if name.endswith(("-wal", "-shm")):
            os.remove(tmp_path / name)
    result = run_convo(path, "list")
    assert result.returncode == 1 and "damaged" in result.stderr and "Traceback" not in result.stderr


def test_new_files_are_for_their_owner_only(tmp_path):
    path = tmp_path / "private" / "convo.db"
    with Store(path):
        pass
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_resume_rebuilds_exactly_the_same_state(start, store, clock):
    from convo import library

    conversation = start("what-matters")
    for line in ["Lives in Rhyl", "", "Good at crosswords", "", "To go to the football", "", "keep",
                 "Stairs at the ground", "/risk might fall in the crowd", "/undo", "/skip not today"]:
        conversation.send(line)
    resumed = library.resume(store, conversation.id, clock=clock)
    assert resumed.assessment() == conversation.assessment()
    assert resumed.prompt() == conversation.prompt()
    assert resumed.position == conversation.position


def test_a_database_in_a_shared_folder_leaves_the_folder_as_it_was(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o1777)
    with Store(shared / "c.db"):
        pass
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE((shared / "c.db").stat().st_mode) == 0o600
