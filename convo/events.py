"""Events: everything that happens in a conversation, in order, each kind with a typed payload.

The store keeps each event as a kind, a time and a JSON object, and knows nothing of what they mean;
the engine writes payloads and its fold reads them back with `Event.payload`. The kinds and the keys
written here are those of every convo before: a payload an older convo wrote reads with the defaults
below, so an old database opens. Practice keeps its own kinds in the same envelope and reads `data`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, ClassVar, Protocol


@dataclass(frozen=True)
class Position:
    """Where the conversation is: a stage, for which outcome, and where an interrupt returns to."""

    stage: str
    outcome: int | None = None
    back_to: tuple[str, int | None] | None = None
    term: str | None = None
    follow_up: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stage": self.stage, "outcome": self.outcome}
        if self.back_to:
            data["back_to"] = list(self.back_to)
        if self.term:
            data["term"] = self.term
        if self.follow_up:
            data["follow_up"] = self.follow_up
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Position:
        back = data.get("back_to")
        return cls(
            stage=data["stage"],
            outcome=data.get("outcome"),
            back_to=(back[0], back[1]) if back else None,
            term=data.get("term"),
            follow_up=data.get("follow_up"),
        )

    @property
    def place(self) -> tuple[str, int | None]:
        return (self.stage, self.outcome)


# -- the payloads -------------------------------------------------------------------------------------
#
# Each is written as a JSON object of its fields. A field that is None is left out (older payloads
# never had it), except those listed in KEEP_NONE, which are written as null.


@dataclass(frozen=True, kw_only=True)
class Payload:
    KIND: ClassVar[str] = ""
    KEEP_NONE: ClassVar[frozenset[str]] = frozenset()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in _names(type(self)):
            value = getattr(self, name)
            if value is None and name not in self.KEEP_NONE:
                continue
            data[name] = _json(value) if isinstance(value, tuple) else value
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Payload:
        return cls(**{name: data[name] for name in _names(cls) if name in data})


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(kind: type[Payload]) -> tuple[str, ...]:
    """A payload's field names, worked out once per kind (each event written or read asks)."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(spec.name for spec in fields(kind))
    return names


def _json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    if isinstance(value, (Heard, LeftOut)):
        return value.to_data()
    return value


@dataclass(frozen=True, kw_only=True)
class Heard:
    """Something noticed in an answer: a suggestion to take up, or (kind `safeguarding`) an alert."""

    kind: str
    term: str  # the words that raised it
    text: str  # what convo says about it
    category: str | None = None  # the kind of concern, for an alert (older alerts have none)
    people: tuple[str, ...] = ()  # who was named in a concern
    words: str | None = None  # the words a suggestion to record something is about (older ones: none)

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "term": self.term, "text": self.text}
        if self.category:
            data["category"] = self.category
        if self.people:
            data["people"] = list(self.people)
        if self.words is not None:
            data["words"] = self.words
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Heard:
        return cls(kind=data["kind"], term=data["term"], text=data["text"], category=data.get("category"),
                   people=tuple(data.get("people", ())), words=data.get("words"))


@dataclass(frozen=True, kw_only=True)
class LeftOut:
    """A question left out, for one outcome (its item id) or for the whole conversation, and why."""

    stage: str
    outcome_id: int | None = None
    reason: str

    def to_data(self) -> dict[str, Any]:
        return {"stage": self.stage, "outcome_id": self.outcome_id, "reason": self.reason}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> LeftOut:
        return cls(stage=data["stage"], outcome_id=data.get("outcome_id"), reason=data["reason"])


def _skips(data: dict[str, Any]) -> tuple[LeftOut, ...]:
    return tuple(LeftOut.from_data(skip) for skip in data.get("skips", ()))


