"""Reactivation: customers who stopped buying, why, what it costs, and who calls them first.

Source of the rules: REFERENCE.md "Reactivation". Candidates are customers with positive
revenue in the `lookback_months` whole calendar months ending at as_of; each gets the
reasons that apply (`no_orders_N_days`, `overdue_vs_own_rhythm`, `activity_drop`) and only
customers with at least one reason are listed, ranked by lost revenue. The reason codes are
the literal codes of REFERENCE.md — `no_orders_N_days` keeps its "N" whatever N is — so that
a machine reading `candidates.csv` can match them; N itself is a parameter of the run.

Money comes from the customer × month cube; days (last order, gaps between orders) from the
customer × day facts, where an *activity date* is a day with `orders > 0` (an order
document with a positive total: returns and zero documents are not buying).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import Field

from clientbase.options import Options
from clientbase.periods import window_start

__all__ = [
    "ACTIVITY_DROP",
    "COLUMNS",
    "NO_ORDERS",
    "OVERDUE",
    "FUNNEL_STEPS",
    "UNASSIGNED",
    "ReactivationOptions",
    "RevenueAtStake",
    "SCOPE_COLUMNS",
    "order_rhythm",
    "rank_candidates",
    "reactivation_candidates",
    "reactivation_funnel",
    "reactivation_scope",
    "revenue_at_stake",
]

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

# the reason codes of REFERENCE.md, literally (N is the `no_order_days` parameter)
NO_ORDERS = "no_orders_N_days"
OVERDUE = "overdue_vs_own_rhythm"
ACTIVITY_DROP = "activity_drop"
# the call list of customers whose card names no manager
UNASSIGNED = "(unassigned)"
REASON_SEPARATOR = "|"

COLUMNS = (
    "customer_id", "manager", "abc", "last_order_date", "days_since_last_order",
    "expected_interval_days", "baseline_revenue", "recent_revenue", "lost_revenue", "reason",
    "urgent", "priority",
)
SCOPE_COLUMNS = (
    "customer_id", "manager", "last_order_date", "days_since_last_order", "expected_interval_days",
    "distinct_order_dates", "baseline_revenue", "recent_revenue", "lost_revenue", "reason",
)

# ties of lost revenue: A first, then B, C, and customers without a class
_ABC_RANK = {"A": 0, "B": 1, "C": 2}
_NO_CLASS_RANK = 3
# a drop of exactly the threshold is not a drop, even when floating point says 69.999...
_RELATIVE_TOLERANCE = 1e-12


def order_rhythm(daily: pd.DataFrame, *, as_of: pd.Timestamp, min_dates: int = MIN_DATES) -> pd.DataFrame:
    """Each customer's last activity date and usual interval between orders.

    REFERENCE.md "Reactivation": expected_interval_days is the median gap in days between
    consecutive *distinct* activity dates (several documents on one day are one date),
    known only with at least `min_dates` distinct dates. Times of day are ignored; rows
    dated after `as_of` are not read.

    Parameters
    ----------
    daily
        The customer × day facts (`customer_id`, `date`, `orders`, ...).
    as_of
        The last day that counts.
    min_dates
        Fewest distinct activity dates for an expected interval.

    Returns
    -------
    pandas.DataFrame
        One row per customer with at least one activity date ≤ as_of, sorted by
        customer_id: `customer_id`, `last_order_date`, `distinct_order_dates`,
        `expected_interval_days` (float, NaN when too few dates).
    """
    as_of_day = _day_number(as_of)
    days_all = daily["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    active = (daily["orders"].to_numpy(dtype=float, na_value=0.0) > 0) & (days_all <= as_of_day)
    active &= ~pd.isna(daily["date"]).to_numpy()
    ids = daily["customer_id"][active]
    days = days_all[active]

    codes, uniques = pd.factorize(ids, sort=True)
    # one int64 key per (customer, day), sorted by customer then day; each day kept once
    # (several documents on one day are one distinct date). A plain sort beats np.unique.
    first_day = int(days.min()) if len(days) else 0
    keys = np.sort((codes.astype(np.int64) << 32) | (days - first_day))
    keys = keys[np.append(True, keys[1:] != keys[:-1])] if len(keys) else keys
    codes = keys >> 32
    days = (keys & 0xFFFFFFFF) + first_day

    n_customers = len(uniques)
    distinct_dates = np.bincount(codes, minlength=n_customers)
    # sorted by customer then day: a customer's last date ends its run
    ends = np.flatnonzero(np.append(codes[1:] != codes[:-1], True)) if len(codes) else np.array([], int)
    last_day = np.zeros(n_customers, dtype=np.int64)
    last_day[codes[ends]] = days[ends]

    same = codes[1:] == codes[:-1]
    gaps = pd.Series(np.diff(days)[same], dtype=float)
    median_gap = gaps.groupby(codes[1:][same]).median()
    expected = np.full(n_customers, np.nan)
    expected[median_gap.index.to_numpy()] = median_gap.to_numpy()
    expected[distinct_dates < min_dates] = np.nan

    return pd.DataFrame(
        {
            "customer_id": pd.array(np.asarray(uniques, dtype=object), dtype="str"),
            "last_order_date": last_day.astype("datetime64[D]").astype("datetime64[ns]"),
            "distinct_order_dates": distinct_dates.astype(np.int64),
            "expected_interval_days": expected,
        }
    )


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
        list is `UNASSIGNED`); `reason` joins the reason codes with "|"; `urgent` marks
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
    scope: pd.DataFrame, *, abc: pd.Series | None = None, urgent_days: int = URGENT_DAYS
) -> pd.DataFrame:
    """The customers of the scope with a reason, ABC class, urgent flag and priority.

    REFERENCE.md "Reactivation": only customers with at least one reason are listed;
    priority is the rank (1 = first call) by lost_revenue descending, ties broken by ABC
    class (A, B, C, none) then customer_id; class-A customers silent for more than
    `urgent_days` are urgent.

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
    table = scope[scope["reason"].notna() & scope["reason"].ne("")]
    table = table.assign(abc=_abc_column(table["customer_id"], abc))
    silent = table["days_since_last_order"].to_numpy(dtype=float, na_value=np.nan) > urgent_days
    table["urgent"] = table["abc"].eq("A").fillna(False).to_numpy(dtype=bool) & silent
    rank = table["abc"].map(_ABC_RANK).fillna(_NO_CLASS_RANK).astype(np.int64)
    table = (
        table.assign(_rank=rank, _lost=-table["lost_revenue"])
        .sort_values(["_lost", "_rank", "customer_id"], kind="mergesort")
        .reset_index(drop=True)
    )
    table["priority"] = np.arange(1, len(table) + 1, dtype=np.int64)
    return table[list(COLUMNS)]


