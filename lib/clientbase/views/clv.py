"""Presentation of the CLV report: summary, sections and appendix.

Source of the rules shown: REFERENCE.md "Repeat-purchase forecast and predictive CLV"
(computed in `clientbase.clv`); words in `text/clv.yaml`. Every number comes from
`clv_report`; a fit that cannot be trusted is said in one line and its numbers left out.
Stakeholder tables mask personal names when asked to.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import Markdown

from clientbase.clv import ClvOptions, ClvResult
from clientbase.formatting import Formatter
from clientbase.tables import Table, table
from clientbase.text import Words, t
from clientbase.views.clv_plots import plot_alive, plot_clv, plot_holdout
from clientbase.views.common import Section, chart, client_names, column_labels, plain, section

__all__ = ["SECTIONS", "appendix", "by_source", "headlines", "likely_lost", "section_of", "summary", "top_value"]

SECTIONS = ("holdout", "alive", "value", "clients", "parameters")
_SUMMARY_CLIENTS = 3
_ALIVE, _LOST = 0.5, 0.05  # P(alive) of a probably active and of a probably lost client
_VALUABLE_SHARE = 0.2  # the top fifth by past revenue


def headlines(result: ClvResult, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's numbers: probably active clients, next quarter's expected revenue, total CLV."""
    if not result.ok:
        return []
    tx = Words("clv", fmt.language)
    c = result.customers
    return [(tx["headline_alive"], fmt.number(int((c["p_alive"] >= _ALIVE).sum()))),
            (tx["headline_revenue"], fmt.money_compact(result.expected_revenue)),
            (tx("headline_clv", months=result.options.clv_months), fmt.money_compact(c["clv"].sum()))]


def top_value(result: ClvResult, n: int) -> pd.DataFrame:
    """The `n` clients with the largest CLV."""
    return result.customers.sort_values(["clv", "customer_id"], ascending=[False, True], kind="stable").head(n)


def likely_lost(result: ClvResult, n: int) -> pd.DataFrame:
    """Among the top fifth of clients by past revenue, the `n` with the lowest P(alive)."""
    c = result.customers
    valuable = c[c["revenue"] >= c["revenue"].quantile(1 - _VALUABLE_SHARE)]
    return valuable.sort_values(["p_alive", "revenue"], ascending=[True, False], kind="stable").head(n)


def by_source(result: ClvResult, customers: pd.DataFrame) -> pd.DataFrame:
    """Per acquisition source of the card: clients, probably active, total and mean CLV."""
    source = customers.drop_duplicates("customer_id").set_index("customer_id")["source"]
    c = result.customers.assign(source=result.customers["customer_id"].map(source).fillna(""),
                                alive=result.customers["p_alive"] >= _ALIVE)
    table_ = c.groupby("source").agg(clients=("customer_id", "size"), alive=("alive", "sum"), clv=("clv", "sum"),
                                     mean_clv=("clv", "mean")).reset_index()
    return table_.sort_values(["clv", "source"], ascending=[False, True], kind="stable").reset_index(drop=True)


def summary(result: ClvResult, customers: pd.DataFrame, *, fmt: Formatter, options: ClvOptions,
            mask_pii: bool = True) -> Markdown:
    """The executive summary: who is probably active, next quarter's purchases and revenue, CLV,
    the clients with the most expected value and the valuable ones most likely lost, the check."""
    tx = Words("clv", fmt.language)
    parts = [_status_line(result, fmt)] if not result.ok else []
    if result.ok:
        c = result.customers
        parts.append(tx("summary_alive", clients=t("n_clients", fmt.language, n=len(c)), as_of=fmt.date(result.as_of),
                        alive=fmt.number(int((c["p_alive"] >= _ALIVE).sum())),
                        lost=fmt.number(int((c["p_alive"] < _LOST).sum()))))
        parts.append(tx("summary_forecast", days=options.horizon_days,
                        purchases=fmt.number(c["expected_purchases"].sum()), revenue=fmt.money(result.expected_revenue),
                        months=options.clv_months, clv=fmt.money(c["clv"].sum()), margin=fmt.percent(result.margin, 0),
                        measured=tx["measured"] if result.margin_measured else ""))
        parts += [_bound_line(fit, fmt) for fit in (result.bgnbd, result.gamma_gamma) if fit and fit.at_bound]
        if result.value_status != "ok":
            parts.append(_value_line(result, fmt))
        parts.append(tx("summary_top", items=_items(top_value(result, _SUMMARY_CLIENTS), customers, fmt, mask_pii)))
        lost = likely_lost(result, _SUMMARY_CLIENTS)
        parts.append(tx("summary_slipping", items=_items(lost, customers, fmt, mask_pii, alive=True)))
    parts.append(_holdout_line(result, fmt))
    return Markdown("\n".join(f"- {p}" for p in parts))


