"""The trained part of noticing: a linear model over words, word pairs near and a few apart, letter
groups, groups of words that mean alike, and patterns.

Standard library only at runtime; `scripts/train_notice.py` fits it on the project's labelled
corpus (data/notice/) with the same `features` function and writes `concern_model.json.gz`.
Three heads share the features: is this a concern at all, is it an alert, and which category.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import threading
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import chain, pairwise
from operator import itemgetter
from pathlib import Path

from convo.flow.yamlfile import read
from convo.notice.patterns import Match, Patterns
from convo.notice.text import sentences, tokens
from convo.paths import flows_dir

MODEL_PATH = Path(__file__).with_name("concern_model.json.gz")
# Words in groups of words that mean alike (made by scripts/word_groups.py): what the model learns of
# "frightened" carries to "scared", and of one word to another of its group that no training sentence said.
GROUPS_PATH = Path(__file__).with_name("word_groups.json.gz")
GROUP_SKIP = 3  # pairs of groups in one clause: a word's group and the next three words' groups
# Words that say little on their own. Pairs of the other words a few apart in one clause carry who
# did what to whom where the words between vary ("son ... card", "never ... money", "lads ... flat").
_GLUE = frozenset(
    "the a an and or but to of in on at for with it is was be been i'm it's that this so as just if then there "
    "they them their he she his her him we our you your i me my mine are were do does did have has had will "
    "would can could should about from by up out into over than too very really get got go went like well oh "
    "yeah ok y yr ac o yn mae ei fy ni chi nhw fo fe hi dwi ond neu efo gyda ar am".split())
SKIP = 4  # a pair is at most this many words apart (neighbours are already a word pair)
_NEGATORS = frozenset("not never no nobody nothing nor neither n't don't doesn't didn't won't wouldn't can't isn't "
                      "aren't wasn't weren't haven't hasn't hadn't shouldn't couldn't ddim dim na".split())


def features(clean: str, speaker: str, patterns: Patterns, matches: list[Match] | None = None) -> dict[str, float]:
    """The sparse features of a normalised answer with its figures of speech taken out.

    Shared by training and runtime, so a change here needs a retrained model.
    """
    words = tokens(clean)
    found: dict[str, float] = {"bias": 1.0, f"speaker:{speaker}": 1.0}
    negated = 0
    for word in words:
        found["w:" + word] = 1.0
        if negated:
            if word not in _GLUE:  # "nothing gets in the way": "in" and "the" are not what was denied
                found["nw:" + word] = 1.0
            negated -= 1
        if word in _NEGATORS or word.endswith("n't"):
            negated = 3
        found.update(letter_groups(word))
    for left, right in zip(["<s>", *words], words + ["</s>"], strict=True):
        found[f"b:{left} {right}"] = 1.0
    classes, groups = word_classes(), word_groups()
    for sentence in sentences(clean):
        said = tokens(sentence)
        for index, left in enumerate(said):
            if left not in _GLUE:
                for right in said[index + 2:index + 1 + SKIP]:
                    if right not in _GLUE:
                        found[f"s:{left}>{right}"] = 1.0
        marks = [classes.get(word) for word in said]
        seen = [mark for mark in marks if mark]
        for mark in seen:
            found["k:" + mark] = 1.0
        for left, right in pairwise(seen):
            found[f"k2:{left}>{right}"] = 1.0
        for left, middle, right in zip(seen, seen[1:], seen[2:], strict=False):
            found[f"k3:{left}>{middle}>{right}"] = 1.0
        grouped = [group for word in said if word not in _GLUE and (group := groups.get(word)) is not None]
        for index, group in enumerate(grouped):
            found[f"q:{group}"] = 1.0
            for other in grouped[index + 1:index + 1 + GROUP_SKIP]:
                found[f"q2:{group}>{other}"] = 1.0
    for match in patterns.find(clean) if matches is None else matches:
        found[f"p:{match.tier}:{match.category}"] = 1.0
        found[f"p:{match.tier}"] = 1.0
    # Long answers spread weight thinly; the count of words keeps their scores comparable.
    found["len:" + ("short" if len(words) < 6 else "mid" if len(words) < 20 else "long")] = 1.0
    return found


@lru_cache(maxsize=1 << 13)  # the words last used: about 20 MB at most
def letter_groups(word: str) -> dict[str, float]:
    """A word's groups of three, four and five letters, with its start and end marked ("<he", "he>")."""
    padded = f"<{word}>"
    return {"c:" + padded[start:start + size]: 1.0
            for size in (3, 4, 5) for start in range(max(1, len(padded) - size + 1))}


@cache
def word_classes() -> dict[str, str]:
    """Each word's class (flows/notice/word-classes.yaml); a word in two classes keeps the first."""
    table: dict[str, str] = {}
    for name, words in read(flows_dir() / "notice" / "word-classes.yaml").data.items():
        for word in words:
            table.setdefault(str(word).lower(), str(name))
    return table


@cache
def _groups() -> tuple[tuple[str, ...], ...]:
    """The word groups in their file's order, read once (their number is their place)."""
    with gzip.open(GROUPS_PATH, "rt", encoding="utf-8") as handle:
        return tuple(tuple(words) for words in json.load(handle)["groups"])


@cache
def word_groups() -> dict[str, int]:
    """Each word's group of words that mean alike, by number."""
    return {word: number for number, words in enumerate(_groups()) for word in words}


