"""Escaping filters for the generated files' languages."""

import re

import pytest
import yaml

from hooks import filters

AWKWARD = [
    "it's \"quoted\"",
    "key: value # not a comment",
    "@leading at",
    "NO",
    "costs $5",
    "back\\slash \\n \\u0041",
    "${self:service}",
    "\\${self:service}",
    "emoji 😀 ünïcödé",
    "- starts like a list",
    "1. starts like a numbered list",
]


def unescape_serverless(text: str) -> str:
    """Apply the Serverless CLI's reading of backslashes before ``${``."""
    return re.sub(r"(\\+)\$\{", lambda match: "\\" * (len(match.group(1)) // 2) + "${", text)


def unescape_groovy(literal: str) -> str:
    assert literal.startswith("'") and literal.endswith("'")
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


@pytest.mark.parametrize("text", AWKWARD)
def test_yaml_string_round_trips(text):
    assert yaml.safe_load(f"key: {filters.yaml_string(text)}") == {"key": text}


@pytest.mark.parametrize("text", AWKWARD)
def test_serverless_yaml_string_survives_variable_resolution(text):
    parsed = yaml.safe_load(f"key: {filters.serverless_yaml_string(text)}")["key"]

    assert unescape_serverless(parsed) == text


def test_serverless_escape_leaves_other_dollars():
    assert filters.escape_serverless_variables("$5 and $x") == "$5 and $x"


@pytest.mark.parametrize("text", AWKWARD)
def test_groovy_string_round_trips(text):
    assert unescape_groovy(filters.groovy_string(text)) == text


@pytest.mark.parametrize("text", AWKWARD)
def test_markdown_text_escapes_punctuation(text):
    escaped = filters.markdown_text(text)

    assert re.sub(r"\\(.)", r"\1", escaped) == text
    assert not re.search(r"(?<!\\)[#*_`\[\]<>$]", escaped)
    assert not re.match(r"\d*[-.]", escaped)


@pytest.mark.parametrize(("key", "expected"), [("dev", "dev"), ("no", '"no"'), ("On", '"On"')])
def test_yaml_key_quotes_only_non_strings(key, expected):
    assert filters.yaml_key(key) == expected
    assert yaml.safe_load(f"{filters.yaml_key(key)}: 1") == {key: 1}


def test_comment_text_joins_lines():
    assert filters.comment_text("a\n b\tc") == "a b c"

