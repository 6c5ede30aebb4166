"""Release commands behind the Makefile: build records, deploy, promote, rollback, remove, rehearse.

Every command prints what it runs. A rejected request prints one ``ERROR:``
line that names the value, the rule and the fix, and exits with status 1.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import artifacts
import stage_names

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DIST = PROJECT_ROOT / "dist"
OSLS = Path("node_modules") / ".bin" / "osls"
COMPILED_TEMPLATE = Path(".serverless") / "cloudformation-template-update-stack.json"
STAGE_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
# osls deploy list prints one "Timestamp: <milliseconds>" line per deployment, oldest first.
DEPLOYMENT_TIMESTAMP = re.compile(r"^\s*Timestamp:\s*(\d+)\s*$", re.MULTILINE)
# The Makefile exports the working copy's version; a build from a worktree must compute its own.
VERSION_VARIABLES = ("SERVICE_VERSION", "GIT_COMMIT")
HEALTH_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 10


class ReleaseError(Exception):
    """A rejected or failed release step; the message names the value and the fix."""


# Configuration and checks


def parse_list(text: str) -> frozenset[str]:
    return frozenset(item.strip() for item in re.split(r"[,\s]+", text) if item.strip())


def check_stage(stage: str, options: argparse.Namespace) -> None:
    """Reject a stage name that breaks the naming rules or makes an AWS name too long."""
    if not STAGE_PATTERN.fullmatch(stage):
        raise ReleaseError(
            f"STAGE {stage!r} is invalid: a stage starts with a lower-case letter and contains only lower-case "
            "letters, digits and single hyphens; for a branch, use 'make stage-name BRANCH=<branch>'."
        )
    budget = stage_names.stage_name_budget(options.service, options.function, options.region)
    if len(stage) > budget:
        raise ReleaseError(
            f"STAGE {stage!r} has {len(stage)} characters, more than the {budget} that keep the function, role and "
            "stack names within their AWS limits; use a shorter stage or 'make stage-name BRANCH=<branch>'."
        )


def check_stage_option(options: argparse.Namespace) -> None:
    check_stage(options.stage, options)


def is_protected(stage: str, options: argparse.Namespace) -> bool:
    return stage in parse_list(options.protected_stages)


def reject_dirty_copy(stage: str, directory: Path) -> None:
    """Reject deploying uncommitted files to a protected stage."""
    if not artifacts.is_git_repository(directory):
        raise ReleaseError(
            f"{directory} is not a git repository, and stage {stage!r} is protected, so it only receives committed "
            "code; run 'git init && git add -A && git commit', then deploy again."
        )
    changed = artifacts.dirty_files(directory)
    if changed:
        listing = "; ".join(changed[:20]) + ("; ..." if len(changed) > 20 else "")
        raise ReleaseError(
            f"stage {stage!r} is protected and the working copy has uncommitted changes ({listing}); commit or stash "
            f"them, or deploy a commit with 'make deploy STAGE={stage} REF=<git ref>'."
        )


# Running tools


def run(command: list[str], cwd: Path, env: Mapping[str, str] | None = None, capture: bool = False) -> str:
    """Run ``command`` and return its output when ``capture`` is set; raise ``ReleaseError`` when it fails."""
    print("+ " + " ".join(command), flush=True)
    try:
        result = subprocess.run(command, cwd=cwd, env=env, check=False, text=True, capture_output=capture)
    except FileNotFoundError as error:
        raise ReleaseError(f"{command[0]} is not installed or not on PATH; run 'make install'.") from error
    if capture:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise ReleaseError(f"'{' '.join(command)}' failed with exit code {result.returncode}; read its output above.")
    return result.stdout if capture else ""


def osls(directory: Path, arguments: list[str], manifest: artifacts.Manifest, zip_path: Path, capture: bool = False) -> str:
    """Run osls in ``directory`` with the artifact and its identity in the environment serverless.yml reads."""
    executable = directory / OSLS
    if not executable.exists():
        raise ReleaseError(f"{executable} does not exist; run 'make install' first.")
    env = dict(os.environ, ARTIFACT_PATH=str(zip_path), SERVICE_VERSION=manifest.version, GIT_COMMIT=manifest.commit)
    return run([str(executable), *arguments], cwd=directory, env=env, capture=capture)


def osls_without_artifact(arguments: list[str], capture: bool = False) -> str:
    executable = PROJECT_ROOT / OSLS
    if not executable.exists():
        raise ReleaseError(f"{executable} does not exist; run 'make install' first.")
    return run([str(executable), *arguments], cwd=PROJECT_ROOT, capture=capture)


def build_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in VERSION_VARIABLES and not name.startswith("MAKE")}


# Sources: the working copy or a clean worktree of a commit


def resolve_commit(ref: str) -> str:
    try:
        return artifacts.git(PROJECT_ROOT, "rev-parse", "--verify", "--quiet", ref + "^{commit}")
    except artifacts.ArtifactError as error:
        raise ReleaseError(
            f"REF {ref!r} is not a commit in this repository; check the name, or run 'git fetch --tags' first."
        ) from error


@contextlib.contextmanager
def source_tree(commit: str | None) -> Iterator[Path]:
    """Yield the folder to build and deploy from: the working copy, or a clean worktree of ``commit``.

    The worktree lives outside the project, shares the project's node_modules when
    package-lock.json matches, and is removed afterwards.
    """
    if commit is None:
        yield PROJECT_ROOT
        return

    parent = Path(tempfile.mkdtemp(prefix="release-"))
    worktree = parent / PROJECT_ROOT.name
    # The project may sit in a subfolder of its repository.
    prefix = artifacts.git(PROJECT_ROOT, "rev-parse", "--show-prefix")
    artifacts.git(PROJECT_ROOT, "worktree", "add", "--detach", str(worktree), commit)
    try:
        source = worktree / prefix
        if not (source / "serverless.yml").is_file():
            raise ReleaseError(f"commit {commit} has no {prefix}serverless.yml; pass a REF that contains this project.")
        print(f"Checked out {commit} into {worktree}", flush=True)
        prepare_node_modules(source)
        yield source
    finally:
        artifacts.git(PROJECT_ROOT, "worktree", "remove", "--force", str(worktree))
        shutil.rmtree(parent, ignore_errors=True)


def prepare_node_modules(worktree: Path) -> None:
    lock = "package-lock.json"
    same_lock = (worktree / lock).read_bytes() == (PROJECT_ROOT / lock).read_bytes()
    if same_lock and (PROJECT_ROOT / "node_modules").is_dir():
        (worktree / "node_modules").symlink_to(PROJECT_ROOT / "node_modules", target_is_directory=True)
    else:
        run(["npm", "ci", "--no-audit", "--no-fund"], cwd=worktree)


# Artifacts


def record_build(options: argparse.Namespace) -> Path:
    """Write the versioned copy of the zip that build_artifact.py made, and its manifest."""
    version, commit, dirty = artifacts.describe(PROJECT_ROOT)
    manifest_path, manifest = artifacts.write_versioned_artifact(
        options.zip, options.service, version, commit, dirty, options.runtime, options.architecture
    )
    print(f"Wrote {DIST.name}/{manifest.artifact} (sha256 {manifest.sha256}) and {DIST.name}/{manifest_path.name}")
    return manifest_path


def build_in(source: Path) -> Path:
    """Run 'make build' in ``source`` with the project's virtual environment and return the manifest it wrote."""
    venv = PROJECT_ROOT / ".venv"
    if not (venv / "bin" / "python").exists():
        raise ReleaseError(f"{venv} does not exist; run 'make install' first.")
    run(["make", "--no-print-directory", "-C", str(source), "build", f"VENV={venv}"], cwd=source, env=build_environment())

    version, _, _ = artifacts.describe(source)
    service = read_service(source)
    manifest_path = source / "dist" / f"{artifacts.versioned_stem(service, version)}{artifacts.MANIFEST_SUFFIX}"
    if not manifest_path.is_file():
        raise ReleaseError(f"'make build' did not write {manifest_path}; check that its Makefile records the build.")
    return manifest_path