@dataclass(frozen=True, kw_only=True)
class Started(Payload):
    KIND = "started"
    flow: str
    flow_version: int
    flow_hash: str
    flow_source: str | None = None  # the file it was read from (older conversations: not kept)
    audience: str
    speaker: str
    practitioner: dict[str, str] | None = None  # name, role and team from their settings (older: not kept)
    language: str | None = None  # the language it is held in, "en" or "cy" (older: English)


@dataclass(frozen=True, kw_only=True)
class Answered(Payload):
    """A line answered at a stage. A blank line (`text` "") moves on and records nothing."""

    KIND = "answered"
    KEEP_NONE = frozenset({"outcome_id", "choice", "choice_label"})
    text: str
    outcome_id: int | None = None
    stage: str
    asked: str | None = None  # the question as it was put (older answers: not kept)
    nothing: bool | None = None  # a blank line where nothing had been said
    kind: str | None = None
    area: str | None = None
    source: str | None = None
    label: str | None = None
    choice: str | None = None
    choice_label: str | None = None
    cues: tuple[Heard, ...] | None = None
    skips: tuple[LeftOut, ...] = ()
    language: str | None = None  # the language it was given in (older answers: the conversation's)
    # Written again (`Rewrite`): the answers these words stand in place of, by their events' numbers. The
    # first keeps its place in the record with these words; the others leave it. Their events, and any
    # alert they raised, stand.
    replaces: tuple[int, ...] | None = None

    @property
    def said(self) -> bool:
        return self.text != ""

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        if not self.said:  # a blank line is where, never what
            for name in ("kind", "area", "source", "label", "choice", "choice_label"):
                data.pop(name, None)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Answered:
        cues = data.get("cues")
        return cls(text=data.get("text", ""), outcome_id=data.get("outcome_id"), stage=data.get("stage", ""),
                   asked=data.get("asked"), nothing=data.get("nothing"), kind=data.get("kind"),
                   area=data.get("area"), source=data.get("source"), label=data.get("label"),
                   choice=data.get("choice"), choice_label=data.get("choice_label"),
                   cues=tuple(Heard.from_data(cue) for cue in cues) if cues is not None else None,
                   skips=_skips(data), language=data.get("language"),
                   replaces=tuple(data["replaces"]) if data.get("replaces") else None)


@dataclass(frozen=True, kw_only=True)
class Captured(Payload):
    """Something recorded by command (a risk, a strength, a note) or from an accepted suggestion."""

    KIND = "captured"
    KEEP_NONE = frozenset({"outcome_id"})
    text: str
    kind: str
    area: str
    outcome_id: int | None = None
    source: str
    cue: str | None = None  # the suggestion it came from


@dataclass(frozen=True, kw_only=True)
class Skipped(Payload):
    KIND = "skipped"
    skips: tuple[LeftOut, ...] = ()

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Skipped:
        return cls(skips=_skips(data))


@dataclass(frozen=True, kw_only=True)
class Moved(Payload):
    """A move to another stage or part; `automatic` when questions were passed over on the way."""

    KIND = "moved"
    reason: str | None = None
    skips: tuple[LeftOut, ...] = ()
    automatic: bool | None = None

    def to_data(self) -> dict[str, Any]:
        data = super().to_data()
        if not self.automatic:  # a move someone asked for says why, even if only that no reason was given
            data = {"reason": self.reason, **data}
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Moved:
        return cls(reason=data.get("reason"), skips=_skips(data), automatic=data.get("automatic"))


@dataclass(frozen=True, kw_only=True)
class Refiled(Payload):
    KIND = "refiled"
    KEEP_NONE = frozenset({"outcome_id"})
    item: int
    kind: str
    area: str
    outcome_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CueActed(Payload):
    """A suggestion taken up (`accepted`) or set aside (`dismissed`)."""

    KIND = "cue"
    cue: str
    action: str


@dataclass(frozen=True, kw_only=True)
class SpeakerChanged(Payload):
    KIND = "speaker"
    source: str


