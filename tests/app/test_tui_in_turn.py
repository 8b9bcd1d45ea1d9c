"""Keys that reach the app together (a busy machine, or a burst over a slow connection in `convo serve`)
are taken in the order they were typed: Enter (Ctrl+S in the box of several lines) sends what was typed
before it, never what came after, in every box of the app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, TextArea

import convo.tui
from convo import library
from convo.services import Service, StoreError
from convo.store import Store
from convo.tui.app import ConvoApp
from tests.conftest import pass_opening

from .conftest import SIZE, frozen_clock
from .test_tui_practice import practice_list

WORDS = "I get him up and dressed and do his tablets"
KEY_NAMES = {"\r": ("enter", "\r"), " ": ("space", " "), "\x13": ("ctrl+s", None)}


def keys(app, typed: str) -> None:
    """As the terminal driver does: each key posted to the app, none waited for ("\\x13" is Ctrl+S)."""
    for ch in typed:
        app.post_message(events.Key(*KEY_NAMES.get(ch, (ch, ch))))


def carer_app(db) -> tuple[ConvoApp, object]:
    store = Store(db)
    conversation = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="carer-keys")
    pass_opening(conversation)
    conversation.send("no")
    return ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False, carer=True), conversation


@pytest.mark.parametrize("bursts, saved", [
    # Enter on an empty line moves on; the next answer starts behind it in the same burst.
    (["My dad Huw, who had a stroke\r", "\r" + WORDS[:18], WORDS[18:] + "\r"], ["My dad Huw, who had a stroke", WORDS]),
    # An answer and the start of the next in one burst: the start waits in the box.
    (["My dad Huw\r" + WORDS[:10], WORDS[10:] + "\r"], ["My dad Huw", WORDS]),
], ids=["an empty Enter then the next answer", "an answer then the next one"])
async def test_keys_arriving_in_bursts_are_saved_as_typed(db, bursts, saved):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for burst in bursts:
            keys(app, burst)
            await pilot.pause()
            typed_since = burst.rpartition("\r")[2]
            assert app.screen.query_one("#line", Input).value == typed_since  # what came after Enter waits
    assert [item.text for item in conversation.assessment().circumstances] == saved


async def test_ctrl_s_in_the_box_of_several_lines_sends_only_what_came_before_it(db):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        area = app.screen.query_one("#lines", TextArea)
        area.insert("My dad Huw\nwho had a stroke")
        keys(app, "\x13and more")
        await pilot.pause()
        assert area.text == "and more"
    assert [item.text for item in conversation.assessment().circumstances] == ["My dad Huw\nwho had a stroke"]


def refusing(conversation, refuse: list[bool]):
    """`handle` refusing each save in turn as `refuse` says (a full disk), then saving."""
    verdicts = iter(refuse)

    def handle(command, handle=conversation.handle):
        if next(verdicts, False):
            raise StoreError("the disk is full")
        return handle(command)
    return handle


async def test_an_answer_not_saved_goes_back_in_front_of_what_was_typed_since(db, monkeypatch):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(conversation, "handle", refusing(conversation, [True]))
        keys(app, "My dad Huw\r, who")
        await pilot.pause()
        assert app.screen.query_one("#line", Input).value == "My dad Huw, who"
        keys(app, " had a stroke\r")
        await pilot.pause()
    assert [item.text for item in conversation.assessment().circumstances] == ["My dad Huw, who had a stroke"]


async def test_lines_pasted_straight_after_enter_are_the_next_answer_alone(db):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys(app, "My dad Huw\r")
        app.post_message(events.Paste("who had a stroke\nin March"))
        await pilot.pause()
        assert app.screen.query_one("#lines", TextArea).text == "who had a stroke\nin March"
        assert app.screen.query_one("#line", Input).value == ""
    assert [item.text for item in conversation.assessment().circumstances] == ["My dad Huw"]


async def test_the_answer_leaves_the_box_in_the_frame_that_shows_what_comes_next(db, monkeypatch):
    """The box keeps what was sent until it is saved: emptied at once, it took a frame of its own and the
    next question waited for the frame after."""
    app, conversation = carer_app(db)
    seen: list[str] = []

    def handle(command, handle=conversation.handle):
        seen.append(app.screen.query_one("#line", Input).value)  # as the answer is being saved
        return handle(command)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(conversation, "handle", handle)
        keys(app, "My dad Huw\r")
        await pilot.pause()
        assert app.screen.query_one("#line", Input).value == ""
    assert seen == ["My dad Huw"]


@pytest.mark.parametrize("send, box", [("\r", "#line"), ("\x13", "#lines")], ids=["one line", "several lines"])
@pytest.mark.parametrize("refuse, left, saved", [
    ([True, True], "who had a strokeMy dad Huw", []),
    ([True, False], "My dad Huw", ["who had a stroke"]),
    ([False, True], "who had a stroke", ["My dad Huw"]),
], ids=["both refused", "the first refused", "the second refused"])
async def test_two_answers_in_one_burst_each_get_their_own_verdict(db, monkeypatch, send, box, refuse, left, saved):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if box == "#lines":
            await pilot.press("f2")
            await pilot.pause()
        monkeypatch.setattr(conversation, "handle", refusing(conversation, refuse))
        keys(app, f"My dad Huw{send}who had a stroke{send}")
        await pilot.pause()
        shown = app.screen.query_one(box)
        assert (shown.text if isinstance(shown, TextArea) else shown.value) == left
    assert [item.text for item in conversation.assessment().circumstances] == saved


async def test_lines_pasted_after_pasted_lines_were_sent_stay_lines(db):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Paste("My dad Huw\nwho had a stroke"))
        await pilot.pause()
        keys(app, "\x13")
        app.post_message(events.Paste("Mum\nwith dementia"))
        await pilot.pause()
        assert app.screen.query_one("#lines", TextArea).text == "Mum\nwith dementia"
    assert [item.text for item in conversation.assessment().circumstances] == ["My dad Huw\nwho had a stroke"]


@pytest.mark.parametrize("refuse, left, saved", [
    ([False, False], "", ["My dad Huw\nwho had a stroke", "Mum"]),
    ([False, True], "Mum", ["My dad Huw\nwho had a stroke"]),
], ids=["both saved", "the second refused"])
async def test_pasted_lines_sent_then_one_more_in_the_same_burst(db, monkeypatch, refuse, left, saved):
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(conversation, "handle", refusing(conversation, refuse))
        app.post_message(events.Paste("My dad Huw\nwho had a stroke"))
        await pilot.pause()
        keys(app, "\x13Mum\x13")
        await pilot.pause()
        boxes = app.screen.query_one("#line", Input).value + app.screen.query_one("#lines", TextArea).text
        assert boxes == left
    assert [item.text for item in conversation.assessment().circumstances][:2] == saved


async def test_words_typed_straight_after_pasted_lines_follow_them(db):
    app, _ = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(events.Paste("My dad Huw\nwho had a stroke"))
        keys(app, " in March")
        await pilot.pause()
        assert app.screen.query_one("#lines", TextArea).text == "My dad Huw\nwho had a stroke in March"
        assert app.screen.query_one("#line", Input).value == ""


async def test_an_enter_straight_after_pasted_lines_is_a_new_line_not_an_answer(db):
    """In the same burst as a paste of several lines, Enter is what it is in that box: a new line. Sent as
    an empty answer, it moved the call on and the lines became the next question's answer."""
    app, conversation = carer_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        question = conversation.step
        app.post_message(events.Paste("My dad Huw\nwho had a stroke"))
        keys(app, "\rin March")
        await pilot.pause()
        assert app.screen.query_one("#lines", TextArea).text == "My dad Huw\nwho had a stroke\nin March"
        assert conversation.step == question
        keys(app, "\x13")
        await pilot.pause()
    assert [item.text for item in conversation.assessment().circumstances] == [
        "My dad Huw\nwho had a stroke\nin March"]


