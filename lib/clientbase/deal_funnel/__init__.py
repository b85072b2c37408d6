"""The deal funnel (воронка продаж): where deals are lost, how long they stay, and what the
open pipeline will bring, with probabilities learned from the deals' own history.

Definitions: REFERENCE.md "Deal funnel". One module per concept:

- `options`: `DealFunnelOptions` and the columns of the CSV tables;
- `snapshot`: the deals and their history as they stood at as_of (furthest, current stage);
- `funnel`: reached, conversion, time in stage, losses, managers and sources with Wilson intervals;
- `forecast`: win probability per stage learned from closed deals (thin stages pooled),
  the forecast per open deal, the pipeline's 90 % interval, stalled deals, the backtest;
- `result`: `deal_funnel_report`, everything the report shows, computed once.
"""

from __future__ import annotations

from clientbase.deal_funnel.forecast import Pipeline, backtest, forecast, pipeline, stalled, win_probabilities
from clientbase.deal_funnel.funnel import by_group, conversions, losses, reached, time_in_stage
from clientbase.deal_funnel.options import (
    BACKTEST_COLUMNS,
    FORECAST_COLUMNS,
    GROUP_COLUMNS,
    LOSSES_COLUMNS,
    STAGES_COLUMNS,
    DealFunnelOptions,
)
from clientbase.deal_funnel.result import (
    CohortFigures,
    DealFunnelResult,
    deal_funnel_report,
    figures,
    missing_input,
    tables_of,
)
from clientbase.deal_funnel.snapshot import Snapshot, cohort, snapshot, stage_numbers

__all__ = [
    "BACKTEST_COLUMNS",
    "FORECAST_COLUMNS",
    "GROUP_COLUMNS",
    "LOSSES_COLUMNS",
    "STAGES_COLUMNS",
    "CohortFigures",
    "DealFunnelOptions",
    "DealFunnelResult",
    "Pipeline",
    "Snapshot",
    "backtest",
    "by_group",
    "cohort",
    "conversions",
    "deal_funnel_report",
    "figures",
    "forecast",
    "losses",
    "missing_input",
    "pipeline",
    "reached",
    "snapshot",
    "stage_numbers",
    "stalled",
    "tables_of",
    "time_in_stage",
    "win_probabilities",
]
