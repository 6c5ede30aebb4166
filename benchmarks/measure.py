"""Time cold starts and warm requests of the unpacked zips in fresh interpreters."""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from events import EXPECTED_BODY

BENCHMARKS_DIR = Path(__file__).resolve().parent
WARM_PROBE = BENCHMARKS_DIR / "warm_probe.py"

# Lambda sets these for every function; Powertools reads some of them at import.
LAMBDA_ENVIRONMENT = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "hello",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
    "LANG": "en_US.UTF-8",
    "TZ": ":UTC",
    # /var/task is read-only on Lambda, so no run may leave bytecode behind
    # for the next one.
    "PYTHONDONTWRITEBYTECODE": "1",
}

# Runs in the fresh interpreter: import the handler, serve one request, then
# print the peak resident set size (kilobytes on Linux).
FIRST_RESPONSE_CODE = """\
{handler_import}
import json, resource, sys
class Context:
    aws_request_id = "8f5e6c0a-5b0e-4c5e-9b0e-0c5e9b0e0c5e"
    function_name = "hello"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:hello"
    log_group_name = "/aws/lambda/hello"
    log_stream_name = "2026/12/04/[$LATEST]0123456789abcdef"
    def get_remaining_time_in_millis(self):
        return 30000
with open({event_path!r}, encoding="utf-8") as stream:
    event = json.load(stream)
response = handler(event, Context())
if response.get("statusCode") != 200 or response.get("body") != {expected!r}:
    sys.exit("unexpected response: " + repr(response))
print("MAXRSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

BARE_HANDLER = f"handler = lambda event, context: {{'statusCode': 200, 'body': {EXPECTED_BODY!r}}}"


@dataclass(frozen=True)
class Subject:
    """An unpacked zip and the handler its cold runs call."""

    label: str
    directory: Path | None
    module: str | None
    function: str | None


@dataclass
class ColdSamples:
    """Wall-clock times in nanoseconds of each kind of fresh-interpreter run, and peak memory."""

    import_ns: list[int] = field(default_factory=list)
    first_response_ns: list[int] = field(default_factory=list)
    max_rss_kb: list[int] = field(default_factory=list)


def runtime_environment() -> dict[str, str]:
    """Return a clean environment: no PYTHONPATH, no user site, only what Lambda sets."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **LAMBDA_ENVIRONMENT}


def _import_code(subject: Subject) -> str:
    return "pass" if subject.module is None else f"import {subject.module}"


def _first_response_code(subject: Subject, event_path: Path) -> str:
    if subject.module is None:
        handler_import = BARE_HANDLER
    else:
        handler_import = f"from {subject.module} import {subject.function} as handler"
    return FIRST_RESPONSE_CODE.format(handler_import=handler_import, event_path=str(event_path), expected=EXPECTED_BODY)


def _timed_run(python: Path, code: str, directory: Path, environment: dict[str, str]) -> tuple[int, str]:
    """Run ``python -c code`` in ``directory`` and return its wall time and standard output."""
    start = time.perf_counter_ns()
    result = subprocess.run(
        [str(python), "-c", code], cwd=directory, env=environment, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter_ns() - start
    if result.returncode != 0:
        raise RuntimeError(f"cold run failed in {directory} with exit code {result.returncode}:\n{code}\n{result.stderr}")
    return elapsed, result.stdout


def measure_cold(
    python: Path, subjects: list[Subject], event_path: Path, rounds: int, empty_dir: Path, log
) -> dict[str, ColdSamples]:
    """Run every subject's import and first response once per round, in a new random order each round.

    Interleaving spreads the machine's changing load over all subjects alike.
    The script runs with the unpacked zip as the working directory, so that
    ``sys.path[0]`` is that folder, as ``/var/task`` is first on Lambda.
    """
    environment = runtime_environment()
    samples = {subject.label: ColdSamples() for subject in subjects}
    runs = [(subject, kind) for subject in subjects for kind in ("import", "first")]
    order = random.Random(20261204)
    for round_number in range(1, rounds + 1):
        order.shuffle(runs)
        for subject, kind in runs:
            directory = subject.directory or empty_dir
            if kind == "import":
                elapsed, _ = _timed_run(python, _import_code(subject), directory, environment)
                samples[subject.label].import_ns.append(elapsed)
            else:
                elapsed, output = _timed_run(python, _first_response_code(subject, event_path), directory, environment)
                samples[subject.label].first_response_ns.append(elapsed)
                samples[subject.label].max_rss_kb.append(_parse_max_rss(output))
        if round_number % 5 == 0 or round_number == rounds:
            log(f"cold runs: round {round_number}/{rounds}")
    return samples


def _parse_max_rss(output: str) -> int:
    for line in reversed(output.splitlines()):
        if line.startswith("MAXRSS "):
            return int(line.split()[1])
    raise RuntimeError(f"the cold run printed no MAXRSS line:\n{output}")


def measure_warm(
    python: Path, directory: Path, module: str, handlers: dict[str, str], events_path: Path, iterations: int, output: Path
) -> dict[str, list[int]]:
    """Time each event's handler call ``iterations`` times in one warm interpreter."""
    spec = {
        "directory": str(directory),
        "module": module,
        "handlers": handlers,
        "events_path": str(events_path),
        "iterations": iterations,
        "expected_body": EXPECTED_BODY,
        "output": str(output),
    }
    # The handlers' own log lines go to /dev/null; only the timings matter here.
    result = subprocess.run(
        [str(python), str(WARM_PROBE), json.dumps(spec)],
        cwd=directory,
        env=runtime_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"warm probe failed in {directory} with exit code {result.returncode}:\n{result.stderr}")
    return json.loads(output.read_text(encoding="utf-8"))


def median_ms(values_ns: list[int]) -> float:
    return statistics.median(values_ns) / 1e6


def min_ms(values_ns: list[int]) -> float:
    return min(values_ns) / 1e6


def import_time_by_package(python: Path, subject: Subject, event_path: Path, limit: int) -> list[tuple[str, float]]:
    """Return the self import time in microseconds summed by top-level package, largest first.

    One ``-X importtime`` run of the first-response probe; every module's own
    time counts towards the package its dotted name starts with.
    """
    code = _first_response_code(subject, event_path)
    result = subprocess.run(
        [str(python), "-X", "importtime", "-c", code],
        cwd=subject.directory,
        env=runtime_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"importtime run failed in {subject.directory}:\n{result.stderr}")
    totals: dict[str, float] = {}
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
        package = name.split(".", 1)[0]
        totals[package] = totals.get(package, 0.0) + float(self_us)
    return sorted(totals.items(), key=lambda item: item[1], reverse=True)[:limit]
