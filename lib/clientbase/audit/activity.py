"""The base in time for the base audit: sleeping and new clients, the size of the base, its trend.

Source of the rules: REFERENCE.md "Base audit". «Спящие» clients (`sleeping_clients`), new
clients of a quarter (`new_clients`), the base at as_of next to the previous audit
(`base_summary`, `BaseSummary`) and at each of the last quarter ends (`base_trend`). An
activity order is a cube row with `orders > 0`; the cube's rows after as_of are never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clientbase.audit._cards import _Cards, _column, _positions
from clientbase.periods import quarter_of, window_start

__all__ = ["SLEEPING_DAYS", "TREND_QUARTERS", "WINDOW_MONTHS", "BaseSummary", "base_summary", "base_trend",
           "new_clients", "sleeping_clients"]

SLEEPING_DAYS = 90
WINDOW_MONTHS = 12
TREND_QUARTERS = 8


@dataclass(frozen=True)
class BaseSummary:
    """The size and movement of the base at as_of and at the previous audit's date.

    `customers`: cards created on or before the date (all, when there is no created_at);
    `active_buyers`: customers with an activity order in the window ending at the date;
    `sleeping`: customers whose last activity order is more than `sleeping_days` before the
    date; `new`: customers whose first activity order falls in the date's quarter;
    `growth` = customers − customers_previous, `growth_share` = growth / customers_previous.
    """

    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp
    customers: int
    customers_previous: int
    active_buyers: int
    active_buyers_previous: int
    sleeping: int
    sleeping_previous: int
    new: int
    new_previous: int
    growth: int
    growth_share: float

    def as_frame(self) -> pd.DataFrame:
        """DataFrame[metric, current, previous, change]: one row per counted metric."""
        metrics = ("customers", "active_buyers", "sleeping", "new")
        current = [getattr(self, m) for m in metrics]
        previous = [getattr(self, f"{m}_previous") for m in metrics]
        return pd.DataFrame(
            {
                "metric": pd.Series(metrics, dtype="str"),
                "current": current,
                "previous": previous,
                "change": np.subtract(current, previous),
            }
        )


def sleeping_clients(
    customers: pd.DataFrame, cube: pd.DataFrame, *, as_of: pd.Timestamp, days: int = SLEEPING_DAYS
) -> pd.DataFrame:
    """«Спящие» clients: the last activity order more than `days` days before as_of.

    REFERENCE.md "Base audit". Customers who never bought are potential, not sleeping.
    Only the cube's rows dated on or before as_of are read.

    Returns
    -------
    DataFrame[customer_id, name, manager, last_order_date, days_since_last_order]
        longest silence first, then customer_id.
    """
    cards = _Cards(customers)
    return _sleeping(cards, _coded_activity(cards, cube), as_of=as_of, days=days)


def _sleeping(cards: _Cards, activity: _Activity, *, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of).normalize()
    last = _card_dates(activity, as_of).last
    silence = (as_of - pd.Series(last).dt.normalize()).dt.days.to_numpy()
    # NaT (never bought) gives NaN days, never more than `days`
    rows = silence > days
    out = _cards_with(cards, "last_order_date", last, rows=rows)
    out["days_since_last_order"] = silence[rows].astype("int64")
    # longest silence first, then by customer_id (as integer ranks); stable
    order = np.lexsort((cards.id_rank[rows], -out["days_since_last_order"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def new_clients(
    customers: pd.DataFrame, cube: pd.DataFrame, *, start: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame:
    """New clients: the first activity order ever falls between start and as_of (inclusive).

    REFERENCE.md "Base audit" ("new clients this quarter": start is the quarter's first day).

    Returns
    -------
    DataFrame[customer_id, name, manager, source, first_order_date]
        by first_order_date, then customer_id.
    """
    cards = _Cards(customers)
    return _new(cards, _coded_activity(cards, cube), start=start, as_of=as_of)


def _new(cards: _Cards, activity: _Activity, *, start: pd.Timestamp, as_of: pd.Timestamp) -> pd.DataFrame:
    start, as_of = pd.Timestamp(start).normalize(), pd.Timestamp(as_of).normalize()
    if start > as_of:
        raise ValueError(f"start {start.date()} is after as_of {as_of.date()}")
    first = _card_dates(activity, as_of).first
    rows = (pd.Series(first).dt.normalize() >= start).to_numpy()
    out = _cards_with(cards, "first_order_date", first, rows=rows, extra=("source",))
    # by first order, then by customer_id (as integer ranks); stable
    order = np.lexsort((cards.id_rank[rows], first[rows].astype("int64")))
    return out.iloc[order].reset_index(drop=True)


def base_summary(
    customers: pd.DataFrame,
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    previous_as_of: pd.Timestamp,
    window_months: int = WINDOW_MONTHS,
    sleeping_days: int = SLEEPING_DAYS,
) -> BaseSummary:
    """The base at as_of next to the base at the previous audit (default: a quarter earlier).

    REFERENCE.md "Base audit": base growth quarter over quarter and a comparison with the
    previous quarter's audit. Both dates are read from the same data, so cards deleted
    since are left out of both. Definitions: `BaseSummary`.
    """
    cards = _Cards(customers)
    return _base_summary(cards, _coded_activity(cards, cube), as_of=as_of, previous_as_of=previous_as_of,
                         window_months=window_months, sleeping_days=sleeping_days)


def _base_summary(
    cards: _Cards, activity: _Activity, *, as_of: pd.Timestamp, previous_as_of: pd.Timestamp,
    window_months: int, sleeping_days: int,
) -> BaseSummary:
    as_of, previous = pd.Timestamp(as_of).normalize(), pd.Timestamp(previous_as_of).normalize()
    if previous >= as_of:
        raise ValueError(f"previous_as_of {previous.date()} must be before as_of {as_of.date()}")
    counts = {}
    for suffix, day in (("", as_of), ("_previous", previous)):
        counts[f"customers{suffix}"] = _base_size(cards, day)
        quarter = _quarter_counts(activity, day=day, start=quarter_of(day).start, window_months=window_months,
                                  sleeping_days=sleeping_days)
        counts.update({f"{name}{suffix}": value for name, value in quarter.items()})
    growth = counts["customers"] - counts["customers_previous"]
    share = growth / counts["customers_previous"] if counts["customers_previous"] else float("nan")
    return BaseSummary(as_of=as_of, previous_as_of=previous, growth=growth, growth_share=share, **counts)


def base_trend(
    customers: pd.DataFrame,
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    quarters: int = TREND_QUARTERS,
    window_months: int = WINDOW_MONTHS,
    sleeping_days: int = SLEEPING_DAYS,
) -> pd.DataFrame:
    """The base at the end of each of the last `quarters` quarters up to as_of's.

    REFERENCE.md "Base audit" (base growth quarter over quarter, the previous audits): the
    figures of `BaseSummary` at each quarter end, read from today's data, so a quarter's
    row is what its audit would have counted had it been run with the same cards. A
    quarter end after as_of is replaced by as_of (an audit run mid-quarter).

    Returns
    -------
    DataFrame[quarter, as_of, customers, active_buyers, sleeping, new]
        Oldest quarter first; quarter is a label like "2026Q3".
    """
    cards = _Cards(customers)
    return _base_trend(cards, _coded_activity(cards, cube), as_of=as_of, quarters=quarters,
                       window_months=window_months, sleeping_days=sleeping_days)


def _base_trend(
    cards: _Cards, activity: _Activity, *, as_of: pd.Timestamp, quarters: int,
    window_months: int, sleeping_days: int,
) -> pd.DataFrame:
    if quarters < 1:
        raise ValueError(f"quarters must be >= 1, got {quarters!r}")
    as_of = pd.Timestamp(as_of).normalize()
    last = quarter_of(as_of)
    rows = []
    # a handful of quarters; each is a few numpy passes over the cube's activity rows, the
    # customers coded once as integers (grouping by text ids per quarter was the cost)
    for back in range(quarters - 1, -1, -1):
        period = last.previous(back)
        day = min(period.as_of, as_of)
        rows.append({
            "quarter": period.label,
            "as_of": day,
            "customers": _base_size(cards, day),
            **_quarter_counts(activity, day=day, start=period.start, window_months=window_months,
                              sleeping_days=sleeping_days),
        })
    out = pd.DataFrame(rows)
    return out.astype({"quarter": "str", "customers": "int64", "active_buyers": "int64", "sleeping": "int64",
                       "new": "int64"})


@dataclass(frozen=True)
class _Dates:
    """Per active card (aligned with `_Cards.frame`): its first and last activity order date."""

    first: np.ndarray
    last: np.ndarray


def _card_dates(activity: _Activity, as_of: pd.Timestamp) -> _Dates:
    """Each card's first and last activity order date on or before as_of (NaT when there is
    none, and for a card without customer_id, which no order can name)."""
    at = _ns(as_of)
    seen = activity.month <= at
    # the minimum and maximum per customer: a scatter over the rows instead of a groupby
    firsts = np.full(len(activity.ids), _NEVER)
    rows = seen & (activity.first <= at)
    np.minimum.at(firsts, activity.code[rows], activity.first[rows])
    lasts = np.full(len(activity.ids), _NONE)
    rows = seen & (activity.last <= at)
    np.maximum.at(lasts, activity.code[rows], activity.last[rows])
    return _Dates(first=_per_card(firsts, activity, none=_NEVER), last=_per_card(lasts, activity, none=_NONE))


def _per_card(per_code: np.ndarray, activity: _Activity, *, none: int) -> np.ndarray:
    """Each card's date from the dates per code (NaT for `none` and for a card without
    customer_id)."""
    per_card = per_code[activity.card]
    return np.where((per_card == none) | ~activity.named, np.datetime64("NaT", "ns"), per_card.view("datetime64[ns]"))


def _cards_with(
    cards: _Cards, name: str, dates: np.ndarray, *, rows: np.ndarray, extra: Sequence[str] = ()
) -> pd.DataFrame:
    """The cards of `rows`, some of those with a date: customer_id, name, manager, extra...,
    and their date as `name`.

    A text column is `str`, except one that no card with a date fills: that one is `object`
    (all NA), the type these lists have always had then (pandas' inference of a column of
    nothing but missing values).
    """
    dated = ~np.isnat(dates)
    frame = pd.DataFrame(
        # only these rows are read (a text column costs per row)
        {c: _text_rows(_column(cards.frame, c), rows, typed=dated) for c in ["customer_id", "name", *extra]}
    )
    frame.insert(2, "manager", cards.manager[rows].reset_index(drop=True))
    frame[name] = dates[rows]
    return frame


def _text_rows(values: pd.Series, rows: np.ndarray, *, typed: np.ndarray) -> pd.Series:
    """values[rows] as `str`, or as `object` when no value of values[typed] is filled (see `_cards_with`)."""
    text = values[rows].astype("str").reset_index(drop=True)
    return text if values[typed].notna().any() else text.astype(object)


@dataclass(frozen=True, eq=False)
class _Activity:
    """The cube's activity rows (orders > 0) of the active cards, the customers coded once as
    integers: grouping millions of rows by text ids was the cost of the audit's dates and counts."""

    ids: pd.Index  # customer_id of each code
    card: np.ndarray  # per active card: the code of its customer_id
    named: np.ndarray  # per active card: whether it has a customer_id
    code: np.ndarray  # per row: position in ids; the rows sorted by it
    runs: np.ndarray  # the first row of each customer's run of rows
    # the dates of the rows as int64 nanoseconds, NaT as `_NEVER` (after every date, so that a
    # missing date is never "on or before" a day): plain integer comparisons
    month: np.ndarray
    first: np.ndarray  # first and last activity order date of the row's month
    last: np.ndarray
    # `_quarter_counts` by their arguments: the summary's two dates are usually trend quarters
    counts: dict[tuple, dict[str, int]] = field(default_factory=dict, repr=False)


