"""Presentation of the segments report: summary, sections (the RF grid, the flows, the user's
segments, loyalty against behaviour), appendix and the charts.

Source of the rules shown: REFERENCE.md "RFM and segments" (computed in `clientbase.segments`);
words in `text/segments.yaml`. Stakeholder tables mask personal names when asked to; the
lists for 1C and mailing tools (`views.segments_lists.write_lists`) carry the full details and never
appear in the pages.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from clientbase import plots
from clientbase.formatting import Formatter
from clientbase.segments import SegmentsOptions, SegmentsResult
from clientbase.tables import Table, table
from clientbase.text import Words, t
from clientbase.views.common import Section, chart, client_names, column_labels, plain, section

__all__ = ["SECTIONS", "appendix", "headlines", "plot_flows", "plot_grid", "section_of", "summary"]

SECTIONS = ("grid", "flows", "user", "loyalty")
_SUMMARY_SEGMENTS = 4


def _name(segment: str, tx: Words) -> str:
    """An RFM segment's name in words; a segment of one's own as the profile names it."""
    names = tx["segment"]
    return names.get(segment, plain(segment)) if segment else tx["not_scored"]


def headlines(result: SegmentsResult, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's numbers: clients scored, champions, at risk and can't lose."""
    tx = Words("segments", fmt.language)
    counts = result.rfm["segment"].value_counts()
    return [(tx["headline_scored"], fmt.number(len(result.rfm))),
            (tx["headline_champions"], fmt.number(int(counts.get("champions", 0)))),
            (tx["headline_at_risk"], fmt.number(int(counts.get("at_risk", 0) + counts.get("cant_lose", 0))))]


def summary(result: SegmentsResult, *, fmt: Formatter, options: SegmentsOptions) -> Markdown:
    """The executive summary: the RFM segments and their change, the valuable clients slipping and
    what to do, the user's segments with entries and exits, loyalty against behaviour."""
    tx = Words("segments", fmt.language)
    s = result.rfm_summary()
    biggest = s.sort_values("clients", ascending=False, kind="stable").head(_SUMMARY_SEGMENTS)
    items = "; ".join(tx("segment_item", segment=_name(r.segment, tx), change=fmt.signed_number(r.change),
                         clients=t("n_clients", fmt.language, n=r.clients), revenue=fmt.money(r.revenue))
                      for r in biggest.itertuples())
    parts = [tx("summary_scored", n=fmt.number(len(result.rfm)), months=options.lookback_months,
                as_of=fmt.date(result.as_of), biggest=items)]
    by = s.set_index("segment")
    parts.append(tx("summary_slipping", at_risk=fmt.number(int(by["clients"].get("at_risk", 0))),
                    at_risk_revenue=fmt.money(by["revenue"].get("at_risk", 0.0)),
                    cant_lose=fmt.number(int(by["clients"].get("cant_lose", 0))),
                    cant_lose_revenue=fmt.money(by["revenue"].get("cant_lose", 0.0))))
    user = result.user_segments()
    if len(user):
        periodic = user["kind"] == "periodic"
        listed = []
        for row in user.itertuples():
            text = tx("user_item", segment=plain(row.segment), members=t("n_clients", fmt.language, n=row.members))
            if row.kind == "periodic" and result.periodic_history:
                text += tx("user_changes", entered=fmt.number(row.entered), left=fmt.number(row.left))
            listed.append(text)
        parts.append(tx("summary_user", items="; ".join(listed)))
        if periodic.any() and not result.periodic_history:
            parts.append(tx("summary_no_history", previous=fmt.quarter(_label(result.previous_as_of))))
    if result.loyalty_known:
        parts.append(tx("summary_loyalty", n=fmt.number(len(result.loyalty_mismatches()))))
    else:
        parts.append(tx["summary_no_loyalty"])
    parts.append(tx["summary_lists"])
    return Markdown("\n".join(f"- {p}" for p in parts))


