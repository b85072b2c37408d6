"""Everything the deal funnel report shows, computed once from the deals and their history.

`deal_funnel_report` takes the snapshot at as_of and at the previous quarter's end and derives
every table and number of the report and its CSV tables (REFERENCE.md "Deal funnel"). It
returns None when the report cannot be made (`missing_input` says why: no deals, or no stage
order in the profile); the report then says so in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.deal_funnel.forecast import Pipeline, backtest, forecast, pipeline, stalled, win_probabilities
from clientbase.deal_funnel.funnel import by_group, conversions, losses, reached, time_in_stage
from clientbase.deal_funnel.options import DEFAULTS, FORECAST_COLUMNS, STAGES_COLUMNS, DealFunnelOptions
from clientbase.deal_funnel.snapshot import Snapshot, cohort, numbered, snapshot
from clientbase.periods import window_start


@dataclass(frozen=True)
class CohortFigures:
    """The headline figures of a cohort at one as_of."""

    as_of: pd.Timestamp
    deals: int
    won: int
    lost: int
    open: int
    won_amount: float
    conversion: float  # won / cohort size
    win_rate: float  # won / (won + lost)


@dataclass(frozen=True)
class DealFunnelResult:
    """The funnel of one run at `as_of`, and the same figures at the previous quarter's end."""

    as_of: pd.Timestamp
    stages: pd.DataFrame  # stages.csv
    losses: pd.DataFrame
    by_manager: pd.DataFrame
    by_source: pd.DataFrame
    forecast: pd.DataFrame  # every open deal, largest expected value first
    pipeline: Pipeline
    backtest: pd.DataFrame
    backtest_as_of: pd.Timestamp
    stalled: pd.DataFrame
    now: CohortFigures
    before: CohortFigures
    has_history: bool
    cohort_start: pd.Timestamp

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV tables of the report (DESIGN.md "deal_funnel")."""
        return {"stages.csv": self.stages[list(STAGES_COLUMNS)], "losses.csv": self.losses,
                "by_manager.csv": self.by_manager, "by_source.csv": self.by_source,
                "forecast.csv": self.forecast[list(FORECAST_COLUMNS)], "backtest.csv": self.backtest}

    @property
    def forecast_by_stage(self) -> pd.DataFrame:
        """The open deals per current stage: how many, their amount, the probability, the expected value."""
        f = self.forecast
        per = f.groupby("stage_number").agg(open_now=("deal_id", "size"), amount=("amount", "sum"),
                                            expected_value=("expected_value", "sum"))
        table = self.stages[["stage", "win_probability"]].join(per).dropna(subset=["open_now"])
        return table.astype({"open_now": "int64"})[["stage", "open_now", "amount", "win_probability",
                                                    "expected_value"]].reset_index(drop=True)

    @property
    def pooled(self) -> pd.DataFrame:
        """Stages whose probability is an earlier stage's (too few closed deals of their own)."""
        s = self.stages
        return s[s["probability_from"].notna() & (s["probability_from"] != s["stage"])]

    @property
    def worst_stage(self) -> pd.Series | None:
        """The stage that loses most deals (ties: the earlier), with its lost amount and top reason."""
        if self.losses.empty:
            return None
        per = self.losses.groupby("stage", sort=False).agg(deals=("deals", "sum"), amount=("amount", "sum"))
        stage = per["deals"].idxmax()
        top = self.losses[self.losses["stage"] == stage].iloc[0]
        return pd.Series({"stage": stage, "deals": int(per.loc[stage, "deals"]),
                          "amount": float(per.loc[stage, "amount"]), "reason": top["reason"],
                          "reason_deals": int(top["deals"])})


def missing_input(deals: pd.DataFrame | None, options: DealFunnelOptions = DEFAULTS) -> str | None:
    """Why the report cannot be made: `no_deals`, `no_stages`, or None when it can."""
    if deals is None or deals.empty:
        return "no_deals"
    if not options.stages:
        return "no_stages"
    return None


def deal_funnel_report(deals: pd.DataFrame | None, history: pd.DataFrame | None, *, as_of: pd.Timestamp,
                       options: DealFunnelOptions = DEFAULTS) -> DealFunnelResult | None:
    """The deal funnel at `as_of`; None when `missing_input` names a reason."""
    if missing_input(deals, options) is not None:
        return None
    stages = options.stages
    prepared = numbered(deals, history, stages)
    now = snapshot(prepared, as_of=as_of)
    prev_as_of = pd.Timestamp(as_of).to_period("Q").start_time - pd.Timedelta(days=1)
    prev = snapshot(prepared, as_of=prev_as_of)
    start = window_start(now.as_of, options.window_months)
    group = cohort(now, start)
    counts = reached(group, len(stages))
    table = pd.DataFrame({"stage": list(stages), "reached": counts, "conversion_to_next": conversions(counts)})
    table = table.join(time_in_stage(now, group))
    table["open_now"] = np.bincount(now.open["current"].to_numpy(np.int64), minlength=len(stages))
    learned = win_probabilities(now, options=options)
    table = table.join(learned[["closed_reached", "win_probability", "probability_from"]])
    open_deals = forecast(now, learned)
    return DealFunnelResult(
        as_of=now.as_of, stages=table, losses=losses(group, now.stages), by_manager=by_group(group, "manager"),
        by_source=by_group(group, "source"), forecast=open_deals, pipeline=pipeline(open_deals),
        backtest=backtest(prev, now, win_probabilities(prev, options=options)), backtest_as_of=prev.as_of,
        stalled=stalled(open_deals, table["p80_days"]), now=figures(now, start),
        before=figures(prev, window_start(prev.as_of, options.window_months)), has_history=now.has_history,
        cohort_start=start,
    )


def tables_of(result: DealFunnelResult | None) -> dict[str, pd.DataFrame]:
    """The CSV tables of a result; none when the report cannot be made."""
    return {} if result is None else result.tables()


def figures(snap: Snapshot, start: pd.Timestamp) -> CohortFigures:
    """Deals, outcomes, conversion and win rate of the cohort created from `start` to as_of."""
    group = cohort(snap, start)
    status = group["status"]
    won, lost = int((status == "won").sum()), int((status == "lost").sum())
    n = len(group)
    return CohortFigures(
        as_of=snap.as_of, deals=n, won=won, lost=lost, open=int((status == "open").sum()),
        won_amount=float(group.loc[status == "won", "amount"].sum()),
        conversion=won / n if n else float("nan"), win_rate=won / (won + lost) if won + lost else float("nan"),
    )
