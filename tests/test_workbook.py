"""The Workbook a notebook gets: tables written for machines (clientbase.workbook)."""

from __future__ import annotations

import pandas as pd
import pytest

import clientbase as cb
from clientbase.demo import generate_demo

PROFILE = "data:\n  path: export\n  format: 1c\nperiod: latest\n"


@pytest.fixture(scope="module")
def wb(tmp_path_factory):
    root = tmp_path_factory.mktemp("wb")
    generate_demo(root / "export", customers=200, seed=2)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        yield cb.setup(root / "profile.yaml", output_dir=root / "out", report="data_overview", quiet=True)


def test_save_table_writes_iso_dates_and_numbers_without_binary_noise(wb):
    frame = pd.DataFrame({
        "customer_id": pd.Series(["007", "010"], dtype="str"),
        "day": pd.to_datetime(["2026-09-30", None]),
        "lost_revenue": [441057.35500000004, 1234567890.12],
        "share": [0.1 + 0.2, 1 / 3],
    })
    path = wb.save_table(frame, "t.csv")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "customer_id,day,lost_revenue,share",
        "007,2026-09-30,441057.355,0.3",
        "010,,1234567890.12,0.333333333333",
    ]
    assert frame["day"].dtype.kind == "M"  # the caller's frame is not modified


def test_save_table_keeps_the_kopecks_of_big_sums_up_to_ten_trillion(wb):
    noisy = sum([0.1] * 10) - 1 + 12345688563.23  # a sum carrying binary noise
    frame = pd.DataFrame({
        "revenue": [12345688563.23, noisy, 9999999999999.99, -24691377126.47, float("nan")],
        "orders": [1e10, 3.0, 7.0, 2.0, 1.0],
    })
    lines = wb.save_table(frame, "big.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["revenue,orders", "12345688563.23,10000000000", "12345688563.23,3",
                     "9999999999999.99,7", "-24691377126.47,2", ",1"]
    back = pd.read_csv(wb.output_path("big.csv"))
    assert (back["revenue"].iloc[:4] * 100).round().astype("int64").tolist() == [
        1234568856323, 1234568856323, 999999999999999, -2469137712647]
