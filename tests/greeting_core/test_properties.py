"""Property tests: arbitrary client input through the Lambda handler never yields a 5xx."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from greeting_core import create_app
from greeting_core.lambda_entry import make_lambda_handler

EVENTS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "events"
KINDS = ["rest_v1", "http_api_v2", "function_url", "alb", "alb_multi_value"]
EVENTS = {kind: json.loads((EVENTS_DIR / f"{kind}.json").read_text("utf-8")) for kind in KINDS}

# Built once: hypothesis rejects function-scoped fixtures in @given tests.
HANDLER = make_lambda_handler(create_app())

header_names = st.sampled_from(
    ["Accept", "Content-Type", "Host", "X-Forwarded-Proto", "X-Forwarded-Port", "Cookie",
     "Accept-Charset", "Content-Encoding", "X-Custom"]
)
header_values = st.text(max_size=60)
query_text = st.text(max_size=40)


def _event(kind: str, method: str, body: bytes, headers: dict[str, str],
           query: list[tuple[str, str]], raw_query: str) -> dict[str, Any]:
    event = copy.deepcopy(EVENTS[kind])
    encoded_body = base64.b64encode(body).decode("ascii")
    if event.get("version") == "2.0":
        event["requestContext"]["http"]["method"] = method
        event["rawQueryString"] = raw_query
        event["headers"].update({name.lower(): value for name, value in headers.items()})
    else:
        event["httpMethod"] = method
        multi: dict[str, list[str]] = {}
        for key, value in query:
            multi.setdefault(key, []).append(value)
        if "multiValueHeaders" in event:
            event["multiValueHeaders"].update({k: [v] for k, v in headers.items()})
            event["multiValueQueryStringParameters"] = multi
        if "headers" in event:
            event["headers"].update(headers)
            event["queryStringParameters"] = {k: v[-1] for k, v in multi.items()}
    event["body"] = encoded_body
    event["isBase64Encoded"] = True
    return event


def _assert_no_server_error(result: dict[str, Any]) -> None:
    assert result["statusCode"] < 500, result
    if "body" in result:
        assert result["isBase64Encoded"] is False, result


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(KINDS), method=st.sampled_from(["GET", "POST", "HEAD"]),
       body=st.binary(max_size=300))
def test_arbitrary_body_never_5xx(kind: str, method: str, body: bytes) -> None:
    for content_type in ("text/plain", "application/json"):
        event = _event(kind, method, body, {"Content-Type": content_type}, [], "")
        _assert_no_server_error(HANDLER(event, None))


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(KINDS), headers=st.dictionaries(header_names, header_values, max_size=4),
       body=st.binary(max_size=40))
def test_arbitrary_headers_never_5xx(kind: str, headers: dict[str, str], body: bytes) -> None:
    _assert_no_server_error(HANDLER(_event(kind, "POST", body, headers, [], ""), None))


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(KINDS), query=st.lists(st.tuples(query_text, query_text), max_size=4),
       raw_query=st.text(max_size=60))
def test_arbitrary_query_never_5xx(kind: str, query: list[tuple[str, str]], raw_query: str) -> None:
    event = _event(kind, "GET", b"", {}, query, raw_query)
    _assert_no_server_error(HANDLER(event, None))


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), name=query_text)
def test_query_name_greets_or_rejects(kind: str, name: str) -> None:
    event = _event(kind, "GET", b"", {}, [("name", name)], "")
    if event.get("version") == "2.0":
        from urllib.parse import urlencode

        event["rawQueryString"] = urlencode({"name": name})
    result = HANDLER(event, None)
    _assert_no_server_error(result)
    if result["statusCode"] == 200 and not kind.startswith("alb"):
        assert result["body"].startswith("Hello ")


# Fields that serverless-wsgi or this library reads, as key paths into an event.
EVENT_FIELDS = [
    ("body",), ("isBase64Encoded",), ("headers",), ("headers", "host"),
    ("headers", "content-type"), ("headers", "transfer-encoding"), ("multiValueHeaders",),
    ("queryStringParameters",), ("queryStringParameters", "name"),
    ("multiValueQueryStringParameters",), ("multiValueQueryStringParameters", "name"),
    ("query",), ("rawQueryString",), ("rawPath",), ("path",), ("httpMethod",), ("cookies",),
    ("version",), ("requestPath",), ("requestContext",), ("requestContext", "http"),
    ("requestContext", "http", "method"), ("requestContext", "http", "sourceIp"),
    ("requestContext", "identity"), ("requestContext", "identity", "sourceIp"),
    ("requestContext", "authorizer"), ("requestContext", "stage"),
    ("requestContext", "domainName"), ("requestContext", "elb"),
]
# Text includes lone surrogates, which a JSON event can carry as "\ud800" escapes.
any_text = st.text(st.characters(exclude_categories=()), max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | any_text,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(["name", "a", "principalId", "method"]) | any_text,
                      children, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS),
       changes=st.lists(st.tuples(st.sampled_from(EVENT_FIELDS), json_values),
                        min_size=1, max_size=3))
def test_malformed_event_never_raises_or_5xx(
    kind: str, changes: list[tuple[tuple[str, ...], Any]]
) -> None:
    event = copy.deepcopy(EVENTS[kind])
    for path, value in changes:
        target = event
        for key in path[:-1]:
            target = target.get(key) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target[path[-1]] = value
    _assert_no_server_error(HANDLER(event, None))
