"""Time cold starts and warm requests of the unpacked zips in fresh interpreters."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from events import EXPECTED_BODY

BENCHMARKS_DIR = Path(__file__).resolve().parent
WARM_PROBE = BENCHMARKS_DIR / "warm_probe.py"
# Warm requests per event in one interpreter before the next build takes a turn.
WARM_CHUNK = 250

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

# Runs in the fresh interpreter: import the handler, then serve one request.
FIRST_RESPONSE_CODE = """\
{handler_import}
import json, sys
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
    """Wall-clock and CPU times in nanoseconds of each kind of fresh-interpreter run, and peak memory."""

    import_wall_ns: list[int] = field(default_factory=list)
    import_cpu_ns: list[int] = field(default_factory=list)
    first_wall_ns: list[int] = field(default_factory=list)
    first_cpu_ns: list[int] = field(default_factory=list)
    max_rss_kb: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RunUsage:
    """Resources used by one finished interpreter."""

    wall_ns: int
    cpu_ns: int
    max_rss_kb: int


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


def _timed_run(python: Path, code: str, directory: Path, environment: dict[str, str]) -> RunUsage:
    """Run ``python -c code`` in ``directory`` and return its wall time, CPU time and peak memory.

    ``os.wait4`` reports the child's own user and system time, which other
    processes on a busy machine barely change, unlike its wall-clock time.
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter_ns()
        process = subprocess.Popen(
            [str(python), "-c", code], cwd=directory, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter_ns() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            output.seek(0)
            text = output.read().decode("utf-8", "replace")
            raise RuntimeError(f"cold run failed in {directory} with exit code {process.returncode}:\n{code}\n{text}")
    cpu_ns = round((usage.ru_utime + usage.ru_stime) * 1e9)
    return RunUsage(wall_ns=elapsed, cpu_ns=cpu_ns, max_rss_kb=usage.ru_maxrss)


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
            figures = samples[subject.label]
            if kind == "import":
                usage = _timed_run(python, _import_code(subject), directory, environment)
                figures.import_wall_ns.append(usage.wall_ns)
                figures.import_cpu_ns.append(usage.cpu_ns)
            else:
                usage = _timed_run(python, _first_response_code(subject, event_path), directory, environment)
                figures.first_wall_ns.append(usage.wall_ns)
                figures.first_cpu_ns.append(usage.cpu_ns)
                figures.max_rss_kb.append(usage.max_rss_kb)
        if round_number % 5 == 0 or round_number == rounds:
            log(f"cold runs: round {round_number}/{rounds}")
    return samples


@dataclass(frozen=True)
class WarmSubject:
    """An unpacked zip and the handler to call for each event label."""

    label: str
    directory: Path
    module: str
    handlers: dict[str, str]
    environment: dict[str, str] = field(default_factory=dict)


@dataclass
class WarmSamples:
    """Per-call wall-clock and thread CPU times in nanoseconds, keyed by event label."""

    wall_ns: dict[str, list[int]] = field(default_factory=dict)
    cpu_ns: dict[str, list[int]] = field(default_factory=dict)


def measure_warm(
    python: Path, subjects: list[WarmSubject], events_path: Path, requests: int, chunk: int, scratch: Path, log
) -> dict[str, WarmSamples]:
    """Time ``requests`` calls per event and subject, in chunks that alternate between subjects.

    Each chunk is a new warm interpreter, so that a burst of load on the
    machine lands on every subject rather than on one.
    """
    samples = {subject.label: WarmSamples() for subject in subjects}
    order = random.Random(20261205)
    remaining = requests
    rounds = 0
    while remaining > 0:
        iterations = min(chunk, remaining)
        remaining -= iterations
        rounds += 1
        shuffled = list(subjects)
        order.shuffle(shuffled)
        for subject in shuffled:
            result = _run_warm_probe(python, subject, events_path, iterations, scratch / f"warm-{subject.label}.json")
            for label, timings in result.items():
                samples[subject.label].wall_ns.setdefault(label, []).extend(timings["wall_ns"])
                samples[subject.label].cpu_ns.setdefault(label, []).extend(timings["cpu_ns"])
    log(f"warm requests: {rounds} rounds of up to {chunk} calls per event and build")
    return samples


def _warm_probe_spec(
    subject: WarmSubject, events_path: Path, iterations: int, output: Path, timed_labels: list[str] | None = None
) -> dict[str, Any]:
    spec = {
        "directory": str(subject.directory),
        "module": subject.module,
        "handlers": subject.handlers,
        "events_path": str(events_path),
        "iterations": iterations,
        "expected_body": EXPECTED_BODY,
        "output": str(output),
    }
    if timed_labels is not None:
        spec["timed_labels"] = timed_labels
    return spec


def _run_warm_probe(
    python: Path, subject: WarmSubject, events_path: Path, iterations: int, output: Path
) -> dict[str, dict[str, list[int]]]:
    spec = _warm_probe_spec(subject, events_path, iterations, output)
    # The handlers' own log lines go to /dev/null because only the timings matter here.
    result = subprocess.run(
        [str(python), str(WARM_PROBE), json.dumps(spec)],
        cwd=subject.directory,
        env=runtime_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"warm probe failed in {subject.directory} with exit code {result.returncode}:\n{result.stderr}")
    return json.loads(output.read_text(encoding="utf-8"))


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


# Cachegrind without its cache simulation only counts executed instructions,
# which makes it the cheapest valgrind tool for that. It ran the cold probes
# roughly 20 times slower than a normal run on the 2-core machine of RESULTS.md.
VALGRIND_COMMAND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")
INSTRUCTIONS_PATTERN = re.compile(r"I\s+refs:\s+([\d,]+)")


def valgrind_available() -> bool:
    return shutil.which(VALGRIND_COMMAND[0]) is not None


def _count_instructions(arguments: list[str], directory: Path, extra_environment: dict[str, str] | None = None) -> int:
    """Return the user-space instructions that ``arguments`` executes under valgrind."""
    # A fixed hash seed makes the count repeat exactly from run to run.
    environment = {**runtime_environment(), "PYTHONHASHSEED": "0", **(extra_environment or {})}
    result = subprocess.run(
        [*VALGRIND_COMMAND, *arguments], cwd=directory, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"valgrind run failed in {directory} with exit code {result.returncode}:\n{result.stderr[-4000:]}")
    match = INSTRUCTIONS_PATTERN.search(result.stderr)
    if match is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{result.stderr[-4000:]}")
    return int(match.group(1).replace(",", ""))


def count_cold_instructions(
    python: Path, subjects: list[Subject], event_path: Path, empty_dir: Path, log
) -> dict[str, dict[str, int]]:
    """Return the instructions of each subject's import and of its import and first response, keyed "import" and "first"."""
    jobs = [(subject, kind) for subject in subjects for kind in ("import", "first")]

    def count(job: tuple[Subject, str]) -> int:
        subject, kind = job
        code = _import_code(subject) if kind == "import" else _first_response_code(subject, event_path)
        return _count_instructions([str(python), "-c", code], subject.directory or empty_dir)

    # Counts do not depend on load, so the runs may share the cores.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        totals = list(pool.map(count, jobs))
    counts: dict[str, dict[str, int]] = {subject.label: {} for subject in subjects}
    for (subject, kind), total in zip(jobs, totals, strict=True):
        counts[subject.label][kind] = total
    log(f"instruction counts: {len(jobs)} cold runs")
    return counts


