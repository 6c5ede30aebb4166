"""The handler module serves greeting_core through API Gateway events."""

import base64
import json

import handler


def decode_body(response: dict) -> str:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        return base64.b64decode(body).decode()
    return body


def test_get_root_greets_world(make_event, context):
    response = handler.lambda_handler(make_event("GET", "/"), context)

    assert response["statusCode"] == 200
    assert decode_body(response) == "Hello World!"


def test_post_name_greets_name(make_event, context):
    event = make_event("POST", "/", b"Ada", {"content-type": "text/plain"})

    response = handler.lambda_handler(event, context)

    assert response["statusCode"] == 200
    assert decode_body(response) == "Hello Ada World!"


def test_post_invalid_utf8_returns_400(make_event, context):
    event = make_event("POST", "/", b"\xff\xfe", {"content-type": "text/plain"})

    response = handler.lambda_handler(event, context)

    assert response["statusCode"] == 400


def test_health_returns_ok(make_event, context):
    response = handler.lambda_handler(make_event("GET", "/health"), context)

    assert response["statusCode"] == 200
    assert json.loads(decode_body(response)) == {"status": "ok"}


def test_version_reports_deployment(make_event, context):
    response = handler.lambda_handler(make_event("GET", "/version"), context)

    assert response["statusCode"] == 200
    assert set(json.loads(decode_body(response))) >= {"service_name", "service_version", "git_commit", "stage"}


def test_unknown_path_returns_404(make_event, context):
    response = handler.lambda_handler(make_event("GET", "/missing"), context)

    assert response["statusCode"] == 404
