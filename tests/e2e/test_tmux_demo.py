"""The tmux demo drives the real `convo` command: start, answer, quit, resume — as a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "tmux_demo.sh"
CONVO = Path(sys.executable).parent / "convo"


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")  # there, a missing tmux is a failure


@pytest.mark.skipif(shutil.which("tmux") is None and not IN_CI, reason="tmux is not installed (CI installs it)")
@pytest.mark.skipif(not CONVO.exists(), reason=f"the convo command is not installed beside {sys.executable}")
def test_the_tmux_demo_saves_quits_and_resumes_a_call():
    env = {**os.environ, "CONVO": str(CONVO)}
    env.pop("TMUX", None)
    result = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    resumed = result.stdout.split("3. Resumed", 1)[1]
    assert "Ann, 82, called about getting out" in resumed
    assert "She loves her garden" in resumed
    assert "Anything else that's going well?" in resumed
