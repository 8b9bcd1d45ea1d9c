"""The record of a conversation: the draft assessment and every item in it, as pydantic models.

These models are the contract: the JSON export and `convo schema` come from them, and the
templates read nothing else. Which areas there are, and which list each kind of item fills, is in
`convo.vocabulary`. A record written by an older convo reads with the defaults below; its
`schema_version` says which fields it could have had.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel as _PydanticModel
from pydantic import BeforeValidator, ConfigDict, Field

from convo import vocabulary

# Words from the vocabulary, checked against it whenever a model is read.
AreaId = Annotated[str, BeforeValidator(vocabulary.area_id),
                   vocabulary.Listed(lambda: list(vocabulary.AREAS), "An area of the conversation")]
KindId = Annotated[str, BeforeValidator(vocabulary.kind_id),
                   vocabulary.Listed(lambda: list(vocabulary.KINDS), "A kind of recorded item")]
# 1: the first records (no version written). 2: who took part, consent, communication,
# advocacy, capacity, the carer's own views, next steps as who/what/when with a review, a choice about
# each risk by whom and with what mitigation, and the time zone the draft's times are shown in.
SCHEMA_VERSION = 2

PractisedArea = Annotated[str, BeforeValidator(vocabulary.practised_area),
                          vocabulary.Listed(vocabulary.practised_areas, "An area practice explores")]


class BaseModel(_PydanticModel):
    # Schemas are built on first use, not at import, so line mode starts quickly.
    model_config = ConfigDict(defer_build=True)


class Audience(StrEnum):
    practitioner = "practitioner"
    carer = "carer"


class Source(StrEnum):
    """Whose words an item records."""

    person = "person"
    carer = "carer"
    practitioner = "practitioner"


class OutcomeType(StrEnum):
    change = "change"
    maintain = "maintain"
    process = "process"


class Entry(BaseModel):
    """Something said, kept exactly as typed."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int = Field(description="The sequence number of the event that recorded it")
    text: str = Field(description="The words exactly as typed")
    source: Source
    at: datetime
    label: str | None = Field(default=None, description="The question it answered, as the flow names it")
    choice: str | None = Field(default=None, description="The option chosen, when the question offered options")
    choice_label: str | None = Field(default=None, description="The option chosen, in words")
    language: str | None = Field(default=None, description="The language it was said in (en, cy); never translated")


class RiskDecision(BaseModel):
    """A choice about one risk (positive risk-taking): what was chosen, by whom, what was agreed to make it safer."""

    id: int = Field(description="The sequence number of the event that recorded the choice")
    at: datetime
    text: str = Field(description="The answer exactly as typed")
    choice: str | None = Field(default=None, description="yes, no or unsure; null if the answer picked none")
    choice_label: str | None = None
    chosen_by: Source = Field(description="Whose choice it is: the person's, or someone else's words")
    mitigation: list[Entry] = Field(default=[], description="What was agreed to make it safer, in the words typed")


class Risk(Entry):
    wants_to_take_risk: bool | None = Field(
        default=None,
        description="Whether the person wants to take this risk (positive risk-taking): set only from the "
                    "person's own choice about this risk; null if not discussed or chosen by someone else",
    )
    decision: RiskDecision | None = Field(default=None, description="The choice made about this risk, if any")


class NextStep(Entry):
    """A next step as typed, and its parts when it was written as who / what / when."""

    who: str | None = None
    what: str | None = None
    when: str | None = None


class Review(Entry):
    """When what was agreed will be looked at again, as typed, and as a date where it reads as one."""

    on: date | None = None


class Practitioner(BaseModel):
    """Who held the conversation, from their settings when it started."""

    name: str | None = None
    role: str | None = None
    team: str | None = None


class PersonalOutcome(BaseModel):
    """What matters to the person, in their own words, with everything explored about it."""

    number: int = Field(description="1-based, in the order outcomes were recorded")
    text: str
    source: Source
    at: datetime
    id: int
    type: OutcomeType | None = Field(default=None, description="change, maintain or process; null if not said")
    barriers: list[Entry] = []
    own_resources: list[Entry] = []
    others: list[Entry] = []
    community: list[Entry] = []
    risks: list[Risk] = []
    risk_decision: str | None = Field(
        default=None, description="Records before version 2: one choice for all the outcome's risks (see each "
                                  "risk's decision now)")
    meaning: list[Entry] = Field(default=[], description="What it means for them, asked with “so what?”")
    said: list[Entry] = Field(default=[], description="Other words said about this outcome")
    not_explored: dict[str, str] = Field(
        default={}, description="Area name to the reason it was not explored for this outcome"
    )


class Skip(BaseModel):
    area: AreaId
    stage: str
    title: str
    outcome: int | None = Field(default=None, description="1-based outcome number, if the area belongs to one")
    reason: str


class PathStep(BaseModel):
    """A move between the three conversations."""

    conversation: int
    at: datetime
    reason: str | None = None


