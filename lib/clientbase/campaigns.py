"""Campaign effects: response, incremental revenue and gross profit, ROI with intervals.

Source of the rules: REFERENCE.md "Campaign economics"; output table: DESIGN.md "Output
contract" (`campaign_roi/campaigns.csv`). Acquisition channels (CAC, LTV) and cohort
retention are in `clientbase.channels`.

- The attribution window of a campaign runs from its start date to its end date +
  `response_days`, both days included, and is clipped at as_of: nothing dated after as_of
  is read. A campaign whose attribution window is still open at as_of (or that has no end
  date) is *in progress* and its figures are partial.
- With a control group the effect is *incremental*: (mean per target member − mean per
  control member) × target size, with a Welch (or seeded percentile bootstrap) interval.
  Without one, the target members' own revenue and gross profit are *attributed* to the
  campaign; that is not an effect and is labelled so (`measure`, `roi_note`).
- ROI = (gross profit − cost) / cost; a campaign without a positive cost has ROI "n/a".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field

from clientbase.intervals import bootstrap_intervals, welch_interval
from clientbase.options import Options
from clientbase.periods import window_start
from clientbase.schema import TABLES

INCREMENTAL = "incremental"
ATTRIBUTED = "attributed"
ROI_NOT_APPLICABLE = "n/a"
ATTRIBUTED_NOTE = "attributed, not incremental"
METHODS = ("welch", "bootstrap")


class CampaignRoiOptions(Options):
    """The options of the campaign ROI report (REFERENCE.md "Campaign economics")."""

    response_days: int = Field(
        30, ge=1, description="days after a campaign's end in which a purchase still counts as a response")
    window_months: int = Field(
        12, ge=1, description="campaigns whose attribution window ended in these months; also the CAC period")
    ltv_months: int = Field(12, ge=1, description="LTV horizon: months from a customer's first order")
    margin_share: float = Field(
        0.0, ge=0, le=1, description="gross margin used only when orders have no cost; 0 = unknown")
    ci_method: Literal["welch", "bootstrap"] = Field(
        "welch", description="interval of the incremental revenue: welch | bootstrap")
    confidence: float = Field(0.95, gt=0, lt=1, description="confidence level of every interval")

    @property
    def margin(self) -> float | None:
        """The margin for revenue without cost: None when `margin_share` is 0 (unknown)."""
        return self.margin_share or None
# the contract columns of `campaign_roi/campaigns.csv` (DESIGN.md "Output contract")
CAMPAIGN_COLUMNS = (
    "campaign_id", "cost", "target_size", "control_size", "response_rate_target", "response_rate_control",
    "incremental_revenue", "incremental_gross_profit", "roi", "roi_low", "roi_high",
)

def member_outcomes(
    campaigns: pd.DataFrame,
    members: pd.DataFrame,
    daily: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    response_days: int = 30,
    margin: float | None = None,
) -> pd.DataFrame:
    """What each campaign member did in the campaign's attribution window.

    One row per member (`campaign_id`, `customer_id`; a member listed twice keeps its first
    row) in the order of `members`: `group` (target/control; missing → target),
    `responded`, `revenue`, `gross_profit`.

    `responded` is the member's given `responded` when not NA, otherwise whether the member
    has an activity order (a day with `orders` > 0) in the window start..end +
    `response_days`, clipped at as_of. Revenue and gross profit are summed over the same
    window, returns included. Gross profit is amount − cost where the day has a cost, else
    revenue × `margin`; with neither it is NaN. Members of campaigns that are unknown, have
    no start date or start after as_of get NA outcomes.

    Source: REFERENCE.md "Campaign economics" (attribution window, response).
    """
    as_of = _day(as_of)
    _check_response_days(response_days)
    windows = _attribution_windows(campaigns, as_of=as_of, response_days=response_days)
    table = _members(members).merge(
        windows[["campaign_id", "window_start", "window_end", "started"]], on="campaign_id", how="left"
    )
    started = table["started"].fillna(False).astype(bool).to_numpy()

    facts, gp_known = _daily_facts(daily, as_of=as_of, margin=margin)
    keys = table.loc[started, ["campaign_id", "customer_id", "window_start", "window_end"]]
    # the inner merge keeps members' days only (Series.isin on arrow strings is slow)
    facts = facts[facts["date"] >= keys["window_start"].min()]
    hits = keys.merge(facts, on="customer_id")
    hits = hits[(hits["date"] >= hits["window_start"]) & (hits["date"] <= hits["window_end"])]
    sums = hits.groupby(["campaign_id", "customer_id"], sort=False).agg(
        revenue=("revenue", "sum"),
        gross_profit=("gross_profit", "sum"),
        gp_missing=("gp_missing", "sum"),
        activity=("orders", "sum"),
    )
    out = table[["campaign_id", "customer_id", "group", "given"]].merge(
        sums, on=["campaign_id", "customer_id"], how="left"
    )

    revenue = out["revenue"].fillna(0.0).where(started, np.nan)
    # a member with no day in the window made 0 profit if profit is measurable at all
    gross_profit = out["gross_profit"].fillna(0.0 if gp_known else np.nan)
    gross_profit = gross_profit.mask(out["gp_missing"].fillna(0) > 0).where(started, np.nan)
    computed = pd.Series(out["activity"].fillna(0).to_numpy() > 0, dtype="boolean")
    computed = computed.mask(~started)
    responded = out["given"].fillna(computed).astype("boolean")
    return pd.DataFrame(
        {
            "campaign_id": out["campaign_id"],
            "customer_id": out["customer_id"],
            "group": out["group"],
            "responded": responded,
            "revenue": revenue.astype("float64"),
            "gross_profit": gross_profit.astype("float64"),
        }
    )


def campaign_results(
    campaigns: pd.DataFrame | None,
    members: pd.DataFrame | None,
    daily: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_months: int = 12,
    response_days: int = 30,
    margin: float | None = None,
    confidence: float = 0.95,
    method: str = "welch",
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Response, incremental revenue and gross profit, and ROI of each campaign.

    Rows: campaigns whose attribution window (start .. end + `response_days`) ends inside
    the `window_months` months ending at as_of, and campaigns started by as_of whose window
    is still open (`in_progress` True, partial figures). Campaigns without a start date are
    not listed: they cannot be attributed.

    With a control group (`measure` "incremental"):
    - `response_lift` Δ = p_T − p_C, SE = √(p_T(1−p_T)/n_T + p_C(1−p_C)/n_C), interval
      Δ ± z·SE (z = 1.96 at 95 %);
    - `incremental_revenue` = (revenue per target − revenue per control member) × n_T, its
      interval the Welch interval of the difference in means × n_T (`method="welch"`) or
      the percentile interval of `n_boot` bootstrap resamples of each group, seeded by
      `seed` and the campaign id (`method="bootstrap"`); gross profit likewise;
    - `roi` = (incremental gross profit − cost) / cost, `roi_low`/`roi_high` from the
      interval of the incremental gross profit.
    Without a control group (`measure` "attributed"): the incremental columns are NaN and
    `roi` is computed on the target members' attributed gross profit, without an interval;
    `roi_note` says "attributed, not incremental". A cost of 0 (or missing) gives roi NaN
    and `roi_note` "n/a". Intervals need at least 2 members in each group.

    A source without a campaigns table (`campaigns` None) has no campaigns: the result is
    empty, with every column. Without a campaign_members table (`members` None) the
    campaigns are listed with no members (sizes 0, ROI "n/a"), so their cost still shows.

    Source: REFERENCE.md "Campaign economics".
    """
    campaigns = _empty_table("campaigns") if campaigns is None else campaigns
    members = _empty_table("campaign_members") if members is None else members
    as_of = _day(as_of)
    _check_response_days(response_days)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    windows = _attribution_windows(campaigns, as_of=as_of, response_days=response_days)
    listed = windows["started"] & (
        windows["in_progress"] | (windows["attribution_end"] >= window_start(as_of, window_months))
    )
    chosen = campaigns.loc[listed.to_numpy()]
    outcomes = member_outcomes(chosen, members, daily, as_of=as_of, response_days=response_days, margin=margin)
    groups = _group_stats(outcomes)
    rows = (
        windows.loc[listed.to_numpy(), ["campaign_id", "attribution_end", "in_progress"]]
        .merge(groups, left_on="campaign_id", right_index=True, how="left")
        .reset_index(drop=True)
    )
    info = chosen.reset_index(drop=True)
    n_t = rows["n_target"].fillna(0).astype("int64")
    n_c = rows["n_control"].fillna(0).astype("int64")
    has_control = n_c > 0
    p_t, p_c = rows["p_target"], rows["p_control"].where(has_control)
    from scipy import stats  # here, not at import: 1.3 s a kernel that never needs it would pay

    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = p_t - p_c
        lift_se = np.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)

    if method == "welch":
        rev_low, rev_high = welch_interval(rows, "revenue", confidence)
        gp_low, gp_high = welch_interval(rows, "gross_profit", confidence)
    else:
        rev_low, rev_high, gp_low, gp_high = bootstrap_intervals(
            outcomes, rows["campaign_id"], confidence=confidence, n_boot=n_boot, seed=seed
        )
    incremental = has_control & (n_t > 0)
    incr = {}
    for name in ("revenue", "gross_profit"):
        diff = rows[f"{name}_mean_target"] - rows[f"{name}_mean_control"]
        incr[name] = (diff * n_t).where(incremental)
    rev_low, rev_high, gp_low, gp_high = ((s * n_t).where(incremental) for s in (rev_low, rev_high, gp_low, gp_high))
    attributed_gp = rows["gross_profit_sum_target"].where(n_t > 0)

    cost = info["cost"].astype("float64")
    paid = cost > 0
    basis = incr["gross_profit"].where(has_control, attributed_gp)
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = ((basis - cost) / cost).where(paid)
        roi_low = ((gp_low - cost) / cost).where(paid)
        roi_high = ((gp_high - cost) / cost).where(paid)
    note = pd.Series(pd.NA, index=rows.index, dtype="str")
    note = note.mask(~has_control, ATTRIBUTED_NOTE).mask(roi.isna(), ROI_NOT_APPLICABLE)

    out = pd.DataFrame(
        {
            "campaign_id": rows["campaign_id"],
            "name": info["name"],
            "kind": info["kind"],
            "channel": info["channel"],
            "start_date": info["start_date"],
            "end_date": info["end_date"],
            "attribution_end": rows["attribution_end"],
            "in_progress": rows["in_progress"].astype(bool),
            "cost": cost,
            "target_size": n_t,
            "control_size": n_c,
            "has_control": has_control,
            "measure": pd.Series(np.where(has_control, INCREMENTAL, ATTRIBUTED), dtype="str"),
            "response_rate_target": p_t,
            "response_rate_control": p_c,
            "response_lift": lift,
            "response_lift_low": lift - z * lift_se,
            "response_lift_high": lift + z * lift_se,
            "revenue_per_target": rows["revenue_mean_target"],
            "revenue_per_control": rows["revenue_mean_control"].where(has_control),
            "gross_profit_per_target": rows["gross_profit_mean_target"],
            "gross_profit_per_control": rows["gross_profit_mean_control"].where(has_control),
            "incremental_revenue": incr["revenue"],
            "incremental_revenue_low": rev_low,
            "incremental_revenue_high": rev_high,
            "incremental_gross_profit": incr["gross_profit"],
            "incremental_gross_profit_low": gp_low,
            "incremental_gross_profit_high": gp_high,
            "attributed_revenue": rows["revenue_sum_target"].where(n_t > 0),
            "attributed_gross_profit": attributed_gp,
            "roi": roi,
            "roi_low": roi_low,
            "roi_high": roi_high,
            "roi_note": note,
        }
    )
    # the contract columns of campaigns.csv first, in the contract's order
    return out[[*CAMPAIGN_COLUMNS, *(c for c in out.columns if c not in CAMPAIGN_COLUMNS)]]


