"""Pictures of the home and conversation screens at 80×24 and 120×40, and of each pop-up over the dimmed
conversation with its keys in the footer, reviewed before they were accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from textual.widgets import Input

from convo import library
from convo.services import ConversationOpen
from convo.store import Store
from convo.tui.screens.take_over_modal import TakeOverModal
from tests.conftest import pass_opening

from .conftest import pass_opening as pass_opening_in_the_app
from .conftest import say


def _saved(db) -> None:
    store = Store(db)
    for n, (flow, first) in enumerate([("three-conversations", "Ann, about getting out"),
                                       ("what-matters", "Dai lives with his son"),
                                       ("three-conversations", "Betty, 87, about driving")]):
        moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(hours=n)
        c = library.start(store, flow, "practitioner", clock=lambda m=moment: m, conversation_id=f"20260301-00{n}")
        pass_opening(c)
        c.send(first)
        if n == 0:
            c.send("/end")
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_home_screen(snap_compare, app_factory, db, size):
    _saved(db)
    assert snap_compare(app_factory(), terminal_size=size)


async def _a_few_turns(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pass_opening_in_the_app(pilot)
    for line in ["Ann, 82, called about getting out [bold]again[/]", "", "She loves her garden", "",
                 "Lives alone", "", "To sing in the chapel choir again"]:
        await say(pilot, line)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_conversation_screen_with_a_suggestion(snap_compare, app_factory, size):
    assert snap_compare(app_factory(), terminal_size=size, run_before=_a_few_turns)


async def _an_alert(pilot) -> None:
    await _a_few_turns(pilot)
    await say(pilot, "Her son hit her last week")


def test_conversation_screen_with_a_safeguarding_alert(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_an_alert)


async def _draft(pilot) -> None:
    await _a_few_turns(pilot)
    await pilot.press("f9")
    await pilot.pause()


def test_conversation_screen_with_the_draft_in_high_contrast(snap_compare, app_factory):
    assert snap_compare(app_factory(high_contrast=True), terminal_size=(120, 40), run_before=_draft)


# -- the pop-ups, each centred over the conversation, which stays in sight, dimmed ------------------------


async def _skip(pilot) -> None:
    await _a_few_turns(pilot)
    await pilot.press("alt+s")
    await pilot.pause()


def test_the_skip_reason_pop_up(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_skip)


async def _refile(pilot) -> None:
    await _a_few_turns(pilot)
    for line in ["To keep her cat", "", "change", "The stairs at the chapel"]:
        await say(pilot, line)
    await pilot.press("alt+r")
    await pilot.pause()


def test_the_refile_pop_up(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_refile)


async def _refile_which_outcome(pilot) -> None:
    await _refile(pilot)
    await pilot.press("down", "enter")  # a barrier: then, in the way of which thing that matters?
    await pilot.pause()


def test_the_refile_pop_up_asking_which_thing_that_matters(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(120, 40), run_before=_refile_which_outcome)


async def _export(pilot) -> None:
    await _a_few_turns(pilot)
    await pilot.press("ctrl+o")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = "/home/alys/calls/convo-call-1.md"  # not this test's own folder
    await pilot.pause()


def test_the_export_pop_up(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_export)


async def _end(pilot) -> None:
    await _a_few_turns(pilot)
    pilot.app.screen.action_end()
    await pilot.pause()


def test_the_end_pop_up(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_end)


async def _raise_concern(pilot) -> None:
    await _a_few_turns(pilot)
    await pilot.press("ctrl+r")
    await pilot.pause()


def test_the_raise_concern_pop_up(snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_raise_concern)


async def _take_over(pilot) -> None:
    await pilot.pause()
    pilot.app.push_screen(TakeOverModal(ConversationOpen("open elsewhere", 4242, "duty-desk-2")))
    await pilot.pause()


def test_the_take_over_pop_up(snap_compare, app_factory, db):
    _saved(db)
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_take_over)
