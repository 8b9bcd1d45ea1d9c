"""One conversation, two windows: the second is told and may take it over; the first then saves nothing
more, says so, and keeps what was typed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from textual.widgets import Input

from convo import carer, library
from convo.store import Store, TakenOver
from convo.tui.app import ConvoApp, make_app
from convo.tui.messages import ResumeChosen
from convo.tui.screens.conversation import ConversationScreen
from convo.tui.screens.home import HomeScreen
from convo.tui.screens.take_over_modal import TakeOverModal
from tests.conftest import pass_opening

from .conftest import SIZE, frozen_clock, say

ANSWER = "She wants to get to the allotment on Saturdays"


def notices(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def window(db, resume: str | None = None, **options) -> ConvoApp:
    """Another app on the same database, as a second terminal would open it."""
    return make_app(db, resume, clock=frozen_clock, blink=False, **options)


async def test_a_second_window_is_told_and_can_take_over_then_the_first_keeps_its_words(db):
    pass_opening(library.start(Store(db), "what-matters", "practitioner", conversation_id="call-1"))
    first, second = window(db, "call-1"), window(db, "call-1")
    async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
        assert isinstance(first.screen, ConversationScreen)
        await say(one, "Ann, about getting out")

        await two.pause()
        assert isinstance(second.screen, TakeOverModal)
        question = str(second.screen.query_one(".question").render())
        where = f"process {os.getpid()} on {socket.gethostname()}"
        assert question == f"This conversation is open in another window ({where})."
        await two.press("enter")
        await two.pause()
        taken = second.screen
        assert isinstance(taken, ConversationScreen)
        assert "Ann, about getting out" in taken.chat.text  # read after taking over, so nothing is missed

        await say(one, ANSWER)
        screen = first.screen
        assert isinstance(screen, ConversationScreen)
        assert screen.query_one("#line", Input).value == ANSWER
        assert "taken over in another window; nothing more is saved here" in notices(first)
        assert "taken over in another window" in screen.chat.text and ANSWER not in screen.chat.text
        assert "NOT saved" in first.screen.active_bindings["ctrl+q"].tooltip

        await say(one, ANSWER)  # and again: refused the same way, nothing crashes
        assert screen.query_one("#line", Input).value == ANSWER
        assert notices(first).count("nothing more is saved here") >= 2

        await say(two, "Her walk to the river")
        assert "Her walk to the river" in taken.chat.text
    items = [i.text for i in library.resume(Store(db), "call-1").state.items.values()]
    assert "Her walk to the river" in items and ANSWER not in items


async def test_escape_goes_back_and_leaves_the_other_window_writing(db):
    pass_opening(library.start(Store(db), "what-matters", "practitioner", conversation_id="call-1"))
    other = Store(db)
    other.claim("call-1")
    app = window(db, "call-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TakeOverModal)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    library.resume(other, "call-1").send("Still mine")  # the other window was never taken over


async def test_resuming_from_the_start_screen_asks_and_y_takes_over(db):
    pass_opening(library.start(Store(db), "what-matters", "practitioner", conversation_id="call-1"))
    other = Store(db)
    other.claim("call-1")
    app = window(db)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.post_message(ResumeChosen("call-1"))
        await pilot.pause()
        assert isinstance(app.screen, TakeOverModal)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)


async def test_take_over_on_the_command_line_opens_without_asking(db):
    pass_opening(library.start(Store(db), "what-matters", "practitioner", conversation_id="call-1"))
    other = Store(db)
    other.claim("call-1")
    app = window(db, "call-1", take_over=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)


async def test_leaving_a_conversation_lets_another_window_open_it(db):
    pass_opening(library.start(Store(db), "what-matters", "practitioner", conversation_id="call-1"))
    app = window(db, "call-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.go_home()
        await pilot.pause()
        Store(db).claim("call-1")  # no ConversationOpen: the lease went with the screen
    again = window(db, "call-1")
    assert again.opening is None and again.contested == "call-1"  # the claim just made is live


async def test_quitting_lets_go_of_the_conversation(db):
    pass_opening(library.start(Store(db), "what-matters", "practitioner", conversation_id="call-1"))
    app = window(db, "call-1")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
    Store(db).claim("call-1")


def carer_in_line_mode(db, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "convo.cli", "carer", "--plain", "--resume", *args, "--db", str(db)],
                          input=stdin, capture_output=True, text=True, timeout=60, check=False)


def test_a_carer_carrying_on_in_a_second_terminal_is_told_and_can_take_over(db):
    first = Store(db)
    conversation = library.start(first, carer.FLOW, carer.AUDIENCE)
    first.claim(conversation.id)
    pass_opening(conversation)  # the offer of Welsh, passed with Enter
    conversation.send("Sam")
    refused = carer_in_line_mode(db, stdin="More\n")
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert f"open in another window (process {os.getpid()} on" in refused.stderr and "--take-over" in refused.stderr

    taken = carer_in_line_mode(db, "--take-over", stdin="I look after my mum\n")
    assert taken.returncode == 0, taken.stderr
    texts = [e.data.get("text") for e in first.events(conversation.id)]
    assert "I look after my mum" in texts
    with pytest.raises(TakenOver, match="taken over in another window"):
        conversation.send("Something only the first window heard")
