"""Lambda event checks and the public path prefix (stage or base path).

serverless-wsgi 3.1 derives SCRIPT_NAME and PATH_INFO in ways that break
routing: it strips ``API_GATEWAY_BASE_PATH`` with a plain prefix test (so
``/prod`` eats ``/products``), leaves an HTTP API stage in PATH_INFO, and sets
SCRIPT_NAME to ``/$default`` or ``/`` for the default stage and for ALB
events. ``PublicPathMiddleware`` recomputes both from the event.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from werkzeug.datastructures import Headers

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

WARMUP_SOURCES = ("aws.events", "serverless-plugin-warmup")

EXPECTED_EVENT = (
    "The handler expects an API Gateway (REST or HTTP API), ALB or Lambda "
    "function URL event"
)

_TRUE_WORDS = ("yes", "y", "true", "t", "1")


def is_warmup_event(event: object) -> bool:
    """Return whether ``event`` is a scheduled warm-up ping."""
    return isinstance(event, dict) and event.get("source") in WARMUP_SOURCES


def find_event_problem(event: object) -> str | None:
    """Return a sentence saying why ``event`` is not an HTTP event, or None."""
    if not isinstance(event, dict):
        return f"{EXPECTED_EVENT}, a JSON object, but received {type(event).__name__}."
    if event.get("version") == "2.0":
        context = event.get("requestContext")
        http = context.get("http") if isinstance(context, dict) else None
        if not isinstance(http, dict) or not isinstance(http.get("method"), str):
            return f"{EXPECTED_EVENT}, but this 2.0 event has no requestContext.http.method."
        if not isinstance(event.get("rawPath"), str):
            return f"{EXPECTED_EVENT}, but this 2.0 event has no rawPath."
    else:
        if not isinstance(event.get("httpMethod"), str) or not isinstance(event.get("path"), str):
            return f"{EXPECTED_EVENT}, but this event has no httpMethod and path."
    for key in ("headers", "multiValueHeaders", "requestContext"):
        if event.get(key) is not None and not isinstance(event[key], dict):
            return f"{EXPECTED_EVENT}, but its {key} is not an object."
    if event.get("body") is not None and not isinstance(event["body"], str):
        return f"{EXPECTED_EVENT}, but its body is not a string."
    return _find_header_problem(event)


def _find_header_problem(event: dict[str, Any]) -> str | None:
    values: list[object] = list((event.get("headers") or {}).values())
    for value_list in (event.get("multiValueHeaders") or {}).values():
        values.extend(value_list if isinstance(value_list, list) else [value_list])
    for value in values:
        if not isinstance(value, str):
            return "Header values must be strings."
        if "\r" in value or "\n" in value:
            # Werkzeug raises on line breaks in header values, which guards against header injection.
            return "Header values must not contain line breaks."
    return None


def normalize_event(event: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``event`` with the optional parts serverless-wsgi indexes."""
    normalized = dict(event)
    if normalized.get("headers") is None:
        normalized["headers"] = {}
    if not isinstance(normalized.get("requestContext"), dict):
        normalized["requestContext"] = {}
    return normalized


def _segments(path: str) -> list[str]:
    return [segment for segment in path.strip("/").split("/") if segment]


def _strip_leading_segments(path: str, prefix: str) -> str | None:
    """Return ``path`` without ``prefix`` if the prefix is whole leading segments."""
    if not prefix:
        return path
    if path == prefix:
        return "/"
    if path.startswith(prefix + "/"):
        return path[len(prefix):]
    return None


def public_path(event: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str, str]:
    """Return ``(script_name, path_info)`` for ``event``, both unquoted text."""
    context = event.get("requestContext") or {}
    is_v2 = event.get("version") == "2.0"
    path = (event.get("rawPath") if is_v2 else event.get("path")) or "/"
    path = path.split("?", 1)[0]
    if is_v2:
        headers = Headers(event.get("headers") or {})
    else:
        headers = Headers(event.get("multiValueHeaders") or event.get("headers") or {})
    host = str(context.get("domainName") or headers.get("Host", ""))
    on_execute_api = ".execute-api." in host
    keep_stage = environ.get("STRIP_STAGE_PATH", "").strip().lower() not in _TRUE_WORDS

    if context.get("elb"):
        return "", unquote(path)

    stage = context.get("stage")
    script_name = ""
    if on_execute_api and isinstance(stage, str) and stage and stage != "$default":
        stage_prefix = "/" + stage
        if is_v2:
            # An HTTP API named stage stays in rawPath.
            stripped = _strip_leading_segments(path, stage_prefix)
            if stripped is not None:
                path = stripped
                script_name = stage_prefix if keep_stage else ""
        else:
            # A REST API's event.path already excludes the stage.
            script_name = stage_prefix if keep_stage else ""

    base_path = "/".join(_segments(environ.get("API_GATEWAY_BASE_PATH", "")))
    if base_path and not on_execute_api:
        stripped = _strip_leading_segments(path, "/" + base_path)
        if stripped is not None:
            path = stripped
            script_name = "/" + base_path

    return unquote(script_name), unquote(path)


def _to_wsgi_string(text: str) -> str:
    """Encode text the way PEP 3333 wants native strings: UTF-8 bytes as latin-1."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


class PublicPathMiddleware:
    """WSGI middleware that sets SCRIPT_NAME and PATH_INFO from the Lambda event."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        event = environ.get("serverless.event")
        if isinstance(event, dict):
            script_name, path_info = public_path(event, os.environ)
            environ["SCRIPT_NAME"] = _to_wsgi_string(script_name)
            environ["PATH_INFO"] = _to_wsgi_string(path_info)
        return self.app(environ, start_response)
