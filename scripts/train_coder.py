"""Train the practice-mode utterance coder from AnnoMI and write convo/practice/coder_model.json.gz.

Needs the `train` extra (scikit-learn); the shipped coder itself needs only the standard library.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from convo.practice.coder import (  # noqa: E402
    CODES,
    MODEL_PATH,
    REFLECTION_ONLY,
    SUBTYPE_HEADS,
    Coder,
    features,
    shift_complex,
)

DEFAULT_DATA = REPO.parent / "shared" / "data" / "annomi" / "train.csv"
SEED = 0
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
MIN_DOCUMENTS = 2
# Laplace smoothing of the feature counts behind the NB log-count ratios.
NB_ALPHA = 1.0
# Weights below this change no decision worth keeping and would only bloat the shipped file.
PRUNE_BELOW = 0.01

_BEHAVIOUR = {
    "question": "question",
    "reflection": "reflection",
    "therapist_input": "information_advice",
    "other": "other",
}
# AnnoMI's negotiation (goal setting) and options (menus of change) both put the therapist's
# own direction forward, which MITI counts with advice (Persuade / Persuade with Permission).
_INPUT_SUBTYPE = {
    "information": "information",
    "advice": "advice",
    "negotiation": "advice",
    "options": "advice",
}
_SUBTYPE_FIELDS = {
    "question": ("question_subtype", {"open": "open_question", "closed": "closed_question"}),
    "reflection": (
        "reflection_subtype",
        {"simple": "simple_reflection", "complex": "complex_reflection"},
    ),
    "information_advice": ("therapist_input_subtype", _INPUT_SUBTYPE),
}


@dataclass(frozen=True)
class Example:
    transcript: str
    text: str
    previous: str | None
    behaviour: str
    # Every subtype the annotators gave, primary or not, keyed by behaviour.
    subtypes: tuple[tuple[str, str], ...]

    @property
    def code(self) -> str:
        if self.behaviour == "other":
            return "other"
        return dict(self.subtypes)[self.behaviour]


def load_examples(path: Path) -> list[Example]:
    """Therapist turns with a usable primary code, each with the client turn just before it."""
    examples = []
    previous_row = None
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            prior = previous_row if previous_row and previous_row["transcript_id"] == row["transcript_id"] else None
            previous_row = row
            if row["interlocutor"] != "therapist":
                continue
            behaviour = _BEHAVIOUR[row["main_therapist_behaviour"]]
            subtypes = []
            for beh, (field, mapping) in _SUBTYPE_FIELDS.items():
                if row[field] in mapping:
                    subtypes.append((beh, mapping[row[field]]))
            if behaviour != "other" and behaviour not in dict(subtypes):
                continue  # one reflection carries no subtype; it cannot be given a code
            previous = prior["utterance_text"] if prior and prior["interlocutor"] == "client" else None
            examples.append(
                Example(row["transcript_id"], row["utterance_text"], previous, behaviour, tuple(subtypes))
            )
    return examples


def _head_data(examples, head):
    """Rows and labels a head learns from.

    Subtype heads use secondary annotations too; the joint head learns the seven codes.
    """
    if head == "behaviour":
        return [(e, e.behaviour) for e in examples]
    if head == "joint":
        return [(e, e.code) for e in examples]
    return [(e, dict(e.subtypes)[head]) for e in examples if head in dict(e.subtypes)]


class _Head:
    """A linear head over NB-scaled features (Wang & Manning 2012, "NBSVM"), with logistic loss.

    Each feature is multiplied by its log-count ratio, the log of how much likelier a class's turns
    are to contain it than the other turns'. A binary head has one ratio per feature; a head with
    more classes trains one balanced one-vs-rest model per class, each over its own ratios, and
    scores the classes by a softmax over those models. The ratio folds into the weight, so the
    shipped head is still a plain linear model: `weights[k]` and `bias[k]` for class k.
    """

    def __init__(self, c: float):
        self.c = c

    def fit(self, matrix, labels):
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        labels = np.asarray(labels)
        self.classes = sorted(set(labels.tolist()))
        present = (matrix != 0).astype(np.float64)
        columns = [self.classes[1]] if len(self.classes) == 2 else self.classes
        weights, bias = [], []
        for label in columns:
            positive = labels == label
            ratio = np.log(
                _normalised(np.asarray(present[positive].sum(0)).ravel() + NB_ALPHA)
                / _normalised(np.asarray(present[~positive].sum(0)).ravel() + NB_ALPHA)
            )
            model = LogisticRegression(C=self.c, class_weight="balanced", max_iter=5000, random_state=SEED)
            model.fit(matrix.multiply(ratio).tocsr(), positive.astype(int))
            weights.append(model.coef_[0] * ratio)
            bias.append(float(model.intercept_[0]))
        if len(self.classes) == 2:
            # A binary logistic regression is a softmax whose first class scores zero.
            weights.insert(0, np.zeros(matrix.shape[1]))
            bias.insert(0, 0.0)
        self.weights, self.bias = np.array(weights), np.array(bias)
        return self

    def predict(self, matrix):
        totals = matrix @ self.weights.T + self.bias
        return [self.classes[k] for k in totals.argmax(1)]


def _normalised(counts):
    return counts / counts.sum()


def _choose_c(rows, matrix_of) -> float:
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    groups = [e.transcript for e, _ in rows]
    labels = [label for _, label in rows]
    best = None
    for c in C_GRID:
        gold, predicted = [], []
        for train, test in GroupKFold(n_splits=3).split(rows, labels, groups):
            head = _Head(c).fit(matrix_of([rows[i][0] for i in train]), [labels[i] for i in train])
            predicted += head.predict(matrix_of([rows[i][0] for i in test]))
            gold += [labels[i] for i in test]
        score = f1_score(gold, predicted, average="macro")
        if best is None or score > best[0] + 1e-9:
            best = (score, c)
    return best[1]


def choose_complex_threshold(examples: list[Example], cs: dict[str, float], verbose: bool = False) -> float:
    """The P(complex | reflection) cut-off at which the share of complex among the turns coded as
    reflections matches the annotators' share among theirs, end to end and out of fold (grouped
    3-fold CV, each head at its chosen C). At an even split the coder under-calls complex reflections:
    complex ones are more often taken for other behaviours than simple ones are."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    groups = [e.transcript for e in examples]
    scored: list[dict[str, float]] = [{} for _ in examples]
    for train, test in GroupKFold(n_splits=3).split(examples, groups=groups):
        coder = Coder(fit([examples[i] for i in train], cs=cs, threshold=False))
        for i in test:
            scored[i] = coder.scores(examples[i].text, examples[i].previous)
    reflections = ("simple_reflection", "complex_reflection")
    gold = [e.code for e in examples if e.code in reflections]
    share = gold.count("complex_reflection") / len(gold)

    def coded_share(threshold: float) -> float:
        codes = [max(CODES, key=shift_complex(s, threshold).__getitem__) for s in scored]
        coded = [code for code in codes if code in reflections]
        return coded.count("complex_reflection") / max(1, len(coded))

    grid = [round(float(t), 2) for t in np.arange(0.2, 0.71, 0.01)]
    shares = {t: coded_share(t) for t in grid}
    best = min(grid, key=lambda t: (abs(shares[t] - share), abs(t - 0.5)))
    if verbose:
        print(f"complex share: annotators {share:.3f}; coded {shares[0.5]:.3f} at an even split, "
              f"{shares[best]:.3f} at {best}", file=sys.stderr)
    return best


