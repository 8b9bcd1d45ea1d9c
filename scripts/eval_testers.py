"""Measure noticing on the testers' sentences (data/notice/testers/, README.md there): for each file, how
many of its disclosures raise the banner (by who speaks, and by category) and how many of its everyday
answers do, each heard as `scripts/eval_checks.py` hears a sentence (no question's area), with the shipped patterns
or, with --against, another patterns file beside them:

    python scripts/eval_testers.py
    git show 2b7f038:flows/notice/patterns.yaml > /tmp/before.yaml
    python scripts/eval_testers.py --against /tmp/before.yaml

Add --quote to print the disclosures that raise no banner and the everyday answers that do (only for
files already read: the README says which have been).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "scripts"))

from eval_checks import heard  # noqa: E402

from convo.notice.patterns import Patterns, load_patterns, patterns  # noqa: E402

TESTERS = REPO / "data" / "notice" / "testers"


def measure(rows: list[dict], rules: Patterns) -> tuple[Counter, list[tuple[dict, tuple[str, ...]]]]:
    counts: Counter = Counter()
    wrong = []
    for row in rows:
        raised = heard(row, rules)[1]  # the categories of its banners, heard as the check sets are
        if row["tier"] == "alert":
            counts["disclosures"] += 1
            counts["heard"] += bool(raised)
            counts[f"of:{row['speaker']}"] += 1
            counts[f"heard:{row['speaker']}"] += bool(raised)
            if row["category"]:
                counts[f"of:{row['category']}"] += 1
                counts[f"heard:{row['category']}"] += bool(raised)
        else:
            counts["everyday"] += 1
            counts["false"] += bool(raised)
        if bool(raised) != (row["tier"] == "alert"):
            wrong.append((row, raised))
    return counts, wrong


def line(counts: Counter) -> str:
    who = ", ".join(f"{plural} {counts['heard:' + name]}/{counts['of:' + name]}"
                    for name, plural in (("person", "people"), ("carer", "carers")) if counts["of:" + name])
    return (f"disclosures with a banner {counts['heard']}/{counts['disclosures']} ({who}); "
            f"everyday answers with one {counts['false']}/{counts['everyday']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", help="another patterns file, measured beside the shipped one")
    parser.add_argument("--quote", action="store_true", help="print the sentences heard wrongly")
    args = parser.parse_args(argv)
    shipped = patterns()
    other = load_patterns(args.against) if args.against else None
    for path in sorted(TESTERS.glob("*.jsonl")):
        rows = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines() if text.strip()]
        counts, wrong = measure(rows, shipped)
        print(f"{path.name}: {line(counts)}")
        kinds = sorted(key[3:] for key in counts if key.startswith("of:") and key[3:] not in ("person", "carer"))
        if kinds:
            print("  " + " ".join(f"{kind} {counts['heard:' + kind]}/{counts['of:' + kind]}" for kind in kinds))
        if other is not None:
            print(f"  against {args.against}: {line(measure(rows, other)[0])}")
        if args.quote:
            for row, raised in wrong:
                print(f"  {'missed' if row['tier'] == 'alert' else 'banner ' + ','.join(raised)}: {row['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
