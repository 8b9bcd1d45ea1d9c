"""The store under strain: a full disk, two windows on one conversation, a reader holding the file,
many processes at once, encryption under way, a file that cannot be written. Each is one line, never
a traceback, and never anyone's words."""

from __future__ import annotations

import copy
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from convo import cli, library, line_mode, vocabulary
from convo import store as store_module
from convo.store import SCHEMA_VERSION, ConversationOpen, Store, StoreError, TakenOver

SECRET = "Dai hits me when he drinks"


def convo(db: Path, *args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convo.cli", *args, "--db", str(db)], input=stdin,
                          capture_output=True, text=True, timeout=timeout, check=False)


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


class FullOnCommit:
    """A connection whose next COMMITs fail the way a full disk fails: SQLite rolls back, then reports."""

    def __init__(self, db: sqlite3.Connection, failures: int = 1):
        self._db, self.failures = db, failures

    def execute(self, sql: str, *args):
        if sql == "COMMIT" and self.failures:
            self.failures -= 1
            self._db.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._db, name)


# -- a full disk ----------------------------------------------------------------------------------

def test_a_commit_that_fails_on_a_full_disk_is_one_clean_line(start, store):
    conversation = start()
    store._db = FullOnCommit(store._db)
    with pytest.raises(StoreError, match="full") as caught:
        conversation.send(SECRET)
    assert "\n" not in str(caught.value) and SECRET not in str(caught.value)
    assert "rollback" not in str(caught.value).lower()
    assert all(SECRET not in json.dumps(event.data) for event in store.events(conversation.id))


def test_an_answer_that_could_not_be_saved_leaves_the_conversation_as_it_was(start, store):
    conversation = start("what-matters")
    conversation.send("Lives in Llandeilo")
    conversation.send("")
    state, events = copy.deepcopy(conversation.state), list(conversation.events)
    store._db = FullOnCommit(store._db)
    with pytest.raises(StoreError):
        conversation.send("She bakes for the chapel")  # heard, and its route worked out, before the commit
    assert conversation.state == state and conversation.events == events
    conversation.send("She bakes for the chapel")
    assert [item.text for item in conversation.state.items.values()] == ["Lives in Llandeilo",
                                                                         "She bakes for the chapel"]


def test_a_real_full_database_is_one_clean_line(start, store):
    conversation = start()
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count={pages + 1}")
    with pytest.raises(StoreError, match="full"):
        for _ in range(20):
            conversation.send(SECRET * 200)


def test_line_mode_on_a_full_disk_says_so_asks_again_and_keeps_the_answer_when_sent_again(start, store):
    conversation = start()
    store._db = FullOnCommit(store._db)
    output = io.StringIO()
    status = line_mode.run(conversation, io.StringIO(SECRET + "\n" + SECRET + "\n"), output, io.StringIO(), jsonl=True)
    objects = jsonl(output.getvalue())
    assert status == 0
    assert [o["type"] for o in objects[:3]] == ["prompt", "error", "prompt"]
    assert "full" in objects[1]["text"] and SECRET not in objects[1]["text"]
    assert objects[2] == objects[0]  # the same question: nothing was acknowledged
    assert [o["type"] for o in objects[3:]][:1] == ["captured"] and objects[3]["text"] == SECRET
    answered = [e for e in store.events(conversation.id) if e.data.get("text") == SECRET]
    assert len(answered) == 1


def test_line_mode_text_on_a_full_disk_prints_no_answer_and_no_traceback(start, store):
    conversation = start()
    store._db = FullOnCommit(store._db)
    output, errors = io.StringIO(), io.StringIO()
    line_mode.run(conversation, io.StringIO(SECRET + "\n"), output, errors)
    assert SECRET not in output.getvalue() + errors.getvalue()
    assert "Traceback" not in output.getvalue() + errors.getvalue()
    assert "! " in output.getvalue() and "full" in output.getvalue()


# -- one writer per conversation ------------------------------------------------------------------

