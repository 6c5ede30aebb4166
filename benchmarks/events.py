"""API Gateway events and a Lambda context for the benchmark requests.

The shapes follow AWS's documented proxy integration formats: payload
version 1.0 for REST APIs and 2.0 for HTTP APIs. Every request greets Ada,
so each build must answer ``Hello Ada World!``.
"""

from __future__ import annotations

from typing import Any

EXPECTED_BODY = "Hello Ada World!"

_DOMAIN = "abc123defg.execute-api.us-east-1.amazonaws.com"
_COMMON_HEADERS = {
    "accept": "*/*",
    "host": _DOMAIN,
    "user-agent": "curl/8.5.0",
    "x-forwarded-for": "198.51.100.7",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
}


def rest_event(method: str) -> dict[str, Any]:
    """Build a REST API (payload 1.0) event for ``GET /?name=Ada`` or ``POST /`` with body ``Ada``."""
    headers = dict(_COMMON_HEADERS)
    query = {"name": "Ada"} if method == "GET" else None
    body = "Ada" if method == "POST" else None
    if body is not None:
        headers["content-type"] = "text/plain"
        headers["content-length"] = str(len(body))
    return {
        "resource": "/",
        "path": "/",
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {key: [value] for key, value in query.items()} if query else None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": _DOMAIN,
            "httpMethod": method,
            "identity": {"sourceIp": "198.51.100.7", "userAgent": "curl/8.5.0"},
            "path": "/prod/",
            "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "requestTimeEpoch": 1733300000000,
            "resourcePath": "/",
            "stage": "prod",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def http_event(method: str) -> dict[str, Any]:
    """Build an HTTP API (payload 2.0) event for ``GET /?name=Ada`` or ``POST /`` with body ``Ada``."""
    headers = dict(_COMMON_HEADERS)
    query = {"name": "Ada"} if method == "GET" else None
    body = "Ada" if method == "POST" else None
    if body is not None:
        headers["content-type"] = "text/plain"
        headers["content-length"] = str(len(body))
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/",
        "rawQueryString": "name=Ada" if query else "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": _DOMAIN,
            "domainPrefix": "abc123defg",
            "http": {
                "method": method,
                "path": "/",
                "protocol": "HTTP/1.1",
                "sourceIp": "198.51.100.7",
                "userAgent": "curl/8.5.0",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "04/Dec/2026:20:00:00 +0000",
            "timeEpoch": 1796414400000,
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = body
    return event


def benchmark_events() -> dict[str, dict[str, Any]]:
    """Return the four requests that every build serves, keyed by a short label."""
    return {
        "REST GET": rest_event("GET"),
        "REST POST": rest_event("POST"),
        "HTTP API GET": http_event("GET"),
        "HTTP API POST": http_event("POST"),
    }
