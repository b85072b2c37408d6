"""Each customer's own rhythm: the median gap in days between consecutive distinct order
dates (REFERENCE.md "Reactivation": expected_interval_days, known from 3 order dates).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.reactivation.options import MIN_DATES, _day_number


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
