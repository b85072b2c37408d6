"""Win probabilities learned from closed deals, the forecast of the open pipeline and its
backtest (REFERENCE.md "Deal funnel").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.deal_funnel.options import BACKTEST_COLUMNS, FORECAST_COLUMNS, DealFunnelOptions
from clientbase.deal_funnel.snapshot import Snapshot
from clientbase.periods import window_start

_Z90 = 1.6448536269514722  # two-sided 90 %


@dataclass(frozen=True)
class Pipeline:
    """The expected value of the open deals and its 90 % interval (normal approximation)."""

    deals: int
    amount: float
    expected: float
    low: float
    high: float


def win_probabilities(snap: Snapshot, *, options: DealFunnelOptions) -> pd.DataFrame:
    """Per stage: closed deals that reached it, their won share, and the probability used.

    Among deals closed (won or lost) in the `lookback_months` ending at as_of that reached
    stage s: p(s) = won / closed. A stage with fewer than `min_closed` such deals takes the
    probability of the nearest earlier stage that has enough (`probability_from` names it);
    when no stage has enough, the probability is NaN and the forecast says so.
    """
    n = len(snap.stages)
    start = window_start(snap.as_of, options.lookback_months)
    d = snap.deals
    closed = d[d["status"].isin(["won", "lost"]) & (d["closed_at"] >= start)]
    furthest = closed["furthest"].to_numpy(np.int64)
    won = (closed["status"] == "won").to_numpy()
    closed_reached = np.cumsum(np.bincount(furthest, minlength=n)[::-1])[::-1]
    won_reached = np.cumsum(np.bincount(furthest[won], minlength=n)[::-1])[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(closed_reached > 0, won_reached / closed_reached, np.nan)
    used = np.full(n, np.nan)
    source = np.full(n, -1)
    for s in range(n):
        enough = [k for k in range(s, -1, -1) if closed_reached[k] >= options.min_closed]
        if enough:
            used[s], source[s] = own[enough[0]], enough[0]
    names = np.asarray(snap.stages, dtype=object)
    return pd.DataFrame({
        "stage": list(snap.stages), "closed_reached": closed_reached, "won_reached": won_reached,
        "own_probability": own, "win_probability": used,
        "probability_from": pd.Series(np.where(source >= 0, names[np.maximum(source, 0)], None), dtype="str"),
    })


def forecast(snap: Snapshot, probabilities: pd.DataFrame) -> pd.DataFrame:
    """Every deal open at as_of at its current stage: amount × p(stage), largest expected first."""
    d = snap.open
    p = probabilities["win_probability"].to_numpy()[d["current"].to_numpy(np.int64)]
    table = pd.DataFrame({
        "deal_id": d["deal_id"].to_numpy(), "stage": np.asarray(snap.stages, dtype=object)[d["current"]],
        "amount": d["amount"].to_numpy(float), "win_probability": p, "expected_value": d["amount"].to_numpy(float) * p,
        "manager": d["manager"].to_numpy(), "customer_id": d["customer_id"].to_numpy(),
        "created_at": d["created_at"].to_numpy(), "entered_stage_at": d["entered"].to_numpy(),
        "days_in_stage": (snap.as_of - pd.to_datetime(d["entered"]).dt.normalize()).dt.days.to_numpy(),
    })
    table["stage_number"] = d["current"].to_numpy(np.int64)
    table["code"] = d["code"].to_numpy()
    table = table.sort_values(["expected_value", "amount", "deal_id"], ascending=[False, False, True],
                              kind="stable", na_position="last").reset_index(drop=True)
    return table[[*FORECAST_COLUMNS, "stage_number", "code"]]


def pipeline(table: pd.DataFrame) -> Pipeline:
    """Σ expected value, with the 90 % interval of a sum of independent Bernoulli outcomes."""
    p = table["win_probability"].to_numpy(float)
    amount = table["amount"].to_numpy(float)
    expected = float(np.sum(amount * p))
    sd = float(np.sqrt(np.sum(p * (1 - p) * amount**2)))
    total = float(amount.sum())
    return Pipeline(len(table), total, expected, max(0.0, expected - _Z90 * sd), min(total, expected + _Z90 * sd))


def stalled(table: pd.DataFrame, p80_days: pd.Series) -> pd.DataFrame:
    """Open deals that have stayed in their stage longer than that stage's 80th percentile."""
    limit = p80_days.to_numpy(float)[table["stage_number"].to_numpy(np.int64)]
    late = table[table["days_in_stage"].to_numpy(float) > limit]
    return late.sort_values(["manager", "days_in_stage"], ascending=[True, False], kind="stable",
                            na_position="last").reset_index(drop=True)


def backtest(prev: Snapshot, now: Snapshot, probabilities: pd.DataFrame) -> pd.DataFrame:
    """The forecast made at the previous quarter's end for the deals then open, per stage,
    against what those deals did by as_of: won (and their amount), lost, still open."""
    made = forecast(prev, probabilities)
    by_code = np.full(now.size, "open", dtype=object)  # the deals of `prev` were all created by `now`
    by_code[now.deals["code"].to_numpy()] = now.deals["status"].to_numpy(dtype=object)
    status = by_code[made["code"].to_numpy()]
    won = status == "won"
    frame = made.assign(won=won, lost=status == "lost", still_open=status == "open",
                        won_amount=np.where(won, made["amount"], 0.0))
    table = frame.groupby("stage_number", sort=True).agg(
        deals=("deal_id", "size"), amount=("amount", "sum"), expected_wins=("win_probability", "sum"),
        expected_value=("expected_value", "sum"), won=("won", "sum"), won_amount=("won_amount", "sum"),
        lost=("lost", "sum"), still_open=("still_open", "sum")).reset_index()
    table["stage"] = np.asarray(prev.stages, dtype=object)[table["stage_number"].to_numpy(np.int64)]
    return table[list(BACKTEST_COLUMNS)]
