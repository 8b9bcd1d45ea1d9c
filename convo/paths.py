"""Where convo keeps things: the shipped flows, and the user's data directory (owner-only)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "convo"


def flows_dir() -> Path:
    """The shipped flows: inside the installed package, or beside it in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_flows"
    return installed if installed.is_dir() else here.parent / "flows"


def data_dir_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return private_dir(data_dir_path())


def private_dir(path: Path, tighten: bool = True) -> Path:
    """Create a directory readable by its owner alone.

    convo's own folders are tightened if they exist; a folder the user named (the one holding a
    `--db` file, say /tmp) is only created if missing, never changed.
    """
    if not path.exists():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    elif tighten:
        os.chmod(path, 0o700)
    return path


def default_db() -> Path:
    env = os.environ.get("CONVO_DB")
    return Path(env).expanduser() if env else data_dir() / "conversations.db"
