"""Where a carer in a web browser starts: a new self-assessment, or carrying on with their code.

It lists no saved conversations, so nobody at this page can see what anyone else wrote; the code
(shown before anything is typed) is the only way back to a conversation started here.
"""

from __future__ import annotations

import contextlib

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from convo import carer
from convo.services import Service, StoreError
from convo.tui.messages import ResumeChosen, StartChosen
from convo.tui.styles import tcss
from convo.tui.widgets.in_turn import InTurnInput
from convo.tui.widgets.key_footer import KeyFooter
from convo.wording import say


class CarerStartScreen(Screen):
    DEFAULT_CSS = tcss(__file__)
    AUTO_FOCUS = "#start"

    def __init__(self, service: Service):
        super().__init__()
        self.service = service
        self.code = carer.new_code()
        self.wrong = 0  # codes refused in this page

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="carer-start"):
            yield Static(say("carer_web_title"), id="title", markup=False)
            yield Static(say("carer_web_intro"), id="intro", markup=False)
            yield Button(say("carer_web_start"), id="start", variant="primary")
            yield Static(say("carer_web_code", code=self.code), id="code", markup=False)
            yield Static(say("carer_web_resume"), id="resume-label", markup=False)
            yield InTurnInput(placeholder="abcd-efgh-jkmn", id="resume-code", max_length=40)
            yield Static("", id="resume-problem", markup=False)
        yield KeyFooter()

    def take_code(self) -> str:
        """The code shown now becomes a conversation's id; the next start gets a fresh one."""
        code, self.code = self.code, carer.new_code()
        self.query_one("#code", Static).update(say("carer_web_code", code=self.code))
        return code

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self.app.notify(say("carer_web_code_again", code=self.code), timeout=30)
            self.post_message(StartChosen(carer.FLOW, carer.AUDIENCE))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        info = self.service.carer_code(event.value)
        problem = self.query_one("#resume-problem", Static)
        if info is None:
            self.refused(event.input, problem)
            return
        event.input.value = ""
        problem.update("")
        self.post_message(ResumeChosen(info.id))

    def refused(self, box: Input, problem: Static) -> None:
        """A wrong code: said plainly, and written to the audit log (without what was typed). After a
        few in this page, each next try waits longer, up to a minute, so codes cannot be guessed at speed."""
        self.wrong += 1
        # A store too busy to log this still refuses the code, and the page still waits.
        with contextlib.suppress(StoreError):
            self.service.audit("carer_code_refused", None, attempt=self.wrong)
        wait = carer.code_wait(self.wrong)
        if not wait:
            problem.update(say("carer_code_unknown"))
            return
        problem.update(say("carer_code_wait", seconds=wait))
        box.disabled = True

        def again() -> None:
            box.disabled = False
            problem.update(say("carer_code_unknown"))
            box.focus()

        self.set_timer(wait, again)
