"""The footer of keys, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys each time a screen's bindings might have changed: every move
of focus and every binding refresh, seven times while a conversation screen opens and once on most
turns. Rebuilding costs several milliseconds each time, so this one first checks what it would show.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self, **options):
        super().__init__(**options)
        self._shown: tuple | None = None

    def _keys(self) -> tuple | None:
        if not self._bindings_ready or not self.is_attached:
            return None
        return tuple((binding.key, binding.description, enabled, tooltip, self.app.get_key_display(binding))
                     for _, binding, enabled, tooltip in self.screen.active_bindings.values() if binding.show)

    async def recompose(self) -> None:
        keys = self._keys()
        if keys is not None and keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
