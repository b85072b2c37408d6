"""The charts of the ABC-XYZ report: the 3 × 3 matrix, the Pareto curve and the migration
between classes. Each takes `ax=None` and returns the Axes; words come from
`text/abc_xyz.yaml`, numbers from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientbase.abc_xyz import (
    ABC,
    CELLS,
    MIGRATION_LABELS,
    XYZ,
    Migration,
    abc_xyz_matrix,
    pareto_curve,
    share_of_customers_for,
)
from clientbase.formatting import Formatter
from clientbase.text import Words, t
from clientbase.views.abc_xyz_words import ReportWords, Settings

# points of the Pareto line: beyond this many customers the curve is thinned (it is smooth)
_MAX_POINTS = 2_000



def plot_matrix(classes: pd.DataFrame, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """The 3 × 3 matrix: clients and share of revenue in each cell, shaded by the share."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = Words("abc_xyz", fmt.language)
    matrix = abc_xyz_matrix(classes).set_index("abc_xyz")
    shares = matrix["revenue_share"].fillna(0.0).to_numpy(dtype=float).reshape(3, 3)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8.5, 3.6))
    cmap = mpl.colormaps[plots.SEQUENTIAL_CMAP]
    top = max(float(shares.max()), 1e-9)
    ax.imshow(shares, cmap=cmap, vmin=0.0, vmax=top, aspect="auto")
    for (row, col), value in np.ndenumerate(shares):
        cell = CELLS[row * 3 + col]
        r, g, b, _ = cmap(value / top)
        colour = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else plots.INK
        ax.text(col, row - 0.22, cell, ha="center", va="center", fontsize=12, fontweight="bold", color=colour)
        n = int(matrix.loc[cell, "customers"])
        ax.text(col, row + 0.15, t("abc_xyz.cell_text", fmt.language, n=n,
                                   share=fmt.percent(matrix.loc[cell, "revenue_share"])),
            ha="center", va="center", fontsize=9, color=colour)
    ax.set_xticks(range(3), list(XYZ))
    ax.set_yticks(range(3), list(ABC))
    ax.xaxis.tick_top()
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(tx["chart_matrix"], loc="left", pad=22)
    return ax



def plot_pareto(classes: pd.DataFrame, *, fmt: Formatter, settings: Settings, ax: Axes | None = None) -> Axes:
    """The Pareto curve with the ABC bounds and the share of clients making the first bound."""
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = Words("abc_xyz", fmt.language)
    w = ReportWords(fmt, settings, None)
    curve = pareto_curve(classes)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 4.5))
    if len(curve) > _MAX_POINTS:
        curve = curve.iloc[np.unique(np.linspace(0, len(curve) - 1, _MAX_POINTS).round().astype(int))]
    ax.plot(curve["customer_share"], curve["cum_share"], color=plots.ACCENT, linewidth=2.2)
    if len(curve) > 1:
        for bound in settings.abc_bounds:
            x = share_of_customers_for(classes, bound)
            ax.plot([0, x, x], [bound, bound, 0], color=plots.GREY, linestyle=":", linewidth=1.2)
        low = settings.abc_bounds[0]
        x = share_of_customers_for(classes, low)
        ax.annotate(tx("pareto_note", share=fmt.percent(x, digits=0), percent=fmt.percent(low, digits=0)),
                    xy=(x, low), xytext=(x + 0.06, low - 0.18), fontsize=9.5, color=plots.INK,
                    arrowprops={"arrowstyle": "-", "color": plots.GREY, "linewidth": 0.8})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    fmt.axis(ax, "x", "percent")
    fmt.axis(ax, "y", "percent")
    ax.set_xlabel(tx("axis_customers", metric=w.metric))
    ax.set_ylabel(tx("axis_cum_share", metric=w.metric))
    ax.set_title(tx("chart_pareto", metric=w.metric), loc="left")
    return ax



def plot_migration(result: Migration, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Transitions between the previous and the current classes: share of each row, as a heatmap.

    Needs at least one transition (the section says "nothing to show" otherwise).
    """
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = Words("abc_xyz", fmt.language)
    moves = result.transitions
    rows = [c for c in MIGRATION_LABELS if c in set(moves["from_class"])]
    columns = [c for c in MIGRATION_LABELS if c in set(moves["to_class"])]
    grid = moves.pivot(index="from_class", columns="to_class", values="row_share").reindex(
        index=rows, columns=columns)
    sizes = moves.groupby("from_class")["customers"].sum()
    names = tx["labels"]
    grid.index = [f"{names.get(r, r)}\n{fmt.number(sizes[r])}" for r in rows]
    # two-word labels on two lines: the columns are narrow
    grid.columns = [names.get(c, c).replace(" ", "\n") for c in columns]
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, max(4.5, 0.42 * len(rows) + 1.5)))
    plots.heatmap(grid, fmt=fmt, kind="percent", ax=ax)
    ax.tick_params(axis="both", labelsize=8.5)
    w = ReportWords(fmt, None, result)
    ax.set_ylabel(tx("axis_from", date=w.previous_as_of))
    ax.set_xlabel(tx("axis_to", date=w.as_of), labelpad=8)
    ax.xaxis.set_label_position("top")
    ax.set_title(tx["chart_migration"], loc="left", pad=10)
    return ax
