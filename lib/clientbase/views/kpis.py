"""Presentation of the KPIs report: headlines, summary, sections and appendix.

Source of the rules shown: REFERENCE.md "KPIs of the base, quarter by quarter" (computed in
`clientbase.kpis`); words in `text/kpis.yaml` and `text/common.yaml` (kpi.*). Every number comes
from `kpis_report`; how a KPI reads (value, change, colour) is `clientbase.kpi_display`.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from clientbase.formatting import Formatter
from clientbase.kpi_display import change_text, value_text
from clientbase.kpis import PARTS, KpisOptions, KpisResult
from clientbase.kpis.options import BASE_COLUMNS
from clientbase.tables import Table, table
from clientbase.text import Words, group, t
from clientbase.views.common import Section, column_labels, plain, section
from clientbase.views.kpis_plots import bridge_figure, trends_figure

__all__ = ["SECTIONS", "appendix", "headlines", "section_of", "shown_kpis", "summary"]

SECTIONS = ("table", "trends", "bridge", "manager", "region", "source", "category")
_TRENDS = ("active_customers", "new_customers", "lost_customers", "crr", "revenue", "average_check",
           "repeat_revenue_share", "activity_orders")


def shown_kpis(result: KpisResult) -> list[str]:
    """The KPIs the report shows: those of every quarter, then the other reports' whose inputs exist."""
    return [*BASE_COLUMNS[3:], *result.available]  # after quarter, quarter_start, quarter_end


