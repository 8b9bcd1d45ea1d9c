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
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TextIO

from convo.practice.words import stem
from convo.render import json_line

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

# The codes a part of a turn can have: the seven above, the MITI 4.2.1 MI-adherent codes, and
# advice given without permission (MITI's Persuade). `advice` in a part means advice with permission.
MI_ADHERENT = ("affirm", "seeking_collaboration", "emphasising_autonomy")
BEHAVIOUR_CODES = (*CODES, *MI_ADHERENT, "persuade")

_BEHAVIOUR_OF = {
    "open_question": "question",
    "closed_question": "question",
    "simple_reflection": "reflection",
    "complex_reflection": "reflection",
    "information": "information_advice",
    "advice": "information_advice",
    "other": "other",
    "affirm": "other",
    "seeking_collaboration": "other",
    "emphasising_autonomy": "other",
    "persuade": "information_advice",
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
    # Said firmly, more things to do are advice ("you should really get a key safe"); after "might",
    # "may" or "could" they are reflections ("you might have felt let down", "you could give up on it").
    r"|you (?:should|need to|ought to|'d better|really (?:should|need to|must))(?: really| definitely| just)?"
    r" (?:get|let|put|ring|phone|book|apply|move|sell|buy|look into|sign up|wear|eat|drink|rest|accept)"
    r"|i(?: would|'d)? (?:recommend|suggest|advise|encourage)|my (?:advice|suggestion|recommendation)"
    r"|(?:try|consider|make sure|don't forget)\b|it (?:might|may|would|could) be (?:a good idea|worth|helpful|best))"
)
# MITI counts "Is there anything else?" as closed: it can be answered yes or no. AnnoMI's annotators
# mostly called it open, so this is a hand rule on top of the model, not something it could learn.
_ANYTHING_ELSE = re.compile(
    r"^(?:(?:is|are|was|were) there |do you have |have you got |have you )?(?:any|anything|something|anyone|anybody)"
    r"(?: else| other\b)[^?]*\?\s*$"
)
# Words for feelings, wants and meanings: what a complex reflection adds to what the client said. Only
# the simple/complex head is trained on them (`REFLECTION_ONLY`); a general list, not AnnoMI's words.
_FEELINGS = frozenset(stem(word) for word in (
    "afraid angry anxious ashamed alone lonely scared frightened worried worry upset sad hurt guilty "
    "frustrated overwhelmed stressed tired exhausted hopeless helpless proud relieved happy hopeful confident "
    "embarrassed nervous torn stuck trapped burden matter important mean value feel feeling want wish hope fear "
    "care miss love hate dread regret disappointed resentful confused unsure ready determined").split())
REFLECTION_ONLY = "feel:"
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

    said = {stem(token) for token in _TOKEN.findall(_normalise(previous))} if previous is not None else set()
    feelings = {stem(token) for token in words} & _FEELINGS
    found[REFLECTION_ONLY + "new:" + _bin(len(feelings - said), (0, 1, 2))] = 1.0
    if feelings & said:
        found[REFLECTION_ONLY + "repeated"] = 1.0

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
        # P(complex | reflection) at or above this is complex; chosen by grouped CV when training,
        # because the model at an even split under-calls complex reflections.
        self.complex_threshold = float(model.get("complex_threshold", 0.5))

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
        if _asks_anything_else(text):
            return {code: float(code == "closed_question") for code in CODES}
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
                subtypes = self._probabilities(beh, found)
                if beh == "reflection":
                    subtypes = _shifted(subtypes, "complex_reflection", self.complex_threshold)
                for sub, p_sub in subtypes.items():
                    result[sub] = p_beh * p_sub
            else:
                result[beh] = p_beh
        return {code: result[code] for code in CODES}

    def code(self, text: str, previous: str | None = None) -> str:
        scored = self.scores(text, previous)
        # max() keeps the first of equal scores, so ties resolve in CODES order.
        return max(CODES, key=scored.__getitem__)


