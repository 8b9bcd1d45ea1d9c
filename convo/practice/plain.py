"""Practice in line mode: what the trainee says on stdin, the person's replies and coaching on stdout.

It needs no terminal. With --jsonl every output is one JSON object a line (`reply`, `coach`, `alert`,
`info`, `error`, `prompt`, `feedback`, `done`), and every line read is answered by exactly one
`prompt` or `done`, like the core's line mode.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import TextIO

from convo.paths import write_private
from convo.practice import replies as out
from convo.practice.feedback import Feedback, render_feedback
from convo.practice.scenario import LoadedScenario, shipped
from convo.practice.session import PracticeSession
from convo.render import json_line, one_line, visible

CODE_LABELS = {
    "open_question": "open question", "closed_question": "closed question", "simple_reflection": "simple reflection",
    "complex_reflection": "complex reflection", "information": "information", "advice": "advice", "other": "other",
    "affirm": "affirmation", "seeking_collaboration": "seeking collaboration",
    "emphasising_autonomy": "emphasising autonomy", "persuade": "advice without permission",
}


def heard_as(output: out.Coach) -> str:
    """How a turn was heard, every behaviour in order: "simple reflection + open question"."""
    return " + ".join(CODE_LABELS.get(code, code) for code in (output.behaviours or [output.code]))


def _text(output: out.Output) -> str | None:
    if isinstance(output, out.Reply):
        return f"\n{visible(output.name)}: {visible(output.text)}"
    if isinstance(output, out.Coach):
        lines = [f"  [{heard_as(output)}] {visible(output.tip)}"]
        lines += [f"  · {visible(note)}" for note in output.notes]
        return "\n".join(lines)
    if isinstance(output, out.Alert):
        return f"\n!!! {visible(output.text)}\n"
    if isinstance(output, out.Prompt):
        return f"\n{visible(output.text)}"
    if isinstance(output, (out.Info,)):
        return f"  ({visible(output.text)})" if "\n" not in output.text else visible(output.text)
    if isinstance(output, out.Error):
        return f"! {visible(output.text)}"
    return None


def fitted(text: str, stdout: TextIO) -> str:
    """At a terminal, each line wrapped at spaces to its width, keeping the line's indent (a terminal would
    cut words in two); anywhere else, as it is."""
    if not stdout.isatty():
        return text
    width = max(20, shutil.get_terminal_size().columns - 1)
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip(" "))]
        more = "  " if line.lstrip().startswith(("[", "(", "·")) else ""
        lines.append(textwrap.fill(line, width, subsequent_indent=indent + more, break_long_words=False,
                                   break_on_hyphens=False) if len(line) > width else line)
    return "\n".join(lines)


def run(session: PracticeSession, stdin: TextIO, stdout: TextIO, stderr: TextIO, *, jsonl: bool = False,
        export: Path | None = None, fmt: str = "md") -> int:
    """Hold the practice until it ends or stdin closes (which ends it too); return the exit status."""

    def emit(outputs: list[out.Output]) -> None:
        for output in outputs:
            if jsonl:
                stdout.write(json_line(output.to_json()) + "\n")
            elif isinstance(output, out.Feedback):
                # At a terminal its words without Markdown's marks, wrapped; a file or a pipe gets Markdown.
                shown = render_feedback(Feedback.model_validate(output.feedback), "txt" if stdout.isatty() else "md")
                stdout.write("\n" + fitted(shown, stdout))
            elif isinstance(output, out.Done):
                stdout.write(f"\n{visible(session.coaching.say('ended'))} ({output.id})\n")
            else:
                line = _text(output)
                if line is not None:
                    stdout.write(fitted(line, stdout) + "\n")
        stdout.flush()

    emit(session.opening())
    for raw in stdin:
        line = raw.rstrip("\n").rstrip("\r")
        emit(session.send(line))
        if session.ended:
            break
    else:
        # Input ran out before the end: finish, so the feedback is shown and the practice is complete.
        while not session.ended:
            emit(session.send("/end"))
    if export is not None:
        write_private(export, render_feedback(session.feedback(), fmt))
        stderr.write(f"Wrote {export}\n")
    return 0


def list_scenarios(stdout: TextIO, jsonl: bool = False) -> list[LoadedScenario]:
    scenarios = shipped()
    for number, loaded in enumerate(scenarios, start=1):
        s = loaded.scenario
        if jsonl:
            stdout.write(json_line({"type": "scenario", "id": s.id, "title": s.title, "summary": s.summary,
                                    "person": s.person.name}) + "\n")
        else:
            stdout.write(fitted(f"{number}. {s.id}\t{visible(s.title)}\n   {visible(s.summary)}", stdout) + "\n")
    return scenarios


def choose(stdin: TextIO, stdout: TextIO) -> LoadedScenario | None:
    """List the scenarios and let the trainee pick one by number or id."""
    scenarios = list_scenarios(stdout)
    stdout.write("\nWhich one? (number or name; Enter to leave) ")
    while True:
        stdout.flush()
        answer = stdin.readline().strip()
        if not answer:
            return None
        if answer.isdecimal() and 1 <= int(answer) <= len(scenarios):
            return scenarios[int(answer) - 1]
        for loaded in scenarios:
            if answer in (loaded.scenario.id, Path(loaded.path).stem):
                return loaded
        stdout.write(f"There is no practice {one_line(answer)!r} here: a number from 1 to {len(scenarios)},"
                     " a name from the list, or Enter to leave. ")

