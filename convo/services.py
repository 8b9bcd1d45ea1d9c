"""What faces may do with stored conversations: list them a page at a time, start one, open one to read or
carry it on as its one writer, export its draft, delete, and read or add to the audit log.

The app, line mode, the command line, the carers' web pages and practice reach the store only through a
`Service`; the engine is handed the store as a `convo.events.EventLog` and knows nothing more of it. The
store's errors are the ones a face catches, so they are named here too.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from convo import library
from convo.events import ConversationInfo
from convo.store import AuditEntry, ConversationOpen, Held, Member, Passphrase, Store, StoreError, TakenOver
from convo.store_factory import has_password, is_database_url, is_new, local_file, target

if TYPE_CHECKING:  # the engine and practice load when a conversation is first opened
    from convo.engine.conversation import Conversation
    from convo.practice.scenario import LoadedScenario
    from convo.practice.session import PracticeSession
    from convo.store_migrate import Migration
    from convo.store_postgres import PostgresStore

__all__ = [
    "AuditEntry", "ConversationInfo", "ConversationOpen", "Service", "StoreError", "TakenOver", "encrypt",
    "has_password", "is_database_url", "is_new", "local_file", "migrate", "open_database", "open_practice",
    "practice_db", "target",
]


def open_database(db: str | Path | None = None, *, passphrase: Passphrase | None = None,
                  encrypt: bool = False) -> Service:
    """The conversations in the database `db` names (see convo.store_factory.target), created on first use."""
    from convo.store_factory import open_store

    return Service(open_store(db, passphrase=passphrase, encrypt=encrypt))


def encrypt(path: Path, passphrase: str) -> int:
    """Re-write a plain SQLite store encrypted with a passphrase; the number of conversations encrypted."""
    from convo.store import encrypt_store

    return encrypt_store(path, passphrase)


def migrate(source: Path, destination: str, *, passphrase: Passphrase, team_passphrase: Passphrase,
            encrypt: bool = False, progress: Callable[[int, int], None] | None = None) -> Migration:
    """Copy every conversation and audit line of a SQLite file into a team database, checked by hash."""
    from convo.store_factory import open_team
    from convo.store_migrate import migrate as copy

    with Store(source, passphrase=passphrase) as old, \
            open_team(destination, passphrase=team_passphrase, encrypt=encrypt) as new:
        return copy(old, new, f"sqlite:{source.resolve()}", progress)


def practice_db(main_db: Path) -> Path:
    """Practice sessions live beside the conversations database, in a file of their own, so they never
    appear among real conversations; $CONVO_PRACTICE_DB overrides."""
    import os

    env = os.environ.get("CONVO_PRACTICE_DB")
    if env:
        return Path(env).expanduser()
    return main_db.with_name(f"{main_db.stem}-practice{main_db.suffix or '.db'}")


def open_practice(db: str | Path | None = None) -> Service:
    """The practice sessions kept beside the database `db` names: on this computer, even for a team database."""
    return Service(Store(practice_db(local_file(db))))


class Service:
    """One database of conversations, as faces use it."""

    def __init__(self, store: Store):
        self._store = store

    @property
    def path(self) -> Path | str:
        """What messages call the database: its file, or a team database's URL without its password."""
        return self._store.path

    @property
    def encrypted(self) -> bool:
        return self._store.encrypted

    def practice_beside(self) -> Service:
        """The practice sessions kept beside this database."""
        return open_practice(self._store.path)

    def has_practice(self) -> bool:
        """Whether a practice database has been made beside this one yet."""
        return practice_db(local_file(self._store.path)).exists()

    def sharing(self) -> Service | None:
        """Another writer of this team database on its connections (with a lease of its own); None for a
        SQLite file, which each writer opens for itself."""
        share = getattr(self._store, "sharing", None)
        return None if share is None else Service(share())

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Service:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- finding ---------------------------------------------------------------------------------

    # `list` names this method in the class below, so the built-in is spelt out there.
    def list(self, limit: int | None = None, offset: int = 0, search: str | None = None,
             unfinished_first: bool = False) -> builtins.list[ConversationInfo]:
        """Conversations newest first (or unfinished first, a carer's own before the rest), a page at a time,
        found by id, flow or title."""
        return self._store.list_conversations(limit, offset, search, unfinished_first)

    def get(self, conversation_id: str) -> ConversationInfo | None:
        return self._store.get(conversation_id)

    def carer_code(self, typed: str) -> ConversationInfo | None:
        """The carer's conversation a code belongs to; None for a wrong code or any other conversation."""
        from convo import carer

        code = carer.normalise_code(typed)
        info = self.get(code) if code else None
        return info if info is not None and info.flow == carer.FLOW and info.audience == carer.AUDIENCE else None

    def unfinished_carer(self) -> builtins.list[ConversationInfo]:
        """Unfinished carer conversations started in a terminal, with something typed, latest first."""
        from convo import carer

        return [info for info in self._store.list() if info.flow == carer.FLOW and info.audience == carer.AUDIENCE
                and info.status != "ended" and info.title and not carer.is_code(info.id)]

    # -- conversations ---------------------------------------------------------------------------

    def start(self, flow: str, audience: str, *, claim: bool = True, **options: Any) -> Conversation:
        """A new conversation on a flow (by name or file), held by this process unless `claim` is false.
        Options go to Conversation.start (a clock, an id, a machine of its own)."""
        conversation = library.start(self._store, flow, audience, **options)
        if claim:
            self._store.claim(conversation.id)
        return conversation

    def open(self, conversation_id: str, **options: Any) -> Conversation:
        """A saved conversation, read to show or export; carrying it on is `resume`."""
        if self._store.get(conversation_id) is None:
            raise StoreError(f"there is no conversation {conversation_id!r} in {self._store.path}")
        return library.resume(self._store, conversation_id, **options)

    def resume(self, conversation_id: str, *, take_over: bool = False, **options: Any) -> Conversation:
        """Carry on a saved conversation as its one writer. The lease is claimed before the events are read, so
        nothing another window wrote is missed; ConversationOpen says who has it, unless `take_over`."""
        self._store.claim(conversation_id, take_over=take_over)
        try:
            return self.open(conversation_id, **options)
        except BaseException:
            self.release(conversation_id)
            raise

    def claim(self, conversation_id: str, take_over: bool = False) -> None:
        self._store.claim(conversation_id, take_over=take_over)

    def release(self, conversation_id: str) -> None:
        """Let another window write this conversation; a store that cannot say so lets the lease lapse."""
        import contextlib

        with contextlib.suppress(StoreError):
            self._store.release(conversation_id)

    # -- the draft, and the log of who took it ----------------------------------------------------

    def export(self, conversation: Conversation, fmt: str, path: Path | None = None, *, redact: bool = False,
               plaintext: bool = False, replace: bool = True, language: str | None = None) -> str:
        """The draft's text; written to `path` if given (and then the resolved path is returned), owner-only
        and whole. An encrypted store's draft is written to a file only with `plaintext`; with `replace`
        false, an existing file is refused. Its own wording is in `language` (en, cy or both; by default the
        conversation's). Every export is audited, without anyone's words."""
        from convo.export import ExportRefused, draft_text, refuse_if_taken, write_draft

        if path is not None and self.encrypted and not plaintext:
            raise ExportRefused("this store is encrypted and the file would not be; "
                                "export with --plaintext-export (convo export) if that is what you want")
        if path is not None and not replace:
            refuse_if_taken(path)
        text = draft_text(conversation, fmt, redact, language)
        target = "stdout"
        if path is not None:
            write_draft(path, text, replace=replace)
            target = str(path.resolve())
        self.audit("exported", conversation.id, format=fmt, to=target, redacted=redact,
                   encrypted_store=self.encrypted)
        return target if path is not None else text

    def audit(self, action: str, conversation: str | None, **detail: Any) -> None:
        """Add a line to the audit log (a copy made, a code refused), or raise StoreError. Never anyone's words."""
        self._store.audit(action, conversation, **detail)

    def audit_log(self) -> builtins.list[AuditEntry]:
        return self._store.audit_log()

    def held(self) -> builtins.list[Held]:
        """The conversations open in a window now, with who has each (of the team, in a team database)."""
        return self._store.held()

    # -- a team database's members (its owner) ---------------------------------------------------

    def _team_store(self) -> PostgresStore:
        if not hasattr(self._store, "members"):
            raise StoreError(f"{self.path} is a file: teams belong to a team database"
                             " (postgresql://…, see docs/team-store.md)")
        return cast("PostgresStore", self._store)

    def members(self) -> builtins.list[Member]:
        """Who is in which team (the owner sees every team's; anyone else their own memberships)."""
        return self._team_store().members()

    def add_member(self, role: str, team: str, kind: str = "practitioner") -> bool:
        """Put a role in a team, or change its kind; True if it was not in the team before."""
        return self._team_store().add_member(role, team, kind)

    def remove_member(self, role: str, team: str) -> bool:
        """Take a role out of a team; False if it was not in it."""
        return self._team_store().remove_member(role, team)

    # -- removing --------------------------------------------------------------------------------

    def delete(self, conversation_id: str) -> bool:
        """Delete a conversation and overwrite its words; False if there was none."""
        return self._store.delete(conversation_id)

    def purge(self, before: datetime) -> builtins.list[str]:
        """Delete every conversation not updated since `before`; the ids deleted."""
        return self._store.purge(before)

    def older_than(self, before: datetime) -> int:
        """How many conversations have not been updated since `before`."""
        return sum(1 for info in self._store.list() if info.updated < before)

    # -- practice ----------------------------------------------------------------------------------

    def start_practice(self, loaded: LoadedScenario, *, claim: bool = True, **options: Any) -> PracticeSession:
        """A new practice with a simulated person, saved here (and held by this process, if `claim`)."""
        from convo.practice.session import PracticeSession

        session = PracticeSession.start(loaded, self._store, **options)
        if claim:
            self._store.claim(session.id)
        return session

    def resume_practice(self, practice_id: str, *, claim: bool = True, take_over: bool = False,
                        **options: Any) -> PracticeSession:
        """Carry on a practice left before its end (as its one writer, if `claim`)."""
        from convo.practice.session import PracticeSession

        if claim:
            self._store.claim(practice_id, take_over=take_over)
        return PracticeSession.resume(self._store, practice_id, **options)

    def unfinished_practices(self) -> builtins.list[ConversationInfo]:
        from convo.practice.session import unfinished

        return unfinished(self._store)
