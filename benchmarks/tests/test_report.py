"""Tests of the figures the results page derives from raw samples."""

import report
from measure import ColdSamples


def test_net_cold_figures_subtract_bare_start():
    cold = {
        report.BARE: ColdSamples(
            import_wall_ns=[10, 12, 14],
            import_cpu_ns=[5, 6, 7],
            first_wall_ns=[20, 22, 24],
            first_cpu_ns=[8, 9, 10],
            max_rss_kb=[1, 1, 1],
        ),
        "build/sources": ColdSamples(
            import_wall_ns=[110, 90, 130],
            import_cpu_ns=[50, 40, 60],
            first_wall_ns=[220, 200, 240],
            first_cpu_ns=[80, 70, 90],
            max_rss_kb=[5, 7, 6],
        ),
    }

    figures = report.net_cold_figures(cold)

    assert set(figures) == {"build/sources"}
    figure = figures["build/sources"]
    assert (figure.import_wall.median, figure.import_wall.minimum) == (110 - 12, 90 - 10)
    assert (figure.import_cpu.median, figure.import_cpu.minimum) == (50 - 6, 40 - 5)
    assert (figure.first_wall.median, figure.first_wall.minimum) == (220 - 22, 200 - 20)
    assert (figure.first_cpu.median, figure.first_cpu.minimum) == (80 - 9, 70 - 8)
    assert figure.max_rss_kb == 6


def test_verdict_names_miss_in_percent():
    assert report._verdict(0.40, 0.45) == "holds"
    assert report._verdict(0.45, 0.45) == "holds"
    assert report._verdict(0.54, 0.45) == "misses by 20%"
    assert report._verdict(1.5, 1.0) == "misses by 50%"
