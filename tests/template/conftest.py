"""Fixtures that bake the template from a clean snapshot of its sources."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = Path(__file__).resolve().parent / "tools"

# Only these reach cookiecutter. Before it runs the pre_prompt hook, cookiecutter
# copies the whole folder it was given, which in the repository includes .tox,
# build/ and venvs.
TEMPLATE_SOURCES = ("cookiecutter.json", "hooks", "template")
# What setup.cfg and MANIFEST.in read to build the greeting_core wheel.
LIBRARY_SOURCES = ("greeting_core", "setup.cfg", "pyproject.toml", "MANIFEST.in", "docs/library.md")

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs the generated project's real tools (npm, osls, cfn-lint, Java)")


def run(command: list[str], cwd: Path, timeout: float = 600, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` and fail the test with its output when it exits non-zero."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited with {result.returncode} in {cwd}\n"
            f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}"
        )
    return result


@pytest.fixture(scope="session")
def template_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy the template sources, and nothing else, into a temporary folder."""
    snapshot = tmp_path_factory.mktemp("template") / "greeting-template"
    snapshot.mkdir()
    for name in TEMPLATE_SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, snapshot / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, snapshot / name)
    return snapshot


@pytest.fixture(scope="session")
def greeting_core_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the greeting_core wheel from this repository once per session."""
    # Building in a copy keeps setuptools' build/ and egg-info folders out of
    # the checkout, where two test sessions at once would collide in them.
    source = tmp_path_factory.mktemp("library-source")
    for name in LIBRARY_SOURCES:
        if (REPO_ROOT / name).is_dir():
            shutil.copytree(REPO_ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, source / name)
    outdir = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir), str(source)], cwd=source)
    (wheel,) = outdir.glob("greeting_core-*.whl")
    return wheel


@pytest.fixture(scope="session")
def bake(cookies_session, template_snapshot: Path):
    """Return a function that bakes the snapshot with some answers changed."""

    def bake_with(**extra_context: str):
        return cookies_session.bake(extra_context=extra_context, template=str(template_snapshot))

    return bake_with


@pytest.fixture(scope="session")
def default_answers(template_snapshot: Path) -> dict:
    """Return cookiecutter.json as data."""
    return json.loads((template_snapshot / "cookiecutter.json").read_text())


@pytest.fixture(scope="session")
def groovy_lint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the pinned npm-groovy-lint with npm ci and return its executable."""
    tools = tmp_path_factory.mktemp("tools")
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(TOOLS_DIR / name, tools / name)
    run(["npm", "ci", "--no-audit", "--no-fund"], cwd=tools)
    return tools / "node_modules" / ".bin" / "npm-groovy-lint"


@pytest.fixture(scope="session")
def run_command():
    """Return the helper that runs a command and fails the test on a non-zero exit."""
    return run
