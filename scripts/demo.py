"""Run the main job end to end: build, generate, test, compile, serve, request.

``make demo`` runs this with the tools venv's Python. Each step prints what it
does and how long it took; the first failing step is named and the script
exits 1. With ``--serve`` the local server keeps running until Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK_DIR = REPO_ROOT / ".demo"
# The files cookiecutter needs. Baking from a copy of only these keeps venvs,
# .tox and earlier demo output out of the copy that the pre_prompt hook makes.
TEMPLATE_SOURCES = ("cookiecutter.json", "hooks", "template")
SERVER_START_TIMEOUT_S = 90
REQUEST_TIMEOUT_S = 30


class StepFailed(Exception):
    """A demo step failed; the message names the failed command or check."""


@dataclass(frozen=True)
class DemoRequest:
    """One HTTP request the demo sends, with the status it expects."""

    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    expected_status: int

    def describe(self) -> str:
        line = f"{self.method} {self.path}"
        if self.body is not None:
            line += f"  body={self.body!r}"
        return line


DEMO_REQUESTS = (
    DemoRequest("GET", "/", None, {}, 200),
    DemoRequest("GET", "/?name=Ada", None, {}, 200),
    DemoRequest("POST", "/", b"Grace", {"Content-Type": "text/plain"}, 200),
    DemoRequest(
        "POST", "/", b"\xff\xfeAda", {"Content-Type": "application/octet-stream"}, 400
    ),
    DemoRequest("GET", "/health", None, {}, 200),
    DemoRequest("GET", "/version", None, {}, 200),
)


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    """Run a command with its output shown; raise StepFailed if it fails."""
    print(f"  $ {' '.join(command)}", flush=True)
    result = subprocess.run(command, cwd=cwd, env=env, check=False)
    if result.returncode != 0:
        raise StepFailed(f"`{' '.join(command)}` exited with {result.returncode}")


@contextmanager
def step(number: int, title: str) -> Iterator[None]:
    """Print a step's title, then its duration or the reason it failed."""
    print(f"\n==> Step {number}: {title}", flush=True)
    started = time.monotonic()
    try:
        yield
    except StepFailed as err:
        raise StepFailed(f"step {number} ({title}) failed: {err}") from err
    print(f"    done in {time.monotonic() - started:.1f} s", flush=True)


def build_wheel(dist_dir: Path) -> Path:
    """Build greeting_core's wheel into dist_dir and return its path."""
    # The template writes the wheel's path into requirements.txt and the
    # Makefile, so its hook rejects paths with whitespace or "$".
    if any(character.isspace() or character == "$" for character in str(dist_dir)):
        raise StepFailed(
            f"the work folder {dist_dir.parent} contains whitespace or '$', which the "
            "template rejects in a wheel path; choose a plain folder, as in make demo WORK_DIR=/tmp/greeting-demo"
        )
    shutil.rmtree(dist_dir, ignore_errors=True)
    run(
        [sys.executable, "-m", "build", "--quiet", "--wheel", "--outdir", str(dist_dir), "."],
        cwd=REPO_ROOT,
    )
    wheels = sorted(dist_dir.glob("greeting_core-*.whl"))
    if len(wheels) != 1:
        raise StepFailed(f"expected one greeting_core wheel in {dist_dir}, found {len(wheels)}")
    return wheels[0]


def generate_project(work_dir: Path, wheel: Path) -> Path:
    """Bake the template with its defaults into work_dir and return the project."""
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter

    output_dir = work_dir / "project"
    shutil.rmtree(output_dir, ignore_errors=True)
    output_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="greeting-template-") as snapshot:
        for name in TEMPLATE_SOURCES:
            source = REPO_ROOT / name
            if source.is_dir():
                shutil.copytree(source, Path(snapshot) / name)
            else:
                shutil.copy2(source, Path(snapshot) / name)
        try:
            project = cookiecutter(
                snapshot,
                no_input=True,
                output_dir=str(output_dir),
                extra_context={"greeting_core_requirement": str(wheel)},
            )
        except (CookiecutterException, SystemExit) as err:
            raise StepFailed(f"cookiecutter failed: {err}") from err
    print(f"  generated {project}")
    return Path(project)


