"""Application factory."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from greeting_core.access_log import AccessLogMiddleware, lambda_request_id
from greeting_core.config import load_settings
from greeting_core.errors import ServiceError
from greeting_core.negotiation import problem_response
from greeting_core.views import blueprint

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

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
    app.wsgi_app = AccessLogMiddleware(  # type: ignore[method-assign]
        StandardHeadersMiddleware(app.wsgi_app)
    )
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


_STANDARD_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")]
_STANDARD_NAMES = frozenset(name.lower() for name, _ in _STANDARD_HEADERS)
_STANDARD_NAMES_WITH_ID = _STANDARD_NAMES | {"x-request-id"}


class StandardHeadersMiddleware:
    """WSGI middleware that adds the standard headers to every response.

    It extends the header list that Flask hands to the server, which is
    cheaper than setting each header on the response object.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        added = _STANDARD_HEADERS
        # An added header replaces any value the app set, instead of doubling it.
        replaced = _STANDARD_NAMES
        request_id = lambda_request_id(environ)
        if request_id:
            added = [*_STANDARD_HEADERS, ("X-Request-Id", request_id)]
            replaced = _STANDARD_NAMES_WITH_ID

        def adding_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            app_headers = [header for header in headers if header[0].lower() not in replaced]
            return start_response(status, app_headers + added, exc_info)

        return self.app(environ, adding_start_response)
