"""How a trainee responds to a disclosure: did they acknowledge it, stay with it, say what happens
next, and ask whether the person is safe now? Judged turn by turn by the simulated person (who
reacts when moved on from) and over the turns after it by the feedback, from the same rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import BaseModel

from convo.practice.coaching import Coaching
from convo.practice.coder import Part
from convo.practice.safety import SafetyRecogniser
from convo.practice.words import Terms, stem, tokens

Verdict = Literal["handled", "partly", "ignored", "ended"]
ELEMENTS = ("acknowledged", "stayed", "next_steps", "immediate_safety")

QUESTIONS = frozenset({"open_question", "closed_question"})
REFLECTIONS = frozenset({"simple_reflection", "complex_reflection"})

# Words too common to show that a turn is about what the person said.
_COMMON = frozenset(
    "a an the and or but so to of in on at for with from by about as into it its it's is was be been being are "
    "were am i i'm i've i'd me my you you're you've you'd your yours we us our they them their he him his she her "
    "that this these those there here what which who how why when where do does did done doing have has had having "
    "not no yes can could would should will shall may might must just like really very much more some any all "
    "anything something nothing everything one get got go going gone come came say said tell told know think feel "
    "felt want make made take well then than too also now ok okay right sure thing things way lot bit mm um uh oh "
    "sounds sound seems seem if because up out over again still ever never always else around anyone someone "
    "everyone nobody anybody people time bit many little kind sort part listening talking talk saying asked ask "
    "asking telling mean means need needs".split()
)


class Response(BaseModel):
    """What one trainee turn did with a disclosure."""

    acknowledged: bool = False
    stayed: bool = False
    next_steps: bool = False
    immediate_safety: bool = False


class Judgement(BaseModel):
    """The response to one disclosure over the turns after it."""

    fact: str
    turn: int
    verdict: Verdict
    acknowledged: bool
    stayed: bool
    next_steps: bool
    immediate_safety: bool
    next_text: str | None = None


def content_stems(text: str) -> set[str]:
    return {stem(word) for word in tokens(text) if word not in _COMMON and len(word) > 2}


class DisclosureJudge:
    def __init__(self, coaching: Coaching, recogniser: SafetyRecogniser):
        rules = coaching.disclosure
        self.window = rules.window
        self.recogniser = recogniser
        self._acknowledge = Terms(rules.acknowledge)
        self._next_steps = Terms(rules.next_steps)
        self._immediate = Terms(rules.immediate)
        self._tell_more = Terms(rules.tell_more)

    def response(self, parts: Sequence[Part], told: str, stay_with: Sequence[str],
                 elsewhere: Callable[[str], bool] = lambda text: False) -> Response:
        """What a turn (its coded parts) did with a disclosure `told` in these words.

        `elsewhere` says whether words touch something else the person could talk about, so
        "tell me more about the car" is not staying with a disclosure about money.
        """
        text = " ".join(part.text for part in parts)
        # The scenario's own words for it, not every word of the telling: "Alun" in "I haven't told
        # Alun" does not make a question about Alun's back a question about the tablets.
        about = {stem(word) for term in stay_with for word in tokens(term.rstrip("*"))} or content_stems(told)
        mentions = bool(content_stems(text) & about)
        questions = [part for part in parts if part.code in QUESTIONS or part.text.rstrip().endswith("?")]
        affirmed = any(part.code == "affirm" for part in parts)
        reflected = any(part.code in REFLECTIONS for part in parts)
        acknowledged = self._acknowledge.search(text) or affirmed or (reflected and mentions)
        safety_asked = any(self.recogniser.kind(part.text) for part in questions)
        immediate = safety_asked or any(self._immediate.search(part.text) and (mentions or not elsewhere(part.text))
                                        for part in questions)
        next_steps = self._next_steps.search(text)
        tell_more = self._tell_more.search(text) and not elsewhere(text)
        stayed = bool(acknowledged or mentions or next_steps or immediate or tell_more
                      or any(self.recogniser.kind(part.text) for part in parts))
        return Response(acknowledged=bool(acknowledged), stayed=stayed, next_steps=bool(next_steps),
                        immediate_safety=bool(immediate))

    def judge(self, fact: str, turn: int, after: Sequence[tuple[Response, str]]) -> Judgement:
        """The verdict on a disclosure told at `turn`, from the responses of the turns after it (up to the window)."""
        after = list(after)[: self.window]
        if not after:
            return Judgement(fact=fact, turn=turn, verdict="ended", acknowledged=False, stayed=False,
                             next_steps=False, immediate_safety=False)
        first = after[0][0]
        responses = [response for response, _ in after]
        acknowledged = any(r.acknowledged for r in responses) and first.stayed
        next_steps = any(r.next_steps for r in responses)
        immediate = any(r.immediate_safety for r in responses)
        # Stayed: the turn straight after was about it, and so was the next, unless the two things
        # a trainee must do before moving on (safety now, what happens next) were already done.
        stayed = first.stayed and (len(responses) < 2 or responses[1].stayed
                                   or (first.next_steps and first.immediate_safety))
        if not first.stayed:
            verdict: Verdict = "ignored"
        elif acknowledged and stayed and next_steps and immediate:
            verdict = "handled"
        else:
            verdict = "partly"
        return Judgement(fact=fact, turn=turn, verdict=verdict, acknowledged=acknowledged, stayed=stayed,
                         next_steps=next_steps, immediate_safety=immediate, next_text=after[0][1])
