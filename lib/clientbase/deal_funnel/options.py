"""The options of the deal funnel report and the columns of its tables (DESIGN.md)."""

from __future__ import annotations

from pydantic import Field, field_validator

from clientbase.options import Options
from clientbase.sources.deals import fold_stage


class DealFunnelOptions(Options):
    """The options of the deal funnel (REFERENCE.md "Deal funnel")."""

    stages: list[str] | None = Field(
        None, description="the funnel's stages in order, as the deals name them; None: the report says it needs them")
    window_months: int = Field(12, ge=1, le=120, description="months ending at as_of whose new deals form the cohort")
    lookback_months: int = Field(
        24, ge=1, le=240, description="months ending at as_of whose closed deals teach the win probability of a stage")
    min_closed: int = Field(
        10, ge=1, description="closed deals a stage needs for a probability of its own; fewer: the earlier stage's")
    top_n: int = Field(15, ge=1, le=500, description="open deals shown in the report's largest-deals table")

    @field_validator("stages")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        names = [str(v).strip() for v in value]
        if len(names) < 2 or any(not n for n in names):
            raise ValueError("needs at least two stage names, none empty")
        folded = [fold_stage(n) for n in names]
        twice = sorted({n for n, f in zip(names, folded, strict=True) if folded.count(f) > 1})
        if twice:
            raise ValueError(f"stage named twice: {', '.join(twice)}")
        return names


DEFAULTS = DealFunnelOptions()

STAGES_COLUMNS = ("stage", "reached", "conversion_to_next", "median_days", "p80_days", "open_stays", "open_now",
                  "closed_reached", "win_probability", "probability_from")
LOSSES_COLUMNS = ("stage", "reason", "deals", "amount")
GROUP_COLUMNS = ("deals", "won", "lost", "open", "win_rate", "win_rate_low", "win_rate_high", "won_amount",
                 "median_cycle_days")
FORECAST_COLUMNS = ("deal_id", "stage", "amount", "win_probability", "expected_value", "manager", "customer_id",
                    "created_at", "entered_stage_at", "days_in_stage")
BACKTEST_COLUMNS = ("stage", "deals", "amount", "expected_wins", "expected_value", "won", "won_amount", "lost",
                    "still_open")
