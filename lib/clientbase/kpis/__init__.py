"""The KPIs of the base, quarter by quarter, and the revenue bridge of the run's quarter.

Definitions: REFERENCE.md "KPIs of the base, quarter by quarter". One module per concept:

- `options`: `KpisOptions` and the columns of the CSV tables;
- `base`: active, new and lost clients, CRR, revenue, orders, average check and the repeat
  share of each quarter, from the customer × day facts;
- `bridge`: the revenue bridge against the previous quarter and a year ago, by card field;
- `others`: CAC and LTV, DSO and the pipeline's expected value, each by the analysis of its
  own report, where the run has their inputs;
- `result`: `kpis_report`, everything the report shows.
"""

from __future__ import annotations

from clientbase.kpis.base import quarter_kpis, quarters_ending
from clientbase.kpis.bridge import client_changes, comparison_quarters, revenue_bridge
from clientbase.kpis.options import (
    BASE_COLUMNS,
    BRIDGE_COLUMNS,
    COMPARISONS,
    KPI_COLUMNS,
    OTHER_COLUMNS,
    PARTS,
    KpisOptions,
)
from clientbase.kpis.others import OtherInputs, other_kpis
from clientbase.kpis.result import KpisResult, kpis_report

__all__ = [
    "BASE_COLUMNS",
    "BRIDGE_COLUMNS",
    "COMPARISONS",
    "KPI_COLUMNS",
    "OTHER_COLUMNS",
    "PARTS",
    "KpisOptions",
    "KpisResult",
    "OtherInputs",
    "client_changes",
    "comparison_quarters",
    "kpis_report",
    "other_kpis",
    "quarter_kpis",
    "quarters_ending",
    "revenue_bridge",
]
