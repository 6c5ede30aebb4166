"""Fixtures for the greeting_core tests: app, client, Lambda events and context."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_plus, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from greeting_core import create_app

EVENTS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "events"
EVENT_KINDS = ("rest_v1", "http_api_v2", "function_url", "alb", "alb_multi_value")
REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"

EventBuilder = Callable[..., dict[str, Any]]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove settings and path variables so the host environment cannot leak in."""
    import os

    for key in list(os.environ):
        if key.startswith("GREETING_") or key in ("API_GATEWAY_BASE_PATH", "STRIP_STAGE_PATH"):
            monkeypatch.delenv(key)


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Return settings passed to create_app; override in a test module to change them."""
    return {"TESTING": True}


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """Create the app with the test settings."""
    return create_app(app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a Flask test client for the app."""
    return app.test_client()


@pytest.fixture
def lambda_context() -> SimpleNamespace:
    """Return a stand-in for the Lambda context object with a request id."""
    return SimpleNamespace(aws_request_id=REQUEST_ID, function_name="greeting")


def load_event(kind: str) -> dict[str, Any]:
    """Load one documented event shape from the fixtures folder."""
    return json.loads((EVENTS_DIR / f"{kind}.json").read_text(encoding="utf-8"))


def build_event(
    kind: str,
    method: str = "GET",
    path: str = "/",
    query: list[tuple[str, str]] | None = None,
    body: str | bytes | None = None,
    base64_body: bool = False,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Build a variant of the ``kind`` fixture event.

    ``path`` is the path the event carries: for REST events it excludes the
    stage, for HTTP API events it is the raw path, stage included.
    """
    event = copy.deepcopy(load_event(kind))
    query = query or []
    headers = headers or {}
    is_v2 = event.get("version") == "2.0"

    if is_v2:
        event["rawPath"] = path
        event["requestContext"]["http"]["method"] = method
        event["requestContext"]["http"]["path"] = path
        event["rawQueryString"] = urlencode(query)
        if query:
            grouped: dict[str, list[str]] = {}
            for key, value in query:
                grouped.setdefault(key, []).append(value)
            event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped.items()}
        for key, value in headers.items():
            event["headers"][key.lower()] = value
    else:
        event["httpMethod"] = method
        event["path"] = path
        if kind == "rest_v1":
            stage = event["requestContext"]["stage"]
            event["requestContext"]["path"] = f"/{stage}{path}"
            event["requestContext"]["httpMethod"] = method
        _set_v1_query(event, kind, query)
        _set_v1_headers(event, kind, headers)

    if body is None:
        event["body"] = None if kind == "rest_v1" else ""
    elif base64_body:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        event["body"] = base64.b64encode(raw).decode("ascii")
        event["isBase64Encoded"] = True
    else:
        assert isinstance(body, str), "pass bytes with base64_body=True"
        event["body"] = body
    return event


def _set_v1_query(event: dict[str, Any], kind: str, query: list[tuple[str, str]]) -> None:
    # ALB passes query keys and values without decoding them.
    encode = quote_plus if kind.startswith("alb") else (lambda text: text)
    single = {encode(k): encode(v) for k, v in query} or None
    multi: dict[str, list[str]] = {}
    for key, value in query:
        multi.setdefault(encode(key), []).append(encode(value))
    if kind == "rest_v1":
        event["queryStringParameters"] = single
        event["multiValueQueryStringParameters"] = multi or None
    elif kind == "alb":
        event["queryStringParameters"] = single or {}
    else:
        event["multiValueQueryStringParameters"] = multi


def _set_v1_headers(event: dict[str, Any], kind: str, headers: dict[str, str]) -> None:
    for key, value in headers.items():
        name = key.lower() if kind.startswith("alb") else key
        if "headers" in event:
            event["headers"][name] = value
        if "multiValueHeaders" in event:
            event["multiValueHeaders"][name] = [value]


@pytest.fixture
def make_event() -> EventBuilder:
    """Return the event builder."""
    return build_event


def response_body(result: dict[str, Any]) -> str:
    """Return a Lambda proxy response body as text, decoding base64 if set."""
    body = result.get("body", "")
    if result.get("isBase64Encoded"):
        return base64.b64decode(body).decode("utf-8")
    return body


def response_headers(result: dict[str, Any]) -> dict[str, str]:
    """Return response headers from either headers or multiValueHeaders, keys lowercased."""
    if "multiValueHeaders" in result:
        return {k.lower(): ", ".join(v) for k, v in result["multiValueHeaders"].items()}
    return {k.lower(): v for k, v in result.get("headers", {}).items()}


@pytest.fixture
def body_of() -> Callable[[dict[str, Any]], str]:
    """Return the response body decoder."""
    return response_body


@pytest.fixture
def headers_of() -> Callable[[dict[str, Any]], dict[str, str]]:
    """Return the response header reader."""
    return response_headers
