"""Settings in one place: who the practitioner is (name, role, team), the time zone drafts show times in,
and whether the app is in high contrast. Read from `settings.yaml` in the user's config folder, with
`CONVO_PRACTITIONER_NAME`, `CONVO_PRACTITIONER_ROLE`, `CONVO_PRACTITIONER_TEAM` and `CONVO_TIME_ZONE` over it.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from convo.paths import APP_NAME, private_dir, write_private

_ENVIRONMENT = {
    "practitioner_name": "CONVO_PRACTITIONER_NAME",
    "practitioner_role": "CONVO_PRACTITIONER_ROLE",
    "practitioner_team": "CONVO_PRACTITIONER_TEAM",
    "time_zone": "CONVO_TIME_ZONE",
}


class SettingsError(ValueError):
    """A settings file that cannot be read, or a value that cannot be kept, said in one line."""


@dataclass(frozen=True)
class Settings:
    """Read when the app starts, so kept to the standard library (no pydantic, no YAML library)."""

    practitioner_name: str | None = None  # written into each conversation they start
    practitioner_role: str | None = None
    practitioner_team: str | None = None
    time_zone: str | None = None  # e.g. Europe/London; the computer's own if not set
    high_contrast: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Settings:
        """The settings in `data`, each of the right type; anything else (a setting a newer convo wrote,
        a value of the wrong kind) is left out rather than refused."""
        kept: dict[str, Any] = {}
        for spec in fields(cls):
            value = data.get(spec.name)
            if spec.name == "high_contrast":
                if isinstance(value, bool):
                    kept[spec.name] = value
            elif isinstance(value, str) and value.strip():
                kept[spec.name] = value.strip()
        return cls(**kept)


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
    data = _simple(text)
    if data is not None:
        return data
    from ruamel.yaml import YAML, YAMLError  # a file edited by hand beyond what convo writes

    try:
        loaded = YAML(typ="safe").load(text)
    except YAMLError as error:
        raise SettingsError(f"{path} is not YAML convo can read: {error}") from None
    return loaded if isinstance(loaded, dict) else {}


def _simple(text: str) -> dict[str, Any] | None:
    """The settings file as convo writes it (`key: JSON value` a line, # comments), or None if it is not."""
    data: dict[str, Any] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        if not colon or not key.strip().isidentifier():
            return None
        try:
            data[key.strip()] = json.loads(value.strip())
        except ValueError:
            return None
    return data


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
    return Settings.from_data(data)


def save(**changes: Any) -> Settings:
    """Keep these settings (a value of None forgets one) in the settings file, readable by its owner only."""
    if changes.get("time_zone") and zone(changes["time_zone"]) is None:
        raise SettingsError(f"{changes['time_zone']!r} is not a time zone: give one such as Europe/London")
    data = _saved()
    data.update(changes)
    settings = Settings.from_data(data)
    path = settings_path()
    private_dir(path.parent)
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in asdict(settings).items()
             if value is not None]
    write_private(path, "# convo's settings; `convo settings --help` says what each is\n" + "\n".join(lines) + "\n")
    return settings


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