def section_of(key: str, result: ClvResult, customers: pd.DataFrame, *, fmt: Formatter, options: ClvOptions,
               mask_pii: bool = True) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    if key not in SECTIONS:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("clv", fmt.language)
    if key == "holdout":
        h = result.holdout
        if h.status != "ok":
            return section(tx["section_holdout"], _holdout_line(result, fmt))
        reading = tx("read_holdout", calibration_end=fmt.date(h.calibration_end), as_of=fmt.date(result.as_of))
        return section(tx["section_holdout"], reading, _chart(plot_holdout, result, fmt), _holdout_table(result, fmt))
    if not result.ok:
        return section(tx[f"section_{key}"], _status_line(result, fmt))
    bodies = {
        "alive": lambda: (tx["read_alive"], _chart(plot_alive, result, fmt, height=4.2)),
        "value": lambda: (tx("read_value", months=options.clv_months), _chart(plot_clv, result, fmt),
                          _source_table(result, customers, fmt)),
        "clients": lambda: (tx["read_clients"],
                            _client_table(top_value(result, options.top_n), customers, fmt, mask_pii),
                            _client_table(likely_lost(result, options.top_n), customers, fmt, mask_pii)),
        "parameters": lambda: (tx["read_parameters"], _parameters_table(result, fmt),
                               *(_bound_line(f, fmt) for f in (result.bgnbd, result.gamma_gamma) if f and f.at_bound)),
    }
    return section(tx[f"section_{key}"], *bodies[key]())


def appendix(result: ClvResult, *, fmt: Formatter, options: ClvOptions, version: str) -> Markdown:
    """Definitions (REFERENCE.md), the parameters used, the data and the version."""
    tx = Words("clv", fmt.language)
    discount = (tx("discount", rate=fmt.percent(options.discount_rate_monthly)) if options.discount_rate_monthly
                else "")
    lines = [f"### {t('definitions', fmt.language)}", ""]
    lines += [f"- {d}" for d in tx("definitions", as_of=fmt.date(result.as_of), days=options.horizon_days,
                                   months=options.clv_months, margin=fmt.percent(result.margin, 0), discount=discount,
                                   calibration_end=fmt.date(result.holdout.calibration_end))]
    lines += ["", f"### {t('parameters', fmt.language)}", ""]
    meanings = tx["parameters"]
    for key, value in options.model_dump().items():
        shown = tx["none"] if value is None else fmt.plain(value)
        lines.append(f"- {tx('parameters_used', key=key, value=shown, meaning=meanings[key])}")
    lines += ["", f"### {t('data_period', fmt.language)}", "",
              tx("data_period", clients=fmt.number(len(result.customers)), as_of=fmt.date(result.as_of),
                 repeat=fmt.number(result.repeat_buyers)),
              "", f"### {t('package_version', fmt.language)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- parts ---------------------------------------------------------------------------------------


def _status_line(result: ClvResult, fmt: Formatter) -> str:
    tx = Words("clv", fmt.language)
    return tx(f"status.{result.status}", as_of=fmt.date(result.as_of), repeat=fmt.number(result.repeat_buyers),
              minimum=result.options.min_repeat_buyers, why=plain(result.bgnbd.message) if result.bgnbd else "")


def _bound_line(fit: Any, fmt: Formatter) -> str:
    """One line for a fit that ended at a bound of the search (a ridge of the likelihood)."""
    tx = Words("clv", fmt.language)
    detail = ""
    if fit.model == "bgnbd" and set(fit.at_bound) <= {"a", "b"}:
        detail = tx("same_dropout", dropout=fmt.percent(fit.params["a"] / (fit.params["a"] + fit.params["b"]), 2))
    return tx("at_bound", model=tx["model_names"][fit.model], names=", ".join(fit.at_bound), detail=detail)


def _value_line(result: ClvResult, fmt: Formatter) -> str:
    tx = Words("clv", fmt.language)
    rho = result.correlation
    return tx(f"value_status.{result.value_status}", minimum=result.options.min_repeat_buyers,
              why=plain(result.gamma_gamma.message) if result.gamma_gamma else "",
              rho=fmt.number(rho, digits=2) if rho == rho else "—")


def _holdout_line(result: ClvResult, fmt: Formatter) -> str:
    tx = Words("clv", fmt.language)
    h = result.holdout
    end = fmt.date(h.calibration_end)
    if h.status != "ok":
        return tx(f"holdout_missing.{h.status}", minimum=result.options.min_repeat_buyers, calibration_end=end)
    total = h.table.set_index("group").loc["all"]
    error = (total["predicted"] - total["actual"]) / total["actual"] if total["actual"] else float("nan")
    return tx("summary_holdout", calibration_end=end, as_of=fmt.date(result.as_of),
              predicted=fmt.number(total["predicted"]), actual=fmt.number(total["actual"]),
              error=fmt.signed_percent(error, 0))


def _items(rows: pd.DataFrame, customers: pd.DataFrame, fmt: Formatter, mask_pii: bool, *, alive: bool = False) -> str:
    tx = Words("clv", fmt.language)
    named = rows.merge(client_names(customers, rows["customer_id"], mask_pii=mask_pii), on="customer_id", how="left")
    names = named["client"].fillna(named["customer_id"])
    if alive:
        return "; ".join(tx("item_alive", client=plain(c), value=fmt.money(r), p=fmt.percent(p, 0))
                         for c, r, p in zip(names, named["revenue"], named["p_alive"], strict=True))
    return "; ".join(tx("item", client=plain(c), value=fmt.money(v)) for c, v in zip(names, named["clv"], strict=True))


def _chart(plot: Any, result: ClvResult, fmt: Formatter, height: float = 3.4) -> Any:
    return chart(plot, result, fmt=fmt, height=height)


def _labels(fmt: Formatter, columns: list[str]) -> dict[str, str]:
    return column_labels("clv", fmt.language, columns)


def _holdout_table(result: ClvResult, fmt: Formatter) -> Table:
    columns = ["group", "customers", "actual", "predicted", "actual_mean", "predicted_mean"]
    shown = result.holdout.table.assign(group=lambda f: f["group"].replace("all", Words("clv", fmt.language)["all"]))
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"customers": "number", "actual": "number", "predicted": "number:1", "actual_mean": "number:2",
                        "predicted_mean": "number:2"})


