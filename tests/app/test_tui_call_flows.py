"""A call that flows in the app: nothing pasted is lost, an open question is not asked again, the map, header,
keys and pop-ups keep up with the conversation, and a file is never written over without asking."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input, TextArea

from convo import config
from convo.tui.screens.confirm_modal import ConfirmModal
from convo.tui.screens.conversation import ConversationScreen
from convo.tui.screens.export_modal import ExportModal
from convo.tui.screens.refile_modal import RefileModal
from convo.tui.themes import HIGH_CONTRAST
from convo.tui.widgets.answer_input import AnswerInput
from convo.tui.widgets.area_map import AreaMap
from convo.tui.widgets.call_header import CallHeader
from convo.tui.widgets.key_footer import key_width

from .conftest import SIZE, log_text, prompts_shown, say, start_call

FIVE_LINES = "She gets up at six\nFeeds the cat\nWalks to the shop\nNaps after lunch\nWatches the news at ten"

# Gwen, 83, widowed: four things that matter, each explored, most areas with an answer or two; the call
# passes over the opening questions, then everything else is answered as a practitioner would.
FOUR_OUTCOMES = [
    "Gwen Rees, 83, rang herself; widowed in October", "The evenings are long since Emrys died", "",
    "She still bakes bara brith for the chapel", "She does the crossword every morning", "",
    "Lives alone in a terraced house in Tregaron", "Her son is in Cardiff and rings on Sundays", "",
    "To get back to the chapel choir on Thursdays", "To keep living in her own home",
    "To have someone to talk to in the evenings", "To be able to have a bath again", "",
    "change", "She still knows all the hymns", "She has a good alto voice", "",
    "Mrs Jones next door drives to chapel", "", "The choir meets at Bethel on Thursday evenings", "",
    "She can't walk up the hill in the dark", "The bus stopped running after six", "",
    "She could fall on the hill in the dark", "", "yes", "Mrs Jones will drive her; she'll take her torch",
    "keep", "She manages her own pills and shopping", "She knows every creak in the house", "",
    "Her son rings every Sunday", "", "Care & Repair fit rails", "", "The stairs are getting harder", "",
    "She could fall on the stairs at night", "She might have to move if she can't manage the stairs", "",
    "yes 1", "A second stair rail; a phone by the bed",
    "change", "She likes a good chat", "", "Her neighbour pops in on Mondays", "",
    "The luncheon club at the chapel", "Age Cymru's telephone friends", "", "She doesn't like to bother anyone", "",
    "She could stop eating properly", "", "no",
    "change", "She can still wash at the sink", "", "Her son could help put in a bath seat", "", "",
    "She can't get out of the bath", "Her knees give way", "", "She could get stuck in the bath", "", "no",
    "Told her about Age Cymru's telephone friends", "Gave her the number for Care & Repair", "", "1", "1, 4", "",
    "", "1", "1", "yes", "yes, with her GP", "Gwen will ring Mrs Jones about Thursday",
    "Duty team / ask Care & Repair about a stair rail / this week",
    "Duty team / ask an OT to visit about bathing / within two weeks", "", "14 April 2026", "",
]


async def paste(pilot, text: str) -> None:
    pilot.app.screen.query_one("#line", Input).post_message(events.Paste(text))
    await pilot.pause()


async def test_a_paste_of_five_lines_records_five_lines(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        line = app.screen.query_one("#line", Input)
        line.focus()
        line.value = "Her day: "
        line.cursor_position = len(line.value)
        await paste(pilot, FIVE_LINES + "\n")
        answer = app.screen.query_one(AnswerInput)
        area = app.screen.query_one("#lines", TextArea)
        assert answer.multiline and area.has_focus and area.text == "Her day: " + FIVE_LINES
        await pilot.press("ctrl+s")
        await pilot.pause()
        [said] = app.screen.conversation.assessment().about
        assert said.text.splitlines() == ["Her day: She gets up at six", *FIVE_LINES.splitlines()[1:]]
        assert not answer.multiline and app.screen.query_one("#line", Input).has_focus  # back to one line
        # A second paste is not doubled with the first (as it was after switching by hand).
        await paste(pilot, "First\nSecond\nThird")
        assert area.text == "First\nSecond\nThird"


async def test_the_question_stays_in_sight_while_a_long_paste_grows_the_box_and_a_reader_keeps_their_place(
        app_factory):
    from convo.tui.widgets.chat_log import ChatLog

    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await start_call(pilot)
        for _ in range(4):  # a few questions passed, so the log has more than a screenful
            await pilot.press("enter")
            await pilot.pause()
        chat = app.screen.query_one(ChatLog)
        question = app.screen.conversation.prompt().text
        app.screen.query_one("#line", Input).focus()
        await paste(pilot, "\n".join(f"Line {n}: the garden, the budgie and the radio" for n in range(30)))
        await pilot.pause()
        assert app.screen.query_one(AnswerInput).multiline
        assert chat.max_scroll_y > 0 and chat.scroll_y == chat.max_scroll_y  # the newest line is on screen
        assert chat.rendered.splitlines()[-1].split()[-1] == question.split()[-1]  # and it is the question
        chat.scroll_home(animate=False, immediate=True)  # reading back up: a resize leaves them there
        await pilot.resize_terminal(80, 20)
        await pilot.pause()
        assert chat.scroll_y == 0


async def test_a_single_line_paste_stays_in_the_one_line_box(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        app.screen.query_one("#line", Input).focus()
        await paste(pilot, "Just the one line\n")
        assert not app.screen.query_one(AnswerInput).multiline
        assert app.screen.query_one("#line", Input).value == "Just the one line"


async def test_after_an_answer_the_question_stays_open_with_a_hint_not_a_new_prompt(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        asked = prompts_shown(app)
        await say(pilot, "Ann, 82, about getting out")
        await say(pilot, "Her niece rang for her")
        assert prompts_shown(app) == asked  # no "Anything else?" in the log
        line = app.screen.query_one("#line", Input)
        assert line.placeholder.startswith("Empty Enter moves on · Anything else about who they are")
        await say(pilot, "")
        assert prompts_shown(app) == asked + 1 and "what's going well" in log_text(app).splitlines()[-1]
        assert line.placeholder.startswith("Their words")


async def test_a_four_outcome_call_asks_about_half_the_questions_it_used_to(app_factory):
    """Before, the log put a question after every line sent (an "Anything else?" after each answer)."""
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        opening = prompts_shown(app)
        for line in FOUR_OUTCOMES:
            await say(pilot, line)
        record = app.screen.conversation.assessment()
        assert len(record.outcomes) == 4 and record.ended_at is not None and record.review is not None
        asked = prompts_shown(app) - opening
        assert asked <= 0.55 * len(FOUR_OUTCOMES), (asked, len(FOUR_OUTCOMES))


async def test_recorded_as_a_choice_only_when_one_was_picked(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        for line in ["/goto outcomes", "To walk to the shop", "", "change", "/goto risks", "She could fall", ""]:
            await say(pilot, line)
        await say(pilot, "we talked about it")
        assert "noted as risk choice for outcome 1, in the words typed: not one of the choices" in log_text(app)
        await say(pilot, "/goto risk-choice")
        await say(pilot, "yes")
        assert "recorded as risk choice for outcome 1: Chooses to take the risk" in log_text(app)


async def test_the_map_counts_an_answer_where_it_was_refiled_to(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        for line in ["/goto outcomes", "To get to chapel", "", "change", "The hill is too steep"]:
            await say(pilot, line)
        area_map = app.screen.query_one(AreaMap)

        def counts() -> dict[str, int]:
            return {area.stage: area.by_outcome.get(1, 0) for part in area_map.parts for area in part.areas
                    if area.stage in ("own-resources", "barriers")}

        assert counts() == {"own-resources": 1, "barriers": 0}
        await pilot.press("alt+r")
        await pilot.pause()
        assert isinstance(app.screen, RefileModal)
        await pilot.press("down", "enter")  # as a barrier: with one thing that matters, no need to ask which
        await pilot.pause()
        assert counts() == {"own-resources": 0, "barriers": 1}


async def test_the_header_names_the_part_the_map_marks_and_go_to_starts_where_we_are(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await say(pilot, "/c2 not safe at home tonight")
        header = str(app.screen.query_one(CallHeader).query_one("#where").render())
        assert "Conversation 2" in header and "Conversation 2 ◀ now" in app.screen.query_one(AreaMap).text
        area_map = app.screen.query_one(AreaMap)
        area_map.highlighted = 0
        await pilot.press("escape")
        await pilot.press("alt+g")
        await pilot.pause()
        assert area_map.has_focus and area_map.highlighted == area_map.get_option_index("area:crisis-safe")


async def test_every_function_key_has_an_alt_key_and_the_footer_fits_with_quit(app_factory):
    for width in (80, 120):
        app = app_factory()
        async with app.run_test(size=(width, 30)) as pilot:
            await start_call(pilot)
            await say(pilot, "To sing in the chapel choir again")  # two suggestions wait: Accept and Dismiss
            await say(pilot, "Her son hit her last week")  # an alert: Acknowledge
            keys = list(app.screen.query("FooterKey"))
            shown = [(key.key_display, key.description) for key in keys]
            assert sum(key_width(display, description) for display, description in shown) <= width, shown
            assert ("^q", "Quit") in shown and ("^n", "Acknowledge alert") in shown
            assert all(not display.startswith("f") for display, _ in shown), shown
        for binding in ConversationScreen.BINDINGS:
            assert isinstance(binding, Binding)
            if any(key.startswith("f") and key[1:].isdigit() for key in binding.key.split(",")):
                assert any(key.startswith(("alt+", "ctrl+")) for key in binding.key.split(",")), binding


async def test_export_asks_before_replacing_a_file(app_factory, tmp_path):
    target = tmp_path / "gwen.md"
    target.write_text("someone else's notes")
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await say(pilot, "Gwen, 83")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "already a file" in str(app.screen.query_one(".question").render())
        await pilot.press("enter")  # "No, keep it" comes first
        await pilot.pause()
        assert target.read_text() == "someone else's notes"
        app.screen.export(target, replace=False)
        await pilot.pause()
        assert target.read_text() == "someone else's notes"  # refused without asking first
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "enter")  # "Yes, replace it"
        await pilot.pause()
        assert "Gwen, 83" in target.read_text()


async def test_high_contrast_is_remembered(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        app.action_toggle_high_contrast()
        await pilot.pause()
        assert app.theme == HIGH_CONTRAST.name and config.load().high_contrast
    again = app_factory()
    async with again.run_test(size=SIZE):
        assert again.theme == HIGH_CONTRAST.name


async def test_leaving_the_app_names_the_conversation_and_how_to_carry_it_on(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await say(pilot, "Gwen, 83")
        await pilot.press("ctrl+q")
    assert app.farewell() == "Conversation call-1 is saved. Carry it on with: convo resume call-1"


def contrast(one, other) -> float:
    """WCAG 2 contrast ratio of two rich colours."""
    def luminance(colour) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = colour.triplet
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_the_maps_headings_are_at_aa_contrast_and_its_highlight_is_seen_without_colour(app_factory):
    for high_contrast in (False, True):
        app = app_factory(high_contrast=high_contrast)
        async with app.run_test(size=SIZE) as pilot:
            await start_call(pilot)
            area_map = app.screen.query_one(AreaMap)
            heading = area_map.get_component_rich_style("option-list--option-disabled")
            background = area_map.rich_style.bgcolor
            assert contrast(heading.color, background) >= 4.5
            # Where Enter would go, when the map has the keys, is seen without colour too.
            await pilot.press("alt+g")
            await pilot.pause()
            assert area_map.has_focus
            highlighted = area_map.get_component_rich_style("option-list--option-highlighted")
            assert highlighted.underline and highlighted.bold


async def test_words_typed_while_the_map_has_the_keys_go_into_the_answer_box_not_to_another_question(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        area_map = app.screen.query_one(AreaMap)
        asked = prompts_shown(app)
        await pilot.press("alt+g")
        await pilot.pause()
        assert area_map.has_focus
        await pilot.press(*"and shopping")
        await pilot.pause()
        line = app.screen.query_one("#line", Input)
        assert line.has_focus and line.value == "and shopping"
        await pilot.press("enter")
        await pilot.pause()
        log = log_text(app)
        assert "you › and shopping" in log and "/goto" not in log  # an answer to the question, not a jump
        assert prompts_shown(app) <= asked + 1
        await pilot.press("alt+g")
        await pilot.pause()
        area_map.post_message(events.Paste("a paste while the map had the keys"))
        await pilot.pause()
        assert line.has_focus and line.value == "a paste while the map had the keys"


async def test_going_to_the_question_in_hand_asks_it_once(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        await say(pilot, "/goto connect")
        await say(pilot, "Told her about the garden club")
        asked = prompts_shown(app)
        await say(pilot, "/goto connect")
        await say(pilot, "Age Cymru's number")
        assert prompts_shown(app) == asked
        assert log_text(app).count("Anything else you shared") == 0


async def test_the_box_says_when_what_goes_in_it_is_the_practitioners_own_note(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await start_call(pilot)
        line = app.screen.query_one("#line", Input)
        assert line.placeholder.startswith("Their words")
        await say(pilot, "Her son hit her last week")  # an alert: the safety questions take your notes
        assert line.placeholder.startswith("Your note")
        await say(pilot, "She is safe tonight; he has gone to his sister's")
        assert app.screen.conversation.assessment().safeguarding[0].notes[0].source == "practitioner"
