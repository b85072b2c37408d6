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

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.abc_xyz import (
    ABC,
    CELLS,
    DEFAULT_ABC_BOUNDS,
    DEFAULT_MIN_PERIODS,
    DEFAULT_NEW_DAYS,
    DEFAULT_WINDOW_MONTHS,
    DEFAULT_XYZ_BOUNDS,
    LOST,
    MIGRATION_LABELS,
    NEW,
    NONE,
    PLAYBOOK,
    XYZ,
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
from clientbase.text import ru_plural, t
from clientbase.views.common import client_names

__all__ = [
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
    "text",
    "unclassified_table",
    "write_downgrades",
]

# points of the Pareto line: beyond this many customers the curve is thinned (it is smooth)
_MAX_POINTS = 2_000
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# the core of the base the summary names: the most valuable and stable cells
_CORE = ("AX", "AY", "BX")

_TEXT = {
    "en": {
        "section_matrix": "The ABC-XYZ matrix",
        "section_playbook": "What to do with each cell",
        "section_pareto": "How concentrated revenue is",
        "section_migration": "Moves between classes since the previous quarter",
        "section_managers": "Downgraded clients by manager",
        "section_downgrades": "Top downgraded clients",
        "section_unclassified": "Clients without a class",
        "headline_concentration": "Clients making {percent} of revenue",
        "headline_core": "Core clients (AX, AY, BX)",
        "headline_downgraded": "Clients moved down",
        "headline_lost": "Lost revenue of downgrades",
        "concentration": "**{share}** of the {buyers} clients with {metric} in the {window} to {as_of} — the "
                         "{top} of class A — make {percent} of it ({total} in all); class B: {b}, class C: "
                         "{c}.",
        "nobody": "No client has a positive {metric} in the {window} to {as_of}: there is nothing to "
                  "classify.",
        "core": "The core of the base — AX, AY and BX, valuable and buying steadily — is **{n}** "
                "({share_customers} of the classified) with **{revenue}** ({share_revenue} of revenue): "
                "{items}.",
        "core_item": "{cell} {n} ({share})",
        "downgrades": "Since {previous} **{n}** moved to a worse class; their revenue over the window "
                      "fell by **{lost}** (lost revenue), {lost_share} of the revenue they brought before. "
                      "{to_lost} of them are now lost (no order in the {window}); {from_a} were class A.",
        "no_downgrades": "No client moved to a worse class since {previous}.",
        "change": "Against the window ending {previous_as_of}: revenue {revenue_change} ({revenue}); "
                  "class A {a_now} clients ({a_before} a quarter ago); AX {ax_now} ({ax_before}).",
        "first_manager": "The largest lost revenue is with the clients of {manager}: {n}, {lost}.",
        "no_class": "Without an XYZ class: {young} with too little history (fewer than {min_periods} "
                    "{grain_plural} since their first order).",
        "no_abc": "Without an ABC class: {returns} with net returns or a {metric} ≤ 0 over the window "
                  "(listed below).",
        "read_matrix": "Each cell: the number of clients and their share of revenue over the {window}; the "
                       "darker, the more revenue. Rows are ABC classes (value), columns XYZ classes "
                       "(stability of buying). {outside}",
        "matrix_outside": "{n} with an ABC class but no XYZ class yet (too little history) are not in the "
                          "cells.",
        "matrix_all_inside": "Every client with an ABC class is in a cell.",
        "read_playbook": "What the cell says about the client and what to do with it. Shares are of the "
                         "clients with an ABC class and of their revenue.",
        "read_pareto": "Clients from the largest to the smallest {metric} (across) against the share of "
                       "{metric} they make together (up). The dotted lines mark the ABC bounds: left of the "
                       "first the class A clients, then B, then C.",
        "read_migration": "Each row is a class at {previous_as_of}, each column the class at {as_of}; a cell "
                          "holds the share of the row's clients who moved there (intensity of transitions), "
                          "the number under a label is the row's clients. \"New\" clients had no order yet a "
                          "quarter ago, \"lost\" ones have no order in the {window}, \"no class\" ones have "
                          "no XYZ class (too little history) or a {metric} ≤ 0. Revenue over the window "
                          "changed by {change} in all; the clients who moved down lost {lost}.",
        "read_managers": "Downgraded clients of each responsible manager and their lost revenue (window "
                         "revenue before minus now). The managers' lists (downgrades.xlsx, one sheet per "
                         "manager) hold every downgraded client with contact details.",
        "read_downgrades": "The {n} downgraded clients with the largest lost revenue.",
        "read_downgrades_masked": " Names of individuals and sole traders are masked in this report.",
        "read_unclassified": "Clients with order lines in the window whose {metric} over it is zero or "
                             "negative (returns outweigh purchases, or a negative margin): they take no ABC "
                             "class and are listed here to be checked.",
        "no_unclassified": "Every client with order lines in the window has a positive {metric}: nobody is "
                           "left without an ABC class for net returns.",
        "chart_matrix": "Clients and share of revenue per cell",
        "chart_pareto": "Cumulative share of {metric} by share of clients",
        "chart_migration": "Where the clients of each class went, share of the row",
        "axis_customers": "Share of clients (largest {metric} first)",
        "axis_cum_share": "Cumulative share of {metric}",
        "axis_from": "Class at {date}",
        "axis_to": "Class at {date}",
        "pareto_note": "{share} of clients make {percent}",
        "cell_text": "{clients}\n{share} of revenue",
        "labels": {NONE: "no class", LOST: "lost", NEW: "new"},
        "unassigned": "(no manager)",
        "metric": {"revenue": "revenue", "gross_profit": "gross profit", "quantity": "quantity"},
        "grain_plural": {"month": "months", "quarter": "quarters", "week": "weeks"},
        "stage": {"potential": "potential", "new": "new", "lost": "lost", "one_off": "one-off",
                  "regular": "regular"},
        "reason": {"net_returns": "net returns", "negative_margin": "negative margin",
                   "no_purchases": "no purchases"},
        "lost_action": "Find out why they stopped buying; offer to come back (reactivation)",
        "none_action": "Check returns and terms; agree the next order",
        "col": {
            "abc_xyz": "Cell", "customers": "Clients", "customer_share": "Share of clients",
            "revenue": "Revenue", "revenue_share": "Share of revenue", "action": "What to do",
            "manager": "Manager", "to_lost": "Of them lost", "revenue_before": "Revenue before",
            "revenue_now": "Revenue now", "lost_revenue": "Lost revenue", "client": "Client",
            "from_class": "Was", "to_class": "Now", "metric_value": "{metric}", "stage": "Stage",
            "reason": "Reason", "customer_id": "Code", "inn": "INN", "phone": "Phone", "email": "Email",
            "comment": "Result of the call",
        },
        "definitions": [
            "**Window**: the {window_months} whole calendar months {window_start} – {as_of}. Money is net of "
            "returns; cancelled orders are excluded. An *order* is a document with a positive total "
            "(returns and zero documents are not buying).",
            "**Relationship stage** at {as_of}, the first rule that matches: *potential* — no order yet; "
            "*new* — first order less than {new_days} days before; *lost* — no order in the window; "
            "*one-off* — exactly one order in total; *regular* — two or more orders, one of them in the "
            "window.",
            "**ABC** on {metric} over the window: clients sorted from the largest {metric} (ties by client "
            "code); share = the client's {metric} / the total; cumulative share includes the client. A when "
            "the cumulative share *before* the client is below {abc_low}, B below {abc_high}, C otherwise: "
            "the client who crosses a bound is in the upper class. A {metric} ≤ 0 gives no class.",
            "**XYZ**: coefficient of variation cv = population standard deviation (ddof = 0) / mean of "
            "the {metric} per {grain}, {grain_plural} without purchases counted as 0, from the {grain} of "
            "the first order (or the window start) to {as_of}. X when cv ≤ {xyz_low}, Y when cv ≤ "
            "{xyz_high}, Z otherwise; fewer than {min_periods} {grain_plural} or a mean ≤ 0 give no class. "
            "With these bounds a client buying every {grain} with moderate variation is X, every other "
            "{grain} exactly cv = 1 (Y), once a quarter cv ≈ 1.41 (Z).",
            "**Migration**: the same classification at {previous_as_of} (a window of the same length, "
            "{previous_start} – {previous_as_of}) against {as_of}. **Downgrade**: a worse ABC class "
            "(A→B, A→C, B→C), a worse XYZ class (X→Y, X→Z, Y→Z), or an ABC class before and none now "
            "(lost, or a {metric} ≤ 0). **Lost revenue** = max(0, window revenue before − now).",
            "Cards marked for deletion have no class and take no part in the migration.",
        ],
        "parameters": {
            "metric": "What ABC and XYZ are computed on",
            "window_months": "Months of the window",
            "abc_bounds": "Cumulative-share bounds of A and B",
            "xyz_bounds": "cv bounds of X and Y",
            "grain": "Sub-period of the XYZ variation",
            "min_periods": "Fewest sub-periods for an XYZ class",
            "new_days": "Days since the first order of a new client",
            "top_n": "Downgraded clients shown in this report",
        },
        "data_period": "Classes at {as_of} over {window_start} – {as_of}; previous classes at "
                       "{previous_as_of}. Customer cards: {customers}; with an ABC class: {classified}; "
                       "in the matrix: {in_matrix}.",
        "version": "clientbase {version}.",
    },
    "ru": {
        "section_matrix": "Матрица ABC-XYZ",
        "section_playbook": "Что делать с клиентами каждой группы",
        "section_pareto": "Насколько сконцентрирована выручка",
        "section_migration": "Переходы клиентов между группами за квартал",
        "section_managers": "Переходы в худшую группу по менеджерам",
        "section_downgrades": "Клиенты с наибольшей упущенной выручкой",
        "section_unclassified": "Клиенты без класса",
        "headline_concentration": "Доля клиентов, дающих {percent} выручки",
        "headline_core": "Ключевые клиенты (AX, AY, BX)",
        "headline_downgraded": "Перешли в худшую группу",
        "headline_lost": "Упущенная выручка",
        "concentration": "**{share}** из {buyers} клиентов с показателем «{metric}» за {window} по {as_of} — "
                         "{top} класса A — дают {percent} его суммы ({total}); класс B — {b}, класс C — {c}.",
        "nobody": "Ни у одного клиента нет положительного показателя «{metric}» за {window} по {as_of}: "
                  "классифицировать некого.",
        "core": "Ядро базы — AX, AY и BX, ценные и покупающие стабильно, — **{n}** ({share_customers} "
                "клиентов с классом) и **{revenue}** ({share_revenue} выручки): {items}.",
        "core_item": "{cell} — {n} ({share})",
        "downgrades": "С {previous} в худшую группу перешли **{n}**; их выручка за окно снизилась на "
                      "**{lost}** (упущенная выручка) — {lost_share} того, что они приносили раньше. Из "
                      "них потеряны (нет заказов за {window}) — {to_lost}; были в классе A — {from_a}.",
        "no_downgrades": "С {previous} ни один клиент не перешёл в худшую группу.",
        "change": "По сравнению с окном по {previous_as_of}: выручка {revenue_change} ({revenue}); клиентов в "
                  "классе A — {a_now} (кварталом ранее — {a_before}), в AX — {ax_now} ({ax_before}).",
        "first_manager": "Наибольшая упущенная выручка — у клиентов основного менеджера «{manager}»: {n}, "
                         "{lost}.",
        "no_class": "Без XYZ-класса: {young} — слишком короткая история (меньше {min_periods} "
                    "{grain_plural} с первого заказа).",
        "no_abc": "Без ABC-класса: {returns} — возвраты превышают покупки или показатель «{metric}» за окно "
                  "≤ 0 (список ниже).",
        "read_matrix": "В клетке — число клиентов и их доля выручки за {window}; чем темнее, тем больше "
                       "выручки. Строки — ABC-классы (ценность), столбцы — XYZ-классы (стабильность "
                       "покупок). {outside}",
        "matrix_outside": "Клиенты с ABC-классом, но ещё без XYZ-класса (слишком короткая история), в "
                          "клетки не попали: {n}.",
        "matrix_all_inside": "Все клиенты с ABC-классом попали в клетки.",
        "read_playbook": "Что клетка говорит о клиенте и что с ним делать. Доли — от клиентов с "
                         "ABC-классом и от их выручки.",
        "read_pareto": "Клиенты от наибольшего показателя «{metric}» к наименьшему (по горизонтали) и "
                       "доля, которую они дают вместе (по вертикали). Пунктир — границы ABC: левее первой "
                       "— клиенты класса A, затем B, затем C.",
        "read_migration": "Строка — группа на {previous_as_of}, столбец — группа на {as_of}; в клетке — доля "
                          "клиентов строки, перешедших туда (интенсивность переходов), число под подписью — "
                          "клиентов в строке. «Новые» кварталом ранее ещё не покупали, «потерянные» не "
                          "покупали за {window}, «без класса» — нет XYZ-класса (короткая история) или "
                          "показатель «{metric}» ≤ 0. Выручка за окно изменилась на {change}; клиенты, "
                          "перешедшие в худшую группу, потеряли {lost}.",
        "read_managers": "Клиенты основного менеджера, перешедшие в худшую группу, и их упущенная выручка "
                         "(выручка за окно раньше минус сейчас). В списках менеджеров (downgrades.xlsx, по "
                         "листу на менеджера) — все такие клиенты с контактами.",
        "read_downgrades": "{n} клиентов с наибольшей упущенной выручкой среди перешедших в худшую группу.",
        "read_downgrades_masked": " Имена физических лиц и ИП в этом отчёте скрыты.",
        "read_unclassified": "Клиенты со строками продаж в окне, у которых показатель «{metric}» за окно "
                             "нулевой или отрицательный (возвраты превышают покупки или маржа отрицательна): "
                             "ABC-класса у них нет, их стоит проверить.",
        "no_unclassified": "У всех клиентов со строками продаж в окне показатель «{metric}» положителен: "
                           "из-за возвратов без ABC-класса не остался никто.",
        "chart_matrix": "Клиенты и доля выручки по клеткам",
        "chart_pareto": "Накопленная доля показателя «{metric}» по доле клиентов",
        "chart_migration": "Куда перешли клиенты каждой группы, доля строки",
        "axis_customers": "Доля клиентов (от наибольшего показателя)",
        "axis_cum_share": "Накопленная доля",
        "axis_from": "Группа на {date}",
        "axis_to": "Группа на {date}",
        "pareto_note": "{share} клиентов дают {percent}",
        "cell_text": "{n} кл.\n{share} выручки",
        "labels": {NONE: "без класса", LOST: "потерянные", NEW: "новые"},
        "unassigned": "(без менеджера)",
        "metric": {"revenue": "выручка", "gross_profit": "валовая прибыль", "quantity": "количество"},
        "grain_plural": {"month": "месяцев", "quarter": "кварталов", "week": "недель"},
        "stage": {"potential": "потенциальный", "new": "новый", "lost": "потерянный", "one_off": "разовый",
                  "regular": "постоянный"},
        "reason": {"net_returns": "возвраты больше покупок", "negative_margin": "отрицательная маржа",
                   "no_purchases": "нет покупок"},
        "lost_action": "Выяснить причину ухода; предложить вернуться (реактивация)",
        "none_action": "Разобраться с возвратами и условиями; договориться о следующем заказе",
        "col": {
            "abc_xyz": "Группа", "customers": "Клиентов", "customer_share": "Доля клиентов",
            "revenue": "Выручка", "revenue_share": "Доля выручки", "action": "Что делать",
            "manager": "Менеджер", "to_lost": "Из них потеряны", "revenue_before": "Выручка раньше",
            "revenue_now": "Выручка сейчас", "lost_revenue": "Упущенная выручка", "client": "Клиент",
            "from_class": "Была", "to_class": "Стала", "metric_value": "{metric}", "stage": "Стадия",
            "reason": "Причина", "customer_id": "Код", "inn": "ИНН", "phone": "Телефон",
            "email": "Электронная почта", "comment": "Результат звонка",
        },
        "definitions": [
            "**Окно**: {window_months} целых календарных месяцев {window_start} – {as_of}. Выручка — за "
            "вычетом возвратов; отменённые заказы исключены. *Заказ* — документ с положительной суммой "
            "(возвраты и нулевые документы — не покупка).",
            "**Стадия взаимоотношений** на {as_of}, по первому подходящему правилу: *потенциальный* — "
            "заказов ещё нет; *новый* — первый заказ менее {new_days} дней назад; *потерянный* — нет "
            "заказов в окне; *разовый* — ровно один заказ за всё время; *постоянный* — два заказа и "
            "больше, хотя бы один в окне.",
            "**ABC** по показателю «{metric}» за окно: клиенты от наибольшего значения к наименьшему (при "
            "равенстве — по коду); доля = значение клиента / сумма; накопленная доля включает клиента. A — "
            "если накопленная доля *до* клиента меньше {abc_low}, B — меньше {abc_high}, иначе C: клиент, "
            "пересекающий границу, попадает в верхний класс. При значении ≤ 0 класса нет.",
            "**XYZ**: коэффициент вариации cv = стандартное отклонение генеральной совокупности (ddof = 0) "
            "/ среднее показателя «{metric}» за {grain_one}, {grain_plural} без покупок считаются нулями; "
            "период — от {grain_genitive} первого заказа (или начала окна) по {as_of}. X — cv ≤ {xyz_low}, "
            "Y — cv ≤ {xyz_high}, иначе Z; меньше {min_periods} {grain_plural} или среднее ≤ 0 — класса "
            "нет. При этих границах клиент, покупающий каждый {grain_one} с умеренными колебаниями, — X, "
            "через {grain_one} — ровно cv = 1 (Y), раз в квартал — cv ≈ 1,41 (Z).",
            "**Переходы между группами**: та же классификация на {previous_as_of} (окно той же длины, "
            "{previous_start} – {previous_as_of}) и на {as_of}. **Переход в худшую группу**: ABC-класс "
            "хуже (A→B, A→C, B→C), XYZ-класс хуже (X→Y, X→Z, Y→Z) или ABC-класс был, а теперь его нет "
            "(клиент потерян или показатель ≤ 0). **Упущенная выручка** = max(0, выручка за окно раньше − "
            "сейчас).",
            "Карточки, помеченные на удаление, класса не получают и в переходах не участвуют.",
        ],
        "parameters": {
            "metric": "Показатель, по которому считаются ABC и XYZ",
            "window_months": "Месяцев в окне",
            "abc_bounds": "Границы накопленной доли для A и B",
            "xyz_bounds": "Границы cv для X и Y",
            "grain": "Период для вариации XYZ",
            "min_periods": "Наименьшее число периодов для XYZ-класса",
            "new_days": "Дней с первого заказа у нового клиента",
            "top_n": "Клиентов, перешедших в худшую группу, в этом отчёте",
        },
        "data_period": "Классы на {as_of} за {window_start} – {as_of}; предыдущие — на {previous_as_of}. "
                       "Карточек клиентов: {customers}; с ABC-классом: {classified}; в матрице: {in_matrix}.",
        "version": "clientbase {version}.",
    },
}
_GRAIN_RU = {  # (accusative "за месяц", genitive "месяца")
    "month": ("месяц", "месяца"), "quarter": ("квартал", "квартала"), "week": ("неделю", "недели"),
}


@dataclass(frozen=True)
class Settings:
    """The parameters the classes were built with, for the words around them."""

    metric: str = "revenue"
    window_months: int = DEFAULT_WINDOW_MONTHS
    abc_bounds: tuple[float, float] = DEFAULT_ABC_BOUNDS
    xyz_bounds: tuple[float, float] = DEFAULT_XYZ_BOUNDS
    grain: str = "month"
    min_periods: int = DEFAULT_MIN_PERIODS
    new_days: int = DEFAULT_NEW_DAYS
    top_n: int = 20


def text(language: str, key: str) -> str | dict:
    """A string (or dict of strings) of this report in the language."""
    return _TEXT[language][key]


def headlines(classes: pd.DataFrame, result: Migration, *, fmt: Formatter, settings: Settings) -> list[tuple[str, str]]:
    """(label, value) pairs for the run's index page: concentration, core, downgrades, lost revenue."""
    tx = _TEXT[fmt.language]
    low = settings.abc_bounds[0]
    share = share_of_customers_for(classes, low) if classes["abc"].notna().any() else float("nan")
    core = int(classes["abc_xyz"].isin(_CORE).sum())
    return [
        (tx["headline_concentration"].format(percent=fmt.percent(low, digits=0)), fmt.percent(share, digits=0)),
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
    tx = _TEXT[lang]
    w = _Words(fmt, settings, result)
    classified = classes[classes["abc"].notna()]
    if classified.empty:
        return Markdown("- " + tx["nobody"].format(metric=w.metric, window=w.window, as_of=w.as_of))
    low = settings.abc_bounds[0]
    share = share_of_customers_for(classes, low)
    counts = classified["abc"].value_counts()
    parts = [tx["concentration"].format(
        share=fmt.percent(share), buyers=fmt.number(len(classified)), metric=w.metric, window=w.window,
        as_of=w.as_of, top=_clients(int(counts.get("A", 0)), lang),
        percent=fmt.percent(low, digits=0), total=_value(classified["metric_value"].sum(), fmt, settings),
        b=_clients(int(counts.get("B", 0)), lang),
        c=_clients(int(counts.get("C", 0)), lang),
    )]
    matrix = abc_xyz_matrix(classes).set_index("abc_xyz")
    core = matrix.loc[list(_CORE)]
    parts.append(tx["core"].format(
        n=_clients(int(core["customers"].sum()), lang), share_customers=fmt.percent(core["customer_share"].sum()),
        revenue=fmt.money(core["revenue"].sum()), share_revenue=fmt.percent(core["revenue_share"].sum()),
        items=", ".join(tx["core_item"].format(cell=c, n=fmt.number(core.loc[c, "customers"]),
                                               share=fmt.percent(core.loc[c, "revenue_share"]))
                        for c in _CORE),
    ))
    listed = result.downgrades
    if listed.empty:
        parts.append(tx["no_downgrades"].format(previous=w.previous_since))
    else:
        before = float(listed["revenue_before"].sum())
        lost = float(listed["lost_revenue"].sum())
        parts.append(tx["downgrades"].format(
            previous=w.previous_since, n=_clients(len(listed), lang), lost=fmt.money(lost),
            lost_share=fmt.percent(lost / before) if before > 0 else "—", window=w.window,
            to_lost=fmt.number(int((listed["to_class"] == LOST).sum())),
            from_a=fmt.number(int(listed["from_class"].str.startswith("A").sum())),
        ))
    parts.append(_change_sentence(result, fmt, w))
    if not listed.empty:
        by_manager = downgrades_by_manager(listed)
        first = by_manager.iloc[0]
        parts.append(tx["first_manager"].format(
            manager=_manager(first["manager"], lang), n=_clients(int(first["customers"]), lang),
            lost=fmt.money(first["lost_revenue"]),
        ))
    young = int((classified["xyz"].isna()).sum())
    returns = len(unclassified(classes))
    no_class = []
    if young:
        no_class.append(tx["no_class"].format(young=_clients(young, lang), min_periods=settings.min_periods,
                                              grain_plural=w.grain_plural))
    if returns:
        no_class.append(tx["no_abc"].format(returns=_clients(returns, lang), metric=w.metric))
    if no_class:
        parts.append(" ".join(no_class))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _change_sentence(result: Migration, fmt: Formatter, w: _Words) -> str:
    now, before = result.after, result.before
    revenue_now = float(now.loc[~now["is_deleted"], "revenue"].sum())
    revenue_before = float(before.loc[~before["is_deleted"], "revenue"].sum())
    change = fmt.signed_percent(revenue_now / revenue_before - 1) if revenue_before > 0 else "—"
    return _TEXT[fmt.language]["change"].format(
        previous_as_of=w.previous_as_of, revenue_change=change, revenue=fmt.money(revenue_now),
        a_now=fmt.number(int(now["abc"].eq("A").sum())), a_before=fmt.number(int(before["abc"].eq("A").sum())),
        ax_now=fmt.number(int(now["abc_xyz"].eq("AX").sum())),
        ax_before=fmt.number(int(before["abc_xyz"].eq("AX").sum())),
    )


# --- how to read each section --------------------------------------------------------------------


def reading(key: str, classes: pd.DataFrame, result: Migration, *, fmt: Formatter, settings: Settings,
            mask_pii: bool = True) -> Markdown:
    """The sentence under a section heading that says how to read it (`key`: the section)."""
    tx = _TEXT[fmt.language]
    w = _Words(fmt, settings, result)
    if key == "matrix":
        outside = int((classes["abc"].notna() & classes["xyz"].isna()).sum())
        rest = (tx["matrix_outside"].format(n=_clients(outside, fmt.language)) if outside
                else tx["matrix_all_inside"])
        return Markdown(tx["read_matrix"].format(window=w.window, outside=rest))
    if key == "pareto":
        return Markdown(tx["read_pareto"].format(metric=w.metric))
    if key == "migration":
        change = result.transitions["revenue_change"].sum()
        return Markdown(tx["read_migration"].format(
            previous_as_of=w.previous_as_of, as_of=w.as_of, window=w.window, metric=w.metric,
            change=_signed_money(change, fmt), lost=fmt.money(result.downgrades["lost_revenue"].sum()),
        ))
    if key == "downgrades":
        n = min(settings.top_n, len(result.downgrades))
        return Markdown(tx["read_downgrades"].format(n=fmt.number(n))
                        + (tx["read_downgrades_masked"] if mask_pii else ""))
    if key == "unclassified":
        return Markdown(tx["read_unclassified"].format(metric=w.metric))
    if key in ("playbook", "managers"):
        return Markdown(tx[f"read_{key}"])
    raise KeyError(f"no reading for section {key!r}")


# --- charts ---------------------------------------------------------------------------------------


def plot_matrix(classes: pd.DataFrame, *, fmt: Formatter, ax=None):
    """The 3 × 3 matrix: clients and share of revenue in each cell, shaded by the share."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = _TEXT[fmt.language]
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
        ax.text(col, row + 0.15, tx["cell_text"].format(
            n=fmt.number(n), clients=_clients(n, fmt.language), share=fmt.percent(matrix.loc[cell, "revenue_share"])),
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

    tx = _TEXT[fmt.language]
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
        ax.annotate(tx["pareto_note"].format(share=fmt.percent(x, digits=0), percent=fmt.percent(low, digits=0)),
                    xy=(x, low), xytext=(x + 0.06, low - 0.18), fontsize=9.5, color=plots.INK,
                    arrowprops={"arrowstyle": "-", "color": plots.GREY, "linewidth": 0.8})
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    fmt.axis(ax, "x", "percent")
    fmt.axis(ax, "y", "percent")
    ax.set_xlabel(tx["axis_customers"].format(metric=w.metric))
    ax.set_ylabel(tx["axis_cum_share"].format(metric=w.metric))
    ax.set_title(tx["chart_pareto"].format(metric=w.metric), loc="left")
    return ax


def plot_migration(result: Migration, *, fmt: Formatter, ax=None):
    """Transitions between the previous and the current classes: share of each row, as a heatmap."""
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = _TEXT[fmt.language]
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
    ax.set_ylabel(tx["axis_from"].format(date=w.previous_as_of))
    ax.set_xlabel(tx["axis_to"].format(date=w.as_of), labelpad=8)
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
    return table(frame, fmt=fmt, max_rows=None, labels=_TEXT[lang]["col"],
                 kinds={"customers": "number", "customer_share": "percent", "revenue": "money",
                        "revenue_share": "percent"})


def managers_table(result: Migration, *, fmt: Formatter) -> Table:
    """Downgraded clients per responsible manager: how many, how many lost, lost revenue."""
    lang = fmt.language
    frame = downgrades_by_manager(result.downgrades)
    frame = frame.assign(manager=pd.Series([_manager(m, lang) for m in frame["manager"]], dtype="str"))
    return table(frame, fmt=fmt, max_rows=None, labels=_TEXT[lang]["col"],
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
    names = _TEXT[lang]["labels"]
    frame = frame.assign(
        manager=pd.Series([_manager(m, lang) for m in frame["manager"]], dtype="str"),
        from_class=frame["from_class"].replace(names).astype("str"),
        to_class=frame["to_class"].replace(names).astype("str"),
    )
    frame = frame[["client", "manager", "from_class", "to_class", "revenue_before", "revenue_now", "lost_revenue"]]
    return table(frame, fmt=fmt, max_rows=None, labels=_TEXT[lang]["col"],
                 kinds={"revenue_before": "money", "revenue_now": "money", "lost_revenue": "money"})


def unclassified_table(classes: pd.DataFrame, customers: pd.DataFrame, *, fmt: Formatter, settings: Settings,
                       mask_pii: bool = True) -> Table | Markdown:
    """Clients with order lines in the window but a metric ≤ 0: no ABC class, to be checked."""
    lang = fmt.language
    tx = _TEXT[lang]
    w = _Words(fmt, settings, None)
    listed = unclassified(classes)
    if listed.empty:
        return Markdown(tx["no_unclassified"].format(metric=w.metric))
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

    tx = _TEXT[language]
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
    tx = _TEXT[lang]
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
    lines += [f"- {d.format(**values)}" for d in tx["definitions"]]
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
    lines.append(tx["data_period"].format(
        as_of=w.as_of, window_start=w.window_start, previous_as_of=w.previous_as_of,
        customers=fmt.number(len(classes)), classified=fmt.number(int(classes["abc"].notna().sum())),
        in_matrix=fmt.number(int(classes["abc_xyz"].notna().sum())),
    ))
    lines += ["", f"### {t('package_version', lang)}", "", tx["version"].format(version=version)]
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
        return _TEXT[self.lang]["metric"][self.settings.metric]

    @property
    def window(self) -> str:
        """"12 months" / "12 месяцев"."""
        n = self.settings.window_months
        if self.lang == "ru":
            return f"{n} {ru_plural(n, ('месяц', 'месяца', 'месяцев'))}"
        return f"{n} months" if n != 1 else "month"

    @property
    def grain_plural(self) -> str:
        return _TEXT[self.lang]["grain_plural"][self.settings.grain]

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
    shown = f"{n:,}".replace(",", "\xa0" if language == "ru" else ",")
    if language == "ru":
        return f"{shown} {ru_plural(n, ('клиент', 'клиента', 'клиентов'))}"
    return f"{shown} client" if n == 1 else f"{shown} clients"


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
        return _TEXT[language]["unassigned"]
    return str(manager)
