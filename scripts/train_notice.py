"""Train the concern model from the labelled corpus in data/notice/ and write convo/notice/concern_model.json.gz.

Needs the `train` extra (scikit-learn); the shipped detector needs only the standard library.
The frozen test sets (data/notice/*heldout*) are never read here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from convo.notice.model import MODEL_PATH, features  # noqa: E402
from convo.notice.patterns import patterns  # noqa: E402
from convo.notice.text import normalise  # noqa: E402

DATA = REPO / "data" / "notice"
SEED = 0
C = 3.0
MIN_DOCUMENTS = 2
PRUNE_BELOW = 0.005
# Chosen on grouped cross-validation so that at most about one everyday answer in 30 raises a banner;
# a risk to life may raise one on less (it added 11 points of recall there for 0.3 points of false alarms).
THRESHOLDS: dict = {"alert": 0.7, "alert_concern": 0.975, "ask": 0.5,
                    "risk_to_life": {"alert": 0.5, "alert_concern": 0.8}}


@dataclass(frozen=True)
class Example:
    text: str
    speaker: str
    category: str
    tier: str
    group: str
    lang: str


def load(paths: list[Path] | None = None) -> list[Example]:
    """Every training sentence (train_*.jsonl); the held-out files are not training data."""
    examples = []
    for path in paths or sorted(DATA.glob("train_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            examples.append(Example(row["text"], row["speaker"], row["category"], row["tier"],
                                    row.get("group") or f"{path.stem}:{number}", row.get("lang", "en")))
    return examples


def featurise(example: Example) -> dict[str, float]:
    rules = patterns()
    return features(rules.without_figures(normalise(example.text)), example.speaker, rules)


def _head(matrix, labels: list[str], names, c: float) -> dict:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=SEED)
    model.fit(matrix, labels)
    classes = [str(label) for label in model.classes_]
    coef = model.coef_
    weights = {}
    for index, name in enumerate(names):
        if name == "bias":
            continue
        row = [round(float(w), 4) for w in coef[:, index]]
        if max(abs(w) for w in row) >= PRUNE_BELOW:
            weights[str(name)] = row
    return {"classes": classes, "bias": [round(float(b), 4) for b in model.intercept_], "weights": weights}


def fit(examples: list[Example], c: float = C, thresholds: dict[str, float] | None = None) -> dict:
    """A model dict for `convo.notice.model.from_dict`."""
    from sklearn.feature_extraction import DictVectorizer

    found = [featurise(e) for e in examples]
    documents = Counter(name for f in found for name in f)
    kept = [{k: v for k, v in f.items() if documents[k] >= MIN_DOCUMENTS} for f in found]
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(kept)
    names = vectoriser.get_feature_names_out()
    concern = ["yes" if e.tier != "none" else "no" for e in examples]
    alert = ["yes" if e.tier == "alert" else "no" for e in examples]
    positives = [i for i, e in enumerate(examples) if e.tier != "none"]
    heads = {
        "concern": _head(matrix, concern, names, c),
        "alert": _head(matrix, alert, names, c),
        "category": _head(matrix[positives], [examples[i].category for i in positives], names, c),
    }
    return {"format": 1, "heads": heads, "thresholds": thresholds or THRESHOLDS,
            "trained_on": len(examples)}


def write_model(model: dict, path: Path) -> None:
    data = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--alert", type=float, default=THRESHOLDS["alert"], help="alert threshold")
    parser.add_argument("--ask", type=float, default=THRESHOLDS["ask"], help="worth-asking-about threshold")
    args = parser.parse_args(argv)
    examples = load()
    model = fit(examples, thresholds={**THRESHOLDS, "alert": args.alert, "ask": args.ask})
    write_model(model, args.output)
    sizes = {name: len(head["weights"]) for name, head in model["heads"].items()}
    print(f"trained on {len(examples)} sentences; features kept per head: {sizes}; wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
