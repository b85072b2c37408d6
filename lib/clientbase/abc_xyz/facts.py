"""The cube (or the customer × day facts) as arrays, customers as integer codes, seen at a date.

Customer ids are factorized once (together with the customers table) and every
per-customer sum is an `np.bincount` over the integer codes. Rows dated after `as_of` stay
in the arrays and are masked, so that the migration looks at the same facts at two dates
without copying them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clientbase.abc_xyz.options import _Options
from clientbase.periods import month_starts

# decimals kept when comparing a share or a cv with a bound: a running float sum may land a
# hair below 0.80 or above 1.0 where exact arithmetic gives the bound itself
_DECIMALS = 12


_NO_DATE = np.iinfo(np.int64).max


_DAY_NS = 86_400 * 10**9




@dataclass(frozen=True, eq=False)
class _Facts:
    """Cube (or daily) rows as arrays, customers as integer codes, seen at `as_of`.

    Rows dated after as_of stay in the arrays and are masked by `upto`: migration looks at
    the same facts at two dates without copying them (every copy of a cube-sized array
    costs as much as the arithmetic on it).
    """

    ids: pd.Index  # customer ids in code order
    code: np.ndarray  # row → customer code
    step: np.ndarray  # row → months since 1970-01 (cube) or days since 1970-01-01 (daily)
    orders: np.ndarray  # row → activity documents
    values: dict[str, np.ndarray]  # row → revenue and the metric (NaN as 0)
    first_order: np.ndarray  # row → its first activity order, int64 ns; _NO_DATE without one
    as_of: pd.Timestamp
    kind: str
    customers: np.ndarray | None  # codes of the customer ids passed in, in their order
    upto: np.ndarray | None = None  # row → dated up to as_of; None when all rows are
    first: np.ndarray | None = None  # code → first activity order up to as_of, int64 ns

    def window(self, start: int) -> np.ndarray:
        """Rows from step `start` to as_of."""
        rows = self.step >= start
        return rows if self.upto is None else rows & self.upto

    def window_sum(self, weights: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Per customer code, the sum of `weights` over `rows` (all rows up to as_of if None)."""
        rows = self.upto if rows is None else rows
        if rows is not None:
            weights = np.where(rows, weights, 0.0)
        sums = np.bincount(self.code, weights=weights, minlength=len(self.ids))
        return sums.astype("float64", copy=False)  # bincount of nothing is int


_NEEDS = {
    "cube": ("customer_id", "month", "revenue", "orders", "first_order_date"),
    "daily": ("customer_id", "date", "revenue", "orders"),
}


def _prepare(
    cube: pd.DataFrame, customers: pd.DataFrame, *, as_of: pd.Timestamp, opts: _Options
) -> tuple[pd.DataFrame, _Facts]:
    """The customers to classify and the cube facts, their ids coded together."""
    _check_metric(cube, opts.metric)
    base = customers.reset_index(drop=True)
    facts = _facts(cube, as_of=as_of, metric=opts.metric,
                   customer_ids=base["customer_id"].astype("str"))
    # factorize numbers first appearances 0, 1, …: anything else is a repeated id
    repeated = facts.customers != np.arange(len(base))
    if repeated.any():
        raise ValueError(
            f"customers: customer_id {base['customer_id'].iloc[np.argmax(repeated)]!r} is not unique"
        )
    return base, facts


