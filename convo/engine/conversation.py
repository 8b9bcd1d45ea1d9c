"""The conversation: the one object every face drives. Commands in, outputs out, every event saved first.

`handle()` takes a typed command (convo.engine.commands); `send()` takes a line as line mode reads it.
An empty answer means "nothing (more) here" and moves on. Each event is committed to the store
before the outputs (and so the next prompt) are returned.
"""

from __future__ import annotations

import getpass
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from convo import vocabulary
from convo.clock import Clock, utc_now
from convo.engine import outputs as out
from convo.engine.machine import Cursor, FlowMachine
from convo.engine.state import Item, RaisedAlert, State, apply, fold, raised_key, said_at
from convo.events import (
    Acknowledged,
    Answered,
    Captured,
    ConversationInfo,
    CueActed,
    Ended,
    Event,
    EventLog,
    Heard,
    LanguageChosen,
    LeftOut,
    Moved,
    Named,
    Payload,
    Position,
    Raised,
    Refiled,
    Skipped,
    SpeakerChanged,
    Started,
    Undone,
    undone,
)
from convo.flow.choices import after_choice, match, numbered, several
from convo.flow.conditions import all_hold, parse_all
from convo.flow.loader import END, Flow, Step
from convo.language import LanguageError, checked, default_language, speaking
from convo.notice import detector
from convo.notice.taxonomy import taxonomy
from convo.records import Assessment, Audience, Source
from convo.templating import fill, names_used
from convo.wording import say

if TYPE_CHECKING:  # commands load with the first one sent, after the first prompt is shown
    from convo.engine.commands import Command

SOURCES = tuple(source.value for source in Source)
# What /undo can take back.
UNDOABLE = frozenset(kind.KIND for kind in (Answered, Captured, Skipped, Moved, Refiled, CueActed, SpeakerChanged,
                                            Named, LanguageChosen))


def _raised_alert(event: Event) -> bool:
    return isinstance(event.payload, Answered) and any(cue.kind == "safeguarding" for cue in event.payload.cues or ())


def new_id(clock: Clock) -> str:
    return clock().strftime("%Y%m%d-") + secrets.token_hex(3)


class WaitingAlert(NamedTuple):
    """An alert no one has acknowledged, as a face shows it."""

    seq: int  # the event that raised it (the alerts of one answer share it)
    wording: str  # what it may mean, quoting what was said, and what to do
    said: str  # the whole answer, only for an alert saved before alerts quoted their sentence
    kind: str  # the kind of concern in the conversation's language ("" for an alert saved before kinds)


class _Facts:
    """What a flow's conditions may ask, read from the state at the cursor's position."""

    def __init__(self, conversation: Conversation):
        self._c = conversation

    def count(self, name: str) -> int:
        state, cursor = self._c.state, self._c.cursor
        if name == "conversation":
            step = self._c.flow.steps.get(self._c.machine.stage(cursor))
            return (step.part_number or 0) if step else 0
        if name == "alerts":
            return len(state.alerts)
        kind = {"outcomes": vocabulary.OUTCOME, "risks": vocabulary.RISK, "strengths": "strength"}[name]
        if kind != vocabulary.OUTCOME and cursor.outcome is not None:
            return state.count(kind, state.outcome_id(cursor.outcome), any_outcome=False)
        return state.count(kind)

    def visited(self, stage: str) -> bool:
        return stage in self._c.state.visited

    def skipped(self, stage: str) -> bool:
        return any(key[0] == stage for key in self._c.state.skipped)

    def choice(self, stage: str) -> str | None:
        """The choice made at a stage; at one asked of each thing that matters, for the one in hand."""
        state, cursor = self._c.state, self._c.cursor
        step = self._c.flow.steps.get(stage)
        if step is not None and step.per_outcome and cursor.outcome is not None:
            made = [item.choice for item in state.at_stage(stage, state.outcome_id(cursor.outcome)) if item.choice]
            return made[-1] if made else None
        return state.choices.get(stage)

    @property
    def audience(self) -> str:
        return self._c.state.audience


