"""Render the benchmark figures as a Markdown page."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from builds import BUILDS, VARIANTS
from measure import WARM_CHUNK, ColdSamples, WarmSamples

BASELINE = "flask-example/sources"
OURS = "greeting-core/bytecode"
OURS_BUILD = "greeting-core"
BASELINE_BUILD = "flask-example"
BARE = "bare interpreter"
OURS_QUIET = "greeting-core-without-access-log"

COLD_START_TARGET = 0.45
# CPU-time medians of one zip moved by about this much between runs on the
# 2-core machine of RESULTS.md, so smaller differences are not findings.
NOISE_PERCENT = 5
ZIP_TARGET_BYTES = 1_500_000
EVENT_LABELS = ("REST GET", "REST POST", "HTTP API GET", "HTTP API POST")


@dataclass
class ReportInput:
    """Everything one run measured, plus the facts that identify the run."""

    date: datetime
    machine: dict[str, str]
    load_average: tuple[str, str]
    interpreter: dict[str, str]
    runtime: str
    host_python: str
    runs: int
    requests: int
    build_info: dict[str, Any]
    sizes: dict[str, dict[str, int]]
    cold: dict[str, ColdSamples]
    warm: dict[str, WarmSamples]
    cold_instructions: dict[str, dict[str, int]] | None
    warm_instructions: dict[str, dict[str, float]] | None
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


@dataclass(frozen=True)
class NetTime:
    """Median and minimum of one kind of cold run, net of a bare interpreter start, in nanoseconds."""

    median: float
    minimum: float


@dataclass(frozen=True)
class ColdFigures:
    """The net cold-start times of one zip and its median peak memory."""

    import_cpu: NetTime
    import_wall: NetTime
    first_cpu: NetTime
    first_wall: NetTime
    max_rss_kb: float


def _net(values: list[int], bare: list[int]) -> NetTime:
    return NetTime(median=statistics.median(values) - statistics.median(bare), minimum=min(values) - min(bare))


def net_cold_figures(cold: dict[str, ColdSamples]) -> dict[str, ColdFigures]:
    """Subtract the bare interpreter's median and minimum from every subject's."""
    bare = cold[BARE]
    figures = {}
    for label, samples in cold.items():
        if label == BARE:
            continue
        figures[label] = ColdFigures(
            import_cpu=_net(samples.import_cpu_ns, bare.import_cpu_ns),
            import_wall=_net(samples.import_wall_ns, bare.import_wall_ns),
            first_cpu=_net(samples.first_cpu_ns, bare.first_cpu_ns),
            first_wall=_net(samples.first_wall_ns, bare.first_wall_ns),
            max_rss_kb=statistics.median(samples.max_rss_kb),
        )
    return figures


def _verdict(ratio: float, limit: float) -> str:
    if ratio <= limit:
        return "holds"
    return f"misses by {(ratio / limit - 1) * 100:.0f}%"


def _target_section(data: ReportInput, figures: dict[str, ColdFigures]) -> list[str]:
    counted = data.cold_instructions is not None and data.warm_instructions is not None
    lines = [
        "## Targets",
        "",
        (
            "Each verdict is judged on the CPU-time medians: the child's user and system time, which load from other "
            "work on this shared machine changes far less than wall-clock time. Instruction counts, which load does "
            "not change at all, are a cross-check; they leave out kernel work such as reading files, so they favour "
            "bytecode somewhat."
        ),
        "",
        "| Target | Limit | CPU-time median | Wall-clock median | Instructions | Result |",
        "|---|---|---|---|---|---|",
    ]

    ours, baseline = figures[OURS], figures[BASELINE]
    cold_rows = (
        ("Cold start to first response, against the Flask example as shipped", "first"),
        ("Cold import of the handler alone, against the same", "import"),
    )
    for title, kind in cold_rows:
        ours_cpu, baseline_cpu = getattr(ours, f"{kind}_cpu"), getattr(baseline, f"{kind}_cpu")
        ours_wall, baseline_wall = getattr(ours, f"{kind}_wall"), getattr(baseline, f"{kind}_wall")
        cpu_ratio = ours_cpu.median / baseline_cpu.median
        instructions_cell = "not counted"
        if counted:
            instructions_cell = f"{_net_instructions(data, OURS, kind) / _net_instructions(data, BASELINE, kind):.2f}×"
        lines.append(
            f"| {title} | ≤ {COLD_START_TARGET:.2f}× "
            f"| {cpu_ratio:.2f}× ({_ms(ours_cpu.median)} ms against {_ms(baseline_cpu.median)} ms) "
            f"| {ours_wall.median / baseline_wall.median:.2f}× | {instructions_cell} "
            f"| {_verdict(cpu_ratio, COLD_START_TARGET)} |"
        )

    ours_warm, baseline_warm = data.warm[OURS_BUILD], data.warm[BASELINE_BUILD]
    for label in EVENT_LABELS:
        ours_cpu = statistics.median(ours_warm.cpu_ns[label])
        baseline_cpu = statistics.median(baseline_warm.cpu_ns[label])
        wall_ratio = statistics.median(ours_warm.wall_ns[label]) / statistics.median(baseline_warm.wall_ns[label])
        instructions_cell = "not counted"
        if counted:
            instructions_cell = f"{data.warm_instructions[OURS_BUILD][label] / data.warm_instructions[BASELINE_BUILD][label]:.2f}×"
        lines.append(
            f"| Warm {label} request | ≤ 1.00× "
            f"| {ours_cpu / baseline_cpu:.2f}× ({_us(ours_cpu)} µs against {_us(baseline_cpu)} µs) "
            f"| {wall_ratio:.2f}× | {instructions_cell} | {_verdict(ours_cpu / baseline_cpu, 1.0)} |"
        )

    zip_bytes = data.sizes[OURS]["zip_bytes"]
    verdict = "holds" if zip_bytes <= ZIP_TARGET_BYTES else f"misses by {_mb(zip_bytes - ZIP_TARGET_BYTES)} MB"
    lines.append(f"| Zip size with bytecode | ≤ {_mb(ZIP_TARGET_BYTES)} MB | {_mb(zip_bytes)} MB | | | {verdict} |")
    return lines


def _net_instructions(data: ReportInput, label: str, kind: str = "first") -> int:
    return data.cold_instructions[label][kind] - data.cold_instructions[BARE][kind]


def _instruction_section(data: ReportInput) -> list[str]:
    if data.cold_instructions is None or data.warm_instructions is None:
        return ["## Instruction counts", "", "Not counted in this run: valgrind was missing or `--no-instructions` was given."]
    lines = [
        "## Instruction counts",
        "",
        (
            "User-space instructions counted by valgrind's cachegrind (`--cache-sim=no`, `PYTHONHASHSEED=0`). Cold "
            "starts: one run per zip and kind, less a bare interpreter (`python -c pass`, or the first-response probe "
            "with a trivial handler). Warm calls: the difference between a run with 100 calls of one event and a run "
            "without, divided by 100. Kernel work such as reading files is not counted."
        ),
        "",
        "| Build | Zip contents | Import (millions) | Ratio | Import and first response (millions) | Ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for build in BUILDS:
        for variant in VARIANTS:
            label = f"{build.key}/{variant}"
            contents = "sources only" if variant == "sources" else "sources + bytecode"
            cells = []
            for kind in ("import", "first"):
                net = _net_instructions(data, label, kind)
                cells.append(f"{net / 1e6:.0f} | {net / _net_instructions(data, BASELINE, kind):.2f}×")
            lines.append(f"| {build.title} | {contents} | " + " | ".join(cells) + " |")
    lines.extend(["", "| Build | " + " | ".join(f"{label} (thousands)" for label in EVENT_LABELS) + " |"])
    lines.append("|---|" + "---:|" * len(EVENT_LABELS))
    baseline_warm = data.warm_instructions[BASELINE_BUILD]
    for build in BUILDS:
        cells = []
        for label in EVENT_LABELS:
            value = data.warm_instructions[build.key].get(label)
            cells.append("not supported" if value is None else f"{value / 1e3:.0f}, {value / baseline_warm[label]:.2f}×")
        lines.append(f"| {build.title} | " + " | ".join(cells) + " |")
    quiet = data.warm_instructions.get(OURS_QUIET)
    if quiet:
        cells = [f"{quiet[label] / 1e3:.0f}, {quiet[label] / baseline_warm[label]:.2f}×" for label in EVENT_LABELS]
        lines.append("| greeting_core with `GREETING_LOG_LEVEL=WARNING` (no access log line) | " + " | ".join(cells) + " |")
    return lines


def _cold_table(figures: dict[str, ColdFigures], kind: str, with_memory: bool) -> list[str]:
    header = "| Build | Zip contents | CPU median | CPU min | Wall median | Wall min | Ratio (CPU) | Ratio (wall) |"
    rule = "|---|---|---:|---:|---:|---:|---:|---:|"
    if with_memory:
        header += " Peak memory |"
        rule += "---:|"
    lines = [header, rule]
    baseline = figures[BASELINE]
    for build in BUILDS:
        for variant in VARIANTS:
            figure = figures[f"{build.key}/{variant}"]
            cpu, wall = getattr(figure, f"{kind}_cpu"), getattr(figure, f"{kind}_wall")
            base_cpu, base_wall = getattr(baseline, f"{kind}_cpu"), getattr(baseline, f"{kind}_wall")
            contents = "sources only" if variant == "sources" else "sources + bytecode"
            row = (
                f"| {build.title} | {contents} | {_ms(cpu.median)} ms | {_ms(cpu.minimum)} ms | {_ms(wall.median)} ms "
                f"| {_ms(wall.minimum)} ms | {cpu.median / base_cpu.median:.2f}× | {wall.median / base_wall.median:.2f}× |"
            )
            if with_memory:
                row += f" {figure.max_rss_kb / 1024:.1f} MiB |"
            lines.append(row)
    return lines


def _cold_section(data: ReportInput, figures: dict[str, ColdFigures]) -> list[str]:
    bare = data.cold[BARE]
    lines = [
        "## Cold start",
        "",
        (
            "Milliseconds after a bare interpreter start, which used "
            f"{_ms(statistics.median(bare.import_cpu_ns))} ms of CPU time and took {_ms(statistics.median(bare.import_wall_ns))} ms "
            f"of wall-clock time (medians). CPU time is the child's user plus system time; ratios compare medians "
            "with the Flask example as shipped."
        ),
        "",
        "Import of the handler module:",
        "",
        *_cold_table(figures, "import", with_memory=False),
        "",
        "Import and first response (a REST `GET`), with the median peak resident memory (`ru_maxrss`) of the interpreter:",
        "",
        *_cold_table(figures, "first", with_memory=True),
    ]
    return lines


def _warm_section(data: ReportInput) -> list[str]:
    lines = [
        "## Warm requests",
        "",
        (
            "Microseconds per handler call in a warm interpreter: median, with the 90th percentile in brackets, "
            f"over {data.requests} calls per event. The ratio compares medians with the Flask example."
        ),
        "",
    ]
    for title, attribute in (("Thread CPU time:", "cpu_ns"), ("Wall-clock time:", "wall_ns")):
        baseline = getattr(data.warm[BASELINE_BUILD], attribute)
        lines.extend([title, "", "| Build | " + " | ".join(EVENT_LABELS) + " |", "|---|" + "---:|" * len(EVENT_LABELS)])
        for build in BUILDS:
            timings = getattr(data.warm[build.key], attribute)
            cells = []
            for label in EVENT_LABELS:
                values = timings.get(label)
                if values is None:
                    cells.append("not supported")
                    continue
                median = statistics.median(values)
                cells.append(f"{_us(median)} ({_us(_percentile(values, 0.9))}), {median / statistics.median(baseline[label]):.2f}×")
            lines.append(f"| {build.title} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.extend(f"{build.title}: {build.note}" for build in BUILDS if build.note)
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


def _ours_addition(data: ReportInput, cpu_change: float) -> str:
    """Describe what greeting_core adds to the example's bytecode cold start."""
    subject = "greeting_core's own modules, its `create_app` and its first request"
    cpu = f"{cpu_change * 100:+.0f}% of CPU time"
    if data.cold_instructions is None:
        return f"{subject} change that by {cpu}, where differences below {NOISE_PERCENT}% are noise."
    counted = _net_instructions(data, OURS) / _net_instructions(data, f"{BASELINE_BUILD}/bytecode") - 1
    return (
        f"{subject} add {counted * 100:+.0f}% of instructions to that "
        f"({cpu}, where differences below {NOISE_PERCENT}% are noise)."
    )


