"""Lambda event checks and the WSGI environ that serverless-wsgi builds from them.

serverless-wsgi 3.1 derives SCRIPT_NAME and PATH_INFO in ways that break
routing: it strips ``API_GATEWAY_BASE_PATH`` with a plain prefix test (so
``/prod`` eats ``/products``), leaves an HTTP API stage in PATH_INFO, and sets
SCRIPT_NAME to ``/$default`` or ``/`` for the default stage and for ALB
events. It also decodes ALB query strings with replacement characters and
passes a ``Transfer-Encoding`` header on. ``LambdaEnvironMiddleware``
recomputes those parts of the environ from the event.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

WARMUP_SOURCES = ("aws.events", "serverless-plugin-warmup")

EXPECTED_EVENT = (
    "The handler expects an API Gateway (REST or HTTP API), ALB or Lambda "
    "function URL event"
)

BASE64_PROBLEM = "The event body is marked isBase64Encoded but is not valid base64."

_TRUE_WORDS = ("yes", "y", "true", "t", "1")

# json.dumps builds a new encoder on every call that passes options. An event
# parsed from JSON holds no cycles, so the encoder need not track them.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def is_warmup_event(event: object) -> bool:
    """Return whether ``event`` is a scheduled warm-up ping."""
    return isinstance(event, dict) and event.get("source") in WARMUP_SOURCES


def find_event_problem(event: object) -> str | None:
    """Return a sentence saying what is wrong with ``event`` as an HTTP event, or None.

    The checks cover each field that serverless-wsgi 3.1 reads, so a malformed
    field gets a 400 reply instead of an exception. No sentence quotes a value
    from the event, because values can carry the name and the sentence is logged.
    """
    if not isinstance(event, dict):
        return f"{EXPECTED_EVENT}, a JSON object, but received {type(event).__name__}."
    if event.get("version") == "2.0":
        problem = _find_v2_problem(event)
    else:
        problem = _find_v1_problem(event)
    return (
        problem
        or _find_shared_problem(event)
        or _find_header_problem(event)
        or _find_lone_surrogate_problem(event)
    )


def _find_v2_problem(event: dict[str, Any]) -> str | None:
    context = event.get("requestContext")
    if not isinstance(context, dict):
        context = {}
    http = context.get("http")
    if not isinstance(http, dict) or not isinstance(http.get("method"), str):
        return f"{EXPECTED_EVENT}, but this 2.0 event has no requestContext.http.method."
    if not isinstance(event.get("rawPath"), str):
        return f"{EXPECTED_EVENT}, but this 2.0 event has no rawPath."
    if not _is_optional(event.get("rawQueryString"), str):
        return f"{EXPECTED_EVENT}, but its rawQueryString is not a string."
    cookies = event.get("cookies")
    if cookies is not None and not _is_list_of_strings(cookies):
        return f"{EXPECTED_EVENT}, but its cookies is not a list of strings."
    if any(_has_line_break(cookie) for cookie in cookies or []):
        return "Cookie values must not contain line breaks."
    if not _is_optional(context.get("authorizer"), dict):
        return f"{EXPECTED_EVENT}, but its requestContext.authorizer is not an object."
    return None


def _find_v1_problem(event: dict[str, Any]) -> str | None:
    if not isinstance(event.get("httpMethod"), str) or not isinstance(event.get("path"), str):
        return f"{EXPECTED_EVENT}, but this event has no httpMethod and path."
    context = event.get("requestContext")
    if isinstance(context, dict):
        for key in ("identity", "authorizer"):
            if not _is_optional(context.get(key), dict):
                return f"{EXPECTED_EVENT}, but its requestContext.{key} is not an object."
    return None


def _find_shared_problem(event: dict[str, Any]) -> str | None:
    for key in ("headers", "multiValueHeaders", "requestContext"):
        if not _is_optional(event.get(key), dict):
            return f"{EXPECTED_EVENT}, but its {key} is not an object."
    for key in ("queryStringParameters", "query"):
        parameters = event.get(key)
        if parameters is not None and not (
            isinstance(parameters, dict) and all(isinstance(v, str) for v in parameters.values())
        ):
            return f"{EXPECTED_EVENT}, but its {key} is not an object of strings."
    parameters = event.get("multiValueQueryStringParameters")
    if parameters is not None and not (
        isinstance(parameters, dict)
        and all(isinstance(v, str) or _is_list_of_strings(v) for v in parameters.values())
    ):
        return (
            f"{EXPECTED_EVENT}, but its multiValueQueryStringParameters "
            "is not an object of string lists."
        )
    body = event.get("body")
    if not _is_optional(body, str):
        return f"{EXPECTED_EVENT}, but its body is not a string."
    is_base64 = event.get("isBase64Encoded")
    if not _is_optional(is_base64, bool):
        return f"{EXPECTED_EVENT}, but its isBase64Encoded is not true or false."
    if is_base64 and body and not body.isascii():
        return BASE64_PROBLEM
    return None


def _find_header_problem(event: dict[str, Any]) -> str | None:
    for value in (event.get("headers") or {}).values():
        problem = _header_value_problem(value)
        if problem is not None:
            return problem
    for value_list in (event.get("multiValueHeaders") or {}).values():
        for value in value_list if isinstance(value_list, list) else [value_list]:
            problem = _header_value_problem(value)
            if problem is not None:
                return problem
    return None


def _header_value_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return "Header values must be strings."
    if "\r" in value or "\n" in value:
        # Werkzeug raises on line breaks in header values, which guards against header injection.
        return "Header values must not contain line breaks."
    return None


def _find_lone_surrogate_problem(event: dict[str, Any]) -> str | None:
    # A JSON "\ud800" escape yields a lone surrogate, which serverless-wsgi
    # cannot encode as UTF-8 when it builds the environ.
    try:
        # The C encoder checks a whole JSON-shaped event in about half the
        # time of the walk below, which runs only to name the offending field.
        _JSON_ENCODER.encode(event).encode("utf-8")
    except (TypeError, ValueError, RecursionError):
        pass
    else:
        return None
    for key, value in event.items():
        stack = [key, value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError as error:
                    code_point = ord(item[error.start])
                    return (
                        f"The event field {key} contains the lone surrogate U+{code_point:04X}, "
                        "which is not valid Unicode text."
                    )
    return None


def _is_optional(value: object, kind: type) -> bool:
    return value is None or isinstance(value, kind)


def _is_list_of_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _has_line_break(text: str) -> bool:
    return "\r" in text or "\n" in text


def normalize_event(event: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a checked ``event`` with the optional parts serverless-wsgi indexes.

    serverless-wsgi reads ``null`` fields as present, so a missing part gets
    its empty value here.
    """
    normalized = dict(event)
    if normalized.get("headers") is None:
        normalized["headers"] = {}
    context = dict(normalized.get("requestContext") or {})
    for key in ("authorizer", "identity"):
        if context.get(key) is None:
            context.pop(key, None)
    normalized["requestContext"] = context
    if normalized.get("body") is None:
        normalized["body"] = ""
    # serverless-wsgi treats an event without isBase64Encoded but with
    # requestPath as a non-proxy Lambda integration, which this handler
    # does not serve.
    normalized["isBase64Encoded"] = normalized.get("isBase64Encoded") is True
    if normalized.get("version") == "2.0":
        if normalized.get("rawQueryString") is None:
            normalized["rawQueryString"] = ""
        if normalized.get("cookies") is None:
            normalized["cookies"] = []
    return normalized


