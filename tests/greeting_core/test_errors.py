"""Tests for the error hierarchy."""

from __future__ import annotations

import pytest

from greeting_core import errors


@pytest.mark.parametrize(
    ("error_class", "status"),
    [
        (errors.BadRequestError, 400),
        (errors.NotFoundError, 404),
        (errors.PayloadTooLargeError, 413),
        (errors.InternalServerError, 500),
    ],
    ids=["bad-request", "not-found", "payload-too-large", "internal"],
)
def test_error_class_fixes_status(error_class: type[errors.ServiceError], status: int) -> None:
    error = error_class("Something is wrong.")
    assert isinstance(error, errors.ServiceError)
    assert error.status == status
    assert error.detail == "Something is wrong."


def test_method_not_allowed_keeps_allowed_methods() -> None:
    error = errors.MethodNotAllowedError("Use GET.", ["GET", "HEAD"])
    assert error.status == 405
    assert error.allowed_methods == ["GET", "HEAD"]
