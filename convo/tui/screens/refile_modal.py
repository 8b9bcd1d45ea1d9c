"""Choose what the last answer really is (one of the kinds the vocabulary lets an answer be re-filed as) and,
where there are several things that matter, which one it belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from convo.tui.screens.modal import Modal
from convo.tui.words import has, words
from convo.vocabulary import OUTCOME, refile_kinds


@dataclass(frozen=True)
class Refiling:
    kind: str
    outcome: int | None = None  # counted from 1; None: the one it belongs to, or the one in hand


class RefileModal(Modal[Refiling | None]):
    AUTO_FOCUS = "OptionList"

    def __init__(self, answer: str, outcomes: Sequence[str] = (), current: int | None = None):
        """`outcomes`: the things that matter, in order; `current`: the one (from 1) the answer is filed under."""
        super().__init__()
        self.answer, self.outcomes, self.current = answer, list(outcomes), current
        self.kind: str | None = None

    def ask(self) -> Iterable[Widget]:
        yield Static(Content(words("app_refile_as", self.language, answer=self.answer)), classes="question",
                     id="question")
        yield OptionList(*[Option(self.kind_name(kind), id=kind) for kind in refile_kinds()])

    def kind_name(self, kind: str) -> str:
        key = f"app_kind_{kind}"
        return words(key, self.language) if has(key) else kind.replace("_", " ")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id or ""
        if self.kind is not None:  # the outcome, once the kind is chosen
            self.dismiss(Refiling(self.kind, int(chosen)))
            return
        if chosen == OUTCOME or len(self.outcomes) < 2:
            self.dismiss(Refiling(chosen))
            return
        self.kind = chosen
        self.query_one("#question", Static).update(
            Content(words("app_refile_which", self.language, kind=self.kind_name(chosen))))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Content.assemble(f"{number}. ", text), id=str(number))
                             for number, text in enumerate(self.outcomes, start=1)])
        options.highlighted = (self.current or 1) - 1
