"""The event log, in SQLite: each event is committed before the next prompt is shown.

This is the only module that touches the database. It hands out plain `Event`s and
`ConversationInfo`s, never rows. Files are created owner-only; a database that is locked,
damaged, not convo's or from a newer convo is refused with a one-line reason and never overwritten.
An encrypted store (see convo.crypt) seals every payload and title; deletions overwrite what they
remove; exports and deletions are written to an append-only audit table, without anyone's words.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import platform
import random
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from convo.clock import utc_now
from convo.events import ConversationInfo, Event
from convo.paths import data_dir_path, private_dir

SCHEMA_VERSION = 3
APPLICATION_ID = 0x636F6E76  # "conv", so another program's SQLite file is never mistaken for ours
# How long a write waits for other writers before giving up: long enough for dozens of processes
# each committing with synchronous=FULL.
BUSY_WAIT = 15.0
# How long delete and purge keep trying to move the freed pages out of the WAL while a reader holds it.
CHECKPOINT_WAIT = 10.0
# A lease not renewed for this long is free, whoever holds it (the only test for another computer).
LEASE_SECONDS = 30 * 60
_SAME_HOST_GRACE = 12 * 3600  # after that a live pid is more likely a new process given the old number
# Audit actions for a deletion whose words a reader kept in the file, and for when they went.
_NOT_YET_REMOVED, _REMOVED = "deleted_words_still_in_file", "deleted_words_removed"
TAKEN_OVER = "this conversation was taken over in another window; nothing more is saved here"

_SCHEMA = """
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    flow TEXT NOT NULL,
    flow_version INTEGER NOT NULL,
    flow_hash TEXT NOT NULL,
    audience TEXT NOT NULL,
    title BLOB NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open'
);
CREATE TABLE events (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (conversation, seq)
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Version 2: who exported or deleted what, and when; never anyone's words. SQLite refuses to change it.
_AUDIT = """
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    conversation TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
# Version 3: which process is writing each open conversation, so two windows never write one.
_LEASES = """
CREATE TABLE IF NOT EXISTS leases (
    conversation TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    expires REAL NOT NULL
);
"""


# Newest first (`convo list`), and unfinished first with a carer's own before the rest (the home screen),
# so a page of 100,000 conversations is read from an index, not sorted. Not a change of format: an
# older convo opens the file as before.
_INDEXES = """
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated DESC, id DESC);
CREATE INDEX IF NOT EXISTS conversations_home
    ON conversations (status = 'ended', audience <> 'carer', updated DESC, id DESC);
"""
_INDEX_NAMES = ("conversations_updated", "conversations_home")


class StoreError(Exception):
    """A problem with the database, in one line a person can act on."""


class ConversationOpen(StoreError):
    """The conversation is being written by another process (another window)."""

    def __init__(self, message: str, pid: int, host: str):
        super().__init__(message)
        self.pid, self.host = pid, host


class TakenOver(StoreError):
    """This process's lease on a conversation was taken by another: nothing more is saved here."""


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    action: str
    conversation: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Held:
    """A conversation open in a window now: who has it (their database role; "" in a file), where, until when
    unless that window writes again."""

    conversation: str
    role: str
    host: str
    pid: int
    until: datetime


class Member(NamedTuple):
    """A role's place in a team of a team database."""

    role: str
    team: str
    kind: str  # practitioner or manager


Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]
Passphrase = Callable[[], str]
_PLAIN: Codec = (lambda data: data, lambda data: data)


