"""The domain's words, in one table: the areas a conversation explores, the kinds of thing it records and
the record's sections they fill, what an answer can be re-filed as, the three conversations, and the ways
a conversation starts.

Records, flow files, the engine, the fold, the draft, the summary, practice and every face read these
entries; none spells them out again. Adding an area is one `Area` here and its questions in a flow file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Area:
    """Where in the conversation something belongs; the line-mode protocol and /goto name it by `id`."""

    id: str
    label: str  # as the practitioner's draft heads it
    carer_label: str  # as a carer reads it
    section: str | None  # the record's list its answers fill (for a per-outcome area, each outcome's list)
    per_outcome: bool = False  # asked once for each thing that matters
    kind: str | None = None  # what an answer here usually is
    general_label: str | None = None  # a per-outcome area's heading for what belongs to no outcome in particular
    strength: bool = False  # strengths of the person, their family or their community: start with these
    practised: bool = False  # a fact a simulated person holds in practice may belong here
    suggests: bool = True  # answers here may bring suggestions (people, places, risks); alerts are always heard


@dataclass(frozen=True)
class Kind:
    """What a recorded item is. A flow stage names the kind it captures."""

    id: str
    section: str | None  # the record's list it fills; for a kind recorded per outcome, each outcome's list
    area: str | None  # where it is filed when re-filed or noted by command (None: where the conversation is)
    refile: bool = False  # /refile offers it, by its id
    cue: str | None = None  # the kind of suggestion that records it when taken up
    plan: bool = False  # what will be done (a step, a mitigation): its words are of harm and money by nature


@dataclass(frozen=True)
class Part:
    """One of the three conversations of the model."""

    number: int
    title: str  # the model's own name for it
    short: str  # a word or two, after its number
    why: str  # what moving there is for, in a few words

    @property
    def name(self) -> str:
        return f"Conversation {self.number}"


@dataclass(frozen=True)
class Start:
    """A way to begin, as the start screen offers it: a flow, for whom."""

    id: str
    label: str
    hint: str
    flow: str | None  # None: practice, with a simulated person
    audience: str
    mode: str = "conversation"


DETAILS, ABOUT, CIRCUMSTANCES, OUTCOMES, BARRIERS, OWN_RESOURCES, OTHERS, COMMUNITY, RISKS = (
    "details", "about", "circumstances", "outcomes", "barriers", "own_resources", "others", "community", "risks")
CONNECT, CRISIS, GOOD_LIFE, CLOSING = "connect", "crisis", "good_life", "closing"

AREAS: dict[str, Area] = {area.id: area for area in (
    # Facts about the conversation itself: who took part, consent, communication, advocacy, capacity.
    Area(DETAILS, "About this conversation", "About this conversation", None, suggests=False),
    Area(ABOUT, "Who and why now", "About you", "about", kind="about"),
    Area(CIRCUMSTANCES, "Personal circumstances", "Your life at the moment", "circumstances", kind="circumstance",
         practised=True),
    Area(OUTCOMES, "What matters (personal outcomes)", "What matters to you", "outcomes", kind="outcome",
         practised=True),
    Area(BARRIERS, "Barriers", "What gets in the way", BARRIERS, per_outcome=True, kind="barrier",
         general_label="In the way, generally", practised=True),
    Area(OWN_RESOURCES, "Strengths and own resources", "What you can do yourself", OWN_RESOURCES, per_outcome=True,
         kind="strength", general_label="Going well and strengths", strength=True, practised=True),
    Area(OTHERS, "Support from others", "Who helps", OTHERS, per_outcome=True, kind="support",
         general_label="People around them", strength=True, practised=True),
    Area(COMMUNITY, "Community", "What's around you", COMMUNITY, per_outcome=True, kind="community",
         general_label="Around them", strength=True, practised=True),
    Area(RISKS, "Risks", "What could go wrong", RISKS, per_outcome=True, kind="risk", general_label="Risks, generally",
         practised=True),
    Area(CONNECT, "Information, advice and connections", "What could help", "connect", kind="connection"),
    Area(CRISIS, "Crisis: what needs to change to be safe", "Getting safe", "crisis", kind="crisis"),
    Area(GOOD_LIFE, "A good life, and the shape of help", "A good life", "good_life", kind="good_life"),
    Area(CLOSING, "Closing", "Finishing", None),
)}

OUTCOME, OUTCOME_TYPE, RISK, RISK_CHOICE, NOTE = "outcome", "outcome_type", "risk", "risk_choice", "note"
RISK_MITIGATION, MEANING, REVIEW, NEXT_STEP = "risk_mitigation", "meaning", "review", "next_step"

KINDS: dict[str, Kind] = {kind.id: kind for kind in (
    Kind("identity", "person", DETAILS),
    Kind("present", "present", DETAILS),
    Kind("consent", "consent", DETAILS),
    Kind("sharing", "sharing", DETAILS),
    Kind("communication", "communication", DETAILS),
    Kind("advocacy", "advocacy", DETAILS),
    Kind("capacity", "capacity", DETAILS),
    Kind("about", "about", ABOUT),
    Kind("circumstance", "circumstances", CIRCUMSTANCES),
    Kind(OUTCOME, None, OUTCOMES, refile=True),  # an outcome is the record's spine, not a line in a list
    Kind(OUTCOME_TYPE, None, OUTCOMES),  # change, maintain or process: said of its outcome
    Kind("barrier", BARRIERS, BARRIERS, refile=True),
    Kind("strength", OWN_RESOURCES, OWN_RESOURCES, refile=True),
    Kind("support", OTHERS, OTHERS, refile=True, cue="people"),
    Kind("community", COMMUNITY, COMMUNITY, refile=True, cue="community"),
    Kind(RISK, RISKS, RISKS, refile=True, cue="risk"),
    Kind(RISK_CHOICE, None, RISKS),  # whether to take one risk, and who chose: said of that risk
    Kind(RISK_MITIGATION, None, RISKS, plan=True),  # what was agreed to make a risk chosen safer: said of that risk
    Kind(MEANING, None, OUTCOMES),  # what an outcome means for them ("so what?"): said of its outcome
    Kind("carer_view", "carer_views", OUTCOMES),  # a carer's own view, kept apart from the person's
    Kind("connection", "connect", CONNECT),
    Kind("crisis", "crisis", CRISIS),
    Kind("good_life", "good_life", GOOD_LIFE),
    Kind("support_shape", "good_life", GOOD_LIFE),
    Kind("call_result", "call_results", CLOSING),
    Kind("agreement", "agreement", CLOSING),
    Kind("next_little_step", "next_little_steps", CLOSING, plan=True),
    Kind(NEXT_STEP, "next_steps", CLOSING, plan=True),
    Kind(REVIEW, None, CLOSING),  # when it is looked at again: the record holds one
    Kind("safeguarding", "safeguarding_notes", RISKS),
    Kind(NOTE, "notes", None),
    Kind("decision", "decisions", CLOSING),
)}

# Kinds that record a plan of what will be done: only a phrase pattern raises an alert in them (and the model
# a risk to life, at the risks areas' bar: convo.notice.detector).
PLANS = frozenset(kind.id for kind in KINDS.values() if kind.plan)

PARTS: dict[int, Part] = {part.number: part for part in (
    Part(1, "Listen and connect", "listen and connect", "understand what matters and connect them"),
    Part(2, "Work intensively with people in crisis", "crisis", "work intensively with them now"),
    Part(3, "Build a good life", "a good life", "once 1 (and 2) are done"),
)}

STARTS: tuple[Start, ...] = (
    Start("practitioner-call", "Practitioner call", "the three conversations, from listening to a good life",
          "three-conversations", "practitioner"),
    Start("what-matters", "What matters only", "the what-matters elements, one outcome at a time",
          "what-matters", "practitioner"),
    Start("carer", "Carer self-assessment", "a carer, in their own words", "carer", "carer"),
    Start("practice", "Practice", "rehearse a conversation with a simulated person", None, "practitioner",
          mode="practice"),
)
DEFAULT_FLOW = STARTS[0].flow or ""  # the first way to begin: a practitioner's call

# A stored conversation's status, as every face says it.
STATUS_WORDS = {"open": "unfinished", "ended": "finished"}


# -- reading the table ---------------------------------------------------------------------------------


def area(area_id: str) -> Area:
    return AREAS[area_id]


def kind(kind_id: str) -> Kind:
    return KINDS[kind_id]


def part(number: int) -> Part:
    return PARTS[number]


def per_outcome_areas() -> list[Area]:
    return [a for a in AREAS.values() if a.per_outcome]


def per_outcome_kind(kind_id: str) -> bool:
    """Whether an item of this kind belongs to one outcome (a barrier, a strength, a risk...)."""
    found = KINDS.get(kind_id)
    return found is not None and found.section is not None and found.section in _per_outcome_sections()


def _per_outcome_sections() -> set[str]:
    return {a.section for a in AREAS.values() if a.per_outcome and a.section}


def sections() -> list[str]:
    """The record's lists filled by items that belong to no outcome, each once, in the table's order."""
    per_outcome = _per_outcome_sections()
    found = [k.section for k in KINDS.values() if k.section is not None and k.section not in per_outcome]
    found += [a.section for a in AREAS.values() if a.section and not a.per_outcome and a.section != OUTCOMES]
    return list(dict.fromkeys(found))


def section_of(item_kind: str, item_area: str | None = None) -> str:
    """The record's list an item goes to: its kind's, else its area's, else the notes."""
    found = KINDS.get(item_kind)
    if found is not None and found.section is not None:
        return found.section
    where = AREAS.get(item_area or "")
    if where is not None and where.section is not None and not where.per_outcome and where.section != OUTCOMES:
        return where.section
    return "notes"


