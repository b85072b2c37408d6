"""Presentation of the data overview: summary text, the monthly chart, the tables shown.

Every sentence is generated from the numbers, in the report language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import Markdown
from matplotlib.axes import Axes

from clientbase import plots
from clientbase.formatting import Formatter
from clientbase.overview import dropped_rows, most_common_problem
from clientbase.tables import table
from clientbase.text import Words, group
from clientbase.views.common import Section, plain, section

# every word of this report: lib/clientbase/text/data_overview.yaml


def table_name(name: str, language: str) -> str:
    """A canonical table's name for readers ("orders" → "продажи"); unknown names as they are."""
    names = group("table_names", language)
    return names.get(name, name)


def tables_shown(tables: pd.DataFrame, language: str) -> pd.DataFrame:
    """The loaded-tables overview for the report: table names in words, no column lists or hashes."""
    shown = tables.drop(columns=["column_names", "sha256"], errors="ignore")
    return shown.assign(table=[table_name(n, language).capitalize() for n in shown["table"]])


def summary(
    tables: pd.DataFrame, problems: pd.DataFrame, *, fmt: Formatter, window: dict, quarter: dict,
    as_of: pd.Timestamp, period_label: str, last_order_date: pd.Timestamp | None,
) -> Markdown:
    """The executive summary of the data overview as Markdown.

    `window` and `quarter` are `overview.activity_totals` of the 12 months and of the quarter.
    """
    tx = Words("data_overview", fmt.language)
    rows = tables.set_index("table")
    orders = rows.loc["orders"]
    parts = [
        tx("loaded",
            customers=fmt.number(rows.loc["customers", "rows"]), lines=fmt.number(orders["rows"]),
            first=fmt.date(orders["date_min"]), last=fmt.date(orders["date_max"]),
            files=len(tables), tables=", ".join(table_name(n, fmt.language) for n in tables["table"]),
        ),
        tx("window",
            as_of=fmt.date(as_of), buyers=fmt.number(window["buyers"]), revenue=fmt.money(window["revenue"]),
            period=fmt.quarter(period_label), quarter_revenue=fmt.money(quarter["revenue"]),
            quarter_buyers=fmt.number(quarter["buyers"]),
        ),
    ]
    parts += [_dropped(row, tx, fmt) for row in dropped_rows(tables).itertuples()]
    top = most_common_problem(problems)
    if top is None:
        parts.append(tx["no_problems"])
    else:
        parts.append(tx("problems", n=fmt.number(len(problems)), top=plain(top)))
    if last_order_date is not None and last_order_date > as_of:
        parts.append(tx("after", as_of=fmt.date(as_of), later=(last_order_date - as_of).days))
    return Markdown("\n\n".join(f"- {p}" for p in parts))


def _dropped(row: Any, tx: Words, fmt: Formatter) -> str:
    """One line for a table that lost rows at loading: how many, and their amount when it has one."""
    what = tx["unmatched"][{"campaign_members": "customer_or_campaign", "deal_stages": "deal"}.get(row.table,
                                                                                                  "customer")]
    table = table_name(row.table, fmt.language).capitalize()
    if pd.isna(row.amount_dropped):
        return tx("dropped_rows", n=int(row.rows), table=table, what=what)
    return tx("dropped", n=int(row.rows), table=table, what=what, amount=fmt.money(row.amount_dropped, digits=2))


def appendix(tables: pd.DataFrame, *, fmt: Formatter, as_of: pd.Timestamp, version: str) -> Markdown:
    """Definitions, the input files with their fingerprints, and the package version."""
    tx = Words("data_overview", fmt.language)
    lines = [tx("appendix", as_of=fmt.date(as_of)), ""]
    lines += [f"- `{r.file}` ({table_name(r.table, fmt.language)}): `{r.sha256}`" for r in tables.itertuples()]
    lines += ["", tx("version", version=version)]
    return Markdown("\n".join(lines))


def plot_monthly_revenue(monthly: pd.DataFrame, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Revenue per month as bars."""
    ax = plots.axes(ax)
    ax.bar(monthly["month"], monthly["revenue"], width=20, color="#2f5d8a")
    ax.set_title(Words("data_overview", fmt.language)["chart_revenue"], loc="left")
    fmt.axis(ax, "y", "money")
    return ax


def plot_monthly_customers(monthly: pd.DataFrame, *, fmt: Formatter, ax: Axes | None = None) -> Axes:
    """Buying customers per month as a line."""
    ax = plots.axes(ax)
    ax.plot(monthly["month"], monthly["customers"], color="#c8553d", marker="o", markersize=3)
    ax.set_title(Words("data_overview", fmt.language)["chart_customers"], loc="left")
    fmt.axis(ax, "y", "number")
    fmt.axis(ax, "x", "month")
    return ax


# --- sections: one call per notebook cell ---------------------------------------------------------


def headlines(tables: pd.DataFrame, window: dict, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's headline numbers: customers in the base, revenue of the window."""
    tx = Words("data_overview", fmt.language)
    customers = int(tables.set_index("table").loc["customers", "rows"])
    return [(tx["headline_customers"], fmt.number(customers)), (tx["headline_revenue"], fmt.money(window["revenue"]))]


def tables_section(tables: pd.DataFrame, *, fmt: Formatter) -> Section:
    """The tables loaded: names in words, rows, columns and the period each covers."""
    tx = Words("data_overview", fmt.language)
    shown = table(tables_shown(tables, fmt.language), fmt=fmt, labels=tx["col"],
                  kinds={"rows": "number", "rows_used": "number", "amount_dropped": "money:2", "columns": "number",
                         "date_min": "date", "date_max": "date"})
    return section(tx["section_tables"], shown)


def monthly_section(monthly: pd.DataFrame, *, fmt: Formatter) -> Section:
    """Revenue and buying customers per month, one above the other."""
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    plot_monthly_revenue(monthly, fmt=fmt, ax=top)
    plot_monthly_customers(monthly, fmt=fmt, ax=bottom)
    return section(Words("data_overview", fmt.language)["section_monthly"], fig)


def problems_section(problems: pd.DataFrame, *, fmt: Formatter) -> Section:
    """The problems found in the data (at most 30 rows shown)."""
    tx = Words("data_overview", fmt.language)
    return section(tx["section_problems"], table(problems, fmt=fmt, labels=tx["col"], max_rows=30))
