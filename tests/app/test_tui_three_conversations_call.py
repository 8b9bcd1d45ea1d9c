"""A whole practitioner call through the three conversations, by keyboard alone."""

from __future__ import annotations

import stat

from textual.widgets import Input

from convo.tui.screens.conversation import ConversationScreen
from convo.tui.screens.export_modal import ExportModal
from convo.tui.screens.reason_modal import ReasonModal
from convo.tui.screens.refile_modal import RefileModal
from convo.tui.widgets.alert_banner import AlertBanner
from convo.tui.widgets.area_map import AreaMap

from .conftest import SIZE, log_text, palette, pass_opening, say, start_call


async def test_a_practitioner_call_from_home_to_conversation_two_by_keyboard(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # "Practitioner call" is the first choice on the home screen
        await pilot.pause()
        await pass_opening(pilot)
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        conversation = screen.conversation
        assert conversation.flow.id == "three-conversations"
        assert screen.query_one("#line", Input).placeholder.startswith("Their words")  # the person's, noted

        await say(pilot, "Ann, 82, called about getting out")
        for answer in ["", "She loves her garden", "", "Lives alone", "",
                       "To sing in the chapel choir again", "To keep her cat"]:
            await say(pilot, answer)
        record = conversation.assessment()
        assert [o.text for o in record.outcomes] == ["To sing in the chapel choir again", "To keep her cat"]
        assert "Ann, 82, called about getting out" in log_text(app)

        # The outcome mentioned a chapel and a choir: two quiet suggestions wait.
        assert conversation.state.pending_cues() == ["13.0", "13.1"]
        assert "[suggestion 13.1]" in log_text(app)
        await pilot.press("f3")  # accept the latest (choir): recorded as community
        await pilot.pause()
        assert conversation.state.cue_actions == {"13.1": "accepted"}
        await pilot.press("f4")  # dismiss the other
        await pilot.pause()
        assert conversation.state.cue_actions == {"13.1": "accepted", "13.0": "dismissed"}
        assert conversation.state.pending_cues() == []

        # Move on to the first outcome, answer, and re-file an answer that landed in the wrong place.
        await say(pilot, "")
        assert conversation.position.stage == "outcome-kind"
        await say(pilot, "change")
        await say(pilot, "The stairs at the chapel")  # asked for strengths, but it is a barrier
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, RefileModal)
        await pilot.press("down", "enter")  # outcome, then barrier
        await pilot.pause()
        # Two things matter: which one is it in the way of? The one it was said about is offered first.
        assert isinstance(app.screen, RefileModal) and "which thing that matters" in str(
            app.screen.query_one("#question").render())
        await pilot.press("enter")
        await pilot.pause()
        barrier = conversation.state.items[conversation.state.last_answer]
        assert (barrier.kind, barrier.text) == ("barrier", "The stairs at the chapel")
        assert record_barriers(conversation) == ["The stairs at the chapel"]

        # Undo takes the re-filing back.
        await pilot.press("f6")
        await pilot.pause()
        assert conversation.state.items[conversation.state.last_answer].kind == "strength"
        assert "Undone" in log_text(app)

        # Skip with a reason, through the small modal.
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ReasonModal)
        app.screen.query_one(Input).value = "she wants to think about it"
        await pilot.press("enter")
        await pilot.pause()
        assert ("own-resources", conversation.state.outcome_id(0)) in conversation.state.skipped
        assert conversation.state.skipped[("own-resources", conversation.state.outcome_id(0))] == \
            "she wants to think about it"
        assert "#1 skipped" in screen.query_one(AreaMap).text

        # Jump to an area through the side panel: F8 focuses the map; choose "Life at the moment".
        await pilot.press("f8")
        await pilot.pause()
        area_map = screen.query_one(AreaMap)
        assert area_map.has_focus
        area_map.highlighted = area_map.get_option_index("area:circumstances")
        await pilot.press("enter")
        await pilot.pause()
        assert conversation.position.stage == "circumstances"
        assert marked(area_map) == ["Life at the moment"]

        # ...and through the palette.
        await palette(pilot, "Go to: What gets in the way (outcome 2)")
        assert (conversation.position.stage, conversation.position.outcome) == ("barriers", 1)

        # A safeguarding cue: an unmissable banner that stays until acknowledged.
        banner = screen.query_one(AlertBanner)
        assert not banner.display
        await say(pilot, "he hit me")
        assert banner.display and "SAFEGUARDING" in str(banner.render())
        await say(pilot, "Noted her words; calling the safeguarding team now")
        assert banner.display  # answering does not clear it
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not banner.display
        assert conversation.state.pending_alerts() == []

        # Conversation 3 is refused while in Conversation 1: the engine's reason is shown, a reason is asked for.
        await palette(pilot, "Move to Conversation 3")
        assert isinstance(app.screen, ReasonModal)
        await pilot.press("escape")
        await pilot.pause()
        assert "Conversation 3 comes once" in log_text(app)

        # Conversation 2.
        await palette(pilot, "Move to Conversation 2")
        assert conversation.position.stage == "crisis-safe"
        assert "Conversation 2 ◀ now" in screen.query_one(AreaMap).text
        await say(pilot, "A neighbour to stay tonight")

        # Export: the file exists, only its owner can read it, and it holds an answer.
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        target = tmp_path / "ann.md"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.exists()
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert "A neighbour to stay tonight" in target.read_text()
        assert str(target) in log_text(app)


