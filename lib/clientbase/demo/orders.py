"""Order documents of each customer by its behaviour (steady, declining, irregular, churned,
one-off, new), with returns, cancelled documents and the extra orders campaigns cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.demo.cards import _digits_text
from clientbase.demo.model import _Calendar
from clientbase.demo.vocabulary import _CANCELLED_SHARE, _RETURN_SHARE, _SIGMA


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., count-1 for each group of a repeated array."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _no_sundays(days: np.ndarray, cal: _Calendar) -> np.ndarray:
    """Sunday documents move to Saturday (the warehouse is closed on Sundays)."""
    return days - ((cal.weekday(days) == 6) & (days > 0))


def _docs_frame(owner: np.ndarray, day: np.ndarray, target: np.ndarray, *, campaign: int | np.ndarray = -1,
                kind: int = 0) -> pd.DataFrame:
    return pd.DataFrame({
        "owner": np.asarray(owner, dtype=np.int64), "day": np.asarray(day, dtype=np.int64),
        "target": np.asarray(target, dtype=float),
        "campaign": np.broadcast_to(np.asarray(campaign, dtype=np.int64), len(owner)).copy(),
        "kind": np.full(len(owner), kind, dtype=np.int8), "cancelled": np.zeros(len(owner), dtype=bool),
    })


def _regular_documents(
    rng: np.random.Generator, cust: pd.DataFrame, cal: _Calendar
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every customer's own sale documents by behaviour, before campaigns, returns, cancels.

    Returns the documents and each customer's first and last document day (-1 when none).
    """
    b = cust["behaviour"].to_numpy()
    A, E, W = cal.as_of_day, cal.last_day, cal.window_day
    owners, days, mults = [], [], []

    # monthly buyers: one document in each month from the first to the last month of data
    idx = np.flatnonzero(np.isin(b, ["steady", "declining"]))
    declining = b[idx] == "declining"
    m_data = int(cal.months(np.array([0]))[0]) + 1  # the first whole month
    m_as_of, m_end = int(cal.months(np.array([A]))[0]), int(cal.months(np.array([E]))[0])
    m_last = m_end if cal.end.day >= 3 else m_end - 1
    # declining ones need the year before as_of's quarter as a baseline, steady ones the window
    latest = np.where(declining, m_as_of - 15, m_as_of - 12)
    first = np.where(rng.random(len(idx)) < 0.6, m_data, rng.integers(m_data, latest + 1))
    counts = m_last - first + 1
    month = np.repeat(first, counts) + _ranks(counts)
    month_day = cal.month_first_day(month)
    high = np.minimum(26, cal.month_first_day(month + 1) - month_day)
    high = np.where(month == m_end, np.minimum(high, cal.end.day), high)
    day = month_day + 2 + np.floor(rng.random(len(month)) * (high - 2)).astype(np.int64)  # 3rd..high-th
    # declining: from as_of's quarter on, smaller orders, and every other month or so (the
    # first month of the quarter always: they still buy)
    owner = np.repeat(idx, counts)
    drop = np.repeat(np.where(declining, rng.uniform(0.15, 0.3, len(idx)), 1.0), counts)
    late = np.repeat(declining, counts) & (day >= cal.quarter_day)
    skip = late & (month > int(cal.months(np.array([cal.quarter_day]))[0])) & (rng.random(len(day)) < 0.5)
    owners.append(owner[~skip])
    days.append(day[~skip])
    mults.append(np.where(late, drop, 1.0)[~skip])

    # irregular: a first order, random ones after it, and at least one inside the window
    idx = np.flatnonzero(b == "irregular")
    t0 = np.where(rng.random(len(idx)) < 0.5, rng.integers(0, 46, len(idx)), rng.integers(0, A - 200, len(idx)))
    rest = rng.poisson((E - t0) / rng.uniform(60, 180, len(idx)))
    t0r = np.repeat(t0, rest)
    low = np.maximum(W + 1, t0 + 7)
    owners += [idx, np.repeat(idx, rest), idx]
    days += [t0, t0r + np.floor(rng.random(len(t0r)) * (E - t0r + 1)).astype(np.int64),
             low + np.floor(rng.random(len(idx)) * (A - 3 - low + 1)).astype(np.int64)]
    mults += [np.ones(len(idx)), np.ones(len(t0r)), np.ones(len(idx))]

    # churned: regular buying until 125-295 days before as_of, then nothing
    idx = np.flatnonzero(b == "churned")
    last = A - rng.integers(125, 296, len(idx))
    t0 = np.where(rng.random(len(idx)) < 0.5, rng.integers(0, 31, len(idx)), rng.integers(0, last - 240 + 1))
    mid = np.maximum(2, rng.poisson((last - t0) / rng.uniform(30, 75, len(idx))))
    t0r, lastr = np.repeat(t0, mid), np.repeat(last, mid)
    owners += [idx, idx, np.repeat(idx, mid)]
    days += [t0, last, t0r + np.floor(rng.random(len(t0r)) * (lastr - t0r)).astype(np.int64)]
    mults += [np.ones(len(idx)), np.ones(len(idx)), np.ones(len(t0r))]

    # one-off: a single document, more than 100 days before as_of
    idx = np.flatnonzero(b == "one_off")
    owners.append(idx)
    days.append(rng.integers(5, A - 100 + 1, len(idx)))
    mults.append(np.ones(len(idx)))

    # new: the first order 8-85 days before as_of, up to three more after it
    idx = np.flatnonzero(b == "new")
    t1 = A - rng.integers(8, 86, len(idx))
    more = rng.integers(0, 4, len(idx))
    t1r = np.repeat(t1, more) + 7
    owners += [idx, np.repeat(idx, more)]
    days += [t1, t1r + np.floor(rng.random(len(t1r)) * (E - t1r + 1)).astype(np.int64)]
    mults += [np.ones(len(idx)), np.ones(len(t1r))]

    owner = np.concatenate(owners)
    day = _no_sundays(np.concatenate(days), cal)
    sigma = pd.Series(b[owner]).map(_SIGMA).to_numpy(dtype=float)
    target = cust["scale"].to_numpy()[owner] * np.concatenate(mults) * rng.lognormal(0.0, sigma)
    docs = _docs_frame(owner, day, target)
    first_day, last_day = _first_last(owner, day, len(cust))
    return docs, first_day, last_day


