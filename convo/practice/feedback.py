"""Feedback at the end of a practice: what came out, what was only hinted at and what was missed; how
the trainee responded to what the person disclosed; how they asked, every behaviour counted; and
their own reflection. A pydantic model, so JSON comes straight from it and templates read only it.

Behaviours are counted as MITI 4.2.1 counts a volley: each reflection and each MI-adherent or
advice part counts, and questions asked one after another in one turn count once. The ratios are
compared with the thresholds named in flows/practice/coaching.yaml (reflection-to-question ratio
and % complex reflections from MITI 4.2.1, % open questions from MITI 3.1.1), and a band is shown
only once there are enough turns to divide by.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel

from convo import vocabulary
from convo.practice.coaching import Coaching, Measure
from convo.practice.coder import BEHAVIOUR_CODES
from convo.practice.disclosure import DisclosureJudge, Response
from convo.practice.person import Turn, generic_words
from convo.practice.safety import SafetyRecogniser
from convo.practice.scenario import Scenario
from convo.practice.words import Terms, same_family

CODES = BEHAVIOUR_CODES
QUESTIONS = ("open_question", "closed_question")
REFLECTIONS = ("simple_reflection", "complex_reflection")

Level = Literal["good", "fair", "below_fair", "not_enough"]


class FactNote(BaseModel):
    id: str
    area: str
    summary: str
    alert: bool = False
    turn: int | None = None
    hinted_at: int | None = None


class AreaReport(BaseModel):
    area: str
    label: str
    uncovered: list[FactNote]
    hinted: list[FactNote]
    missed: list[FactNote]


class MeasureResult(BaseModel):
    name: str
    label: str
    value: float | None
    shown: str
    numerator: int
    denominator: int
    counted: str
    have: int
    minimum: int
    fair: float
    good: float
    fair_shown: str
    good_shown: str
    level: Level
    source: str


class JargonUse(BaseModel):
    turn: int
    term: str
    text: str


class SoWhatMoment(BaseModel):
    """The person used a generic word; did the trainee ask what it means to them, and when?"""

    word: str
    person_said: str
    turn: int | None
    followed: bool
    followed_at: int | None = None
    next_text: str | None


class ElementNote(BaseModel):
    name: str
    label: str
    done: bool


class DisclosureNote(BaseModel):
    """Something alert-worthy the person told, and how the trainee responded over the turns after it."""

    id: str
    summary: str
    turn: int
    verdict: str
    verdict_label: str
    elements: list[ElementNote]
    next_text: str | None
    reacted: bool
    returned_at: int | None = None


class LanguageMoment(BaseModel):
    turn: int
    language: str
    offered: bool


class Debrief(BaseModel):
    """What? So what? Now what? in the trainee's words."""

    what: str = ""
    so_what: str = ""
    now_what: str = ""


class TurnNote(BaseModel):
    n: int
    text: str
    code: str
    behaviours: list[str] = []
    reply: str


class Feedback(BaseModel):
    practice_id: str
    scenario_id: str
    scenario_title: str
    person_name: str
    coached: bool
    turns: int
    facts_total: int
    facts_uncovered: int
    facts_hinted: int
    areas: list[AreaReport]
    risks: list[FactNote]
    strengths: list[FactNote]
    alerts_uncovered: list[FactNote]
    alerts_missed: list[FactNote]
    disclosures: list[DisclosureNote]
    counts: dict[str, int]
    questions: int
    reflections: int
    measures: list[MeasureResult]
    jargon: list[JargonUse]
    so_what: list[SoWhatMoment]
    language: list[LanguageMoment]
    suggestions: list[str]
    draft: str
    scenario_what_matters: str
    debrief: Debrief
    transcript: list[TurnNote]
    opening: str

    def measure(self, name: str) -> MeasureResult:
        return next(m for m in self.measures if m.name == name)


def _shown(value: float, kind: str) -> str:
    if kind == "percent":
        return f"{round(value * 100)}%"
    return f"{value:.1f}".rstrip("0").rstrip(".") + ":1"


def _measure(name: str, spec: Measure, numerator: int, denominator: int, have: int) -> MeasureResult:
    """A ratio beside its thresholds; banded only when `have` (what the minimum counts) reaches it."""
    value = numerator / denominator if denominator else None
    level: Level
    if have < spec.minimum:
        level = "not_enough"
    elif value is None:
        level = "good" if numerator else "not_enough"  # reflections and no questions at all
    elif value >= spec.good:
        level = "good"
    elif value >= spec.fair:
        level = "fair"
    else:
        level = "below_fair"
    shown = _shown(value, spec.kind) if value is not None else (f"{numerator}:0" if numerator else "—")
    return MeasureResult(
        name=name, label=spec.label, value=value, shown=shown, numerator=numerator, denominator=denominator,
        counted=spec.counted, have=have, minimum=spec.minimum, fair=spec.fair, good=spec.good,
        fair_shown=_shown(spec.fair, spec.kind), good_shown=_shown(spec.good, spec.kind), level=level,
        source=spec.source,
    )