@cache
def groups_digest() -> str:
    """What the word groups are, in short: the model records the digest of the groups it was trained with,
    since its weights name groups by number and groups made again would number them otherwise."""
    return hashlib.sha256(json.dumps(_groups(), ensure_ascii=False).encode()).hexdigest()[:16]


Row = list[float]  # one feature's weights in every head, side by side


@dataclass(frozen=True)
class Head:
    """A linear head: its classes, their biases, and where its weights sit in each row of the model's
    table: one column for a yes/no head, one a class for the category head, from `first` on."""

    classes: tuple[str, ...]
    bias: list[float]
    first: int = 0

    def probabilities(self, rows: list[Row]) -> dict[str, float]:
        """The chance of each class, from the rows of an answer's features (`ConcernModel.rows`)."""
        # Column by column (map, itemgetter and sum run in C).
        scores = [bias + sum(map(itemgetter(column), rows)) for column, bias in enumerate(self.bias, self.first)]
        if len(self.classes) == 2 and len(scores) == 1:  # a binary head keeps one column
            p = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, scores[0]))))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {cls: e / total for cls, e in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True)
class ConcernModel:
    concern: Head
    alert: Head
    category: Head
    thresholds: dict[str, float]
    per_category: dict[str, dict[str, float]]  # thresholds that differ for one category
    # Each feature's weights in all three heads: one look-up a feature serves every head.
    table: dict[str, Row] = field(default_factory=dict, repr=False)

    def rows(self, found: dict[str, float]) -> list[Row]:
        """The weights of an answer's features that the model knows, each times its value."""
        table = self.table
        if not found or set(found.values()) == {1.0}:  # what `features` makes: every value is 1
            return [row for row in map(table.get, found) if row is not None]
        return [[weight * value for weight in row]
                for name, value in found.items() if (row := table.get(name)) is not None]

    @property
    def floor(self) -> float:
        """Below this chance of a concern at all, nothing is raised (neither threshold can be met)."""
        return min(self.thresholds["ask"], self.thresholds["alert"],
                   *(limits.get("alert", 1.0) for limits in self.per_category.values()))

    def banner_limit(self, category: str, sure: bool) -> float:
        """The chance of an alert a banner needs: a category's own threshold where the answer is
        clearly about that category, else the one threshold."""
        limit = self.thresholds["alert"]
        return self.per_category.get(category, {}).get("alert", limit) if sure else limit


HEADS = ("concern", "alert", "category")  # their columns in each row, in this order
FORMAT = 2  # the file's form: one row of weights a feature


def joined(data: dict) -> dict:
    """The model in the form its file keeps, from the form `scripts/train_notice.py` fits (each head's
    classes, biases and weights a feature): each head's classes, biases and first column, and one row a
    feature of the three heads' weights side by side (concern, alert, then the categories), a weight of
    nothing written as 0. Kept so, the file is smaller and loads quicker, and hearing looks a feature up
    once rather than three times."""
    if data.get("format") == FORMAT:
        return data
    concern, alert, category = (data["heads"][name] for name in HEADS)
    if len(concern["bias"]) != 1 or len(alert["bias"]) != 1:
        raise ValueError("the concern and alert heads each keep one column")
    yes, sure, kinds = concern["weights"], alert["weights"], category["weights"]
    one, none = [0], [0] * len(category["bias"])
    rows = {name: [weight or 0 for weight in (*yes.get(name, one), *sure.get(name, one), *kinds.get(name, none))]
            for name in dict.fromkeys(chain(yes, sure, kinds))}
    heads, first = {}, 0
    for name in HEADS:
        head = data["heads"][name]
        heads[name] = {"classes": head["classes"], "bias": head["bias"], "first": first}
        first += len(head["bias"])
    return {**{k: v for k, v in data.items() if k != "heads"}, "format": FORMAT, "heads": heads, "rows": rows}


def from_dict(data: dict) -> ConcernModel:
    """The model from either form (`joined`)."""
    data = joined(data)
    head = {name: Head(tuple(data["heads"][name]["classes"]), data["heads"][name]["bias"], data["heads"][name]["first"])
            for name in HEADS}
    model = ConcernModel(head["concern"], head["alert"], head["category"], {}, {}, data["rows"])
    return with_thresholds(model, data["thresholds"])


def with_thresholds(model: ConcernModel, thresholds: dict) -> ConcernModel:
    """The same model at other thresholds: the one threshold and the question's as numbers, a category's
    own as {"alert": number}."""
    return replace(model, thresholds={k: v for k, v in thresholds.items() if not isinstance(v, dict)},
                   per_category={k: v for k, v in thresholds.items() if isinstance(v, dict)})


_READING = threading.Lock()


def load(path: str | None = None) -> ConcernModel:
    """The model, read once. A thread asking while another reads it (the first answer, typed while the
    app loads it in the background) waits for that one rather than reading it again (1.2 s, 140 MiB)."""
    with _READING:
        return _read(path)


@cache
def _read(path: str | None) -> ConcernModel:
    with gzip.open(path or MODEL_PATH, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    # Its weights name word groups by number: with other groups they would weigh the wrong words.
    if data.get("word_groups") not in (None, groups_digest()):
        raise ValueError(f"{path or MODEL_PATH} was fitted with other word groups than {GROUPS_PATH.name}: "
                         "fit it again (scripts/train_notice.py)")
    return from_dict(data)


def forget() -> None:
    """Read the model afresh when next asked (to measure reading it)."""
    _read.cache_clear()
