"""Presentation of the ABC-XYZ report: summary text, matrix, Pareto curve, migration, lists.

Source of the rules shown: REFERENCE.md "Relationship stage", "ABC (value)", "XYZ
(stability of buying)" and "Migration between periods" (computed in `clientbase.abc_xyz`);
words per GLOSSARY.md (ABC-класс, XYZ-класс, коэффициент вариации, переходы клиентов между
группами, интенсивность переходов, переход в худшую группу, упущенная выручка, основной
менеджер). Every sentence is generated from the numbers, in the report language.
Stakeholder tables mask the names of individuals and sole traders when asked to; the
managers' downgrade lists (`write_downgrades`) carry full details.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from clientbase.abc_xyz import (
    CELLS,
    LOST,
    AbcXyzSummary,
    Migration,
    abc_xyz_matrix,
    downgrades_by_manager,
    unclassified,
)
from clientbase.formatting import Formatter
from clientbase.tables import Table, table
from clientbase.text import Words, t, texts
from clientbase.views.abc_xyz_plots import plot_matrix, plot_migration, plot_pareto
from clientbase.views.abc_xyz_words import ReportWords, Settings
from clientbase.views.common import Section, client_names, plain
from clientbase.views.common import section as common_section

__all__ = [
    "SECTIONS",
    "section",
    "Settings",
    "appendix",
    "downgrades_table",
    "managers_table",
    "playbook_table",
    "plot_matrix",
    "plot_migration",
    "plot_pareto",
    "reading",
    "summary",

    "unclassified_table",
    "write_downgrades",
]


# every word of this report: lib/clientbase/text/abc_xyz.yaml


def headlines(numbers: AbcXyzSummary, *, fmt: Formatter, settings: Settings) -> list[tuple[str, str]]:
    """(label, value) pairs for the run's index page: concentration, core, downgrades, lost revenue."""
    tx = Words("abc_xyz", fmt.language)
    return [
        (tx("headline_concentration", percent=fmt.percent(settings.abc_bounds[0], digits=0)),
         fmt.percent(numbers.concentration, digits=0)),
        (tx["headline_core"], fmt.number(numbers.core_customers)),
        (tx["headline_downgraded"], fmt.number(numbers.downgraded)),
        (tx["headline_lost"], fmt.money(numbers.lost_revenue)),
    ]


# --- executive summary ------------------------------------------------------------------------


def summary(numbers: AbcXyzSummary, result: Migration, *, fmt: Formatter, settings: Settings) -> Markdown:
    """The executive summary: concentration, the core cells, downgrades, change, clients without class.

    Parameters
    ----------
    numbers
        `abc_xyz_summary.abc_xyz_summary` of the run: every number said comes from it.
    result
        `abc_xyz.migration` of the run (its dates and the downgrades by manager).
    """
    lang = fmt.language
    tx = Words("abc_xyz", lang)
    w = ReportWords(fmt, settings, result)
    if not numbers.classified:
        return Markdown("- " + tx("nobody", metric=w.metric, window=w.window, as_of=w.as_of))
    parts = [tx("concentration",
        share=fmt.percent(numbers.concentration), buyers=fmt.number(numbers.classified), metric=w.metric,
        window=w.window, as_of=w.as_of, top=_clients(numbers.class_a, lang),
        percent=fmt.percent(settings.abc_bounds[0], digits=0), total=_value(numbers.metric_total, fmt, settings),
        b=_clients(numbers.class_b, lang), c=_clients(numbers.class_c, lang),
    )]
    core = numbers.core
    parts.append(tx("core",
        n=_clients(numbers.core_customers, lang), share_customers=fmt.percent(numbers.core_customer_share),
        revenue=fmt.money(numbers.core_revenue), share_revenue=fmt.percent(numbers.core_revenue_share),
        items=", ".join(tx("core_item", cell=cell, n=int(n), share=fmt.percent(share))
                        for cell, n, share in zip(core["abc_xyz"], core["customers"], core["revenue_share"],
                                                  strict=True)),
    ))
    if not numbers.downgraded:
        parts.append(tx("no_downgrades", previous=w.previous_since))
    else:
        parts.append(tx("downgrades",
            previous=w.previous_since, n=_clients(numbers.downgraded, lang), lost=fmt.money(numbers.lost_revenue),
            lost_share=fmt.percent(numbers.lost_share), window=w.window,
            to_lost=numbers.downgraded_to_lost, from_a=numbers.downgraded_from_a,
        ))
    parts.append(tx("change",
        previous_as_of=w.previous_as_of, revenue_change=fmt.signed_percent(numbers.revenue_change),
        revenue=fmt.money(numbers.revenue_now), a_now=numbers.class_a_now, a_before=numbers.class_a_before,
        ax_now=numbers.ax_now, ax_before=numbers.ax_before,
    ))
    if numbers.downgraded:
        first = downgrades_by_manager(result.downgrades).iloc[0]
        parts.append(tx("first_manager",
            manager=plain(_manager(first["manager"], lang)), n=_clients(int(first["customers"]), lang),
            lost=fmt.money(first["lost_revenue"]),
        ))
    no_class = []
    if numbers.outside_matrix:
        no_class.append(tx("no_class", young=_clients(numbers.outside_matrix, lang),
                           min_periods=settings.min_periods, grain_plural=w.grain_plural))
    if numbers.without_abc:
        no_class.append(tx("no_abc", returns=_clients(numbers.without_abc, lang), metric=w.metric))
    if no_class:
        parts.append(" ".join(no_class))
    return Markdown("\n".join(f"- {p}" for p in parts))


