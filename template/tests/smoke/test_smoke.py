"""Checks that a running deployment answers over HTTP.

The unit tests cover invalid UTF-8 bodies: serverless-offline 14 decodes a
request body as UTF-8 with replacement characters before the handler sees it,
so that case cannot be checked through it.
"""

import json
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 15


def send(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_get_root_greets_world(base_url):
    status, body = send("GET", f"{base_url}/")

    assert status == 200
    assert body == b"Hello World!"


def test_post_name_greets_name(base_url):
    status, body = send("POST", f"{base_url}/", b"Ada")

    assert status == 200
    assert body == b"Hello Ada World!"


def test_health_returns_ok(base_url):
    status, body = send("GET", f"{base_url}/health")

    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_version_names_service(base_url):
    status, body = send("GET", f"{base_url}/version")

    assert status == 200
    assert json.loads(body)["service_name"] == "{{ cookiecutter.project_slug }}"
