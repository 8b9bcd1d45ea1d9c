"""`convo flows check`: every problem in flow, lexicon, wording and practice files, as FILE:LINE:COL lines.

Beyond loading each file, it fills in every prompt of a flow with sample values in the sandbox the
conversation uses, so wording the sandbox would refuse is found here, not in front of a person; and in the
files written in every language (the concerns, the draft's and the web pages' wording) it finds a wording
missing in one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from convo.flow.loader import Flow
from convo.flow.yamlfile import Problem, YamlProblems, read
from convo.language import LANGUAGES
from convo.language import gaps as wording_gaps
from convo.paths import flows_dir
from convo.templating import refusal

Checker = Callable[[Path], object]

# The files written in every language convo speaks, and which of their texts a person reads (every text in
# them but a concern's id).
_IN_EVERY_LANGUAGE: dict[str, Callable[[tuple], bool]] = {
    "concerns": lambda loc: not loc or loc[-1] != "id",
    "draft-wording": lambda loc: True,
    "web-wording": lambda loc: True,
}


def _kind_of(path: Path) -> str:
    """Which kind of file this is: by its folder, else by its first keys."""
    if path.name == "messages.yaml":
        return "messages"
    if path.parent.name == "lexicons":
        return "lexicon"
    if path.parent.name == "words":
        return "numbers"
    if path.parent.name in ("draft", "web") and path.name == "wording.yaml":
        return f"{path.parent.name}-wording"
    if path.parent.name == "notice":
        return {"concerns.yaml": "concerns", "patterns.yaml": "patterns"}.get(path.name, "word-classes")
    if path.parent.name == "practice":
        return "coaching" if path.name == "coaching.yaml" else "scenario"
    try:
        data = read(path).data
    except YamlProblems:
        return "flow"
    if (isinstance(data, dict) and "terms" in data) or (isinstance(data, dict) and "kind" in data):
        return "lexicon"
    if isinstance(data, dict) and "facts" in data:
        return "scenario"
    return "flow"


def _checkers() -> dict[str, Checker]:
    from convo.flow.loader import load
    from convo.flow.numbers import load_numbers
    from convo.notice.lexicons import load_lexicon
    from convo.notice.patterns import load_patterns
    from convo.notice.taxonomy import load_taxonomy

    checkers: dict[str, Checker] = {"flow": load, "lexicon": load_lexicon, "messages": read,
                                    "concerns": load_taxonomy, "patterns": load_patterns, "word-classes": read,
                                    "numbers": load_numbers, "draft-wording": read, "web-wording": read}
    try:
        from convo.practice.scenario import load_scenario
    except ImportError:
        pass
    else:
        from convo.practice.coaching import load_coaching

        checkers["scenario"] = load_scenario
        checkers["coaching"] = load_coaching
    return checkers


def shipped_files() -> list[Path]:
    root = flows_dir()
    return sorted(root.glob("*.yaml")) + sorted((root / "lexicons").glob("*.yaml")) + sorted(
        (root / "notice").glob("*.yaml")) + sorted((root / "practice").glob("*.yaml")) + sorted(
        (root / "words").glob("*.yaml")) + sorted((root / "draft").glob("*.yaml")) + sorted(
        (root / "web").glob("*.yaml"))


def check_paths(paths: list[Path] | None = None) -> list[Problem]:
    checkers = _checkers()
    problems: list[Problem] = []
    files: list[Path] = []
    for path in paths if paths is not None else shipped_files():
        if path.is_dir():
            files += sorted(path.rglob("*.yaml"))
        else:
            files.append(path)
    for path in files:
        kind = _kind_of(path)
        checker = checkers.get(kind)
        if checker is None:
            problems.append(Problem(str(path), 1, 1, f"no checker for {kind} files"))
            continue
        try:
            loaded = checker(path)
        except YamlProblems as error:
            problems.extend(error.problems)
            continue
        if kind in _IN_EVERY_LANGUAGE:
            problems.extend(_language_gaps(path, _IN_EVERY_LANGUAGE[kind]))
        if isinstance(loaded, Flow):
            filling = {problem for language in loaded.languages
                       for problem in _filling_problems(path, loaded.in_language(language))}
            problems.extend(sorted(filling))
    return problems


def _language_gaps(path: Path, is_text_at: Callable[[tuple], bool]) -> list[Problem]:
    """Every wording of a file written in every language that is missing in one of them."""
    document = read(path)
    return sorted({document.problem(loc, message)
                   for loc, message in wording_gaps(document.data, list(LANGUAGES), is_text_at)})


def _filling_problems(path: Path, flow) -> list[Problem]:
    """Every prompt and "again" wording of a loaded flow that the sandbox would refuse to fill in."""
    document = read(path)
    problems = []
    for step in flow.steps.values():
        wordings = [(("prompt", audience), text) for audience, text in step.prompt.items()]
        wordings += [(("again", audience), text) for audience, text in step.again.items()]
        for where, text in wordings:
            reason = refusal(text)
            if reason is not None:
                problems.append(document.problem(tuple(step.path) + where, reason))
    return sorted(set(problems))
