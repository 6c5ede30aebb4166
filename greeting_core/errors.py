"""Errors that become HTTP responses; each class fixes its status code."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class for errors the service turns into an HTTP response."""

    status: int = 500
    title: str = "Internal Server Error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class BadRequestError(ServiceError):
    """Invalid client input."""

    status = 400
    title = "Bad Request"


class NotFoundError(ServiceError):
    """No route matches the path."""

    status = 404
    title = "Not Found"


class MethodNotAllowedError(ServiceError):
    """The route exists but does not accept the request method."""

    status = 405
    title = "Method Not Allowed"

    def __init__(self, detail: str, allowed_methods: list[str]) -> None:
        super().__init__(detail)
        self.allowed_methods = allowed_methods


class PayloadTooLargeError(ServiceError):
    """The request body is larger than the configured limit."""

    status = 413
    title = "Content Too Large"


class InternalServerError(ServiceError):
    """An unexpected failure inside the service."""

    status = 500
    title = "Internal Server Error"
