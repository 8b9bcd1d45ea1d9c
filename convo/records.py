"""The record of a conversation: the draft assessment and every item in it, as pydantic models.

These models are the contract: the JSON export and `convo schema` come from them, and the
templates read nothing else. Which areas there are, and which list each kind of item fills, is in
`convo.vocabulary`.
"""

from __future__ import annotations

from datetime import datetime
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


class Risk(Entry):
    wants_to_take_risk: bool | None = Field(
        default=None,
        description="Whether the person wants to take this risk (positive risk-taking); null if not discussed",
    )


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
    risk_decision: str | None = Field(default=None, description="What the person decided about taking the risks")
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
    id: int
    category: str | None = Field(default=None, description="The kind of concern (see flows/notice/concerns.yaml)")
    category_label: str | None = None
    said_by: Source | None = Field(default=None, description="Whose words raised it")
    raised_by_hand: bool = Field(default=False, description="Raised by the practitioner rather than noticed")
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = Field(default=None, description="The account that acknowledged the alert")
    notes: list[Entry] = Field(
        default=[], description="What was noted after it: immediate danger, others at risk, their view, what was done"
    )


class LanguageOffer(BaseModel):
    """The Active Offer: Welsh offered before anything else was asked, and the answer."""

    chosen: str | None = Field(description="The language chosen (cy, en); none: passed over with Enter")
    language: str = Field(description="The language the conversation went on in")


class Assessment(BaseModel):
    """The draft what-matters assessment: a fold of the conversation's events."""

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
    conversation: int = Field(description="The conversation (1, 2 or 3) the call is in now")
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
    next_little_steps: list[Entry] = []
    next_steps: list[Entry] = []
    notes: list[Entry] = []
    decisions: list[Entry] = Field(default=[], description="Choices about where the conversation went next")
    safeguarding: list[Alert] = []
    safeguarding_notes: list[Entry] = []
    path: list[PathStep] = []
    skipped: list[Skip] = []
    not_reached: list[str] = Field(default=[], description="Areas the conversation has not reached")
    nothing_said: list[str] = Field(default=[], description="Areas asked about where nothing was said")


def export_schema() -> dict:
    return Assessment.model_json_schema()
