"""Practice mode in the app: pick a scenario, talk with the simulated person, see the coaching and the feedback.

A thin face over `PracticeSession`, like line mode: text in, outputs shown. Everything typed or said is
shown through Content objects, never parsed as markup. Sessions are saved in the practice database
beside the app's own; if that cannot be opened, the practice is kept in memory and the screen says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from convo.language import default_language
from convo.paths import write_private
from convo.practice import replies as out
from convo.practice.feedback import render_feedback
from convo.practice.plain import heard_as
from convo.practice.scenario import LoadedScenario, shipped
from convo.practice.session import PracticeSession
from convo.render import one_line, visible
from convo.services import ConversationInfo, ConversationOpen, Service, StoreError
from convo.tui.keys import binding
from convo.tui.styles import tcss
from convo.tui.transcript import LogLine
from convo.tui.widgets.chat_log import ChatLog
from convo.tui.widgets.in_turn import InTurnInput
from convo.tui.widgets.key_footer import KeyFooter
from convo.tui.words import words

EXPORT_FORMATS = {".md": "md", ".html": "html", ".json": "json"}
RESUME = "carry-on:"  # an option to carry on a practice has this before the practice's id


class PracticeScreen(Screen):
    DEFAULT_CSS = tcss(__file__)
    AUTO_FOCUS = "#scenarios"
    BINDINGS: ClassVar[list[BindingType]] = [
        binding("escape", "leave"),
    ]

    def __init__(self, service: Service | None = None, scenarios: list[LoadedScenario] | None = None, **options):
        super().__init__()
        self.main = service
        self.scenarios = scenarios if scenarios is not None else shipped()
        self.options = options  # e.g. a coder or a clock, for tests
        self.practices: Service | None = None  # the practice database, opened on first need
        self.session: PracticeSession | None = None

    @property
    def language(self) -> str:
        """The setting's: a practice is held in English, but the screen's own words follow the setting."""
        return default_language()

    def words(self, key: str, /, **values: object) -> str:
        return words(key, self.language, **values)

    def compose(self) -> ComposeResult:
        w = self.words
        yield Static(w("app_practice_title"), id="practice-title", markup=False)
        when = w("app_practice_when")
        waiting = [Option(Content.assemble((f"{w('app_practice_carry_on')} ", "bold"), one_line(info.title), " — ",
                                           w("app_practice_left", when=info.updated.astimezone().strftime(when))),
                          id=RESUME + info.id) for info in self.unfinished()]
        yield OptionList(*waiting, *[Option(Content.assemble((s.scenario.title, "bold"), " — ", s.scenario.summary),
                                            id=s.scenario.id) for s in self.scenarios], id="scenarios")
        yield ChatLog(id="practice-log")
        yield Static("", id="explored")
        yield InTurnInput(placeholder=w("app_practice_say"), id="practice-input", disabled=True, empty_on_send=True)
        yield KeyFooter()

    # -- starting -------------------------------------------------------------------------------

    def unfinished(self) -> list[ConversationInfo]:
        """Practices left before their end, to offer first; none if there is no practice database yet."""
        if self.main is None or not self.main.has_practice():
            return []
        practices = self.practice_service()
        return practices.unfinished_practices() if practices is not None else []

    def practice_service(self) -> Service | None:
        """The practice database beside the app's own, opened on first need; None if it cannot be."""
        if self.practices is None and self.main is not None:
            try:
                self.practices = self.main.practice_beside()
            except StoreError as error:
                self.notify(self.words("app_practice_not_saved", problem=error), severity="warning")
        return self.practices

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = event.option.id or ""
        if choice.startswith(RESUME):
            self.carry_on(choice.removeprefix(RESUME))
        else:
            self.start(next(s for s in self.scenarios if s.scenario.id == choice))

    def start(self, loaded: LoadedScenario) -> None:
        practices = self.practice_service()
        if practices is None:  # kept in memory: the screen has said it is not being saved
            session = PracticeSession.start(loaded, None, **self.options)
        else:
            session = practices.start_practice(loaded, claim=False, **self.options)
            try:
                practices.claim(session.id)
            except StoreError as error:
                self.notify(self.words("app_practice_not_saved", problem=error), severity="warning")
        self.talk(session)

    def carry_on(self, practice_id: str, take_over: bool = False) -> None:
        from convo.tui.screens.take_over_modal import TakeOverModal

        practices = self.practice_service()
        if practices is None:
            return
        try:  # one window writes a practice, as a conversation
            session = practices.resume_practice(practice_id, take_over=take_over, **self.options)
        except ConversationOpen as error:
            def answered(yes: bool | None) -> None:
                if yes:
                    self.carry_on(practice_id, True)

            self.app.push_screen(TakeOverModal(error), answered)
            return
        except (LookupError, StoreError) as error:
            self.notify(self.words("app_practice_cannot_carry_on", problem=error), severity="error")
            return
        self.talk(session)

    def talk(self, session: PracticeSession) -> None:
        self.session = session
        self.query_one("#scenarios", OptionList).display = False
        field = self.query_one("#practice-input", Input)
        field.disabled = False
        field.focus()
        self.show(self.session.opening())

    # -- talking --------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """What was typed before Enter (`InTurnInput`: out of the box once sent, or back in it if not)."""
        event.stop()
        box = self.query_one("#practice-input", InTurnInput)
        text = event.value
        if self.session is None:
            box.put_back(text)
            return
        if self.session.ended:
            box.sent()
            self.export(text.strip())
            return
        try:
            outputs = self.session.send(text)
        except StoreError as error:  # taken over in another window, or a full disk: the words go back in the box
            box.put_back(text)
            self.notify(self.words("app_taken_over", why=error), severity="error", timeout=15, markup=False)
            return
        box.sent()
        if text.strip() and not (text.startswith("/") and not text.startswith("//")):
            self.log_lines([LogLine("you", visible(text), self.words("app_practice_you"))])
        self.show(outputs)

    def log_lines(self, lines: list[LogLine]) -> None:
        self.query_one("#practice-log", ChatLog).add(lines)

    def show(self, outputs: list[out.Output]) -> None:
        assert self.session is not None
        lines: list[LogLine] = []
        for output in outputs:
            if isinstance(output, out.Reply):
                lines.append(LogLine("reply", visible(output.text), f"{visible(output.name)}:"))
            elif isinstance(output, out.Coach):
                lines.append(LogLine("coach", visible(output.tip), f"[{heard_as(output)}]"))
                lines += [LogLine("coach", visible(note), "·") for note in output.notes]
            elif isinstance(output, out.Alert):
                lines.append(LogLine("alert", visible(output.text), "!!!"))
            elif isinstance(output, out.Info):
                lines.append(LogLine("info", visible(output.text)))
            elif isinstance(output, out.Error):
                lines.append(LogLine("error", visible(output.text), "!"))
            elif isinstance(output, out.Prompt):
                self.query_one("#practice-input", Input).placeholder = output.text
                if output.phase != "talk":
                    lines.append(LogLine("prompt", visible(output.text)))
            elif isinstance(output, out.Feedback):
                self.log_lines(lines)
                lines = []
                log = self.query_one("#practice-log", ChatLog)
                log.mount(Markdown(render_feedback(self.session.feedback(), "md"), id="feedback"))
                log.call_after_refresh(log.scroll_end, animate=False, immediate=True)
            elif isinstance(output, out.Done):
                self.query_one("#practice-input", Input).placeholder = self.words("app_practice_keep")
        self.log_lines(lines)
        self.query_one("#explored", Static).update(Content(visible(self.session.explored_text())))

    # -- after the end --------------------------------------------------------------------------

    def export(self, name: str) -> None:
        assert self.session is not None
        if not name:
            return
        path = Path(name).expanduser()
        fmt = EXPORT_FORMATS.get(path.suffix.lower())
        if fmt is None:
            self.notify(self.words("app_practice_ending"), severity="warning")
            return
        try:
            write_private(path, render_feedback(self.session.feedback(), fmt))
        except OSError as error:
            self.notify(self.words("app_practice_not_written", path=path, problem=error.strerror), severity="error")
            return
        self.notify(self.words("app_practice_written", path=path))

    def action_leave(self) -> None:
        if self.practices is not None and self.session is not None:
            self.practices.release(self.session.id)  # a lease not let go lapses by itself
        self.dismiss()
