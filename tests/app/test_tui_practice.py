"""Practice mode in the app: chosen from the home screen, a conversation with coaching, feedback at the end."""

from __future__ import annotations

from textual.widgets import Markdown, OptionList

from convo.services import practice_db
from convo.store import Store
from convo.tui.screens.home import start_choices
from convo.tui.screens.practice import PracticeScreen
from convo.tui.widgets.chat_log import ChatLog

from .conftest import SIZE, say


async def type_line(pilot, text: str) -> None:
    await say(pilot, text, field="#practice-input")


async def practice_list(pilot) -> OptionList:
    """Open the practice screen; its list of practices to carry on and scenarios to start."""
    await pilot.pause()
    pilot.app.open_practice()
    await pilot.pause()
    return pilot.app.screen.query_one("#scenarios", OptionList)


async def test_practice_from_the_home_screen_to_feedback_and_export(app_factory, db, tmp_path):
    app = app_factory(choices=lambda: start_choices(["three-conversations"], True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#start", OptionList)
        options.highlighted = [o.id for o in options._options].index("practice")
        options.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        scenarios = app.screen.query_one("#scenarios", OptionList)
        scenarios.highlighted = [o.id for o in scenarios._options].index("betty-driving")
        scenarios.focus()
        await pilot.press("enter")
        await pilot.pause()
        log = app.screen.query_one("#practice-log", ChatLog)
        assert "I just need someone to help me with a shower" in log.text

        await type_line(pilot, "What is it about the shower that has become hard?")
        assert "[open question]" in log.text
        await type_line(pilot, "So [b]not markup[/b] is hard for you.")
        assert "[b]not markup[/b]" in log.text  # shown literally
        assert "Barriers (1)" in str(app.screen.query_one("#explored").render())
        await type_line(pilot, "/end")
        for line in ("Chapel and Gwen", "We talked", "Her word", "Ask sooner"):
            await type_line(pilot, line)
        assert app.screen.session.ended
        assert app.screen.query_one("#feedback", Markdown)
        await type_line(pilot, str(tmp_path / "feedback.html"))
        assert "Ask sooner" in (tmp_path / "feedback.html").read_text()

    saved = Store(practice_db(db)).list()
    assert [info.flow for info in saved] == ["practice:betty-driving"]
    assert Store(db).list() == []  # practice never appears among real conversations


async def test_a_practice_left_unfinished_is_offered_first_and_carries_on_where_it_stopped(app_factory, db):
    from convo.practice.scenario import get_scenario
    from convo.practice.session import PracticeSession

    left = PracticeSession.start(get_scenario("toby-lifeboat"), Store(practice_db(db)))
    left.send("What would getting out more look like for you?")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        scenarios = await practice_list(pilot)
        first = scenarios.get_option_at_index(0)
        assert first.id == f"carry-on:{left.id}"
        assert "Carry on: Toby and the lifeboat station" in str(first.prompt)
        assert scenarios.option_count == 1 + len(app.screen.scenarios)
        scenarios.highlighted = 0
        scenarios.focus()
        await pilot.press("enter")
        await pilot.pause()
        log = app.screen.query_one("#practice-log", ChatLog)
        assert "the lifeboat station" in log.text  # the person's last words, to carry on from
        await type_line(pilot, "What matters most about the lifeboat station?")
        assert [t.text for t in app.screen.session.turns] == ["What would getting out more look like for you?",
                                                             "What matters most about the lifeboat station?"]
    again = PracticeSession.resume(Store(practice_db(db)), left.id)
    assert len(again.turns) == 2


async def test_with_no_practice_database_the_practice_screen_makes_none(app_factory, db):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        scenarios = await practice_list(pilot)
        assert scenarios.option_count == len(app.screen.scenarios)
        assert not practice_db(db).exists()
