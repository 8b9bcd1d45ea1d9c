"""The event log in PostgreSQL, for a team sharing one database server (`--db postgresql://…`).

The same interface and guarantees as the SQLite store (convo.store.Store), plus what a shared server
needs: row-level security so each connecting role sees only its teams' conversations, that role
recorded on every event and audit line, a data key per conversation when encryption is on (sealed
by the key the passphrase gives, which only clients hold), and reconnecting when the connection
drops, so an answer is either saved or said not to be — never lost silently, never saved twice.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout
from psycopg_pool.base import AttemptWithBackoff

from convo.events import ConversationInfo, Event
from convo.store import (
    _HOST,
    _SAME_HOST_GRACE,
    LEASE_SECONDS,
    TAKEN_OVER,
    AuditEntry,
    Codec,
    ConversationOpen,
    Held,
    Member,
    Passphrase,
    StoreError,
    TakenOver,
    _alive,
    _lease_live,
    _utf8,
)

if TYPE_CHECKING:
    from convo.crypt import Sealer

SCHEMA_VERSION = 2
GROUP_ROLE = "convo_user"
DEFAULT_TEAM = "default"
KINDS = ("practitioner", "manager")
# Held while the schema is created or upgraded, so many processes starting at once set it up once.
_SETUP_LOCK = 0x636F6E766F5047  # "convoPG"
# How long a call keeps trying to reach the database (a restart, a dropped connection) before it
# says the answer was not saved. The face keeps the words in the box meanwhile.
RETRY_SECONDS = 30.0
# A lease is renewed by a write once it is this old, not by every write (it lasts LEASE_SECONDS).
_RENEW_AFTER = 60
CONNECT_SECONDS = 5
# A network that goes silent (a dropped Wi-Fi or VPN, a server host switched off) sends no reset: without
# these a write would wait for the operating system to give up on it, about fifteen minutes on Linux,
# with the app waiting on it. Unacknowledged data fails after TCP_USER_TIMEOUT ms, and a connection with
# nothing to send is probed after KEEPALIVE (idle s, between probes s, probes). A URL's own values win.
TCP_USER_TIMEOUT = 10_000
KEEPALIVE = (10, 5, 3)
# The longest wait between two attempts to reconnect while the server is down.
RECONNECT_EVERY = 0.5
POOL_SIZE = 4
_PLAIN: Codec = (lambda data: data, lambda data: data)
T = TypeVar("T")
# The pool reconnects quietly; a failure that matters reaches the face as one StoreError line instead.
logging.getLogger("psycopg").addHandler(logging.NullHandler())



class _Backoff(AttemptWithBackoff):
    """How often the pool tries to reconnect while the server is down (a restart, a failover): first after
    0.1 s, then twice as long each time but never more than RECONNECT_EVERY apart. psycopg's own waits
    1, 2, 4, 8 s…, so a turn could wait seconds longer than the restart it was waiting for."""

    INITIAL_DELAY = 0.1

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, RECONNECT_EVERY)


class _Pool(ConnectionPool):
    def _add_connection(self, attempt: AttemptWithBackoff | None, growing: bool = False) -> None:
        super()._add_connection(attempt or _Backoff(timeout=self.reconnect_timeout), growing)


_MEMBER = "team IN (SELECT m.team FROM convo_members m WHERE m.role = current_user)"
_MANAGER = "team IN (SELECT m.team FROM convo_members m WHERE m.role = current_user AND m.kind = 'manager')"

# Version 1. Every statement is safe to run again: a migration is repeated if it was interrupted.
_V1 = [
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{GROUP_ROLE}') THEN
            CREATE ROLE {GROUP_ROLE} NOLOGIN;
        END IF;
    END $$""",
    "CREATE TABLE IF NOT EXISTS convo_meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE IF NOT EXISTS convo_members (
        role text NOT NULL,
        team text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('practitioner', 'manager')),
        PRIMARY KEY (role, team)
    )""",
    """CREATE TABLE IF NOT EXISTS convo_conversations (
        id text PRIMARY KEY,
        team text NOT NULL,
        flow text NOT NULL,
        flow_version integer NOT NULL,
        flow_hash text NOT NULL,
        audience text NOT NULL,
        title bytea NOT NULL,
        title_search text,
        created timestamptz NOT NULL,
        updated timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open',
        created_by text NOT NULL DEFAULT current_user
    )""",
    # Newest first (`convo list`), and unfinished first with a carer's own before the rest (the home screen).
    """CREATE INDEX IF NOT EXISTS convo_conversations_updated
        ON convo_conversations (team, updated DESC, id DESC)""",
    """CREATE INDEX IF NOT EXISTS convo_conversations_home
        ON convo_conversations (team, (status = 'ended'), (audience <> 'carer'), updated DESC, id DESC)""",
    """CREATE TABLE IF NOT EXISTS convo_events (
        conversation text NOT NULL REFERENCES convo_conversations (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        team text NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        data bytea NOT NULL,
        actor text NOT NULL DEFAULT current_user,
        writer text NOT NULL,
        PRIMARY KEY (conversation, seq)
    )""",
    """CREATE TABLE IF NOT EXISTS convo_keys (
        conversation text PRIMARY KEY REFERENCES convo_conversations (id) ON DELETE CASCADE,
        team text NOT NULL,
        wrapped bytea NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS convo_leases (
        conversation text PRIMARY KEY REFERENCES convo_conversations (id) ON DELETE CASCADE,
        team text NOT NULL,
        holder text NOT NULL,
        role text NOT NULL DEFAULT current_user,
        host text NOT NULL,
        pid integer NOT NULL,
        expires timestamptz NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS convo_audit (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        team text NOT NULL,
        actor text NOT NULL DEFAULT current_user,
        action text NOT NULL,
        conversation text,
        detail text NOT NULL DEFAULT '{}',
        op text UNIQUE,
        origin text UNIQUE
    )""",
    "CREATE INDEX IF NOT EXISTS convo_audit_conversation ON convo_audit (conversation)",
    # Who did it is the connecting role, whatever a client sends; the team is the conversation's.
    """CREATE OR REPLACE FUNCTION convo_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_TABLE_NAME = 'convo_conversations' THEN
            NEW.created_by := current_user;
        ELSIF TG_TABLE_NAME = 'convo_audit' THEN
            NEW.actor := current_user;
            IF NEW.origin IS NULL THEN
                NEW.at := clock_timestamp();
            END IF;
        ELSE
            IF TG_TABLE_NAME = 'convo_events' THEN
                NEW.actor := current_user;
            ELSIF TG_TABLE_NAME = 'convo_leases' THEN
                NEW.role := current_user;
            END IF;
            NEW.team := (SELECT c.team FROM convo_conversations c WHERE c.id = NEW.conversation);
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION convo_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Deep inside a trigger is the cascade of deleting a whole conversation, which may take its events.
        IF TG_TABLE_NAME = 'convo_events' AND TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$""",
    *[f"""CREATE OR REPLACE TRIGGER {table}_stamp BEFORE {when} ON {table}
          FOR EACH ROW EXECUTE FUNCTION convo_stamp()"""
      for table, when in (("convo_conversations", "INSERT"), ("convo_events", "INSERT"), ("convo_keys", "INSERT"),
                          ("convo_leases", "INSERT OR UPDATE"), ("convo_audit", "INSERT"))],
    """CREATE OR REPLACE TRIGGER convo_audit_append_only BEFORE UPDATE OR DELETE ON convo_audit
        FOR EACH ROW EXECUTE FUNCTION convo_append_only()""",
    """CREATE OR REPLACE TRIGGER convo_audit_not_truncated BEFORE TRUNCATE ON convo_audit
        FOR EACH STATEMENT EXECUTE FUNCTION convo_append_only()""",
    """CREATE OR REPLACE TRIGGER convo_events_append_only BEFORE UPDATE OR DELETE ON convo_events
        FOR EACH ROW EXECUTE FUNCTION convo_append_only()""",
    """CREATE OR REPLACE TRIGGER convo_events_not_truncated BEFORE TRUNCATE ON convo_events
        FOR EACH STATEMENT EXECUTE FUNCTION convo_append_only()""",
    # Row-level security on the connecting role (current_user), never on a setting a client could change.
    # FORCE: the owner too, so the role that set the database up sees only its own team's rows.
    *[statement
      for table in ("convo_conversations", "convo_events", "convo_keys", "convo_leases", "convo_audit")
      for statement in (f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
                        f"DROP POLICY IF EXISTS {table}_read ON {table}",
                        f"CREATE POLICY {table}_read ON {table} FOR SELECT USING ({_MEMBER})",
                        f"DROP POLICY IF EXISTS {table}_add ON {table}",
                        f"CREATE POLICY {table}_add ON {table} FOR INSERT WITH CHECK ({_MEMBER})")],
    "DROP POLICY IF EXISTS convo_conversations_change ON convo_conversations",
    f"""CREATE POLICY convo_conversations_change ON convo_conversations FOR UPDATE
        USING ({_MEMBER}) WITH CHECK ({_MEMBER})""",
    # A manager may delete any of the team's conversations; a practitioner only those they started.
    "DROP POLICY IF EXISTS convo_conversations_remove ON convo_conversations",
    f"""CREATE POLICY convo_conversations_remove ON convo_conversations FOR DELETE
        USING ({_MANAGER} OR (created_by = current_user AND {_MEMBER}))""",
    "DROP POLICY IF EXISTS convo_leases_change ON convo_leases",
    f"CREATE POLICY convo_leases_change ON convo_leases FOR UPDATE USING ({_MEMBER}) WITH CHECK ({_MEMBER})",
    "DROP POLICY IF EXISTS convo_leases_remove ON convo_leases",
    f"CREATE POLICY convo_leases_remove ON convo_leases FOR DELETE USING ({_MEMBER})",
    # Each role sees its own memberships; only the owner adds and removes them.
    "ALTER TABLE convo_members ENABLE ROW LEVEL SECURITY",
    "DROP POLICY IF EXISTS convo_members_own ON convo_members",
    "CREATE POLICY convo_members_own ON convo_members FOR SELECT USING (role = current_user)",
    *[f"REVOKE ALL ON {table} FROM PUBLIC" for table in (
        "convo_schema_version", "convo_meta", "convo_members", "convo_conversations", "convo_events",
        "convo_keys", "convo_leases", "convo_audit")],
    f"GRANT SELECT ON convo_schema_version, convo_meta, convo_members TO {GROUP_ROLE}",
    f"GRANT SELECT, INSERT, DELETE ON convo_conversations TO {GROUP_ROLE}",
    f"GRANT UPDATE (updated, status, title, title_search) ON convo_conversations TO {GROUP_ROLE}",
    f"GRANT SELECT, INSERT ON convo_events, convo_keys, convo_audit TO {GROUP_ROLE}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON convo_leases TO {GROUP_ROLE}",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON convo_audit, convo_events FROM {GROUP_ROLE}",
    # Whoever sets the database up manages the default team, so one person can start on their own.
    f"""INSERT INTO convo_members (role, team, kind) VALUES (current_user, '{DEFAULT_TEAM}', 'manager')
        ON CONFLICT DO NOTHING""",
]
# Version 2: a team's managers see who is in it, and changes to who is in which team are in the audit log.
MEMBER_ACTIONS = ("member added", "member changed", "member removed")
_MEMBER_ACTIONS = ", ".join(f"'{action}'" for action in MEMBER_ACTIONS)
_V2 = [
    # A view, read as its owner (who is not held by convo_members' row-level security), that keeps each
    # role's own memberships and every membership of a team it manages. current_user is still the one
    # reading it; security_barrier keeps a reader's own functions from seeing rows before the filter.
    """CREATE OR REPLACE VIEW convo_team_members WITH (security_barrier) AS
        SELECT m.role, m.team, m.kind FROM convo_members m
        WHERE m.role = current_user
           OR m.team IN (SELECT o.team FROM convo_members o WHERE o.role = current_user AND o.kind = 'manager')""",
    "REVOKE ALL ON convo_team_members FROM PUBLIC",
    f"GRANT SELECT ON convo_team_members TO {GROUP_ROLE}",
    # The owner, who alone changes memberships, writes the line in the audit of the team changed, and
    # no one else may write such a line.
    "DROP POLICY IF EXISTS convo_audit_members ON convo_audit",
    f"""CREATE POLICY convo_audit_members ON convo_audit FOR INSERT WITH CHECK (
        action IN ({_MEMBER_ACTIONS}) AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c
                                                          WHERE c.oid = 'convo_audit'::regclass))""",
    "DROP POLICY IF EXISTS convo_audit_add ON convo_audit",
    f"""CREATE POLICY convo_audit_add ON convo_audit FOR INSERT
        WITH CHECK ({_MEMBER} AND action NOT IN ({_MEMBER_ACTIONS}))""",
    # Who was put in or taken out of a team is for its managers to read, as its members list is.
    "DROP POLICY IF EXISTS convo_audit_read ON convo_audit",
    f"""CREATE POLICY convo_audit_read ON convo_audit FOR SELECT
        USING ({_MEMBER} AND (action NOT IN ({_MEMBER_ACTIONS}) OR {_MANAGER}))""",
]
MIGRATIONS: list[tuple[int, list[str]]] = [(1, _V1), (2, _V2)]


class PostgresStore:
    """Conversations and their events in a PostgreSQL database shared by a team."""

    def __init__(self, url: str, codec: Codec | None = None, *, passphrase: Passphrase | None = None,
                 encrypt: bool = False, team: str | None = None, pool_size: int = POOL_SIZE,
                 retry_for: float = RETRY_SECONDS):
        """Connect (setting the database up on first use) as the role the URL names.

        `team` (or `?team=` in the URL) chooses among the role's teams; a role in one team needs neither.
        """
        conninfo, from_url = split_team(url)
        self.team: str = team or from_url or ""
        self.path = describe(url)  # what messages call this store: the URL without its password
        self.retry_for = retry_for
        self._codec = codec or _PLAIN
        self._store_key: Sealer | None = None
        self._data_keys: dict[str, Codec] = {}
        self.encrypted = False
        self.readonly = False
        self.kind = "practitioner"
        self.role = ""
        self._holder = secrets.token_hex(8)
        self._claimed: set[str] = set()
        # Sent again if the connection dropped while it was being committed: (conversation, seq) -> payload.
        self._in_doubt: dict[tuple[str, int], tuple[str, bytes]] = {}
        options: dict[str, Any] = {"connect_timeout": CONNECT_SECONDS, "application_name": "convo",
                                   **_network_options(conninfo)}
        try:
            with psycopg.connect(conninfo, autocommit=True, **options) as setup:
                self._set_up(setup, passphrase, encrypt)
        except psycopg.OperationalError as error:
            raise StoreError(self._unreachable(error, "nothing was opened")) from None
        except psycopg.Error as error:
            raise StoreError(self._explain(error)) from None
        self._pool = _Pool(conninfo, min_size=1, max_size=max(1, pool_size), open=True, num_workers=1,
                           kwargs={"autocommit": True, **options}, name="convo")
        self._owns_pool = True

    def sharing(self) -> PostgresStore:
        """Another writer on this store's connections, as each browser of the carers' pages is: a lease of
        its own (so a second window is still told who has a conversation), the same role, team and keys,
        and nothing to set up. Safe to use in another thread. Closing it releases its leases only; the
        connections close with this store."""
        other = copy.copy(self)  # the pool, and the cache of opened data keys, are shared
        other._holder = secrets.token_hex(8)
        other._claimed = set()
        other._in_doubt = {}
        other._owns_pool = False
        return other

    # -- setting up -----------------------------------------------------------------------------

    def _set_up(self, db: psycopg.Connection, passphrase: Passphrase | None, encrypt: bool) -> None:
        version = _version(db)
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was set up by a newer convo (store version {version}); upgrade convo")
        if version < SCHEMA_VERSION:
            self._migrate(db, version)
        row = db.execute("SELECT current_user").fetchone()
        self.role = row[0] if row else ""
        self._choose_team(db)
        self._unlock(db, passphrase, encrypt)

    def _migrate(self, db: psycopg.Connection, seen: int) -> None:
        """Create or upgrade the schema, once, however many processes start together."""
        try:
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                db.execute("""CREATE TABLE IF NOT EXISTS convo_schema_version (
                                  version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())""")
                version = _version(db)
                for number, statements in MIGRATIONS:
                    if number <= version:
                        continue
                    for statement in statements:
                        db.execute(statement.encode())
                    db.execute("INSERT INTO convo_schema_version (version) VALUES (%s)", (number,))
        except pg_errors.InsufficientPrivilege as error:
            state = (f"is at store version {seen} and this convo needs {SCHEMA_VERSION}" if seen
                     else "is not set up for convo yet")
            raise StoreError(
                f"{self.path} {state}, and role {_role(db)} may not change that ({_first_line(error)}):"
                " the database's owner opens it with this convo once first (see docs/team-store.md)") from None

    def _choose_team(self, db: psycopg.Connection) -> None:
        memberships: dict[str, str] = dict(db.execute("SELECT team, kind FROM convo_members WHERE role = current_user"
                                      " ORDER BY team").fetchall())
        if not memberships:
            raise StoreError(f"role {self.role} is not in any convo team of {self.path}; the database's owner adds"
                             f" it (convo team add {self.role} --team NAME; see docs/team-store.md)")
        if not self.team:
            if len(memberships) > 1 and DEFAULT_TEAM not in memberships:
                raise StoreError(f"role {self.role} is in the teams {', '.join(memberships)}:"
                                 " name one with ?team=NAME in the database URL")
            self.team = DEFAULT_TEAM if DEFAULT_TEAM in memberships else next(iter(memberships))
        if self.team not in memberships:
            raise StoreError(f"role {self.role} is not in the team {self.team!r} of {self.path}")
        self.kind = memberships[self.team]

    def _unlock(self, db: psycopg.Connection, passphrase: Passphrase | None, encrypt: bool) -> None:
        from convo import crypt

        meta: dict[str, str] = dict(db.execute("SELECT key, value FROM convo_meta").fetchall())
        if "cipher" not in meta and encrypt:
            meta = self._start_encrypting(db, passphrase)
        if "cipher" not in meta:
            return
        if passphrase is None:
            raise StoreError(f"{self.path} is encrypted: give its passphrase (${crypt.PASSPHRASE_ENV} or at"
                             " the terminal)")
        try:
            self._store_key = crypt.unlock(meta, passphrase())
        except crypt.CryptError as error:
            raise StoreError(f"{self.path}: {error}") from None
        self.encrypted = True

    def _start_encrypting(self, db: psycopg.Connection, passphrase: Passphrase | None) -> dict[str, str]:
        """Encrypt a database that holds no conversation yet; one that does stays as it is."""
        from convo import crypt

        if passphrase is None:
            raise StoreError("an encrypted store needs a passphrase")
        try:
            chosen = passphrase()
            if len(chosen) < crypt.MIN_PASSPHRASE:
                raise crypt.CryptError(f"choose a passphrase of at least {crypt.MIN_PASSPHRASE} characters")
            sealer = crypt.Sealer(crypt.derive(chosen, kdf := crypt.new_kdf()))
        except crypt.CryptError as error:
            raise StoreError(str(error)) from None
        refusal = (f"{self.path} is not encrypted, and only an empty database can be made encrypted,"
                   " by its owner (see docs/team-store.md)")
        try:
            with db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", (_SETUP_LOCK,))
                meta: dict[str, str] = dict(db.execute("SELECT key, value FROM convo_meta").fetchall())
                if "cipher" in meta:
                    return meta  # another process encrypted it a moment ago; its passphrase is checked next
                # Counted past row-level security: a conversation of any team means it is too late.
                empty = db.execute("SELECT NOT EXISTS (SELECT FROM convo_events)").fetchone()
                if not (empty and empty[0]):
                    raise StoreError(refusal)
                header = crypt.header(kdf, sealer)
                db.cursor().executemany("INSERT INTO convo_meta (key, value) VALUES (%s, %s)", list(header.items()))
                return header
        except pg_errors.InsufficientPrivilege:
            raise StoreError(refusal) from None

    def close(self) -> None:
        for conversation in list(self._claimed):
            with contextlib.suppress(StoreError):  # the lease lapses by itself
                self.release(conversation)
        if self._owns_pool:
            self._pool.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- talking to the server ------------------------------------------------------------------

    def _run(self, work: Callable[[psycopg.Connection], T],
             committed: Callable[[psycopg.Connection], T | None] | None = None) -> T:
        """Do `work` on a pooled connection, again on a fresh one if the connection went.

        A write whose connection dropped while it was committing may have been committed: before
        it is tried again, `committed` looks for it and gives the answer if it is there.
        """
        deadline = time.monotonic() + self.retry_for
        pause, again, checked = 0.0, False, False
        while True:
            try:
                with self._pool.connection(timeout=max(0.5, deadline - time.monotonic())) as db:
                    if again and committed is not None:
                        found = committed(db)
                        if found is not None:
                            return found
                    return work(db)
            except (psycopg.OperationalError, PoolTimeout) as error:
                if not _retryable(error) or time.monotonic() + pause >= deadline:
                    raise StoreError(self._unreachable(error)) from None
                if not checked and _connection_lost(error):
                    # The connection went, and those waiting in the pool most likely went with it (a
                    # restart, a failover): test them all now, rather than meet them one at a time, each
                    # after a longer pause (with eight in a web server's pool, 3.5 s after a 0.3 s restart).
                    # Then at once, on one that works or the first the pool makes once the server is back.
                    checked = again = True
                    with contextlib.suppress(Exception):
                        self._pool.check()
                    continue
            except psycopg.Error as error:
                raise StoreError(self._explain(error)) from None
            again = True
            time.sleep(pause)
            pause = min(max(pause * 2, 0.05), 1.0)

    def _read(self, sql: str, args: tuple[Any, ...] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        return self._run(lambda db: db.execute(sql.encode(), args).fetchall())

    def _unreachable(self, error: BaseException, then: str = "this was not saved") -> str:
        return f"cannot reach the team database {self.path} ({_first_line(error)}); {then}"

    def _explain(self, error: psycopg.Error) -> str:
        if isinstance(error, pg_errors.InsufficientPrivilege):
            return f"role {self.role or '?'} may not do that in {self.path} ({_first_line(error)}); nothing was changed"
        if isinstance(error, pg_errors.DiskFull):
            return f"the disk of {self.path} is full; this was not saved"
        if isinstance(error, pg_errors.ReadOnlySqlTransaction):
            return f"{self.path} is read-only (a standby?); nothing was saved"
        return f"{self.path}: {_first_line(error)}"

    # -- encryption -----------------------------------------------------------------------------

    def _codec_for(self, db: psycopg.Connection, conversation: str, wrapped: bytes | None = None) -> Codec:
        if self._store_key is None:
            return self._codec
        codec = self._data_keys.get(conversation)
        if codec is not None:
            return codec
        if wrapped is None:
            row = db.execute("SELECT wrapped FROM convo_keys WHERE conversation = %s", (conversation,)).fetchone()
            if row is None:
                raise StoreError(f"{self.path}: the key of conversation {conversation} is gone; it cannot be read")
            wrapped = bytes(row[0])
        return self._remember_key(conversation, self._unwrap(wrapped))

    def _remember_key(self, conversation: str, key: bytes) -> Codec:
        from convo import crypt

        codec = crypt.Sealer(key).codec
        self._data_keys[conversation] = codec
        return codec

    def _unwrap(self, wrapped: bytes) -> bytes:
        from convo.crypt import CryptError

        assert self._store_key is not None
        try:
            return self._store_key.open(wrapped)
        except CryptError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def _new_key(self, db: psycopg.Connection, conversation: str) -> Codec:
        """A fresh data key for a conversation, kept in the database sealed by the store's key."""
        if self._store_key is None:
            return self._codec
        key = os.urandom(32)
        db.execute("INSERT INTO convo_keys (conversation, team, wrapped) VALUES (%s, %s, %s)",
                   (conversation, self.team, self._store_key.seal(key)))
        return self._remember_key(conversation, key)

    def _text(self, codec: Codec, blob: bytes) -> str:
        from convo.crypt import CryptError

        try:
            return codec[1](bytes(blob)).decode("utf-8", "surrogatepass")
        except CryptError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def _search_text(self, title: str) -> str | None:
        # Searchable in the database only when titles are not sealed.
        if self._store_key is not None:
            return None
        return title.encode("utf-8", "replace").decode("utf-8").casefold()

    # -- one writer per conversation -------------------------------------------------------------

    def claim(self, conversation: str, take_over: bool = False) -> None:
        """Become the one process that writes `conversation` (see Store.claim); it says who has it if not."""

        def work(db: psycopg.Connection) -> None:
            with db.transaction():
                lease = self._lock(db, conversation)
                if lease is None:
                    raise StoreError(f"there is no conversation {conversation!r} in {self.path}")
                other = self._other_holder(lease)
                if other is not None and not take_over:
                    raise _open_elsewhere(conversation, other, "close it there, or take it over here")
                self._lease(db, conversation)

        self._run(work)
        self._claimed.add(conversation)

    def release(self, conversation: str) -> None:
        self._claimed.discard(conversation)
        self._run(lambda db: db.execute("DELETE FROM convo_leases WHERE conversation = %s AND holder = %s",
                                        (conversation, self._holder)))

    def held(self) -> list[Held]:
        """Every conversation of the team open in a window now (a lease that is live), by id."""
        rows = self._read("SELECT conversation, role, pid, host, expires FROM convo_leases WHERE team = %s"
                          " ORDER BY conversation", (self.team,))
        return [Held(conversation, role, host, pid, until) for conversation, role, pid, host, until in rows
                if _lease_live(pid, host, until.timestamp())]

    # -- who is in which team (the database's owner) ---------------------------------------------

    def members(self) -> list[Member]:
        """Who is in which team: every membership for the database's owner; for anyone else their own, and
        every member of a team they manage (row-level security, and the view convo_team_members)."""
        return [Member(*row) for row in self._read(
            "SELECT role, team, kind FROM convo_members UNION SELECT role, team, kind FROM convo_team_members"
            " ORDER BY team, kind, role")]  # a team's managers first

    def add_member(self, role: str, team: str, kind: str = "practitioner") -> bool:
        """Put a role in a team as a practitioner or a manager (or change which), granting it convo's group
        role if it has not got it. True if it was not in the team before. Only the database's owner may."""
        if kind not in KINDS:
            raise StoreError(f"a member is a {' or a '.join(KINDS)}, not {kind!r}")

        def work(db: psycopg.Connection) -> bool:
            with db.transaction():
                found = db.execute("SELECT pg_has_role(%s, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
                                   (role, GROUP_ROLE, role)).fetchone()
                if found is None:
                    raise StoreError(f"there is no role {role!r} in {self.path}: create it first"
                                     f" (CREATE ROLE … LOGIN IN ROLE {GROUP_ROLE}, see docs/team-store.md)")
                before = db.execute("SELECT kind FROM convo_members WHERE role = %s AND team = %s FOR UPDATE",
                                    (role, team)).fetchone()
                if before is not None and before[0] == "manager" and kind != "manager":
                    self._keep_a_manager(db, role, team)
                db.execute("""INSERT INTO convo_members (role, team, kind) VALUES (%s, %s, %s)
                              ON CONFLICT (role, team) DO UPDATE SET kind = excluded.kind""", (role, team, kind))
                if before is None or before[0] != kind:
                    detail = {"role": role, "kind": kind} | ({"was": before[0]} if before else {})
                    _audit_membership(db, "member added" if before is None else "member changed", team, detail)
                if not found[0]:
                    try:
                        with db.transaction():
                            db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(GROUP_ROLE),
                                                                        sql.Identifier(role)))
                    except pg_errors.InsufficientPrivilege:
                        raise StoreError(f"role {role} is not in {GROUP_ROLE}, and role {self.role} may not put it"
                                         f" there: an administrator runs GRANT {GROUP_ROLE} TO {role} first"
                                         " (nothing was changed)") from None
                return before is None

        return self._as_owner(work, f"add {role} to the team {team!r}")

    def remove_member(self, role: str, team: str) -> bool:
        """Take a role out of a team (its conversations stay the team's). False if it was not in it. A team's
        last manager is kept: make another its manager first. Only the database's owner may."""

        def work(db: psycopg.Connection) -> bool:
            with db.transaction():
                before = db.execute("SELECT kind FROM convo_members WHERE role = %s AND team = %s FOR UPDATE",
                                    (role, team)).fetchone()
                if before is None:
                    return False
                if before[0] == "manager":
                    self._keep_a_manager(db, role, team)
                db.execute("DELETE FROM convo_members WHERE role = %s AND team = %s", (role, team))
                _audit_membership(db, "member removed", team, {"role": role, "kind": before[0]})
                return True

        return self._as_owner(work, f"take {role} out of the team {team!r}")

    def _keep_a_manager(self, db: psycopg.Connection, role: str, team: str) -> None:
        others = db.execute("SELECT count(*) FROM convo_members WHERE team = %s AND kind = 'manager' AND role <> %s",
                            (team, role)).fetchone()
        if not (others and others[0]):
            raise StoreError(f"{role} is the last manager of the team {team!r}: make another role its manager first")

    def _as_owner(self, work: Callable[[psycopg.Connection], T], what: str) -> T:
        def owned(db: psycopg.Connection) -> T:
            try:
                return work(db)
            except pg_errors.InsufficientPrivilege:
                raise StoreError(f"only the owner of {self.path} may {what}; role {self.role} is not it"
                                 " (nothing was changed)") from None

        return self._run(owned)

    def _lock(self, db: psycopg.Connection, conversation: str) -> tuple[Any, ...] | None:
        """Lock a conversation for this transaction, so claims and writes take turns, and read its lease:
        (holder, role, pid, host, live, within the same-computer grace, due for renewal), all None if there
        is no lease; None if there is no conversation."""
        return db.execute(
            """SELECT l.holder, l.role, l.pid, l.host, l.expires > now(), l.expires + %s > now(),
                      l.expires < now() + %s
               FROM convo_conversations c LEFT JOIN convo_leases l ON l.conversation = c.id
               WHERE c.id = %s FOR UPDATE OF c""",
            (timedelta(seconds=_SAME_HOST_GRACE), timedelta(seconds=LEASE_SECONDS - _RENEW_AFTER),
             conversation)).fetchone()

    def _other_holder(self, lease: tuple[Any, ...]) -> tuple[str, int, str] | None:
        """The (role, pid, host) of a live lease held by another process, if the lease is one."""
        holder, role, pid, host, live, within_grace, _ = lease
        if holder is None or holder == self._holder:
            return None
        # On this computer a window left open over lunch still holds it, and a process that died does not.
        held = (_alive(pid) and within_grace) if host == _HOST else live
        return (role, pid, host) if held else None

    def _lease(self, db: psycopg.Connection, conversation: str) -> None:
        db.execute(
            """INSERT INTO convo_leases (conversation, team, holder, host, pid, expires)
               VALUES (%s, %s, %s, %s, %s, now() + %s)
               ON CONFLICT (conversation) DO UPDATE
               SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, expires = excluded.expires""",
            (conversation, self.team, self._holder, _HOST, os.getpid(), timedelta(seconds=LEASE_SECONDS)))

    def _hold(self, db: psycopg.Connection, conversation: str) -> None:
        """Inside a write: lock the conversation, check this process may write it, renew its lease when due."""
        lease = self._lock(db, conversation)
        if conversation not in self._claimed:
            if lease is None:
                raise StoreError(f"there is no conversation {conversation!r} in {self.path}")
            other = self._other_holder(lease)
            if other is not None:
                raise _open_elsewhere(conversation, other, "nothing was saved here")
            return
        if lease is None:
            raise TakenOver(f"conversation {conversation} was deleted in another window; nothing more is saved here")
        if lease[0] != self._holder:
            raise TakenOver(TAKEN_OVER)
        if lease[6]:
            db.execute("UPDATE convo_leases SET expires = now() + %s WHERE conversation = %s",
                       (timedelta(seconds=LEASE_SECONDS), conversation))

    # -- writing --------------------------------------------------------------------------------
    # A write is sent as a pipeline: the lock and lease are read in one round trip, and the rows and the
    # COMMIT go in one more. A clash of sequence numbers fails the whole transaction, so nothing is half saved.

    def create(self, info: ConversationInfo, first: Event) -> None:
        def work(db: psycopg.Connection) -> bool:
            try:
                with db.pipeline(), db.transaction():
                    db.execute(
                        """INSERT INTO convo_conversations (id, team, flow, flow_version, flow_hash, audience, title,
                                                            title_search, created, updated, status)
                           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                        (info.id, self.team, info.flow, info.flow_version, info.flow_hash, info.audience,
                         b"", self._search_text(info.title), info.created, info.updated, info.status))
                    codec = self._new_key(db, info.id)
                    db.execute("UPDATE convo_conversations SET title = %s WHERE id = %s",
                               (codec[0](_utf8(info.title)), info.id))
                    self._insert(db, info.id, first, codec)
            except pg_errors.UniqueViolation:
                raise StoreError(f"there is already a conversation {info.id!r} in {self.path}") from None
            return True

        self._run(work, committed=lambda db: self._mine(db, info.id, 1) or None)

    def append(self, conversation: str, event: Event, status: str | None = None, title: str | None = None) -> None:
        """Commit one event (and the conversation's summary) durably, or raise StoreError."""
        payload = _payload(event)

        def work(db: psycopg.Connection) -> bool:
            try:
                if conversation in self._claimed:
                    self._append_held(db, conversation, event, payload, status, title)
                    return True
                with db.pipeline(), db.transaction():
                    self._hold(db, conversation)
                    codec = self._codec_for(db, conversation)
                    self._insert(db, conversation, event, codec, payload)
                    sets, values = self._summary(codec, event, status, title)
                    db.execute(f"UPDATE convo_conversations SET {', '.join(sets)} WHERE id = %s".encode(),
                               (*values, conversation))
            except pg_errors.UniqueViolation:
                if self._sent_before(db, conversation, event, payload):
                    return True  # the same answer, saved when the connection dropped: nothing to do
                # Another process wrote this conversation since it was read here.
                raise TakenOver(TAKEN_OVER) from None
            return True

        try:
            self._run(work, committed=lambda db: self._mine(db, conversation, event.seq) or None)
        except TakenOver:
            raise
        except StoreError:
            self._in_doubt[(conversation, event.seq)] = (event.type, payload)
            raise
        self._in_doubt.pop((conversation, event.seq), None)

    def _append_held(self, db: psycopg.Connection, conversation: str, event: Event, payload: bytes,
                     status: str | None, title: str | None) -> None:
        """Write an event of a conversation this store has claimed: one statement, so one round trip, its
        own transaction (the connection is in autocommit), committed before the reply comes back.

        It locks the conversation's row and then the lease's (in that order, as a claim does, so the two
        cannot deadlock) only if the lease is still this store's: a take-over that committed while this
        waited has changed the lease, the row no longer matches, and nothing is written. The summary and
        a lease due for renewal are written only with the event."""
        codec = self._codec_for(db, conversation)
        sets, values = self._summary(codec, event, status, title)
        row = db.execute(
            f"""WITH held AS (
                    SELECT l.expires < now() + %s AS due
                    FROM convo_conversations c JOIN convo_leases l ON l.conversation = c.id
                    WHERE c.id = %s AND l.holder = %s
                    FOR UPDATE
                ), event AS (
                    INSERT INTO convo_events (conversation, seq, team, type, at, data, writer)
                    SELECT %s, %s, %s, %s, %s, %s, %s FROM held
                    RETURNING seq
                ), summary AS (
                    UPDATE convo_conversations SET {', '.join(sets)}
                    WHERE id = %s AND EXISTS (SELECT FROM event)
                ), renewed AS (
                    UPDATE convo_leases SET expires = now() + %s
                    WHERE conversation = %s AND EXISTS (SELECT FROM held WHERE due)
                )
                SELECT EXISTS (SELECT FROM event), EXISTS (SELECT FROM convo_conversations WHERE id = %s)""".encode(),
            (timedelta(seconds=LEASE_SECONDS - _RENEW_AFTER), conversation, self._holder,
             conversation, event.seq, self.team, event.type, event.at, codec[0](payload), self._holder,
             *values, conversation, timedelta(seconds=LEASE_SECONDS), conversation, conversation)).fetchone()
        written, exists = row if row else (False, False)
        if not written:
            if not exists:
                raise TakenOver(f"conversation {conversation} was deleted in another window; nothing more is"
                                " saved here")
            raise TakenOver(TAKEN_OVER)

    def _summary(self, codec: Codec, event: Event, status: str | None,
                 title: str | None) -> tuple[list[str], list[Any]]:
        """What an event changes in its conversation's row: the time, and the status and title if given."""
        sets: list[str] = ["updated = %s"]
        values: list[Any] = [event.at]
        if status is not None:
            sets.append("status = %s")
            values.append(status)
        if title is not None:
            sets += ["title = %s", "title_search = %s"]
            values += [codec[0](_utf8(title)), self._search_text(title)]
        return sets, values

    def _insert(self, db: psycopg.Connection, conversation: str, event: Event, codec: Codec,
                payload: bytes | None = None) -> None:
        db.execute(
            "INSERT INTO convo_events (conversation, seq, team, type, at, data, writer)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (conversation, event.seq, self.team, event.type, event.at,
             codec[0](payload if payload is not None else _payload(event)), self._holder))

    def _mine(self, db: psycopg.Connection, conversation: str, seq: int) -> bool:
        """Is event `seq` of `conversation` there, written by this store (a commit whose reply was lost)?"""
        row = db.execute("SELECT writer FROM convo_events WHERE conversation = %s AND seq = %s",
                         (conversation, seq)).fetchone()
        return row is not None and row[0] == self._holder

    def _sent_before(self, db: psycopg.Connection, conversation: str, event: Event, payload: bytes) -> bool:
        """Was this very event committed by an earlier try that was reported as not saved?"""
        if self._in_doubt.get((conversation, event.seq)) != (event.type, payload):
            return False
        return self._mine(db, conversation, event.seq)

    def delete(self, conversation: str) -> bool:
        """Remove a conversation, its events and its data key (see docs/team-store.md for what remains)."""
        return bool(self._remove([conversation], "deleted", {}))

    def purge(self, before: datetime) -> list[str]:
        """Delete every conversation of the team last updated before `before` (a manager's task)."""
        if self.kind != "manager":
            raise StoreError(f"only a manager of the team {self.team!r} may purge conversations; nothing was deleted")
        old = [row[0] for row in self._read("SELECT id FROM convo_conversations WHERE team = %s AND updated < %s",
                                            (self.team, before))]
        return self._remove(old, "purged", {"before": before.isoformat()})

    def _remove(self, conversations: list[str], action: str, detail: dict[str, Any]) -> list[str]:
        op = secrets.token_hex(8)

        def work(db: psycopg.Connection) -> list[str]:
            gone = []
            with db.transaction():
                for ident in conversations:
                    row = db.execute("SELECT created_by FROM convo_conversations WHERE id = %s FOR UPDATE",
                                     (ident,)).fetchone()
                    if row is None:
                        continue
                    if self.kind != "manager" and row[0] != self.role:
                        raise StoreError(f"only a manager of the team {self.team!r}, or {row[0]} who started it,"
                                         f" may delete conversation {ident}; nothing was deleted")
                    if db.execute("DELETE FROM convo_conversations WHERE id = %s", (ident,)).rowcount:
                        gone.append(ident)
                        self._audit(db, action, ident, detail, op=f"{op}:{ident}")
            return gone

        def committed(db: psycopg.Connection) -> list[str] | None:
            rows = db.execute("SELECT conversation FROM convo_audit WHERE op LIKE %s ORDER BY seq",
                              (f"{op}:%",)).fetchall()
            return [row[0] for row in rows] if rows or not conversations else None

        gone = self._run(work, committed)
        for ident in gone:
            self._data_keys.pop(ident, None)
            self._claimed.discard(ident)
        return gone

    def checkpoint(self) -> None:
        """Nothing to do: PostgreSQL cannot overwrite old row versions on demand (see docs/team-store.md)."""

    def audit(self, action: str, conversation: str | None, **detail: Any) -> None:
        """Add a line to the audit log (an export, say). Never pass anyone's words here."""
        op = secrets.token_hex(8)

        def work(db: psycopg.Connection) -> None:
            self._audit(db, action, conversation, detail, op=op)

        self._run(work)

    def _audit(self, db: psycopg.Connection, action: str, conversation: str | None, detail: dict[str, Any],
               op: str | None = None) -> None:
        db.execute("INSERT INTO convo_audit (team, action, conversation, detail, op) VALUES (%s, %s, %s, %s, %s)"
                   " ON CONFLICT (op) DO NOTHING",
                   (self.team, action, conversation, json.dumps(detail, sort_keys=True), op))

    # -- reading --------------------------------------------------------------------------------

    def events(self, conversation: str) -> list[Event]:
        def work(db: psycopg.Connection) -> list[Event]:
            rows = db.execute("SELECT seq, type, at, data FROM convo_events WHERE conversation = %s ORDER BY seq",
                              (conversation,)).fetchall()
            if not rows:
                return []
            codec = self._codec_for(db, conversation)
            return [Event(seq, kind, at, json.loads(self._text(codec, data))) for seq, kind, at, data in rows]

        return self._run(work)

    def get(self, conversation: str) -> ConversationInfo | None:
        rows = self._read(f"SELECT {_INFO} FROM convo_conversations c LEFT JOIN convo_keys k"
                          " ON k.conversation = c.id WHERE c.id = %s", (conversation,))
        return self._info(rows[0]) if rows else None

    def list_conversations(self, limit: int | None = None, offset: int = 0, search: str | None = None,
                           unfinished_first: bool = False) -> list[ConversationInfo]:
        """The team's conversations, newest first (or unfinished first), a page at a time, found by
        id, flow or title. Sealed titles are searched here, after they are opened; the rest in the database."""
        order = ("(c.status = 'ended'), (c.audience <> 'carer'), c.updated DESC, c.id DESC" if unfinished_first
                 else "c.updated DESC, c.id DESC")
        where, args = "c.team = %(team)s", {"team": self.team, "limit": limit, "offset": offset}
        wanted = (search or "").strip().casefold()
        sealed_search = bool(wanted) and self._store_key is not None
        if wanted and not sealed_search:
            where += " AND (lower(c.id) LIKE %(like)s OR lower(c.flow) LIKE %(like)s OR c.title_search LIKE %(like)s)"
            args["like"] = "%" + _escape_like(wanted) + "%"
        page = "" if sealed_search else " LIMIT %(limit)s OFFSET %(offset)s"
        rows = self._read(f"SELECT {_INFO} FROM convo_conversations c LEFT JOIN convo_keys k"
                          f" ON k.conversation = c.id WHERE {where} ORDER BY {order}{page}", args)
        infos = [self._info(row) for row in rows]
        if sealed_search:
            infos = [i for i in infos if any(wanted in text.casefold() for text in (i.id, i.flow, i.title))]
            infos = infos[offset:] if limit is None else infos[offset:offset + limit]
        return infos

    def count(self) -> int:
        rows = self._read("SELECT count(*) FROM convo_conversations WHERE team = %s", (self.team,))
        return int(rows[0][0])

    def _info(self, row: tuple[Any, ...]) -> ConversationInfo:
        ident, flow, version, digest, audience, title, created, updated, status, wrapped = row
        if self._store_key is None:
            codec = self._codec
        elif wrapped is None:
            raise StoreError(f"{self.path}: the key of conversation {ident} is gone; it cannot be read")
        else:
            codec = self._data_keys.get(ident) or self._remember_key(ident, self._unwrap(bytes(wrapped)))
        return ConversationInfo(ident, flow, version, digest, audience, self._text(codec, title), created,
                                updated, status)

    def audit_log(self) -> list[AuditEntry]:
        rows = self._read("SELECT seq, at, action, conversation, detail FROM convo_audit WHERE team = %s"
                          " ORDER BY seq", (self.team,))
        return [AuditEntry(seq, at, action, conversation, json.loads(detail))
                for seq, at, action, conversation, detail in rows]

    def integrity(self) -> str:
        self._read("SELECT 1")
        return "ok"

    # -- copying in (convo migrate) ----------------------------------------------------------------

    def import_conversation(self, info: ConversationInfo, events: list[Event]) -> None:
        """Add a conversation from another store with all its events, or the events it lacks here."""

        def work(db: psycopg.Connection) -> None:
            with db.transaction():
                have = _lock_conversation(db, info.id)
                if not have:
                    try:
                        with db.transaction():
                            db.execute(
                                """INSERT INTO convo_conversations (id, team, flow, flow_version, flow_hash,
                                                                    audience, title, title_search, created, updated,
                                                                    status)
                                   VALUES (%s, %s, %s, %s, %s, %s, '', %s, %s, %s, %s)""",
                                (info.id, self.team, info.flow, info.flow_version, info.flow_hash, info.audience,
                                 self._search_text(info.title), info.created, info.updated, info.status))
                    except pg_errors.UniqueViolation:
                        raise StoreError(f"another team of {self.path} has a conversation {info.id}") from None
                    codec = self._new_key(db, info.id)
                else:
                    codec = self._codec_for(db, info.id)
                row = db.execute("SELECT coalesce(max(seq), 0) FROM convo_events WHERE conversation = %s",
                                 (info.id,)).fetchone()
                last = row[0] if row else 0
                for event in events:
                    if event.seq > last:
                        self._insert(db, info.id, event, codec)
                db.execute("UPDATE convo_conversations SET title = %s, title_search = %s, updated = %s, status = %s"
                           " WHERE id = %s", (codec[0](_utf8(info.title)), self._search_text(info.title),
                                              info.updated, info.status, info.id))

        self._run(work)

    def import_audit(self, entries: list[AuditEntry], origin: str) -> int:
        """Copy audit lines in once each (`origin` names where they came from); return how many are here."""

        def work(db: psycopg.Connection) -> int:
            with db.transaction():
                for entry in entries:
                    db.execute(
                        "INSERT INTO convo_audit (at, team, action, conversation, detail, origin)"
                        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (origin) DO NOTHING",
                        (entry.at, self.team, entry.action, entry.conversation,
                         json.dumps(entry.detail, sort_keys=True), f"{origin}#{entry.seq}"))
                row = db.execute("SELECT count(*) FROM convo_audit WHERE origin LIKE %s",
                                 (_escape_like(origin) + "#%",)).fetchone()
            return int(row[0]) if row else 0

        return self._run(work)

    def list(self) -> list[ConversationInfo]:  # last, so `list` in the annotations above is the builtin
        return self.list_conversations()


_INFO = ("c.id, c.flow, c.flow_version, c.flow_hash, c.audience, c.title, c.created, c.updated, c.status,"
         " k.wrapped")


def _network_options(conninfo: str) -> dict[str, Any]:
    """How soon a connection whose network went silent is given up, unless the URL says otherwise."""
    idle, interval, count = KEEPALIVE
    options = {"keepalives": 1, "keepalives_idle": idle, "keepalives_interval": interval,
               "keepalives_count": count}
    if psycopg.pq.version() >= 120000:  # libpq 12 first knew tcp_user_timeout
        options["tcp_user_timeout"] = TCP_USER_TIMEOUT
    given = conninfo_to_dict(conninfo)
    return {name: value for name, value in options.items() if name not in given}


def split_team(url: str) -> tuple[str, str | None]:
    """The URL without convo's own `team` parameter (libpq would refuse it), and that team."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    teams = [value for key, value in query if key == "team"]
    rest = urlencode([(key, value) for key, value in query if key != "team"])
    return urlunsplit(parts._replace(query=rest)), (teams[-1] if teams else None)


def describe(url: str) -> str:
    """The database a URL names, as messages show it: never its password."""
    try:
        info = conninfo_to_dict(split_team(url)[0])
    except psycopg.ProgrammingError:
        return "the team database (its URL could not be read)"
    user = f"{info['user']}@" if info.get("user") else ""
    host, port = str(info.get("host") or ""), str(info.get("port") or "")
    if host.startswith("/"):  # a Unix socket's folder
        return f"postgresql://{user}/{info.get('dbname') or ''}?host={host}" + (f"&port={port}" if port else "")
    return f"postgresql://{user}{host}{':' + port if port else ''}/{info.get('dbname') or ''}"


def _audit_membership(db: psycopg.Connection, action: str, team: str, detail: dict[str, Any]) -> None:
    """The owner's line in the audit log of the team whose members changed, in the same transaction as the
    change (so a change tried again after a lost reply finds it made and writes no second line). Without ON
    CONFLICT: that would need the owner to read the team's log as well (row-level security), and it may not."""
    db.execute("INSERT INTO convo_audit (team, action, detail) VALUES (%s, %s, %s)",
               (team, action, json.dumps(detail, sort_keys=True)))


def _version(db: psycopg.Connection) -> int:
    row = db.execute("SELECT to_regclass('convo_schema_version') IS NOT NULL").fetchone()
    if not (row and row[0]):
        return 0
    row = db.execute("SELECT coalesce(max(version), 0) FROM convo_schema_version").fetchone()
    return int(row[0]) if row else 0


def _role(db: psycopg.Connection) -> str:
    with contextlib.suppress(psycopg.Error):
        if db.info.transaction_status != psycopg.pq.TransactionStatus.INERROR:
            row = db.execute("SELECT current_user").fetchone()
            return str(row[0]) if row else "?"
    return db.info.user


def _lock_conversation(db: psycopg.Connection, conversation: str) -> bool:
    """Lock a conversation's row for this transaction (so claims and appends take turns); False if absent."""
    return db.execute("SELECT 1 FROM convo_conversations WHERE id = %s FOR UPDATE", (conversation,)).fetchone() \
        is not None


def _open_elsewhere(conversation: str, other: tuple[str, int, str], then: str) -> ConversationOpen:
    role, pid, host = other
    return ConversationOpen(f"conversation {conversation} is open in another window ({role}, process {pid}"
                            f" on {host}); {then}", pid, host)


def _payload(event: Event) -> bytes:
    return _utf8(json.dumps(event.data, ensure_ascii=False, separators=(",", ":")))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _retryable(error: BaseException) -> bool:
    """Did the connection go (or the server refuse for now), rather than the statement fail?"""
    if isinstance(error, PoolTimeout):
        return True
    state = getattr(error, "sqlstate", None)
    if state is None:
        return True  # no reply from a server at all: the connection is gone
    return state[:2] in ("08", "40") or state in ("57P01", "57P02", "57P03", "53300")


def _connection_lost(error: BaseException) -> bool:
    """Did the connection itself go (no reply, a connection error, the server shutting down), rather than
    the server refuse for now on a connection that still works (a deadlock, too many connections)?"""
    if isinstance(error, PoolTimeout):
        return False
    state = getattr(error, "sqlstate", None)
    return state is None or state[:2] == "08" or state in ("57P01", "57P02")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