def headlines(result: KpisResult, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's numbers: active clients, the quarter's revenue, CRR."""
    tx = Words("kpis", fmt.language)
    now = result.now
    return [(tx["headline_active"], value_text(fmt, "active_customers", now["active_customers"])),
            (tx["headline_revenue"], fmt.money_compact(now["revenue"])),
            (tx["headline_crr"], value_text(fmt, "crr", now["crr"]))]


def summary(result: KpisResult, *, fmt: Formatter, options: KpisOptions) -> Markdown:
    """The executive summary: the base at the quarter's end, revenue and its bridge, the other KPIs."""
    tx = Words("kpis", fmt.language)
    now, before, year = result.now, result.previous, result.year_ago
    quarter = fmt.quarter(now["quarter"])
    parts = [tx("summary_base", as_of=fmt.date(result.as_of), active=value_text(fmt, "active_customers",
                                                                                now["active_customers"]),
                months=options.active_months,
                change=change_text(fmt, "active_customers", now["active_customers"], before["active_customers"]),
                quarter=quarter, new=fmt.number(now["new_customers"]), lost=fmt.number(now["lost_customers"]),
                crr=value_text(fmt, "crr", now["crr"]))]
    revenue = {"quarter": quarter, "revenue": fmt.money(now["revenue"]),
               "previous": change_text(fmt, "revenue", now["revenue"], before["revenue"]),
               "previous_quarter": fmt.quarter(before["quarter"]), "orders": fmt.number(now["activity_orders"]),
               "check": value_text(fmt, "average_check", now["average_check"]),
               "repeat": value_text(fmt, "repeat_revenue_share", now["repeat_revenue_share"])}
    if year is None:
        parts.append(tx("summary_no_year", **revenue))
    else:
        parts.append(tx("summary_revenue", **revenue, year_ago=change_text(fmt, "revenue", now["revenue"],
                                                                           year["revenue"]),
                        year_ago_quarter=fmt.quarter(year["quarter"])))
    parts.append(_bridge_line(result, fmt, options))
    others = [tx("other_item", name=group("kpi", fmt.language)[k], value=value_text(fmt, k, now[k]))
              for k in result.available]
    parts.append(tx("summary_others", as_of=fmt.date(result.as_of), items="; ".join(others)) if others
                 else tx["summary_no_others"])
    return Markdown("\n\n".join(parts))


def section_of(key: str, result: KpisResult, *, fmt: Formatter, options: KpisOptions) -> Section | None:
    """One section of the report (`key` from `SECTIONS`); a breakdown the options leave out is None."""
    if key not in SECTIONS:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("kpis", fmt.language)
    quarter = fmt.quarter(result.now["quarter"])
    if key == "table":
        return section(tx["section_table"], tx("read_table", quarter=quarter), _kpi_table(result, fmt))
    if key == "trends":
        shown = [*_TRENDS, *result.available]
        return section(tx["section_trends"], tx("read_trends", n=len(result.kpis), quarter=quarter),
                       trends_figure(result, shown, fmt=fmt))
    previous, year_ago = (fmt.quarter(result.bridge_of(c)["base_quarter"].iloc[0])
                          for c in ("previous_quarter", "year_ago"))
    if key == "bridge":
        totals = result.bridge[result.bridge["dimension"] == "total"]
        return section(tx["section_bridge"], tx("read_bridge", quarter=quarter, previous=previous, year_ago=year_ago),
                       bridge_figure(result, fmt=fmt), _bridge_table(totals, fmt, first="comparison"))
    if key not in options.bridge_by:
        return None
    tables = [_bridge_table(result.bridge_of(c, key).head(options.top_n), fmt, first="group",
                            caption=tx("caption_against", base=base))
              for c, base in (("previous_quarter", previous), ("year_ago", year_ago))]
    groups = min(options.top_n, len(result.bridge_of("previous_quarter", key)))
    return section(tx["section_dimension"][key], tx("read_dimension", n=groups, previous=previous,
                                                    year_ago=year_ago, none=tx["not_given"]), *tables)


def appendix(result: KpisResult, *, fmt: Formatter, options: KpisOptions, ltv_months: int, dso_days: int,
             version: str, clients: int) -> Markdown:
    """Definitions (REFERENCE.md), the parameters used, the data and the version."""
    tx = Words("kpis", fmt.language)
    lines = [f"### {t('definitions', fmt.language)}", ""]
    lines += [f"- {d}" for d in tx("definitions", months=options.active_months, ltv_months=ltv_months,
                                   dso_days=dso_days)]
    lines += ["", f"### {t('parameters', fmt.language)}", ""]
    meanings = tx["parameters"]
    for key, value in options.model_dump().items():
        shown = ", ".join(value) if isinstance(value, tuple) else fmt.plain(value)
        lines.append(f"- {tx('parameters_used', key=key, value=shown, meaning=meanings[key])}")
    lines += ["", f"### {t('data_period', fmt.language)}", "",
              tx("data_period", as_of=fmt.date(result.as_of), clients=t("n_clients", fmt.language, n=clients),
                 n=len(result.kpis)),
              "", f"### {t('package_version', fmt.language)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- parts ---------------------------------------------------------------------------------------


def _bridge_line(result: KpisResult, fmt: Formatter, options: KpisOptions) -> str:
    tx = Words("kpis", fmt.language)
    row = result.bridge_of("previous_quarter").iloc[0]
    values = {p: fmt.money(abs(row[p])) for p in PARTS}
    base = fmt.quarter(row["base_quarter"])
    if "manager" not in options.bridge_by:
        return tx("summary_bridge_total", base=base, **values)
    managers = result.bridge_of("previous_quarter", "manager")
    if managers.empty:
        return tx("summary_bridge_total", base=base, **values)
    top = managers.iloc[0]
    name = plain(top["group"]) if pd.notna(top["group"]) else tx["not_given"]
    return tx("summary_bridge", base=base, **values,
              manager=tx("group_change", group=name, change=fmt.signed_money(top["change"])))


def _kpi_table(result: KpisResult, fmt: Formatter) -> Table:
    k = result.kpis
    names = group("kpi", fmt.language)
    shown = shown_kpis(result)
    rows = {fmt.quarter(q): [value_text(fmt, kpi, v, compact=True) for kpi, v in zip(shown, values, strict=True)]
            for q, values in zip(k["quarter"], k[shown].itertuples(index=False), strict=True)}
    frame = pd.DataFrame({Words("kpis", fmt.language)["col"]["kpi"]: [names[c] for c in shown], **rows})
    return table(frame, fmt=fmt, max_rows=None, kinds={c: "text" for c in frame.columns})


def _bridge_table(rows: pd.DataFrame, fmt: Formatter, *, first: str, caption: str | None = None) -> Table:
    tx = Words("kpis", fmt.language)
    if first == "comparison":
        shown = rows.assign(group=[tx("caption_against", base=fmt.quarter(b)) for b in rows["base_quarter"]])
    else:
        shown = rows.assign(group=rows["group"].fillna(tx["not_given"]))
    columns = ["group", "revenue_base", "revenue", "change", *PARTS]
    labels = column_labels("kpis", fmt.language, columns)
    return table(shown[columns], fmt=fmt, max_rows=None, labels=labels, caption=caption,
                 kinds={c: "money_compact" for c in columns[1:]})
