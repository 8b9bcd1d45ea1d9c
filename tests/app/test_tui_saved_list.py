"""The home screen's list of saved conversations: keys, clicks, the heading, and what it draws."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from convo.tui.widgets.saved_list import SavedList

ROWS = [(f"id-{n:02d}", (f"id-{n:02d}", "2026-03-01 09:00", "carer", "unfinished", f"Title {n}"))
        for n in range(40)]


class _ListApp(App):
    def __init__(self, rows=ROWS):
        super().__init__()
        self.rows = rows
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield SavedList(id="saved")

    def on_mount(self) -> None:
        saved = self.query_one(SavedList)
        saved.set_headings("Id", "When", "Flow", "Status", "Title")
        saved.add_rows(self.rows)
        saved.focus()

    def on_saved_list_chosen(self, event: SavedList.Chosen) -> None:
        self.chosen.append(event.key)


def _text(saved: SavedList, y: int) -> str:
    return saved.render_line(y).text


async def test_keys_move_the_cursor_and_enter_opens_the_highlighted_row():
    app = _ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        saved = app.query_one(SavedList)
        assert saved.highlighted == "id-00"
        await pilot.press("down", "down", "up")
        assert saved.highlighted == "id-01"
        await pilot.press("end")
        assert saved.highlighted == "id-39"
        await pilot.press("down")  # no further than the last row
        assert saved.highlighted == "id-39"
        await pilot.press("pageup")
        assert saved.highlighted == f"id-{39 - (saved.size.height - 1):02d}"
        await pilot.press("home", "pagedown", "enter")
        assert app.chosen == [f"id-{saved.size.height - 1:02d}"]


async def test_the_heading_stays_at_the_top_and_the_cursor_row_stays_in_sight():
    app = _ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        saved = app.query_one(SavedList)
        await pilot.press("end")
        await pilot.pause()
        assert saved.scroll_y > 0
        assert _text(saved, 0).split() == ["Id", "When", "Flow", "Status", "Title"]
        shown = [_text(saved, y).split()[0] for y in range(1, saved.scrollable_content_region.height)]
        assert shown[-1] == "id-39"
        await pilot.press("home")
        await pilot.pause()
        assert saved.scroll_y == 0 and _text(saved, 1).split()[0] == "id-00"


async def test_a_click_highlights_a_row_and_a_click_on_the_highlighted_row_opens_it():
    app = _ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        saved = app.query_one(SavedList)
        await pilot.click(SavedList, offset=(3, 3))  # the heading, then rows 0, 1, 2
        assert saved.highlighted == "id-02" and app.chosen == []
        await pilot.click(SavedList, offset=(3, 3))
        assert app.chosen == ["id-02"]
        await pilot.click(SavedList, offset=(3, 0))  # the heading opens nothing
        assert saved.highlighted == "id-02" and app.chosen == ["id-02"]


async def test_enter_after_the_wheel_scrolled_the_highlighted_row_away_shows_it_before_opening_it():
    app = _ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        saved = app.query_one(SavedList)
        await pilot.pause()  # settled after mounting
        for _ in range(8):  # as the wheel does (MouseScrollDown scrolls the view, not the cursor)
            saved.post_message(events.MouseScrollDown(saved, 3, 3, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert saved.scroll_y > 0 and saved.highlighted == "id-00"
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [] and saved.scroll_y == 0  # in sight again, not opened unseen
        await pilot.press("enter")
        assert app.chosen == ["id-00"]


async def test_columns_are_as_wide_as_their_widest_cell_and_text_is_drawn_as_it_is():
    rows = [("a", ("a", "x", "flow", "open", "[b]not markup[/b] 日本")), ("bb", ("bb", "yy", "f", "ended", "t"))]
    app = _ListApp(rows)
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        saved = app.query_one(SavedList)
        assert _text(saved, 1).startswith(" a   x     flow  open    [b]not markup[/b] 日本")
        assert _text(saved, 2).startswith(" bb  yy    f     ended   t ")
        saved.clear()
        assert saved.row_count == 0 and saved.highlighted is None
        await pilot.press("enter")
        assert app.chosen == []
        assert _text(saved, 1).strip() == ""


async def test_a_tab_a_new_line_or_an_escape_in_a_title_is_shown_as_its_symbol_not_obeyed():
    rows = [("a", ("a", "x", "flow", "open", "New\nline\tand\x1b[2Jmore"))]
    app = _ListApp(rows)
    async with app.run_test(size=(80, 6)) as pilot:
        await pilot.pause()
        line = _text(app.query_one(SavedList), 1)
        assert "New\u2424line\u2409and\u241b[2Jmore" in line
        assert not any(ord(ch) < 0x20 for ch in line)


async def test_the_cursor_row_stays_in_sight_when_the_window_gets_shorter():
    app = _ListApp()
    async with app.run_test(size=(80, 30)) as pilot:
        saved = app.query_one(SavedList)
        for _ in range(20):
            await pilot.press("down")
        assert saved.scroll_y == 0
        await pilot.resize_terminal(80, 8)
        await pilot.pause()
        await pilot.pause()
        top = round(saved.scroll_y)
        assert top <= saved.cursor < top + saved.scrollable_content_region.height - 1


async def test_ctrl_home_and_ctrl_end_go_to_the_first_and_last_rows():
    app = _ListApp()
    async with app.run_test(size=(80, 12)) as pilot:
        saved = app.query_one(SavedList)
        await pilot.press("ctrl+end")
        assert saved.highlighted == "id-39"
        await pilot.press("ctrl+home")
        assert saved.highlighted == "id-00"


def test_a_row_must_have_a_cell_under_each_heading():
    import pytest

    saved = SavedList()
    saved.set_headings("Id", "Title")
    with pytest.raises(ValueError, match="3 cells under 2 headings"):
        saved.add_rows([("a", ("a", "b", "c"))])
    with pytest.raises(ValueError, match="1 cells under 2 headings"):
        saved.add_rows([("a", ("a",))])
    assert saved.row_count == 0
