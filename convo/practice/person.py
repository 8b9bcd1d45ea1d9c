"""The simulated person: deterministic, rule-based and offline, with a mood and a memory.

Each trainee turn is split into its behaviours and coded (`convo.practice.coder`). The person's
rapport and guardedness move with how they are spoken to (`person:` in coaching.yaml). They remember
what they have said and been asked: they refer back rather than say a line twice, and notice a
question asked again. Safety questions are recognised (`convo.practice.safety`) and always answered
as safety questions. A fact comes out when the turn earns it; a closed question gets only the short
answer, which counts as hinted at, not uncovered. An alert-worthy fact is told in words that fit how
it was invited; a trainee who moves straight on from it is told so, and the person stays closed
until the trainee goes back to it. A person with another first language speaks it when moved.
Lines are chosen by turn number among those not yet said, so the same conversation always gets the
same answers.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel

from convo.notice import lexicons as cues
from convo.practice.coaching import Coaching
from convo.practice.coder import Part, yes_or_no
from convo.practice.disclosure import DisclosureJudge, Response, content_stems
from convo.practice.safety import SafetyKind, SafetyRecogniser
from convo.practice.scenario import Fact, Mood, Scenario
from convo.practice.words import Families, PhraseFamily, Terms, same_family, stem, tokens
from convo.templating import fill

Coder = Callable[..., str]
ReplyKind = Literal["fact", "closed", "puzzled", "information", "hint", "default", "again", "more", "asked_again",
                    "guarded", "safety", "disclosure", "ignored", "returned", "offered", "quiet"]

OPENING = frozenset({"open_question", "simple_reflection", "complex_reflection"})
REFLECTIONS = frozenset({"simple_reflection", "complex_reflection"})
QUESTIONS = frozenset({"open_question", "closed_question"})
TELLING = frozenset({"information", "advice", "persuade"})
MOVING = frozenset({"complex_reflection", "affirm"})
JARGON_KINDS = ("service_language", "so_what")


class Turn(BaseModel):
    """One trainee turn and the person's answer: everything feedback needs, with no coder to hand."""

    n: int
    text: str
    code: str
    behaviours: list[Part] = []
    jargon: list[str] = []
    asked_safety: bool = False
    safety: SafetyKind | None = None
    follows_up: str | None = None
    reply: str
    kind: ReplyKind
    revealed: list[str] = []
    hinted: list[str] = []
    reply_words: list[str] = []
    regarding: str | None = None
    response: Response | None = None
    language: str | None = None
    offered_language: bool = False
    repeated: bool = False
    rapport: int | None = None
    guardedness: int | None = None

    @property
    def codes(self) -> list[str]:
        """Each behaviour's code, in order; a turn saved before behaviours were coded has its one code."""
        return [part.code for part in self.behaviours] or [self.code]


def pick(variants: list[str], turn: int, key: str) -> str:
    """A variant chosen by turn number and key: different turns vary, the same turn never does."""
    return variants[(turn + zlib.crc32(key.encode())) % len(variants)]


def mentions(text: str, word: str) -> bool:
    """Whether the text uses the word or phrase, in any of its inflections."""
    wanted = [stem(w) for w in tokens(word)]
    said = [stem(w) for w in tokens(text)]
    size = len(wanted)
    return bool(wanted) and any(said[i:i + size] == wanted for i in range(len(said) - size + 1))


@lru_cache(maxsize=1)
def _lexicon_terms() -> dict[str, Terms]:
    """The so-what and service-language lexicons, matched by practice's own word rules."""
    return {lexicon.file.kind: Terms(lexicon.file.terms) for lexicon in cues.lexicons()
            if lexicon.file.kind in JARGON_KINDS}


def generic_words(text: str, extra: Terms | None = None) -> list[str]:
    """The person's words that invite a "so what?": so-what lexicon words, and the scenario's own."""
    found = _lexicon_terms().get("so_what", Terms([])).find(text)
    if extra is not None:
        found += [word for word in extra.find(text) if not any(same_family(word, f) for f in found)]
    return found


