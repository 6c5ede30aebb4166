"""Routes: the greeting, the health check and the version report."""

from __future__ import annotations

import json
from codecs import BOM_UTF8
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, request

from greeting_core.__about__ import __version__
from greeting_core.errors import BadRequestError, PayloadTooLargeError
from greeting_core.greeting import greet, validate_name
from greeting_core.negotiation import json_response, message_response

blueprint = Blueprint("greeting", __name__)


def _query_name() -> str | None:
    try:
        query = request.query_string.decode("utf-8")
        pairs = parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequestError("The query string is not valid UTF-8.") from None
    for key, value in pairs:
        if key == "name":
            return value
    return None


def _read_body(max_bytes: int) -> bytes:
    if request.content_length is not None and request.content_length > max_bytes:
        raise PayloadTooLargeError(
            f"The request body has {request.content_length} bytes, "
            f"but at most {max_bytes} are allowed."
        )
    # Reading one byte past the limit catches bodies sent without Content-Length.
    body = request.stream.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise PayloadTooLargeError(
            f"The request body is larger than the limit of {max_bytes} bytes."
        )
    return body


def _decode_utf8(body: bytes) -> str:
    # A leading byte order mark is not part of the text (RFC 8259 lets JSON
    # parsers ignore it), so it neither breaks JSON nor enters the name.
    offset = len(BOM_UTF8) if body.startswith(BOM_UTF8) else 0
    try:
        return body[offset:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequestError(
            "The request body is not valid UTF-8 "
            f"(invalid byte at position {offset + error.start})."
        ) from None


def _name_from_json(text: str) -> str | None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequestError("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise BadRequestError(
            'A JSON request body must be an object such as {"name": "Ada"}.'
        )
    if "name" not in document:
        return None
    name = document["name"]
    if not isinstance(name, str):
        raise BadRequestError('The JSON field "name" must be a string.')
    return name


def _body_name() -> str | None:
    body = _read_body(current_app.config["MAX_BODY_BYTES"])
    text = _decode_utf8(body)
    # Only JSON is parsed. Form-encoded and other bodies are the name itself,
    # so `curl -d Ada` greets Ada.
    if request.mimetype == "application/json" and text.strip():
        return _name_from_json(text)
    return text


def _greeting_response(name: str | None) -> Response:
    if name is not None:
        name = validate_name(name, current_app.config["MAX_NAME_LENGTH"])
    return message_response(request, greet(name))


@blueprint.get("/", provide_automatic_options=False)
def greet_from_query() -> Response:
    """Greet the ``name`` query parameter, or the world."""
    return _greeting_response(_query_name())


@blueprint.post("/", provide_automatic_options=False)
def greet_from_body() -> Response:
    """Greet the name in the request body, or the world."""
    return _greeting_response(_body_name())


@blueprint.get("/health", provide_automatic_options=False)
def health() -> Response:
    """Report that the process serves requests; calls nothing external."""
    return json_response({"status": "ok"})


@blueprint.get("/version", provide_automatic_options=False)
def version() -> Response:
    """Report the library version and the deployment's identity."""
    config = current_app.config
    return json_response(
        {
            "library": "greeting-core",
            "library_version": __version__,
            "service_name": config["SERVICE_NAME"],
            "service_version": config["SERVICE_VERSION"],
            "git_commit": config["GIT_COMMIT"],
            "stage": config["STAGE"],
        }
    )
