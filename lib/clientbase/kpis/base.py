"""The KPIs of the base for each of the last quarters, from the customer × day facts.

Source: REFERENCE.md "KPIs of the base, quarter by quarter". "Active" at a date: at least
one activity order (a document with a positive total) in the `active_months` whole months
ending at that date. A quarter before the data has zero counts and revenue and empty ratios.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.kpis.options import BASE_COLUMNS
from clientbase.periods import Period, quarter_of, window_start


def quarters_ending(as_of: pd.Timestamp, n: int) -> list[Period]:
    """The `n` quarters ending with the one of `as_of`, oldest first."""
    last = quarter_of(as_of)
    return [last.previous(k) for k in range(n - 1, -1, -1)]


def quarter_kpis(daily: pd.DataFrame, *, as_of: pd.Timestamp, quarters: int = 8,
                 active_months: int = 12) -> pd.DataFrame:
    """One row per quarter (`BASE_COLUMNS`), the `quarters` quarters ending at as_of, oldest first.

    - active_customers: active at the quarter's end; new_customers: first activity order
      (in all the data up to as_of) in the quarter; lost_customers: active at the previous
      quarter's end and not at this one;
    - crr = (active at end − new in quarter) / active at the previous quarter's end;
    - revenue: net revenue of the quarter (returns included); activity_orders: activity
      documents; average_check = their total / their count (returns do not lower it);
    - repeat_revenue_share: the share of the quarter's revenue from customers whose first
      activity order was before the quarter.
    Every 0/0 is empty (NaN).
    """
    as_of = pd.Timestamp(as_of).normalize()
    periods = quarters_ending(as_of, quarters)
    days = daily["date"].to_numpy(dtype="datetime64[ns]")
    keep = days <= as_of.to_datetime64()
    codes, ids = pd.factorize(daily["customer_id"].to_numpy()[keep])
    days = days[keep]
    revenue = daily["revenue"].to_numpy(dtype="float64")[keep]
    orders = daily["orders"].to_numpy(dtype="int64")[keep]
    activity_revenue = daily["activity_revenue"].to_numpy(dtype="float64")[keep]
    active_day = orders > 0
    first = np.full(len(ids), np.datetime64("NaT", "ns"))
    if active_day.any():
        per = pd.Series(days[active_day]).groupby(codes[active_day]).min()
        first[per.index.to_numpy()] = per.to_numpy()

    def active_at(end: pd.Timestamp) -> np.ndarray:
        start = window_start(end, active_months).to_datetime64()
        hit = active_day & (days >= start) & (days <= end.to_datetime64())
        out = np.zeros(len(ids), dtype=bool)
        out[codes[hit]] = True
        return out

    rows = []
    before = active_at(periods[0].previous().as_of)
    for period in periods:
        start, end = period.start.to_datetime64(), period.as_of.to_datetime64()
        now = active_at(period.as_of)
        in_quarter = (days >= start) & (days <= end)
        new = (first >= start) & (first <= end)
        repeat = first < start  # NaT (never an activity order) compares False
        quarter_revenue = float(revenue[in_quarter].sum())
        count = int(orders[in_quarter].sum())
        rows.append({
            "quarter": period.label, "quarter_start": period.start, "quarter_end": period.as_of,
            "active_customers": int(now.sum()), "new_customers": int(new.sum()),
            "lost_customers": int((before & ~now).sum()),
            "crr": _ratio(now.sum() - new.sum(), before.sum()),
            "revenue": quarter_revenue, "activity_orders": count,
            "average_check": _ratio(activity_revenue[in_quarter].sum(), count),
            "repeat_revenue_share": _ratio(revenue[in_quarter & repeat[codes]].sum(), quarter_revenue),
        })
        before = now
    frame = pd.DataFrame(rows, columns=list(BASE_COLUMNS))
    return frame.astype({"quarter_start": "datetime64[ns]", "quarter_end": "datetime64[ns]"})


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else float("nan")
