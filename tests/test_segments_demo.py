"""Segments on the demo data: the planted loyalty mistakes are found, and a run of the next
quarter shows who entered and who left the periodic segment (read from the earlier run)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from conftest import ROOT, ci_profile_for, clientbase

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory, ci_run):  # ci_run: the CI data exists
    root = tmp_path_factory.mktemp("segments")
    ci_profile_for(ROOT / "data" / "ci", root / "ci.yaml")
    runs = {}
    for period in ("2026Q2", "2026Q3"):
        run = clientbase("run", str(root / "ci.yaml"), "--only", "segments", "--period", period, "--no-pdf",
                         out=root / "reports")
        assert run.code == 0, run.stderr[-3000:]
        runs[period] = root / "reports" / "ci" / period / "segments"
    return runs


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_next_quarter_shows_who_entered_and_left_the_periodic_segment(two_quarters):
    q2 = [r for r in _rows(two_quarters["2026Q2"] / "members.csv") if r["segment"] == "Ключевые клиенты"]
    q3 = [r for r in _rows(two_quarters["2026Q3"] / "members.csv") if r["segment"] == "Ключевые клиенты"]
    before, now = {r["customer_id"] for r in q2}, {r["customer_id"] for r in q3}
    changes = [r for r in _rows(two_quarters["2026Q3"] / "changes.csv") if r["segment"] == "Ключевые клиенты"]
    assert {r["customer_id"] for r in changes if r["change"] == "entered"} == now - before
    assert {r["customer_id"] for r in changes if r["change"] == "left"} == before - now
    assert changes and all(r["quarter"] == "2026Q3" for r in changes)
    kept = {r["customer_id"]: r["since"] for r in q3}
    assert all(kept[c] == "2026Q2" for c in now & before) and all(kept[c] == "2026Q3" for c in now - before)
    html = (two_quarters["2026Q3"].parent / "segments.html").read_text(encoding="utf-8")
    assert "entered and" in html and "start their history" not in html


def test_the_planted_loyalty_mistakes_are_found(two_quarters):
    truth = pd.read_csv(ROOT / "data" / "ci_truth" / "loyalty.csv", dtype=str)
    rfm = pd.read_csv(two_quarters["2026Q3"] / "rfm.csv", dtype={"customer_id": str}).set_index("customer_id")
    import clientbase as cb
    from clientbase import segments

    wb = cb.setup(ROOT / "params" / "ci.yaml", period="2026Q3", quiet=True)
    result = segments.segments_report(wb.cube, wb.customers, as_of=wb.as_of, classes=wb.known_classes())
    found = set(result.loyalty_mismatches()["customer_id"])
    high = truth[truth["declared"] == "Высокая"]
    slipping = high[high["customer_id"].map(rfm["segment"]).isin(["at_risk", "hibernating"])]
    assert len(slipping) >= 3  # churned clients are scored as slipping
    assert set(slipping["customer_id"]) <= found  # every planted «Высокая» on a slipping client is found
    listed = pd.read_csv(two_quarters["2026Q3"] / "lists" / "at_risk.1c.csv", sep=";", encoding="cp1251", dtype=str)
    assert set(listed["Код"]) == set(rfm.index[rfm["segment"] == "at_risk"])
