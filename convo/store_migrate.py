"""Copying a SQLite store's conversations and audit lines into a team's PostgreSQL database
(`convo migrate`): checked by counts and a hash of each conversation, and safe to run again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from convo.events import ConversationInfo, Event
from convo.store import Store, StoreError

if TYPE_CHECKING:
    from convo.store_postgres import PostgresStore


@dataclass
class Migration:
    """What a run did. `conflicts` are conversations that differ in the two stores and were left alone."""

    copied: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)
    audit_source: int = 0
    audit_copied: int = 0

    @property
    def conversations(self) -> int:
        return len(self.copied) + len(self.extended) + len(self.already) + len(self.conflicts)

    @property
    def verified(self) -> bool:
        return not self.conflicts and self.audit_copied == self.audit_source


def digest(info: ConversationInfo, events: list[Event]) -> str:
    """A hash of a conversation as either store gives it back: its summary and every event, decrypted."""
    hashed = hashlib.sha256()
    summary = [info.id, info.flow, info.flow_version, info.flow_hash, info.audience, info.title,
               _utc(info.created), _utc(info.updated), info.status]
    hashed.update(_canonical(summary))
    for event in events:
        hashed.update(_canonical([event.seq, event.type, _utc(event.at), event.data]))
    return hashed.hexdigest()


def migrate(source: Store, destination: PostgresStore, origin: str,
            progress: Callable[[int, int], None] | None = None) -> Migration:
    """Copy what `destination` lacks from `source`, then read each conversation back and compare hashes.

    A conversation already there and the same is left alone; one that has since grown in `source`
    gets the events it lacks; one that differs any other way is reported and not touched. Audit lines
    are copied once each, named by `origin` and their number there.
    """
    done = Migration()
    infos = source.list()
    for number, info in enumerate(infos, 1):
        events = source.events(info.id)
        wanted = digest(info, events)
        there = destination.get(info.id)
        if there is not None:
            theirs = destination.events(info.id)
            if digest(there, theirs) == wanted:
                done.already.append(info.id)
                _tick(progress, number, len(infos))
                continue
            if theirs != events[:len(theirs)]:
                done.conflicts[info.id] = "differs from the copy already in the team database"
                _tick(progress, number, len(infos))
                continue
        try:
            destination.import_conversation(info, events)
        except StoreError as error:  # reported with the rest; the others are still copied
            done.conflicts[info.id] = str(error)
            _tick(progress, number, len(infos))
            continue
        copied = destination.get(info.id)
        if copied is None or digest(copied, destination.events(info.id)) != wanted:
            done.conflicts[info.id] = "the copy read back differs from the original"
        else:
            (done.copied if there is None else done.extended).append(info.id)
        _tick(progress, number, len(infos))
    entries = source.audit_log()
    done.audit_source = len(entries)
    done.audit_copied = destination.import_audit(entries, origin)
    return done


def _tick(progress: Callable[[int, int], None] | None, number: int, total: int) -> None:
    if progress is not None:
        progress(number, total)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _canonical(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass") + b"\n"
