"""Feedback at the end of a practice: what came out and what was missed, how the trainee asked, and
their own reflection. A pydantic model, so JSON comes straight from it and templates read only it.

The ratios are compared with the MITI thresholds named in flows/practice/coaching.yaml:
reflection-to-question ratio and % complex reflections from MITI 4.2.1, % open questions from MITI 3.1.1.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from convo.practice.coaching import Coaching, Measure
from convo.practice.person import Turn, generic_words
from convo.practice.scenario import Scenario

CODES = ("open_question", "closed_question", "simple_reflection", "complex_reflection", "information", "advice",
         "other")
QUESTIONS = ("open_question", "closed_question")
REFLECTIONS = ("simple_reflection", "complex_reflection")
STRENGTH_AREAS = ("own_resources", "others", "community")

Level = Literal["good", "fair", "below_fair", "not_enough"]


class FactNote(BaseModel):
    id: str
    area: str
    summary: str
    alert: bool = False
    turn: int | None = None


class AreaReport(BaseModel):
    area: str
    label: str
    uncovered: list[FactNote]
    missed: list[FactNote]


class MeasureResult(BaseModel):
    name: str
    label: str
    value: float | None
    shown: str
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
    """The person used a generic word; did the trainee's next turn ask what it means to them?"""

    word: str
    person_said: str
    turn: int | None
    followed: bool
    next_text: str | None


class Debrief(BaseModel):
    """What? So what? Now what? in the trainee's words."""

    what: str = ""
    so_what: str = ""
    now_what: str = ""


class TurnNote(BaseModel):
    n: int
    text: str
    code: str
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
    areas: list[AreaReport]
    risks: list[FactNote]
    strengths: list[FactNote]
    alerts_uncovered: list[FactNote]
    alerts_missed: list[FactNote]
    counts: dict[str, int]
    questions: int
    reflections: int
    measures: list[MeasureResult]
    jargon: list[JargonUse]
    so_what: list[SoWhatMoment]
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


def _measure(name: str, spec: Measure, numerator: int, denominator: int) -> MeasureResult:
    value = numerator / denominator if denominator else None
    if value is None:
        level: Level = "not_enough"
    elif value >= spec.good:
        level = "good"
    elif value >= spec.fair:
        level = "fair"
    else:
        level = "below_fair"
    return MeasureResult(
        name=name, label=spec.label, value=value, shown=_shown(value, spec.kind) if value is not None else "—",
        fair=spec.fair, good=spec.good,
        fair_shown=_shown(spec.fair, spec.kind), good_shown=_shown(spec.good, spec.kind),
        level=level, source=spec.source,
    )


def measures(codes: Iterable[str], coaching: Coaching) -> tuple[Counter[str], list[MeasureResult]]:
    """Counts of each code, and the three ratios beside their MITI thresholds."""
    counts = Counter(dict.fromkeys(CODES, 0))
    counts.update(codes)
    questions = counts["open_question"] + counts["closed_question"]
    reflections = counts["simple_reflection"] + counts["complex_reflection"]
    spec = coaching.measures
    return counts, [
        _measure("reflection_to_question", spec.reflection_to_question, reflections, questions),
        _measure("complex_reflections", spec.complex_reflections, counts["complex_reflection"], reflections),
        _measure("open_questions", spec.open_questions, counts["open_question"], questions),
    ]


def so_what_moments(opening: str, turns: list[Turn]) -> list[SoWhatMoment]:
    moments = []
    lines = [(opening, generic_words(opening))] + [(turn.reply, turn.reply_words) for turn in turns]
    for index, (line, words) in enumerate(lines):
        following = turns[index] if index < len(turns) else None
        for word in words:
            followed = (following is not None and following.follows_up is not None
                        and following.follows_up.casefold() == word.casefold())
            moments.append(SoWhatMoment(word=word, person_said=line, turn=following.n if following else None,
                                        followed=followed, next_text=following.text if following else None))
    return moments


def compute(*, practice_id: str, scenario: Scenario, coaching: Coaching, turns: list[Turn], coached: bool,
            drafts: list[str], debrief: Debrief) -> Feedback:
    revealed_at = {fact_id: turn.n for turn in turns for fact_id in turn.revealed}
    notes = [FactNote(id=f.id, area=f.area, summary=f.summary, alert=f.alert, turn=revealed_at.get(f.id))
             for f in scenario.facts]
    areas = []
    for area, label in coaching.areas.items():
        here = [note for note in notes if note.area == area]
        if here:
            areas.append(AreaReport(area=area, label=label, uncovered=[n for n in here if n.turn is not None],
                                    missed=[n for n in here if n.turn is None]))
    counts, results = measures((turn.code for turn in turns), coaching)
    found = [note for note in notes if note.turn is not None]
    return Feedback(
        practice_id=practice_id, scenario_id=scenario.id, scenario_title=scenario.title,
        person_name=scenario.person.name, coached=coached, turns=len(turns),
        facts_total=len(notes), facts_uncovered=len(found), areas=areas,
        risks=[n for n in found if n.area == "risk" or n.alert],
        strengths=[n for n in found if n.area in STRENGTH_AREAS],
        alerts_uncovered=[n for n in found if n.alert],
        alerts_missed=[n for n in notes if n.alert and n.turn is None],
        counts=dict(counts), questions=counts["open_question"] + counts["closed_question"],
        reflections=counts["simple_reflection"] + counts["complex_reflection"], measures=results,
        jargon=[JargonUse(turn=turn.n, term=term, text=turn.text) for turn in turns for term in turn.jargon],
        so_what=so_what_moments(scenario.opening, turns),
        draft="\n".join(drafts), scenario_what_matters=scenario.what_matters.strip(), debrief=debrief,
        transcript=[TurnNote(n=turn.n, text=turn.text, code=turn.code, reply=turn.reply) for turn in turns],
        opening=scenario.opening,
    )


def render_feedback(feedback: Feedback, fmt: str) -> str:
    """The feedback as md, html or json; the md and html come from sandboxed templates."""
    from convo.render import render

    if fmt == "json":
        return feedback.model_dump_json(indent=2) + "\n"
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown format {fmt!r}: choose one of md, html, json")
    return render(feedback, fmt, template=f"feedback.{fmt}.j2")  # type: ignore[arg-type]
