"""Choose where to write the draft; the file's ending (.md, .html, .txt, .json) chooses the format."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from convo.render import FORMATS
from convo.tui.styles import tcss


class ExportModal(ModalScreen[Path | None]):
    DEFAULT_CSS = tcss(__file__, "modal.tcss")
    AUTO_FOCUS = "Input"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggested: Path):
        super().__init__()
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static("Write the draft record to:", classes="question")
            yield Input(str(self.suggested), id="path")
            yield Static("The ending chooses the format: .md, .html, .txt or .json. Only you can read the file.\n"
                         "Enter to write · Escape to cancel", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path = Path(event.value.strip()).expanduser()
        if path.suffix.lstrip(".") not in FORMATS:
            self.notify("End the file name with .md, .html, .txt or .json.", severity="warning")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
