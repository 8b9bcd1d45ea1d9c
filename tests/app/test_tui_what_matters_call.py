"""A what-matters conversation by keyboard alone: several-line answers, cues, ending, and the draft."""

from __future__ import annotations

from textual.widgets import OptionList, TextArea

from convo.tui.screens.confirm_modal import ConfirmModal
from convo.tui.screens.conversation import ConversationScreen
from convo.tui.widgets.answer_input import AnswerInput
from convo.tui.widgets.draft_pane import DraftPane

from .conftest import SIZE, log_text, palette, pass_opening, say


async def test_a_what_matters_conversation_to_the_end(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        start = app.screen.query_one("#start", OptionList)
        start.highlighted = start.get_option_index("what-matters")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        conversation = screen.conversation
        assert conversation.flow.id == "what-matters"
        await pass_opening(pilot)

        await say(pilot, "Lives with her husband near the river")
        assert conversation.state.pending_cues() == ["7.0"]
        await palette(pilot, "Dismiss suggestion 7.0")
        assert conversation.state.cue_actions == {"7.0": "dismissed"}

        await say(pilot, "")
        # Several lines: F2 opens the text area, Ctrl+S sends it as one answer.
        answer = screen.query_one(AnswerInput)
        await pilot.press("f2")
        await pilot.pause()
        assert answer.multiline
        area = screen.query_one("#lines", TextArea)
        assert area.has_focus
        area.text = "She still bakes bread\nand teaches her granddaughter"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert area.text == ""
        strengths = [i.text for i in conversation.state.items.values() if i.kind == "strength"]
        assert strengths == ["She still bakes bread\nand teaches her granddaughter"]
        await pilot.press("ctrl+s")  # a blank send moves on here too
        await pilot.pause()
        assert conversation.position.stage == "outcomes"
        await pilot.press("f2")
        await pilot.pause()
        assert not answer.multiline

        for line in ["Her walk to the river", "", "keep", "Her legs get tired", ""]:
            await say(pilot, line)
        assert conversation.position.stage == "own-resources"

        # The draft pane shows the live record as plain text.
        await pilot.press("f9")
        await pilot.pause()
        draft = screen.query_one(DraftPane)
        assert draft.display and "Her legs get tired" in draft.text

        await palette(pilot, "End the conversation")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert conversation.ended
        assert "The conversation is finished and saved." in log_text(app)
        assert screen.query_one("#line").disabled
        record = conversation.assessment()
        assert [o.text for o in record.outcomes] == ["Her walk to the river"]
        assert [b.text for b in record.outcomes[0].barriers] == ["Her legs get tired"]