# --- how to read each section --------------------------------------------------------------------


def reading(key: str, numbers: AbcXyzSummary, result: Migration, *, fmt: Formatter, settings: Settings,
            mask_pii: bool = True) -> Markdown:
    """The sentence under a section heading that says how to read it (`key`: the section)."""
    tx = Words("abc_xyz", fmt.language)
    w = ReportWords(fmt, settings, result)
    if key == "matrix":
        outside = numbers.outside_matrix
        rest = tx("matrix_outside", n=_clients(outside, fmt.language)) if outside else tx["matrix_all_inside"]
        return Markdown(tx("read_matrix", window=w.window, outside=rest))
    if key == "pareto":
        return Markdown(tx("read_pareto", metric=w.metric))
    if key == "migration":
        return Markdown(tx("read_migration",
            previous_as_of=w.previous_as_of, as_of=w.as_of, window=w.window, metric=w.metric,
            change=fmt.signed_money(numbers.transitions_revenue_change), lost=fmt.money(numbers.lost_revenue),
        ))
    if key == "downgrades":
        n = min(settings.top_n, numbers.downgraded)
        return Markdown(tx("read_downgrades", n=n) + (tx["read_downgrades_masked"] if mask_pii else ""))
    if key == "unclassified":
        return Markdown(tx("read_unclassified", metric=w.metric))
    if key in ("playbook", "managers"):
        return Markdown(tx[f"read_{key}"])
    raise KeyError(f"no reading for section {key!r}")


SECTIONS = ("matrix", "playbook", "pareto", "migration", "managers", "downgrades", "unclassified")


def section(key: str, classes: pd.DataFrame, result: Migration, customers: pd.DataFrame, numbers: AbcXyzSummary,
            *, fmt: Formatter, settings: Settings, mask_pii: bool = True) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    bodies = {
        "matrix": lambda: plot_matrix(classes, fmt=fmt),
        "playbook": lambda: playbook_table(classes, fmt=fmt),
        "pareto": lambda: plot_pareto(classes, fmt=fmt, settings=settings),
        "migration": lambda: (plot_migration(result, fmt=fmt) if len(result.transitions)
                              else Markdown(t("no_rows", fmt.language))),
        "managers": lambda: managers_table(result, fmt=fmt),
        "downgrades": lambda: downgrades_table(result, customers, fmt=fmt, settings=settings, mask_pii=mask_pii),
        "unclassified": lambda: unclassified_table(classes, customers, fmt=fmt, settings=settings,
                                                   mask_pii=mask_pii),
    }
    if key not in bodies:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("abc_xyz", fmt.language)
    return common_section(tx[f"section_{key}"],
                          reading(key, numbers, result, fmt=fmt, settings=settings, mask_pii=mask_pii),
                          bodies[key]())


# --- charts ---------------------------------------------------------------------------------------


