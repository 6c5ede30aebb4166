"""Benchmark cold start, warm latency and package size against plain Flask, Chalice and Powertools.

Builds every zip under benchmarks/.work/, runs them in fresh interpreters of
the Lambda runtime's Python version and writes benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import artifacts
import builds
import measure
import report
from events import benchmark_events

BENCHMARKS_DIR = Path(__file__).resolve().parent
DEFAULT_WORK_DIR = BENCHMARKS_DIR / ".work"
DEFAULT_OUTPUT = BENCHMARKS_DIR / "RESULTS.md"
# Warm calls per event under valgrind; the count is exact, so a few suffice.
INSTRUCTION_REQUESTS = 100
QUIET_ENVIRONMENT = {"GREETING_LOG_LEVEL": "WARNING"}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="cold-start rounds; each round starts every zip twice (default: 30)")
    parser.add_argument("--requests", type=int, default=2000, help="timed warm requests per event type and build (default: 2000)")
    parser.add_argument("--runtime", default="python3.12", help="Lambda runtime whose Python version runs the zips (default: python3.12)")
    parser.add_argument("--no-instructions", action="store_true", help="skip the instruction counts under valgrind (about 2 minutes)")
    parser.add_argument("--reuse-builds", action="store_true", help="measure the zips of the previous run instead of building them again")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR, help="folder for builds, zips and venvs (default: benchmarks/.work)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown page to write (default: benchmarks/RESULTS.md)")
    arguments = parser.parse_args(argv)
    if arguments.runs < 3:
        parser.error(f"--runs {arguments.runs} is too few for a median; use 3 or more.")
    if arguments.requests < 10:
        parser.error(f"--requests {arguments.requests} is too few for a median; use 10 or more.")
    if not arguments.runtime.startswith("python3.") or not arguments.runtime.removeprefix("python3.").isdigit():
        parser.error(f"--runtime {arguments.runtime!r} is not a Lambda Python runtime; use a name such as python3.12.")
    return arguments


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def runtime_interpreter(runtime: str, work_dir: Path) -> Path:
    """Return the python of a venv without packages, made from the runtime's interpreter.

    The venv hides whatever the base interpreter has installed, so a zip that
    lacks a dependency fails here as it would on Lambda.
    """
    command = runtime  # python3.12 and so on
    base = shutil.which(command)
    if base is None:
        raise SystemExit(
            f"ERROR: {command} was not found on PATH. The benchmark runs the zips with the runtime's exact Python "
            f"version; install {command}, or with pyenv list it in PYENV_VERSION (make bench does so)."
        )
    # pyenv's shims are shell scripts; resolve the real binary once.
    real = subprocess.run(
        [base, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    venv = work_dir / f"runtime-{runtime}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([real, "-m", "venv", "--without-pip", "--clear", str(venv)], check=True)
    return python


def describe_interpreter(python: Path) -> dict[str, str]:
    code = (
        "import json, platform, sys; "
        "print(json.dumps({'version': platform.python_version(), 'implementation': platform.python_implementation(), "
        "'build': ' '.join(platform.python_build()), 'compiler': platform.python_compiler()}))"
    )
    return json.loads(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout)


def describe_machine() -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
    }


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    work_dir = arguments.work_dir.resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    load_at_start = f"{os.getloadavg()[0]:.2f}"

    python = runtime_interpreter(arguments.runtime, work_dir)
    interpreter = describe_interpreter(python)
    expected_version = arguments.runtime.removeprefix("python")
    if not interpreter["version"].startswith(expected_version + "."):
        raise SystemExit(f"ERROR: {python} is Python {interpreter['version']}, not {expected_version}. Delete {python.parent.parent} and run again.")
    log(f"runtime interpreter: Python {interpreter['version']} at {python}")

    metadata_path = work_dir / "builds.json"
    if arguments.reuse_builds:
        if not metadata_path.exists():
            raise SystemExit(f"ERROR: --reuse-builds needs a previous run's {metadata_path}; run once without it.")
        build_info = json.loads(metadata_path.read_text(encoding="utf-8"))
    else:
        outputs = builds.build_all(work_dir, python, arguments.runtime, log)
        build_info = {
            output.build.key: {"distributions": output.distributions, "bytecode_origin": output.bytecode_origin}
            for output in outputs
        }
        metadata_path.write_text(json.dumps(build_info, indent=2), encoding="utf-8")

    events_path = work_dir / "events.json"
    events = benchmark_events()
    events_path.write_text(json.dumps(events, indent=2), encoding="utf-8")
    # Every cold run serves the first request a deployed API would get: a REST GET.
    cold_event_path = work_dir / "cold-event.json"
    cold_event_path.write_text(json.dumps(events["REST GET"], indent=2), encoding="utf-8")

    sizes = {}
    subjects = [measure.Subject("bare interpreter", None, None, None)]
    for build in builds.BUILDS:
        for variant in builds.VARIANTS:
            label = f"{build.key}/{variant}"
            zip_path = build.zip_path(work_dir, variant)
            unpacked = work_dir / "unpacked" / f"{build.key}-{variant}"
            artifacts.unpack_zip(zip_path, unpacked)
            unpacked_bytes, files = artifacts.tree_size(unpacked)
            sizes[label] = {"zip_bytes": zip_path.stat().st_size, "unpacked_bytes": unpacked_bytes, "files": files}
            subjects.append(measure.Subject(label, unpacked, build.module, build.rest_handler))

    empty_dir = work_dir / "empty"
    empty_dir.mkdir(exist_ok=True)
    log(f"cold runs: {arguments.runs} rounds of {len(subjects) * 2} fresh interpreters")
    cold = measure.measure_cold(python, subjects, cold_event_path, arguments.runs, empty_dir, log)

    warm_subjects = []
    for build in builds.BUILDS:
        handlers = {"REST GET": build.rest_handler, "REST POST": build.rest_handler}
        if build.http_handler is not None:
            handlers.update({"HTTP API GET": build.http_handler, "HTTP API POST": build.http_handler})
        directory = work_dir / "unpacked" / f"{build.key}-bytecode"
        warm_subjects.append(measure.WarmSubject(build.key, directory, build.module, handlers))
    warm = measure.measure_warm(
        python, warm_subjects, events_path, arguments.requests, measure.WARM_CHUNK, work_dir, log
    )

    cold_instructions = warm_instructions = None
    if arguments.no_instructions:
        log("instruction counts: skipped (--no-instructions)")
    elif not measure.valgrind_available():
        log("instruction counts: skipped because valgrind is not installed")
    else:
        cold_instructions = measure.count_cold_instructions(python, subjects, cold_event_path, empty_dir, log)
        # The same zip without its access log line shows what logging costs per request.
        ours = warm_subjects[-1]
        quiet = measure.WarmSubject(report.OURS_QUIET, ours.directory, ours.module, ours.handlers, QUIET_ENVIRONMENT)
        warm_instructions = measure.count_warm_instructions(
            python, [*warm_subjects, quiet], events_path, INSTRUCTION_REQUESTS, work_dir, log
        )

    ours = next(subject for subject in subjects if subject.label == report.OURS)
    import_profile = measure.import_time_by_package(python, ours, cold_event_path, limit=12)
    zip_breakdown = artifacts.compressed_size_by_entry(builds.BUILDS[-1].zip_path(work_dir, "bytecode"), limit=12)

    page = report.render(
        report.ReportInput(
            date=datetime.now(UTC),
            machine=describe_machine(),
            load_average=(load_at_start, f"{os.getloadavg()[0]:.2f}"),
            interpreter=interpreter,
            runtime=arguments.runtime,
            host_python=platform.python_version(),
            runs=arguments.runs,
            requests=arguments.requests,
            build_info=build_info,
            sizes=sizes,
            cold=cold,
            warm=warm,
            cold_instructions=cold_instructions,
            warm_instructions=warm_instructions,
            import_profile=import_profile,
            zip_breakdown=zip_breakdown,
            duration_s=time.monotonic() - started,
            command=" ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]).strip(),
        )
    )
    arguments.output.write_text(page, encoding="utf-8")
    log(f"wrote {arguments.output} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
