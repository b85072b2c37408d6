"""Presentation of the reactivation report: summary text, charts and tables, in en and ru.

Source of the rules shown: REFERENCE.md "Reactivation" (computed in
`clientbase.reactivation`); words per GLOSSARY.md (реактивация, клиенты без заказов за N
дней, падение активности, упущенная выручка, список для обзвона, основной менеджер).
Every sentence is generated from the numbers, in the report language. Stakeholder tables
mask personal data when asked to; the managers' Excel lists
(`clientbase.views.reactivation_lists`) carry it in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.formatting import Formatter
from clientbase.periods import Period, window_start
from clientbase.reactivation import (
    ACTIVITY_DROP,
    BASELINE_QUARTERS,
    DROP_THRESHOLD,
    LOOKBACK_MONTHS,
    MIN_DATES,
    NO_ORDER_DAYS,
    NO_ORDERS,
    OVERDUE,
    REASON_SEPARATOR,
    RHYTHM_MULTIPLIER,
    UNASSIGNED,
    URGENT_DAYS,
    revenue_at_stake,
)
from clientbase.tables import Table, table
from clientbase.text import ru_plural, t, tn
from clientbase.views.common import client_names

__all__ = [
    "Settings",
    "appendix",
    "build_table",
    "plot_revenue_at_stake",
    "plot_rhythm",
    "reading",
    "summary",
    "text",
    "top_table",
]

# bars of the manager chart: the managers with most lost revenue, the rest as "others"
_TOP_MANAGERS = 9
# managers named in the summary
_SUMMARY_MANAGERS = 5
# dots of the rhythm chart: a sample beyond this many clients keeps the chart (and the
# PDF) light on a base of a million clients
_MAX_DOTS = 20_000
_DAY_TICKS = (1, 7, 14, 30, 60, 90, 180, 365, 730)
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_NBSP = "\u00a0"

_TEXT = {
    "en": {
        "section_stake": "Revenue at stake by reason and by manager",
        "section_rhythm": "Days since the last order against each client's rhythm",
        "section_top": "Top of the call list",
        "section_build": "How the list was built",
        "headline_customers": "Clients slipping away",
        "headline_lost": "Lost revenue per quarter",
        "headline_urgent": "Urgent calls (class A)",
        "slipping": "**{n}** of the {scope} clients who bought in the last {lookback} months are slipping "
                    "away ({share}): {no_orders} with no order for more than {days} days, {overdue} silent "
                    "more than {multiplier} times their usual interval between orders, and {drop} buying "
                    "more than {percent} less in {quarter} than in an average quarter of the year before.",
        "nobody": "No client is slipping away: none of the {scope} clients who bought in the last "
                  "{lookback} months meets a reactivation condition in {quarter}.",
        "lost": "Revenue at stake: **{lost} per quarter** — what these clients bought in an average "
                "quarter of the four before {quarter} and did not buy in {quarter}; that is {share} of "
                "the average quarterly revenue of all clients who bought in the last {lookback} months.",
        "class_a": "Class A: **{a}** of the listed clients ({a_share}), carrying {a_lost} of the revenue "
                   "at stake; urgent (class A with no order for more than {urgent_days} days): **{urgent}** "
                   "— call them first.",
        "class_unknown": "ABC classes are not available (the ABC-XYZ analysis gave none), so the class of "
                         "every client is unknown and no client is flagged urgent.",
        "managers": "Per responsible manager (lost revenue per quarter): {items}.",
        "managers_more": "other managers ({n}) — {customers}",
        "manager_item": "{manager} — {customers} ({lost})",
        "unassigned_note": "Without a responsible manager: {customers}, on the \"unassigned\" list.",
        "first_call": "First call: {client} ({manager}), {lost} per quarter at stake.",
        "unassigned": "unassigned",
        "others_managers": "{n} more managers",
        "unknown": "unknown",
        "read_stake": "Lost revenue per quarter of the clients on the list: on the left by reason (a "
                      "client with several reasons counts under each, so these bars add up to more than "
                      "the total), on the right by responsible manager. In brackets, the number of "
                      "clients.",
        "read_rhythm": "Each dot is a client who bought in the last {lookback} months: across, how often it "
                       "usually orders (median days between orders); up, days since its last order (both "
                       "scales logarithmic). Above the dashed line a client is silent more than "
                       "{multiplier} times its usual interval, above the dotted line it has placed no order "
                       "for more than {days} days. {unknown_sentence}",
        "rhythm_unknown": "Not shown: {n} with fewer than {min_dates} order dates (no usual interval).",
        "rhythm_all_known": "Every client has at least {min_dates} order dates.",
        "read_top": "The first {n} calls in priority order: the largest lost revenue first, among equal "
                    "losses class A before B and C. The managers' call lists (call_lists.xlsx, one sheet "
                    "per manager) hold the whole list with contact details.",
        "read_top_masked": " Names of individuals and sole traders are masked in this report.",
        "read_build": "From the clients who bought in the last {lookback} months to the call list. A client "
                      "can meet several conditions, so the three middle rows overlap.",
        "chart_title": "Lost revenue per quarter",
        "chart_by_reason": "By reason",
        "chart_by_manager": "By responsible manager",
        "chart_rhythm": "Days since the last order vs the usual interval",
        "axis_interval": "Usual interval between orders, days",
        "axis_days": "Days since the last order",
        "legend_silent": "on the call list: silent too long",
        "legend_drop": "on the call list: activity drop only",
        "legend_other": "not on the list",
        "legend_rhythm": "{multiplier} × usual interval",
        "legend_days": "{days}",
        "reason": {
            "no_orders": "No orders > {days} days",
            OVERDUE: "Overdue vs own rhythm",
            ACTIVITY_DROP: "Activity drop > {percent}",
        },
        # the table of the top calls has little room: the same reasons in two or three words
        "reason_short": {"no_orders": "no orders > {days} d", OVERDUE: "off rhythm", ACTIVITY_DROP: "drop > {percent}"},
        "build": {
            "scope": "Bought in the {lookback} months to {as_of}",
            "no_orders": "No orders for more than {days} days",
            OVERDUE: "Silent more than {multiplier} times the usual interval",
            ACTIVITY_DROP: "Revenue in {quarter} down more than {percent} from an average quarter",
            "listed": "On the call list (at least one reason)",
            "class_a": "… of them class A",
            "urgent": "… of them urgent (class A, no order for more than {urgent_days} days)",
            "unassigned": "… of them without a responsible manager",
        },
        "col": {
            "priority": "#", "client": "Client", "manager": "Manager", "abc": "ABC",
            "days_since_last_order": "Days without orders",
            "expected_interval_days": "Usual interval, days", "baseline_revenue": "Average quarter",
            "lost_revenue": "Lost per quarter", "reason": "Reasons",
            "urgent": "Urgent", "step": "Step", "customers": "Clients", "share": "Share of buyers",
        },
        "definitions": [
            "**Clients considered**: cards not marked for deletion with positive net revenue in the "
            "{lookback} whole calendar months {lookback_start} – {as_of}. Money is net of returns; "
            "cancelled orders are excluded.",
            "**Days since the last order**: {as_of} minus the date of the last order, in calendar days. "
            "An order is a document with a positive total (returns and zero documents are not buying); "
            "times of day are ignored.",
            "**Usual interval**: the median number of days between consecutive distinct order dates, "
            "known for clients with at least {min_dates} order dates.",
            "**Revenue of {quarter}**: net revenue {quarter_start} – {as_of}. **Average quarter**: the "
            "revenue of the four quarters before it ({baseline_start} – {baseline_end}) divided by 4. "
            "**Lost revenue** = max(0, average quarter − revenue of {quarter}), per quarter.",
            "**Reasons** (a client keeps every reason that applies; only clients with at least one are "
            "listed): `no_orders_N_days` — no order for more than N = {days} days (the 1C report \"clients "
            "without orders for N days\"); `overdue_vs_own_rhythm` — usual interval known and more than "
            "{multiplier} × usual interval since the last order; `activity_drop` — average quarter > 0 "
            "and revenue of {quarter} below (1 − {percent}) × average quarter.",
            "**Priority**: rank by lost revenue, largest first; ties by ABC class (A, B, C, none), then "
            "client code. **Urgent**: class A and no order for more than {urgent_days} days.",
            "**Call lists**: each client goes to the list of its responsible manager; clients without "
            "one go to the \"unassigned\" list.",
        ],
        "abc_known": "**ABC class**: from the ABC-XYZ analysis — net revenue over the 12 months to "
                     "{as_of}, class A up to 80% of cumulative revenue, B up to 95%, C the rest; clients "
                     "without revenue in those 12 months have no class.",
        "abc_unknown": "**ABC class**: not available for this run (the ABC-XYZ analysis gave none), so it is "
                       "unknown for every client and nobody is flagged urgent.",
        "parameters": {
            "lookback_months": "Months of buying that put a client in scope",
            "no_order_days": "Days without orders for the \"no orders\" reason",
            "rhythm_multiplier": "Multiple of the usual interval for the rhythm reason",
            "drop_threshold": "Drop against an average quarter for the activity-drop reason",
            "urgent_days": "Days without orders that make a class-A client urgent",
            "top_n": "Rows of the list shown in this report",
        },
        "data_period": "{quarter}: {quarter_start} – {as_of}; money and days as of {as_of}, nothing "
                       "dated later is read. Clients considered: {scope}; on the list: {listed}.",
        "version": "clientbase {version}.",
    },
    "ru": {
        "section_stake": "Упущенная выручка по причинам и по менеджерам",
        "section_rhythm": "Дни без заказов и собственный ритм клиента",
        "section_top": "Начало списка для обзвона",
        "section_build": "Как составлен список",
        "headline_customers": "Уходящих клиентов",
        "headline_lost": "Упущенная выручка в квартал",
        "headline_urgent": "Срочных звонков (класс A)",
        "slipping": "Уходящих клиентов — **{n}** из {scope}, покупавших за последние {lookback} ({share}): "
                    "без заказов более {days} — {no_orders}; пауза более чем в {multiplier} дольше обычного "
                    "интервала между заказами — {overdue}; падение активности более {percent} в {quarter} "
                    "по сравнению со средним кварталом предыдущего года — {drop}.",
        "nobody": "Уходящих клиентов нет: ни один из {scope}, покупавших за последние {lookback}, не "
                  "подпадает под условия реактивации в {quarter}",  # {quarter} ends with "г."
        "lost": "Упущенная выручка: **{lost} в квартал** — столько эти клиенты покупали в среднем за "
                "квартал в течение четырёх кварталов до {quarter_genitive} и не купили в {quarter}; это "
                "{share} средней квартальной выручки всех клиентов, покупавших за последние {lookback}.",
        "class_a": "Клиентов класса A в списке — **{a}** ({a_share}), на них приходится {a_lost} упущенной "
                   "выручки; **{urgent}** из них без заказов более {urgent_days} — они отмечены как "
                   "срочные, звонить им первыми.",
        "class_unknown": "ABC-классы недоступны (ABC-XYZ-анализ их не дал), поэтому класс клиентов "
                         "неизвестен и срочные звонки не отмечены.",
        "managers": "По основным менеджерам (упущенная выручка в квартал): {items}.",
        "managers_more": "остальные менеджеры ({n}) — {customers}",
        "manager_item": "{manager} — {customers} ({lost})",
        "unassigned_note": "Без основного менеджера — {customers}: список «Без менеджера».",
        "first_call": "Первый звонок: {client} ({manager}), упущенная выручка {lost} в квартал.",
        "unassigned": "без менеджера",
        "others_managers": "ещё менеджеров: {n}",
        "unknown": "нет данных",
        "read_stake": "Упущенная выручка в квартал клиентов из списка: слева — по причинам (клиент с "
                      "несколькими причинами учтён в каждой, поэтому сумма этих столбцов больше итога), "
                      "справа — по основным менеджерам. В скобках — число клиентов.",
        "read_rhythm": "Каждая точка — клиент, покупавший за последние {lookback}: по горизонтали — его "
                       "обычный интервал между заказами (медиана, дней), по вертикали — дней с последнего "
                       "заказа (обе шкалы логарифмические). Выше пунктирной линии — пауза более чем в "
                       "{multiplier} дольше обычного интервала, выше точечной — без заказов более {days}. "
                       "{unknown_sentence}",
        "rhythm_unknown": "Клиенты, у которых меньше {min_dates} дат заказов, не показаны: обычный интервал "
                          "неизвестен ({n}).",
        "rhythm_all_known": "У всех клиентов не менее {min_dates} дат заказов.",
        "read_top": "Первые {n} звонков в порядке приоритета: сначала наибольшая упущенная выручка, при "
                    "равной — класс A перед B и C. Полный список с контактами — в списках для обзвона "
                    "(call_lists.xlsx, по листу на менеджера).",
        "read_top_masked": " Имена физических лиц и ИП в этом отчёте скрыты.",
        "read_build": "От клиентов, покупавших за последние {lookback}, к списку для обзвона. Клиент может "
                      "подпадать под несколько условий, поэтому три средние строки пересекаются.",
        "chart_title": "Упущенная выручка в квартал",
        "chart_by_reason": "По причинам",
        "chart_by_manager": "По основным менеджерам",
        "chart_rhythm": "Дни без заказов и обычный интервал клиента",
        "axis_interval": "Обычный интервал между заказами, дней",
        "axis_days": "Дней с последнего заказа",
        "legend_silent": "в списке: слишком долгая пауза",
        "legend_drop": "в списке: только падение активности",
        "legend_other": "не в списке",
        "legend_rhythm": "{multiplier} × обычный интервал",
        "legend_days": "{days}",
        "reason": {
            "no_orders": "Нет заказов > {days}",
            OVERDUE: "Нарушен ритм заказов",
            ACTIVITY_DROP: "Падение активности > {percent}",
        },
        "reason_short": {
            "no_orders": "нет заказов > {days} дн.", OVERDUE: "ритм нарушен", ACTIVITY_DROP: "спад > {percent}",
        },
        "build": {
            "scope": "Покупали за {lookback} по {as_of}",
            "no_orders": "Без заказов более {days}",
            OVERDUE: "Пауза более чем в {multiplier} дольше обычного интервала",
            ACTIVITY_DROP: "Падение активности более {percent} в {quarter} к среднему кварталу",
            "listed": "В списке для обзвона (хотя бы одна причина)",
            "class_a": "… из них класса A",
            "urgent": "… из них срочные (класс A, без заказов более {urgent_days})",
            "unassigned": "… из них без основного менеджера",
        },
        "col": {
            "priority": "№", "client": "Клиент", "manager": "Менеджер", "abc": "ABC",
            "days_since_last_order": "Дней без заказов",
            "expected_interval_days": "Обычный интервал, дней", "baseline_revenue": "Средний квартал",
            "lost_revenue": "Упущено в квартал", "reason": "Причины",
            "urgent": "Срочно", "step": "Шаг", "customers": "Клиентов", "share": "Доля покупавших",
        },
        "definitions": [
            "**Рассматриваемые клиенты**: карточки без пометки на удаление с положительной выручкой за "
            "{lookback} целых календарных месяцев {lookback_start} – {as_of}. Выручка — за вычетом "
            "возвратов; отменённые заказы исключены.",
            "**Дней без заказов**: {as_of} минус дата последнего заказа, в календарных днях. Заказ — "
            "документ с положительной суммой (возвраты и нулевые документы — не покупка); время суток не "
            "учитывается.",
            "**Обычный интервал**: медиана дней между соседними разными датами заказов; известен для "
            "клиентов, у которых не менее {min_dates} дат заказов.",
            "**Выручка {quarter_genitive}**: выручка {quarter_start} – {as_of}. **Средний квартал**: "
            "выручка четырёх кварталов до него ({baseline_start} – {baseline_end}), делённая на 4. "
            "**Упущенная выручка** = max(0, средний квартал − выручка {quarter_genitive}), в квартал.",
            "**Причины** (у клиента сохраняются все подходящие; в список попадают клиенты хотя бы с "
            "одной): `no_orders_N_days` — нет заказов более N дней, N = {days_plain} (как в отчёте 1С «клиенты без "
            "заказов за N дней»); `overdue_vs_own_rhythm` — обычный интервал известен, и с последнего "
            "заказа прошло более {multiplier_plain} × обычный интервал; `activity_drop` — средний "
            "квартал > 0, а выручка {quarter_genitive} ниже (1 − {percent}) × средний квартал "
            "(падение активности).",
            "**Приоритет**: место по упущенной выручке, от большей к меньшей; при равенстве — по "
            "ABC-классу (A, B, C, без класса), затем по коду клиента. **Срочно**: класс A и нет заказов "
            "более {urgent_days}.",
            "**Списки для обзвона**: каждый клиент попадает в список своего основного менеджера; клиенты "
            "без менеджера — в список «Без менеджера».",
        ],
        "abc_known": "**ABC-класс**: из ABC-XYZ-анализа — выручка за 12 месяцев по {as_of}; класс A — до "
                     "80 % накопленной выручки, B — до 95 %, C — остальные; у клиентов без выручки за эти "
                     "12 месяцев класса нет.",
        "abc_unknown": "**ABC-класс**: в этом расчёте недоступен (ABC-XYZ-анализ его не дал), поэтому класс "
                       "всех клиентов неизвестен и срочные не отмечены.",
        "parameters": {
            "lookback_months": "Месяцев покупок, за которые клиент попадает в рассмотрение",
            "no_order_days": "Дней без заказов для причины «нет заказов»",
            "rhythm_multiplier": "Во сколько раз пауза дольше обычного интервала (причина «ритм»)",
            "drop_threshold": "Падение к среднему кварталу для причины «падение активности»",
            "urgent_days": "Дней без заказов, после которых клиент класса A — срочный",
            "top_n": "Строк списка в этом отчёте",
        },
        "data_period": "{quarter}: {quarter_start} – {as_of}; выручка и дни — по состоянию на {as_of}, "
                       "более поздние данные не читаются. Рассмотрено клиентов: {scope}; в списке: {listed}.",
        "version": "clientbase {version}.",
    },
}


@dataclass(frozen=True)
class Settings:
    """The parameters a reactivation list was built with, for the words around it."""

    lookback_months: int = LOOKBACK_MONTHS
    no_order_days: int = NO_ORDER_DAYS
    rhythm_multiplier: float = RHYTHM_MULTIPLIER
    drop_threshold: float = DROP_THRESHOLD
    urgent_days: int = URGENT_DAYS
    top_n: int = 20
    # whether ABC classes were given to the list (clientbase.reactivation.abc_classes_for)
    abc_known: bool = True


def text(language: str, key: str) -> str | dict:
    """A string (or dict of strings) of this report in the language."""
    return _TEXT[language][key]


# --- executive summary ------------------------------------------------------------------------


def summary(
    scope: pd.DataFrame,
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    fmt: Formatter,
    period: Period,
    settings: Settings,
    mask_pii: bool = True,
) -> Markdown:
    """The executive summary: how many clients are slipping away, what it costs, class A, managers.

    Parameters
    ----------
    scope, candidates
        `reactivation.reactivation_scope` and `reactivation.rank_candidates` (or
        `reactivation_candidates`) of the run.
    customers
        The customers table, for the name of the first call (masked when `mask_pii`).
    """
    lang = fmt.language
    tx = _TEXT[lang]
    words = _Words(fmt, settings, period)
    n, n_scope = len(candidates), len(scope)
    if not n:
        return Markdown("- " + tx["nobody"].format(scope=fmt.number(n_scope), lookback=words.lookback,
                                                   quarter=words.quarter))
    counts = _reason_counts(candidates)
    parts = [
        tx["slipping"].format(
            n=fmt.number(n), scope=fmt.number(n_scope), lookback=words.lookback,
            share=fmt.percent(n / n_scope), days=words.days(settings.no_order_days),
            no_orders=fmt.number(counts["no_orders"]), overdue=fmt.number(counts[OVERDUE]),
            multiplier=words.times, drop=fmt.number(counts[ACTIVITY_DROP]), percent=words.percent,
            quarter=words.quarter,
        )
    ]
    lost = float(candidates["lost_revenue"].sum())
    base = float(scope["baseline_revenue"].sum())
    parts.append(tx["lost"].format(
        lost=fmt.money(lost), quarter=words.quarter, quarter_genitive=words.quarter_genitive,
        share=fmt.percent(lost / base) if base > 0 else "—", lookback=words.lookback,
    ))
    if settings.abc_known:
        is_a = candidates["abc"].eq("A").fillna(False).astype(bool)
        parts.append(tx["class_a"].format(
            a=fmt.number(int(is_a.sum())), a_share=fmt.percent(is_a.mean()),
            a_lost=fmt.percent(candidates.loc[is_a, "lost_revenue"].sum() / lost) if lost > 0 else "—",
            urgent=fmt.number(int(candidates["urgent"].sum())), urgent_days=words.days(settings.urgent_days),
        ))
    else:
        parts.append(tx["class_unknown"])
    parts.append(_managers_sentence(candidates, fmt))
    first = candidates.iloc[[0]]
    first = first.merge(client_names(customers, first["customer_id"], mask_pii=mask_pii), on="customer_id",
                        how="left")
    parts.append(tx["first_call"].format(
        client=_or_dash(first["client"].iloc[0]), manager=_manager_label(first["manager"].iloc[0], lang),
        lost=fmt.money(first["lost_revenue"].iloc[0]),
    ))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _managers_sentence(candidates: pd.DataFrame, fmt: Formatter) -> str:
    lang = fmt.language
    tx = _TEXT[lang]
    by_manager = revenue_at_stake(candidates).by_manager
    unassigned = by_manager[by_manager["manager"] == UNASSIGNED]
    named = by_manager[by_manager["manager"] != UNASSIGNED]
    shown, rest = named.iloc[:_SUMMARY_MANAGERS], named.iloc[_SUMMARY_MANAGERS:]
    items = [
        tx["manager_item"].format(manager=m, customers=_clients(int(c), lang), lost=fmt.money(v))
        for m, c, v in zip(shown["manager"], shown["customers"], shown["lost_revenue"], strict=True)
    ]
    if len(rest):
        items.append(tx["managers_more"].format(
            n=fmt.number(len(rest)), customers=_clients(int(rest["customers"].sum()), lang)
        ))
    sentence = tx["managers"].format(items="; ".join(items)) if items else ""
    if len(unassigned):
        note = tx["unassigned_note"].format(customers=_clients(int(unassigned["customers"].iloc[0]), lang))
        sentence = f"{sentence} {note}".strip()
    return sentence


# --- charts -----------------------------------------------------------------------------------


def plot_revenue_at_stake(candidates: pd.DataFrame, *, fmt: Formatter, settings: Settings):
    """Lost revenue per quarter by reason (left) and by responsible manager (right).

    At most `_TOP_MANAGERS` managers are drawn, the others summed into one bar. Returns
    the Figure, or a one-line Markdown when the list is empty.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from clientbase import plots

    lang = fmt.language
    tx = _TEXT[lang]
    if candidates.empty:
        return Markdown(t("no_rows", lang))
    words = _Words(fmt, settings, None)
    stake = revenue_at_stake(candidates)

    reasons = stake.by_reason
    reason_labels = [
        f"{_reason_label(code, words)}\n({fmt.number(int(c))})"
        for code, c in zip(reasons["reason"], reasons["customers"], strict=True)
    ]
    by_reason = pd.Series(reasons["lost_revenue"].to_numpy(), index=reason_labels)

    managers = stake.by_manager
    top, rest = managers.iloc[:_TOP_MANAGERS], managers.iloc[_TOP_MANAGERS:]
    labels = [
        f"{_manager_label(m, lang, short=True)} ({fmt.number(int(c))})"
        for m, c in zip(top["manager"], top["customers"], strict=True)
    ]
    values = top["lost_revenue"].tolist()
    if len(rest):
        labels.append(f"{tx['others_managers'].format(n=fmt.number(len(rest)))} "
                      f"({fmt.number(int(rest['customers'].sum()))})")
        values.append(float(rest["lost_revenue"].sum()))
    by_manager = pd.Series(values, index=labels)

    # one line per manager and a low figure: it shares the first page with the summary
    # instead of leaving that page half empty
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(9, max(3.0, 0.28 * len(by_manager) + 0.9)), gridspec_kw={"width_ratios": [1, 1.15]}
    )
    plots.bar(by_reason, fmt=fmt, kind="money", ax=left, title=tx["chart_by_reason"], horizontal=True)
    plots.bar(by_manager, fmt=fmt, kind="money", ax=right, title=tx["chart_by_manager"], horizontal=True)
    for ax in (left, right):
        ax.tick_params(axis="y", labelsize=8.5)
        ax.tick_params(axis="x", labelsize=8.5)
        # every bar carries its value: three ticks are enough, and more overlap on a half-width axis
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
    fig.suptitle(tx["chart_title"], x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def plot_rhythm(scope: pd.DataFrame, *, fmt: Formatter, settings: Settings, ax=None):
    """Each client's days since the last order against its usual interval, log–log.

    Clients with a usual interval only (at least `MIN_DATES` order dates); the call list
    in colour (silent too long / activity drop only), the others grey; the lines are the
    rhythm rule (y = multiplier × x) and the no-orders rule (y = N days). Beyond
    `_MAX_DOTS` clients a fixed random sample is drawn. Returns the Axes, or a one-line
    Markdown when no client has a usual interval.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    from clientbase import plots

    lang = fmt.language
    tx = _TEXT[lang]
    known = scope[scope["expected_interval_days"].notna() & scope["days_since_last_order"].notna()]
    if known.empty:
        return Markdown(t("no_rows", lang))
    if len(known) > _MAX_DOTS:
        known = known.sample(_MAX_DOTS, random_state=0)
    words = _Words(fmt, settings, None)
    x = known["expected_interval_days"].to_numpy(dtype=float)
    # a client who ordered on as_of has 0 days: drawn on the lowest tick of a log scale
    y = np.maximum(known["days_since_last_order"].to_numpy(dtype=float), 1.0)
    reason = known["reason"].fillna("")
    listed = reason.ne("").to_numpy()
    drop_only = (reason == ACTIVITY_DROP).to_numpy()

    if ax is None:
        _fig, ax = plt.subplots(figsize=(9, 4.8))
    groups = (
        (~listed, plots.GREY_LIGHT, tx["legend_other"], 10),
        (listed & drop_only, "#C9A66B", tx["legend_drop"], 14),
        (listed & ~drop_only, plots.ACCENT, tx["legend_silent"], 14),
    )
    for mask, colour, label, size in groups:
        ax.scatter(x[mask], y[mask], s=size, color=colour, alpha=0.8, linewidths=0, label=label,
                   rasterized=True)
    ax.set_xscale("log")
    ax.set_yscale("log")
    x_hi = max(float(x.max()) * 1.3, 60.0)
    y_hi = max(float(y.max()) * 1.3, settings.no_order_days * 2.0)
    ax.set_xlim(0.8, x_hi)
    ax.set_ylim(0.8, y_hi)
    line_x = np.array([0.8, x_hi])
    ax.plot(line_x, settings.rhythm_multiplier * line_x, color=plots.INK, linestyle="--", linewidth=1.1,
            label=tx["legend_rhythm"].format(multiplier=_plain_number(settings.rhythm_multiplier, lang)))
    ax.axhline(settings.no_order_days, color=plots.NEGATIVE, linestyle=":", linewidth=1.4,
               label=tx["legend_days"].format(days=words.days_nominative(settings.no_order_days)))
    for axis, hi in ((ax.xaxis, x_hi), (ax.yaxis, y_hi)):
        axis.set_major_locator(FixedLocator([v for v in _DAY_TICKS if v <= hi]))
        axis.set_minor_locator(NullLocator())
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.number(v)))
    ax.grid(axis="both", visible=True)
    ax.set_xlabel(tx["axis_interval"])
    ax.set_ylabel(tx["axis_days"])
    ax.set_title(tx["chart_rhythm"], loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, markerscale=1.5)
    return ax


def reading(
    section: str,
    *,
    fmt: Formatter,
    settings: Settings,
    scope: pd.DataFrame | None = None,
    mask_pii: bool = True,
) -> Markdown:
    """How to read a section ("stake", "rhythm", "top", "build"), with its numbers filled in.

    "rhythm" needs `scope` (it counts the clients the chart cannot place); "top" says
    whether names are masked.
    """
    lang = fmt.language
    tx = _TEXT[lang]
    words = _Words(fmt, settings, None)
    if section == "stake":
        return Markdown(tx["read_stake"])
    if section == "rhythm":
        if scope is None:
            raise ValueError("reading('rhythm') needs the scope frame")
        unknown = int(scope["expected_interval_days"].isna().sum())
        if unknown:
            sentence = tx["rhythm_unknown"].format(n=_clients(unknown, lang), min_dates=MIN_DATES)
        else:
            sentence = tx["rhythm_all_known"].format(min_dates=MIN_DATES)
        return Markdown(tx["read_rhythm"].format(
            lookback=words.lookback, multiplier=words.times, days=words.days(settings.no_order_days),
            unknown_sentence=sentence,
        ))
    if section == "top":
        return Markdown(tx["read_top"].format(n=fmt.number(settings.top_n))
                        + (tx["read_top_masked"] if mask_pii else ""))
    if section == "build":
        return Markdown(tx["read_build"].format(lookback=words.lookback))
    raise ValueError(f"no reading for section {section!r}: expected stake, rhythm, top or build")


# --- tables -----------------------------------------------------------------------------------


def top_table(
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    fmt: Formatter,
    period: Period,
    settings: Settings,
    mask_pii: bool = True,
) -> Table:
    """The first `settings.top_n` rows of the list for the report, personal data masked.

    Client names of individuals and sole traders are masked by `masking.mask_frame` when
    `mask_pii`; managers are "Фамилия И. О."; reasons are short words; the ABC class reads
    "unknown" when no classes were available, "—" for a client without one. The columns
    are the pairs a reader compares (days without orders against the usual interval, the
    average quarter against the lost revenue) so that an A4 page holds them without
    wrapping; dates and this quarter's revenue are in the call lists and candidates.csv.
    """
    lang = fmt.language
    tx = _TEXT[lang]
    words = _Words(fmt, settings, period)
    rows = candidates.iloc[: settings.top_n]
    rows = rows.merge(client_names(customers, rows["customer_id"], mask_pii=mask_pii), on="customer_id", how="left")
    shown = pd.DataFrame({
        "priority": rows["priority"].astype("int64"),
        "client": rows["client"].astype("str"),
        "manager": pd.Series([_manager_label(m, lang, short=True) for m in rows["manager"]], dtype="str"),
        "abc": rows["abc"].astype("str") if settings.abc_known else pd.Series(tx["unknown"], index=rows.index,
                                                                                dtype="str"),
        "days_since_last_order": rows["days_since_last_order"],
        "expected_interval_days": rows["expected_interval_days"],
        "baseline_revenue": rows["baseline_revenue"],
        "lost_revenue": rows["lost_revenue"],
        "reason": pd.Series([_reasons_short(r, words) for r in rows["reason"]], dtype="str"),
        "urgent": pd.Series([t("yes", lang) if u else "" for u in rows["urgent"]], dtype="str"),
    })
    labels = tx["col"]
    return table(
        shown, fmt=fmt, max_rows=None,
        labels={c: labels[c] for c in shown.columns},
        kinds={
            "priority": "number", "days_since_last_order": "number", "expected_interval_days": "number",
            "baseline_revenue": "money", "lost_revenue": "money",
        },
    )


def build_table(
    scope: pd.DataFrame, candidates: pd.DataFrame, *, fmt: Formatter, period: Period, settings: Settings
) -> Table:
    """How the list was built: clients in scope, each reason, the list, class A, urgent, unassigned.

    Each row has the number of clients, their share of the clients in scope and their
    lost revenue per quarter.
    """
    lang = fmt.language
    steps = _TEXT[lang]["build"]
    words = _Words(fmt, settings, period)
    reason = scope["reason"].fillna("")
    no_orders = _has_code(reason, re.escape(NO_ORDERS))
    overdue = _has_code(reason, OVERDUE)
    dropped = _has_code(reason, ACTIVITY_DROP)
    listed = reason.ne("")
    lost = scope["lost_revenue"]
    rows = [
        (steps["scope"].format(lookback=words.lookback, as_of=fmt.date(period.as_of)), len(scope), np.nan),
        (steps["no_orders"].format(days=words.days(settings.no_order_days)), int(no_orders.sum()),
         float(lost[no_orders].sum())),
        (steps[OVERDUE].format(multiplier=words.times), int(overdue.sum()), float(lost[overdue].sum())),
        (steps[ACTIVITY_DROP].format(percent=words.percent, quarter=words.quarter), int(dropped.sum()),
         float(lost[dropped].sum())),
        (steps["listed"], int(listed.sum()), float(lost[listed].sum())),
    ]
    if settings.abc_known:
        is_a = candidates["abc"].eq("A").fillna(False).astype(bool)
        urgent = candidates["urgent"].astype(bool)
        rows += [
            (steps["class_a"], int(is_a.sum()), float(candidates.loc[is_a, "lost_revenue"].sum())),
            (steps["urgent"].format(urgent_days=words.days(settings.urgent_days)), int(urgent.sum()),
             float(candidates.loc[urgent, "lost_revenue"].sum())),
        ]
    unassigned = candidates["manager"].isna()
    rows.append((steps["unassigned"], int(unassigned.sum()), float(candidates.loc[unassigned, "lost_revenue"].sum())))
    frame = pd.DataFrame(rows, columns=["step", "customers", "lost_revenue"])
    frame["step"] = frame["step"].astype("str")
    frame.insert(2, "share", frame["customers"] / len(scope) if len(scope) else np.nan)
    labels = _TEXT[lang]["col"]
    return table(
        frame, fmt=fmt, max_rows=None, labels={c: labels[c] for c in frame.columns},
        kinds={"customers": "number", "share": "percent", "lost_revenue": "money"},
    )


# --- appendix ---------------------------------------------------------------------------------


def appendix(
    scope: pd.DataFrame, candidates: pd.DataFrame, *, fmt: Formatter, period: Period, settings: Settings,
    version: str,
) -> Markdown:
    """Definitions (REFERENCE.md "Reactivation"), parameters used, data period, version."""
    lang = fmt.language
    tx = _TEXT[lang]
    words = _Words(fmt, settings, period)
    as_of = period.as_of
    baseline_start = period.start - pd.DateOffset(months=3 * BASELINE_QUARTERS)
    values = {
        "lookback": settings.lookback_months,
        "lookback_start": fmt.date(window_start(as_of, settings.lookback_months)),
        "as_of": fmt.date(as_of),
        "min_dates": MIN_DATES,
        "quarter": words.quarter,
        "quarter_genitive": words.quarter_genitive,
        "quarter_start": fmt.date(period.start),
        "baseline_start": fmt.date(baseline_start),
        "baseline_end": fmt.date(period.start - pd.Timedelta(days=1)),
        "days_plain": settings.no_order_days,
        "days": words.days(settings.no_order_days),
        "multiplier": _plain_number(settings.rhythm_multiplier, lang),
        "multiplier_plain": _plain_number(settings.rhythm_multiplier, lang),
        "percent": words.percent,
        "urgent_days": words.days(settings.urgent_days),
    }
    if lang == "en":
        values["days"] = settings.no_order_days
        values["urgent_days"] = settings.urgent_days
    lines = [f"### {t('definitions', lang)}", ""]
    lines += [f"- {d.format(**values)}" for d in tx["definitions"]]
    lines.append(f"- {tx['abc_known' if settings.abc_known else 'abc_unknown'].format(as_of=fmt.date(as_of))}")
    lines += ["", f"### {t('parameters', lang)}", ""]
    names = tx["parameters"]
    shown = {
        "lookback_months": fmt.number(settings.lookback_months),
        "no_order_days": fmt.number(settings.no_order_days),
        "rhythm_multiplier": _plain_number(settings.rhythm_multiplier, lang),
        "drop_threshold": fmt.percent(settings.drop_threshold, digits=0),
        "urgent_days": fmt.number(settings.urgent_days),
        "top_n": fmt.number(settings.top_n),
    }
    lines += [f"- `{key}` = {value} — {names[key]}" for key, value in shown.items()]
    lines += ["", f"### {t('data_period', lang)}", ""]
    lines.append(tx["data_period"].format(
        quarter=words.quarter_short, quarter_start=fmt.date(period.start), as_of=fmt.date(as_of),
        scope=fmt.number(len(scope)), listed=fmt.number(len(candidates)),
    ))
    lines += ["", f"### {t('package_version', lang)}", "", tx["version"].format(version=version)]
    return Markdown("\n".join(lines))


# --- helpers ----------------------------------------------------------------------------------


class _Words:
    """The parameters and the quarter in words of the report language."""

    def __init__(self, fmt: Formatter, settings: Settings, period: Period | None):
        self.fmt = fmt
        self.lang = fmt.language
        self.settings = settings
        self.period = period

    @property
    def lookback(self) -> str:
        """"24" (en, "the last 24 months") or "24 месяца" (ru, "за последние 24 месяца")."""
        n = self.settings.lookback_months
        if self.lang == "ru":
            return f"{n} {ru_plural(n, ('месяц', 'месяца', 'месяцев'))}"
        return str(n)

    def days(self, n: int) -> str:
        """"90" (en, "more than 90 days") or "90 дней" (ru, genitive after "более")."""
        if self.lang == "ru":
            return f"{n} {'дня' if n % 10 == 1 and n % 100 != 11 else 'дней'}"
        return str(n)

    def days_nominative(self, n: int) -> str:
        if self.lang == "ru":
            return f"{n} {ru_plural(n, ('день', 'дня', 'дней'))}"
        return f"{n} days"

    @property
    def times(self) -> str:
        """"2" (en, "2 times") or "2 раза" / "5 раз" (ru, "в 2 раза дольше")."""
        m = self.settings.rhythm_multiplier
        shown = _plain_number(m, self.lang)
        if self.lang == "ru":
            word = "раза" if m != int(m) else ru_plural(int(m), ("раз", "раза", "раз"))
            return f"{shown} {word}"
        return shown

    @property
    def percent(self) -> str:
        return self.fmt.percent(self.settings.drop_threshold, digits=0)

    def _quarter(self, ru_form: str) -> str:
        """The run's quarter: "Q3 2026" in English, "III <ru_form> 2026" in Russian."""
        p = self.period
        if p is None:
            return ""
        if self.lang == "ru":
            return f"{_ROMAN[p.quarter]} {ru_form.format(year=p.year)}"
        return f"Q{p.quarter} {p.year}"

    @property
    def quarter(self) -> str:
        """"Q3 2026" / "III квартале 2026 г." (after "in" / "в")."""
        return self._quarter("квартале {year} г.")

    @property
    def quarter_genitive(self) -> str:
        return self._quarter("квартала {year} г.")

    @property
    def quarter_short(self) -> str:
        return self._quarter("кв. {year}")


def _plain_number(value: float, language: str) -> str:
    text = f"{round(float(value), 2):g}"
    return text.replace(".", ",") if language == "ru" else text


def _reason_label(code: str, words: _Words, *, short: bool = False) -> str:
    labels = _TEXT[words.lang]["reason_short" if short else "reason"]
    if code == OVERDUE:
        return labels[OVERDUE]
    if code == ACTIVITY_DROP:
        return labels[ACTIVITY_DROP].format(percent=words.percent)
    days = words.settings.no_order_days
    if short:
        return labels["no_orders"].format(days=days)
    return labels["no_orders"].format(days=words.days_nominative(days) if words.lang == "ru" else days)


def _reasons_short(codes: object, words: _Words) -> str:
    if codes is None or pd.isna(codes):
        return ""
    # no-break spaces inside a reason: a narrow column wraps between reasons, not within one
    return ", ".join(
        _reason_label(c, words, short=True).replace(" ", _NBSP) for c in str(codes).split(REASON_SEPARATOR) if c
    )


def _short_person(name: str) -> str:
    """"Смирнова Ольга Викторовна" → "Смирнова О. В.": a manager's name that fits a table column."""
    parts = name.split()
    if len(parts) not in (2, 3) or not all(p[:1].isalpha() for p in parts):
        return name
    # no-break spaces: the initials stay on the surname's line
    return _NBSP.join([parts[0], *(f"{p[0]}." for p in parts[1:])])


def _has_code(reason: pd.Series, pattern: str) -> pd.Series:
    """Whether the "|"-joined codes contain a code matching `pattern` (a regex)."""
    sep = re.escape(REASON_SEPARATOR)
    return reason.str.contains(f"(?:^|{sep})(?:{pattern})(?:{sep}|$)", regex=True).fillna(False).astype(bool)


def _reason_counts(candidates: pd.DataFrame) -> dict[str, int]:
    by_reason = revenue_at_stake(candidates).by_reason
    counts = {"no_orders": 0, OVERDUE: 0, ACTIVITY_DROP: 0}
    for code, n in zip(by_reason["reason"], by_reason["customers"], strict=True):
        key = "no_orders" if code == NO_ORDERS else code
        counts[key] = counts.get(key, 0) + int(n)
    return counts


def _clients(n: int, language: str) -> str:
    """"1 client" / "5 clients" (the English of these reports says client, as 1C's клиент)."""
    if language == "en":
        return f"{Formatter('en').number(n)} client{'' if n == 1 else 's'}"
    return tn("customers", n, language)


def _manager_label(manager: object, language: str, *, short: bool = False) -> str:
    if manager is None or pd.isna(manager) or manager == UNASSIGNED:
        return _TEXT[language]["unassigned"]
    return _short_person(str(manager)) if short else str(manager)


def _or_dash(value: object) -> str:
    return "—" if value is None or pd.isna(value) else str(value)
