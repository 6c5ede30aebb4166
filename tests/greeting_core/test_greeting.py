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


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("A\u202eB", ("The name contains the bidirectional control character U+202E, "
                     "but characters that reorder text are not allowed.")),
        ("\u202dAda", ("The name contains the bidirectional control character U+202D, "
                      "but characters that reorder text are not allowed.")),
        ("Ada\u2066", ("The name contains the bidirectional control character U+2066, "
                      "but characters that reorder text are not allowed.")),
        ("\u200fAda", ("The name contains the bidirectional control character U+200F, "
                      "but characters that reorder text are not allowed.")),
        ("\u061c", ("The name contains the bidirectional control character U+061C, "
                   "but characters that reorder text are not allowed.")),
        ("\u200b", ("The name contains only invisible format characters such as U+200B, "
                   "but it needs at least one visible character.")),
        (" \u200d\u200b ", ("The name contains only invisible format characters such as U+200D, "
                           "but it needs at least one visible character.")),
        ("\u2060 \ufeff", ("The name contains only invisible format characters such as U+2060, "
                          "but it needs at least one visible character.")),
    ],
    ids=["right-to-left-override", "left-to-right-override", "isolate", "right-to-left-mark",
         "arabic-letter-mark", "zero-width-space-only", "padded-zero-width-only",
         "word-joiner-and-bom-only"],
)
def test_validate_name_rejects_invisible_or_reordering_text(name: str, detail: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        validate_name(name, max_length=100)
    assert caught.value.detail == detail
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "name",
    ["Zo\u00eb", "\u05d3\u05d5\u05d3", "\u0639\u0644\u064a", "Ada\u200dLovelace",
     "\U0001f469\u200d\U0001f4bb", "e\u0301"],
    ids=["latin-diacritic", "hebrew", "arabic", "joiner-between-letters", "emoji-sequence",
         "combining-accent"],
)
def test_validate_name_accepts_visible_text_with_format_characters(name: str) -> None:
    assert validate_name(name, max_length=100) == name
