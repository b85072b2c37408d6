"""Presentation of the deal funnel report: summary, sections, appendix and the stalled-deals lists.

Source of the rules shown: REFERENCE.md "Deal funnel" (computed in `clientbase.deal_funnel`);
words in `text/deal_funnel.yaml`, as 1C's «Воронка продаж» says them. Every number comes from
`deal_funnel_report`; a run without deals or without the stage order shows one line instead of
each part. Stakeholder tables mask personal names when asked to; the managers' lists of
stalled deals carry the full details.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import Markdown

from clientbase.deal_funnel import DealFunnelOptions, DealFunnelResult, missing_input
from clientbase.excel import write_manager_workbook
from clientbase.formatting import Formatter
from clientbase.tables import Table, table
from clientbase.text import Words, t
from clientbase.views.common import Section, chart, client_names, column_labels, plain, section
from clientbase.views.deal_funnel_plots import (
    MAX_GROUPS,
    plot_backtest,
    plot_funnel,
    plot_losses,
    plot_time_in_stage,
    plot_win_rates,
)

__all__ = ["SECTIONS", "appendix", "headlines", "section_of", "summary", "write_stalled"]

SECTIONS = ("funnel", "time", "losses", "managers", "sources", "forecast", "backtest")


def headlines(result: DealFunnelResult | None, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's numbers: the pipeline's expected value, the win rate, the open deals."""
    if result is None:
        return []
    tx = Words("deal_funnel", fmt.language)
    return [(tx["headline_pipeline"], fmt.money(result.pipeline.expected)),
            (tx["headline_win_rate"], fmt.percent(result.now.win_rate)),
            (tx["headline_open"], fmt.number(result.pipeline.deals))]


def summary(result: DealFunnelResult | None, *, fmt: Formatter, options: DealFunnelOptions,
            deals: pd.DataFrame | None = None) -> Markdown:
    """The executive summary: deals, conversion and win rate against a quarter earlier, the stage
    that loses most and why, the pipeline with its interval, last quarter's forecast against the facts."""
    tx = Words("deal_funnel", fmt.language)
    if result is None:
        return Markdown(f"- {tx[missing_input(deals, options) or 'no_deals']}")
    now, before = result.now, result.before
    as_of = fmt.date(result.as_of)
    parts = [tx("summary_deals", start=fmt.date(result.cohort_start), as_of=as_of, deals=tx("n_deals", n=now.deals),
                won=fmt.number(now.won), lost=fmt.number(now.lost), open=fmt.number(now.open),
                conversion=fmt.percent(now.conversion), conversion_before=fmt.percent(before.conversion),
                win_rate=fmt.percent(now.win_rate), win_rate_before=fmt.percent(before.win_rate))]
    worst = result.worst_stage
    if worst is None:
        parts.append(tx["summary_no_losses"])
    else:
        parts.append(tx("summary_worst", stage=plain(worst["stage"]), deals=tx("n_deals", n=worst["deals"]),
                        amount=fmt.money(worst["amount"]), reason=plain(worst["reason"] or tx["no_reason"]),
                        reason_deals=tx("n_deals", n=worst["reason_deals"])))
    p = result.pipeline
    if p.deals == 0:
        parts.append(tx("summary_no_open", as_of=as_of))
    elif p.expected != p.expected:
        parts.append(tx("summary_no_probability", min_closed=options.min_closed, months=options.lookback_months,
                        as_of=as_of))
    else:
        parts.append(tx("summary_pipeline", open=tx("n_deals", n=p.deals), amount=fmt.money(p.amount),
                        expected=fmt.money(p.expected), low=fmt.money(p.low), high=fmt.money(p.high)))
    b = result.backtest
    if len(b):
        parts.append(tx("summary_backtest", deals=tx("n_deals", n=int(b["deals"].sum())),
                        previous=fmt.date(result.backtest_as_of), expected=fmt.money(b["expected_value"].sum()),
                        expected_wins=fmt.number(b["expected_wins"].sum(), digits=1), as_of=as_of,
                        won_amount=fmt.money(b["won_amount"].sum()), won=tx("n_deals", n=int(b["won"].sum())),
                        lost=fmt.number(b["lost"].sum()), still_open=fmt.number(b["still_open"].sum())))
    pooled = result.pooled
    if len(pooled):
        parts.append(tx("summary_pooled", min_closed=options.min_closed,
                        stages=", ".join(f"«{plain(s)}» ← «{plain(f)}»"
                                         for s, f in zip(pooled["stage"], pooled["probability_from"], strict=True))))
    if len(result.stalled):
        parts.append(tx("summary_stalled", n=tx("n_deals", n=len(result.stalled))))
    return Markdown("\n".join(f"- {p}" for p in parts))


