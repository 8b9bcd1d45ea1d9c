"""Recognise what a trainee's words ask about safety: harm to the person themself, harm involving
other people, or safety in general. The word lists are data (`safety:` in coaching.yaml); this is
the small mechanism that reads them, so "Is anyone hurting you?" is heard as a safety question
and not as a question about someone's sister.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from convo.practice.words import Terms, plain
from convo.strict import Strict

SafetyKind = Literal["self", "others", "general"]


class SafetyWords(Strict):
    """The words a safety question is made of, by role."""

    harm: list[str] = Field(min_length=1, description="What someone might do to a person: hurt, hit, take advantage…")
    people: list[str] = Field(min_length=1, description="Who might do it: anyone, someone, he, she…")
    reflexive: list[str] = Field(min_length=1, description="Harm turned on oneself: yourself, your own life…")
    self_harm: list[str] = Field(min_length=1, description="Phrases that ask about suicide or self-harm outright")
    fear: list[str] = Field(min_length=1, description="Being afraid: frightened, scared, afraid…")
    general: list[str] = Field(min_length=1, description="Safety itself: safe, unsafe, safety…")
    accident: list[str] = Field(min_length=1, description="Words that make hurt an accident: fell, slipped…")
    things: list[str] = Field(default=[], description="Things named with a word of harm, which ask about no harm:"
                                                       " grab rails, blood pressure, a pressure cushion…")


_YOU = re.compile(r"\byou\b(?!r)", re.IGNORECASE)


class SafetyRecogniser:
    def __init__(self, words: SafetyWords):
        self.harm = Terms(words.harm)
        self.people = Terms(words.people)
        self.reflexive = Terms(words.reflexive)
        self.self_harm = Terms(words.self_harm)
        self.fear = Terms(words.fear)
        self.general = Terms(words.general)
        self.accident = Terms(words.accident)
        self.things = Terms(words.things)
        harm = self.harm.pattern
        # "hurting you", "taking advantage of you", "been hurt" (with "you" before it)
        self._harm_to_you = re.compile(rf"{harm}(?:\s+[\w']+){{0,3}}?\s+you\b(?!r)", re.IGNORECASE)
        self._you_harmed = re.compile(rf"\byou\b(?:\s+[\w']+){{0,3}}?\s+(?:being|been|get|got|getting)\s+{harm}",
                                      re.IGNORECASE)
        self._fear_of = re.compile(rf"{self.fear.pattern}\s+(?:of|by)\s+(?!fall|slip|trip)", re.IGNORECASE)

    def kind(self, text: str) -> SafetyKind | None:
        """What the words ask about: self-harm first, then harm from or to others, then safety in general."""
        said = plain(text)
        if self.things:  # "Have you got grab rails?" asks about rails, not about being grabbed
            said = re.sub(self.things.pattern, " ", said, flags=re.IGNORECASE)
        accidental = self.accident.search(said)
        if self.self_harm.search(said) or (self.harm.search(said) and self.reflexive.search(said) and not accidental):
            return "self"
        if self.harm.search(said) and not accidental and (
                self.people.search(said) or self._harm_to_you.search(said) or self._you_harmed.search(said)):
            return "others"
        if self._fear_of.search(said) and (self.people.search(said) or _YOU.search(said)):
            return "others"
        if self.general.search(said) or (self.fear.search(said) and _YOU.search(said)):
            return "general"
        return None
