"""A practice session: the one object every face drives in practice mode. Text in, outputs out.

The trainee talks with the simulated person until `/end`; then writes their draft of what matters
and a What? So what? Now what? debrief; then the feedback is shown. With a store, every turn is
saved as an event before the reply is returned, so a practice is never lost.
"""

from __future__ import annotations

import secrets

from convo.clock import Clock, utc_now
from convo.events import ConversationInfo, Event
from convo.practice import replies as out
from convo.practice.coaching import Coaching, shipped_coaching
from convo.practice.feedback import Debrief, Feedback, compute
from convo.practice.person import Coder, SimulatedPerson, Turn
from convo.practice.scenario import LoadedScenario, get_scenario
from convo.store import Store

FLOW_PREFIX = "practice:"
# After /end: the trainee's draft of what matters, then What? So what? Now what?
ENDING = ("draft", "what", "so_what", "now_what")


class PracticeSession:
    def __init__(self, loaded: LoadedScenario, *, store: Store | None = None, coaching: Coaching | None = None,
                 coder: Coder | None = None, clock: Clock = utc_now, practice_id: str | None = None):
        self.loaded, self.scenario = loaded, loaded.scenario
        self.coaching = coaching or shipped_coaching()
        self.person = SimulatedPerson(self.scenario, self.coaching, coder)
        self.store, self.clock = store, clock
        self.id = practice_id or clock().strftime("practice-%Y%m%d-") + secrets.token_hex(3)
        self.coach = True
        self.phase = "talk"
        self.drafts: list[str] = []
        self.debrief = Debrief()
        self._seq = 0

    # -- starting and resuming ------------------------------------------------------------------

    @classmethod
    def start(cls, loaded: LoadedScenario, store: Store | None = None, **options) -> PracticeSession:
        session = cls(loaded, store=store, **options)
        event = session._event("started", {"scenario": session.scenario.id, "path": loaded.path,
                                          "scenario_hash": loaded.hash, "coach": True})
        if store is not None:
            info = ConversationInfo(session.id, FLOW_PREFIX + session.scenario.id, 1, loaded.hash, "practitioner",
                                    session.scenario.title, event.at, event.at, "open")
            store.create(info, event)
        return session

    @classmethod
    def resume(cls, store: Store, practice_id: str, **options) -> PracticeSession:
        """A saved practice, replayed from its events (no coder needed: each turn kept its code)."""
        events = store.events(practice_id)
        if not events or events[0].type != "started":
            raise LookupError(f"there is no practice {practice_id!r} in {store.path}")
        first = events[0].data
        try:
            loaded = get_scenario(first["scenario"])
        except LookupError:
            loaded = get_scenario(first["path"])
        session = cls(loaded, store=store, practice_id=practice_id, **options)
        for event in events:
            session._seq = event.seq
            session._apply(event)
        return session

    def _apply(self, event: Event) -> None:
        data = event.data
        if event.type == "turn":
            self.person.take(Turn.model_validate(data))
        elif event.type == "coach":
            self.coach = bool(data["on"])
        elif event.type == "draft":
            self.drafts.append(data["text"])
        elif event.type == "phase":
            self.phase = data["phase"]
        elif event.type == "debrief":
            self.debrief = self.debrief.model_copy(update={data["part"]: data["text"]})
        elif event.type == "ended":
            self.phase = "done"

    def _event(self, kind: str, data: dict) -> Event:
        self._seq += 1
        return Event(self._seq, kind, self.clock(), data)

    def _record(self, kind: str, data: dict, status: str | None = None) -> None:
        """Save first, then change the session, so what is shown is always what is saved."""
        event = self._event(kind, data)
        if self.store is not None:
            self.store.append(self.id, event, status=status)
        self._apply(event)

    # -- reading ----------------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.phase == "done"

    @property
    def turns(self) -> list[Turn]:
        return self.person.turns

    def explored(self) -> dict[str, int]:
        return self.person.explored()

    def explored_text(self) -> str:
        found = self.explored()
        if not found:
            return self.coaching.say("explored_none")
        names = [f"{label} ({found[area]})" for area, label in self.coaching.areas.items() if area in found]
        return self.coaching.say("explored", areas=", ".join(names))

    def opening(self) -> list[out.Output]:
        """What a face shows first: the setting, the person's opening words, and the first prompt."""
        outputs: list[out.Output] = []
        if not self.turns:
            person = self.scenario.person
            outputs.append(out.Info(self.coaching.say("start", name=person.name, title=self.scenario.title)))
            age = f", {person.age}" if person.age is not None else ""
            outputs.append(out.Info(f"{person.name}{age}. {person.about.strip()} {self.scenario.setting.strip()}"))
            outputs.append(out.Reply(self.scenario.person.name, self.scenario.opening, [], {}))
        else:
            outputs.append(out.Reply(self.scenario.person.name, self.person.last_line, [], self.explored()))
        outputs.append(self.prompt())
        return outputs

    def prompt(self) -> out.Prompt:
        if self.phase == "talk":
            return out.Prompt(self.coaching.say("turn", name=self.scenario.person.name), "talk")
        return out.Prompt(self.coaching.say(self.phase, name=self.scenario.person.name), self.phase)

    def feedback(self) -> Feedback:
        return compute(practice_id=self.id, scenario=self.scenario, coaching=self.coaching, turns=self.turns,
                       coached=self.coach, drafts=self.drafts, debrief=self.debrief)

    # -- one line -------------------------------------------------------------------------------

    def send(self, line: str) -> list[out.Output]:
        if self.ended:
            return [out.Done(self.id)]
        if line.startswith("/") and not line.startswith("//"):
            return self._command(line)
        text = line[1:] if line.startswith("//") else line
        if self.phase != "talk":
            return self._ending_answer(text.strip())
        if not text.strip():
            return [self.prompt()]
        return self._turn(text.strip())

    def _turn(self, text: str) -> list[out.Output]:
        before = set(self.explored())
        waiting = self.person.waiting_words()
        turn = self.person.answer(text)
        self._record("turn", turn.model_dump())
        outputs: list[out.Output] = []
        if self.coach:
            outputs.append(self._coaching(turn, waiting))
        outputs.append(out.Reply(self.scenario.person.name, turn.reply, turn.revealed, self.explored()))
        if any(self.scenario.fact(fact_id).alert for fact_id in turn.revealed):
            age = self.scenario.person.age
            outputs.append(out.Alert(self.coaching.say("alert_child" if age is not None and age < 18 else "alert")))
        if set(self.explored()) != before:
            outputs.append(out.Info(self.explored_text()))
        outputs.append(self.prompt())
        return outputs

    def _coaching(self, turn: Turn, words: list[str]) -> out.Coach:
        from convo.practice.coder import behaviour

        kinds = list(dict.fromkeys(turn.codes))
        tips = [self.coaching.tip(code) for code in kinds]
        notes = tips[1:] + [self.coaching.tip("jargon", term=term) for term in turn.jargon]
        if turn.follows_up:
            notes.append(self.coaching.tip("so_what_followed", term=turn.follows_up))
        elif words:
            notes.append(self.coaching.tip("so_what_missed", term=words[0]))
        if turn.kind == "ignored":
            notes.append(self.coaching.tip("disclosure_ignored"))
        elif turn.kind == "returned":
            notes.append(self.coaching.tip("returned"))
        elif turn.kind == "disclosure" and turn.response is not None and not (
                turn.response.immediate_safety and turn.response.next_steps):
            notes.append(self.coaching.tip("disclosure_stayed"))
        if turn.kind == "asked_again":
            notes.append(self.coaching.tip("asked_again"))
        cut = self.person.cut_across(turn.text) if self.coaching.tips.topic_cut else None
        if cut is not None and turn.kind != "ignored":  # moving on from a disclosure has its own note
            notes.append(self.coaching.tip("topic_cut", term=cut))
        if turn.kind == "guarded":
            notes.append(self.coaching.tip("guarded", name=self.scenario.person.name.split()[0]))
        language = self.scenario.person.first_language
        if turn.offered_language and language:
            notes.append(self.coaching.tip("language_offered", language=language.name))
        if turn.language and language:
            notes.append(self.coaching.tip("language_switch", language=language.name))
        if any(self.scenario.fact(f).alert for f in turn.revealed):
            notes.append(self.coaching.tip("alert"))
        return out.Coach(turn.code, behaviour(turn.code), tips[0], notes, turn.codes)

    def _ending_answer(self, text: str) -> list[out.Output]:
        if self.phase == "draft":
            if text:
                self._record("draft", {"text": text})
        elif text:
            self._record("debrief", {"part": self.phase, "text": text})
        following = ENDING.index(self.phase) + 1
        if following < len(ENDING):
            self._record("phase", {"phase": ENDING[following]})
            return [self.prompt()]
        return self._finish()

    def _finish(self) -> list[out.Output]:
        self._record("ended", {}, status="ended")
        return [out.Feedback(self.feedback().model_dump(mode="json")), out.Done(self.id)]

    # -- commands -------------------------------------------------------------------------------

    def _command(self, line: str) -> list[out.Output]:
        name, _, rest = line.partition(" ")
        name, rest = name.lower(), rest.strip()
        if name == "/end":
            if self.phase == "talk":
                self._record("phase", {"phase": "draft"})
                return [self.prompt()]
            return self._finish()
        if name == "/coach":
            wanted = {"on": True, "off": False}.get(rest.lower(), not self.coach)
            self._record("coach", {"on": wanted})
            return [out.Info(self.coaching.say("coach_on" if wanted else "coach_off")), self.prompt()]
        if name == "/draft":
            if not rest:
                return [out.Error(self.coaching.say("needs_text", command="/draft")), self.prompt()]
            self._record("draft", {"text": rest})
            return [out.Info(self.coaching.say("draft_saved")), self.prompt()]
        if name == "/areas":
            return [out.Info(self.explored_text()), self.prompt()]
        if name == "/help":
            return [out.Info(self.coaching.say("help")), self.prompt()]
        return [out.Error(self.coaching.say("unknown_command", command=name)), self.prompt()]


def unfinished(store: Store) -> list[ConversationInfo]:
    """The practices in a practice database not yet ended, the most recently touched first."""
    return [info for info in store.list() if info.status != "ended"]
