"""Acquisition channels and cohorts: CAC, historical LTV and LTV/CAC per source, retention.

Source of the rules: REFERENCE.md "Campaign economics" (CAC, LTV, cohort retention); output
table: DESIGN.md "Output contract" (`campaign_roi/channels.csv`).

- A customer is *acquired* on the date of its first activity order (a document with a
  positive total) dated ≤ as_of; its source is `customers.source`.
- CAC = the cost of the acquisition campaigns of a source started in the period / the
  customers acquired from it in the period. LTV = average gross profit per customer over
  its first `ltv_months` calendar months, over the customers whose horizon is complete.
- Cohort retention: acquisition quarter × quarters since acquisition, the share of the
  cohort buying in that quarter.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clientbase.periods import window_start

UNKNOWN_SOURCE = "(unknown)"
# the contract columns of `campaign_roi/channels.csv` (DESIGN.md "Output contract")
CHANNEL_COLUMNS = ("source", "new_customers", "cost", "cac", "ltv", "ltv_to_cac")


def channel_economics(
    customers: pd.DataFrame,
    cube: pd.DataFrame,
    campaigns: pd.DataFrame | None,
    *,
    as_of: pd.Timestamp,
    period_months: int = 12,
    ltv_months: int = 12,
    costs: Mapping[str, float] | None = None,
    leads: pd.DataFrame | None = None,
    margin: float | None = None,
) -> pd.DataFrame:
    """CAC, historical LTV and LTV/CAC per acquisition source.

    Sources are `customers.source` (missing → "(unknown)"), matched case-insensitively and
    ignoring surrounding spaces; the row shows the most frequent spelling.
    - `new_customers`: customers whose first activity order falls in the `period_months`
      months ending at as_of;
    - `cost`: the acquisition cost in the period: the costs of acquisition campaigns (kind
      "acquisition") whose channel is the source, each spread evenly over the days from its
      start to its end date (to as_of when it has none) and counted for the days inside
      the period, so a yearly budget running into the period counts for its part of it
      and nothing after as_of is spent. A source named in `costs` takes that cost
      instead. NaN when no cost is known;
    - `cac` = cost / new_customers; NaN without new customers or without a positive cost;
    - `ltv`: the average gross profit per customer over the `ltv_months` calendar months
      from the acquisition month (that month included), over the customers acquired in
      the `period_months` months ending with the last month whose horizon is complete at
      as_of (`ltv_customers`, acquired `ltv_acquired_from` .. `ltv_acquired_to`, first
      days of months). Recent cohorts only, because the first months of the data also
      hold customers acquired before it starts (their "first" order is not their first)
      and because LTV is compared with the CAC of today. Gross profit falls back to
      revenue × `margin` where the cube has no cost; NaN with neither;
    - `ltv_to_cac` = ltv / cac.
    With `leads`: `leads` created in the period per source (a lead without a source takes
    its campaign's channel), `converted` (converted by as_of, or with a customer but no
    conversion date), `conversion_rate`, `median_days_to_convert`.

    Source: REFERENCE.md "Campaign economics" (CAC, LTV).
    """
    as_of = _day(as_of)
    if ltv_months < 1:
        raise ValueError(f"ltv_months must be >= 1, got {ltv_months}")
    period_start = window_start(as_of, period_months)
    first = _first_activity(cube, as_of)
    source = customers[["customer_id", "source"]].drop_duplicates("customer_id")
    acquired = first.merge(source, on="customer_id", how="left")
    acquired["key"], acquired["label"] = _source_keys(acquired["source"])

    labels = [acquired[["key", "label"]]]
    new = acquired["first_date"].between(period_start, as_of)
    table = pd.DataFrame({"new_customers": acquired[new].groupby("key").size()})

    spent = pd.Series(dtype="float64")
    if campaigns is not None and len(campaigns):
        kind = campaigns["kind"].astype("str").str.strip().str.casefold()
        share = _share_in_period(campaigns, start=period_start, as_of=as_of)
        chosen = ((kind == "acquisition") & (share > 0)).to_numpy()
        paid = campaigns.loc[chosen]
        keys, shown = _source_keys(paid["channel"])
        labels.append(pd.DataFrame({"key": keys, "label": shown}))
        cost = paid["cost"].astype("float64") * share[chosen].to_numpy()
        spent = cost.groupby(keys.to_numpy()).sum(min_count=1)
    if costs:
        keys, shown = _source_keys(pd.Series(list(costs), dtype="str"))
        labels.append(pd.DataFrame({"key": keys, "label": shown}))
        override = pd.Series(list(costs.values()), index=keys.to_numpy(), dtype="float64")
        override = override[~override.index.duplicated(keep="last")]
        spent = override.combine_first(spent)
    table = table.join(spent.rename("cost"), how="outer")

    ltv = _ltv(acquired, cube, as_of=as_of, ltv_months=ltv_months, cohort_months=period_months, margin=margin)
    table = table.join(ltv, how="outer")
    if leads is not None:
        lead_table, lead_labels = _lead_conversion(leads, campaigns, start=period_start, as_of=as_of)
        labels.append(lead_labels)
        table = table.join(lead_table, how="outer")
        table["leads"] = table["leads"].fillna(0).astype("int64")
        table["converted"] = table["converted"].fillna(0).astype("int64")

    table["new_customers"] = table["new_customers"].fillna(0).astype("int64")
    table["ltv_customers"] = table["ltv_customers"].fillna(0).astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        table["cac"] = (table["cost"] / table["new_customers"]).where(
            (table["new_customers"] > 0) & (table["cost"] > 0)
        )
        table["ltv_to_cac"] = table["ltv"] / table["cac"]
    table = table.join(_display_labels(pd.concat(labels, ignore_index=True)))
    table = table.rename(columns={"label": "source"}).sort_values(
        ["new_customers", "source"], ascending=[False, True], kind="stable"
    )
    columns = [
        "source",
        "new_customers",
        "cost",
        "cac",
        "ltv",
        "ltv_to_cac",
        "ltv_customers",
        "ltv_acquired_from",
        "ltv_acquired_to",
    ]
    if leads is not None:
        columns += ["leads", "converted", "conversion_rate", "median_days_to_convert"]
    return table[columns].reset_index(drop=True)


def cohort_retention(cube: pd.DataFrame, *, as_of: pd.Timestamp, max_quarters: int = 12) -> pd.DataFrame:
    """Share of each acquisition cohort buying in each quarter after acquisition.

    A customer's cohort is the calendar quarter of its first activity order (a document
    with a positive total). `quarters_since` runs from 0 (the acquisition quarter) to
    `max_quarters`, and never past the quarter of as_of. `active` counts the cohort's
    customers with at least one activity order in that quarter; `retention` = active /
    customers. Quarter 0 is 100 % by definition: every customer bought in the quarter it
    was acquired. `incomplete` is True for the quarter containing as_of when as_of is not
    that quarter's last day (a run's as_of is a quarter end, so normally all False).

    Source: REFERENCE.md "Campaign economics" (cohort retention).
    """
    as_of = _day(as_of)
    if max_quarters < 0:
        raise ValueError(f"max_quarters must be >= 0, got {max_quarters}")
    first = _first_activity(cube, as_of)
    first["cohort_q"] = _quarter_index(first["first_date"])
    last_q = int(_quarter_index(pd.Series([as_of])).iloc[0])

    active = cube.loc[(cube["month"] <= as_of) & (cube["orders"] > 0), ["customer_id", "month"]]
    active = active.assign(q=_quarter_index(active["month"]))[["customer_id", "q"]].drop_duplicates()
    active = active.merge(first[["customer_id", "cohort_q"]], on="customer_id")
    active["quarters_since"] = active["q"] - active["cohort_q"]
    counts = active[active["quarters_since"].between(0, max_quarters)].groupby(["cohort_q", "quarters_since"]).size()

    sizes = first.groupby("cohort_q").size()
    cohort_q = sizes.index.to_numpy()
    lengths = np.minimum(max_quarters, last_q - cohort_q) + 1
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid = pd.DataFrame(
        {
            "cohort_q": np.repeat(cohort_q, lengths),
            "quarters_since": np.arange(lengths.sum()) - offsets,
            "customers": np.repeat(sizes.to_numpy(), lengths),
        }
    )
    grid["active"] = (
        counts.reindex(pd.MultiIndex.from_frame(grid[["cohort_q", "quarters_since"]]), fill_value=0)
        .to_numpy()
        .astype("int64")
    )
    grid["retention"] = grid["active"] / grid["customers"]
    as_of_is_quarter_end = as_of == as_of + pd.offsets.QuarterEnd(0)
    grid["incomplete"] = (grid["cohort_q"] + grid["quarters_since"] == last_q) & (not as_of_is_quarter_end)
    year, quarter = grid["cohort_q"] // 4, grid["cohort_q"] % 4 + 1
    grid.insert(0, "cohort", pd.Series(year.astype(str) + "Q" + quarter.astype(str), dtype="str"))
    return grid.drop(columns="cohort_q")


def average_retention(cohorts: pd.DataFrame, *, quarters: tuple[int, ...] = (1, 4)) -> tuple[float, ...] | None:
    """Customer-weighted retention at each of `quarters` since acquisition (REFERENCE.md "Cohort retention").

    Over the complete cohorts of `cohort_retention` except the data's first (its customers
    may have been acquired before the data starts). None when a quarter has no such cohort.
    """
    names = sorted(cohorts["cohort"].unique())
    usable = cohorts[cohorts["cohort"].isin(names[1:]) & ~cohorts["incomplete"]]
    values = []
    for q in quarters:
        cells = usable[usable["quarters_since"] == q]
        if cells.empty or cells["customers"].sum() == 0:
            return None
        values.append(float(cells["active"].sum() / cells["customers"].sum()))
    return tuple(values)


def _day(value: pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _first_activity(cube: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """customer_id, first_date: the first activity order dated ≤ as_of, per customer."""
    dates = cube.loc[cube["first_order_date"] <= as_of, ["customer_id", "first_order_date"]]
    first = dates.groupby("customer_id", sort=True)["first_order_date"].min()
    return pd.DataFrame({"customer_id": first.index.astype("str"), "first_date": first.to_numpy()})


def _share_in_period(campaigns: pd.DataFrame, *, start: pd.Timestamp, as_of: pd.Timestamp) -> pd.Series:
    """Share of each campaign's days (start .. end, both included) inside start .. as_of; 0 when undated."""
    first = pd.to_datetime(campaigns["start_date"]).dt.normalize().reset_index(drop=True)
    # no end date: the campaign is still running, its cost spread up to as_of
    last = pd.to_datetime(campaigns["end_date"]).dt.normalize().reset_index(drop=True).fillna(as_of)
    last = last.mask(last < first, first)
    days = (last - first).dt.days + 1
    inside = (last.clip(upper=as_of) - first.clip(lower=start)).dt.days + 1
    return (inside.clip(lower=0) / days).fillna(0.0)


