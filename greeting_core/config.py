"""Settings: defaults, then ``GREETING_*`` environment variables, then a mapping."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "GREETING_"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting has an invalid value."""


def _parse_positive_int(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, str):
        value = int(value.strip(), 10)
    if not isinstance(value, int):
        raise TypeError("not an integer")
    if value < 1:
        raise ValueError("not a positive integer")
    return value


def _parse_optional_text(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value.strip() or None


def _parse_log_level(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    if value.strip().upper() not in LOG_LEVELS:
        raise ValueError("not a log level")
    return value.strip().upper()


@dataclass(frozen=True)
class Setting:
    """One setting: its key, default, parser, and the rule its value follows."""

    key: str
    default: Any
    parse: Callable[[object], Any]
    rule: str
    example: str

    @property
    def env_var(self) -> str:
        """Environment variable that sets this setting."""
        return ENV_PREFIX + self.key


SETTINGS: tuple[Setting, ...] = (
    Setting("MAX_NAME_LENGTH", 100, _parse_positive_int,
            "must be a whole number of characters, 1 or more", "100"),
    Setting("MAX_BODY_BYTES", 8192, _parse_positive_int,
            "must be a whole number of bytes, 1 or more", "8192"),
    Setting("SERVICE_NAME", None, _parse_optional_text, "must be text", "greeting-service"),
    Setting("SERVICE_VERSION", None, _parse_optional_text, "must be text", "1.2.0"),
    Setting("GIT_COMMIT", None, _parse_optional_text, "must be text", "1234567"),
    Setting("STAGE", None, _parse_optional_text, "must be text", "prod"),
    Setting("LOG_LEVEL", "INFO", _parse_log_level,
            "must be one of " + ", ".join(LOG_LEVELS), "INFO"),
)


def _invalid(setting: Setting, source: str, value: object) -> ConfigError:
    return ConfigError(
        f"Invalid {source}={value!r}: the value {setting.rule}. "
        f"Set it to a valid value such as {setting.example!r}, or remove it to use "
        f"the default {setting.default!r}."
    )


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return every setting, reading defaults, then ``environ``, then ``overrides``.

    An empty environment variable counts as unset. Keys of ``overrides`` that
    are not settings pass through unchanged, so Flask options such as
    ``TESTING`` can go in the same mapping.
    """
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    settings: dict[str, Any] = {}

    for setting in SETTINGS:
        value = setting.default
        raw = environ.get(setting.env_var, "")
        if raw.strip():
            try:
                value = setting.parse(raw)
            except (TypeError, ValueError):
                raise _invalid(setting, setting.env_var, raw) from None
        if setting.key in overrides:
            try:
                value = setting.parse(overrides[setting.key])
            except (TypeError, ValueError):
                raise _invalid(setting, setting.key, overrides[setting.key]) from None
        settings[setting.key] = value

    for key, value in overrides.items():
        settings.setdefault(key, value)
    return settings
