"""What a `--db` (or $CONVO_DB) names, and opening it: a SQLite file (a path, or `sqlite:PATH`) for one
person, or a team's PostgreSQL database (`postgresql://…`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import parse_qsl, urlsplit

from convo.store import Codec, Passphrase, Store, StoreError

if TYPE_CHECKING:
    from convo.store_postgres import PostgresStore

SQLITE_PREFIX = "sqlite:"
DATABASE_SCHEMES = ("postgresql://", "postgres://")
INSTALL_TEAM = "a team database needs psycopg: pip install 'convo[team]'"


def target(db: str | Path | None = None) -> str | Path:
    """A SQLite file's path, or a PostgreSQL URL, from `--db`, else $CONVO_DB, else convo's data folder.

    Anything else that looks like a URL is refused, so a mistyped URL never becomes a folder of that name.
    """
    if db is None or db == "":
        db = os.environ.get("CONVO_DB") or None
    if db is None:
        from convo.paths import data_dir

        return data_dir() / "conversations.db"
    if isinstance(db, Path):
        return db
    if is_database_url(db):
        return db
    if db.startswith(SQLITE_PREFIX):
        return Path(db.removeprefix(SQLITE_PREFIX)).expanduser()
    if "://" in db or db.split(":", 1)[0].lower() in ("postgresql", "postgres"):
        raise StoreError(f"{_shown(db)} is neither a file nor a postgresql:// URL; nothing was opened")
    return Path(db).expanduser()


def is_database_url(db: str | Path) -> bool:
    return isinstance(db, str) and db.lower().startswith(DATABASE_SCHEMES)


def open_store(db: str | Path | None = None, codec: Codec | None = None, *, passphrase: Passphrase | None = None,
               encrypt: bool = False) -> Store:
    """Open (creating on first use) the store `db` names; see `target`.

    Typed as Store: a PostgresStore offers the same methods (tests compare them) but shares no code.
    """
    where = target(db)
    if isinstance(where, Path):
        return Store(where, codec, passphrase=passphrase, encrypt=encrypt)
    return cast("Store", open_team(where, codec, passphrase=passphrase, encrypt=encrypt))


def open_team(url: str, codec: Codec | None = None, *, passphrase: Passphrase | None = None,
              encrypt: bool = False) -> PostgresStore:
    """Open a team's PostgreSQL database, or say in one line how to install what it needs."""
    try:
        from convo.store_postgres import PostgresStore
    except ImportError:
        raise StoreError(INSTALL_TEAM) from None
    return PostgresStore(url, codec, passphrase=passphrase, encrypt=encrypt)


def has_password(url: str) -> bool:
    """Does a database URL carry its password (which a command line would show to anyone)?"""
    parts = urlsplit(url)
    return parts.password is not None or any(key == "password" for key, _ in parse_qsl(parts.query))


def is_new(db: str | Path | None = None) -> bool:
    """Would opening `db` create a new SQLite file? (A team database says for itself.)"""
    where = target(db)
    return isinstance(where, Path) and not where.exists()


def local_file(db: str | Path | None = None) -> Path:
    """The file that what convo keeps beside a store (practice sessions) is named after: the SQLite file
    itself, or for a team database a name in convo's data folder, so practice stays on this computer."""
    where = target(db)
    if isinstance(where, Path):
        return where
    from convo.paths import data_dir

    return data_dir() / "team.db"


def _shown(db: str) -> str:
    """A target as an error may show it: never a password."""
    head, sep, rest = db.partition("://")
    if sep and "@" in rest:
        rest = rest.split("@", 1)[1]
        return f"{head}://…@{rest}"
    return repr(db)
