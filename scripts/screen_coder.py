"""Screen feature and rule ideas for the utterance coder with a quicker grouped cross-validation.

Each variant is trained and scored in 5 folds grouped by transcript, like `eval_coder.py`, but with
liblinear in place of lbfgs, each head's C fixed at the shipped model's and no complex-reflection
threshold, so a variant takes minutes rather than an hour. The shipped C values were chosen on all
the training transcripts, so the figures are for comparing variants with each other, not for
quoting as the coder's measured figures (those come from `eval_coder.py`). Prints figures only.

Context variants add more of the client's previous turn (`context`), the therapist's own previous
code (`previous-code`: the code the coder gave it, decoded in transcript order as at run time;
`previous-code-stacked`: trained on such codes too; `previous-code-gold`: the annotators' code, an
upper bound no runtime has) or the words of the therapist's previous turn (`previous-turn`), or drop
the client's turn (`no-context`). `cut-offs` chooses the open/closed and simple/complex cut-offs
for the best macro-F1, and `share-cut-off` the complex cut-off as training does, each by grouped
3-fold CV inside every training fold, never on the test fold.

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
from convo.practice.words import stem as word_stem

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


_BACKCHANNEL = frozenset("mm hmm mhm mm-hmm uh-huh yeah yes yep okay ok right sure no nope uh um".split())


def context_features(text: str, previous: str | None) -> dict[str, float]:
    """The shipped features, with more of the client's previous turn: content stems in common (so
    "worried" echoes "worry"), the same for the last sentence alone, whether the client's turn ended
    in a question or was only a backchannel ("Mm-hmm."), whether it spoke of themself, and the
    length of the turn against the client's."""
    found = cm.features(text, previous)
    if previous is None:
        return found
    sentences = cm._sentences(cm._normalise(text))
    prev_clean = cm._normalise(previous)
    prev_tokens = cm._TOKEN.findall(prev_clean)
    tokens = [token for sentence, _ in sentences for token in sentence]
    if prev_clean.rstrip().endswith("?"):
        found["ctx:prev_ends?"] = 1.0
    if prev_tokens and all(token in _BACKCHANNEL for token in prev_tokens):
        found["ctx:backchannel"] = 1.0
    if any(token in cm._FIRST_PERSON for token in prev_tokens):
        found["ctx:prev_self"] = 1.0
    if tokens and prev_tokens:
        ratio = len(tokens) / len(prev_tokens)
        found["ctx:ratio:" + ("<0.25" if ratio < 0.25 else "<0.5" if ratio < 0.5 else "<1" if ratio < 1
                              else "<2" if ratio < 2 else "<4" if ratio < 4 else ">=4")] = 1.0
    prev_stems = {word_stem(t) for t in prev_tokens if t not in cm._STOPWORDS}
    stems = {word_stem(t) for t in tokens if t not in cm._STOPWORDS}
    if stems and prev_stems:
        shared = stems & prev_stems
        found["ctx:stem_echo"] = len(shared) / len(stems)
        found["ctx:stem_echo:" + cm._bin(round(10 * len(shared) / len(stems)), (0, 2, 4, 6, 8))] = 1.0
        found["ctx:stem_shared:" + cm._bin(len(shared), (0, 1, 2, 4))] = 1.0
    if sentences and prev_stems:
        last = {word_stem(t) for t in sentences[-1][0] if t not in cm._STOPWORDS}
        if last:
            found["ctx:last_echo:" + cm._bin(round(10 * len(last & prev_stems) / len(last)), (0, 2, 4, 6, 8))] = 1.0
    return found


def _without_feelings(text: str, previous: str | None) -> dict[str, float]:
    """The shipped features without the feeling words (the model before they were added)."""
    return {k: v for k, v in cm.features(text, previous).items() if not k.startswith(cm.REFLECTION_ONLY)}


