"""Screen feature and rule ideas for the utterance coder with a quicker grouped cross-validation.

Each variant is trained and scored in 5 folds grouped by transcript, like `eval_coder.py`, but with
liblinear in place of lbfgs, each head's C fixed at the shipped model's and no complex-reflection
threshold, so a variant takes minutes rather than an hour. The shipped C values were chosen on all
the training transcripts, so the figures are for comparing variants with each other, not for
quoting as the coder's measured figures (those come from `eval_coder.py`). Prints figures only.

    python scripts/screen_coder.py                # every variant
    python scripts/screen_coder.py chars form-rule
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_coder import DEFAULT_DATA, _head_data, _normalised, load_examples

from convo.practice import coder as cm

FOLDS = 5
_AUX = cm._AUXILIARIES
_WH = frozenset("what how why where when which who whom whose".split())
_STEMS = ("it sounds like", "sounds like", "it seems", "so you", "you feel", "you're feeling", "you are feeling",
          "part of you", "on the one hand", "on the other hand", "you're saying", "you are saying",
          "what i'm hearing", "i'm hearing", "you're wondering", "you've been", "you're not", "you don't",
          "you want", "you'd like", "for you")
_QUANTITY = (["how", "many"], ["how", "much"], ["how", "often"], ["how", "long"], ["how", "old"])


def form_features(text: str, previous: str | None) -> dict[str, float]:
    """The shipped features, with question form (auxiliary or wh-word first, "tell me", "or", "how
    many/much/often", yes-or-no) and reflection stems ("it sounds like", "so you", "part of you"…)."""
    found = cm.features(text, previous)
    clean = cm._normalise(text)
    for sentence, is_question in cm._sentences(clean):
        core = cm._strip_openers(sentence)
        if not is_question:
            continue
        if core[0] in _AUX:
            found["qf:aux"] = 1.0
        if core[0] in _WH:
            found["qf:wh"] = 1.0
        if " ".join(core[:2]) in ("tell me", "can you", "could you"):
            found["qf:invite"] = 1.0
        if "or" in core:
            found["qf:or"] = 1.0
        if core[:2] in _QUANTITY:
            found["qf:quantity"] = 1.0
        if cm.yes_or_no(" ".join(sentence)):
            found["qf:yesno"] = 1.0
    for stem in _STEMS:
        if stem in clean:
            found["stem:" + stem] = 1.0
    return found


def _with_chars(base: Callable[[str, str | None], dict[str, float]]):
    def featurise(text: str, previous: str | None) -> dict[str, float]:
        found = base(text, previous)
        for token in cm._TOKEN.findall(cm._normalise(text)):
            padded = f"<{token}>"
            for n in (3, 4):
                for i in range(len(padded) - n + 1):
                    found["c:" + padded[i : i + n]] = 0.5
        return found
    return featurise


# name: (features, heads that do not see character n-grams, whether the open/closed form rule applies)
VARIANTS = {
    "shipped": (cm.features, set(), False),
    "form-features": (form_features, set(), False),
    "form-rule": (cm.features, set(), True),
    "chars": (_with_chars(cm.features), set(), False),
    "form-features+chars": (_with_chars(form_features), set(), False),
    "chars-not-question": (_with_chars(cm.features), {"question"}, False),
    "chars-not-question-reflection": (_with_chars(cm.features), {"question", "reflection"}, False),
}


def _fit_head(matrix, labels, c):
    """The shipped head (NB-scaled, balanced, one-vs-rest logistic regression), fitted by liblinear."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels)
    classes = sorted(set(labels.tolist()))
    present = (matrix != 0).astype(np.float64)
    weights, bias = [], []
    for label in [classes[1]] if len(classes) == 2 else classes:
        positive = labels == label
        ratio = np.log(_normalised(np.asarray(present[positive].sum(0)).ravel() + 1.0)
                       / _normalised(np.asarray(present[~positive].sum(0)).ravel() + 1.0))
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", random_state=0)
        model.fit(matrix.multiply(ratio).tocsr(), positive.astype(int))
        weights.append(model.coef_[0] * ratio)
        bias.append(float(model.intercept_[0]))
    if len(classes) == 2:
        weights.insert(0, np.zeros(matrix.shape[1]))
        bias.insert(0, 0.0)
    return classes, np.array(weights), np.array(bias)


def _softmax(totals):
    import numpy as np

    totals = totals - totals.max(1, keepdims=True)
    exps = np.exp(totals)
    return exps / exps.sum(1, keepdims=True)


def cross_validate(examples, featurise, no_chars: set[str], form_rule: bool, cs: dict[str, float]):
    import numpy as np
    from scipy.sparse import diags
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.model_selection import GroupKFold

    found = [featurise(e.text, e.previous) for e in examples]
    scored: list[dict[str, float]] = [{} for _ in examples]
    groups = [e.transcript for e in examples]
    for train, test in GroupKFold(n_splits=FOLDS).split(examples, groups=groups):
        documents = Counter(name for i in train for name in found[i])
        vectoriser = DictVectorizer().fit(
            [{k: v for k, v in found[i].items() if documents[k] >= 2} for i in train])
        chars = np.array([name.startswith("c:") for name in vectoriser.get_feature_names_out()])
        test_matrix = vectoriser.transform([found[i] for i in test])
        index = {id(examples[i]): i for i in train}
        probabilities = {}
        for head in ("behaviour", *cm.SUBTYPE_HEADS, "joint"):
            rows = _head_data([examples[i] for i in train], head)
            matrix = vectoriser.transform([found[index[id(e)]] for e, _ in rows])
            if head in no_chars:
                matrix = (matrix @ diags((~chars).astype(float))).tocsr()
                matrix.eliminate_zeros()
            classes, weights, bias = _fit_head(matrix, [label for _, label in rows], cs[head])
            if head in no_chars:
                weights[:, chars] = 0
            probabilities[head] = (classes, _softmax(np.asarray(test_matrix @ weights.T + bias)))
        for k, i in enumerate(test):
            behaviours = dict(zip(*(probabilities["behaviour"][0], probabilities["behaviour"][1][k]), strict=True))
            joint = dict(zip(probabilities["joint"][0], probabilities["joint"][1][k], strict=True))
            for beh in behaviours:
                share = sum(joint[sub] for sub in cm.SUBTYPE_HEADS.get(beh, (beh,)))
                behaviours[beh] = (behaviours[beh] + share) / 2
            result = {}
            for beh, p_beh in behaviours.items():
                if beh in cm.SUBTYPE_HEADS:
                    classes, probs = probabilities[beh]
                    result.update({sub: p_beh * p for sub, p in zip(classes, probs[k], strict=True)})
                else:
                    result[beh] = p_beh
            scored[i] = result
    for i, example in enumerate(examples):
        if "cue:advice_last" in found[i] and "has:?" not in found[i]:
            scored[i] = {code: float(code == "advice") for code in cm.CODES}
        elif cm._asks_anything_else(example.text):
            scored[i] = {code: float(code == "closed_question") for code in cm.CODES}
        elif form_rule and (form := cm.question_form(example.text)):
            asked = scored[i]["open_question"] + scored[i]["closed_question"]
            scored[i] = {**scored[i], "open_question": asked * (form == "open_question"),
                         "closed_question": asked * (form == "closed_question")}
    return scored


def figures(examples, scored) -> str:
    from sklearn.metrics import f1_score

    gold = [e.code for e in examples]
    predicted = [max(cm.CODES, key=s.__getitem__) for s in scored]
    four = f1_score([cm.behaviour(g) for g in gold], [cm.behaviour(p) for p in predicted], average="macro")
    parts = [f"four-way {four:.3f}"]
    for name, pair in (("open/closed", ("open_question", "closed_question")),
                       ("simple/complex", ("simple_reflection", "complex_reflection"))):
        rows = [(g, s) for g, s in zip(gold, scored, strict=True) if g in pair]
        given = f1_score([g for g, _ in rows], [max(pair, key=s.__getitem__) for _, s in rows], average="macro")
        parts.append(f"{name} {given:.3f}")
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", nargs="*", metavar="VARIANT",
                        help=f"any of: {', '.join(VARIANTS)} (all by default)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="AnnoMI train.csv")
    args = parser.parse_args(argv)
    unknown = [name for name in args.variants if name not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    examples = load_examples(args.data)
    cs = {name: float(head["C"]) for name, head in cm.load_model()["heads"].items()}
    for name in args.variants or VARIANTS:
        featurise, no_chars, form_rule = VARIANTS[name]
        print(f"{name}: {figures(examples, cross_validate(examples, featurise, no_chars, form_rule, cs))}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
