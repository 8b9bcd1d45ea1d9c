"""Prompt wording from flow files, filled in by a sandboxed Jinja2 environment.

What a user typed is only ever a value passed in, never part of a template, so it is never evaluated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The names a prompt may use; the flow checker refuses others.
PROMPT_NAMES = frozenset({"outcome", "number", "term", "summary", "name"})

_ENV = ImmutableSandboxedEnvironment(autoescape=False)


@lru_cache(maxsize=1024)
def compile_text(source: str) -> Template:
    return _ENV.from_string(source)


@lru_cache(maxsize=1024)
def names_used(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_ENV.parse(source)))


def unknown_names(source: str) -> set[str]:
    return set(names_used(source)) - PROMPT_NAMES


def fill(template: str, /, **values: Any) -> str:
    return compile_text(template).render(**values).strip()
