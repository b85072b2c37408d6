"""Presentation of the receivables report: summary, sections, appendix and the reminder lists.

Source of the rules shown: REFERENCE.md "Receivables" (computed in `clientbase.receivables`);
words per GLOSSARY.md (дебиторская задолженность, просрочка, кредитный лимит) in
`text/receivables.yaml`. Every number comes from `receivables_report`; a run without invoices
shows one line instead of each part. Stakeholder tables mask personal names when asked to; the
managers' reminder lists carry the full details.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import Markdown

from clientbase.excel import write_manager_workbook
from clientbase.formatting import Formatter
from clientbase.receivables import ReceivablesOptions, ReceivablesResult
from clientbase.tables import Table, table
from clientbase.text import Words, t
from clientbase.views.common import Section, client_names, plain, section
from clientbase.views.receivables_plots import MAX_MANAGERS, plot_aging, plot_trend

__all__ = ["SECTIONS", "appendix", "headlines", "section_of", "summary", "write_reminders"]

SECTIONS = ("aging", "trend", "debtors", "discipline", "advances")
_SUMMARY_DEBTORS = 3


def headlines(result: ReceivablesResult | None, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's numbers: receivables, overdue share, over 90 days, DSO (none without invoices)."""
    if result is None:
        return []
    tx, h = Words("receivables", fmt.language), result.headlines
    return [(tx["headline_outstanding"], fmt.money(h.outstanding)),
            (tx["headline_overdue"], fmt.percent(h.overdue_share)),
            (tx["headline_over_90"], fmt.money(h.over_90)),
            (tx["headline_dso"], tx("days_value", n=round(h.dso)) if h.dso == h.dso else "—")]


def summary(result: ReceivablesResult | None, customers: pd.DataFrame, *, fmt: Formatter,
            options: ReceivablesOptions, mask_pii: bool = True) -> Markdown:
    """The executive summary: the debt and its overdue part, change, DSO, debtors, limits, reserve, advances."""
    tx = Words("receivables", fmt.language)
    if result is None:
        return Markdown(f"- {tx['no_invoices']}")
    h = result.headlines
    parts = [tx("summary_total",
                outstanding=fmt.money(h.outstanding), as_of=fmt.date(h.as_of), overdue=fmt.money(h.overdue),
                overdue_share=fmt.percent(h.overdue_share), over_90=fmt.money(h.over_90),
                over_90_share=fmt.percent(h.over_90_share), debtors=h.debtors, overdue_debtors=h.overdue_debtors)]
    before = result.previous
    if before is not None:
        parts.append(tx("summary_change",
                        previous=fmt.date(before["as_of"]), before=fmt.money(before["outstanding"]),
                        overdue_before=fmt.money(before["overdue"]),
                        change=fmt.signed_money(h.outstanding - before["outstanding"]),
                        overdue_change=fmt.signed_money(h.overdue - before["overdue"])))
    if h.dso == h.dso:
        parts.append(tx("summary_dso", dso=tx("days_value", n=round(h.dso)), days=options.dso_days))
    top = result.top_overdue(_SUMMARY_DEBTORS)
    if len(top):
        named = top.merge(client_names(customers, top["customer_id"], mask_pii=mask_pii), on="customer_id",
                          how="left")
        items = [tx("debtor_item", client=plain(c), outstanding=fmt.money(o), overdue=fmt.money(v))
                 for c, o, v in zip(named["client"].fillna(named["customer_id"]), named["outstanding"],
                                    named["overdue"], strict=True)]
        parts.append(tx("summary_debtors", items="; ".join(items)))
    parts.append(tx("summary_limits", customers=t("n_clients", fmt.language, n=h.over_limit_customers),
                    amount=fmt.money(h.over_limit_amount)) if h.over_limit_customers else tx["summary_no_limits"])
    reserve = result.reserve
    parts.append(tx("summary_reserve", reserve=fmt.money(reserve.reserve), months=options.window_months,
                    as_of=fmt.date(h.as_of), revenue=fmt.money(reserve.revenue), cap=fmt.money(reserve.cap),
                    deductible=fmt.money(reserve.deductible)))
    if h.advances > 0:
        parts.append(tx("summary_advances", advances=fmt.money(h.advances)))
    return Markdown("\n".join(f"- {p}" for p in parts))


def section_of(key: str, result: ReceivablesResult | None, customers: pd.DataFrame, *, fmt: Formatter,
               options: ReceivablesOptions, mask_pii: bool = True) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    if key not in SECTIONS:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("receivables", fmt.language)
    if result is None:
        return section(tx[f"section_{key}"], tx["no_invoices"])
    as_of = fmt.date(result.as_of)
    bodies = {
        "aging": lambda: (tx("read_aging", as_of=as_of), _aging_chart(result, fmt)),
        "trend": lambda: (tx["read_trend"], _trend_chart(result, fmt)),
        "debtors": lambda: (tx("read_debtors", n=options.top_n) + (tx["read_masked"] if mask_pii else ""),
                            _debtors_table(result, customers, fmt=fmt, options=options, mask_pii=mask_pii)),
        "discipline": lambda: (tx("read_discipline", months=options.window_months, as_of=as_of),
                               _discipline_table(result, customers, fmt=fmt, options=options, mask_pii=mask_pii)),
        "advances": lambda: (tx["read_advances"],
                             _advances_table(result, customers, fmt=fmt, options=options, mask_pii=mask_pii)),
    }
    reading, body = bodies[key]()
    return section(tx[f"section_{key}"], reading, body)


