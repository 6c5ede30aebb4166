"""Time warm handler calls inside the Lambda runtime's Python version.

measure.py runs it with one JSON argument, and it writes each event's call
times (wall-clock and thread CPU, in nanoseconds) to the ``output`` path of
that argument. It imports nothing from the benchmark because its interpreter
sees only the unpacked zip.
"""

import copy
import importlib
import json
import sys
import time


class Context:
    """The attributes of the Lambda context object that handlers read."""

    aws_request_id = "8f5e6c0a-5b0e-4c5e-9b0e-0c5e9b0e0c5e"
    function_name = "hello"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:hello"
    log_group_name = "/aws/lambda/hello"
    log_stream_name = "2026/12/04/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self):
        return 30000


def main():
    spec = json.loads(sys.argv[1])
    # Only the unpacked zip may provide modules, as on Lambda.
    sys.path[0] = spec["directory"]
    module = importlib.import_module(spec["module"])
    with open(spec["events_path"], encoding="utf-8") as stream:
        events = json.load(stream)
    handlers = {label: getattr(module, name) for label, name in spec["handlers"].items()}
    context = Context()

    pristine = copy.deepcopy(events)
    for label, handler in handlers.items():
        response = handler(events[label], context)
        if response.get("statusCode") != 200 or response.get("body") != spec["expected_body"]:
            sys.exit(f"{label}: unexpected response {response!r}")

    # Warm up every path first so that lazy imports and caches are filled.
    for _ in range(50):
        for label, handler in handlers.items():
            handler(events[label], context)

    # Events are reused, not copied per call, so that neither the timings nor
    # the instruction counts include copying. The check below makes sure that
    # no handler changed its event.
    timed = {label: handlers[label] for label in spec.get("timed_labels", handlers)}
    # Thread CPU time leaves out the time this process waits for a core, which
    # wall-clock time counts on a busy machine.
    timings = {label: {"wall_ns": [], "cpu_ns": []} for label in timed}
    for _ in range(spec["iterations"]):
        for label, handler in timed.items():
            event = events[label]
            start_cpu = time.thread_time_ns()
            start_wall = time.perf_counter_ns()
            handler(event, context)
            end_wall = time.perf_counter_ns()
            end_cpu = time.thread_time_ns()
            timings[label]["wall_ns"].append(end_wall - start_wall)
            timings[label]["cpu_ns"].append(end_cpu - start_cpu)

    if events != pristine:
        sys.exit("a handler changed its event, so reused events would skew the timings")

    with open(spec["output"], "w", encoding="utf-8") as stream:
        json.dump(timings, stream)


if __name__ == "__main__":
    main()