def count_behaviours(turns: Iterable[Sequence[str]]) -> Counter[str]:
    """Behaviour counts over turns, each turn given as its codes in order.

    Questions asked one after another in a turn count once (as open if any is open); any other code
    said twice running ("Thank you for telling me. That took courage.") is one thought and counts once.
    """
    counts = Counter(dict.fromkeys(CODES, 0))
    for codes in turns:
        asked = [code for code in codes if code in QUESTIONS]
        if asked:
            counts["open_question" if "open_question" in asked else "closed_question"] += 1
        counts.update(code for index, code in enumerate(codes)
                      if code not in QUESTIONS and (index == 0 or codes[index - 1] != code))
    return counts


def measures(codes: Iterable[str] | Counter[str], coaching: Coaching) -> tuple[Counter[str], list[MeasureResult]]:
    """Counts of each code (given as counts, or one code a turn), and the three ratios beside their thresholds."""
    counts = codes if isinstance(codes, Counter) else count_behaviours([code] for code in codes)
    questions = counts["open_question"] + counts["closed_question"]
    reflections = counts["simple_reflection"] + counts["complex_reflection"]
    spec = coaching.measures
    complex_ = counts["complex_reflection"]
    return counts, [
        _measure("reflection_to_question", spec.reflection_to_question, reflections, questions,
                 questions + reflections),
        _measure("complex_reflections", spec.complex_reflections, complex_, reflections, reflections),
        _measure("open_questions", spec.open_questions, counts["open_question"], questions, questions),
    ]


def so_what_moments(opening_words: list[str], opening: str, turns: list[Turn]) -> list[SoWhatMoment]:
    """Each generic word the person used, and whether (and when) the trainee followed it up: the same
    `follows_up` the live coaching reads, so the two never disagree."""
    moments = []
    lines = [(opening, opening_words)] + [(turn.reply, turn.reply_words) for turn in turns]
    for index, (line, words) in enumerate(lines):
        following = turns[index] if index < len(turns) else None
        for position, word in enumerate(words):
            if any(same_family(word, earlier) for earlier in words[:position]):
                continue  # "coping… I've always coped" is one moment
            later = next((t.n for t in turns[index:] if t.follows_up and same_family(t.follows_up, word)), None)
            moments.append(SoWhatMoment(word=word, person_said=line, turn=following.n if following else None,
                                        followed=following is not None and later == following.n, followed_at=later,
                                        next_text=following.text if following else None))
    return moments


def judge_disclosures(scenario: Scenario, coaching: Coaching, turns: list[Turn]) -> list[DisclosureNote]:
    judge = DisclosureJudge(coaching, SafetyRecogniser(coaching.safety))
    rules = coaching.disclosure
    notes = []
    for turn in turns:
        for fact_id in turn.revealed:
            fact = scenario.fact(fact_id)
            if not fact.alert:
                continue
            after = [(t.response if t.regarding == fact_id and t.response else Response(), t.text)
                     for t in turns if turn.n < t.n <= turn.n + rules.window]
            judgement = judge.judge(fact_id, turn.n, after)
            done = {"acknowledged": judgement.acknowledged, "stayed": judgement.stayed,
                    "next_steps": judgement.next_steps, "immediate_safety": judgement.immediate_safety}
            notes.append(DisclosureNote(
                id=fact_id, summary=fact.summary, turn=turn.n, verdict=judgement.verdict,
                verdict_label=rules.verdicts[judgement.verdict],
                elements=[ElementNote(name=name, label=rules.elements[name].label, done=done[name]) for name in done],
                next_text=judgement.next_text,
                reacted=any(t.kind == "ignored" and t.regarding == fact_id for t in turns),
                returned_at=next((t.n for t in turns if t.kind == "returned" and t.regarding == fact_id), None),
            ))
    return notes