def commit_project(project: Path) -> None:
    """Commit the project to a new git repository, as a new user would.

    The build stamps the version and commit from git; without its own
    repository, the project would report this checkout's commit instead.
    """
    identity = ["-c", "user.name=make demo", "-c", "user.email=demo@example.invalid"]
    run(["git", "init", "--quiet", "--initial-branch=main"], cwd=project)
    run(["git", "add", "--all"], cwd=project)
    run(["git", *identity, "commit", "--quiet", "--message", "Generate the project"], cwd=project)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_server(base_url: str, server: subprocess.Popen) -> None:
    """Poll /health until it returns 200, the server exits or time runs out."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise StepFailed(f"the local server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise StepFailed(f"{base_url}/health did not respond within {SERVER_START_TIMEOUT_S} s")


def start_server(project: Path, port: int, log_path: Path) -> subprocess.Popen:
    """Start `make offline` in its own process group so it can be stopped whole.

    The server's output goes to log_path, so that the requests and responses
    stay readable on the terminal.
    """
    command = ["make", "offline", f"PORT={port}", f"LAMBDA_PORT={free_port()}"]
    print(f"  $ {' '.join(command)} > {log_path}", flush=True)
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            command,
            cwd=project,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def print_log_tail(log_path: Path, lines: int = 40) -> None:
    """Print the end of the server log, to explain a failed step."""
    if not log_path.exists():
        return
    tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    print(f"  last lines of {log_path}:", file=sys.stderr)
    for line in tail:
        print(f"    {line}", file=sys.stderr)


def stop_server(server: subprocess.Popen) -> None:
    """Stop the process group that start_server created."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def send(base_url: str, demo_request: DemoRequest) -> tuple[int, str]:
    """Send one request and return its status and body, whatever the status."""
    request = urllib.request.Request(
        base_url + demo_request.path,
        data=demo_request.body,
        headers=demo_request.headers,
        method=demo_request.method,
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as reply:
            return reply.status, reply.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def send_demo_requests(base_url: str) -> None:
    """Send every demo request, print each response and check its status."""
    failures = []
    for demo_request in DEMO_REQUESTS:
        status, body = send(base_url, demo_request)
        print(f"  {demo_request.describe()}")
        print(f"    -> {status} {body.strip()}")
        if status != demo_request.expected_status:
            failures.append(
                f"{demo_request.describe()} returned {status}, "
                f"expected {demo_request.expected_status}"
            )
    if failures:
        raise StepFailed("; ".join(failures))


def print_try_it(base_url: str, log_path: Path) -> None:
    """Print the URL and a few curl lines for a server left running."""
    print(f"\nThe service is running at {base_url}; its log is {log_path}. Try:")
    print(f"  curl {base_url}/")
    print(f"  curl '{base_url}/?name=Ada'")
    print(f"  curl -d Grace {base_url}/")
    print(f"  curl -H 'Accept: application/json' {base_url}/version")
    print(f"Press Ctrl-C, or send SIGTERM to process {os.getpid()}, to stop it.", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--serve",
        action="store_true",
        help="leave the local server running after the requests, until Ctrl-C",
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=DEFAULT_WORK_DIR,
        help=f"folder for the wheel and the generated project (default: {DEFAULT_WORK_DIR})",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="port for the local server on 127.0.0.1 (default: a free one)",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port {args.port} is out of range: use 1-65535, or 0 for a free port")
    return args


def run_demo(args: argparse.Namespace) -> None:
    work_dir = args.work_dir.resolve()
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"

    with step(1, "build the greeting_core wheel"):
        wheel = build_wheel(work_dir / "dist")
    with step(2, "generate a project with the template defaults and commit it to git"):
        project = generate_project(work_dir, wheel)
        commit_project(project)
    with step(3, "install the project and run its tests"):
        run(["make", "install"], cwd=project)
        run(["make", "test"], cwd=project)
    with step(4, "compile the CloudFormation for the dev stage"):
        run(["make", "package", "STAGE=dev"], cwd=project)

    server: subprocess.Popen | None = None
    log_path = work_dir / "offline.log"
    try:
        with step(5, f"start the project under serverless-offline on {base_url}"):
            server = start_server(project, port, log_path)
            wait_for_server(base_url, server)
        with step(6, "send requests over HTTP"):
            send_demo_requests(base_url)
        if args.serve:
            print_try_it(base_url, log_path)
            server.wait()
    except StepFailed:
        print_log_tail(log_path)
        raise
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        if server is not None:
            with step(7, "stop the local server"):
                stop_server(server)


def stop_on_sigterm(signal_number: int, frame: object) -> None:
    """Turn SIGTERM into KeyboardInterrupt, so the server is stopped as on Ctrl-C."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The server runs in its own process group, so a SIGTERM sent to this
    # script's group would not reach it; stop it from here instead.
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.monotonic()
    try:
        run_demo(args)
    except StepFailed as err:
        print(f"\nERROR: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    print(f"\nDemo finished in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
