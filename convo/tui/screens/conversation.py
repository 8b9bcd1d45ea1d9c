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

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, TextArea

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
from convo.engine.conversation import SOURCES, Conversation, WaitingAlert
from convo.engine.parse import CommandError, parse
from convo.export import ExportRefused, draft_text
from convo.render import FORMATS, render
from convo.services import StoreError, TakenOver
from convo.tui import transcript
from convo.tui.keys import binding
from convo.tui.messages import AnswerSubmitted, AreaChosen
from convo.tui.screens.confirm_modal import ConfirmModal
from convo.tui.screens.export_modal import ExportModal
from convo.tui.screens.reason_modal import ReasonModal
from convo.tui.screens.refile_modal import RefileModal, Refiling
from convo.tui.styles import tcss
from convo.tui.widgets.alert_banner import QUOTE_MAX, AlertBanner
from convo.tui.widgets.answer_input import AnswerInput
from convo.tui.widgets.area_map import AreaMap
from convo.tui.widgets.call_header import CallHeader
from convo.tui.widgets.chat_log import ChatLog
from convo.tui.widgets.draft_pane import DraftPane
from convo.tui.widgets.key_footer import KeyFooter
from convo.tui.words import words

if TYPE_CHECKING:
    from convo.tui.app import ConvoApp

ACK_KEY = "ctrl+n"
# A question's closing aside, "(Enter on an empty line to move on.)", which the box's hint says first.
_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")


