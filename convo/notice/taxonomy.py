"""The kinds of concern convo listens for, read from flows/notice/concerns.yaml (wording is data)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from convo.flow.yamlfile import YamlProblems, read, validation_problems
from convo.paths import flows_dir
from convo.records import Audience
from convo.strict import Strict
from convo.templating import fill


class Category(Strict):
    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: str = Field(min_length=1)
    alert: str = Field(min_length=1, description="What an alert says the answer may mean")
    ask: dict[Audience, str] = Field(description="The sensitive question to ask next, per audience")
    help_now: bool = Field(default=False, description="Whether the alert also says where to get help now")


class Taxonomy(Strict):
    duty: dict[str, str]
    help_now: dict[Audience, str]
    categories: list[Category] = Field(min_length=1)

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(category.id for category in self.categories)

    def alert_text(self, category_id: str, said: str, audience: str, can_move: bool = True) -> str:
        """The banner's words: what the answer may mean, the duty or the help, and what to do now.
        `can_move` says the conversation's flow has a Conversation 2 to move to."""
        category = self.category(category_id)
        who = Audience(audience)
        parts = [f"SAFEGUARDING ({category.label}) — “{fill('{{ said }}', said=said)}”: {category.alert}"]
        if category.help_now:
            parts.append(self.help_now[who])
        parts.append(self.duty[who.value])
        if who == Audience.practitioner and "practitioner_move" in self.duty:
            parts.append(fill(self.duty["practitioner_move"], can_move=can_move))
        return " ".join(part for part in parts if part)

    def ask_text(self, category_id: str, audience: str) -> str:
        category = self.category(category_id)
        wording = category.ask.get(Audience(audience)) or next(iter(category.ask.values()))
        return f"Worth asking about ({category.label.lower()}): {wording}"


def load_taxonomy(path: str | Path) -> Taxonomy:
    document = read(path)
    try:
        return Taxonomy.model_validate(document.data)
    except ValidationError as error:
        raise YamlProblems(validation_problems(document, error)) from None


@lru_cache(maxsize=2)
def taxonomy(path: str | None = None) -> Taxonomy:
    return load_taxonomy(path or flows_dir() / "notice" / "concerns.yaml")