def _source_table(result: ClvResult, customers: pd.DataFrame, fmt: Formatter) -> Table:
    tx = Words("clv", fmt.language)
    shown = by_source(result, customers)
    shown = shown.assign(source=shown["source"].replace("", tx["not_given"]))
    columns = ["source", "clients", "alive", "clv", "mean_clv"]
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns),
                 kinds={"clients": "number", "alive": "number", "clv": "money", "mean_clv": "money"})


def _client_table(rows: pd.DataFrame, customers: pd.DataFrame, fmt: Formatter, mask_pii: bool) -> Table:
    named = rows.merge(client_names(customers, rows["customer_id"], mask_pii=mask_pii), on="customer_id", how="left")
    manager = customers.drop_duplicates("customer_id").set_index("customer_id")["manager"]
    named = named.assign(client=named["client"].fillna(named["customer_id"]),
                         manager=named["customer_id"].map(manager))
    columns = ["client", "manager", "revenue", "frequency", "p_alive", "expected_purchases", "clv"]
    return table(named[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns), interactive=True,
                 kinds={"revenue": "money", "frequency": "number", "p_alive": "percent:0",
                        "expected_purchases": "number:2", "clv": "money"})


def _parameters_table(result: ClvResult, fmt: Formatter) -> Table:
    tx = Words("clv", fmt.language)
    p = result.parameters()
    meaning = [tx["meaning"][m][k] for m, k in zip(p["model"], p["parameter"], strict=True)]
    shown = p.assign(model=p["model"].map(tx["model_names"]), meaning=meaning,
                     parameter=p["parameter"].replace("log_likelihood", tx["log_likelihood"]),
                     value=[fmt.number(v, digits=1 if k == "log_likelihood" else 3)
                            for k, v in zip(p["parameter"], p["value"], strict=True)])
    columns = ["model", "parameter", "value", "meaning"]
    return table(shown[columns], fmt=fmt, max_rows=None, labels=_labels(fmt, columns), kinds={"value": "text"})

