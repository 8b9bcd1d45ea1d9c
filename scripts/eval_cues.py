"""Measure noticing: alerts and "worth asking about" by grouped cross-validation on the training
corpus, the shipped model on the development set (its thresholds were chosen there) and on the
frozen held-out sets, people/community suggestion precision, and time.

    python scripts/eval_cues.py                       # everything
    python scripts/eval_cues.py --no-cv               # without the cross-validation (a few minutes)
    python scripts/eval_cues.py --model other.json.gz # a model other than the shipped one
    python scripts/eval_cues.py --no-cv --no-heldout  # the development sets only, to judge a change

It ends with the banners raised on the answers typed in the test suite's call transcripts, ordinary
call answers for the most part, to read by eye.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_notice import DATA, Example, fit, load  # noqa: E402

from convo.notice import model as concern_model  # noqa: E402
from convo.notice.detector import ALERT, CONCERN, Context, concerns, hear  # noqa: E402

FOLDS = 5


def judge(examples: list[Example], model) -> list[tuple[Example, str | None, str | None]]:
    """(example, tier raised or None, category raised) for each sentence."""
    results = []
    for example in examples:
        found = concerns(example.text, example.speaker, "carer" if example.speaker == "carer" else "practitioner",
                         model=model)
        alerts = [f for f in found if f.kind == ALERT]
        asks = [f for f in found if f.kind == CONCERN]
        if alerts:
            results.append((example, "alert", alerts[0].category))
        elif asks:
            results.append((example, "ask", asks[0].category))
        else:
            results.append((example, None, None))
    return results


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "n/a"


def report(title: str, results, quote: bool = True) -> dict[str, float]:
    """Print the figures; `quote=False` for a frozen set, whose sentences are not printed."""
    gold_alert = [r for r in results if r[0].tier == "alert"]
    gold_ask = [r for r in results if r[0].tier == "ask"]
    negatives = [r for r in results if r[0].tier == "none"]
    raised_alert = [r for r in results if r[1] == "alert"]
    raised_ask = [r for r in results if r[1] == "ask"]
    print(f"\n## {title}: {len(results)} sentences"
          f" ({len(gold_alert)} alert, {len(gold_ask)} ask, {len(negatives)} none)")
    alert_recall = sum(r[1] == "alert" for r in gold_alert)
    print(f"alert recall (an alert raised):            {_ratio(alert_recall, len(gold_alert))}")
    alert_noticed = sum(r[1] is not None for r in gold_alert)
    print(f"alert disclosures noticed at all:          {_ratio(alert_noticed, len(gold_alert))}")
    alert_right = sum(r[0].tier == "alert" for r in raised_alert)
    print(f"alert precision (gold alert):              {_ratio(alert_right, len(raised_alert))}")
    alert_either = sum(r[0].tier != "none" for r in raised_alert)
    print(f"alert precision (gold alert or ask):       {_ratio(alert_either, len(raised_alert))}")
    ask_noticed = sum(r[1] is not None for r in gold_ask)
    print(f"ask recall (noticed, either tier):         {_ratio(ask_noticed, len(gold_ask))}")
    ask_either = sum(r[0].tier != "none" for r in raised_ask)
    print(f"ask precision (gold alert or ask):         {_ratio(ask_either, len(raised_ask))}")
    false_alerts = sum(r[1] == "alert" for r in negatives)
    print(f"false alerts on hard negatives:            {_ratio(false_alerts, len(negatives))}"
          f" = one in {len(negatives) / false_alerts:.0f}" if false_alerts else
          f"false alerts on hard negatives:            0/{len(negatives)}")
    any_finding = sum(r[1] is not None for r in negatives)
    print(f"any finding on hard negatives:             {_ratio(any_finding, len(negatives))}")
    right_category = sum(r[2] == r[0].category for r in results if r[0].tier != "none" and r[1] is not None)
    noticed = sum(r[0].tier != "none" and r[1] is not None for r in results)
    print(f"category right, when noticed:              {_ratio(right_category, noticed)}")
    print("per category: alert recall | noticed at all (alert+ask gold) | precision of its alerts (gold concern)")
    by = defaultdict(list)
    for r in results:
        if r[0].tier != "none":
            by[r[0].category].append(r)
    for category in sorted(by):
        rows = by[category]
        alerts = [r for r in rows if r[0].tier == "alert"]
        raised = [r for r in results if r[1] == "alert" and r[2] == category]
        print(f"  {category:16} {_ratio(sum(r[1] == 'alert' for r in alerts), len(alerts)):>18} | "
              f"{_ratio(sum(r[1] is not None for r in rows), len(rows)):>18} | "
              f"{_ratio(sum(r[0].tier != 'none' for r in raised), len(raised))}")
    everyday, hard = [], []
    for r in negatives:
        (everyday if r[0].group.startswith(("c-", "everyday")) else hard).append(r)
    if everyday:
        everyday_alerts = sum(r[1] == "alert" for r in everyday)
        print(f"false alerts on everyday answers:          {_ratio(everyday_alerts, len(everyday))}")
        if hard:
            print(f"false alerts on the other negatives:       {_ratio(sum(r[1] == 'alert' for r in hard), len(hard))}")
    kinds = Counter(r[0].category for r in negatives if r[1] == "alert")
    if kinds and quote:
        print("false alerts by what the sentence was about:", dict(Counter(
            json.dumps(r[0].text)[:70] for r in negatives if r[1] == "alert").most_common(8)))
    langs = defaultdict(list)
    for r in gold_alert:
        langs[r[0].lang].append(r)
    for lang, rows in sorted(langs.items()):
        print(f"alert recall, {lang}: {_ratio(sum(r[1] == 'alert' for r in rows), len(rows))}")
    return {"alert_recall": alert_recall / max(1, len(gold_alert)),
            "false_alert_rate": false_alerts / max(1, len(negatives))}


def cross_validate(examples: list[Example], thresholds: dict | None = None):
    from sklearn.model_selection import GroupKFold

    results = []
    groups = [e.group for e in examples]
    for train, test in GroupKFold(n_splits=FOLDS).split(examples, groups=groups):
        model = concern_model.from_dict(fit([examples[i] for i in train], thresholds=thresholds))
        results += judge([examples[i] for i in test], model)
    return results


def load_heldout(path: Path, kind: str = "heldout") -> list[Example]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # An everyday answer's group says so, for report()'s everyday line.
    return [Example(r["text"], r["speaker"], r["category"], r["tier"],
                    f"everyday:{kind}:{i}" if r.get("note") == "everyday" else f"{kind}:{i}", r.get("lang", "en"))
            for i, r in enumerate(rows)]


def _near(text: str, term: str, expected: str) -> bool:
    """A suggestion matches an expected mention when their spans overlap or touch ("cousin" in "cousin Eleri")."""
    folded = text.casefold()
    at, want = folded.find(term.casefold()), folded.find(expected.casefold())
    if at < 0 or want < 0:
        return False
    return at <= want + len(expected) + 6 and want <= at + len(term) + 6  # "Huw from next door"


def suggestions(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tally = {"people": [0, 0, 0], "community": [0, 0, 0]}  # right, wrong, expected
    wrong = []
    for row in rows:
        found = hear(row["text"], speaker="carer" if row["audience"] == "carer" else "person",
                     area=row["area"], audience=row["audience"], context=Context())
        for kind in ("people", "community"):
            expected = [w.casefold() for w in row[kind]]
            tally[kind][2] += len(expected)
            for finding in found:
                if finding.kind != kind:
                    continue
                if any(_near(row["text"], finding.term, e) for e in row[kind]):
                    tally[kind][0] += 1
                else:
                    tally[kind][1] += 1
                    wrong.append((kind, finding.term, row["text"][:80]))
    print(f"\n## Suggestions on {path.name}: {len(rows)} answers")
    for kind, (right, bad, expected) in tally.items():
        print(f"{kind} precision: {_ratio(right, right + bad)}; recall: {_ratio(min(right, expected), expected)}")
    for kind, term, text in wrong[:10]:
        print(f"  wrong {kind}: {term!r} in {text!r}")


def calls(model) -> None:
    """The banners raised by the answers typed in the test suite's call transcripts (the `say` column of
    their tables): ordinary call answers, most of them written by practitioners, and a few disclosures."""
    cells = {match.group(1).strip() for path in (REPO / "tests").rglob("*.py")
             for match in re.finditer(r"^\s*\|([^|]+)\|", path.read_text(encoding="utf-8"), re.MULTILINE)}
    said = sorted(cell for cell in cells if len(cell) >= 12 and not cell.startswith(("/", "-")) and cell != "say")
    raised = [(text, f.category) for text in said for f in concerns(text, "person", "practitioner", "circumstances",
                                                                     model=model) if f.kind == ALERT]
    print(f"\n## Answers in the test calls' transcripts: {len(said)}; banners on {len(raised)} "
          "(read them: a few are disclosures)")
    for text, category in raised:
        print(f"  {category}: {text[:90]!r}")


def timing(examples: list[Example]) -> None:
    texts = [e.text for e in examples]
    hear(texts[0], speaker="person", area="circumstances", audience="practitioner")  # load once
    times = []
    for text in texts * 3:
        start = time.perf_counter()
        hear(text, speaker="person", area="circumstances", audience="practitioner")
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"\n## Time per answer (hear(), {len(times)} answers): median {statistics.median(times):.2f} ms, "
          f"p99 {times[int(len(times) * 0.99)]:.2f} ms, max {times[-1]:.2f} ms")
    start = time.perf_counter()
    concern_model.forget()
    concern_model.load()
    print(f"loading the model (once, at the first answer): {(time.perf_counter() - start) * 1000:.0f} ms")
    concern_model.forget()
    tracemalloc.start()
    concern_model.load()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory the loaded model keeps: {kept / 2**20:.0f} MiB (at most {peak / 2**20:.0f} MiB while loading)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-cv", action="store_true", help="skip cross-validation")
    parser.add_argument("--model", help="a model file other than the shipped one")
    parser.add_argument("--time-only", action="store_true",
                        help="only the time to hear an answer and to load the model, hearing the training "
                             "sentences (no development or held-out set is read)")
    parser.add_argument("--no-heldout", action="store_true",
                        help="read no frozen held-out set (to judge a change on the development sets alone)")
    args = parser.parse_args(argv)
    if args.model:  # every call of the detector's reads this model instead of the shipped one
        concern_model.MODEL_PATH = Path(args.model)
    model = concern_model.load()
    examples = load()
    if args.time_only:
        timing(examples)
        return 0
    print(f"training corpus: {len(examples)} sentences, {len({e.group for e in examples})} groups; "
          f"{Counter(e.tier for e in examples)}; thresholds {model.thresholds} {model.per_category}")
    if not args.no_cv:
        report(f"grouped {FOLDS}-fold cross-validation on the training corpus, the shipped thresholds",
               cross_validate(examples, {**model.thresholds, **model.per_category}))
    for name, title in (("dev.jsonl", "development set (the thresholds were chosen on it)"),
                        ("dev2.jsonl", "second development set (the thresholds were chosen on it too)"),
                        ("dev_everyday.jsonl", "everyday development set (the banner's threshold chosen on it too)"),
                        ("dev3.jsonl", "third development set (the first frozen set until 2 December: DEV3.md)"),
                        ("dev3_everyday.jsonl", "everyday answers of the third (thresholds chosen on them too)"),
                        ("dev4.jsonl", "fourth development set (the second frozen set until 2 December: DEV4.md)"),
                        ("dev5.jsonl", "fifth development set (DEV5.md)"),
                        ("heldout3.jsonl", "first frozen held-out set (HELDOUT3.md)"),
                        ("heldout4.jsonl", "second frozen held-out set (HELDOUT4.md)"),
                        ("heldout5.jsonl", "third frozen held-out set, written on 3 December (HELDOUT5.md)"),
                        ("heldout6.jsonl", "fourth frozen held-out set, written on 5 December (HELDOUT6.md)"),
                        ("heldout7.jsonl", "fifth frozen held-out set, written on 5 December (HELDOUT7.md)"),
                        ("heldout8.jsonl", "sixth frozen held-out set, written on 5 December (HELDOUT8.md)"),
                        ("heldout9.jsonl", "seventh frozen held-out set, written on 5 December (HELDOUT9.md)")):
        if (DATA / name).exists() and not (args.no_heldout and "heldout" in name):
            report(title, judge(load_heldout(DATA / name, name.split(".")[0]), model), quote="heldout" not in name)
    for name in ("suggestions_train.jsonl", "suggestions_dev.jsonl", "suggestions_heldout.jsonl"):
        if (DATA / name).exists() and not (args.no_heldout and "heldout" in name):
            suggestions(DATA / name)
    calls(model)
    timing(examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