def fit(examples: list[Example], c: float | None = None, verbose: bool = False,
        cs: dict[str, float] | None = None, threshold: bool = True) -> dict:
    """A model dict for `convo.practice.coder.Coder`; C is chosen per head by inner grouped CV unless
    given (one `c` for every head, or `cs` by head), and so is the complex-reflection threshold."""
    import numpy as np
    from scipy.sparse import diags
    from sklearn.feature_extraction import DictVectorizer

    found = {id(e): features(e.text, e.previous) for e in examples}
    documents = Counter(name for e in examples for name in found[id(e)])
    kept = {name for name, count in documents.items() if count >= MIN_DOCUMENTS}
    vectoriser = DictVectorizer()
    vectoriser.fit([{k: v for k, v in found[id(e)].items() if k in kept} for e in examples])
    names = vectoriser.get_feature_names_out()
    # Feeling words help tell simple from complex reflections but cost the other heads, which do not see them.
    hidden = np.array([name.startswith(REFLECTION_ONLY) for name in names])

    def matrix_for(head):
        def matrix_of(chosen):
            matrix = vectoriser.transform([found[id(e)] for e in chosen])
            if head == "reflection":
                return matrix
            matrix = (matrix @ diags((~hidden).astype(float))).tocsr()
            matrix.eliminate_zeros()
            return matrix
        return matrix_of

    heads = {}
    for head in ("behaviour", *SUBTYPE_HEADS, "joint"):
        rows = _head_data(examples, head)
        matrix_of = matrix_for(head)
        head_c = cs[head] if cs is not None else c if c is not None else _choose_c(rows, matrix_of)
        model = _Head(head_c).fit(matrix_of([e for e, _ in rows]), [label for _, label in rows])
        weights = {}
        for index, name in enumerate(names):
            if hidden[index] and head != "reflection":
                continue
            row = [round(float(w), 4) for w in model.weights[:, index]]
            if max(abs(w) for w in row) >= PRUNE_BELOW:
                weights[str(name)] = row
        heads[head] = {
            "classes": [str(label) for label in model.classes],
            "bias": [round(float(b), 4) for b in model.bias],
            "C": head_c,
            "weights": weights,
        }
        if verbose:
            print(f"{head}: {len(rows)} examples, C={head_c}, {len(weights)} features kept", file=sys.stderr)
    model = {"format": 2, "heads": heads}
    if threshold:
        chosen = {name: head["C"] for name, head in heads.items()}
        model["complex_threshold"] = choose_complex_threshold(examples, chosen, verbose=verbose)
    return model


def write_model(model: dict, path: Path) -> None:
    data = json.dumps(model, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    # mtime=0 so the same data gives a byte-identical file.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA, help="AnnoMI train.csv")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    examples = load_examples(args.data)
    model = fit(examples, verbose=True)
    write_model(model, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes) from {len(examples)} therapist turns")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