class Store:
    """One SQLite file of conversations and their events."""

    def __init__(self, path: str | Path, codec: Codec | None = None, *,
                 passphrase: Passphrase | None = None, encrypt: bool = False):
        """Open (or create) a store. `passphrase` is called only if the store is, or is to be, encrypted.

        A file this process may not write is opened read-only: it can be read, and any write says so.
        """
        self.path = Path(path)
        self._encode, self._decode = codec or _PLAIN
        self.encrypted = False
        self.readonly = False
        self._holder = secrets.token_hex(8)
        self._claimed: set[str] = set()
        self._db = self._open(passphrase, encrypt)

    def _open(self, passphrase: Passphrase | None, encrypt: bool) -> sqlite3.Connection:
        existed = self.path.exists()
        if existed and self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a convo database")
        _tidy_encrypting(self.path)
        header: dict[str, str] = {}
        if not existed and encrypt:
            header = self._new_key(passphrase)  # before the file exists, so a refused passphrase leaves nothing
        if not existed:
            private_dir(self.path.parent, tighten=self.path.parent.resolve() == data_dir_path().resolve())
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass  # another process created it a moment ago; the schema is set up (once) below
            except OSError as error:
                raise StoreError(f"cannot create {self.path}: {error.strerror}") from None
        self.readonly = existed and not _writable(self.path)
        self._inode = _inode(self.path)
        db = None
        try:
            db = self._connect()
            blank = not self.readonly and _blank(db)
            if blank and encrypt and not header:
                header = self._new_key(passphrase)
            self._check(db, blank, header, passphrase, encrypt)
        except sqlite3.Error as error:
            if db is not None:
                db.close()
            raise StoreError(self._explain(error)) from None
        except BaseException:
            if db is not None:
                db.close()
            raise
        return db

    def _connect(self) -> sqlite3.Connection:
        options: dict[str, Any] = {"timeout": BUSY_WAIT, "isolation_level": None, "check_same_thread": False}
        if not self.readonly:
            return sqlite3.connect(self.path, **options)
        uri = f"file:{_uri_path(self.path)}?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, **options)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.OperationalError:
            # A read-only folder where SQLite cannot make its -shm file: nobody can write here either.
            return sqlite3.connect(f"file:{_uri_path(self.path)}?immutable=1", uri=True, **options)

    def _new_key(self, passphrase: Passphrase | None) -> dict[str, str]:
        from convo import crypt

        if passphrase is None:
            raise StoreError("an encrypted store needs a passphrase")
        try:
            sealer = crypt.Sealer(crypt.derive(passphrase(), kdf := crypt.new_kdf()))
        except crypt.CryptError as error:
            raise StoreError(str(error)) from None
        self._use(sealer)
        return crypt.header(kdf, sealer)

    def _use(self, sealer: Any) -> None:
        self._encode, self._decode = sealer.codec
        self.encrypted = True

    def _check(self, db: sqlite3.Connection, fresh: bool, header: dict[str, str],
               passphrase: Passphrase | None, encrypt: bool) -> None:
        # Kept in memory: SQLite's temporary files would otherwise hold decrypted sort data.
        db.execute("PRAGMA temp_store=MEMORY")
        if fresh:
            fresh = self._create(db, header)
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if app != APPLICATION_ID:
            raise StoreError(f"{self.path} is not a convo database; it was left untouched")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer convo (store version {version}); upgrade convo to open it"
            )
        if not self.readonly:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA secure_delete=ON")
        if not fresh:
            self._unlock(db, passphrase, encrypt)
        if version < SCHEMA_VERSION and not self.readonly:
            self._upgrade(db)
        if not self.readonly:
            self._index(db)
        if not self.readonly:
            for sidecar in ("-wal", "-shm"):
                side = Path(str(self.path) + sidecar)
                if side.exists():
                    os.chmod(side, 0o600)

    def _create(self, db: sqlite3.Connection, header: dict[str, str]) -> bool:
        """Set up a blank file, unless another process did so first; say whether this one did."""
        db.execute("PRAGMA journal_mode=WAL")
        with self._transaction(db):
            if not _blank(db):
                return False
            # The key's header goes in with the schema, so a store is never half encrypted.
            for statement in _statements(_SCHEMA + _AUDIT + _LEASES + _INDEXES):
                db.execute(statement)
            db.executemany("INSERT INTO meta VALUES (?, ?)", header.items())
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        return True

    def _upgrade(self, db: sqlite3.Connection) -> None:
        """Bring an older store up to this version, once, however many processes open it together."""
        with self._transaction(db):
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < 2:
                for statement in _statements(_AUDIT):
                    db.execute(statement)
            if version < 3:
                db.execute(_LEASES)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _index(self, db: sqlite3.Connection) -> None:
        """Add the indexes a page of conversations is read from, to a store made before them."""
        have = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        if not have.issuperset(_INDEX_NAMES):
            with self._transaction(db):
                for statement in _statements(_INDEXES):
                    db.execute(statement)

    def _unlock(self, db: sqlite3.Connection, passphrase: Passphrase | None, encrypt: bool) -> None:
        """Check the passphrase of an encrypted store before anything is written to it."""
        from convo import crypt

        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if "cipher" not in meta:
            if encrypt:
                raise StoreError(f"{self.path} is not encrypted; run `convo encrypt` to encrypt it")
            return
        if passphrase is None:
            raise StoreError(
                f"{self.path} is encrypted: give its passphrase (${crypt.PASSPHRASE_ENV} or at the terminal)")
        try:
            self._use(crypt.unlock(meta, passphrase()))
        except crypt.CryptError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def close(self) -> None:
        for conversation in list(self._claimed):
            with contextlib.suppress(StoreError):  # the lease lapses by itself once this process has gone
                self.release(conversation)
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one writer per conversation -----------------------------------------------------------

    def claim(self, conversation: str, take_over: bool = False) -> None:
        """Become the one process that writes `conversation`, renewed by each event appended.

        Raises ConversationOpen (a StoreError) naming the process and computer that has it open,
        unless `take_over`: then that process is told on its next write that nothing more is saved.
        """
        with self._transaction():
            if self._db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation,)).fetchone() is None:
                raise StoreError(f"there is no conversation {conversation!r} in {self.path}")
            other = self._other_holder(conversation)
            if other is not None and not take_over:
                raise ConversationOpen(
                    f"conversation {conversation} is open in another window (process {other[0]} on {other[1]});"
                    " close it there, or take it over here", *other)
            self._lease(conversation)
        self._claimed.add(conversation)

    def release(self, conversation: str) -> None:
        """Let another process write `conversation` (a lease this process does not hold is left alone)."""
        self._claimed.discard(conversation)
        if self.readonly:
            return
        with self._transaction():
            self._db.execute("DELETE FROM leases WHERE conversation = ? AND holder = ?", (conversation, self._holder))

    def held(self) -> list[Held]:
        """Every conversation open in a window now (a lease that is live), by id."""
        rows = self._db.execute("SELECT conversation, holder, pid, host, expires FROM leases ORDER BY conversation")
        return [Held(conversation, "", host, pid, datetime.fromtimestamp(expires, UTC))
                for conversation, _, pid, host, expires in rows.fetchall() if _lease_live(pid, host, expires)]

    def _other_holder(self, conversation: str) -> tuple[int, str] | None:
        """The (pid, host) of a live lease on `conversation` held by someone else, if there is one."""
        row = self._db.execute("SELECT holder, pid, host, expires FROM leases WHERE conversation = ?",
                               (conversation,)).fetchone()
        if row is None or row[0] == self._holder:
            return None
        _, pid, host, expires = row
        return (pid, host) if _lease_live(pid, host, expires) else None

    def _lease(self, conversation: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO leases VALUES (?, ?, ?, ?, ?)",
                         (conversation, self._holder, os.getpid(), _HOST, time.time() + LEASE_SECONDS))

    def _hold(self, conversation: str) -> None:
        """Inside a write: check this process may write `conversation`, and renew its lease if it has one."""
        if conversation not in self._claimed:
            # A face that writes without claiming (practice, say) is still kept off a claimed conversation.
            other = self._other_holder(conversation)
            if other is not None:
                raise ConversationOpen(
                    f"conversation {conversation} is open in another window (process {other[0]} on {other[1]});"
                    " nothing was saved here", *other)
            return
        row = self._db.execute("SELECT holder FROM leases WHERE conversation = ?", (conversation,)).fetchone()
        if row is None or row[0] != self._holder:
            if self._db.execute("SELECT 1 FROM conversations WHERE id = ?", (conversation,)).fetchone() is None:
                raise TakenOver(
                    f"conversation {conversation} was deleted in another window; nothing more is saved here")
            raise TakenOver(TAKEN_OVER)
        self._lease(conversation)

    # -- writing -------------------------------------------------------------------------------

    def create(self, info: ConversationInfo, first: Event) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (info.id, info.flow, info.flow_version, info.flow_hash, info.audience,
                 self._encode(_utf8(info.title)), _iso(info.created), _iso(info.updated), info.status),
            )
            self._insert(info.id, first)

    def append(self, conversation: str, event: Event, status: str | None = None, title: str | None = None) -> None:
        """Commit one event (and the conversation's summary) durably, or raise StoreError."""
        with self._transaction():
            self._hold(conversation)
            self._insert(conversation, event)
            sets: list[str] = ["updated = ?"]
            values: list[str | bytes] = [_iso(event.at)]
            if status is not None:
                sets.append("status = ?")
                values.append(status)
            if title is not None:
                sets.append("title = ?")
                values.append(self._encode(_utf8(title)))
            self._db.execute(f"UPDATE conversations SET {', '.join(sets)} WHERE id = ?", (*values, conversation))

    def _insert(self, conversation: str, event: Event) -> None:
        payload = _utf8(json.dumps(event.data, ensure_ascii=False, separators=(",", ":")))
        try:
            self._db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                (conversation, event.seq, event.type, _iso(event.at), self._encode(payload)),
            )
        except sqlite3.IntegrityError as error:
            if "UNIQUE" not in str(error):
                raise
            # Another process wrote this conversation since it was read here.
            raise TakenOver(TAKEN_OVER) from None

    def delete(self, conversation: str) -> bool:
        """Remove a conversation so its words are gone from the file, not just unlisted.

        True also for one deleted earlier whose words a reader kept in the file until now.
        """
        if self._remove([conversation], "deleted", {}):
            return True
        last = [entry.action for entry in self.audit_log() if entry.conversation == conversation][-1:]
        if last == [_NOT_YET_REMOVED]:
            self.audit(_REMOVED, conversation)
            return True
        return False

    def purge(self, before: datetime) -> list[str]:
        """Delete every conversation last updated before `before`; return their ids."""
        old = [info.id for info in self.list() if info.updated < before]
        return self._remove(old, "purged", {"before": _iso(before)})

    def _remove(self, conversations: list[str], action: str, detail: dict[str, Any]) -> list[str]:
        gone = []
        with self._transaction():
            for ident in conversations:
                if self._db.execute("DELETE FROM conversations WHERE id = ?", (ident,)).rowcount:
                    gone.append(ident)
                    self._db.execute("DELETE FROM leases WHERE conversation = ?", (ident,))
                    self._audit(action, ident, detail)
        # secure_delete has zeroed the freed pages; this moves them out of the WAL and empties it.
        try:
            self.checkpoint()
        except StoreError:
            if gone:  # so that trying again can say when the words are gone
                with self._transaction():
                    for ident in gone:
                        self._audit(_NOT_YET_REMOVED, ident, {})
            raise
        return gone

    def checkpoint(self) -> None:
        """Move everything out of the WAL and empty it, or say plainly that a reader stopped it."""
        if self.readonly:
            return
        deadline = time.monotonic() + CHECKPOINT_WAIT
        try:
            self._db.execute("PRAGMA busy_timeout=200")
            while True:
                busy = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                if not busy:
                    return
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"a reader still holds {self.path}; the words are not yet removed from the file"
                        " — close other convo windows and try again")
                time.sleep(0.1)
        except sqlite3.Error as error:
            raise StoreError(self._explain(error)) from None
        finally:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute(f"PRAGMA busy_timeout={int(BUSY_WAIT * 1000)}")

    def audit(self, action: str, conversation: str | None, **detail: Any) -> None:
        """Add a line to the audit log (an export, say), or raise StoreError. Never pass anyone's words here."""
        with self._transaction():
            self._audit(action, conversation, detail)

    def _audit(self, action: str, conversation: str | None, detail: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO audit (at, action, conversation, detail) VALUES (?, ?, ?, ?)",
            (_iso(utc_now()), action, conversation, json.dumps(detail, sort_keys=True)),
        )

    def _transaction(self, db: sqlite3.Connection | None = None) -> _Transaction:
        return _Transaction(self, db or self._db)

    def _explain(self, error: sqlite3.Error) -> str:
        text = _explain(error, self.path)
        if "damaged" in text and (_encrypting(self.path) or _inode(self.path) != self._inode):
            return f"{self.path} is being encrypted; try again in a moment"
        return text

    # -- reading -------------------------------------------------------------------------------

    def events(self, conversation: str) -> list[Event]:
        rows = self._read(
            "SELECT seq, type, at, data FROM events WHERE conversation = ? ORDER BY seq", (conversation,)
        )
        return [
            Event(seq, kind, datetime.fromisoformat(at), json.loads(self._text(data)))
            for seq, kind, at, data in rows
        ]

    def _text(self, blob: bytes) -> str:
        from convo.crypt import CryptError

        try:
            return self._decode(bytes(blob)).decode("utf-8", "surrogatepass")
        except CryptError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def get(self, conversation: str) -> ConversationInfo | None:
        rows = self._read("SELECT * FROM conversations WHERE id = ?", (conversation,))
        return self._info(rows[0]) if rows else None

    def list_conversations(self, limit: int | None = None, offset: int = 0, search: str | None = None,
                           unfinished_first: bool = False) -> list[ConversationInfo]:
        """Conversations newest first (or unfinished first, a carer's own before the rest), a page at a time,
        found by id, flow or title. Sealed titles are searched here, after they are opened; the rest in SQLite."""
        order = ("status = 'ended', audience <> 'carer', updated DESC, id DESC" if unfinished_first
                 else "updated DESC, id DESC")
        wanted = (search or "").strip().casefold()
        sealed_search = bool(wanted) and self.encrypted
        where, args = "", list[Any]()
        if wanted and not sealed_search:
            where = " WHERE id LIKE ? ESCAPE '\\' OR flow LIKE ? ESCAPE '\\' OR CAST(title AS TEXT) LIKE ? ESCAPE '\\'"
            like = "%" + wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args = [like, like, like]
        page = ""
        if not sealed_search:
            page, args = " LIMIT ? OFFSET ?", args + [-1 if limit is None else limit, offset]
        rows = self._read(f"SELECT * FROM conversations{where} ORDER BY {order}{page}", tuple(args))
        infos = [self._info(row) for row in rows]
        if sealed_search:
            infos = [i for i in infos if any(wanted in text.casefold() for text in (i.id, i.flow, i.title))]
            infos = infos[offset:] if limit is None else infos[offset:offset + limit]
        return infos

    def list(self) -> list[ConversationInfo]:
        return self.list_conversations()

    def _info(self, row: tuple[Any, ...]) -> ConversationInfo:
        ident, flow, version, digest, audience, title, created, updated, status = row
        return ConversationInfo(
            ident, flow, version, digest, audience, self._text(title),
            datetime.fromisoformat(created), datetime.fromisoformat(updated), status,
        )

    # `list` below names the method above, so the built-in is spelt out.
    def _read(self, sql: str, args: tuple[Any, ...]) -> builtins.list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise StoreError(self._explain(error)) from None

    def audit_log(self) -> builtins.list[AuditEntry]:
        rows = self._read("SELECT seq, at, action, conversation, detail FROM audit ORDER BY seq", ())
        return [AuditEntry(seq, datetime.fromisoformat(at), action, conv, json.loads(detail))
                for seq, at, action, conv, detail in rows]

    def integrity(self) -> str:
        return self._read("PRAGMA integrity_check", ())[0][0]