def _analysis_lines(data: ReportInput, figures: dict[str, ColdFigures]) -> list[str]:
    """Explain each result with figures from this run."""
    example_sources = figures[BASELINE].first_cpu.median
    example_bytecode = figures[f"{BASELINE_BUILD}/bytecode"].first_cpu.median
    ours = figures[OURS].first_cpu.median
    cold_start = (
        "- Cold start: bytecode removes the compile step that a zip of sources repeats on every cold start. "
        f"The Flask example alone falls to {example_bytecode / example_sources:.2f}× of its CPU time with it; "
        f"{_ours_addition(data, ours / example_bytecode - 1)} "
        "Flask itself imports click, Jinja2 and `werkzeug.serving` (from `flask/app.py` and "
        "`flask/templating.py`), which an API on Lambda does not use, but skipping them would mean stubbing modules "
        "that Flask imports."
    )
    lines = [cold_start]
    if data.warm_instructions is not None and data.warm_instructions.get(OURS_QUIET):
        ours = data.warm_instructions[OURS_BUILD]["REST GET"]
        quiet = data.warm_instructions[OURS_QUIET]["REST GET"]
        baseline = data.warm_instructions[BASELINE_BUILD]["REST GET"]
        lines.append(
            "- Warm requests: greeting_core runs the example's whole path (serverless-wsgi and Flask) plus its own "
            "per-request work: the event checks, the public path middleware, content negotiation on `Accept`, the "
            "standard response headers and the JSON access-log line. The access-log line alone costs "
            f"{(ours - quiet) / 1e3:.0f} thousand of the {(ours - baseline) / 1e3:.0f} thousand extra instructions of a "
            "REST `GET`. greeting_core cannot match the bare example while it keeps these features; it can only narrow the gap."
        )
    sources = data.sizes[f"{OURS_BUILD}/sources"]["zip_bytes"]
    bytecode = data.sizes[OURS]["zip_bytes"]
    lines.append(
        f"- Zip size: the sources compress to {_mb(sources)} MB and the bytecode adds {_mb(bytecode - sources)} MB, "
        "because pyc files hold line tables and marshalled constants that compress less well than source text. "
        "Flask's own dependencies make up most of both, as the table below shows. "
        "The template's build already leaves out type stubs, `py.typed` markers, MarkupSafe's C source, the "
        "Werkzeug debugger's browser assets and the bytecode of the modules that an API handler never imports "
        "(terminal, shell completion, test client, development server and template extension modules). "
        "What remains is the bytecode that a cold start loads and the sources that keep tracebacks readable; "
        "a smaller zip would mean dropping those sources or modules that Flask imports."
    )
    return lines


