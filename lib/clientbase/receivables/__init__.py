"""Receivables: who owes what and how late, the advances apart, limits, the art. 266 reserve.

Source of the rules: REFERENCE.md "Receivables" (1C's «Задолженность клиентов по срокам»).
Everything is a snapshot at `as_of`: only invoices and payments dated on or before it count.
One module per concept, every public name importable from here:

- `options`: the report's options model (`ReceivablesOptions`), the bucket and action codes,
  the columns of the tables;
- `allocation`: payments allocated to the debts (linked payments first, then FIFO by due
  date, advances apart, refunds as debts of their own), in integer kopecks (`allocate`);
- `reports`: what the report shows from an allocation: open items, aging per customer,
  the art. 266 reserve and its cap, DSO, payment discipline, reminders, headlines, trend;
- `result`: all of it at once for the report (`receivables_report`).
"""

from __future__ import annotations

from clientbase.receivables.allocation import Allocation, allocate  # noqa: F401
from clientbase.receivables.options import (  # noqa: F401
    ACTIONS,
    AGING_COLUMNS,
    BUCKETS,
    DEFAULTS,
    DISCIPLINE_COLUMNS,
    ITEM_COLUMNS,
    OPEN_ITEM_COLUMNS,
    REMINDER_COLUMNS,
    TREND_COLUMNS,
    ReceivablesOptions,
)
from clientbase.receivables.reports import (  # noqa: F401
    ReceivablesHeadlines,
    Reserve266,
    aging,
    aging_trend,
    dso,
    dso_at,
    headlines,
    open_items,
    payment_discipline,
    reminder_actions,
    reserve_266,
)
from clientbase.receivables.result import ReceivablesResult, receivables_report, tables_of  # noqa: F401

__all__ = [
    "ReceivablesResult",
    "receivables_report",
    "tables_of",
    "ACTIONS",
    "AGING_COLUMNS",
    "Allocation",
    "BUCKETS",
    "DEFAULTS",
    "DISCIPLINE_COLUMNS",
    "ITEM_COLUMNS",
    "OPEN_ITEM_COLUMNS",
    "REMINDER_COLUMNS",
    "ReceivablesHeadlines",
    "ReceivablesOptions",
    "Reserve266",
    "TREND_COLUMNS",
    "aging",
    "aging_trend",
    "allocate",
    "dso",
    "dso_at",
    "headlines",
    "open_items",
    "payment_discipline",
    "reminder_actions",
    "reserve_266",
]
