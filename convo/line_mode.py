"""Line mode: one answer a line on stdin, prompts and events on stdout; with --jsonl, one JSON object a line.

It needs no terminal, so other programs can drive a conversation. Every line read is answered by
any number of events and then exactly one `prompt` or `done`. A line that cannot be saved (a full
disk, say) is answered by one `error` and the same prompt again, so it can be sent again.
"""

from __future__ import annotations

import threading
from typing import TextIO

from convo.engine import outputs as out
from convo.engine.conversation import Conversation
from convo.language import speaking
from convo.notice import detector
from convo.render import json_line, render, visible
from convo.services import StoreError, TakenOver
from convo.wording import has, say

EXIT_ERROR = 1


def _text_line(output: out.Output, language: str = "en") -> str | None:
    """An output as a line of text, its own words in `language` (the person's words as said)."""
    with speaking(language):
        if isinstance(output, out.Prompt):
            return f"\n{visible(output.text)}"
        if isinstance(output, out.Cue):
            return (f"  ~ {say('line_suggestion', id=output.id)} {visible(output.text)}  "
                    f"({say('line_suggestion_actions', id=output.id)})")
        if isinstance(output, out.Alert):
            return f"\n!!! {visible(output.text)}\n"
        if isinstance(output, out.Captured):
            # In English a kind keeps its id, as programs reading these lines expect.
            named = language != "en" and has(f"app_kind_{output.kind}")
            what = say(f"app_kind_{output.kind}") if named else output.kind
            outcome = output.outcome + 1 if output.outcome is not None else None
            return f"  + {say('line_recorded', what=what, outcome=outcome, own=output.kind == 'outcome')}"
        if isinstance(output, out.Info):
            return visible(output.text)
        if isinstance(output, out.Error):
            return f"! {visible(output.text)}"
        return None


def run(conversation: Conversation, stdin: TextIO, stdout: TextIO, stderr: TextIO, jsonl: bool = False,
        saved: str | None = None) -> int:
    """Hold the conversation until it ends or stdin closes; return the exit status.

    `saved` is what to say when input ends first (by default, how to carry on with `convo plain`).
    """

    def emit(outputs: list[out.Output]) -> None:
        for output in outputs:
            if jsonl:
                stdout.write(json_line(output.to_json()) + "\n")
            elif isinstance(output, out.Done):
                with speaking(conversation.language):
                    stdout.write(f"\n{say('line_finished', id=output.id)}\n\n")
                stdout.write(render(conversation.assessment(), "md"))
            else:
                line = _text_line(output, conversation.language)
                if line is not None:
                    stdout.write(line + "\n")
        stdout.flush()

    emit([conversation.prompt()])
    if conversation.ended:
        return 0
    # While the first answer is typed, load what hearing it needs, so the prompt comes no later.
    threading.Thread(target=detector.warm, daemon=True).start()
    for number, raw in enumerate(stdin):
        line = raw[:-1] if raw.endswith("\n") else raw
        if line.endswith("\r"):
            line = line[:-1]
        if number == 0:
            line = line.removeprefix("\ufeff")  # a byte-order mark some editors put at a file's start
        try:
            outputs = conversation.send(line)
        except TakenOver as error:
            # Another window writes this conversation now: nothing typed here could be kept.
            emit([out.Error(str(error)), out.Done(conversation.id)] if jsonl else [out.Error(str(error))])
            return EXIT_ERROR
        except StoreError as error:
            # Not saved, so not acknowledged: the same question again, to send the line again.
            outputs = [out.Error(str(error)), conversation.prompt()]
        emit(outputs)
        if conversation.ended:
            return 0
    if not jsonl:
        with speaking(conversation.language):
            stderr.write((saved or say("line_saved", id=conversation.id)) + "\n")
    return 0