def encrypt_store(path: str | Path, passphrase: str) -> int:
    """Re-write a plain store encrypted: a new file beside it, checked, then swapped in atomically.

    The original is locked against every other program throughout and is untouched until the
    encrypted copy has been verified; on any failure the copy is removed and the original stays.
    Returns the number of conversations encrypted.
    """
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"there is no store at {path}")
    def already() -> str:
        raise StoreError(f"{path} is already encrypted; nothing was changed")

    old = Store(path, passphrase=already)
    # The pid in the name tells a later run whether this copy is still being made or was left by a kill.
    fresh = path.with_name(f"{path.name}{_ENCRYPTING}{os.getpid()}-{secrets.token_hex(4)}")
    db = old._db
    scrub = None
    try:
        try:
            # Leaving WAL mode needs every other connection closed, so this also proves nobody else has it open.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] != "delete":
                raise StoreError(f"{path} is in use by another program; close it and try again; nothing was changed")
            db.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error as error:
            raise StoreError(_explain(error, path)) from None
        new = Store(fresh, passphrase=lambda: passphrase, encrypt=True)
        try:
            count = _copy(old, new)
            new.audit("encrypted", None, conversations=count)
            new.checkpoint()
        finally:
            new.close()
        check = Store(fresh, passphrase=lambda: passphrase)
        try:
            if [(i.id, i.title) for i in check.list()] != [(i.id, i.title) for i in old.list()] or any(
                check.events(i.id) != old.events(i.id) for i in old.list()
            ):
                raise StoreError("the encrypted copy did not match the original; nothing was changed")
        finally:
            check.close()
        _fsync(fresh)
        scrub = os.open(path, os.O_RDWR)
        os.replace(fresh, path)
        _fsync(path.parent)
    except BaseException:
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm"), Path(f"{fresh}-journal")):
            leftover.unlink(missing_ok=True)
        if scrub is not None:
            os.close(scrub)
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        old.close()
        raise
    # The plain original no longer has a name; overwrite its bytes too (best effort on SSDs and copy-on-write disks).
    try:
        size = os.fstat(scrub).st_size
        os.pwrite(scrub, b"\0" * size, 0)
        os.fsync(scrub)
    finally:
        os.close(scrub)
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        old.close()
    return count


