"""Choose where to write the draft; the file's ending (.md, .html, .txt, .json) chooses the format."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.widget import Widget
from textual.widgets import Input, Static

from convo.render import FORMATS
from convo.tui.screens.modal import Modal


class ExportModal(Modal[Path | None]):
    AUTO_FOCUS = "Input"
    HINTS: ClassVar[tuple[tuple[str, str, str], ...]] = (("enter", "enter", "Write"),)

    def __init__(self, suggested: Path):
        super().__init__()
        self.suggested = suggested

    def ask(self) -> Iterable[Widget]:
        yield Static("Write the draft record to:", classes="question")
        yield Input(str(self.suggested), id="path")
        yield Static("The ending chooses the format: .md, .html, .txt or .json. Only you can read the file; "
                     "you are asked before a file already there is replaced.", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if path.suffix.lstrip(".") not in FORMATS:
            self.notify("End the file name with .md, .html, .txt or .json.", severity="warning")
            return
        self.dismiss(path)
