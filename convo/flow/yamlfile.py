"""Reading YAML that people edit: positions kept for every key, aliases refused, one-line errors.

Flows, lexicons and practice scenarios all come through here, so every problem in any of them
can be reported as `FILE:LINE:COL: message`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000
MAX_DEPTH = 40


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        # One problem, one line: parser messages can quote multi-line values.
        message = " ".join(part.strip() for part in self.message.splitlines() if part.strip())
        return f"{self.file}:{self.line}:{self.col}: {message}"


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class YamlDocument:
    """A parsed file. `data` is plain Python; positions come from a round-trip parse, made only when asked."""

    def __init__(self, path: str, text: str, data: Any, tree: Any = None):
        self.path, self.text, self.data, self._tree = path, text, data, tree

    @property
    def tree(self) -> Any:
        if self._tree is None:
            self._tree = _round_trip(self.text, self.path)
        return self._tree

    def at(self, loc: tuple[Any, ...]) -> tuple[int, int]:
        """The 1-based line and column of the deepest node `loc` reaches."""
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        line, col = 0, 0
        node = self.tree
        if isinstance(node, CommentedMap | CommentedSeq):
            line, col = node.lc.line, node.lc.col
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line, col = node.lc.key(part)
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line, col = node.lc.item(part)
                node = node[part]
        return line + 1, col + 1

    def problem(self, loc: tuple[Any, ...], message: str) -> Problem:
        line, col = self.at(loc)
        return Problem(self.path, line, col, message)


def read(path: str | Path) -> YamlDocument:
    """Read a YAML file, or raise YamlProblems with one positioned message."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise YamlProblems([Problem(name, 1, 1, f"cannot read file: {error.strerror or error}")]) from None
    if len(raw) > MAX_BYTES:
        raise YamlProblems([Problem(name, 1, 1, f"file is larger than {MAX_BYTES:,} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise YamlProblems([Problem(name, line, 1, "file is not valid UTF-8")]) from None
    cached = _cache_file(raw)
    if cached is not None and cached.exists():
        try:
            return YamlDocument(name, text, json.loads(cached.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    document = parse(text, name)
    _remember(cached, document.data)
    return document


def _cache_file(raw: bytes) -> Path | None:
    """Where a parse of exactly these bytes is kept: parsing YAML costs more than the rest of start-up."""
    if os.environ.get("CONVO_NO_CACHE"):
        return None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("convo", appauthor=False)) / "yaml" / f"{hashlib.sha256(raw).hexdigest()}.json"


def _remember(cached: Path | None, data: Any) -> None:
    if cached is None:
        return
    try:
        cached.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cached)
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time


def parse(text: str, name: str = "<text>") -> YamlDocument:
    tree = _round_trip(text, name)
    return YamlDocument(name, text, _plain(tree), tree)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node


def _round_trip(text: str, name: str) -> Any:
    # Imported here: with the parse cache, most starts never need the parser at all.
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.events import AliasEvent

    yaml = YAML(typ="rt", pure=True)
    try:
        depth = 0
        for event in yaml.parse(text):
            if isinstance(event, AliasEvent):
                mark = event.start_mark
                raise YamlProblems(
                    [Problem(name, mark.line + 1, mark.column + 1, "aliases (*name) are not allowed here")]
                )
            kind = type(event).__name__
            depth += kind in ("MappingStartEvent", "SequenceStartEvent")
            depth -= kind in ("MappingEndEvent", "SequenceEndEvent")
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise YamlProblems(
                    [Problem(name, mark.line + 1, mark.column + 1, f"nested more than {MAX_DEPTH} levels deep")]
                )
        data = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = (error.problem or error.context or "invalid YAML").strip()
        raise YamlProblems([Problem(name, line, col, f"YAML syntax: {message}")]) from None
    except (YAMLError, RecursionError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise YamlProblems([Problem(name, 1, 1, f"YAML syntax: {first}")]) from None
    return data


def validation_problems(document: YamlDocument, error: Any) -> list[Problem]:
    """Turn a pydantic ValidationError into positioned problems, one a field."""
    problems = []
    for issue in error.errors(include_url=False):
        loc = tuple(issue["loc"])
        where = _dotted(loc)
        message = issue["msg"]
        if issue["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append(document.problem(loc, f"{where}: {message}" if where else message))
    return sorted(set(problems))


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("stage", "loop"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out
