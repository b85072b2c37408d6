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

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.abc_xyz import (
    ABC,
    CELLS,
    LOST,
    MIGRATION_LABELS,
    PLAYBOOK,
    XYZ,
    AbcXyzOptions,
    Migration,
    abc_xyz_matrix,
    downgrades_by_manager,
    pareto_curve,
    share_of_customers_for,
    unclassified,
)
from clientbase.formatting import MINUS, Formatter
from clientbase.periods import quarter_of, window_start
from clientbase.tables import Table, table
from clientbase.text import Words, t, texts
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

# points of the Pareto line: beyond this many customers the curve is thinned (it is smooth)
_MAX_POINTS = 2_000
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# the core of the base the summary names: the most valuable and stable cells
_CORE = ("AX", "AY", "BX")

# every word of this report: lib/clientbase/text/abc_xyz.yaml
_GRAIN_RU = {  # (accusative "за месяц", genitive "месяца")
    "month": ("месяц", "месяца"), "quarter": ("квартал", "квартала"), "week": ("неделю", "недели"),
}


# the options the classes were built with are the words' parameters too
Settings = AbcXyzOptions


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
    w = _Words(fmt, settings, result)
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


def _change_sentence(result: Migration, fmt: Formatter, w: _Words) -> str:
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
    w = _Words(fmt, settings, result)
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


def plot_matrix(classes: pd.DataFrame, *, fmt: Formatter, ax=None):
    """The 3 × 3 matrix: clients and share of revenue in each cell, shaded by the share."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = Words("abc_xyz", fmt.language)
    matrix = abc_xyz_matrix(classes).set_index("abc_xyz")
    shares = matrix["revenue_share"].fillna(0.0).to_numpy(dtype=float).reshape(3, 3)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(8.5, 3.6))
    cmap = mpl.colormaps[plots.SEQUENTIAL_CMAP]
    top = max(float(shares.max()), 1e-9)
    ax.imshow(shares, cmap=cmap, vmin=0.0, vmax=top, aspect="auto")
    for (row, col), value in np.ndenumerate(shares):
        cell = CELLS[row * 3 + col]
        r, g, b, _ = cmap(value / top)
        colour = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else plots.INK
        ax.text(col, row - 0.22, cell, ha="center", va="center", fontsize=12, fontweight="bold", color=colour)
        n = int(matrix.loc[cell, "customers"])
        ax.text(col, row + 0.15, t("abc_xyz.cell_text", fmt.language, n=n,
                                   share=fmt.percent(matrix.loc[cell, "revenue_share"])),
            ha="center", va="center", fontsize=9, color=colour)
    ax.set_xticks(range(3), list(XYZ))
    ax.set_yticks(range(3), list(ABC))
    ax.xaxis.tick_top()
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(tx["chart_matrix"], loc="left", pad=22)
    return ax


def plot_pareto(classes: pd.DataFrame, *, fmt: Formatter, settings: Settings, ax=None):
    """The Pareto curve with the ABC bounds and the share of clients making the first bound."""
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = Words("abc_xyz", fmt.language)
    w = _Words(fmt, settings, None)
    curve = pareto_curve(classes)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 4.5))
    if len(curve) > _MAX_POINTS:
        curve = curve.iloc[np.unique(np.linspace(0, len(curve) - 1, _MAX_POINTS).round().astype(int))]
    ax.plot(curve["customer_share"], curve["cum_share"], color=plots.ACCENT, linewidth=2.2)
    if len(curve) > 1:
        for bound in settings.abc_bounds:
            x = share_of_customers_for(classes, bound)
            ax.plot([0, x, x], [bound, bound, 0], color=plots.GREY, linestyle=":", linewidth=1.2)
        low = settings.abc_bounds[0]
        x = share_of_customers_for(classes, low)
        ax.annotate(tx("pareto_note", share=fmt.percent(x, digits=0), percent=fmt.percent(low, digits=0)),
                    xy=(x, low), xytext=(x + 0.06, low - 0.18), fontsize=9.5, color=plots.INK,
                    arrowprops={"arrowstyle": "-", "color": plots.GREY, "linewidth": 0.8})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    fmt.axis(ax, "x", "percent")
    fmt.axis(ax, "y", "percent")
    ax.set_xlabel(tx("axis_customers", metric=w.metric))
    ax.set_ylabel(tx("axis_cum_share", metric=w.metric))
    ax.set_title(tx("chart_pareto", metric=w.metric), loc="left")
    return ax


def plot_migration(result: Migration, *, fmt: Formatter, ax=None):
    """Transitions between the previous and the current classes: share of each row, as a heatmap."""
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = Words("abc_xyz", fmt.language)
    moves = result.transitions
    if moves.empty:
        return Markdown(t("no_rows", fmt.language))
    rows = [c for c in MIGRATION_LABELS if c in set(moves["from_class"])]
    columns = [c for c in MIGRATION_LABELS if c in set(moves["to_class"])]
    grid = moves.pivot(index="from_class", columns="to_class", values="row_share").reindex(
        index=rows, columns=columns)
    sizes = moves.groupby("from_class")["customers"].sum()
    names = tx["labels"]
    grid.index = [f"{names.get(r, r)}\n{fmt.number(sizes[r])}" for r in rows]
    # two-word labels on two lines: the columns are narrow
    grid.columns = [names.get(c, c).replace(" ", "\n") for c in columns]
    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, max(4.5, 0.42 * len(rows) + 1.5)))
    plots.heatmap(grid, fmt=fmt, kind="percent", ax=ax)
    ax.tick_params(axis="both", labelsize=8.5)
    w = _Words(fmt, None, result)
    ax.set_ylabel(tx("axis_from", date=w.previous_as_of))
    ax.set_xlabel(tx("axis_to", date=w.as_of), labelpad=8)
    ax.xaxis.set_label_position("top")
    ax.set_title(tx["chart_migration"], loc="left", pad=10)
    return ax


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
    w = _Words(fmt, settings, None)
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
    w = _Words(fmt, settings, result)
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


class _Words:
    """Dates, the window and the metric in words of the report language."""

    def __init__(self, fmt: Formatter, settings: Settings | None, result: Migration | None):
        self.fmt = fmt
        self.lang = fmt.language
        self.settings = settings or Settings()
        self.result = result

    @property
    def metric(self) -> str:
        return texts("abc_xyz", self.lang)["metric"][self.settings.metric]

    @property
    def window(self) -> str:
        """"12 months" / "12 месяцев"."""
        n = self.settings.window_months
        if self.lang == "ru":
            return t("n_months", "ru", n=n)
        return f"{n} months" if n != 1 else "month"

    @property
    def grain_plural(self) -> str:
        return texts("abc_xyz", self.lang)["grain_plural"][self.settings.grain]

    @property
    def as_of(self) -> str:
        return self.fmt.date(self.result.as_of) if self.result is not None else ""

    @property
    def window_start(self) -> str:
        return self.fmt.date(window_start(self.result.as_of, self.settings.window_months))

    @property
    def previous_as_of(self) -> str:
        return self.fmt.date(self.result.previous_as_of)

    @property
    def previous_start(self) -> str:
        return self.fmt.date(window_start(self.result.previous_as_of, self.settings.window_months))

    @property
    def previous_since(self) -> str:
        """"the end of Q2 2026" / "конца II кв. 2026 г." (after "since" / "с")."""
        quarter = quarter_of(self.result.previous_as_of)
        if self.lang == "ru":
            return f"конца {_ROMAN[quarter.quarter]} кв. {quarter.year} г."
        return f"the end of Q{quarter.quarter} {quarter.year}"


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
