"""The simulated person: deterministic, rule-based and offline.

Each trainee turn is coded (open or closed question, reflection, information or advice) and matched
against the scenario's topics. Jargon gets a puzzled reply; information or advice given too soon
gets a polite non-answer; a closed question gets a short answer; a deeper fact needs an open question
or a reflection on its topic, or a "so what?" follow-up on a word the person used; an alert-worthy
fact comes out only after a question about safety or a reflection. Replies come from the scenario,
chosen by the turn number, so the same conversation always gets the same answers.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel

from convo.notice import lexicons as cues
from convo.notice.lexicons import term_regex  # one word matcher for lexicons and scenarios alike
from convo.practice.coaching import Coaching
from convo.practice.scenario import Fact, Scenario
from convo.templating import fill

Coder = Callable[..., str]
ReplyKind = Literal["fact", "closed", "puzzled", "information", "hint", "default"]

OPENING = {"open_question", "simple_reflection", "complex_reflection"}
REFLECTIONS = {"simple_reflection", "complex_reflection"}
JARGON_KINDS = ("service_language", "so_what")


class Turn(BaseModel):
    """One trainee turn and the person's answer: everything feedback needs, with no coder to hand."""

    n: int
    text: str
    code: str
    jargon: list[str] = []
    asked_safety: bool = False
    follows_up: str | None = None
    reply: str
    kind: ReplyKind
    revealed: list[str] = []
    reply_words: list[str] = []


