"""Deals small enough to check by hand, shared by the deal funnel's tests."""

from __future__ import annotations

import pandas as pd

AS_OF = pd.Timestamp("2026-09-30")
STAGES = ["A", "B", "C", "D"]
T = pd.Timestamp


def deals_frame() -> pd.DataFrame:
    rows = [
        # id, created, amount, stage (in the data now), status, closed, reason, manager, source
        ("D1", "2026-01-10", 100.0, "C", "open", None, None, "M1", "web"),
        ("D2", "2026-02-01", 200.0, "D", "won", "2026-10-15", None, "M1", "web"),  # won after as_of
        ("D3", "2026-03-01", 50.0, "B", "lost", "2026-03-20", "Дорого", "M2", None),
        ("D4", "2026-04-01", 70.0, "D", "won", "2026-05-01", None, "M2", "fair"),  # no history
        ("D5", "2026-10-05", 999.0, "A", "open", None, None, "M1", "web"),  # created after as_of
        ("D6", "2025-01-05", 10.0, "A", "lost", "2025-02-01", "Пропал контакт", "M2", "web"),  # before the cohort
    ]
    frame = pd.DataFrame(rows, columns=["deal_id", "created_at", "amount", "stage", "status", "closed_at",
                                        "loss_reason", "manager", "source"])
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    frame["closed_at"] = pd.to_datetime(frame["closed_at"])
    return frame.assign(customer_id=pd.Series(["c1", "c2", None, "c4", None, None], dtype="str"))


def history_frame() -> pd.DataFrame:
    rows = [("D1", "A", "2026-01-10"), ("D1", "B", "2026-01-20"), ("D1", "C", "2026-02-01"),
            ("D2", "A", "2026-02-01"), ("D2", "B", "2026-02-10"), ("D2", "D", "2026-10-01"),  # after as_of
            ("D3", "A", "2026-03-01"), ("D3", "C", "2026-03-10"), ("D3", "B", "2026-03-15"),  # B skipped, then back
            ("D5", "A", "2026-10-05"), ("D6", "A", "2025-01-05")]
    frame = pd.DataFrame(rows, columns=["deal_id", "stage", "entered_at"])
    return frame.assign(entered_at=pd.to_datetime(frame["entered_at"]))
