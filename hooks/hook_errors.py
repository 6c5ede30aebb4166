"""Keep a failed hook's output to its own ``ERROR:`` line.

When a hook exits non-zero, cookiecutter 2.7 logs "ERROR: Stopping generation
because ... hook script didn't exit successfully" with the traceback of its
own ``FailedHookException``. Our hooks have already printed an ``ERROR:`` line
that names the value, the rule and the fix, so that second line only buries it.
cookiecutter loads this extension through ``_extensions`` before any hook runs.
"""

import logging

from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment
from jinja2.ext import Extension

COOKIECUTTER_HOOKS_LOGGER = "cookiecutter.hooks"


class DropHookFailureRecord(logging.Filter):
    """Drop cookiecutter's "hook failed" log record when a hook script exited non-zero.

    The record stays when a hook failed to render (a Jinja ``UndefinedError``),
    because no hook of ours printed anything then.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if "hook script didn't exit successfully" not in record.getMessage():
            return True
        return not (record.exc_info and isinstance(record.exc_info[1], FailedHookException))


class ConciseHookErrors(Extension):
    """Install ``DropHookFailureRecord`` on cookiecutter's hooks logger once."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        logger = logging.getLogger(COOKIECUTTER_HOOKS_LOGGER)
        if not any(isinstance(existing, DropHookFailureRecord) for existing in logger.filters):
            logger.addFilter(DropHookFailureRecord())
