"""Measure the utterance coder on unseen transcripts (grouped cross-validation) and time the shipped model.

Prints figures only; it passes or fails nothing.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_coder import DEFAULT_DATA, fit, load_examples

from convo.practice.coder import BEHAVIOURS, CODES, Coder, behaviour, code, question_form

FOLDS = 5


def _subtype_scores(gold, scored, pair):
    """Macro-F1 over gold rows of one behaviour: given it, and end to end."""
    from sklearn.metrics import f1_score

    rows = [(g, s) for g, s in zip(gold, scored, strict=True) if g in pair]
    truth = [g for g, _ in rows]
    given = [max(pair, key=s.__getitem__) for _, s in rows]
    end_to_end = [max(CODES, key=s.__getitem__) for _, s in rows]
    return (
        len(rows),
        f1_score(truth, given, labels=list(pair), average="macro"),
        f1_score(truth, end_to_end, labels=list(pair), average="macro", zero_division=0),
    )


def _confusion(gold, predicted, labels):
    width = max(len(label) for label in labels)
    lines = [" " * (width + 2) + " ".join(f"{label[:8]:>8}" for label in labels)]
    for row in labels:
        counts = [sum(1 for g, p in zip(gold, predicted, strict=True) if g == row and p == col) for col in labels]
        lines.append(f"{row:>{width}}  " + " ".join(f"{n:>8}" for n in counts))
    return "\n".join(lines)


def cross_validate(examples, c=None):
    """Out-of-fold scores with each fold's calibrated complex-reflection threshold, and at an even split."""
    from sklearn.model_selection import GroupKFold

    groups = [e.transcript for e in examples]
    scored: list = [None] * len(examples)
    even: list = [None] * len(examples)
    thresholds = []
    for fold, (train, test) in enumerate(GroupKFold(n_splits=FOLDS).split(examples, groups=groups), 1):
        coder = Coder(fit([examples[i] for i in train], c=c))
        thresholds.append(coder.complex_threshold)
        for i in test:
            scored[i] = coder.scores(examples[i].text, examples[i].previous)
        coder.complex_threshold = 0.5
        for i in test:
            even[i] = coder.scores(examples[i].text, examples[i].previous)
        print(f"fold {fold}/{FOLDS}: trained on {len(train)}, tested on {len(test)}, "
              f"complex threshold {thresholds[-1]}", file=sys.stderr)
    return scored, even, thresholds


def _band(numerator: int, denominator: int, measure) -> str:
    if denominator < measure.minimum:
        return "not_enough"
    value = numerator / denominator
    return "good" if value >= measure.good else "fair" if value >= measure.fair else "below_fair"


def _transcript_figures(codes: list[str], measures) -> dict[str, str]:
    counted = {code: codes.count(code) for code in CODES}
    questions = counted["open_question"] + counted["closed_question"]
    reflections = counted["simple_reflection"] + counted["complex_reflection"]
    return {
        "R:Q": _band(reflections, questions, measures.reflection_to_question),
        "%CR": _band(counted["complex_reflection"], reflections, measures.complex_reflections),
        "%OQ": _band(counted["open_question"], questions, measures.open_questions),
    }


def report_bands(examples, predicted: list[str], title: str) -> None:
    """How often each transcript's band (from its coded turns) matches the band from the annotators' codes."""
    from convo.practice.coaching import shipped_coaching

    measures = shipped_coaching().measures
    by_transcript: dict[str, tuple[list[str], list[str]]] = {}
    for example, code_given in zip(examples, predicted, strict=True):
        gold, coded = by_transcript.setdefault(example.transcript, ([], []))
        gold.append(example.code)
        coded.append(code_given)
    gold_reflections = sum(e.code in ("simple_reflection", "complex_reflection") for e in examples)
    gold_complex = sum(e.code == "complex_reflection" for e in examples)
    coded_reflections = sum(p in ("simple_reflection", "complex_reflection") for p in predicted)
    coded_complex = sum(p == "complex_reflection" for p in predicted)
    print(f"{title}: complex reflections {coded_complex / coded_reflections:.0%} of coded reflections, "
          f"{gold_complex / gold_reflections:.0%} of the annotators' reflections")
    for name in ("R:Q", "%CR", "%OQ"):
        pairs = [(_transcript_figures(g, measures)[name], _transcript_figures(c, measures)[name])
                 for g, c in by_transcript.values()]
        banded = [(g, c) for g, c in pairs if g != "not_enough"]
        agree = sum(g == c for g, c in banded)
        print(f"  {name} band agrees with the annotators' in {agree} of {len(banded)} transcripts "
              f"({agree / max(1, len(banded)):.0%}); {len(pairs) - len(banded)} have too few turns to band")


