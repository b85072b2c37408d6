"""Comparing the CSV tables of two runs of the same data (another engine, another source)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def assert_same_table(left: Path, right: Path, name: str) -> None:
    """The CSV table `name` of two runs: same columns and rows, numbers to 1e-9 relative."""
    # the lists for 1C are Windows-1251 with ";" (segments/lists/*.1c.csv)
    style = {"encoding": "cp1251", "sep": ";"} if name.endswith(".1c.csv") else {}
    a = pd.read_csv(left, dtype=str, keep_default_na=False, **style)
    b = pd.read_csv(right, dtype=str, keep_default_na=False, **style)
    if name.endswith("data_overview/tables.csv"):
        # the identity of the inputs (file name or relation, sha256 or fingerprint) differs by design
        a, b = (f.drop(columns=["file", "sha256"], errors="ignore") for f in (a, b))
    assert list(a.columns) == list(b.columns), name
    assert len(a) == len(b), name
    for col in a.columns:
        x, y = a[col], b[col]
        if (x == y).all():
            continue
        # doubles summed in another order may differ in the last bits
        nx, ny = pd.to_numeric(x.replace("", np.nan), errors="coerce"), pd.to_numeric(y.replace("", np.nan),
                                                                                    errors="coerce")
        assert (nx.isna() == (x == "")).all() and (ny.isna() == (y == "")).all(), f"{name}: {col} differs"
        assert np.allclose(nx, ny, rtol=1e-9, atol=1e-6, equal_nan=True), f"{name}: {col} differs"

