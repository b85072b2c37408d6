"""Presentation of the campaign ROI report: summary text, forest plot, CAC vs LTV, cohorts.

Every sentence is generated from the numbers, in the report language (GLOSSARY.md words:
маркетинговая кампания, целевая/контрольная группа, доля откликнувшихся, дополнительная
(приростная) выручка, окупаемость, CAC, LTV, удержание, когорта). The computations are
`clientbase.campaigns` and `clientbase.channels`; nothing here computes an effect.

Section functions (`roi_forest`, `campaigns_section`, `channels_section`,
`retention_section`, `reactivation_section`) return a `Section`: in a notebook it shows a
sentence on how to read what follows, then the figure and/or table — or, when an input
table is missing, the one-line "this section needs ..." message. The plot functions
(`plot_*`) take ``ax=None`` and return the Axes, for analysts who compose their own
figures. The report shows campaign and source names only, no personal data: there is
nothing to mask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from IPython.display import Markdown
from matplotlib.ticker import MaxNLocator

from clientbase import plots
from clientbase.campaigns import ATTRIBUTED, CampaignRoi, CampaignRoiOptions, CampaignSummary
from clientbase.channels import UNKNOWN_SOURCE
from clientbase.formatting import MISSING, Formatter
from clientbase.tables import Table, table
from clientbase.text import Words, fill, group, t, texts
from clientbase.views.common import Section, _closed
from clientbase.views.common import section as common_section

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "SECTIONS", "Section", "appendix", "campaigns_section", "channels_section", "headline", "headlines",
    "missing_tables", "section",
    "plot_cac_ltv", "plot_retention", "plot_roi_forest", "reactivation_section", "retention_section",
    "roi_forest", "summary",
]

MAX_CAMPAIGNS = 15  # rows of the forest plot; the table lists them all
MAX_SOURCES = 12
MAX_COHORTS = 12
_NAME_CHARS = 38

# every word of this report: lib/clientbase/text/campaign_roi.yaml


def missing_tables(**tables: pd.DataFrame | None) -> tuple[str, ...]:
    """Names of the optional input tables that the source lacks (given as None)."""
    return tuple(name for name, frame in tables.items() if frame is None)


def headline(key: str, summary: CampaignSummary, *, fmt: Formatter, window_months: int = 12) -> tuple[str, str]:
    """(label, value) of a headline for the run's index: "spend", "profit" or "channel"."""
    tx = Words("campaign_roi", fmt.language)
    if key == "spend":
        return tx("headline_spend", months=window_months), fmt.money_compact(summary.total_spend)
    if key == "profit":
        return tx["headline_profit"], fmt.money_compact(summary.total_incremental_gross_profit)
    if key == "channel":
        best = summary.best_channel
        value = MISSING if best is None else f"{best.source} {_ratio(best.ltv_to_cac, fmt)}"
        return tx["headline_channel"], value
    raise KeyError(f"no headline {key!r}: expected spend, profit or channel")


def headlines(summary: CampaignSummary, *, fmt: Formatter, window_months: int = 12) -> list[tuple[str, str]]:
    """The run index's headline numbers: spend, incremental gross profit, best LTV/CAC channel."""
    return [headline(key, summary, fmt=fmt, window_months=window_months) for key in ("spend", "profit", "channel")]


SECTIONS = ("forest", "campaigns", "channels", "retention", "reactivation")


def section(
    key: str,
    results: pd.DataFrame,
    sources: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    fmt: Formatter,
    as_of: pd.Timestamp,
    options: CampaignRoiOptions,
    missing: Sequence[str] = (),
) -> Section:
    """One section of the report (`key` from `SECTIONS`) under its heading."""
    o = options
    bodies = {
        "forest": lambda: roi_forest(results, fmt=fmt, as_of=as_of, window_months=o.window_months,
                                     confidence=o.confidence, missing=missing),
        "campaigns": lambda: campaigns_section(results, fmt=fmt, as_of=as_of, window_months=o.window_months,
                                               response_days=o.response_days, confidence=o.confidence,
                                               missing=missing),
        "channels": lambda: channels_section(sources, fmt=fmt, window_months=o.window_months,
                                             ltv_months=o.ltv_months, missing=missing),
        "retention": lambda: retention_section(cohorts, fmt=fmt),
        "reactivation": lambda: reactivation_section(results, fmt=fmt, as_of=as_of, window_months=o.window_months,
                                                     confidence=o.confidence, missing=missing),
    }
    if key not in bodies:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    return common_section(Words("campaign_roi", fmt.language)[f"section_{key}"], bodies[key]())


