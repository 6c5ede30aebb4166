"""Greeting text and the rules a name must follow."""

from __future__ import annotations

import unicodedata

# Unicode general categories rejected in names: Cc are control characters
# (tab, newline, DEL, C1 controls) and Cs are lone surrogates, which a JSON
# string can carry as "\ud800" but UTF-8 cannot encode in the reply.
_CONTROL_CATEGORY = "Cc"
_SURROGATE_CATEGORY = "Cs"
# Cf contains invisible format characters such as U+200B ZERO WIDTH SPACE.
_FORMAT_CATEGORY = "Cf"
# Unicode's Bidi_Control property (PropList.txt): marks, embeddings, overrides
# and isolates that reorder the text around them, as in "Trojan Source" tricks.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def greet(name: str | None) -> str:
    """Return ``Hello {name} World!``, or ``Hello World!`` for a missing or blank name."""
    if name is None or not name.strip():
        return "Hello World!"
    return f"Hello {name.strip()} World!"


def validate_name(name: str, max_length: int) -> str:
    """Strip ``name`` and return it, raising ``BadRequestError`` if it breaks a rule."""
    from greeting_core.errors import BadRequestError

    stripped = name.strip()
    if len(stripped) > max_length:
        raise BadRequestError(
            f"The name has {len(stripped)} characters, but at most {max_length} are allowed."
        )
    if stripped.isascii() and stripped.isprintable():
        # Printable ASCII has no control, surrogate, format or bidirectional
        # characters, and once stripped it is empty or has a visible one.
        return stripped
    for character in stripped:
        category = unicodedata.category(character)
        if category == _CONTROL_CATEGORY:
            raise BadRequestError(
                f"The name contains the control character U+{ord(character):04X}, "
                "but only printable characters are allowed."
            )
        if category == _SURROGATE_CATEGORY:
            raise BadRequestError(
                f"The name contains the lone surrogate U+{ord(character):04X}, "
                "which is not valid Unicode text."
            )
        if character in _BIDI_CONTROLS:
            raise BadRequestError(
                f"The name contains the bidirectional control character U+{ord(character):04X}, "
                "but characters that reorder text are not allowed."
            )
    if stripped and all(
        character.isspace() or unicodedata.category(character) == _FORMAT_CATEGORY
        for character in stripped
    ):
        raise BadRequestError(
            "The name contains only invisible format characters such as "
            f"U+{ord(stripped[0]):04X}, but it needs at least one visible character."
        )
    return stripped