def report_question_form(examples) -> None:
    """How often the annotators' open/closed agrees with the form of the turn's last question, where
    the form decides: a wh-word or "tell me" is open, an auxiliary then a subject is yes-or-no.
    Uses no model, so it bounds what a rule layer on the form could gain against these labels."""
    rows = [(question_form(e.text), e.code) for e in examples if e.code in ("open_question", "closed_question")]
    print(f"question form against the annotators' label, on {len(rows)} gold questions:")
    for form in ("open_question", "closed_question", None):
        labels = [gold for found, gold in rows if found == form]
        if not labels:
            continue
        agree = sum(gold == form for gold in labels) if form else 0
        name = {"open_question": "open form (wh-word, tell me)", "closed_question": "yes-or-no form",
                None: "form does not decide"}[form]
        detail = (f"annotators agree in {agree} ({agree / len(labels):.0%})" if form
                  else f"{labels.count('open_question')} open, {labels.count('closed_question')} closed")
        print(f"  {name}: {len(labels)} questions; {detail}")


def report(examples, scored) -> None:
    from sklearn.metrics import f1_score

    gold = [e.code for e in examples]
    predicted = [max(CODES, key=s.__getitem__) for s in scored]
    gold_beh = [behaviour(g) for g in gold]
    pred_beh = [behaviour(p) for p in predicted]
    transcripts = len({e.transcript for e in examples})
    print(f"AnnoMI therapist turns: {len(examples)} from {transcripts} transcripts, GroupKFold({FOLDS}) by transcript")
    print(f"four-way behaviour macro-F1: {f1_score(gold_beh, pred_beh, average='macro'):.3f}")
    for name, f in zip(BEHAVIOURS, f1_score(gold_beh, pred_beh, labels=list(BEHAVIOURS), average=None), strict=True):
        print(f"  {name:<20} F1 {f:.3f}")
    for title, pair in (
        ("open vs closed", ("open_question", "closed_question")),
        ("simple vs complex", ("simple_reflection", "complex_reflection")),
        ("information vs advice", ("information", "advice")),
    ):
        n, given, end_to_end = _subtype_scores(gold, scored, pair)
        print(f"{title} macro-F1 on {n} gold rows: {given:.3f} given the behaviour, {end_to_end:.3f} end to end")
    print(f"seven-way macro-F1: {f1_score(gold, predicted, average='macro'):.3f}")
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    print(f"seven-way accuracy: {accuracy:.3f}")
    print("confusion (rows gold, columns predicted):")
    print(_confusion(gold, predicted, CODES))


def time_shipped(path: Path) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pairs = []
    for i, row in enumerate(rows):
        before = rows[i - 1] if i and rows[i - 1]["transcript_id"] == row["transcript_id"] else None
        pairs.append((row["utterance_text"], before["utterance_text"] if before else None))
    code("warm up the cached model")
    wall, cpu = [], []
    for text, previous in pairs:
        start, start_cpu = time.perf_counter_ns(), time.process_time_ns()
        code(text, previous)
        cpu.append((time.process_time_ns() - start_cpu) / 1000)
        wall.append((time.perf_counter_ns() - start) / 1000)
    # CPU time is what the coder costs; the wall clock also counts waiting for other work on the machine.
    for clock, spent in (("wall clock", wall), ("CPU time", cpu)):
        spent.sort()
        p99 = spent[min(len(spent) - 1, round(0.99 * len(spent)))]
        print(f"shipped coder time per utterance over {len(spent)} utterances, {clock}:"
              f" median {statistics.median(spent):.0f} µs, p99 {p99:.0f} µs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="AnnoMI train.csv")
    parser.add_argument("--c", type=float, default=None, help="fix C instead of choosing it by inner CV (quicker)")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--form-only", action="store_true", help="only compare question form with the labels")
    args = parser.parse_args(argv)
    examples = load_examples(args.data)
    report_question_form(examples)
    if args.form_only:
        return 0
    scored, even, thresholds = cross_validate(examples, c=args.c)
    report(examples, scored)
    print(f"complex-reflection threshold chosen in each fold: {', '.join(map(str, thresholds))}")
    report_bands(examples, [max(CODES, key=s.__getitem__) for s in scored], "calibrated threshold")
    report_bands(examples, [max(CODES, key=s.__getitem__) for s in even], "even split (0.5)")
    pair = ("simple_reflection", "complex_reflection")
    _, given, end_to_end = _subtype_scores([e.code for e in examples], even, pair)
    print(f"simple vs complex at an even split: {given:.3f} given the behaviour, {end_to_end:.3f} end to end")
    if not args.no_timing:
        time_shipped(args.data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
