"""The home screen's saved conversations: one a line under a heading that stays put, a row cursor,
Enter or a click on the highlighted row to open one.

Each line is drawn straight from its text, one styled run a row, so a screenful of rows costs about
what no rows cost: a table widget measures and renders every cell of every row through Rich, and that
was most of the time the home screen took to show its first rows of a full store.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from convo.render import one_line
from convo.tui.styles import tcss


class SavedList(ScrollView, can_focus=True):
    """Rows of text cells in columns as wide as their widest cell, each row with a key."""

    DEFAULT_CSS = tcss(__file__)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "saved-list--header", "saved-list--even-row", "saved-list--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home,ctrl+home", "first", show=False),
        Binding("end,ctrl+end", "last", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
    ]

    cursor: reactive[int] = reactive(0, layout=False, always_update=True)

    class Chosen(Message):
        """A row was opened (Enter, or a click on the highlighted row)."""

        def __init__(self, saved_list: SavedList, key: str) -> None:
            super().__init__()
            self.saved_list = saved_list
            self.key = key

        @property
        def control(self) -> SavedList:
            return self.saved_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._headings: tuple[str, ...] = ()
        self._widths: list[int] = []
        self._keys: list[str] = []
        self._rows: list[tuple[str, ...]] = []

    # -- what it holds ---------------------------------------------------------------------------

    def set_headings(self, *headings: str) -> None:
        if self._rows and len(headings) != len(self._headings):
            raise ValueError(f"{len(headings)} headings for rows of {len(self._headings)} cells")
        self._headings = tuple(one_line(heading) for heading in headings)
        self._widths = [max([cell_len(self._headings[column])] + [cell_len(row[column]) for row in self._rows])
                        for column in range(len(headings))]
        self._resized()

    def clear(self) -> None:
        self._keys.clear()
        self._rows.clear()
        self._widths = [cell_len(heading) for heading in self._headings]
        self.cursor = 0
        self._resized()

    def add_rows(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """(key, cells) for each row, in order after those there are, a cell under each heading. A cell is
        drawn as its text, on one line: never markup, and any control character (a tab, a new line) shown
        as its symbol (␉, ␤), not obeyed."""
        widths = self._widths
        for key, cells in rows:
            if len(cells) != len(widths):
                raise ValueError(f"a row of {len(cells)} cells under {len(widths)} headings")
            shown = tuple(one_line(cell) for cell in cells)
            self._keys.append(key)
            self._rows.append(shown)
            for column, cell in enumerate(shown):
                widths[column] = max(widths[column], cell_len(cell))
        self._resized()

    def highlight(self, key: str | None) -> None:
        """Put the cursor on the row with `key`, if there is one (else leave it where it is)."""
        if key in self._keys:
            self.cursor = self._keys.index(key)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    @property
    def highlighted(self) -> str | None:
        """The key of the row the cursor is on (None when there are no rows)."""
        return self._keys[self.cursor] if self._keys else None

    def _resized(self) -> None:
        width = sum(self._widths) + 2 * len(self._widths)
        self.virtual_size = Size(width, len(self._rows) + 1)  # and the heading
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------------

    def _line(self, cells: tuple[str, ...]) -> str:
        pairs = zip(cells, self._widths, strict=True)
        return "".join(f" {cell}{' ' * (width - cell_len(cell))} " for cell, width in pairs)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            text, style = self._line(self._headings), self.get_component_rich_style("saved-list--header")
        else:
            index = scroll_y + y - 1
            base = self.rich_style
            if index >= len(self._rows):
                return Strip.blank(width, base)
            text = self._line(self._rows[index])
            if index == self.cursor:
                style = base + self.get_component_rich_style("saved-list--cursor")
            elif index % 2:
                style = base + self.get_component_rich_style("saved-list--even-row")
            else:
                style = base
        line = Strip([Segment(text, style)], cell_len(text))
        return line.crop_extend(scroll_x, scroll_x + width, style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()

    # -- the cursor ------------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._rows) - 1))

    def watch_cursor(self) -> None:
        self._cursor_in_sight()

    def on_resize(self) -> None:
        self.call_after_refresh(self._cursor_in_sight)  # a shorter window could leave it below the bottom

    def _cursor_in_sight(self) -> None:
        page = self._page
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + page:
            self.scroll_to(y=self.cursor - page + 1, animate=False)
        self.refresh()

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_choose(self) -> None:
        if not self._keys:
            return
        top = round(self.scroll_y)
        if not top <= self.cursor < top + self._page:  # scrolled away by the wheel: show it, open it next time
            self._cursor_in_sight()
            return
        self.post_message(self.Chosen(self, self._keys[self.cursor]))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = round(self.scroll_y) + offset.y - 1
        if index >= len(self._rows):
            return
        if index == self.cursor:
            self.action_choose()
        else:
            self.cursor = index
