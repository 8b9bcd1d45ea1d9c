"""The fold: a conversation's state is what its events add up to.

Every fact the engine acts on is worked out when an event is made and written into it (where the
conversation goes next, which areas were passed over), so applying an event here is plain
bookkeeping, and replaying a conversation gives exactly the state it had. This is the one reader of
a conversation's typed events; anything else that shows what happened reads the state it builds.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime

from convo.events import (
    Acknowledged,
    Answered,
    Captured,
    CueActed,
    Ended,
    Event,
    LanguageChosen,
    LeftOut,
    Moved,
    Named,
    Position,
    Raised,
    Refiled,
    Skipped,
    SpeakerChanged,
    Started,
    undone,
)
from convo.vocabulary import OUTCOME


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
    language: str | None = None  # the language the words were said in


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
    taken_back: bool = False  # the answer that raised it was taken back (/undo, an emptied box): the alert stands
    changed: bool = False  # the answer that raised it was written again (`Rewrite`): the alert stands as first said


@dataclass
class State:
    flow: str = ""
    flow_version: int = 0
    flow_hash: str = ""
    audience: str = "practitioner"
    practitioner: dict[str, str] | None = None  # who held it: name, role, team as their settings said
    started_at: datetime | None = None
    ended_at: datetime | None = None
    position: Position = field(default_factory=lambda: Position(""))
    speaker: str = "person"
    language: str = "en"  # the language the conversation is in now
    offered_welsh: bool = False  # the Active Offer was made: Welsh offered before anything else was asked
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
    seen_by_carer: dict[int, datetime] = field(default_factory=dict)  # alert seq -> when a carer closed it
    last_answer: int | None = None
    # An answer written again: the answer's item, and the events that wrote it again (each raised its own alerts).
    rewritten: dict[int, tuple[int, ...]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # marked with /name, hidden by export --redact

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def copy(self) -> State:
        """A copy that applying one more event to leaves this state as it was (items are replaced, not changed,
        by every event but a re-filing)."""
        ahead = copy.copy(self)
        kept = ahead.__dict__
        for name, value in kept.items():
            if type(value) in (dict, set, list):
                kept[name] = value.copy()
        return ahead

    def outcome_ids(self) -> list[int]:
        return [item.id for item in self.items.values() if item.kind == OUTCOME]

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

    def pending_alerts(self, carer: bool = False) -> list[RaisedAlert]:
        """Safeguarding alerts no practitioner has yet acknowledged; for a carer at the keyboard (`carer`),
        those the carer has not closed either."""
        return [alert for alert in self.alerts
                if alert.seq not in self.acknowledged and not (carer and alert.seq in self.seen_by_carer)]


def fold(events: list[Event]) -> State:
    """Replay a conversation, leaving out whatever was undone, except the safeguarding alerts an answer
    taken back raised: an alert is never hidden, not even by the person who said the words."""
    state = State()
    gone = undone(events)
    for event in events:
        if event.seq not in gone:
            apply(state, event)
        elif isinstance(event.payload, Answered):
            _cues(state, event, event.payload, taken_back=True)
    return state


def apply(state: State, event: Event) -> None:
    before = event.before
    match event.payload:
        case Started() as started:
            state.flow, state.flow_version, state.flow_hash = started.flow, started.flow_version, started.flow_hash
            state.audience, state.speaker = started.audience, started.speaker
            state.practitioner = started.practitioner
            state.language = started.language or "en"
            state.started_at = event.at
        case Answered() as answered:
            _answered(state, event, answered, before)
        case Captured() as captured:
            _add_item(state, event.seq, event.at, before, kind=captured.kind, area=captured.area, stage=None,
                      outcome=captured.outcome_id, text=captured.text, source=captured.source)
            if captured.cue:
                state.cue_actions[captured.cue] = "accepted"
        case Skipped(skips=skips):
            _skips(state, skips)
        case Moved() as moved:
            state.moves.append((event.seq, event.at, event.after or state.position, moved.reason))
            _skips(state, moved.skips)
        case Refiled() as refiled:
            item = state.items.get(refiled.item)
            if item is not None:
                item.kind, item.area, item.outcome = refiled.kind, refiled.area, refiled.outcome_id
                item.label, item.choice, item.choice_label = None, None, None
        case CueActed(cue=cue, action=action):
            state.cue_actions[cue] = action
        case SpeakerChanged(source=source):
            state.speaker = source
        case Acknowledged(alert=alert, by=by, by_carer=by_carer):
            if by_carer:
                state.seen_by_carer[alert] = event.at
            else:
                state.acknowledged[alert] = (event.at, by)
        case Raised() as raised:
            state.alerts.append(RaisedAlert(event.seq, raised.category, raised.text, raised.text, event.at,
                                            raised.source, by_hand=True))
        case Named(text=text):
            if text not in state.names:
                state.names.append(text)
        case LanguageChosen(language=language, offered=offered):
            state.language = language
            state.offered_welsh = state.offered_welsh or offered
        case Ended():
            state.ended_at = event.at
    after = event.after
    if after is not None:
        state.position = after


def _add_item(state: State, seq: int, at: datetime, before: Position | None, *, kind: str, area: str,
              stage: str | None, outcome: int | None, text: str, source: str, label: str | None = None,
              choice: str | None = None, choice_label: str | None = None, language: str | None = None) -> None:
    state.items[seq] = Item(id=seq, kind=kind, area=area, stage=stage, outcome=outcome, text=text, source=source,
                            at=at, label=label, choice=choice, choice_label=choice_label,
                            language=language or state.language)
    state.last_answer = seq
    if choice and stage:
        state.choices[stage] = choice
    if before is not None:
        state.visited.add(before.stage)


def _answered(state: State, event: Event, answered: Answered, before: Position | None) -> None:
    if answered.said and answered.replaces and answered.replaces[0] in state.items:
        _rewritten(state, event, answered)
    elif answered.said:
        _add_item(state, event.seq, event.at, before, kind=answered.kind or "", area=answered.area or "",
                  stage=answered.stage or None, outcome=answered.outcome_id, text=answered.text,
                  source=answered.source or state.speaker, label=answered.label, choice=answered.choice,
                  choice_label=answered.choice_label, language=answered.language or state.language)
    elif before is not None:
        state.visited.add(before.stage)
        if answered.nothing:
            state.nothing_said.add((before.stage, answered.outcome_id))
    _cues(state, event, answered)
    _skips(state, answered.skips)


def _rewritten(state: State, event: Event, answered: Answered) -> None:
    """Words in place of earlier answers: the first keeps its place (its number, so what is linked to it, a
    choice about a risk, stays linked) with these words; the others leave the record. What any of them
    raised stands, marked as changed. (Were the first no longer in the record, the words are an answer of
    their own: see `_answered`.)"""
    first, *others = answered.replaces or ()
    item = state.items[first]
    state.items[first] = replace(item, text=answered.text, source=answered.source or item.source,
                                 language=answered.language or state.language, choice=None, choice_label=None)
    said = {first, *state.rewritten.get(first, ())}
    for other in others:
        if state.items.pop(other, None) is not None:
            said |= {other, *state.rewritten.pop(other, ())}
    state.rewritten[first] = (*sorted(said - {first}), event.seq)
    state.alerts = [replace(alert, changed=True) if alert.seq in said else alert for alert in state.alerts]
    state.last_answer = first


def said_at(state: State, item: int) -> set[int]:
    """The events whose words an item holds or held: the answer, and each that wrote it again."""
    return {item, *state.rewritten.get(item, ())}


def _cues(state: State, event: Event, answered: Answered, *, taken_back: bool = False) -> None:
    """What an answer raised: its alerts, and (unless the answer was taken back) its other findings."""
    for index, cue in enumerate(answered.cues or ()):
        cue_id = f"{event.seq}.{index}"
        if cue.kind == "safeguarding":
            # One banner for each kind of harm an answer tells of ("he hits me. He takes my pension
            # too"); they are acknowledged together, as the answer's.
            if not any(alert.seq == event.seq and alert.category == cue.category for alert in state.alerts):
                state.alerts.append(RaisedAlert(event.seq, cue.category, cue.term, answered.text, event.at,
                                                answered.source or state.speaker, people=cue.people,
                                                taken_back=taken_back))
        elif taken_back:
            continue  # a suggestion about words taken back has nothing left to be about
        else:
            state.cues[cue_id] = (event.seq, cue.kind, cue.term, cue.text)
            if cue.words is not None:
                state.cue_words[cue_id] = cue.words
        state.raised_terms.add(raised_key(cue.kind, cue.term, cue.category))


def raised_key(kind: str, term: str, category: str | None) -> str:
    """What keeps a finding from being raised again: its kind and words, and an alert's category (one
    clause may tell of two kinds of harm)."""
    return f"{kind}:{category}:{term.casefold()}" if kind == "safeguarding" else f"{kind}:{term.casefold()}"


def _skips(state: State, skips: tuple[LeftOut, ...]) -> None:
    for skip in skips:
        state.skipped[(skip.stage, skip.outcome_id)] = skip.reason
