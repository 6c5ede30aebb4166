"""Access log: one structured record per request, without body or query."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

logger = logging.getLogger(__name__)

_CALL_SITE = "AccessLogMiddleware.__call__"

# json.dumps builds a new encoder on every call that passes options.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


def lambda_request_id(environ: Mapping[str, Any]) -> str | None:
    """Return the Lambda request id that serverless-wsgi put in ``environ``, if any."""
    context = environ.get("serverless.context")
    if isinstance(context, Mapping):
        request_id = context.get("aws_request_id")
    else:
        request_id = getattr(context, "aws_request_id", None)
    # A header value must be one line of printable ASCII.
    if isinstance(request_id, str) and request_id.isascii() and request_id.isprintable():
        return request_id
    return None


def _decode_wsgi_string(text: str) -> str:
    """Decode a PEP 3333 native string, UTF-8 bytes held as latin-1, back to text."""
    try:
        return text.encode("latin-1").decode("utf-8", "replace")
    except UnicodeEncodeError:
        # Not a latin-1 string, so the server did not follow PEP 3333.
        return text


class AccessLogMiddleware:
    """WSGI middleware that logs method, path, status, duration and request id.

    The query string and body are never logged because they carry the name,
    which is personal data.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not logger.isEnabledFor(logging.INFO):
            return self.app(environ, start_response)
        started = time.perf_counter()
        status_holder: list[int] = []

        def recording_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            status_holder.append(int(status.split(" ", 1)[0]))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        finally:
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            fields = {
                "method": environ.get("REQUEST_METHOD", ""),
                "path": path if path.isascii() else _decode_wsgi_string(path),
                "status": status_holder[-1] if status_holder else 500,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "request_id": lambda_request_id(environ),
            }
            # Logger.info would first walk the stack to find the caller, which
            # costs more than building the record. The caller is known here.
            record = logger.makeRecord(
                logger.name, logging.INFO, __file__, 0, "request handled", (), None,
                _CALL_SITE, {"fields": fields},
            )
            logger.handle(record)


class JsonLineFormatter(logging.Formatter):
    """Format a record as one JSON object: level, logger, message and its fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)
