"""The flows convo knows: the shipped ones by name, or any flow file by path; one machine per flow; and
starting or resuming a conversation on one, with its events kept in an `EventLog`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convo.events import EventLog, Started
from convo.paths import flows_dir

if TYPE_CHECKING:  # the engine is imported when a flow is first used, so listing flows stays cheap
    from convo.engine.conversation import Conversation
    from convo.engine.machine import FlowMachine
    from convo.flow.loader import Flow


def flow_files() -> list[Path]:
    return sorted(flows_dir().glob("*.yaml"), key=lambda p: p.name) if flows_dir().is_dir() else []


def shipped_names() -> list[str]:
    return [path.stem for path in flow_files() if path.stem != "messages"]


def flow_path(name: str) -> Path:
    """A shipped flow by name, or a flow file by path."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return candidate
    if name not in shipped_names():
        names = ", ".join(shipped_names())
        raise LookupError(f"there is no flow called {name!r}: choose one of {names} or give a file")
    return flows_dir() / f"{name}.yaml"


@lru_cache(maxsize=16)
def _compiled(path: str, mtime: float) -> tuple[Flow, FlowMachine]:
    from convo.engine.machine import FlowMachine
    from convo.flow.loader import load

    flow = load(path)
    return flow, FlowMachine(flow)


def get(name: str) -> tuple[Flow, FlowMachine]:
    path = flow_path(name)
    try:
        stamp = path.stat().st_mtime
    except OSError:
        stamp = 0.0
    return _compiled(str(path), stamp)


def start(log: EventLog, flow_name: str, audience: str, **options: Any) -> Conversation:
    """Start a conversation on a shipped flow (or a flow file); options go to Conversation.start."""
    from convo.engine.conversation import Conversation

    flow, machine = get(flow_name)
    options.setdefault("machine", machine)
    return Conversation.start(log, flow, audience, **options)


def resume(log: EventLog, conversation_id: str, **options: Any) -> Conversation:
    """A saved conversation, on the flow it was started on (a flow file by the path it was read from)."""
    from convo.engine.conversation import Conversation

    events = log.events(conversation_id)
    started = events[0].payload if events else None
    if not isinstance(started, Started):
        raise LookupError(f"there is no conversation {conversation_id!r}")
    name = started.flow
    if name not in shipped_names() and started.flow_source:
        name = started.flow_source
    flow, machine = get(name)
    options.setdefault("machine", machine)
    return Conversation.resume(log, conversation_id, flow, **options)