# --- tables ---------------------------------------------------------------------------------------


def playbook_table(classes: pd.DataFrame, *, fmt: Formatter) -> Table:
    """Each cell with its clients, revenue and the playbook: what to do with such clients."""
    lang = fmt.language
    matrix = abc_xyz_matrix(classes)
    frame = matrix[["abc_xyz", "customers", "customer_share", "revenue", "revenue_share"]].assign(
        action=pd.Series([texts("abc_xyz", lang)["playbook"][c] for c in matrix["abc_xyz"]], dtype="str"))
    return table(frame, fmt=fmt, max_rows=None, labels=texts("abc_xyz", lang)["col"],
                 kinds={"customers": "number", "customer_share": "percent", "revenue": "money",
                        "revenue_share": "percent"})


def managers_table(result: Migration, *, fmt: Formatter) -> Table:
    """Downgraded clients per responsible manager: how many, how many lost, lost revenue."""
    lang = fmt.language
    frame = downgrades_by_manager(result.downgrades)
    frame = frame.assign(manager=pd.Series([_manager(m, lang) for m in frame["manager"]], dtype="str"))
    return table(frame, fmt=fmt, max_rows=None, labels=texts("abc_xyz", lang)["col"],
                 kinds={"customers": "number", "to_lost": "number", "revenue_before": "money",
                        "lost_revenue": "money"})


def downgrades_table(result: Migration, customers: pd.DataFrame, *, fmt: Formatter, settings: Settings,
                     mask_pii: bool = True) -> Table:
    """The downgraded clients with the largest lost revenue (names masked when `mask_pii`)."""
    lang = fmt.language
    top = result.downgrades.iloc[:settings.top_n]
    frame = top[["customer_id", "manager", "from_class", "to_class", "revenue_before", "revenue_now",
                 "lost_revenue"]].merge(client_names(customers, top["customer_id"], mask_pii=mask_pii),
                                      on="customer_id", how="left")
    names = texts("abc_xyz", lang)["labels"]
    frame = frame.assign(
        manager=pd.Series([_manager(m, lang) for m in frame["manager"]], dtype="str"),
        from_class=frame["from_class"].replace(names).astype("str"),
        to_class=frame["to_class"].replace(names).astype("str"),
    )
    frame = frame[["client", "manager", "from_class", "to_class", "revenue_before", "revenue_now", "lost_revenue"]]
    return table(frame, fmt=fmt, max_rows=None, labels=texts("abc_xyz", lang)["col"], interactive=True,
                 kinds={"revenue_before": "money", "revenue_now": "money", "lost_revenue": "money"})


def unclassified_table(classes: pd.DataFrame, customers: pd.DataFrame, *, fmt: Formatter, settings: Settings,
                       mask_pii: bool = True) -> Table | Markdown:
    """Clients with order lines in the window but a metric ≤ 0: no ABC class, to be checked."""
    lang = fmt.language
    tx = Words("abc_xyz", lang)
    w = ReportWords(fmt, settings, None)
    listed = unclassified(classes)
    if listed.empty:
        return Markdown(tx("no_unclassified", metric=w.metric))
    frame = listed.merge(client_names(customers, listed["customer_id"], mask_pii=mask_pii), on="customer_id",
                         how="left")
    frame = frame.assign(
        manager=pd.Series([_manager(m, lang) for m in frame["manager"]], dtype="str"),
        stage=frame["stage"].map(tx["stage"]).astype("str"),
        reason=frame["reason"].map(tx["reason"]).astype("str"),
    )
    frame = frame[["client", "manager", "metric_value", "revenue", "stage", "reason"]]
    labels = dict(tx["col"], metric_value=w.metric.capitalize())
    kind = "number" if settings.metric == "quantity" else "money"
    return table(frame, fmt=fmt, max_rows=settings.top_n, labels=labels, interactive=True,
                 kinds={"metric_value": kind, "revenue": "money"})


# --- the managers' lists ----------------------------------------------------------------------------


