"""A flow as a Mermaid flowchart: parts and loops as subgraphs, routes as labelled arrows."""

from __future__ import annotations

from convo import vocabulary
from convo.flow.loader import END, Flow
from convo.flow.schema import Loop


def _label(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")


def mermaid(flow: Flow) -> str:
    lines = ["flowchart TD", f'  %% {flow.id} version {flow.version}']
    for part in flow.file.parts:
        title = f"{vocabulary.part(part.conversation).name}: {part.title}" if part.conversation else part.title
        lines.append(f'  subgraph {part.id}["{_label(title)}"]')
        for item in part.stages:
            if isinstance(item, Loop):
                lines.append(f'    subgraph {item.id}["{_label(item.title)} — for each outcome"]')
                lines += [f'      {s.id}["{_label(s.title)}"]' for s in item.stages]
                lines.append("    end")
            else:
                lines.append(f'    {item.id}["{_label(item.title)}"]')
        lines.append("  end")
    for interrupt in flow.file.interrupts:
        lines.append(f'  {interrupt.id}{{{{"{_label(interrupt.title)} (on {interrupt.on}, then back)"}}}}')
    lines.append(f'  {END}(["end"])')
    for source, routes in flow.routes.items():
        step = flow.steps[source]
        if step.loop is not None and step.loop.stages[-1].id == source:
            lines.append(f"  {source} -- next outcome --> {step.loop.stages[0].id}")
        for to, tests in routes:
            target = to
            label = " and ".join(_condition_text(t) for t in tests)
            arrow = f" -- {_label(label)} --> " if label else " --> "
            lines.append(f"  {source}{arrow}{target}")
    return "\n".join(lines)


def _condition_text(test) -> str:
    text = " ".join(p for p in (test.name, test.arg, test.op, test.value) if p)
    return f"not {text}" if test.negate else text
