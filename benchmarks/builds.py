"""Build the hello service four ways, each as a Lambda zip of sources and one with bytecode.

- ``flask-example``: the Serverless Framework's Flask example as it ships:
  Flask, plus the serverless-wsgi plugin's ``wsgi_handler.py`` and
  ``serverless_wsgi.py``, taken from the plugin's npm package.
- ``chalice``: a Chalice app with the two runtime files that ``chalice package``
  puts in the zip (``chalice/__init__.py`` and ``chalice/app.py``).
- ``powertools``: Powertools for AWS Lambda's REST and HTTP API resolvers.
- ``greeting-core``: this repository's library, in a project baked from the
  cookiecutter template and zipped by the project's own build script.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import artifacts

BENCHMARKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCHMARKS_DIR.parent
APPS_DIR = BENCHMARKS_DIR / "apps"

# Lambda's architecture names and pip's platform tags, keyed by this machine's
# architecture: the zips have to run here to be measured.
ARCHITECTURES = {"x86_64": ("x86_64", "manylinux2014_x86_64"), "aarch64": ("arm64", "manylinux2014_aarch64")}
if platform.machine() not in ARCHITECTURES:
    raise SystemExit(f"ERROR: machine architecture {platform.machine()!r} has no Lambda counterpart; run on x86_64 or aarch64.")
TEMPLATE_ARCHITECTURE, PLATFORM = ARCHITECTURES[platform.machine()]
SERVERLESS_WSGI_VERSION = "3.1.0"
FLASK_EXAMPLE_REQUIREMENTS = ("Flask==3.1.3", f"serverless-wsgi=={SERVERLESS_WSGI_VERSION}")
CHALICE_REQUIREMENT = "chalice==1.34.0"
POWERTOOLS_REQUIREMENTS = ("aws-lambda-powertools==3.37.0",)

TEMPLATE_FILES = ("cookiecutter.json", "hooks", "template")
LIBRARY_COPY_IGNORED = (".git", ".venv", ".tox", ".work", "build", "dist", "node_modules", "*.egg-info", "__pycache__")

VARIANTS = ("sources", "bytecode")


@dataclass(frozen=True)
class Build:
    """One way of packaging the hello service and the handlers it exposes."""

    key: str
    title: str
    module: str
    rest_handler: str
    http_handler: str | None
    note: str = ""

    def zip_path(self, work_dir: Path, variant: str) -> Path:
        return work_dir / "zips" / f"{self.key}-{variant}.zip"


BUILDS = (
    Build(
        key="flask-example",
        title="Serverless Framework Flask example",
        module="wsgi_handler",
        rest_handler="handler",
        http_handler="handler",
    ),
    Build(
        key="chalice",
        title="Chalice",
        module="app",
        rest_handler="app",
        http_handler=None,
        note="Chalice routes only REST API (payload 1.0) events.",
    ),
    Build(
        key="powertools",
        title="Powertools resolvers",
        module="app",
        rest_handler="rest_handler",
        http_handler="http_handler",
    ),
    Build(
        key="greeting-core",
        title="greeting_core (this template)",
        module="handler",
        rest_handler="lambda_handler",
        http_handler="lambda_handler",
    ),
)


@dataclass
class BuildOutput:
    """Facts about one finished build that the results page names: its distributions and who compiled its bytecode."""

    build: Build
    distributions: dict[str, str]
    bytecode_origin: str


def run_command(command: list[str], *, cwd: Path | None = None, description: str) -> None:
    """Run ``command`` and raise with its output when it fails."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{description} failed with exit code {result.returncode}: {' '.join(command)}\n{result.stdout}{result.stderr}"
        )


def pip_install(requirements: list[str], target: Path, python_version: str, *, with_dependencies: bool = True) -> None:
    """Install ``requirements`` as Lambda-platform wheels into ``target``, as the template's build does."""
    command = [
        sys.executable, "-m", "pip", "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--only-binary=:all:",
        "--implementation", "cp",
        "--python-version", python_version,
        "--platform", PLATFORM,
        "--target", str(target),
    ]
    if not with_dependencies:
        command.append("--no-deps")
    run_command([*command, *requirements], description="pip install")


