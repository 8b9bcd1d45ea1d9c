"""Measure the phrase patterns on the check sets: sentences of one kind each, disclosures beside
ordinary talk in the same words (data/notice/CHECKS.md). Prints how many of each raise the banner,
with the patterns given (the shipped file by default) and, with --against, with another patterns
file, e.g. one taken from an earlier commit:

    python scripts/eval_checks.py
    git show d7bb28f:flows/notice/patterns.yaml > /tmp/before.yaml
    python scripts/eval_checks.py --against /tmp/before.yaml

With --corpus (and --against), it also reads every training and development sentence with both files
and prints each whose banners or finding differ, then a count by the sentence's label and the change
(about two minutes): what a change to the patterns does to sentences it was not written for.

`check_carers.jsonl` is read as the carers' flow hears each answer, at its question (`question`: the
area it asks about, whether it offers choices or asks for a plan), and counted by tier: how many of its
disclosures raise the banner, and how many of its ordinary answers do.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from convo import library, vocabulary  # noqa: E402
from convo.notice.detector import ALERT, CONCERN, concerns, hear  # noqa: E402
from convo.notice.patterns import Patterns, load_patterns, patterns  # noqa: E402

DATA = REPO / "data" / "notice"
SETS = ("check_idioms", "check_control", "check_plans", "check_figures", "check_figures2")


def heard(row: dict[str, str], rules: Patterns) -> tuple[str, tuple[str, ...]]:
    """("alert" | "ask" | "none", the categories of its banners) for one labelled answer."""
    audience = "carer" if row["speaker"] == "carer" else "practitioner"
    found = concerns(row["text"], row["speaker"], audience, rules=rules)
    tier = "alert" if any(f.kind == ALERT for f in found) else "ask" if found else "none"
    return tier, tuple(sorted(str(f.category) for f in found if f.kind == ALERT))


def corpus(rules: Patterns, other: Patterns) -> None:
    """Each training and development sentence the two pattern files hear differently, and a count."""
    changed: Counter[tuple[str, str, str]] = Counter()
    for path in [*sorted(DATA.glob("train_*.jsonl")), *sorted(DATA.glob("dev*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            before, now = heard(row, other), heard(row, rules)
            if before != now:
                changed[row.get("tier", "none"), before[0], now[0]] += 1
                print(f"{path.name} {row.get('tier', 'none')} {before} -> {now} | {row['text'][:160]}")
    print("by (the sentence's tier, before, now):", dict(changed) or "nothing changed")


def banners(rows: list[dict[str, str]], rules: Patterns) -> dict[str, tuple[int, int]]:
    """For each label, (answers raising a banner, answers)."""
    counts: dict[str, tuple[int, int]] = {}
    for row in rows:
        raised = heard(row, rules)[0] == "alert"
        hits, total = counts.get(row["label"], (0, 0))
        counts[row["label"]] = (hits + raised, total + 1)
    return counts


def carers(rules: Patterns) -> dict[str, tuple[int, int, int]]:
    """check_carers.jsonl heard at each answer's own question: for each tier, (banners, worth asking
    about, answers)."""
    flow, _ = library.get("carer")
    counts: dict[str, tuple[int, int, int]] = {}
    for line in (DATA / "check_carers.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        step = flow.steps[row["question"]]
        found = hear(row["text"], speaker="carer", area=str(step.area), audience="carer", choices=bool(step.choices),
                     plan=step.captures in vocabulary.PLANS, rules=rules)
        alert = any(f.kind == ALERT for f in found)
        ask = not alert and any(f.kind == CONCERN for f in found)
        banners_, asks, total = counts.get(row["tier"], (0, 0, 0))
        counts[row["tier"]] = (banners_ + alert, asks + ask, total + 1)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patterns", type=Path, help="a patterns file (default: the shipped one)")
    parser.add_argument("--against", type=Path, help="another patterns file to compare with")
    parser.add_argument("--corpus", action="store_true",
                        help="with --against: also each training and development sentence heard differently")
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
    now_carers, before_carers = carers(rules), (carers(other) if other else {})
    for tier, label in (("alert", "disclosure"), ("ask", "possible"), ("none", "ordinary")):
        hits, asks, total = now_carers[tier]
        compared = f" (against {before_carers[tier][0]})" if before_carers else ""
        print(f"check_carers   {label:10} banner on {hits:3} of {total}{compared}; worth asking about on {asks}")
    if args.corpus and other is not None:
        corpus(rules, other)


if __name__ == "__main__":
    main()
