"""The hand-computed fixture of the KPIs tests (tests/test_kpis.py, tests/test_views_kpis.py)."""

from __future__ import annotations

import pandas as pd

from clientbase.cube import cube_from_lines

AS_OF = pd.Timestamp("2026-06-30")


def lines_frame(rows):
    frame = pd.DataFrame(rows, columns=["order_id", "date", "customer_id", "amount"])
    return frame.assign(date=pd.to_datetime(frame["date"]), customer_id=frame["customer_id"].astype("str"))


# A: first order in Nov 2025, buys in Q1 with a return in Q1, buys in Q2
# B: one order in March 2025: active until 2026-02-28, so lost in 2026Q1
# C: first order in 2026Q2 with a same-day return (activity total 1000, revenue 900)
# D: one order in June 2024 (the first quarter of the data), a return alone in 2026Q2
# E: a zero document in 2026Q1: not an activity order, never new
LINES = lines_frame([
    ("A1", "2025-11-10", "A", 100.0),
    ("A2", "2026-02-05", "A", 200.0),
    ("AR", "2026-02-20", "A", -50.0),
    ("A3", "2026-05-03", "A", 300.0),
    ("B1", "2025-03-15", "B", 500.0),
    ("C1", "2026-04-10", "C", 1000.0),
    ("CR", "2026-04-10", "C", -100.0),
    ("D1", "2024-06-01", "D", 400.0),
    ("DR", "2026-05-05", "D", -70.0),
    ("E1", "2026-01-15", "E", 0.0),
])
CUSTOMERS = pd.DataFrame({
    "customer_id": pd.Series(list("ABCDE"), dtype="str"),
    "name": pd.Series(list("ABCDE"), dtype="str"),
    "manager": pd.Series(["Иванов", "Иванов", "Петров", None, "Петров"], dtype="str"),
    "region": pd.Series(["Москва", "Урал", "Москва", "Урал", None], dtype="str"),
    "source": pd.Series([None] * 5, dtype="str"),
})


def daily_frame(as_of=AS_OF):
    daily, _ = cube_from_lines(LINES, as_of=as_of)
    return daily
