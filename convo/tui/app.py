"""The terminal app: `make_app()` builds it for the CLI and the tests."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from convo import config, library
from convo.clock import Clock, utc_now
from convo.services import ConversationOpen, Service, StoreError, open_database
from convo.tui.keys import binding
from convo.tui.messages import ResumeChosen, StartChosen
from convo.tui.palette import ConvoCommands
from convo.tui.screens.home import HomeScreen, start_choices
from convo.tui.themes import DEFAULT_THEME, HIGH_CONTRAST
from convo.tui.words import has, language_of, words
from convo.vocabulary import Start
from convo.wording import say

if TYPE_CHECKING:  # the engine and the conversation screen load after the home screen is up
    from convo.engine.conversation import Conversation

class ConvoApp(App):
    TITLE = "convo"
    CSS_PATH = "app.tcss"  # rules for every screen; each screen and widget brings its own (convo.tui.styles)
    COMMANDS = App.COMMANDS | {ConvoCommands}
    # One key, two bindings: check_action shows the one that tells the truth about the last save.
    BINDINGS: ClassVar[list[BindingType]] = [
        binding("ctrl+q", "quit", priority=True),
        binding("ctrl+q", "quit_unsaved", priority=True),
    ]
    deliver_exports = False  # True where exports go to a web browser, never to a path on this computer
    freeze_when_warm = False  # True when the app has the process to itself (`convo`): see warm_up

    def __init__(self, service: Service, conversation: Conversation | None = None, *, clock: Clock = utc_now,
                 choices: Callable[[], list[Start]] = start_choices, high_contrast: bool | None = None,
                 new_id: Callable[[], str] | None = None, blink: bool = True, contested: str | None = None,
                 carer: bool = False):
        super().__init__()
        # The carers' own app (`convo carer`): closing an alert is the carer's seeing it. Anywhere else a
        # practitioner is at the keyboard, and acknowledges, in a carer's self-assessment too.
        self.carer = carer
        self.service, self.clock, self.choices, self.new_id = service, clock, choices, new_id
        self.blink = blink  # tests and snapshots turn the cursor's blinking off
        self.opening = conversation
        self.home: Screen | None = None  # the start screen, once built
        # Unless told, as it was left: the setting is kept when it is changed.
        self.high_contrast = config.load().high_contrast if high_contrast is None else high_contrast
        self.last_save_failed = False
        self.taken_elsewhere = False  # a conversation shown here was taken over by another window
        self.last_opened: Conversation | None = None  # the conversation shown last, to name when the app ends
        self.contested = contested  # a conversation to open that another window holds: asked first
        self.writing: str | None = None  # the conversation this window holds, to let go of when it leaves

    def get_default_screen(self) -> Screen:
        """The start screen, unless the app opens on a conversation: then Textual's own blank screen,
        with the conversation pushed over it (on_mount). Textual cannot replace its first screen, so
        going home from there replaces the conversation with the start screen instead."""
        if self.opening is not None:
            return super().get_default_screen()
        self.home = self.start_screen()
        return self.home

    def start_screen(self) -> Screen:
        """The screen everything starts from and goes back to."""
        return HomeScreen(self.service, self.choices)

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name if self.high_contrast else DEFAULT_THEME
        if self.opening is not None:
            self.open_claimed(self.opening)
        elif self.contested is not None:
            self.carry_on(self.contested)
        # After the first paint, so it does not slow the start; on a conversation opened at once too, so
        # its first answer does not wait for the model, and the model is frozen (warm_up) there as well.
        self.set_timer(0.5, self.warm_up)

    def watch_app_focus(self, focus: bool) -> None:
        """In a browser the app gains focus only after its first screen is built, so Textual's auto
        focus passed that screen by: give it now, or the first key would reach no widget."""
        screen = self.screen
        if focus and screen.focused is None and screen.AUTO_FOCUS:
            for widget in screen.query(screen.AUTO_FOCUS):
                if widget.focusable:
                    widget.focus()
                    break

    @work(thread=True, group="warm-up", exclusive=True)
    def warm_up(self) -> None:
        """Load the engine, the flows and what hears answers while the first screen waits, so that starting a
        call, or the first answer, is instant."""
        from convo.tui.screens import conversation  # noqa: F401

        for choice in self.choices():
            if choice.flow:
                library.get(choice.flow)
        from convo.notice import detector

        detector.warm()
        if self.freeze_when_warm:
            # The model that hears answers (a quarter of a million rows of weights) is loaded here, after
            # `convo` froze what it had loaded before the app ran. Frozen too, it is no longer walked by
            # each full garbage collection: in a call of 300 answers, the 30 after loading took 108-341 ms
            # each (a turn held up by them); now each takes 9-53 ms (docs/performance.md).
            gc.freeze()

    def open(self, conversation: Conversation) -> None:
        """Show a conversation this window has claimed."""
        from convo.tui.screens.conversation import ConversationScreen

        self.writing = conversation.id
        self.last_opened = conversation
        if not self.carer:
            conversation.by_practitioner()
        self.push_screen(ConversationScreen(conversation))

    def open_claimed(self, conversation: Conversation) -> None:
        """Show a conversation read before the app started, once this window is the one writing it."""
        try:
            self.service.claim(conversation.id)
        except ConversationOpen:
            self.go_home()
            self.carry_on(conversation.id)  # asked, and read afresh: the other window may have added to it
            return
        except StoreError as error:
            self.go_home()
            self.notify(words("app_not_opened", self.language, problem=_one_line(error)), severity="error",
                        timeout=15, markup=False)
            return
        self.open(conversation)

    def carry_on(self, conversation_id: str, take_over: bool = False) -> None:
        """Open a saved conversation, claimed before its events are read so nothing written elsewhere is
        missed. If another window has it, say so and take it over only when asked to."""
        from convo.tui.screens.take_over_modal import TakeOverModal

        try:
            conversation = self.service.resume(conversation_id, take_over=take_over, clock=self.clock)
        except ConversationOpen as error:
            def answered(yes: bool | None) -> None:
                if yes:
                    self.carry_on(conversation_id, take_over=True)

            self.push_screen(TakeOverModal(error), answered)
            return
        except (StoreError, LookupError, ValueError) as error:  # the lease is let go already
            self.notify(words("app_not_opened", self.language, problem=_one_line(error)), severity="error",
                        timeout=15, markup=False)
            return
        self.open(conversation)

    def let_go(self, conversation_id: str | None) -> None:
        """Let another window write this conversation; a store that cannot say so lets the lease lapse."""
        if conversation_id is None:
            return
        if self.writing == conversation_id:
            self.writing = None
        self.service.release(conversation_id)

    def on_unmount(self) -> None:
        self.let_go(self.writing)

    def go_home(self) -> None:
        """Back to the start screen, building it if the app was opened straight on a conversation."""
        self.let_go(self.writing)
        if self.home is None:
            self.home = self.start_screen()
            self.switch_screen(self.home)
            return
        while self.screen is not self.home:
            self.pop_screen()

    @property
    def language(self) -> str:
        """The language of the app's own words now: the conversation's on screen, else the setting's."""
        return language_of(self)

    @property
    def conversation(self) -> Conversation | None:
        return getattr(self.screen, "conversation", None)

    def on_start_chosen(self, message: StartChosen) -> None:
        if message.mode == "practice":
            self.open_practice()
            return
        assert message.flow is not None  # only practice starts without a flow
        try:
            conversation = self.service.start(message.flow, message.audience, clock=self.clock,
                                              conversation_id=self.new_id() if self.new_id else None)
        except StoreError as error:
            self.notify(words("app_not_started", self.language, problem=_one_line(error)), severity="error",
                        timeout=15, markup=False)
            return
        self.open(conversation)

    def on_resume_chosen(self, message: ResumeChosen) -> None:
        self.carry_on(message.conversation_id)

    def open_practice(self) -> None:
        from convo.tui.screens.practice import PracticeScreen

        self.push_screen(PracticeScreen(self.service))

    def saved(self, ok: bool) -> None:
        """Whether the last answer was saved, so Ctrl+Q never claims what is not so."""
        if ok != (not self.last_save_failed):
            self.last_save_failed = not ok
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit":
            return not self.last_save_failed
        if action == "quit_unsaved":
            return self.last_save_failed
        return True

    async def action_quit_unsaved(self) -> None:
        await self.action_quit()

    # -- what Textual offers that would leak people's words ---------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        language = self.language
        for command in super().get_system_commands(screen):
            if command.title == "Screenshot":  # it writes the screen, answers and all, to an unencrypted file
                continue
            key = f"app_system_{command.title.lower()}"
            if has(key):  # Textual's own commands, in the language on screen
                hidden = command.help.startswith("Hide")
                command = command._replace(title=words(key, language),
                                           help=words(f"{key}_hide_help" if hidden else f"{key}_help", language))
            yield command

    def action_command_palette(self) -> None:
        """Textual's palette, its box saying what to type in the language on screen."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=words("app_palette_search",
                                                                                          self.language)))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.notify(words("no_screenshots", self.language), severity="warning")

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        self.notify(words("no_screenshots", self.language), severity="warning")
        return None

    def _handle_exception(self, error: Exception) -> None:
        """Any uncaught error ends the app with one line: Textual's own report shows local variables,
        which can hold what someone said. Nothing is written to disk."""
        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it in tests
            self._exception = error
            self._exception_event.set()
        self._fatal_error()

    def _fatal_error(self) -> None:
        self.panic()

    def panic(self, *renderables: object) -> None:
        from rich.text import Text

        try:
            line = say("app_stopped")
        except Exception:  # noqa: BLE001 -- the crash may be in reading what convo says
            line = "convo stopped unexpectedly."
        self._exit_renderables[:] = [Text(line)]
        self._close_messages_no_wait()

    def action_toggle_high_contrast(self) -> None:
        self.high_contrast = self.theme != HIGH_CONTRAST.name
        self.theme = HIGH_CONTRAST.name if self.high_contrast else DEFAULT_THEME
        try:
            config.save(high_contrast=self.high_contrast)
        except (config.SettingsError, OSError) as error:
            said = "app_high_contrast_not_kept" if self.high_contrast else "app_not_kept"
            self.notify(words(said, self.language, problem=_one_line(error)), severity="warning", markup=False)

    def farewell(self) -> str | None:
        """What to say once the app has closed: which conversation was open, and how to carry it on."""
        shown = self.last_opened
        if shown is None:
            return None
        return words("left_conversation", shown.language, id=shown.id, finished=shown.ended)


def make_app(db: str | Path | None = None, resume: str | None = None, *, service: Service | None = None,
             clock: Clock = utc_now, take_over: bool = False, **options) -> ConvoApp:
    """The app on a database; with `resume`, opened on that conversation (a StoreError if it is not there).

    If another window has it open, the app opens on the start screen and asks whether to take it over,
    unless `take_over` says so already."""
    service = service or open_database(db)
    if not resume:
        return ConvoApp(service, clock=clock, **options)
    try:
        conversation = service.resume(resume, take_over=take_over, clock=clock)
    except ConversationOpen:
        return ConvoApp(service, clock=clock, contested=resume, **options)
    return ConvoApp(service, conversation, clock=clock, **options)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