class ConversationScreen(Screen):
    app: ConvoApp  # a type only: the app this screen runs in, with its clock and save state
    DEFAULT_CSS = tcss(__file__)
    # Each key on a function key has an Alt (or Ctrl) key too, which the footer shows: many laptops hide F-keys.
    BINDINGS: ClassVar[list[BindingType]] = [
        binding(ACK_KEY, "acknowledge", priority=True),
        binding("f3,alt+a", "accept_cue", priority=True, key_display="alt+a"),
        binding("f4,alt+x", "dismiss_cue", priority=True, key_display="alt+x"),
        binding("f5,alt+s", "skip", priority=True, key_display="alt+s"),
        binding("f6,alt+u", "undo", priority=True, key_display="alt+u"),
        binding("f7,alt+r", "refile", priority=True, key_display="alt+r"),
        binding("f8,alt+g", "goto", priority=True, key_display="alt+g"),
        binding("f9,alt+d", "toggle_draft", priority=True, key_display="alt+d"),
        binding("ctrl+o", "export", priority=True),
        binding("ctrl+b", "toggle_map", priority=True),
        binding("ctrl+r", "raise_concern", priority=True, show=False),
        binding("escape", "focus_answer", show=False),
    ]

    def __init__(self, conversation: Conversation):
        super().__init__()
        self.conversation = conversation
        self.last_prompt: out.Prompt | out.Done | None = None
        self.keys_shown: tuple[bool, bool, bool, str] | None = None
        self.taken_over: str | None = None  # why nothing more is saved here, once another window took over
        self.language_shown: str | None = None  # the language the screen's own words are in now

    @property
    def language(self) -> str:
        """The conversation's language: the screen's own words follow it, and change when it does."""
        return self.conversation.language

    def words(self, key: str, /, **values: object) -> str:
        return words(key, self.language, **values)

    # -- building --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CallHeader(self.app.clock, id="header")
        with Horizontal(id="body"):
            yield AreaMap(id="map")
            with Vertical(id="talk"):
                # The banners scroll inside a box that never takes the whole screen, with a scrollbar when
                # they say more than fits (a carer's banner at 80x24); Tab reaches it to scroll by keyboard.
                with VerticalScroll(id="alert-box"):
                    yield AlertBanner(id="alert")
                yield ChatLog(id="log")
                yield AnswerInput(self.words(f"answer_box_{self.conversation.audience.value}"), id="answer")
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
            return self.show(transcript.said(line, self.language), [out.Error(str(error)), self.conversation.prompt()],
                             True)
        return self.do(command, transcript.said(line, self.language))

    def do(self, command: Command, said: transcript.LogLine | None = None) -> list[out.Output] | None:
        """Send one command to the engine; show it only once it is saved. Returns the outputs, or None on failure."""
        if self.taken_over is not None:
            self.refuse()
            return None
        try:
            outputs = self.conversation.handle(command)
        except TakenOver as error:
            self.taken_over = _one_line(error)
            self.app.taken_elsewhere = True
            why = self.taken_over[:1].upper() + self.taken_over[1:]
            self.chat.add([transcript.LogLine(transcript.ERROR, f"{why}.", "!")])
            self.refuse()
            return None
        except (StoreError, OSError) as error:
            # The caller puts the words back in the box, so nothing typed is lost.
            self.app.saved(False)
            self.notify(self.words("not_saved", problem=_one_line(error)), severity="error", timeout=15, markup=False)
            return None
        self.app.saved(True)
        shown = said or transcript.did(command, self.language, carer=self.conversation.audience.value == "carer")
        return self.show(shown, outputs, not isinstance(command, Answer))

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
        self.chat.add([said] + transcript.from_outputs(shown, offered, self.language,
                                                       carer=self.conversation.audience.value == "carer"))
        self.last_prompt = prompt or last
        if isinstance(open_still, out.Prompt):
            self.query_one(AnswerInput).hint(self.words("still_open", question=_ASIDE.sub("", open_still.text)))
        elif prompt is not None and prompt != last:
            self.query_one(AnswerInput).hint(self.usual_hint())
        self.refresh_views()
        return outputs

    def usual_hint(self) -> str | None:
        """What the empty box says at this question: whose words go in it, when they are the practitioner's."""
        practitioner = self.conversation.audience.value == "practitioner"
        note = practitioner and self.conversation.whose_words() == "practitioner"
        return self.words("answer_box_note") if note else None

    def refuse(self) -> None:
        """Another window writes this conversation now: say so, and keep what was typed in the box."""
        self.app.saved(False)
        self.notify(self.words("app_taken_over", why=self.taken_over),
                    severity="error", timeout=15, markup=False)

    def on_answer_submitted(self, message: AnswerSubmitted) -> None:
        message.stop()
        answer = self.query_one(AnswerInput)
        if not self.conversation.ended and self.send(message.text) is not None:
            answer.sent()
        else:  # not saved (taken over, a full disk) or too late: back in the box, nothing lost
            answer.put_back(message.text)

    def on_key(self, event: events.Key) -> None:
        """A letter, digit or space typed where no words are taken (the map, the draft, after a Tab) is the
        start of an answer: it goes into the answer box, never lost, and Enter then sends it."""
        if event.is_printable and event.character and not isinstance(self.focused, (Input, TextArea)):
            event.stop()
            event.prevent_default()
            self.query_one(AnswerInput).type_in(event.character)

    def on_paste(self, event: events.Paste) -> None:
        if not isinstance(self.focused, (Input, TextArea)):
            event.stop()
            event.prevent_default()
            self.query_one(AnswerInput).type_in(pasted=event.text)

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
        language = self.language
        if language != self.language_shown:
            self.show_language(language)
        self.query_one(AreaMap).show(conversation.overview(), len(conversation.state.outcome_ids()), language)
        waiting, banner = self.pending_alerts(), self.query_one(AlertBanner)
        changed = waiting != banner.waiting
        banner.show(waiting, "Ctrl+N", language)
        box = self.query_one("#alert-box", VerticalScroll)
        box.display = bool(waiting)
        if changed:
            box.scroll_home(animate=False)  # a new alert is read from its first line
        # The part the conversation is at, as the map shows it (the record's part can lag behind a move).
        shown = self.last_prompt
        number = shown.conversation if isinstance(shown, out.Prompt) and shown.conversation else conversation.part()
        step = conversation.step
        where = conversation.flow.title
        if conversation.flow.part_numbered(number) is not None:
            where += f" · {self.words('app_map_part', number=number)}"
        if step is not None:
            where += f" · {step.title}"
        if conversation.ended:
            where += f" · {self.words('app_header_finished')}"
        # A carer's own self-assessment is not a call, and has no clock to beat.
        timed = conversation.audience.value != "carer"
        self.query_one(CallHeader).show(where, conversation.state.started_at if timed else None, language)
        if conversation.ended:
            self.query_one(AnswerInput).set_enabled(False, self.words("app_finished_box"))
            self.query_one("#draft").display = True
        if self.query_one("#draft").display:
            self.query_one(DraftPane).show(self.draft_text())
        keys = (bool(conversation.pending_alerts()), bool(conversation.state.pending_cues()), conversation.ended,
                language)
        if keys != self.keys_shown:  # the footer is rebuilt only when the keys that matter change
            self.keys_shown = keys
            self.refresh_bindings()

    def show_language(self, language: str) -> None:
        """The screen's own words in the conversation's language: at the start, and when it changes part-way."""
        first = self.language_shown is None
        self.language_shown = language
        self.query_one(AreaMap).border_title = self.words("app_map_title")
        self.query_one(DraftPane).border_title = self.words("app_draft_title")
        answer = self.query_one(AnswerInput)
        answer.speak(self.words(f"answer_box_{self.conversation.audience.value}"), self.words("app_lines_title"))
        if not first:
            answer.hint(self.usual_hint())

    def pending_alerts(self) -> list[WaitingAlert]:
        return self.conversation.waiting_alerts(QUOTE_MAX)

    def draft_text(self) -> str:
        return render(self.conversation.assessment(), "txt")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        state = self.conversation.state
        if action == "acknowledge":
            return bool(self.conversation.pending_alerts())
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
            question = self.words("app_ask_concern_kind", kind=kinds.category(category).label_in(self.language))
        else:
            question = self.words("app_ask_concern", kinds=", ".join(kinds.ids))
        def noticed(note: str | None) -> None:
            if note and category:
                self.do(RaiseConcern(category, note.strip()))
            elif note:  # its kind first, then what was noticed
                kind, _, words = note.strip().partition(" ")
                self.do(RaiseConcern(kind, words.strip()))

        self.app.push_screen(ReasonModal(question, self.words("app_ask_concern_box"), required=True), noticed)

    def action_accept_cue(self, cue_id: str = "") -> None:
        self.do(Accept(cue_id))

    def action_dismiss_cue(self, cue_id: str = "") -> None:
        self.do(Dismiss(cue_id))

    def action_skip(self) -> None:
        step = self.conversation.step
        title = step.title if step else self.words("app_ask_skip_this")
        def skip(reason: str | None) -> None:
            if reason is not None:
                self.do(Skip(reason.strip()))

        self.app.push_screen(ReasonModal(self.words("app_ask_skip", title=title)), skip)

    def action_undo(self) -> None:
        self.do(Undo())

    def action_refile(self) -> None:
        state = self.conversation.state
        item_id = state.last_answer
        item = state.items.get(item_id) if item_id is not None else None
        if item is None:
            self.notify(self.words("app_nothing_to_refile"), severity="warning")
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
        name = self.words("app_map_part", number=number)
        outputs = self.do(Move(number))
        if outputs and isinstance(outputs[0], out.Error):
            self.notify(outputs[0].text, title=name, severity="warning", timeout=8)
            def move(reason: str | None) -> None:
                if reason:
                    self.do(Move(number, reason))

            self.app.push_screen(
                ReasonModal(self.words("app_ask_move", problem=outputs[0].text, name=name), required=True),
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

        self.app.push_screen(ConfirmModal(self.words("app_ask_replace", path=path), self.words("app_ask_replace_yes"),
                                          self.words("app_ask_replace_no")), confirmed)

    def export(self, path: Path, replace: bool = False) -> Path | None:
        """Write the draft; a file already there is refused unless `replace` (asked first)."""
        try:
            written = Path(self.app.service.export(self.conversation, path.suffix.lstrip("."), path,
                                                   replace=replace))
        except ExportRefused as error:
            self.notify(self.words("app_not_exported", problem=error), severity="error", timeout=10, markup=False)
            return None
        except StoreError as error:  # the file may be written and only its audit line missing: say which
            if path.exists():
                self.notify(self.words("written_not_audited", path=path.resolve(), problem=_one_line(error)),
                            severity="error", timeout=15, markup=False)
                return path.resolve()
            self.notify(self.words("app_not_exported", problem=_one_line(error)), severity="error", timeout=15,
                        markup=False)
            return None
        self.chat.add([transcript.LogLine(transcript.INFO, self.words("app_draft_written", path=written), "·")])
        self.notify(self.words("app_draft_written", path=written), title=self.words("app_exported"), markup=False)
        return written

    def download(self, fmt: str) -> str | None:
        """The draft as a download in the browser (`convo serve`): audited first, never a file here."""
        text = draft_text(self.conversation, fmt)
        if not self.audited("exported", format=fmt, to="browser download", redacted=False):
            return None
        name = f"convo-{self.conversation.id}.{fmt}"
        self.app.deliver_text(io.StringIO(text), save_filename=name, encoding="utf-8")
        self.notify(self.words("app_downloading", name=name), title=self.words("app_exported"), markup=False)
        return name

    def action_copy_draft(self) -> None:
        self.confirm_plaintext("copy_encrypted", self.copy_draft)

    def copy_draft(self) -> bool:
        if not self.audited("copied", format="md", to="clipboard"):
            return False
        self.app.copy_to_clipboard(render(self.conversation.assessment(), "md"))
        self.notify(self.words("app_copied_draft"), title=self.words("app_copied"))
        return True

    def confirm_plaintext(self, question: str, then: Callable[[], object]) -> None:
        """From an encrypted store, a copy that will not be encrypted is made only once confirmed."""
        if not self.app.service.encrypted:
            then()
            return
        def confirmed(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmModal(self.words(question), self.words("app_yes")), confirmed)

    def audited(self, action: str, **detail: object) -> bool:
        """Write the audit line before the copy is made; if it cannot be written, the copy is not made."""
        service = self.app.service
        try:
            service.audit(action, self.conversation.id, encrypted_store=service.encrypted, **detail)
        except StoreError as error:
            self.notify(self.words("not_audited", problem=_one_line(error)), severity="error", timeout=15, markup=False)
            return False
        return True

    def action_end(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if yes:
                self.do(End())

        self.app.push_screen(
            ConfirmModal(self.words("app_ask_end"), self.words("app_ask_end_yes")),
            confirmed)

    def action_speaker(self, who: str) -> None:
        self.do(Speaker(who))

    # -- the palette -----------------------------------------------------------------------------

    def palette_commands(self) -> list[tuple[str, Callable[[], object], str]]:
        c, w = self.conversation, self.words
        commands: list[tuple[str, Callable[[], object], str]] = []
        if not c.ended:
            count = len(c.state.outcome_ids())
            for sid in c.flow.order:
                step = c.flow.steps[sid]
                # A carer reads the area in their own words; a practitioner by the name /goto takes.
                area = vocabulary.area(str(step.area))
                where = w(f"app_area_{area.id}_carer") if c.audience.value == "carer" else w("app_area", id=area.id)
                if step.per_outcome:
                    for n in range(1, count + 1):
                        commands.append((w("app_go_to_outcome", title=step.title, number=n),
                                         partial(self.goto, sid, n), where))
                else:
                    commands.append((w("app_go_to", title=step.title), partial(self.goto, sid), where))
            commands += [(w("app_refile_last", kind=w(f"app_kind_{kind}")), partial(self.refile, kind),
                          w("app_refile_why")) for kind in vocabulary.refile_kinds()]
            commands += [
                (w("app_skip_question"), self.action_skip, w("app_skip_question_keys")),
                (w("app_undo"), self.action_undo, w("app_undo_keys")),
            ]
            commands += [(w("app_move_to", name=w("app_map_part", number=part.number),
                            short=w(f"app_part_{part.number}_short")), partial(self.switch, part.number),
                          w(f"app_part_{part.number}_why"))
                         for part in vocabulary.PARTS.values() if part.number > 1]
            commands.append((w("app_end"), self.action_end, w("app_end_why")))
            commands += [(w("app_now_speaking", who=w(f"app_speaker_{who}")), partial(self.action_speaker, who),
                          w("app_now_speaking_why")) for who in SOURCES]
            for cue_id in c.state.pending_cues():
                _, _, term, text = c.state.cues[cue_id]
                commands.append((w("app_accept_suggestion", id=cue_id, term=term),
                                 partial(self.action_accept_cue, cue_id), text))
                commands.append((w("app_dismiss_suggestion", id=cue_id, term=term),
                                 partial(self.action_dismiss_cue, cue_id), text))
        if c.pending_alerts():
            commands.append((w("app_acknowledge_alert"), self.action_acknowledge, "Ctrl+N"))
        if not c.ended and c.audience.value == "practitioner":
            from convo.notice.taxonomy import taxonomy

            commands += [(w("app_raise_concern", kind=kind.label_in(self.language)),
                          partial(self.action_raise_concern, kind.id), w("app_raise_concern_why"))
                         for kind in taxonomy().categories]
        where = w("app_export_download") if getattr(self.app, "deliver_exports", False) else w("app_export_file")
        commands += [(w("app_export_as", format=w(f"app_format_{fmt}")), partial(self.action_export, fmt), where)
                     for fmt in FORMATS]
        commands += [
            (w("app_copy_draft"), self.action_copy_draft, w("app_copy_draft_why")),
            (w("app_toggle_draft"), self.action_toggle_draft, w("app_toggle_draft_keys")),
            (w("app_toggle_map"), self.action_toggle_map, "Ctrl+B"),
            (w("app_go_home"), self.app.go_home, w("app_go_home_why")),
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
