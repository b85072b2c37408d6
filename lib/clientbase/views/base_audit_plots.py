"""The charts of the base audit: duplicate cards per rule, fill rates per manager, the base per quarter.

Each takes `ax=None` and returns the Axes; the sections of `views/base_audit.py` lay them
out. Words come from `text/base_audit.yaml`, numbers from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientbase import plots
from clientbase.audit import ALL, EXACT_RULES, FILL_FIELDS, NO_MANAGER, UNASSIGNED, AuditResult
from clientbase.formatting import Formatter
from clientbase.periods import Period
from clientbase.text import Words, quarter_values, t

# rows of the fill-rate heatmap: the managers with most cards beyond this many
MAX_MANAGERS = 15
_RULES = (*EXACT_RULES, "fuzzy_name")


def plot_duplicates(result: AuditResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Cards in duplicate groups per rule (horizontal bars), the groups of each rule in its label."""
    tx = Words("base_audit", fmt.language)
    rules = rules_of(result)
    groups = result.duplicate_summary.set_index("match_rule")["groups"]
    cards = pd.Series(result.cards_by_rule).reindex(list(rules), fill_value=0)
    labels = [f"{tx['rule'][r]}\n{tx['groups'].lower()}: {fmt.number(int(groups.get(r, 0)))}" for r in rules]
    return plots.bar(pd.Series(cards.to_numpy(), index=labels), fmt=fmt, kind="number", ax=ax, horizontal=True,
                     title=tx["chart_duplicates"])


def fill_rows(result: AuditResult) -> list[str]:
    """The rows of the fill-rate heatmap: all cards, the managers (worst data quality first), no manager.

    At most `MAX_MANAGERS` managers, those with the most cards.
    """
    quality = result.manager_quality
    named = quality[quality["manager"] != NO_MANAGER]
    if len(named) > MAX_MANAGERS:
        keep = named.sort_values(["customers", "manager"], ascending=[False, True], kind="stable")
        named = named[named["manager"].isin(keep["manager"].iloc[:MAX_MANAGERS])]
    return [ALL, *named["manager"], *quality.loc[quality["manager"] == NO_MANAGER, "manager"]]


def plot_fill_rates(result: AuditResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Heatmap managers × fields of the fill rate, with the share of fully filled cards last."""
    tx = Words("base_audit", fmt.language)
    quality = result.manager_quality
    order = fill_rows(result)
    shares = result.fill_rates.pivot(index="manager", columns="field", values="filled_share")
    shares = shares.reindex(index=order, columns=list(FILL_FIELDS))
    complete = quality.set_index("manager")["complete_share"]
    complete[ALL] = result.complete_share
    shares["complete"] = complete.reindex(order).to_numpy()
    cards = quality.set_index("manager")["customers"]
    cards[ALL] = result.cards
    rows = [f"{manager_label(m, fmt.language)} ({fmt.number(int(cards.get(m, 0)))})" for m in order]
    frame = pd.DataFrame(shares.to_numpy(dtype=float), index=rows,
                         columns=[*(tx["field_short"][f] for f in FILL_FIELDS), tx["complete"]])
    ax = plots.heatmap(frame, fmt=fmt, kind="percent", ax=ax)
    ax.tick_params(axis="x", labelsize=8.5)
    ax.tick_params(axis="y", labelsize=8.5)
    ax.axvline(len(FILL_FIELDS) - 0.5, color="white", linewidth=3)
    ax.axhline(0.5, color="white", linewidth=3)
    return ax


def plot_base_trend(result: AuditResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Cards and buyers per quarter (lines)."""
    tx = Words("base_audit", fmt.language)
    trend = result.trend
    x = np.arange(len(trend))
    ax = plots.axes(ax)
    ax.plot(x, trend["customers"], marker="o", color=plots.ACCENT, label=tx["series_customers"])
    ax.plot(x, trend["active_buyers"], marker="o", color=plots.GREY,
            label=tx("series_buyers", window=result.window_months))
    ax.set_ylim(bottom=0)
    ax.set_title(tx["chart_base"], loc="left")
    return _quarter_axis(ax, trend, fmt)


def plot_activity_trend(result: AuditResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """New and sleeping clients per quarter (bars side by side)."""
    tx = Words("base_audit", fmt.language)
    trend = result.trend
    x = np.arange(len(trend))
    width = 0.4
    ax = plots.axes(ax)
    ax.bar(x - width / 2, trend["new"], width=width, color=plots.ACCENT, label=tx["series_new"])
    ax.bar(x + width / 2, trend["sleeping"], width=width, color=plots.NEGATIVE, label=tx["series_sleeping"])
    ax.set_title(tx["chart_activity"], loc="left")
    return _quarter_axis(ax, trend, fmt)


def rules_of(result: AuditResult) -> tuple[str, ...]:
    """The exact rules, and `fuzzy_name` when the audit looked for similar names."""
    return _RULES if result.fuzzy_threshold is not None else EXACT_RULES


def manager_label(manager: object, language: str) -> str:
    """A manager's name, or the words for all cards, no manager and the unassigned list."""
    if manager is None or pd.isna(manager) or manager == NO_MANAGER:
        return t("base_audit.no_manager", language)
    if manager == ALL:
        return t("base_audit.all_cards", language)
    if manager == UNASSIGNED:
        return t("base_audit.unassigned", language)
    return str(manager)


def quarter_label(period: Period, language: str, *, tick: bool = False) -> str:
    """"Q3 2026" / "3 кв. 2026" (on two lines on an axis tick)."""
    key = "base_audit.quarter_tick" if tick else "base_audit.quarter"
    return t(key, language, **quarter_values(period.quarter, period.year))


def _quarter_axis(ax: Axes, trend: pd.DataFrame, fmt: Formatter) -> Axes:
    ticks = [quarter_label(Period(int(q.split("Q")[0]), int(q.split("Q")[1])), fmt.language, tick=True)
             for q in trend["quarter"]]
    ax.set_xticks(np.arange(len(trend)), ticks)
    ax.tick_params(axis="x", labelsize=8)
    fmt.axis(ax, "y", "number")
    ax.legend(loc="upper left", fontsize=8.5)
    ax.margins(y=0.15)
    return ax
