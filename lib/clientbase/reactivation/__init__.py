"""Reactivation: the customers slipping away, why, what it costs, and who calls whom first.

Source of the rules: REFERENCE.md "Reactivation". One module per concept, every public
name importable from here:

- `options`: the report's options model (`ReactivationOptions`), the reason codes, the columns;
- `rhythm`: each customer's usual interval between orders (`order_rhythm`);
- `candidates`: the customers in scope with their money, days and reasons, and the ranked list
  (`reactivation_scope`, `rank_candidates`, `reactivation_candidates`);
- `stake`: what the list costs, by reason and by manager, and how it was built
  (`revenue_at_stake`, `reactivation_funnel`).

Everything is computed as of the run's quarter end from the customer × month cube and the
customer × day facts; nothing dated later is read.
"""

from __future__ import annotations

from clientbase.reactivation.candidates import rank_candidates, reactivation_candidates, reactivation_scope  # noqa: F401
from clientbase.reactivation.options import (  # noqa: F401
    ACTIVITY_DROP,
    BASELINE_QUARTERS,
    COLUMNS,
    DROP_THRESHOLD,
    LOOKBACK_MONTHS,
    MIN_DATES,
    NO_ORDER_DAYS,
    NO_ORDERS,
    OVERDUE,
    REASON_SEPARATOR,
    RHYTHM_MULTIPLIER,
    SCOPE_COLUMNS,
    URGENT_DAYS,
    ReactivationOptions,
)
from clientbase.reactivation.rhythm import order_rhythm  # noqa: F401
from clientbase.reactivation.stake import FUNNEL_STEPS, RevenueAtStake, reactivation_funnel, revenue_at_stake  # noqa: F401

__all__ = [
    "ACTIVITY_DROP",
    "BASELINE_QUARTERS",
    "COLUMNS",
    "DROP_THRESHOLD",
    "FUNNEL_STEPS",
    "LOOKBACK_MONTHS",
    "MIN_DATES",
    "NO_ORDERS",
    "NO_ORDER_DAYS",
    "OVERDUE",
    "REASON_SEPARATOR",
    "RHYTHM_MULTIPLIER",
    "ReactivationOptions",
    "RevenueAtStake",
    "SCOPE_COLUMNS",
    "URGENT_DAYS",
    "order_rhythm",
    "rank_candidates",
    "reactivation_candidates",
    "reactivation_funnel",
    "reactivation_scope",
    "revenue_at_stake",
]
