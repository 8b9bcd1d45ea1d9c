"""Exporting, as both faces do it: owner-only files written whole, the audit line, the encrypted-store rule."""

from __future__ import annotations

import stat

import pytest

from convo import library
from convo.export import ExportRefused
from convo.services import Service
from convo.store import Store
from tests.conftest import pass_opening


def test_export_writes_an_owner_only_file_and_an_audit_line_without_words(start, store, tmp_path):
    conversation = start()
    conversation.send("Nia Rowlands, 91")
    target = tmp_path / "draft.md"
    written = Service(store).export(conversation, "md", target)
    assert written == str(target.resolve())
    assert "Nia Rowlands, 91" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    [entry] = [e for e in store.audit_log() if e.action == "exported"]
    assert entry.conversation == conversation.id and "Nia" not in str(entry.detail)
    assert not list(tmp_path.glob(".draft.md.partial-*"))


def test_an_encrypted_store_leaves_no_plaintext_file_unless_told(tmp_path, clock):
    with Store(tmp_path / "locked.db", passphrase=lambda: "correct horse battery staple", encrypt=True) as store:
        conversation = library.start(store, "what-matters", "practitioner", clock=clock)
        pass_opening(conversation)
        conversation.send("Lives above the chip shop")
        target = tmp_path / "draft.txt"
        with pytest.raises(ExportRefused, match="encrypted"):
            Service(store).export(conversation, "txt", target)
        assert not target.exists()
        Service(store).export(conversation, "txt", target, plaintext=True)
        assert "Lives above the chip shop" in target.read_text()
        assert "Lives above the chip shop" in Service(store).export(conversation, "md")


def test_an_unknown_format_is_refused(start, store):
    with pytest.raises(ExportRefused, match="unknown format 'docx'"):
        Service(store).export(start(), "docx")
