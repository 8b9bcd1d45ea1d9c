"""The command palette (Ctrl+P): whatever the current screen can do, found by typing part of its name."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from convo.tui.words import language_of, words


class ConvoCommands(Provider):
    """Asks the current screen for its `palette_commands()`: (title, callback, help) triples."""

    def _commands(self):
        screen = self.screen
        commands = list(screen.palette_commands()) if hasattr(screen, "palette_commands") else []
        app = self.app
        if hasattr(app, "action_toggle_high_contrast"):
            language = language_of(app)
            commands.append((words("app_high_contrast", language), app.action_toggle_high_contrast,
                             words("app_high_contrast_why", language)))
        return commands

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(callback), help=help_text)