class Conversation:
    def __init__(self, log: EventLog, flow: Flow, machine: FlowMachine, conversation_id: str, clock: Clock):
        self.log, self.machine, self.id, self.clock = log, machine, conversation_id, clock
        self._flow = flow
        self.events: list[Event] = []
        self.state = State()
        self.cursor = Cursor()
        machine.join(self.cursor)
        self.facts = _Facts(self)
        # Who closes its alerts: a carer in their own self-assessment, unless the face says a practitioner
        # is reading it (the practitioners' app, which may open a carer's; `by_practitioner`).
        self.practitioner_reads = False

    @property
    def flow(self) -> Flow:
        """The flow, its wording in the language the conversation is in now."""
        return self._flow.in_language(self.state.language)

    @property
    def language(self) -> str:
        return self.state.language

    # -- starting and resuming ------------------------------------------------------------------

    @classmethod
    def start(cls, log: EventLog, flow: Flow, audience: str = "practitioner", *,
              machine: FlowMachine | None = None, clock: Clock = utc_now,
              conversation_id: str | None = None, practitioner: dict[str, str] | None = None,
              language: str | None = None) -> Conversation:
        """A new conversation, in `language` (default: the setting). A practitioner's records who holds it:
        `practitioner` (name, role, team), or what their settings say."""
        if Audience(audience) not in flow.file.audiences:
            raise ValueError(f"the {flow.id} flow is not written for a {audience}")
        if practitioner is None and audience == Audience.practitioner:
            practitioner = _practitioner_settings()
        conversation = cls(log, flow, machine or FlowMachine(flow), conversation_id or new_id(clock), clock)
        first = Position(flow.first)
        event = Event.of(1, clock(), Started(
            flow=flow.id, flow_version=flow.version, flow_hash=flow.hash, flow_source=flow.source, audience=audience,
            speaker="carer" if audience == "carer" else "person", practitioner=practitioner or None,
            language=checked(language) if language else default_language()), after=first)
        info = ConversationInfo(conversation.id, flow.id, flow.version, flow.hash, audience, "",
                                event.at, event.at, "open")
        log.create(info, event)
        conversation._take(event)
        skips: list[LeftOut] = []
        conversation._settle(conversation._skip_forward(first, skips), skips)
        return conversation

    @classmethod
    def resume(cls, log: EventLog, conversation_id: str, flow: Flow, *,
               machine: FlowMachine | None = None, clock: Clock = utc_now) -> Conversation:
        conversation = cls(log, flow, machine or FlowMachine(flow), conversation_id, clock)
        conversation.events = log.events(conversation_id)
        conversation.state = fold(conversation.events)
        position = conversation.state.position
        if position.stage not in flow.steps and position.stage != END:
            position = conversation._nearest(position.stage)
            conversation.state.position = position
        conversation._place(position)
        return conversation

    def _nearest(self, stage: str) -> Position:
        """A stage the flow no longer has: carry on from the first stage not yet explored."""
        for sid in self.flow.order:
            if sid not in self.state.visited and not self.flow.steps[sid].per_outcome:
                return Position(sid)
        return Position(END)

    def close(self) -> None:
        self.machine.leave(self.cursor)

    # -- reading ----------------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.state.ended

    @property
    def position(self) -> Position:
        return self.state.position

    @property
    def step(self) -> Step | None:
        return self.flow.steps.get(self.position.stage)

    def prompt(self) -> out.Prompt | out.Done:
        with speaking(self.language):
            return self._prompt()

    def _prompt(self) -> out.Prompt | out.Done:
        if self.ended:
            return out.Done(self.id)
        pos, step = self.position, self.step
        if step is None:
            return out.Prompt(say("finished", audience=self.audience.value), vocabulary.CLOSING, None, END, "",
                              self.part(), [])
        if pos.follow_up:
            text = pos.follow_up
        else:
            answered = self._already(step, pos)
            # The question itself, until and after something is chosen; and at a check's question, which
            # goes on after one answer, each time the check comes round (a later alert asks it afresh).
            if step.choices_only or step.interrupt is not None:
                answered = []
            wording = (step.again.get(self.audience) or say("again")) if answered else step.prompt[self.audience]
            text = fill(wording, **self._prompt_values())
        return out.Prompt(
            text=text, area=str(step.area), outcome=pos.outcome, stage=step.id, title=step.title,
            conversation=self._part_at(pos),
            choices=[{"value": c.value, "label": c.label} for c in step.choices],
        )

    @property
    def audience(self) -> Audience:
        return Audience(self.state.audience)

    def by_practitioner(self) -> Conversation:
        """Read by a practitioner from here on: acknowledging an alert is theirs, even in a carer's own
        self-assessment, and an alert the carer closed waits for them."""
        self.practitioner_reads = True
        return self

    @property
    def carer_closes(self) -> bool:
        """Whether closing an alert here is a carer's seeing it, not a practitioner's acknowledgement."""
        return self.audience == Audience.carer and not self.practitioner_reads

    def pending_alerts(self) -> list[RaisedAlert]:
        """The alerts waiting for whoever reads this conversation to close or acknowledge them."""
        return self.state.pending_alerts(carer=self.carer_closes)

    def _already(self, step: Step, pos: Position) -> list[Item]:
        """What is recorded here already: answers to this question, and for a question asked of each thing
        that matters, anything of the kind it asks for (a risk noted when it came up), so it is not asked twice."""
        outcome_id = self.state.outcome_id(pos.outcome)
        found = self.state.at_stage(step.id, outcome_id)
        if step.per_outcome and vocabulary.per_outcome_kind(step.captures) and outcome_id is not None:
            found += [item for item in self.state.items.values()
                      if item.kind == step.captures and item.outcome == outcome_id and item.stage != step.id]
        return found

    def _prompt_values(self) -> dict[str, object]:
        pos = self.position
        return self.values_at(pos.stage, pos.outcome) if pos.stage in self.flow.steps else {}

    def values_at(self, stage: str, outcome: int | None = None) -> dict[str, object]:
        """What a stage's wording is filled in with for one thing that matters (by index), however often
        the stage has been answered: a form page fills in its question with these."""
        outcome_id = self.state.outcome_id(outcome)
        pos = self.position
        step = self.flow.steps[stage]
        wording = step.prompt.get(self.audience, "")
        risks = self._risks(outcome_id)
        chosen = self._risk_in_hand(outcome_id)
        return {"outcome": self.state.items[outcome_id].text if outcome_id is not None else "",
                "number": (outcome or 0) + 1, "term": (pos.term or "") if pos.place == (stage, outcome) else "",
                "summary": self._summary() if "summary" in names_used(wording) else "",
                "risks": len(risks), "risk": chosen.text if chosen else (risks[-1].text if risks else ""),
                "risk_list": ", ".join(f"{n} “{risk.text}”" for n, risk in enumerate(risks, start=1))}

    def _risks(self, outcome_id: int | None) -> list[Item]:
        """The risks recorded for one thing that matters, numbered from 1 in this order."""
        if outcome_id is None:
            return []
        return sorted((item for item in self.state.items.values()
                       if item.kind == vocabulary.RISK and item.outcome == outcome_id), key=lambda item: item.id)

    def _risk_in_hand(self, outcome_id: int | None) -> Item | None:
        """The risk the latest choice for this thing that matters is about (by its number, or the only one)."""
        choices = [item for item in self.state.items.values()
                   if item.kind == vocabulary.RISK_CHOICE and item.outcome == outcome_id]
        if not choices:
            return None
        latest = max(choices, key=lambda item: item.id)
        before = [risk for risk in self._risks(outcome_id) if risk.id < latest.id]
        _, number = numbered(latest.text)
        if number is not None:
            return before[number - 1] if 1 <= number <= len(before) else None
        return before[0] if len(before) == 1 else None

    def _summary(self) -> str:
        from convo.render import summary_text

        return summary_text(self.assessment())

    def _part_at(self, pos: Position) -> int | None:
        step = self.flow.steps.get(pos.stage)
        if step is not None and step.part_number:
            return step.part_number
        if step is not None and step.interrupt is not None and pos.back_to:
            return self._part_at(Position(pos.back_to[0]))
        return self.part()

    def part(self) -> int:
        """The part (Conversation 1, 2 or 3) the call is in now: the furthest it has been moved to or reached."""
        number = 1
        for _, _, position, _ in self.state.moves:
            step = self.flow.steps.get(position.stage)
            if step is not None and step.part_number:
                number = step.part_number
        for stage in self.state.visited:
            step = self.flow.steps.get(stage)
            if step is not None and step.part_number and step.part_number > number:
                number = step.part_number
        return number

    def overview(self):
        """Each part and area of the flow with what it holds, for a side panel."""
        from convo.engine.overview import overview

        return overview(self)

    def assessment(self) -> Assessment:
        from convo.engine.draft import build

        return build(self)

    def waiting_alerts(self, quote_most: int | None = None) -> list[WaitingAlert]:
        """Alerts no one has acknowledged, each with its words and its kind in the conversation's language.
        The words quote the sentence or clause that raised it (at most `quote_most` characters of it),
        and the whole answer is in the conversation above, so what was said is empty; it is the whole
        answer only for an alert saved before alerts quoted their sentence. (At 80x24 a long answer quoted
        again left no line of the conversation in sight.)"""
        from convo.render import shortened

        kinds = taxonomy()
        waiting: list[WaitingAlert] = []
        for alert in self.pending_alerts():
            if alert.category in kinds.ids:
                # Below the first, a banner leaves out the duty and what to do now, which the first says:
                # two or three whole banners left nothing else on a screen of 80x24.
                quote = shortened(alert.term, quote_most) if quote_most else alert.term
                wording = kinds.alert_text(alert.category, quote, self.audience.value, self.can_move,
                                           self.language, short=bool(waiting))
                waiting.append(WaitingAlert(alert.seq, wording, "",
                                            kinds.category(alert.category).label_in(self.language)))
                continue
            # Saved before alerts had categories: the words it was raised with, which quoted only a word.
            event = next((e for e in self.events if e.seq == alert.seq), None)
            payload = event.payload if event else None
            cues = (payload.cues or ()) if isinstance(payload, Answered) else ()
            wording = next((cue.text for cue in cues if cue.kind == "safeguarding"), "")
            said = shortened(alert.text, quote_most) if quote_most else alert.text
            waiting.append(WaitingAlert(alert.seq, wording, said, ""))
        return waiting

    # -- sending ----------------------------------------------------------------------------------

    def handle(self, command: Command) -> list[out.Output]:
        """Do what a face asks; return what happened, ending with the next prompt (or done)."""
        with speaking(self.language):
            if self.ended:
                return [out.Error(say("ended")), out.Done(self.id)]
            return self._do(command) + [self.prompt()]

    def send(self, line: str) -> list[out.Output]:
        """Take one line as line mode reads it: an answer, or a `/command` (see convo.engine.parse)."""
        with speaking(self.language):
            if self.ended:
                return [out.Error(say("ended")), out.Done(self.id)]
            from convo.engine.parse import CommandError, parse

            try:
                command = parse(line)
            except CommandError as error:
                return [out.Error(str(error)), self.prompt()]
        return self.handle(command)

    def _do(self, command: Command) -> list[out.Output]:
        from convo.engine import commands as do  # loaded with the first command, after the first prompt

        match command:
            case do.Answer(text=text):
                return self._answer(text)
            case do.Skip(reason=reason):
                return self._skip(reason)
            case do.Back():
                return self._back()
            case do.GoTo(area=area, outcome=outcome):
                return self._goto(area, outcome)
            case do.Refile(kind=kind, item=item, outcome=outcome):
                return self._refile(kind, item, outcome)
            case do.Move(part=part, reason=reason):
                return self._switch(part, reason)
            case do.Acknowledge(alert=alert):
                return self._acknowledge(alert)
            case do.RaiseConcern(category=category, note=note):
                return self._concern(category, note)
            case do.Speaker(who=who):
                return self._from(who)
            case do.Accept(cue=cue):
                return self._cue(cue, accept=True)
            case do.Dismiss(cue=cue):
                return self._cue(cue, accept=False)
            case do.Capture(kind=kind, text=text):
                return self._capture_command(kind, text)
            case do.Name(text=text):
                return self._name(text)
            case do.Undo():
                return self._undo()
            case do.Rewrite(text=text):
                return self._rewrite(text)
            case do.End():
                return self._end()
            case do.Help():
                return self._help()
            case do.ChooseLanguage(language=language):
                return self._language(language)
        raise TypeError(f"not a command: {command!r}")

    def _answer(self, text: str) -> list[out.Output]:
        if self.step is not None and self.step.offers_language:
            return self._offer(text)
        step = self.step
        parts = several(step.choices, text) if step is not None and step.several else None
        if parts is None:
            return self._answer_one(text)
        results: list[out.Output] = []  # "1, 4, 9": each choice recorded as its own answer, as if one a line
        for part in parts:
            results += self._answer_one(part)
        return results

    def _answer_one(self, text: str, replaces: tuple[int, ...] = ()) -> list[out.Output]:
        """Record an answer at the question in hand; with `replaces`, in place of those answers (`Rewrite`)."""
        pos, step = self.position, self.step
        if step is None:
            if not text.strip():
                return self._end()
            return [self._capture(text, vocabulary.NOTE, vocabulary.CLOSING, self.state.speaker)]
        outcome_id = self._outcome_id_for(step, pos)
        title = text.strip()[:80] if text.strip() and not self.state.items else None
        # The question as it was put, so a resumed conversation can show its history word for word.
        asked = self.prompt()
        assert isinstance(asked, out.Prompt)  # send() has answered for itself once the conversation ended
        results: list[out.Output] = []
        fresh: list[detector.Finding] = []
        unchosen = False  # an answer that picks none of the choices where one must be picked
        problem: str | None = None  # why the question is asked again
        if text.strip() == "":
            nothing = not self.state.at_stage(step.id, outcome_id) and step.captures != vocabulary.OUTCOME_TYPE
            answer = Answered(text="", outcome_id=outcome_id, stage=step.id, asked=asked.text, nothing=nothing)
        else:
            kind = step.captures
            if step.captures == vocabulary.RISK_CHOICE:  # about one risk: by its number where there are several
                words, number = numbered(text)
                choice = match(step.choices, words)
                count = len(self._risks(outcome_id))
                if choice is not None and number is None and count > 1:
                    problem = say("which_risk", count=count)
                elif number is not None and not 1 <= number <= count:
                    problem = say("no_such_risk", number=number, count=count)
            else:
                choice = match(step.choices, text)
            unchosen = (choice is None and step.choices_only) or problem is not None
            source = self._source_at(step)
            about = self._followed_up(pos)
            if about is not None:  # "so what does that mean for them?", answered: it deepens that outcome
                kind, outcome_id = vocabulary.MEANING, about
            elif step.from_carer and source == "carer" and self.audience == Audience.practitioner:
                kind = step.from_carer  # a carer's own view, kept apart from the person's
            # Notes at the safety questions often report what the person went on to say: a new kind
            # of concern there still raises its alert; nothing else in a note does.
            at_check = source == "practitioner" and step.interrupt is not None
            # A choice is not heard; the words said after it are ("No, he hits me when I try to leave").
            heard = after_choice(text) if choice else text
            found = detector.hear(heard, speaker="person" if at_check else source, area=str(step.area),
                                  audience=self.audience.value, context=self._heard_so_far(),
                                  choices=bool(step.choices) and not choice, plan=at_check or kind in vocabulary.PLANS,
                                  language=self.language) if heard.strip() else []
            if choice:  # beside a choice, only a concern is raised, never a suggestion about what was said
                found = [f for f in found if f.kind in (detector.ALERT, detector.CONCERN)]
            if at_check:
                known = {alert.category for alert in self.state.alerts}
                found = [f for f in found if f.kind == detector.ALERT and f.category not in known]
            elif not vocabulary.area(str(step.area)).suggests:
                found = [f for f in found if f.kind == detector.ALERT]
            fresh = [c for c in found if raised_key(c.kind, c.term, c.category) not in self.state.raised_terms]
            if replaces:  # words written again raise an alert only for a kind of harm the first words did not tell
                told = set().union(*(said_at(self.state, seq) for seq in replaces))
                known = {alert.category for alert in self.state.alerts if alert.seq in told}
                fresh = [c for c in fresh if c.kind != detector.ALERT or c.category not in known]
            answer = Answered(text=text, outcome_id=outcome_id, stage=step.id, asked=asked.text, kind=kind,
                              area=str(step.area), source=source, label=step.title,
                              choice=choice.value if choice else None, choice_label=choice.label if choice else None,
                              cues=tuple(self._heard(c, text) for c in fresh), language=self.language,
                              replaces=replaces or None)

        def where_next(skips: list[LeftOut]) -> Position:
            if unchosen:
                after = Position(pos.stage, pos.outcome, pos.back_to, pos.term)
            elif text.strip() == "" or step.single or step.interrupt:
                after = self._leave(pos)
            else:
                after = Position(pos.stage, pos.outcome, pos.back_to, pos.term)
            after = self._interrupt(after, fresh, step) if text.strip() else after
            if after.place != pos.place:
                after = self._skip_forward(after, skips)
            return after

        event = self._record(answer, where_next, **({"title": title} if title else {}))
        if text.strip():
            results.append(self._captured(replaces[0] if replaces else event.seq))  # written again: its own place
        if problem is not None:
            results.append(out.Error(problem))
        elif unchosen:
            results.append(out.Error(say("choose_one", choices=" / ".join(c.label for c in step.choices))))
        for index, cue in enumerate(answer.cues or ()):
            if cue.kind == "safeguarding":
                results.append(out.Alert(cue.kind, cue.term, cue.text, cue.category))
            else:
                results.append(out.Cue(f"{event.seq}.{index}", cue.kind, cue.term, cue.text,
                                       cue.category if cue.kind == "concern" else None))
        return results

    def whose_words(self) -> str:
        """Whose words an answer now would be recorded as: person, carer or practitioner."""
        step = self.step
        return self._source_at(step) if step is not None else self.state.speaker

    def _source_at(self, step: Step) -> str:
        """Whose words an answer here is: the practitioner's own at a check that asks for their notes or a
        question that asks what they did, a carer's where a question asks for a carer's own view; else
        whoever is speaking."""
        if self.audience == Audience.practitioner:
            if step.interrupt is not None and step.interrupt.practitioner_notes:
                return "practitioner"
            if step.source is not None:
                return step.source
        return self.state.speaker

    def _followed_up(self, pos: Position) -> int | None:
        """The outcome a "so what?" follow-up asks about, when the conversation is at one."""
        if not pos.follow_up:
            return None
        for event in reversed(self.events):
            payload = event.payload
            if isinstance(payload, CueActed) and payload.action == "accepted" and payload.cue in self.state.cues:
                after = event.after
                if after is None or after.follow_up != pos.follow_up:
                    return None
                item = self.state.items.get(self.state.cues[payload.cue][0])
                return item.id if item is not None and item.kind == vocabulary.OUTCOME else None
        return None

    @property
    def can_move(self) -> bool:
        """Whether the flow has a Conversation 2 to move to when someone is not safe."""
        return self.flow.part_first(2) is not None

    def _heard(self, finding: detector.Finding, answer: str) -> Heard:
        """A finding as the event keeps it; an alert worded for this flow (move to Conversation 2, if it has one)."""
        if finding.kind == detector.ALERT and finding.category in taxonomy().ids:
            wording = taxonomy().alert_text(finding.category, finding.term, self.audience.value, self.can_move,
                                            self.language)
            return _heard(finding, answer, wording)
        return _heard(finding, answer)

    def _heard_so_far(self) -> detector.Context:
        """What earlier answers tell the detector: who has died, who was named in a concern, what has alerted."""
        earlier = tuple(item.text for item in self.state.items.values() if item.source != "practitioner")
        named = frozenset(person for alert in self.state.alerts for person in alert.people)
        raised = frozenset(alert.category for alert in self.state.alerts if alert.category)
        return detector.Context(earlier=earlier[-200:], not_support=named, raised=raised)

    def _outcome_id_for(self, step: Step, pos: Position) -> int | None:
        if step.per_outcome or (step.interrupt is not None and pos.outcome is not None):
            return self.state.outcome_id(pos.outcome)
        return None

    def _interrupt(self, after: Position, found: list, step: Step) -> Position:
        if step.interrupt is not None:
            return after
        for cue in found:
            for interrupt in self.flow.file.interrupts:
                if interrupt.on == cue.kind and step.area not in interrupt.unless_area:
                    return Position(interrupt.id, after.outcome if step.per_outcome else None,
                                    back_to=after.place, term=cue.term)
        return after

    def _leave(self, pos: Position) -> Position:
        """Where the conversation goes when this stage is done with."""
        if pos.back_to is not None:
            step = self.flow.steps.get(pos.stage)
            if step is not None and step.interrupt is not None and step.interrupt.then:
                return Position(step.interrupt.then, pos.outcome, pos.back_to, pos.term)
            return Position(pos.back_to[0], pos.back_to[1])
        self.machine.place(self.cursor, pos.stage, pos.outcome)
        stage, outcome = self.machine.advance(self.cursor, self.facts)
        return Position(stage, outcome)

    def _skip_forward(self, pos: Position, skips: list[LeftOut]) -> Position:
        """Pass over stages whose skip rule holds, noting each with the flow's reason."""
        for _ in range(len(self.flow.order) * max(1, len(self.state.outcome_ids()) + 1)):
            step = self.flow.steps.get(pos.stage)
            if step is not None and not step.asked_of(self.state.audience):
                pos = self._leave(pos)  # not a question for this audience: not left out, just not theirs
                continue
            if step is None or not step.skip_when:
                break
            self.machine.place(self.cursor, pos.stage, pos.outcome)
            if not all_hold(step.skip_when, self.facts):
                break
            skips.append(LeftOut(stage=step.id, outcome_id=self.state.outcome_id(pos.outcome),
                              reason=step.skip_reason or say("no_reason")))
            pos = self._leave(pos)
        return pos

    def _record(self, payload: Payload, after: Position | Callable[[list[LeftOut]], Position],
                **summary: str | None) -> Event:
        """Commit one event, then take it into the state. Nothing is shown, and nothing changes, before the commit.

        `after` may be worked out from the state as it will be with this event in it (a choice just made
        decides the route), on a copy, and may note stages it passes over, which the event then carries.
        """
        before = self.position
        seq, at = self._next_seq(), self.clock()
        if callable(after):
            assert isinstance(payload, Answered)  # only an answer's route depends on the answer itself
            ahead = self.state.copy()
            apply(ahead, Event(seq, payload.KIND, at, {"pos": before.to_json()}, payload))  # read, never stored
            skips: list[LeftOut] = []
            current, self.state = self.state, ahead
            try:
                after = after(skips)
            finally:
                self.state = current
            if skips:
                payload = replace(payload, skips=payload.skips + tuple(skips))
        event = Event.of(seq, at, payload, before, after)
        try:
            self.log.append(self.id, event, **summary)
        except BaseException:
            self._place(self.position)
            raise
        self.events.append(event)
        if isinstance(payload, Undone):
            self.state = fold(self.events)
        else:
            apply(self.state, event)
        self._place(after)
        return event

    def _next_seq(self) -> int:
        return self.events[-1].seq + 1 if self.events else 1

    def _take(self, event: Event) -> None:
        self.events.append(event)
        apply(self.state, event)

    def _settle(self, pos: Position, skips: list[LeftOut]) -> None:
        if pos != self.position:
            self._record(Moved(skips=tuple(skips), automatic=True), pos)
        self._place(pos)

    def _place(self, pos: Position) -> None:
        if pos.stage in self.machine.full:
            self.machine.place(self.cursor, pos.stage, pos.outcome)

    def _captured(self, item_id: int) -> out.Captured:
        item = self.state.items[item_id]
        # An outcome is its own: its index, as the questions about it give it (`prompt`'s `outcome`).
        outcome = self.state.outcome_index(item.id if item.kind == vocabulary.OUTCOME else item.outcome)
        return out.Captured(item.id, item.kind, item.area, outcome, item.text, item.source, item.choice)

    # -- commands ---------------------------------------------------------------------------------

    def _help(self) -> list[out.Output]:
        kinds = vocabulary.refile_kinds()
        refile = ", ".join(kinds[:-1]) + " or " + kinds[-1]
        return [out.Info(say("help", areas=", ".join(vocabulary.AREAS), kinds=refile))]

    def _skip(self, reason: str) -> list[out.Output]:
        pos, step = self.position, self.step
        if step is None:
            return []
        reason = reason or say("no_reason")
        skips = [LeftOut(stage=step.id, outcome_id=self._outcome_id_for(step, pos), reason=reason)]
        if step.interrupt is not None and pos.back_to is not None:  # the whole check is left, not one question
            skips = self._check_left(pos, reason)
            after = self._skip_forward(Position(pos.back_to[0], pos.back_to[1]), [])
            self._record(Skipped(skips=tuple(skips)), after)  # the draft keeps it with the alert before it
            return [out.Info(say("skipped", title=step.title, reason=reason))]
        after = self._skip_forward(self._leave(pos), skips)
        self._record(Skipped(skips=tuple(skips)), after)
        return [out.Info(say("skipped", title=step.title, reason=reason))]

    def _check_left(self, pos: Position, reason: str) -> list[LeftOut]:
        """The question of a check (the safety questions after an alert) the conversation is at, and every
        one after it, as left out for `reason`."""
        left: list[LeftOut] = []
        stage: str | None = pos.stage
        while stage is not None and (step := self.flow.steps.get(stage)) is not None and step.interrupt is not None:
            if any(skip.stage == stage for skip in left):
                break  # a check that comes round again is not asked twice
            left.append(LeftOut(stage=stage, outcome_id=self._outcome_id_for(step, pos), reason=reason))
            stage = step.interrupt.then
        return left

    def _back(self) -> list[out.Output]:
        here = self.position.place
        gone = undone(self.events)
        for event in reversed(self.events):
            before = event.before
            if event.seq in gone or before is None or before.place == here:
                continue
            if before.stage in self.flow.steps and self.flow.steps[before.stage].interrupt is None:
                return self._move(Position(before.stage, before.outcome), None)
        return [out.Error(say("no_back"))]

    def _goto(self, target: str, number: int | None) -> list[out.Output]:
        """To an area (its first question) or a question by id; `number` counts outcomes from 1."""
        target = target.lower()
        if target in self.flow.steps and self.flow.steps[target].interrupt is None:
            stage = target
        else:
            stages = list(self.flow.stages_in_area(target))
            if not stages:
                return [out.Error(say("unknown_area", name=target, areas=", ".join(vocabulary.AREAS)))]
            stage = stages[0]
        step = self.flow.steps[stage]
        outcome = None
        if step.per_outcome:
            count = len(self.state.outcome_ids())
            if count == 0:
                return [out.Error(say("no_outcomes_yet", name=target))]
            if number is not None:
                if not 1 <= number <= count:
                    return [out.Error(say("no_such_outcome", number=number, count=count))]
                outcome = number - 1
            else:
                outcome = self.position.outcome if self.position.outcome is not None else 0
        return self._move(Position(stage, outcome), None)

    def _switch(self, number: int, reason: str) -> list[out.Output]:
        first = self.flow.part_first(number)
        part = self.flow.part_numbered(number)
        if first is None or part is None:
            return [out.Error(say("no_conversation", number=number))]
        self.machine.place(self.cursor, self.position.stage, self.position.outcome)
        if part.enter_when and not all_hold(parse_all(part.enter_when), self.facts) and not reason:
            return [out.Error(part.blocked or say("no_conversation", number=number))]
        return self._move(Position(first), reason or None)

    def _move(self, pos: Position, reason: str | None) -> list[out.Output]:
        skips: list[LeftOut] = []
        here, step = self.position, self.step
        if step is not None and step.interrupt is not None and here.back_to is not None:
            # The safety questions left for another place are kept with their alert, as /skip keeps them.
            skips += self._check_left(here, say("left_for_another_question"))
        after = self._skip_forward(pos, skips)
        self._record(Moved(reason=reason, skips=tuple(skips)), after)
        step = self.flow.steps.get(after.stage)
        return [out.Info(say("moved", title=step.title if step else after.stage))]

    def _capture_command(self, kind: str, text: str) -> list[out.Output]:
        if kind not in vocabulary.KINDS:
            return [out.Error(say("bad_kind", kinds=", ".join(vocabulary.refile_kinds())))]
        if not text:
            from convo.engine import commands

            return [out.Error(say("needs_text", name=_spelled(commands.Capture(kind, ""))))]
        area = vocabulary.kind(kind).area or (self.step.area if self.step else vocabulary.CLOSING)
        source = "practitioner" if kind == vocabulary.NOTE else self.state.speaker
        return [self._capture(text, kind, area, source)]

    def _capture(self, text: str, kind: str, area: str, source: str, cue: str | None = None) -> out.Captured:
        pos = self.position
        outcome_id = self.state.outcome_id(pos.outcome) if kind != vocabulary.OUTCOME else None
        event = self._record(Captured(text=text, kind=kind, area=str(area), outcome_id=outcome_id, source=source,
                                      cue=cue), pos)
        return self._captured(event.seq)

    def _from(self, who: str) -> list[out.Output]:
        source = who.lower()
        if source not in SOURCES:
            return [out.Error(say("bad_speaker"))]
        self._record(SpeakerChanged(source=source), self.position)
        return [out.Info(say("speaker", source=source))]

    def _language(self, code: str) -> list[out.Output]:
        try:
            language = checked(code)
        except LanguageError:
            return [out.Error(say("bad_language"))]
        self._record(LanguageChosen(language=language), self.position)
        with speaking(language):
            return [out.Info(say("language_chosen"))]

    def _offer(self, text: str) -> list[out.Output]:
        """The Active Offer answered: a language chosen, or a blank line to carry on in this one. Either way the
        offer is recorded as made; an answer that chooses no language is asked again, and not kept."""
        pos, step = self.position, self.step
        assert step is not None
        said = " ".join(text.casefold().replace("\u2019", "'").strip(" .!?").split())
        choice = next((c for c in step.choices
                       if said in {c.value, c.label.casefold(), *(word.casefold() for word in c.says)}), None)
        if said and choice is None:
            return [out.Error(say("choose_one", choices=" / ".join(c.label for c in step.choices)))]
        language = checked(choice.value) if choice else self.language
        after = self._leave(pos)
        self._record(LanguageChosen(language=language, offered=True, passed=choice is None), after)
        skips: list[LeftOut] = []
        self._settle(self._skip_forward(after, skips), skips)
        if choice is None:
            return []
        with speaking(language):
            return [out.Info(say("language_chosen"))]

    def _refile(self, word: str, item_id: int | None, number: int | None) -> list[out.Output]:
        kinds = vocabulary.refile_kinds()
        if word.lower() not in kinds:
            return [out.Error(say("bad_kind", kinds=", ".join(kinds)))]
        item_id = item_id if item_id is not None else self.state.last_answer
        item = self.state.items.get(item_id) if item_id is not None else None
        if item is None:
            return [out.Error(say("nothing_to_refile"))]
        target = vocabulary.kind(word.lower())
        kind, area = target.id, target.area or str(self.step.area if self.step else vocabulary.CLOSING)
        outcome_id = None
        if kind != vocabulary.OUTCOME:
            if number is not None:
                count = len(self.state.outcome_ids())
                if not 1 <= number <= count:
                    return [out.Error(say("no_such_outcome", number=number, count=count))]
                outcome_id = self.state.outcome_id(number - 1)
            else:
                outcome_id = item.outcome if item.outcome is not None else self.state.outcome_id(self.position.outcome)
        self._record(Refiled(item=item.id, kind=kind, area=area, outcome_id=outcome_id), self.position)
        return [out.Info(say("refiled", kind=kind, text=item.text)), self._captured(item.id)]

    def _cue(self, cue_id: str, accept: bool) -> list[out.Output]:
        pending = self.state.pending_cues()
        cue_id = cue_id or (pending[-1] if pending else "")
        if cue_id not in pending:
            return [out.Error(say("no_cue", id=cue_id))]
        event_seq, kind, term, text = self.state.cues[cue_id]
        if not accept:
            self._record(CueActed(cue=cue_id, action="dismissed"), self.position)
            return [out.Info(say("cue_dismissed"))]
        records = vocabulary.captured_by_cue(kind)
        if records is not None:
            item_kind, area = records.id, records.area or vocabulary.CLOSING
            words = self.state.cue_words.get(cue_id)
            if words is None:  # a suggestion saved before its words were kept: the whole answer
                answer = self.state.items.get(event_seq)
                words = answer.text if answer else term
            return [self._capture(words, item_kind, area, self.state.speaker, cue_id)]
        pos = self.position
        follow = Position(pos.stage, pos.outcome, pos.back_to, pos.term, follow_up=text)
        self._record(CueActed(cue=cue_id, action="accepted"), follow)
        return []

    def _acknowledge(self, seq: int | None) -> list[out.Output]:
        """Note that a person has seen a safeguarding alert (the oldest waiting, or the one numbered)."""
        pending = list(dict.fromkeys(alert.seq for alert in self.pending_alerts()))
        if not pending:
            return [out.Error(say("no_alert_waiting"))]
        seq = seq if seq is not None else pending[0]
        if seq not in pending:
            return [out.Error(say("no_such_alert", number=seq, waiting=", ".join(map(str, pending))))]
        if self.carer_closes:  # the carer has seen it and its help; no practitioner has yet
            self._record(Acknowledged(alert=seq, by_carer=True), self.position)
            return [out.Info(say("alert_seen_by_carer"))]
        self._record(Acknowledged(alert=seq, by=_who()), self.position)
        return [out.Info(say("alert_acknowledged", number=seq))]

    def _concern(self, category: str, note: str) -> list[out.Output]:
        """A concern raised by hand: its kind, and what was noticed; it joins the Safeguarding section."""
        kinds = taxonomy()
        category = category.lower().replace("-", "_")
        if category not in kinds.ids:
            return [out.Error(say("bad_concern", categories=", ".join(kinds.ids)))]
        note = note.strip()
        if not note:
            from convo.engine import commands

            return [out.Error(say("needs_text", name=_spelled(commands.RaiseConcern("", ""))))]
        # The safety questions follow, as after an alert heard (unless the conversation is at them already).
        after = self.position
        if self.step is not None:
            after = self._interrupt(after, [detector.Finding("safeguarding", note, note, category=category)],
                                    self.step)
        event = self._record(Raised(category=category, text=note, source="practitioner", by=_who()), after)
        wording = kinds.alert_text(category, note, self.audience.value, self.can_move, self.language)
        return [out.Alert("safeguarding", note, wording, category),
                out.Info(say("concern_raised", label=kinds.category(category).label_in(self.language), seq=event.seq))]

    def _undo(self) -> list[out.Output]:
        gone = undone(self.events)
        for event in reversed(self.events):
            if event.type in UNDOABLE and event.seq not in gone and event.before is not None:
                # An answer that raised an alert is taken back, but the alert stands (see state.fold), and so
                # do the safety questions it brought: the conversation stays where it is.
                alerted = _raised_alert(event)
                self._record(Undone(event=event.seq), self.position if alerted else event.before)
                what = getattr(event.payload, "text", "") or event.type
                return [out.Info(say("undone_alert_stands" if alerted else "undone", what=what))]
        return [out.Error(say("nothing_to_undo"))]

    def written(self, stage: str, outcome: int | None = None) -> list[Item]:
        """What stands written at a question (`outcome`: the index of the thing that matters it is about), and
        is still filed there: an answer re-filed as a risk has gone elsewhere. What `Rewrite` writes over."""
        step = self.flow.steps[stage]
        answers = {event.seq for event in self.events if event.type == Answered.KIND}
        outcome_id = self.state.outcome_id(outcome) if step.per_outcome or step.interrupt is not None else None
        return [item for item in self.state.at_stage(stage, outcome_id)
                if item.id in answers and item.kind in {step.captures or "", step.from_carer or ""}]

    def _rewrite(self, text: str) -> list[out.Output]:
        step = self.step
        if step is None or not step.rewritable:
            return [out.Error(say("cannot_rewrite"))]  # a choice is chosen again; a thing that matters has its own
        earlier = self.written(step.id, self.position.outcome)
        if "\n".join(item.text for item in earlier).strip() == text.strip():
            return []  # the same words (a browser drops a box's first line break): nothing to record
        if text.strip() and earlier:
            return self._answer_one(text, replaces=tuple(item.id for item in earlier))
        outputs = self._answer_one(text) if text.strip() else []
        for item in earlier:  # an emptied box: what was written is taken back; an alert it raised stands
            for seq in sorted(said_at(self.state, item.id)):
                self._record(Undone(event=seq), self.position)
        return outputs

    def _name(self, text: str) -> list[out.Output]:
        """Mark a name to be hidden when the draft is exported with --redact."""
        if not text:
            from convo.engine import commands

            return [out.Error(say("needs_text", name=_spelled(commands.Name(""))))]
        self._record(Named(text=text), self.position)
        return [out.Info(say("named", name=text))]

    def _end(self) -> list[out.Output]:
        self._record(Ended(), Position(END), status="ended")
        return []


def _practitioner_settings() -> dict[str, str]:
    """The practitioner's name, role and team as their settings say, to write into a conversation they start."""
    from convo import config

    settings = config.load()
    found = {"name": settings.practitioner_name, "role": settings.practitioner_role,
             "team": settings.practitioner_team}
    return {key: value for key, value in found.items() if value}


def _who() -> str:
    """Who did something, for the record (never a person's words): the practitioner's name as their settings
    give it with the account they are logged in as, "Sam Jones (sjones)"; the account alone without a name."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "unknown"
    name = _practitioner_settings().get("name")
    return f"{name} ({account})" if name and name != account else account


def _heard(finding: detector.Finding, answer: str, text: str | None = None) -> Heard:
    return Heard(kind=finding.kind, term=finding.term, text=text or finding.text, category=finding.category,
                 people=tuple(finding.people),
                 words=detector.words_about(answer, finding.term) if vocabulary.captured_by_cue(finding.kind) else None)


def _spelled(command: Command) -> str:
    """A command as line mode types it, for an error that names it."""
    from convo.engine.parse import spelled

    return spelled(command)
