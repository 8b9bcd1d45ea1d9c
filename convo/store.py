"""The event log, in SQLite: each event is committed before the next prompt is shown.

This is the only module that touches the database. It hands out plain `Event`s and
`ConversationInfo`s, never rows. Files are created owner-only; a database that is locked,
damaged, not convo's or from a newer convo is refused with a one-line reason and never overwritten.
An encrypted store (see convo.crypt) seals every payload and title; deletions overwrite what they
remove; exports and deletions are written to an append-only audit table, without anyone's words.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convo.paths import data_dir_path, private_dir

if TYPE_CHECKING:  # loaded when events are first read, so listing conversations stays light
    from convo.engine.events import Event

SCHEMA_VERSION = 2
APPLICATION_ID = 0x636F6E76  # "conv", so another program's SQLite file is never mistaken for ours

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


class StoreError(Exception):
    """A problem with the database, in one line a person can act on."""


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    flow: str
    flow_version: int
    flow_hash: str
    audience: str
    title: str
    created: datetime
    updated: datetime
    status: str


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    action: str
    conversation: str | None
    detail: dict[str, Any]


Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]
Passphrase = Callable[[], str]
_PLAIN: Codec = (lambda data: data, lambda data: data)


def now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """One SQLite file of conversations and their events."""

    def __init__(self, path: str | Path, codec: Codec | None = None, *,
                 passphrase: Passphrase | None = None, encrypt: bool = False):
        """Open (or create) a store. `passphrase` is called only if the store is, or is to be, encrypted."""
        self.path = Path(path)
        self._encode, self._decode = codec or _PLAIN
        self.encrypted = False
        self._db = self._open(passphrase, encrypt)

    def _open(self, passphrase: Passphrase | None, encrypt: bool) -> sqlite3.Connection:
        existed = self.path.exists()
        if existed and self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a convo database")
        header: dict[str, str] = {}
        if not existed and encrypt:
            header = self._new_key(passphrase)  # before the file exists, so a refused passphrase leaves nothing
        if not existed:
            private_dir(self.path.parent, tighten=self.path.parent.resolve() == data_dir_path().resolve())
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except OSError as error:
                raise StoreError(f"cannot create {self.path}: {error.strerror}") from None
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None, check_same_thread=False)
            blank = _blank(db)
            if blank and encrypt and not header:
                header = self._new_key(passphrase)
            self._check(db, blank, header, passphrase, encrypt)
        except sqlite3.DatabaseError as error:
            if db is not None:
                db.close()
            raise StoreError(_explain(error, self.path)) from None
        except BaseException:
            if db is not None:
                db.close()
            raise
        return db

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
            db.execute("PRAGMA journal_mode=WAL")
            # The key's header goes in with the schema, so a store is never half encrypted.
            keys = "".join(f"INSERT INTO meta VALUES ({_quote(k)}, {_quote(v)});" for k, v in header.items())
            db.executescript(
                f"BEGIN IMMEDIATE; {_SCHEMA} {_AUDIT} {keys} PRAGMA user_version={SCHEMA_VERSION};"
                f" PRAGMA application_id={APPLICATION_ID}; COMMIT;"
            )
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if app != APPLICATION_ID:
            raise StoreError(f"{self.path} is not a convo database; it was left untouched")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer convo (store version {version}); upgrade convo to open it"
            )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")
        if not fresh:
            self._unlock(db, passphrase, encrypt)
        if version < 2:
            db.executescript(f"BEGIN IMMEDIATE; {_AUDIT} PRAGMA user_version=2; COMMIT;")
        for sidecar in ("-wal", "-shm"):
            side = Path(str(self.path) + sidecar)
            if side.exists():
                os.chmod(side, 0o600)

    def _unlock(self, db: sqlite3.Connection, passphrase: Passphrase | None, encrypt: bool) -> None:
        """Check the passphrase of an encrypted store before anything is written to it."""
        from convo import crypt

        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if "cipher" not in meta:
            if encrypt:
                raise StoreError(f"{self.path} is not encrypted; run `convo encrypt` to encrypt it")
            return
        if passphrase is None:
            raise StoreError(f"{self.path} is encrypted: give its passphrase (${crypt.PASSPHRASE_ENV} or at the terminal)")
        try:
            self._use(crypt.unlock(meta, passphrase()))
        except crypt.CryptError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            self._insert(conversation, event)
            sets, values = ["updated = ?"], [_iso(event.at)]
            if status is not None:
                sets.append("status = ?")
                values.append(status)
            if title is not None:
                sets.append("title = ?")
                values.append(self._encode(_utf8(title)))
            self._db.execute(f"UPDATE conversations SET {', '.join(sets)} WHERE id = ?", (*values, conversation))

    def _insert(self, conversation: str, event: Event) -> None:
        payload = _utf8(json.dumps(event.data, ensure_ascii=False, separators=(",", ":")))
        self._db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?)",
            (conversation, event.seq, event.type, _iso(event.at), self._encode(payload)),
        )

    def delete(self, conversation: str) -> bool:
        """Remove a conversation so its words are gone from the file, not just unlisted."""
        return bool(self._remove([conversation], "deleted", {}))

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
                    self._audit(action, ident, detail)
        # secure_delete has zeroed the freed pages; this moves them out of the WAL and empties it.
        self.checkpoint()
        return gone

    def checkpoint(self) -> None:
        try:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from None

    def record(self, action: str, conversation: str | None, **detail: Any) -> None:
        """Add a line to the audit log (an export, say). Never pass anyone's words here."""
        with self._transaction():
            self._audit(action, conversation, detail)

    def _audit(self, action: str, conversation: str | None, detail: dict[str, Any]) -> None:
        self._db.execute(
            "INSERT INTO audit (at, action, conversation, detail) VALUES (?, ?, ?, ?)",
            (_iso(now()), action, conversation, json.dumps(detail, sort_keys=True)),
        )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)

    # -- reading -------------------------------------------------------------------------------

    def events(self, conversation: str) -> list[Event]:
        from convo.engine.events import Event

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

    def list(self) -> list[ConversationInfo]:
        return [self._info(row) for row in self._read("SELECT * FROM conversations ORDER BY updated DESC", ())]

    def _info(self, row: tuple[Any, ...]) -> ConversationInfo:
        ident, flow, version, digest, audience, title, created, updated, status = row
        return ConversationInfo(
            ident, flow, version, digest, audience, self._text(title),
            datetime.fromisoformat(created), datetime.fromisoformat(updated), status,
        )

    def _read(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from None

    def audit_log(self) -> list[AuditEntry]:
        rows = self._read("SELECT seq, at, action, conversation, detail FROM audit ORDER BY seq", ())
        return [AuditEntry(seq, datetime.fromisoformat(at), action, conv, json.loads(detail))
                for seq, at, action, conv, detail in rows]

    def integrity(self) -> str:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]


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

    import secrets

    old = Store(path, passphrase=already)
    fresh = path.with_name(f"{path.name}.encrypting-{secrets.token_hex(4)}")
    db = old._db
    scrub = None
    try:
        try:
            # Leaving WAL mode needs every other connection closed, so this also proves nobody else has it open.
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] != "delete":
                raise StoreError(f"{path} is in use by another program; close it and try again; nothing was changed")
            db.execute("BEGIN EXCLUSIVE")
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, path)) from None
        new = Store(fresh, passphrase=lambda: passphrase, encrypt=True)
        try:
            count = _copy(old, new)
            new.record("encrypted", None, conversations=count)
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
        try:
            db.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass
        old.close()
        raise
    # The plain original no longer has a name; overwrite its bytes too (best effort on SSDs and copy-on-write disks).
    try:
        size = os.fstat(scrub).st_size
        os.pwrite(scrub, b"\0" * size, 0)
        os.fsync(scrub)
    finally:
        os.close(scrub)
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
    def __init__(self, db: sqlite3.Connection, path: Path):
        self.db, self.path = db, path

    def __enter__(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from None

    def __exit__(self, kind: type | None, error: BaseException | None, tb: object) -> None:
        if kind is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.DatabaseError as failure:
                error = failure
        self.db.execute("ROLLBACK")
        if isinstance(error, sqlite3.DatabaseError):
            raise StoreError(_explain(error, self.path)) from None


def _explain(error: sqlite3.DatabaseError, path: Path) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return f"{path} is in use by another program (database is locked); nothing was changed"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"{path} is damaged or not a convo database; it was left untouched"
    if "readonly" in text or "read-only" in text:
        return f"{path} cannot be written (read-only)"
    return f"{path}: {text}"


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
