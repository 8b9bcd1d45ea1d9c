"""The shape of a flow file, as pydantic models: parts, stages, loops, interrupts and conditions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, StringConstraints, Tag

from convo.language import Language
from convo.records import AreaId, Audience, KindId, Source
from convo.strict import Strict

StageId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
Condition = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class Choice(Strict):
    value: StageId
    label: str = Field(min_length=1)
    says: list[str] = Field(default=[], description="Other words that pick this choice")
    ages: tuple[int, int] | None = Field(
        default=None, description="An age from the first to the second, in digits or words, picks this choice")


class Route(Strict):
    to: StageId
    when: Condition | list[Condition] | None = None


class Stage(Strict):
    """One question area: the prompt, and the kind of item each answer becomes."""

    id: StageId
    title: str = Field(min_length=1, max_length=80)
    area: AreaId
    captures: KindId
    prompt: dict[Audience, str]
    again: dict[Audience, str] = Field(default={}, description="Asked after an answer, for more")
    choices: list[Choice] = []
    single: bool = Field(default=False, description="One answer moves on; otherwise a blank line does")
    choices_only: bool = Field(
        default=False, description="An answer that picks none of the choices is kept, and the question asked again")
    offers_language: bool = Field(
        default=False, description="The Active Offer: its choices are languages (en, cy); the one chosen is the "
                                   "conversation's from then on, a blank answer keeps the one it is in; either "
                                   "way the offer is recorded as made, and nothing else")
    next: StageId | list[Route] | None = None
    skip_when: Condition | list[Condition] | None = None
    skip_reason: str | None = None
    optional: bool = Field(
        default=False, description="An opening question a practitioner may pass over: a blank answer records "
                                   "it as not asked and moves on")
    several: bool = Field(
        default=False, description="One line may pick several choices (“1, 4, 9”): each is recorded on its own")
    source: Source | None = Field(
        default=None, description="Whose words answers here are, in a practitioner's conversation: the "
                                  "practitioner's own note, or a carer's own view; otherwise whoever is speaking")
    audiences: list[Audience] | None = Field(
        default=None, description="Asked only in conversations with these audiences; passed over, and left out "
                                  "of the record, in others")
    from_carer: KindId | None = Field(
        default=None, description="What an answer here is recorded as when a carer or family member says it, in a "
                                  "practitioner's conversation (their own view, kept apart from the person's)")


class Loop(Strict):
    """Stages asked once for each personal outcome."""

    id: StageId
    title: str = Field(min_length=1, max_length=80)
    for_each: Literal["outcome"]
    stages: list[Stage] = Field(min_length=1)
    next: StageId | list[Route] | None = None


def _stage_or_loop(value: Any) -> str:
    has_for_each = "for_each" in value if isinstance(value, dict) else hasattr(value, "for_each")
    return "loop" if has_for_each else "stage"


StageOrLoop = Annotated[
    Annotated[Stage, Tag("stage")] | Annotated[Loop, Tag("loop")], Discriminator(_stage_or_loop)
]


class Part(Strict):
    """A group of stages; in the three-conversations flow, one of the conversations or the closing."""

    id: StageId
    title: str = Field(min_length=1, max_length=80)
    conversation: Literal[1, 2, 3] | None = None
    enter_when: Condition | list[Condition] | None = None
    blocked: str | None = Field(default=None, description="Said when a move here is refused without a reason")
    stages: list[StageOrLoop] = Field(min_length=1)


class Interrupt(Strict):
    """Asked whenever a cue of a kind appears, then the conversation returns to where it was."""

    id: StageId
    title: str = Field(min_length=1, max_length=80)
    on: Literal["risk", "safeguarding"]
    area: AreaId
    captures: KindId
    prompt: dict[Audience, str]
    unless_area: list[AreaId] = []
    then: StageId | None = Field(default=None, description="The next question of this check (another interrupt)")
    practitioner_notes: bool = Field(
        default=False, description="In a practitioner's conversation, answers here are the practitioner's own words"
    )


class FlowFile(Strict):
    id: StageId
    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=80)
    description: str = ""
    language: str = Field(default="en", description="The language of wording given as a plain string")
    languages: list[Language] = Field(
        default=[], description="The languages every wording is given in ({en: …, cy: …}); none: only `language`")
    audiences: list[Audience] = Field(min_length=1)
    parts: list[Part] = Field(min_length=1)
    interrupts: list[Interrupt] = []
