"""The hand-computed order lines of the facts tests (tests/test_cube.py, tests/test_spark.py)."""

from __future__ import annotations

import pandas as pd


def orders() -> pd.DataFrame:
    rows = [
        # order_id, date, customer, amount, cost, quantity, product, status
        ("D1", "2026-01-10 10:00", "C1", 100.0, 60.0, 1, "kabel", None),
        ("D1", "2026-01-10 10:00", "C1", 50.0, 30.0, 2, "rozetka", None),
        ("D2", "2026-01-20 09:00", "C1", 70.0, 40.0, 1, "kabel", None),
        ("R1", "2026-01-25 12:00", "C1", -20.0, -12.0, -1, "kabel", None),  # a return: not activity
        ("D3", "2026-02-03 08:00", "C1", 30.0, 20.0, 1, "lampa", "cancelled"),  # cancelled: ignored
        ("D4", "2026-03-31 23:59", "C2", 200.0, 150.0, 4, "lampa", None),  # as_of itself: in
        ("D5", "2026-04-01 00:00", "C2", 999.0, 1.0, 1, "lampa", None),  # after as_of: never read
        ("D6", "2026-02-14 11:00", "C2", 0.0, 0.0, 1, "lampa", None),  # zero document: not activity
        ("D7", "2026-02-14 15:00", "C2", 40.0, 10.0, 1, "kabel", None),
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "date", "customer_id", "amount", "cost", "quantity",
                                        "product_id", "status"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def orders_with_a_same_day_return() -> pd.DataFrame:
    """`orders()` and a return (R2) on the day of D2: it lowers that day's revenue, not its activity."""
    return_line = pd.DataFrame({
        "order_id": ["R2"], "date": [pd.Timestamp("2026-01-20 18:00")], "customer_id": ["C1"],
        "amount": [-30.0], "cost": [-10.0], "quantity": [-1], "product_id": ["kabel"], "status": [None],
    })
    return pd.concat([orders(), return_line], ignore_index=True)
