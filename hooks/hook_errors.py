"""Keep a failed hook's output to its own ``ERROR:`` line.

When a hook exits non-zero, cookiecutter 2.7 logs "Stopping generation
because ... hook script didn't exit successfully" with the traceback of its
own ``FailedHookException``. Our hooks have already printed an ``ERROR:`` line
that names the value, the rule and the fix, so that traceback only buries it.
cookiecutter loads this extension through ``_extensions`` before any hook runs.
"""

import logging

from jinja2 import Environment
from jinja2.ext import Extension

COOKIECUTTER_HOOKS_LOGGER = "cookiecutter.hooks"


class DropHookFailureTraceback(logging.Filter):
    """Strip the traceback from cookiecutter's "hook failed" log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if "hook script didn't exit successfully" in record.getMessage():
            record.exc_info = None
            record.exc_text = None
        return True


class ConciseHookErrors(Extension):
    """Install ``DropHookFailureTraceback`` on cookiecutter's hooks logger once."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        logger = logging.getLogger(COOKIECUTTER_HOOKS_LOGGER)
        if not any(isinstance(existing, DropHookFailureTraceback) for existing in logger.filters):
            logger.addFilter(DropHookFailureTraceback())
