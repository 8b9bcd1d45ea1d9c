"""The `transitions` state machine of a flow: parts and loops as nested states, routes as guarded transitions.

One machine is built per flow and shared; each conversation joins it as a model (a `Cursor`),
which costs far less than building a machine. Stage ids never contain `_`, the separator of
nested state names, so `c1_each-outcome_barriers` always splits back into its parts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from transitions.extensions.nesting import HierarchicalMachine

from convo.flow.conditions import Facts, Test, all_hold
from convo.flow.loader import END, Flow
from convo.flow.schema import Loop


@dataclass
class Cursor:
    """A conversation's place in the machine: the nested state and which outcome a loop is on."""

    state: str = ""
    outcome: int | None = None

    if TYPE_CHECKING:  # added to each model by `transitions` when it joins the machine
        def trigger(self, name: str, **kwargs: Any) -> bool: ...


def _guard(tests: tuple[Test, ...]):
    return lambda event: all_hold(tests, event.kwargs["facts"])


def _outcomes(event: Any) -> int:
    return event.kwargs["facts"].count("outcomes")


def _has_outcomes(event: Any) -> bool:
    return _outcomes(event) > 0


def _no_outcomes(event: Any) -> bool:
    return _outcomes(event) == 0


def _more_outcomes(event: Any) -> bool:
    return (event.model.outcome or 0) + 1 < _outcomes(event)


def _first_outcome(event: Any) -> None:
    event.model.outcome = 0


def _next_outcome(event: Any) -> None:
    event.model.outcome = (event.model.outcome or 0) + 1


def _leave_loop(event: Any) -> None:
    event.model.outcome = None


class FlowMachine:
    def __init__(self, flow: Flow):
        self.flow = flow
        self.full: dict[str, str] = {END: END}
        tree: list[Any] = []
        for part in flow.file.parts:
            children: list[Any] = []
            for item in part.stages:
                if isinstance(item, Loop):
                    names = [stage.id for stage in item.stages]
                    children.append({"name": item.id, "children": names, "initial": names[0]})
                    for name in names:
                        self.full[name] = f"{part.id}_{item.id}_{name}"
                else:
                    children.append(item.id)
                    self.full[item.id] = f"{part.id}_{item.id}"
            first = children[0] if isinstance(children[0], str) else children[0]["name"]
            tree.append({"name": part.id, "children": children, "initial": first})
        for interrupt in flow.file.interrupts:
            tree.append(interrupt.id)
            self.full[interrupt.id] = interrupt.id
        tree.append(END)
        self.stage_of = {full: stage for stage, full in self.full.items()}
        # One machine serves every conversation on this flow in the process (the web pages' threads, a
        # duty desk's), and a hierarchical machine keeps where it is in the tree while it moves a model:
        # two conversations moving at once could enter each other's stages. One moves at a time.
        self.lock = threading.RLock()
        self.machine = HierarchicalMachine(
            model=[], states=tree, transitions=list(self._transitions()), initial=self.full[flow.first],
            auto_transitions=False, send_event=True, ignore_invalid_triggers=True,
        )

    def _transitions(self):
        flow = self.flow
        for stage_id, routes in flow.routes.items():
            source = self.full[stage_id]
            step = flow.steps[stage_id]
            leaving: list[Any] = []
            if step.loop is not None and step.loop.stages[-1].id == stage_id:
                yield self._edge(source, step.loop.stages[0].id, [_more_outcomes], before=_next_outcome)
                leaving = [_leave_loop]
            for to, tests in routes:
                yield from self._route(source, to, [_guard(tests)] if tests else [], leaving)

    def _route(self, source: str, to: str, guards: list[Any], before: list[Any]):
        if to in self.flow.loops:
            loop = self.flow.loops[to]
            yield self._edge(source, loop.stages[0].id, guards + [_has_outcomes], before=before + [_first_outcome])
            for exit_to, exit_tests in self.flow.routes[loop.stages[-1].id]:
                exit_guards = [_guard(exit_tests)] if exit_tests else []
                yield from self._route(source, exit_to, guards + [_no_outcomes] + exit_guards, before)
        else:
            yield self._edge(source, to, guards, before=before)

    def _edge(self, source: str, to: str, guards: list[Any], before: Any) -> dict[str, Any]:
        return {"trigger": "advance", "source": source, "dest": self.full[to], "conditions": guards,
                "before": before}

    def join(self, cursor: Cursor) -> None:
        with self.lock:
            self.machine.add_model(cursor, initial=self.full[self.flow.first])

    def leave(self, cursor: Cursor) -> None:
        with self.lock:
            self.machine.remove_model(cursor)

    def place(self, cursor: Cursor, stage: str, outcome: int | None) -> None:
        with self.lock:
            self.machine.set_state(self.full[stage], cursor)
            cursor.outcome = outcome

    def stage(self, cursor: Cursor) -> str:
        return self.stage_of[cursor.state]

    def advance(self, cursor: Cursor, facts: Facts) -> tuple[str, int | None]:
        """Follow the first route whose conditions hold; the end of the flow if none does."""
        with self.lock:
            if not cursor.trigger("advance", facts=facts):
                self.place(cursor, END, None)
            return self.stage(cursor), cursor.outcome
