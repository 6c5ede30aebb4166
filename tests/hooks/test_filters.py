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


def unescape_groovy(literal: str) -> str:
    assert literal.startswith("'")
    assert literal.endswith("'")
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


@pytest.mark.parametrize("text", AWKWARD)
def test_yaml_string_round_trips(text):
    assert yaml.safe_load(f"key: {filters.yaml_string(text)}") == {"key": text}


# The bake tests check this escaping against osls itself with "osls print".
SERVERLESS_ESCAPES = [
    ("${self:service}", "\\${self:service}"),
    ("\\${x}", "\\\\\\${x}"),
    ("\\\\${x}", "\\\\\\\\\\${x}"),
    ("$${env:HOME}", "${self:custom.literalDollars, '$'}\\${env:HOME}"),
    ("\\$${env:HOME}", "\\\\${self:custom.literalDollars, '$'}\\${env:HOME}"),
    ("$$${x}", "${self:custom.literalDollars, '$$'}\\${x}"),
    ("$\\${env:HOME}", "$\\\\${env:HOME}"),
    ("\\$\\${env:HOME}", "\\$\\\\\\${env:HOME}"),
    ("${env:HOME", "\\${env:HOME"),
    ("$5 and $x \\ $\\", "$5 and $x \\ $\\"),
]


@pytest.mark.parametrize(("text", "expected"), SERVERLESS_ESCAPES, ids=[text for text, _ in SERVERLESS_ESCAPES])
def test_serverless_escape_follows_osls_parser(text, expected):
    assert filters.escape_serverless_variables(text) == expected


@pytest.mark.parametrize("text", AWKWARD)
def test_serverless_yaml_string_holds_escaped_text(text):
    parsed = yaml.safe_load(f"key: {filters.serverless_yaml_string(text)}")["key"]

    assert parsed == filters.escape_serverless_variables(text)


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


def test_markdown_text_never_starts_a_code_block():
    assert filters.markdown_text("    indented") == "indented"
    assert filters.markdown_text("\t- tab") == "\\- tab"


def test_comment_text_joins_lines():
    assert filters.comment_text("a\n b\tc") == "a b c"


@pytest.mark.parametrize("text", ["\\u000a", "\\\\\\u000a", "a\\", "\\uuuu0027"])
def test_comment_text_leaves_no_unicode_escape(text):
    comment = filters.comment_text(text)

    # Groovy decodes "\u" when an odd run of backslashes precedes the "u".
    assert all(len(run) % 2 == 0 for run in re.findall(r"\\+", comment))
    assert comment.replace("\\\\", "\\") == text


@pytest.mark.parametrize("text", ["greeting-service", "Bad_Slug", "v1.2", "x"])
def test_path_segment_keeps_safe_names(text):
    assert filters.path_segment(text) == text


@pytest.mark.parametrize("text", ["", ".", "..", "...", "a/b", "../x/y", "a\\b", "a|b", "a:b", "name.", ".hidden", "a b", "C:"])
def test_path_segment_replaces_unsafe_names(text):
    assert filters.path_segment(text) == filters.UNSAFE_PATH_PLACEHOLDER