def _first_sentence(text: str) -> str:
    match = re.match(r"\s*(.+?[.?!…])(?:\s|$)", text)
    return (match.group(1) if match else text).strip()


class SimulatedPerson:
    def __init__(self, scenario: Scenario, coaching: Coaching, coder: Coder | None = None):
        self.scenario, self.coaching = scenario, coaching
        self._coder = coder  # a fixed coder (tests) codes the whole turn as one behaviour
        self.turns: list[Turn] = []
        self.revealed: dict[str, int] = {}
        self.hinted: dict[str, int] = {}
        self.ignored: set[str] = set()
        self.lines: list[str] = [scenario.opening]
        rules = coaching.person
        self.mood = scenario.person.start or rules.start
        self._topics = {fact.id: Terms(fact.topics) for fact in scenario.facts}
        self._stay_with = {fact.id: Terms(fact.stay_with) for fact in scenario.facts}
        self._own_words = Terms(fact.word for fact in scenario.facts if fact.word)
        self._recogniser = SafetyRecogniser(coaching.safety)
        self._judge = DisclosureJudge(coaching, self._recogniser)
        self._phrases = Terms(coaching.so_what_phrases)
        self._extra_jargon = Terms(coaching.jargon)
        self._families = Families(PhraseFamily(f.heads, f.tails) for f in coaching.jargon_families)
        self._cuts = Terms(rules.topic_cuts)
        self._offers = Terms(rules.language_offers)

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

    # -- what the trainee said ------------------------------------------------------------------

    def behaviours(self, text: str) -> list[Part]:
        """The turn's behaviours: split and coded, or one behaviour when a fixed coder is given."""
        if self._coder is not None:
            return [Part(text, self._coder(text, self.last_line))]
        from convo.practice.coder import behaviours

        permitted = bool(self.turns) and "seeking_collaboration" in self.turns[-1].codes
        return behaviours(text, self.last_line, permitted=permitted)

    def code(self, text: str) -> str:
        """The turn's one code from the seven, as AnnoMI labels an utterance."""
        if self._coder is not None:
            return self._coder(text, self.last_line)
        from convo.practice.coder import code

        return code(text, self.last_line)

    def jargon(self, text: str) -> list[str]:
        """Service words the trainee used, and generic words the person had not used first."""
        asking_meaning = self._phrases.search(text)
        person_words = self.own_words()
        lexicons = _lexicon_terms()
        found = list(lexicons.get("service_language", Terms([])).find(text))
        for word in lexicons.get("so_what", Terms([])).find(text):
            if not asking_meaning and not any(same_family(word, w) for w in person_words):
                found.append(word)
        found += self._extra_jargon.find(text) + self._families.find(text)
        unique: list[str] = []
        for term in found:
            if not any(term.casefold() in u.casefold() or u.casefold() in term.casefold() for u in unique):
                unique.append(term)
        return unique

    def own_words(self) -> list[str]:
        """The generic words the person has used in their own words (not echoing the trainee's jargon)."""
        words = generic_words(self.scenario.opening, self._own_words)
        for turn in self.turns:
            words += [w for w in generic_words(turn.reply, self._own_words)
                      if not any(same_family(w, j) or j.casefold() in w.casefold() for j in turn.jargon)]
        return words

    def waiting_words(self) -> list[str]:
        """The generic words in the person's last line that the trainee's next turn could follow up."""
        return self.turns[-1].reply_words if self.turns else generic_words(self.scenario.opening, self._own_words)

    def _follow_up(self, text: str, invite: str) -> str | None:
        """The person's generic word this turn asks about or reflects on, if any."""
        if invite not in OPENING:
            return None
        words = self.waiting_words()
        earlier = [w for t in self.turns for w in t.reply_words] + generic_words(self.scenario.opening,
                                                                               self._own_words)
        done = [t.follows_up for t in self.turns if t.follows_up]
        for word in [*words, *earlier]:
            if mentions(text, word) and not any(same_family(word, d) for d in done):
                return word
        if words and self._phrases.search(text):
            return words[0]
        return None

    # -- one turn -------------------------------------------------------------------------------

    def answer(self, text: str) -> Turn:
        """The person's answer to a trainee turn, without remembering it yet."""
        n = len(self.turns) + 1
        parts = self.behaviours(text)
        codes = [part.code for part in parts]
        jargon = self.jargon(text)
        asking = [p for p in parts if p.code in QUESTIONS or p.text.rstrip().endswith("?")]
        reflecting = [p for p in parts if p.code in REFLECTIONS]
        # A question about safety of any kind; a reflection only of thoughts of self-harm ("pushing you
        # up the slope" in a reflection is not a question about harm).
        safety = next((kind for p in asking if (kind := self._recogniser.kind(p.text))), None) or next(
            (kind for p in reflecting if (kind := self._recogniser.kind(p.text)) == "self"), None)
        invite = self._invitation(parts)
        follows_up = self._follow_up(text, invite)
        offered = bool(self.scenario.person.first_language and self._offers.search(text)
                       and not any(t.offered_language for t in self.turns))
        repeated_reply = self._asked_before(asking)
        mood = self._moved_by(codes, jargon, text, repeated_reply is not None, offered)

        turn = Turn(n=n, text=text, code=self.code(text), behaviours=parts, jargon=jargon,
                    asked_safety=bool(safety and asking), safety=safety, follows_up=follows_up, reply="",
                    kind="default", offered_language=offered, repeated=repeated_reply is not None)
        disclosed = self._disclosed(n)
        if disclosed is not None:
            turn = turn.model_copy(update={"regarding": disclosed[0].id,
                                           "response": self._response(parts, disclosed[0])})
        decided = (self._after_disclosure(turn, disclosed)
                   or (self._safety_answer(turn, mood, invite) if safety else None)
                   or self._first_reaction(turn, invite, repeated_reply)
                   or self._answer(turn, mood, invite))
        turn = decided
        mood = self._reacted(mood, turn.kind)
        followed = [t.follows_up for t in self.turns if t.follows_up] + ([follows_up] if follows_up else [])
        followed += [word for f in turn.revealed if (word := self.scenario.fact(f).word)]
        said = [w for w in generic_words(turn.reply, self._own_words)
                if not any(same_family(w, j) or j.casefold() in w.casefold() for j in jargon)]
        # A word already followed up is not a new "so what?" moment when the person says it again.
        fresh = [w for w in said if not any(same_family(w, done) for done in followed)]
        return turn.model_copy(update={"reply_words": fresh, "rapport": mood.rapport,
                                       "guardedness": mood.guardedness})

    def take(self, turn: Turn) -> None:
        """Add a turn to what the person remembers (also used to replay a saved practice)."""
        self.turns.append(turn)
        for fact_id in turn.revealed:
            self.revealed.setdefault(fact_id, turn.n)
            self.hinted.pop(fact_id, None)
        for fact_id in turn.hinted:
            if fact_id not in self.revealed:
                self.hinted.setdefault(fact_id, turn.n)
        if turn.kind == "ignored" and turn.regarding:
            self.ignored.add(turn.regarding)
        if turn.kind == "returned" and turn.regarding:
            self.ignored.discard(turn.regarding)
        if turn.rapport is not None and turn.guardedness is not None:
            self.mood = Mood(rapport=turn.rapport, guardedness=turn.guardedness)
        else:  # saved before the person had a mood: work it out from the codes
            heard = self._moved_by(turn.codes, turn.jargon, turn.text, False, False, len(self.turns))
            self.mood = self._reacted(heard, turn.kind)
        self.lines.append(turn.reply)

    # -- mood -----------------------------------------------------------------------------------

    def cut_across(self, text: str) -> str | None:
        """The words with which a turn cuts across what the person was saying ("anyway, moving on"), if any."""
        found = self._cuts.find(text)
        return found[0] if found else None

    def _moved_by(self, codes: Sequence[str], jargon: Sequence[str], text: str, repeated: bool, offered: bool,
                  n: int | None = None) -> Mood:
        """The mood after hearing a turn, before answering it."""
        rules = self.coaching.person
        moments = list(dict.fromkeys(codes))
        if jargon:
            moments.append("jargon")
        earlier = [self._invitation(t.behaviours) if t.behaviours else t.code
                   for t in self.turns[: (n - 1) if n else None]]
        run = [*earlier, self._invitation([Part("", c) for c in codes])]
        if len(run) >= rules.closed_run and all(code == "closed_question" for code in run[-rules.closed_run:]):
            moments.append("closed_run")
        if self._cuts.search(text):
            moments.append("topic_cut")
        if repeated:
            moments.append("asked_again")
        if offered:
            moments.append("language_offer")
        return self._apply(self.mood, moments)

    def _reacted(self, mood: Mood, kind: str) -> Mood:
        return self._apply(mood, [kind]) if kind in ("ignored", "returned") else mood

    def _apply(self, mood: Mood, moments: Iterable[str]) -> Mood:
        rules = self.coaching.person
        rapport, guarded = mood.rapport, mood.guardedness
        for moment in moments:
            effect = rules.effects.get(moment)
            if effect is not None:
                rapport += effect.rapport
                guarded += effect.guardedness
        return Mood(rapport=min(max(rapport, 0), rules.highest), guardedness=min(max(guarded, 0), rules.highest))

    # -- choosing a line ------------------------------------------------------------------------

    def _unsaid(self, variants: Sequence[str], n: int, key: str, **values: str) -> str | None:
        """A variant not yet said, chosen by turn number and key; None if every one has been said."""
        if not variants:
            return None
        start = (n + zlib.crc32(key.encode())) % len(variants)
        for offset in range(len(variants)):
            line = fill(variants[(start + offset) % len(variants)], **values) if values else \
                variants[(start + offset) % len(variants)]
            if line not in self.lines:
                return line
        return None

    def _stock(self, variants: Sequence[str], n: int, key: str, fallback: Sequence[str] = (),
               **values: str) -> tuple[str, bool]:
        """A stock line not yet said, the scenario's own before the general `fallback`; when all have
        been said, a quiet one. Whether it was a stock line."""
        line = self._unsaid(variants, n, key, **values) or self._unsaid(fallback, n, key, **values)
        if line is not None:
            return line, True
        quiet = self._unsaid(self.coaching.lines.quiet, n, "quiet")
        return (quiet if quiet is not None else self.coaching.lines.quiet[0]), False

    def _voice(self, name: str) -> list[str]:
        """The scenario's own lines of a kind, or the general ones in coaching.yaml."""
        own: list[str] = getattr(self.scenario.replies, name)
        return own or getattr(self.coaching.lines, name)

    # -- what the turn invites ------------------------------------------------------------------

    @staticmethod
    def _invitation(parts: Sequence[Part]) -> str:
        """What the turn asks of the person: its last question, else its deepest reflection, else its last code."""
        questions = [p.code for p in parts if p.code in QUESTIONS]
        if questions:
            return questions[-1]
        codes = [p.code for p in parts]
        for code in ("complex_reflection", "simple_reflection"):
            if code in codes:
                return code
        return codes[-1] if codes else "other"

    def _asked_before(self, asking: Sequence[Part]) -> str | None:
        """The reply to an earlier question this turn asks again, if it does."""
        threshold = self.coaching.person.same_question
        for part in asking:
            words = content_stems(part.text)
            if not words:
                continue
            for turn in self.turns:
                if turn.kind in ("puzzled", "asked_again"):
                    continue
                for earlier in turn.behaviours:
                    if earlier.code not in QUESTIONS and not earlier.text.rstrip().endswith("?"):
                        continue
                    before = content_stems(earlier.text)
                    if before and len(words & before) / len(words | before) >= threshold:
                        return turn.reply
        return None

    # -- the answer -----------------------------------------------------------------------------

    def _disclosed(self, n: int) -> tuple[Fact, int] | None:
        """The latest alert-worthy fact told within the judged window before turn n."""
        told = [(self.scenario.fact(f), at) for f, at in self.revealed.items() if self.scenario.fact(f).alert]
        told = [(fact, at) for fact, at in told if 0 < n - at <= self.coaching.disclosure.window]
        return max(told, key=lambda pair: pair[1]) if told else None

    def _response(self, parts: Sequence[Part], fact: Fact) -> Response:
        told = next((t.reply for t in self.turns if fact.id in t.revealed), "")
        others = [terms for fid, terms in self._topics.items() if fid != fact.id]
        return self._judge.response(parts, told, fact.stay_with,
                                    elsewhere=lambda text: any(terms.search(text) for terms in others))

    def _after_disclosure(self, turn: Turn, disclosed: tuple[Fact, int] | None) -> Turn | None:
        """The answer to a turn soon after a disclosure, or to one that goes back to an ignored one."""
        for fact_id in sorted(self.ignored):
            fact = self.scenario.fact(fact_id)
            response = self._response(turn.behaviours, fact)
            if response.stayed and fact.responses is not None:
                line, _ = self._stock(fact.responses.returned, turn.n, fact.id + ":returned")
                return turn.model_copy(update={"reply": line, "kind": "returned", "regarding": fact.id,
                                               "response": response})
        if disclosed is None or turn.response is None:
            return None
        fact, at = disclosed
        response = turn.response
        if fact.responses is None or fact.id in self.ignored:
            return None
        if turn.n == at + 1 and not response.stayed:
            line, _ = self._stock(fact.responses.ignored, turn.n, fact.id + ":ignored")
            return turn.model_copy(update={"reply": line, "kind": "ignored"})
        if not response.stayed:
            return None
        for wanted, lines in ((response.immediate_safety, fact.responses.safety),
                              (response.next_steps, fact.responses.next_steps), (True, fact.responses.stayed)):
            unsaid = self._unsaid(lines, turn.n, fact.id) if wanted else None
            if unsaid is not None:
                return turn.model_copy(update={"reply": unsaid, "kind": "disclosure"})
        return None

    def _safety_answer(self, turn: Turn, mood: Mood, invite: str) -> Turn:
        """A safety question, answered as one: what they have held back, if the question and the trust
        are enough; a denial if not; that nothing like that is happening if nothing is."""
        kind = turn.safety or "general"
        thresholds = self.coaching.person.alert_rapport
        matching = [f for f in self.scenario.facts if f.alert and f.id not in self.revealed
                    and (kind == "general" or kind in f.safety)]
        ready = [f for f in matching if all(other in self.revealed for other in f.after)]
        opened = invite in OPENING or any(p.code in REFLECTIONS for p in turn.behaviours)
        for fact in ready:
            enough = (opened and mood.rapport >= thresholds.get("open_question", 0)) or (
                kind != "general" and mood.rapport >= thresholds.get("closed_question", 0))
            if enough:
                return self._tell(turn, fact, invite, mood)
        if matching:
            # Asked too soon, or without the trust: a denial. Asked about it directly, they hesitate.
            fact = matching[0]
            direct = kind != "general"
            lines = (fact.denied if direct else []) or fact.closed or self._voice(f"safety_{kind}")
            line, _ = self._stock(lines, turn.n, fact.id + ":denied")
            return turn.model_copy(update={"reply": line, "kind": "safety", "hinted": [fact.id] if direct else []})
        told = [f for f in self.scenario.facts if f.alert and f.id in self.revealed and f.responses
                and (kind == "general" or kind in f.safety)]
        if told and told[0].responses is not None:
            unsaid = self._unsaid(told[0].responses.safety, turn.n, told[0].id)
            if unsaid is not None:
                return turn.model_copy(update={"reply": unsaid, "kind": "disclosure", "regarding": told[0].id})
        line, _ = self._stock(self._voice(f"safety_{kind}"), turn.n, "safety:" + kind)
        return turn.model_copy(update={"reply": line, "kind": "safety"})

    def _first_reaction(self, turn: Turn, invite: str, repeated_reply: str | None) -> Turn | None:
        """Jargon, an offer of their language, being told what to do, or a question asked twice."""
        n = turn.n
        if turn.jargon:
            line, _ = self._stock(self.scenario.replies.puzzled, n, "puzzled", term=turn.jargon[0])
            return turn.model_copy(update={"reply": line, "kind": "puzzled"})
        if turn.offered_language:
            line, _ = self._stock(self._voice("language_offered"), n, "offered")
            return turn.model_copy(update={"reply": line, "kind": "offered"})
        if all(code in TELLING or code == "other" for code in turn.codes) and any(c in TELLING for c in turn.codes):
            line, _ = self._stock(self.scenario.replies.information, n, "information")
            return turn.model_copy(update={"reply": line, "kind": "information"})
        if repeated_reply is not None and invite in QUESTIONS:
            line, _ = self._stock(self._voice("asked_again"), n, "asked_again", said=_first_sentence(repeated_reply))
            return turn.model_copy(update={"reply": line, "kind": "asked_again"})
        return None

    def _tell(self, turn: Turn, fact: Fact, invite: str, mood: Mood) -> Turn:
        """A fact told, in the words that fit how it was invited and how moved the person is."""
        codes = turn.codes
        language = self.scenario.person.first_language
        if fact.moved and language and mood.rapport >= self.coaching.person.moved_at and MOVING & set(codes):
            variants, spoken = fact.moved, language.code
        elif invite in REFLECTIONS and fact.when_reflected:
            variants, spoken = fact.when_reflected, None
        elif invite in QUESTIONS and fact.when_asked:
            variants, spoken = fact.when_asked, None
        else:
            variants, spoken = fact.replies, None
        line = self._unsaid(variants, turn.n, fact.id) or pick(variants, turn.n, fact.id)
        return turn.model_copy(update={"reply": line, "kind": "fact", "revealed": [fact.id], "language": spoken})

    def _answer(self, turn: Turn, mood: Mood, invite: str) -> Turn:
        n, text = turn.n, turn.text
        if self.ignored:
            # Moved on from after telling something serious: nothing more comes out, and nothing is
            # offered, until the trainee goes back to it; a plain question gets a short answer.
            touched = next((f for f in self._waiting() if f.closed and self._touches(f, text)), None)
            if invite == "closed_question" and touched is not None:
                unsaid = self._unsaid(touched.closed, n, touched.id)
                if unsaid is not None:
                    return turn.model_copy(update={"reply": unsaid, "kind": "closed", "hinted": [touched.id]})
            line, _ = self._stock(self._voice("guarded"), n, "guarded", self.coaching.lines.short)
            return turn.model_copy(update={"reply": line, "kind": "guarded"})
        # Guarded, unless a reflection opens them again.
        guarded = mood.guardedness >= self.coaching.person.guarded_at and not REFLECTIONS & set(turn.codes)
        fact = self._fact_revealed_by(turn, invite, mood, guarded)
        if fact is not None:
            if invite == "closed_question" and fact.closed:
                line, _ = self._stock(fact.closed, n, fact.id)
                return turn.model_copy(update={"reply": line, "kind": "closed", "hinted": [fact.id]})
            return self._tell(turn, fact, invite, mood)
        defaults = self.scenario.replies
        if invite == "closed_question":
            # A short answer needs nothing said first: it tells little.
            unsaid_facts = (f for f in self.scenario.facts if f.id not in self.revealed and not f.alert and f.closed)
            touched = next((f for f in unsaid_facts if self._touches(f, text)), None)
            if touched is not None:
                unsaid = self._unsaid(touched.closed, n, touched.id)
                if unsaid is not None:
                    return turn.model_copy(update={"reply": unsaid, "kind": "closed", "hinted": [touched.id]})
        if invite in REFLECTIONS and (told := self._told_and_touched(text)) is not None:
            # Heard again in their own words, they say a little more about it.
            more = self._unsaid([*told.replies, *told.when_asked, *told.when_reflected], n, told.id)
            if more is not None:
                return turn.model_copy(update={"reply": more, "kind": "more"})
        again = self._told_and_touched(text) if invite in QUESTIONS else None
        if again is not None:
            line, fresh = self._stock(self._voice("again"), n, "again", said=self._short(again))
            return turn.model_copy(update={"reply": line, "kind": "again" if fresh else "quiet"})
        if guarded:
            line, _ = self._stock(self._voice("guarded"), n, "guarded")
            return turn.model_copy(update={"reply": line, "kind": "guarded"})
        if invite == "closed_question":
            # "Yes" and "No" answer a yes-or-no question; "How many times…?" gets a shrug instead.
            asked = next((p.text for p in reversed(turn.behaviours) if p.code == "closed_question"), text)
            variants = defaults.closed if yes_or_no(asked) else defaults.open
            line, _ = self._stock(variants, n, "closed", self.coaching.lines.short)
            return turn.model_copy(update={"reply": line, "kind": "closed"})
        if invite in OPENING:
            # An open question with nothing behind it draws a hint; a reflection, agreement.
            hint = None if invite in REFLECTIONS else next(
                (f for f in self._waiting() if f.hint and f.id not in self.hinted and f.hint not in self.lines), None)
            if hint is not None and hint.hint:
                return turn.model_copy(update={"reply": hint.hint, "kind": "hint", "hinted": [hint.id]})
            fallback = self.coaching.lines.agree if invite in REFLECTIONS else self.coaching.lines.nothing_more
            variants = defaults.reflection if invite in REFLECTIONS else defaults.open
            line, _ = self._stock(variants, n, invite, fallback)
            return turn.model_copy(update={"reply": line, "kind": "default"})
        line, _ = self._stock(defaults.other, n, "other", self.coaching.lines.agree)
        return turn.model_copy(update={"reply": line, "kind": "default"})

    def _short(self, fact: Fact) -> str:
        """What they said about a fact, in a line, to refer back to."""
        told = next((t.reply for t in self.turns if fact.id in t.revealed), None)
        if told is None:
            return fact.closed[0] if fact.closed else _first_sentence(fact.replies[0])
        return _first_sentence(told)

    def _told_and_touched(self, text: str) -> Fact | None:
        # The most recently told first: a reflection is most likely about what was just said.
        told = sorted((f for f in self.scenario.facts if f.id in self.revealed and not f.alert),
                      key=lambda f: self.revealed[f.id], reverse=True)
        return next((f for f in told if self._touches(f, text)), None)

    def _waiting(self) -> list[Fact]:
        """Facts not yet told whose prerequisites have been."""
        return [fact for fact in self.scenario.facts
                if fact.id not in self.revealed and all(other in self.revealed for other in fact.after)]

    def _touches(self, fact: Fact, text: str) -> bool:
        return self._topics[fact.id].search(text)

    def _fact_revealed_by(self, turn: Turn, invite: str, mood: Mood, guarded: bool) -> Fact | None:
        so_what: list[Fact] = []
        asked: list[Fact] = []
        heard: list[Fact] = []
        text, codes = turn.text, set(turn.codes)
        reflected = bool(REFLECTIONS & codes)
        listened = reflected or "affirm" in codes
        for fact in self._waiting():
            if fact.needs == "so_what":
                said = fact.word is not None and any(mentions(line, fact.word) for line in self.lines)
                if invite in OPENING and said and fact.word and (mentions(text, fact.word) or (
                        turn.follows_up is not None and same_family(turn.follows_up, fact.word))):
                    so_what.append(fact)
            elif fact.alert:
                if listened and mood.rapport >= self.coaching.person.alert_rapport.get("reflection", 0):
                    heard.append(fact)
            elif self._touches(fact, text) and (fact.needs == "topic" or invite in OPENING or reflected):
                asked.append(fact)
        if guarded:
            # Closed up: only what anyone could see is told; what matters and what is hard waits.
            return next((f for f in asked if f.needs == "topic"), None)
        # What they were asked about comes first; a reflection or affirmation that showed they were heard
        # brings out what they were holding back.
        found = so_what + asked + heard
        return found[0] if found else None
