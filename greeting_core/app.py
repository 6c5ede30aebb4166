"""Application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from greeting_core.access_log import AccessLogMiddleware, lambda_request_id
from greeting_core.config import load_settings
from greeting_core.errors import ServiceError
from greeting_core.negotiation import problem_response
from greeting_core.views import blueprint

logger = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the greeting app from defaults, ``GREETING_*`` variables and ``config``.

    Raises ``ConfigError`` naming the setting when a value is invalid.
    """
    app = Flask(__name__)

    app.config.update(load_settings(config))
    # The view enforces MAX_BODY_BYTES itself, with its own message.
    app.config["MAX_CONTENT_LENGTH"] = None

    app.register_blueprint(blueprint)
    app.register_error_handler(ServiceError, _handle_service_error)
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected_error)
    app.after_request(_add_standard_headers)
    app.wsgi_app = AccessLogMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    return app


def _handle_service_error(error: ServiceError) -> Response:
    return problem_response(request, error.status, error.title, error.detail)


def _handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 404:
        detail = f"No resource exists at {_printable(request.path)}. Try / or /health."
    elif status == 405 and isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or []))
        method, path = _printable(request.method), _printable(request.path)
        detail = f"Method {method} is not allowed on {path}. Use {allowed}."
    else:
        detail = error.description or error.name
    response = problem_response(request, status, error.name, detail)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def _printable(text: str) -> str:
    """Return ``text`` with unprintable characters percent-encoded.

    A path such as ``/a%0Ab`` decodes to a line break, which would split the
    one-sentence error message.
    """
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else quote(character, safe="", errors="replace")
        for character in text
    )


def _handle_unexpected_error(error: Exception) -> Response:
    request_id = lambda_request_id(request.environ) or "none"
    logger.exception("unhandled error", extra={"fields": {"request_id": request_id}})
    detail = f"An unexpected error occurred. Quote request id {request_id} when reporting it."
    return problem_response(request, 500, "Internal Server Error", detail)


def _add_standard_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    request_id = lambda_request_id(request.environ)
    if request_id:
        response.headers["X-Request-Id"] = request_id
    return response
