"""Tests of the valgrind output parsing and the clean runtime environment."""

import measure


def test_instructions_pattern_reads_cachegrind_summary():
    summary = "==123== \n==123== I   refs:      671,830,314\n"

    match = measure.INSTRUCTIONS_PATTERN.search(summary)

    assert match is not None
    assert int(match.group(1).replace(",", "")) == 671_830_314


def test_runtime_environment_drops_python_variables(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", "/tmp/cache")

    environment = measure.runtime_environment()

    assert "PYTHONPATH" not in environment
    assert "PYTHONPYCACHEPREFIX" not in environment
    assert environment["PYTHONDONTWRITEBYTECODE"] == "1"
