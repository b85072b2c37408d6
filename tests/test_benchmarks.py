"""The helpers of benchmarks/ (not the benchmarks themselves: `make bench` runs those)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import harness  # noqa: E402
from measure import notebook_calls  # noqa: E402


@pytest.mark.parametrize(
    ("value", "limit", "below", "expected"),
    [
        (2.9, 3.0, False, "met"),
        (3.0, 3.0, False, "met"),  # ≤ limit
        (3.0, 3.0, True, "missed by 0 %"),  # < limit
        (4.5, 3.0, False, "missed by 50 %"),
        (None, 3.0, False, "not measured"),
    ],
    ids=["under", "at-limit-inclusive", "at-limit-strict", "over", "missing"],
)
def test_verdict(value, limit, below, expected):
    assert harness.verdict(value, limit, below=below) == expected


@pytest.mark.parametrize(("text", "lines"), [("10M", 10_000_000), ("1.5m", 1_500_000), ("500k", 500_000),
                                             ("1_000", 1000)])
def test_parse_size(text, lines):
    assert harness.parse_size(text) == lines


@pytest.mark.parametrize(("lines", "label"), [(10_000_000, "10M"), (1_500_000, "1.5M"), (100_000, "0.1M")])
def test_size_label(lines, label):
    assert harness.size_label(lines) == label


def test_median_and_spread_skip_failed_runs():
    assert harness.median([3.0, None, 1.0, 2.0]) == 2.0
    assert harness.spread([3.0, None, 1.0]) == (1.0, 3.0)
    assert harness.median([None]) is None


def test_notebook_calls_finds_analysis_calls_only():
    code = ("x = abc_xyz.migration(wb.cube)\nm = abc_xyz.abc_xyz_matrix (x)\nview.summary(x)\n"
            "t = wb.top_products(months=3)\ny = abc_xyz.CLASSES_CSV_COLUMNS\n")
    assert notebook_calls(code) == {"abc_xyz.migration", "abc_xyz.abc_xyz_matrix", "wb.top_products"}
    assert notebook_calls("c = wb.abc_classes()\nm = wb.abc_xyz_migration(o)") == {"wb.abc_classes", "wb.abc_xyz_migration"}


def test_measure_catches_a_childs_peak_and_exit_code(tmp_path):
    # a grandchild allocates ~150 MB for a moment: its peak is seen, not the launcher's
    script = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
              "\"import time; b = bytearray(150 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(0.3)\"]); "
              "sys.exit(3)")
    result = tmp_path / "r.json"
    m = harness.measure([sys.executable, "-c", script], log=tmp_path / "log.txt", result=result)
    assert m.exit_code == 3
    assert 150 * 2**20 <= m.peak_rss < 400 * 2**20
    assert m.result == {}
    assert m.seconds >= 0.3


def _reference(cube: float, analyses: float, run: float, ab: float = 30.0) -> dict:
    notebooks = {"kpis": {"seconds": 20.0, "cells": 15.0, "setup": 12.0, "layout": 3.0}}
    return {
        "label": "10M", "lines": 10_000_000,
        "data": {"order_lines": 10_000_000, "documents": 3_000_000, "customers": 330_000},
        "tasks": {
            "floor": {"median": 1.0},
            "naive": {"median": 20.0, "parts": {"read_parquet (every line)": 5.0, "filter": 6.0}},
            "cube": {"median": cube, "parts": {"build_facts (DuckDB)": cube - 1.0, "read cube": 0.6, "read daily": 0.4},
                     "info": {"daily": 2_900_000}},
            "analyses": {"median": analyses, "reports": {"base_audit": analyses / 5, "kpis": analyses / 2},
                         "parts": {"kpis: kpis_report": analyses / 2}},
            "ab_cold": {"median": ab, "timings": {"prepare": 10.0, "shared": 5.0, "total": ab - 1.0},
                        "notebooks": notebooks},
            "run_cold": {"median": run, "timings": {"prepare": 20.0, "shared": 5.0, "total": run - 1.0},
                         "notebooks": notebooks},
            "run_warm": {"median": run - 20.0, "timings": {"prepare": 0.5, "shared": 0.1, "total": run - 21.0}},
        },
    }


def test_the_report_says_why_each_missed_target_misses():
    import run

    lines: list[str] = []
    run.why_missed(lines.append, {"jobs": 2}, _reference(cube=6.0, analyses=25.0, run=68.0, ab=40.0), None)
    text = "\n".join(lines)
    assert "### Why the missed targets miss (at 10M unless named)" in text
    assert "**`--only abc_xyz reactivation`, cold** (40.00 s, 2.00× the naive script's 20.00 s)" in text
    assert "**Whole profile, cold** (68.00 s" in text and "Preparing took 20.00 s" in text
    assert "kpis 20.00 s (set-up 12.00 s, layout 3.00 s, rest 5.00 s)" in text
    assert "**All analyses** (25.00× the floor" in text and "kpis 12.50 s" in text
    assert "**Base audit** (5.00 s for 330,000 cards)" in text
    assert "**Cube** (issue 7; 6.00× the floor)" in text and "2,900,000 customer-days" in text
    met: list[str] = []
    fast = _reference(cube=2.0, analyses=3.0, run=25.0, ab=20.0)
    run.why_missed(met.append, {"jobs": 2}, fast, None)
    assert met == []  # nothing to explain when every target holds


ALLOCATION = {"invoices": 1_000_000, "payments": 1_000_000, "customers": 100_000, "debts": 1_020_000,
              "open": 310_000, "allocate": [3.0, 2.0, 4.0], "aging": [1.0, 1.5, 0.5], "peak_rss": 2 * 2**30,
              "wall": 40.0, "finished": "2026-12-04 01:00"}


def test_the_allocation_section_replaces_itself_and_keeps_the_rest(tmp_path):
    import run

    report = tmp_path / "PERFORMANCE.md"
    report.write_text("# Performance\n\n## Targets\n\nx\n\n## Method\n\n- data\n", encoding="utf-8")
    run.splice_allocation(report, ALLOCATION)
    first = report.read_text(encoding="utf-8")
    assert first.index("## Targets") < first.index(run.ALLOCATION_HEADING) < first.index("## Method")
    assert "| 3.00 s (2.00–4.00) | 1,020,000 debts, 310,000 open |" in first
    assert "1,000,000 invoices, 1,000,000 payments, 100,000 customers" in first
    run.splice_allocation(report, {**ALLOCATION, "allocate": [9.0]})
    second = report.read_text(encoding="utf-8")
    assert second.count(run.ALLOCATION_HEADING) == 1 and "9.00 s (9.00–9.00)" in second
    assert "3.00 s" not in second and second.endswith("## Method\n\n- data\n")


DEAL_FUNNEL = {"deals": 1_000_000, "entries": 5_000_000, "report": [6.0, 5.0, 7.0], "peak_rss": 3 * 2**30,
               "wall": 30.0, "finished": "2026-12-04 03:00"}


def test_the_deal_funnel_section_goes_beside_the_allocation_and_replaces_itself(tmp_path):
    import run

    report = tmp_path / "PERFORMANCE.md"
    report.write_text("# Performance\n\n## Method\n\n- data\n", encoding="utf-8")
    run.splice_allocation(report, ALLOCATION)
    heading, section, _ = run.COMPONENTS["deal_funnel"]
    run.splice_section(report, heading, section(DEAL_FUNNEL))
    text = report.read_text(encoding="utf-8")
    assert text.index(run.ALLOCATION_HEADING) < text.index(heading) < text.index("## Method")
    assert "| `deal_funnel_report`: 1,000,000 deals, 5,000,000 stage entries | 6.00 s (5.00–7.00) |" in text
    assert "`benchmarks/run.py --only deal_funnel` re-measures only this section" in text
    run.splice_section(report, heading, section({**DEAL_FUNNEL, "report": [2.0]}))
    again = report.read_text(encoding="utf-8")
    assert again.count(heading) == 1 and "2.00 s (2.00–2.00)" in again and "6.00 s" not in again
    assert run.ALLOCATION_HEADING in again
