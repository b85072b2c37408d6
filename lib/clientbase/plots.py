"""The shared look of every chart, and the generic charts the reports are made of.

Source: DESIGN.md "Rendering" (charts that read at a glance; the same formatters on plot
axes as in tables and text). Report-specific figures live in ``views/<report>.py`` and are
built from these helpers.

`use_style()` applies the style to matplotlib's global settings; importing this module
changes nothing. The palette is restrained: greys for context and one accent colour for
what the reader should look at, plus a muted red for what went wrong.

Every helper takes ``ax=None`` (a new figure is made) and returns the Axes it drew on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from cycler import cycler

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from clientbase.formatting import Formatter

ACCENT = "#1F5A8C"  # the one colour that carries the message
ACCENT_LIGHT = "#9DB9D3"
INK = "#24303B"  # text and the darkest lines
GREY = "#8A96A3"
GREY_LIGHT = "#D5DBE1"
NEGATIVE = "#B5523B"  # losses, downgrades
POSITIVE = "#4E8A5B"  # gains, upgrades
# order in which series are coloured: the first series is the accent, the rest recede
PALETTE = (ACCENT, GREY, ACCENT_LIGHT, "#5C6B78", "#C9A66B", NEGATIVE, POSITIVE, GREY_LIGHT)
SEQUENTIAL_CMAP = "Blues"

FIGSIZE = (8.0, 4.2)
RC: dict[str, Any] = {
    # DejaVu Sans ships with matplotlib and covers Cyrillic
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans", "sans-serif"],
    "font.size": 10.5,
    "axes.titlesize": 12.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 12.0,
    "axes.labelsize": 10.5,
    "axes.labelcolor": INK,
    "axes.edgecolor": GREY,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "grid.color": "#E6EAEE",
    "grid.linewidth": 0.8,
    "xtick.color": INK,
    "ytick.color": INK,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "xtick.major.size": 0.0,
    "ytick.major.size": 0.0,
    "legend.frameon": False,
    "legend.fontsize": 9.5,
    "text.color": INK,
    "figure.figsize": FIGSIZE,
    "figure.dpi": 110,
    "figure.facecolor": "white",
    "figure.constrained_layout.use": True,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "savefig.facecolor": "white",
    "image.cmap": SEQUENTIAL_CMAP,
    "lines.linewidth": 2.0,
    "lines.markersize": 4.5,
}

_KINDS = ("number", "money", "percent")


def use_style() -> None:
    """Apply the clientbase chart style to matplotlib's global settings (rcParams)."""
    import matplotlib as mpl

    mpl.rcParams.update(RC)


def bar(
    series: pd.Series,
    *,
    fmt: Formatter,
    kind: str = "money",
    ax: Axes | None = None,
    title: str | None = None,
    horizontal: bool = False,
    highlight: Any = None,
) -> Axes:
    """Bars of a Series (index = categories), each labelled with its formatted value.

    Parameters
    ----------
    kind : {"money", "number", "percent"}
        How values are formatted on the value axis and on the bars.
    horizontal : bool
        Horizontal bars read better for long category names; the first item is on top.
    highlight : label or list of labels, optional
        Categories drawn in the accent colour; the others are grey. By default all bars
        are in the accent colour.
    """
    _check_kind(kind)
    ax = axes(ax)
    values = pd.to_numeric(series, errors="coerce").astype(float)
    labels = [_label(i, fmt) for i in series.index]
    colors = _bar_colours(series.index, highlight)
    positions = np.arange(len(values))
    if horizontal:
        bars = ax.barh(positions, values.fillna(0).to_numpy(), color=colors, height=0.66)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        fmt.axis(ax, "x", kind)
    else:
        bars = ax.bar(positions, values.fillna(0).to_numpy(), color=colors, width=0.66)
        ax.set_xticks(positions, labels)
        if max((len(x) for x in labels), default=0) * len(labels) > 70:
            ax.tick_params(axis="x", labelrotation=30)
            for tick in ax.get_xticklabels():
                tick.set_horizontalalignment("right")
        fmt.axis(ax, "y", kind)
    digits = _digits(values.to_numpy(), kind)
    texts = [_value_text(v, fmt, kind, digits) for v in values]
    ax.bar_label(bars, labels=texts, padding=3, fontsize=9, color=INK)
    # room for the labels at the end of the longest bar
    if horizontal:
        ax.margins(x=0.12)
    else:
        ax.margins(y=0.12)
    _finish(ax, title)
    return ax


