"""The store's promises, kept the same by SQLite and by a team's PostgreSQL database; and what only a
shared server adds: teams that cannot see each other, who wrote each event, managers and practitioners,
many writers at once, and a server that restarts or drops the connection mid-call.

The PostgreSQL tests start a throwaway server (tests/postgres_cluster.py); without PostgreSQL installed
they are skipped with the reason, except in CI, where that is a failure.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from convo import cli, library
from convo.store import ConversationOpen, Store, StoreError, TakenOver
from tests.postgres_cluster import OWNER, for_tests, stop_shared

try:
    import psycopg
except ImportError:
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("psycopg is not installed (pip install 'convo[team]')", allow_module_level=True)

from convo.store_postgres import PostgresStore

SECRET = "Dai hits me when he drinks"
PASSPHRASE = "correct horse battery"
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Opener:
    """Opens stores of one kind on one database, closing them after the test; call again for another window."""

    def __init__(self, kind: str, tmp_path: Path):
        self.kind = kind
        self.opened: list[Store | PostgresStore] = []
        if kind == "sqlite":
            self.target: str | Path = tmp_path / "conversations.db"
        else:
            self.cluster = for_tests()
            self.database = self.cluster.database()
            self.target = self.cluster.url(OWNER, self.database)

    def __call__(self, **options) -> Store:
        opened = (Store(self.target, **options) if isinstance(self.target, Path)
                  else PostgresStore(self.target, **options))
        self.opened.append(opened)
        return opened  # type: ignore[return-value]

    def close(self) -> None:
        for store in self.opened:
            with contextlib.suppress(Exception):  # a test may have closed it already
                store.close()


@pytest.fixture(scope="session", autouse=True)
def _postgres_stops_with_the_session() -> Iterator[None]:
    yield
    stop_shared()


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request, tmp_path) -> Iterator[Opener]:
    opened = Opener(request.param, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def team(tmp_path) -> Iterator[Opener]:
    opened = Opener("postgresql", tmp_path)
    yield opened
    opened.close()


def clock_from(start: datetime = T0) -> Callable[[], datetime]:
    moments = iter(start + timedelta(seconds=n) for n in range(10**6))
    return lambda: next(moments)


def start(store, conversation_id: str, flow: str = "what-matters", audience: str = "practitioner",
          at: datetime = T0):
    conversation = library.start(store, flow, audience, clock=clock_from(at), conversation_id=conversation_id)
    store.claim(conversation.id)
    past_opening(conversation)
    return conversation


def past_opening(conversation) -> None:
    """Leave the opening questions a practitioner may pass with Enter (the Active Offer of Welsh, say)."""
    while ((step := conversation.step) is not None and not conversation.state.items
           and (getattr(step, "optional", False) or getattr(step, "offers_language", False))):
        conversation.send("")


def said(conversation, text: str) -> bool:
    """Send an answer; True if the flow took it (a choice the flow refuses is not an answer to look for)."""
    return not any(output.type == "error" for output in conversation.send(text))


def texts(store, conversation_id: str) -> list[str]:
    return [event.data["text"] for event in store.events(conversation_id) if event.data.get("text")]


# -- the same promises from both stores ------------------------------------------------------------

def test_both_stores_offer_the_same_methods():
    def public(cls) -> dict[str, inspect.Signature]:
        return {name: inspect.signature(member) for name, member in vars(cls).items()
                if callable(member) and not name.startswith("_")}

    sqlite, postgres = public(Store), public(PostgresStore)
    assert set(sqlite) <= set(postgres)
    for name, signature in sqlite.items():
        assert list(signature.parameters)[:len(signature.parameters)] == \
            list(postgres[name].parameters)[:len(signature.parameters)], name


def test_every_answer_is_there_when_the_store_is_opened_again(opener):
    store = opener()
    conversation = start(store, "c-1")
    conversation.send("Ann Price")
    conversation.send("She wants to walk to the river again")
    store.close()
    again = opener()
    assert texts(again, "c-1") == ["Ann Price", "She wants to walk to the river again"]
    resumed = library.resume(again, "c-1")
    assert resumed.events == again.events("c-1")
    info = again.get("c-1")
    assert info is not None and info.title == "Ann Price" and info.flow == "what-matters"
    assert again.get("nobody") is None


def test_a_second_window_is_told_who_has_it_and_may_take_it_over(opener):
    first, second = opener(), opener()
    conversation = start(first, "c-1")
    with pytest.raises(ConversationOpen, match=f"process {os.getpid()}"):
        second.claim("c-1")
    second.claim("c-1", take_over=True)
    with pytest.raises(TakenOver):
        conversation.send("typed in the first window")
    library.resume(second, "c-1").send("typed in the second")
    assert texts(opener(), "c-1") == ["typed in the second"]


def test_an_answer_waiting_while_another_window_takes_over_is_not_saved(team):
    store = team()
    conversation = start(store, "c-1")
    conversation.send("Ann")
    outcome: list[object] = []

    def typing() -> None:
        try:
            outcome.append(said(conversation, "typed as it was taken over"))
        except BaseException as error:  # noqa: BLE001 - looked at below
            outcome.append(error)

    # A take-over under way elsewhere: the conversation's row locked, then the lease given to another.
    with psycopg.connect(team.target) as other:
        other.execute("SELECT 1 FROM convo_conversations WHERE id = 'c-1' FOR UPDATE")
        other.execute("UPDATE convo_leases SET holder = 'another window' WHERE conversation = 'c-1'")
        typist = threading.Thread(target=typing)
        typist.start()
        typist.join(0.5)  # the answer waits for the lock meanwhile
        other.commit()
    typist.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], TakenOver)
    assert texts(team(), "c-1") == ["Ann"]


def test_two_writers_cannot_both_take_one_sequence_number(opener):
    first, second = opener(), opener()
    past_opening(library.start(first, "what-matters", "practitioner", conversation_id="c-1"))
    # Neither claims it (as practice does not): both read the log, then both write the next event.
    one, two = library.resume(first, "c-1"), library.resume(second, "c-1")
    one.send("from the first")
    with pytest.raises(TakenOver):
        two.send("from the second")
    seqs = [event.seq for event in opener().events("c-1")]
    assert seqs == sorted(set(seqs)) and texts(opener(), "c-1") == ["from the first"]


def test_a_page_of_conversations_newest_first_or_unfinished_first_found_by_id_flow_or_title(opener):
    store = opener()
    for n in range(6):
        conversation = start(store, f"page-{n}", at=T0 + timedelta(hours=n))
        conversation.send(f"Person number {n} 100%_sure")
    library.resume(store, "page-5").send("/end")
    carer = start(store, "carer-0", flow="carer", audience="carer", at=T0 - timedelta(days=1))
    carer.send("Rhian")
    newest = [info.id for info in store.list_conversations()]
    assert newest == ["page-5", "page-4", "page-3", "page-2", "page-1", "page-0", "carer-0"]
    assert [info.id for info in store.list()] == newest
    assert [info.id for info in store.list_conversations(limit=2, offset=1)] == ["page-4", "page-3"]
    home = [info.id for info in store.list_conversations(limit=3, unfinished_first=True)]
    assert home == ["carer-0", "page-4", "page-3"]
    assert [info.id for info in store.list_conversations(search="NUMBER 2")] == ["page-2"]
    assert [info.id for info in store.list_conversations(search="page-1")] == ["page-1"]
    assert [info.id for info in store.list_conversations(search="carer")] == ["carer-0"]
    assert len(store.list_conversations(search="100%_s")) == 6  # % and _ are letters here, not wildcards
    assert store.list_conversations(search="1000") == []


def test_an_encrypted_store_keeps_no_words_in_the_clear_and_wants_its_passphrase(opener):
    store = opener(passphrase=lambda: PASSPHRASE, encrypt=True)
    assert store.encrypted
    start(store, "c-1").send(SECRET)
    store.close()
    with pytest.raises(StoreError, match="wrong passphrase"):
        opener(passphrase=lambda: "not the passphrase")
    with pytest.raises(StoreError, match="encrypted"):
        opener()
    again = opener(passphrase=lambda: PASSPHRASE)
    assert texts(again, "c-1") == [SECRET]
    assert [info.title for info in again.list_conversations(search="dai hits")] == [SECRET]
    assert SECRET.encode() not in _raw_bytes(opener)


def test_delete_and_purge_remove_conversations_and_say_so_in_the_audit_log(opener):
    store = opener()
    start(store, "old", at=T0 - timedelta(days=400)).send(SECRET)
    start(store, "new", at=datetime.now(UTC)).send("Ann")
    store.audit("exported", "new", format="md")
    assert store.delete("nobody") is False
    assert store.purge(datetime.now(UTC) - timedelta(days=365)) == ["old"]
    assert store.delete("new") is True
    assert store.list() == [] and store.events("old") == []
    assert [(entry.action, entry.conversation) for entry in store.audit_log()] == [
        ("exported", "new"), ("purged", "old"), ("deleted", "new")]
    assert SECRET.encode() not in _raw_bytes(opener, live_rows_only=True)


def test_the_audit_log_cannot_be_changed_or_emptied(opener):
    store = opener()
    store.audit("exported", "c-1", format="md")
    if opener.kind == "sqlite":
        import sqlite3

        with sqlite3.connect(opener.target) as db:
            for statement in ("UPDATE audit SET action = 'x'", "DELETE FROM audit"):
                with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                    db.execute(statement)
    else:
        changes = ("UPDATE convo_audit SET action = 'x'", "DELETE FROM convo_audit", "TRUNCATE convo_audit")
        for statement in changes:  # a practitioner's role may not; nor may a superuser, past the trigger
            for role in (opener.cluster.role("alice"), "postgres"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    opener.cluster.sql(statement, opener.database, role=role)
            # The owner's row-level security lets it change no line; the trigger stops a TRUNCATE.
            with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
                opener.cluster.sql(statement, opener.database, role=OWNER)
    assert [entry.action for entry in store.audit_log()] == ["exported"]


def test_events_go_only_with_their_whole_conversation(team):
    store = team()
    start(store, "c-1").send("Ann")
    alice = team.cluster.role("alice")
    team.cluster.sql(f"INSERT INTO convo_members VALUES ('{alice}', 'default', 'practitioner')", team.database,
                     role=OWNER)
    for statement in ("UPDATE convo_events SET type = 'x'", "DELETE FROM convo_events", "TRUNCATE convo_events"):
        for role in (alice, "postgres"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                team.cluster.sql(statement, team.database, role=role)
    assert texts(store, "c-1") == ["Ann"]
    assert store.delete("c-1") and store.events("c-1") == []


def _raw_bytes(opener: Opener, live_rows_only: bool = False) -> bytes:
    """Everything the database holds, as bytes: the SQLite file, or every row of convo's tables."""
    if opener.kind == "sqlite":
        return Path(opener.target).read_bytes()
    tables = ["convo_conversations", "convo_events", "convo_audit", "convo_keys", "convo_meta"]
    rows = [row for table in tables
            for row in opener.cluster.sql(f"SELECT * FROM {table}", opener.database, role="postgres")]
    del live_rows_only  # PostgreSQL keeps dead row versions until VACUUM: see docs/team-store.md
    return repr(rows).encode() + b"".join(value for row in rows for value in row if isinstance(value, bytes))


