"""The charts of the deal funnel report: the funnel, time in stage, losses by stage × reason,
win rates with their intervals, and last quarter's forecast against what happened.

Each takes `ax=None` and returns the Axes; words come from `text/deal_funnel.yaml`, numbers
from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientbase import plots
from clientbase.deal_funnel import DealFunnelResult
from clientbase.formatting import Formatter
from clientbase.text import Words

MAX_GROUPS = 12  # managers or sources drawn; beyond them the chart would not fit a page


def plot_funnel(result: DealFunnelResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Bars of the deals reaching each stage (first stage on top), with the share going on to the next."""
    tx = Words("deal_funnel", fmt.language)
    s = result.stages
    counts = s["reached"].to_numpy(float)
    ax = plots.axes(ax)
    y = np.arange(len(s))[::-1]
    top = max(counts.max(), 1.0)
    ax.barh(y, counts, color=plots.ACCENT, height=0.6)
    for yi, n in zip(y, counts, strict=True):
        ax.text(n + top * 0.01, yi, fmt.number(n), va="center", fontsize=9, color=plots.INK)
    for yi, share in zip(y[:-1], s["conversion_to_next"].to_numpy()[:-1], strict=True):
        if share == share:
            ax.text(top * 1.12, yi - 0.5, "↓ " + fmt.percent(share, 0), va="center", ha="right", fontsize=8.5,
                    color=plots.GREY)
    ax.set_xlim(0, top * 1.14)
    ax.set_yticks(y, s["stage"])
    ax.tick_params(axis="y", labelsize=9)
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    ax.set_title(tx["chart_funnel"], loc="left")
    return ax


def plot_time_in_stage(result: DealFunnelResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Median days in each stage as bars, a line out to the 80th percentile."""
    tx = Words("deal_funnel", fmt.language)
    s = result.stages
    ax = plots.axes(ax)
    y = np.arange(len(s))[::-1]
    median, p80 = s["median_days"].to_numpy(float), s["p80_days"].to_numpy(float)
    ax.barh(y, np.nan_to_num(median), color=plots.ACCENT_LIGHT, height=0.55)
    ax.hlines(y, np.nan_to_num(median), np.nan_to_num(p80), color=plots.ACCENT, linewidth=2)
    ax.plot(np.nan_to_num(p80), y, "|", color=plots.ACCENT, markersize=10)
    ax.set_yticks(y, s["stage"])
    ax.tick_params(axis="y", labelsize=8.5)
    fmt.axis(ax, "x", "number")
    ax.set_title(tx["chart_time"], loc="left")
    return ax


def plot_losses(result: DealFunnelResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """A heatmap of lost deals: stages down, reasons across; count in the cell, amount as colour."""
    tx = Words("deal_funnel", fmt.language)
    lost = result.losses.assign(reason=result.losses["reason"].replace("", tx["no_reason"]))
    stages = [s for s in result.stages["stage"] if s in set(lost["stage"])]
    reasons = lost.groupby("reason")["deals"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    deals = lost.pivot_table(index="stage", columns="reason", values="deals", aggfunc="sum").reindex(
        index=stages, columns=reasons)
    amount = lost.pivot_table(index="stage", columns="reason", values="amount", aggfunc="sum").reindex(
        index=stages, columns=reasons)
    ax = plots.axes(ax)
    ax.imshow(amount.fillna(0).to_numpy(float), cmap=plots.SEQUENTIAL_CMAP, aspect="auto")
    top = float(np.nanmax(amount.to_numpy(float))) if amount.size else 0.0
    for i in range(len(stages)):
        for j in range(len(reasons)):
            n = deals.iat[i, j]
            if n == n:
                dark = amount.iat[i, j] > 0.6 * top
                ax.text(j, i, fmt.number(n), ha="center", va="center", fontsize=8.5,
                        color="white" if dark else plots.INK)
    ax.set_xticks(range(len(reasons)), reasons, rotation=20, ha="right", fontsize=8.5)
    ax.set_yticks(range(len(stages)), stages, fontsize=8.5)
    ax.grid(False)
    ax.set_title(tx["chart_losses"], loc="left")
    return ax


def plot_win_rates(groups: pd.DataFrame, column: str, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """The win rate of each manager or source as a dot with its 95 % interval (most deals on top)."""
    tx = Words("deal_funnel", fmt.language)
    shown = groups[groups["won"] + groups["lost"] > 0].head(MAX_GROUPS)
    labels = [str(v) if v else tx["not_given"] for v in shown[column]]
    ax = plots.axes(ax)
    y = np.arange(len(shown))[::-1]
    ax.hlines(y, shown["win_rate_low"], shown["win_rate_high"], color=plots.ACCENT_LIGHT, linewidth=4)
    ax.plot(shown["win_rate"], y, "o", color=plots.ACCENT, markersize=6)
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", labelsize=8.5)
    ax.set_xlim(0, 1)
    fmt.axis(ax, "x", "percent")
    ax.set_title(tx["chart_win_rate"], loc="left")
    return ax


def plot_backtest(result: DealFunnelResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Per stage on the previous quarter's end: the forecast amount beside the amount won since."""
    tx = Words("deal_funnel", fmt.language)
    b = result.backtest
    ax = plots.axes(ax)
    x = np.arange(len(b))
    ax.bar(x - 0.2, b["expected_value"], width=0.4, color=plots.ACCENT_LIGHT, label=tx["chart_backtest_expected"])
    ax.bar(x + 0.2, b["won_amount"], width=0.4, color=plots.ACCENT, label=tx["chart_backtest_won"])
    ax.set_xticks(x, b["stage"], rotation=15, ha="right", fontsize=8.5)
    fmt.axis(ax, "y", "money")
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    return ax
