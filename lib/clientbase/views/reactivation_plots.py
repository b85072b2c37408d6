"""The charts of the reactivation report: revenue at stake by reason and by manager, and each
client's days since the last order against its own rhythm. Words come from
`text/reactivation.yaml`, numbers from `clientbase.formatting`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.formatting import Formatter
from clientbase.reactivation import (
    ACTIVITY_DROP,
    revenue_at_stake,
)
from clientbase.text import Words, t
from clientbase.views.reactivation_words import ReportWords, Settings, manager_label, plain_number, reason_label

# bars of the manager chart: the managers with most lost revenue, the rest as "others"
_TOP_MANAGERS = 9



# dots of the rhythm chart: a sample beyond this many clients keeps the chart (and the
# PDF) light on a base of a million clients
_MAX_DOTS = 20_000



_DAY_TICKS = (1, 7, 14, 30, 60, 90, 180, 365, 730)



def plot_revenue_at_stake(candidates: pd.DataFrame, *, fmt: Formatter, settings: Settings):
    """Lost revenue per quarter by reason (left) and by responsible manager (right).

    At most `_TOP_MANAGERS` managers are drawn, the others summed into one bar. Returns
    the Figure, or a one-line Markdown when the list is empty.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from clientbase import plots

    lang = fmt.language
    tx = Words("reactivation", lang)
    if candidates.empty:
        return Markdown(t("no_rows", lang))
    words = ReportWords(fmt, settings, None)
    stake = revenue_at_stake(candidates)

    reasons = stake.by_reason
    reason_labels = [
        f"{reason_label(code, words)}\n({fmt.number(int(c))})"
        for code, c in zip(reasons["reason"], reasons["customers"], strict=True)
    ]
    by_reason = pd.Series(reasons["lost_revenue"].to_numpy(), index=reason_labels)

    managers = stake.by_manager
    top, rest = managers.iloc[:_TOP_MANAGERS], managers.iloc[_TOP_MANAGERS:]
    labels = [
        f"{manager_label(m, lang, short=True)} ({fmt.number(int(c))})"
        for m, c in zip(top["manager"], top["customers"], strict=True)
    ]
    values = top["lost_revenue"].tolist()
    if len(rest):
        labels.append(f"{tx('others_managers', n=len(rest))} "
                      f"({fmt.number(int(rest['customers'].sum()))})")
        values.append(float(rest["lost_revenue"].sum()))
    by_manager = pd.Series(values, index=labels)

    # one line per manager and a low figure: it shares the first page with the summary
    # instead of leaving that page half empty
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9, max(3.0, 0.28 * len(by_manager) + 0.9)), gridspec_kw={"width_ratios": [1, 1.15]}
    )
    plots.bar(by_reason, fmt=fmt, kind="money", ax=left, title=tx["chart_by_reason"], horizontal=True)
    plots.bar(by_manager, fmt=fmt, kind="money", ax=right, title=tx["chart_by_manager"], horizontal=True)
    for ax in (left, right):
        ax.tick_params(axis="y", labelsize=8.5)
        ax.tick_params(axis="x", labelsize=8.5)
        # every bar carries its value: three ticks are enough, and more overlap on a half-width axis
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
    fig.suptitle(tx["chart_title"], x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig



def plot_rhythm(scope: pd.DataFrame, *, fmt: Formatter, settings: Settings, ax=None):
    """Each client's days since the last order against its usual interval, log–log.

    Clients with a usual interval only (at least `MIN_DATES` order dates); the call list
    in colour (silent too long / activity drop only), the others grey; the lines are the
    rhythm rule (y = multiplier × x) and the no-orders rule (y = N days). Beyond
    `_MAX_DOTS` clients a fixed random sample is drawn. Returns the Axes, or a one-line
    Markdown when no client has a usual interval.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from clientbase import plots

    lang = fmt.language
    tx = Words("reactivation", lang)
    known = scope[scope["expected_interval_days"].notna() & scope["days_since_last_order"].notna()]
    if known.empty:
        return Markdown(t("no_rows", lang))
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