class Alert(BaseModel):
    """A safeguarding concern: heard in what was said, or raised by hand, with what was done about it."""

    kind: str
    term: str = Field(description="The words that raised it, exactly as typed")
    text: str = Field(description="The answer that raised the alert (or the practitioner's note), exactly as typed")
    at: datetime
    id: int = Field(description="The sequence number of the event that raised it: an answer that tells two kinds of"
                                " harm raises two alerts with its number, each of its own category")
    category: str | None = Field(default=None, description="The kind of concern (see flows/notice/concerns.yaml)")
    category_label: str | None = None
    said_by: Source | None = Field(default=None, description="Whose words raised it")
    raised_by_hand: bool = Field(default=False, description="Raised by the practitioner rather than noticed")
    answer_taken_back: bool = Field(
        default=False, description="The answer that raised it was taken back afterwards (undone, or emptied on the"
                                   " carers' pages); the alert stands, with the words as they were said")
    answer_changed: bool = Field(
        default=False, description="The answer that raised it was written again afterwards (/rewrite, or changed"
                                   " on the carers' pages); the alert stands, with the words as first said")
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(
        default=None, description="Who acknowledged the alert: the practitioner's name from their settings and the"
                                  " account they were logged in as, or the account alone")
    seen_by_carer_at: datetime | None = Field(
        default=None, description="In a carer's own self-assessment: when the carer closed the alert, having been"
                                  " shown where to get help now. Not an acknowledgement: a practitioner acknowledges"
                                  " it later (acknowledged_at)")
    notes: list[Entry] = Field(
        default=[], description="What was noted after it: immediate danger, others at risk, their view, what was done"
    )
    left_out: list[Skip] = Field(
        default=[], description="The questions after it left out with /skip, and why")


class LanguageOffer(BaseModel):
    """The Active Offer: Welsh offered before anything else was asked, and the answer."""

    chosen: str | None = Field(description="The language chosen (cy, en); none: passed over with Enter")
    language: str = Field(description="The language the conversation went on in")


class Assessment(BaseModel):
    """The draft what-matters assessment: a fold of the conversation's events."""

    model_config = ConfigDict(defer_build=True, json_schema_extra={"version": SCHEMA_VERSION})

    schema_version: int = Field(default=1, description="The version of this schema the record was written with")
    id: str
    flow: str
    flow_title: str
    flow_version: int
    audience: Audience
    started_at: datetime
    ended_at: datetime | None = None
    draft: bool = Field(default=True, description="Always true: to be checked with the person")
    language_offer: LanguageOffer | None = Field(
        default=None, description="The Active Offer of Welsh, and what was chosen; none: it was not made")
    conversation: int = Field(description="The conversation (1, 2 or 3) the call is in now, or ended in")
    time_zone: str = Field(default="UTC", description="The time zone the draft shows times in (stored times are UTC)")
    practitioner: Practitioner | None = Field(default=None, description="Who held the conversation")
    person: list[Entry] = Field(default=[], description="Who the record is about: name and any reference, as given")
    present: list[Entry] = Field(default=[], description="Who took part, and how they are related to the person")
    consent: list[Entry] = Field(default=[], description="Whether the person agreed to the conversation")
    sharing: list[Entry] = Field(default=[], description="Whether they agreed to information being shared, "
                                                         "and with whom")
    communication: list[Entry] = Field(default=[], description="What helps them communicate: another language "
                                                               "or an interpreter, BSL, hearing, sight, speech")
    advocacy: list[Entry] = Field(default=[], description="Whether independent advocacy was considered")
    capacity: list[Entry] = Field(
        default=[], description="Whether their capacity to decide is in question: a note to follow up, never an "
                                "assessment of capacity")
    about: list[Entry] = []
    circumstances: list[Entry] = []
    general: dict[str, list[Entry]] = Field(
        default={}, description="Per-outcome areas said of no outcome in particular, by area name"
    )
    outcomes: list[PersonalOutcome] = []
    connect: list[Entry] = []
    crisis: list[Entry] = []
    good_life: list[Entry] = []
    call_results: list[Entry] = Field(default=[], description="What came of the call")
    agreement: list[Entry] = Field(default=[], description="Whether the person agrees with what was read back")
    carer_views: list[Entry] = Field(
        default=[], description="A carer's or family member's own views, kept apart from the person's")
    next_little_steps: list[Entry] = []
    next_steps: list[NextStep] = []
    review: Review | None = Field(default=None, description="When what was agreed will be looked at again")
    notes: list[Entry] = []
    decisions: list[Entry] = Field(default=[], description="Choices about where the conversation went next")
    safeguarding: list[Alert] = []
    safeguarding_notes: list[Entry] = []
    path: list[PathStep] = []
    skipped: list[Skip] = []
    not_reached: list[str] = Field(default=[], description="Areas the conversation has not reached")
    nothing_said: list[str] = Field(default=[], description="Areas asked about where nothing was said")
    not_asked: list[str] = Field(
        default=[], description="The fields above (consent, advocacy...) whose questions were passed over unasked")


def export_schema() -> dict:
    return Assessment.model_json_schema()
