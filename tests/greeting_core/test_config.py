"""Tests for settings loading."""

from __future__ import annotations

import pytest

from greeting_core import create_app
from greeting_core.config import ConfigError, load_settings

DEFAULTS = {
    "MAX_NAME_LENGTH": 100,
    "MAX_BODY_BYTES": 8192,
    "SERVICE_NAME": None,
    "SERVICE_VERSION": None,
    "GIT_COMMIT": None,
    "STAGE": None,
    "LOG_LEVEL": "INFO",
}


def test_load_settings_returns_defaults() -> None:
    assert load_settings(environ={}) == DEFAULTS


@pytest.mark.parametrize(
    ("variable", "raw", "key", "expected"),
    [
        ("GREETING_MAX_NAME_LENGTH", "20", "MAX_NAME_LENGTH", 20),
        ("GREETING_MAX_BODY_BYTES", " 1024 ", "MAX_BODY_BYTES", 1024),
        ("GREETING_SERVICE_NAME", "greeter", "SERVICE_NAME", "greeter"),
        ("GREETING_SERVICE_VERSION", "1.0", "SERVICE_VERSION", "1.0"),
        ("GREETING_GIT_COMMIT", "1234567", "GIT_COMMIT", "1234567"),
        ("GREETING_GIT_COMMIT", "0012e50", "GIT_COMMIT", "0012e50"),
        ("GREETING_STAGE", "prod", "STAGE", "prod"),
        ("GREETING_LOG_LEVEL", "debug", "LOG_LEVEL", "DEBUG"),
    ],
    ids=["name-length", "body-bytes", "service-name", "service-version",
         "numeric-commit-stays-text", "commit-with-zero", "stage", "log-level-lowercase"],
)
def test_env_var_sets_typed_value(variable: str, raw: str, key: str, expected: object) -> None:
    settings = load_settings(environ={variable: raw})
    assert settings[key] == expected
    assert type(settings[key]) is type(expected)


def test_empty_env_var_counts_as_unset() -> None:
    assert load_settings(environ={"GREETING_STAGE": "", "GREETING_MAX_NAME_LENGTH": " "}) == DEFAULTS


def test_mapping_overrides_env_var() -> None:
    settings = load_settings({"MAX_NAME_LENGTH": 7}, environ={"GREETING_MAX_NAME_LENGTH": "20"})
    assert settings["MAX_NAME_LENGTH"] == 7


def test_mapping_passes_other_keys_through() -> None:
    assert load_settings({"TESTING": True}, environ={})["TESTING"] is True


@pytest.mark.parametrize(
    ("variable", "raw", "rule"),
    [
        ("GREETING_MAX_NAME_LENGTH", "abc", "whole number of characters, 1 or more"),
        ("GREETING_MAX_NAME_LENGTH", "-1", "whole number of characters, 1 or more"),
        ("GREETING_MAX_NAME_LENGTH", "0", "whole number of characters, 1 or more"),
        ("GREETING_MAX_BODY_BYTES", "8k", "whole number of bytes, 1 or more"),
        ("GREETING_LOG_LEVEL", "LOUD", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ],
    ids=["letters", "negative", "zero", "unit-suffix", "unknown-level"],
)
def test_invalid_env_var_raises_config_error(variable: str, raw: str, rule: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={variable: raw})
    message = str(caught.value)
    assert f"{variable}={raw!r}" in message
    assert rule in message
    assert "Set it to a valid value such as" in message
    assert "remove it to use the default" in message


@pytest.mark.parametrize(
    ("key", "value"),
    [("MAX_NAME_LENGTH", True), ("MAX_NAME_LENGTH", 2.5), ("STAGE", 3)],
    ids=["bool-length", "float-length", "number-stage"],
)
def test_invalid_mapping_value_raises_config_error(key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"Invalid {key}="):
        load_settings({key: value}, environ={})


def test_create_app_reads_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREETING_MAX_NAME_LENGTH", "12")
    monkeypatch.setenv("GREETING_GIT_COMMIT", "1234567")
    app = create_app()
    assert app.config["MAX_NAME_LENGTH"] == 12
    assert app.config["GIT_COMMIT"] == "1234567"


def test_create_app_rejects_invalid_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREETING_MAX_NAME_LENGTH", "abc")
    with pytest.raises(ConfigError, match="GREETING_MAX_NAME_LENGTH='abc'"):
        create_app()
