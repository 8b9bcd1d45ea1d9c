"""A throwaway PostgreSQL server for tests and benchmarks: initdb in a temporary folder, listening on a
Unix socket there (and on loopback only if asked), run as a user other than root, as PostgreSQL insists.

Each process (each xdist worker) starts its own, in its own folder, so nothing is shared between them.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"
OWNER = "convo_admin"  # sets each database up on first use, as a deployment's owner role would
GROUP = "convo_user"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                      key=lambda path: int(Path(path).parent.parent.name) if Path(path).parent.parent.name.isdigit()
                      else 0)
    return Path(versions[-1]).parent if versions else None


def missing_reason() -> str | None:
    if binaries() is None:
        return "PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no 'postgres' user to run PostgreSQL as"
    return None


class Cluster:
    """One PostgreSQL server in a folder of its own; `stop()` removes the folder."""

    def __init__(self, *, tcp: bool = False, durable: bool = False, max_connections: int = 100):
        bindir = binaries()
        if bindir is None:
            raise RuntimeError(missing_reason() or "PostgreSQL is not installed")
        self.bindir = bindir
        self.account = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        # Short, in /tmp: a socket's path must fit in about 100 bytes.
        self.folder = Path(tempfile.mkdtemp(prefix="convo-pg-", dir="/tmp"))
        if self.account is not None:
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)
        self.data = self.folder / "data"
        self.port = _free_port() if tcp else 5432
        self.host = "127.0.0.1" if tcp else str(self.folder)
        self._numbers = itertools.count(1)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--no-sync", "-E", "UTF8",
                  "--locale=C")
        settings = [f"port={self.port}", f"unix_socket_directories='{self.folder}'",
                    f"listen_addresses='{'127.0.0.1' if tcp else ''}'", f"max_connections={max_connections}"]
        if not durable:  # tests restart the server cleanly; only a benchmark needs every commit on disk
            settings += ["fsync=off", "full_page_writes=off"]
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n".join(settings) + "\n")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "start")
        atexit.register(self.stop)
        self.sql(f"CREATE ROLE {OWNER} LOGIN CREATEROLE")
        self.sql(f"CREATE ROLE {GROUP} NOLOGIN")

    def _run(self, program: str, *args: str) -> None:
        ids = {} if self.account is None else {"user": self.account.pw_uid, "group": self.account.pw_gid}
        subprocess.run([str(self.bindir / program), *args], check=True, capture_output=True, cwd=self.folder,
                       timeout=120, **ids)  # type: ignore[call-overload]

    def url(self, role: str = OWNER, database: str = "postgres", **params: str) -> str:
        query = "&".join([f"host={self.host}", f"port={self.port}"] + [f"{k}={v}" for k, v in params.items()])
        return f"postgresql://{role}@/{database}?{query}"

    def sql(self, statement: str, database: str = "postgres", role: str = SUPERUSER) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(role, database), autocommit=True) as db:
            cursor = db.execute(statement.encode())
            return cursor.fetchall() if cursor.description else []

    def database(self, prefix: str = "t") -> str:
        """A new, empty database owned by OWNER."""
        name = f"{prefix}{os.getpid()}_{next(self._numbers)}"
        self.sql(f"CREATE DATABASE {name} OWNER {OWNER}")
        return name

    def role(self, name: str) -> str:
        """A login role in convo's group role (created once per server)."""
        if not self.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{name}'"):
            self.sql(f"CREATE ROLE {name} LOGIN IN ROLE {GROUP}")
        return name

    def restart(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "restart", "-l", str(self.folder / "log"))

    def halt(self) -> None:
        """Stop the server, keeping its data, until `resume()`: an outage longer than a restart."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


_shared: Cluster | None = None


def shared() -> Cluster:
    """This process's test server, started on first need and stopped when the process ends."""
    global _shared
    if _shared is None:
        _shared = Cluster()
    return _shared


def stop_shared() -> None:
    """Stop this process's test server now (a test session's end), not at exit: an xdist worker may
    leave without running what atexit holds."""
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def for_tests() -> Cluster:
    """The shared server; without PostgreSQL the test is skipped with the reason, but fails in CI."""
    import pytest

    reason = missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must test the team store: {reason}")
        pytest.skip(reason)
    return shared()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
