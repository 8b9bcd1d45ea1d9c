"""Where convo keeps things, and how it writes them: the shipped flows, the user's data directory, and files
only their owner can read."""

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


def write_private(path: Path, text: str, *, replace: bool = True) -> None:
    """Write a file only its owner can read, and whole: a temporary file beside it, flushed to disk, then
    renamed into place, so a crash leaves no half-written file.

    Without `replace`, the temporary file is linked into place, which fails with FileExistsError if the
    name is taken, so a file that appeared in the meantime is not written over either. Any other
    failure is an OSError, and leaves nothing behind."""
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(partial, path)
        else:
            _place_new(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _place_new(partial: Path, path: Path) -> None:
    try:
        os.link(partial, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.replace(partial, path)
    else:
        partial.unlink()

