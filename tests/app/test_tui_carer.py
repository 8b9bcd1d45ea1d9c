"""The carer's self-assessment in the app: the whole flow by keyboard, carrying on after closing,
and the browser start screen, where only a code brings a conversation back."""

from __future__ import annotations

from textual import events
from textual.widgets import Button, Input, Static

from convo import carer, library
from convo.services import Service
from convo.store import Store
from convo.tui.app import ConvoApp
from convo.tui.carer_app import CarerWebApp
from convo.tui.screens.carer_start import CarerStartScreen
from convo.tui.screens.conversation import ConversationScreen
from convo.tui.widgets.draft_pane import DraftPane
from tests.conftest import pass_opening
from tests.functional import test_carer_flow as flows
from tests.transcript import rows

from .conftest import SIZE, frozen_clock, palette, say

LINES = [row["say"] for row in rows(flows.SIAN)]


async def test_a_carer_completes_the_self_assessment_and_sees_what_they_told_us(db):
    store = Store(db)
    conversation = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="carer-1")
    pass_opening(conversation)  # the offer of Welsh, passed with Enter
    app = ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False, carer=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        for line in LINES:
            await say(pilot, line)
        assert conversation.ended
        assert app.screen.query_one(DraftPane).display  # shown at the end
        draft = app.screen.draft_text()
        assert draft.startswith("What you told us")
        assert "“Singing with the choir on Thursdays”" in draft
    assert [o.text for o in conversation.assessment().outcomes] == ["Singing with the choir on Thursdays",
                                                                 "A whole night's sleep"]


async def test_a_carer_is_told_what_was_saved_in_plain_words_with_no_call_clock(db):
    from convo.tui.widgets.call_header import CallHeader
    from tests.app.conftest import log_text

    store = Store(db)
    conversation = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="carer-3")
    pass_opening(conversation)
    app = ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False, carer=True)
    async with app.run_test(size=SIZE) as pilot:
        for line in LINES[:3]:
            await say(pilot, line)
        log = log_text(app)
        assert "saved: No, I'm 18 or over" in log and "✓ saved" in log
        assert "recorded as" not in log and "circumstance" not in log and "decision" not in log
        header = app.screen.query_one(CallHeader)
        assert "Call time" not in str(header.query_one("#time", Static).render())
        app.screen.goto("who-you-care-for")  # as the map or the palette does it
        await pilot.pause()
        assert "you › went to another question" in log_text(app) and "/goto" not in log_text(app)
    resumed = library.resume(Store(db), "carer-3", clock=frozen_clock)
    app = ConvoApp(Service(Store(db)), resumed, clock=frozen_clock, blink=False, carer=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        log = log_text(app)
        assert "recorded as" not in log and "saved: No, I'm 18 or over" in log  # read back from the events too


async def test_closing_the_app_and_opening_it_again_asks_the_same_next_question(db):
    store = Store(db)
    conversation = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="carer-2")
    pass_opening(conversation)  # the offer of Welsh, passed with Enter
    app = ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False, carer=True)
    async with app.run_test(size=SIZE) as pilot:
        for line in LINES[:7]:
            await say(pilot, line)
        expected = conversation.prompt().text
    resumed = library.resume(Store(db), "carer-2", clock=frozen_clock)
    assert resumed.prompt().text == expected
    assert [o.text for o in resumed.assessment().outcomes] == ["Singing with the choir on Thursdays",
                                                            "A whole night's sleep"]


