"""Tests for the access log middleware and the JSON line formatter."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from greeting_core.access_log import JsonLineFormatter


def _access_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "greeting_core.access_log"]


def test_one_access_record_per_request(
    client: FlaskClient, lambda_context: SimpleNamespace, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="greeting_core"):
        client.post("/?name=Grace", data=b"Ada", environ_base={"serverless.context": lambda_context})
    records = _access_records(caplog)
    assert len(records) == 1
    fields = records[0].fields  # type: ignore[attr-defined]
    assert set(fields) == {"method", "path", "status", "duration_ms", "request_id"}
    assert fields["method"] == "POST"
    assert fields["path"] == "/"
    assert fields["status"] == 200
    assert isinstance(fields["duration_ms"], float)
    assert fields["duration_ms"] >= 0
    assert fields["request_id"] == lambda_context.aws_request_id


def test_access_record_never_contains_name(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="greeting_core"):
        client.post("/?name=Grace", data=b"Ada")
        client.post("/", data=b"\xffAda")
    formatter = JsonLineFormatter()
    for record in caplog.records:
        line = formatter.format(record)
        assert "Ada" not in line
        assert "Grace" not in line


def test_access_record_status_for_error(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="greeting_core"):
        client.get("/missing")
    assert _access_records(caplog)[0].fields["status"] == 404  # type: ignore[attr-defined]


def test_formatter_writes_fields_as_json() -> None:
    record = logging.LogRecord("greeting_core.access_log", logging.INFO, __file__, 1,
                               "request handled", None, None)
    record.fields = {"method": "GET", "status": 200}
    assert json.loads(JsonLineFormatter().format(record)) == {
        "level": "INFO",
        "logger": "greeting_core.access_log",
        "message": "request handled",
        "method": "GET",
        "status": 200,
    }


def test_formatter_includes_traceback() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        import sys

        record = logging.LogRecord("greeting_core.app", logging.ERROR, __file__, 1,
                                   "unhandled error", None, sys.exc_info())
    entry = json.loads(JsonLineFormatter().format(record))
    assert entry["level"] == "ERROR"
    assert "Traceback" in entry["exception"]
    assert "ValueError: broken" in entry["exception"]


@pytest.mark.parametrize(
    ("path", "logged"),
    [("/caf%C3%A9", "/café"), ("/%C3%A4/%E2%9C%93", "/ä/✓"), ("/%FF", "/\ufffd")],
    ids=["latin", "two-segments", "invalid-utf8-replaced"],
)
def test_access_record_path_is_decoded_text(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, path: str, logged: str
) -> None:
    with caplog.at_level(logging.INFO, logger="greeting_core"):
        client.get(path)
    assert _access_records(caplog)[0].fields["path"] == logged  # type: ignore[attr-defined]
