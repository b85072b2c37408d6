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
    PLAYBOOK,
    Migration,
    abc_xyz_matrix,
    downgrades_by_manager,
    share_of_customers_for,
    unclassified,
)
from clientbase.formatting import MINUS, Formatter
from clientbase.tables import Table, table
from clientbase.text import Words, t, texts
from clientbase.views.abc_xyz_plots import plot_matrix, plot_migration, plot_pareto
from clientbase.views.abc_xyz_words import ReportWords, Settings
from clientbase.views.common import Section, client_names
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

# the core of the base the summary names: the most valuable and stable cells
_CORE = ("AX", "AY", "BX")

# every word of this report: lib/clientbase/text/abc_xyz.yaml
_GRAIN_RU = {  # (accusative "за месяц", genitive "месяца")
    "month": ("месяц", "месяца"), "quarter": ("квартал", "квартала"), "week": ("неделю", "недели"),
}


def headlines(classes: pd.DataFrame, result: Migration, *, fmt: Formatter, settings: Settings) -> list[tuple[str, str]]:
    """(label, value) pairs for the run's index page: concentration, core, downgrades, lost revenue."""
    tx = Words("abc_xyz", fmt.language)
    low = settings.abc_bounds[0]
    share = share_of_customers_for(classes, low) if classes["abc"].notna().any() else float("nan")
    core = int(classes["abc_xyz"].isin(_CORE).sum())
    return [
        (tx("headline_concentration", percent=fmt.percent(low, digits=0)), fmt.percent(share, digits=0)),
        (tx["headline_core"], fmt.number(core)),
        (tx["headline_downgraded"], fmt.number(len(result.downgrades))),
        (tx["headline_lost"], fmt.money(result.downgrades["lost_revenue"].sum())),
    ]


# --- executive summary ------------------------------------------------------------------------


def summary(classes: pd.DataFrame, result: Migration, *, fmt: Formatter, settings: Settings) -> Markdown:
    """The executive summary: concentration, the core cells, downgrades, change, clients without class.

    Parameters
    ----------
    classes
        `abc_xyz.abc_xyz_classes` at as_of (also `result.after`, in the same order).
    result
        `abc_xyz.migration` of the run (classes at the previous quarter end and the moves).
    """
    lang = fmt.language
    tx = Words("abc_xyz", lang)
    w = ReportWords(fmt, settings, result)
    classified = classes[classes["abc"].notna()]
    if classified.empty:
        return Markdown("- " + tx("nobody", metric=w.metric, window=w.window, as_of=w.as_of))
    low = settings.abc_bounds[0]
    share = share_of_customers_for(classes, low)
    counts = classified["abc"].value_counts()
    parts = [tx("concentration",
        share=fmt.percent(share), buyers=fmt.number(len(classified)), metric=w.metric, window=w.window,
        as_of=w.as_of, top=_clients(int(counts.get("A", 0)), lang),
        percent=fmt.percent(low, digits=0), total=_value(classified["metric_value"].sum(), fmt, settings),
        b=_clients(int(counts.get("B", 0)), lang),
        c=_clients(int(counts.get("C", 0)), lang),
    )]
    matrix = abc_xyz_matrix(classes).set_index("abc_xyz")
    core = matrix.loc[list(_CORE)]
    parts.append(tx("core",
        n=_clients(int(core["customers"].sum()), lang), share_customers=fmt.percent(core["customer_share"].sum()),
        revenue=fmt.money(core["revenue"].sum()), share_revenue=fmt.percent(core["revenue_share"].sum()),
        items=", ".join(tx("core_item", cell=c, n=fmt.number(core.loc[c, "customers"]),
                                               share=fmt.percent(core.loc[c, "revenue_share"]))
                        for c in _CORE),
    ))
    listed = result.downgrades
    if listed.empty:
        parts.append(tx("no_downgrades", previous=w.previous_since))
    else:
        before = float(listed["revenue_before"].sum())
        lost = float(listed["lost_revenue"].sum())
        parts.append(tx("downgrades",
            previous=w.previous_since, n=_clients(len(listed), lang), lost=fmt.money(lost),
            lost_share=fmt.percent(lost / before) if before > 0 else "—", window=w.window,
            to_lost=fmt.number(int((listed["to_class"] == LOST).sum())),
            from_a=fmt.number(int(listed["from_class"].str.startswith("A").sum())),
        ))
    parts.append(_change_sentence(result, fmt, w))
    if not listed.empty:
        by_manager = downgrades_by_manager(listed)
        first = by_manager.iloc[0]
        parts.append(tx("first_manager",
            manager=_manager(first["manager"], lang), n=_clients(int(first["customers"]), lang),
            lost=fmt.money(first["lost_revenue"]),
        ))
    young = int((classified["xyz"].isna()).sum())
    returns = len(unclassified(classes))
    no_class = []
    if young:
        no_class.append(tx("no_class", young=_clients(young, lang), min_periods=settings.min_periods,
                                              grain_plural=w.grain_plural))
    if returns:
        no_class.append(tx("no_abc", returns=_clients(returns, lang), metric=w.metric))
    if no_class:
        parts.append(" ".join(no_class))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _change_sentence(result: Migration, fmt: Formatter, w: ReportWords) -> str:
    now, before = result.after, result.before
    revenue_now = float(now.loc[~now["is_deleted"], "revenue"].sum())
    revenue_before = float(before.loc[~before["is_deleted"], "revenue"].sum())
    change = fmt.signed_percent(revenue_now / revenue_before - 1) if revenue_before > 0 else "—"
    return t("abc_xyz.change", fmt.language,
        previous_as_of=w.previous_as_of, revenue_change=change, revenue=fmt.money(revenue_now),
        a_now=fmt.number(int(now["abc"].eq("A").sum())), a_before=fmt.number(int(before["abc"].eq("A").sum())),
        ax_now=fmt.number(int(now["abc_xyz"].eq("AX").sum())),
        ax_before=fmt.number(int(before["abc_xyz"].eq("AX").sum())),
    )