def refile_kinds() -> list[str]:
    return [k.id for k in KINDS.values() if k.refile]


def captured_by_cue(cue_kind: str) -> Kind | None:
    """The kind of item a suggestion of this kind records when it is taken up, if any."""
    return next((k for k in KINDS.values() if k.cue == cue_kind), None)


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def start(start_id: str) -> Start:
    return next(s for s in STARTS if s.id == start_id)


def strength_areas() -> list[str]:
    return [a.id for a in AREAS.values() if a.strength]


def practised_areas() -> list[str]:
    return [a.id for a in AREAS.values() if a.practised]


# -- checking a word read from a file (pydantic calls these; records.py makes them field types) --------------


def _one_of(words: list[str]) -> str:
    quoted = [repr(word) for word in words]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else "".join(quoted)


def _refused(what: str, words: list[str]) -> Exception:
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(what, "Input should be {expected}", {"expected": _one_of(words)})


def area_id(value: Any) -> Any:
    if isinstance(value, str) and value in AREAS:
        return value
    raise _refused("area", list(AREAS))


def kind_id(value: Any) -> Any:
    if isinstance(value, str) and value in KINDS:
        return value
    raise _refused("kind", list(KINDS))


def practised_area(value: Any) -> Any:
    """A practice fact's area by its id, or (as scenarios written earlier say) by the kind of its answers."""
    practised = practised_areas()
    if isinstance(value, str):
        value = {AREAS[a].kind: a for a in practised}.get(value, value)
        if value in practised:
            return value
    raise _refused("area", practised)


class Listed:
    """The JSON Schema of a word from the table: a string, one of those in it when the schema is made."""

    def __init__(self, words: Callable[[], list[str]], description: str):
        self.words, self.description = words, description

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "enum": self.words(), "description": self.description}