def write_downgrades(result: Migration, customers: pd.DataFrame, path: str | Path, *, language: str) -> Path:
    """The downgrade lists for the sales team: one sheet per manager, full contact details.

    REFERENCE.md "Migration between periods": downgraded customers with manager and lost
    revenue, largest loss first, and what to do with them now (the playbook of their new
    cell; for lost clients, reactivation). Nothing is masked: the lists are for managers.
    """
    from clientbase.excel import write_manager_workbook

    tx = Words("abc_xyz", language)
    listed = result.downgrades
    details = [c for c in ("inn", "phone", "email") if c in customers.columns]
    cards = customers[["customer_id", *details]].astype({"customer_id": "str"}).drop_duplicates("customer_id")
    rows = listed.merge(cards, on="customer_id", how="left")
    actions = {cell: tx["playbook"][cell] for cell in CELLS} | {LOST: tx["lost_action"]}
    rows = rows.assign(action=rows["to_class"].map(actions).fillna(tx["none_action"]).astype("str"),
                       to_class=rows["to_class"].replace(tx["labels"]).astype("str"))
    labels = dict(tx["col"], name=tx["col"]["client"])
    columns = ["customer_id", "name", *details, "from_class", "to_class", "revenue_before", "revenue_now",
               "lost_revenue", "action", "comment"]
    return write_manager_workbook(
        rows, path, columns={c: labels[c] for c in columns}, manager="manager", language=language,
        kinds={"revenue_before": "money", "revenue_now": "money", "lost_revenue": "money"},
        note_columns=("comment",),
    )


# --- appendix ---------------------------------------------------------------------------------------


def appendix(numbers: AbcXyzSummary, result: Migration, *, fmt: Formatter, settings: Settings,
             version: str) -> Markdown:
    """Definitions (REFERENCE.md), the parameters used, the data period and the package version."""
    lang = fmt.language
    tx = Words("abc_xyz", lang)
    w = ReportWords(fmt, settings, result)
    values = {
        "window_months": settings.window_months, "window_start": w.window_start, "as_of": w.as_of,
        "new_days": settings.new_days, "metric": w.metric,
        "abc_low": fmt.percent(settings.abc_bounds[0], digits=0),
        "abc_high": fmt.percent(settings.abc_bounds[1], digits=0),
        "xyz_low": _plain(settings.xyz_bounds[0], lang), "xyz_high": _plain(settings.xyz_bounds[1], lang),
        "grain": settings.grain, "grain_plural": w.grain_plural, "min_periods": settings.min_periods,
        "grain_one": tx["grain_one"][settings.grain], "grain_genitive": tx["grain_genitive"][settings.grain],
        "previous_as_of": w.previous_as_of, "previous_start": w.previous_start,
    }
    lines = [f"### {t('definitions', lang)}", ""]
    lines += [f"- {d}" for d in tx("definitions", **values)]
    lines += ["", f"### {t('parameters', lang)}", ""]
    shown = {
        "metric": f"`{settings.metric}`", "window_months": fmt.number(settings.window_months),
        "abc_bounds": " / ".join(_plain(b, lang) for b in settings.abc_bounds),
        "xyz_bounds": " / ".join(_plain(b, lang) for b in settings.xyz_bounds),
        "grain": f"`{settings.grain}`", "min_periods": fmt.number(settings.min_periods),
        "new_days": fmt.number(settings.new_days), "top_n": fmt.number(settings.top_n),
    }
    lines += [f"- `{key}` = {value} — {tx['parameters'][key]}" for key, value in shown.items()]
    lines += ["", f"### {t('data_period', lang)}", ""]
    lines.append(tx("data_period",
        as_of=w.as_of, window_start=w.window_start, previous_as_of=w.previous_as_of,
        customers=numbers.customers, classified=numbers.classified, in_matrix=numbers.in_matrix,
    ))
    lines += ["", f"### {t('package_version', lang)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- helpers ----------------------------------------------------------------------------------------


def _clients(n: int, language: str) -> str:
    return t("n_clients", language, n=n)


def _plain(value: float, language: str) -> str:
    text = f"{round(float(value), 4):g}"
    return text.replace(".", ",") if language == "ru" else text



def _value(value: float, fmt: Formatter, settings: Settings) -> str:
    return fmt.number(value) if settings.metric == "quantity" else fmt.money(value)


def _manager(manager: object, language: str) -> str:
    if manager is None or pd.isna(manager) or manager == "":
        return texts("abc_xyz", language)["unassigned"]
    return str(manager)