# --- executive summary -------------------------------------------------------------------


def summary(
    summary: CampaignSummary,
    results: pd.DataFrame,
    cohorts: pd.DataFrame,
    *,
    fmt: Formatter,
    as_of: pd.Timestamp,
    window_months: int = 12,
    ltv_months: int = 12,
    confidence: float = 0.95,
    missing: Sequence[str] = (),
) -> Markdown:
    """The executive summary as Markdown bullets, every number filled from the data.

    `summary` is `campaigns.campaign_summary(results, channels)`; `missing` names the
    optional tables the source lacks (`missing_tables`).
    """
    tx = Words("campaign_roi", fmt.language)
    lang = fmt.language
    conf = fmt.percent(confidence, 0)
    when = {"months": window_months, "as_of": fmt.date(as_of)}
    parts: list[str] = []
    campaign_tables = [m for m in missing if m in ("campaigns", "campaign_members")]
    if campaign_tables:
        parts.append(t("missing_input", lang, table=", ".join(campaign_tables)))
    elif summary.completed or summary.in_progress:
        line = tx("spend", n=_campaigns(summary.completed, lang), spend=fmt.money(summary.total_spend), **when)
        if summary.in_progress:
            line += tx("spend_running",
                running=_campaigns(summary.in_progress, lang), running_spend=fmt.money(summary.in_progress_spend)
            )
        parts.append(line)
    else:
        parts.append(tx("no_campaigns", **when))

    if not campaign_tables and summary.completed:
        parts += _effect_lines(summary, results, fmt=fmt, conf=conf)

    if summary.best_channel is not None:
        best = summary.best_channel
        parts.append(tx("channel_best",
            source=best.source, ltv=fmt.money(best.ltv), cac=fmt.money(best.cac),
            ratio=_ratio(best.ltv_to_cac, fmt), ltv_months=ltv_months,
        ))
        worst = summary.worst_channel
        if worst is not None:
            below = tx("below_one", ltv_months=ltv_months) if worst.ltv_to_cac < 1 else ""
            parts.append(tx("channel_worst",
                source=worst.source, ltv=fmt.money(worst.ltv), cac=fmt.money(worst.cac),
                ratio=_ratio(worst.ltv_to_cac, fmt), below=below,
            ))
        parts.append(tx("acquisition",
            spend=fmt.money(summary.acquisition_spend), new=fmt.number(summary.new_customers)
        ))
    elif "campaigns" not in missing:
        parts.append(tx["no_channels"])

    retention = _average_retention(cohorts, quarters=(1, 4))
    if retention is not None:
        parts.append(tx("retention", q1=fmt.percent(retention[0], 0), q4=fmt.percent(retention[1], 0)))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _effect_lines(summary: CampaignSummary, results: pd.DataFrame, *, fmt: Formatter, conf: str) -> list[str]:
    tx = Words("campaign_roi", fmt.language)
    lang = fmt.language
    lines = []
    if summary.with_control:
        n = _campaigns(summary.with_control, lang)
        if np.isnan(summary.total_incremental_gross_profit):
            lines.append(tx("incremental_no_profit", n=n, revenue=fmt.money(summary.total_incremental_revenue)))
        else:
            lines.append(tx("incremental",
                n=n, revenue=fmt.money(summary.total_incremental_revenue),
                profit=fmt.money(summary.total_incremental_gross_profit),
                net=_signed_money(summary.total_incremental_gross_profit - summary.with_control_spend, fmt),
                cost=fmt.money(summary.with_control_spend),
            ))
    else:
        lines.append(tx["no_control"])
    if summary.best is not None and summary.worst is not None:
        if summary.best.campaign_id == summary.worst.campaign_id:
            lines.append(_roi_line(tx["only"], summary.best, fmt=fmt, conf=conf))
        else:
            lines.append(_roi_line(tx["best"], summary.best, fmt=fmt, conf=conf))
            lines.append(_roi_line(tx["worst"], summary.worst, fmt=fmt, conf=conf))
    done = results[(results["target_size"] > 0) & ~results["in_progress"]]
    lines += _proven_lines(done, summary, fmt=fmt, conf=conf)
    attributed = done[done["measure"] == ATTRIBUTED]
    if len(attributed):
        lines.append(tx("attributed", names=_names(attributed["name"], lang)))
    free = done[~(done["cost"] > 0)]
    if len(free):
        lines.append(tx("free", names=_names(free["name"], lang)))
    return lines


