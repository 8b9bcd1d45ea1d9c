"""The app lets no one's words out by a side door: no screenshots, no crash report with what was said,
no clipboard or download from an encrypted store unasked, and a failed save loses nothing typed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input

from convo import library
from convo.services import Service
from convo.store import Store, StoreError
from convo.tui.app import ConvoApp
from convo.tui.screens.confirm_modal import ConfirmModal
from convo.tui.screens.conversation import ConversationScreen
from tests.conftest import pass_opening

from .conftest import SIZE, frozen_clock, say

ROOT = Path(__file__).resolve().parents[2]
ANSWER = "Tell nobody: my brother takes my pension"


def conversation_app(store: Store) -> ConvoApp:
    conversation = library.start(store, "what-matters", "practitioner", conversation_id="call-1")
    pass_opening(conversation)
    return ConvoApp(Service(store), conversation, clock=frozen_clock, blink=False)


def encrypted_store(db) -> Store:
    return Store(db, passphrase=lambda: "correct horse battery", encrypt=True)


def notices(app) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def test_the_palette_offers_no_screenshot_and_the_action_writes_nothing(db, tmp_path):
    app = conversation_app(Store(db))
    async with app.run_test(size=SIZE) as pilot:
        assert "Screenshot" not in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette.query_one(Input).value = "screensh"
        for _ in range(20):
            await pilot.pause(0.03)
        options = palette.query_one("CommandList")
        assert not any("Screenshot" in str(options.get_option_at_index(i).prompt)
                       for i in range(options.option_count))
        await pilot.press("escape")
        app.action_screenshot()
        app.deliver_screenshot()
        await pilot.pause()
    assert not any(path.suffix == ".svg" for path in tmp_path.rglob("*"))


async def test_a_failed_save_keeps_the_words_in_the_box_and_quit_does_not_claim_they_are_saved(db, monkeypatch):
    app = conversation_app(Store(db))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ConversationScreen)
        assert app.screen.active_bindings["ctrl+q"].tooltip == "Everything is already saved"

        def full_disk(command):
            raise StoreError("database or disk is full")

        monkeypatch.setattr(screen.conversation, "handle", full_disk)
        await say(pilot, ANSWER)
        assert screen.query_one("#line", Input).value == ANSWER
        assert "Not saved: database or disk is full" in notices(app)
        assert "saved" not in app.screen.active_bindings["ctrl+q"].tooltip.replace("NOT saved", "")
        assert ANSWER not in screen.chat.text

        monkeypatch.undo()
        await say(pilot, ANSWER)
        assert screen.query_one("#line", Input).value == ""
        assert app.screen.active_bindings["ctrl+q"].tooltip == "Everything is already saved"


async def test_copying_the_draft_from_an_encrypted_store_is_asked_first_and_audited(db, monkeypatch):
    store = encrypted_store(db)
    app = conversation_app(store)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await say(pilot, ANSWER)
        app.screen.action_copy_draft()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        await pilot.pause()
        assert copied == [] and not [e for e in store.audit_log() if e.action == "copied"]

        app.screen.action_copy_draft()
        await pilot.pause()
        app.screen.dismiss(True)
        await pilot.pause()
        assert len(copied) == 1 and ANSWER in copied[0]
        entry = [e for e in store.audit_log() if e.action == "copied"]
        assert len(entry) == 1 and entry[0].detail["to"] == "clipboard" and entry[0].conversation == "call-1"


async def test_a_copy_whose_audit_line_cannot_be_written_is_not_made(db, monkeypatch):
    store = Store(db)
    app = conversation_app(store)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)

        def busy(*args, **kwargs):
            raise StoreError("the database is busy")

        monkeypatch.setattr(store, "audit", busy)
        app.screen.action_copy_draft()
        await pilot.pause()
        assert copied == [] and "the audit log could not record it" in notices(app)


async def test_in_a_browser_export_is_a_download_audited_first_and_no_file_on_the_server(db, tmp_path, monkeypatch):
    # The first draft in a process parses the draft's wording and keeps the parse in convo's cache folder;
    # that is no export, and whether it happens here depends on the tests run before this one.
    monkeypatch.setenv("CONVO_NO_CACHE", "1")
    store = Store(db)
    app = conversation_app(store)
    app.deliver_exports = True  # as CarerWebApp, which `convo serve` runs
    delivered: list[tuple[str, str | None]] = []
    async with app.run_test(size=SIZE) as pilot:
        def deliver(file, save_filename=None, **options):
            assert [e.action for e in store.audit_log()][-1] == "exported"  # audited before it goes
            delivered.append((file.read(), save_filename))

        monkeypatch.setattr(app, "deliver_text", deliver)
        await say(pilot, ANSWER)
        before = set(tmp_path.rglob("*"))
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)  # no dialog showing a path on the server
        assert str(tmp_path) not in notices(app)
    assert len(delivered) == 1 and delivered[0][1] == "convo-call-1.md" and ANSWER in delivered[0][0]
    assert {p for p in set(tmp_path.rglob("*")) - before if not p.name.startswith(db.name)} == set()
    assert store.audit_log()[-1].detail["to"] == "browser download"


async def test_an_export_whose_audit_line_fails_says_the_file_was_written_and_does_not_crash(db, tmp_path, monkeypatch):
    store = Store(db)
    app = conversation_app(store)
    async with app.run_test(size=SIZE) as pilot:
        def busy(*args, **kwargs):
            raise StoreError("the database is busy")

        monkeypatch.setattr(store, "audit", busy)
        target = tmp_path / "draft.md"
        app.screen.export(target)
        await pilot.pause()
        assert app.is_running
        assert "the audit log could not record it" in notices(app) and str(target) in notices(app)
        assert "nothing was changed" not in notices(app)


CRASH = textwrap.dedent("""
    import sys
    from convo import library
    from convo.engine.conversation import Conversation
    from convo.services import Service
    from convo.store import Store
    from convo.tui.app import ConvoApp

    def broken(self, command):
        raise RuntimeError("a bug")

    Conversation.handle = broken
    store = Store(sys.argv[1])
    app = ConvoApp(Service(store), library.start(store, "what-matters", "practitioner"), blink=False)

    async def drive(pilot):
        await pilot.pause()
        box = pilot.app.screen.query_one("#line")
        box.focus()
        box.value = sys.argv[2]
        await pilot.press("enter")
        await pilot.pause()

    app.run(headless=True, size=(100, 34), auto_pilot=drive)
    sys.exit(app.return_code)
""")


def test_a_crash_prints_one_line_with_no_one_s_words_and_writes_no_file(tmp_path):
    db = tmp_path / "crash.db"
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run([sys.executable, "-c", CRASH, str(db), ANSWER], check=False, capture_output=True, text=True,
                            timeout=60, cwd=tmp_path, env={"HOME": str(home), "XDG_CACHE_HOME": str(home / "cache"),
                                                          "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "stopped unexpectedly" in output
    assert "pension" not in output and "Traceback" not in output and "RuntimeError" not in output
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("crash.db")) == ["home"]
    written = [p for p in home.rglob("*") if p.is_file() and not p.is_relative_to(home / "cache" / "convo")]
    assert written == []  # no crash report, no screenshot: only convo's cache of parsed flow files
