"""Tests for the routes through the Flask test client."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from greeting_core import __version__

TEXT = "text/plain; charset=utf-8"


def test_get_root_greets_world(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.content_type == TEXT
    assert response.get_data(as_text=True) == "Hello World!"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?name=Ada", "Hello Ada World!"),
        ("?name=Ada&name=Bob", "Hello Ada World!"),
        ("?name=%20Ada%20", "Hello Ada World!"),
        ("?name=", "Hello World!"),
        ("?name=Zo%C3%AB", "Hello Zoë World!"),
        ("?other=1", "Hello World!"),
        ("?name=Ada+Lovelace", "Hello Ada Lovelace World!"),
    ],
    ids=["name", "repeated-key-uses-first", "padded", "empty", "utf8", "other-key", "plus-is-space"],
)
def test_get_query_name_greets(client: FlaskClient, query: str, expected: str) -> None:
    response = client.get("/" + query)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == expected


def test_head_root_has_no_body(client: FlaskClient) -> None:
    response = client.head("/?name=Ada")
    assert response.status_code == 200
    assert response.content_type == TEXT
    assert response.headers["Content-Length"] == str(len("Hello Ada World!"))
    assert response.get_data() == b""


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"Ada", "application/x-www-form-urlencoded", "Hello Ada World!"),
        (b"Ada", "text/plain", "Hello Ada World!"),
        (b"Ada", None, "Hello Ada World!"),
        (b"  Ada\n", "text/plain", "Hello Ada World!"),
        (b"", "text/plain", "Hello World!"),
        (b"name=Ada", "application/x-www-form-urlencoded", "Hello name=Ada World!"),
        ("Zoë".encode(), "text/plain; charset=utf-8", "Hello Zoë World!"),
        (b'{"name": "Ada"}', "application/json", "Hello Ada World!"),
        (b'{"name": " Ada "}', "application/json; charset=utf-8", "Hello Ada World!"),
        (b"{}", "application/json", "Hello World!"),
        (b"", "application/json", "Hello World!"),
        (b'{"name": "Ada"}', "text/plain", 'Hello {"name": "Ada"} World!'),
        (b'\xef\xbb\xbf{"name": "Ada"}', "application/json", "Hello Ada World!"),
        (b"\xef\xbb\xbfAda", "text/plain", "Hello Ada World!"),
    ],
    ids=["form-encoded", "text", "no-content-type", "padded", "empty", "form-pair-is-literal",
         "utf8", "json-object", "json-padded", "json-without-name", "json-empty-body",
         "json-text-sent-as-text", "json-with-byte-order-mark", "text-with-byte-order-mark"],
)
def test_post_body_greets(
    client: FlaskClient, body: bytes, content_type: str | None, expected: str
) -> None:
    response = client.post("/", data=body, content_type=content_type)
    assert response.status_code == 200
    assert response.content_type == TEXT
    assert response.get_data(as_text=True) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        (b"\xff\xfe", "text/plain", 400,
         "The request body is not valid UTF-8 (invalid byte at position 0)."),
        (b"x" * 101, "text/plain", 400, "The name has 101 characters, but at most 100 are allowed."),
        (b"x" * 8193, "text/plain", 413,
         "The request body has 8193 bytes, but at most 8192 are allowed."),
        (b"A\x01da", "text/plain", 400,
         "The name contains the control character U+0001, but only printable characters are allowed."),
        (b"{", "application/json", 400, "The request body is not valid JSON."),
        (b"[1]", "application/json", 400,
         'A JSON request body must be an object such as {"name": "Ada"}.'),
        (b'"Ada"', "application/json", 400,
         'A JSON request body must be an object such as {"name": "Ada"}.'),
        (b'{"name": 5}', "application/json", 400, 'The JSON field "name" must be a string.'),
        (b'{"name": null}', "application/json", 400, 'The JSON field "name" must be a string.'),
        (b"[" * 100000, "application/json", 413,
         "The request body has 100000 bytes, but at most 8192 are allowed."),
        (b'{"name": "\\ud800"}', "application/json", 400,
         "The name contains the lone surrogate U+D800, which is not valid Unicode text."),
        (b"\xef\xbb\xbfA\xff", "text/plain", 400,
         "The request body is not valid UTF-8 (invalid byte at position 4)."),
        (b'{"name": "\\u200b"}', "application/json", 400,
         ("The name contains only invisible format characters such as U+200B, "
         "but it needs at least one visible character.")),
        ("A\u202eB".encode(), "text/plain", 400,
         ("The name contains the bidirectional control character U+202E, "
         "but characters that reorder text are not allowed.")),
    ],
    ids=["invalid-utf8", "name-too-long", "body-too-large", "control-character",
         "malformed-json", "json-array", "json-string", "json-name-number", "json-name-null",
         "deep-json-too-large", "json-lone-surrogate", "invalid-utf8-after-byte-order-mark",
         "zero-width-only", "bidi-override"],
)
def test_post_bad_input_returns_client_error(
    client: FlaskClient, body: bytes, content_type: str, status: int, detail: str
) -> None:
    response = client.post("/", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.content_type == TEXT
    assert response.get_data(as_text=True) == detail


def test_post_deeply_nested_json_returns_400(client: FlaskClient) -> None:
    app = client.application
    app.config["MAX_BODY_BYTES"] = 200000
    response = client.post("/", data=b"[" * 100000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "The request body is not valid JSON."


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("?name=" + "x" * 101, "The name has 101 characters, but at most 100 are allowed."),
        ("?name=A%00da", ("The name contains the control character U+0000, "
                          "but only printable characters are allowed.")),
        ("?name=%FF", "The query string is not valid UTF-8."),
    ],
    ids=["too-long", "control-character", "invalid-utf8"],
)
def test_get_bad_query_returns_400(client: FlaskClient, query: str, detail: str) -> None:
    response = client.get("/" + query)
    assert response.status_code == 400
    assert response.get_data(as_text=True) == detail


def test_max_name_length_setting_applies() -> None:
    from greeting_core import create_app

    client = create_app({"MAX_NAME_LENGTH": 3}).test_client()
    assert client.post("/", data=b"Ada").status_code == 200
    response = client.post("/", data=b"Adam")
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "The name has 4 characters, but at most 3 are allowed."


def test_max_body_bytes_setting_applies() -> None:
    from greeting_core import create_app

    client = create_app({"MAX_BODY_BYTES": 4}).test_client()
    assert client.post("/", data=b"Adam").status_code == 200
    response = client.post("/", data=b"Adams")
    assert response.status_code == 413
    assert response.get_data(as_text=True) == (
        "The request body has 5 bytes, but at most 4 are allowed."
    )


@pytest.mark.parametrize(
    ("accept", "json_expected"),
    [
        (None, False),
        ("*/*", False),
        ("text/plain", False),
        ("text/*", False),
        ("application/*", True),
        ("application/json", True),
        ("application/json, text/plain;q=0.5", True),
        ("text/plain, application/json;q=0.5", False),
        ("application/problem+json", True),
        ("image/png", False),
    ],
    ids=["none", "any", "text", "any-text", "any-application", "json", "json-preferred", "text-preferred", "problem-json",
         "unsupported-falls-back-to-text"],
)
def test_greeting_negotiates_content_type(
    client: FlaskClient, accept: str | None, json_expected: bool
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/?name=Ada", headers=headers)
    assert response.status_code == 200
    if json_expected:
        assert response.content_type == "application/json"
        assert response.get_json() == {"message": "Hello Ada World!"}
    else:
        assert response.content_type == TEXT
        assert response.get_data(as_text=True) == "Hello Ada World!"


def test_error_as_problem_json_when_json_preferred(client: FlaskClient) -> None:
    response = client.post(
        "/", data=b"\xff", content_type="text/plain", headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert json.loads(response.get_data()) == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "The request body is not valid UTF-8 (invalid byte at position 0).",
    }


def test_unknown_path_returns_404(client: FlaskClient) -> None:
    response = client.get("/missing")
    assert response.status_code == 404
    assert response.content_type == TEXT
    assert response.get_data(as_text=True) == "No resource exists at /missing. Try / or /health."


@pytest.mark.parametrize(
    ("path", "shown"),
    [("/a%0Ab", "/a%0Ab"), ("/a%09b%7F", "/a%09b%7F"), ("/caf%C3%A9%E2%80%8B", "/café%E2%80%8B")],
    ids=["line-feed", "tab-and-delete", "zero-width-space-after-text"],
)
def test_unknown_path_message_percent_encodes_unprintable_characters(
    client: FlaskClient, path: str, shown: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_data(as_text=True) == f"No resource exists at {shown}. Try / or /health."


def test_405_message_percent_encodes_unprintable_path(app: Flask) -> None:
    @app.get("/a\nb", provide_automatic_options=False)
    def line_break_route() -> str:
        return "reached"

    response = app.test_client().put("/a%0Ab")
    assert response.status_code == 405
    assert response.get_data(as_text=True) == "Method PUT is not allowed on /a%0Ab. Use GET, HEAD."


def test_unknown_path_returns_problem_json(client: FlaskClient) -> None:
    response = client.get("/missing", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No resource exists at /missing. Try / or /health.",
    }


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_method_on_root_returns_405(client: FlaskClient, method: str) -> None:
    response = client.open("/", method=method)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"
    assert response.content_type == TEXT
    assert response.get_data(as_text=True) == (
        f"Method {method} is not allowed on /. Use GET, HEAD, POST."
    )


def test_405_negotiates_problem_json(client: FlaskClient) -> None:
    response = client.put("/", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"
    assert response.get_json()["status"] == 405


def test_health_returns_ok(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.get_json() == {"status": "ok"}


def test_version_reports_unset_fields_as_null(client: FlaskClient) -> None:
    response = client.get("/version")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    assert response.get_json() == {
        "library": "greeting-core",
        "library_version": __version__,
        "service_name": None,
        "service_version": None,
        "git_commit": None,
        "stage": None,
    }


def test_version_reports_deployment_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    from greeting_core import create_app

    monkeypatch.setenv("GREETING_SERVICE_NAME", "greeter")
    monkeypatch.setenv("GREETING_SERVICE_VERSION", "2.1.0")
    monkeypatch.setenv("GREETING_GIT_COMMIT", "1234567")
    monkeypatch.setenv("GREETING_STAGE", "prod")
    response = create_app().test_client().get("/version")
    assert response.get_json() == {
        "library": "greeting-core",
        "library_version": __version__,
        "service_name": "greeter",
        "service_version": "2.1.0",
        "git_commit": "1234567",
        "stage": "prod",
    }
