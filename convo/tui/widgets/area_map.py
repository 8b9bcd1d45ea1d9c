"""The side panel: a map of the conversation from `Conversation.overview()`; choosing an area goes there."""

from __future__ import annotations

from textual.content import Content
from textual.events import Resize
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from convo.engine.overview import AreaView, PartView
from convo.tui.messages import AreaChosen
from convo.tui.styles import tcss
from convo.tui.words import words


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def area_label(area: AreaView, outcomes: int, width: int = 80, language: str | None = None) -> Content:
    """`▶  2 Title`, and for areas asked per outcome a second line: `#1 2 · #2 0 · #3 skipped`."""
    marker = "▶ " if area.current else "  "
    whole_skipped = None in area.skipped
    count = str(area.items) if area.items else "–"
    skipped_word = words("app_map_skipped", language)
    skipped = f" ({skipped_word})" if whole_skipped else ""
    title = _fit(area.title, width - 5 - len(skipped))
    parts: list[str | tuple[str, str]] = [(marker, "bold"), count.rjust(2), " ",
                                          (title, "bold" if area.current else ""), (skipped, "italic")]
    if area.per_outcome and outcomes and not whole_skipped:
        each = []
        for number in range(1, outcomes + 1):
            said = skipped_word if number in area.skipped else str(area.by_outcome.get(number, 0))
            each.append(f"#{number} {said}")
        parts += ["\n     ", (" · ".join(each), "dim")]
    return Content.assemble(*parts)


def part_label(part: PartView, width: int, language: str | None = None) -> Content:
    name = words("app_map_part", language, number=part.conversation) if part.conversation else part.title
    now = f" {words('app_map_now', language)}" if part.current else ""
    if len(name) + len(now) > width:
        name = (words("app_map_part_short", language, number=part.conversation) if part.conversation
                else _fit(name, width - len(now)))
    subtitle = f"\n{_fit(part.title, width)}" if part.conversation else ""
    return Content.assemble((name, "bold underline"), (now, "bold"), (subtitle, "italic"))


class AreaMap(OptionList):
    """Where the conversation is and what each area holds; Enter or a click goes to an area."""

    DEFAULT_CSS = tcss(__file__)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.parts: list[PartView] = []
        self.outcomes = 0
        self.current: str | None = None  # the option of the area the conversation is in
        self._shown: list[tuple[str, str]] = []  # (option id, label markup) as now on screen
        self.language: str | None = None  # the conversation's; the setting's until it is shown

    @property
    def label_width(self) -> int:
        return max(14, self.scrollable_content_region.width - 2)

    def show(self, parts: list[PartView], outcomes: int, language: str | None = None) -> None:
        self.parts, self.outcomes, self.language = parts, outcomes, language
        width = self.label_width
        wanted: list[tuple[str, Content, bool]] = []
        current = None
        for part in parts:
            wanted.append((f"part:{part.id}", part_label(part, width, language), True))
            for area in part.areas:
                wanted.append((f"area:{area.stage}", area_label(area, outcomes, width, language), False))
                if area.current:
                    current = f"area:{area.stage}"
        shown = [(option_id, label.markup) for option_id, label, _ in wanted]
        if [option_id for option_id, _ in shown] == [option_id for option_id, _ in self._shown]:
            # The same areas: change only the labels that changed, so a turn costs little.
            for (option_id, markup), (_, label, _) in zip(self._shown, wanted, strict=True):
                if label.markup != markup:
                    self.replace_option_prompt(option_id, label)
        else:
            options: list[Option | None] = []
            for option_id, label, heading in wanted:
                if heading and options:
                    options.append(None)
                options.append(Option(label, id=option_id, disabled=heading))
            self.clear_options()
            self.add_options(options)
        self._shown = shown
        self.current = current
        if current is not None and not self.has_focus:
            self.highlighted = self.get_option_index(current)

    def highlight_current(self) -> None:
        """Put the highlight on the area the conversation is in, wherever it was left."""
        if self.current is not None:
            self.highlighted = self.get_option_index(self.current)
            self.scroll_to_highlight()

    def on_resize(self, event: Resize) -> None:
        if self.parts:
            self._shown = []
            self.show(self.parts, self.outcomes, self.language)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id and event.option.id.startswith("area:"):
            self.post_message(AreaChosen(event.option.id.removeprefix("area:")))

    @property
    def text(self) -> str:
        # Each prompt is a Content, whose str() is its plain text.
        return "\n".join(str(self.get_option_at_index(i).prompt) for i in range(self.option_count))
