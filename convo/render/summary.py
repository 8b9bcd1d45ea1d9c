"""The carer's summary, "What you told us": the record's answers grouped by the question they
answered, in the order they were first given. It reads only the record and adds no words of its
own; the summary templates hold all the wording."""

from __future__ import annotations

from dataclasses import dataclass, field

from convo import vocabulary
from convo.records import Assessment, Entry, PersonalOutcome, Skip
from convo.render import wording


@dataclass(frozen=True)
class Answers:
    """Everything said in answer to one question (`title` is None for things added by command)."""

    title: str | None
    entries: list[Entry]

    @property
    def first(self) -> int:
        return min(entry.id for entry in self.entries)


@dataclass(frozen=True)
class ThingThatMatters:
    outcome: PersonalOutcome
    answers: list[Answers]
    left_out: list[Skip]


@dataclass(frozen=True)
class Summary:
    """`parts` in the order first answered; `matters` sits where the first thing that matters was said."""

    parts: list[Answers]
    matters: list[ThingThatMatters]
    matters_at: int
    left_out: list[Skip] = field(default_factory=list)
    left_blank: list[str] = field(default_factory=list)
    not_reached: list[str] = field(default_factory=list)

    @property
    def before_matters(self) -> list[Answers]:
        return [part for part in self.parts if part.first < self.matters_at]

    @property
    def after_matters(self) -> list[Answers]:
        return [part for part in self.parts if part.first >= self.matters_at]

    @property
    def empty(self) -> bool:
        return not self.parts and not self.matters


def grouped(entries: list[Entry]) -> list[Answers]:
    """Entries grouped by the question they answered, each group where its first answer came."""
    groups: dict[str | None, list[Entry]] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        groups.setdefault(entry.label, []).append(entry)
    return [Answers(title, items) for title, items in groups.items()]


def summarise(record: Assessment, languages: tuple[str, ...] = ("en",)) -> Summary:
    loose: list[Entry] = [entry for name in vocabulary.sections() for entry in getattr(record, name)]
    loose += [entry for items in record.general.values() for entry in items]
    # What they said at the questions after an alert is kept with the alert in the draft; it is theirs too.
    loose += [note for alert in record.safeguarding for note in alert.notes if note.source != "practitioner"]
    matters = [
        ThingThatMatters(
            outcome=outcome,
            answers=grouped([entry for name in _outcome_lists() for entry in getattr(outcome, name)]
                            + _decisions(outcome, languages)),
            left_out=[skip for skip in record.skipped if skip.outcome == outcome.number],
        )
        for outcome in record.outcomes
    ]
    matters_at = min((o.id for o in record.outcomes), default=1 << 62)
    return Summary(
        parts=grouped(loose), matters=matters, matters_at=matters_at,
        left_out=[skip for skip in record.skipped if skip.outcome is None],
        left_blank=[_for_you(name, record, languages) for name in record.nothing_said],
        not_reached=[_for_you(name, record, languages) for name in record.not_reached],
    )


def _decisions(outcome: PersonalOutcome, languages: tuple[str, ...]) -> list[Entry]:
    """What was chosen about each risk, and what makes it safer: the draft keeps them with the risk; the
    carer reads them as answers of their own ("Taking the risk: Not sure yet")."""
    found: list[Entry] = []
    for risk in outcome.risks:
        if (decision := risk.decision) is not None:
            label = " / ".join(wording.words("summary.risk_choice", language) for language in languages)
            found.append(Entry(id=decision.id, text=decision.text, source=decision.chosen_by, at=decision.at,
                               label=label, choice=decision.choice, choice_label=decision.choice_label,
                               language=risk.language))
            found += decision.mitigation
    return found


def _outcome_lists() -> list[str]:
    """Each outcome's lists of answers: one for each area asked per outcome, and what else was said of it."""
    return [area.section or area.id for area in vocabulary.per_outcome_areas()] + ["meaning", "said"]


def _for_you(place: str, record: Assessment, languages: tuple[str, ...]) -> str:
    """The draft names an outcome by its number; a carer reads it in their own words (in each language asked
    for, side by side)."""

    def outcome(number: int, language: str, inside: bool) -> str:
        text = record.outcomes[number - 1].text if 0 < number <= len(record.outcomes) else str(number)
        return wording.words("summary.about_outcome", language, text=text) if inside else f"“{text}”"

    found = wording.place(place)
    return " / ".join(wording.place_words(found, language, outcome) for language in languages)