def section_of(key: str, result: DealFunnelResult | None, customers: pd.DataFrame, *, fmt: Formatter,
               options: DealFunnelOptions, mask_pii: bool = True, deals: pd.DataFrame | None = None) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    if key not in SECTIONS:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("deal_funnel", fmt.language)
    if result is None:
        return section(tx[f"section_{key}"], tx[missing_input(deals, options) or "no_deals"])
    as_of, start = fmt.date(result.as_of), fmt.date(result.cohort_start)
    previous = fmt.date(result.backtest_as_of)
    bodies = {
        "funnel": lambda: (tx("read_funnel", start=start, as_of=as_of), _chart(plot_funnel, result, fmt, 0.42),
                           _stages_table(result, fmt)),
        "time": lambda: _time_parts(result, fmt),
        "losses": lambda: ((tx["read_losses"], _chart(plot_losses, result, fmt, 0.45)) if len(result.losses)
                           else (tx["no_lost"],)),
        "managers": lambda: (tx["read_managers"], *_group_parts(result.by_manager, "manager", fmt)),
        "sources": lambda: (tx["read_sources"], *_group_parts(result.by_source, "source", fmt)),
        "forecast": lambda: (tx("read_forecast", months=options.lookback_months, as_of=as_of),
                             *_by_stage_table(result, fmt),
                             _forecast_table(result, customers, fmt=fmt, options=options, mask_pii=mask_pii)),
        "backtest": lambda: ((tx("read_backtest", previous=previous, as_of=as_of), _chart(plot_backtest, result, fmt),
                              _backtest_table(result, fmt)) if len(result.backtest)
                             else (tx("no_backtest", previous=previous),)),
    }
    return section(tx[f"section_{key}"], *bodies[key]())