def _copy(old: Store, new: Store) -> int:
    infos = old._db.execute("SELECT * FROM conversations").fetchall()
    with new._transaction():
        for row in infos:
            new._db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (*row[:5], new._encode(old._decode(bytes(row[5]))), *row[6:]))
        for row in old._db.execute("SELECT conversation, seq, type, at, data FROM events").fetchall():
            new._db.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?)",
                            (*row[:4], new._encode(old._decode(bytes(row[4])))))
        for row in old._db.execute("SELECT seq, at, action, conversation, detail FROM audit").fetchall():
            new._db.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?)", row)
    return len(infos)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _Transaction:
    """BEGIN IMMEDIATE, waiting out other writers; COMMIT, or roll back what is still open.

    Every sqlite3 error becomes one StoreError line. A failed COMMIT (a full disk) has often been
    rolled back by SQLite already, so ROLLBACK is sent only while a transaction is still open.
    """

    def __init__(self, store: Store, db: sqlite3.Connection):
        self.store, self.db = store, db

    def __enter__(self) -> None:
        if self.store.readonly:
            raise StoreError(f"{self.store.path} is read-only; it can be read, but nothing can be saved to it")
        deadline = time.monotonic() + BUSY_WAIT
        pause = 0.01
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                # SQLite's busy handler has waited already; some busy cases skip it, so wait here too.
                if not _busy(error) or time.monotonic() + pause > deadline:
                    raise StoreError(self.store._explain(error)) from None
            except sqlite3.Error as error:
                raise StoreError(self.store._explain(error)) from None
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 2, 0.5)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: object) -> Literal[False]:
        if kind is None:
            try:
                self.db.execute("COMMIT")
                return False
            except sqlite3.Error as failure:
                error = failure
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the error that brought us here is the one to report
        if isinstance(error, sqlite3.Error):
            raise StoreError(self.store._explain(error)) from None
        return False