# -- teams, roles and who did what (PostgreSQL) -------------------------------------------------------

def _teams(team: Opener) -> dict[str, str]:
    """alice and bob practise in teams a and b; carol manages team a. Set up by the owner."""
    team()  # opening it once sets the database up, as its owner would
    urls = {}
    for name, team_name, kind in (("alice", "a", "practitioner"), ("bob", "b", "practitioner"),
                                  ("carol", "a", "manager")):
        team.cluster.role(name)
        team.cluster.sql(f"INSERT INTO convo_members VALUES ('{name}', '{team_name}', '{kind}')", team.database,
                         role=OWNER)
        urls[name] = team.cluster.url(name, team.database)
    return urls


def test_a_team_cannot_read_or_list_another_teams_conversations_even_by_hand(team):
    urls = _teams(team)
    alice = PostgresStore(urls["alice"])
    team.opened.append(alice)
    start(alice, "a-1").send(SECRET)
    alice.audit("exported", "a-1", format="md")
    bob = PostgresStore(urls["bob"])
    team.opened.append(bob)
    assert (bob.team, alice.team) == ("b", "a")
    assert bob.get("a-1") is None and bob.list() == [] and bob.events("a-1") == [] and bob.audit_log() == []
    with pytest.raises(StoreError, match="no conversation"):
        bob.claim("a-1")
    with psycopg.connect(urls["bob"], autocommit=True) as db:  # bob's own role, by hand
        for table in ("convo_conversations", "convo_events", "convo_keys", "convo_leases", "convo_audit"):
            assert db.execute(f"SELECT * FROM {table}").fetchall() == [], table
        assert db.execute("SELECT role FROM convo_members").fetchall() == [("bob",)]
        assert db.execute("SELECT role FROM convo_team_members").fetchall() == [("bob",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("INSERT INTO convo_members VALUES ('bob', 'a', 'manager')")
        with pytest.raises(psycopg.Error):
            db.execute("INSERT INTO convo_events (conversation, seq, team, type, at, data, writer)"
                       " VALUES ('a-1', 99, 'b', 'answered', now(), '\\x00', 'x')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("SET ROLE alice")
        db.execute("SET convo.team = 'a'")  # a setting a client can change opens nothing
        assert db.execute("SELECT count(*) FROM convo_conversations").fetchone() == (0,)
    assert texts(alice, "a-1") == [SECRET]


def test_every_event_and_audit_line_names_the_role_that_wrote_it(team):
    urls = _teams(team)
    alice = PostgresStore(urls["alice"])
    team.opened.append(alice)
    start(alice, "a-1").send("Ann")
    alice.audit("exported", "a-1", format="md")
    actors = team.cluster.sql("SELECT DISTINCT actor FROM convo_events UNION SELECT actor FROM convo_audit",
                              team.database, role="postgres")
    assert actors == [("alice",)]
    with psycopg.connect(urls["alice"], autocommit=True) as db:  # a client cannot say it was someone else
        db.execute("INSERT INTO convo_audit (team, action, actor) VALUES ('a', 'exported', 'carol')")
        assert db.execute("SELECT actor FROM convo_audit ORDER BY seq DESC LIMIT 1").fetchone() == ("alice",)


def test_a_practitioner_deletes_only_their_own_and_only_a_manager_purges(team):
    urls = _teams(team)
    carol, alice = PostgresStore(urls["carol"]), PostgresStore(urls["alice"])
    team.opened += [carol, alice]
    start(carol, "carols", at=T0 - timedelta(days=400)).send("Ann")
    start(alice, "alices", at=T0 - timedelta(days=400)).send("Bea")
    with pytest.raises(StoreError, match="only a manager"):
        alice.delete("carols")
    with pytest.raises(StoreError, match="only a manager"):
        alice.purge(datetime.now(UTC))
    assert alice.delete("alices") is True
    assert carol.purge(datetime.now(UTC)) == ["carols"]
    assert [(e.action, e.conversation) for e in carol.audit_log()] == [("deleted", "alices"), ("purged", "carols")]


def test_a_role_outside_every_team_is_told_so(team):
    _teams(team)
    url = team.cluster.url(team.cluster.role("dave"), team.database)
    with pytest.raises(StoreError, match="not in any convo team"):
        PostgresStore(url)


def test_a_role_that_may_not_set_the_database_up_says_who_should(team):
    url = team.cluster.url(team.cluster.role("erin"), team.cluster.database())
    with pytest.raises(StoreError, match=r"not set up for convo yet.*owner opens it with this convo once first"):
        PostgresStore(url)


def test_a_database_set_up_by_a_newer_convo_is_refused_not_written(team):
    team()
    team.cluster.sql("INSERT INTO convo_schema_version (version) VALUES (99)", team.database, role=OWNER)
    with pytest.raises(StoreError, match="newer convo"):
        PostgresStore(team.target)


def test_many_processes_opening_a_new_database_at_once_set_it_up_once(team):
    code = ("import sys; from convo.store_postgres import PostgresStore; "
            "PostgresStore(sys.argv[1]).close(); print('ok')")
    runs = [subprocess.Popen([sys.executable, "-c", code, team.target], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(6)]
    results = [run.communicate(timeout=60) for run in runs]
    assert [out.strip() for out, _ in results] == ["ok"] * 6, [err for _, err in results]
    assert team.cluster.sql("SELECT version FROM convo_schema_version", team.database) == [(1,), (2,)]


def test_each_conversation_is_sealed_with_its_own_key_which_goes_when_it_is_deleted(team):
    from convo import crypt

    store = team(passphrase=lambda: PASSPHRASE, encrypt=True)
    start(store, "c-1").send(SECRET)
    start(store, "c-2").send("Ann")
    sealed = team.cluster.sql("SELECT data FROM convo_events WHERE conversation = 'c-1'", team.database)
    keys = team.cluster.sql("SELECT wrapped FROM convo_keys ORDER BY conversation", team.database)
    assert len({bytes(wrapped) for (wrapped,) in keys}) == 2
    assert store._store_key is not None
    with pytest.raises(crypt.CryptError):  # the passphrase's key alone opens no answer: each needs its data key
        store._store_key.open(bytes(sealed[-1][0]))
    store.delete("c-1")
    assert team.cluster.sql("SELECT count(*) FROM convo_keys WHERE conversation = 'c-1'", team.database) == [(0,)]
    assert texts(team(passphrase=lambda: PASSPHRASE), "c-2") == ["Ann"]


# -- many writers, a restart, a dropped connection, a killed client -----------------------------------

def test_many_writers_at_once_lose_nothing_and_never_share_a_sequence_number(team):
    team()  # set up
    failures: list[BaseException] = []
    writers = 12
    acknowledged: list[list[str]] = [[] for _ in range(writers)]
    unsaved: list[list[str]] = [[] for _ in range(writers)]  # said not saved: may be there after all, once
    stop = threading.Event()

    def practitioner(n: int) -> None:
        try:
            with PostgresStore(team.target, pool_size=1) as store:
                try:
                    conversation = start(store, f"w-{n}")
                except StoreError:
                    return  # not started under this load; nothing was acknowledged, so nothing can be lost
                for turn in range(15):
                    if stop.is_set():
                        return
                    text = f"writer {n} answer {turn}"
                    try:
                        if said(conversation, text):
                            acknowledged[n].append(text)
                    except StoreError as error:
                        if isinstance(error, (TakenOver, ConversationOpen)):
                            raise  # nobody else writes this conversation: never a fork or a second holder
                        unsaved[n].append(text)
                        return  # the words stay in the box; this writer stops typing
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=practitioner, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stop.set()  # however slow the machine, a writer still typing stops after the answer it is sending
    for thread in threads:
        thread.join()  # a call that cannot reach the server gives up after the store's retry_for
    assert failures == []
    assert sum(map(len, acknowledged)) > 0, "no answer was acknowledged at all"
    check = team()
    for n in range(writers):
        stored = texts(check, f"w-{n}")
        # Every acknowledged answer is there once, in the order typed, and nothing else but an answer that
        # was said not to be saved and was committed after all, at most once.
        assert [text for text in stored if text in acknowledged[n]] == acknowledged[n], n
        assert set(stored) <= set(acknowledged[n]) | set(unsaved[n]) and len(stored) == len(set(stored)), n
        seqs = [event.seq for event in check.events(f"w-{n}")]
        assert seqs == list(range(1, len(seqs) + 1)), n


def test_a_server_restarted_mid_call_loses_no_acknowledged_answer(team):
    store = team()
    conversation = start(store, "c-1")
    acknowledged, refused = [], []
    stop = threading.Event()

    def typing() -> None:
        n = 0
        while not stop.is_set():
            text = f"answer {n}"
            try:
                if said(conversation, text):
                    acknowledged.append(text)
                n += 1
            except StoreError:
                refused.append(text)  # still in the box: the same words are sent again
            time.sleep(0.005)

    typist = threading.Thread(target=typing)
    typist.start()
    time.sleep(0.5)
    team.cluster.restart()
    time.sleep(0.5)
    stop.set()
    typist.join(60)
    before_restart = len(acknowledged)
    if said(conversation, "after the restart"):
        acknowledged.append("after the restart")
    assert before_restart > 5
    assert texts(team(), "c-1") == acknowledged
    assert refused == []  # the store waited for the server and retried, so nothing even had to be resent


def test_after_a_restart_a_turn_meets_one_dead_connection_not_every_one_left_in_the_pool(team):
    """Every connection waiting in the pool went with the restart. Met one at a time, each after a longer
    pause, eight of them held a web server's turns (and every page behind them) for 3.5 s."""
    store = team(pool_size=4)
    start(store, "c-1")
    with contextlib.ExitStack() as held:  # four connections open at once, then back in the pool
        for _ in range(4):
            held.enter_context(store._pool.connection())
    assert store._pool.get_stats()["pool_available"] == 4
    team.cluster.restart()
    tries = []

    def work(db):
        tries.append(1)
        return db.execute("SELECT count(*) FROM convo_events").fetchone()

    assert store._run(work)[0] > 0
    assert len(tries) == 2  # the first on a connection the restart closed; the next on one that works


def test_a_connection_whose_network_goes_silent_is_given_up_in_seconds_not_minutes(team):
    """With no reset from a dropped network, a write would wait for the operating system (about fifteen
    minutes on Linux) with the app waiting on it: every connection asks for keepalives and a limit on
    unacknowledged data, unless the URL gives its own."""
    def options(store) -> dict[str, str]:
        with store._pool.connection() as db:
            return {o.keyword.decode(): (o.val or b"").decode() for o in db.pgconn.info
                    if o.keyword.decode().startswith(("keepalives", "tcp_user"))}

    given = options(team())
    assert given["keepalives"] == "1" and int(given["keepalives_idle"]) <= 10
    assert 0 < int(given["tcp_user_timeout"]) <= 10_000
    own = team.target + ("&" if "?" in team.target else "?") + "keepalives_idle=30"
    with PostgresStore(own) as store:
        assert options(store)["keepalives_idle"] == "30"


def test_the_pool_is_tested_again_only_when_a_connection_itself_went():
    from psycopg import OperationalError, errors
    from psycopg_pool import PoolTimeout

    from convo.store_postgres import _connection_lost

    assert _connection_lost(OperationalError("server closed the connection unexpectedly"))
    assert _connection_lost(errors.AdminShutdown()) and _connection_lost(errors.ConnectionFailure())
    # The connection still works: a deadlock, a serialisation failure, too many connections, no free one.
    assert not _connection_lost(errors.DeadlockDetected()) and not _connection_lost(errors.SerializationFailure())
    assert not _connection_lost(errors.TooManyConnections()) and not _connection_lost(PoolTimeout())


def test_while_the_server_is_down_the_pool_tries_to_reconnect_at_least_every_half_second():
    from convo.store_postgres import RECONNECT_EVERY, _Backoff

    attempt = _Backoff(timeout=300)
    delays = []
    for second in range(10):
        attempt.update_delay(float(second))
        delays.append(attempt.delay)
    assert delays[0] <= 0.11 and delays == sorted(delays) and max(delays) == RECONNECT_EVERY == 0.5


def test_a_turn_typed_while_the_server_is_down_is_kept_and_saved_once_it_is_back(team):
    store = team(retry_for=60)
    conversation = start(store, "c-1")
    conversation.send("Ann")
    outcome: list[object] = []

    def typing() -> None:
        try:
            outcome.append(said(conversation, "Bea"))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            outcome.append(error)
        outcome.append(time.monotonic())

    team.cluster.halt()
    try:
        typist = threading.Thread(target=typing)
        typist.start()
        time.sleep(3)  # the pool has failed to reconnect a few times by now
        assert outcome == []  # still waiting, the words in the box
    finally:
        team.cluster.resume()
    back = time.monotonic()
    typist.join(60)
    saved, at = outcome
    assert saved is True
    # Tried again at least every half second: saved soon after the server was back, not seconds later.
    assert at - back < 2.5, f"saved {at - back:.1f} s after the server was back"

    # Down for longer than the store keeps trying: said not saved, then sent again, and saved once.
    store.retry_for = 1.0
    team.cluster.halt()
    try:
        with pytest.raises(StoreError, match="not saved"):
            conversation.send("Cai")
    finally:
        team.cluster.resume()
    assert said(conversation, "Cai")
    assert texts(team(), "c-1") == ["Ann", "Bea", "Cai"]


class LosesReplies:
    """A pool whose connections commit, then lose the reply `times` times, as a dropped connection can."""

    def __init__(self, pool, times: int):
        self._pool, self.times = pool, times

    def connection(self, timeout: float | None = None):
        @contextlib.contextmanager
        def lend():
            with self._pool.connection(timeout=timeout) as db:
                yield db
                if self.times:
                    self.times -= 1
                    raise psycopg.OperationalError("server closed the connection unexpectedly")

        return lend()

    def __getattr__(self, name: str):
        return getattr(self._pool, name)


def test_an_answer_whose_commit_reply_was_lost_is_saved_once(team):
    store = team()
    conversation = start(store, "c-1")
    store._pool = LosesReplies(store._pool, times=1)
    conversation.send("Ann")
    conversation.send("Bea")
    assert texts(team(), "c-1") == ["Ann", "Bea"]


def test_an_answer_said_not_saved_that_was_saved_after_all_is_not_saved_twice(team):
    store = team(retry_for=0.2)
    conversation = start(store, "c-1")
    store._pool = LosesReplies(store._pool, times=10**6)
    with pytest.raises(StoreError, match="not saved"):
        conversation.send("Ann")
    store._pool = store._pool._pool
    conversation.send("Ann")  # the words left in the box, sent again
    conversation.send("Bea")
    assert texts(team(), "c-1") == ["Ann", "Bea"]


def test_a_dropped_connection_is_replaced_without_anyone_noticing(team):
    store = team()
    conversation = start(store, "c-1")
    conversation.send("Ann")
    team.cluster.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'convo'"
                     f" AND datname = '{team.database}'")
    conversation.send("Bea")
    assert texts(team(), "c-1") == ["Ann", "Bea"]


def test_a_killed_client_keeps_every_answer_it_acknowledged(team):
    team()
    run = subprocess.Popen([sys.executable, "-m", "convo.cli", "plain", "--jsonl", "--flow", "what-matters",
                            "--db", team.target], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                           bufsize=1)
    assert run.stdin is not None and run.stdout is not None
    acknowledged = []
    prompt = json.loads(run.stdout.readline())
    flow = library.get("what-matters")[0]

    def opening(stage: str) -> bool:
        step = flow.steps.get(stage)
        return step is not None and (getattr(step, "optional", False) or getattr(step, "offers_language", False))

    while prompt["type"] == "prompt" and opening(prompt.get("stage", "")):
        run.stdin.write("\n")  # Enter leaves an opening question, as on a call
        run.stdin.flush()
        while (prompt := json.loads(run.stdout.readline()))["type"] not in ("prompt", "done"):
            pass
    for n in range(8):
        # Acknowledged: captured, and the next question shown (an opening question refuses it instead).
        run.stdin.write(f"answer {n}\n")
        run.stdin.flush()
        captured = False
        while (line := json.loads(run.stdout.readline()))["type"] not in ("prompt", "done"):
            captured = captured or (line["type"] == "captured" and line.get("text") == f"answer {n}")
        if captured:
            acknowledged.append(f"answer {n}")
    run.send_signal(signal.SIGKILL)
    run.wait(30)
    check = team()
    [info] = check.list()
    assert len(acknowledged) >= 3 and texts(check, info.id) == acknowledged


def test_the_carers_pages_share_one_pool_for_the_process_and_still_give_each_browser_a_lease(team):
    pytest.importorskip("starlette", reason="convo web needs the web extra: pip install 'convo[web]'")
    from convo.services import Service
    from convo.web.app import make_app
    from tests.functional.test_web import Carer

    team().close()  # set up
    opened: list[PostgresStore] = []

    def open_store() -> Service:
        opened.append(PostgresStore(team.target))
        return Service(opened[-1])  # type: ignore[arg-type]

    def connections() -> int:
        rows = team.cluster.sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'convo'"
                                f" AND datname = '{team.database}'")
        return int(rows[0][0])

    app = make_app(open_store=open_store)
    first = Carer(app).start()
    first.answer("no").answer("My gran")
    [info] = opened[0].list()
    second = Carer(app)
    second.go("/resume").post("/resume", code=info.id)
    assert second.page.status_code == 409  # each browser still holds a lease of its own
    second.post("/take-over")
    second.answer("Getting her up and her tablets")
    first.answer("She needs help to get up")
    assert first.page.status_code == 409 and "nothing more can be saved here" in first.main()
    for n in range(3):
        Carer(app).start().answer("no").answer(f"Carer {n}'s mum")
    assert len(opened) == 1  # opened once, as the app was made; no store (no connection) per browser
    assert 1 <= connections() <= 4  # the pool's, whatever the number of browsers
    app.state.pages.close()  # as the server stops
    deadline = time.monotonic() + 10  # a server process ends a moment after its client said goodbye
    while connections() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened[0]._pool.closed and connections() == 0
    assert texts(team(), info.id)[1:] == ["My gran", "Getting her up and her tablets"]  # after the age


# -- the command line --------------------------------------------------------------------------------

def test_convo_list_shows_the_newest_fifty_unless_asked_for_all(opener, capsys):
    store = opener()
    for n in range(53):
        library.start(store, "what-matters", "practitioner", conversation_id=f"c-{n:02d}",
                      clock=clock_from(T0 + timedelta(minutes=n)))
    store.close()
    target = str(opener.target)
    assert cli.main(["list", "--db", target]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 50 and lines[0].startswith("c-52\t") and lines[-1].startswith("c-03\t")
    assert cli.main(["list", "--db", target, "--limit", "2"]) == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["c-52", "c-51"]
    assert cli.main(["list", "--db", target, "--all"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 53


def test_convo_list_keeps_one_conversation_a_line_whatever_its_title_holds(tmp_path, capsys):
    store = Store(tmp_path / "c.db")
    conversation = start(store, "pasted")
    conversation.send("Ann\tPrice\nlives alone\x1b[2J\u2028\u202eevil")  # a paste: its first answer is the title
    store.close()
    assert cli.main(["list", "--db", str(tmp_path / "c.db")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and lines[0].split("\t")[0] == "pasted" and len(lines[0].split("\t")) == 5
    assert lines[0].endswith("Ann\u2409Price\u2424lives alone\u241b[2J<U+2028><U+202E>evil")


def test_a_db_names_a_file_a_sqlite_path_or_a_team_database(tmp_path, monkeypatch):
    from convo.store_factory import target

    assert target(str(tmp_path / "a.db")) == tmp_path / "a.db"
    assert target(f"sqlite:{tmp_path / 'b.db'}") == tmp_path / "b.db"
    assert target("postgresql://alice@db/convo?team=north") == "postgresql://alice@db/convo?team=north"
    monkeypatch.setenv("CONVO_DB", "postgres://alice@db/convo")
    assert target(None) == "postgres://alice@db/convo"
    with pytest.raises(StoreError) as refused:
        target("mysql://alice:secret@db/convo")
    assert "secret" not in str(refused.value) and "neither a file nor a postgresql:// URL" in str(refused.value)


def test_a_database_url_never_becomes_a_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["list", "--db", "postgresql://nobody@127.0.0.1:1/convo"]) == 1
    assert "cannot reach the team database" in capsys.readouterr().err
    assert cli.main(["list", "--db", "postgresql:convo"]) == 1
    assert "neither a file nor a postgresql:// URL" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_convo_serve_will_not_put_a_database_password_on_every_tabs_command_line(capsys):
    assert cli.main(["serve", "--db", "postgresql://alice:secret@db.example/convo"]) == 1
    said = capsys.readouterr().err
    assert "~/.pgpass" in said and "secret" not in said


def test_without_psycopg_a_team_database_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "convo.store_postgres", None)
    assert cli.main(["list", "--db", "postgresql://somewhere/convo"]) == 1
    assert capsys.readouterr().err.strip() == "convo: a team database needs psycopg: pip install 'convo[team]'"


# -- who is in which team, and who has which conversation open -----------------------------------------

def test_the_owner_puts_roles_in_teams_and_takes_them_out_from_the_command_line(team, capsys):
    team()  # set up by its owner
    owner_url = str(team.target)
    gwen = team.cluster.role("gwen")
    assert cli.main(["team", "add", gwen, "--team", "north", "--db", owner_url]) == 0
    assert capsys.readouterr().out == "gwen is now in the team 'north' as a practitioner.\n"
    gwens = PostgresStore(team.cluster.url(gwen, team.database))
    team.opened.append(gwens)
    assert (gwens.team, gwens.kind) == ("north", "practitioner")
    assert cli.main(["team", "add", gwen, "--team", "north", "--manager", "--db", owner_url]) == 0
    assert capsys.readouterr().out == "gwen is in the team 'north' as a manager.\n"
    assert cli.main(["team", "members", "--db", owner_url]) == 0
    assert capsys.readouterr().out.splitlines() == [f"{OWNER}\tdefault\tmanager", "gwen\tnorth\tmanager"]
    gwens.close()
    gwens = PostgresStore(team.cluster.url(gwen, team.database))
    team.opened.append(gwens)
    assert gwens.members() == [("gwen", "north", "manager")]  # anyone else sees only their own
    assert cli.main(["team", "add", gwen, "--team", "south", "--db", owner_url]) == 0
    capsys.readouterr()
    assert cli.main(["team", "remove", gwen, "--team", "south", "--db", owner_url]) == 0
    assert "no longer in the team 'south'" in capsys.readouterr().out
    assert cli.main(["team", "remove", gwen, "--team", "south", "--db", owner_url]) == 1
    assert "gwen is not in the team 'south'; nothing was changed" in capsys.readouterr().err
    with pytest.raises(StoreError, match="not in the team 'south'"):
        PostgresStore(team.cluster.url(gwen, team.database, team="south"))


def test_only_the_owner_changes_teams_and_a_team_keeps_a_manager(team):
    urls = _teams(team)  # carol is team a's only manager
    carol = PostgresStore(urls["carol"])
    team.opened.append(carol)
    with pytest.raises(StoreError, match=r"only the owner of .* may add alice to the team 'a'"):
        carol.add_member("alice", "a", "manager")
    with pytest.raises(StoreError, match="only the owner"):
        carol.remove_member("alice", "a")
    owner = team()
    for change in (lambda: owner.remove_member("carol", "a"), lambda: owner.add_member("carol", "a", "practitioner")):
        with pytest.raises(StoreError, match="carol is the last manager of the team 'a'"):
            change()
    assert owner.add_member("alice", "a", "manager") is False  # was in it already, now a manager
    assert owner.remove_member("carol", "a") is True
    assert ("carol", "a", "manager") not in owner.members()
    with pytest.raises(StoreError, match="a member is a practitioner or a manager"):
        owner.add_member("bob", "b", "boss")
    with pytest.raises(StoreError, match="there is no role 'nobody'"):
        owner.add_member("nobody", "a")


def test_a_manager_sees_who_is_in_their_team_and_a_practitioner_only_themselves(team):
    urls = _teams(team)
    carol, alice, bob = (PostgresStore(urls[name]) for name in ("carol", "alice", "bob"))
    team.opened += [carol, alice, bob]
    assert carol.members() == [("carol", "a", "manager"), ("alice", "a", "practitioner")]
    assert alice.members() == [("alice", "a", "practitioner")]
    assert bob.members() == [("bob", "b", "practitioner")]


def test_who_is_put_in_or_taken_out_of_a_team_is_in_that_teams_audit_log(team, capsys):
    urls = _teams(team)
    owner = team()
    assert owner.add_member("alice", "a", "manager") is False  # a practitioner made a manager
    assert owner.add_member("alice", "a", "manager") is False  # no change: no line
    owner.add_member("bob", "a")
    owner.remove_member("bob", "a")
    carol = PostgresStore(urls["carol"])
    team.opened.append(carol)
    lines = [(entry.action, entry.detail) for entry in carol.audit_log()]
    assert lines == [("member changed", {"role": "alice", "kind": "manager", "was": "practitioner"}),
                     ("member added", {"role": "bob", "kind": "practitioner"}),
                     ("member removed", {"role": "bob", "kind": "practitioner"})]
    bob = PostgresStore(urls["bob"])
    team.opened.append(bob)
    assert bob.audit_log() == []  # team b's log: nothing of team a
    alices = PostgresStore(urls["alice"])  # a manager of team a now
    team.opened.append(alices)
    assert [entry.action for entry in alices.audit_log()][-1] == "member removed"
    owner.add_member("alice", "a", "practitioner")
    owner.add_member("carol", "a", "manager")
    alices.close()
    alices = PostgresStore(urls["alice"])
    team.opened.append(alices)
    assert not [e for e in alices.audit_log() if e.action.startswith("member")]  # a practitioner: not theirs
    assert cli.main(["audit", "--db", urls["carol"]]) == 0
    assert "member removed\t-\tkind=practitioner role=bob" in capsys.readouterr().out
    with psycopg.connect(urls["carol"], autocommit=True) as db, pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute("INSERT INTO convo_audit (team, action, detail) VALUES ('a', 'member added', '{}')")


def test_a_store_of_the_first_version_is_brought_up_to_date_by_its_owner_only(team):
    urls = _teams(team)
    from convo.store_postgres import _V1

    team.cluster.sql("DROP VIEW convo_team_members; DROP POLICY convo_audit_members ON convo_audit;"
                     " DELETE FROM convo_schema_version WHERE version = 2", team.database, role=OWNER)
    for statement in _V1:  # version 1's own policies back, as a store of the first version has them
        if "convo_audit_add" in statement or "convo_audit_read" in statement:
            team.cluster.sql(statement, team.database, role=OWNER)
    with pytest.raises(StoreError, match="is at store version 1 and this convo needs 2"):
        PostgresStore(urls["alice"])
    team()  # the owner opens it
    carol = PostgresStore(urls["carol"])
    team.opened.append(carol)
    assert ("alice", "a", "practitioner") in carol.members()


def test_a_role_outside_convo_s_group_is_put_in_it_or_the_owner_is_told_who_can(team):
    owner = team()
    team.cluster.sql("CREATE ROLE hywel LOGIN")  # made by an administrator, not in convo_user
    try:
        added = owner.add_member("hywel", "north")
    except StoreError as refused:  # PostgreSQL 16 and later: only who has ADMIN on convo_user may grant it
        assert "an administrator runs GRANT convo_user TO hywel first" in str(refused)
        assert "hywel" not in [member.role for member in owner.members()]  # nothing was changed
        team.cluster.sql("GRANT convo_user TO hywel")
        added = owner.add_member("hywel", "north")
    assert added is True
    hywels = PostgresStore(team.cluster.url("hywel", team.database))
    team.opened.append(hywels)
    start(hywels, "n-1").send("Ann")
    assert [info.id for info in hywels.list()] == ["n-1"]


def test_held_says_which_conversations_are_open_and_who_has_them(opener, capsys):
    store = opener()
    start(store, "c-1").send("Ann")
    start(store, "c-2").send("Bea")
    store.release("c-2")
    held = store.held()
    assert [(h.conversation, h.pid) for h in held] == [("c-1", os.getpid())]
    assert held[0].role == ("" if opener.kind == "sqlite" else OWNER)
    assert held[0].until > datetime.now(UTC)
    store.close()  # closing lets go of it
    assert opener().held() == []
    window = opener()
    window.claim("c-2")
    assert cli.main(["held", "--db", str(opener.target)]) == 0
    line = capsys.readouterr().out.splitlines()
    assert [row.split("\t")[:4] for row in line] == [
        ["c-2", "-" if opener.kind == "sqlite" else OWNER, socket.gethostname(), str(os.getpid())]]


def test_a_team_sees_only_its_own_conversations_held(team):
    urls = _teams(team)
    alice, bob = PostgresStore(urls["alice"]), PostgresStore(urls["bob"])
    team.opened += [alice, bob]
    start(alice, "a-1")
    assert [h.conversation for h in alice.held()] == ["a-1"] and bob.held() == []


def test_a_file_has_no_teams(tmp_path, capsys):
    assert cli.main(["team", "members", "--db", str(tmp_path / "x.db")]) == 1
    assert "is a file: teams belong to a team database" in capsys.readouterr().err
