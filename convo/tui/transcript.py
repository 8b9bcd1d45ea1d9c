"""The chat log as plain lines: from the engine's outputs as they happen, and from the saved events, read as
their typed payloads, on resume. convo's own words in it are in the conversation's language (flows/messages.yaml).

No Textual here, so what the log says can be tested (and reused) without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from convo import vocabulary
from convo.engine import outputs as out
from convo.engine.commands import Command
from convo.engine.conversation import Conversation
from convo.engine.parse import spelled
from convo.events import (
    Acknowledged,
    Answered,
    Captured,
    CueActed,
    Event,
    Moved,
    Refiled,
    Skipped,
    SpeakerChanged,
    Undone,
    undone,
)
from convo.render import visible
from convo.tui.words import has, words

# Kinds of line, each styled by a CSS class of the same name in the chat log.
PROMPT, STAGE, ANSWER, COMMAND, MOVED_ON, CAPTURED, CUE, ALERT, INFO, ERROR, DONE = (
    "prompt", "stage", "answer", "command", "moved-on", "captured", "cue", "alert", "info", "error", "done",
)


@dataclass(frozen=True)
class LogLine:
    kind: str
    text: str  # shown literally, never as markup; control characters already made visible
    label: str = ""  # a word or symbol that carries the meaning without colour

    @property
    def plain(self) -> str:
        return f"{self.label} {self.text}".strip()


def kind_name(kind: str, language: str | None = None) -> str:
    """A kind of recorded item, as the log names it."""
    key = f"app_kind_{kind}"
    return words(key, language) if has(key) else kind.replace("_", " ")


def _captured_text(kind: str, outcome: int | None, choice: str | None = None,
                   offered: list[dict[str, str]] | None = None, language: str | None = None,
                   carer: bool = False) -> str:
    """What an answer was recorded as; where the question offered choices, the one picked, or that none was.
    A carer, writing about their own life, is told it is saved (and the choice it picked), not how the
    record files it."""
    what, number = kind_name(kind, language), outcome + 1 if outcome is not None else None
    if carer:
        label = next((c["label"] for c in offered or () if c["value"] == choice), None)
        return words("app_log_saved", language, picked=label is not None, label=label or "")
    if offered:
        label = next((c["label"] for c in offered if c["value"] == choice), None)
        if label is None:
            return words("app_log_not_a_choice", language, what=what, outcome=number)
        return words("app_log_recorded", language, what=what, outcome=number, picked=True, label=label)
    return words("app_log_recorded", language, what=what, outcome=number, picked=False)


def alert_line(text: str, language: str | None = None) -> LogLine:
    """A safeguarding alert, always named in words (the lexicon's wording may already say it)."""
    text = visible(text)
    named = text.upper().startswith(("SAFEGUARDING", words("app_alert_label", language).upper()))
    return LogLine(ALERT, text, "⚠" if named else f"⚠ {words('app_alert_label', language)}")


def cue_line(cue_id: str, text: str, language: str | None = None) -> LogLine:
    return LogLine(CUE, f"{visible(text)}  [{words('app_log_suggestion', language, id=cue_id)}]", "?")


def from_outputs(outputs: list[out.Output], offered: list[dict[str, str]] | None = None,
                 language: str | None = None, carer: bool = False) -> list[LogLine]:
    """What to add to the log for the outputs of one send (the prompt included); `offered` are the choices
    the question answered offered, if any. convo's own words are in `language` (None: the setting's)."""
    lines: list[LogLine] = []
    for output in outputs:
        if isinstance(output, out.Prompt):
            lines.append(LogLine(PROMPT, visible(output.text), "convo ›"))
        elif isinstance(output, out.Captured):
            # An outcome's own index is not "for outcome N" (the log read back from the events says the same).
            about = None if output.kind == vocabulary.OUTCOME else output.outcome
            recorded = _captured_text(output.kind, about, output.choice, offered, language, carer)
            lines.append(LogLine(CAPTURED, recorded, "✓" if output.choice or not offered else "·"))
        elif isinstance(output, out.Cue):
            lines.append(cue_line(output.id, output.text, language))
        elif isinstance(output, out.Alert):
            lines.append(alert_line(output.text, language))
        elif isinstance(output, out.Info):
            lines.append(LogLine(INFO, visible(output.text), "·"))
        elif isinstance(output, out.Error):
            lines.append(LogLine(ERROR, visible(output.text), "!"))
        elif isinstance(output, out.Done):
            lines.append(LogLine(DONE, words("app_log_finished", language), "■"))
    return lines


# What a carer is told they did by key, map or palette, in words rather than as line mode spells it.
_CARER_DID = {"GoTo": "app_did_goto_carer", "Back": "app_did_goto_carer", "Acknowledge": "app_did_ack_carer",
              "Undo": "app_did_undo_carer", "Skip": "app_did_skip_carer", "End": "app_did_end_carer"}


def did(command: Command, language: str | None = None, carer: bool = False) -> LogLine:
    """A command given by key, map or palette, once saved, as line mode would spell it (for a carer, in words)."""
    key = _CARER_DID.get(type(command).__name__) if carer else None
    shown = words(key, language) if key else visible(spelled(command))
    return LogLine(COMMAND, shown, words("app_log_you", language))


def said(line: str, language: str | None = None) -> LogLine:
    """What the user sent, once the engine has saved it."""
    you = words("app_log_you", language)
    if line.strip() == "":
        return LogLine(MOVED_ON, words("app_log_moved_on", language), you)
    if line.startswith("/") and not line.startswith("//"):
        return LogLine(COMMAND, visible(line), you)
    return LogLine(ANSWER, visible(line[1:] if line.startswith("//") else line), you)


def from_events(conversation: Conversation) -> list[LogLine]:
    """The whole history of a saved conversation, in the order it happened, ending with where it stands."""
    flow, language = conversation.flow, conversation.language
    carer = conversation.audience.value == "carer"
    gone = undone(conversation.events)
    said_at = {e.seq: e.payload for e in conversation.events if e.type in (Answered.KIND, Captured.KIND)}
    lines: list[LogLine] = []
    stage_shown: tuple[str, int | None] | None = None
    asked_shown: str | None = None

    def heading(event: Event, asked: str | None = None) -> None:
        nonlocal stage_shown, asked_shown
        before = event.before
        if asked and before is not None and before.place == stage_shown and not before.follow_up:
            asked_shown = asked  # more said to a question still open: it was asked once, as it is live
            return
        if asked and asked != asked_shown:
            asked_shown, stage_shown = asked, before.place if before else None
            lines.append(LogLine(PROMPT, visible(asked), "convo ›"))
            return
        if before is None or before.place == stage_shown:
            return
        stage_shown = before.place
        step = flow.steps.get(before.stage)
        title = step.title if step else before.stage
        if before.outcome is not None and step is not None and step.per_outcome:
            title = words("app_log_outcome", language, title=title, number=before.outcome + 1)
        lines.append(LogLine(STAGE, visible(title), "convo ›"))

    def outcome_number(outcome_id: int | None) -> int | None:
        return conversation.state.outcome_index(outcome_id)

    for event in conversation.events:
        struck = f" {words('app_log_undone', language)}" if event.seq in gone else ""
        match event.payload:
            case Answered() as answered:
                heading(event, answered.asked)
                if not answered.said:
                    lines.append(said("", language))
                    continue
                lines.append(LogLine(ANSWER, visible(answered.text) + struck, words("app_log_you", language)))
                picked = [{"value": answered.choice, "label": answered.choice_label or ""}] if answered.choice else None
                lines.append(LogLine(CAPTURED, _captured_text(answered.kind or "", outcome_number(answered.outcome_id),
                                                              answered.choice, picked, language, carer), "✓"))
                for index, cue in enumerate(answered.cues or ()):
                    if cue.kind == "safeguarding":
                        lines.append(alert_line(cue.text, language))
                    else:
                        lines.append(cue_line(f"{event.seq}.{index}", cue.text, language))
            case Captured() as captured:
                heading(event)
                lines.append(LogLine(ANSWER, visible(captured.text) + struck, words("app_log_noted", language)))
                lines.append(LogLine(CAPTURED, _captured_text(captured.kind, outcome_number(captured.outcome_id),
                                                              language=language, carer=carer), "✓"))
            case Skipped(skips=skips):
                for skip in skips:
                    step = flow.steps.get(skip.stage)
                    left_out = words("app_log_left_out", language, title=visible(step.title if step else skip.stage),
                                     reason=visible(skip.reason))
                    lines.append(LogLine(INFO, left_out + struck, "·"))
            case Moved(automatic=automatic, reason=reason) if not automatic:
                after = event.after
                step = flow.steps.get(after.stage) if after else None
                moved = words("app_log_moved", language, title=visible(step.title if step else ""),
                              reason=visible(reason) if reason else "")
                lines.append(LogLine(INFO, moved + struck, "·"))
            case Refiled(item=item, kind=kind):
                text = visible(getattr(said_at.get(item), "text", ""))
                refiled = words("app_log_refiled", language, kind=kind_name(kind, language), text=text)
                lines.append(LogLine(INFO, refiled + struck, "·"))
            case CueActed(cue=cue, action=action):
                done = "app_log_accepted" if action == "accepted" else "app_log_set_aside"
                lines.append(LogLine(INFO, words(done, language, id=cue) + struck, "·"))
            case SpeakerChanged(source=source):
                who = words(f"app_speaker_{source}", language) if has(f"app_speaker_{source}") else source
                lines.append(LogLine(INFO, words("app_now_speaking", language, who=who) + struck, "·"))
            case Acknowledged(by_carer=by_carer):
                closed = "app_log_closed_by_carer" if by_carer else "app_log_acknowledged"
                lines.append(LogLine(INFO, words(closed, language), "·"))
            case Undone(event=seq):
                target = next((e for e in conversation.events if e.seq == seq), None)
                what = visible(getattr(target.payload, "text", "") or target.type) if target else ""
                lines.append(LogLine(INFO, words("undone", language, what=what), "·"))
    lines.extend(from_outputs([conversation.prompt()], language=language, carer=carer))
    return lines