@dataclass(frozen=True)
class RevenueAtStake:
    """Lost revenue of the reactivation list, by reason and by manager."""

    by_reason: pd.DataFrame
    by_manager: pd.DataFrame


def revenue_at_stake(candidates: pd.DataFrame) -> RevenueAtStake:
    """How many customers and how much lost revenue each reason and each manager carries.

    REFERENCE.md "Reactivation". A customer with several reasons is counted once per
    reason in `by_reason`, so its customers and lost revenue do not add up to the list's
    totals; `by_manager` counts every customer once.

    Returns
    -------
    RevenueAtStake
        `by_reason`: reason (code), customers, lost_revenue — in the order no orders,
        overdue vs own rhythm, activity drop. `by_manager`: manager (`UNASSIGNED` for
        customers without one), customers, urgent, lost_revenue — most lost revenue first.
    """
    # a handful of distinct reason combinations: aggregate per combination, then split
    combos = (
        candidates.groupby("reason", sort=False)
        .agg(customers=("lost_revenue", "size"), lost_revenue=("lost_revenue", "sum"))
        .reset_index()
    )
    exploded = combos.assign(reason=combos["reason"].str.split(REASON_SEPARATOR)).explode("reason")
    exploded = exploded[exploded["reason"].notna() & exploded["reason"].ne("")]
    by_reason = (
        exploded.groupby("reason", sort=False)
        .agg(customers=("customers", "sum"), lost_revenue=("lost_revenue", "sum"))
        .reset_index()
    )
    order = by_reason["reason"].map(_reason_order).astype(np.int64)
    by_reason = (
        by_reason.assign(_order=order)
        .sort_values(["_order", "reason"], kind="mergesort")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    by_reason["reason"] = by_reason["reason"].astype("str")
    by_reason["customers"] = by_reason["customers"].astype(np.int64)
    by_reason["lost_revenue"] = by_reason["lost_revenue"].astype(float)

    by_manager = (
        candidates.assign(manager=candidates["manager"].fillna(UNASSIGNED))
        .groupby("manager", sort=False)
        .agg(
            customers=("customer_id", "size"),
            urgent=("urgent", "sum"),
            lost_revenue=("lost_revenue", "sum"),
        )
        .reset_index()
        .sort_values(["lost_revenue", "manager"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )
    by_manager["manager"] = by_manager["manager"].astype("str")
    by_manager[["customers", "urgent"]] = by_manager[["customers", "urgent"]].astype(np.int64)
    by_manager["lost_revenue"] = by_manager["lost_revenue"].astype(float)
    return RevenueAtStake(by_reason=by_reason, by_manager=by_manager)


FUNNEL_STEPS = ("scope", NO_ORDERS, OVERDUE, ACTIVITY_DROP, "listed", "class_a", "urgent", "unassigned")


def reactivation_funnel(scope: pd.DataFrame, candidates: pd.DataFrame, *, abc_known: bool) -> pd.DataFrame:
    """How the list was built, step by step (`reactivation/funnel.csv`).

    REFERENCE.md "Reactivation". Steps (codes, in this order): `scope` (clients who
    bought in the lookback), each reason (`no_orders_N_days`, `overdue_vs_own_rhythm`,
    `activity_drop`; a client with several reasons counts under each, so these overlap),
    `listed` (at least one reason), then of the listed: `class_a`, `urgent` (only when
    `abc_known`) and `unassigned` (no responsible manager).

    Returns
    -------
    DataFrame[step, customers, share, lost_revenue, baseline_revenue, share_of_listed, lost_share_of_listed,
              lost_share_of_baseline]
        share = customers / clients in scope (NaN for an empty scope); lost_revenue per
        quarter, NaN for the scope row (it is not a loss); baseline_revenue = their average
        quarter; share_of_listed and lost_share_of_listed = customers and lost revenue as
        shares of the listed clients' (the class-A shares of the summary);
        lost_share_of_baseline = lost revenue / the average quarter of every client in scope.
        A share whose denominator is 0 is NaN.
    """
    codes = "|" + scope["reason"].fillna("").astype("str") + "|"
    lost = scope["lost_revenue"].to_numpy(dtype=float)
    base = scope["baseline_revenue"].to_numpy(dtype=float)
    rows: list[tuple[str, int, float, float]] = [("scope", len(scope), np.nan, float(base.sum()))]
    for code in (NO_ORDERS, OVERDUE, ACTIVITY_DROP):
        has = codes.str.contains(f"|{code}|", regex=False).to_numpy(dtype=bool)
        rows.append((code, int(has.sum()), float(lost[has].sum()), float(base[has].sum())))
    listed = codes.ne("||").to_numpy(dtype=bool)
    rows.append(("listed", int(listed.sum()), float(lost[listed].sum()), float(base[listed].sum())))
    picked = candidates["lost_revenue"].to_numpy(dtype=float)
    picked_base = candidates["baseline_revenue"].to_numpy(dtype=float)
    steps = {"unassigned": candidates["manager"].isna().to_numpy(dtype=bool)}
    if abc_known:
        steps = {"class_a": candidates["abc"].eq("A").fillna(False).to_numpy(dtype=bool),
                 "urgent": candidates["urgent"].fillna(False).to_numpy(dtype=bool), **steps}
    rows += [(step, int(mask.sum()), float(picked[mask].sum()), float(picked_base[mask].sum()))
             for step, mask in steps.items()]
    frame = pd.DataFrame(rows, columns=["step", "customers", "lost_revenue", "baseline_revenue"])
    frame["step"] = frame["step"].astype("str")
    frame["customers"] = frame["customers"].astype(np.int64)
    frame.insert(2, "share", _shares(frame["customers"], len(scope)))
    n_listed, lost_listed = int(listed.sum()), float(lost[listed].sum())
    frame["share_of_listed"] = _shares(frame["customers"], n_listed)
    frame["lost_share_of_listed"] = _shares(frame["lost_revenue"], lost_listed)
    frame["lost_share_of_baseline"] = _shares(frame["lost_revenue"], float(base.sum()))
    return frame


def _shares(values: pd.Series, total: float) -> pd.Series:
    """values / total, NaN everywhere when the total is not positive."""
    return values / total if total > 0 else pd.Series(np.nan, index=values.index)


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


def _reason_order(code: str) -> int:
    return {NO_ORDERS: 0, OVERDUE: 1, ACTIVITY_DROP: 2}.get(code, 3)


def _day_number(day: pd.Timestamp) -> int:
    return int(np.datetime64(pd.Timestamp(day).normalize().date(), "D").astype(np.int64))