def heatmap(
    frame: pd.DataFrame,
    *,
    fmt: Formatter,
    kind: str = "percent",
    ax: Axes | None = None,
    title: str | None = None,
    cmap: str | None = None,
) -> Axes:
    """A matrix (e.g. ABC-XYZ, migration, cohort retention) with every cell annotated.

    Missing cells are left blank; the text colour follows the cell's darkness so that
    every label reads. Datetime row or column labels are shown as months.
    """
    import matplotlib as mpl

    _check_kind(kind)
    ax = axes(ax)
    values = frame.apply(pd.to_numeric, errors="coerce").astype(float).to_numpy()
    masked = np.ma.masked_invalid(values)
    colormap = mpl.colormaps[cmap or SEQUENTIAL_CMAP].with_extremes(bad="white")
    finite = values[np.isfinite(values)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if vmin == vmax:
        vmax = vmin + 1.0
    image = ax.imshow(masked, cmap=colormap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(np.arange(frame.shape[1]), [_label(c, fmt) for c in frame.columns])
    ax.set_yticks(np.arange(frame.shape[0]), [_label(i, fmt) for i in frame.index])
    ax.xaxis.tick_top()
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    size = 9 if frame.size <= 100 else 7
    digits = _digits(values, kind)
    for (row, col), value in np.ndenumerate(values):
        if not np.isfinite(value):
            continue
        r, g, b, _ = colormap(image.norm(value))
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.55
        ax.text(col, row, _value_text(value, fmt, kind, digits), ha="center", va="center",
                fontsize=size, color="white" if dark else INK)
    if frame.columns.name:
        ax.set_xlabel(str(frame.columns.name), labelpad=8)
        ax.xaxis.set_label_position("top")
    if frame.index.name:
        ax.set_ylabel(str(frame.index.name))
    _finish(ax, title)
    return ax


# -- helpers -------------------------------------------------------------------------------


def axes(ax: Axes | None) -> Axes:
    """`ax`, or the Axes of a new figure when None (what every plot function does with ax=None)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new = plt.subplots()
    return new


def _finish(ax: Axes, title: str | None) -> None:
    if title:
        ax.set_title(title, loc="left")


def _check_kind(kind: str) -> None:
    if kind not in _KINDS:
        raise ValueError(f"kind {kind!r} is not supported: expected one of {_KINDS}")


def _digits(values: np.ndarray, kind: str) -> int:
    """One number of decimals for all labels of a chart, so they line up and compare."""
    finite = np.abs(values[np.isfinite(values)])
    if not finite.size:
        return 0
    if kind == "percent":
        return 0 if finite.max() >= 0.1 else 1
    if kind == "number":
        whole = np.allclose(finite, np.round(finite))
        return 0 if whole or finite.max() >= 100 else 1
    return 0


def _value_text(value: float, fmt: Formatter, kind: str, digits: int) -> str:
    if not np.isfinite(value):
        return ""
    if kind == "money":
        return fmt.money_compact(value) if abs(value) >= 10_000 else fmt.money(value)
    if kind == "percent":
        return fmt.percent(value, digits=digits)
    if abs(value) >= 1_000_000:
        return fmt.number_compact(value)
    return fmt.number(value, digits=digits)


def _label(value: Any, fmt: Formatter) -> str:
    if isinstance(value, pd.Timestamp | np.datetime64):
        return fmt.month(value)
    return "—" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _bar_colours(index: pd.Index, highlight: Any) -> list[str]:
    if highlight is None:
        return [ACCENT] * len(index)
    chosen = set(highlight) if isinstance(highlight, list | tuple | set) else {highlight}
    return [ACCENT if i in chosen else GREY_LIGHT for i in index]


