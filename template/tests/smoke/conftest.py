"""Settings for the smoke tests, which send real HTTP requests to BASE_URL."""

import os

import pytest


@pytest.fixture(scope="session")
def base_url() -> str:
    """Return the deployed base URL, without a trailing slash."""
    url = os.environ.get("BASE_URL", "").rstrip("/")
    if not url.startswith(("http://", "https://")):
        pytest.fail(f"BASE_URL {url!r} is not an http(s) URL; run 'make smoke BASE_URL=https://...'.")
    return url
