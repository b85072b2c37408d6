"""Relationship stage, ABC and XYZ classes of every customer at a date (REFERENCE.md "ABC",
"XYZ", "Relationship stage").

XYZ fills a dense customers × sub-periods matrix in blocks that bound memory, months
without a row being zeros, and takes the exact two-pass variance: no Python loop runs per
customer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.abc_xyz.facts import (
    _DAY_NS,
    _DECIMALS,
    _NO_DATE,
    _check_metric,
    _column,
    _day_number,
    _day_numbers,
    _deleted,
    _Facts,
    _facts,
    _month_number,
    _month_numbers,
    _prepare,
)
from clientbase.abc_xyz.options import (
    DEFAULT_ABC_BOUNDS,
    DEFAULT_MIN_PERIODS,
    DEFAULT_NEW_DAYS,
    DEFAULT_WINDOW_MONTHS,
    DEFAULT_XYZ_BOUNDS,
    AbcXyzOptions,
    _Options,
)
from clientbase.periods import month_starts, window_start

# cells (customers × sub-periods) of one dense block in the XYZ pass: 128 MB of floats
_BLOCK_CELLS = 16_000_000


def relationship_stage(
    cube: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    new_days: int = DEFAULT_NEW_DAYS,
) -> pd.Series:
    """The relationship stage of every customer at `as_of` (REFERENCE.md "Relationship stage").

    Orders are activity documents (the cube's `orders`); the first rule that matches wins:
    `potential` (no order yet), `new` (first order less than `new_days` days before as_of),
    `lost` (no order inside the window of `window_months`), `one_off` (exactly one order),
    `regular` (two or more, at least one inside the window).

    Returns
    -------
    pd.Series
        Indexed by the customers' `customer_id` (in their order), named `stage`.
    """
    _Options(window_months=window_months, new_days=new_days)  # validates
    ids = customers["customer_id"].astype("str").reset_index(drop=True)
    facts = _facts(cube, as_of=as_of, customer_ids=ids)
    in_window = facts.window(_month_number(window_start(facts.as_of, window_months)))
    stage = _stage(facts, facts.customers, in_window=in_window, new_days=new_days)
    return pd.Series(stage, index=pd.Index(ids, name="customer_id"), name="stage", dtype="str")


def abc_classes(metric: pd.Series, *, bounds: tuple[float, float] = DEFAULT_ABC_BOUNDS) -> pd.DataFrame:
    """ABC classes of a metric per customer (REFERENCE.md "ABC (value)").

    Parameters
    ----------
    metric
        The metric summed over the window, indexed by customer_id.
    bounds
        Cumulative-share bounds: A while the cum_share *before* the customer is below the
        first, B below the second, C otherwise; the customer who crosses a bound is in the
        upper class, and the top customer is always A.

    Returns
    -------
    pd.DataFrame
        customer_id, metric_value, share, cum_share, abc; sorted by metric descending, ties
        by customer_id. Customers with metric ≤ 0 (or missing) come last, without a class
        and with share and cum_share empty. The last cum_share is exactly 1.
    """
    AbcXyzOptions.parse({"abc_bounds": bounds}, where="abc_classes")
    ids = pd.Series(metric.index.to_numpy(), dtype="str")
    value = metric.to_numpy(dtype="float64", na_value=np.nan)
    order, share, cum_share, abc = _abc(value, ids, bounds=bounds)
    return pd.DataFrame({
        "customer_id": ids.iloc[order].reset_index(drop=True),
        "metric_value": value[order],
        "share": share,
        "cum_share": cum_share,
        "abc": pd.Series(abc, dtype="str"),
    })


def xyz_classes(
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    metric: str = "revenue",
    grain: str = "month",
    min_periods: int = DEFAULT_MIN_PERIODS,
    bounds: tuple[float, float] = DEFAULT_XYZ_BOUNDS,
    daily: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """XYZ classes: how evenly each customer buys (REFERENCE.md "XYZ (stability of buying)").

    cv = population standard deviation (ddof 0) / mean of the metric per sub-period over
    the observed span: from max(window start, the sub-period of the customer's first
    activity order) to the window end, sub-periods without purchases counted as 0.
    Fewer than `min_periods` observed sub-periods, or a mean ≤ 0, gives no class and no cv.
    X when cv ≤ bounds[0], Y when cv ≤ bounds[1], Z otherwise.

    Parameters
    ----------
    grain
        `month` (default) or `quarter` from the cube — the window must then be whole
        calendar quarters — or `week` (Monday weeks, the partial weeks at the window edges
        counted as sub-periods) from the customer × day facts passed as `daily`.

    Returns
    -------
    pd.DataFrame
        customer_id, observed_periods, cv, xyz: one row per customer with a cube row (a
        `daily` row for weeks) up to as_of.
    """
    opts = _Options(window_months=window_months, metric=metric, grain=grain,
                    min_periods=min_periods, xyz_bounds=bounds, daily=daily)
    source = daily if grain == "week" else cube
    _check_metric(source, metric)
    facts = _facts(source, as_of=as_of, kind="daily" if grain == "week" else "cube", metric=metric)
    observed, cv, letters = _xyz(facts, opts)
    seen = slice(None) if facts.upto is None else np.flatnonzero(facts.window_sum(facts.upto, None))
    return pd.DataFrame({
        "customer_id": pd.Series(facts.ids[seen], dtype="str").reset_index(drop=True),
        "observed_periods": observed[seen],
        "cv": cv[seen],
        "xyz": pd.Series(letters[seen], dtype="str"),
    })


def abc_xyz_classes(
    cube: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    metric: str = "revenue",
    window_months: int = DEFAULT_WINDOW_MONTHS,
    abc_bounds: tuple[float, float] = DEFAULT_ABC_BOUNDS,
    xyz_bounds: tuple[float, float] = DEFAULT_XYZ_BOUNDS,
    grain: str = "month",
    min_periods: int = DEFAULT_MIN_PERIODS,
    new_days: int = DEFAULT_NEW_DAYS,
    daily: pd.DataFrame | None = None,
    include_deleted: bool = False,
) -> pd.DataFrame:
    """The ABC-XYZ classes table (`abc_xyz/classes.csv`) at `as_of`.

    One row per customer of `customers`, in ABC order (metric descending, ties by
    customer_id), the customers without an ABC class after them and the cards marked
    `is_deleted` last, without classes (unless `include_deleted`: then they are classified
    like any other). Rules: REFERENCE.md "ABC", "XYZ", "Relationship stage"; options as in
    `abc_classes`, `xyz_classes` and `relationship_stage`.

    Returns
    -------
    pd.DataFrame
        customer_id, name, manager, metric_value (the metric over the window), share,
        cum_share, abc, cv, xyz, abc_xyz (empty where either class is), stage, revenue
        (net revenue over the window, whatever the metric), observed_periods (XYZ
        sub-periods), months_with_sales (months of the window with any order line),
        is_deleted (the card is marked for deletion). `attrs` records as_of, the window, metric, grain and bounds.
    """
    opts = _Options(metric=metric, window_months=window_months, abc_bounds=abc_bounds,
                    xyz_bounds=xyz_bounds, grain=grain, min_periods=min_periods,
                    new_days=new_days, daily=daily, include_deleted=include_deleted)
    base, facts = _prepare(cube, customers, as_of=as_of, opts=opts)
    return _classify(facts, base, opts)[0]


def _classify(facts: _Facts, base: pd.DataFrame, opts: _Options) -> tuple[pd.DataFrame, np.ndarray]:
    """The classes table of `base` (rows coded by facts.customers) and its row order."""
    in_window = facts.window(_month_number(window_start(facts.as_of, opts.window_months)))
    metric_sum = facts.window_sum(facts.values[opts.metric], in_window)
    ids = base["customer_id"].astype("str")
    deleted = _deleted(base)
    # a NaN metric takes no class and sorts after every number: the deleted cards come last
    ranked = metric_sum[facts.customers]
    if not opts.include_deleted:
        ranked = np.where(deleted, np.nan, ranked)
    order, share, cum_share, abc = _abc(ranked, ids, bounds=opts.abc_bounds)
    ids = ids.iloc[order].reset_index(drop=True)
    position = facts.customers[order]
    deleted = deleted[order]
    if opts.grain == "week":
        daily = _facts(opts.daily, as_of=facts.as_of, kind="daily", metric=opts.metric, customer_ids=ids)
        observed, cv, letters = _xyz(daily, opts)
        xyz_position = daily.customers
    else:
        observed, cv, letters = _xyz(facts, opts)
        xyz_position = position
    cv, letters = cv[xyz_position], letters[xyz_position]
    if not opts.include_deleted:
        cv, letters = np.where(deleted, np.nan, cv), np.where(deleted, None, letters)
    abc = pd.Series(abc, dtype="str")
    xyz = pd.Series(letters, dtype="str")
    out = pd.DataFrame({
        "customer_id": ids,
        "name": _column(base, "name", order),
        "manager": _column(base, "manager", order),
        "metric_value": metric_sum[position],
        "share": share,
        "cum_share": cum_share,
        "abc": abc,
        "cv": cv,
        "xyz": xyz,
        "abc_xyz": (abc + xyz).astype("str"),  # NA on either side leaves it empty
        "stage": pd.Series(_stage(facts, position, in_window=in_window, new_days=opts.new_days),
                           dtype="str"),
        "revenue": facts.window_sum(facts.values["revenue"], in_window)[position],
        "observed_periods": observed[xyz_position],
        "months_with_sales": np.bincount(facts.code, weights=in_window,
                                         minlength=len(facts.ids))[position].astype("int64"),
        "is_deleted": deleted,
    })
    out.attrs = {
        "as_of": facts.as_of,
        "window_start": window_start(facts.as_of, opts.window_months),
        "window_months": opts.window_months,
        "metric": opts.metric,
        "grain": opts.grain,
        "min_periods": opts.min_periods,
        "new_days": opts.new_days,
        "abc_bounds": tuple(opts.abc_bounds),
        "xyz_bounds": tuple(opts.xyz_bounds),
        "include_deleted": opts.include_deleted,
    }
    return out, order


def _abc(
    value: np.ndarray, ids: pd.Series, *, bounds: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(order, share, cum_share, abc): the ABC order of the rows, then values in that order."""
    lower, upper = bounds
    # ties by customer_id: each id's rank among the ids (Arrow sorts by code point, the
    # order Python compares strings in)
    if ids.is_monotonic_increasing:
        id_rank = np.arange(len(ids))
    else:
        id_rank = np.empty(len(ids), dtype=np.intp)
        id_rank[ids.argsort(kind="stable").to_numpy()] = np.arange(len(ids))
    order = np.lexsort((id_rank, np.where(np.isnan(value), np.inf, -value)))
    value = value[order]
    positive = value > 0
    counted = np.where(positive, value, 0.0)
    total = counted.sum()
    share = np.full(len(value), np.nan)
    cum_share = np.full(len(value), np.nan)
    abc = np.full(len(value), None, dtype=object)
    if total > 0:
        running = np.cumsum(counted)
        share[positive] = counted[positive] / total
        cum_share[positive] = np.minimum(running[positive] / total, 1.0)
        # positives sort first, so the last of them closes the curve at exactly 1
        cum_share[np.flatnonzero(positive)[-1]] = 1.0
        before = np.round(np.concatenate(([0.0], running[:-1])) / total, _DECIMALS)
        letters = np.where(before < lower, "A", np.where(before < upper, "B", "C"))
        abc[positive] = letters[positive]
    return order, share, cum_share, abc


def _stage(facts: _Facts, position: np.ndarray, *, in_window: np.ndarray, new_days: int) -> np.ndarray:
    """Stage of the customers at `position` in facts.ids, in REFERENCE.md's rule order."""
    total = facts.window_sum(facts.orders, None)[position]
    recent = facts.window_sum(facts.orders, in_window)[position]
    age_days = (facts.as_of.value - facts.first[position]) // _DAY_NS
    return np.select(
        [total <= 0, age_days < new_days, recent <= 0, total == 1],
        ["potential", "new", "lost", "one_off"],
        default="regular",
    ).astype(object)


def _xyz(facts: _Facts, opts: _Options) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(observed_periods, cv, xyz) per customer code."""
    has_first = facts.first != _NO_DATE
    first = np.where(has_first, facts.first, 0).astype("datetime64[ns]")
    start_day = window_start(facts.as_of, opts.window_months)
    if opts.grain == "week":
        # Monday weeks; the week holding the window start is sub-period 0
        anchor = _day_number(start_day) - start_day.weekday()
        width = 7
        first_period = (_day_numbers(first) - anchor) // width
        count = (_day_number(facts.as_of) - anchor) // width + 1
        window_first = _day_number(start_day)
    else:
        anchor = window_first = _month_number(start_day)
        width = 3 if opts.grain == "quarter" else 1
        if width == 3 and (anchor % 3 or (_month_number(facts.as_of) + 1) % 3):
            raise ValueError(
                f"grain 'quarter' needs a window of whole calendar quarters; window_months="
                f"{opts.window_months} ending at {facts.as_of.date()} starts on {start_day.date()}"
            )
        first_period = (_month_numbers(first) - anchor) // width
        count = len(month_starts(start_day, facts.as_of)) // width

    n = len(facts.ids)
    start_period = np.maximum(first_period, 0)
    observed = np.where(has_first, count - start_period, 0).astype("int64")
    # the first step (month or day) of each customer's observed span; no span: never
    span_start = np.where(has_first, np.maximum(window_first, anchor + width * start_period), _NO_DATE)
    keep = facts.step >= span_start[facts.code]
    if facts.upto is not None:
        keep &= facts.upto
    # cell of each row in a dense customers × sub-periods matrix
    cell = facts.step - anchor
    cell //= width
    cell += facts.code * count
    value = facts.values[opts.metric]
    mean = np.full(n, np.nan)
    squares = np.full(n, np.nan)
    # the matrix in blocks of customers: sub-periods without a row are zeros, those before
    # the observed span are masked out
    per_block = max(1, _BLOCK_CELLS // count)
    for lo in range(0, n, per_block):
        hi = min(n, lo + per_block)
        if lo == 0 and hi == n:
            cell[~keep] = n * count  # a spare bin for the rows outside the spans
            cells = np.bincount(cell, weights=value, minlength=n * count + 1)[:-1]
        else:
            rows = keep & (facts.code >= lo) & (facts.code < hi)
            cells = np.bincount(cell[rows] - lo * count, weights=value[rows],
                                minlength=(hi - lo) * count)
        cells = cells.astype("float64", copy=False).reshape(hi - lo, count)  # int when empty
        with np.errstate(divide="ignore", invalid="ignore"):
            mean[lo:hi] = cells.sum(axis=1) / observed[lo:hi]
        cells -= mean[lo:hi][:, None]
        cells[np.arange(count) < start_period[lo:hi][:, None]] = 0.0
        squares[lo:hi] = np.square(cells, out=cells).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.sqrt(squares / observed) / mean
    valid = (observed >= opts.min_periods) & (mean > 0)
    cv = np.where(valid, np.round(cv, _DECIMALS), np.nan)
    letters = np.where(cv <= opts.xyz_bounds[0], "X", np.where(cv <= opts.xyz_bounds[1], "Y", "Z"))
    letters = letters.astype(object)
    letters[~valid] = None
    return observed, cv, letters