def _facts(
    frame: pd.DataFrame, *, as_of: pd.Timestamp, kind: str = "cube", metric: str = "revenue",
    customer_ids: pd.Series | None = None,
) -> _Facts:
    missing = [c for c in _NEEDS[kind] if c not in frame.columns]
    if missing:
        raise ValueError(
            f"the {kind} frame lacks column(s) {', '.join(missing)}; expected {', '.join(_NEEDS[kind])}"
        )
    when = frame["month" if kind == "cube" else "date"].to_numpy(dtype="datetime64[ns]")
    ids = frame["customer_id"]
    if customer_ids is not None:
        # one factorization codes the customers table and the rows alike
        ids = pd.concat([customer_ids.reset_index(drop=True), ids], ignore_index=True)
    # factorize the column itself: Arrow-backed strings encode without a copy to objects
    code, uniques = pd.factorize(ids, sort=False)
    customers = None
    if customer_ids is not None:
        customers, code = code[:len(customer_ids)], code[len(customer_ids):]
    orders = frame["orders"].to_numpy(dtype="float64", na_value=0.0)
    day = frame["first_order_date" if kind == "cube" else "date"].to_numpy(dtype="datetime64[ns]")
    first_order = np.where(orders > 0, day.view(np.int64), _NO_DATE)
    if kind == "cube":
        # a cube row with orders has a first_order_date; its month start is a safe stand-in
        unknown = first_order == np.iinfo(np.int64).min  # NaT
        first_order[unknown] = when.view(np.int64)[unknown]
    values = {}
    for name in dict.fromkeys(("revenue", metric)):
        column = frame[name].to_numpy(dtype="float64", na_value=np.nan)
        values[name] = np.nan_to_num(column) if np.isnan(column).any() else column
    facts = _Facts(
        ids=pd.Index(uniques, dtype="str"), code=code,
        step=_month_numbers(when) if kind == "cube" else _day_numbers(when),
        orders=orders, values=values, first_order=first_order, as_of=_day(as_of), kind=kind,
        customers=customers,
    )
    return _restrict(facts, as_of)


def _restrict(facts: _Facts, as_of: pd.Timestamp) -> _Facts:
    """The same facts seen at another as_of: later rows masked, first orders recomputed."""
    as_of = _day(as_of)
    limit = _month_number(as_of) if facts.kind == "cube" else _day_number(as_of)
    upto = None
    if len(facts.step) and facts.step.max() > limit:
        upto = facts.step <= limit
    first = np.full(len(facts.ids), _NO_DATE, dtype=np.int64)
    np.minimum.at(first, facts.code, facts.first_order if upto is None
                  else np.where(upto, facts.first_order, _NO_DATE))
    return replace(facts, as_of=as_of, upto=upto, first=first)


def _check_metric(frame: pd.DataFrame, metric: str) -> None:
    """gross_profit and quantity exist only when the orders had cost / quantity columns."""
    if metric not in frame.columns or (len(frame) and frame[metric].isna().all()):
        source = {"gross_profit": "cost", "quantity": "quantity"}.get(metric, metric)
        raise ValueError(
            f"metric {metric!r} needs the orders' {source!r} column, and the orders have no "
            f"{source} column (or it is empty); use metric 'revenue'"
        )


def _deleted(customers: pd.DataFrame) -> np.ndarray:
    if "is_deleted" not in customers.columns:
        return np.zeros(len(customers), dtype=bool)
    return customers["is_deleted"].fillna(False).to_numpy(dtype=bool)


def _column(frame: pd.DataFrame, column: str, row: np.ndarray) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([None] * len(row), dtype="str")
    return frame[column].iloc[row].reset_index(drop=True)


def _ratio(part: np.ndarray, whole: float) -> np.ndarray:
    return part / whole if whole else np.full(len(part), np.nan)


def _day(value: pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _month_number(day: pd.Timestamp) -> int:
    """Months since 1970-01."""
    return (day.year - 1970) * 12 + day.month - 1


def _month_numbers(when: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of datetime64 values.

    A search among the month starts of the values' span: much faster than a calendar
    conversion of every row, and right for any day of a month.
    """
    if len(when) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = pd.Timestamp(when.min()), pd.Timestamp(when.max())
    starts = month_starts(lo, hi).to_numpy(dtype="datetime64[ns]")
    return np.searchsorted(starts, when, side="right").astype(np.int64) - 1 + _month_number(lo)


def _day_number(day: pd.Timestamp) -> int:
    """Days since 1970-01-01."""
    return int(day.normalize().value // _DAY_NS)


def _day_numbers(when: np.ndarray) -> np.ndarray:
    return when.astype("datetime64[ns]").astype(np.int64) // _DAY_NS