def shift_complex(scores: Mapping[str, float], threshold: float) -> dict[str, float]:
    """Code scores from an even simple/complex split moved to another complex-reflection threshold."""
    reflection = scores["simple_reflection"] + scores["complex_reflection"]
    if reflection <= 0:
        return dict(scores)
    pair = {"simple_reflection": scores["simple_reflection"] / reflection,
            "complex_reflection": scores["complex_reflection"] / reflection}
    moved = _shifted(pair, "complex_reflection", threshold)
    return {**scores, **{code: reflection * p for code, p in moved.items()}}


def _shifted(pair: dict[str, float], label: str, threshold: float) -> dict[str, float]:
    """A two-way split moved so that `label` wins exactly when its probability reaches `threshold`."""
    if threshold == 0.5:
        return pair
    p = min(max(pair[label], 1e-9), 1 - 1e-9)
    t = min(max(threshold, 1e-9), 1 - 1e-9)
    shifted = 1 / (1 + math.exp(-(math.log(p / (1 - p)) - math.log(t / (1 - t)))))
    return {name: shifted if name == label else 1 - shifted for name in pair}


def _asks_anything_else(text: str) -> bool:
    """Whether the turn ends by asking "Is there anything else?" or the like."""
    sentences = _SENTENCE.findall(_normalise(text))
    if not sentences:
        return False
    core = " ".join(_strip_openers(_TOKEN.findall(sentences[-1])))
    return bool(core) and _ANYTHING_ELSE.match(core + "?") is not None and "?" in sentences[-1]


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


# -- every behaviour in a turn -----------------------------------------------------------------------

# These phrasings are the coder's rules for the MITI 4.2.1 codes AnnoMI does not label; they are
# mechanism, like _ADVICE_OPENING, not wording anyone reads.
def _phrases(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")")


_AFFIRM = _phrases(
    r"thank you for (?:telling|sharing|trusting|being (?:so )?(?:honest|open)|saying|explaining|letting me)",
    r"thanks for (?:telling|sharing|trusting|being (?:so )?(?:honest|open))",
    r"(?:that|it|this) (?:must have |has |must )?(?:took|takes|take|taken) (?:real |a lot of |some )?"
    r"(?:courage|guts|strength|bravery)",
    r"(?:that's|that is|that was|you're|you are|you've been|you were) (?:really |so |very |incredibly )?"
    r"(?:brave|courageous|resourceful|determined|strong)",
    r"well done", r"good for you", r"you should be (?:really |very )?proud",
    r"i'm (?:really |so )?(?:glad|pleased) you (?:told|said|shared)",
    r"you've (?:done|worked|coped|managed) (?:really |so |incredibly )?(?:well|hard)",
    r"i (?:really )?(?:appreciate|admire|respect)",
    r"you (?:clearly|really) care", r"it's clear (?:that )?you (?:care|love)",
    r"you've (?:clearly )?(?:given|put) (?:so much|a lot)",
    r"you've (?:kept|held) (?:it|things|everything) (?:going|together)",
)
_SEEKING_COLLABORATION = _phrases(
    r"would it be (?:ok|okay|alright|all right)", r"is it (?:ok|okay|alright|all right)(?: with you)? if",
    r"do you mind if", r"would you (?:like|mind) (?:me to|to hear|if i|some (?:information|ideas))",
    r"can i (?:share|tell you|offer|suggest|make a suggestion|give you)", r"may i (?:share|tell you|offer|suggest)",
    r"what do you think (?:about|of|would|might)", r"how would you like (?:to|us|me)",
    r"where would you like to (?:start|begin)", r"what would you like to (?:talk|start|focus|do first)",
    r"shall we", r"could we (?:think|work|look)", r"let's (?:think|work|look|figure)",
    r"(?:work|think|figure) (?:(?:this|it|that|things) )?out together",
)
_AUTONOMY = _phrases(
    r"(?:it's|it is|that's|that is) (?:entirely |completely |really |all )?(?:up to you|your (?:choice|decision|call))",
    r"you(?:'re| are) the (?:expert|best judge|one who (?:decides|knows))", r"you know (?:yourself|best|what's best)",
    r"only you can", r"you (?:get to |can )?decide", r"whatever you (?:decide|choose)", r"the choice is yours",
    r"you don't have to", r"in your own time", r"you're in charge", r"your life,? your",
)
# The person asked for advice, so giving it is advice with permission, not persuasion.
_ASKED_FOR_ADVICE = _phrases(
    r"what (?:should|can|could|do) i\b", r"what do you (?:think|suggest|recommend)",
    r"any (?:ideas|advice|suggestions)",
    r"can you (?:help|suggest|tell me what)", r"what would you (?:do|suggest)", r"should i\b",
)
_AUXILIARIES = frozenset("is are was were do does did have has had can could would will shall should may might "
                         "am isn't aren't don't doesn't didn't haven't hasn't can't couldn't wouldn't won't".split())
