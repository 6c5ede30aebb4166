"""Tests of the figures the results page derives from raw samples."""

import report
from measure import ColdSamples


def test_net_cold_figures_subtract_bare_start():
    cold = {
        report.BARE: ColdSamples(import_ns=[10, 12, 14], first_response_ns=[20, 22, 24], max_rss_kb=[1, 1, 1]),
        "build/sources": ColdSamples(import_ns=[110, 90, 130], first_response_ns=[220, 200, 240], max_rss_kb=[5, 7, 6]),
    }

    figures = report.net_cold_figures(cold)

    assert set(figures) == {"build/sources"}
    assert figures["build/sources"].import_median == 110 - 12
    assert figures["build/sources"].import_min == 90 - 10
    assert figures["build/sources"].first_median == 220 - 22
    assert figures["build/sources"].first_min == 200 - 20
    assert figures["build/sources"].max_rss_kb == 6
