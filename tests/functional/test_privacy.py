"""Privacy: no network, owner-only files, deletion that really removes words, an audit log, redaction."""

from __future__ import annotations

import io
import socket
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from convo import cli, library
from convo.redact import nhs_number_valid, redact, redact_text
from convo.render import FORMATS, render
from convo.store import Store
from tests.conftest import pass_opening

WORDS = "Ottoline Featherstonehaugh keeps her late husband's bees"


def raw(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        pytest.fail(f"convo tried to use the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_a_whole_session_opens_no_network_connection(no_network, tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "c.db")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"Ann\n\n\n\n{WORDS}\n\n/name Ann\n/end\n"))
    assert cli.main(["plain", "--db", db, "--jsonl"]) == 0
    ident = capsys.readouterr().out.strip().splitlines()[-1].split('"id": "')[1].rstrip('"}')
    for fmt in FORMATS:
        assert cli.main(["export", ident, "--db", db, "--format", fmt, "-o", str(tmp_path / f"d.{fmt}")]) == 0
        assert cli.main(["export", ident, "--db", db, "--format", fmt, "--redact"]) == 0
    assert cli.main(["list", "--db", db]) == 0
    assert cli.main(["schema"]) == 0
    assert cli.main(["flows", "check"]) == 0
    assert cli.main(["audit", "--db", db]) == 0
    assert cli.main(["delete", ident, "--db", db]) == 0


def test_data_folder_is_0700_and_every_file_0600(tmp_path, capsys):
    db = tmp_path / "data" / "convo" / "c.db"
    with Store(db) as store:
        conversation = library.start(store, "three-conversations", "practitioner")
        pass_opening(conversation)
        conversation.send(WORDS)
        assert mode(db.parent) == 0o700
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert path.exists() and mode(path) == 0o600, path
        ident = conversation.id
    out = tmp_path / "export.html"
    assert cli.main(["export", ident, "--db", str(db), "--format", "html", "-o", str(out)]) == 0
    assert mode(out) == 0o600


def test_an_export_replaces_a_wider_file_with_an_owner_only_one(tmp_path, start):
    conversation = start()
    conversation.send(WORDS)
    out = tmp_path / "draft.md"
    out.write_text("old")
    out.chmod(0o644)
    assert cli.main(["export", conversation.id, "--db", str(conversation.log.path), "-o", str(out), "--force"]) == 0
    assert mode(out) == 0o600 and WORDS.split()[0] in out.read_text()


def test_delete_leaves_no_trace_of_the_words_in_db_or_wal(tmp_path, capsys):
    db = tmp_path / "c.db"
    with Store(db) as store:
        keep = library.start(store, "three-conversations", "practitioner")
        pass_opening(keep)
        keep.send("Someone else entirely")
        gone = library.start(store, "three-conversations", "practitioner")
        pass_opening(gone)
        gone.send(WORDS)
        gone.send("/risk " + WORDS)
        store.checkpoint()  # the words are in the main file too, not just the WAL
        assert WORDS.encode() in raw(db)
    assert cli.main(["delete", gone.id, "--db", str(db)]) == 0
    assert WORDS.encode() not in raw(db)
    assert b"Ottoline" not in raw(db) and b"Featherstonehaugh" not in raw(db)
    assert b"Someone else entirely" in raw(db)
    assert cli.main(["delete", gone.id, "--db", str(db)]) == 1
    assert "no conversation" in capsys.readouterr().err


def test_purge_removes_only_conversations_older_than_the_limit(tmp_path, capsys, monkeypatch):
    db = tmp_path / "c.db"
    flow, machine = library.get("three-conversations")
    from convo.engine.conversation import Conversation

    with Store(db) as store:
        old = Conversation.start(store, flow, machine=machine, clock=lambda: datetime.now(UTC) - timedelta(days=40))
        old.send(WORDS)
        new = Conversation.start(store, flow, machine=machine)
        new.send("recent words")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no question can be asked
    assert cli.main(["purge", "--older-than", "30", "--db", str(db)]) == 1
    assert "--yes" in capsys.readouterr().err
    assert cli.main(["purge", "--older-than", "30", "--yes", "--db", str(db)]) == 0
    assert "Removed 1 conversation" in capsys.readouterr().out
    with Store(db) as store:
        assert [i.id for i in store.list()] == [new.id]
    assert WORDS.encode() not in raw(db)


def test_purge_asks_at_a_terminal_and_no_means_no(tmp_path, capsys, monkeypatch):
    db = tmp_path / "c.db"
    flow, machine = library.get("three-conversations")
    from convo.engine.conversation import Conversation

    with Store(db) as store:
        Conversation.start(store, flow, machine=machine, clock=lambda: datetime.now(UTC) - timedelta(days=9))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert cli.main(["purge", "--older-than", "7", "--db", str(db)]) == 0
    assert "Nothing was deleted" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert cli.main(["purge", "--older-than", "7", "--db", str(db)]) == 0
    assert "Removed 1" in capsys.readouterr().out


def test_audit_log_records_exports_and_deletions_without_words_and_cannot_be_changed(tmp_path, capsys):
    db = tmp_path / "c.db"
    with Store(db) as store:
        conversation = library.start(store, "three-conversations", "practitioner")
        pass_opening(conversation)
        conversation.send(WORDS)
    ident = conversation.id
    assert cli.main(["export", ident, "--db", str(db), "--format", "json"]) == 0
    assert cli.main(["delete", ident, "--db", str(db)]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "--db", str(db)]) == 0
    log = capsys.readouterr().out
    assert "exported" in log and "deleted" in log and ident in log and "Ottoline" not in log
    connection = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE audit SET action = 'nothing'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM audit")
    assert b"Ottoline" not in raw(db)


def test_an_old_store_gains_the_audit_log_when_opened(tmp_path):
    db = tmp_path / "v1.db"
    Store(db).close()
    connection = sqlite3.connect(db)
    connection.executescript("DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;"
                             " DROP TABLE audit; PRAGMA user_version=1;")
    connection.close()
    with Store(db) as store:
        store.audit("exported", "x", format="md")
        assert [e.action for e in store.audit_log()] == ["exported"]


# -- redaction ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919", "4010232137"])
def test_valid_nhs_numbers_are_redacted(number):
    assert redact_text(f"NHS no. {number}.") == "NHS no. [NHS NUMBER]."


@pytest.mark.parametrize("number", ["9434765918", "1234567890", "4010232138"])
def test_ten_digit_numbers_that_fail_the_checksum_are_not_nhs_numbers(number):
    assert not nhs_number_valid(number)
    assert "[NHS NUMBER]" not in redact_text(f"ref {number}")


@pytest.mark.parametrize(("text", "expected"), [
    ("mail ann.jones+care@example.org.uk today", "mail [EMAIL] today"),
    ("ring 07700 900123", "ring [PHONE]"),
    ("ring +44 7700 900123", "ring [PHONE]"),
    ("ring +44 (0)20 7946 0958", "ring [PHONE]"),
    ("ring 020-7946-0958 or 01632 960001", "ring [PHONE] or [PHONE]"),
    ("lives at CF10 1AA", "lives at [POSTCODE]"),
    ("lives at sw1a 1aa", "lives at [POSTCODE]"),
    ("lives at M1 1AE now", "lives at [POSTCODE] now"),
    ("she is 87, since 2019, 3 calls", "she is 87, since 2019, 3 calls"),
])
def test_identifying_details_become_placeholders(text, expected):
    assert redact_text(text) == expected


def test_marked_names_are_redacted_whole_and_by_part_but_not_inside_other_words():
    text = "Ann Smith came; Ann's son rang Smith's office. Annual review at Annwn."
    assert redact_text(text, ["Ann Smith"]) == "[NAME] came; [NAME]'s son rang [NAME]'s office. Annual review at Annwn."


def test_export_redact_hides_names_marked_with_the_name_command_in_every_format(start, capsys):
    conversation = start()
    outputs = conversation.send("/name Bronwen Tudor-Price")
    assert "Bronwen Tudor-Price" in outputs[0].text
    for line in ("Bronwen Tudor-Price, call 07700 900123", "", "", "",
                 "To see bronwen's grandson; email b.tp@example.com; NHS 943 476 5919; CF10 1AA"):
        conversation.send(line)
    assert conversation.state.names == ["Bronwen Tudor-Price"]
    record = redact(conversation.assessment(), conversation.state.names)
    for fmt in FORMATS:
        text = render(record, fmt)
        for secret in ("Bronwen", "Tudor", "07700", "example.com", "943 476", "CF10"):
            assert secret.lower() not in text.lower(), (fmt, secret)
        plain = text.replace("\\", "")  # Markdown escapes the brackets
        assert "[NAME]" in plain and "[PHONE]" in plain and "[NHS NUMBER]" in plain
    args = ["export", conversation.id, "--db", str(conversation.log.path), "--format", "json", "--redact"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "Bronwen" not in out and '"[NAME], call [PHONE]"' in out
    assert cli.main(["export", conversation.id, "--db", str(conversation.log.path), "--format", "json"]) == 0
    assert "Bronwen" in capsys.readouterr().out  # unredacted unless asked


def test_a_marked_name_can_be_undone_and_is_kept_across_resume(start, store):
    conversation = start()
    conversation.send("/name Gwilym")
    conversation.send("/name Siân")
    conversation.send("/undo")
    assert conversation.state.names == ["Gwilym"]
    assert library.resume(store, conversation.id).state.names == ["Gwilym"]
    assert conversation.send("/name")[0].type == "error"
