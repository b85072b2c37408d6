"""The customers the reactivation list looks at, their money, days and reasons, and the list
ranked by lost revenue (ties by ABC class, then code), with the urgent class-A calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.periods import window_start
from clientbase.reactivation.options import (
    ACTIVITY_DROP,
    BASELINE_QUARTERS,
    COLUMNS,
    NO_ORDERS,
    OVERDUE,
    REASON_SEPARATOR,
    SCOPE_COLUMNS,
    URGENT_DAYS,
    ReactivationOptions,
)
from clientbase.reactivation.rhythm import order_rhythm

# ties of lost revenue: A first, then B, C, and customers without a class
_ABC_RANK = {"A": 0, "B": 1, "C": 2}


_NO_CLASS_RANK = 3


# a drop of exactly the threshold is not a drop, even when floating point says 69.999...
_RELATIVE_TOLERANCE = 1e-12


def reactivation_candidates(
    cube: pd.DataFrame,
    daily: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    quarter_start: pd.Timestamp,
    options: ReactivationOptions | None = None,
    abc: pd.Series | None = None,
) -> pd.DataFrame:
    """The reactivation list: customers to call back, why, and in which order.

    REFERENCE.md "Reactivation". The customers of `reactivation_scope` (see there for
    the money, the days and the reasons) that have at least one reason, ranked by
    `rank_candidates`. The same as
    ``rank_candidates(reactivation_scope(...), abc=abc, urgent_days=options.urgent_days)``.

    Parameters
    ----------
    cube
        The customer × month cube (`customer_id`, `month`, `revenue`).
    daily
        The customer × day facts (`customer_id`, `date`, `orders`), for the rhythm.
    customers
        The customers table (`customer_id`, `manager`, `is_deleted`). Customers of the
        cube that are not in it (or are marked deleted) are not listed.
    as_of, quarter_start
        The run's quarter: its last day, and its first day (which must be the first day
        of a month, since money comes from the monthly cube).
    options
        The report's options (`ReactivationOptions`; None: the defaults).
    abc
        Optional ABC class per customer (a Series customer_id → "A"/"B"/"C", e.g. the
        `abc` column of the ABC-XYZ classes indexed by customer_id). Without it `abc` is
        empty, ties are broken by customer_id alone and nobody is urgent.

    Returns
    -------
    pandas.DataFrame
        The columns of `reactivation/candidates.csv`, one row per listed customer sorted by
        `priority` (1 = first call; lost revenue descending, ties by ABC class A, B, C,
        none, then customer_id). `manager` is NA for customers without one (their call
        list is the unassigned sheet); `reason` joins the reason codes with "|"; `urgent` marks
        class-A customers silent for more than `urgent_days`.
    """
    options = options or ReactivationOptions()
    scope = reactivation_scope(cube, daily, customers, as_of=as_of, quarter_start=quarter_start, options=options)
    return rank_candidates(scope, abc=abc, urgent_days=options.urgent_days)


def reactivation_scope(
    cube: pd.DataFrame,
    daily: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    quarter_start: pd.Timestamp,
    options: ReactivationOptions | None = None,
) -> pd.DataFrame:
    """Every customer the reactivation list looks at, with its money, days and reasons.

    REFERENCE.md "Reactivation". The scope is the customers of the customers table
    (deleted ones excluded) with positive revenue in the `lookback_months` whole calendar
    months ending at as_of — listed or not, so that a report can show the list against
    the whole buying base. recent_revenue is the revenue from `quarter_start` to as_of;
    baseline_revenue the revenue of the four quarters before `quarter_start` divided by 4;
    lost_revenue = max(0, baseline − recent). Reasons, each a strict "more than":

    - `no_orders_N_days` (literally; N is `no_order_days`): days_since_last_order >
      `no_order_days`;
    - `overdue_vs_own_rhythm`: expected interval known and
      days_since_last_order > `rhythm_multiplier` × expected_interval_days;
    - `activity_drop`: baseline > 0 and recent < (1 − `drop_threshold`) × baseline.

    Parameters are those of `reactivation_candidates`; the reasons' thresholds are the
    fields of `options` (`lookback_months`, `no_order_days`, `rhythm_multiplier`,
    `drop_threshold`).

    Returns
    -------
    pandas.DataFrame
        One row per customer in scope, sorted by customer_id: `customer_id`, `manager`
        (NA when blank), `last_order_date`, `days_since_last_order` (Int64),
        `expected_interval_days`, `distinct_order_dates`, `baseline_revenue`,
        `recent_revenue`, `lost_revenue`, `reason` (codes joined by "|"; NA when none
        applies: the customer is not listed).
    """
    options = options or ReactivationOptions()
    lookback_months, no_order_days = options.lookback_months, options.no_order_days
    rhythm_multiplier, drop_threshold = options.rhythm_multiplier, options.drop_threshold
    as_of = pd.Timestamp(as_of).normalize()
    quarter_start = pd.Timestamp(quarter_start).normalize()
    if quarter_start > as_of:
        raise ValueError(f"quarter_start {quarter_start.date()} is after as_of {as_of.date()}")
    if quarter_start.day != 1:
        raise ValueError(
            f"quarter_start {quarter_start.date()} must be the first day of a month: "
            "revenue comes from the monthly cube"
        )

    money = _revenue_windows(cube, as_of=as_of, quarter_start=quarter_start, lookback_months=lookback_months)
    money = money[money["lookback_revenue"] > 0]

    cards = customers[["customer_id", "manager"]][~_is_deleted(customers)]
    cards = cards.assign(customer_id=cards["customer_id"].astype("str"))
    table = money.merge(cards, on="customer_id", how="inner")
    table = table.merge(order_rhythm(daily, as_of=as_of), on="customer_id", how="left")
    table["distinct_order_dates"] = table["distinct_order_dates"].astype("Int64").fillna(0)

    days_since = (as_of - table["last_order_date"]).dt.days.astype("Int64")
    table["days_since_last_order"] = days_since
    days = days_since.to_numpy(dtype=float, na_value=np.nan)
    expected = table["expected_interval_days"].to_numpy(dtype=float)
    baseline = table["baseline_revenue"].to_numpy(dtype=float)
    recent = table["recent_revenue"].to_numpy(dtype=float)

    with np.errstate(invalid="ignore"):
        no_orders = days > no_order_days
        overdue = days > rhythm_multiplier * expected
        limit = (1.0 - drop_threshold) * baseline
        dropped = (
            (baseline > 0)
            & (recent < limit)
            & ~np.isclose(recent, limit, rtol=_RELATIVE_TOLERANCE, atol=0.0)
        )
    # the eight combinations of three flags, spelled once (none at all: NA, not listed)
    key = no_orders.astype(np.int8) * 4 + overdue.astype(np.int8) * 2 + dropped.astype(np.int8)
    spelled = np.array(
        [None]
        + [
            REASON_SEPARATOR.join(
                code
                for bit, code in ((4, NO_ORDERS), (2, OVERDUE), (1, ACTIVITY_DROP))
                if k & bit
            )
            for k in range(1, 8)
        ],
        dtype=object,
    )
    table["reason"] = pd.array(spelled[key], dtype="str")
    table["lost_revenue"] = np.maximum(0.0, baseline - recent)
    table["manager"] = _clean_manager(table["manager"])
    table["last_order_date"] = table["last_order_date"].astype("datetime64[ns]")
    return table[list(SCOPE_COLUMNS)].reset_index(drop=True)


def rank_candidates(
    scope: pd.DataFrame, *, abc: pd.Series | None = None, urgent_days: int = URGENT_DAYS,
    forecast: pd.DataFrame | None = None, priority_by: str = "lost_revenue", p_alive_lost: float = 0.05,
) -> pd.DataFrame:
    """The customers of the scope with a reason, ABC class, urgent flag and priority.

    REFERENCE.md "Reactivation": only customers with at least one reason are listed;
    priority is the rank (1 = first call) by lost_revenue descending, ties broken by ABC
    class (A, B, C, none) then customer_id; class-A customers silent for more than
    `urgent_days` are urgent.

    With the run's repeat-purchase forecast (`forecast`: customer_id, p_alive, clv; REFERENCE.md
    "Repeat-purchase forecast"), every candidate carries its P(alive) and CLV; a candidate
    whose P(alive) is below `p_alive_lost` is `probably_lost` and comes after the others
    rather than first; `priority_by="clv"` ranks by the expected value at risk (the CLV)
    instead of the lost revenue. Without a forecast the three columns are empty.

    Parameters
    ----------
    scope
        The output of `reactivation_scope`.
    abc
        Optional ABC class per customer (customer_id → "A"/"B"/"C"); see
        `abc_classes_for`.

    Returns
    -------
    pandas.DataFrame
        The columns of `reactivation/candidates.csv` (`COLUMNS`), sorted by priority.
    """
    if priority_by not in ("lost_revenue", "clv"):
        raise ValueError(f"priority_by must be lost_revenue or clv, got {priority_by!r}")
    if priority_by == "clv" and forecast is None:
        raise ValueError("priority_by='clv' needs the repeat-purchase forecast (the clv report in the profile)")
    table = scope[scope["reason"].notna() & scope["reason"].ne("")]
    table = table.assign(abc=_abc_column(table["customer_id"], abc))
    silent = table["days_since_last_order"].to_numpy(dtype=float, na_value=np.nan) > urgent_days
    table["urgent"] = table["abc"].eq("A").fillna(False).to_numpy(dtype=bool) & silent
    rank = table["abc"].map(_ABC_RANK).fillna(_NO_CLASS_RANK).astype(np.int64)
    if forecast is None:
        table = table.assign(p_alive=np.nan, clv=np.nan, probably_lost=pd.array([pd.NA] * len(table), "boolean"))
    else:
        scores = forecast.drop_duplicates("customer_id").set_index("customer_id")
        table = table.assign(p_alive=table["customer_id"].map(scores["p_alive"]).astype(float),
                             clv=table["customer_id"].map(scores["clv"]).astype(float))
        table["probably_lost"] = pd.array((table["p_alive"] < p_alive_lost).to_numpy(), "boolean")
    lost_last = table["probably_lost"].fillna(False).astype(bool).to_numpy(dtype=np.int64)
    key = table["clv"].fillna(-np.inf) if priority_by == "clv" else table["lost_revenue"]
    table = (
        table.assign(_rank=rank, _lost=-key, _last=lost_last)
        .sort_values(["_last", "_lost", "_rank", "customer_id"], kind="mergesort")
        .reset_index(drop=True)
    )
    table["priority"] = np.arange(1, len(table) + 1, dtype=np.int64)
    return table[list(COLUMNS)]


def _revenue_windows(
    cube: pd.DataFrame, *, as_of: pd.Timestamp, quarter_start: pd.Timestamp, lookback_months: int
) -> pd.DataFrame:
    """Lookback, recent and baseline revenue per customer, in one pass over the cube."""
    lookback_start = window_start(as_of, lookback_months)
    baseline_start = quarter_start - pd.DateOffset(months=3 * BASELINE_QUARTERS)
    month = cube["month"]
    revenue = cube["revenue"].astype(float).fillna(0.0)
    within = (month >= min(lookback_start, baseline_start)) & (month <= as_of)
    parts = pd.DataFrame(
        {
            "customer_id": cube["customer_id"],
            "lookback_revenue": revenue.where(month >= lookback_start, 0.0),
            "recent_revenue": revenue.where(month >= quarter_start, 0.0),
            "baseline_revenue": revenue.where((month >= baseline_start) & (month < quarter_start), 0.0),
        }
    )[within]
    sums = parts.groupby("customer_id", sort=True).sum().reset_index()
    sums["baseline_revenue"] = sums["baseline_revenue"] / BASELINE_QUARTERS
    sums["customer_id"] = sums["customer_id"].astype("str")
    return sums


def _is_deleted(customers: pd.DataFrame) -> pd.Series:
    if "is_deleted" not in customers.columns:
        return pd.Series(False, index=customers.index)
    return customers["is_deleted"].fillna(False).astype(bool)


def _clean_manager(manager: pd.Series) -> pd.Series:
    """Blank manager names are no manager (NA)."""
    text = manager.astype("str").str.strip()
    return text.where(text.ne(""), pd.NA).astype("str")


def _abc_column(customer_id: pd.Series, abc: pd.Series | None) -> pd.Series:
    if abc is None:
        return pd.Series(pd.NA, index=customer_id.index, dtype="str")
    classes = abc.astype("str").str.strip().str.upper()
    classes = classes.where(classes.isin(list(_ABC_RANK)), pd.NA)
    classes.index = classes.index.astype("str")
    classes = classes[~classes.index.duplicated(keep="first")]
    return customer_id.map(classes).astype("str")