# the int64 stand-ins of a missing date in `_Activity`: `_NEVER` is later and `_NONE`
# earlier than every date
_NEVER = np.iinfo(np.int64).max
_NONE = np.iinfo(np.int64).min


def _ns(day: pd.Timestamp) -> int:
    """A date as int64 nanoseconds, comparable with the dates of `_Activity`."""
    return int(np.datetime64(pd.Timestamp(day), "ns").astype(np.int64))


def _nanoseconds(dates: pd.Series) -> np.ndarray:
    """A date column as int64 nanoseconds, NaT as `_NEVER`."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    return np.where(np.isnat(values), _NEVER, values.view(np.int64))


def _coded_activity(cards: _Cards, cube: pd.DataFrame) -> _Activity:
    card_ids = cards.frame["customer_id"].astype("str")
    ids = pd.Index(card_ids).drop_duplicates()
    code = _positions(cube["customer_id"], ids)
    rows = np.flatnonzero((code >= 0) & (cube["orders"].to_numpy() > 0))
    # a customer's rows one after the other (the cube usually has them so already): the
    # counts then reduce runs instead of scattering flags
    if np.any(np.diff(code[rows]) < 0):
        rows = rows[np.argsort(code[rows], kind="stable")]
    code = code[rows]
    return _Activity(
        ids=ids,
        card=_positions(card_ids, ids),
        named=card_ids.notna().to_numpy(),
        code=code,
        runs=np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else rows[:0],
        month=_nanoseconds(cube["month"])[rows],
        first=_nanoseconds(cube["first_order_date"])[rows],
        last=_nanoseconds(cube["last_order_date"])[rows],
    )


def _quarter_counts(
    activity: _Activity, *, day: pd.Timestamp, start: pd.Timestamp, window_months: int, sleeping_days: int
) -> dict[str, int]:
    """Active buyers, sleeping and new clients at `day` (the counts of `sleeping_clients`,
    `new_clients` and of customers with an activity order in the window), from the coded
    activity rows; each set of arguments counted once per activity."""
    key = (pd.Timestamp(day), pd.Timestamp(start), window_months, sleeping_days)
    if key not in activity.counts:
        activity.counts[key] = _count_quarter(activity, day=day, start=start, window_months=window_months,
                                              sleeping_days=sleeping_days)
    return activity.counts[key]


def _count_quarter(
    activity: _Activity, *, day: pd.Timestamp, start: pd.Timestamp, window_months: int, sleeping_days: int
) -> dict[str, int]:
    month, first, last = activity.month, activity.first, activity.last

    def distinct(rows: np.ndarray) -> int:
        # customers with at least one such row: an "any" over each customer's run of rows
        return int(np.count_nonzero(np.logical_or.reduceat(rows, activity.runs))) if len(rows) else 0

    at = _ns(day)
    seen = month <= at
    in_window = seen & (month >= _ns(window_start(day, window_months)))
    with_first = seen & (first <= at)
    with_last = seen & (last <= at)
    # new: the first order, as a date, is on or after start, i.e. no first order before it;
    # sleeping: more than sleeping_days whole days since the last order, i.e. none since
    # `quiet_from`
    new_from = _ns(pd.Timestamp(start).ceil("D"))
    quiet_from = _ns(pd.Timestamp(day).normalize() - pd.Timedelta(days=sleeping_days))
    return {
        "active_buyers": distinct(in_window & ((last == _NEVER) | (last <= at))),
        "sleeping": distinct(with_last) - distinct(with_last & (last >= quiet_from)),
        "new": distinct(with_first) - distinct(with_first & (first < new_from)),
    }


def _base_size(cards: _Cards, day: pd.Timestamp) -> int:
    if cards.created is None:
        return len(cards)
    # a card without a creation date has always been there
    return int((cards.created.isna() | (cards.created <= day)).sum())
