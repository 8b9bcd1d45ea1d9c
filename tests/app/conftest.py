"""Pin the app's environment: a fresh database per test, no user data folder, UTC, a frozen clock."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

import pytest
from textual.command import CommandPalette
from textual.widgets import Input

from convo.tui.app import make_app
from convo.tui.screens.home import start_choices

CALL_STARTED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SIZE = (100, 34)


@pytest.fixture(autouse=True)
def pinned_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("CONVO_DB", raising=False)
    monkeypatch.chdir(tmp_path)
    yield
    time.tzset()


@pytest.fixture
def db(tmp_path):
    return tmp_path / "conversations.db"


def frozen_clock() -> datetime:
    return CALL_STARTED


@pytest.fixture
def app_factory(db):
    """Apps on this test's database, with a frozen clock, numbered ids, no blinking and a known home menu."""
    numbers = itertools.count(1)

    def make(resume: str | None = None, **options):
        options.setdefault("clock", frozen_clock)
        options.setdefault("new_id", lambda: f"call-{next(numbers)}")
        options.setdefault("choices", lambda: start_choices(["three-conversations", "what-matters"], False))
        return make_app(db, resume, blink=False, **options)

    return make


async def say(pilot, text: str, field: str = "#line") -> None:
    """Type a whole answer into the answer box and press Enter (as a practitioner would)."""
    line = pilot.app.screen.query_one(field, Input)
    line.focus()
    line.value = text
    await pilot.press("enter")
    await pilot.pause()


async def palette(pilot, query: str) -> None:
    """Open the command palette, type the command's name, run the best match."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CommandPalette)
    screen.query_one(Input).value = query
    seen = -1
    for _ in range(100):
        await pilot.pause(0.03)
        count = screen.query_one("CommandList").option_count
        if count and count == seen:
            break
        seen = count
    await pilot.press("enter")
    await pilot.pause()


async def pass_opening(pilot) -> None:
    """Pass over the opening questions with Enter (the offer of Welsh, consent...), as a call that goes
    straight to the person's words."""
    conversation = pilot.app.screen.conversation
    while (conversation.step is not None and (conversation.step.optional or conversation.step.offers_language)
           and not conversation.state.items):
        await say(pilot, "")


async def start_call(pilot) -> None:
    """From the home screen, a practitioner call (its first choice), past the opening questions."""
    await pilot.press("enter")
    await pilot.pause()
    await pass_opening(pilot)


def prompts_shown(app) -> int:
    """How many questions the log has put so far."""
    return sum(1 for line in app.screen.chat.entries if line.kind == "prompt")


def log_text(app) -> str:
    return app.screen.chat.text