def _breakdown_section(data: ReportInput, figures: dict[str, ColdFigures]) -> list[str]:
    lines = [
        "## Where greeting_core's cost goes",
        "",
        *_analysis_lines(data, figures),
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
        f"- Load average (1 minute) at the start and the end of the run: {data.load_average[0]} and {data.load_average[1]}.",
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
  body `Ada` both return `Hello Ada World!` as text. Each response is checked
  before anything is timed.
- Builds: the Serverless Framework's Flask example (Flask plus the
  serverless-wsgi plugin's `wsgi_handler.py`, `serverless_wsgi.py` and
  `.serverless-wsgi`); a Chalice app with the two runtime files that
  `chalice package` ships; Powertools' `APIGatewayRestResolver` and
  `APIGatewayHttpResolver`; and greeting_core in a project baked from the
  template and zipped by that project's `scripts/build_artifact.py`. All
  dependencies come from `pip install --platform manylinux2014_<machine>
  --only-binary=:all: --implementation cp --python-version <runtime's>`.
- "Sources only" is how the plain example ships: with `/var/task` read-only,
  Python compiles every module again on each cold start. "Sources + bytecode"
  adds unchecked-hash `.pyc` files compiled by the runtime's Python version
  next to the sources.
- Cold start: each zip is unpacked as Lambda unpacks it, then a fresh
  interpreter runs `python -c` in that folder (so it is first on `sys.path`,
  as `/var/task` is) with a clean environment. "Import" runs
  `import <handler module>`; "first response" imports the handler, serves one
  REST `GET` and records `ru_maxrss`. greeting_core builds its Flask app on the
  first call while the example builds it at import, so "first response" is the
  row that compares like with like. Every round starts every subject in a new
  random order, and the bare interpreter's start (`python -c pass` and the
  same probe with a trivial handler) is subtracted. CPU time is the child's
  user and system time from `os.wait4`. The Lambda runtime's own start-up is
  the same for every build and is not part of these figures.
- Warm requests: interpreters import the bytecode zip's handler and call it
  with each event in turn, in chunks of {chunk} calls per event that alternate
  between builds; the handler's output goes to `/dev/null`. CPU time is the
  thread's CPU time around each call. greeting_core writes one JSON
  access-log line per request, which the other builds do not.
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
        _instruction_section(data),
        _size_section(data),
        _breakdown_section(data, figures),
        _versions_section(data),
        [METHOD.format(chunk=WARM_CHUNK).rstrip()],
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
