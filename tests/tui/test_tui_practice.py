"""Practice mode in the app: chosen from the home screen, a conversation with coaching, feedback at the end."""

from __future__ import annotations

from textual.widgets import Markdown, OptionList

from convo.practice.plain import practice_db
from convo.store import Store
from convo.tui.screens.home import start_choices
from convo.tui.screens.practice import PracticeScreen
from convo.tui.widgets.chat_log import ChatLog

from .conftest import SIZE, say


async def type_line(pilot, text: str) -> None:
    await say(pilot, text, field="#practice-input")


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
