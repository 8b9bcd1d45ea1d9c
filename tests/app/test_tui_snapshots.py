"""Pictures of the home and conversation screens at 80×24 and 120×40, reviewed before they were accepted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from convo import library
from convo.store import Store

from .conftest import say


def _saved(db) -> None:
    store = Store(db)
    for n, (flow, first) in enumerate([("three-conversations", "Ann, about getting out"),
                                       ("what-matters", "Dai lives with his son"),
                                       ("three-conversations", "Betty, 87, about driving")]):
        moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(hours=n)
        c = library.start(store, flow, "practitioner", clock=lambda m=moment: m, conversation_id=f"20260301-00{n}")
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
