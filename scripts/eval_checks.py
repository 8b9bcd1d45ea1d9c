"""Measure the phrase patterns on the check sets: sentences of one kind each, disclosures beside
ordinary talk in the same words (data/notice/CHECKS.md). Prints how many of each raise the banner,
with the patterns given (the shipped file by default) and, with --against, with another patterns
file, e.g. one taken from an earlier commit:

    python scripts/eval_checks.py
    git show d7bb28f:flows/notice/patterns.yaml > /tmp/before.yaml
    python scripts/eval_checks.py --against /tmp/before.yaml
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from convo.notice.detector import ALERT, concerns  # noqa: E402
from convo.notice.patterns import Patterns, load_patterns, patterns  # noqa: E402

DATA = REPO / "data" / "notice"
SETS = ("check_idioms", "check_control", "check_plans", "check_figures", "check_figures2")


def banners(rows: list[dict[str, str]], rules: Patterns) -> dict[str, tuple[int, int]]:
    """For each label, (answers raising a banner, answers)."""
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        audience = "carer" if row["speaker"] == "carer" else "practitioner"
        raised = any(f.kind == ALERT for f in concerns(row["text"], row["speaker"], audience, rules=rules))
        hits, total = counts.get(row["label"], (0, 0))
        counts[row["label"]] = (hits + raised, total + 1)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patterns", type=Path, help="a patterns file (default: the shipped one)")
    parser.add_argument("--against", type=Path, help="another patterns file to compare with")
    args = parser.parse_args()
    rules = load_patterns(args.patterns) if args.patterns else patterns()
    other = load_patterns(args.against) if args.against else None
    for name in SETS:
        rows = [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
        now = banners(rows, rules)
        before = banners(rows, other) if other else {}
        for label in ("disclosure", "ordinary"):
            hits, total = now[label]
            compared = f" (against {before[label][0]})" if before else ""
            print(f"{name:14} {label:10} banner on {hits:3} of {total}{compared}")


if __name__ == "__main__":
    main()