def _proven_lines(done: pd.DataFrame, summary: CampaignSummary, *, fmt: Formatter, conf: str) -> list[str]:
    """Campaigns whose whole ROI interval is above (below) 0 %, unless the best (worst) line said it all."""
    tx = Words("campaign_roi", fmt.language)
    rated = done[(done["measure"] != ATTRIBUTED) & done["roi"].notna()].sort_values("roi", ascending=False)
    lines = []
    for key, chosen, shown in (
        ("proven", rated[rated["roi_low"] > 0], summary.best),
        ("proven_loss", rated[rated["roi_high"] < 0], summary.worst),
    ):
        said = shown is not None and chosen["campaign_id"].tolist() == [shown.campaign_id]
        if chosen.empty or said:
            continue
        items = [
            f"{_names(pd.Series([r.name]), fmt.language)} ({_roi(r.roi, fmt)}, {_roi(r.roi_low, fmt)} … "
            f"{_roi(r.roi_high, fmt)})"
            for r in chosen.itertuples()
        ]
        lines.append(tx(key, conf=conf, items="; ".join(items)))
    return lines


def _roi_line(template: str, campaign: CampaignRoi, *, fmt: Formatter, conf: str) -> str:
    tx = Words("campaign_roi", fmt.language)
    if campaign.roi_low > 0:
        verdict = tx["paid_off"]
    elif campaign.roi_high < 0:
        verdict = tx["lost"]
    else:
        verdict = tx["unproven"]
    return tx.fill(
        template, name=campaign.name, roi=_roi(campaign.roi, fmt), conf=conf, low=_roi(campaign.roi_low, fmt),
        high=_roi(campaign.roi_high, fmt), verdict=verdict,
    )


# --- sections ------------------------------------------------------------------------------


def roi_forest(
    results: pd.DataFrame,
    *,
    fmt: Formatter,
    as_of: pd.Timestamp,
    window_months: int = 12,
    confidence: float = 0.95,
    missing: Sequence[str] = (),
) -> Section:
    """The forest plot of campaign ROI with its reading note (or why it cannot be shown)."""
    tx = Words("campaign_roi", fmt.language)
    measured = _measured_or_note(results, fmt=fmt, as_of=as_of, window_months=window_months, missing=missing)
    if isinstance(measured, Section):
        return measured
    items: list[Any] = [Markdown(tx("read_forest", conf=fmt.percent(confidence, 0)))]
    if len(measured) > MAX_CAMPAIGNS:
        items.append(Markdown(tx("more_campaigns", shown=MAX_CAMPAIGNS, total=len(measured))))
    ax = plot_roi_forest(results, fmt=fmt, confidence=confidence)
    return Section((*items, _closed(ax.figure)))


def campaigns_section(
    results: pd.DataFrame,
    *,
    fmt: Formatter,
    as_of: pd.Timestamp,
    window_months: int = 12,
    response_days: int = 30,
    confidence: float = 0.95,
    missing: Sequence[str] = (),
) -> Section:
    """The table of campaign results: response, incremental revenue, cost and ROI with intervals."""
    tx = Words("campaign_roi", fmt.language)
    measured = _measured_or_note(results, fmt=fmt, as_of=as_of, window_months=window_months, missing=missing)
    if isinstance(measured, Section):
        return measured
    measured = _ordered(measured)
    conf = fmt.percent(confidence, 0)
    note = tx("read_campaigns", days=response_days, conf=conf, as_of=fmt.date(as_of))
    return Section((Markdown(note), campaigns_table(measured, fmt=fmt, confidence=confidence)))


