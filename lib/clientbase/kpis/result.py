"""Everything the KPIs report shows, computed once: `kpis_report`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clientbase.kpis.base import quarter_kpis, quarters_ending
from clientbase.kpis.bridge import revenue_bridge
from clientbase.kpis.options import DEFAULTS, KPI_COLUMNS, KpisOptions
from clientbase.kpis.others import OtherInputs, other_kpis


@dataclass(frozen=True)
class KpisResult:
    """The KPIs of the last quarters and the revenue bridge of the run's quarter."""

    as_of: pd.Timestamp
    kpis: pd.DataFrame  # kpis.csv: one row per quarter, oldest first
    bridge: pd.DataFrame  # bridge.csv
    available: tuple[str, ...]  # the other reports' KPIs whose inputs exist
    clients: int  # clients with an activity order in the quarters shown

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV tables of the report (DESIGN.md "kpis")."""
        return {"kpis.csv": self.kpis[list(KPI_COLUMNS)], "bridge.csv": self.bridge}

    @property
    def now(self) -> pd.Series:
        """The run's quarter."""
        return self.kpis.iloc[-1]

    @property
    def previous(self) -> pd.Series:
        """The quarter before the run's."""
        return self.kpis.iloc[-2]

    @property
    def year_ago(self) -> pd.Series | None:
        """The same quarter a year earlier, when the table reaches back that far."""
        return self.kpis.iloc[-5] if len(self.kpis) >= 5 else None

    def bridge_of(self, comparison: str, dimension: str = "total") -> pd.DataFrame:
        """The bridge rows of one comparison and one dimension (`total`: one row)."""
        b = self.bridge
        return b[(b["comparison"] == comparison) & (b["dimension"] == dimension)].reset_index(drop=True)


def kpis_report(daily: pd.DataFrame, customers: pd.DataFrame, *, as_of: pd.Timestamp,
                options: KpisOptions = DEFAULTS, others: OtherInputs | None = None) -> KpisResult:
    """The KPIs of the `options.quarters` quarters ending at as_of (REFERENCE.md "KPIs of the base,
    quarter by quarter") and the revenue bridge of as_of's quarter by `options.bridge_by`."""
    as_of = pd.Timestamp(as_of).normalize()
    others = others or OtherInputs()
    table = quarter_kpis(daily, as_of=as_of, quarters=options.quarters, active_months=options.active_months)
    extra = other_kpis(quarters_ending(as_of, options.quarters), others)
    table = table.merge(extra, on="quarter", how="left", validate="one_to_one")
    bridge = revenue_bridge(daily, customers, as_of=as_of, dimensions=options.bridge_by)
    start = quarters_ending(as_of, options.quarters)[0].start
    shown = daily["date"].between(start, as_of) & (daily["orders"] > 0)
    return KpisResult(as_of=as_of, kpis=table[list(KPI_COLUMNS)], bridge=bridge, available=others.available,
                      clients=int(daily.loc[shown, "customer_id"].nunique()))
