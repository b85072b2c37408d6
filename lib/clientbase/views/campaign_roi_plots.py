"""The charts of the campaign ROI report: ROI by campaign with its interval, CAC against LTV per
source, cohort retention. Each takes `ax=None` and returns the Axes; words come from
`text/campaign_roi.yaml`, numbers from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from clientbase import plots
from clientbase.campaigns import ATTRIBUTED
from clientbase.channels import UNKNOWN_SOURCE
from clientbase.formatting import MISSING, Formatter
from clientbase.text import Words, t, texts

MAX_CAMPAIGNS = 15  # rows of the forest plot; the table lists them all
MAX_SOURCES = 12
MAX_COHORTS = 12


_NAME_CHARS = 38



def plot_roi_forest(
    results: pd.DataFrame,
    *,
    fmt: Formatter,
    confidence: float = 0.95,
    ax: Axes | None = None,
    max_campaigns: int = MAX_CAMPAIGNS,
) -> Axes:
    """ROI of each campaign with members (dot) and its interval (line); 0 % dashed.

    Campaigns with an incremental ROI come first, best on top, then those in progress;
    campaigns without a control group (attributed) and without a cost (n/a) are listed
    with a label instead of a dot, so that no attributed figure is read as an effect.
    With more than `max_campaigns` campaigns the costliest are shown.
    """
    tx = Words("campaign_roi", fmt.language)
    rows = _ordered(results[results["target_size"] > 0])
    if len(rows) > max_campaigns:
        keep = rows["cost"].fillna(0).rank(method="first", ascending=False) <= max_campaigns
        rows = rows[keep]
    n = len(rows)
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=(9, 1.5 + 0.42 * max(n, 1)))
    y = np.arange(n)
    roi = rows["roi"].to_numpy(dtype=float)
    low, high = rows["roi_low"].to_numpy(dtype=float), rows["roi_high"].to_numpy(dtype=float)
    dot = (rows["measure"] != ATTRIBUTED).to_numpy() & np.isfinite(roi)
    running = rows["in_progress"].to_numpy(dtype=bool)
    colour = np.where(running, plots.ACCENT_LIGHT, plots.ACCENT)
    ranged = dot & np.isfinite(low) & np.isfinite(high)
    ax.hlines(y[ranged], low[ranged], high[ranged], colors=colour[ranged], linewidth=2.4)
    ax.scatter(roi[dot], y[dot], color=colour[dot], s=42, zorder=3)
    ax.axvline(0, color=plots.GREY, linestyle="--", linewidth=1)
    finite = np.concatenate([roi[dot], low[ranged], high[ranged], [0.0]])
    span = max(float(finite.max() - finite.min()), 1.0)
    ax.set_xlim(float(finite.min()) - 0.05 * span, float(finite.max()) + 0.05 * span)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_yticks(y, _campaign_labels(rows, fmt.language, short=True))
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    # ROIs of cheap campaigns run to thousands of per cent: few ticks, or the labels collide
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    fmt.axis(ax, "x", "percent")
    values = [_forest_value(r, fmt) for _, r in rows.iterrows()]
    right = ax.secondary_yaxis("right")
    right.set_yticks(y, [v if d else "" for v, d in zip(values, dot, strict=True)], fontsize=8.5)
    right.tick_params(length=0)
    right.spines["right"].set_visible(False)
    # no dot for attributed or free campaigns: their label stands where the dot would be
    for row in np.flatnonzero(~dot):
        ax.text(0.01, y[row], values[row], transform=ax.get_yaxis_transform(), va="center", ha="left",
                fontsize=8.5, color=plots.GREY, style="italic",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.set_title(tx("chart_forest", conf=fmt.percent(confidence, 0)), loc="left")
    return ax



def plot_cac_ltv(
    channels: pd.DataFrame,
    *,
    fmt: Formatter,
    ltv_months: int = 12,
    ax: Axes | None = None,
    max_sources: int = MAX_SOURCES,
) -> Axes:
    """LTV and CAC of each source as paired bars, LTV/CAC written at the right; best ratio on top."""
    tx = Words("campaign_roi", fmt.language)
    rows = _by_ratio(channels, fmt.language).head(max_sources)
    n = len(rows)
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=(9, 1.6 + 0.55 * max(n, 1)))
    y = np.arange(n)
    ltv = rows["ltv"].to_numpy(dtype=float)
    cac = rows["cac"].to_numpy(dtype=float)
    bars_ltv = ax.barh(y - 0.19, np.nan_to_num(ltv), height=0.36, color=plots.ACCENT,
                       label=tx("ltv", ltv_months=ltv_months))
    bars_cac = ax.barh(y + 0.19, np.nan_to_num(cac), height=0.36, color=plots.GREY,
                       label=tx["cac"])
    for bars, values in ((bars_ltv, ltv), (bars_cac, cac)):
        ax.bar_label(bars, labels=[fmt.money_compact(v) if np.isfinite(v) else "" for v in values],
                     padding=3, fontsize=8.5, color=plots.INK)
    ax.set_yticks(y, [str(s) for s in rows["source"]])
    ax.set_ylim(n - 0.5, -0.7)
    ax.margins(x=0.14)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", visible=True)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6))
    fmt.axis(ax, "x", "money")
    right = ax.secondary_yaxis("right")
    right.set_yticks(y, [_ratio(v, fmt) for v in rows["ltv_to_cac"]])
    right.tick_params(length=0)
    right.spines["right"].set_visible(False)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize=8.5)
    ax.set_title(tx("chart_channels", ltv_months=ltv_months), loc="left", pad=28)
    return ax



def plot_retention(
    cohorts: pd.DataFrame, *, fmt: Formatter, ax: Axes | None = None, max_cohorts: int = MAX_COHORTS
) -> Axes:
    """Retention by acquisition cohort (rows) and quarters since (columns), the latest cohorts.

    The data's first cohort is left out (it also holds customers acquired before the data
    starts), and so is quarter 0 (100 % by definition); incomplete quarters are marked *.
    """
    tx = Words("campaign_roi", fmt.language)
    shown, _dropped = _cohort_rows(cohorts, max_cohorts)
    shown = shown[shown["quarters_since"] > 0]
    sizes = shown.groupby("cohort", sort=True)["customers"].first()
    grid = shown.pivot(index="cohort", columns="quarters_since", values="retention").sort_index()
    grid.index = [f"{c} ({fmt.number(sizes[c])})" for c in grid.index]
    grid.columns = [str(c) for c in grid.columns]
    grid.index.name, grid.columns.name = tx["cohort"], tx["quarters_since"]
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=(9, 1.6 + 0.36 * max(len(grid), 1)))
    plots.heatmap(grid, fmt=fmt, kind="percent", ax=ax, title=tx["chart_retention"])
    marked = shown[shown["incomplete"]]
    rows = {c: i for i, c in enumerate(sorted(sizes.index))}
    columns = {c: i for i, c in enumerate(sorted(shown["quarters_since"].unique()))}
    for cohort, quarter in zip(marked["cohort"], marked["quarters_since"], strict=True):
        ax.text(columns[quarter] + 0.42, rows[cohort] - 0.3, "*", ha="right", va="top", fontsize=9)
    return ax



def _ordered(results: pd.DataFrame) -> pd.DataFrame:
    """Incremental ROIs first (best on top), then in progress, attributed, without ROI."""
    group = np.select(
        [
            results["in_progress"].to_numpy(dtype=bool),
            (results["measure"] == ATTRIBUTED).to_numpy(),
            results["roi"].isna().to_numpy(),
        ],
        [1, 2, 3],
        0,
    )
    order = results.assign(_group=group, _roi=-results["roi"].fillna(-np.inf))
    order = order.sort_values(["_group", "_roi", "start_date", "campaign_id"], kind="stable")
    return order.drop(columns=["_group", "_roi"])



def _campaign_labels(rows: pd.DataFrame, language: str, *, short: bool = False) -> list[str]:
    running = texts("campaign_roi", language)["in_progress"]
    labels = []
    for name, cid, progress in zip(rows["name"], rows["campaign_id"], rows["in_progress"], strict=True):
        label = str(name) if pd.notna(name) and str(name).strip() else str(cid)
        if short and len(label) > _NAME_CHARS:
            label = label[: _NAME_CHARS - 1].rstrip() + "…"
        labels.append(f"{label} ({running})" if progress else label)
    return labels



def _forest_value(row: pd.Series, fmt: Formatter) -> str:
    tx = Words("campaign_roi", fmt.language)
    if pd.isna(row["roi"]):
        return tx["na_label"]
    if row["measure"] == ATTRIBUTED:
        return tx("attributed_label", roi=_roi(row["roi"], fmt))
    if pd.isna(row["roi_low"]) or pd.isna(row["roi_high"]):
        return f"{_roi(row['roi'], fmt)} ({tx['no_interval']})"
    return f"{_roi(row['roi'], fmt)} [{_roi(row['roi_low'], fmt)}; {_roi(row['roi_high'], fmt)}]"



def _roi(value: float, fmt: Formatter) -> str:
    return fmt.signed_percent(value, 0)



def _ratio(value: float, fmt: Formatter) -> str:
    if value is None or pd.isna(value):
        return MISSING
    return t("campaign_roi.ratio", fmt.language, value=fmt.number(value, 1))



def _by_ratio(channels: pd.DataFrame, language: str) -> pd.DataFrame:
    """Sources by LTV/CAC (best first), then those without a ratio by new customers; names for the reader."""
    unknown = texts("campaign_roi", language)["unknown_source"]
    channels = channels.assign(source=channels["source"].astype("str").replace(UNKNOWN_SOURCE, unknown))
    return channels.assign(_r=-channels["ltv_to_cac"].fillna(-np.inf)).sort_values(
        ["_r", "new_customers", "source"], ascending=[True, False, True], kind="stable"
    ).drop(columns="_r")



def _cohort_rows(cohorts: pd.DataFrame, max_cohorts: int) -> tuple[pd.DataFrame, str | None]:
    """The latest `max_cohorts` cohorts but the data's first; the first's name when that hides it."""
    names = sorted(cohorts["cohort"].unique())
    first = names[0] if len(names) > 1 else None
    latest = [c for c in names if c != first][-max_cohorts:]
    # the first cohort is only worth a note when it would otherwise have been shown
    hidden = first if first is not None and len(names) <= max_cohorts else None
    return cohorts[cohorts["cohort"].isin(latest)], hidden