_SUBJECTS = frozenset("you your i we he she they it there that this anyone anybody someone somebody anything "
                      "something everything everyone things people".split())
# A yes-or-no form that invites a story ("Can you tell me about…?") is open, as AnnoMI codes it.
_INVITES = re.compile(
    r"\b(?:tell me|tell us|describe|say (?:a bit )?more|talk (?:to me )?about|explain|walk me through)\b")
_QUESTION_START = (r"(?:what|how|why|where|when|which|who|is|are|do|does|did|have|has|can|could|would|will|was|"
                   r"were|should|shall|may|tell me)\b")
_CLAUSE = re.compile(
    rf"^(?P<left>.+?)(?:,|;|:|\s[-–—])\s*(?:(?:and|but|so)\s+)?(?P<right>{_QUESTION_START}.*\?)\s*$", re.IGNORECASE)
# Tag questions belong to the reflection before them ("…, is that right?"): they are not a question of their own.
_TAG = re.compile(
    r"^(?:is that (?:right|it|fair|true)|am i right|have i got (?:that|it) right|isn't it|aren't you|don't you|"
    r"do you|is it|does that sound right|would that be (?:right|fair)|right|yes|no)\??$", re.IGNORECASE)
_PART_SENTENCE = re.compile(r"[^.?!]+(?:[.?!]+[\"”’')]*|$)")


@dataclass(frozen=True)
class Part:
    """One behaviour in a turn: the words and their code (one of BEHAVIOUR_CODES)."""

    text: str
    code: str


def _words(text: str) -> list[str]:
    return _TOKEN.findall(_normalise(text))


def split_parts(text: str) -> list[str]:
    """A turn split into its utterances: sentences, and a statement then a question in one sentence.

    "You've carried a lot, and what worries you most?" is two parts; "You miss her, is that right?"
    is one, because a tag question checks the reflection rather than asking something new.
    """
    parts: list[str] = []
    for match in _PART_SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if not _words(sentence):
            continue
        clause = _CLAUSE.match(sentence)
        if clause:
            left, right = clause.group("left").strip(), clause.group("right").strip()
            left_words = _strip_openers(_words(left))
            asks_already = bool(re.match(_QUESTION_START, " ".join(left_words)))
            if len(left_words) >= 3 and not asks_already and not _TAG.match(right):
                parts += [left + ".", right[0].upper() + right[1:]]
                continue
        parts.append(sentence)
    return parts or ([text.strip()] if text.strip() else [])


def _untagged(part: str) -> str:
    """A reflection with its checking tag taken off, so the tag's question mark does not make it a question."""
    head, separator, tail = part.rstrip().rpartition(",")
    if separator and head.strip() and _TAG.match(tail.strip()):
        return head.strip() + "."
    return part


# Words that, alone in a part, say nothing for MITI to code: openers, and ways of moving on.
_FILLERS = _OPENERS | frozenset("anyway anyhow moving move on let's next question then thanks thank you".split())


def _filler(part: str) -> bool:
    return all(word in _FILLERS for word in _words(part))


def yes_or_no(part: str) -> bool:
    """MITI's closed question: one that can be answered yes or no ("Can you get in the bath?")."""
    core = _strip_openers(_words(part))
    return (len(core) >= 2 and core[0] in _AUXILIARIES and core[1] in _SUBJECTS
            and not any(word in _WH for word in core) and not _INVITES.search(" ".join(core)))


# MITI's other closed question: one that asks for a specific fact, a name, a place, a time, a number, a choice
# from a few ("Who else is around you?", "When did you last drive?", "How often does Carys ring?").
_FACT_WH = frozenset("who who's whom whose which where's when's".split())
_FACT_HOW = frozenset("many often long old far".split())