def appendix(result: ReceivablesResult | None, *, fmt: Formatter, options: ReceivablesOptions,
             version: str) -> Markdown:
    """Definitions (REFERENCE.md "Receivables"), the parameters used, the data and the version."""
    tx = Words("receivables", fmt.language)
    if result is None:
        return Markdown(tx["no_invoices"])
    as_of = fmt.date(result.as_of)
    lines = [f"### {t('definitions', fmt.language)}", ""]
    lines += [f"- {d}" for d in tx("definitions", as_of=as_of, default_terms=options.default_terms_days,
                                   months=options.window_months, dso_days=options.dso_days)]
    lines += ["", f"### {t('parameters', fmt.language)}", ""]
    meanings = tx["parameters"]
    for key, value in options.model_dump().items():
        shown = ("; ".join(tx("rule", action=tx["action"][a], day=d) for a, d in value)
                 if key == "reminder_rules" else fmt.number(value))
        lines.append(f"- {tx('parameters_used', key=key, value=shown, meaning=meanings[key])}")
    allocation = result.allocation
    lines += ["", f"### {t('data_period', fmt.language)}", "",
              tx("data_period", invoices=len(allocation.invoices), received=fmt.money(allocation.received),
                 as_of=as_of, items=len(result.open_items), debtors=result.headlines.debtors),
              "", f"### {t('package_version', fmt.language)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


def write_reminders(result: ReceivablesResult | None, customers: pd.DataFrame, path: str | os.PathLike[str], *,
                    contacts: pd.DataFrame | None = None, language: str) -> Path | None:
    """The managers' reminder lists (`reminders.xlsx`): one sheet per manager, every item that calls for
    an action, with the client's contact details in full and what to do (the options' rules)."""
    if result is None:
        return None
    tx = Words("receivables", language)
    rows = result.reminders.merge(
        customers[["customer_id", "name", "phone", "email"]].drop_duplicates("customer_id"), on="customer_id",
        how="left")
    contact = rows["phone"].fillna(rows["email"])
    rows = rows.assign(client=rows["name"], contact=contact,
                       kind=rows["kind"].map(tx["kind"]).astype("str"),
                       bucket=rows["bucket"].astype("str").map(tx["bucket"]).astype("str"),
                       action=rows["action"].astype("str").map(tx["action"]).astype("str"), result="")
    labels = tx["col"]
    columns = ["client", "customer_id", "contact", "item_id", "kind", "date", "due", "outstanding",
               "days_overdue", "bucket", "action", "result"]
    kinds = {"date": "date", "due": "date", "outstanding": "money", "days_overdue": "integer"}
    return write_manager_workbook(rows, Path(path), columns={c: labels[c] for c in columns}, kinds=kinds,
                                  manager="manager", language=language, unassigned=tx["unassigned_sheet"],
                                  empty=tx["empty_sheet"], note_columns=("result",))


# --- parts of the sections ------------------------------------------------------------------------


def _aging_chart(result: ReceivablesResult, fmt: Formatter) -> Any:
    import matplotlib.pyplot as plt

    rows = min(len(result.by_manager), MAX_MANAGERS) + 1
    fig, ax = plt.subplots(figsize=(9, 0.35 * rows + 1.6))
    plot_aging(result, fmt=fmt, ax=ax)
    return fig


def _trend_chart(result: ReceivablesResult, fmt: Formatter) -> Any:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 3.4))
    plot_trend(result, fmt=fmt, ax=ax)
    return fig


def _client_table(rows: pd.DataFrame, customers: pd.DataFrame, *, fmt: Formatter, mask_pii: bool,
                  columns: list[str], kinds: dict[str, str], empty: str) -> Table | Markdown:
    """Clients' rows as a table: names (masked when `mask_pii`), managers worded; a sentence when none."""
    tx = Words("receivables", fmt.language)
    if rows.empty:
        return Markdown(tx[empty])
    shown = rows.merge(client_names(customers, rows["customer_id"], mask_pii=mask_pii), on="customer_id",
                       how="left")
    shown = shown.assign(client=shown["client"].fillna(shown["customer_id"]),
                         manager=shown["manager"].fillna(tx["no_manager"]))
    return table(shown[columns], fmt=fmt, max_rows=None, labels={c: tx["col"][c] for c in columns}, kinds=kinds,
                 interactive=True)


def _debtors_table(result: ReceivablesResult, customers: pd.DataFrame, *, fmt: Formatter,
                   options: ReceivablesOptions, mask_pii: bool) -> Table | Markdown:
    money = {c: "money" for c in ("outstanding", "overdue", "over_90", "credit_limit")}
    return _client_table(result.top_overdue(options.top_n), customers, fmt=fmt, mask_pii=mask_pii,
                         columns=["client", "manager", "outstanding", "overdue", "over_90", "max_days_overdue",
                                  "credit_limit"], kinds={**money, "max_days_overdue": "number"},
                         empty="nothing_overdue")


def _discipline_table(result: ReceivablesResult, customers: pd.DataFrame, *, fmt: Formatter,
                      options: ReceivablesOptions, mask_pii: bool) -> Table | Markdown:
    late = result.late_payers.head(options.top_n).assign(manager=pd.NA)
    return _client_table(late, customers, fmt=fmt, mask_pii=mask_pii,
                         columns=["client", "invoices_due", "on_time_share", "mean_days_late"],
                         kinds={"invoices_due": "number", "on_time_share": "percent", "mean_days_late": "number"},
                         empty="nobody_late")


def _advances_table(result: ReceivablesResult, customers: pd.DataFrame, *, fmt: Formatter,
                    options: ReceivablesOptions, mask_pii: bool) -> Table | Markdown:
    return _client_table(result.advances.head(options.top_n), customers, fmt=fmt, mask_pii=mask_pii,
                         columns=["client", "manager", "advance"], kinds={"advance": "money"}, empty="no_advances")

