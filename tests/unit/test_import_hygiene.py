"""The conversation core and line mode never load Textual: they stay fast and usable without a screen."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_line_mode_and_the_core_run_without_loading_textual(tmp_path):
    script = textwrap.dedent(f"""
        import io, sys
        import convo.cli, convo.line_mode, convo.engine.conversation, convo.library
        from convo import library, line_mode
        from convo.store import Store
        conversation = library.start(Store({str(tmp_path / 'c.db')!r}), 'three-conversations', 'practitioner')
        out = io.StringIO()
        line_mode.run(conversation, io.StringIO('Ann\\n\\n\\n\\nTo sing\\n\\n/end\\n'), out, io.StringIO())
        assert 'To sing' in out.getvalue(), out.getvalue()
        import convo.tui.transcript  # the app's log lines are plain Python too
        loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))
        print('LOADED', loaded)
        sys.exit(1 if loaded else 0)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "LOADED []" in result.stdout