def _year(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[Y]").astype(np.int64) + 1970


def _first_last(owner: np.ndarray, day: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, -1, dtype=np.int64)
    np.minimum.at(first, owner, day)
    np.maximum.at(last, owner, day)
    return np.where(last >= 0, first, -1), last


def _finish_documents(rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame, cal: _Calendar) -> pd.DataFrame:
    """Add returns and cancelled documents, times of day, and 1C's numbering.

    Returns follow ~1.5 % of the sales of steady and irregular customers by 3-20 days; ~0.5 %
    of documents were entered twice and the first copy cancelled. Neither touches one-off,
    new, churned-after-the-last-order or campaign documents, so behaviours stay exact.
    """
    b = cust["behaviour"].to_numpy()[docs["owner"].to_numpy()]
    regular = (docs["campaign"].to_numpy() < 0) & (docs["kind"].to_numpy() == 0)
    pick = regular & np.isin(b, ["steady", "irregular"]) & (rng.random(len(docs)) < _RETURN_SHARE)
    returns = docs.loc[pick].copy()
    returns["day"] = _no_sundays(returns["day"].to_numpy() + rng.integers(3, 21, len(returns)), cal)
    returns["target"] = -returns["target"].to_numpy() * rng.uniform(0.05, 0.25, len(returns))
    returns["kind"] = np.int8(1)
    returns = returns[returns["day"] <= cal.last_day]
    pick = regular & np.isin(b, ["steady", "irregular", "declining", "churned"]) & (
        rng.random(len(docs)) < _CANCELLED_SHARE)
    cancelled = docs.loc[pick].copy()
    cancelled["cancelled"] = True
    cancelled["target"] = cancelled["target"].to_numpy() * rng.uniform(0.8, 1.2, len(cancelled))
    out = pd.concat([docs, returns, cancelled], ignore_index=True)
    out["second"] = rng.integers(8 * 3600, 20 * 3600, len(out))
    out = out.iloc[np.lexsort((out["owner"], out["kind"], out["second"], out["day"]))].reset_index(drop=True)
    year = _year(cal.dates(out["day"].to_numpy()))
    series = out["kind"].to_numpy().astype(np.int64) * 10_000 + year  # numbering restarts each year
    out["number"] = pd.Series(series).groupby(series).cumcount().to_numpy() + 1
    out["year"] = year
    return out


def _created_and_codes(
    rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame, cal: _Calendar, planted: dict
) -> pd.DataFrame:
    """Creation dates (before the first order; long before the data for old customers) and
    1C codes ``00-000101`` in creation order."""
    out = cust.copy()
    n = len(out)
    activity = (docs["kind"].to_numpy() == 0) & ~docs["cancelled"].to_numpy()
    first, last = _first_last(docs["owner"].to_numpy()[activity], docs["day"].to_numpy()[activity], n)
    buyer = last >= 0
    created = np.where(
        buyer & (first <= 45), -rng.integers(30, 1500, n), np.maximum(0, first - rng.integers(0, 21, n))
    )
    created = np.where(buyer, created, rng.integers(-1000, cal.last_day + 1, n))
    deleted = np.array(list(planted["deleted_of"]), dtype=np.int64)
    originals = np.array(list(planted["deleted_of"].values()), dtype=np.int64)
    created[deleted] = np.minimum(cal.last_day, created[originals] + rng.integers(10, 400, len(deleted)))
    out["created_day"] = created
    out["first_day"] = first
    out["last_day"] = last
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), created))] = np.arange(n)
    out["code"] = "00-" + _digits_text(rank + 101, 6).to_numpy()
    return out
