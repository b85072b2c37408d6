"""The options of the CLV report and the columns of its tables (DESIGN.md)."""

from __future__ import annotations

from pydantic import Field

from clientbase.options import Options


class ClvOptions(Options):
    """The options of the repeat-purchase forecast (REFERENCE.md "Repeat-purchase forecast and predictive CLV")."""

    horizon_days: int = Field(90, ge=1, le=730, description="days ahead whose purchases are forecast for each client")
    clv_months: int = Field(12, ge=1, le=60, description="months of future purchases a client's CLV adds up")
    margin: float | None = Field(
        None, gt=0, le=1, description="share of revenue kept as profit in the CLV; None: measured from cost, else 1")
    discount_rate_monthly: float | None = Field(
        None, ge=0, le=0.5, description="monthly rate the CLV's future months are discounted at; None: none")
    min_repeat_buyers: int = Field(
        30, ge=2, description="repeat buyers the models need; fewer: the report says so instead of a forecast")
    top_n: int = Field(15, ge=1, le=500, description="clients shown in the report's tables")


DEFAULTS = ClvOptions()

PARAMETERS_COLUMNS = ("model", "parameter", "value")
CUSTOMERS_COLUMNS = ("customer_id", "frequency", "recency_weeks", "t_weeks", "p_alive", "expected_purchases",
                     "expected_value", "clv")
HOLDOUT_COLUMNS = ("group", "customers", "actual", "predicted", "actual_mean", "predicted_mean")
# the most repeat purchases of a calibration group of its own; more are pooled ("7+")
MAX_GROUP = 7
