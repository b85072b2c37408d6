"""The options of the reactivation report and its codes.

`ReactivationOptions` is the one declaration of every option (default, range, meaning).
The reason codes are REFERENCE.md's, literally: `no_orders_N_days` (N is the option
`no_order_days`), `overdue_vs_own_rhythm`, `activity_drop`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from clientbase.options import Options

LOOKBACK_MONTHS = 24


NO_ORDER_DAYS = 90


RHYTHM_MULTIPLIER = 2.0


DROP_THRESHOLD = 0.30


URGENT_DAYS = 30


MIN_DATES = 3


BASELINE_QUARTERS = 4


class ReactivationOptions(Options):
    """The options of the reactivation report (REFERENCE.md "Reactivation")."""

    lookback_months: int = Field(
        LOOKBACK_MONTHS, ge=1, description="clients with revenue in these months are considered")
    no_order_days: int = Field(
        NO_ORDER_DAYS, ge=1, description="reason no_orders_N_days: no order for more than N days")
    rhythm_multiplier: float = Field(
        RHYTHM_MULTIPLIER, gt=0, description="reason overdue_vs_own_rhythm: silent > multiplier x usual interval")
    drop_threshold: float = Field(
        DROP_THRESHOLD, ge=0, le=1,
        description="reason activity_drop: quarter revenue below (1 - threshold) x average quarter")
    urgent_days: int = Field(URGENT_DAYS, ge=1, description="class-A clients silent longer than this are urgent")
    top_n: int = Field(20, ge=1, description="rows of the list shown in the report")
    priority_by: Literal["lost_revenue", "clv"] = Field(
        "lost_revenue", description="what ranks the list: lost_revenue, or clv (the expected value at risk)")
    p_alive_lost: float = Field(
        0.05, ge=0, le=1, description="with the forecast: P(alive) below this is probably lost, listed last")


# the reason codes of REFERENCE.md, literally (N is the `no_order_days` parameter)
NO_ORDERS = "no_orders_N_days"


OVERDUE = "overdue_vs_own_rhythm"


ACTIVITY_DROP = "activity_drop"




REASON_SEPARATOR = "|"


COLUMNS = (
    "customer_id", "manager", "abc", "last_order_date", "days_since_last_order",
    "expected_interval_days", "baseline_revenue", "recent_revenue", "lost_revenue", "reason",
    "urgent", "priority", "p_alive", "clv", "probably_lost",
)


SCOPE_COLUMNS = (
    "customer_id", "manager", "last_order_date", "days_since_last_order", "expected_interval_days",
    "distinct_order_dates", "baseline_revenue", "recent_revenue", "lost_revenue", "reason",
)


def _day_number(day: pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(day).normalize().date(), "D").astype(np.int64))
