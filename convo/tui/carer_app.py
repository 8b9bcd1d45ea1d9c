"""The app as a carer meets it in a web browser (`convo serve`): the carer's start screen instead
of the home screen, so no saved conversation is ever listed, and codes as conversation ids."""

from __future__ import annotations

from textual import events

from convo.store import Store
from convo.tui.app import ConvoApp
from convo.tui.screens.carer_start import CarerStartScreen
from convo.tui.themes import DEFAULT_THEME, HIGH_CONTRAST


class CarerWebApp(ConvoApp):
    def __init__(self, store: Store, **options):
        options.setdefault("new_id", self._take_code)
        super().__init__(store, None, **options)
        self.start_screen = CarerStartScreen(store)

    def on_mount(self, event: events.Mount) -> None:
        # In place of ConvoApp.on_mount, which would push the home screen and its list of everyone's conversations.
        event.prevent_default()
        self.register_theme(HIGH_CONTRAST)
        self.theme = HIGH_CONTRAST.name if self.high_contrast else DEFAULT_THEME
        self.push_screen(self.start_screen)

    def _take_code(self) -> str:
        return self.start_screen.take_code()
