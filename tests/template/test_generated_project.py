"""Generated projects under their own tools: make, npm, osls, cfn-lint, npm-groovy-lint, serverless-offline."""

import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

AWKWARD_TEXT = "Ada's \"REST\" API: #1 @NO $HOME \\ \\${x} ${self:service} 😀"

PROJECTS = {
    "default": {},
    "rest-x86_64-python3.13-awkward": {
        "api_type": "rest",
        "architecture": "x86_64",
        "python_runtime": "python3.13",
        "project_name": AWKWARD_TEXT,
        "project_slug": "rest-greeter",
        "description": AWKWARD_TEXT,
        "author": AWKWARD_TEXT,
        "stages": "qa,staging,prod",
    },
}

# Lambda's platform tags as they appear in the names of compiled extension modules.
EXTENSION_SUFFIXES = {
    ("arm64", "python3.12"): "cpython-312-aarch64-linux-gnu.so",
    ("arm64", "python3.13"): "cpython-313-aarch64-linux-gnu.so",
    ("x86_64", "python3.12"): "cpython-312-x86_64-linux-gnu.so",
    ("x86_64", "python3.13"): "cpython-313-x86_64-linux-gnu.so",
}

FORBIDDEN_IN_ZIP = re.compile(r"^(tests|\.venv|node_modules|\.git|\.serverless|scripts|dist|build)/|^(serverless\.yml|Makefile|Jenkinsfile|package\.json)$")

# Files that nothing on Lambda reads: type information, MarkupSafe's C source
# and the browser assets of Werkzeug's interactive debugger.
UNSHIPPED_IN_ZIP = re.compile(r"\.pyi$|(^|/)py\.typed$|^markupsafe/_speedups\.c$|^werkzeug/debug/shared/")

# Modules that a Lambda handler serving an API never imports, shipped as sources without bytecode.
SOURCE_ONLY_IN_ZIP = re.compile(
    r"^(click/(_termui_impl|_textwrap|_winconsole|shell_completion|testing)"
    r"|flask/(__main__|debughelpers|testing)"
    r"|jinja2/(ext|meta|nativetypes|sandbox)"
    r"|werkzeug/(_reloader|testapp|debug/\w+|middleware/(http_proxy|lint|profiler|shared_data)))\.py$"
)

EVENTS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "events"

SERVER_START_SECONDS = 90


class Project:
    """A baked and installed project with the answers that produced it."""

    def __init__(self, path: Path, answers: dict, run) -> None:
        self.path = path
        self.run = run
        self.answers = answers
        self.stages = [stage.strip() for stage in answers["stages"].split(",")]

    def make(self, *arguments: str, timeout: float = 600) -> subprocess.CompletedProcess:
        return self.run(["make", *arguments], cwd=self.path, timeout=timeout)


@pytest.fixture(scope="module", params=list(PROJECTS), ids=list(PROJECTS))
def project(request, bake, default_answers, greeting_core_wheel, run_command) -> Project:
    """Bake a project against the local greeting_core wheel and run make install."""
    changes = {**PROJECTS[request.param], "greeting_core_requirement": str(greeting_core_wheel)}
    result = bake(**changes)
    assert result.exception is None, result.exception
    answers = {**{key: value[0] if isinstance(value, list) else value for key, value in default_answers.items()}, **changes}
    if "project_slug" not in PROJECTS[request.param]:
        answers["project_slug"] = result.project_path.name
    baked = Project(result.project_path, answers, run_command)
    baked.make("install")
    return baked


@pytest.fixture(scope="module")
def compiled_templates(project: Project, tmp_path_factory) -> dict[str, Path]:
    """Run make package for every stage and keep each compiled template."""
    outdir = tmp_path_factory.mktemp("cloudformation")
    templates = {}
    for stage in project.stages:
        project.make("package", f"STAGE={stage}")
        target = outdir / f"{project.path.name}-{stage}.json"
        shutil.copy2(project.path / ".serverless" / "cloudformation-template-update-stack.json", target)
        templates[stage] = target
    return templates