def test_a_second_line_mode_on_an_open_conversation_is_told_and_exits(start, store):
    conversation = start()
    store.claim(conversation.id)
    conversation.send("Ann Price")
    result = convo(store.path, "plain", "--resume", conversation.id, stdin="More\n")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "open in another window" in result.stderr
    assert f"process {os.getpid()}" in result.stderr and "--take-over" in result.stderr
    as_json = convo(store.path, "plain", "--jsonl", "--resume", conversation.id, stdin="More\n")
    assert as_json.returncode == 1
    assert [o["type"] for o in jsonl(as_json.stdout)] == ["error", "done"]
    assert "open in another window" in jsonl(as_json.stdout)[0]["text"]


def test_taking_over_tells_the_first_window_it_saves_no_more(start, store):
    conversation = start()
    store.claim(conversation.id)
    conversation.send("Ann Price")
    result = convo(store.path, "plain", "--jsonl", "--take-over", "--resume", conversation.id,
                   stdin="Lives in Rhyl\n")
    assert result.returncode == 0, result.stderr
    with pytest.raises(TakenOver, match="taken over in another window; nothing more is saved here"):
        conversation.send("Something only the first window heard")
    texts = [e.data.get("text") for e in store.events(conversation.id)]
    assert "Lives in Rhyl" in texts and "Something only the first window heard" not in texts


def test_line_mode_whose_conversation_was_taken_over_says_so_then_is_done(start, store, db_path):
    first = Store(db_path)
    conversation = library.resume(first, start().id)
    first.claim(conversation.id, take_over=True)
    store.claim(conversation.id, take_over=True)
    output = io.StringIO()
    status = line_mode.run(conversation, io.StringIO("Ann\nMore\n"), output, io.StringIO(), jsonl=True)
    assert status == 1
    assert [o["type"] for o in jsonl(output.getvalue())] == ["prompt", "error", "done"]
    first.close()


def test_a_writer_that_never_claimed_is_refused_clearly_not_with_a_constraint_error(start, store, db_path):
    conversation = start()
    store.claim(conversation.id)
    with Store(db_path) as second:
        other = library.resume(second, conversation.id)
        with pytest.raises(ConversationOpen, match="open in another window"):
            other.send("Ann Price")


def test_two_writers_that_collide_get_the_taken_over_line(start, store, db_path):
    conversation = start()
    with Store(db_path) as second:
        other = library.resume(second, conversation.id)  # neither window claimed it
        conversation.send("first window")
        with pytest.raises(TakenOver, match="taken over in another window"):
            other.send("second window")


def test_a_lease_left_by_a_process_that_died_is_free(start, store, db_path):
    conversation = start()
    store.claim(conversation.id)
    dead = subprocess.Popen(["true"])
    dead.wait()
    store._db.execute("UPDATE leases SET pid = ?, holder = 'gone'", (dead.pid,))
    result = convo(db_path, "plain", "--jsonl", "--resume", conversation.id, stdin="Ann\n")
    assert result.returncode == 0, result.stderr


def test_a_lease_from_another_computer_holds_until_it_expires(start, store, db_path):
    conversation = start()
    store.claim(conversation.id)
    store._db.execute("UPDATE leases SET host = 'office-pc', holder = 'there', pid = 1")
    with Store(db_path) as second, pytest.raises(ConversationOpen, match="process 1 on office-pc"):
        second.claim(conversation.id)
    store._db.execute("UPDATE leases SET expires = 0")
    with Store(db_path) as second:
        second.claim(conversation.id)


def test_a_conversation_closed_in_one_window_opens_in_the_next(start, store, db_path):
    conversation = start()
    store.claim(conversation.id)
    store.release(conversation.id)
    result = convo(db_path, "plain", "--jsonl", "--resume", conversation.id, stdin="Ann\n")
    assert result.returncode == 0, result.stderr


def test_a_store_from_before_leases_is_upgraded_and_still_opens(db_path):
    with Store(db_path):
        pass
    with sqlite3.connect(db_path) as db:
        db.execute("DROP TABLE leases")
        db.execute("PRAGMA user_version=2")
    with Store(db_path) as upgraded:
        assert upgraded._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        conversation = library.start(upgraded, vocabulary.DEFAULT_FLOW, "practitioner")
        conversation.send("Ann Price")


