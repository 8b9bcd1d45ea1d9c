"""The footer of keys: as many as fit on one line, the most needed first, and Quit always.

Textual's Footer lays every key out in a row and lets the row run off the screen, so at 80 columns
the last keys (Quit among them) were cut off or drawn over. This one measures each key and keeps those
that fit, in the order of `NEEDED`; the rest stay in the command palette. A pop-up shows its own keys
(`hints`: Enter to choose...) first. It is rebuilt only when what it would show changes, since
Textual's Footer rebuilds all its keys each time a screen's bindings might have changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from convo.tui.words import key_label, key_tip, language_of

# Actions by how much they are needed on a call; an action not named here comes after these.
NEEDED = ("quit", "quit_unsaved", "acknowledge", "accept_cue", "dismiss_cue", "skip", "undo", "goto", "refile",
          "toggle_draft", "export", "toggle_lines", "toggle_map")
ALWAYS = ("quit", "quit_unsaved")


def key_width(display: str, description: str) -> int:
    """Columns a compact key takes: its key, a space, its description, and the space after it."""
    return len(display) + (1 + len(description) if description else 0) + 1


class KeyFooter(Footer):
    def __init__(self, *, hints: Iterable[tuple[str, str, str]] = (), **options):
        """`hints`: keys a pop-up's own widgets answer (key, as shown, what it does), shown first."""
        super().__init__(**options)
        self.hints = tuple(hints)
        self._shown: tuple | None = None

    def _chosen(self) -> list[tuple[Binding, bool, str]] | None:
        if not self._bindings_ready or not self.is_attached:
            return None
        by_action: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in by_action:
                by_action[binding.action] = (binding, enabled, tooltip)
        order = {action: index for index, action in enumerate(NEEDED)}
        wanted = sorted(by_action.values(), key=lambda found: order.get(found[0].action, len(order)))
        room = (self.size.width or self.app.size.width) - sum(key_width(d, w) for _, d, w in self.hints)
        room -= self._palette_width()
        kept: list[tuple[Binding, bool, str]] = []
        for found in sorted(wanted, key=lambda found: found[0].action not in ALWAYS):
            width = key_width(self.app.get_key_display(found[0]), self._label(found[0]))
            if width <= room:
                kept.append(found)
                room -= width
        # Shown in the order of NEEDED, Quit last, where people look for it.
        return sorted(kept, key=lambda found: (found[0].action in ALWAYS, order.get(found[0].action, len(order))))

    def _palette_width(self) -> int:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return 0
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return key_width(self.app.get_key_display(found[1]), self._label(found[1])) + 2 if found else 0

    def _label(self, binding: Binding) -> str:
        """A key's description in the language on screen."""
        return key_label(binding.action, language_of(self.app), binding.description)

    def _tip(self, binding: Binding, tooltip: str) -> str:
        return key_tip(binding.action, language_of(self.app), tooltip)

    def _keys(self) -> tuple | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        return (self.size.width, self.hints, tuple(
            (binding.key, self._label(binding), enabled, self._tip(binding, tooltip), self.app.get_key_display(binding))
            for binding, enabled, tooltip in chosen))

    def compose(self) -> ComposeResult:
        chosen = self._chosen()
        if chosen is None:
            return
        for key, display, description in self.hints:
            yield FooterKey(key, display, description, "").data_bind(compact=Footer.compact)
        for binding, enabled, tooltip in chosen:
            yield FooterKey(binding.key, self.app.get_key_display(binding), self._label(binding), binding.action,
                            disabled=not enabled, tooltip=self._tip(binding, tooltip)).data_bind(compact=Footer.compact)
        if self._palette_width():
            _, binding, _, tooltip = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
            yield FooterKey(binding.key, self.app.get_key_display(binding), self._label(binding), binding.action,
                            classes="-command-palette", tooltip=tooltip).data_bind(compact=Footer.compact)

    async def recompose(self) -> None:
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()

    async def on_resize(self, event: Resize) -> None:
        await self.recompose()