def _host_header(event: Mapping[str, Any], is_v2: bool) -> str:
    """Return the event's first ``Host`` header value, matched without regard to case."""
    headers = event.get("headers") if is_v2 else (
        event.get("multiValueHeaders") or event.get("headers")
    )
    for key, value in (headers or {}).items():
        if isinstance(key, str) and key.lower() == "host":
            if not isinstance(value, list):
                return str(value)
            if value:
                return str(value[0])
    return ""


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
    host = str(context.get("domainName") or _host_header(event, is_v2))
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


def alb_query_string(event: Mapping[str, Any]) -> str:
    """Return the query string of an ALB ``event`` as the client sent it.

    An ALB passes query keys and values still percent-encoded. Joining them
    keeps invalid UTF-8 such as ``%ff`` for the app to reject, where
    serverless-wsgi decodes them with replacement characters.
    """
    parameters = (
        event.get("multiValueQueryStringParameters") or event.get("queryStringParameters") or {}
    )
    pairs = []
    for key, values in parameters.items():
        for value in values if isinstance(values, list) else [values]:
            pairs.append(f"{key}={value}")
    return "&".join(pairs)


def _to_wsgi_string(text: str) -> str:
    """Encode text the way PEP 3333 wants native strings: UTF-8 bytes as latin-1."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


class LambdaEnvironMiddleware:
    """WSGI middleware that corrects the environ serverless-wsgi builds from the event.

    It sets SCRIPT_NAME and PATH_INFO to the public prefix and route path,
    keeps an ALB query string undecoded, and drops ``Transfer-Encoding``.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        event = environ.get("serverless.event")
        if isinstance(event, dict):
            script_name, path_info = public_path(event, os.environ)
            environ["SCRIPT_NAME"] = _to_wsgi_string(script_name)
            environ["PATH_INFO"] = _to_wsgi_string(path_info)
            if (event.get("requestContext") or {}).get("elb"):
                environ["QUERY_STRING"] = _to_wsgi_string(alb_query_string(event))
            # API Gateway, ALB and function URLs hand Lambda the whole body,
            # already de-chunked, and serverless-wsgi sets CONTENT_LENGTH to its
            # size. Werkzeug reads nothing from a body marked chunked unless
            # the server terminates the stream, so the hop-by-hop header goes.
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)