def campaigns_table(results: pd.DataFrame, *, fmt: Formatter, confidence: float = 0.95) -> Table:
    """Campaign results as a report table (one row per campaign, in the order given)."""
    tx = Words("campaign_roi", fmt.language)
    cols = tx["col"]
    conf = fmt.percent(confidence, 0)
    incremental = results["measure"] != ATTRIBUTED
    frame = pd.DataFrame({
        "campaign": _campaign_labels(results, fmt.language),
        "start_date": results["start_date"],
        "members": [f"{fmt.number(a)} / {fmt.number(b)}" for a, b in
                    zip(results["target_size"], results["control_size"], strict=True)],
        "response": [f"{fmt.percent(a, 0)} / {fmt.percent(b, 0)}" for a, b in
                     zip(results["response_rate_target"], results["response_rate_control"], strict=True)],
        "incremental_revenue": results["incremental_revenue"],
        "revenue_interval": _intervals(results["incremental_revenue_low"], results["incremental_revenue_high"],
                                       fmt, money=True),
        "cost": results["cost"],
        "roi": [_roi_cell(r, i, fmt) for r, i in zip(results["roi"], incremental, strict=True)],
        "roi_interval": [
            tx["attributed_short"] if not inc else text_
            for inc, text_ in zip(incremental, _intervals(results["roi_low"], results["roi_high"], fmt), strict=True)
        ],
    })
    frame = frame.reset_index(drop=True)
    labels = {k: fill(cols[k], fmt.language, conf=conf) for k in frame.columns}
    return table(frame, fmt=fmt, labels=labels, max_rows=None, kinds={
        "start_date": "date", "incremental_revenue": "money", "cost": "money", "campaign": "text",
        "members": "text", "response": "text", "revenue_interval": "text", "roi": "text", "roi_interval": "text",
    })


def channels_section(
    channels: pd.DataFrame,
    *,
    fmt: Formatter,
    window_months: int = 12,
    ltv_months: int = 12,
    missing: Sequence[str] = (),
) -> Section:
    """CAC vs LTV by source: the reading note, the chart and the table (CAC needs campaigns)."""
    tx = Words("campaign_roi", fmt.language)
    lang = fmt.language
    shown = channels[(channels["new_customers"] > 0) | channels["cost"].notna() | channels["ltv"].notna()]
    if shown.empty:
        return Section((Markdown(tx["no_channel_rows"]),))
    dates = pd.concat([shown["ltv_acquired_from"], shown["ltv_acquired_to"]]).dropna()
    ltv_from, ltv_to = (fmt.month(dates.min()), fmt.month(dates.max())) if len(dates) else (MISSING, MISSING)
    items: list[Any] = []
    if "campaigns" in missing:
        items.append(Markdown(t("missing_input", lang, table="campaigns") + " (CAC)"))
    items.append(Markdown(tx("read_channels",
        months=window_months, ltv_months=ltv_months, ltv_from=ltv_from, ltv_to=ltv_to
    )))
    ax = plot_cac_ltv(shown, fmt=fmt, ltv_months=ltv_months)
    items += [_closed(ax.figure), channels_table(shown, fmt=fmt)]
    return Section(tuple(items))


def channels_table(channels: pd.DataFrame, *, fmt: Formatter) -> Table:
    """New customers, acquisition cost, CAC, LTV and LTV/CAC per source, best ratio first."""
    cols = texts("campaign_roi", fmt.language)["col"]
    frame = _by_ratio(channels, fmt.language)
    keep = ["source", "new_customers", "cost", "cac", "ltv", "ltv_to_cac"]
    if "conversion_rate" in frame and frame["conversion_rate"].notna().any():
        keep.append("conversion_rate")
    frame = frame[keep].assign(ltv_to_cac=[_ratio(v, fmt) for v in frame["ltv_to_cac"]]).reset_index(drop=True)
    kinds = {"new_customers": "number", "cost": "money", "cac": "money", "ltv": "money", "ltv_to_cac": "text"}
    if "conversion_rate" in frame:
        kinds["conversion_rate"] = "percent:0"
    return table(frame.head(MAX_SOURCES * 2), fmt=fmt, labels={k: cols[k] for k in keep}, kinds=kinds,
                 max_rows=None)


