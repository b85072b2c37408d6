"""The demo world's data structures: the calendar of the generated years and the world (customers,
their cards, documents, campaigns, members and leads) that every step adds to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.periods import parse_period, window_start


@dataclass(frozen=True)
class _Calendar:
    """Days are integers counted from `start` (day 0), the first day of data."""

    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp
    origin: np.datetime64
    last_day: int  # end
    as_of_day: int
    window_day: int  # first day of the 12 whole months ending at as_of
    quarter_day: int  # first day of as_of's quarter

    def dates(self, days: np.ndarray) -> np.ndarray:
        return self.origin + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")

    def months(self, days: np.ndarray) -> np.ndarray:
        """Month number (months since 1970-01) of each day."""
        return self.dates(days).astype("datetime64[M]").astype(np.int64)

    def month_first_day(self, months: np.ndarray) -> np.ndarray:
        first = np.asarray(months, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]")
        return (first - self.origin).astype(np.int64)

    def weekday(self, days: np.ndarray) -> np.ndarray:
        """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
        return (self.dates(days).astype(np.int64) + 3) % 7


def _calendar(end: pd.Timestamp, years: int) -> _Calendar:
    end = end.normalize()
    as_of = parse_period("latest", last_date=end).as_of
    start = end - pd.DateOffset(years=years) + pd.Timedelta(days=1)
    origin = np.datetime64(start.date(), "D")

    def day(ts: pd.Timestamp) -> int:
        return int((np.datetime64(ts.date(), "D") - origin).astype(np.int64))

    quarter_start = as_of - pd.offsets.QuarterBegin(startingMonth=1)
    return _Calendar(start, end, as_of, origin, day(end), day(as_of), day(window_start(as_of, 12)),
                     day(quarter_start.normalize()))


@dataclass
class _World:
    """Everything generated, before rendering; customers are indexed 0..n-1 internally."""

    cal: _Calendar
    customers: pd.DataFrame
    contacts: pd.DataFrame
    docs: pd.DataFrame
    campaigns: pd.DataFrame
    members: pd.DataFrame
    leads: pd.DataFrame
    truth: dict[str, pd.DataFrame]
    # invoices, payments, the customers' terms and limits, the receivables truth (demo.receivables)
    settlements: dict[str, pd.DataFrame]
    # deals, their stage history and the funnel's truth (demo.deals)
    deals: dict[str, pd.DataFrame]


def _share(n: int, share: float, low: int) -> int:
    return max(low, round(share * n))
