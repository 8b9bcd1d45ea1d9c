"""Prompt wording from flow files, filled in by a sandboxed Jinja2 environment.

What a user typed is only ever a value passed in, never part of a template, so it is never evaluated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

# The names a prompt may use; the flow checker refuses others.
PROMPT_NAMES = frozenset({"outcome", "number", "term", "summary", "name", "risk", "risks", "risk_list"})

# What the flow checker fills a template with: values of the kinds the engine passes.
SAMPLE_VALUES: dict[str, Any] = {
    "outcome": "to get to the coast on Saturdays", "number": 1, "term": "support",
    "summary": "Lives with her sister.\nTo get to the coast on Saturdays.", "name": "Nia",
    "risk": "she could fall on the cliff path", "risks": 2,
    "risk_list": "1 “she could fall on the cliff path”, 2 “the bus home is the last one”",
}


class _Sandbox(ImmutableSandboxedEnvironment):
    """Refuses an unsafe attribute at once, so the checker sees the refusal a prompt would meet."""

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe")


_ENV = _Sandbox(autoescape=False)


@lru_cache(maxsize=1024)
def compile_text(source: str) -> Template:
    return _ENV.from_string(source)


@lru_cache(maxsize=1024)
def names_used(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_ENV.parse(source)))


def unknown_names(source: str) -> set[str]:
    return set(names_used(source)) - PROMPT_NAMES


def fill(template: str, /, **values: Any) -> str:
    """The wording filled in. Wording the sandbox refuses is shown as written rather than stopping the
    conversation; `convo flows check` reports it with its place in the file."""
    try:
        return compile_text(template).render(**values).strip()
    except Exception:  # noqa: BLE001 -- any failure of organisation wording; `convo flows check` names it
        return template.strip()


def refusal(source: str, values: dict[str, Any] | None = None) -> str | None:
    """Why the sandbox would refuse to fill in this wording (with sample values), or None if it would not."""
    try:
        if values is None:
            values = {name: SAMPLE_VALUES.get(name, "sample") for name in names_used(source)}
        compile_text(source).render(**values)
    except SecurityError as error:
        return f"the sandbox refuses this template: {error}"
    except Exception as error:  # noqa: BLE001 -- a template can fail in any way Python can
        message = getattr(error, "message", None) or str(error) or type(error).__name__
        return f"this template fails when filled in: {message}"
    return None
