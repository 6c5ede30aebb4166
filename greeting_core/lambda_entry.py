"""AWS Lambda entry: the ``lambda_handler`` that serves the default app."""

from __future__ import annotations

import binascii
import logging
import sys
from collections.abc import Callable
from typing import Any

import serverless_wsgi  # type: ignore[import-untyped]
from flask import Flask

from greeting_core.access_log import JsonLineFormatter, lambda_request_id
from greeting_core.app import create_app
from greeting_core.events import (
    BASE64_PROBLEM,
    LambdaEnvironMiddleware,
    find_event_problem,
    is_warmup_event,
    normalize_event,
)
from greeting_core.negotiation import PROBLEM_TYPE

logger = logging.getLogger(__name__)

LambdaHandler = Callable[[Any, Any], dict[str, Any]]

# serverless-wsgi base64-encodes any type not in this list or under text/,
# and API Gateway REST APIs would pass that base64 text to the client.
if PROBLEM_TYPE not in serverless_wsgi.TEXT_MIME_TYPES:
    serverless_wsgi.TEXT_MIME_TYPES.append(PROBLEM_TYPE)

_PLAIN_HEADERS = {
    "Content-Type": "text/plain; charset=utf-8",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def configure_logging(level: str) -> None:
    """Send ``greeting_core`` logs to stdout as JSON lines at ``level``.

    The logger does not propagate, so the Lambda runtime's own root handler
    does not print each record a second time.
    """
    package_logger = logging.getLogger("greeting_core")
    package_logger.setLevel(level)
    package_logger.propagate = False
    for handler in package_logger.handlers:
        if isinstance(handler.formatter, JsonLineFormatter):
            return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLineFormatter())
    package_logger.addHandler(handler)


_STATUS_PHRASES = {400: "Bad Request", 500: "Internal Server Error"}


def _plain_response(event: object, status: int, message: str) -> dict[str, Any]:
    """Build a Lambda proxy response in the shape the event's source expects."""
    response: dict[str, Any] = {"statusCode": status}
    if isinstance(event, dict) and event.get("multiValueHeaders"):
        # An ALB with multi-value headers turned on reads only multiValueHeaders.
        response["multiValueHeaders"] = {key: [value] for key, value in _PLAIN_HEADERS.items()}
    else:
        response["headers"] = dict(_PLAIN_HEADERS)
    context = event.get("requestContext") if isinstance(event, dict) else None
    if isinstance(context, dict) and context.get("elb"):
        response["statusDescription"] = f"{status} {_STATUS_PHRASES[status]}"
    response["body"] = message
    response["isBase64Encoded"] = False
    return response


def make_lambda_handler(app: Flask) -> LambdaHandler:
    """Return a Lambda handler that serves ``app`` through serverless-wsgi."""
    wsgi_app = LambdaEnvironMiddleware(app)

    def handler(event: Any, context: Any) -> dict[str, Any]:
        if is_warmup_event(event):
            logger.info("warm-up event received")
            return {}
        problem = find_event_problem(event)
        if problem is not None:
            logger.warning("rejected event: %s", problem)
            return _plain_response(event, 400, problem)
        try:
            response: dict[str, Any] = serverless_wsgi.handle_request(
                wsgi_app, normalize_event(event), context
            )
            return response
        except binascii.Error:
            logger.warning("rejected event: %s", BASE64_PROBLEM)
            return _plain_response(event, 400, BASE64_PROBLEM)
        except Exception:
            # The app turns its own errors into responses, so an exception here
            # comes from an event shape that the checks above did not foresee.
            # A response, unlike a raised error, keeps the traceback out of
            # the Lambda result that API Gateway or the ALB receives.
            request_id = lambda_request_id({"serverless.context": context}) or "none"
            logger.exception(
                "unhandled error in the Lambda adapter",
                extra={"fields": {"request_id": request_id}},
            )
            return _plain_response(
                event,
                500,
                f"An unexpected error occurred. Quote request id {request_id} when reporting it.",
            )

    return handler


_default_handler: LambdaHandler | None = None


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Serve ``event`` with the default app, built on the first call."""
    global _default_handler
    if _default_handler is None:
        app = create_app()
        configure_logging(app.config["LOG_LEVEL"])
        _default_handler = make_lambda_handler(app)
    return _default_handler(event, context)
