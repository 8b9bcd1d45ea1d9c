"""Where each screen's and widget's styles come from: a .tcss file beside its module.

They are given to Textual as the class's DEFAULT_CSS rather than as a CSS_PATH. Textual parses a
class's default CSS once, on top of what it already holds, the first time the class is shown; a
screen with a CSS_PATH instead makes it re-parse every stylesheet it holds. So the start screen
parses only its own rules and the app's, and each other screen adds its own when first opened.
Default CSS is scoped to its class, so a screen's rules reach nothing outside that screen.
"""

from __future__ import annotations

from pathlib import Path


def tcss(module_file: str, name: str | None = None) -> str:
    """The text of `name` (default: the module's own name with .tcss) in the module's folder."""
    path = Path(module_file)
    return (path.parent / (name or path.with_suffix(".tcss").name)).read_text(encoding="utf-8")
