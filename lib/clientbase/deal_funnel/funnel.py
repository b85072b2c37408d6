"""The funnel of a cohort: stages reached and converted, time in stage, losses, managers and
sources compared (REFERENCE.md "Deal funnel").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.deal_funnel.options import GROUP_COLUMNS, LOSSES_COLUMNS
from clientbase.deal_funnel.snapshot import Snapshot
from clientbase.intervals import wilson


def reached(cohort: pd.DataFrame, n_stages: int) -> np.ndarray:
    """reached(s): cohort deals whose furthest stage is s or later, for every stage."""
    at = np.bincount(cohort["furthest"].to_numpy(np.int64), minlength=n_stages)
    return np.cumsum(at[::-1])[::-1]


def conversions(counts: np.ndarray) -> np.ndarray:
    """reached(s+1) / reached(s); the last stage has none (NaN), nor a stage nobody reached."""
    out = np.full(len(counts), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        out[:-1] = np.where(counts[:-1] > 0, counts[1:] / counts[:-1], np.nan)
    return out


def time_in_stage(snap: Snapshot, cohort: pd.DataFrame) -> pd.DataFrame:
    """Per stage: median and 80th percentile of the days of the cohort's finished stays, and the
    stays still open at as_of (counted apart, not in the percentiles).

    A stay lasts from its entry to the deal's next entry, or to its closing when it is the
    last one; an entry without either is an open stay.
    """
    n = len(snap.stages)
    member = np.zeros(snap.size, dtype=bool)
    member[cohort["code"].to_numpy()] = True
    closed = np.full(snap.size, np.datetime64("NaT"), dtype="datetime64[ns]")
    closed[cohort["code"].to_numpy()] = cohort["closed_at"].to_numpy(dtype="datetime64[ns]")
    h = snap.history[member[snap.history["deal"].to_numpy()]]
    deal = h["deal"].to_numpy(np.int64)
    day = h["entered_at"].to_numpy(dtype="datetime64[D]")
    # entries are in time order within a deal: the next one of the same deal ends a stay
    until = np.full(len(h), np.datetime64("NaT"), dtype="datetime64[D]")
    same = deal[1:] == deal[:-1]
    until[:-1][same] = day[1:][same]
    lasts = np.ones(len(h), dtype=bool)
    lasts[:-1] = ~same
    until[lasts] = closed[deal[lasts]].astype("datetime64[D]")
    days = (until - day).astype("timedelta64[D]").astype(float)
    days[np.isnat(until)] = np.nan
    stage = h["stage"].to_numpy(np.int64)
    done = ~np.isnan(days)
    rows = []
    for s in range(n):
        finished = days[done & (stage == s)]
        rows.append({
            "median_days": float(np.median(finished)) if len(finished) else np.nan,
            "p80_days": float(np.percentile(finished, 80)) if len(finished) else np.nan,
            "open_stays": int((~done & (stage == s)).sum()),
        })
    return pd.DataFrame(rows, index=range(n))


def losses(cohort: pd.DataFrame, stages: tuple[str, ...]) -> pd.DataFrame:
    """Cohort deals lost by as_of by the stage where they were lost (their furthest) × reason."""
    lost = cohort[cohort["status"] == "lost"]
    reason = lost["loss_reason"].fillna("")
    table = (lost.assign(reason=reason).groupby(["furthest", "reason"], sort=True)
             .agg(deals=("deal_id", "size"), amount=("amount", "sum")).reset_index())
    table["stage"] = np.asarray(stages, dtype=object)[table["furthest"].to_numpy(np.int64)]
    table = table.sort_values(["furthest", "deals", "reason"], ascending=[True, False, True], kind="stable")
    return table[list(LOSSES_COLUMNS)].reset_index(drop=True)


def by_group(cohort: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per value of `column` (manager, source; NA: not given): deals, won, lost, open, win rate
    with its Wilson 95 % interval, won amount and the median cycle of won deals in days."""
    d = cohort.assign(**{column: cohort[column].fillna("")})
    won = d["status"] == "won"
    cycle = (d["closed_at"].dt.normalize() - d["created_at"].dt.normalize()).dt.days.where(won)
    g = d.assign(won=won, lost=d["status"] == "lost", open=d["status"] == "open",
                 won_amount=d["amount"].where(won, 0.0), cycle=cycle).groupby(column, sort=True)
    table = g.agg(deals=("deal_id", "size"), won=("won", "sum"), lost=("lost", "sum"), open=("open", "sum"),
                  won_amount=("won_amount", "sum"), median_cycle_days=("cycle", "median")).reset_index()
    low, rate, high = wilson(table["won"].to_numpy(), (table["won"] + table["lost"]).to_numpy())
    table = table.assign(win_rate=rate, win_rate_low=low, win_rate_high=high)
    table = table.sort_values(["deals", column], ascending=[False, True], kind="stable")
    return table[[column, *GROUP_COLUMNS]].reset_index(drop=True)
