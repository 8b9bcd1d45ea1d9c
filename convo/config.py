"""Settings in one place: who the practitioner is (name, role, team), the time zone drafts show times in,
and whether the app is in high contrast. Read from `settings.yaml` in the user's config folder, with
`CONVO_PRACTITIONER_NAME`, `CONVO_PRACTITIONER_ROLE`, `CONVO_PRACTITIONER_TEAM` and `CONVO_TIME_ZONE` over it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from convo.paths import APP_NAME, private_dir, write_private

_ENVIRONMENT = {
    "practitioner_name": "CONVO_PRACTITIONER_NAME",
    "practitioner_role": "CONVO_PRACTITIONER_ROLE",
    "practitioner_team": "CONVO_PRACTITIONER_TEAM",
    "time_zone": "CONVO_TIME_ZONE",
}


class SettingsError(ValueError):
    """A settings file that cannot be read, or a value that cannot be kept, said in one line."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")  # a setting a newer convo wrote is kept by it, not refused here

    practitioner_name: str | None = Field(default=None, description="Written into each conversation started")
    practitioner_role: str | None = None
    practitioner_team: str | None = None
    time_zone: str | None = Field(default=None, description="e.g. Europe/London; the computer's own if not set")
    high_contrast: bool = False


def settings_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.yaml"


def _saved() -> dict[str, Any]:
    path = settings_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SettingsError(f"cannot read {path}: {error.strerror or error}") from None
    from ruamel.yaml import YAML, YAMLError

    try:
        data = YAML(typ="safe").load(text)
    except YAMLError as error:
        raise SettingsError(f"{path} is not YAML convo can read: {error}") from None
    return data if isinstance(data, dict) else {}


def load() -> Settings:
    """The settings: the saved file, then the environment over it. A file that cannot be read is ignored
    here (convo still starts); `convo settings` says what is wrong with it."""
    try:
        data = _saved()
    except SettingsError:
        data = {}
    for name, variable in _ENVIRONMENT.items():
        if os.environ.get(variable):
            data[name] = os.environ[variable]
    try:
        return Settings.model_validate(data)
    except ValidationError:
        return Settings()


def save(**changes: Any) -> Settings:
    """Keep these settings (a value of None forgets one) in the settings file, readable by its owner only."""
    if changes.get("time_zone") and zone(changes["time_zone"]) is None:
        raise SettingsError(f"{changes['time_zone']!r} is not a time zone: give one such as Europe/London")
    data = _saved()
    data.update(changes)
    settings = Settings.model_validate({key: value for key, value in data.items() if value is not None})
    path = settings_path()
    private_dir(path.parent)
    lines = [f"{key}: {_yaml_value(value)}" for key, value in settings.model_dump().items() if value is not None]
    write_private(path, "# convo's settings; `convo settings --help` says what each is\n" + "\n".join(lines) + "\n")
    return settings


def _yaml_value(value: Any) -> str:
    import json

    return ("true" if value else "false") if isinstance(value, bool) else json.dumps(value, ensure_ascii=False)


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name.removeprefix(":"))
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def local_zone(settings: Settings | None = None) -> str:
    """The name of the time zone drafts show times in: the setting, else this computer's (from TZ, then
    /etc/timezone, then /etc/localtime), else UTC."""
    settings = settings or load()
    candidates = [settings.time_zone, os.environ.get("TZ")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError):
        candidates.append(os.readlink("/etc/localtime").partition("zoneinfo/")[2])
    for candidate in candidates:
        found = zone(candidate)
        if found is not None:
            return found.key
    return "UTC"
