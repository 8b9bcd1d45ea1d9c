"""What a face can ask of a conversation, as types.

A screen sends `GoTo(area="barriers", outcome=1)`, never the text `/goto barriers 1`; `Conversation.handle`
takes any of these and returns the outputs. Only line mode types text, which `convo.engine.parse` turns
into these. Outcomes are numbered from 1, as a person counts them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    """A line said in answer, exactly as typed; an empty one means "nothing (more) here" and moves on."""

    text: str


@dataclass(frozen=True)
class Skip:
    """Leave this question out for now; the reason goes into the draft ("" for none given)."""

    reason: str = ""


@dataclass(frozen=True)
class Back:
    """Go back to the question before."""


@dataclass(frozen=True)
class GoTo:
    """Go to an area (its first question) or to one question by its stage id, for an outcome if it is
    asked per outcome (None: the outcome in hand, or the first)."""

    area: str
    outcome: int | None = None


@dataclass(frozen=True)
class Refile:
    """File an answer as another kind: the item numbered (None: the last answer), for an outcome
    (None: the outcome it belongs to, or the one in hand)."""

    kind: str
    item: int | None = None
    outcome: int | None = None


@dataclass(frozen=True)
class Move:
    """Move to Conversation 2 or 3; a reason lets the move go ahead where the flow would otherwise refuse it."""

    part: int
    reason: str = ""


@dataclass(frozen=True)
class Acknowledge:
    """Say a safeguarding alert has been seen: the one raised by this event (None: the oldest waiting)."""

    alert: int | None = None


@dataclass(frozen=True)
class RaiseConcern:
    """A safeguarding concern raised by hand: its kind (see flows/notice/concerns.yaml) and what was noticed."""

    category: str
    note: str


@dataclass(frozen=True)
class Speaker:
    """Whose words the next answers are: person, carer or practitioner."""

    who: str


@dataclass(frozen=True)
class Accept:
    """Take up a suggestion (its id; "" for the latest waiting)."""

    cue: str = ""


@dataclass(frozen=True)
class Dismiss:
    """Set a suggestion aside (its id; "" for the latest waiting)."""

    cue: str = ""


@dataclass(frozen=True)
class Capture:
    """Record something directly, as a kind (a risk, a strength, the practitioner's own note)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Name:
    """Mark a name, to be hidden when the draft is exported redacted."""

    text: str


@dataclass(frozen=True)
class Undo:
    """Take back the last thing recorded or done."""


@dataclass(frozen=True)
class Rewrite:
    """Say this instead of what was written at the question in hand: the new words are recorded, then the
    earlier answers there are taken back (kept in the log as undone; an alert they raised stands). Words
    the same as those that stand record nothing."""

    text: str


@dataclass(frozen=True)
class End:
    """Finish the conversation; it can be read and exported, not added to."""


@dataclass(frozen=True)
class ChooseLanguage:
    """Carry on the conversation in another language: "en" or "cy"."""

    language: str


@dataclass(frozen=True)
class Help:
    """Say what can be typed."""


Command = (Answer | Skip | Back | GoTo | Refile | Move | Acknowledge | RaiseConcern | Speaker | Accept | Dismiss
           | Capture | Name | Undo | Rewrite | End | Help | ChooseLanguage)