# --- how to read each section --------------------------------------------------------------------


def reading(key: str, classes: pd.DataFrame, result: Migration, *, fmt: Formatter, settings: Settings,
            mask_pii: bool = True) -> Markdown:
    """The sentence under a section heading that says how to read it (`key`: the section)."""
    tx = Words("abc_xyz", fmt.language)
    w = ReportWords(fmt, settings, result)
    if key == "matrix":
        outside = int((classes["abc"].notna() & classes["xyz"].isna()).sum())
        rest = (tx("matrix_outside", n=_clients(outside, fmt.language)) if outside
                else tx["matrix_all_inside"])
        return Markdown(tx("read_matrix", window=w.window, outside=rest))
    if key == "pareto":
        return Markdown(tx("read_pareto", metric=w.metric))
    if key == "migration":
        change = result.transitions["revenue_change"].sum()
        return Markdown(tx("read_migration",
            previous_as_of=w.previous_as_of, as_of=w.as_of, window=w.window, metric=w.metric,
            change=_signed_money(change, fmt), lost=fmt.money(result.downgrades["lost_revenue"].sum()),
        ))
    if key == "downgrades":
        n = min(settings.top_n, len(result.downgrades))
        return Markdown(tx("read_downgrades", n=fmt.number(n))
                        + (tx["read_downgrades_masked"] if mask_pii else ""))
    if key == "unclassified":
        return Markdown(tx("read_unclassified", metric=w.metric))
    if key in ("playbook", "managers"):
        return Markdown(tx[f"read_{key}"])
    raise KeyError(f"no reading for section {key!r}")


SECTIONS = ("matrix", "playbook", "pareto", "migration", "managers", "downgrades", "unclassified")


def section(key: str, classes: pd.DataFrame, result: Migration, customers: pd.DataFrame, *, fmt: Formatter,
            settings: Settings, mask_pii: bool = True) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    bodies = {
        "matrix": lambda: plot_matrix(classes, fmt=fmt),
        "playbook": lambda: playbook_table(classes, fmt=fmt),
        "pareto": lambda: plot_pareto(classes, fmt=fmt, settings=settings),
        "migration": lambda: plot_migration(result, fmt=fmt),
        "managers": lambda: managers_table(result, fmt=fmt),
        "downgrades": lambda: downgrades_table(result, customers, fmt=fmt, settings=settings, mask_pii=mask_pii),
        "unclassified": lambda: unclassified_table(classes, customers, fmt=fmt, settings=settings,
                                                   mask_pii=mask_pii),
    }
    if key not in bodies:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("abc_xyz", fmt.language)
    return common_section(tx[f"section_{key}"],
                          reading(key, classes, result, fmt=fmt, settings=settings, mask_pii=mask_pii),
                          bodies[key]())


# --- charts ---------------------------------------------------------------------------------------


# --- tables ---------------------------------------------------------------------------------------


def playbook_table(classes: pd.DataFrame, *, fmt: Formatter) -> Table:
    """Each cell with its clients, revenue and the playbook: what to do with such clients."""
    lang = fmt.language
    matrix = abc_xyz_matrix(classes)
    frame = matrix[["abc_xyz", "customers", "customer_share", "revenue", "revenue_share"]].assign(
        action=pd.Series([PLAYBOOK[c][lang] for c in matrix["abc_xyz"]], dtype="str"))
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
    return table(frame, fmt=fmt, max_rows=None, labels=texts("abc_xyz", lang)["col"],
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
    return table(frame, fmt=fmt, max_rows=settings.top_n, labels=labels,
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
    actions = {cell: PLAYBOOK[cell][language] for cell in CELLS} | {LOST: tx["lost_action"]}
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


def appendix(classes: pd.DataFrame, result: Migration, *, fmt: Formatter, settings: Settings,
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
        "grain_one": _GRAIN_RU[settings.grain][0], "grain_genitive": _GRAIN_RU[settings.grain][1],
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
        customers=fmt.number(len(classes)), classified=fmt.number(int(classes["abc"].notna().sum())),
        in_matrix=fmt.number(int(classes["abc_xyz"].notna().sum())),
    ))
    lines += ["", f"### {t('package_version', lang)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- helpers ----------------------------------------------------------------------------------------


def _clients(n: int, language: str) -> str:
    return t("n_clients", language, n=n)


def _plain(value: float, language: str) -> str:
    text = f"{round(float(value), 4):g}"
    return text.replace(".", ",") if language == "ru" else text


def _signed_money(value: float, fmt: Formatter) -> str:
    """"+RUB 1,200" / "−1 200 ₽": a change with its sign (typographic minus), zero unsigned."""
    text = fmt.money(abs(value))
    if text == fmt.money(0):
        return text
    return ("+" if value > 0 else MINUS) + text


def _value(value: float, fmt: Formatter, settings: Settings) -> str:
    return fmt.number(value) if settings.metric == "quantity" else fmt.money(value)


def _manager(manager: object, language: str) -> str:
    if manager is None or pd.isna(manager) or manager == "":
        return texts("abc_xyz", language)["unassigned"]
    return str(manager)
