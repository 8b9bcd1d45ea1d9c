"""Shared fixtures: a fresh database per test, a fixed clock, no user configuration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from convo import library
from convo.language import forget_default
from convo.store import Store


class FixedClock:
    """Starts at a known moment and moves on a second each time it is read."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)):
        self.now = start

    def __call__(self) -> datetime:
        current = self.now
        self.now += timedelta(seconds=1)
        return current


@pytest.fixture(autouse=True)
def _pinned_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVO_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("CONVO_PASSPHRASE", raising=False)
    monkeypatch.delenv("CONVO_LANGUAGE", raising=False)
    forget_default()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "conversations.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path) as opened:
        yield opened


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


def pass_opening(conversation) -> None:
    """Pass over the Active Offer and the opening questions a practitioner may leave with Enter (consent,
    language...), as on a call that goes straight to the person's words."""
    while (conversation.step is not None and (conversation.step.optional or conversation.step.offers_language)
           and not conversation.state.items):
        conversation.send("")


@pytest.fixture
def start(store: Store, clock: FixedClock):
    """Start a conversation on a shipped flow with a fixed clock and id, past its opening questions unless
    `opening` says to stop at them."""

    def _start(flow: str = "three-conversations", audience: str = "practitioner", conversation_id: str = "test-0001",
               opening: bool = False):
        conversation = library.start(store, flow, audience, clock=clock, conversation_id=conversation_id)
        if not opening:
            pass_opening(conversation)
        return conversation

    return _start
