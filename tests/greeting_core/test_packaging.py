"""Build the sdist and wheel, install the wheel in a fresh venv and serve events from it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from greeting_core import __version__

ROOT = Path(__file__).resolve().parents[2]
EVENTS_DIR = ROOT / "tests" / "fixtures" / "events"
SOURCE_FILES = ["setup.cfg", "pyproject.toml", "MANIFEST.in", "docs/library.md"]
MODULES = [
    "__about__", "__init__", "access_log", "app", "config", "errors", "events", "greeting",
    "lambda_entry", "negotiation", "views",
]

ROUND_TRIP = """
import json, sys
import greeting_core

results = {"module": greeting_core.__file__, "version": greeting_core.__version__}
for kind, path in json.loads(sys.argv[1]).items():
    with open(path, encoding="utf-8") as handle:
        event = json.load(handle)
    if event.get("version") == "2.0":
        event["rawQueryString"] = "name=Ada"
    else:
        event["queryStringParameters"] = {"name": "Ada"}
        event["multiValueQueryStringParameters"] = {"name": ["Ada"]}
    results[kind] = greeting_core.lambda_handler(event, None)
print(json.dumps(results))
"""


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(command, check=False, cwd=cwd, capture_output=True, text=True)
    assert completed.returncode == 0, f"{command} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture(scope="module")
def dist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist and, from it, the wheel out of a copy of the sources."""
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(ROOT / "greeting_core", source / "greeting_core",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in SOURCE_FILES:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
         cwd=source)
    return out


@pytest.mark.packaging
def test_wheel_contains_modules_and_py_typed(dist_dir: Path) -> None:
    wheel = dist_dir / f"greeting_core-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"greeting_core-{__version__}.dist-info/METADATA").decode()
    assert "greeting_core/py.typed" in names
    for module in MODULES:
        assert f"greeting_core/{module}.py" in names
    assert "Requires-Dist: Flask>=3.1" in metadata
    assert "Requires-Dist: serverless-wsgi>=3.1" in metadata
    assert "Requires-Python: >=3.11" in metadata


@pytest.mark.packaging
def test_sdist_contains_sources(dist_dir: Path) -> None:
    sdist = dist_dir / f"greeting_core-{__version__}.tar.gz"
    prefix = f"greeting_core-{__version__}/"
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(prefix) for name in archive.getnames()}
    for name in ["setup.cfg", "pyproject.toml", "docs/library.md", "greeting_core/py.typed"]:
        assert name in names


@pytest.mark.packaging
def test_installed_wheel_serves_lambda_events(dist_dir: Path, tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    wheel = dist_dir / f"greeting_core-{__version__}-py3-none-any.whl"
    _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          str(wheel)], cwd=tmp_path)

    events = {kind: str(EVENTS_DIR / f"{kind}.json")
              for kind in ["rest_v1", "http_api_v2", "alb", "alb_multi_value", "function_url"]}
    completed = _run([str(python), "-c", ROUND_TRIP, json.dumps(events)], cwd=tmp_path)
    results = json.loads(completed.stdout.splitlines()[-1])

    assert results["module"].startswith(str(environment))
    assert results["version"] == __version__
    for kind in events:
        assert results[kind]["statusCode"] == 200, kind
        assert results[kind]["body"] == "Hello Ada World!", kind
        assert results[kind]["isBase64Encoded"] is False, kind
