"""Content negotiation: plain text by default, JSON when the client prefers it."""

from __future__ import annotations

import json
from typing import Any

from flask import Request, Response

TEXT_TYPE = "text/plain; charset=utf-8"
JSON_TYPE = "application/json"
PROBLEM_TYPE = "application/problem+json"

# Listed in order of preference, so "*/*" or no Accept header picks text.
_OFFERED = ["text/plain", JSON_TYPE, PROBLEM_TYPE]

# Accept values that always pick text, so the header need not be parsed.
# curl and fetch() send "*/*" by default.
_TEXT_ACCEPT_VALUES = frozenset(("", "*/*", "text/plain", "text/*"))


def prefers_json(request: Request) -> bool:
    """Return whether the Accept header ranks JSON above plain text."""
    if request.environ.get("HTTP_ACCEPT", "").strip() in _TEXT_ACCEPT_VALUES:
        return False
    best = request.accept_mimetypes.best_match(_OFFERED, default="text/plain")
    return best != "text/plain"


def _json_response(payload: dict[str, Any], status: int, mimetype: str) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=status, mimetype=mimetype)


def message_response(request: Request, message: str, status: int = 200) -> Response:
    """Build a reply carrying ``message`` as text or as ``{"message": ...}``."""
    if prefers_json(request):
        return _json_response({"message": message}, status, JSON_TYPE)
    return Response(message, status=status, content_type=TEXT_TYPE)


def json_response(payload: dict[str, Any], status: int = 200) -> Response:
    """Build a JSON reply regardless of the Accept header."""
    return _json_response(payload, status, JSON_TYPE)


def problem_response(request: Request, status: int, title: str, detail: str) -> Response:
    """Build an error reply as text or as RFC 9457 problem details."""
    if prefers_json(request):
        problem = {"type": "about:blank", "title": title, "status": status, "detail": detail}
        return _json_response(problem, status, PROBLEM_TYPE)
    return Response(detail, status=status, content_type=TEXT_TYPE)
