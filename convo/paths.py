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


def data_dir() -> Path:
    from platformdirs import user_data_dir

    path = Path(user_data_dir(APP_NAME, appauthor=False))
    private_dir(path)
    return path


def private_dir(path: Path) -> Path:
    """Create a directory readable by its owner alone (and tighten one that exists)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def default_db() -> Path:
    env = os.environ.get("CONVO_DB")
    return Path(env).expanduser() if env else data_dir() / "conversations.db"
