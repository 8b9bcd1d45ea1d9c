"""The fold: a conversation's state is what its events add up to.

Every fact the engine acts on is worked out when an event is made and written into it (where the
conversation goes next, which areas were passed over), so applying an event here is plain
bookkeeping and replaying a conversation gives exactly the state it had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from convo.engine.events import Event, Position


@dataclass
class Item:
    """One thing recorded: an answer, a noted risk or strength, an observation."""

    id: int
    kind: str
    area: str
    stage: str | None
    outcome: int | None  # the id of the outcome it belongs to, if any
    text: str
    source: str
    at: datetime
    label: str | None = None
    choice: str | None = None
    choice_label: str | None = None


@dataclass
class RaisedAlert:
    """A safeguarding alert: heard in an answer, or raised by hand by the practitioner."""

    seq: int  # the event that raised it
    category: str | None  # None for alerts saved before concerns had categories
    term: str  # the words that raised it
    text: str  # the whole answer (or the practitioner's note), exactly as typed
    at: datetime
    source: str  # whose words
    by_hand: bool = False
    people: tuple[str, ...] = ()


@dataclass
class State:
    flow: str = ""
    flow_version: int = 0
    flow_hash: str = ""
    audience: str = "practitioner"
    started_at: datetime | None = None
    ended_at: datetime | None = None
    position: Position = field(default_factory=lambda: Position(""))
    speaker: str = "person"
    items: dict[int, Item] = field(default_factory=dict)
    skipped: dict[tuple[str, int | None], str] = field(default_factory=dict)
    nothing_said: set[tuple[str, int | None]] = field(default_factory=set)
    choices: dict[str, str] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    alerts: list[RaisedAlert] = field(default_factory=list)
    cues: dict[str, tuple[int, str, str, str]] = field(default_factory=dict)  # id -> (event, kind, term, text)
    cue_words: dict[str, str] = field(default_factory=dict)  # id -> the words a suggestion is about
    cue_actions: dict[str, str] = field(default_factory=dict)
    moves: list[tuple[int, datetime, Position, str | None]] = field(default_factory=list)
    raised_terms: set[str] = field(default_factory=set)
    acknowledged: dict[int, tuple[datetime, str | None]] = field(default_factory=dict)  # alert seq -> when, by whom
    last_answer: int | None = None
    names: list[str] = field(default_factory=list)  # marked with /name, hidden by export --redact

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def outcome_ids(self) -> list[int]:
        return [item.id for item in self.items.values() if item.kind == "outcome"]

    def outcome_id(self, index: int | None) -> int | None:
        ids = self.outcome_ids()
        return ids[index] if index is not None and 0 <= index < len(ids) else None

    def outcome_index(self, outcome_id: int | None) -> int | None:
        ids = self.outcome_ids()
        return ids.index(outcome_id) if outcome_id in ids else None

    def count(self, kind: str, outcome_id: int | None = None, any_outcome: bool = True) -> int:
        return sum(
            1 for item in self.items.values()
            if item.kind == kind and (any_outcome or item.outcome == outcome_id)
        )

    def at_stage(self, stage: str, outcome_id: int | None) -> list[Item]:
        return [i for i in self.items.values() if i.stage == stage and i.outcome == outcome_id]

    def pending_cues(self) -> list[str]:
        return [cue for cue in self.cues if cue not in self.cue_actions]

    def pending_alerts(self) -> list[RaisedAlert]:
        """Safeguarding alerts no one has yet said they have seen."""
        return [alert for alert in self.alerts if alert.seq not in self.acknowledged]


def fold(events: list[Event]) -> State:
    """Replay a conversation, leaving out whatever was undone."""
    undone = {event.data["event"] for event in events if event.type == "undone"}
    state = State()
    for event in events:
        if event.seq not in undone:
            apply(state, event)
    return state


def apply(state: State, event: Event) -> None:
    data = event.data
    handler = _HANDLERS.get(event.type)
    if handler:
        handler(state, event, data)
    after = event.after
    if after is not None:
        state.position = after


def _started(state: State, event: Event, data: dict) -> None:
    state.flow, state.flow_version, state.flow_hash = data["flow"], data["flow_version"], data["flow_hash"]
    state.audience, state.speaker = data["audience"], data["speaker"]
    state.started_at = event.at


def _add_item(state: State, event: Event, data: dict) -> None:
    pos = event.before
    state.items[event.seq] = Item(
        id=event.seq, kind=data["kind"], area=data["area"], stage=data.get("stage"),
        outcome=data.get("outcome_id"), text=data["text"], source=data["source"], at=event.at,
        label=data.get("label"), choice=data.get("choice"), choice_label=data.get("choice_label"),
    )
    state.last_answer = event.seq
    if data.get("choice") and data.get("stage"):
        state.choices[data["stage"]] = data["choice"]
    if pos is not None:
        state.visited.add(pos.stage)


def _answered(state: State, event: Event, data: dict) -> None:
    pos = event.before
    if data.get("text", "") != "":
        _add_item(state, event, data)
    elif pos is not None:
        state.visited.add(pos.stage)
        if data.get("nothing"):
            state.nothing_said.add((pos.stage, data.get("outcome_id")))
    for index, cue in enumerate(data.get("cues", [])):
        cue_id = f"{event.seq}.{index}"
        if cue["kind"] == "safeguarding":
            if not any(alert.seq == event.seq for alert in state.alerts):  # one banner per answer
                state.alerts.append(RaisedAlert(event.seq, cue.get("category"), cue["term"], data["text"], event.at,
                                                data.get("source", state.speaker), people=tuple(cue.get("people", ()))))
        else:
            state.cues[cue_id] = (event.seq, cue["kind"], cue["term"], cue["text"])
            if "words" in cue:
                state.cue_words[cue_id] = cue["words"]
        state.raised_terms.add(f"{cue['kind']}:{cue['term'].casefold()}")
    _skips(state, data)


def _skips(state: State, data: dict) -> None:
    for skip in data.get("skips", []):
        state.skipped[(skip["stage"], skip.get("outcome_id"))] = skip["reason"]


def _captured(state: State, event: Event, data: dict) -> None:
    _add_item(state, event, data)
    if data.get("cue"):
        state.cue_actions[data["cue"]] = "accepted"


def _skipped(state: State, event: Event, data: dict) -> None:
    _skips(state, data)


def _moved(state: State, event: Event, data: dict) -> None:
    state.moves.append((event.seq, event.at, event.after or state.position, data.get("reason")))
    _skips(state, data)


def _refiled(state: State, event: Event, data: dict) -> None:
    item = state.items.get(data["item"])
    if item is not None:
        item.kind, item.area, item.outcome = data["kind"], data["area"], data.get("outcome_id")
        item.label, item.choice, item.choice_label = None, None, None


def _cue(state: State, event: Event, data: dict) -> None:
    state.cue_actions[data["cue"]] = data["action"]


def _speaker(state: State, event: Event, data: dict) -> None:
    state.speaker = data["source"]


def _acknowledged(state: State, event: Event, data: dict) -> None:
    state.acknowledged[data["alert"]] = (event.at, data.get("by"))


def _raised(state: State, event: Event, data: dict) -> None:
    state.alerts.append(RaisedAlert(event.seq, data["category"], data["text"], data["text"], event.at,
                                    data.get("source", "practitioner"), by_hand=True))


def _named(state: State, event: Event, data: dict) -> None:
    if data["text"] not in state.names:
        state.names.append(data["text"])


def _ended(state: State, event: Event, data: dict) -> None:
    state.ended_at = event.at


_HANDLERS = {
    "started": _started,
    "answered": _answered,
    "captured": _captured,
    "skipped": _skipped,
    "moved": _moved,
    "refiled": _refiled,
    "cue": _cue,
    "speaker": _speaker,
    "acknowledged": _acknowledged,
    "raised": _raised,
    "named": _named,
    "ended": _ended,
}
