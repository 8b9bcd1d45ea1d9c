"""A map of the conversation for a face to show: each part and area, how much each holds, where we are."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from convo.engine.conversation import Conversation
    from convo.engine.state import Item
    from convo.flow.loader import Flow


@dataclass(frozen=True)
class AreaView:
    stage: str
    title: str
    area: str
    per_outcome: bool
    items: int
    by_outcome: dict[int, int] = field(default_factory=dict)  # 1-based outcome number -> items
    skipped: tuple[int | None, ...] = ()  # outcome numbers (None for the whole area) skipped
    current: bool = False


@dataclass(frozen=True)
class PartView:
    id: str
    title: str
    conversation: int | None
    areas: tuple[AreaView, ...]
    current: bool


def overview(conversation: Conversation) -> list[PartView]:
    state, flow = conversation.state, conversation.flow
    here = conversation.position
    here_step = flow.steps.get(here.stage)
    if here_step is not None and here_step.interrupt is not None and here.back_to:
        here_stage = here.back_to[0]
    else:
        here_stage = here.stage
    numbers = {oid: n for n, oid in enumerate(state.outcome_ids(), start=1)}
    asked = [sid for sid in flow.order if flow.steps[sid].asked_of(state.audience)]
    homes: dict[str, list[Item]] = {}
    for item in state.items.values():
        home = _home(flow, asked, item)
        if home is not None:
            homes.setdefault(home, []).append(item)
    parts = []
    for part in flow.file.parts:
        areas = []
        for sid in asked:
            step = flow.steps[sid]
            if step.part is not part:
                continue
            items = homes.get(sid, [])
            by_outcome: dict[int, int] = {}
            for item in items:
                if item.outcome in numbers:
                    by_outcome[numbers[item.outcome]] = by_outcome.get(numbers[item.outcome], 0) + 1
            skipped = tuple(numbers[oid] if oid is not None else None for (stage, oid) in state.skipped if stage == sid
                            and (oid is None or oid in numbers))
            areas.append(AreaView(sid, step.title, str(step.area), step.per_outcome, len(items), by_outcome,
                                  skipped, sid == here_stage))
        parts.append(PartView(part.id, part.title, part.conversation, tuple(areas),
                              any(a.current for a in areas)))
    return parts


def _home(flow: Flow, asked: list[str], item: Item) -> str | None:
    """The question an item is counted under: the one it answered, unless it was re-filed as something
    else (or noted by command, or at a check): then the first question that asks for its kind, for a thing
    that matters if it belongs to one."""
    step = flow.steps.get(item.stage or "")
    if step is not None and step.interrupt is None and step.captures == item.kind:
        return step.id
    ask_for = [sid for sid in asked if flow.steps[sid].captures == item.kind]
    for sid in ask_for:
        if flow.steps[sid].per_outcome == (item.outcome is not None):
            return sid
    return ask_for[0] if ask_for else None