def _regex(terms: Iterable[str]) -> re.Pattern[str] | None:
    parts = [term_regex(term) for term in terms if term.strip().strip("*")]
    if not parts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def _plain(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", _plain(text).casefold())


def same_family(word: str, other: str) -> bool:
    """Whether two words share a stem closely enough (independent, independence; cope, coping)."""
    a, b = word.casefold(), other.casefold()
    if " " in a or " " in b:
        return a == b
    common = 0
    for left, right in zip(a, b, strict=False):
        if left != right:
            break
        common += 1
    return common >= max(3, min(len(a), len(b), 5) - 1)


def mentions(text: str, word: str) -> bool:
    if " " in word:
        return word.casefold() in " ".join(_tokens(text))
    return any(same_family(word, token) for token in _tokens(text))


def generic_words(text: str) -> list[str]:
    """The person's words that invite a "so what?": generic words from the so-what lexicon."""
    return [cue.term for cue in cues.find(text, "outcomes", "practitioner") if cue.kind == "so_what"]


def pick(variants: list[str], turn: int, key: str) -> str:
    """A variant chosen by turn number and key: different turns vary, the same turn never does."""
    return variants[(turn + zlib.crc32(key.encode())) % len(variants)]


class SimulatedPerson:
    def __init__(self, scenario: Scenario, coaching: Coaching, coder: Coder | None = None):
        if coder is None:
            from convo.practice.coder import code

            coder = code
        self.scenario, self.coaching, self.coder = scenario, coaching, coder
        self.turns: list[Turn] = []
        self.revealed: dict[str, int] = {}
        self.hinted: set[str] = set()
        self.lines: list[str] = [scenario.opening]
        self._topics = {fact.id: _regex(fact.topics) for fact in scenario.facts}
        self._safety = _regex(coaching.safety)
        self._phrases = _regex(coaching.so_what_phrases)
        self._extra_jargon = _regex(coaching.jargon)

    @property
    def last_line(self) -> str:
        return self.lines[-1]

    def explored(self) -> dict[str, int]:
        """How many facts have come out in each area so far."""
        counts: dict[str, int] = {}
        for fact_id in self.revealed:
            area = self.scenario.fact(fact_id).area
            counts[area] = counts.get(area, 0) + 1
        return counts

    # -- one turn -------------------------------------------------------------------------------

    def answer(self, text: str) -> Turn:
        """The person's answer to a trainee turn, without remembering it yet."""
        n = len(self.turns) + 1
        code = self.coder(text, self.last_line)
        jargon = self.jargon(text)
        asked_safety = bool(self._safety and self._safety.search(_plain(text)))
        follows_up = self._follow_up(text, code)
        revealed: list[str] = []
        if jargon:
            kind: ReplyKind = "puzzled"
            reply = fill(pick(self.scenario.replies.puzzled, n, "puzzled"), term=jargon[0])
        elif code in ("information", "advice"):
            kind, reply = "information", pick(self.scenario.replies.information, n, "information")
        else:
            kind, reply, revealed = self._answer(text, code, n, follows_up, asked_safety)
        followed = [t.follows_up for t in self.turns if t.follows_up] + ([follows_up] if follows_up else [])
        followed += [word for f in revealed if (word := self.scenario.fact(f).word)]
        # A word already followed up is not a new "so what?" moment when the person says it again.
        fresh = [w for w in generic_words(reply) if not any(same_family(w, done) for done in followed)]
        return Turn(n=n, text=text, code=code, jargon=jargon, asked_safety=asked_safety, follows_up=follows_up,
                    reply=reply, kind=kind, revealed=revealed, reply_words=fresh)

    def waiting_words(self) -> list[str]:
        """The generic words in the person's last line that the trainee's next turn could follow up."""
        return self.turns[-1].reply_words if self.turns else generic_words(self.scenario.opening)

    def take(self, turn: Turn) -> None:
        """Add a turn to what the person remembers (also used to replay a saved practice)."""
        self.turns.append(turn)
        for fact_id in turn.revealed:
            self.revealed.setdefault(fact_id, turn.n)
        if turn.kind == "hint":
            for fact in self.scenario.facts:
                if fact.hint == turn.reply:
                    self.hinted.add(fact.id)
        self.lines.append(turn.reply)

    def _answer(self, text: str, code: str, n: int, follows_up: str | None,
                asked_safety: bool) -> tuple[ReplyKind, str, list[str]]:
        fact = self._fact_revealed_by(text, code, follows_up, asked_safety)
        if fact is not None:
            variants = fact.closed if code == "closed_question" and fact.closed else fact.replies
            return "fact", pick(variants, n, fact.id), [fact.id]
        defaults = self.scenario.replies
        if code == "closed_question":
            touched = next((f for f in self._waiting()
                            if f.closed and (self._touches(f, text) or (f.alert and asked_safety))), None)
            if touched is not None:
                return "closed", pick(touched.closed, n, touched.id), []
            return "closed", pick(defaults.closed, n, "closed"), []
        if code in OPENING:
            hint = next((f for f in self._waiting() if f.hint and f.id not in self.hinted), None)
            if hint is not None and hint.hint:
                return "hint", hint.hint, []
            variants = defaults.reflection if code in REFLECTIONS else defaults.open
            return "default", pick(variants, n, code), []
        return "default", pick(defaults.other, n, "other"), []

    def _waiting(self) -> list[Fact]:
        """Facts not yet told whose prerequisites have been."""
        return [fact for fact in self.scenario.facts
                if fact.id not in self.revealed and all(other in self.revealed for other in fact.after)]

    def _touches(self, fact: Fact, text: str) -> bool:
        regex = self._topics[fact.id]
        return bool(regex and regex.search(_plain(text)))

    def _fact_revealed_by(self, text: str, code: str, follows_up: str | None, asked_safety: bool) -> Fact | None:
        so_what, asked, others, listened = [], [], [], []
        for fact in self._waiting():
            if fact.needs == "so_what":
                said = fact.word is not None and any(mentions(line, fact.word) for line in self.lines)
                if code in OPENING and said and fact.word and (mentions(text, fact.word) or (
                        follows_up is not None and same_family(follows_up, fact.word))):
                    so_what.append(fact)
            elif fact.alert:
                if asked_safety and code in OPENING:
                    asked.append(fact)
                elif code in REFLECTIONS:
                    listened.append(fact)
            elif self._touches(fact, text) and (fact.needs == "topic" or code in OPENING):
                others.append(fact)
        # The topic they were asked about comes first; a safety question, or a reflection that
        # showed they were listened to, brings out what they were holding back.
        found = so_what + others + asked + listened
        return found[0] if found else None

    # -- what the trainee said ------------------------------------------------------------------

    def jargon(self, text: str) -> list[str]:
        """Service words the trainee used, and generic words the person had not used first."""
        found: list[str] = []
        asking_meaning = bool(self._phrases and self._phrases.search(_plain(text)))
        person_words = [word for line in self.lines for word in generic_words(line)]
        for cue in cues.find(text, "outcomes", "practitioner"):
            if cue.kind not in JARGON_KINDS:
                continue
            if cue.kind == "so_what" and (asking_meaning or any(same_family(cue.term, w) for w in person_words)):
                continue
            found.append(cue.term)
        if self._extra_jargon:
            found += [" ".join(m.group().split()) for m in self._extra_jargon.finditer(_plain(text))]
        unique: list[str] = []
        for term in found:
            if term.casefold() not in (u.casefold() for u in unique):
                unique.append(term)
        return unique

    def _follow_up(self, text: str, code: str) -> str | None:
        """The person's last generic word this turn asks about or reflects on, if any."""
        if code not in OPENING:
            return None
        words = self.waiting_words()
        earlier = [w for t in self.turns for w in t.reply_words] + generic_words(self.scenario.opening)
        done = [t.follows_up for t in self.turns if t.follows_up]
        for word in [*words, *earlier]:
            if mentions(text, word) and not any(same_family(word, d) for d in done):
                return word
        if words and self._phrases and self._phrases.search(_plain(text)):
            return words[0]
        return None
