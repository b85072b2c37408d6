"""The charts of the CLV report: the last quarter's forecast against what happened, P(alive) by
frequency and recency, and the spread of the CLV over the clients.

Each takes `ax=None` and returns the Axes; words come from `text/clv.yaml`, numbers from
`clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientbase import plots
from clientbase.clv import ClvResult
from clientbase.formatting import Formatter
from clientbase.text import Words

# weeks since the last purchase, the rows of the P(alive) heatmap (upper bounds)
RECENCY_WEEKS = (4, 8, 13, 26, 39, 52, 78, 104)
FREQUENCY_GROUPS = 8  # 0 … 6 repeat purchases, then 7+


def plot_holdout(result: ClvResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Mean repeat purchase days per client in the last quarter, predicted beside actual, per group."""
    tx = Words("clv", fmt.language)
    table = result.holdout.table
    groups = table[table["group"] != "all"]
    ax = plots.axes(ax)
    x = np.arange(len(groups))
    ax.bar(x - 0.2, groups["predicted_mean"], width=0.4, color=plots.ACCENT_LIGHT, label=tx["chart_predicted"])
    ax.bar(x + 0.2, groups["actual_mean"], width=0.4, color=plots.ACCENT, label=tx["chart_actual"])
    ax.set_xticks(x, groups["group"])
    ax.set_xlabel(tx["chart_groups"])
    fmt.axis(ax, "y", "number")
    ax.set_title(tx["chart_holdout"], loc="left")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def alive_grid(result: ClvResult) -> pd.DataFrame:
    """Mean P(alive) by weeks since the last purchase (rows) × repeat purchases (columns)."""
    c = result.customers
    since = (c["t_weeks"] - c["recency_weeks"]).to_numpy(float)
    row = np.searchsorted(np.asarray(RECENCY_WEEKS, float), since, side="left")
    col = np.minimum(c["frequency"].to_numpy(np.int64), FREQUENCY_GROUPS - 1)
    frame = pd.DataFrame({"row": row, "col": col, "p": c["p_alive"].to_numpy(float)})
    return frame.pivot_table(index="row", columns="col", values="p", aggfunc="mean").reindex(
        index=range(len(RECENCY_WEEKS) + 1), columns=range(FREQUENCY_GROUPS))


def plot_alive(result: ClvResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """A heatmap of the mean P(alive): weeks since the last purchase down, repeat purchases across."""
    tx = Words("clv", fmt.language)
    grid = alive_grid(result)
    ax = plots.axes(ax)
    ax.imshow(grid.to_numpy(float), cmap=plots.SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto")
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            if v == v:
                ax.text(j, i, fmt.percent(v, 0), ha="center", va="center", fontsize=7.5,
                        color="white" if v > 0.6 else plots.INK)
    bounds = (0, *RECENCY_WEEKS)
    rows = [f"{lo}–{hi}" for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)] + [f"> {RECENCY_WEEKS[-1]}"]
    ax.set_yticks(range(len(rows)), rows, fontsize=8.5)
    ax.set_xticks(range(FREQUENCY_GROUPS), [*map(str, range(FREQUENCY_GROUPS - 1)), f"{FREQUENCY_GROUPS - 1}+"])
    ax.set_xlabel(tx["chart_frequency"])
    ax.set_ylabel(tx["chart_recency"])
    ax.grid(False)
    ax.set_title(tx["chart_alive"], loc="left")
    return ax


def plot_clv(result: ClvResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Clients by CLV: a histogram on a logarithmic money axis (CLV of 1 and more)."""
    tx = Words("clv", fmt.language)
    values = result.customers["clv"].to_numpy(float)
    values = values[np.isfinite(values) & (values >= 1)]
    ax = plots.axes(ax)
    if len(values):
        bins = np.logspace(0, np.log10(values.max()) + 0.01, 30)
        ax.hist(values, bins=bins, color=plots.ACCENT)
        ax.set_xscale("log")
    fmt.axis(ax, "x", "money")
    fmt.axis(ax, "y", "number")
    ax.set_ylabel(tx["chart_clients"])
    ax.set_title(tx["chart_clv"], loc="left")
    return ax