def read_service(source: Path) -> str:
    match = re.search(r"^service:\s*(\S+)", (source / "serverless.yml").read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        raise ReleaseError(f"{source / 'serverless.yml'} has no 'service:' line.")
    return match.group(1)


def collect(manifest_path: Path) -> Path:
    """Copy a verified artifact and its manifest into the project's dist/ and return the copy's manifest path."""
    zip_path, _ = artifacts.verify(manifest_path)
    DIST.mkdir(exist_ok=True)
    if manifest_path.parent.resolve() == DIST.resolve():
        return manifest_path
    shutil.copyfile(zip_path, DIST / zip_path.name)
    shutil.copyfile(manifest_path, DIST / manifest_path.name)
    return DIST / manifest_path.name


def current_manifest(options: argparse.Namespace) -> Path:
    """Return the manifest of the artifact that 'make build' made for the working copy."""
    version, _, _ = artifacts.describe(PROJECT_ROOT)
    manifest_path = DIST / f"{artifacts.versioned_stem(options.service, version)}{artifacts.MANIFEST_SUFFIX}"
    if not manifest_path.is_file():
        raise ReleaseError(f"{manifest_path} does not exist: no build of version {version}; run 'make build' first.")
    return manifest_path


def compiled_code_sha256(directory: Path) -> str:
    try:
        template = json.loads((directory / COMPILED_TEMPLATE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReleaseError(f"osls package wrote no readable {directory / COMPILED_TEMPLATE} ({error}).") from error
    values = {
        resource["Properties"]["CodeSha256"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Version"
    }
    if len(values) != 1:
        raise ReleaseError(f"expected one CodeSha256 in {directory / COMPILED_TEMPLATE}, found {sorted(values)}.")
    return values.pop()


# Deploying


def ship(stage: str, manifest_path: Path, options: argparse.Namespace, source: Path | None = None) -> None:
    """Deploy, or with --package-only compile, the artifact of ``manifest_path`` to ``stage``.

    The configuration (serverless.yml and its resources) comes from the commit
    that built the artifact: from the working copy when it is that commit and
    clean, otherwise from a worktree of the commit.
    """
    zip_path, manifest = artifacts.verify(manifest_path)
    if is_protected(stage, options) and manifest.dirty and not options.package_only:
        raise ReleaseError(
            f"{manifest_path.name} was built from uncommitted changes, and stage {stage!r} is protected; commit them "
            f"and deploy with 'make deploy STAGE={stage} REF=<git ref>'."
        )

    commit = None
    if source is None and not manifest.dirty:
        head = artifacts.git(PROJECT_ROOT, "rev-parse", "HEAD")
        if head != manifest.commit or artifacts.dirty_files(PROJECT_ROOT):
            commit = manifest.commit

    with contextlib.ExitStack() as stack:
        directory = source or stack.enter_context(source_tree(commit))
        print(f"{'Packaging' if options.package_only else 'Deploying'} {manifest.artifact} (version {manifest.version}, "
              f"commit {manifest.commit}, CodeSha256 {manifest.code_sha256}) to stage {stage!r}", flush=True)
        command = "package" if options.package_only else "deploy"
        osls(directory, [command, "--stage", stage, "--region", options.region], manifest, zip_path)

        if options.package_only:
            compiled = compiled_code_sha256(directory)
            if compiled != manifest.code_sha256:
                raise ReleaseError(
                    f"the compiled template for {stage!r} has CodeSha256 {compiled}, not {manifest.code_sha256} of "
                    f"{manifest.artifact}; serverless.yml must take the artifact from ARTIFACT_PATH."
                )
            if directory != PROJECT_ROOT:
                shutil.rmtree(PROJECT_ROOT / ".serverless", ignore_errors=True)
                shutil.copytree(directory / ".serverless", PROJECT_ROOT / ".serverless")
            print(f"Verified: the compiled template for {stage!r} deploys CodeSha256 {compiled}.")


def deploy(options: argparse.Namespace) -> None:
    stage = options.stage
    check_stage(stage, options)

    if options.ref:
        commit = resolve_commit(options.ref)
        with source_tree(commit) as source:
            manifest_path = collect(build_in(source))
            ship(stage, manifest_path, options, source=source)
        return

    if is_protected(stage, options):
        reject_dirty_copy(stage, PROJECT_ROOT)
    manifest_path = current_manifest(options) if options.no_build else build_in(PROJECT_ROOT)
    ship(stage, manifest_path, options, source=PROJECT_ROOT)


def running_code(stage: str, options: argparse.Namespace) -> tuple[str, str]:
    """Ask Lambda for the CodeSha256 and the version of the function deployed on ``stage``."""
    if shutil.which("aws") is None:
        raise ReleaseError(
            f"the AWS CLI is not installed, so the code running on {stage!r} cannot be looked up; install it, "
            "or pass FROM_SHA256=<CodeSha256 of that function> when you know it."
        )
    function_name = f"{options.service}-{stage}-{options.function}"
    output = run(
        ["aws", "lambda", "get-function-configuration", "--function-name", function_name, "--region", options.region,
         "--query", "[CodeSha256, Environment.Variables.GREETING_SERVICE_VERSION]", "--output", "json"],
        cwd=PROJECT_ROOT,
        capture=True,
    )
    try:
        code_sha256, version = json.loads(output)
    except (ValueError, TypeError) as error:
        raise ReleaseError(f"the AWS CLI returned {output.strip()!r} for {function_name}, not [CodeSha256, version].") from error
    if not code_sha256:
        raise ReleaseError(f"Lambda reports no CodeSha256 for {function_name}; check that stage {stage!r} is deployed.")
    return code_sha256, version or ""


def print_code_sha256(options: argparse.Namespace) -> None:
    check_stage(options.stage, options)
    print(running_code(options.stage, options)[0])


def promote(options: argparse.Namespace) -> None:
    source, target = options.from_stage, options.to_stage
    check_stage(source, options)
    check_stage(target, options)
    if source == target:
        raise ReleaseError(f"FROM and TO are both {source!r}; promote to a different stage.")

    if options.from_sha256:
        running_sha256, version = options.from_sha256, options.from_version
    else:
        running_sha256, version = running_code(source, options)
    try:
        manifest_path = artifacts.find_by_code_sha256(DIST, running_sha256, version)
    except artifacts.ArtifactError as error:
        raise ReleaseError(f"stage {source!r} runs CodeSha256 {running_sha256}, but {error}") from error

    manifest = artifacts.read_manifest(manifest_path)
    if manifest.dirty:
        raise ReleaseError(
            f"{manifest_path.name} was built from uncommitted changes, so it cannot be promoted; commit them and "
            f"deploy with 'make deploy STAGE={source} REF=<git ref>' first."
        )
    print(f"Stage {source!r} runs {manifest.artifact} (version {manifest.version}); promoting it to {target!r}.")
    ship(target, manifest_path, options)


# Rolling back and removing


def previous_timestamp(deploy_list_output: str) -> str:
    """Return the timestamp of the deployment before the newest one in ``osls deploy list`` output."""
    timestamps = DEPLOYMENT_TIMESTAMP.findall(deploy_list_output)
    if len(timestamps) < 2:
        raise ReleaseError(
            f"osls deploy list shows {len(timestamps)} deployment(s), so there is no previous deployment to return "
            "to; deploy a known good ref with 'make deploy STAGE=<stage> REF=<git ref>' instead."
        )
    return sorted(timestamps, key=int)[-2]


def rollback(options: argparse.Namespace) -> None:
    stage = options.stage
    check_stage(stage, options)
    timestamp = options.timestamp
    if timestamp and not timestamp.isdigit():
        raise ReleaseError(f"TIMESTAMP {timestamp!r} is not a number; copy one from 'osls deploy list --stage {stage}'.")
    if not timestamp:
        listing = osls_without_artifact(["deploy", "list", "--stage", stage, "--region", options.region], capture=True)
        timestamp = previous_timestamp(listing)
    print(f"Rolling stage {stage!r} back to the deployment with timestamp {timestamp}.", flush=True)
    osls_without_artifact(["rollback", "--stage", stage, "--region", options.region, "--timestamp", timestamp])


def remove(options: argparse.Namespace) -> None:
    stage = options.stage
    check_stage(stage, options)
    if is_protected(stage, options) and options.confirm != stage:
        raise ReleaseError(
            f"stage {stage!r} is protected, so removing it deletes a stack people rely on; if you mean it, run "
            f"'make remove STAGE={stage} CONFIRM={stage}'."
        )
    osls_without_artifact(["remove", "--stage", stage, "--region", options.region])


# Local rehearsal of the pipeline


def wait_until_healthy(base_url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ReleaseError(f"serverless-offline exited with code {server.returncode}; read reports/offline.log.")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{base_url}/health", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise ReleaseError(f"{base_url}/health did not respond within {HEALTH_TIMEOUT_SECONDS} s; read reports/offline.log.")


def stop(server: subprocess.Popen) -> None:
    """Stop the serverless-offline process group that ``rehearse`` started."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def check_version_endpoint(base_url: str, manifest: artifacts.Manifest, stage: str) -> None:
    try:
        with urllib.request.urlopen(f"{base_url}/version", timeout=10) as response:
            reported = json.loads(response.read())
    except (OSError, ValueError) as error:
        raise ReleaseError(f"GET {base_url}/version failed ({error}); read reports/offline.log.") from error
    expected = {"service_version": manifest.version, "git_commit": manifest.commit, "stage": stage}
    wrong = {key: reported.get(key) for key, value in expected.items() if reported.get(key) != value}
    if wrong:
        raise ReleaseError(f"/version reports {wrong}, expected {expected}; check the environment in serverless.yml.")
    print(f"/version reports version {manifest.version}, commit {manifest.commit}, stage {stage!r}.")


def reject_busy_port(port: int, variable: str) -> None:
    """Reject a port on 127.0.0.1 that something already listens on.

    Otherwise the smoke tests would run against that other server.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise ReleaseError(
                f"port {port} on 127.0.0.1 is already in use, so the rehearsal cannot serve there; stop the server "
                f"that listens on it (for example a running 'make offline') or pass {variable}=<free port>."
            )


def rehearse(options: argparse.Namespace) -> None:
    """Deploy the built artifact's stage to serverless-offline, smoke-test it, then check every promotion compiles."""
    stages = [stage.strip() for stage in options.stages.split(",") if stage.strip()]
    first, later = stages[0], stages[1:]
    manifest_path = current_manifest(options)
    _, manifest = artifacts.verify(manifest_path)
    base_url = f"http://127.0.0.1:{options.port}"
    log_path = PROJECT_ROOT / "reports" / "offline.log"
    log_path.parent.mkdir(exist_ok=True)

    for port, variable in ((options.port, "PORT"), (options.lambda_port, "LAMBDA_PORT")):
        reject_busy_port(port, variable)
    print(f"Deploying {manifest.artifact} to stage {first!r} on serverless-offline at {base_url}", flush=True)
    env = dict(build_environment(), SERVICE_VERSION=manifest.version, GIT_COMMIT=manifest.commit)
    command = ["make", "--no-print-directory", "offline", f"STAGE={first}", f"PORT={options.port}",
               f"LAMBDA_PORT={options.lambda_port}"]
    with log_path.open("w", encoding="utf-8") as log:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        wait_until_healthy(base_url, server)
        run(["make", "--no-print-directory", "smoke", f"BASE_URL={base_url}"], cwd=PROJECT_ROOT)
        check_version_endpoint(base_url, manifest, first)
    finally:
        stop(server)

    for stage in later:
        ship(stage, manifest_path, argparse.Namespace(**{**vars(options), "package_only": True}), source=PROJECT_ROOT)
    print(f"Rehearsal passed: {manifest.artifact} served {first!r} and compiles unchanged for {', '.join(later) or 'no other stage'}.")


# Command line


def print_stage_name(options: argparse.Namespace) -> None:
    reserved = parse_list(options.stages) | parse_list(options.protected_stages)
    budget = stage_names.stage_name_budget(options.service, options.function, options.region)
    print(stage_names.ephemeral_stage_name(options.branch, budget, reserved))


def print_version(options: argparse.Namespace) -> None:
    print(artifacts.describe(PROJECT_ROOT)[0])


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", required=True, help="Serverless service name")
    parser.add_argument("--region", required=True, help="AWS region")
    parser.add_argument("--function", default="api", help="function key in serverless.yml")
    parser.add_argument("--stages", required=True, help="configured stages, comma-separated, in pipeline order")
    parser.add_argument("--protected-stages", default="prod", help="stages that only receive committed code")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("version", help="print the version of the working copy").set_defaults(handler=print_version)

    record = commands.add_parser("record", help="write the versioned zip and its manifest")
    record.add_argument("--zip", type=Path, required=True, help="zip written by build_artifact.py")
    record.add_argument("--runtime", required=True)
    record.add_argument("--architecture", required=True)
    record.set_defaults(handler=record_build)

    stage_check = commands.add_parser("check-stage", help="reject an invalid stage before another command uses it")
    stage_check.add_argument("--stage", required=True)
    stage_check.set_defaults(handler=check_stage_option)

    name = commands.add_parser("stage-name", help="print the ephemeral stage name of a branch")
    name.add_argument("--branch", required=True)
    name.set_defaults(handler=print_stage_name)

    for command, handler, help_text in (
        ("deploy", deploy, "build and deploy the working copy or a ref"),
        ("promote", promote, "deploy the artifact running on one stage to another"),
    ):
        sub = commands.add_parser(command, help=help_text)
        if command == "deploy":
            sub.add_argument("--stage", required=True)
            sub.add_argument("--ref", default="", help="git ref to build in a clean worktree")
            sub.add_argument("--no-build", action="store_true", help="deploy the artifact already built for the working copy")
        else:
            sub.add_argument("--from", dest="from_stage", required=True)
            sub.add_argument("--to", dest="to_stage", required=True)
            sub.add_argument("--from-sha256", default="", help="CodeSha256 running on FROM, instead of asking Lambda")
            sub.add_argument("--from-version", default="", help="version running on FROM, when builds share a CodeSha256")
        sub.add_argument("--package-only", action="store_true", help="compile with osls package instead of deploying")
        sub.set_defaults(handler=handler)

    lookup = commands.add_parser("code-sha256", help="print the CodeSha256 of the function running on a stage")
    lookup.add_argument("--stage", required=True)
    lookup.set_defaults(handler=print_code_sha256)

    back = commands.add_parser("rollback", help="return a stage to its previous deployment")
    back.add_argument("--stage", required=True)
    back.add_argument("--timestamp", default="", help="deployment timestamp from osls deploy list")
    back.set_defaults(handler=rollback)

    delete = commands.add_parser("remove", help="remove a stage's stack")
    delete.add_argument("--stage", required=True)
    delete.add_argument("--confirm", default="", help="the stage name again, required for protected stages")
    delete.set_defaults(handler=remove)

    rehearsal = commands.add_parser("rehearse", help="serve the built artifact offline, smoke-test it, compile promotions")
    rehearsal.add_argument("--port", type=int, default=3000)
    rehearsal.add_argument("--lambda-port", type=int, default=3002)
    rehearsal.add_argument("--package-only", action="store_true", help=argparse.SUPPRESS)
    rehearsal.set_defaults(handler=rehearse)

    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    try:
        options.handler(options)
    except (ReleaseError, artifacts.ArtifactError, stage_names.StageNameError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
