"""A small run of the crash test: convo is killed at random moments and loses nothing it acknowledged."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "crash_test.py"


def test_killing_convo_at_random_moments_loses_no_acknowledged_answer():
    result = subprocess.run([sys.executable, str(SCRIPT), "--runs", "10", "--seed", "7", "--tui-runs", "2"],
                            capture_output=True, text=True, timeout=600)
    figures = dict(re.findall(r"^(runs|kills|answers acknowledged|answers recovered|answers lost): (\d+)$",
                              result.stdout, re.MULTILINE))
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    # Most runs are killed; a few end before their kill comes, which depends on timing, not on the seed.
    assert int(figures["runs"]) >= 12 and int(figures["kills"]) >= 6, report
    assert int(figures["answers acknowledged"]) > 0, report
    assert figures["answers lost"] == "0", report
    assert figures["answers recovered"] == figures["answers acknowledged"], report
