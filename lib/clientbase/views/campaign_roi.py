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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from IPython.display import Markdown

from clientbase.campaigns import ATTRIBUTED, CampaignRoiOptions, CampaignSummary
from clientbase.formatting import MISSING, Formatter
from clientbase.tables import Table, table
from clientbase.text import Words, fill, t, texts
from clientbase.views.campaign_roi_plots import (
    MAX_CAMPAIGNS,
    MAX_COHORTS,
    MAX_SOURCES,
    _by_ratio,
    _campaign_labels,
    _cohort_rows,
    _ordered,
    _ratio,
    _roi,
    plot_cac_ltv,
    plot_retention,
    plot_roi_forest,
)
from clientbase.views.campaign_roi_summary import _signed_money, appendix, summary
from clientbase.views.common import Section, _closed
from clientbase.views.common import section as common_section

if TYPE_CHECKING:
    pass

# the options of a section called without them (an analyst's quick look)
DEFAULTS = CampaignRoiOptions()

__all__ = [
    "SECTIONS", "Section", "appendix", "campaigns_section", "channels_section", "headline", "headlines",
    "missing_tables", "section",
    "plot_cac_ltv", "plot_retention", "plot_roi_forest", "reactivation_section", "retention_section",
    "roi_forest", "summary",
]

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
    bodies = {
        "forest": lambda: roi_forest(results, fmt=fmt, as_of=as_of, options=options, missing=missing),
        "campaigns": lambda: campaigns_section(results, fmt=fmt, as_of=as_of, options=options, missing=missing),
        "channels": lambda: channels_section(sources, fmt=fmt, options=options, missing=missing),
        "retention": lambda: retention_section(cohorts, fmt=fmt),
        "reactivation": lambda: reactivation_section(results, fmt=fmt, as_of=as_of, options=options, missing=missing),
    }
    if key not in bodies:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    return common_section(Words("campaign_roi", fmt.language)[f"section_{key}"], bodies[key]())


# --- executive summary -------------------------------------------------------------------


# --- sections ------------------------------------------------------------------------------


def roi_forest(
    results: pd.DataFrame, *, fmt: Formatter, as_of: pd.Timestamp, options: CampaignRoiOptions = DEFAULTS,
    missing: Sequence[str] = (),
) -> Section:
    """The forest plot of campaign ROI with its reading note (or why it cannot be shown)."""
    tx = Words("campaign_roi", fmt.language)
    measured = _measured_or_note(results, fmt=fmt, as_of=as_of, window_months=options.window_months, missing=missing)
    if isinstance(measured, Section):
        return measured
    items: list[Any] = [Markdown(tx("read_forest", conf=fmt.percent(options.confidence, 0)))]
    if len(measured) > MAX_CAMPAIGNS:
        items.append(Markdown(tx("more_campaigns", shown=MAX_CAMPAIGNS, total=len(measured))))
    ax = plot_roi_forest(results, fmt=fmt, confidence=options.confidence)
    return Section((*items, _closed(ax.figure)))


def campaigns_section(
    results: pd.DataFrame, *, fmt: Formatter, as_of: pd.Timestamp, options: CampaignRoiOptions = DEFAULTS,
    missing: Sequence[str] = (),
) -> Section:
    """The table of campaign results: response, incremental revenue, cost and ROI with intervals."""
    tx = Words("campaign_roi", fmt.language)
    measured = _measured_or_note(results, fmt=fmt, as_of=as_of, window_months=options.window_months, missing=missing)
    if isinstance(measured, Section):
        return measured
    measured = _ordered(measured)
    conf = fmt.percent(options.confidence, 0)
    note = tx("read_campaigns", days=options.response_days, conf=conf, as_of=fmt.date(as_of))
    return Section((Markdown(note), campaigns_table(measured, fmt=fmt, confidence=options.confidence)))


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
    channels: pd.DataFrame, *, fmt: Formatter, options: CampaignRoiOptions = DEFAULTS, missing: Sequence[str] = (),
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
        months=options.window_months, ltv_months=options.ltv_months, ltv_from=ltv_from, ltv_to=ltv_to
    )))
    ax = plot_cac_ltv(shown, fmt=fmt, ltv_months=options.ltv_months)
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
    results: pd.DataFrame, *, fmt: Formatter, as_of: pd.Timestamp, options: CampaignRoiOptions = DEFAULTS,
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
        return Section((Markdown(tx("no_reactivation", months=options.window_months, as_of=fmt.date(as_of))),))
    conf = fmt.percent(options.confidence, 0)
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


# --- charts ---------------------------------------------------------------------------------


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


def _points(share: float, fmt: Formatter) -> str:
    """A difference of two shares in percentage points: +12 pp / +12 п. п."""
    text = fmt.signed_percent(share, 0).replace("%", "").rstrip("\xa0 ")
    points = texts("campaign_roi", fmt.language)["points"]
    return f"{text}\xa0{points}"


def _roi_cell(value: float, incremental: bool, fmt: Formatter) -> str:
    if pd.isna(value):
        return texts("campaign_roi", fmt.language)["na_label"]
    return _roi(value, fmt) if incremental else f"({_roi(value, fmt)})"


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


