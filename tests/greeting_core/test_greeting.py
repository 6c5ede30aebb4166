"""Tests for greet and the name rules."""

from __future__ import annotations

import pytest

from greeting_core.errors import BadRequestError
from greeting_core.greeting import greet, validate_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (None, "Hello World!"),
        ("", "Hello World!"),
        ("   \t\n", "Hello World!"),
        ("Ada", "Hello Ada World!"),
        ("  Ada  ", "Hello Ada World!"),
        ("Zoë", "Hello Zoë World!"),
        ("Ada Lovelace", "Hello Ada Lovelace World!"),
    ],
    ids=["none", "empty", "whitespace", "plain", "padded", "non-ascii", "two-words"],
)
def test_greet_formats_name(name: str | None, expected: str) -> None:
    assert greet(name) == expected


def test_validate_name_strips_whitespace() -> None:
    assert validate_name("  Ada \n", max_length=3) == "Ada"


def test_validate_name_accepts_exact_limit() -> None:
    assert validate_name("x" * 5, max_length=5) == "xxxxx"


def test_validate_name_rejects_over_limit() -> None:
    with pytest.raises(BadRequestError) as caught:
        validate_name("x" * 6, max_length=5)
    assert caught.value.detail == "The name has 6 characters, but at most 5 are allowed."
    assert caught.value.status == 400


def test_validate_name_counts_characters_not_bytes() -> None:
    assert validate_name("é" * 5, max_length=5) == "ééééé"


@pytest.mark.parametrize(
    ("name", "code_point"),
    [("A\tda", "0009"), ("A\x00da", "0000"), ("Ada\x7fx", "007F"), ("A\x85da", "0085")],
    ids=["tab", "nul", "delete", "c1-next-line"],
)
def test_validate_name_rejects_control_characters(name: str, code_point: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        validate_name(name, max_length=100)
    assert f"control character U+{code_point}" in caught.value.detail


def test_validate_name_rejects_lone_surrogate() -> None:
    with pytest.raises(BadRequestError) as caught:
        validate_name("A\ud800", max_length=100)
    assert "lone surrogate U+D800" in caught.value.detail
