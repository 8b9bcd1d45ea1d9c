"""Choose where to write the draft; the file's ending (.md, .html, .txt, .json) chooses the format."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import Input, Static

from convo.render import FORMATS
from convo.tui.screens.modal import Modal
from convo.tui.widgets.in_turn import InTurnInput
from convo.tui.words import words


class ExportModal(Modal[Path | None]):
    AUTO_FOCUS = "Input"
    HINTS: ClassVar[tuple[tuple[str, str, str], ...]] = (("enter", "enter", "app_hint_write"),)

    def __init__(self, suggested: Path):
        super().__init__()
        self.suggested = suggested

    def ask(self) -> Iterable[Widget]:
        yield Static(words("app_export_to", self.language), classes="question", markup=False)
        yield InTurnInput(str(self.suggested), id="path")
        yield Static(words("app_export_hint", self.language), classes="hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if path.suffix.lstrip(".") not in FORMATS:
            self.notify(words("app_export_ending", self.language), severity="warning")
            return
        self.dismiss(path)