def _with_previous_code(base: Callable[[str, str | None], dict[str, float]]):
    def featurise(text: str, previous: str | None, previous_code: str | None) -> dict[str, float]:
        found = base(text, previous)
        found["prevcode:" + (previous_code or "none")] = 1.0
        return found
    return featurise


def _with_previous_turn(base: Callable[[str, str | None], dict[str, float]]):
    """Features of the therapist's own previous turn, from its words (so no code is needed): whether it
    asked, the form of its question, whether it opened like a reflection, and its length."""
    def featurise(text: str, previous: str | None, previous_turn: str | None) -> dict[str, float]:
        found = base(text, previous)
        if previous_turn is None:
            found["pt:none"] = 1.0
            return found
        clean = cm._normalise(previous_turn)
        sentences = cm._sentences(clean)
        found["pt:ends?" if clean.rstrip().endswith("?") else "pt:statement"] = 1.0
        found["pt:form:" + str(cm.question_form(previous_turn))] = 1.0
        if sentences:
            core = cm._strip_openers(sentences[-1][0])
            found["pt:last1:" + core[0]] = 1.0
        if any(stem_ in clean for stem_ in ("sounds like", "so you", "it seems", "you feel", "you're feeling")):
            found["pt:reflection_stem"] = 1.0
        found["pt:len:" + cm._bin(sum(len(t) for t, _ in sentences), (2, 8, 16, 32))] = 1.0
        return found
    return featurise


def _plain(base: Callable[[str, str | None], dict[str, float]]):
    def featurise(text: str, previous: str | None, previous_code: str | None) -> dict[str, float]:
        return base(text, previous)
    return featurise


