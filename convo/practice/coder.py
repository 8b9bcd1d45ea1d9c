"""Code a trainee's turn with the MITI 4.2.1 behaviour codes, using a shipped linear model.

Standard library only at runtime; `scripts/train_coder.py` builds the model from AnnoMI with the
same `features` function.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TextIO

CODES = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "information",
    "advice",
    "other",
)

BEHAVIOURS = ("question", "reflection", "information_advice", "other")

_BEHAVIOUR_OF = {
    "open_question": "question",
    "closed_question": "question",
    "simple_reflection": "reflection",
    "complex_reflection": "reflection",
    "information": "information_advice",
    "advice": "information_advice",
    "other": "other",
}

# Each behaviour splits into subtypes through its own head; `other` has none.
SUBTYPE_HEADS = {
    "question": ("open_question", "closed_question"),
    "reflection": ("simple_reflection", "complex_reflection"),
    "information_advice": ("information", "advice"),
}

MODEL_PATH = Path(__file__).with_name("coder_model.json.gz")

# Longer input is not an utterance; the head and the tail carry what the codes depend on.
_MAX_CHARS = 4000

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TRANSCRIBER_NOTE = re.compile(r"\[[^\]]{0,80}\]")
_NUMBER = re.compile(r"\d|%|\b(?:percent|half|one|two|three|four|five|six|seven|eight|nine|ten)\b")
_SENTENCE = re.compile(r"[^.?!]+(?:[.?!]+|$)")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

# Discourse openers that say nothing about the act; the word after them does.
_OPENERS = frozenset(
    "um uh er erm so okay ok and well yeah yes alright all right mm hmm hm mhm oh now but "
    "then also just like hey great good sure".split()
)
_STOPWORDS = frozenset(
    "a an the and or but so to of in on at for with it is was be i you me my your that this "
    "um uh yeah okay ok mm hmm like just do does did are am not no".split()
)
# MITI's advice: the counsellor's own suggestion, said as a statement rather than asked.
_ADVICE_OPENING = re.compile(
    r"(?:you (?:might|may|could|should|need to|ought to|'d better)(?: (?:want|like) to| perhaps| maybe| also)?"
    r" (?:try|consider|think about|go|talk|speak|ask|call|join|cut|stop|start|use|take|avoid|keep|see)"
    r"|i (?:would |'d )?(?:recommend|suggest|advise|encourage)|my (?:advice|suggestion|recommendation)"
    r"|(?:try|consider|make sure|don't forget)\b|it (?:might|may|would|could) be (?:a good idea|worth|helpful|best))"
)
_WH = frozenset("what how why where when which who whom whose tell describe".split())
_SECOND_PERSON = frozenset("you your you're yourself you've you'd you'll".split())
_FIRST_PERSON = frozenset("i me my i'm i've i'd i'll we us our".split())


def behaviour(code: str) -> str:
    """The four-way behaviour (question, reflection, information_advice, other) of a code."""
    try:
        return _BEHAVIOUR_OF[code]
    except KeyError:
        raise ValueError(f"unknown code {code!r}; expected one of {', '.join(CODES)}") from None


def _normalise(text: str) -> str:
    if len(text) > _MAX_CHARS:
        text = text[: _MAX_CHARS // 4] + " " + text[-(_MAX_CHARS * 3 // 4) :]
    text = _ANSI.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = _TRANSCRIBER_NOTE.sub(" ", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return text.lower()


def _sentences(text: str) -> list[tuple[list[str], bool]]:
    """Each sentence's tokens, and whether it ends with a question mark."""
    found = []
    for match in _SENTENCE.finditer(text):
        piece = match.group(0)
        tokens = _TOKEN.findall(piece)
        if tokens:
            found.append((tokens, "?" in piece[-3:]))
    return found


def _strip_openers(tokens: list[str]) -> list[str]:
    start = 0
    while start < len(tokens) - 1 and tokens[start] in _OPENERS:
        start += 1
    return tokens[start:]


