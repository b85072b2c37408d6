"""Quarters, as_of dates and windows of whole calendar months.

Source of the rules: REFERENCE.md (introduction): "as_of" is the last day of the run's
period (a quarter end); a "window" is the N whole calendar months ending at as_of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from clientbase.errors import ProfileError

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar quarter; its last day is the run's as_of."""

    year: int
    quarter: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(year=self.year, month=3 * self.quarter - 2, day=1)

    @property
    def as_of(self) -> pd.Timestamp:
        """The last day of the quarter (midnight; compare dates with `.normalize()`)."""
        return self.start + pd.offsets.QuarterEnd(0)

    @property
    def end(self) -> pd.Timestamp:
        return self.as_of

    def previous(self, n: int = 1) -> Period:
        index = self.year * 4 + (self.quarter - 1) - n
        return Period(index // 4, index % 4 + 1)

    def next(self, n: int = 1) -> Period:
        return self.previous(-n)

    def __str__(self) -> str:
        return self.label


def quarter_of(day: pd.Timestamp | str) -> Period:
    """The quarter that contains a day."""
    ts = pd.Timestamp(day)
    return Period(ts.year, (ts.month - 1) // 3 + 1)


def parse_period(text: str | Period, *, last_date: pd.Timestamp | None = None) -> Period:
    """Parse `2026Q3` (also `2026-Q3`, `2026q3`) or `latest`.

    `latest` is the last complete quarter in the data: the quarter ending on or before
    `last_date`, the date of the last order line. A quarter whose last day is the last
    date in the data counts as complete.
    """
    if isinstance(text, Period):
        return text
    value = str(text).strip()
    if value.lower() == "latest":
        if last_date is None or pd.isna(last_date):
            raise ProfileError("period 'latest' needs order data to find the last complete quarter")
        day = pd.Timestamp(last_date).normalize()
        return quarter_of(day + pd.Timedelta(days=1)).previous()
    match = _QUARTER.match(value)
    if not match:
        raise ProfileError(f"period {value!r} is not a quarter: expected e.g. '2026Q3' or 'latest'")
    return Period(int(match.group(1)), int(match.group(2)))


def window_start(as_of: pd.Timestamp, months: int = 12) -> pd.Timestamp:
    """First day of the window of `months` whole calendar months ending at `as_of`."""
    if months < 1:
        raise ValueError(f"window months must be >= 1, got {months}")
    first_of_month = pd.Timestamp(as_of).normalize().replace(day=1)
    return first_of_month - pd.DateOffset(months=months - 1)


def month_starts(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """First days of every month from the month of `start` to the month of `end`."""
    return pd.date_range(
        pd.Timestamp(start).normalize().replace(day=1), pd.Timestamp(end).normalize(), freq="MS"
    )