# name: (features, heads that do not see character n-grams, whether the open/closed form rule applies,
# where the therapist's previous code comes from, whether open/closed and simple/complex cut-offs are chosen)
VARIANTS = {
    "shipped": (_plain(cm.features), set(), False, "none", False),
    "form-features": (_plain(form_features), set(), False, "none", False),
    "form-rule": (_plain(cm.features), set(), True, "none", False),
    "chars": (_plain(_with_chars(cm.features)), set(), False, "none", False),
    "form-features+chars": (_plain(_with_chars(form_features)), set(), False, "none", False),
    "chars-not-question": (_plain(_with_chars(cm.features)), {"question"}, False, "none", False),
    "chars-not-question-reflection": (_plain(_with_chars(cm.features)), {"question", "reflection"}, False, "none",
                                      False),
    "context": (_plain(context_features), set(), False, "none", False),
    "previous-code": (_with_previous_code(cm.features), set(), False, "predicted", False),
    "previous-code-gold": (_with_previous_code(cm.features), set(), False, "gold", False),
    "context+previous-code": (_with_previous_code(context_features), set(), False, "predicted", False),
    "no-context": (_plain(lambda text, previous: cm.features(text, None)), set(), False, "none", False),
    "previous-code-stacked": (_with_previous_code(cm.features), set(), False, "stacked", False),
    "without-feelings": (_plain(_without_feelings), set(), False, "none", False),
    "previous-turn": (_with_previous_turn(cm.features), set(), False, "text", False),
    "cut-offs": (_plain(cm.features), set(), False, "none", True),
    "share-cut-off": (_plain(cm.features), set(), False, "none", "share"),
    "context+cut-offs": (_plain(context_features), set(), False, "none", True),
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


def _scorer(train_examples, train_found, no_chars: set[str], cs: dict[str, float]):
    """Fit every head on these turns; return a function from feature dicts to code scores."""
    import numpy as np
    from scipy.sparse import diags
    from sklearn.feature_extraction import DictVectorizer

    documents = Counter(name for found in train_found for name in found)
    vectoriser = DictVectorizer().fit([{k: v for k, v in found.items() if documents[k] >= 2} for found in train_found])
    names = vectoriser.get_feature_names_out()
    chars = np.array([name.startswith("c:") for name in names])
    # As in the shipped model, only the simple/complex head sees the feeling words.
    feelings = np.array([name.startswith(cm.REFLECTION_ONLY) for name in names])
    index = {id(e): k for k, e in enumerate(train_examples)}
    heads = {}
    for head in ("behaviour", *cm.SUBTYPE_HEADS, "joint"):
        rows = _head_data(train_examples, head)
        matrix = vectoriser.transform([train_found[index[id(e)]] for e, _ in rows])
        hidden = (chars if head in no_chars else np.zeros_like(chars)) | (feelings if head != "reflection"
                                                                          else np.zeros_like(feelings))
        if hidden.any():
            matrix = (matrix @ diags((~hidden).astype(float))).tocsr()
            matrix.eliminate_zeros()
        classes, weights, bias = _fit_head(matrix, [label for _, label in rows], cs[head])
        weights[:, hidden] = 0
        heads[head] = (classes, weights, bias)

    def score(found_rows: list[dict[str, float]]) -> list[dict[str, float]]:
        matrix = vectoriser.transform(found_rows)
        probabilities = {head: (classes, _softmax(np.asarray(matrix @ weights.T + bias)))
                         for head, (classes, weights, bias) in heads.items()}
        scored = []
        for k in range(len(found_rows)):
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
            scored.append(result)
        return scored

    return score


def _previous_codes(examples) -> list[str | None]:
    """The annotators' code of the therapist turn before each one in its transcript, if any."""
    codes: list[str | None] = []
    for k, example in enumerate(examples):
        before = examples[k - 1] if k and examples[k - 1].transcript == example.transcript else None
        codes.append(before.code if before else None)
    return codes


def _previous_texts(examples) -> list[str | None]:
    """The words of the therapist turn before each one in its transcript, if any."""
    texts: list[str | None] = []
    for k, example in enumerate(examples):
        before = examples[k - 1] if k and examples[k - 1].transcript == example.transcript else None
        texts.append(before.text if before else None)
    return texts


def _out_of_fold(examples, featurise, no_chars, cs, folds: int, previous_code: str) -> list[dict[str, float]]:
    """Scores for every turn from models that never saw its transcript.

    `previous_code` says what the therapist's previous code is taken to be where the features use it:
    "none" (not used), "gold" (the annotators', an upper bound no runtime has), or "predicted" (the
    coder's own code for the previous turn, decoded in order, as the runtime would have it).
    """
    from sklearn.model_selection import GroupKFold

    gold_previous = (_previous_codes(examples) if previous_code in ("gold", "predicted", "stacked")
                     else _previous_texts(examples) if previous_code == "text" else [None] * len(examples))
    found = [featurise(e.text, e.previous, p) for e, p in zip(examples, gold_previous, strict=True)]
    scored: list[dict[str, float]] = [{} for _ in examples]
    groups = [e.transcript for e in examples]
    for train, test in GroupKFold(n_splits=folds).split(examples, groups=groups):
        train_found = [found[i] for i in train]
        if previous_code == "stacked":
            # Train on the codes the coder itself gave the previous turns, out of fold, as it will see at run time.
            inner = _out_of_fold([examples[i] for i in train], featurise, no_chars, cs, 3, "predicted")
            given = [max(cm.CODES, key=s.__getitem__) for s in inner]
            train_found = [featurise(examples[i].text, examples[i].previous,
                                     given[k - 1] if gold_previous[i] is not None else None)
                           for k, i in enumerate(train)]
        score = _scorer([examples[i] for i in train], train_found, no_chars, cs)
        if previous_code not in ("predicted", "stacked"):
            for i, result in zip(test, score([found[i] for i in test]), strict=True):
                scored[i] = result
            continue
        last: dict[str, str] = {}
        for i in test:  # in transcript order, each turn given the code its predecessor was given
            example = examples[i]
            before = last.get(example.transcript) if gold_previous[i] is not None else None
            scored[i] = score([featurise(example.text, example.previous, before)])[0]
            last[example.transcript] = max(cm.CODES, key=scored[i].__getitem__)
    return scored


def _split(scores: dict[str, float], pair: tuple[str, str]) -> float:
    """P(second of the pair | the pair's behaviour)."""
    total = scores[pair[0]] + scores[pair[1]]
    return scores[pair[1]] / total if total > 0 else 0.5


def _moved(scores: dict[str, float], pair: tuple[str, str], threshold: float) -> dict[str, float]:
    """Scores with the pair's split moved so that its second code wins at `threshold`."""
    total = scores[pair[0]] + scores[pair[1]]
    if total <= 0 or threshold == 0.5:
        return scores
    moved = cm._shifted({pair[0]: scores[pair[0]] / total, pair[1]: scores[pair[1]] / total}, pair[1], threshold)
    return {**scores, **{code: total * p for code, p in moved.items()}}


def _best_threshold(examples, scored, pair: tuple[str, str]) -> float:
    """The cut-off on P(second | behaviour) with the best macro-F1 given the behaviour, over gold rows."""
    from sklearn.metrics import f1_score

    rows = [(e.code, _split(s, pair)) for e, s in zip(examples, scored, strict=True) if e.code in pair]
    truth = [g for g, _ in rows]
    grid = [round(0.3 + 0.01 * k, 2) for k in range(41)]

    def f1(threshold: float) -> float:
        return f1_score(truth, [pair[int(p >= threshold)] for _, p in rows], labels=list(pair), average="macro")

    return max(grid, key=lambda t: (round(f1(t), 4), -abs(t - 0.5)))


def _share_threshold(examples, scored) -> float:
    """The shipped rule: the complex cut-off at which the coded share of complex reflections, end to
    end, matches the annotators' share."""
    pair = PAIRS["reflection"]
    gold = [e.code for e in examples if e.code in pair]
    share = gold.count(pair[1]) / len(gold)

    def coded(threshold: float) -> float:
        codes = [max(cm.CODES, key=_moved(s, pair, threshold).__getitem__) for s in scored]
        kept = [c for c in codes if c in pair]
        return kept.count(pair[1]) / max(1, len(kept))

    grid = [round(0.2 + 0.01 * k, 2) for k in range(51)]
    shares = {t: coded(t) for t in grid}
    return min(grid, key=lambda t: (abs(shares[t] - share), abs(t - 0.5)))


PAIRS = {"question": ("closed_question", "open_question"), "reflection": ("simple_reflection", "complex_reflection")}


def cross_validate(examples, featurise, no_chars: set[str], form_rule: bool, cs: dict[str, float],
                   previous_code: str = "none", thresholds: bool | str = False):
    from sklearn.model_selection import GroupKFold

    if not thresholds:
        scored = _out_of_fold(examples, featurise, no_chars, cs, FOLDS, previous_code)
    else:
        # Each outer fold's cut-offs are chosen by grouped 3-fold CV on its training transcripts alone.
        scored = _out_of_fold(examples, featurise, no_chars, cs, FOLDS, previous_code)
        groups = [e.transcript for e in examples]
        for fold, (train, test) in enumerate(GroupKFold(n_splits=FOLDS).split(examples, groups=groups), 1):
            inner_examples = [examples[i] for i in train]
            inner = _out_of_fold(inner_examples, featurise, no_chars, cs, 3, previous_code)
            if thresholds == "share":
                chosen = {"question": 0.5, "reflection": _share_threshold(inner_examples, inner)}
            else:
                chosen = {name: _best_threshold(inner_examples, inner, pair) for name, pair in PAIRS.items()}
            print(f"  fold {fold}: cut-offs {chosen}", file=sys.stderr)
            for i in test:
                for name, pair in PAIRS.items():
                    scored[i] = _moved(scored[i], pair, chosen[name])
    found = [cm.features(e.text, e.previous) for e in examples]
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
        featurise, no_chars, form_rule, previous_code, thresholds = VARIANTS[name]
        scored = cross_validate(examples, featurise, no_chars, form_rule, cs, previous_code, thresholds)
        print(f"{name}: {figures(examples, scored)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