def _bin(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return str(edge)
    return f">{edges[-1]}"


def features(text: str, previous: str | None = None) -> dict[str, float]:
    """The sparse features of a therapist turn and the client turn before it.

    Shared by training and runtime, so a change here needs a retrained model.
    """
    clean = _normalise(text)
    sentences = _sentences(clean)
    tokens = [token for sentence, _ in sentences for token in sentence]
    found: dict[str, float] = {}

    found["len:" + _bin(len(tokens), (0, 1, 2, 4, 8, 16, 32, 64))] = 1.0
    found["sentences:" + _bin(len(sentences), (0, 1, 2, 3, 5))] = 1.0
    stripped = clean.rstrip()
    if stripped.endswith("?"):
        found["ends:?"] = 1.0
    elif stripped.endswith("-"):
        found["ends:cut"] = 1.0
    elif stripped.endswith("."):
        found["ends:."] = 1.0
    if "?" in clean:
        found["has:?"] = 1.0
    if clean.lstrip().startswith("-"):
        found["starts:cut"] = 1.0
    if _NUMBER.search(clean):
        found["has:number"] = 1.0

    for token in tokens:
        found["w:" + token] = 1.0
    for sentence, _ in sentences:
        padded = ["<s>", *sentence]
        for left, right in pairwise(padded):
            found[f"b:{left} {right}"] = 1.0
        for a, b, c in zip(sentence, sentence[1:], sentence[2:], strict=False):
            found[f"t:{a} {b} {c}"] = 1.0

    for position, (sentence, is_question) in enumerate(sentences):
        core = _strip_openers(sentence)
        last = position == len(sentences) - 1
        head1, head2 = core[0], " ".join(core[:2])
        found["s1:" + head1] = 1.0
        if last:
            found["last1:" + head1] = 1.0
            found["last2:" + head2] = 1.0
        if is_question:
            found["q1:" + head1] = 1.0
            found["q2:" + head2] = 1.0
            found["qtail:" + " ".join(sentence[-2:])] = 1.0
            if any(token in _WH for token in core[:4]):
                found["q:wh_early"] = 1.0
            if last:
                found["lastq1:" + head1] = 1.0
        elif _ADVICE_OPENING.match(" ".join(core)):
            found["cue:advice"] = 1.0
            if last:
                found["cue:advice_last"] = 1.0

    words = set(tokens)
    you = sum(1 for token in tokens if token in _SECOND_PERSON)
    me = sum(1 for token in tokens if token in _FIRST_PERSON)
    found["you:" + _bin(you, (0, 1, 2, 4))] = 1.0
    found["me:" + _bin(me, (0, 1, 2, 4))] = 1.0

    if previous is None:
        found["prev:none"] = 1.0
        return found
    prev_clean = _normalise(previous)
    prev_sentences = _sentences(prev_clean)
    prev_tokens = [token for sentence, _ in prev_sentences for token in sentence]
    found["prev_len:" + _bin(len(prev_tokens), (0, 1, 2, 4, 8, 16, 32))] = 1.0
    if "?" in prev_clean:
        found["prev:?"] = 1.0
    if prev_clean.rstrip().endswith("-"):
        found["prev:cut"] = 1.0
    if prev_sentences:
        found["prev1:" + _strip_openers(prev_sentences[0][0])[0]] = 1.0
    content = {token for token in words if token not in _STOPWORDS}
    prev_content = {token for token in prev_tokens if token not in _STOPWORDS}
    if content and prev_content:
        shared = content & prev_content
        echo = len(shared) / len(content)
        covered = len(shared) / len(prev_content)
        found["echo"] = echo
        found["covered"] = covered
        found["echo:" + _bin(round(echo * 10), (0, 2, 4, 6, 8))] = 1.0
        prev_bigrams = set(pairwise(prev_tokens))
        shared_bigrams = sum(1 for pair in pairwise(tokens) if pair in prev_bigrams)
        found["echo_bigrams:" + _bin(shared_bigrams, (0, 1, 2, 4))] = 1.0
        for token in sorted(shared)[:20]:
            found["shared:" + token] = 1.0
    return found


class Coder:
    """A loaded model: linear heads for the behaviour, each behaviour's subtype, and all seven codes.

    A code's score is P(behaviour) times P(subtype | behaviour). P(behaviour) is the mean of the
    behaviour head and the seven-way "joint" head summed over the behaviour's codes; a model
    without a joint head uses the behaviour head alone.
    """

    def __init__(self, model: Mapping) -> None:
        self._heads = {
            name: (tuple(head["classes"]), tuple(head["bias"]), head["weights"])
            for name, head in model["heads"].items()
        }

    def _probabilities(self, head: str, found: dict[str, float]) -> dict[str, float]:
        classes, bias, weights = self._heads[head]
        totals = list(bias)
        for name, value in found.items():
            row = weights.get(name)
            if row is not None:
                for index, weight in enumerate(row):
                    totals[index] += weight * value
        top = max(totals)
        exps = [math.exp(total - top) for total in totals]
        whole = sum(exps)
        return {label: e / whole for label, e in zip(classes, exps, strict=True)}

    def scores(self, text: str, previous: str | None = None) -> dict[str, float]:
        """The probability of each code, as the behaviour's probability times its subtype head's."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, not {type(text).__name__}")
        if previous is not None and not isinstance(previous, str):
            raise TypeError(f"previous must be a string or None, not {type(previous).__name__}")
        found = features(text, previous)
        if "cue:advice_last" in found and "has:?" not in found:
            # MITI hand rule: a turn that ends by telling the person what to try is advice. Neutral
            # overall under grouped CV, but the model alone sees too little advice to learn it.
            return {code: float(code == "advice") for code in CODES}
        result = {}
        behaviours = self._probabilities("behaviour", found)
        if "joint" in self._heads:
            # Average the behaviour head with the joint seven-way head's share for the behaviour.
            joint = self._probabilities("joint", found)
            for beh in behaviours:
                share = sum(joint[sub] for sub in SUBTYPE_HEADS.get(beh, (beh,)))
                behaviours[beh] = (behaviours[beh] + share) / 2
        for beh, p_beh in behaviours.items():
            if beh in SUBTYPE_HEADS:
                for sub, p_sub in self._probabilities(beh, found).items():
                    result[sub] = p_beh * p_sub
            else:
                result[beh] = p_beh
        return {code: result[code] for code in CODES}

    def code(self, text: str, previous: str | None = None) -> str:
        scored = self.scores(text, previous)
        # max() keeps the first of equal scores, so ties resolve in CODES order.
        return max(CODES, key=scored.__getitem__)


def load_model(path: Path = MODEL_PATH) -> dict:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _shipped() -> Coder:
    return Coder(load_model())


def code(text: str, previous: str | None = None) -> str:
    """The MITI code of a trainee's turn, given the client turn before it if there was one."""
    return _shipped().code(text, previous)


def code_jsonl(lines: Iterable[str], out: TextIO) -> int:
    """Add a "code" key to each JSON line {"text": ..., "previous": ...}; return the bad-line count."""
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            item = None
        previous = item.get("previous") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            print(f'line {number}: expected a JSON object with a string "text"', file=sys.stderr)
            bad += 1
            continue
        if previous is not None and not isinstance(previous, str):
            print(f'line {number}: expected "previous" to be a string or null', file=sys.stderr)
            bad += 1
            continue
        item["code"] = code(item["text"], previous)
        try:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        except UnicodeEncodeError:
            # Lone surrogates cannot be encoded raw; escaping keeps the line valid JSON.
            out.write(json.dumps(item) + "\n")
        out.flush()
    return bad