def test_unit_tests_pass_with_junit_report(project):
    project.make("test")

    report = (project.path / "reports" / "junit.xml").read_text(encoding="utf-8")
    assert 'failures="0"' in report
    assert 'errors="0"' in report


def test_lint_passes(project):
    project.make("lint")


def test_help_describes_every_target(project):
    output = project.make("help").stdout
    targets = re.findall(r"^\.PHONY: (\S+)$", (project.path / "Makefile").read_text(encoding="utf-8"), re.MULTILINE)

    for target in targets:
        assert re.search(rf"^  {re.escape(target)}\s+\S", output, re.MULTILINE), f"make help does not describe {target}"


def test_every_stage_compiles(project, compiled_templates):
    for stage, path in compiled_templates.items():
        template = json.loads(path.read_text(encoding="utf-8"))
        function = template["Resources"]["ApiLambdaFunction"]["Properties"]
        assert function["FunctionName"] == f"{project.answers['project_slug']}-{stage}-api"
        assert function["Runtime"] == project.answers["python_runtime"]
        assert function["Architectures"] == [project.answers["architecture"]]
        assert function["Environment"]["Variables"]["GREETING_STAGE"] == stage
        assert function["TracingConfig"] == {"Mode": "Active"}


def test_cfn_lint_finds_nothing(project, compiled_templates):
    cfn_lint = Path(sys.executable).parent / "cfn-lint"

    result = subprocess.run(
        [str(cfn_lint), *map(str, compiled_templates.values())],
        cwd=project.path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.stdout == ""
    assert result.returncode == 0, result.stderr


def test_free_text_reaches_lambda_verbatim(project, compiled_templates):
    template = json.loads(next(iter(compiled_templates.values())).read_text(encoding="utf-8"))

    assert template["Resources"]["ApiLambdaFunction"]["Properties"]["Description"] == project.answers["description"]


def test_zip_holds_only_handler_and_dependencies(project, compiled_templates):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"

    with zipfile.ZipFile(artifact) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]

    assert "handler.py" in names
    assert "greeting_core/__init__.py" in names
    assert "flask/__init__.py" in names
    assert "serverless_wsgi.py" in names
    assert [name for name in names if FORBIDDEN_IN_ZIP.search(name)] == []
    assert [name for name in names if name.endswith("/RECORD")] == []
    assert sorted(name for name in names if name.endswith(".pyc")) == expected_bytecode(names, project.answers["python_runtime"])
    assert [name for name in names if UNSHIPPED_IN_ZIP.search(name)] == []
    assert "werkzeug/debug/__init__.py" in names
    assert "click/testing.py" in names
    assert names == sorted(names, key=str.encode)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos if not info.is_dir()} == {0o100644}
    suffix = EXTENSION_SUFFIXES[(project.answers["architecture"], project.answers["python_runtime"])]
    extensions = [name for name in names if name.endswith(".so")]
    assert extensions
    assert all(name.endswith(suffix) for name in extensions), extensions


