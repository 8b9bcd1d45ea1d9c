"""The conversation screen: chat log, answer box, safeguarding banner, the map of areas and the live draft.

Keys, the map and the palette send typed commands to `Conversation.handle()`; what is typed in the box is
read by line mode's parser, so a `/command` typed there works too. The engine saves before returning;
only then does anything appear in the log. The screen shows outputs and holds no domain logic.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from convo import vocabulary
from convo.engine import outputs as out
from convo.engine.commands import (
    Accept,
    Acknowledge,
    Answer,
    Command,
    Dismiss,
    End,
    GoTo,
    Move,
    RaiseConcern,
    Refile,
    Skip,
    Speaker,
    Undo,
)
from convo.engine.conversation import SOURCES, Conversation
from convo.engine.parse import CommandError, parse
from convo.export import ExportRefused, draft_text
from convo.render import FORMATS, render
from convo.services import StoreError, TakenOver
from convo.tui import transcript
from convo.tui.messages import AnswerSubmitted, AreaChosen
from convo.tui.screens.confirm_modal import ConfirmModal
from convo.tui.screens.export_modal import ExportModal
from convo.tui.screens.reason_modal import ReasonModal
from convo.tui.screens.refile_modal import RefileModal, Refiling
from convo.tui.styles import tcss
from convo.tui.widgets.alert_banner import AlertBanner
from convo.tui.widgets.answer_input import AnswerInput
from convo.tui.widgets.area_map import AreaMap
from convo.tui.widgets.call_header import CallHeader
from convo.tui.widgets.chat_log import ChatLog
from convo.tui.widgets.draft_pane import DraftPane
from convo.tui.widgets.key_footer import KeyFooter
from convo.wording import say

if TYPE_CHECKING:
    from convo.tui.app import ConvoApp

ACK_KEY = "ctrl+n"
# A question's closing aside, "(Enter on an empty line to move on.)", which the box's hint says first.
_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")
FORMAT_NAMES = {"md": "Markdown", "html": "HTML", "txt": "plain text", "json": "JSON"}


class ConversationScreen(Screen):
    app: ConvoApp  # a type only: the app this screen runs in, with its clock and save state
    DEFAULT_CSS = tcss(__file__)
    # Each key on a function key has an Alt (or Ctrl) key too, which the footer shows: many laptops hide F-keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(ACK_KEY, "acknowledge", "Acknowledge alert", priority=True,
                tooltip="Say you have seen the safeguarding alert"),
        Binding("f3,alt+a", "accept_cue", "Accept", priority=True, key_display="alt+a",
                tooltip="Take up the latest suggestion (F3 or Alt+A)"),
        Binding("f4,alt+x", "dismiss_cue", "Dismiss", priority=True, key_display="alt+x",
                tooltip="Set the latest suggestion aside (F4 or Alt+X)"),
        Binding("f5,alt+s", "skip", "Skip", priority=True, key_display="alt+s",
                tooltip="Leave this out for now, with a reason (F5 or Alt+S)"),
        Binding("f6,alt+u", "undo", "Undo", priority=True, key_display="alt+u",
                tooltip="Take back the last thing recorded or done (F6 or Alt+U)"),
        Binding("f7,alt+r", "refile", "Re-file", priority=True, key_display="alt+r",
                tooltip="Re-file the last answer as another kind (F7 or Alt+R)"),
        Binding("f8,alt+g", "goto", "Go to", priority=True, key_display="alt+g",
                tooltip="Choose an area in the map, starting where you are (F8 or Alt+G)"),
        Binding("f9,alt+d", "toggle_draft", "Draft", priority=True, key_display="alt+d",
                tooltip="Show or hide the draft record (F9 or Alt+D)"),
        Binding("ctrl+o", "export", "Export", priority=True, tooltip="Write the draft to a file"),
        Binding("ctrl+b", "toggle_map", "Map", priority=True, tooltip="Show or hide the map of areas"),
        Binding("ctrl+r", "raise_concern", "Raise concern", priority=True, show=False,
                tooltip="Raise a safeguarding concern yourself, with what you noticed"),
        Binding("escape", "focus_answer", "Back to typing", show=False),
    ]

    def __init__(self, conversation: Conversation):
        super().__init__()
        self.conversation = conversation
        self.last_prompt: out.Prompt | out.Done | None = None
        self.keys_shown: tuple[bool, bool, bool] | None = None
        self.taken_over: str | None = None  # why nothing more is saved here, once another window took over

    # -- building --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CallHeader(self.app.clock, id="header")
        with Horizontal(id="body"):
            yield AreaMap(id="map")
            with Vertical(id="talk"):
                yield AlertBanner(id="alert")
                yield ChatLog(id="log")
                yield AnswerInput(say(f"answer_box_{self.conversation.audience.value}"), id="answer")
            yield DraftPane(id="draft")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(ChatLog).add(transcript.from_events(self.conversation))
        self.last_prompt = self.conversation.prompt()
        self.query_one("#draft").display = False
        self.refresh_views()
        self.query_one(AnswerInput).hint(self.usual_hint())
        self.query_one(AnswerInput).focus_entry()

    @property
    def chat(self) -> ChatLog:
        return self.query_one(ChatLog)

    # -- sending ---------------------------------------------------------------------------------

    def send(self, line: str) -> list[out.Output] | None:
        """What was typed in the answer box: an answer, or a command typed as line mode spells it."""
        if self.taken_over is not None:
            self.refuse()
            return None
        try:
            command = parse(line)
        except CommandError as error:
            return self.show(transcript.said(line), [out.Error(str(error)), self.conversation.prompt()], True)
        return self.do(command, transcript.said(line))

    def do(self, command: Command, said: transcript.LogLine | None = None) -> list[out.Output] | None:
        """Send one command to the engine; show it only once it is saved. Returns the outputs, or None on failure."""
        if self.taken_over is not None:
            self.refuse()
            return None
        try:
            outputs = self.conversation.handle(command)
        except TakenOver as error:
            self.taken_over = _one_line(error)
            why = self.taken_over[:1].upper() + self.taken_over[1:]
            self.chat.add([transcript.LogLine(transcript.ERROR, f"{why}.", "!")])
            self.refuse()
            return None
        except (StoreError, OSError) as error:
            # The caller leaves the words in the box, so nothing typed is lost.
            self.app.saved(False)
            self.notify(say("not_saved", problem=_one_line(error)), severity="error", timeout=15, markup=False)
            return None
        self.app.saved(True)
        return self.show(said or transcript.did(command), outputs, not isinstance(command, Answer))

    def show(self, said: transcript.LogLine, outputs: list[out.Output], command: bool) -> list[out.Output]:
        prompt = outputs[-1] if outputs and isinstance(outputs[-1], (out.Prompt, out.Done)) else None
        last = self.last_prompt
        shown, open_still = outputs, None
        if command and prompt is not None and prompt == last:
            shown = outputs[:-1]  # a command that left us where we were need not ask again
        elif not command and still_open(last, prompt, outputs):
            # An answer, and the question is still open for more: the box says so, the log asks nothing new.
            shown, open_still = outputs[:-1], prompt
        offered = last.choices if isinstance(last, out.Prompt) else []
        self.chat.add([said] + transcript.from_outputs(shown, offered))
        self.last_prompt = prompt or last
        if isinstance(open_still, out.Prompt):
            self.query_one(AnswerInput).hint(say("still_open", question=_ASIDE.sub("", open_still.text)))
        elif prompt is not None and prompt != last:
            self.query_one(AnswerInput).hint(self.usual_hint())
        self.refresh_views()
        return outputs

    def usual_hint(self) -> str | None:
        """What the empty box says at this question: whose words go in it, when they are the practitioner's."""
        practitioner = self.conversation.audience.value == "practitioner"
        return say("answer_box_note") if practitioner and self.conversation.whose_words() == "practitioner" else None

    def refuse(self) -> None:
        """Another window writes this conversation now: say so, and keep what was typed in the box."""
        self.app.saved(False)
        self.notify(f"Not saved: {self.taken_over}. Your words are still in the box.",
                    severity="error", timeout=15, markup=False)

    def on_answer_submitted(self, message: AnswerSubmitted) -> None:
        message.stop()
        if self.conversation.ended:
            return
        if self.send(message.text) is not None:
            self.query_one(AnswerInput).clear()

    def on_area_chosen(self, message: AreaChosen) -> None:
        message.stop()
        self.goto(message.stage, message.outcome)
        self.query_one(AnswerInput).focus_entry()

    def goto(self, stage: str, outcome: int | None = None) -> None:
        """To a question (by its stage id), for an outcome counted from 1."""
        self.do(GoTo(stage, outcome or None))

    # -- keeping the views in step ---------------------------------------------------------------

    def refresh_views(self) -> None:
        conversation = self.conversation
        self.query_one(AreaMap).show(conversation.overview(), len(conversation.state.outcome_ids()))
        self.query_one(AlertBanner).show(self.pending_alerts(), "Ctrl+N")
        # The part the conversation is at, as the map shows it (the record's part can lag behind a move).
        shown = self.last_prompt
        number = shown.conversation if isinstance(shown, out.Prompt) and shown.conversation else conversation.part()
        step = conversation.step
        where = conversation.flow.title
        if conversation.flow.part_numbered(number) is not None:
            where += f" · {vocabulary.part(number).name}"
        if step is not None:
            where += f" · {step.title}"
        if conversation.ended:
            where += " · finished"
        self.query_one(CallHeader).show(where, conversation.state.started_at)
        if conversation.ended:
            self.query_one(AnswerInput).set_enabled(False, "This conversation has finished; export or copy the draft.")
            self.query_one("#draft").display = True
        if self.query_one("#draft").display:
            self.query_one(DraftPane).show(self.draft_text())
        keys = (bool(conversation.state.pending_alerts()), bool(conversation.state.pending_cues()), conversation.ended)
        if keys != self.keys_shown:  # the footer is rebuilt only when the keys that matter change
            self.keys_shown = keys
            self.refresh_bindings()

    def pending_alerts(self) -> list[tuple[int, str, str]]:
        return self.conversation.waiting_alerts()

    def draft_text(self) -> str:
        return render(self.conversation.assessment(), "txt")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.conversation.state
        if action == "acknowledge":
            return bool(state.pending_alerts())
        if action in ("accept_cue", "dismiss_cue"):
            return bool(state.pending_cues()) and not self.conversation.ended
        if action in ("skip", "undo", "refile", "goto"):
            return not self.conversation.ended
        if action == "raise_concern":
            return not self.conversation.ended and self.conversation.audience.value == "practitioner"
        return True

    # -- actions ---------------------------------------------------------------------------------

    def action_focus_answer(self) -> None:
        self.query_one(AnswerInput).focus_entry()

    def action_acknowledge(self) -> None:
        self.do(Acknowledge())

    def action_raise_concern(self, category: str = "") -> None:
        """A concern the practitioner raises by hand: the kind, then what they noticed, into the draft."""
        from convo.notice.taxonomy import taxonomy

        kinds = taxonomy()
        if category:
            question = f"Raise a concern: {kinds.category(category).label}. What did you notice?"
        else:
            question = ("Raise a safeguarding concern. Type its kind, then what you noticed, e.g. "
                        f"“financial her grandson has her bank card”. Kinds: {', '.join(kinds.ids)}")
        def noticed(note: str | None) -> None:
            if note and category:
                self.do(RaiseConcern(category, note.strip()))
            elif note:  # its kind first, then what was noticed
                kind, _, words = note.strip().partition(" ")
                self.do(RaiseConcern(kind, words.strip()))

        self.app.push_screen(ReasonModal(question, "What you noticed", required=True), noticed)

    def action_accept_cue(self, cue_id: str = "") -> None:
        self.do(Accept(cue_id))

    def action_dismiss_cue(self, cue_id: str = "") -> None:
        self.do(Dismiss(cue_id))

    def action_skip(self) -> None:
        step = self.conversation.step
        title = step.title if step else "this"
        def skip(reason: str | None) -> None:
            if reason is not None:
                self.do(Skip(reason.strip()))

        self.app.push_screen(ReasonModal(f"Leave out “{title}” for now. Why?"), skip)

    def action_undo(self) -> None:
        self.do(Undo())

    def action_refile(self) -> None:
        state = self.conversation.state
        item_id = state.last_answer
        item = state.items.get(item_id) if item_id is not None else None
        if item is None:
            self.notify("There is no answer to re-file yet.", severity="warning")
            return
        outcomes = [state.items[outcome_id].text for outcome_id in state.outcome_ids()]
        index = state.outcome_index(item.outcome)
        if index is None:
            index = self.conversation.position.outcome
        def refile(chosen: Refiling | None) -> None:
            if chosen:
                self.refile(chosen.kind, chosen.outcome)

        self.app.push_screen(RefileModal(item.text, outcomes, index + 1 if index is not None else None), refile)

    def refile(self, kind: str, outcome: int | None = None) -> None:
        self.do(Refile(kind, outcome=outcome))

    def action_goto(self) -> None:
        """The map, open and in hand, at the area the conversation is in."""
        area_map = self.query_one(AreaMap)
        area_map.display = True
        area_map.highlight_current()
        area_map.focus()

    def action_toggle_map(self) -> None:
        area_map = self.query_one(AreaMap)
        area_map.display = not area_map.display
        if not area_map.display:
            self.query_one(AnswerInput).focus_entry()

    def action_toggle_draft(self) -> None:
        pane = self.query_one(DraftPane)
        pane.display = not pane.display
        if pane.display:
            pane.show(self.draft_text())

    def switch(self, number: int) -> None:
        name = vocabulary.part(number).name
        outputs = self.do(Move(number))
        if outputs and isinstance(outputs[0], out.Error):
            self.notify(outputs[0].text, title=name, severity="warning", timeout=8)
            def move(reason: str | None) -> None:
                if reason:
                    self.do(Move(number, reason))

            self.app.push_screen(
                ReasonModal(f"{outputs[0].text}\n\nTo move to {name} anyway, give the reason:",
                            required=True),
                move)

    def action_export(self, fmt: str = "md") -> None:
        if getattr(self.app, "deliver_exports", False):
            self.confirm_plaintext("download_encrypted", lambda: self.download(fmt))
            return
        suggested = Path.cwd() / f"convo-{self.conversation.id}.{fmt}"
        def chosen(path: Path | None) -> None:
            if path and path.exists():
                self.confirm_replace(path)
            elif path:
                self.export(path, replace=False)

        self.app.push_screen(ExportModal(suggested), chosen)

    def confirm_replace(self, path: Path) -> None:
        """A file already there is replaced only once someone says so."""
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.export(path, replace=True)

        self.app.push_screen(ConfirmModal(f"There is already a file at {path}. Replace it with the draft?",
                                          "Yes, replace it", "No, keep it"), confirmed)

    def export(self, path: Path, replace: bool = False) -> Path | None:
        """Write the draft; a file already there is refused unless `replace` (asked first)."""
        try:
            written = Path(self.app.service.export(self.conversation, path.suffix.lstrip("."), path,
                                                   replace=replace))
        except ExportRefused as error:
            self.notify(f"Not exported: {error}", severity="error", timeout=10, markup=False)
            return None
        except StoreError as error:  # the file may be written and only its audit line missing: say which
            if path.exists():
                self.notify(say("written_not_audited", path=path.resolve(), problem=_one_line(error)),
                            severity="error", timeout=15, markup=False)
                return path.resolve()
            self.notify(f"Not exported: {_one_line(error)}", severity="error", timeout=15, markup=False)
            return None
        self.chat.add([transcript.LogLine(transcript.INFO, f"Draft written to {written}", "·")])
        self.notify(f"Draft written to {written}", title="Exported", markup=False)
        return written

    def download(self, fmt: str) -> str | None:
        """The draft as a download in the browser (`convo serve`): audited first, never a file here."""
        text = draft_text(self.conversation, fmt)
        if not self.audited("exported", format=fmt, to="browser download", redacted=False):
            return None
        name = f"convo-{self.conversation.id}.{fmt}"
        self.app.deliver_text(io.StringIO(text), save_filename=name, encoding="utf-8")
        self.notify(f"The draft is downloading as {name}.", title="Exported", markup=False)
        return name

    def action_copy_draft(self) -> None:
        self.confirm_plaintext("copy_encrypted", self.copy_draft)

    def copy_draft(self) -> bool:
        if not self.audited("copied", format="md", to="clipboard"):
            return False
        self.app.copy_to_clipboard(render(self.conversation.assessment(), "md"))
        self.notify("The draft (Markdown) is on the clipboard.", title="Copied")
        return True

    def confirm_plaintext(self, question: str, then: Callable[[], object]) -> None:
        """From an encrypted store, a copy that will not be encrypted is made only once confirmed."""
        if not self.app.service.encrypted:
            then()
            return
        def confirmed(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmModal(say(question), "Yes"), confirmed)

    def audited(self, action: str, **detail: object) -> bool:
        """Write the audit line before the copy is made; if it cannot be written, the copy is not made."""
        service = self.app.service
        try:
            service.audit(action, self.conversation.id, encrypted_store=service.encrypted, **detail)
        except StoreError as error:
            self.notify(say("not_audited", problem=_one_line(error)), severity="error", timeout=15, markup=False)
            return False
        return True

    def action_end(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.do(End())

        self.app.push_screen(
            ConfirmModal("End this conversation? It is saved either way; once ended it can be read and "
                         "exported but not added to.", "Yes, end it"),
            confirmed)

    def action_speaker(self, who: str) -> None:
        self.do(Speaker(who))

    # -- the palette -----------------------------------------------------------------------------

    def palette_commands(self) -> list[tuple[str, Callable[[], object], str]]:
        c = self.conversation
        commands: list[tuple[str, Callable[[], object], str]] = []
        if not c.ended:
            count = len(c.state.outcome_ids())
            for sid in c.flow.order:
                step = c.flow.steps[sid]
                # A carer reads the area in their own words; a practitioner by the name /goto takes.
                area = vocabulary.area(str(step.area))
                where = area.carer_label if c.audience.value == "carer" else f"area {area.id}"
                if step.per_outcome:
                    for n in range(1, count + 1):
                        commands.append((f"Go to: {step.title} (outcome {n})", partial(self.goto, sid, n), where))
                else:
                    commands.append((f"Go to: {step.title}", partial(self.goto, sid), where))
            commands += [(f"Re-file the last answer as {kind}", partial(self.refile, kind),
                          "when an answer landed in the wrong place") for kind in vocabulary.refile_kinds()]
            commands += [
                ("Skip this question, with a reason", self.action_skip, "Alt+S or F5"),
                ("Undo", self.action_undo, "Alt+U or F6: take back the last thing recorded or done"),
            ]
            commands += [(f"Move to {part.name} ({part.short})", partial(self.switch, part.number), part.why)
                         for part in vocabulary.PARTS.values() if part.number > 1]
            commands.append(("End the conversation", self.action_end, "finish; it stays saved"))
            commands += [(f"Now speaking: {who}", partial(self.action_speaker, who),
                          "whose words the next answers are") for who in SOURCES]
            for cue_id in c.state.pending_cues():
                _, _, term, text = c.state.cues[cue_id]
                commands.append((f"Accept suggestion {cue_id}: {term}",
                                 partial(self.action_accept_cue, cue_id), text))
                commands.append((f"Dismiss suggestion {cue_id}: {term}",
                                 partial(self.action_dismiss_cue, cue_id), text))
        if c.state.pending_alerts():
            commands.append(("Acknowledge the safeguarding alert", self.action_acknowledge, "Ctrl+N"))
        if not c.ended and c.audience.value == "practitioner":
            from convo.notice.taxonomy import taxonomy

            commands += [(f"Raise a safeguarding concern: {kind.label}",
                          partial(self.action_raise_concern, kind.id), "Ctrl+R; it goes into the draft")
                         for kind in taxonomy().categories]
        where = "download it in this browser" if getattr(self.app, "deliver_exports", False) \
            else "write a file only you can read"
        commands += [(f"Export the draft as {FORMAT_NAMES[fmt]}", partial(self.action_export, fmt), where)
                     for fmt in FORMATS]
        commands += [
            ("Copy the draft to the clipboard", self.action_copy_draft, "as Markdown"),
            ("Show or hide the draft", self.action_toggle_draft, "Alt+D or F9"),
            ("Show or hide the map", self.action_toggle_map, "Ctrl+B"),
            ("Back to the start screen", self.app.go_home, "this conversation stays saved"),
        ]
        return commands


def still_open(before: out.Prompt | out.Done | None, after: out.Prompt | out.Done | None,
               outputs: list[out.Output]) -> bool:
    """After an answer: the same question, for the same thing that matters, still open for more, with
    nothing said about the answer that needs the question shown again (an answer that picked no choice)."""
    return (isinstance(before, out.Prompt) and isinstance(after, out.Prompt)
            and (after.stage, after.outcome) == (before.stage, before.outcome)
            and not any(isinstance(output, (out.Error, out.Alert)) for output in outputs))


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