def fresh_directory(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def stage_flask_example(stage: Path, downloads: Path, python_version: str) -> None:
    """Stage Flask, the serverless-wsgi plugin's handler files and the example app."""
    pip_install(list(FLASK_EXAMPLE_REQUIREMENTS), stage, python_version)

    # The plugin ships its own copies of wsgi_handler.py and serverless_wsgi.py
    # in every zip; npm pack fetches the release without installing anything.
    tarball = downloads / f"serverless-wsgi-{SERVERLESS_WSGI_VERSION}.tgz"
    if not tarball.exists():
        run_command(
            ["npm", "pack", f"serverless-wsgi@{SERVERLESS_WSGI_VERSION}", "--silent", "--pack-destination", str(downloads)],
            description="npm pack serverless-wsgi",
        )
    with tarfile.open(tarball) as archive:
        for name in ("wsgi_handler.py", "serverless_wsgi.py"):
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise RuntimeError(f"{tarball} has no package/{name}")
            (stage / name).write_bytes(member.read())

    # The plugin writes this file at packaging time from `custom.wsgi.app`.
    (stage / ".serverless-wsgi").write_text(json.dumps({"app": "app.app"}), encoding="utf-8")
    shutil.copy2(APPS_DIR / "flask_example" / "app.py", stage / "app.py")


def stage_chalice(stage: Path, downloads: Path, python_version: str) -> None:
    """Stage Chalice's runtime files and the Chalice app."""
    installed = fresh_directory(downloads / "chalice-install")
    pip_install([CHALICE_REQUIREMENT], installed, python_version, with_dependencies=False)
    (stage / "chalice").mkdir()
    for name in ("__init__.py", "app.py"):
        shutil.copy2(installed / "chalice" / name, stage / "chalice" / name)
    # Keep the metadata so that the report can name the version.
    for dist_info in installed.glob("chalice-*.dist-info"):
        shutil.copytree(dist_info, stage / dist_info.name)
    shutil.copy2(APPS_DIR / "chalice" / "app.py", stage / "app.py")


def stage_powertools(stage: Path, downloads: Path, python_version: str) -> None:
    """Stage Powertools and the resolver app."""
    pip_install(list(POWERTOOLS_REQUIREMENTS), stage, python_version)
    shutil.copy2(APPS_DIR / "powertools" / "app.py", stage / "app.py")


def build_greeting_core_wheel(work_dir: Path, downloads: Path) -> Path:
    """Build greeting_core's wheel from a copy of the repository root and return its path."""
    # setuptools reuses build/lib in the source tree, which can still hold
    # modules deleted since; a fresh copy keeps them out of the wheel.
    source = work_dir / "library-source"
    if source.exists():
        shutil.rmtree(source)
    shutil.copytree(REPO_ROOT, source, ignore=shutil.ignore_patterns(*LIBRARY_COPY_IGNORED))
    wheel_dir = fresh_directory(downloads / "wheel")
    run_command(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheel_dir), str(source)],
        description="python -m build --wheel",
    )
    wheels = sorted(wheel_dir.glob("greeting_core-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one greeting_core wheel in {wheel_dir}, found {[path.name for path in wheels]}")
    return wheels[0]


def bake_template_project(work_dir: Path, wheel: Path, runtime: str) -> Path:
    """Bake the cookiecutter template from a clean copy of its files and return the project folder."""
    # Baking straight from the repository would copy .venv, .tox and this
    # benchmark's own output into cookiecutter's working copy.
    template_copy = fresh_directory(work_dir / "template-source")
    for name in TEMPLATE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, template_copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, template_copy / name)

    output_dir = fresh_directory(work_dir / "project")
    run_command(
        [
            sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(output_dir), str(template_copy),
            f"python_runtime={runtime}",
            f"architecture={TEMPLATE_ARCHITECTURE}",
            f"greeting_core_requirement={wheel}",
        ],
        description="cookiecutter (baking the template)",
    )
    projects = [path for path in output_dir.iterdir() if path.is_dir()]
    if len(projects) != 1:
        raise RuntimeError(f"expected one baked project in {output_dir}, found {[path.name for path in projects]}")
    return projects[0]


def build_greeting_core(work_dir: Path, downloads: Path, runtime: str) -> Path:
    """Zip the baked project with its own build script and return the zip."""
    project = bake_template_project(work_dir, build_greeting_core_wheel(work_dir, downloads), runtime)
    artifact = downloads / "greeting-core-template.zip"
    run_command(
        [
            sys.executable, str(project / "scripts" / "build_artifact.py"),
            "--runtime", runtime,
            "--architecture", TEMPLATE_ARCHITECTURE,
            "--output", str(artifact),
        ],
        cwd=project,
        description="the template's scripts/build_artifact.py",
    )
    return artifact


def contains_bytecode(archive_path: Path) -> bool:
    with zipfile.ZipFile(archive_path) as archive:
        return any(name.endswith(".pyc") for name in archive.namelist())


STAGERS = {
    "flask-example": stage_flask_example,
    "chalice": stage_chalice,
    "powertools": stage_powertools,
}


def build_all(work_dir: Path, runtime_python: Path, runtime: str, log) -> list[BuildOutput]:
    """Build every zip of every build and return what the report needs to know about them."""
    python_version = runtime.removeprefix("python")
    downloads = work_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    outputs = []
    for build in BUILDS:
        log(f"building {build.key}")
        stage = fresh_directory(work_dir / "stage" / build.key / "sources")
        bytecode_stage = work_dir / "stage" / build.key / "bytecode"

        if build.key == "greeting-core":
            artifact = build_greeting_core(work_dir, downloads, runtime)
            artifacts.unpack_zip(artifact, bytecode_stage)
            artifacts.copy_without_bytecode(bytecode_stage, stage)
            if contains_bytecode(artifact):
                origin = "the template's build script"
            else:
                artifacts.compile_bytecode(bytecode_stage, runtime_python)
                origin = "this benchmark (the template's build script ships sources only)"
        else:
            STAGERS[build.key](stage, downloads, python_version)
            artifacts.strip_build_files(stage)
            artifacts.copy_without_bytecode(stage, bytecode_stage)
            artifacts.compile_bytecode(bytecode_stage, runtime_python)
            origin = "this benchmark"

        # Every build, the baked project's included, happens under work_dir.
        leaks = artifacts.host_path_leaks(bytecode_stage, work_dir)
        if leaks:
            raise RuntimeError(f"{len(leaks)} pyc files of {build.key} contain the build path, for example {leaks[0]}")

        artifacts.write_zip(stage, build.zip_path(work_dir, "sources"))
        artifacts.write_zip(bytecode_stage, build.zip_path(work_dir, "bytecode"))
        outputs.append(BuildOutput(build, artifacts.installed_distributions(stage), origin))
    return outputs
