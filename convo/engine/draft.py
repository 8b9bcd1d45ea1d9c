"""Build the draft assessment (the record) from a conversation's state. Nothing here is invented:
every entry is something recorded, and every area with nothing in it says why."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, cast

from convo import config, vocabulary
from convo.engine.state import Item
from convo.events import Answered, LanguageChosen, Moved, standing
from convo.flow.choices import numbered
from convo.flow.conditions import all_hold
from convo.records import (
    SCHEMA_VERSION,
    Alert,
    Assessment,
    Entry,
    LanguageOffer,
    NextStep,
    OutcomeType,
    PathStep,
    PersonalOutcome,
    Practitioner,
    Review,
    Risk,
    RiskDecision,
    Skip,
)

if TYPE_CHECKING:
    from convo.engine.conversation import Conversation

_WANTS_RISK = {"yes": True, "no": False}
# What may separate who, what and when in a next step typed as "Sian / ring the GP / Friday".
_STEP_PARTS = re.compile(r"\s+/\s+|\s*\|\s*")
_DATES = ("%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
# Sections filled otherwise than from their kind's list: a record holds one review, not a list.
_NOT_LISTED = frozenset({"review"})


def _entry(item: Item, cls: type[Entry] = Entry, **extra: object) -> Entry:
    return cls(id=item.id, text=item.text, source=item.source, at=item.at, label=item.label,
               choice=item.choice, choice_label=item.choice_label, language=item.language, **extra)


def build(conversation: Conversation) -> Assessment:
    state, flow = conversation.state, conversation.flow
    outcomes: dict[int, PersonalOutcome] = {}
    sections: dict[str, list[Entry]] = {name: [] for name in vocabulary.sections()}
    general: dict[str, list[Entry]] = {}
    review: Review | None = None
    for item in state.items.values():
        if item.kind == vocabulary.OUTCOME:
            outcomes[item.id] = PersonalOutcome(number=len(outcomes) + 1, text=item.text, source=item.source,
                                                at=item.at, id=item.id)
    replaced = _replaced(conversation)
    decided: dict[int, Risk] = {}  # the risk each choice is about, by the choice's id
    usual = "carer" if state.audience == "carer" else "person"
    for item in sorted(state.items.values(), key=lambda i: i.id):
        owner = outcomes.get(item.outcome) if item.outcome is not None else None
        if item.kind == vocabulary.OUTCOME or item.id in replaced:
            continue
        if vocabulary.per_outcome_kind(item.kind):
            area = vocabulary.kind(item.kind).section or item.area
            entry = _entry(item, Risk if item.kind == vocabulary.RISK else Entry)
            if owner is not None:
                getattr(owner, area).append(entry)
            else:
                general.setdefault(area, []).append(entry)
        elif item.kind == vocabulary.OUTCOME_TYPE and owner is not None:
            if item.choice is not None and item.choice in OutcomeType.__members__:
                owner.type = OutcomeType(item.choice)
            else:
                owner.said.append(_entry(item))
        elif item.kind == vocabulary.RISK_CHOICE and owner is not None:
            risk = _risk_chosen(owner, item)
            if risk is None:
                owner.said.append(_entry(item))
                continue
            decision = RiskDecision(id=item.id, at=item.at, text=item.text, choice=item.choice,
                                    choice_label=item.choice_label, chosen_by=item.source)
            wants = _WANTS_RISK.get(item.choice or "") if item.source == usual else None
            owner.risks[owner.risks.index(risk)] = chosen = risk.model_copy(
                update={"decision": decision, "wants_to_take_risk": wants})
            decided[item.id] = chosen
            if item.choice_label:
                owner.risk_decision = item.choice_label
        elif item.kind == vocabulary.RISK_MITIGATION and owner is not None:
            latest = max((choice for choice in decided if decided[choice] in owner.risks and choice < item.id),
                         default=None)
            if latest is None:
                owner.said.append(_entry(item))
                continue
            risk = decided[latest]
            assert risk.decision is not None
            decision = risk.decision.model_copy(update={"mitigation": [*risk.decision.mitigation, _entry(item)]})
            owner.risks[owner.risks.index(risk)] = decided[latest] = risk.model_copy(update={"decision": decision})
        elif item.kind == vocabulary.MEANING and owner is not None:
            owner.meaning.append(_entry(item))
        elif item.kind == vocabulary.REVIEW:
            review = _review(item)
        elif item.kind == vocabulary.NEXT_STEP:
            sections["next_steps"].append(_next_step(item))
        else:
            sections[vocabulary.section_of(item.kind, item.area)].append(_entry(item))

    numbers = {outcome_id: outcome.number for outcome_id, outcome in outcomes.items()}
    skipped = []
    for (stage, outcome_id), reason in state.skipped.items():
        step = flow.steps.get(stage)
        if step is None or step.interrupt is not None or (outcome_id is not None and outcome_id not in numbers):
            continue  # a check's questions left out are kept with what brought them (an alert's, below)
        if state.at_stage(stage, outcome_id):
            continue  # moved on with /skip after saying something: explored, not left out
        skipped.append(Skip(area=step.area, stage=stage, title=step.title,
                            outcome=numbers[outcome_id] if outcome_id is not None else None,
                            reason=reason))
        if outcome_id is not None and vocabulary.per_outcome_kind(step.captures):
            outcomes[outcome_id].not_explored[str(step.area)] = reason

    not_reached, nothing = _unexplored(conversation, numbers)
    passed = [flow.steps[stage] for stage in flow.order
              if flow.steps[stage].optional and flow.steps[stage].title in nothing]
    nothing = [name for name in nothing if name not in {step.title for step in passed}]
    # By the record's name for each: an opening question passed over with Enter was not asked.
    not_asked = [vocabulary.kind(step.captures).section or step.captures for step in passed]
    alerts = _alerts(conversation, sections["safeguarding_notes"])
    noted = {note.id for alert in alerts for note in alert.notes}
    sections["safeguarding_notes"] = [note for note in sections["safeguarding_notes"] if note.id not in noted]
    lists = {name: entries for name, entries in sections.items() if name not in _NOT_LISTED}
    return Assessment(
        schema_version=SCHEMA_VERSION, id=conversation.id, flow=flow.id, flow_title=flow.title,
        flow_version=flow.version, audience=state.audience, started_at=state.started_at, ended_at=state.ended_at,
        conversation=conversation.part(), time_zone=config.local_zone(),
        language_offer=_language_offer(conversation),
        practitioner=_practitioner(state.practitioner), general=general, outcomes=list(outcomes.values()),
        review=review, safeguarding=alerts, path=_path(conversation), skipped=skipped, not_reached=not_reached,
        nothing_said=nothing, not_asked=not_asked, **lists,
    )


def _risk_chosen(owner: PersonalOutcome, choice: Item) -> Risk | None:
    """The risk a choice is about: the one it numbers ("yes 2"), or the only one there was when it was made."""
    before = [risk for risk in owner.risks if risk.id < choice.id]
    _, number = numbered(choice.text)
    if number is not None:
        return before[number - 1] if 1 <= number <= len(before) else None
    return before[0] if len(before) == 1 else None


def _next_step(item: Item) -> NextStep:
    """A next step, and who, what and when where it was typed as "who / what / when"."""
    parts = [part.strip() for part in _STEP_PARTS.split(item.text.strip())]
    if len(parts) == 3 and all(parts):
        return cast(NextStep, _entry(item, NextStep, who=parts[0], what=parts[1], when=parts[2]))
    return cast(NextStep, _entry(item, NextStep))


def _review(item: Item) -> Review:
    """When it is looked at again, and the date where the words are one ("14 April 2026", "14/04/2026")."""
    words = " ".join(item.text.replace(",", " ").split())
    for pattern in _DATES:
        try:
            on = datetime.strptime(words, pattern).date()
        except ValueError:
            continue
        return cast(Review, _entry(item, Review, on=on))
    return cast(Review, _entry(item, Review))


def _practitioner(details: dict[str, str] | None) -> Practitioner | None:
    if not details:
        return None
    return Practitioner(name=details.get("name"), role=details.get("role"), team=details.get("team"))


def _replaced(conversation: Conversation) -> set[int]:
    """Answers to a one-answer question that was answered again later: the later answer stands."""
    latest: dict[tuple[str, int | None], int] = {}
    replaced: set[int] = set()
    for item in sorted(conversation.state.items.values(), key=lambda i: i.id):
        step = conversation.flow.steps.get(item.stage or "")
        if step is None or not step.single or step.interrupt is not None or item.kind == vocabulary.OUTCOME:
            continue
        earlier = latest.get((step.id, item.outcome))
        if earlier is not None:
            replaced.add(earlier)
        latest[(step.id, item.outcome)] = item.id
    return replaced


def _alerts(conversation: Conversation, notes: list[Entry]) -> list[Alert]:
    """Each alert with the safeguarding notes made after it and before the next one."""
    from convo.notice.taxonomy import taxonomy

    kinds, state, flow = taxonomy(), conversation.state, conversation.flow
    alerts = sorted(state.alerts, key=lambda alert: alert.seq)
    # The safety questions left out, by the event that left them.
    left: list[tuple[int, Skip]] = []
    for event in standing(conversation.events):
        for skip in getattr(event.payload, "skips", ()):
            step = flow.steps.get(skip.stage)
            if step is not None and step.interrupt is not None and step.interrupt.on == "safeguarding":
                left.append((event.seq, Skip(area=step.area, stage=step.id, title=step.title, reason=skip.reason)))
    found = []
    for index, alert in enumerate(alerts):
        # The notes after it and before the next answer's alert; an answer that told of two kinds of harm
        # raised two alerts, and its notes are the first's.
        until = next((later.seq for later in alerts if later.seq > alert.seq), None)
        first = index == 0 or alerts[index - 1].seq != alert.seq
        acknowledged = state.acknowledged.get(alert.seq)
        found.append(Alert(
            kind="safeguarding", term=alert.term, text=alert.text, at=alert.at, id=alert.seq,
            category=alert.category,
            category_label=kinds.category(alert.category).label if alert.category in kinds.ids else None,
            said_by=alert.source, raised_by_hand=alert.by_hand, answer_taken_back=alert.taken_back,
            answer_changed=alert.changed,
            acknowledged_at=acknowledged[0] if acknowledged else None,
            acknowledged_by=acknowledged[1] if acknowledged else None,
            seen_by_carer_at=state.seen_by_carer.get(alert.seq),
            notes=[note for note in notes if first and note.id > alert.seq and (until is None or note.id < until)],
            left_out=[skip for seq, skip in left if first and seq > alert.seq and (until is None or seq < until)],
        ))
    return found


def _language_offer(conversation: Conversation) -> LanguageOffer | None:
    """The answer to the Active Offer that stands, if it was made."""
    answers = [event.payload for event in standing(conversation.events)
               if isinstance(event.payload, LanguageChosen) and event.payload.offered]
    if not answers:
        return None
    answer = answers[-1]
    return LanguageOffer(chosen=None if answer.passed else answer.language, language=answer.language)


def _path(conversation: Conversation) -> list[PathStep]:
    state, flow = conversation.state, conversation.flow
    path: list[PathStep] = []
    current = None
    first = flow.steps[flow.first]
    if state.started_at is not None and first.part_number:
        current = first.part_number
        path.append(PathStep(conversation=current, at=state.started_at, reason=None))
    for event in standing(conversation.events):
        if event.after is None:
            continue
        step = flow.steps.get(event.after.stage)
        if step is not None and step.part_number and step.part_number != current:
            current = step.part_number
            payload = event.payload
            path.append(PathStep(conversation=current, at=event.at,
                                 reason=payload.reason if isinstance(payload, Moved) else None))
    return path


def _unexplored(conversation: Conversation, numbers: dict[int, int]) -> tuple[list[str], list[str]]:
    """Areas never reached, and areas asked about where nothing was said, by title.

    A part of the flow never entered, or an outcome not yet explored at all, is one line.
    """
    state, flow = conversation.state, conversation.flow
    not_reached, nothing = [], []
    answered = _answered_places(conversation)
    holding = {(item.stage, item.outcome) for item in state.items.values()}

    index_of: dict[int | None, int] = {outcome_id: index for index, outcome_id in enumerate(state.outcome_ids())}

    def passed(stage: str, outcome_id: int | None) -> bool:
        return (stage, index_of.get(outcome_id)) in answered

    def touched(stage: str, outcome_id: int | None) -> bool:
        return ((stage, outcome_id) in state.skipped or (stage, outcome_id) in holding
                or (stage, outcome_id) in state.nothing_said or passed(stage, outcome_id))

    around = _routed_around(conversation)
    for part in flow.file.parts:
        stages = [sid for sid in flow.order if flow.steps[sid].part is part
                  and flow.steps[sid].asked_of(state.audience) and not flow.steps[sid].offers_language]
        outcome_ids: list[int | None] = [*numbers] or [None]
        if not any(touched(sid, oid) for sid in stages
                   for oid in (outcome_ids if flow.steps[sid].per_outcome else [None])):
            name = f"{vocabulary.part(part.conversation).name} ({part.title})" if part.conversation else part.title
            not_reached.append(f"{name}: not entered")
            continue
        steps = [flow.steps[sid] for sid in stages]
        for loop in {step.loop.id: step.loop for step in steps if step.loop}.values():
            for oid, number in numbers.items():
                if not any(touched(s.id, oid) for s in loop.stages):
                    not_reached.append(f"Outcome {number}: {loop.title.lower()} not explored yet")
        for stage in stages:
            step = flow.steps[stage]
            places: list[tuple[int | None, str]] = [
                (oid, f"{step.title} (outcome {n})") for oid, n in numbers.items()] if step.per_outcome \
                else [(None, step.title)]
            for outcome_id, name in places:
                if step.loop and not any(touched(s.id, outcome_id) for s in step.loop.stages):
                    continue
                if (stage, outcome_id) in state.skipped or (stage, outcome_id) in holding:
                    continue
                if stage in around and not passed(stage, outcome_id):
                    continue  # the route went another way: a young carer's page, for an adult
                if (stage, outcome_id) in state.nothing_said:
                    nothing.append(name)
                elif not passed(stage, outcome_id):
                    not_reached.append(f"{name}: not reached")
    return not_reached, nothing


def _routed_around(conversation: Conversation) -> set[str]:
    """Stages the flow leads to only on conditions that do not hold, such as a choice made otherwise."""
    flow = conversation.flow
    into: dict[str, list[tuple]] = {}
    for routes in flow.routes.values():
        for to, tests in routes:
            into.setdefault(flow.first_of_loop(to) if to in flow.loops else to, []).append(tests)
    return {stage for stage, conditions in into.items()
            if stage != flow.first and all(tests and not all_hold(tests, conversation.facts) for tests in conditions)}


def _answered_places(conversation: Conversation) -> set[tuple[str, int | None]]:
    """Every (stage, outcome index) where a line was answered, blank or not."""
    return {(e.before.stage, e.before.outcome) for e in conversation.events
            if e.type == Answered.KIND and e.before is not None}

