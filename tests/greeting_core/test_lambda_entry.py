"""Tests for the Lambda handler over documented API Gateway, ALB and function URL events."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from flask import redirect, url_for

from greeting_core import create_app, lambda_entry
from greeting_core.lambda_entry import (
    configure_logging,
    lambda_handler,
    make_lambda_handler,
)

KINDS = ["rest_v1", "http_api_v2", "function_url", "alb", "alb_multi_value"]
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"
PROBLEM = "application/problem+json"
BAD_EVENT = (
    "The handler expects an API Gateway (REST or HTTP API), ALB or Lambda function URL event"
)


@pytest.fixture
def handler() -> Any:
    """Return a Lambda handler for a fresh default app."""
    return make_lambda_handler(create_app())


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    """Restore the greeting_core logger after a test configures it."""
    logger = logging.getLogger("greeting_core")
    saved = (logger.level, logger.propagate, list(logger.handlers))
    yield logger
    logger.setLevel(saved[0])
    logger.propagate = saved[1]
    logger.handlers[:] = saved[2]


# Each row: id, request (method, path, query, body, base64, extra headers), expected
# (status, content type, body or None for no body, extra response headers).
CONTRACT = [
    ("get-root", ("GET", "/", [], None, False, {}), (200, TEXT, "Hello World!", {})),
    ("get-name", ("GET", "/", [("name", "Ada")], None, False, {}),
     (200, TEXT, "Hello Ada World!", {})),
    ("get-name-encoded", ("GET", "/", [("name", "Zoë & Ada")], None, False, {}),
     (200, TEXT, "Hello Zoë & Ada World!", {})),
    ("head-name", ("HEAD", "/", [("name", "Ada")], None, False, {}), (200, TEXT, None, {})),
    ("post-form", ("POST", "/", [], "Ada", False,
                   {"Content-Type": "application/x-www-form-urlencoded"}),
     (200, TEXT, "Hello Ada World!", {})),
    ("post-base64", ("POST", "/", [], "Ada", True, {"Content-Type": "text/plain"}),
     (200, TEXT, "Hello Ada World!", {})),
    ("post-base64-utf8", ("POST", "/", [], "Zoë", True, {"Content-Type": "text/plain"}),
     (200, TEXT, "Hello Zoë World!", {})),
    ("post-empty", ("POST", "/", [], None, False, {}), (200, TEXT, "Hello World!", {})),
    ("post-json", ("POST", "/", [], '{"name": "Ada"}', False, {"Content-Type": JSON}),
     (200, TEXT, "Hello Ada World!", {})),
    ("post-json-accept-json", ("POST", "/", [], '{"name": "Ada"}', False,
                               {"Content-Type": JSON, "Accept": JSON}),
     (200, JSON, '{"message": "Hello Ada World!"}', {})),
    ("post-invalid-utf8", ("POST", "/", [], b"\xc3\x28", True, {"Content-Type": "text/plain"}),
     (400, TEXT, "The request body is not valid UTF-8 (invalid byte at position 0).", {})),
    ("post-name-too-long", ("POST", "/", [], "x" * 101, False, {}),
     (400, TEXT, "The name has 101 characters, but at most 100 are allowed.", {})),
    ("post-body-too-large", ("POST", "/", [], "x" * 8193, False, {}),
     (413, TEXT, "The request body has 8193 bytes, but at most 8192 are allowed.", {})),
    ("post-control-character", ("POST", "/", [], "A\x07da", False, {}),
     (400, TEXT, ("The name contains the control character U+0007, "
                  "but only printable characters are allowed."), {})),
    ("post-malformed-json", ("POST", "/", [], '{"name":', False, {"Content-Type": JSON}),
     (400, TEXT, "The request body is not valid JSON.", {})),
    ("error-as-problem-json", ("POST", "/", [], '{"name":', False,
                               {"Content-Type": JSON, "Accept": JSON}),
     (400, PROBLEM, json.dumps({"type": "about:blank", "title": "Bad Request", "status": 400,
                                "detail": "The request body is not valid JSON."}), {})),
    ("unknown-path", ("GET", "/missing", [], None, False, {}),
     (404, TEXT, "No resource exists at /missing. Try / or /health.", {})),
    ("put-root", ("PUT", "/", [], None, False, {}),
     (405, TEXT, "Method PUT is not allowed on /. Use GET, HEAD, POST.",
      {"allow": "GET, HEAD, POST"})),
    ("health", ("GET", "/health", [], None, False, {}), (200, JSON, '{"status": "ok"}', {})),
]




@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("request_row", "expected"), [row[1:] for row in CONTRACT],
                         ids=[row[0] for row in CONTRACT])
def test_handler_serves_contract(
    handler: Any, make_event: Any, headers_of: Any, lambda_context: SimpleNamespace,
    kind: str, request_row: tuple, expected: tuple,
) -> None:
    method, path, query, body, base64_body, headers = request_row
    status, content_type, expected_body, extra_headers = expected
    event = make_event(kind, method=method, path=path, query=query, body=body,
                       base64_body=base64_body, headers=headers)

    result = handler(event, lambda_context)

    expected_headers = {
        "content-type": content_type,
        "content-length": str(len((expected_body or "").encode("utf-8"))),
        "x-content-type-options": "nosniff",
        "cache-control": "no-store",
        "x-request-id": lambda_context.aws_request_id,
        **extra_headers,
    }
    if method == "HEAD":
        expected_headers["content-length"] = str(len("Hello Ada World!"))
    assert result["statusCode"] == status
    assert headers_of(result) == expected_headers
    if expected_body is None:
        assert "body" not in result
    else:
        assert result["body"] == expected_body
        assert result["isBase64Encoded"] is False
    if kind.startswith("alb"):
        assert result["statusDescription"].startswith(f"{status} ")
    else:
        assert "statusDescription" not in result


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("rest_v1", "Hello Ada World!"), ("http_api_v2", "Hello Ada World!"),
     ("function_url", "Hello Ada World!"), ("alb", "Hello Bob World!"),
     ("alb_multi_value", "Hello Ada World!")],
    ids=KINDS,
)
def test_handler_repeated_query_key(handler: Any, make_event: Any, kind: str, expected: str) -> None:
    # An ALB without multi-value headers passes only the last value of a repeated key.
    event = make_event(kind, query=[("name", "Ada"), ("name", "Bob")])
    assert handler(event, None)["body"] == expected


@pytest.mark.parametrize("kind", KINDS)
def test_handler_version_reports_settings(make_event: Any, kind: str) -> None:
    handler = make_lambda_handler(create_app({"SERVICE_NAME": "greeter", "STAGE": "prod"}))
    result = handler(make_event(kind, path="/version"), None)
    assert result["statusCode"] == 200
    body = json.loads(result["body"])
    assert body["service_name"] == "greeter"
    assert body["stage"] == "prod"
    assert body["git_commit"] is None


def test_handler_without_context_sends_no_request_id(handler: Any, make_event: Any,
                                                     headers_of: Any) -> None:
    result = handler(make_event("http_api_v2"), None)
    assert result["statusCode"] == 200
    assert "x-request-id" not in headers_of(result)


@pytest.mark.parametrize(
    ("event", "detail"),
    [
        ({}, "but this event has no httpMethod and path."),
        ([1, 2], "a JSON object, but received list."),
        ("hello", "a JSON object, but received str."),
        ({"version": "2.0"}, "but this 2.0 event has no requestContext.http.method."),
    ],
    ids=["empty-invoke", "list", "string", "v2-without-context"],
)
def test_handler_rejects_non_http_event(
    handler: Any, event: Any, detail: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="greeting_core"):
        result = handler(event, None)
    assert result == {
        "statusCode": 400,
        "headers": {"Content-Type": TEXT, "X-Content-Type-Options": "nosniff",
                    "Cache-Control": "no-store"},
        "body": f"{BAD_EVENT}, {detail}",
        "isBase64Encoded": False,
    }
    assert [r.getMessage() for r in caplog.records] == [f"rejected event: {BAD_EVENT}, {detail}"]


def test_handler_rejects_invalid_base64_body(handler: Any, make_event: Any) -> None:
    event = make_event("http_api_v2", method="POST", body="Ada")
    event["body"] = "not base64!"
    event["isBase64Encoded"] = True
    result = handler(event, None)
    assert result["statusCode"] == 400
    assert result["body"] == "The event body is marked isBase64Encoded but is not valid base64."


def test_handler_ignores_warmup_event(handler: Any) -> None:
    assert handler({"source": "serverless-plugin-warmup"}, None) == {}


def test_handler_returns_500_for_unexpected_error(make_event: Any, lambda_context: Any,
                                                  headers_of: Any) -> None:
    app = create_app()

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("unexpected")

    result = make_lambda_handler(app)(make_event("rest_v1", path="/boom"), lambda_context)
    assert result["statusCode"] == 500
    assert result["body"] == (
        f"An unexpected error occurred. Quote request id {lambda_context.aws_request_id} "
        "when reporting it."
    )
    assert headers_of(result)["x-request-id"] == lambda_context.aws_request_id


@pytest.fixture
def redirect_handler() -> Any:
    """Return a handler for an app with a route that redirects to the greeting."""
    app = create_app()

    @app.get("/go")
    def go() -> Any:
        return redirect(url_for("greeting.greet_from_query"))

    return make_lambda_handler(app)


def test_rest_default_url_redirect_keeps_stage(redirect_handler: Any, make_event: Any,
                                               headers_of: Any) -> None:
    result = redirect_handler(make_event("rest_v1", path="/go"), None)
    assert result["statusCode"] == 302
    assert headers_of(result)["location"] == "/prod/"


def test_http_api_named_stage_reaches_routes(redirect_handler: Any, make_event: Any,
                                             headers_of: Any) -> None:
    event = make_event("http_api_v2", path="/prod/health")
    event["requestContext"]["stage"] = "prod"
    assert redirect_handler(event, None)["body"] == '{"status": "ok"}'

    event = make_event("http_api_v2", path="/prod/go")
    event["requestContext"]["stage"] = "prod"
    assert headers_of(redirect_handler(event, None))["location"] == "/prod/"


def test_http_api_named_stage_keeps_products(handler: Any, make_event: Any) -> None:
    event = make_event("http_api_v2", path="/products")
    event["requestContext"]["stage"] = "prod"
    result = handler(event, None)
    assert result["statusCode"] == 404
    assert result["body"] == "No resource exists at /products. Try / or /health."


@pytest.mark.parametrize("kind", ["rest_v1", "http_api_v2"])
def test_custom_domain_base_path_reaches_routes(
    redirect_handler: Any, make_event: Any, headers_of: Any, monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    monkeypatch.setenv("API_GATEWAY_BASE_PATH", "prod")

    def custom_domain_event(path: str) -> dict[str, Any]:
        event = make_event(kind, path=path, headers={"Host": "api.example.com"})
        event["requestContext"]["domainName"] = "api.example.com"
        return event

    assert redirect_handler(custom_domain_event("/prod/health"), None)["statusCode"] == 200
    result = redirect_handler(custom_domain_event("/prod/go"), None)
    assert headers_of(result)["location"] == "/prod/"
    result = redirect_handler(custom_domain_event("/products"), None)
    assert result["statusCode"] == 404
    assert result["body"] == "No resource exists at /products. Try / or /health."


@pytest.mark.parametrize("kind", ["alb", "function_url", "http_api_v2"])
def test_redirect_without_stage_has_no_prefix(redirect_handler: Any, make_event: Any,
                                              headers_of: Any, kind: str) -> None:
    result = redirect_handler(make_event(kind, path="/go"), None)
    assert headers_of(result)["location"] == "/"


def test_default_lambda_handler_greets(make_event: Any, monkeypatch: pytest.MonkeyPatch,
                                       package_logger: logging.Logger) -> None:
    monkeypatch.setattr(lambda_entry, "_default_handler", None)
    monkeypatch.setenv("GREETING_MAX_NAME_LENGTH", "3")
    event = make_event("rest_v1", method="POST", body="Adam")
    assert lambda_handler(event, None)["statusCode"] == 400
    built = lambda_entry._default_handler
    assert lambda_handler(make_event("alb", query=[("name", "Ada")]), None)["body"] == (
        "Hello Ada World!"
    )
    assert lambda_entry._default_handler is built


def test_configure_logging_writes_json_lines(
    handler: Any, make_event: Any, capsys: pytest.CaptureFixture[str],
    package_logger: logging.Logger,
) -> None:
    configure_logging("INFO")
    configure_logging("INFO")
    handler(make_event("rest_v1", query=[("name", "Ada")]), SimpleNamespace(aws_request_id="r-1"))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry == {
        "level": "INFO",
        "logger": "greeting_core.access_log",
        "message": "request handled",
        "method": "GET",
        "path": "/prod/",
        "status": 200,
        "duration_ms": entry["duration_ms"],
        "request_id": "r-1",
    }
    assert "Ada" not in lines[0]


def test_configure_logging_honours_level(
    handler: Any, make_event: Any, capsys: pytest.CaptureFixture[str],
    package_logger: logging.Logger,
) -> None:
    configure_logging("WARNING")
    handler(make_event("rest_v1"), None)
    assert capsys.readouterr().out == ""


def test_import_greet_does_not_import_flask() -> None:
    code = (
        "import sys\n"
        "from greeting_core import greet, __version__\n"
        "assert greet('Ada') == 'Hello Ada World!'\n"
        "assert 'flask' not in sys.modules, 'flask imported'\n"
        "assert 'serverless_wsgi' not in sys.modules, 'serverless_wsgi imported'\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr


PLAIN_HEADERS = {"Content-Type": TEXT, "X-Content-Type-Options": "nosniff",
                 "Cache-Control": "no-store"}

# Each row: id, event kind, (key path, value) changes, expected 400 sentence.
MALFORMED_EVENTS = [
    ("v2-base64-body-not-ascii", "http_api_v2", [(("body",), "é"), (("isBase64Encoded",), True)],
     "The event body is marked isBase64Encoded but is not valid base64."),
    ("v1-base64-body-not-ascii", "rest_v1", [(("body",), "é"), (("isBase64Encoded",), True)],
     "The event body is marked isBase64Encoded but is not valid base64."),
    ("base64-flag-is-string", "rest_v1", [(("body",), "QWRh"), (("isBase64Encoded",), "false")],
     f"{BAD_EVENT}, but its isBase64Encoded is not true or false."),
    ("cookies-string", "http_api_v2", [(("cookies",), "a=b")],
     f"{BAD_EVENT}, but its cookies is not a list of strings."),
    ("cookies-number", "http_api_v2", [(("cookies",), [1])],
     f"{BAD_EVENT}, but its cookies is not a list of strings."),
    ("cookie-line-break", "http_api_v2", [(("cookies",), ["a=b\nX-Injected: 1"])],
     "Cookie values must not contain line breaks."),
    ("raw-query-string-number", "http_api_v2", [(("rawQueryString",), 5)],
     f"{BAD_EVENT}, but its rawQueryString is not a string."),
    ("v2-authorizer-string", "http_api_v2", [(("requestContext", "authorizer"), "x")],
     f"{BAD_EVENT}, but its requestContext.authorizer is not an object."),
    ("v1-identity-string", "rest_v1", [(("requestContext", "identity"), "x")],
     f"{BAD_EVENT}, but its requestContext.identity is not an object."),
    ("v1-authorizer-string", "rest_v1", [(("requestContext", "authorizer"), "x")],
     f"{BAD_EVENT}, but its requestContext.authorizer is not an object."),
    ("query-parameters-string", "rest_v1", [(("queryStringParameters",), "name=Ada")],
     f"{BAD_EVENT}, but its queryStringParameters is not an object of strings."),
    ("query-parameters-list", "rest_v1", [(("queryStringParameters",), ["name", "Ada"])],
     f"{BAD_EVENT}, but its queryStringParameters is not an object of strings."),
    ("query-parameter-null", "rest_v1", [(("queryStringParameters",), {"name": None})],
     f"{BAD_EVENT}, but its queryStringParameters is not an object of strings."),
    ("alb-query-parameter-number", "alb", [(("queryStringParameters",), {"name": 5})],
     f"{BAD_EVENT}, but its queryStringParameters is not an object of strings."),
    ("multi-value-query-numbers", "rest_v1",
     [(("multiValueQueryStringParameters",), {"name": [1, 2]})],
     f"{BAD_EVENT}, but its multiValueQueryStringParameters is not an object of string lists."),
    ("v2-body-lone-surrogate", "http_api_v2", [(("body",), "A\ud800")],
     "The event field body contains the lone surrogate U+D800, which is not valid Unicode text."),
    ("v1-body-lone-surrogate", "rest_v1", [(("body",), "A\udc80")],
     "The event field body contains the lone surrogate U+DC80, which is not valid Unicode text."),
    ("raw-path-lone-surrogate", "http_api_v2", [(("rawPath",), "/\ud800")],
     "The event field rawPath contains the lone surrogate U+D800, which is not valid Unicode text."),
    ("method-lone-surrogate", "http_api_v2", [(("requestContext", "http", "method"), "G\ud800")],
     ("The event field requestContext contains the lone surrogate U+D800, "
     "which is not valid Unicode text.")),
    ("query-lone-surrogate", "rest_v1", [(("queryStringParameters",), {"name": "\ud800"})],
     ("The event field queryStringParameters contains the lone surrogate U+D800, "
     "which is not valid Unicode text.")),
]


def _changed_event(make_event: Any, kind: str, changes: list[tuple[tuple[str, ...], Any]],
                   method: str = "POST") -> dict[str, Any]:
    event = make_event(kind, method=method)
    for path, value in changes:
        target = event
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return event


@pytest.mark.parametrize(("kind", "changes", "detail"), [row[1:] for row in MALFORMED_EVENTS],
                         ids=[row[0] for row in MALFORMED_EVENTS])
def test_handler_rejects_malformed_event_with_400(
    handler: Any, make_event: Any, caplog: pytest.LogCaptureFixture,
    kind: str, changes: list[tuple[tuple[str, ...], Any]], detail: str,
) -> None:
    event = _changed_event(make_event, kind, changes)
    with caplog.at_level(logging.WARNING, logger="greeting_core"):
        result = handler(event, None)
    expected: dict[str, Any] = {"statusCode": 400, "body": detail, "isBase64Encoded": False}
    if event.get("multiValueHeaders"):
        expected["multiValueHeaders"] = {key: [value] for key, value in PLAIN_HEADERS.items()}
    else:
        expected["headers"] = PLAIN_HEADERS
    if kind == "alb":
        expected["statusDescription"] = "400 Bad Request"
    assert result == expected
    assert [r.getMessage() for r in caplog.records] == [f"rejected event: {detail}"]


def test_rejected_alb_multi_value_event_answers_in_multi_value_shape(
    handler: Any, make_event: Any
) -> None:
    event = make_event("alb_multi_value", method="POST")
    event["body"] = "é"
    event["isBase64Encoded"] = True
    assert handler(event, None) == {
        "statusCode": 400,
        "statusDescription": "400 Bad Request",
        "multiValueHeaders": {"Content-Type": [TEXT], "X-Content-Type-Options": ["nosniff"],
                              "Cache-Control": ["no-store"]},
        "body": "The event body is marked isBase64Encoded but is not valid base64.",
        "isBase64Encoded": False,
    }


# Each row: id, event kind, (key path, value) changes that stand for a missing part.
ABSENT_PARTS = [
    ("v2-null-body-marked-base64", "http_api_v2",
     [(("body",), None), (("isBase64Encoded",), True)]),
    ("v2-null-cookies", "http_api_v2", [(("cookies",), None)]),
    ("v2-null-raw-query-string", "http_api_v2", [(("rawQueryString",), None)]),
    ("v2-null-authorizer", "http_api_v2", [(("requestContext", "authorizer"), None)]),
    ("v1-null-identity", "rest_v1", [(("requestContext", "identity"), None)]),
    ("v1-null-authorizer", "rest_v1", [(("requestContext", "authorizer"), None)]),
    ("v1-request-path-without-base64-flag", "rest_v1",
     [(("requestPath",), "/"), (("isBase64Encoded",), None)]),
    ("function-url-null-cookies", "function_url", [(("cookies",), None)]),
]


@pytest.mark.parametrize(("kind", "changes"), [row[1:] for row in ABSENT_PARTS],
                         ids=[row[0] for row in ABSENT_PARTS])
def test_handler_treats_null_parts_as_absent(
    handler: Any, make_event: Any, kind: str, changes: list[tuple[tuple[str, ...], Any]]
) -> None:
    result = handler(_changed_event(make_event, kind, changes), None)
    assert result["statusCode"] == 200
    assert result["body"] == "Hello World!"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("body", "content_type", "status", "expected"),
    [
        ("Ada", "application/x-www-form-urlencoded", 200, "Hello Ada World!"),
        ('{"name": "Ada"}', JSON, 200, "Hello Ada World!"),
        ("x" * 8193, "text/plain", 413,
         "The request body has 8193 bytes, but at most 8192 are allowed."),
    ],
    ids=["form", "json", "too-large"],
)
def test_handler_reads_body_of_chunked_request(
    handler: Any, make_event: Any, kind: str, body: str, content_type: str, status: int,
    expected: str,
) -> None:
    # API Gateway and the ALB pass Transfer-Encoding on with a body they
    # already de-chunked.
    event = make_event(kind, method="POST", body=body,
                       headers={"Transfer-Encoding": "chunked", "Content-Type": content_type})
    result = handler(event, None)
    assert (result["statusCode"], result["body"]) == (status, expected)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("alb", "Ada%20L", "Hello Ada L World!"),
        ("alb", "Ada+L", "Hello Ada L World!"),
        ("alb", "a%26b%3Dc", "Hello a&b=c World!"),
        ("alb", "Zo%C3%AB", "Hello Zoë World!"),
        ("alb_multi_value", "Ada%20L", "Hello Ada L World!"),
        ("alb_multi_value", "Zo%C3%AB", "Hello Zoë World!"),
    ],
    ids=["alb-space", "alb-plus", "alb-encoded-separators", "alb-utf8", "alb-mv-space",
         "alb-mv-utf8"],
)
def test_alb_query_is_decoded_once(handler: Any, make_event: Any, kind: str, value: str,
                                   expected: str) -> None:
    event = make_event(kind)
    if kind == "alb":
        event["queryStringParameters"] = {"name": value}
    else:
        event["multiValueQueryStringParameters"] = {"name": [value]}
    assert handler(event, None)["body"] == expected


# A REST API passes decoded query parameters, so it has no row here.
@pytest.mark.parametrize("kind", ["http_api_v2", "function_url", "alb", "alb_multi_value"])
@pytest.mark.parametrize("accept", ["text/plain", JSON], ids=["text", "json"])
def test_query_with_invalid_utf8_returns_400(handler: Any, make_event: Any, headers_of: Any,
                                             kind: str, accept: str) -> None:
    event = make_event(kind, headers={"Accept": accept})
    if kind in ("http_api_v2", "function_url"):
        event["rawQueryString"] = "name=%ff"
    elif kind == "alb":
        event["queryStringParameters"] = {"name": "%ff"}
    else:
        event["multiValueQueryStringParameters"] = {"name": ["%ff"]}
    result = handler(event, None)
    assert result["statusCode"] == 400
    detail = "The query string is not valid UTF-8."
    if accept == JSON:
        assert headers_of(result)["content-type"] == PROBLEM
        assert json.loads(result["body"])["detail"] == detail
    else:
        assert result["body"] == detail


def test_unknown_path_with_line_break_gives_one_line_404(handler: Any, make_event: Any) -> None:
    result = handler(make_event("http_api_v2", path="/a%0Ab"), None)
    assert result["statusCode"] == 404
    assert result["body"] == "No resource exists at /a%0Ab. Try / or /health."


def test_access_log_path_keeps_non_ascii_text(
    handler: Any, make_event: Any, capsys: pytest.CaptureFixture[str],
    package_logger: logging.Logger,
) -> None:
    configure_logging("INFO")
    handler(make_event("http_api_v2", path="/%C3%A4"), None)
    entry = json.loads(capsys.readouterr().out.splitlines()[0])
    assert entry["path"] == "/ä"


def test_adapter_failure_returns_500_response_not_error(
    handler: Any, make_event: Any, lambda_context: SimpleNamespace,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    def failing_handle_request(*args: Any) -> dict[str, Any]:
        raise RuntimeError("adapter broke")

    monkeypatch.setattr(lambda_entry.serverless_wsgi, "handle_request", failing_handle_request)
    with caplog.at_level(logging.ERROR, logger="greeting_core"):
        result = handler(make_event("http_api_v2"), lambda_context)
    assert result == {
        "statusCode": 500,
        "headers": PLAIN_HEADERS,
        "body": (f"An unexpected error occurred. Quote request id {lambda_context.aws_request_id} "
                 "when reporting it."),
        "isBase64Encoded": False,
    }
    assert caplog.records[0].exc_info is not None
