"""Tests for the app factory: standard headers and unexpected errors."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from greeting_core import create_app


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("POST", "/"), ("GET", "/health"), ("GET", "/version"), ("GET", "/missing"),
     ("PUT", "/")],
    ids=["greeting", "post", "health", "version", "not-found", "method-not-allowed"],
)
def test_every_response_has_standard_headers(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "X-Request-Id" not in response.headers


def test_standard_headers_replace_view_values(lambda_context: SimpleNamespace) -> None:
    app = create_app({"TESTING": True})

    @app.get("/cached")
    def cached() -> tuple[str, dict[str, str]]:
        return "cached", {"Cache-Control": "max-age=60", "X-Request-Id": "from-view"}

    response = app.test_client().get("/cached", environ_base={"serverless.context": lambda_context})
    assert response.headers.getlist("Cache-Control") == ["no-store"]
    assert response.headers.getlist("X-Request-Id") == [lambda_context.aws_request_id]


def test_request_id_header_from_lambda_context(client: FlaskClient, lambda_context: SimpleNamespace) -> None:
    response = client.get("/", environ_base={"serverless.context": lambda_context})
    assert response.headers["X-Request-Id"] == lambda_context.aws_request_id


def test_request_id_with_newline_is_dropped(client: FlaskClient) -> None:
    context = {"aws_request_id": "abc\r\nSet-Cookie: x=1"}
    response = client.get("/", environ_base={"serverless.context": context})
    assert "X-Request-Id" not in response.headers


@pytest.fixture
def failing_app() -> Flask:
    """Create the app with a route that raises an unexpected error."""
    app = create_app({"TESTING": True})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("database password is hunter2")

    return app


def test_unexpected_error_returns_generic_500(
    failing_app: Flask, lambda_context: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="greeting_core"):
        response = failing_app.test_client().get(
            "/boom", environ_base={"serverless.context": lambda_context}
        )
    assert response.status_code == 500
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.get_data(as_text=True) == (
        f"An unexpected error occurred. Quote request id {lambda_context.aws_request_id} "
        "when reporting it."
    )
    assert response.headers["X-Request-Id"] == lambda_context.aws_request_id
    assert "hunter2" not in response.get_data(as_text=True)
    errors = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert errors[0].exc_info[0] is RuntimeError


def test_unexpected_error_as_problem_json(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "An unexpected error occurred. Quote request id none when reporting it.",
    }
