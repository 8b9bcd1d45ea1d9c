"""The kinds of concern convo listens for, read from flows/notice/concerns.yaml (wording is data).

Every wording there is given in English and Welsh (`{en: …, cy: …}`); an alert or a question is worded in
the language asked for, else in English.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.language import Language, pick
from convo.paths import flows_dir
from convo.records import Audience
from convo.strict import Strict
from convo.templating import fill

# A wording a person reads: in the file's one language, or per language.
Wording = str | dict[Language, str]


class Category(Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    names: Wording = Field(alias="label", description="The kind of concern, as an alert names it")
    alert: Wording = Field(description="What an alert says the answer may mean")
    alert_to: dict[Audience, Wording] = Field(
        default={}, description="What an alert says the answer may mean, for an audience it says it otherwise to: a "
                                "carer reads of a risk to their own life as 'your life', not 'their life'")
    ask: dict[Audience, Wording] = Field(description="The sensitive question to ask next, per audience")
    help_now: bool = Field(default=False, description="Whether the alert also says where to get help now")
    duty: dict[Audience, Wording] = Field(
        default={}, description="What the alert says to do in place of the duty to report, per audience: for a kind"
                                " of concern that is not abuse or neglect by itself (a risk to one's own life)")

    @property
    def label(self) -> str:
        """The kind of concern in English, as the record names it."""
        return self.label_in("en")

    def label_in(self, language: str) -> str:
        return str(pick(self.names, language))


class Frames(Strict):
    """How an alert and a question put their parts together: the kind of concern, the words, the meaning."""

    alert: Wording = Field(description="{{ label }}, {{ said }} and {{ meaning }}")
    ask: Wording = Field(description="{{ label }} and {{ question }}")


class Taxonomy(Strict):
    frames: Frames
    duty: dict[str, Wording]
    help_now: dict[Audience, Wording]
    categories: list[Category] = Field(min_length=1)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)

    def alert_text(self, category_id: str, said: str, audience: str, can_move: bool = True,
                   language: str = "en", short: bool = False) -> str:
        """The banner's words in `language`: what the answer may mean, the duty or the help, and what to do
        now. `can_move` says the conversation's flow has a Conversation 2 to move to. `short` leaves out
        the duty and what to do now (for a banner shown below another that says them), never the help."""
        category = self.category(category_id)
        who = Audience(audience)
        meaning = category.alert_to.get(who) or category.alert
        parts = [fill(pick(self.frames.alert, language), label=category.label_in(language), said=said.strip(),
                      meaning=pick(meaning, language))]
        if category.help_now:
            parts.append(pick(self.help_now[who], language))
        if short:
            return " ".join(part for part in parts if part)
        duty = category.duty.get(who) or self.duty[who.value]
        if who == Audience.carer and category.help_now and "carer_after_help" in self.duty:
            duty = self.duty["carer_after_help"]  # 999 and "not alone" were in the help just said
        parts.append(pick(duty, language))
        if who == Audience.practitioner and "practitioner_move" in self.duty:
            parts.append(fill(pick(self.duty["practitioner_move"], language), can_move=can_move))
        return " ".join(part for part in parts if part)

    def ask_text(self, category_id: str, audience: str, language: str = "en") -> str:
        """The quiet suggestion's words in `language`: the kind of concern and the question to ask next."""
        category = self.category(category_id)
        wording = category.ask.get(Audience(audience)) or next(iter(category.ask.values()))
        return fill(pick(self.frames.ask, language), label=category.label_in(language).lower(),
                    question=pick(wording, language))


def load_taxonomy(path: str | Path) -> Taxonomy:
    document = read(path)
    try:
        return Taxonomy.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None


@lru_cache(maxsize=2)
def taxonomy(path: str | None = None) -> Taxonomy:
    return load_taxonomy(path or flows_dir() / "notice" / "concerns.yaml")