def retention_section(cohorts: pd.DataFrame, *, fmt: Formatter, max_cohorts: int = MAX_COHORTS) -> Section:
    """The cohort retention heatmap with its reading note."""
    tx = Words("campaign_roi", fmt.language)
    shown, dropped = _cohort_rows(cohorts, max_cohorts)
    if shown.empty:
        return Section((Markdown(tx["no_cohorts"]),))
    note = tx["read_retention"]
    if dropped is not None:
        note += tx("first_cohort", cohort=dropped)
    if cohorts["incomplete"].any():
        note += tx["incomplete_cohort"]
    ax = plot_retention(cohorts, fmt=fmt, max_cohorts=max_cohorts)
    return Section((Markdown(note), _closed(ax.figure)))


def reactivation_section(
    results: pd.DataFrame,
    *,
    fmt: Formatter,
    as_of: pd.Timestamp,
    window_months: int = 12,
    confidence: float = 0.95,
    missing: Sequence[str] = (),
) -> Section:
    """Reactivation campaigns: targeted clients against the control group, with intervals."""
    tx = Words("campaign_roi", fmt.language)
    cols = tx["col"]
    blocked = _missing_line(missing, ("campaigns", "campaign_members"), fmt.language)
    if blocked:
        return blocked
    kind = results["kind"].astype("str").str.strip().str.casefold()
    chosen = _ordered(results[(kind == "reactivation") & (results["target_size"] > 0)])
    if chosen.empty:
        return Section((Markdown(tx("no_reactivation", months=window_months, as_of=fmt.date(as_of))),))
    conf = fmt.percent(confidence, 0)
    lift = [
        f"{_points(d, fmt)} ({i})" if pd.notna(d) else MISSING
        for d, i in zip(chosen["response_lift"],
                        _intervals(chosen["response_lift_low"], chosen["response_lift_high"], fmt, points=True),
                        strict=True)
    ]
    frame = pd.DataFrame({
        "campaign": _campaign_labels(chosen, fmt.language),
        "targeted": chosen["target_size"],
        "responded": chosen["response_rate_target"],
        "responded_control": chosen["response_rate_control"],
        "lift": lift,
        "per_target": chosen["revenue_per_target"],
        "per_control": chosen["revenue_per_control"],
        "incremental_revenue": chosen["incremental_revenue"],
        "revenue_interval": _intervals(chosen["incremental_revenue_low"], chosen["incremental_revenue_high"],
                                       fmt, money=True),
        "roi": [_roi_cell(r, m != ATTRIBUTED, fmt) for r, m in zip(chosen["roi"], chosen["measure"], strict=True)],
    })
    frame = frame.reset_index(drop=True)
    labels = {k: fill(cols[k], fmt.language, conf=conf) for k in frame.columns}
    shown = table(frame, fmt=fmt, labels=labels, max_rows=None, kinds={
        "targeted": "number", "responded": "percent:0", "responded_control": "percent:0", "lift": "text",
        "per_target": "money", "per_control": "money", "incremental_revenue": "money",
        "revenue_interval": "text", "roi": "text",
    })
    return Section((Markdown(tx["read_reactivation"]), shown))


