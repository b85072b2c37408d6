"""The charts of the KPIs report: the KPIs as small lines over the quarters, and the revenue
bridge as a waterfall. Words from `text/common.yaml` (kpi.*) and `text/kpis.yaml`, numbers from
`clientbase.formatting`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from clientbase import plots
from clientbase.formatting import Formatter
from clientbase.kpis import PARTS, KpisResult
from clientbase.kpis.options import KPI_KINDS
from clientbase.text import Words, group

_AXIS_KIND = {"number": "number", "money": "money", "share": "percent", "days": "number"}
_COLUMNS = 3


def trends_figure(result: KpisResult, kpis: Sequence[str], *, fmt: Formatter) -> Figure:
    """One small line chart per KPI of `kpis`, the quarters along the bottom, the last point marked."""
    import matplotlib.pyplot as plt

    rows = -(-len(kpis) // _COLUMNS)
    fig, grid = plt.subplots(rows, _COLUMNS, figsize=(9, 2.15 * rows), squeeze=False)
    for ax, kpi in zip(grid.flat, kpis, strict=False):
        plot_trend(result, kpi, fmt=fmt, ax=ax)
    for ax in list(grid.flat)[len(kpis):]:
        ax.set_visible(False)
    return fig


def plot_trend(result: KpisResult, kpi: str, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """The KPI over the report's quarters; a missing quarter leaves a gap."""
    ax = plots.axes(ax)
    k = result.kpis
    x = np.arange(len(k))
    values = k[kpi].to_numpy(dtype=float)
    ax.plot(x, values, color=plots.ACCENT, linewidth=1.8, marker="o", markersize=3)
    if not np.isnan(values[-1]):
        ax.plot(x[-1:], values[-1:], "o", color=plots.ACCENT, markersize=6)
    kind = _AXIS_KIND[KPI_KINDS[kpi][0]]
    fmt.axis(ax, "y", kind)
    ax.set_xticks([x[0], x[-1]], [fmt.quarter(k["quarter"].iloc[0]), fmt.quarter(k["quarter"].iloc[-1])])
    ax.tick_params(labelsize=7.5)
    ax.set_title(group("kpi", fmt.language)[kpi], loc="left", fontsize=9.5)
    if kind in ("number", "money") and np.nanmin(values, initial=np.inf) >= 0:
        ax.set_ylim(bottom=0)
    return ax


def bridge_figure(result: KpisResult, *, fmt: Formatter) -> Figure:
    """The two waterfalls side by side: against the previous quarter and against a year ago."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    plot_bridge(result, "previous_quarter", fmt=fmt, ax=left)
    plot_bridge(result, "year_ago", fmt=fmt, ax=right)
    return fig


def plot_bridge(result: KpisResult, comparison: str, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """A waterfall from the comparison quarter's revenue through each part to this quarter's."""
    tx = Words("kpis", fmt.language)
    ax = plots.axes(ax)
    row = result.bridge_of(comparison).iloc[0]
    names = [fmt.quarter(row["base_quarter"]), *(tx["bar"][p] for p in PARTS), fmt.quarter(row["quarter"])]
    steps = [float(row[p]) for p in PARTS]
    bottoms, heights, colours = [0.0], [float(row["revenue_base"])], [plots.GREY]
    level = float(row["revenue_base"])
    for step in steps:
        bottoms.append(level if step >= 0 else level + step)
        heights.append(abs(step))
        colours.append(plots.POSITIVE if step > 0 else plots.NEGATIVE if step < 0 else plots.GREY_LIGHT)
        level += step
    bottoms.append(0.0)
    heights.append(float(row["revenue"]))
    colours.append(plots.ACCENT)
    x = np.arange(len(names))
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.62)
    labels = [fmt.number_compact(row["revenue_base"]), *(_signed_compact(fmt, s) for s in steps),
              fmt.number_compact(row["revenue"])]
    top = max(b + h for b, h in zip(bottoms, heights, strict=True)) or 1.0
    falls = [False, *(step < 0 for step in steps), False]
    for xi, b, h, label, fall in zip(x, bottoms, heights, labels, falls, strict=True):
        # a fall is labelled under its bar, so that neighbouring labels never run into each other
        y, va = (b - top * 0.015, "top") if fall else (b + h + top * 0.015, "bottom")
        ax.text(xi, y, label, ha="center", va=va, fontsize=7, color=plots.INK)
    ax.set_xticks(x, names, rotation=30, ha="right", fontsize=8)
    fmt.axis(ax, "y", "money")
    ax.set_ylim(0, top * 1.12)
    ax.set_title(tx("caption_against", base=fmt.quarter(row["base_quarter"])), loc="left", fontsize=10)
    return ax


def _signed_compact(fmt: Formatter, value: float) -> str:
    text = fmt.number_compact(abs(value))
    return text if value == 0 else ("+" if value > 0 else "−") + text
