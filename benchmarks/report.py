"""Render the benchmark figures as a Markdown page."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from builds import BUILDS, VARIANTS
from measure import ColdSamples

BASELINE = "flask-example/sources"
OURS = "greeting-core/bytecode"
OURS_BUILD = "greeting-core"
BASELINE_BUILD = "flask-example"
BARE = "bare interpreter"

COLD_START_TARGET = 0.45
ZIP_TARGET_BYTES = 1_500_000
EVENT_LABELS = ("REST GET", "REST POST", "HTTP API GET", "HTTP API POST")


@dataclass
class ReportInput:
    """Everything one run measured, plus the facts that identify the run."""

    date: datetime
    machine: dict[str, str]
    interpreter: dict[str, str]
    runtime: str
    host_python: str
    runs: int
    requests: int
    build_info: dict[str, Any]
    sizes: dict[str, dict[str, int]]
    cold: dict[str, ColdSamples]
    warm: dict[str, dict[str, list[int]]]
    import_profile: list[tuple[str, float]]
    zip_breakdown: list[tuple[str, int]]
    duration_s: float
    command: str


def _ms(value_ns: float) -> str:
    return f"{value_ns / 1e6:.1f}"


def _us(value_ns: float) -> str:
    return f"{value_ns / 1e3:.0f}"


def _mb(value_bytes: int) -> str:
    return f"{value_bytes / 1e6:.2f}"


def _percentile(values: list[int], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class ColdFigures:
    """Cold-start times net of a bare interpreter start, in nanoseconds."""

    import_median: float
    import_min: float
    first_median: float
    first_min: float
    max_rss_kb: float


def net_cold_figures(cold: dict[str, ColdSamples]) -> dict[str, ColdFigures]:
    """Subtract the bare interpreter's median and minimum from every subject's."""
    bare = cold[BARE]
    bare_import_median = statistics.median(bare.import_ns)
    bare_first_median = statistics.median(bare.first_response_ns)
    figures = {}
    for label, samples in cold.items():
        if label == BARE:
            continue
        figures[label] = ColdFigures(
            import_median=statistics.median(samples.import_ns) - bare_import_median,
            import_min=min(samples.import_ns) - min(bare.import_ns),
            first_median=statistics.median(samples.first_response_ns) - bare_first_median,
            first_min=min(samples.first_response_ns) - min(bare.first_response_ns),
            max_rss_kb=statistics.median(samples.max_rss_kb),
        )
    return figures


def _warm_medians(warm: dict[str, dict[str, list[int]]], build: str) -> dict[str, float]:
    return {label: statistics.median(values) for label, values in warm[build].items()}


def _target_section(data: ReportInput, figures: dict[str, ColdFigures]) -> list[str]:
    lines = ["## Targets", "", "| Target | Limit | Measured | Result |", "|---|---|---|---|"]

    ratio = figures[OURS].first_median / figures[BASELINE].first_median
    verdict = "holds" if ratio <= COLD_START_TARGET else f"misses by {(ratio - COLD_START_TARGET) * 100:.0f} points"
    lines.append(
        f"| Cold start to first response, median, against the Flask example as shipped | ≤ {COLD_START_TARGET:.2f}× "
        f"| {ratio:.2f}× ({_ms(figures[OURS].first_median)} ms against {_ms(figures[BASELINE].first_median)} ms) | {verdict} |"
    )
    import_ratio = figures[OURS].import_median / figures[BASELINE].import_median
    verdict = "holds" if import_ratio <= COLD_START_TARGET else f"misses by {(import_ratio - COLD_START_TARGET) * 100:.0f} points"
    lines.append(
        f"| Cold import of the handler alone, median | ≤ {COLD_START_TARGET:.2f}× "
        f"| {import_ratio:.2f}× ({_ms(figures[OURS].import_median)} ms against {_ms(figures[BASELINE].import_median)} ms) | {verdict} |"
    )

    ours_warm = _warm_medians(data.warm, OURS_BUILD)
    baseline_warm = _warm_medians(data.warm, BASELINE_BUILD)
    for label in EVENT_LABELS:
        warm_ratio = ours_warm[label] / baseline_warm[label]
        verdict = "holds" if warm_ratio <= 1.0 else f"misses by {(warm_ratio - 1) * 100:.0f}%"
        lines.append(
            f"| Warm {label} latency, median | ≤ 1.00× | {warm_ratio:.2f}× "
            f"({_us(ours_warm[label])} µs against {_us(baseline_warm[label])} µs) | {verdict} |"
        )

    zip_bytes = data.sizes[OURS]["zip_bytes"]
    verdict = "holds" if zip_bytes <= ZIP_TARGET_BYTES else f"misses by {_mb(zip_bytes - ZIP_TARGET_BYTES)} MB"
    lines.append(f"| Zip size with bytecode | ≤ {_mb(ZIP_TARGET_BYTES)} MB | {_mb(zip_bytes)} MB | {verdict} |")
    return lines


def _cold_section(data: ReportInput, figures: dict[str, ColdFigures]) -> list[str]:
    bare = data.cold[BARE]
    baseline = figures[BASELINE]
    lines = [
        "## Cold start",
        "",
        (
            f"Milliseconds after a bare interpreter start, which took {_ms(statistics.median(bare.import_ns))} ms "
            f"(median) and {_ms(min(bare.import_ns))} ms (minimum). Ratios compare medians with the Flask example as shipped. "
            "Peak memory is the median `ru_maxrss` of the interpreter after its first response."
        ),
        "",
        "| Build | Zip contents | Import: median | Import: min | Import ratio | First response: median | First response: min | First response ratio | Peak memory |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for build in BUILDS:
        for variant in VARIANTS:
            label = f"{build.key}/{variant}"
            figure = figures[label]
            contents = "sources only" if variant == "sources" else "sources + bytecode"
            lines.append(
                f"| {build.title} | {contents} | {_ms(figure.import_median)} ms | {_ms(figure.import_min)} ms "
                f"| {figure.import_median / baseline.import_median:.2f}× | {_ms(figure.first_median)} ms "
                f"| {_ms(figure.first_min)} ms | {figure.first_median / baseline.first_median:.2f}× "
                f"| {figure.max_rss_kb / 1024:.1f} MiB |"
            )
    return lines


def _warm_section(data: ReportInput) -> list[str]:
    baseline = _warm_medians(data.warm, BASELINE_BUILD)
    lines = [
        "## Warm requests",
        "",
        (
            "Microseconds per handler call in one warm interpreter: median, with the 90th percentile in brackets, "
            f"over {data.requests} calls per event after 50 warm-up rounds; the ratio compares medians with the Flask example."
        ),
        "",
        "| Build | " + " | ".join(EVENT_LABELS) + " |",
        "|---|" + "---:|" * len(EVENT_LABELS),
    ]
    for build in BUILDS:
        cells = []
        for label in EVENT_LABELS:
            values = data.warm[build.key].get(label)
            if values is None:
                cells.append("not supported")
                continue
            median = statistics.median(values)
            cells.append(f"{_us(median)} ({_us(_percentile(values, 0.9))}), {median / baseline[label]:.2f}×")
        lines.append(f"| {build.title} | " + " | ".join(cells) + " |")
    notes = [build for build in BUILDS if build.note]
    if notes:
        lines.append("")
        lines.extend(f"{build.title}: {build.note}" for build in notes)
    return lines


def _size_section(data: ReportInput) -> list[str]:
    lines = [
        "## Package size",
        "",
        "Sizes in MB (10^6 bytes). Every zip is written the same way: deflate level 9, sorted entries, fixed dates.",
        "",
        "| Build | Zip contents | Zip | Unpacked | Files |",
        "|---|---|---:|---:|---:|",
    ]
    for build in BUILDS:
        for variant in VARIANTS:
            size = data.sizes[f"{build.key}/{variant}"]
            contents = "sources only" if variant == "sources" else "sources + bytecode"
            lines.append(
                f"| {build.title} | {contents} | {_mb(size['zip_bytes'])} | {_mb(size['unpacked_bytes'])} | {size['files']} |"
            )
    return lines


def _breakdown_section(data: ReportInput) -> list[str]:
    lines = [
        "## Where greeting_core's cost goes",
        "",
        (
            "Import time spent in each top-level package's own modules (self time, summed) while the bytecode zip's "
            "handler serves its first request, from one `python -X importtime` run (so noisier than the tables above):"
        ),
        "",
        "| Package | Self import time |",
        "|---|---:|",
    ]
    lines.extend(f"| `{module}` | {microseconds / 1000:.1f} ms |" for module, microseconds in data.import_profile)
    lines.extend(
        [
            "",
            "Compressed bytes in the bytecode zip by top-level entry:",
            "",
            "| Entry | Compressed size |",
            "|---|---:|",
        ]
    )
    lines.extend(f"| `{name}` | {size / 1000:.0f} kB |" for name, size in data.zip_breakdown)
    return lines


def _versions_section(data: ReportInput) -> list[str]:
    lines = [
        "## Machine and versions",
        "",
        f"- Date: {data.date:%Y-%m-%d %H:%M} UTC; the whole run took {data.duration_s:.0f} s.",
        f"- Command: `{data.command}` ({data.runs} cold rounds, {data.requests} warm requests per event).",
        f"- Machine: {data.machine['system']}, {data.machine['cpu']}, {data.machine['cores']} cores, {data.machine['memory']} memory.",
        (
            f"- Runtime: `{data.runtime}` zips run by {data.interpreter['implementation']} {data.interpreter['version']} "
            f"({data.interpreter['compiler']}, build {data.interpreter['build']}), with default options "
            "(frozen standard-library modules on, as in a release build) and `PYTHONDONTWRITEBYTECODE=1`."
        ),
        f"- The harness itself and pip ran on Python {data.host_python}.",
        "",
        "| Build | Bytecode compiled by | Distributions in the zip |",
        "|---|---|---|",
    ]
    for build in BUILDS:
        info = data.build_info[build.key]
        distributions = ", ".join(f"{name} {version}" for name, version in sorted(info["distributions"].items(), key=lambda item: item[0].lower()))
        lines.append(f"| {build.title} | {info['bytecode_origin']} | {distributions} |")
    return lines


INTRODUCTION = (
    "Cold start, warm latency and package size of greeting_core against the Serverless Framework's Flask example, "
    "Chalice and Powertools, all serving one hello service. Written by `make bench`; every figure below comes from "
    'the run described under "Machine and versions".'
)

METHOD = """\
## Method

