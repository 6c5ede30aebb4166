"""Jinja filters that escape free text for each language of the generated files.

cookiecutter loads ``TemplateFiltersExtension`` through ``_extensions`` in
``cookiecutter.json``, with the template repository on ``sys.path``.
"""

import json
import re

from jinja2 import Environment
from jinja2.ext import Extension

# A run of backslashes, then of dollar signs, then an optional "{": the only
# text that the Serverless CLI's variable parser treats specially.
DOLLAR_RUN = re.compile(r"(\\*)(\$+)(\{?)")
# A variable that always falls back to its literal: the property does not
# exist, and the parser skips everything inside a single-quoted string.
LITERAL_DOLLARS = "${{self:custom.literalDollars, '{}'}}"

# Characters that can open Markdown syntax anywhere in a line; "$" opens math on GitHub.
MARKDOWN_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~$&])")
# A leading "-", "=", or digits followed by "." or ")" would start a list or a heading underline.
MARKDOWN_LINE_START = re.compile(r"^(\d*)([-=.)])")

# Folder names that are one safe path segment on Linux, macOS and Windows: no
# separators, no "." or "..", and no character that Windows rejects.
SAFE_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")
# Stands in for an unsafe folder name, so that cookiecutter creates one folder
# inside the output folder and deletes it when the pre_gen_project hook
# rejects the slug.
UNSAFE_PATH_PLACEHOLDER = "rejected-project-slug"

# Plain scalars that YAML 1.1 parsers such as PyYAML read as booleans or null.
YAML_NON_STRING_WORDS = frozenset(
    {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
)


def escape_serverless_variables(text: str) -> str:
    """Escape ``text`` so that the Serverless CLI's variable resolution returns it unchanged.

    The rules follow osls 4.3.1's parser (lib/configuration/variables/parse.js):

    - An odd run of 2k+1 backslashes before ``${`` becomes k backslashes and a literal ``${``.
    - An even run of 2k backslashes before a variable becomes k backslashes.
    - After a ``$`` that neither opens a variable nor follows an odd run of
      backslashes, the parser consumes the next character as plain text, so a
      backslash there cannot start an escape. Before ``${`` that rules out a
      plain ``$``, and any extra dollar signs come from ``LITERAL_DOLLARS``.
    - Backslashes and dollar signs anywhere else stay as they are.
    """
    parts = []
    position = 0
    # True while the parser would consume the next character after a plain "$".
    consumes_next = False
    for match in DOLLAR_RUN.finditer(text):
        backslashes, dollars, brace = match.groups()
        if match.start() > position:
            parts.append(text[position : match.start()])
        elif consumes_next:
            # This run starts right after a plain "$", which takes its first backslash as text.
            parts.append("\\")
            backslashes = backslashes[1:]
        if not brace:
            parts.append(backslashes + dollars)
            # An odd run before a single "$" leaves the parser waiting for "{", which
            # never comes; otherwise the "$" makes it consume the next character.
            consumes_next = not (len(dollars) == 1 and len(backslashes) % 2 == 1)
        elif len(dollars) == 1:
            parts.append("\\" * (2 * len(backslashes) + 1) + "${")
            consumes_next = False
        else:
            parts.append("\\" * (2 * len(backslashes)) + LITERAL_DOLLARS.format(dollars[:-1]) + "\\${")
            consumes_next = False
        position = match.end()
    parts.append(text[position:])
    return "".join(parts)


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
    """Backslash-escape the characters that would turn ``text`` into Markdown syntax.

    Leading spaces and tabs go, because four of them would start a code block
    and Markdown drops fewer anyway.
    """
    escaped = MARKDOWN_INLINE_SPECIAL.sub(r"\\\1", text.lstrip(" \t"))
    return MARKDOWN_LINE_START.sub(r"\1\\\2", escaped)


def comment_text(text: str) -> str:
    """Return ``text`` on one line, fit for a comment after ``#`` or ``//``.

    Groovy, like Java, decodes ``\\uXXXX`` anywhere in the source, comments
    included, when an odd number of backslashes precedes the ``u``, so
    ``\\u000a`` would end a ``//`` comment. Doubling every backslash keeps
    each such run even.
    """
    return " ".join(text.split()).replace("\\", "\\\\")


def path_segment(text: str) -> str:
    """Return ``text`` if it is one safe folder name, else a fixed placeholder name."""
    if SAFE_PATH_SEGMENT.fullmatch(text):
        return text
    return UNSAFE_PATH_PLACEHOLDER


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
            path_segment=path_segment,
        )