def suggestions(scenario: Scenario, coaching: Coaching, disclosures: list[DisclosureNote],
                alerts_missed: list[FactNote], moments: list[SoWhatMoment],
                language: list[LanguageMoment]) -> list[str]:
    """What the feedback adds under "Now what?": the disclosures not fully handled come first."""
    name = scenario.person.name.split()[0]
    elements = coaching.disclosure.elements
    found = []
    for note in disclosures:
        summary = note.summary.rstrip(".")
        if note.verdict == "ignored":
            found.append(coaching.now("ignored", name=name, turn=note.turn, summary=summary))
        elif note.verdict == "ended":
            found.append(coaching.now("ended", name=name, turn=note.turn, summary=summary))
        elif note.verdict == "partly":
            todo = [elements[e.name].todo for e in note.elements if not e.done]
            todo_text = ", ".join(todo[:-1]) + (" and " if len(todo) > 1 else "") + todo[-1] if todo else ""
            found.append(coaching.now("partly", name=name, turn=note.turn, summary=summary, todo=todo_text))
    if alerts_missed:
        found.append(coaching.now("alert_missed", name=name))
    # Only the scenario's own words: the ones behind which what matters was waiting.
    words = [fact.word for fact in scenario.facts if fact.word]
    missed = next((m for m in moments if m.followed_at is None and m.turn is not None
                   and any(same_family(m.word, word) for word in words)), None)
    if missed is not None:
        found.append(coaching.now("so_what_missed", name=name, term=missed.word))
    if language and not any(moment.offered for moment in language):
        found.append(coaching.now("language", name=name, language=language[0].language))
    return found


def compute(*, practice_id: str, scenario: Scenario, coaching: Coaching, turns: list[Turn], coached: bool,
            drafts: list[str], debrief: Debrief) -> Feedback:
    revealed_at = {fact_id: turn.n for turn in turns for fact_id in turn.revealed}
    hinted_at: dict[str, int] = {}
    for turn in turns:
        for fact_id in turn.hinted:
            hinted_at.setdefault(fact_id, turn.n)
    notes = [FactNote(id=f.id, area=f.area, summary=f.summary, alert=f.alert, turn=revealed_at.get(f.id),
                      hinted_at=hinted_at.get(f.id) if f.id not in revealed_at else None)
             for f in scenario.facts]
    areas = []
    for area, label in coaching.areas.items():
        here = [note for note in notes if note.area == area]
        if here:
            areas.append(AreaReport(area=area, label=label, uncovered=[n for n in here if n.turn is not None],
                                    hinted=[n for n in here if n.turn is None and n.hinted_at is not None],
                                    missed=[n for n in here if n.turn is None and n.hinted_at is None]))
    counts, results = measures(count_behaviours(turn.codes for turn in turns), coaching)
    found = [note for note in notes if note.turn is not None]
    own_words = Terms(fact.word for fact in scenario.facts if fact.word)
    moments = so_what_moments(generic_words(scenario.opening, own_words), scenario.opening, turns)
    disclosures = judge_disclosures(scenario, coaching, turns)
    first_language = scenario.person.first_language
    language = [LanguageMoment(turn=t.n, language=first_language.name,
                               offered=any(u.offered_language for u in turns))
                for t in turns if t.language and first_language]
    alerts_missed = [n for n in notes if n.alert and n.turn is None]
    return Feedback(
        practice_id=practice_id, scenario_id=scenario.id, scenario_title=scenario.title,
        person_name=scenario.person.name, coached=coached, turns=len(turns),
        facts_total=len(notes), facts_uncovered=len(found), facts_hinted=sum(len(a.hinted) for a in areas),
        areas=areas,
        risks=[n for n in found if n.area == vocabulary.RISKS or n.alert],
        strengths=[n for n in found if n.area in vocabulary.strength_areas()],
        alerts_uncovered=[n for n in found if n.alert], alerts_missed=alerts_missed, disclosures=disclosures,
        counts=dict(counts), questions=counts["open_question"] + counts["closed_question"],
        reflections=counts["simple_reflection"] + counts["complex_reflection"], measures=results,
        jargon=[JargonUse(turn=turn.n, term=term, text=turn.text) for turn in turns for term in turn.jargon],
        so_what=moments, language=language,
        suggestions=suggestions(scenario, coaching, disclosures, alerts_missed, moments, language),
        draft="\n".join(drafts), scenario_what_matters=scenario.what_matters.strip(), debrief=debrief,
        transcript=[TurnNote(n=turn.n, text=turn.text, code=turn.code, behaviours=turn.codes, reply=turn.reply)
                    for turn in turns],
        opening=scenario.opening,
    )


def render_feedback(feedback: Feedback, fmt: str) -> str:
    """The feedback as md, html, json or txt (the Markdown's words without its marks, for a terminal); the
    md, txt and html come from sandboxed templates."""
    from convo.render import render

    if fmt == "json":
        return feedback.model_dump_json(indent=2) + "\n"
    if fmt not in ("md", "html", "txt"):
        raise ValueError(f"unknown format {fmt!r}: choose one of md, html, json")
    template = "feedback.md.j2" if fmt == "txt" else f"feedback.{fmt}.j2"
    return render(feedback, fmt, template=template, language="en")  # type: ignore[arg-type]
