"""The side panel: a map of the conversation from `Conversation.overview()`; choosing an area goes there."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from convo.engine.overview import AreaView, PartView
from convo.tui.messages import AreaChosen


def _counts(area: AreaView) -> str:
    if area.per_outcome and area.by_outcome:
        return " ".join(f"#{n}:{count}" for n, count in sorted(area.by_outcome.items()))
    return str(area.items) if area.items else "–"


def _skipped(area: AreaView) -> str:
    if not area.skipped:
        return ""
    if None in area.skipped:
        return " skipped"
    return " skipped " + ",".join(f"#{n}" for n in sorted(n for n in area.skipped if n is not None))


def area_label(area: AreaView) -> Content:
    marker = "▶ " if area.current else "  "
    return Content.assemble(
        (marker, "bold"), (area.title, "bold" if area.current else ""), " ",
        (_counts(area), "dim" if not area.items else ""), (_skipped(area), "italic"),
    )


def part_label(part: PartView) -> Content:
    name = f"Conversation {part.conversation}" if part.conversation else part.title
    now = " ◀ now" if part.current else ""
    subtitle = f"\n{part.title}" if part.conversation else ""
    return Content.assemble((name, "bold underline"), (now, "bold"), (subtitle, "italic"))


class AreaMap(OptionList):
    """Where the conversation is and what each area holds; Enter or a click goes to an area."""

    BORDER_TITLE = "Map"
    DEFAULT_CSS = """
    AreaMap { scrollbar-size-vertical: 1; }
    """

    def show(self, parts: list[PartView]) -> None:
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        options: list[Option | None] = []
        current = None
        for part in parts:
            if options:
                options.append(None)
            options.append(Option(part_label(part), id=f"part:{part.id}", disabled=True))
            for area in part.areas:
                options.append(Option(area_label(area), id=f"area:{area.stage}"))
                if area.current:
                    current = f"area:{area.stage}"
        self.clear_options()
        self.add_options(options)
        target = current if not self.has_focus or highlighted is None else highlighted
        if target is not None:
            self.highlighted = self.get_option_index(target)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id.startswith("area:"):
            self.post_message(AreaChosen(event.option.id.removeprefix("area:")))

    @property
    def text(self) -> str:
        return "\n".join(self.get_option_at_index(i).prompt.plain for i in range(self.option_count))
