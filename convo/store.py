"""The event log, in SQLite: each event is committed before the next prompt is shown.

This is the only module that touches the database. It hands out plain `Event`s and
`ConversationInfo`s, never rows. Files are created owner-only; a database that is locked,
damaged, not convo's or from a newer convo is refused with a one-line reason and never overwritten.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from convo.engine.events import Event
from convo.paths import private_dir

SCHEMA_VERSION = 1
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


Codec = tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]
_PLAIN: Codec = (lambda data: data, lambda data: data)


def now() -> datetime:
    return datetime.now(timezone.utc)


class Store:
    """One SQLite file of conversations and their events."""

    def __init__(self, path: str | Path, codec: Codec | None = None):
        self.path = Path(path)
        self._encode, self._decode = codec or _PLAIN
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        existed = self.path.exists()
        if existed and self.path.is_dir():
            raise StoreError(f"{self.path} is a directory, not a convo database")
        if not existed:
            private_dir(self.path.parent)
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except OSError as error:
                raise StoreError(f"cannot create {self.path}: {error.strerror}") from None
        try:
            db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None, check_same_thread=False)
            self._check(db, fresh=not existed or self.path.stat().st_size == 0)
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from None
        return db

    def _check(self, db: sqlite3.Connection, fresh: bool) -> None:
        if fresh:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(
                f"BEGIN IMMEDIATE; {_SCHEMA} PRAGMA user_version={SCHEMA_VERSION};"
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
        for sidecar in ("-wal", "-shm"):
            side = Path(str(self.path) + sidecar)
            if side.exists():
                os.chmod(side, 0o600)

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
                 self._encode(info.title.encode()), _iso(info.created), _iso(info.updated), info.status),
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
                values.append(self._encode(title.encode()))
            self._db.execute(f"UPDATE conversations SET {', '.join(sets)} WHERE id = ?", (*values, conversation))

    def _insert(self, conversation: str, event: Event) -> None:
        payload = json.dumps(event.data, ensure_ascii=False, separators=(",", ":")).encode()
        self._db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?)",
            (conversation, event.seq, event.type, _iso(event.at), self._encode(payload)),
        )

    def delete(self, conversation: str) -> bool:
        """Remove a conversation so its words are gone from the file, not just unlisted."""
        with self._transaction():
            gone = self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation,)).rowcount
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return bool(gone)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)

    # -- reading -------------------------------------------------------------------------------

    def events(self, conversation: str) -> list[Event]:
        rows = self._read(
            "SELECT seq, type, at, data FROM events WHERE conversation = ? ORDER BY seq", (conversation,)
        )
        return [
            Event(seq, kind, datetime.fromisoformat(at), json.loads(self._decode(bytes(data)).decode()))
            for seq, kind, at, data in rows
        ]

    def get(self, conversation: str) -> ConversationInfo | None:
        rows = self._read("SELECT * FROM conversations WHERE id = ?", (conversation,))
        return self._info(rows[0]) if rows else None

    def list(self) -> list[ConversationInfo]:
        return [self._info(row) for row in self._read("SELECT * FROM conversations ORDER BY updated DESC", ())]

    def _info(self, row: tuple[Any, ...]) -> ConversationInfo:
        ident, flow, version, digest, audience, title, created, updated, status = row
        return ConversationInfo(
            ident, flow, version, digest, audience, self._decode(bytes(title)).decode(),
            datetime.fromisoformat(created), datetime.fromisoformat(updated), status,
        )

    def _read(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as error:
            raise StoreError(_explain(error, self.path)) from None

    def integrity(self) -> str:
        return self._db.execute("PRAGMA integrity_check").fetchone()[0]


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
