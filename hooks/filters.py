"""Jinja filters that escape free text for each language of the generated files.

cookiecutter loads ``TemplateFiltersExtension`` through ``_extensions`` in
``cookiecutter.json``, with the template repository on ``sys.path``.
"""

import json
import re

from jinja2 import Environment
from jinja2.ext import Extension

# The Serverless CLI resolves ``${...}`` in every string value. It reads
# ``\${`` as a literal ``${`` and halves any backslashes in front of it
# (osls 4.3.1, lib/configuration/variables/parse.js).
SERVERLESS_VARIABLE = re.compile(r"(\\*)\$\{")

# Characters that can open Markdown syntax anywhere in a line; "$" opens math on GitHub.
MARKDOWN_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~$&])")
# A leading "-", "=", or digits followed by "." or ")" would start a list or a heading underline.
MARKDOWN_LINE_START = re.compile(r"^(\d*)([-=.)])")

# Plain scalars that YAML 1.1 parsers such as PyYAML read as booleans or null.
YAML_NON_STRING_WORDS = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
)


def escape_serverless_variables(text: str) -> str:
    """Escape ``${`` so that the Serverless CLI keeps it as literal text."""
    return SERVERLESS_VARIABLE.sub(lambda match: "\\" * (2 * len(match.group(1)) + 1) + "${", text)


def serverless_yaml_string(text: str) -> str:
    """Return ``text`` as a double-quoted YAML scalar that the Serverless CLI keeps verbatim."""
    return json.dumps(escape_serverless_variables(text), ensure_ascii=False)


def yaml_string(text: str) -> str:
    """Return ``text`` as a double-quoted YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


def yaml_key(text: str) -> str:
    """Return ``text`` as a YAML mapping key, quoted only where YAML would not read a string."""
    if text.lower() in YAML_NON_STRING_WORDS:
        return yaml_string(text)
    return text


def groovy_string(text: str) -> str:
    """Return ``text`` as a single-quoted Groovy string, which never interpolates ``$``."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def markdown_text(text: str) -> str:
    """Backslash-escape the characters that would turn ``text`` into Markdown syntax."""
    escaped = MARKDOWN_INLINE_SPECIAL.sub(r"\\\1", text)
    return MARKDOWN_LINE_START.sub(r"\1\\\2", escaped)


def comment_text(text: str) -> str:
    """Return ``text`` on one line, fit for a comment after ``#`` or ``//``."""
    return " ".join(text.split())


class TemplateFiltersExtension(Extension):
    """Register the escaping filters with cookiecutter's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            serverless_yaml_string=serverless_yaml_string,
            yaml_string=yaml_string,
            yaml_key=yaml_key,
            groovy_string=groovy_string,
            markdown_text=markdown_text,
            comment_text=comment_text,
        )
