"""The app's own words in Welsh: the keys, the palette, the map and the header follow the conversation's
language, and change with it part-way; before a conversation, the start screen follows the setting."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Static

from convo.language import forget_default
from convo.tui.screens.conversation import ConversationScreen
from convo.tui.widgets.area_map import AreaMap
from convo.tui.widgets.call_header import CallHeader

from .conftest import SIZE, pass_opening, say


@pytest.fixture
def welsh(monkeypatch):
    """The setting is Welsh (as `--language cy` or CONVO_LANGUAGE=cy make it)."""
    forget_default()
    monkeypatch.setenv("CONVO_LANGUAGE", "cy")
    yield
    forget_default()


def keys(app) -> list[str]:
    return [key.description for key in app.screen.query("FooterKey")]


def palette_titles(app) -> list[str]:
    return [title for title, _, _ in app.screen.palette_commands()]


def where(app) -> str:
    return str(app.screen.query_one(CallHeader).query_one("#where", Static).render())


def call_time(app) -> str:
    return str(app.screen.query_one(CallHeader).query_one("#time", Static).render())


async def test_a_welsh_conversation_shows_welsh_keys_palette_and_map(welsh, app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert str(home.query_one("#title", Static).render()) == "convo · sgyrsiau beth sy'n bwysig"
        assert "Chwilio" in keys(app)
        assert "Dechrau: Galwad ymarferydd" in palette_titles(app)
        assert "Galwad ymarferydd" in str(home.query_one("#start", OptionList).get_option_at_index(0).prompt)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.conversation.language == "cy"
        await pass_opening(pilot)
        assert {"Hepgor", "Dadwneud", "Ail-ffeilio", "Mynd i", "Gadael"} <= set(keys(app))
        assert not {"Skip", "Undo", "Quit", "palette"} & set(keys(app))

        titles = palette_titles(app)
        assert "Gorffen y sgwrs" in titles and "Dangos neu guddio'r map" in titles
        assert "Yn siarad nawr: gofalwr" in titles and "Allforio'r drafft fel testun plaen" in titles
        assert not [title for title in titles if title.startswith(("Go to", "Export", "Show or hide"))]
        assert any("Cam-drin corfforol" in title for title in titles)  # raising a concern by hand, by its kind
        assert not any("Physical abuse" in title for title in titles)

        area_map = app.screen.query_one(AreaMap)
        assert "Sgwrs 1 ◀ nawr" in area_map.text and "Conversation 1" not in area_map.text
        assert call_time(app) == "Hyd yr alwad 0:00:00"

        await say(pilot, "Mae Ann yn byw ar ei phen ei hun")
        log = app.screen.chat.text
        assert "chi › Mae Ann yn byw ar ei phen ei hun" in log and "✓ cofnodwyd fel" in log
        assert "you ›" not in log and "recorded as" not in log


async def test_the_command_palette_finds_a_welsh_command_by_its_welsh_name(welsh, app_factory):
    from .conftest import palette

    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pass_opening(pilot)
        system = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Thema", "Gadael", "Bysellau"} <= set(system) and "Screenshot" not in system
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "Chwilio am orchmynion…"
        await pilot.press("escape")
        await pilot.pause()

        area_map = app.screen.query_one(AreaMap)
        assert area_map.display
        await palette(pilot, "Dangos neu guddio'r map")
        assert not area_map.display


async def test_switching_language_part_way_switches_the_apps_words(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pass_opening(pilot)
        screen = app.screen
        assert screen.conversation.language == "en"
        assert {"Skip", "Undo", "Quit"} <= set(keys(app))
        assert "Conversation 1 ◀ now" in screen.query_one(AreaMap).text
        assert call_time(app).startswith("Call time")
        assert "Conversation 1" in where(app)

        await say(pilot, "/language cy")
        await pilot.pause()
        assert screen.conversation.language == "cy"
        assert {"Hepgor", "Dadwneud", "Gadael"} <= set(keys(app))
        assert not {"Skip", "Undo", "Quit"} & set(keys(app))
        assert "Sgwrs 1 ◀ nawr" in screen.query_one(AreaMap).text
        assert call_time(app).startswith("Hyd yr alwad")
        assert "Sgwrs 1" in where(app)
        assert "Gorffen y sgwrs" in palette_titles(app)
        assert screen.query_one("#line").placeholder.startswith("Eu geiriau nhw")

        # A pop-up asks in the conversation's language, and its keys are Welsh too.
        await pilot.press("alt+s")
        await pilot.pause()
        assert {"Cadarnhau", "Canslo"} <= set(keys(app))
        await pilot.press("escape")
        await pilot.pause()

        await say(pilot, "/language en")
        await pilot.pause()
        assert {"Skip", "Undo", "Quit"} <= set(keys(app))
        assert "Conversation 1 ◀ now" in screen.query_one(AreaMap).text
        assert "End the conversation" in palette_titles(app)


async def _a_few_welsh_turns(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await pass_opening(pilot)
    for line in ["Ann, 82, wedi ffonio am fynd allan eto", "", "Mae hi wrth ei bodd yn yr ardd", "",
                 "Tŷ teras gyda gardd fach", "", "Canu yng nghôr y capel eto"]:
        await say(pilot, line)


def test_a_welsh_conversation_screen(welsh, snap_compare, app_factory):
    assert snap_compare(app_factory(), terminal_size=(80, 24), run_before=_a_few_welsh_turns)


async def test_practice_says_its_own_words_in_the_setting(welsh, app_factory):
    from convo.tui.screens.practice import PracticeScreen

    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        app.open_practice()
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        title = str(app.screen.query_one("#practice-title", Static).render())
        assert title.startswith("Ymarfer: ymarfer sgwrs")
        assert app.screen.query_one("#practice-input", Input).placeholder == "Beth fyddech chi'n ei ddweud?"
        assert "Yn ôl" in keys(app)