@dataclass(frozen=True)
class CampaignRoi:
    """One campaign's ROI and its interval (NaN bounds without one)."""

    campaign_id: str
    name: str
    roi: float
    roi_low: float
    roi_high: float


@dataclass(frozen=True)
class ChannelRatio:
    """One acquisition source's LTV/CAC."""

    source: str
    ltv_to_cac: float
    ltv: float
    cac: float


@dataclass(frozen=True)
class CampaignSummary:
    """The headline numbers of the campaign ROI report.

    Campaign counts and totals cover the campaigns with members (the others, usually
    acquisition campaigns, are measured by CAC per source: `without_members`,
    `acquisition_spend`). Totals cover the completed campaigns (not in progress);
    incremental totals only those with a control group (NaN when there is none);
    best/worst are among completed campaigns with an incremental ROI, attributed ROIs are
    not comparable with them. Best/worst channel are by LTV/CAC.
    """

    campaigns: int
    completed: int
    in_progress: int
    with_control: int
    without_members: int
    total_spend: float
    with_control_spend: float
    in_progress_spend: float
    total_incremental_revenue: float
    total_incremental_gross_profit: float
    best: CampaignRoi | None
    worst: CampaignRoi | None
    acquisition_spend: float
    new_customers: int
    best_channel: ChannelRatio | None
    worst_channel: ChannelRatio | None


