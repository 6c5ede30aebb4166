"""Lambda events in the shapes API Gateway sends, built for each test."""

import base64
from collections.abc import Callable
from typing import Any

import pytest

Event = dict[str, Any]


def rest_event(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Event:
    """Build a REST API (payload format 1.0) proxy event."""
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers or {},
        "multiValueHeaders": {name: [value] for name, value in (headers or {}).items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.lstrip("/")} if path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "httpMethod": method,
            "path": f"/dev{path}",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "resourcePath": "/{proxy+}",
            "stage": "dev",
            "identity": {"sourceIp": "192.0.2.1", "userAgent": "pytest"},
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


def http_api_event(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Event:
    """Build an HTTP API (payload format 2.0) event for the $default stage."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers or {},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abcdef1234",
            "domainName": "abcdef1234.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abcdef1234",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "pytest",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "10/Mar/2026:00:00:00 +0000",
            "timeEpoch": 1773100800000,
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


class LambdaContext:
    """The attributes of the Lambda context object that a handler may read."""

    function_name = "greeting-test-api"
    aws_request_id = "3f1c2a0e-0000-4000-8000-000000000000"
    memory_limit_in_mb = 512

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


@pytest.fixture(params=[rest_event, http_api_event], ids=["rest-v1", "http-api-v2"])
def make_event(request: pytest.FixtureRequest) -> Callable[..., Event]:
    """Return a builder for one API Gateway event shape."""
    return request.param


@pytest.fixture
def context() -> LambdaContext:
    """Return a stand-in for the Lambda context."""
    return LambdaContext()
