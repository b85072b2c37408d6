"""Presentation of the data overview: summary text, the monthly chart, the tables shown.

Every sentence is generated from the numbers, in the report language.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from clientbase.formatting import Formatter

# the canonical tables as their users call them (GLOSSARY.md words for ru)
TABLE_NAMES = {
    "en": {"customers": "customers", "contacts": "contact persons", "orders": "order lines",
           "campaigns": "campaigns", "campaign_members": "campaign members", "leads": "leads"},
    "ru": {"customers": "контрагенты", "contacts": "контактные лица", "orders": "продажи",
           "campaigns": "маркетинговые кампании", "campaign_members": "участники кампаний", "leads": "лиды"},
}

_TEXT = {
    "en": {
        "loaded": "The source holds **{customers}** customers and **{lines}** order lines "
                  "from {first} to {last}, read from {files} files ({tables}).",
        "window": "In the 12 months to {as_of}, **{buyers}** customers bought for **{revenue}**; "
                  "the last quarter ({period}) brought {quarter_revenue} from {quarter_buyers} customers.",
        "no_problems": "Validation found no problems: every order line was matched to a customer.",
        "problems": "Validation found **{n}** problem(s) that did not stop the run; "
                    "they are listed below (most often: {top}).",
        "after": "Order lines dated after {as_of} ({later} days of data) are not used by this run.",
        "section_tables": "Tables loaded", "section_monthly": "Customers and revenue per month",
        "section_problems": "Problems found at loading",
        "appendix": "Rows are counted after dropping title blocks and total rows of 1C reports. "
                    "Revenue is net of returns; cancelled orders are excluded; a *buying customer* "
                    "has at least one order document with a positive total in the month. "
                    "Nothing dated after {as_of} is used. Input files and their SHA-256 fingerprints "
                    "(the run manifest run.json has them too):",
        "version": "clientbase {version}.",
        "headline_customers": "Customers", "headline_revenue": "Revenue, 12 months",
        "chart_revenue": "Revenue per month", "chart_customers": "Buying customers per month",
        "col": {"table": "Table", "file": "File", "rows": "Rows", "columns": "Columns",
                "date_min": "From", "date_max": "To", "sha256": "SHA-256",
                "column": "Column", "severity": "Severity", "message": "Problem", "row": "Row"},
    },
    "ru": {
        "loaded": "В источнике **{customers}** клиентов и **{lines}** строк продаж "
                  "с {first} по {last}; прочитано файлов: {files} ({tables}).",
        "window": "За 12 месяцев по {as_of} покупали **{buyers}** клиентов на **{revenue}**; "
                  "последний квартал ({period}) принёс {quarter_revenue} от {quarter_buyers} клиентов.",
        "no_problems": "Проверка не нашла проблем: каждая строка продаж сопоставлена с клиентом.",
        "problems": "Проверка нашла проблем: **{n}**; они не остановили расчёт и перечислены ниже "
                    "(чаще всего: {top}).",
        "after": "Строки продаж после {as_of} (ещё {later} дн. данных) в этом расчёте не используются.",
        "section_tables": "Загруженные таблицы", "section_monthly": "Клиенты и выручка по месяцам",
        "section_problems": "Проблемы, найденные при загрузке",
        "appendix": "Строки считаются после удаления шапки и строк «Итого» отчётов 1С. "
                    "Выручка — за вычетом возвратов; отменённые заказы исключены; *покупавший клиент* — "
                    "хотя бы один документ продажи с положительной суммой за месяц. "
                    "Данные после {as_of} не используются. Исходные файлы и их отпечатки SHA-256 "
                    "(они же — в манифесте запуска run.json):",
        "version": "clientbase {version}.",
        "headline_customers": "Клиентов", "headline_revenue": "Выручка за 12 месяцев",
        "chart_revenue": "Выручка по месяцам", "chart_customers": "Покупавших клиентов по месяцам",
        "col": {"table": "Таблица", "file": "Файл", "rows": "Строк", "columns": "Колонок",
                "date_min": "С", "date_max": "По", "sha256": "SHA-256",
                "column": "Колонка", "severity": "Важность", "message": "Проблема", "row": "Строка"},
    },
}


def text(language: str, key: str) -> str | dict:
    return _TEXT[language][key]


def table_name(name: str, language: str) -> str:
    """A canonical table's name for readers ("orders" → "продажи"); unknown names as they are."""
    return TABLE_NAMES[language].get(name, name)


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
    tx = _TEXT[fmt.language]
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
    tx = _TEXT[fmt.language]
    lines = [tx["appendix"].format(as_of=fmt.date(as_of)), ""]
    lines += [f"- `{r.file}` ({table_name(r.table, fmt.language)}): `{r.sha256}`" for r in tables.itertuples()]
    lines += ["", tx["version"].format(version=version)]
    return Markdown("\n".join(lines))


def plot_monthly(monthly: pd.DataFrame, *, fmt: Formatter, ax=None):
    """Revenue (bars) and buying customers (line) per month; returns the Figure."""
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 5.2), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    tx = _TEXT[fmt.language]
    top.bar(monthly["month"], monthly["revenue"], width=20, color="#2f5d8a")
    top.set_title(tx["chart_revenue"], loc="left")
    fmt.axis(top, "y", "money")
    bottom.plot(monthly["month"], monthly["customers"], color="#c8553d", marker="o", markersize=3)
    bottom.set_title(tx["chart_customers"], loc="left")
    fmt.axis(bottom, "y", "number")
    fmt.axis(bottom, "x", "month")
    fig.tight_layout()
    return fig