def marked(area_map: AreaMap) -> list[str]:
    """The areas the map marks as where we are (by the ▶ sign, not colour)."""
    return [line[1:].strip(" –0123456789") for line in area_map.text.splitlines() if line.startswith("▶")]


def record_barriers(conversation) -> list[str]:
    return [b.text for o in conversation.assessment().outcomes for b in o.barriers]


async def test_quitting_and_resuming_shows_the_history_and_the_same_question(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pass_opening(pilot)
        conversation = app.screen.conversation
        for answer in ["Dai, who called about his garden", "", "Woodwork", "", "Lives with his son", "",
                       "To walk to the shop"]:
            await say(pilot, answer)
        conversation_id = conversation.id
        prompt = conversation.prompt()
        await pilot.press("ctrl+q")

    again = app_factory(resume=conversation_id)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, ConversationScreen)
        assert screen.conversation.prompt() == prompt
        text = log_text(again)
        for answer in ["Dai, who called about his garden", "Woodwork", "Lives with his son", "To walk to the shop"]:
            assert answer in text
        assert text.splitlines()[-1] == f"convo › {prompt.text}"
        await say(pilot, "To see his grandchildren")
        assert [o.text for o in screen.conversation.assessment().outcomes] == ["To walk to the shop",
                                                                             "To see his grandchildren"]


