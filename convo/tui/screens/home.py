"""The home screen: start a new conversation, or carry on a saved one (filter by typing)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from convo import library, vocabulary
from convo.language import default_language
from convo.render import one_line
from convo.services import ConversationInfo, Service
from convo.tui.keys import binding
from convo.tui.messages import ResumeChosen, StartChosen
from convo.tui.styles import tcss
from convo.tui.widgets.in_turn import InTurnInput
from convo.tui.widgets.key_footer import KeyFooter
from convo.tui.widgets.saved_list import SavedList
from convo.tui.words import has, words
from convo.vocabulary import STARTS, Start


def start_choices(flows: list[str] | None = None, practice: bool = True) -> list[Start]:
    """The ways to begin the vocabulary lists, for the flows there are (and practice, unless not wanted)."""
    flows = library.shipped_names() if flows is None else flows
    return [start for start in STARTS if (start.flow in flows if start.flow else practice)]


# Saved conversations shown at once: unfinished first (a carer's own before the rest), most recently
# touched first; typing finds the rest, in the store, however many there are.
SAVED_PAGE = 100


def status_word(status: str, language: str | None = None) -> str:
    """A stored conversation's status in the language on screen (else as the vocabulary says it)."""
    key = f"app_status_{status}"
    return words(key, language) if has(key) else vocabulary.status_word(status)


def start_words(choice: Start, language: str | None = None) -> tuple[str, str]:
    """A way to begin, as the start screen offers it: its label and hint, in the language on screen."""
    key = f"app_start_{choice.id.replace('-', '_')}"
    if not has(key):
        return choice.label, choice.hint
    return words(key, language), words(f"{key}_hint", language)


def row_for(info: ConversationInfo, language: str | None = None,
            status: str | None = None) -> tuple[str, str, str, str, str]:
    """A saved conversation's row; `status` is its status word when the caller has it already."""
    when = info.updated.astimezone().strftime("%Y-%m-%d %H:%M")
    return (info.id, when, info.flow, status or status_word(info.status, language), info.title)


class HomeScreen(Screen):
    DEFAULT_CSS = tcss(__file__)
    AUTO_FOCUS = "#start"
    BINDINGS: ClassVar[list[BindingType]] = [
        binding("ctrl+f", "filter"),
        binding("ctrl+r", "refresh_saved", show=False),
    ]

    def __init__(self, service: Service, choices: Callable[[], list[Start]] = start_choices):
        super().__init__()
        self.service = service
        self.choices = choices()
        self.saved: list[ConversationInfo] = []
        self._fresh = False  # mounted and not yet shown: its rows are read already

    @property
    def language(self) -> str:
        """The setting's (`--language`, CONVO_LANGUAGE): no conversation is open here."""
        return default_language()

    def compose(self) -> ComposeResult:
        language = self.language
        yield Static(words("app_home_title", language), id="title")
        with Vertical(id="start-box"):
            yield Static(words("app_home_start", language), classes="section")
            options = []
            for choice in self.choices:
                label, hint = start_words(choice, language)
                options.append(Option(Content.assemble((label, "bold"), " — ", hint), id=choice.id))
            yield OptionList(*options, id="start")
        with Vertical(id="saved-box"):
            yield Static(words("app_home_saved", language), classes="section")
            yield InTurnInput(placeholder=words("app_home_filter", language), id="filter")
            yield SavedList(id="saved")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#saved", SavedList).set_headings(
            *[words(f"app_column_{column}", self.language) for column in ("id", "when", "flow", "status", "title")])
        # The rows are read now, so the first frame drawn shows them.
        self.refresh_saved()
        self._fresh = True

    def on_screen_resume(self) -> None:
        """Each time the screen is shown again (the rows were read as it was mounted the first time)."""
        if self._fresh:
            self._fresh = False
            return
        self.refresh_saved()

    def on_screen_suspend(self) -> None:
        self._fresh = False  # whatever is done meanwhile is shown when it comes back

    def refresh_saved(self) -> None:
        self.show_saved(self.query_one("#filter", Input).value)

    def show_saved(self, text: str) -> None:
        self.saved = saved = self.service.list(limit=SAVED_PAGE, search=text, unfinished_first=True)
        table = self.query_one("#saved", SavedList)
        was = table.highlighted  # the row the cursor was on stays under it, if it is still listed
        table.clear()
        language = self.language
        # A status's word is looked up (a template filled in) once a page, not once a row.
        statuses = {status: status_word(status, language) for status in {info.status for info in saved}}
        table.add_rows([(info.id, row_for(info, language, statuses[info.status])) for info in saved])
        table.highlight(was)

    @property
    def shown_ids(self) -> list[str]:
        return self.query_one("#saved", SavedList).keys

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_saved(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        table = self.query_one("#saved", SavedList)
        if table.row_count:
            table.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.start(next(c for c in self.choices if c.id == event.option.id))

    def start(self, choice: Start) -> None:
        self.post_message(StartChosen(choice.flow, choice.audience, choice.mode))

    def resume(self, conversation_id: str) -> None:
        self.post_message(ResumeChosen(conversation_id))

    def on_saved_list_chosen(self, event: SavedList.Chosen) -> None:
        event.stop()
        self.resume(event.key)

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_refresh_saved(self) -> None:
        self.refresh_saved()

    def palette_commands(self) -> list[tuple[str, Callable[[], object], str]]:
        language = self.language
        commands: list[tuple[str, Callable[[], object], str]] = []
        for choice in self.choices:
            label, hint = start_words(choice, language)
            commands.append((words("app_start", language, label=label), partial(self.start, choice), hint))
        commands += [(words("app_resume", language, id=info.id, title=one_line(info.title)[:40]),
                      partial(self.resume, info.id), f"{info.flow}, {status_word(info.status, language)}")
                     for info in self.saved]
        commands.append((words("app_find_saved", language), self.action_filter, words("app_find_saved_why", language)))
        return commands
