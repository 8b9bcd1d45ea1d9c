"""The base of every model read from a file an organisation edits (flows, lexicons, scenarios): an unknown
key is a mistake to report, and what was read is never changed afterwards."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