def section_of(key: str, result: SegmentsResult, customers: pd.DataFrame, *, fmt: Formatter,
               options: SegmentsOptions, mask_pii: bool = True) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    if key not in SECTIONS:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("segments", fmt.language)
    bodies = {
        "grid": lambda: (tx["read_grid"], _chart(plot_grid, result, fmt, 4.6), _rfm_table(result, fmt)),
        "flows": lambda: (tx("read_flows", previous=fmt.date(result.previous_as_of)),
                          _chart(plot_flows, result, fmt, 5.2)),
        "user": lambda: ((tx["read_user"], _user_table(result, fmt)) if options.segments
                         else (tx["no_user_segments"],)),
        "loyalty": lambda: ((tx["read_loyalty"], _loyalty_table(result, fmt, "manager"),
                             _loyalty_table(result, fmt, "region"),
                             _mismatch_table(result, customers, fmt, options, mask_pii)) if result.loyalty_known
                            else (tx["summary_no_loyalty"],)),
    }
    return section(tx[f"section_{key}"], *bodies[key]())


def appendix(result: SegmentsResult, *, fmt: Formatter, options: SegmentsOptions, version: str) -> Markdown:
    """Definitions, the RF map used, the parameters, the data and the version."""
    tx = Words("segments", fmt.language)
    lines = [f"### {t('definitions', fmt.language)}", ""]
    lines += [f"- {d}" for d in tx("definitions", months=options.lookback_months, as_of=fmt.date(result.as_of))]
    lines += ["", f"### {tx['map_title']}", ""]
    lines += [f"- {tx('map_line', segment=_name(c.segment, tx), r=_scores(c.r), f=_scores(c.f))}"
              for c in options.map]
    lines += ["", f"### {t('parameters', fmt.language)}", ""]
    meanings = tx["parameters"]
    shown = {"lookback_months": fmt.number(options.lookback_months),
             "rf_map": tx["shipped_map"] if options.rf_map is None else "…",
             "segments": "; ".join(f"{plain(s.name)} ({tx['kind'][s.kind]}): `{s.rule or s.file}`"
                                   for s in options.segments) or "—",
             "top_n": fmt.number(options.top_n)}
    lines += [f"- {tx('parameters_used', key=k, value=v, meaning=meanings[k])}" for k, v in shown.items()]
    lines += ["", f"### {t('data_period', fmt.language)}", "",
              tx("data_period", scored=fmt.number(len(result.rfm)), as_of=fmt.date(result.as_of),
                 before=fmt.number(len(result.rfm_before)), previous=fmt.date(result.previous_as_of),
                 cards=fmt.number(len(result.facts))),
              "", f"### {t('package_version', fmt.language)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- charts --------------------------------------------------------------------------------------


def plot_grid(result: SegmentsResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """The 5 × 5 RF grid: clients in each cell, revenue as colour, the segments outlined and named."""
    tx = Words("segments", fmt.language)
    r = result.rfm
    counts = pd.crosstab(r["r"], r["f"]).reindex(index=range(5, 0, -1), columns=range(1, 6), fill_value=0)
    revenue = r.pivot_table(index="r", columns="f", values="monetary", aggfunc="sum").reindex(
        index=range(5, 0, -1), columns=range(1, 6)).fillna(0)
    ax = plots.axes(ax)
    ax.imshow(revenue.to_numpy(float), cmap=plots.SEQUENTIAL_CMAP, aspect="auto")
    top = float(revenue.to_numpy().max()) or 1.0
    for i, rv in enumerate(range(5, 0, -1)):
        for j, fv in enumerate(range(1, 6)):
            ax.text(j, i, fmt.number(counts.loc[rv, fv]), ha="center", va="center", fontsize=9,
                    color="white" if revenue.loc[rv, fv] > 0.6 * top else plots.INK)
    for cell in result.options.map:
        rows = [5 - v for v in cell.r]
        cols = [v - 1 for v in cell.f]
        y0, y1, x0, x1 = min(rows) - 0.5, max(rows) + 0.5, min(cols) - 0.5, max(cols) + 0.5
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=plots.INK, linewidth=1.2))
        ax.text(x0 + 0.06, y0 + 0.12, _name(cell.segment, tx), fontsize=6.5, va="top", ha="left", color=plots.GREY)
    ax.set_xticks(range(5), [f"F{v}" for v in range(1, 6)])
    ax.set_yticks(range(5), [f"R{v}" for v in range(5, 0, -1)])
    ax.grid(False)
    ax.set_title(tx["chart_grid"], loc="left")
    return ax


