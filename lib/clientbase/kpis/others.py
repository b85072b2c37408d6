"""The KPIs whose inputs a run may lack, quarter by quarter, each computed by the analysis of the
report that owns it (REFERENCE.md "KPIs of the base": "where the inputs exist"), never again
in another way:

- `cac` and `ltv_12m` (Campaign economics, `channels.channel_economics` over the quarter):
  the acquisition cost of the sources with a known cost / the clients they brought in the
  quarter, and the average gross profit of a client over the `ltv_months` months from its
  acquisition (the sources' LTVs weighted by the clients each is measured on);
- `dso` (Receivables: `receivables.dso_at` the quarters' ends, equal to `receivables.dso` of the
  allocation at each end without allocating eight times);
- `pipeline_expected_value` (Deal funnel: the forecast of the deals open at the quarter's end,
  with the win probabilities learned from the deals closed by then).
A quarter's figure never reads a document dated after that quarter's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.campaigns import CampaignRoiOptions
from clientbase.channels import channel_economics
from clientbase.deal_funnel import DealFunnelOptions, forecast, missing_input, pipeline, snapshot, win_probabilities
from clientbase.deal_funnel.snapshot import numbered
from clientbase.periods import Period
from clientbase.receivables import ReceivablesOptions, dso_at


@dataclass(frozen=True)
class OtherInputs:
    """What the other reports' KPIs need, with the options those reports run with (None: absent)."""

    cube: pd.DataFrame | None = None
    customers: pd.DataFrame | None = None
    campaigns: pd.DataFrame | None = None
    campaign_options: CampaignRoiOptions | None = None
    invoices: pd.DataFrame | None = None
    payments: pd.DataFrame | None = None
    receivables_options: ReceivablesOptions | None = None
    deals: pd.DataFrame | None = None
    deal_stages: pd.DataFrame | None = None
    deal_options: DealFunnelOptions | None = None

    @property
    def available(self) -> tuple[str, ...]:
        """The other KPIs whose inputs exist, in `OTHER_COLUMNS` order."""
        out = []
        if self.campaigns is not None and len(self.campaigns) and self.cube is not None:
            out += ["cac", "ltv_12m"]
        if self.invoices is not None and len(self.invoices):
            out.append("dso")
        if self.deal_options is not None and missing_input(self.deals, self.deal_options) is None:
            out.append("pipeline_expected_value")
        return tuple(out)


def other_kpis(periods: Sequence[Period], inputs: OtherInputs) -> pd.DataFrame:
    """quarter, cac, ltv_12m, dso, pipeline_expected_value for each period; NaN where the inputs are absent."""
    table = pd.DataFrame({"quarter": [p.label for p in periods]})
    ends = [p.as_of for p in periods]
    available = inputs.available
    nan = np.full(len(periods), np.nan)
    cac, ltv = _acquisition(ends, inputs) if "cac" in available else (nan, nan)
    table["cac"], table["ltv_12m"] = cac, ltv
    table["dso"] = _dso(ends, inputs) if "dso" in available else nan
    table["pipeline_expected_value"] = _pipeline(ends, inputs) if "pipeline_expected_value" in available else nan
    return table


def _acquisition(ends: Sequence[pd.Timestamp], inputs: OtherInputs) -> tuple[np.ndarray, np.ndarray]:
    options = inputs.campaign_options or CampaignRoiOptions()
    cac, ltv = [], []
    for end in ends:
        table = channel_economics(inputs.customers, inputs.cube, inputs.campaigns, as_of=end, period_months=3,
                                  ltv_months=options.ltv_months, margin=options.margin)
        paid = table[table["cost"].notna() & (table["cost"] > 0)]
        clients = paid["new_customers"].sum()
        cac.append(float(paid["cost"].sum() / clients) if clients else np.nan)
        measured = table[table["ltv"].notna() & (table["ltv_customers"] > 0)]
        weight = measured["ltv_customers"].sum()
        ltv.append(float((measured["ltv"] * measured["ltv_customers"]).sum() / weight) if weight else np.nan)
    return np.array(cac), np.array(ltv)


def _dso(ends: Sequence[pd.Timestamp], inputs: OtherInputs) -> np.ndarray:
    options = inputs.receivables_options or ReceivablesOptions()
    return dso_at(inputs.invoices, inputs.payments, inputs.customers, ends=list(ends), options=options)


def _pipeline(ends: Sequence[pd.Timestamp], inputs: OtherInputs) -> np.ndarray:
    options = inputs.deal_options
    prepared = numbered(inputs.deals, inputs.deal_stages, options.stages)
    out = []
    for end in ends:
        snap = snapshot(prepared, as_of=end)
        out.append(pipeline(forecast(snap, win_probabilities(snap, options=options))).expected)
    return np.array(out, dtype="float64")
