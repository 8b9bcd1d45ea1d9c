"""Encryption at rest: nothing anyone said is readable in the database files without the passphrase."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from convo import cli, library
from convo.store import Store, StoreError, encrypt_store
from tests.conftest import pass_opening

SECRET = "Zephyrine-Quillfeather sings to the heron"
TITLE = "Marmaduke Oxtongue-Pettigrew"
PASSPHRASE = "a long enough passphrase"


def raw_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists())


def holds(db: Path, text: str) -> bool:
    data = raw_bytes(db)
    return any(form in data for form in (text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")))


def say_things(store: Store) -> str:
    conversation = library.start(store, "three-conversations", "practitioner")
    pass_opening(conversation)
    for line in (TITLE, "", "", "", SECRET, "/risk " + SECRET + " at night", "/name Zephyrine"):
        conversation.send(line)
    return conversation.id


def test_no_answer_or_title_is_in_the_db_wal_or_shm_while_open_or_after(tmp_path):
    db = tmp_path / "enc.db"
    with Store(db, passphrase=lambda: PASSPHRASE, encrypt=True) as store:
        ident = say_things(store)
        assert Path(f"{db}-wal").stat().st_size > 0  # the words are in the WAL right now, sealed
        assert not holds(db, SECRET) and not holds(db, TITLE) and not holds(db, "Zephyrine")
    assert not holds(db, SECRET) and not holds(db, TITLE)
    with Store(db, passphrase=lambda: PASSPHRASE) as store:
        assert store.encrypted
        assert store.get(ident).title == TITLE
        assert any(e.data.get("text") == SECRET for e in store.events(ident))


def test_the_plain_store_would_have_shown_them(tmp_path):
    """The search above can fail: without encryption the same words are found."""
    db = tmp_path / "plain.db"
    with Store(db) as store:
        say_things(store)
        assert holds(db, SECRET)


def test_key_comes_from_scrypt_with_a_random_salt_and_a_check_value(tmp_path):
    for name in ("a.db", "b.db"):
        Store(tmp_path / name, passphrase=lambda: PASSPHRASE, encrypt=True).close()
    metas = [dict(sqlite3.connect(tmp_path / n).execute("SELECT key, value FROM meta")) for n in ("a.db", "b.db")]
    for meta in metas:
        kdf = json.loads(meta["kdf"])
        assert meta["cipher"] == "aes-256-gcm"
        assert kdf["name"] == "scrypt" and kdf["n"] >= 2**15 and kdf["r"] == 8 and kdf["p"] == 1
        assert len(bytes.fromhex(kdf["salt"])) == 16 and meta["key_check"]
    assert json.loads(metas[0]["kdf"])["salt"] != json.loads(metas[1]["kdf"])["salt"]


def test_temporary_tables_are_kept_in_memory(tmp_path):
    with Store(tmp_path / "t.db", passphrase=lambda: PASSPHRASE, encrypt=True) as store:
        assert store._db.execute("PRAGMA temp_store").fetchone()[0] == 2


def test_wrong_passphrase_is_one_line_and_changes_no_byte(tmp_path, monkeypatch, capsys):
    db = tmp_path / "enc.db"
    with Store(db, passphrase=lambda: PASSPHRASE, encrypt=True) as store:
        ident = say_things(store)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setenv("CONVO_PASSPHRASE", "not the right one")
    for argv in (["list"], ["export", ident], ["plain", "--resume", ident], ["delete", ident], ["audit"],
                 ["purge", "--older-than", "0", "--yes"]):
        assert cli.main(["--db", str(db), *argv]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "wrong passphrase" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_an_encrypted_store_needs_the_passphrase_for_every_command(tmp_path, capsys):
    db = tmp_path / "enc.db"
    Store(db, passphrase=lambda: PASSPHRASE, encrypt=True).close()
    assert cli.main(["--db", str(db), "list"]) == 1
    assert "encrypted" in capsys.readouterr().err
    with pytest.raises(StoreError, match="encrypted"):
        Store(db)


def test_encrypt_option_creates_an_encrypted_store_from_the_environment(tmp_path, monkeypatch, capsys):
    db = tmp_path / "new.db"
    monkeypatch.setenv("CONVO_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(f"{SECRET}\n/end\n"))
    assert cli.main(["--encrypt", "--db", str(db), "plain", "--jsonl"]) == 0
    assert not holds(db, SECRET)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(f"{SECRET}\n/end\n"))
    assert cli.main(["plain", "--db", str(db), "--encrypt"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db), "list"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_short_passphrase_is_refused_before_any_file_is_made(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONVO_PASSPHRASE", "short")
    assert cli.main(["--encrypt", "--db", str(tmp_path / "d" / "x.db"), "list"]) == 1
    assert "at least" in capsys.readouterr().err
    assert not (tmp_path / "d" / "x.db").exists()


def test_convo_encrypt_rewrites_a_plain_store_keeping_everything(tmp_path, monkeypatch, capsys):
    db = tmp_path / "plain.db"
    with Store(db) as store:
        ident = say_things(store)
        events = store.events(ident)
        store.audit("exported", ident, format="md", to="stdout")
    monkeypatch.setenv("CONVO_PASSPHRASE", PASSPHRASE)
    assert cli.main(["--db", str(db), "encrypt"]) == 0
    assert "Encrypted 1 conversation" in capsys.readouterr().out
    assert not holds(db, SECRET) and not holds(db, TITLE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.db"]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    with Store(db, passphrase=lambda: PASSPHRASE) as store:
        assert store.events(ident) == events
        assert [e.action for e in store.audit_log()] == ["exported", "encrypted"]
        assert store.integrity() == "ok"
    assert cli.main(["--db", str(db), "encrypt"]) == 1
    assert "already encrypted" in capsys.readouterr().err


def test_a_failed_encrypt_leaves_the_original_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "plain.db"
    with Store(db) as store:
        say_things(store)
        store.checkpoint()
    before = db.read_bytes()

    def broken(old, new):
        raise OSError("disk full")

    monkeypatch.setattr("convo.store._copy", broken)
    with pytest.raises(OSError):
        encrypt_store(db, PASSPHRASE)
    assert db.read_bytes()[100:] == before[100:]  # the header's change counter may move; the pages do not
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.db"]
    with Store(db) as store:
        assert store.list()[0].title == TITLE and not store.encrypted


def test_encrypt_refuses_a_store_another_program_has_open(tmp_path):
    db = tmp_path / "plain.db"
    with Store(db) as store:
        say_things(store)
        with pytest.raises(StoreError, match=r"in use|locked"):
            encrypt_store(db, PASSPHRASE)
    with Store(db) as store:
        assert not store.encrypted and store.list()


def test_export_to_a_file_from_an_encrypted_store_needs_plaintext_export(tmp_path, monkeypatch, capsys):
    db = tmp_path / "enc.db"
    with Store(db, passphrase=lambda: PASSPHRASE, encrypt=True) as store:
        ident = say_things(store)
    monkeypatch.setenv("CONVO_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "draft.md"
    assert cli.main(["--db", str(db), "export", ident, "-o", str(out)]) == 1
    assert "--plaintext-export" in capsys.readouterr().err and not out.exists()
    assert cli.main(["--db", str(db), "export", ident, "-o", str(out), "--plaintext-export"]) == 0
    assert "Zephyrine" in out.read_text() and stat.S_IMODE(out.stat().st_mode) == 0o600


def test_a_tampered_value_is_refused_not_misread(tmp_path):
    db = tmp_path / "enc.db"
    with Store(db, passphrase=lambda: PASSPHRASE, encrypt=True) as store:
        ident = say_things(store)
    raw = sqlite3.connect(db)
    blob = bytearray(raw.execute("SELECT data FROM events WHERE seq = 2").fetchone()[0])
    blob[-1] ^= 1
    raw.execute("UPDATE events SET data = ? WHERE seq = 2", (bytes(blob),))
    raw.commit()
    raw.close()
    with Store(db, passphrase=lambda: PASSPHRASE) as store, pytest.raises(StoreError, match="integrity"):
        store.events(ident)