def plot_flows(result: SegmentsResult, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """The matrix of clients by segment a quarter earlier (rows) and now (columns)."""
    tx = Words("segments", fmt.language)
    flows = result.flows()
    ax = plots.axes(ax)
    values = flows.to_numpy(float)
    ax.imshow(np.log1p(values), cmap=plots.SEQUENTIAL_CMAP, aspect="auto")
    top = float(np.log1p(values).max()) or 1.0
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            if values[i, j]:
                ax.text(j, i, fmt.number(values[i, j]), ha="center", va="center", fontsize=7.5,
                        color="white" if np.log1p(values[i, j]) > 0.6 * top else plots.INK)
    labels = [_name(s, tx) for s in flows.index]
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel(tx["chart_now"])
    ax.set_ylabel(tx["chart_before"])
    ax.grid(False)
    ax.set_title(tx["chart_flows"], loc="left")
    return ax


# --- parts ---------------------------------------------------------------------------------------


def _chart(plot: Any, result: SegmentsResult, fmt: Formatter, height: float) -> Any:
    return chart(plot, result, fmt=fmt, height=height)


def _labels(fmt: Formatter, columns: list[str]) -> dict[str, str]:
    return column_labels("segments", fmt.language, columns)


def _rfm_table(result: SegmentsResult, fmt: Formatter) -> Table:
    tx = Words("segments", fmt.language)
    s = result.rfm_summary()
    shown = s.assign(segment=[_name(x, tx) for x in s["segment"]], change=[fmt.signed_number(c) for c in s["change"]])
    columns = ["segment", "clients", "change", "revenue"]
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"clients": "number", "change": "text", "revenue": "money"})


def _user_table(result: SegmentsResult, fmt: Formatter) -> Table:
    tx = Words("segments", fmt.language)
    user = result.user_segments()
    rules = {s.name: s.rule or s.file for s in result.options.segments}
    shown = user.assign(kind=user["kind"].map(tx["kind"]), rule=user["segment"].map(rules))
    # entries and exits exist only for a periodic segment with the previous quarter's run
    tracked = (user["kind"] == "periodic") & result.periodic_history
    shown = shown.assign(entered=[fmt.number(v) if k else "—" for v, k in zip(user["entered"], tracked, strict=True)],
                         left=[fmt.number(v) if k else "—" for v, k in zip(user["left"], tracked, strict=True)])
    columns = ["segment", "kind", "rule", "members", "revenue", "entered", "left"]
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"members": "number", "revenue": "money", "entered": "text", "left": "text", "rule": "text"})


def _loyalty_table(result: SegmentsResult, fmt: Formatter, by: str) -> Table:
    """Clients and revenue per declared level × `by` (manager or region; 1C's «Анализ клиентской базы»)."""
    tx = Words("segments", fmt.language)
    shown = result.loyalty_by(by)
    shown = shown.assign(**{by: shown[by].replace("", tx["no_manager" if by == "manager" else "not_given"])})
    columns = ["loyalty", by, "clients", "revenue"]
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"clients": "number", "revenue": "money"})


def _mismatch_table(result: SegmentsResult, customers: pd.DataFrame, fmt: Formatter, options: SegmentsOptions,
                    mask_pii: bool) -> Table | Markdown:
    tx = Words("segments", fmt.language)
    rows = result.loyalty_mismatches().head(options.top_n)
    if rows.empty:
        return Markdown(tx["no_mismatch"])
    named = rows.drop(columns=["name"]).merge(client_names(customers, rows["customer_id"], mask_pii=mask_pii),
                                              on="customer_id", how="left")
    named = named.assign(rfm_segment=[_name(s, tx) for s in named["rfm_segment"]],
                         manager=named["manager"].fillna(tx["no_manager"]))
    columns = ["client", "manager", "loyalty", "rfm_segment", "days_since_last_order", "revenue"]
    return table(named[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns), interactive=True,
                 kinds={"days_since_last_order": "number", "revenue": "money"})



def _scores(values: list[int]) -> str:
    return ", ".join(map(str, values))


def _label(as_of: pd.Timestamp) -> str:
    return f"{as_of.year}Q{as_of.quarter}"