def count_warm_instructions(
    python: Path, subjects: list[WarmSubject], events_path: Path, requests: int, scratch: Path, log
) -> dict[str, dict[str, float]]:
    """Return the instructions per warm call of each subject and event.

    One run stops after the warm-up, and one per event adds ``requests`` calls;
    the difference divided by ``requests`` is one call's cost.
    """
    jobs = []
    for subject in subjects:
        jobs.append((subject, None))
        jobs.extend((subject, label) for label in subject.handlers)

    def count(job: tuple[WarmSubject, str | None]) -> int:
        subject, label = job
        name = f"valgrind-{subject.label}-{label or 'baseline'}.json".replace(" ", "-")
        spec = _warm_probe_spec(
            subject, events_path, requests if label else 0, scratch / name, [label] if label else []
        )
        return _count_instructions([str(python), str(WARM_PROBE), json.dumps(spec)], subject.directory, subject.environment)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        totals = list(pool.map(count, jobs))
    baselines = {subject.label: total for (subject, label), total in zip(jobs, totals, strict=True) if label is None}
    per_call: dict[str, dict[str, float]] = {subject.label: {} for subject in subjects}
    for (subject, label), total in zip(jobs, totals, strict=True):
        if label is not None:
            per_call[subject.label][label] = (total - baselines[subject.label]) / requests
    log(f"instruction counts: {len(jobs)} warm runs")
    return per_call