def test_zip_keeps_every_dependency_licence(project, compiled_templates):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"

    with zipfile.ZipFile(artifact) as archive:
        names = archive.namelist()
    distributions = {name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA")}
    licensed = {name.split("/")[0] for name in names if ".dist-info/" in name and "LICEN" in name.rpartition("/")[2].upper()}

    assert sorted(distributions - licensed) == [name for name in sorted(distributions) if name.startswith("greeting_core-")]


def test_zip_handler_imports_only_compiled_modules(project, compiled_templates, tmp_path):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(tmp_path)
    # Serve each event shape and a 404, then list every module loaded from
    # the zip that has no bytecode beside it.
    script = """
import importlib.util, json, sys
from pathlib import Path
from handler import lambda_handler
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    event = json.loads(path.read_text(encoding="utf-8"))
    assert lambda_handler(event, None)["statusCode"] == 200, path
    event["path" if "path" in event else "rawPath"] = "/missing"
    assert lambda_handler(event, None)["statusCode"] == 404, path
root = Path.cwd()
uncompiled = []
for module in list(sys.modules.values()):
    source = getattr(module, "__file__", None)
    if source and source.endswith(".py") and Path(source).is_relative_to(root):
        if not Path(importlib.util.cache_from_source(source)).is_file():
            uncompiled.append(Path(source).relative_to(root).as_posix())
# The access log fills stdout before this line.
print(json.dumps(sorted(uncompiled)))
"""

    result = project.run(
        [project.answers["python_runtime"], "-c", script, str(EVENTS_DIR)], cwd=tmp_path, env=runtime_environment()
    )

    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_two_builds_are_identical(project, compiled_templates):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"
    first = artifact.read_bytes()

    project.make("build")

    assert artifact.read_bytes() == first


def expected_bytecode(names: list[str], runtime: str) -> list[str]:
    """Return, sorted, the pyc entry the build adds for every module in ``names`` but the source-only ones."""
    tag = "cpython-" + runtime.removeprefix("python").replace(".", "")
    bytecode = []
    for name in names:
        if name.endswith(".py") and not SOURCE_ONLY_IN_ZIP.search(name):
            folder, _, module = name.rpartition("/")
            bytecode.append(f"{folder}/__pycache__/{module[:-3]}.{tag}.pyc".lstrip("/"))
    return sorted(bytecode)


def runtime_environment() -> dict[str, str]:
    """Return this environment without PYTHONPATH and with bytecode writing off, as on Lambda."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    return environment


def test_zip_bytecode_is_unchecked_hash_without_build_paths(project, compiled_templates):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"

    with zipfile.ZipFile(artifact) as archive:
        bytecode = {name: archive.read(name) for name in archive.namelist() if name.endswith(".pyc")}

    # Bit 0 of the pyc flags marks a hash-based pyc, bit 1 one whose source is checked.
    assert {int.from_bytes(data[4:8], "little") for data in bytecode.values()} == {0b01}
    assert [name for name, data in bytecode.items() if str(project.path).encode() in data] == []


def test_zip_bytecode_tracebacks_show_sources(project, compiled_templates, tmp_path):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(tmp_path)

    result = subprocess.run(
        [project.answers["python_runtime"], "-c", "from greeting_core import greet; greet(42)"],
        cwd=tmp_path,
        env=runtime_environment(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert f'File "{tmp_path / "greeting_core" / "greeting.py"}"' in result.stderr
    assert "name.strip()" in result.stderr


def test_zip_bytecode_runs_without_compiling(project, compiled_templates, tmp_path):
    artifact = project.path / "dist" / f"{project.answers['project_slug']}.zip"
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(tmp_path)
    # Python loads an unchecked-hash pyc without reading its source, so a
    # broken source proves that the shipped bytecode is what runs.
    (tmp_path / "greeting_core" / "greeting.py").write_text("raise SystemExit('compiled the source')\n", encoding="utf-8")

    result = project.run(
        [project.answers["python_runtime"], "-c", "from greeting_core import greet; print(greet('Ada'))"],
        cwd=tmp_path,
        env=runtime_environment(),
    )

    assert result.stdout == "Hello Ada World!\n"


def test_build_without_runtime_python_names_fix(project, tmp_path):
    runtime = project.answers["python_runtime"]
    # A PATH holding only this test's interpreter, another version than the
    # runtime's, hides the runtime's interpreter.
    assert f"python{sys.version_info.major}.{sys.version_info.minor}" != runtime
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(os.path.realpath(sys.executable))

    result = subprocess.run(
        [str(bin_dir / "python3"), "scripts/build_artifact.py", "--runtime", runtime,
         "--architecture", project.answers["architecture"], "--output", str(tmp_path / "out.zip")],
        cwd=project.path,
        env={"PATH": str(bin_dir), "HOME": os.environ.get("HOME", str(tmp_path))},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert f"ERROR: bytecode for {runtime} must be compiled by Python {runtime.removeprefix('python')}" in result.stderr
    assert "--no-bytecode" in result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_build_finds_pyenv_runtime_without_pyenv_version(project):
    # Without PYENV_VERSION, pyenv's python3.X shims fail; the generated
    # Makefile appends pyenv's interpreters of the runtime's version to PATH.
    env = {key: value for key, value in os.environ.items() if key != "PYENV_VERSION"}
    env["PATH"] = os.pathsep.join(
        directory for directory in env["PATH"].split(os.pathsep) if "/versions/" not in directory
    )
    command = ["make", "build"]
    if shutil.which("pyenv", path=env["PATH"]) is None:
        # No pyenv: the Makefile must still parse and plan the build.
        command.insert(1, "--dry-run")

    result = subprocess.run(command, cwd=project.path, env=env, capture_output=True, text=True, timeout=600, check=False)

    assert result.returncode == 0, result.stderr[-3000:]


def test_jenkinsfile_passes_groovy_lint(project, groovy_lint):
    # --noserver: without it npm-groovy-lint leaves its Java server running.
    project.run([str(groovy_lint), "--noserver", "--failon", "warning", "--output", "txt", "Jenkinsfile"], cwd=project.path, timeout=300)


def test_jenkinsfile_deploys_after_tests(project):
    jenkinsfile = (project.path / "Jenkinsfile").read_text(encoding="utf-8")
    stage_names = re.findall(r"^\s*stage\('([^']+)'\)", jenkinsfile, re.MULTILINE)
    deploy_positions = [index for index, name in enumerate(stage_names) if name.startswith("Deploy")]

    assert stage_names.index("Unit tests") < stage_names.index("Build") < stage_names.index("Package")
    assert [stage_names[index] for index in deploy_positions] == [f"Deploy {stage}" for stage in project.stages]
    assert min(deploy_positions) > stage_names.index("Package")
    assert "disableConcurrentBuilds()" in jenkinsfile
    assert re.search(r"timeout\(time: \d+, unit: 'MINUTES'\)", jenkinsfile)
    assert "junit 'reports/junit.xml'" in jenkinsfile


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send(method: str, url: str, body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_serving(server: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make offline exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if send("GET", f"{base_url}/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{base_url}/health did not answer within {SERVER_START_SECONDS} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def offline_url(project, tmp_path_factory):
    """Start make offline on free ports and stop its whole process group afterwards."""
    port, lambda_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("offline") / "offline.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            ["make", "offline", f"PORT={port}", f"LAMBDA_PORT={lambda_port}"],
            cwd=project.path,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, base_url, log)
        yield base_url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


def test_offline_get_greets_world(offline_url):
    assert send("GET", f"{offline_url}/") == (200, b"Hello World!")


def test_offline_post_greets_name(offline_url):
    assert send("POST", f"{offline_url}/", b"Ada") == (200, b"Hello Ada World!")


def test_offline_version_reports_stage(project, offline_url):
    status, body = send("GET", f"{offline_url}/version")

    assert status == 200
    assert json.loads(body)["stage"] == project.stages[0]
    assert json.loads(body)["service_name"] == project.answers["project_slug"]


def test_smoke_tests_pass_against_offline(project, offline_url):
    project.make("smoke", f"BASE_URL={offline_url}")


def test_load_run_against_offline_has_no_errors(project, offline_url):
    project.make("load", f"BASE_URL={offline_url}", "RPS=5", "DURATION=10s", timeout=120)

    with (project.path / "reports" / "load_stats.csv").open(encoding="utf-8", newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    aggregated = rows["Aggregated"]
    assert int(aggregated["Request Count"]) > 0
    assert int(aggregated["Failure Count"]) == 0
    assert float(aggregated["99%"]) > 0
    assert {"GET /", "POST /", "GET /health"} <= set(rows)


def test_load_run_fails_when_requests_fail(project):
    closed_url = f"http://127.0.0.1:{free_port()}"

    result = subprocess.run(
        ["make", "load", f"BASE_URL={closed_url}", "RPS=2", "DURATION=2s"],
        cwd=project.path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "Aggregated" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(("RPS=5",), "ERROR: BASE_URL is not set"), (("BASE_URL=http://127.0.0.1:9", "RPS=lots"), "ERROR: RPS 'lots' is not a whole number")],
    ids=["no-base-url", "bad-rps"],
)
def test_load_rejects_bad_arguments(project, arguments, message):
    result = subprocess.run(["make", "load", *arguments], cwd=project.path, capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 2
    assert message in result.stderr
