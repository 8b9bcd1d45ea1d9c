"""What convo says in its own voice, read from flows/messages.yaml so it can be reworded."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from convo.paths import flows_dir
from convo.templating import fill


@lru_cache(maxsize=1)
def _all() -> dict[str, str]:
    from convo.flow.yamlfile import read

    return {str(key): str(value) for key, value in read(flows_dir() / "messages.yaml").data.items()}


def say(key: str, /, **values: Any) -> str:
    return fill(_all()[key], **values)
