"""The home screen: what can be started, and finding a saved conversation to carry on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.widgets import Input, OptionList

from convo import library
from convo.store import Store
from convo.tui.screens.conversation import ConversationScreen
from convo.tui.screens.home import HomeScreen, start_choices
from tests.conftest import pass_opening

from .conftest import SIZE


def test_carer_and_practice_are_offered_only_when_they_exist():
    plain = [c.id for c in start_choices(["three-conversations", "what-matters"], practice=False)]
    assert plain == ["practitioner-call", "what-matters"]
    more = start_choices(["three-conversations", "what-matters", "carer"], practice=True)
    assert [c.id for c in more] == ["practitioner-call", "what-matters", "carer", "practice"]
    carer = next(c for c in more if c.id == "carer")
    assert (carer.flow, carer.audience) == ("carer", "carer")


def _conversations(db, count: int = 3) -> list[str]:
    store = Store(db)
    ids = []
    for n in range(count):
        moment = datetime(2026, 3, 1, 9, 0, tzinfo=UTC) + timedelta(hours=n)
        c = library.start(store, "what-matters", "practitioner", clock=lambda m=moment: m,
                          conversation_id=f"saved-{n}")
        pass_opening(c)
        c.send(f"Person number {n}")
        ids.append(c.id)
    library.resume(store, ids[-1]).send("/end")
    store.close()
    return ids


async def test_saved_conversations_list_unfinished_first_and_filter_by_typing(app_factory, db):
    _conversations(db)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.shown_ids == ["saved-1", "saved-0", "saved-2"]  # saved-2 is finished
        await pilot.press("ctrl+f")
        home.query_one("#filter", Input).value = "number 0"
        await pilot.pause()
        assert home.shown_ids == ["saved-0"]
        await pilot.press("enter", "enter")  # to the table, then open the row
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        assert screen.conversation.id == "saved-0"
        assert "Person number 0" in screen.chat.text


async def test_resume_from_the_palette_and_back_home(app_factory, db):
    _conversations(db, 1)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        from .conftest import palette

        await palette(pilot, "Resume: saved-0")
        assert app.screen.conversation.id == "saved-0"
        await palette(pilot, "Back to the start screen")
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#start", OptionList).option_count == 2


async def test_high_contrast_theme_toggles_from_the_palette(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        from .conftest import palette

        await palette(pilot, "High contrast")
        assert app.theme == "convo-high-contrast"
        await palette(pilot, "High contrast")
        assert app.theme != "convo-high-contrast"


async def test_an_app_opened_on_a_conversation_builds_the_start_screen_only_when_asked(app_factory, db):
    _conversations(db, 1)
    app = app_factory(resume="saved-0")
    async with app.run_test(size=SIZE) as pilot:
        from .conftest import palette

        assert not any(isinstance(screen, HomeScreen) for screen in app.screen_stack)
        await palette(pilot, "Back to the start screen")
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#start", OptionList).option_count == 2


async def test_convo_freezes_what_hears_answers_out_of_full_garbage_collections_once_loaded(app_factory):
    """`convo` froze what it had loaded before the app ran; the model is loaded after, in the background.
    Unfrozen, every full collection walked its rows and held up a turn for 80 ms or more."""
    import gc

    from convo.notice import model as concern_model

    for freeze, grows in ((False, False), (True, True)):
        app = app_factory()
        app.freeze_when_warm = freeze
        before = gc.get_freeze_count()
        try:
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause(0.6)  # the warm-up starts half a second after the first paint
                await app.workers.wait_for_complete()
                frozen = gc.get_freeze_count() - before
        finally:
            gc.unfreeze()  # this test process, unlike `convo`, goes on to other apps
        rows = len(concern_model.load().table)
        assert (frozen >= rows) is grows, (freeze, frozen, rows)


async def test_the_row_under_the_cursor_stays_under_it_when_the_list_is_read_again(app_factory, db):
    from convo.tui.widgets.saved_list import SavedList

    _conversations(db)
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        home = app.screen
        saved = home.query_one("#saved", SavedList)
        saved.focus()
        await pilot.press("down")
        assert saved.highlighted == "saved-0"
        await pilot.press("ctrl+r")  # read again, as on coming back from a conversation
        await pilot.pause()
        assert saved.highlighted == "saved-0"
        home.query_one("#filter", Input).value = "number 1"  # a filter that leaves it out
        await pilot.pause()
        assert saved.highlighted == "saved-1"