def _busy(error: sqlite3.Error) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


def _explain(error: sqlite3.Error, path: Path) -> str:
    text = str(error)
    if _busy(error):
        return f"{path} is in use by another program (database is locked); nothing was changed"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"{path} is damaged or not a convo database; it was left untouched"
    if "readonly" in text or "read-only" in text:
        return f"{path} cannot be written (read-only); nothing was saved"
    if "full" in text:
        return f"the disk holding {path} is full; this was not saved: free some space and try again"
    if "disk I/O" in text:
        return f"{path} could not be written (disk I/O error); this was not saved"
    if "unable to open" in text:
        return f"{path} cannot be opened"
    return f"{path}: {text.splitlines()[0] if text else type(error).__name__}"


_ENCRYPTING = ".encrypting-"
_HOST = platform.node()


def _lease_live(pid: int, host: str, expires: float) -> bool:
    """Does a lease still hold? On this computer a window left open over lunch still holds it, and a process
    that died does not; another computer's holds until it expires."""
    if host == _HOST:
        return _alive(pid) and time.time() < expires + _SAME_HOST_GRACE
    return time.time() < expires


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return True


def _encrypting(path: Path) -> bool:
    """Is `convo encrypt` re-writing this store right now (in a live process on this computer)?"""
    return any(_alive(pid) for pid in _encryptors(path).values() if pid is not None)


