"""Filtering of cookiecutter's own record when a hook fails."""

import logging
import sys

import pytest
from cookiecutter.exceptions import FailedHookException
from jinja2.exceptions import UndefinedError

from hooks.hook_errors import DropHookFailureRecord

STOPPING = "Stopping generation because %s hook script didn't exit successfully"


def failure_record(error: Exception) -> logging.LogRecord:
    try:
        raise error
    except type(error):
        exc_info = sys.exc_info()
    return logging.LogRecord("cookiecutter.hooks", logging.ERROR, __file__, 1, STOPPING, ("pre_gen_project",), exc_info)


def test_record_of_failed_hook_script_is_dropped():
    record = failure_record(FailedHookException("Hook script failed (exit status: 1)"))

    assert DropHookFailureRecord().filter(record) is False


@pytest.mark.parametrize(
    "record",
    [
        failure_record(UndefinedError("'dict object' has no attribute 'missing'")),
        logging.LogRecord("cookiecutter.hooks", logging.DEBUG, __file__, 1, "Running hook %s", ("pre_gen_project",), None),
    ],
    ids=["hook-failed-to-render", "other-record"],
)
def test_other_records_are_kept(record):
    assert DropHookFailureRecord().filter(record) is True
