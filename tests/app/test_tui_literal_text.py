"""What a person types is shown exactly as typed: never as markup, links or terminal escapes."""

from __future__ import annotations

import pytest

from convo.tui import transcript

from .conftest import SIZE, pass_opening, say

TYPED = [
    ("[bold red]x[/]", "[bold red]x[/]"),
    ("[link=http://e.x]y[/link]", "[link=http://e.x]y[/link]"),
    ("\x1b[31mred", "␛[31mred"),
    ("[b]bold?[/b] and $var and \\[escaped]", "[b]bold?[/b] and $var and \\[escaped]"),
]


@pytest.mark.parametrize(("typed", "shown"), TYPED)
def test_a_typed_line_becomes_a_log_line_with_its_text_literal(typed, shown):
    assert transcript.said(typed).text == shown


async def test_markup_and_escapes_typed_by_a_user_appear_literally_in_the_log(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pass_opening(pilot)
        for typed, _ in TYPED:
            await say(pilot, typed)
        chat = app.screen.chat
        assert [line.plain for line in chat.entries if line.kind == "answer"] == [f"you › {s}" for _, s in TYPED]
        on_screen = chat.rendered
        for _, shown in TYPED:
            assert f"you › {shown}" in on_screen  # drawn as typed: no style, link or escape took effect
        assert "\x1b" not in on_screen
        # The stored answers are exactly what was typed.
        assert [i.text for i in app.screen.conversation.state.items.values()] == [t for t, _ in TYPED]


async def test_a_literal_answer_survives_resume(app_factory):
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        await pass_opening(pilot)
        await say(pilot, "[bold red]x[/] \x07 bell")
        conversation_id = app.screen.conversation.id
    again = app_factory(resume=conversation_id)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        chat = again.screen.chat
        assert [line.plain for line in chat.entries if line.kind == "answer"] == ["you › [bold red]x[/] ␇ bell"]
        assert "you › [bold red]x[/] ␇ bell" in chat.rendered
