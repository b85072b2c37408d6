"""The words around the campaign ROI report: the executive summary (spend, proven effects,
channels, retention) and the appendix (definitions of REFERENCE.md "Campaign economics",
parameters used, data, version), generated from the numbers in the report language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.campaigns import ATTRIBUTED, CampaignRoi, CampaignSummary
from clientbase.channels import average_retention
from clientbase.formatting import MISSING, Formatter
from clientbase.text import Words, group, t
from clientbase.views.campaign_roi_plots import (
    _ratio,
    _roi,
)
from clientbase.views.common import plain


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
            source=plain(best.source), ltv=fmt.money(best.ltv), cac=fmt.money(best.cac),
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

    retention = average_retention(cohorts, quarters=(1, 4))
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
        template, name=plain(campaign.name), roi=_roi(campaign.roi, fmt), conf=conf, low=_roi(campaign.roi_low, fmt),
        high=_roi(campaign.roi_high, fmt), verdict=verdict,
    )


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


def _signed_money(value: float, fmt: Formatter) -> str:
    text = fmt.money(abs(value))
    return text if value >= 0 or text == MISSING else "\u2212" + text


def _names(names: pd.Series, language: str) -> str:
    left, right = ("«", "»") if language == "ru" else ("“", "”")
    return ", ".join(f"{left}{plain(n)}{right}" for n in names.astype("str"))


def _campaigns(n: int, language: str) -> str:
    return t("campaign_roi.campaigns", language, n=n)
