"""Presentation of the data overview: summary text, the monthly chart, the tables shown.

Every sentence is generated from the numbers, in the report language.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from clientbase.formatting import Formatter
from clientbase.text import texts

# every word of this report: lib/clientbase/text/data_overview.yaml


def text(language: str, key: str) -> str | dict:
    return texts("data_overview", language)[key]


def table_name(name: str, language: str) -> str:
    """A canonical table's name for readers ("orders" → "продажи"); unknown names as they are."""
    return texts("data_overview", language)["table_names"].get(name, name)


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
    tx = texts("data_overview", fmt.language)
    rows = tables.set_index("table")
    orders = rows.loc["orders"]
    parts = [
        tx["loaded"].format(
            customers=fmt.number(rows.loc["customers", "rows"]), lines=fmt.number(orders["rows"]),
            first=fmt.date(orders["date_min"]), last=fmt.date(orders["date_max"]),
            files=len(tables), tables=", ".join(table_name(n, fmt.language) for n in tables["table"]),
        ),
        tx["window"].format(
            as_of=fmt.date(as_of), buyers=fmt.number(window["buyers"]), revenue=fmt.money(window["revenue"]),
            period=fmt.quarter(period_label), quarter_revenue=fmt.money(quarter["revenue"]),
            quarter_buyers=fmt.number(quarter["buyers"]),
        ),
    ]
    if problems.empty:
        parts.append(tx["no_problems"])
    else:
        top = problems["message"].str.split(":").str[0].value_counts().index[0]
        parts.append(tx["problems"].format(n=fmt.number(len(problems)), top=top))
    if last_order_date is not None and last_order_date > as_of:
        parts.append(tx["after"].format(as_of=fmt.date(as_of), later=(last_order_date - as_of).days))
    return Markdown("\n\n".join(f"- {p}" for p in parts))


def appendix(tables: pd.DataFrame, *, fmt: Formatter, as_of: pd.Timestamp, version: str) -> Markdown:
    """Definitions, the input files with their fingerprints, and the package version."""
    tx = texts("data_overview", fmt.language)
    lines = [tx["appendix"].format(as_of=fmt.date(as_of)), ""]
    lines += [f"- `{r.file}` ({table_name(r.table, fmt.language)}): `{r.sha256}`" for r in tables.itertuples()]
    lines += ["", tx["version"].format(version=version)]
    return Markdown("\n".join(lines))


def plot_monthly(monthly: pd.DataFrame, *, fmt: Formatter, ax=None):
    """Revenue (bars) and buying customers (line) per month; returns the Figure."""
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    tx = texts("data_overview", fmt.language)
    top.bar(monthly["month"], monthly["revenue"], width=20, color="#2f5d8a")
    top.set_title(tx["chart_revenue"], loc="left")
    fmt.axis(top, "y", "money")
    bottom.plot(monthly["month"], monthly["customers"], color="#c8553d", marker="o", markersize=3)
    bottom.set_title(tx["chart_customers"], loc="left")
    fmt.axis(bottom, "y", "number")
    fmt.axis(bottom, "x", "month")
    fig.tight_layout()
    return fig