def asks_for_fact(part: str) -> bool:
    """MITI's closed question that asks for one specific fact rather than yes or no: led by who or which,
    by where or when and a verb ("Where do you go…?", not "When you think about it, what…?"), or by how
    many, often, long, old or far — unless it invites a story ("Who could tell me about…" is not one)."""
    core = _strip_openers(_words(part))
    if len(core) < 2 or _INVITES.search(" ".join(core)):
        return False
    first, second = core[0], core[1]
    return (first in _FACT_WH or (first in ("where", "when") and second in _AUXILIARIES)
            or (first == "how" and second in _FACT_HOW))


def question_form(text: str) -> str | None:
    """The code the form of a turn's last question gives it, where the form decides: `open_question`
    for a wh-word or an invitation ("Tell me…", "Can you tell me…"), `closed_question` for a yes-or-no
    form; None when there is no question or the form does not decide ("You drink every day?")."""
    asked = [_strip_openers(tokens) for tokens, is_question in _sentences(_normalise(text)) if is_question]
    if not asked:
        return None
    core = asked[-1]
    if core[0] in _WH or _INVITES.search(" ".join(core)):
        return "open_question"
    if yes_or_no(" ".join(core)):
        return "closed_question"
    return None


_FIRST_FOR_SECOND = {"you": "i", "your": "my", "you're": "i'm", "yourself": "myself", "you've": "i've",
                     "you'd": "i'd", "you'll": "i'll"}


def _echoes(phrase: str, previous: str | None) -> bool:
    """Whether a phrase is the person's own words said back ("in my own time" → "in your own time"): then
    it reflects what they said rather than giving them the choice."""
    if not previous:
        return False
    said = f" {' '.join(_words(previous))} "
    for you in ("i", "me"):  # "you" is "I" as a subject and "me" as an object
        words = [you if word == "you" else _FIRST_FOR_SECOND.get(word, word) for word in _TOKEN.findall(phrase)]
        if f" {' '.join(words)} " in said:
            return True
    return False


def _rule_code(part: str, model_code: str, previous: str | None = None) -> str | None:
    """The code a part's wording earns by MITI's own rules, where the model cannot have learnt it."""
    clean = _normalise(part)
    if _SEEKING_COLLABORATION.search(clean):
        return "seeking_collaboration"
    if "?" in clean:
        asks_closed = yes_or_no(part) or asks_for_fact(part)
        return "closed_question" if model_code == "open_question" and asks_closed else None
    autonomy = _AUTONOMY.search(clean)
    if autonomy and not _echoes(autonomy.group(0), previous):
        return "emphasising_autonomy"
    if _AFFIRM.search(clean) and model_code not in ("information", "advice"):
        return "affirm"
    return None


def behaviours(text: str, previous: str | None = None, *, permitted: bool = False) -> list[Part]:
    """Every behaviour in a turn, in order, as MITI codes a volley: one code for each utterance.

    `permitted` says the trainee asked permission in their previous turn; advice without
    permission (asked for in this turn or before, or requested by the person) is `persuade`.
    """
    coder = _shipped()
    texts = split_parts(text)
    spoken = [t for t in texts if not _filler(t)] or texts
    asked = permitted or (previous is not None and _ASKED_FOR_ADVICE.search(_normalise(previous)) is not None)
    found: list[Part] = []
    for part in spoken:
        model_code = coder.code(_untagged(part), previous)
        part_code = _rule_code(part, model_code, previous) or model_code
        if part_code == "seeking_collaboration":
            asked = True
        if part_code == "advice" and not asked:
            part_code = "persuade"
        found.append(Part(part, part_code))
    return found


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
        parts = behaviours(item["text"], previous)
        item["behaviours"] = [part.code for part in parts]
        item["parts"] = [part.text for part in parts]
        try:
            out.write(json_line(item) + "\n")
        except UnicodeEncodeError:
            # Lone surrogates cannot be encoded raw; escaping keeps the line valid JSON.
            out.write(json.dumps(item) + "\n")
        out.flush()
    return bad
