"""Tests for event checks and the public path prefix."""

from __future__ import annotations

from typing import Any

import pytest

from greeting_core.events import find_event_problem, public_path

EXPECTED = "The handler expects an API Gateway (REST or HTTP API), ALB or Lambda function URL event"


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ({}, f"{EXPECTED}, but this event has no httpMethod and path."),
        ([], f"{EXPECTED}, a JSON object, but received list."),
        ("GET /", f"{EXPECTED}, a JSON object, but received str."),
        (None, f"{EXPECTED}, a JSON object, but received NoneType."),
        ({"version": "2.0", "rawPath": "/"},
         f"{EXPECTED}, but this 2.0 event has no requestContext.http.method."),
        ({"version": "2.0", "requestContext": {"http": {"method": "GET"}}},
         f"{EXPECTED}, but this 2.0 event has no rawPath."),
        ({"httpMethod": "GET", "path": "/", "headers": ["Host"]},
         f"{EXPECTED}, but its headers is not an object."),
        ({"httpMethod": "GET", "path": "/", "body": {"name": "Ada"}},
         f"{EXPECTED}, but its body is not a string."),
        ({"Records": [{"eventSource": "aws:sqs"}]},
         f"{EXPECTED}, but this event has no httpMethod and path."),
        ({"httpMethod": "GET", "path": "/", "headers": {"Accept": "a\r\nX-Injected: 1"}},
         "Header values must not contain line breaks."),
        ({"httpMethod": "GET", "path": "/", "multiValueHeaders": {"Accept": ["*/*", "\n"]}},
         "Header values must not contain line breaks."),
        ({"httpMethod": "GET", "path": "/", "headers": {"X-Count": 3}},
         "Header values must be strings."),
    ],
    ids=["empty-object", "list", "string", "null", "v2-without-method", "v2-without-path",
         "headers-list", "body-object", "sqs", "header-line-break",
         "multi-value-header-line-break", "header-number"],
)
def test_non_http_event_has_problem(event: Any, problem: str) -> None:
    assert find_event_problem(event) == problem


@pytest.mark.parametrize(
    "kind", ["rest_v1", "http_api_v2", "function_url", "alb", "alb_multi_value"]
)
def test_documented_event_has_no_problem(make_event: Any, kind: str) -> None:
    assert find_event_problem(make_event(kind)) is None


@pytest.mark.parametrize(
    ("kind", "path", "environ", "expected"),
    [
        ("rest_v1", "/", {}, ("/prod", "/")),
        ("rest_v1", "/health", {}, ("/prod", "/health")),
        ("rest_v1", "/health", {"STRIP_STAGE_PATH": "true"}, ("", "/health")),
        ("http_api_v2", "/", {}, ("", "/")),
        ("function_url", "/health", {}, ("", "/health")),
        ("alb", "/health", {}, ("", "/health")),
        ("alb_multi_value", "/", {}, ("", "/")),
        ("rest_v1", "/caf%C3%A9", {}, ("/prod", "/café")),
    ],
    ids=["rest-root", "rest-health", "rest-strip-stage-path", "http-default-stage",
         "function-url", "alb", "alb-multi-value", "rest-percent-encoded"],
)
def test_public_path_for_default_urls(
    make_event: Any, kind: str, path: str, environ: dict[str, str], expected: tuple[str, str]
) -> None:
    assert public_path(make_event(kind, path=path), environ) == expected


def _named_stage_event(make_event: Any, raw_path: str) -> dict[str, Any]:
    event = make_event("http_api_v2", path=raw_path)
    event["requestContext"]["stage"] = "prod"
    return event


@pytest.mark.parametrize(
    ("raw_path", "expected"),
    [
        ("/prod", ("/prod", "/")),
        ("/prod/", ("/prod", "/")),
        ("/prod/health", ("/prod", "/health")),
        ("/products", ("", "/products")),
        ("/production/health", ("", "/production/health")),
    ],
    ids=["stage-only", "stage-slash", "stage-health", "products-kept", "production-kept"],
)
def test_http_api_named_stage_strips_whole_segment(
    make_event: Any, raw_path: str, expected: tuple[str, str]
) -> None:
    assert public_path(_named_stage_event(make_event, raw_path), {}) == expected


def _custom_domain_event(make_event: Any, kind: str, path: str) -> dict[str, Any]:
    event = make_event(kind, path=path, headers={"Host": "api.example.com"})
    event["requestContext"]["domainName"] = "api.example.com"
    return event


@pytest.mark.parametrize("kind", ["rest_v1", "http_api_v2"])
@pytest.mark.parametrize(
    ("base_path", "path", "expected"),
    [
        ("prod", "/prod/health", ("/prod", "/health")),
        ("prod", "/prod", ("/prod", "/")),
        ("prod", "/products", ("", "/products")),
        ("/v1/greeting/", "/v1/greeting/health", ("/v1/greeting", "/health")),
        ("v1/greeting", "/v1/greetings", ("", "/v1/greetings")),
        ("", "/prod/health", ("", "/prod/health")),
    ],
    ids=["base-path", "base-path-only", "products-kept", "two-segments",
         "partial-segment-kept", "unset"],
)
def test_custom_domain_base_path_strips_whole_segments(
    make_event: Any, kind: str, base_path: str, path: str, expected: tuple[str, str]
) -> None:
    event = _custom_domain_event(make_event, kind, path)
    assert public_path(event, {"API_GATEWAY_BASE_PATH": base_path}) == expected


def test_base_path_ignored_on_execute_api_host(make_event: Any) -> None:
    event = make_event("rest_v1", path="/prod/health")
    assert public_path(event, {"API_GATEWAY_BASE_PATH": "prod"}) == ("/prod", "/prod/health")


def test_surrogate_in_non_json_event() -> None:
    event = {"httpMethod": "GET", "path": "/", "stageVariables": {"when": object()}, "body": "A\ud800"}
    assert find_event_problem(event) == (
        "The event field body contains the lone surrogate U+D800, which is not valid Unicode text."
    )


API_HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"


@pytest.mark.parametrize(
    "headers",
    [{"HOST": [API_HOST]}, {"host": [], "Host": [API_HOST]}],
    ids=["upper-case-name", "empty-list-skipped"],
)
def test_host_header_case_insensitive(headers: dict[str, list[str]]) -> None:
    event = {"httpMethod": "GET", "path": "/prod/health", "multiValueHeaders": headers,
             "requestContext": {"stage": "prod"}}
    # On the execute-api host the base path is not stripped; elsewhere it would be.
    assert public_path(event, {"API_GATEWAY_BASE_PATH": "prod"}) == ("/prod", "/prod/health")
