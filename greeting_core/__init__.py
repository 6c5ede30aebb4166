"""Flask greeting service for AWS Lambda, served through serverless-wsgi.

``greet`` and ``__version__`` import nothing heavy. ``create_app``,
``lambda_handler`` and ``make_lambda_handler`` load Flask on first access,
so ``from greeting_core import greet`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from greeting_core.__about__ import __version__
from greeting_core.greeting import greet

if TYPE_CHECKING:
    from greeting_core.app import create_app
    from greeting_core.lambda_entry import lambda_handler, make_lambda_handler

__all__ = ["__version__", "create_app", "greet", "lambda_handler", "make_lambda_handler"]

_LAZY_ATTRIBUTES = {
    "create_app": "greeting_core.app",
    "lambda_handler": "greeting_core.lambda_entry",
    "make_lambda_handler": "greeting_core.lambda_entry",
}


def __getattr__(name: str) -> Any:
    """Import Flask-based attributes on first access."""
    module_name = _LAZY_ATTRIBUTES.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