def _source_keys(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Matching key (case-folded) and shown label of source/channel names; NA → (unknown)."""
    label = values.astype("str").str.strip()
    label = label.mask(label.isna() | (label == ""), UNKNOWN_SOURCE)
    return label.str.casefold(), label


def _display_labels(pairs: pd.DataFrame) -> pd.Series:
    """Per key, its most frequent spelling (ties alphabetically); earlier tables first."""
    counts = pairs.value_counts(["key", "label"], sort=False).rename("n").reset_index()
    counts = counts.sort_values(["key", "n", "label"], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("key").set_index("key")["label"]


def _month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def _quarter_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 4 + (dates.dt.month - 1) // 3


def _ltv(
    acquired: pd.DataFrame,
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    ltv_months: int,
    cohort_months: int,
    margin: float | None,
) -> pd.DataFrame:
    """Per source key: mean gross profit over the first `ltv_months` months of the latest complete cohorts."""
    first_month = _month_index(acquired["first_date"])
    # the horizon's last month must have ended by as_of
    last = _month_index(pd.Series([as_of + pd.Timedelta(days=1)])).iloc[0] - ltv_months
    chosen = first_month.between(last - cohort_months + 1, last)
    cohort = acquired.loc[chosen, ["customer_id", "key", "first_date"]].assign(m0=first_month[chosen])
    rows = cube.loc[cube["month"] <= as_of, ["customer_id", "month", "revenue", "gross_profit"]]
    rows = rows.merge(cohort[["customer_id", "m0"]], on="customer_id")
    rows = rows[(_month_index(rows["month"]) - rows["m0"]).between(0, ltv_months - 1)]
    gp = rows["gross_profit"]
    if margin is not None:
        gp = gp.fillna(rows["revenue"] * margin)
    per_customer = gp.groupby(rows["customer_id"].to_numpy()).sum(skipna=False)
    cohort = cohort.assign(value=per_customer.reindex(cohort["customer_id"].to_numpy()).to_numpy())
    by = cohort.groupby("key")
    return pd.DataFrame(
        {
            "ltv": by["value"].mean(skipna=False),
            "ltv_customers": by.size(),
            "ltv_acquired_from": by["first_date"].min().dt.to_period("M").dt.to_timestamp(),
            "ltv_acquired_to": by["first_date"].max().dt.to_period("M").dt.to_timestamp(),
        }
    )


def _lead_conversion(
    leads: pd.DataFrame, campaigns: pd.DataFrame | None, *, start: pd.Timestamp, as_of: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per source key: leads created in the period, converted, rate, median days to convert."""
    created = pd.to_datetime(leads["created_at"]).dt.normalize()
    frame = leads.loc[created.between(start, as_of).to_numpy()]
    source = frame["source"].astype("str")
    if campaigns is not None and "campaign_id" in frame:
        channel = campaigns.drop_duplicates("campaign_id").set_index("campaign_id")["channel"]
        source = source.fillna(frame["campaign_id"].map(channel).astype("str"))
    key, label = _source_keys(source)
    converted_at = pd.to_datetime(frame["converted_at"]).dt.normalize()
    dated = converted_at.notna() & (converted_at <= as_of)
    undated = converted_at.isna() & frame["customer_id"].notna()
    days = (converted_at - created.loc[frame.index]).dt.days.where(dated)
    by = pd.DataFrame({"key": key, "converted": dated | undated, "days": days}).groupby("key")
    table = pd.DataFrame(
        {
            "leads": by.size(),
            "converted": by["converted"].sum().astype("int64"),
            "median_days_to_convert": by["days"].median(),
        }
    )
    table["conversion_rate"] = table["converted"] / table["leads"]
    return table, pd.DataFrame({"key": key, "label": label})