def appendix(result: DealFunnelResult | None, *, fmt: Formatter, options: DealFunnelOptions, version: str,
             deals: pd.DataFrame | None = None, history: pd.DataFrame | None = None) -> Markdown:
    """Definitions (REFERENCE.md "Deal funnel"), the parameters used, the data and the version."""
    tx = Words("deal_funnel", fmt.language)
    if result is None:
        return Markdown(tx[missing_input(deals, options) or "no_deals"])
    as_of = fmt.date(result.as_of)
    lines = [f"### {t('definitions', fmt.language)}", ""]
    lines += [f"- {d}" for d in tx("definitions", as_of=as_of, start=fmt.date(result.cohort_start),
                                   window=options.window_months, lookback=options.lookback_months,
                                   min_closed=options.min_closed)]
    lines += ["", f"### {t('parameters', fmt.language)}", ""]
    meanings = tx["parameters"]
    for key, value in options.model_dump().items():
        shown = " → ".join(plain(v) for v in value) if key == "stages" else fmt.number(value)
        lines.append(f"- {tx('parameters_used', key=key, value=shown, meaning=meanings[key])}")
    opened = 0 if deals is None else int((deals["created_at"] < result.as_of + pd.Timedelta(days=1)).sum())
    entries = 0 if history is None else int((history["entered_at"] < result.as_of + pd.Timedelta(days=1)).sum())
    lines += ["", f"### {t('data_period', fmt.language)}", "",
              tx("data_period", deals=fmt.number(opened), entries=fmt.number(entries), as_of=as_of,
                 open=fmt.number(result.pipeline.deals)),
              "", f"### {t('package_version', fmt.language)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


def write_stalled(result: DealFunnelResult | None, customers: pd.DataFrame, path: str | os.PathLike[str], *,
                  language: str) -> Path | None:
    """The managers' lists of stalled deals (`stalled.xlsx`): one sheet per manager, each open deal
    that has stayed in its stage longer than that stage's 80th percentile, with the client in full."""
    if result is None:
        return None
    tx = Words("deal_funnel", language)
    names = customers[["customer_id", "name"]].drop_duplicates("customer_id")
    rows = result.stalled.merge(names, on="customer_id", how="left")
    rows = rows.assign(client=rows["name"], action=tx["stalled_action"], result="")
    labels = tx["col"]
    columns = ["deal_id", "client", "stage", "amount", "entered_stage_at", "days_in_stage", "expected_value",
               "action", "result"]
    kinds = {"amount": "money", "expected_value": "money", "entered_stage_at": "date", "days_in_stage": "integer"}
    return write_manager_workbook(rows, Path(path), columns={c: labels[c] for c in columns}, kinds=kinds,
                                  manager="manager", language=language, unassigned=tx["unassigned_sheet"],
                                  empty=tx["empty_sheet"], note_columns=("result",))


# --- parts of the sections ------------------------------------------------------------------------


def _chart(plot: Any, result: DealFunnelResult, fmt: Formatter, per_row: float = 0.0) -> Any:
    """A chart of `plot`; `per_row` inches per stage (0: a fixed 3.4 inches high)."""
    return chart(plot, result, fmt=fmt, height=per_row * len(result.stages) + 1.2 if per_row else 3.4)


def _labels(fmt: Formatter, columns: list[str]) -> dict[str, str]:
    return column_labels("deal_funnel", fmt.language, columns)


def _stages_table(result: DealFunnelResult, fmt: Formatter) -> Table:
    columns = ["stage", "reached", "conversion_to_next", "median_days", "p80_days", "open_now", "win_probability"]
    return table(result.stages[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"reached": "number", "conversion_to_next": "percent:0", "median_days": "number",
                        "p80_days": "number", "open_now": "number", "win_probability": "percent:0"})


def _time_parts(result: DealFunnelResult, fmt: Formatter) -> tuple[Any, ...]:
    tx = Words("deal_funnel", fmt.language)
    if not result.has_history:
        return (tx["no_history"],)
    as_of = fmt.date(result.as_of)
    s = result.stages[result.stages["open_stays"] > 0]
    parts: list[Any] = [tx("read_time", as_of=as_of), _chart(plot_time_in_stage, result, fmt, 0.42)]
    if len(s):
        items = ", ".join(f"«{plain(st)}» — {fmt.number(n)}" for st, n in zip(s["stage"], s["open_stays"], strict=True))
        parts.append(tx("open_stays", as_of=as_of, items=items))
    return tuple(parts)


def _group_parts(groups: pd.DataFrame, column: str, fmt: Formatter) -> tuple[Any, ...]:
    """A manager's or source's win rate: the chart of intervals and the table of counts."""
    tx = Words("deal_funnel", fmt.language)
    shown = groups.assign(**{column: groups[column].replace("", tx["not_given" if column == "source" else
                                                                  "no_manager"])})
    interval = [f"{fmt.percent(lo, 0)}–{fmt.percent(hi, 0)}" if lo == lo else "—"
                for lo, hi in zip(shown["win_rate_low"], shown["win_rate_high"], strict=True)]
    shown = shown.assign(interval=interval)
    columns = [column, "deals", "won", "lost", "open", "win_rate", "interval", "won_amount", "median_cycle_days"]
    rows = int(min(MAX_GROUPS, (groups["won"] + groups["lost"] > 0).sum()))
    parts: list[Any] = []
    if rows:
        parts.append(chart(plot_win_rates, shown, column, fmt=fmt, height=0.32 * rows + 1.4))
    parts.append(table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                       kinds={"deals": "number", "won": "number", "lost": "number", "open": "number",
                              "win_rate": "percent:0", "won_amount": "money", "median_cycle_days": "number"}))
    return tuple(parts)


def _by_stage_table(result: DealFunnelResult, fmt: Formatter) -> tuple[Any, ...]:
    """The forecast per stage (none when nothing is open: the deals' table says so)."""
    table_ = result.forecast_by_stage
    if table_.empty:
        return ()
    columns = list(table_.columns)
    return (table(table_, fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                  kinds={"open_now": "number", "amount": "money", "win_probability": "percent:0",
                         "expected_value": "money"}),)


def _forecast_table(result: DealFunnelResult, customers: pd.DataFrame, *, fmt: Formatter,
                    options: DealFunnelOptions, mask_pii: bool) -> Table | Markdown:
    tx = Words("deal_funnel", fmt.language)
    top = result.forecast.head(options.top_n)
    if top.empty:
        return Markdown(tx["nothing_open"])
    names = client_names(customers, top["customer_id"].dropna(), mask_pii=mask_pii)
    shown = top.merge(names, on="customer_id", how="left")
    shown = shown.assign(manager=shown["manager"].fillna(tx["no_manager"]))
    columns = ["deal_id", "client", "manager", "stage", "amount", "win_probability", "expected_value", "days_in_stage"]
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns), interactive=True,
                 kinds={"amount": "money", "win_probability": "percent:0", "expected_value": "money",
                        "days_in_stage": "number"})


def _backtest_table(result: DealFunnelResult, fmt: Formatter) -> Table:
    columns = ["stage", "deals", "amount", "expected_wins", "expected_value", "won", "won_amount", "lost",
               "still_open"]
    return table(result.backtest[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"deals": "number", "amount": "money", "expected_wins": "number:1", "expected_value": "money",
                        "won": "number", "won_amount": "money", "lost": "number", "still_open": "number"})