@dataclass(frozen=True, kw_only=True)
class Acknowledged(Payload):
    """Someone has seen a safeguarding alert (the event that raised it)."""

    KIND = "acknowledged"
    alert: int
    by: str | None = None  # the account (older acknowledgements: not kept)
    # A carer closed the banner about their own words: they saw it and its help, no practitioner has
    # (None, not False, otherwise: left out of what is written, as older events never had it).
    by_carer: bool | None = None


@dataclass(frozen=True, kw_only=True)
class Raised(Payload):
    """A concern raised by hand."""

    KIND = "raised"
    category: str
    text: str
    source: str = "practitioner"
    by: str | None = None


@dataclass(frozen=True, kw_only=True)
class Named(Payload):
    """A name to hide when the draft is exported redacted."""

    KIND = "named"
    text: str


@dataclass(frozen=True, kw_only=True)
class LanguageChosen(Payload):
    """The conversation goes on in another language (or the same one, when Welsh was offered and not taken)."""

    KIND = "language"
    language: str
    offered: bool = False  # chosen in answer to the Active Offer, rather than asked for by a command
    passed: bool = False  # the Active Offer passed over with a blank line: the language it was in, kept


@dataclass(frozen=True, kw_only=True)
class Ended(Payload):
    KIND = "ended"


@dataclass(frozen=True, kw_only=True)
class Undone(Payload):
    KIND = "undone"
    event: int


KINDS: dict[str, type[Payload]] = {kind.KIND: kind for kind in (
    Started, Answered, Captured, Skipped, Moved, Refiled, CueActed, SpeakerChanged, Acknowledged, Raised, Named,
    Ended, Undone, LanguageChosen,
)}


# -- the envelope ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One event as the store keeps it: a number, a kind, a time and a JSON object."""

    seq: int
    type: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    # The payload the event was made from, so what was just written need not be read back from `data`.
    made_from: Payload | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, seq: int, at: datetime, payload: Payload, before: Position | None = None,
           after: Position | None = None) -> Event:
        """An event of a conversation: the payload, and where it happened and left the conversation."""
        data = payload.to_data()
        if before is not None:
            data["pos"] = before.to_json()
        if after is not None:
            data["next"] = after.to_json()
        return cls(seq, payload.KIND, at, data, payload)

    @property
    def payload(self) -> Payload:
        """What happened, typed (for a conversation's events; practice reads `data`)."""
        if self.made_from is not None:
            return self.made_from
        kind = KINDS.get(self.type)
        if kind is None:
            raise ValueError(f"event {self.seq} is of a kind this convo does not know: {self.type!r}")
        return kind.from_data(self.data)

    @property
    def before(self) -> Position | None:
        return Position.from_json(self.data["pos"]) if "pos" in self.data else None

    @property
    def after(self) -> Position | None:
        return Position.from_json(self.data["next"]) if "next" in self.data else None


def undone(events: Iterable[Event]) -> set[int]:
    """The events taken back with /undo."""
    return {event.data["event"] for event in events if event.type == Undone.KIND}


def standing(events: list[Event]) -> Iterator[Event]:
    """The events that stand: every one but those taken back (an undoing stands: it moved the conversation)."""
    gone = undone(events)
    return (event for event in events if event.seq not in gone)


# -- what the log keeps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConversationInfo:
    """What the log keeps about a conversation besides its events, for listing and finding it."""

    id: str
    flow: str
    flow_version: int
    flow_hash: str
    audience: str
    title: str
    created: datetime
    updated: datetime
    status: str


class EventLog(Protocol):
    """Where a conversation's events are kept: the store, as the engine and practice see it.

    Each call commits before it returns, or raises; nothing is shown to anyone before that."""

    def create(self, info: ConversationInfo, first: Event) -> None: ...

    def append(self, conversation: str, event: Event, status: str | None = None,
               title: str | None = None) -> None: ...

    def events(self, conversation: str) -> list[Event]: ...
