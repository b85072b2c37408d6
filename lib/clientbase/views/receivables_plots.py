"""The charts of the receivables report: debt by days overdue per manager, and per quarter end.

Each takes `ax=None` and returns the Axes; words come from `text/receivables.yaml`, numbers
from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientbase import plots
from clientbase.formatting import Formatter
from clientbase.receivables import BUCKETS, ReceivablesResult
from clientbase.text import Words

# from not yet due (light) to more than 90 days overdue (the accent of alarm)
_COLOURS = ("#C9D6E3", "#F2C66D", "#E8964A", "#D2652D", plots.NEGATIVE)
# managers drawn; beyond them the chart would not fit a page
MAX_MANAGERS = 12


def plot_aging(result: ReceivablesResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Stacked bars of debt by bucket: one per manager (most debt on top), all clients last."""
    tx = Words("receivables", fmt.language)
    managers = result.by_manager.head(MAX_MANAGERS)
    labels = [tx["no_manager"] if pd.isna(m) else str(m) for m in managers["manager"]] + [tx["all_clients"]]
    values = np.vstack([managers[list(BUCKETS)].to_numpy(dtype=float),
                        result.totals[list(BUCKETS)].to_numpy(dtype=float)])
    ax = plots.axes(ax)
    y = np.arange(len(labels))[::-1]
    left = np.zeros(len(labels))
    for k, bucket in enumerate(BUCKETS):
        ax.barh(y, values[:, k], left=left, color=_COLOURS[k], label=tx["bucket"][bucket], height=0.7)
        left += values[:, k]
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", labelsize=8.5)
    fmt.axis(ax, "x", "money")
    ax.set_title(tx["chart_aging"], loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=8, ncols=len(BUCKETS), frameon=False)
    return ax


def plot_trend(result: ReceivablesResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Stacked bars of debt by bucket at each quarter end of the trend, as_of last."""
    tx = Words("receivables", fmt.language)
    trend = result.trend
    ax = plots.axes(ax)
    x = np.arange(len(trend))
    bottom = np.zeros(len(trend))
    for k, bucket in enumerate(BUCKETS):
        values = trend[bucket].to_numpy(dtype=float)
        ax.bar(x, values, bottom=bottom, color=_COLOURS[k], label=tx["bucket"][bucket], width=0.6)
        bottom += values
    ax.set_xticks(x, [fmt.date(d) for d in trend["as_of"]])
    fmt.axis(ax, "y", "money")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncols=len(BUCKETS), frameon=False)
    return ax