# -- delete and purge with a reader ----------------------------------------------------------------

def test_delete_with_a_reader_holding_the_file_fails_loudly_then_works_once_it_lets_go(
        start, store, db_path, monkeypatch, capsys):
    monkeypatch.setattr(store_module, "CHECKPOINT_WAIT", 0.3)
    conversation = start()
    conversation.send(SECRET)
    store.close()
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    status = cli.main(["delete", conversation.id, "--db", str(db_path)])
    said = capsys.readouterr()
    assert status == 1 and "Deleted" not in said.out
    assert "a reader still holds" in said.err and "not yet removed" in said.err and said.err.count("\n") == 1
    reader.execute("ROLLBACK")
    reader.close()
    assert cli.main(["delete", conversation.id, "--db", str(db_path)]) == 0
    assert "Deleted" in capsys.readouterr().out
    for name in (db_path.name, db_path.name + "-wal"):
        if (db_path.parent / name).exists():
            assert SECRET.encode() not in (db_path.parent / name).read_bytes()


def test_purge_with_a_reader_holding_the_file_fails_loudly(start, store, db_path, monkeypatch, capsys):
    monkeypatch.setattr(store_module, "CHECKPOINT_WAIT", 0.3)
    start().send(SECRET)
    reader = sqlite3.connect(db_path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()
    try:
        status = cli.main(["purge", "--older-than", "0", "--yes", "--db", str(db_path)])
        said = capsys.readouterr()
        assert status == 1 and "Removed" not in said.out and "a reader still holds" in said.err
    finally:
        reader.execute("ROLLBACK")
        reader.close()


# -- busy -----------------------------------------------------------------------------------------

def test_writing_the_audit_line_while_the_store_is_busy_is_one_clean_line(store, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_WAIT", 0.3)
    store._db.execute("PRAGMA busy_timeout=100")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="in use by another program"):
            store.audit("exported", "x", format="md")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_twenty_processes_creating_one_new_database_at_once_all_start(tmp_path):
    db = tmp_path / "new.db"
    runs = [subprocess.Popen([sys.executable, "-m", "convo.cli", "plain", "--jsonl", "--db", str(db)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(20)]
    results = [run.communicate("Ann Price\n", timeout=120) for run in runs]
    failures = [err for run, (_, err) in zip(runs, results, strict=True) if run.returncode != 0]
    assert failures == []
    with Store(db) as opened:
        assert len(opened.list()) == 20


# -- encryption under way, and a file that cannot be written --------------------------------------

def test_opening_a_store_while_it_is_being_encrypted_says_so(store, db_path):
    copy = db_path.with_name(f"{db_path.name}.encrypting-{os.getpid()}-0a1b2c3d")
    copy.write_bytes(b"")
    with pytest.raises(StoreError, match="is being encrypted; try again in a moment"):
        Store(db_path)
    assert copy.exists()


def test_a_copy_left_by_a_killed_encryption_is_removed_on_the_next_run(store, db_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    copy = db_path.with_name(f"{db_path.name}.encrypting-{dead.pid}-0a1b2c3d")
    copy.write_bytes(b"sealed")
    Path(f"{copy}-wal").write_bytes(b"sealed")
    with Store(db_path):
        pass
    assert not copy.exists() and not Path(f"{copy}-wal").exists()


def test_a_store_that_cannot_be_written_can_still_be_read(start, store, db_path, monkeypatch, capsys):
    conversation = start()
    conversation.send("Ann Price")
    store.close()
    monkeypatch.setattr(store_module, "_writable", lambda path: False)
    with Store(db_path) as readonly:
        assert readonly.readonly and [i.id for i in readonly.list()] == [conversation.id]
        assert any(e.data.get("text") == "Ann Price" for e in readonly.events(conversation.id))
        with pytest.raises(StoreError, match="read-only") as caught:
            library.resume(readonly, conversation.id).send("More")
        assert "\n" not in str(caught.value)
    assert cli.main(["list", "--db", str(db_path)]) == 0
    assert conversation.id in capsys.readouterr().out
