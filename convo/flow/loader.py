"""Load a flow file into a checked `Flow`: every problem is reported with its FILE:LINE:COL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from jinja2 import TemplateSyntaxError
from pydantic import ValidationError

from convo import vocabulary
from convo.flow import conditions
from convo.flow.schema import FlowFile, Interrupt, Loop, Part, Route, Stage
from convo.flow.yamlfile import Problem, YamlDocument, YamlProblems, read, validation_problems
from convo.language import LANGUAGES, localize
from convo.language import gaps as wording_gaps
from convo.records import Audience
from convo.templating import PROMPT_NAMES, compile_text, unknown_names

END = "end"


@dataclass(frozen=True)
class Step:
    """A stage (or interrupt) with where it sits in the flow."""

    id: str
    title: str
    area: str
    captures: str
    prompt: dict[Audience, str]
    again: dict[Audience, str]
    choices: tuple
    single: bool
    part: Part | None
    loop: Loop | None
    interrupt: Interrupt | None = None
    skip_when: tuple = ()
    skip_reason: str | None = None
    path: tuple = ()
    choices_only: bool = False
    offers_language: bool = False  # the Active Offer: its choices are languages
    optional: bool = False
    several: bool = False
    from_carer: str | None = None
    source: str | None = None  # whose words answers here are, in a practitioner's conversation
    audiences: tuple[Audience, ...] = ()  # asked only of these (none: of every audience of the flow)

    def asked_of(self, audience: str) -> bool:
        return not self.audiences or audience in self.audiences

    @property
    def rewritable(self) -> bool:
        """Answered in words of one's own, so an answer is changed by writing it again (`Rewrite`): not a
        choice (chosen again), and not *what matters*, where each line is a thing with questions of its own."""
        return not self.choices and self.captures != vocabulary.OUTCOME and not self.offers_language

    @property
    def part_number(self) -> int | None:
        """Which of the three conversations the stage is in (None outside them, as in the closing)."""
        return self.part.conversation if self.part else None

    @property
    def per_outcome(self) -> bool:
        return self.loop is not None


@dataclass
class Flow:
    """A checked flow, ready to build a machine from."""

    file: FlowFile
    source: str
    hash: str
    steps: dict[str, Step] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    routes: dict[str, list[tuple[str, tuple]]] = field(default_factory=dict)
    loops: dict[str, Loop] = field(default_factory=dict)
    language: str = "en"  # the language its wording is in
    languages: tuple[str, ...] = ("en",)  # every language it is written in

    def in_language(self, language: str) -> Flow:
        """The same flow with its wording in `language` (itself if it is not written in that language)."""
        if language == self.language or language not in self.languages:
            return self
        return _in_language(self.source, self.hash, language)

    @property
    def id(self) -> str:
        return self.file.id

    @property
    def version(self) -> int:
        return self.file.version

    @property
    def title(self) -> str:
        return self.file.title

    @property
    def first(self) -> str:
        return self.order[0]

    def first_of_loop(self, loop_id: str) -> str:
        return self.loops[loop_id].stages[0].id

    def part_first(self, number: int) -> str | None:
        for part in self.file.parts:
            if part.conversation == number:
                return _first_stage_id(part.stages[0])
        return None

    def part_numbered(self, number: int) -> Part | None:
        return next((p for p in self.file.parts if p.conversation == number), None)

    def stages_in_area(self, area: str) -> list[str]:
        return [sid for sid in self.order if self.steps[sid].area == area and not self.steps[sid].offers_language]


def _first_stage_id(item: Stage | Loop) -> str:
    return item.stages[0].id if isinstance(item, Loop) else item.id


def load(path: str | Path, language: str | None = None) -> Flow:
    """Load and check a flow file, its wording in `language` (default: the file's own); raise YamlProblems
    listing everything wrong with it, a wording missing in one of its languages included."""
    document = read(path)
    own, languages = _languages(document.data)
    gaps = [document.problem(loc, message) for loc, message in wording_gaps(document.data, languages, _is_wording_at)]
    chosen = language if language in languages else own
    try:
        file = FlowFile.model_validate(localize(document.data, chosen, own))
    except ValidationError as error:
        raise YamlProblems(sorted(set(validation_problems(document, error) + gaps))) from None
    flow = Flow(file=file, source=str(path), hash=hashlib.sha256(document.text.encode()).hexdigest(),
                language=chosen, languages=tuple(languages))
    problems = gaps + list(_compile(flow, document))
    if problems:
        raise YamlProblems(sorted(set(problems)))
    return flow


@lru_cache(maxsize=32)
def _in_language(source: str, file_hash: str, language: str) -> Flow:
    return load(source, language)


# Where a person reads what a flow file says: these keys, and a prompt or "again" for an audience.
_WORDING_KEYS = frozenset({"title", "label", "skip_reason", "blocked"})


def _is_wording_at(loc: tuple) -> bool:
    return bool(loc) and (loc[-1] in _WORDING_KEYS or (len(loc) >= 2 and loc[-2] in ("prompt", "again")))


def _languages(data: object) -> tuple[str, list[str]]:
    """The file's own language (of wording given as a plain string) and every language it is written in."""
    if not isinstance(data, dict):
        return "en", ["en"]
    own = data.get("language") if data.get("language") in LANGUAGES else "en"
    listed = data.get("languages")
    languages = [code for code in listed if code in LANGUAGES] if isinstance(listed, list) else []
    return str(own), languages or [str(own)]


def _compile(flow: Flow, doc: YamlDocument) -> Iterator[Problem]:
    file = flow.file
    seen: dict[str, tuple] = {}

    def claim(ident: str, loc: tuple) -> Iterator[Problem]:
        if ident == END:
            yield doc.problem(loc + ("id",), f"'{END}' is reserved for the end of the conversation")
        elif ident in seen:
            line, _ = doc.at(seen[ident] + ("id",))
            yield doc.problem(loc + ("id",), f"duplicate id {ident!r} (first used on line {line})")
        else:
            seen[ident] = loc

    items: list[tuple[Stage | Loop, Part, tuple]] = []
    for p, part in enumerate(file.parts):
        yield from claim(part.id, ("parts", p))
        for s, item in enumerate(part.stages):
            items.append((item, part, ("parts", p, "stages", s)))
    for index, (item, part, loc) in enumerate(items):
        yield from claim(item.id, loc)
        following = items[index + 1][0].id if index + 1 < len(items) else END
        if isinstance(item, Loop):
            flow.loops[item.id] = item
            for s, stage in enumerate(item.stages):
                stage_loc = loc + ("stages", s)
                yield from claim(stage.id, stage_loc)
                yield from _stage_problems(doc, file, stage, stage_loc, in_loop=True)
                flow.steps[stage.id] = _step(stage, part, item, stage_loc)
                flow.order.append(stage.id)
            last = item.stages[-1].id
            flow.routes[last] = _routes(item.next, following)
        else:
            yield from _stage_problems(doc, file, item, loc, in_loop=False)
            flow.steps[item.id] = _step(item, part, None, loc)
            flow.order.append(item.id)
            flow.routes[item.id] = _routes(item.next, following)
        if isinstance(item, Loop):
            for stage, following_stage in pairwise(item.stages):
                flow.routes[stage.id] = [(following_stage.id, ())]
    for i, interrupt in enumerate(file.interrupts):
        loc = ("interrupts", i)
        yield from claim(interrupt.id, loc)
        yield from _prompt_problems(doc, file, interrupt.prompt, loc + ("prompt",))
        flow.steps[interrupt.id] = Step(
            id=interrupt.id, title=interrupt.title, area=interrupt.area, captures=interrupt.captures,
            prompt=interrupt.prompt, again={}, choices=(), single=True, part=None, loop=None,
            interrupt=interrupt, path=loc,
        )
    chained = {interrupt.id for interrupt in file.interrupts}
    for i, interrupt in enumerate(file.interrupts):
        if interrupt.then is not None and interrupt.then not in chained:
            yield doc.problem(("interrupts", i, "then"),
                              f"'then' goes to {interrupt.then!r}, which is not an interrupt")
    yield from _route_problems(flow, doc, seen)
    yield from _reachability_problems(flow, doc)


def _step(stage: Stage, part: Part, loop: Loop | None, loc: tuple) -> Step:
    return Step(
        id=stage.id, title=stage.title, area=stage.area, captures=stage.captures, prompt=stage.prompt,
        again=stage.again, choices=tuple(stage.choices), single=stage.single, part=part, loop=loop,
        skip_when=_quiet_parse(stage.skip_when), skip_reason=stage.skip_reason, path=loc,
        offers_language=stage.offers_language,
        choices_only=stage.choices_only, optional=stage.optional, several=stage.several,
        from_carer=stage.from_carer, source=stage.source.value if stage.source else None,
        audiences=tuple(stage.audiences or ()),
    )


def _quiet_parse(when) -> tuple:
    try:
        return conditions.parse_all(when)
    except conditions.ConditionError:
        return ()  # reported by _route_problems


def _routes(next_: str | list[Route] | None, following: str) -> list[tuple[str, tuple]]:
    if next_ is None:
        return [(following, ())]
    if isinstance(next_, str):
        return [(next_, ())]
    return [(route.to, _quiet_parse(route.when)) for route in next_]


def _stage_problems(doc: YamlDocument, file, stage: Stage, loc: tuple, in_loop: bool) -> Iterator[Problem]:
    yield from _prompt_problems(doc, file, stage.prompt, loc + ("prompt",), stage.audiences)
    for key, text in stage.again.items():
        yield from _template_problems(doc, text, loc + ("again", key))
    if in_loop and stage.next is not None:
        yield doc.problem(loc + ("next",), "stages in a loop are asked in order; put 'next' on the loop")
    if in_loop and not vocabulary.area(stage.area).per_outcome and stage.area != vocabulary.OUTCOMES:
        yield doc.problem(loc + ("area",), f"area {stage.area!r} is not explored per outcome")
    values = [choice.value for choice in stage.choices]
    for c, value in enumerate(values):
        if value in values[:c]:
            yield doc.problem(loc + ("choices", c, "value"), f"duplicate choice {value!r}")
    if stage.choices_only and not stage.choices:
        yield doc.problem(loc + ("choices_only",), "'choices_only' needs choices to pick from")
    if stage.offers_language:
        for c, value in enumerate(values):
            if value not in LANGUAGES:
                yield doc.problem(loc + ("choices", c, "value"), f"offer one of {', '.join(LANGUAGES)}")
    for audience in stage.audiences or ():
        if audience not in file.audiences:
            yield doc.problem(loc + ("audiences",), f"audience {audience.value!r} is not one the flow lists")
    if stage.several and (not stage.choices or stage.single):
        yield doc.problem(loc + ("several",), "'several' needs choices, on a question that takes more than one answer")
    yield from _age_problems(doc, stage, loc)


def _age_problems(doc: YamlDocument, stage: Stage, loc: tuple) -> Iterator[Problem]:
    taken: list[tuple[int, int, str]] = []
    for c, choice in enumerate(stage.choices):
        if choice.ages is None:
            continue
        low, high = choice.ages
        if low < 0 or high < low:
            yield doc.problem(loc + ("choices", c, "ages"), f"ages {low} to {high}: give the lower age first, from 0")
            continue
        for other_low, other_high, other in taken:
            if low <= other_high and other_low <= high:
                yield doc.problem(loc + ("choices", c, "ages"),
                                  f"ages {low} to {high} overlap those of choice {other!r}")
        taken.append((low, high, choice.value))


def _prompt_problems(doc: YamlDocument, file, prompts: dict, loc: tuple,
                     asked_of: list[Audience] | None = None) -> Iterator[Problem]:
    for audience in asked_of or file.audiences:
        if audience not in prompts:
            yield doc.problem(loc, f"no prompt for audience {audience.value!r}")
    for audience, text in prompts.items():
        if audience not in file.audiences:
            yield doc.problem(loc + (audience,),
                              f"prompt for audience {audience.value!r}, which the flow does not list")
        yield from _template_problems(doc, text, loc + (audience,))


def _template_problems(doc: YamlDocument, text: str, loc: tuple) -> Iterator[Problem]:
    try:
        compile_text(text)
    except TemplateSyntaxError as error:
        yield doc.problem(loc, f"template: {error.message}")
        return
    for name in sorted(unknown_names(text)):
        yield doc.problem(loc, f"template uses {name!r}; prompts may use {', '.join(sorted(PROMPT_NAMES))}")


def _route_problems(flow: Flow, doc: YamlDocument, ids: dict[str, tuple]) -> Iterator[Problem]:
    stage_ids = set(flow.steps)
    targets = stage_ids | set(flow.loops) | {END}
    containers: list[tuple[tuple, object]] = []
    for p, part in enumerate(flow.file.parts):
        containers.append((("parts", p), part))
        for s, item in enumerate(part.stages):
            containers.append((("parts", p, "stages", s), item))
            if isinstance(item, Loop):
                containers += [(("parts", p, "stages", s, "stages", t), st) for t, st in enumerate(item.stages)]
    for loc, node in containers:
        conds: list[tuple[tuple, object]] = []
        next_ = getattr(node, "next", None)
        if isinstance(next_, str) and next_ not in targets:
            yield doc.problem(loc + ("next",), f"'next' goes to {next_!r}, which is not a stage")
        if isinstance(next_, list):
            for r, route in enumerate(next_):
                if route.to not in targets:
                    yield doc.problem(loc + ("next", r, "to"), f"'to' goes to {route.to!r}, which is not a stage")
                conds.append((loc + ("next", r, "when"), route.when))
        for key in ("skip_when", "enter_when"):
            if getattr(node, key, None) is not None:
                conds.append((loc + (key,), getattr(node, key)))
        for cloc, when in conds:
            yield from _condition_problems(flow, doc, cloc, when)


def _condition_problems(flow: Flow, doc: YamlDocument, loc: tuple, when) -> Iterator[Problem]:
    if when is None:
        return
    try:
        tests = conditions.parse_all(when)
    except conditions.ConditionError as error:
        yield doc.problem(loc, str(error))
        return
    for test in tests:
        if test.arg is None:
            continue
        step = flow.steps.get(test.arg)
        if step is None:
            yield doc.problem(loc, f"condition names {test.arg!r}, which is not a stage")
        elif test.name == "choice" and test.value is not None:
            values = [choice.value for choice in step.choices]
            if test.value not in values:
                choices = ", ".join(values) or "none"
                yield doc.problem(loc, f"{test.value!r} is not a choice of {test.arg!r} (choices: {choices})")
        elif test.name == "choice" and not step.choices:
            yield doc.problem(loc, f"{test.arg!r} offers no choices")


def _reachability_problems(flow: Flow, doc: YamlDocument) -> Iterator[Problem]:
    """A stage no route, loop or conversation switch leads to is a mistake in the flow."""
    reached: set[str] = set()
    todo = [flow.first] + [
        _first_stage_id(part.stages[0]) for part in flow.file.parts if part.conversation in (2, 3)
    ]
    while todo:
        sid = todo.pop()
        if sid in reached or sid == END:
            continue
        if sid in flow.loops:
            todo.append(flow.first_of_loop(sid))
            todo.extend(to for to, _ in flow.routes[flow.loops[sid].stages[-1].id])
            continue
        if sid not in flow.steps:
            continue
        reached.add(sid)
        todo.extend(to for to, _ in flow.routes.get(sid, []))
    for sid in flow.order:
        if sid not in reached:
            yield doc.problem(flow.steps[sid].path + ("id",), f"stage {sid!r} cannot be reached")