def campaign_summary(results: pd.DataFrame, channels: pd.DataFrame) -> CampaignSummary:
    """Summarise `campaign_results` and `channel_economics` for the executive summary."""
    measured = results[results["target_size"] > 0]
    done = measured[~measured["in_progress"]]
    controlled = done[done["has_control"]]
    ranked = controlled[controlled["roi"].notna()].sort_values(["roi", "campaign_id"], kind="stable")
    rated = channels[channels["ltv_to_cac"].notna()].sort_values(
        ["ltv_to_cac", "source"], ascending=[False, True], kind="stable"
    )
    new_customers = channels["new_customers"].sum() if "new_customers" in channels else 0
    return CampaignSummary(
        campaigns=len(measured),
        completed=len(done),
        in_progress=int(measured["in_progress"].sum()),
        with_control=len(controlled),
        without_members=int((results["target_size"] <= 0).sum()),
        total_spend=float(done["cost"].sum()),
        with_control_spend=float(controlled["cost"].sum()),
        in_progress_spend=float(measured.loc[measured["in_progress"], "cost"].sum()),
        total_incremental_revenue=float(controlled["incremental_revenue"].sum(min_count=1)),
        total_incremental_gross_profit=float(controlled["incremental_gross_profit"].sum(min_count=1)),
        best=_campaign_roi(ranked.iloc[-1]) if len(ranked) else None,
        worst=_campaign_roi(ranked.iloc[0]) if len(ranked) else None,
        acquisition_spend=float(channels["cost"].sum(min_count=1)),
        new_customers=int(new_customers),
        best_channel=_channel_ratio(rated.iloc[0]) if len(rated) else None,
        worst_channel=_channel_ratio(rated.iloc[-1]) if len(rated) > 1 else None,
    )