- Every build serves the same service: `GET /?name=Ada` and `POST /` with the
  body `Ada` both answer `Hello Ada World!` as text. Each response is checked
  before anything is timed.
- Builds: the Serverless Framework's Flask example (Flask plus the
  serverless-wsgi plugin's `wsgi_handler.py`, `serverless_wsgi.py` and
  `.serverless-wsgi`); a Chalice app with the two runtime files that
  `chalice package` ships; Powertools' `APIGatewayRestResolver` and
  `APIGatewayHttpResolver`; and greeting_core in a project baked from the
  template and zipped by that project's `scripts/build_artifact.py`. All
  dependencies come from `pip install --platform manylinux2014_x86_64
  --only-binary=:all: --implementation cp --python-version` of the runtime.
- "Sources only" is how the plain example ships: with `/var/task` read-only,
  Python compiles every module again on each cold start. "Sources + bytecode"
  adds unchecked-hash `.pyc` files compiled by the runtime's Python version
  next to the sources.
- Cold start: each zip is unpacked as Lambda unpacks it, then a fresh
  interpreter runs `python -c` in that folder (so it is first on `sys.path`,
  as `/var/task` is) with a clean environment. "Import" runs
  `import <handler module>`; "first response" imports the handler, serves one
  REST `GET` and records `ru_maxrss`. greeting_core builds its Flask app on the
  first call, so only "first response" compares like with like; the target is
  judged on it. Every round starts every subject in a new random order, and
  the bare interpreter's start (`python -c pass` and the same probe with a
  trivial handler) is subtracted. The Lambda runtime's own start-up is the
  same for every build and is not part of these figures.
- Warm requests: one interpreter imports the bytecode zip's handler and calls
  it with each event in turn; the handler's output goes to `/dev/null`.
  greeting_core writes one JSON access-log line per request, which the other
  builds do not.
- This is a shared 2-core virtual machine, so single runs vary by several
  milliseconds; compare medians from the same run, not across runs.
"""


def render(data: ReportInput) -> str:
    """Return the whole results page."""
    figures = net_cold_figures(data.cold)
    sections = [
        ["# Benchmark results", "", INTRODUCTION],
        _target_section(data, figures),
        _cold_section(data, figures),
        _warm_section(data),
        _size_section(data),
        _breakdown_section(data),
        _versions_section(data),
        [METHOD.rstrip()],
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
