"""`convo serve`: the carer's self-assessment in a web browser, through textual-serve.

Each browser tab is its own websocket and textual-serve starts one `convo carer --browser`
process for it, so every tab starts a new conversation and lists nobody else's. The page is
textual-serve's own, with its one outside link (a web font) taken out so nothing leaves the machine.
"""

from __future__ import annotations

import re
import shlex
import sys
import tempfile
from pathlib import Path

_WEB_FONT = re.compile(r"\s*<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)


def browser_command(db: Path) -> str:
    """The command each browser tab runs: this Python's convo, on this database, in browser mode."""
    return shlex.join([sys.executable, "-m", "convo.cli", "--db", str(db), "carer", "--browser"])


def local_templates(folder: Path) -> Path:
    """A copy of textual-serve's page without links to other sites, in a language a reader can declare."""
    import textual_serve

    page = (Path(textual_serve.__file__).parent / "templates" / "app_index.html").read_text(encoding="utf-8")
    page = _WEB_FONT.sub("", page).replace("<html>", '<html lang="en">', 1)
    (folder / "app_index.html").write_text(page, encoding="utf-8")
    return folder


def serve(db: Path, host: str, port: int, public_url: str | None = None) -> None:
    from textual_serve.server import Server

    with tempfile.TemporaryDirectory(prefix="convo-serve-") as folder:
        server = Server(browser_command(db), host=host, port=port, title="Carer self-assessment",
                        public_url=public_url, templates_path=local_templates(Path(folder)))
        server.serve()
