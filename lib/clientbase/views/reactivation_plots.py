"""The charts of the reactivation report: revenue at stake by reason and by manager, and each
client's days since the last order against its own rhythm. Words come from
`text/reactivation.yaml`, numbers from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from clientbase import plots
from clientbase.formatting import Formatter
from clientbase.reactivation import (
    ACTIVITY_DROP,
    revenue_at_stake,
)
from clientbase.text import Words
from clientbase.views.reactivation_words import ReportWords, Settings, manager_label, plain_number, reason_label

# bars of the manager chart: the managers with most lost revenue, the rest as "others"
_TOP_MANAGERS = 9



# dots of the rhythm chart: a sample beyond this many clients keeps the chart (and the
# PDF) light on a base of a million clients
_MAX_DOTS = 20_000



_DAY_TICKS = (1, 7, 14, 30, 60, 90, 180, 365, 730)



def plot_stake_by_reason(candidates: pd.DataFrame, *, fmt: Formatter, settings: Settings,
                         ax: Axes | None = None) -> Axes:
    """Lost revenue per quarter by reason (a client with several reasons counts under each)."""
    words = ReportWords(fmt, settings, None)
    reasons = revenue_at_stake(candidates).by_reason
    labels = [f"{reason_label(code, words)}\n({fmt.number(int(c))})"
              for code, c in zip(reasons["reason"], reasons["customers"], strict=True)]
    ax = plots.bar(pd.Series(reasons["lost_revenue"].to_numpy(), index=labels), fmt=fmt, kind="money", ax=ax,
                   title=Words("reactivation", fmt.language)["chart_by_reason"], horizontal=True)
    return _small_ticks(ax)


def plot_stake_by_manager(candidates: pd.DataFrame, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Lost revenue per quarter by responsible manager; beyond `_TOP_MANAGERS` the others in one bar."""
    lang = fmt.language
    tx = Words("reactivation", lang)
    managers = revenue_at_stake(candidates).by_manager
    top, rest = managers.iloc[:_TOP_MANAGERS], managers.iloc[_TOP_MANAGERS:]
    labels = [f"{manager_label(m, lang, short=True)} ({fmt.number(int(c))})"
              for m, c in zip(top["manager"], top["customers"], strict=True)]
    values = top["lost_revenue"].tolist()
    if len(rest):
        labels.append(f"{tx('others_managers', n=len(rest))} ({fmt.number(int(rest['customers'].sum()))})")
        values.append(float(rest["lost_revenue"].sum()))
    ax = plots.bar(pd.Series(values, index=labels), fmt=fmt, kind="money", ax=ax, title=tx["chart_by_manager"],
                   horizontal=True)
    return _small_ticks(ax)


def stake_bars(candidates: pd.DataFrame) -> int:
    """The bars of the manager chart (for the figure's height)."""
    return min(len(revenue_at_stake(candidates).by_manager), _TOP_MANAGERS + 1)


def _small_ticks(ax: Axes) -> Axes:
    from matplotlib.ticker import MaxNLocator

    ax.tick_params(axis="y", labelsize=8.5)
    ax.tick_params(axis="x", labelsize=8.5)
    # every bar carries its value: three ticks are enough, and more overlap on a half-width axis
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
    return ax


def plot_rhythm(scope: pd.DataFrame, *, fmt: Formatter, settings: Settings, ax: Axes | None = None) -> Axes:
    """Each client's days since the last order against its usual interval, log–log.

    Clients with a usual interval only (at least `MIN_DATES` order dates); the call list
    in colour (silent too long / activity drop only), the others grey; the lines are the
    rhythm rule (y = multiplier × x) and the no-orders rule (y = N days). Beyond
    `_MAX_DOTS` clients a fixed random sample is drawn. Needs at least one client with a
    usual interval (`with_rhythm`).
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    lang = fmt.language
    tx = Words("reactivation", lang)
    known = with_rhythm(scope)
    if len(known) > _MAX_DOTS:
        known = known.sample(_MAX_DOTS, random_state=0)
    words = ReportWords(fmt, settings, None)
    x = known["expected_interval_days"].to_numpy(dtype=float)
    # a client who ordered on as_of has 0 days: drawn on the lowest tick of a log scale
    y = np.maximum(known["days_since_last_order"].to_numpy(dtype=float), 1.0)
    reason = known["reason"].fillna("")
    listed = reason.ne("").to_numpy()
    drop_only = (reason == ACTIVITY_DROP).to_numpy()

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 4.8))
    groups = (
        (~listed, plots.GREY_LIGHT, tx["legend_other"], 10),
        (listed & drop_only, "#C9A66B", tx["legend_drop"], 14),
        (listed & ~drop_only, plots.ACCENT, tx["legend_silent"], 14),
    )
    for mask, colour, label, size in groups:
        ax.scatter(x[mask], y[mask], s=size, color=colour, alpha=0.8, linewidths=0, label=label,
                   rasterized=True)
    ax.set_xscale("log")
    ax.set_yscale("log")
    x_hi = max(float(x.max()) * 1.3, 60.0)
    y_hi = max(float(y.max()) * 1.3, settings.no_order_days * 2.0)
    ax.set_xlim(0.8, x_hi)
    ax.set_ylim(0.8, y_hi)
    line_x = np.array([0.8, x_hi])
    ax.plot(line_x, settings.rhythm_multiplier * line_x, color=plots.INK, linestyle="--", linewidth=1.1,
            label=tx("legend_rhythm", multiplier=plain_number(settings.rhythm_multiplier, lang)))
    ax.axhline(settings.no_order_days, color=plots.NEGATIVE, linestyle=":", linewidth=1.4,
               label=tx("legend_days", days=words.days_nominative(settings.no_order_days)))
    for axis, hi in ((ax.xaxis, x_hi), (ax.yaxis, y_hi)):
        axis.set_major_locator(FixedLocator([v for v in _DAY_TICKS if v <= hi]))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v)))
    ax.grid(axis="both", visible=True)
    ax.set_xlabel(tx["axis_interval"])
    ax.set_ylabel(tx["axis_days"])
    ax.set_title(tx["chart_rhythm"], loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, markerscale=1.5)
    return ax


def with_rhythm(scope: pd.DataFrame) -> pd.DataFrame:
    """The clients of the scope that the rhythm chart can place (a usual interval and days known)."""
    return scope[scope["expected_interval_days"].notna() & scope["days_since_last_order"].notna()]