async def test_the_browser_start_screen_lists_nobody_and_starts_with_the_code_it_showed(db):
    store = Store(db)
    other = library.start(store, "carer", "carer", conversation_id=carer.new_code())
    other.send("no")
    other.send("Someone else's private words")
    app = CarerWebApp(Service(store), clock=frozen_clock, blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CarerStartScreen)
        assert not app.query("DataTable")
        code = screen.code
        assert code in str(screen.query_one("#code", Static).render())
        screen.query_one("#start", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        mine = app.screen.conversation
        assert mine.id == code and mine.flow.id == "carer"
        assert app.screen.query_one("#line", Input).placeholder.startswith("Your words")
        await say(pilot, "no")
        await say(pilot, "My grandad")
        assert "Someone else's" not in app.screen.draft_text()
        # "Back to the start screen" leads to the carer's start screen, never to a list of conversations.
        await palette(pilot, "Back to the start screen")
        assert isinstance(app.screen, CarerStartScreen)
        assert len(app.screen_stack) == 1 and not app.query("DataTable")
        assert app.screen.code != code


async def test_a_code_typed_on_the_start_screen_carries_on_and_a_wrong_one_is_refused(db):
    store = Store(db)
    code = carer.new_code()
    mine = library.start(store, "carer", "carer", conversation_id=code)
    pass_opening(mine)
    mine.send("no")
    mine.send("My sister, who has MS")
    app = CarerWebApp(Service(store), clock=frozen_clock, blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#resume-code", Input)
        box.focus()
        box.value = carer.new_code()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CarerStartScreen)
        assert "does not match" in str(app.screen.query_one("#resume-problem", Static).render())
        box.value = code.upper().replace("-", " ")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.conversation.id == code
        assert app.screen.conversation.prompt().text.startswith("Anyone else you look after")


async def test_wrong_codes_are_audited_without_what_was_typed_and_then_slowed(db):
    store = Store(db)
    app = CarerWebApp(Service(store), clock=frozen_clock, blink=False)
    guesses = [carer.new_code() for _ in range(3)]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#resume-code", Input)
        problem = app.screen.query_one("#resume-problem", Static)
        for guess in guesses[:2]:  # a carer mistyping once or twice never waits
            box.focus()
            box.value = guess
            await pilot.press("enter")
            await pilot.pause()
            assert not box.disabled and "wait" not in str(problem.render())
        box.value = guesses[2]
        await pilot.press("enter")
        await pilot.pause()
        assert box.disabled and "wait 2 seconds" in str(problem.render())
        await pilot.pause(2.2)
        assert not box.disabled and app.focused is box
    refused = [entry for entry in Store(db).audit_log() if entry.action == "carer_code_refused"]
    assert [entry.detail for entry in refused] == [{"attempt": 1}, {"attempt": 2}, {"attempt": 3}]
    assert not any(guess in str(entry) for entry in refused for guess in guesses)


def test_the_wait_after_wrong_codes_doubles_up_to_a_minute():
    assert [carer.code_wait(n) for n in range(1, 10)] == [0, 0, 2, 4, 8, 16, 32, 60, 60]


async def test_a_browser_tab_that_gains_focus_after_the_start_screen_is_built_focuses_the_start_button(db):
    # In a browser the app starts without focus, so Textual's auto focus passes the first screen by.
    app = CarerWebApp(Service(Store(db)), clock=frozen_clock, blink=False)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.set_focus(None)  # as it is when the screen was built while the app had no focus
        app.post_message(events.AppBlur())
        await pilot.pause()
        assert app.focused is None
        app.post_message(events.AppFocus())
        await pilot.pause()
        assert app.focused is app.screen.query_one("#start", Button)


async def test_the_carer_closes_an_alert_and_the_practitioners_app_then_acknowledges_it(db, app_factory):
    store = Store(db)
    conversation = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="carer-ack")
    pass_opening(conversation)
    conversation.send("no")
    app = ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False, carer=True)
    async with app.run_test(size=SIZE) as pilot:
        await say(pilot, "My husband. When he gets frustrated he hits me and I have bruises on my arms")
        assert conversation.pending_alerts()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert conversation.pending_alerts() == []
    [alert] = conversation.assessment().safeguarding
    assert alert.seen_by_carer_at is not None and alert.acknowledged_at is None
    # The practitioners' app, on the same conversation: the alert waits for a practitioner.
    app = app_factory("carer-ack")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.conversation.pending_alerts()
        from tests.app.conftest import log_text

        assert "closed by the carer (not yet acknowledged by a practitioner)" in log_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.conversation.pending_alerts() == []
    [alert] = library.resume(store, "carer-ack").assessment().safeguarding
    assert alert.seen_by_carer_at is not None and alert.acknowledged_at is not None


def test_convo_carer_carrying_on_opens_the_carers_app_where_closing_an_alert_is_the_carers(db, monkeypatch):
    """Both ways `convo carer` opens the app (a new self-assessment, and carrying one on) are the carers' app."""
    from convo import cli

    store = Store(db)
    waiting = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="20260302-cccccc")
    pass_opening(waiting)
    waiting.send("no")
    waiting.send("My husband")  # a title, so it is offered to carry on
    store.close()
    opened = []
    monkeypatch.setattr(cli, "_run_carer", lambda app: opened.append(app) or 0)
    assert cli.main(["carer", "--db", str(db), "--app", "--resume"]) == 0
    assert cli.main(["carer", "--db", str(db), "--app", "--new"]) == 0
    assert [app.carer for app in opened] == [True, True]
    assert opened[0].opening is not None and opened[0].opening.id == "20260302-cccccc"


async def test_at_80x24_a_carers_long_banner_scrolls_to_its_last_line_by_keyboard(db):
    store = Store(db)
    conversation = library.start(store, "carer", "carer", clock=frozen_clock, conversation_id="carer-9")
    pass_opening(conversation)
    app = ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False, carer=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "")  # not a young carer
        await say(pilot, "My dad. Some nights I think about putting the pillow over his face and then taking every"
                         " tablet in the house myself so it all just stops")
        box = app.screen.query_one("#alert-box")
        assert box.display and box.region.height <= 24 * 0.6 + 1 and box.max_scroll_y > 0
        assert box.show_vertical_scrollbar  # a sign that there is more
        for _ in range(6):
            if app.focused is box:
                break
            await pilot.press("shift+tab")
        assert app.focused is box
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y
        assert app.screen.query_one("#line", Input).region.bottom <= 23  # the answer box stays in sight