def _channel_ratio(row: pd.Series) -> ChannelRatio:
    return ChannelRatio(str(row["source"]), float(row["ltv_to_cac"]), float(row["ltv"]), float(row["cac"]))


def _campaign_roi(row: pd.Series) -> CampaignRoi:
    return CampaignRoi(
        str(row["campaign_id"]),
        str(row["name"]),
        float(row["roi"]),
        float(row["roi_low"]),
        float(row["roi_high"]),
    )


def _empty_table(name: str) -> pd.DataFrame:
    """A canonical table without rows, every column typed (schema.TABLES)."""
    dtypes = {"str": "str", "float": "float64", "date": "datetime64[ns]", "bool": "boolean"}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[kind]) for c, kind in TABLES[name].columns.items()})


def _day(value: pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _check_response_days(response_days: int) -> None:
    if response_days < 0:
        raise ValueError(f"response_days must be >= 0, got {response_days}")


def _attribution_windows(campaigns: pd.DataFrame, *, as_of: pd.Timestamp, response_days: int) -> pd.DataFrame:
    """campaign_id, window_start, attribution_end, window_end (clipped), in_progress, started."""
    start = pd.to_datetime(campaigns["start_date"]).dt.normalize().reset_index(drop=True)
    end = pd.to_datetime(campaigns["end_date"]).dt.normalize().reset_index(drop=True)
    attribution_end = end + pd.Timedelta(days=response_days)
    # no end date: the campaign has not closed, so it reads up to as_of
    open_ = attribution_end.isna() | (attribution_end > as_of)
    return pd.DataFrame(
        {
            "campaign_id": campaigns["campaign_id"].astype("str").reset_index(drop=True),
            "window_start": start,
            "attribution_end": attribution_end,
            "window_end": attribution_end.mask(open_, as_of),
            "in_progress": open_,
            "started": start.notna() & (start <= as_of),
        }
    )


def _members(members: pd.DataFrame) -> pd.DataFrame:
    if "group" in members:
        group = members["group"].astype("str").str.strip().str.lower()
        group = group.mask(group.isna() | (group == ""), "target")
    else:
        group = pd.Series("target", index=members.index, dtype="str")
    given = members["responded"] if "responded" in members else pd.Series(pd.NA, index=members.index)
    table = pd.DataFrame(
        {
            "campaign_id": members["campaign_id"].astype("str"),
            "customer_id": members["customer_id"].astype("str"),
            "group": group,
            "given": given.astype("boolean"),
        }
    )
    return table.drop_duplicates(["campaign_id", "customer_id"]).reset_index(drop=True)


def _daily_facts(daily: pd.DataFrame, *, as_of: pd.Timestamp, margin: float | None) -> tuple[pd.DataFrame, bool]:
    """Days ≤ as_of with gross profit filled from the margin; whether profit is measurable."""
    facts = daily.loc[daily["date"] <= as_of, ["customer_id", "date", "revenue", "gross_profit", "orders"]]
    gp = facts["gross_profit"]
    if margin is not None:
        gp = gp.fillna(facts["revenue"] * margin)
    gp_known = margin is not None or bool(daily["gross_profit"].notna().any())
    facts = facts.assign(gross_profit=gp.fillna(0.0), gp_missing=gp.isna().astype("int64"))
    return facts, gp_known


def _group_stats(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per campaign: size, response rate, mean/var/sum of revenue and gross profit per group."""
    frame = outcomes.assign(responded=outcomes["responded"].astype("Float64").astype("float64"))
    by = frame.groupby(["campaign_id", "group"], sort=False)
    parts = {
        "n": by.size(),
        "p": by["responded"].mean(),
        "revenue_mean": by["revenue"].mean(skipna=False),
        "revenue_var": by["revenue"].var(),
        "revenue_sum": by["revenue"].sum(skipna=False),
        "gross_profit_mean": by["gross_profit"].mean(skipna=False),
        "gross_profit_var": by["gross_profit"].var(),
        "gross_profit_sum": by["gross_profit"].sum(skipna=False),
    }
    wide = pd.DataFrame(parts).unstack("group")
    columns = {f"{stat}_{group}": wide.get((stat, group), np.nan) for stat in parts for group in ("target", "control")}
    return pd.DataFrame(columns, index=wide.index)


