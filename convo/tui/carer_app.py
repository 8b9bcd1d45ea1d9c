"""The app as a carer meets it in a web browser (`convo serve`): the carer's start screen instead
of the home screen, so no saved conversation is ever listed, and codes as conversation ids."""

from __future__ import annotations

from convo.services import Service
from convo.tui.app import ConvoApp
from convo.tui.screens.carer_start import CarerStartScreen


class CarerWebApp(ConvoApp):
    deliver_exports = True  # `convo serve` runs this: a draft is a download, never a file on the server
    def __init__(self, service: Service, **options):
        options.setdefault("new_id", self._take_code)
        super().__init__(service, None, carer=True, **options)

    def start_screen(self) -> CarerStartScreen:
        # Never the home screen: that lists everyone's conversations, and this app faces the public.
        return CarerStartScreen(self.service)

    def _take_code(self) -> str:
        assert isinstance(self.home, CarerStartScreen)  # start_screen() made it before any conversation starts
        return self.home.take_code()
