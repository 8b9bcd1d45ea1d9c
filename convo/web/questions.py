"""What each web page asks and shows, read from the conversation: the question of a place in the
flow (a stage, and for which thing that matters), its hint, its choices, what was said there before,
where Back goes, and the rows of the check-your-answers page.

A flow's prompt is written to be read in line mode; the page shows the same words with the part in
brackets at the end left out, since that says how to type an answer ("yes / no", "press Enter on an
empty line") and the page has its own radios, box and buttons instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace

from convo.engine.conversation import Conversation
from convo.engine.state import Item
from convo.events import Answered, standing
from convo.flow.loader import END, Step
from convo.render import DIRECTION_MARKS
from convo.templating import fill

Place = tuple[str, int | None]  # a stage id, and the index of the thing that matters it is about

# How to answer at a terminal, in brackets at the end, with one bracket inside it at most ("(1 Cymraeg / 2
# Saesneg (English); pwyswch Enter …)"): a page asks with its own controls.
_HOW_TO_ANSWER = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)\s*$")
_SENTENCE_END = re.compile(r"(?<=[.?!])[”\"']?\s+(?=[A-Z“\"'])")
_PLACE = re.compile(r"^([a-z][a-z0-9-]*)(?:/([1-9][0-9]{0,3}))?$")
# The numbers the box "If you need help now" gives (templates/_safety.html.j2): a hint that names one says
# again what the box above it says.
_HELP_NUMBERS = re.compile(r"\b(?:999|116 ?123)\b")


def key(place: Place) -> str:
    """A place as it appears in a form and an address: `stage`, or `stage/2` for the second thing."""
    stage, outcome = place
    return stage if outcome is None else f"{stage}/{outcome + 1}"


def parse(text: str) -> Place | None:
    match = _PLACE.match(text or "")
    if match is None:
        return None
    return match[1], int(match[2]) - 1 if match[2] else None


def url(place: Place) -> str:
    return f"/question/{key(place)}"


def split(title: str, wording: str) -> tuple[str, list[str]]:
    """The question to put as the page's heading, and the paragraphs of its hint.

    The heading is the sentence that asks, with one short sentence before it that sets it up ("You
    said “…”."); a title that is itself a question is used when the wording leads up to it at length.
    """
    text = _HOW_TO_ANSWER.sub("", wording).strip()
    sentences = [s.strip() for s in _split_sentences(text) if s.strip()]
    asking = next((i for i, s in enumerate(sentences) if s.rstrip("”\"'").endswith("?")), None)
    if asking is None:
        return text, []
    lead, question, after = sentences[:asking], sentences[asking], sentences[asking + 1:]
    if title.endswith("?") and len(lead) > 1:
        question = title
    elif len(lead) == 1:
        question, lead = f"{lead[0]} {question}", []
    hints = [" ".join(lead)] if lead else []
    if after:
        hints.append(" ".join(after))
    return question, hints


def _split_sentences(text: str) -> list[str]:
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append(text[start:match.start()] + text[match.start():match.end()].rstrip())
        start = match.end()
    pieces.append(text[start:])
    return pieces


@dataclass(frozen=True)
class Said:
    """What a carer said, in the language they said it in (a choice: its label in the page's language)."""

    text: str
    language: str | None = None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class QuestionPage:
    place: Place
    kind: str  # "choice": radios; "list": a box, each line one thing; "text": a box
    caption: str
    about: Said | None  # the thing that matters a per-thing question is about, in the carer's words
    question: str
    hints: list[str]
    choices: list[Choice]
    chosen: str | None
    before: list[Said]  # what was said here already, in the carer's words (or the choice's label)
    back: str | None  # the address of the previous question, if there is one
    current: bool  # the conversation is at this place (not a page gone back to)
    language: str = "en"  # the language the flow's words on the page are in
    # The page's title (the tab, the browser's history): the question's short title, never the carer's
    # words, which a question about one thing that matters quotes ("You said 'Seeing my grandkids'…").
    title: str = ""
    bilingual: bool = False  # the Active Offer: asked in both languages, each choice a language
    # A written answer's words as they stand, to change in the box (a "list" page adds to `before` instead).
    written: str = ""

    @property
    def key(self) -> str:
        return key(self.place)

    @property
    def written_digest(self) -> str:
        """The words that stood here when the page was shown, as the form carries them back (`digest`)."""
        return digest(self.written)


@dataclass(frozen=True)
class Row:
    title: str
    about: Said | None  # the thing that matters a per-thing question is about
    answers: list[Said]
    change: str | None  # where the Change link goes; None for a safety question, which is asked, not chosen
    left_blank: bool = False


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


def current(conversation: Conversation) -> Place | None:
    """Where the conversation is now; None at the end of the questions."""
    position = conversation.position
    return None if position.stage == END or position.stage not in conversation.flow.steps else position.place


def reached_end(conversation: Conversation) -> bool:
    """The carer has been through every question once (so Change returns to the check page)."""
    return any(event.after is not None and event.after.stage == END for event in conversation.events)


def visited(conversation: Conversation, place: Place) -> bool:
    """A place the carer has been to (and may go back to), other than a safety question."""
    stage, outcome = place
    step = conversation.flow.steps.get(stage)
    if step is None or step.interrupt is not None:
        return False
    count = len(conversation.state.outcome_ids())
    if step.per_outcome != (outcome is not None) or (outcome is not None and outcome >= count):
        return False
    return place in _places_been(conversation)


def can_show(conversation: Conversation, place: Place) -> bool:
    """The question the conversation is at, or one the carer has been to; while a safety question waits
    for its answer, only that one: going back and on from it would leave it unasked."""
    here = current(conversation)
    return place == here or (not safety_waiting(conversation) and visited(conversation, place))


def without_help_numbers(page: QuestionPage) -> QuestionPage:
    """The page with no hint that gives a number the help box on it gives already."""
    return replace(page, hints=[hint for hint in page.hints if not _HELP_NUMBERS.search(hint)])


def safety_waiting(conversation: Conversation) -> bool:
    """The conversation is at a safety question an alert brought, not yet answered or passed."""
    here = current(conversation)
    return here is not None and _asks_safety(conversation.flow.steps[here[0]])


def _asks_safety(step: Step) -> bool:
    """A safety question an alert brings (not a risk's own follow-up, which is asked the same way)."""
    return step.interrupt is not None and step.interrupt.on == "safeguarding"


def _places_been(conversation: Conversation) -> set[Place]:
    been: set[Place] = set()
    for event in standing(conversation.events):
        for position in (event.before, event.after):
            if position is not None:
                been.add(position.place)
    return been


def _passed_over(conversation: Conversation) -> set[tuple[str, int | None]]:
    """The questions the flow passed over by its own rule (`skip_when`: no risk written down, nothing to
    decide about it), by stage and outcome id: never asked, so not left out by the carer."""
    flow = conversation.flow
    # The reason is kept as worded in the language of the time; the flow's own, in any of its languages.
    own = {(sid, step.skip_reason) for language in flow.languages
           for sid, step in flow.in_language(language).steps.items() if step.skip_when and step.skip_reason}
    return {(skip.stage, skip.outcome_id) for event in standing(conversation.events)
            for skip in getattr(event.payload, "skips", ())
            if (step := flow.steps.get(skip.stage)) is not None and step.skip_when
            and (not step.skip_reason or (skip.stage, skip.reason) in own)}


def back(conversation: Conversation, here: Place) -> Place | None:
    """The question before this one on the carer's way here: for the question they are on, the last
    other one they answered; for one gone back to, the one answered before they first answered it."""
    answers = [event.before.place for event in standing(conversation.events)
               if event.type == Answered.KIND and event.before is not None]
    if here != current(conversation) and here in answers:
        answers = answers[:answers.index(here)]
    for place in reversed(answers):
        if place != here and visited(conversation, place):
            return place
    return None


def page(conversation: Conversation, place: Place) -> QuestionPage:
    stage, outcome = place
    step = conversation.flow.steps[stage]
    state = conversation.state
    is_current = place == current(conversation)
    if is_current and conversation.position.follow_up:
        question, hints = split(step.title, conversation.position.follow_up)
    else:  # split before filling in, so the carer's own words never decide where a sentence ends
        values = conversation.values_at(stage, outcome)
        question, hints = split(step.title, step.prompt[conversation.audience])
        # The carer's words inside the flow's sentence, isolated (U+2068 … U+2069) where they hold a direction
        # mark (U+202E): it turns only them, never the rest of the question.
        values = {name: f"\u2068{value}\u2069" if isinstance(value, str) and DIRECTION_MARKS.search(value) else value
                  for name, value in values.items()}
        question, hints = fill(question, **values), [fill(hint, **values) for hint in hints]
    items = state.at_stage(stage, state.outcome_id(outcome))
    if step.captures == "outcome":
        items = [item for item in state.items.values() if item.kind == "outcome"]
    picked = [item.choice for item in items if item.choice]
    if step.offers_language and state.offered_welsh:
        picked = [state.language]  # the language chosen is the answer that stands
    previous = None if _asks_safety(step) else back(conversation, place)  # asked: answered or passed, not left
    return QuestionPage(
        place=place, kind="choice" if step.choices else "list" if step.captures == "outcome" else "text",
        caption=step.part.title if step.part is not None else "", about=about(conversation, outcome),
        question=question, hints=hints, choices=[Choice(c.value, c.label) for c in step.choices],
        chosen=picked[-1] if picked else None,
        before=[] if step.rewritable or (step.choices and step.single)
        else [said(conversation, item) for item in items],
        written=written_words(conversation, place) if step.rewritable else "",
        back=url(previous) if previous else None, current=is_current, language=conversation.language,
        title=step.title, bilingual=step.offers_language,
    )


def written_words(conversation: Conversation, place: Place) -> str:
    """The words that stand written at a question answered in words: what its box opens with, to change."""
    return "\n".join(item.text for item in conversation.written(*place))


def digest(words: str) -> str:
    """Words a page showed, as its form carries them back: a form from a page that showed other words than
    stand now (changed in another window since) is not written over them. Only a digest: the words are not
    sent twice."""
    return hashlib.sha256(words.encode()).hexdigest()


def about(conversation: Conversation, outcome: int | None) -> Said | None:
    outcome_id = conversation.state.outcome_id(outcome)
    return said(conversation, conversation.state.items[outcome_id]) if outcome_id is not None else None


def said(conversation: Conversation, item: Item) -> Said:
    """An answer as the carer gave it; a choice as its label in the conversation's language now."""
    label = choice_label(conversation, item, conversation.language)
    if label is not None:
        return Said(label, conversation.language)
    return Said(item.choice_label or item.text, item.language)


def choice_label(conversation: Conversation, item: Item, language: str) -> str | None:
    """A choice's label as the flow words it in `language`; None for an answer that is not a choice, a choice
    the flow no longer offers, or a flow not written in that language (the choice is shown as it was stored)."""
    flow = conversation.flow
    if not item.choice or language not in flow.languages:
        return None
    step = flow.in_language(language).steps.get(item.stage or "")
    return next((choice.label for choice in step.choices if choice.value == item.choice), None) if step else None


def choice_labels(conversation: Conversation, language: str) -> dict[int, str]:
    """Every choice made, by the id of the answer that made it, as its label in `language`: for "What you told
    us" on a page in another language than the one the choice was made in."""
    found = {item.id: choice_label(conversation, item, language) for item in conversation.state.items.values()}
    return {number: label for number, label in found.items() if label is not None}


def sections(conversation: Conversation) -> list[Section]:
    """Every question the carer has been asked, part by part, with what they said and where to change it."""
    flow, state = conversation.flow, conversation.state
    been = _places_been(conversation)
    passed_over = _passed_over(conversation)
    found: list[Section] = []
    for part in flow.file.parts:
        section = Section(part.title)
        for stage in [sid for sid in flow.order if flow.steps[sid].part is part]:
            step = flow.steps[stage]
            outcomes: list[int | None] = list(range(len(state.outcome_ids()))) if step.per_outcome else [None]
            for outcome in outcomes:
                place = (stage, outcome)
                outcome_id = state.outcome_id(outcome)
                items = state.at_stage(stage, outcome_id)
                if step.captures == "outcome":
                    items = [item for item in state.items.values() if item.kind == "outcome"]
                if not items and (stage, outcome_id) in passed_over and place not in been:
                    continue  # never asked: nothing written down for it to be about
                if not items and place not in been and (stage, outcome_id) not in state.skipped:
                    continue
                if step.single and items:
                    items = items[-1:]  # a one-answer question shows the answer that stands
                answers = [said(conversation, item) for item in items]
                if step.offers_language and state.offered_welsh:  # answered by choosing a language
                    answers = [Said(choice.label, conversation.language)
                               for choice in step.choices if choice.value == state.language][:1]
                section.rows.append(Row(
                    title=step.title, about=about(conversation, outcome), answers=answers,
                    change=url(place) if visited(conversation, place) else None, left_blank=not answers,
                ))
        if section.rows:
            found.append(section)
    extra = Section("")
    for interrupt in flow.file.interrupts:
        items = [item for item in state.items.values() if item.stage == interrupt.id]
        if items:
            extra.rows.append(Row(title=interrupt.title, about=None, answers=[said(conversation, i) for i in items],
                                  change=None))
    if extra.rows:
        found.append(extra)
    return found


def answered_at(conversation: Conversation, place: Place) -> bool:
    """Whether the carer has answered this question before (even with nothing)."""
    return any(event.type == Answered.KIND and event.before is not None and event.before.place == place
               for event in conversation.events)
