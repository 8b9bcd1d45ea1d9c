"""`convo migrate`: a SQLite store's conversations and audit lines copied into a team's PostgreSQL
database, checked by hashes, and safe to run again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from convo import cli, library
from convo.store import Store
from tests.postgres_cluster import OWNER, for_tests, stop_shared

try:
    import psycopg  # noqa: F401 - the team store needs it
except ImportError:
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("psycopg is not installed (pip install 'convo[team]')", allow_module_level=True)

from convo.store_migrate import digest
from convo.store_postgres import PostgresStore

SECRET = "Dai hits me when he drinks"
PASSPHRASE = "correct horse battery"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def past_opening(conversation) -> None:
    """Leave the opening questions a practitioner may pass with Enter (the Active Offer of Welsh, say)."""
    while ((step := conversation.step) is not None and not conversation.state.items
           and (getattr(step, "optional", False) or getattr(step, "offers_language", False))):
        conversation.send("")


def texts(store, conversation_id: str) -> list[str]:
    return [event.data["text"] for event in store.events(conversation_id) if event.data.get("text")]


@pytest.fixture(scope="session", autouse=True)
def _postgres_stops_with_the_session() -> Iterator[None]:
    yield
    stop_shared()


@pytest.fixture
def team_url() -> str:
    cluster = for_tests()
    return cluster.url(OWNER, cluster.database())


def _file(path, encrypt: bool = False) -> list[str]:
    with Store(path, passphrase=(lambda: PASSPHRASE) if encrypt else None, encrypt=encrypt) as store:
        ids = []
        for n in range(3):
            moment = T0 + timedelta(hours=n)
            conversation = library.start(store, "what-matters", "practitioner", conversation_id=f"m-{n}",
                                         clock=lambda m=moment: m)
            past_opening(conversation)
            conversation.send(f"{SECRET} ({n})")
            ids.append(conversation.id)
        store.audit("exported", "m-0", format="md")
        store.audit("carer_code_refused", None, attempt=1)
    return ids


def test_every_conversation_and_audit_line_is_copied_and_checked(tmp_path, team_url, capsys):
    source = tmp_path / "mine.db"
    ids = _file(source)
    assert cli.main(["migrate", "--from", f"sqlite:{source}", "--to", team_url]) == 0
    said = capsys.readouterr().out
    assert "3 copied" in said and "2 of 2 audit line(s)" in said and "same hash" in said
    with Store(source) as old, PostgresStore(team_url) as new:
        for ident in ids:
            info, copied = old.get(ident), new.get(ident)
            assert info is not None and copied is not None
            assert digest(copied, new.events(ident)) == digest(info, old.events(ident))
        assert [(e.action, e.conversation, e.detail) for e in new.audit_log()] == \
            [(e.action, e.conversation, e.detail) for e in old.audit_log()]
        assert [e.at for e in new.audit_log()] == [e.at for e in old.audit_log()]


def test_running_it_again_copies_nothing_twice_and_brings_on_what_was_carried_on(tmp_path, team_url, capsys):
    source = tmp_path / "mine.db"
    _file(source)
    assert cli.main(["migrate", "--from", f"sqlite:{source}", "--to", team_url]) == 0
    with Store(source) as old:
        library.resume(old, "m-1").send("carried on after the first copy")
        old.audit("exported", "m-1", format="html")
    capsys.readouterr()
    assert cli.main(["migrate", "--from", f"sqlite:{source}", "--to", team_url]) == 0
    said = capsys.readouterr().out
    assert "0 copied, 1 carried on since the last run and brought up to date, 2 already there" in said
    assert "3 of 3 audit line(s)" in said
    with PostgresStore(team_url) as new:
        assert texts(new, "m-1")[-1] == "carried on after the first copy"
        assert len(new.list()) == 3 and len(new.audit_log()) == 3


def test_a_conversation_that_differs_in_the_team_database_is_reported_and_left_alone(tmp_path, team_url, capsys):
    source = tmp_path / "mine.db"
    _file(source)
    with PostgresStore(team_url) as new:
        conversation = library.start(new, "three-conversations", "practitioner", conversation_id="m-2")
        past_opening(conversation)
        conversation.send("someone else")
    assert cli.main(["migrate", "--from", f"sqlite:{source}", "--to", team_url]) == 1
    captured = capsys.readouterr()
    assert "not copied: m-2: differs from the copy already in the team database" in captured.err
    assert "NOT complete" in captured.err
    with PostgresStore(team_url) as new:
        assert texts(new, "m-2") == ["someone else"]


def test_an_encrypted_file_goes_into_an_encrypted_team_database(tmp_path, team_url, monkeypatch, capsys):
    source = tmp_path / "mine.db"
    _file(source, encrypt=True)
    monkeypatch.setenv("CONVO_PASSPHRASE", PASSPHRASE)
    assert cli.main(["migrate", "--from", f"sqlite:{source}", "--to", team_url, "--encrypt"]) == 0
    assert "same hash" in capsys.readouterr().out
    with PostgresStore(team_url, passphrase=lambda: PASSPHRASE) as new:
        assert new.encrypted and texts(new, "m-0") == [f"{SECRET} (0)"]
    cluster = for_tests()
    database = urlsplit(team_url).path.lstrip("/")
    rows = cluster.sql("SELECT data FROM convo_events", database)
    assert all(SECRET.encode() not in bytes(data) for (data,) in rows)


def test_migrate_wants_a_file_and_a_team_database(tmp_path, capsys):
    assert cli.main(["migrate", "--from", f"sqlite:{tmp_path / 'none.db'}", "--to", "postgresql://x/y"]) == 1
    assert "there is no file" in capsys.readouterr().err
    (tmp_path / "a.db").touch()
    assert cli.main(["migrate", "--from", str(tmp_path / "a.db"), "--to", str(tmp_path / "b.db")]) == 1
    assert "--to names a team database" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "b.db")