def appendix(
    *,
    fmt: Formatter,
    as_of: pd.Timestamp,
    period_label: str,
    parameters: Mapping[str, Any],
    rows: Mapping[str, int | None],
    has_cost: bool,
    version: str,
) -> Markdown:
    """Definitions (REFERENCE.md "Campaign economics"), the parameters used, the data and version.

    `parameters` holds response_days, window_months, ltv_months, margin_share, ci_method
    and confidence as the notebook used them; `rows` the row counts of the tables loaded
    (None for a table the source lacks).
    """
    from clientbase.periods import window_start

    tx = Words("campaign_roi", fmt.language)
    margin = parameters.get("margin_share") or 0
    if has_cost:
        profit = tx["profit_cost"]
    elif margin:
        profit = tx("profit_margin", margin=fmt.percent(margin, 0))
    else:
        profit = tx["profit_unknown"]
    values = {
        "days": parameters.get("response_days", 30), "months": parameters.get("window_months", 12),
        "ltv_months": parameters.get("ltv_months", 12), "as_of": fmt.date(as_of),
        "window_start": fmt.date(window_start(as_of, parameters.get("window_months", 12))),
        "profit": profit, "method": tx[parameters.get("ci_method", "welch")],
        "conf": fmt.percent(parameters.get("confidence", 0.95), 0),
    }
    lines = [f"### {t('definitions', fmt.language)}", ""]
    lines += [f"- {d}" for d in tx("definitions", **values)]
    lines += ["", f"### {tx['parameters_used']}", ""]
    names = tx["param_names"]
    lines += [f"- `{key} = {value!r}`: {names.get(key, '')}" for key, value in parameters.items()]
    names = group("table_names", fmt.language)
    counts = ", ".join(
        f"{names.get(name, name)} {MISSING if n is None else fmt.number(n)}" for name, n in rows.items()
    )
    lines += ["", tx("data", period=period_label, as_of=fmt.date(as_of), rows=counts), "",
              tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- charts ---------------------------------------------------------------------------------


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


# --- helpers --------------------------------------------------------------------------------


def _measured_or_note(
    results: pd.DataFrame, *, fmt: Formatter, as_of: pd.Timestamp, window_months: int, missing: Sequence[str]
) -> pd.DataFrame | Section:
    """The campaigns with members, or the one-line Section that says why none can be shown."""
    blocked = _missing_line(missing, ("campaigns", "campaign_members"), fmt.language)
    if blocked:
        return blocked
    measured = results[results["target_size"] > 0]
    if measured.empty:
        text = t("campaign_roi.no_rows", fmt.language, months=window_months, as_of=fmt.date(as_of))
        return Section((Markdown(text),))
    return measured


def _missing_line(missing: Sequence[str], needed: Sequence[str], language: str) -> Section | None:
    absent = [m for m in needed if m in missing]
    if not absent:
        return None
    return Section((Markdown(t("missing_input", language, table=", ".join(absent))),))


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


def _points(share: float, fmt: Formatter) -> str:
    """A difference of two shares in percentage points: +12 pp / +12 п. п."""
    text = fmt.signed_percent(share, 0).replace("%", "").rstrip("\xa0 ")
    points = texts("campaign_roi", fmt.language)["points"]
    return f"{text}\xa0{points}"


def _roi(value: float, fmt: Formatter) -> str:
    return fmt.signed_percent(value, 0)


def _roi_cell(value: float, incremental: bool, fmt: Formatter) -> str:
    if pd.isna(value):
        return texts("campaign_roi", fmt.language)["na_label"]
    return _roi(value, fmt) if incremental else f"({_roi(value, fmt)})"


def _signed_money(value: float, fmt: Formatter) -> str:
    text = fmt.money(abs(value))
    return text if value >= 0 or text == MISSING else "\u2212" + text


def _intervals(
    low: pd.Series, high: pd.Series, fmt: Formatter, *, money: bool = False, points: bool = False
) -> list[str]:
    def one(value: float) -> str:
        if money:
            return _signed_money(value, fmt) if abs(value) < 10_000 else _compact_signed(value, fmt)
        if points:
            return _points(value, fmt)
        return _roi(value, fmt)

    return [
        f"{one(a)} … {one(b)}" if pd.notna(a) and pd.notna(b) else MISSING
        for a, b in zip(low, high, strict=True)
    ]


def _compact_signed(value: float, fmt: Formatter) -> str:
    text = fmt.money_compact(abs(value))
    return text if value >= 0 else "\u2212" + text


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


def _average_retention(cohorts: pd.DataFrame, *, quarters: tuple[int, ...]) -> tuple[float, ...] | None:
    """Customer-weighted retention at each of `quarters` over the complete cohorts but the data's first."""
    names = sorted(cohorts["cohort"].unique())
    usable = cohorts[cohorts["cohort"].isin(names[1:]) & ~cohorts["incomplete"]]
    values = []
    for q in quarters:
        cells = usable[usable["quarters_since"] == q]
        if cells.empty or cells["customers"].sum() == 0:
            return None
        values.append(float(cells["active"].sum() / cells["customers"].sum()))
    return tuple(values)


def _names(names: pd.Series, language: str) -> str:
    left, right = ("«", "»") if language == "ru" else ("“", "”")
    return ", ".join(f"{left}{n}{right}" for n in names.astype("str"))


def _campaigns(n: int, language: str) -> str:
    return t("campaign_roi.campaigns", language, n=n)
