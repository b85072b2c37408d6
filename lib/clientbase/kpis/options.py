"""The options of the KPIs report and the columns of its tables (DESIGN.md "kpis")."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clientbase.options import Options

Dimension = Literal["manager", "region", "source", "category"]


class KpisOptions(Options):
    """The options of the KPIs of the base (REFERENCE.md "KPIs of the base, quarter by quarter")."""

    quarters: int = Field(8, ge=2, le=40, description="quarters shown, the run's quarter the last")
    active_months: int = Field(
        12, ge=1, le=60, description="months ending at a quarter's end in which an order makes a client active")
    bridge_by: tuple[Dimension, ...] = Field(
        ("manager", "region", "source"), description="card fields the revenue bridge is broken down by")
    top_n: int = Field(
        10, ge=1, le=200, description="groups of each breakdown shown in the report, largest change first")


DEFAULTS = KpisOptions()

# the KPIs of every quarter (kpis.csv, DESIGN.md "Output contract"), then those whose inputs may be missing
BASE_COLUMNS = (
    "quarter", "quarter_start", "quarter_end", "active_customers", "new_customers", "lost_customers", "crr",
    "revenue", "activity_orders", "average_check", "repeat_revenue_share",
)
OTHER_COLUMNS = ("cac", "ltv_12m", "dso", "pipeline_expected_value")
KPI_COLUMNS = (*BASE_COLUMNS, *OTHER_COLUMNS)
# the revenue bridge (bridge.csv): how a group's revenue changed against a comparison quarter, in parts that
# add up to the change
PARTS = ("new", "returned", "more", "less", "lost")
BRIDGE_COLUMNS = (
    "comparison", "base_quarter", "quarter", "dimension", "group", "revenue_base", "revenue", "change", *PARTS,
    "customers_base", "customers", "new_customers", "lost_customers",
)
COMPARISONS = ("previous_quarter", "year_ago")
# how each KPI reads: its kind ("number", "money", "share", "days") and which way is better (+1 up, −1 down,
# 0 neither) — the colour of a change on the run index and in the report
KPI_KINDS = {
    "active_customers": ("number", 1), "new_customers": ("number", 1), "lost_customers": ("number", -1),
    "crr": ("share", 1), "revenue": ("money", 1), "activity_orders": ("number", 1), "average_check": ("money", 1),
    "repeat_revenue_share": ("share", 0), "cac": ("money", -1), "ltv_12m": ("money", 1), "dso": ("days", -1),
    "pipeline_expected_value": ("money", 1),
}