async def open_practice(pilot, scenario: str) -> None:
    scenarios = await practice_list(pilot)
    scenarios.highlighted = [o.id for o in scenarios._options].index(scenario)
    scenarios.focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_two_practice_lines_in_one_burst_both_refused_are_both_kept(app_factory, monkeypatch):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_practice(pilot, "betty-driving")

        def refuse(text):
            raise StoreError("the disk is full")

        monkeypatch.setattr(app.screen.session, "send", refuse)
        keys(app, "What is hard?\rTell me more\r")
        await pilot.pause()
        assert app.screen.query_one("#practice-input", Input).value == "Tell me moreWhat is hard?"


async def test_a_practice_line_and_the_next_typed_in_one_burst_are_sent_apart(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await open_practice(pilot, "betty-driving")
        keys(app, "What is it about the shower that has become hard?\rSo")
        await pilot.pause()
        assert app.screen.query_one("#practice-input", Input).value == "So"
        assert [turn.text for turn in app.screen.session.person.turns] == [
            "What is it about the shower that has become hard?"]


def test_every_box_of_the_app_sends_in_turn():
    """A plain Input or TextArea takes Enter (Ctrl+S) through a binding, behind keys typed after it."""
    plain = re.compile(r"\b(Input|TextArea)\(")
    found = [f"{path.name}:{number}" for path in Path(convo.tui.__file__).parent.rglob("*.py")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if plain.search(line)]
    assert found == []
