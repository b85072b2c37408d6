"""RFM scores and the RF map (REFERENCE.md "RFM and segments").

Scored customers: positive revenue in the `lookback_months` ending at as_of. recency_days =
as_of − the last activity order date; frequency = activity order documents in the lookback;
monetary = revenue in the lookback. Each measure is scored 1–5 with ties kept together: with
v the measure where larger is better (v = −recency_days for R), score = 1 + ⌊5 · #{customers
with v smaller} / n⌋, capped at 5. The segment is the RF map's cell of (R, F).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.periods import window_start
from clientbase.segments.options import RFM_COLUMNS, MapCell


def tie_scores(values: pd.Series) -> pd.Series:
    """1 + ⌊5 · #{smaller} / n⌋ capped at 5, equal values sharing a score."""
    n = len(values)
    if n == 0:
        return pd.Series([], index=values.index, dtype="int64")
    smaller = values.rank(method="min").to_numpy() - 1  # how many are strictly smaller
    return pd.Series(np.minimum(5, 1 + np.floor(5 * smaller / n)).astype("int64"), index=values.index)


def rfm_table(cube: pd.DataFrame, *, as_of: pd.Timestamp, lookback_months: int, rf_map: list[MapCell]) -> pd.DataFrame:
    """rfm.csv: one row per scored customer, most valuable segment order kept by customer_id."""
    as_of = pd.Timestamp(as_of).normalize()
    start = window_start(as_of, lookback_months)
    upto = cube[cube["month"] <= as_of]
    last = upto.groupby("customer_id")["last_order_date"].max()
    window = upto[upto["month"] >= start].groupby("customer_id").agg(frequency=("orders", "sum"),
                                                                      monetary=("revenue", "sum"))
    scored = window[window["monetary"] > 0].copy()
    scored["recency_days"] = (as_of - pd.to_datetime(last.reindex(scored.index))).dt.days.to_numpy()
    scored = scored.reset_index().sort_values("customer_id", kind="stable").reset_index(drop=True)
    scored["r"] = tie_scores(-scored["recency_days"].astype(float))
    scored["f"] = tie_scores(scored["frequency"].astype(float))
    scored["m"] = tie_scores(scored["monetary"].astype(float))
    scored["segment"] = segment_of(scored["r"], scored["f"], rf_map)
    scored["frequency"] = scored["frequency"].astype("int64")
    return scored[list(RFM_COLUMNS)]


def segment_of(r: pd.Series, f: pd.Series, rf_map: list[MapCell]) -> pd.Series:
    """The RF map's segment of each (R, F)."""
    grid = np.empty((6, 6), dtype=object)
    for cell in rf_map:
        for ri in cell.r:
            for fi in cell.f:
                grid[ri, fi] = cell.segment
    return pd.Series(grid[r.to_numpy(np.int64), f.to_numpy(np.int64)], index=r.index, dtype="str")
