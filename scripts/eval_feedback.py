"""Score practice feedback against people: replay the hand-coded practice transcripts in data/practice/
and report how often each feedback figure agrees with the hand coding, and how long a reply takes.

Figures: the three MITI measures (R:Q, %CR, %OQ) as bands and values, the facts uncovered, and how
the disclosure was handled. The hand coding follows data/practice/README.md. Prints figures only;
it passes or fails nothing.

    python scripts/eval_feedback.py                 # the report
    python scripts/eval_feedback.py --fill-replies  # write the person's replies into transcripts that lack them
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from convo.practice.coaching import shipped_coaching  # noqa: E402
from convo.practice.feedback import Feedback, count_behaviours, measures  # noqa: E402
from convo.practice.scenario import get_scenario  # noqa: E402
from convo.practice.session import PracticeSession  # noqa: E402

DATA = REPO / "data" / "practice"
MEASURES = (("reflection_to_question", "R:Q"), ("complex_reflections", "%CR"), ("open_questions", "%OQ"))


def transcripts(folder: Path = DATA) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return _yaml().load(handle)


def replay(item: dict) -> tuple[PracticeSession, list[tuple[float, float]]]:
    """The transcript's trainee turns said to a fresh simulated person; the time each reply took, in ms,
    on the wall clock and in this process's CPU time (which other work on the machine does not inflate)."""
    session = PracticeSession.start(get_scenario(item["scenario"]))
    spent = []
    for turn in item["turns"]:
        wall, cpu = time.perf_counter(), time.process_time()
        session.person.take(session.person.answer(turn["you"]))
        spent.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    return session, spent


def fill_replies(paths: list[Path]) -> None:
    for path in paths:
        item = load(path)
        if all("reply" in turn for turn in item["turns"]):
            continue
        session, _ = replay(item)
        for turn, said in zip(item["turns"], session.turns, strict=True):
            turn["reply"] = said.reply
        with open(path, "w", encoding="utf-8") as handle:
            _yaml().dump(item, handle)
        print(f"wrote replies into {path.name}")


def _verdict(feedback: Feedback) -> str:
    return feedback.disclosures[0].verdict if feedback.disclosures else "none"


def _value(result) -> str:
    return "—" if result.value is None else result.shown


def report(paths: list[Path]) -> None:
    coaching = shipped_coaching()
    rows = []
    agree: Counter[str] = Counter()
    differences: dict[str, list[float]] = {short: [] for _, short in MEASURES}
    parts_same = parts_total = codes_same = 0
    diverged = []
    timings: list[tuple[float, float]] = []
    first_replies: list[float] = []
    for path in paths:
        item = load(path)
        session, spent = replay(item)
        timings += spent[1:]
        first_replies.append(spent[0][0])
        feedback = session.feedback()
        hand_codes = [list(turn["codes"]) for turn in item["turns"]]
        _, hand = measures(count_behaviours(hand_codes), coaching)
        row = {"transcript": path.stem}
        for (name, short), hand_result in zip(MEASURES, hand, strict=True):
            auto = feedback.measure(name)
            row[short] = f"{auto.level}/{hand_result.level}"
            agree[short] += auto.level == hand_result.level
            if auto.value is not None and hand_result.value is not None:
                differences[short].append(abs(auto.value - hand_result.value))
        uncovered = {note.id for area in feedback.areas for note in area.uncovered}
        hand_facts = set(item.get("facts_uncovered") or [])
        agree["facts (same set)"] += uncovered == hand_facts
        agree["facts (same count)"] += len(uncovered) == len(hand_facts)
        row["facts"] = f"{len(uncovered)}/{len(hand_facts)}"
        verdict, hand_verdict = _verdict(feedback), item.get("disclosure", "none")
        agree["disclosure handled"] += verdict == hand_verdict
        row["disclosure"] = f"{verdict}/{hand_verdict}"
        for turn, said in zip(item["turns"], session.turns, strict=True):
            auto_codes = said.codes
            parts_total += 1
            if len(auto_codes) == len(turn["codes"]):
                parts_same += 1
                codes_same += auto_codes == list(turn["codes"])
            if "reply" in turn and turn["reply"] != said.reply:
                diverged.append(f"{path.stem} turn {said.n}")
        rows.append(row)

    n = len(rows)
    print(f"{n} hand-coded practice transcripts in {DATA.relative_to(REPO)}, "
          f"{parts_total} trainee turns; each cell is automatic/hand")
    columns = ["transcript", "R:Q", "%CR", "%OQ", "facts", "disclosure"]
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(row[c].ljust(widths[c]) for c in columns))
    print()
    print("agreement with the hand coding, by transcript:")
    for _, short in MEASURES:
        mean = statistics.mean(differences[short]) if differences[short] else float("nan")
        print(f"  {short} band: {agree[short]} of {n} ({agree[short] / n:.0%}); "
              f"mean difference in value {mean:.2f} over {len(differences[short])} with both values")
    bands = sum(agree[short] for _, short in MEASURES)
    print(f"  all three bands: {bands} of {3 * n} ({bands / (3 * n):.0%})")
    for name in ("facts (same set)", "facts (same count)", "disclosure handled"):
        print(f"  {name}: {agree[name]} of {n} ({agree[name] / n:.0%})")
    print(f"turns split into the same number of behaviours: {parts_same} of {parts_total} "
          f"({parts_same / parts_total:.0%}); of those, every code the same: {codes_same} "
          f"({codes_same / max(1, parts_same):.0%})")
    if diverged:
        print(f"replies that differ from the coded transcript ({len(diverged)}): {', '.join(diverged[:10])}")
    for index, clock in ((0, "wall clock"), (1, "CPU time")):
        spent = sorted(t[index] for t in timings)
        p95 = spent[min(len(spent) - 1, round(0.95 * len(spent)))]
        print(f"reply time after the first, {clock}, over {len(spent)} replies: median "
              f"{statistics.median(spent):.2f} ms, p95 {p95:.2f} ms, max {spent[-1]:.2f} ms")
    print(f"first reply of each practice (it loads the coder and word lists in the first practice): "
          f"{max(first_replies):.0f} ms at most, {statistics.median(first_replies):.0f} ms median")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fill-replies", action="store_true", help="write the person's replies into transcripts")
    args = parser.parse_args(argv)
    paths = transcripts()
    if args.fill_replies:
        fill_replies(paths)
        return 0
    report(paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
