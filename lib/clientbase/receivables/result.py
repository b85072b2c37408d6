"""Everything the receivables report shows, computed once from the invoices and payments.

`receivables_report` allocates the payments at as_of and derives every table and number the
report, its CSV tables and the managers' reminder lists need (REFERENCE.md "Receivables"). It
returns None when the source has no invoices: the report then says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clientbase.receivables.allocation import Allocation, allocate
from clientbase.receivables.options import (
    AGING_COLUMNS,
    BUCKETS,
    DEFAULTS,
    OPEN_ITEM_COLUMNS,
    ReceivablesOptions,
)
from clientbase.receivables.reports import (
    ReceivablesHeadlines,
    Reserve266,
    aging,
    aging_trend,
    headlines,
    open_items,
    payment_discipline,
    reminder_actions,
    reserve_266,
)


@dataclass(frozen=True)
class ReceivablesResult:
    """The receivables of one run at `as_of`, with the trend of the quarter ends before it."""

    as_of: pd.Timestamp
    allocation: Allocation
    open_items: pd.DataFrame
    aging: pd.DataFrame  # per customer, largest outstanding first
    reserve: Reserve266
    discipline: pd.DataFrame
    reminders: pd.DataFrame
    headlines: ReceivablesHeadlines
    trend: pd.DataFrame  # oldest quarter end first, as_of last

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV tables of the report (DESIGN.md: aging.csv, open_items.csv; and the others shown)."""
        return {"aging.csv": self.aging[list(AGING_COLUMNS)],
                "open_items.csv": self.open_items[list(OPEN_ITEM_COLUMNS)],
                "discipline.csv": self.discipline, "trend.csv": self.trend}

    @property
    def by_manager(self) -> pd.DataFrame:
        """Debt by bucket per responsible manager (NA: none), most outstanding first."""
        columns = [*BUCKETS, "outstanding"]
        table = self.aging.groupby("manager", dropna=False, sort=False)[columns].sum()
        return table.sort_values("outstanding", ascending=False, kind="stable").reset_index()

    @property
    def totals(self) -> pd.Series:
        """Debt by bucket of all clients, and the outstanding total."""
        return self.aging[[*BUCKETS, "outstanding"]].sum()

    def top_overdue(self, n: int) -> pd.DataFrame:
        """The `n` clients with the most overdue debt (ties by code)."""
        late = self.aging[self.aging["overdue"] > 0]
        return late.sort_values(["overdue", "customer_id"], ascending=[False, True], kind="stable").head(n)

    @property
    def late_payers(self) -> pd.DataFrame:
        """Clients who paid fewer than half of their invoices due in the window on time, least punctual first."""
        late = self.discipline[self.discipline["on_time_share"] < 0.5]
        return late.sort_values(["on_time_share", "mean_days_late", "customer_id"], ascending=[True, False, True],
                                kind="stable")

    @property
    def advances(self) -> pd.DataFrame:
        """Clients with an advance, largest first."""
        held = self.aging[self.aging["advance"] > 0]
        return held.sort_values(["advance", "customer_id"], ascending=[False, True], kind="stable")

    @property
    def previous(self) -> pd.Series | None:
        """The trend's point one quarter end before as_of (None when the trend has one point)."""
        return self.trend.iloc[-2] if len(self.trend) > 1 else None


def receivables_report(
    invoices: pd.DataFrame | None,
    payments: pd.DataFrame | None,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    options: ReceivablesOptions = DEFAULTS,
) -> ReceivablesResult | None:
    """The receivables at as_of, or None when there are no invoices (REFERENCE.md "Receivables")."""
    if invoices is None:
        return None
    allocation = allocate(invoices, payments, customers, as_of=as_of, options=options)
    return ReceivablesResult(
        as_of=allocation.as_of,
        allocation=allocation,
        open_items=open_items(allocation),
        aging=aging(allocation, customers),
        reserve=reserve_266(allocation, options=options),
        discipline=payment_discipline(allocation, options=options),
        reminders=reminder_actions(allocation, customers, options=options),
        headlines=headlines(allocation, customers, options=options),
        trend=aging_trend(invoices, payments, customers, as_of=as_of, options=options, latest=allocation),
    )


def tables_of(result: ReceivablesResult | None) -> dict[str, pd.DataFrame]:
    """The CSV tables of a result; none without invoices."""
    return {} if result is None else result.tables()