def _encryptors(path: Path) -> dict[Path, int | None]:
    try:
        names = os.listdir(path.parent)
    except OSError:
        return {}
    found: dict[Path, int | None] = {}
    prefix = path.name + _ENCRYPTING
    for name in names:
        if name.startswith(prefix) and not name.endswith(("-wal", "-shm", "-journal")):
            pid = name[len(prefix):].split("-")[0]
            found[path.with_name(name)] = int(pid) if pid.isdecimal() else None
    return found


def _tidy_encrypting(path: Path) -> None:
    """Refuse while `convo encrypt` is working on this store; remove copies a killed one left behind."""
    for copy, pid in _encryptors(path).items():
        if pid is not None and _alive(pid):
            raise StoreError(f"{path} is being encrypted; try again in a moment")
        for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm"), Path(f"{copy}-journal")):
            # A folder we may not write: the copy is sealed, so it holds no plain words.
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.resolve()))


def _statements(script: str) -> list[str]:
    """Split a script into statements (a trigger's body holds semicolons of its own)."""
    statements, current = [], ""
    for part in script.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \n;"):
                statements.append(current.strip())
            current = ""
    return statements


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _blank(db: sqlite3.Connection) -> bool:
    """Empty, or left with no tables by a crash while it was being created: safe to set up afresh."""
    return (db.execute("PRAGMA application_id").fetchone()[0] == 0
            and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate a face passed in is kept exactly, never a crash mid-save.
    return text.encode("utf-8", "surrogatepass")