async def test_an_unacknowledged_alert_is_still_there_after_resuming(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pass_opening(pilot)
        await say(pilot, "She said her son hit her")
        conversation_id = app.screen.conversation.id

    again = app_factory(resume=conversation_id)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        banner = again.screen.query_one(AlertBanner)
        assert banner.display
        assert "She said her son hit her" in str(banner.render())


async def test_a_long_resumed_call_opens_at_its_end_and_rewraps_when_the_terminal_narrows(app_factory, db):
    from convo import library
    from convo.store import Store
    from tests.conftest import pass_opening as pass_opening_here

    conversation = library.start(Store(db), "three-conversations", "practitioner", conversation_id="long")
    pass_opening_here(conversation)
    answers = ["Ann, about getting out", "", "", "",
               *[f"What matters, number {n}, in a good few words" for n in range(40)]]
    for answer in answers:
        conversation.send(answer)
    app = app_factory(resume="long")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = app.screen.chat
        assert chat.max_scroll_y > 0 and chat.scroll_y == chat.max_scroll_y  # the question is in view
        drawn = chat.rendered
        assert all(drawn.count(f"number {n}, ") == 1 for n in range(40))  # each answer drawn once
        wide = len(chat.lines)
        await pilot.resize_terminal(70, SIZE[1])
        await pilot.pause()
        assert len(chat.lines) > wide  # laid out again at the new width
        assert chat.scroll_y == chat.max_scroll_y
        assert chat.rendered.count("number 39, ") == 1


async def test_two_kinds_of_harm_in_one_answer_show_two_banners_and_the_answer_box_at_80x24(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await say(pilot, "Her grandson takes her pension and she's scared of him.")
        shown = str(app.screen.query_one(AlertBanner).render())
        assert "Financial" in shown and "Emotional" in shown
        assert shown.count("duty to report") == 1  # the banner below says only what it heard
        line = app.screen.query_one("#line", Input)
        assert line.region.height == 3 and line.region.bottom <= 24  # the whole answer box is on screen


async def test_two_banners_quoting_a_long_sentence_leave_the_answer_box_and_name_both_kinds_first(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        await say(pilot, "Her son hits her when he's drunk and he's taken her bank card, she hasn't seen her pension"
                         " for months, and the neighbours say they hear shouting most nights through the wall.")
        banner = app.screen.query_one(AlertBanner)
        first_lines = str(banner.render()).split("\n")[0]
        assert "2 alerts" in first_lines and "Physical" in first_lines and "Financial" in first_lines
        assert "Ctrl+N" in str(banner.render()).split("\n")[0] + str(banner.render()).split("\n")[1]
        box = app.screen.query_one("#alert-box")
        assert box.region.height <= 24 * 0.6 + 1  # what does not fit scrolls, and its scrollbar shows
        assert box.max_scroll_y > 0 and box.show_vertical_scrollbar
        line = app.screen.query_one("#line", Input)
        assert line.region.height == 3 and line.region.bottom <= 23  # above the footer, on screen
        shown = str(banner.render())
        assert "…”" in shown  # the long sentence is quoted in part; the conversation above has it whole


def test_the_line_above_several_banners_counts_them_when_one_has_no_kind():
    from convo.engine.conversation import WaitingAlert

    banner = AlertBanner()
    banner.show([WaitingAlert(4, "SAFEGUARDING (Physical abuse) — “x”", "", "Physical abuse"),
                 WaitingAlert(4, "an alert saved before kinds", "He hits me", "")], "Ctrl+N")
    first = str(banner.render()).split("\n")[0]
    assert "2 alerts." in first and "Ctrl+N" in first
    banner.show([WaitingAlert(5, "SAFEGUARDING (Physical abuse) — “x”", "", "Physical abuse"),
                 WaitingAlert(5, "SAFEGUARDING (Financial) — “y”", "", "Financial")], "Ctrl+N")
    assert "2 alerts: Physical abuse · Financial." in str(banner.render()).split("\n")[0]
    assert "SAFEGUARDING (" not in str(banner.render())  # the banner's own label says it once


def _contrast(style) -> float:
    """WCAG contrast of a Rich style's text on its background."""
    def luminance(colour) -> float:
        def channel(value: int) -> float:
            value_ = value / 255
            return value_ / 12.92 if value_ <= 0.03928 else ((value_ + 0.055) / 1.055) ** 2.4
        red, green, blue = colour.get_truecolor()
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    lighter, darker = sorted((luminance(style.color), luminance(style.bgcolor)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def test_the_banners_words_stand_out_from_it_at_seven_to_one_or_six_in_high_contrast(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 34)) as pilot:
        await start_call(pilot)
        await say(pilot, "Her son hits her.")
        banner = app.screen.query_one(AlertBanner)
        for theme, least in (("textual-dark", 7.0), ("textual-light", 7.0), ("convo-high-contrast", 5.5)):
            app.theme = theme
            await pilot.pause()
            assert _contrast(banner.rich_style) >= least, theme
