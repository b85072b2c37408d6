"""Presentation of the base audit (ревизия клиентской базы): summary, charts, tables, task lists.

Source of the rules shown: REFERENCE.md "Base audit" (computed in `clientbase.audit`);
words per GLOSSARY.md (дубли контрагентов, обособленное подразделение, заполненность
реквизитов, «спящий» клиент, задача, исполнитель). Every sentence is generated from the
numbers, in the report language. Stakeholder tables mask personal data when asked to; the
managers' task workbook (`write_task_lists`) carries it in full.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.audit import ALL, EXACT_RULES, FILL_FIELDS, NO_MANAGER, UNASSIGNED, AuditResult
from clientbase.excel import write_manager_workbook
from clientbase.formatting import MINUS, Formatter
from clientbase.identifiers import INN_PROBLEMS, KPP_PROBLEMS
from clientbase.masking import mask_frame
from clientbase.periods import Period, quarter_of
from clientbase.tables import Table, table
from clientbase.text import t, texts

__all__ = [
    "appendix", "duplicate_examples", "invalid_table", "plot_duplicates", "plot_fill_rates", "plot_trend",
    "reading", "summary", "task_text", "tasks_table", "text", "worded_tasks", "write_task_lists",
]

# rows of the fill-rate heatmap: the managers with most cards beyond this many
_MAX_MANAGERS = 15
_RULES = (*EXACT_RULES, "fuzzy_name")
# the columns of tasks.csv (DESIGN.md "Output contract")
_TASK_COLUMNS = ["manager", "customer_id", "task", "task_code", "name"]

# the words of the task codes of `clientbase.audit.audit_tasks`; a duplicate task names its group
# and the rule that joined the card
_TASKS = {
    "en": {
        "inn_not_digits": "Check INN: characters other than digits",
        "inn_all_zeros": "Check INN: all zeros",
        "inn_length": "Check INN: wrong length (10 digits for a company, 12 for a person or sole trader)",
        "inn_checksum": "Check INN: wrong check digits",
        "kpp_format": "Check KPP: wrong format",
        "kpp_missing": "Fill in KPP: required for a company",
        "kpp_unexpected": "Remove KPP: a person or sole trader has none",
        "duplicate": "Merge duplicates: group {group} ({rule})",
        "inn_kpp": "same INN and KPP",
        "phone": "same phone",
        "email": "same email",
        "name": "same name",
        "fuzzy_name": "similar name",
        "fill_source": "Fill in the acquisition source",
        "fill_manager": "Assign a manager",
        "fill_category": "Fill in the customer category",
        "fill_contact": "Fill in contact details (phone or email)",
        "fill_inn": "Fill in INN",
        "fill_region": "Fill in the region",
    },
    "ru": {
        "inn_not_digits": "Проверить ИНН: недопустимые символы (только цифры)",
        "inn_all_zeros": "Проверить ИНН: указаны одни нули",
        "inn_length": "Проверить ИНН: неверная длина (10 цифр у организации, 12 у ИП и физлица)",
        "inn_checksum": "Проверить ИНН: неверная контрольная сумма",
        "kpp_format": "Проверить КПП: неверный формат",
        "kpp_missing": "Заполнить КПП: обязателен для организации",
        "kpp_unexpected": "Удалить КПП: у ИП и физлица КПП не указывается",
        "duplicate": "Объединить дубли: группа {group} ({rule})",
        "inn_kpp": "совпадают ИНН и КПП",
        "phone": "совпадает телефон",
        "email": "совпадает электронная почта",
        "name": "совпадает наименование",
        "fuzzy_name": "похожее наименование",
        "fill_source": "Заполнить источник привлечения",
        "fill_manager": "Назначить основного менеджера",
        "fill_category": "Заполнить категорию клиента",
        "fill_contact": "Заполнить контактную информацию (телефон или электронная почта)",
        "fill_inn": "Заполнить ИНН",
        "fill_region": "Заполнить регион",
    },
}

# every word of this report: lib/clientbase/text/base_audit.yaml


def text(language: str, key: str) -> str | dict:
    """A string (or dict of strings) of this report in the language."""
    return texts("base_audit", language)[key]


# --- executive summary ------------------------------------------------------------------------


def summary(result: AuditResult, *, fmt: Formatter) -> Markdown:
    """The executive summary: base and growth, duplicates, invalid ids, fill rates, activity, tasks."""
    tx = texts("base_audit", fmt.language)
    base = result.base
    parts = [tx["base"].format(
        as_of=fmt.date(result.as_of), customers=fmt.number(base.customers), growth=_signed(base.growth, fmt),
        previous=fmt.date(result.previous_as_of), growth_share=fmt.signed_percent(base.growth_share),
        buyers=fmt.number(base.active_buyers), window=result.window_months,
    )]
    dup = result.duplicate_summary.set_index("match_rule")
    if len(result.duplicates):
        cards = result.duplicates["match_rule"].value_counts()
        by_rule = ", ".join(f"{tx['rule'][r]} — {fmt.number(int(cards.get(r, 0)))}" for r in _rules_of(result))
        parts.append(tx["duplicates"].format(groups=fmt.number(int(dup.loc[ALL, "groups"])),
                                             cards=fmt.number(int(dup.loc[ALL, "customers"])), by_rule=by_rule))
    else:
        parts.append(tx["no_duplicates"])
    if len(result.branches):
        parts.append(tx["branches"].format(orgs=fmt.number(result.branches["inn"].nunique()),
                                           cards=fmt.number(len(result.branches))))
    invalid = result.invalid
    if len(invalid):
        counts = invalid["problem"].value_counts()
        sentence = tx["invalid"].format(
            n=fmt.number(len(invalid)), cards=fmt.number(invalid["customer_id"].nunique()),
            inn=fmt.number(int((invalid["field"] == "inn").sum())),
            kpp=fmt.number(int((invalid["field"] == "kpp").sum())),
        )
        # "most often" only when one problem clearly leads
        if len(counts) == 1 or counts.iloc[0] > counts.iloc[1]:
            sentence += " " + tx["invalid_top"].format(top=tx["problem"][counts.index[0]], code=counts.index[0])
        parts.append(sentence)
    else:
        parts.append(tx["no_invalid"])
    parts.extend(_fill_sentences(result, fmt))
    sleeping_change = base.sleeping - base.sleeping_previous
    quarter = quarter_of(result.as_of)
    parts.append(tx["activity"].format(
        sleeping=fmt.number(base.sleeping), days=result.sleeping_days, change=_signed(sleeping_change, fmt),
        previous=fmt.date(result.previous_as_of), new=fmt.number(base.new),
        quarter=_quarter(quarter, fmt.language), new_previous=fmt.number(base.new_previous),
        previous_quarter=_quarter(quarter.previous(), fmt.language),
    ))
    parts.append(_tasks_sentence(result, fmt))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _fill_sentences(result: AuditResult, fmt: Formatter) -> list[str]:
    tx = texts("base_audit", fmt.language)
    quality = result.manager_quality
    if not quality["customers"].sum():
        return []
    complete = result.complete_share
    overall = result.fill_rates[result.fill_rates["manager"] == ALL].dropna(subset=["filled_share"])
    emptiest = overall.sort_values("filled_share", kind="stable").iloc[0]
    parts = [tx["fill"].format(complete=fmt.percent(complete), field=tx["field"][emptiest["field"]],
                               field_share=fmt.percent(emptiest["filled_share"]))]
    named = quality[quality["manager"] != NO_MANAGER]
    if len(named) >= 2:
        worst, best = named.iloc[0], named.iloc[-1]
        parts.append(tx["quality"].format(best=best["manager"], best_share=fmt.percent(best["complete_share"]),
                                          worst=worst["manager"], worst_share=fmt.percent(worst["complete_share"])))
    return parts


def _tasks_sentence(result: AuditResult, fmt: Formatter) -> str:
    tx = texts("base_audit", fmt.language)
    tasks = result.tasks
    if tasks.empty:
        return tx["no_tasks"]
    sentence = tx["tasks"].format(tasks=fmt.number(len(tasks)), cards=fmt.number(tasks["customer_id"].nunique()),
                                  managers=fmt.number(tasks.loc[tasks["manager"] != UNASSIGNED, "manager"].nunique()))
    orphans = _orphan_cards(result)
    if orphans:
        key = "tasks_spread" if result.executors else "tasks_unassigned"
        sentence += " " + tx[key].format(orphans=fmt.number(orphans), executors=", ".join(result.executors))
    return sentence


# --- how to read each section ---------------------------------------------------------------


def reading(section: str, result: AuditResult, *, fmt: Formatter, top_n: int = 20, mask_pii: bool = True) -> Markdown:
    """How to read a section: "duplicates", "examples", "invalid", "fill", "trend" or "tasks"."""
    tx = texts("base_audit", fmt.language)
    if section == "duplicates":
        return Markdown(tx["read_duplicates"])
    if section == "examples":
        return Markdown(tx["read_examples"].format(n=fmt.number(top_n)) + (tx["read_masked"] if mask_pii else ""))
    if section == "invalid":
        return Markdown(tx["read_invalid"])
    if section == "fill":
        managers = int((result.manager_quality["manager"] != NO_MANAGER).sum())
        more = tx["read_fill_more"].format(n=_MAX_MANAGERS) if managers > _MAX_MANAGERS else ""
        return Markdown(tx["read_fill"] + more + ("" if result.has_contacts else tx["read_no_contacts"]))
    if section == "trend":
        return Markdown(tx["read_trend"].format(window=result.window_months, days=result.sleeping_days))
    if section == "tasks":
        return Markdown(tx["read_tasks"])
    raise ValueError(f"no reading for section {section!r}: expected duplicates, examples, invalid, fill, "
                     "trend or tasks")


# --- charts -----------------------------------------------------------------------------------


def plot_duplicates(result: AuditResult, *, fmt: Formatter):
    """Cards in duplicate groups per rule (horizontal bars); a one-line Markdown when none.

    The Figure is closed before it is returned, so a notebook shows it once (as the cell's value).
    """
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = texts("base_audit", fmt.language)
    if result.duplicates.empty:
        return Markdown(tx["no_duplicates"])
    rules = _rules_of(result)
    groups = result.duplicate_summary.set_index("match_rule")["groups"]
    cards = result.duplicates["match_rule"].value_counts().reindex(list(rules), fill_value=0)
    labels = [f"{tx['rule'][r]}\n{tx['groups'].lower()}: {fmt.number(int(groups.get(r, 0)))}" for r in rules]
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(rules) + 1.4))
    plots.bar(pd.Series(cards.to_numpy(), index=labels), fmt=fmt, kind="number", ax=ax, horizontal=True,
              title=tx["chart_duplicates"])
    plt.close(fig)
    return fig


def plot_fill_rates(result: AuditResult, *, fmt: Formatter):
    """Heatmap managers × fields of the fill rate, with the share of fully filled cards last.

    Rows: all cards first, then the managers (at most `_MAX_MANAGERS`, those with the most
    cards) from the worst data quality to the best, cards without a manager last.
    """
    import matplotlib.pyplot as plt

    from clientbase import plots

    tx = texts("base_audit", fmt.language)
    quality = result.manager_quality
    named = quality[quality["manager"] != NO_MANAGER]
    if len(named) > _MAX_MANAGERS:
        keep = named.sort_values(["customers", "manager"], ascending=[False, True], kind="stable")
        named = named[named["manager"].isin(keep["manager"].iloc[:_MAX_MANAGERS])]
    order = [ALL, *named["manager"], *quality.loc[quality["manager"] == NO_MANAGER, "manager"]]
    shares = result.fill_rates.pivot(index="manager", columns="field", values="filled_share")
    shares = shares.reindex(index=order, columns=list(FILL_FIELDS))
    complete = quality.set_index("manager")["complete_share"]
    complete[ALL] = result.complete_share
    shares["complete"] = complete.reindex(order).to_numpy()
    cards = quality.set_index("manager")["customers"]
    cards[ALL] = int(quality["customers"].sum())
    rows = [f"{_manager_label(m, fmt.language)} ({fmt.number(int(cards.get(m, 0)))})" for m in order]
    frame = pd.DataFrame(shares.to_numpy(dtype=float), index=rows,
                         columns=[*(tx["field_short"][f] for f in FILL_FIELDS), tx["complete"]])
    fig, ax = plt.subplots(figsize=(9, 0.36 * len(rows) + 1.6))
    plots.heatmap(frame, fmt=fmt, kind="percent", ax=ax)
    ax.tick_params(axis="x", labelsize=8.5)
    ax.tick_params(axis="y", labelsize=8.5)
    ax.axvline(len(FILL_FIELDS) - 0.5, color="white", linewidth=3)
    ax.axhline(0.5, color="white", linewidth=3)
    fig.suptitle(tx["chart_fill"], x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    plt.close(fig)
    return fig


def plot_trend(result: AuditResult, *, fmt: Formatter):
    """Per quarter: cards and buyers (left, lines); new and sleeping clients (right, bars)."""
    import matplotlib.pyplot as plt

    from clientbase.plots import ACCENT, GREY, NEGATIVE

    tx = texts("base_audit", fmt.language)
    trend = result.trend
    ticks = [_quarter(_period(q), fmt.language, tick=True) for q in trend["quarter"]]
    x = np.arange(len(trend))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    left.plot(x, trend["customers"], marker="o", color=ACCENT,
              label=tx["series_customers"])
    left.plot(x, trend["active_buyers"], marker="o", color=GREY,
              label=tx["series_buyers"].format(window=result.window_months))
    left.set_ylim(bottom=0)
    left.set_title(tx["chart_base"], loc="left")
    width = 0.4
    right.bar(x - width / 2, trend["new"], width=width, color=ACCENT, label=tx["series_new"])
    right.bar(x + width / 2, trend["sleeping"], width=width, color=NEGATIVE, label=tx["series_sleeping"])
    right.set_title(tx["chart_activity"], loc="left")
    for ax in (left, right):
        ax.set_xticks(x, ticks)
        ax.tick_params(axis="x", labelsize=8)
        fmt.axis(ax, "y", "number")
        ax.legend(loc="upper left", fontsize=8.5)
        ax.margins(y=0.15)
    plt.close(fig)
    return fig


# --- tables -----------------------------------------------------------------------------------


def duplicate_examples(
    result: AuditResult, customers: pd.DataFrame, *, fmt: Formatter, top_n: int = 20, mask_pii: bool = True
) -> Table:
    """The first `top_n` cards of the duplicate groups, with rule and shared value.

    When `mask_pii`: names of persons and sole traders (`masking.mask_frame`), phones and
    emails masked; the shared name or ИНН of a person or sole trader is shown as ``***``.
    """
    tx = texts("base_audit", fmt.language)
    rows = result.duplicates.iloc[:top_n].merge(_cards(customers), on="customer_id", how="left")
    value = rows["match_value"].astype("str")
    shown = pd.DataFrame({
        "group_id": rows["group_id"].astype("str"),
        "client": rows["name"].astype("str"),
        "manager": pd.Series([_manager_label(m, fmt.language) for m in rows["manager"]], dtype="str"),
        "match_rule": rows["match_rule"].map(tx["rule"]).astype("str"),
        "match_value": value,
        "customer_type": rows["customer_type"].astype("str"),
        "phone": value.where(rows["match_rule"] == "phone"),
        "email": value.where(rows["match_rule"] == "email"),
    })
    if mask_pii:
        shown = mask_frame(shown, email=("email",), phone=("phone",), customer_name="client")
        personal = shown["customer_type"].isin(["person", "sole_trader"]).to_numpy()
        by_person = np.isin(rows["match_rule"].to_numpy(), ["inn_kpp", "name", "fuzzy_name"]) & personal
        masked_value = shown["phone"].fillna(shown["email"]).fillna(shown["match_value"])
        shown["match_value"] = masked_value.mask(by_person, "***")
    shown = shown.drop(columns=["customer_type", "phone", "email"])
    labels = tx["col"]
    return table(shown, fmt=fmt, max_rows=None, labels={c: labels[c] for c in shown.columns})


def invalid_table(result: AuditResult, *, fmt: Formatter) -> Table:
    """Invalid ИНН and КПП by problem code: every code of REFERENCE.md, with its count of cards."""
    tx = texts("base_audit", fmt.language)
    codes = [("inn", c) for c in INN_PROBLEMS] + [("kpp", c) for c in KPP_PROBLEMS]
    counts = result.invalid.groupby(["field", "problem"]).size()
    frame = pd.DataFrame({
        "field": pd.Series([tx["field_id"][f] for f, _ in codes], dtype="str"),
        "problem": pd.Series([c for _, c in codes], dtype="str"),
        "meaning": pd.Series([tx["problem"][c] for _, c in codes], dtype="str"),
        "cards": pd.Series([int(counts.get((f, c), 0)) for f, c in codes], dtype="int64"),
    })
    labels = tx["col"]
    return table(frame, fmt=fmt, max_rows=None, labels={c: labels[c] for c in frame.columns},
                 kinds={"cards": "number"})


def tasks_table(result: AuditResult, *, fmt: Formatter) -> Table:
    """Tasks per person: cards to fix, tasks, and tasks by kind (identifiers, duplicates, empty fields)."""
    tx = texts("base_audit", fmt.language)
    tasks = result.tasks
    code = tasks["task_code"].astype("str")
    kind = np.select([code.str.startswith("duplicate_").to_numpy(dtype=bool),
                      code.str.startswith("fill_").to_numpy(dtype=bool)], ["duplicates", "gaps"], "ids")
    frame = pd.DataFrame({"manager": tasks["manager"].to_numpy(), "kind": kind, "customer_id": tasks["customer_id"]})
    by_kind = pd.crosstab(frame["manager"], frame["kind"]).reindex(columns=["ids", "duplicates", "gaps"], fill_value=0)
    out = pd.DataFrame({
        "cards": frame.groupby("manager")["customer_id"].nunique(),
        "tasks": frame.groupby("manager").size(),
    }).join(by_kind).fillna(0).astype("int64")
    out = out.sort_values(["tasks", "cards"], ascending=False, kind="stable").reset_index()
    out["manager"] = pd.Series([_manager_label(m, fmt.language) for m in out["manager"]], dtype="str")
    labels = tx["col"]
    return table(out, fmt=fmt, max_rows=None, labels={c: labels[c] for c in out.columns},
                 kinds={c: "number" for c in ("cards", "tasks", "ids", "duplicates", "gaps")})


# --- tasks ------------------------------------------------------------------------------------


def task_text(tasks: pd.DataFrame, *, language: str) -> pd.Series:
    """Each coded task of `clientbase.audit.audit_tasks` as a sentence for the manager.

    A duplicate task names its group and rule (columns `group_id`, `match_rule`): "Merge
    duplicates: group D0001 (same phone)"; every other task is worded by its `task_code`
    alone. A code with no words is NA.

    Returns
    -------
    Series[str] named "task", on the index of `tasks`.
    """
    if language not in _TASKS:
        raise ValueError(f"language must be one of {tuple(_TASKS)}, got {language!r}")
    words = _TASKS[language]
    code = tasks["task_code"].astype("str")
    text = code.map(words).astype("str")
    duplicate = code.str.startswith("duplicate_", na=False)
    if duplicate.any():
        head, tail = words["duplicate"].split("{group}")
        middle, end = tail.split("{rule}")
        rows = tasks[duplicate]
        named = head + rows["group_id"].astype("str") + middle + rows["match_rule"].astype("str").map(words) + end
        text = text.mask(duplicate, named)
    return text.rename("task")


def worded_tasks(tasks: pd.DataFrame, *, language: str) -> pd.DataFrame:
    """The coded tasks of `clientbase.audit.audit_tasks` as `tasks.csv` holds them.

    Returns
    -------
    DataFrame[manager, customer_id, task, task_code, name]
        `task`: `task_text` in the language.
    """
    return tasks.assign(task=task_text(tasks, language=language))[_TASK_COLUMNS]


# --- Excel ------------------------------------------------------------------------------------


def write_task_lists(tasks: pd.DataFrame, customers: pd.DataFrame, path: str | Path, *, language: str) -> Path:
    """The managers' task workbook: one sheet per person, with the card's full details.

    `tasks` are the coded tasks of `clientbase.audit.audit_tasks`, worded here in `language`
    (`task_text`). Nothing is masked (DESIGN.md "Rendering"); tasks of `UNASSIGNED` go to the
    workbook's unassigned sheet. The last column is left for the manager's notes.
    """
    tx = texts("base_audit", language)
    details = customers[[c for c in ("customer_id", "name", "inn", "kpp", "phone", "email") if c in customers]]
    rows = (tasks.assign(task=task_text(tasks, language=language)).drop(columns=["name"], errors="ignore")
            .merge(details, on="customer_id", how="left"))
    rows["manager"] = rows["manager"].mask(rows["manager"] == UNASSIGNED)
    columns = {c: tx["xlsx"][c] for c in ("customer_id", "name", "task", "inn", "kpp", "phone", "email", "done")}
    return write_manager_workbook(rows, path, columns=columns, manager="manager", language=language,
                                  unassigned=tx["unassigned"], note_columns=("done",))


# --- appendix ---------------------------------------------------------------------------------


def appendix(result: AuditResult, *, fmt: Formatter, period: Period, top_n: int, version: str) -> Markdown:
    """Definitions (REFERENCE.md "Base audit"), parameters used, data period, package version."""
    lang = fmt.language
    tx = texts("base_audit", lang)
    fuzzy = "" if result.fuzzy_threshold is None else tx["fuzzy_on"].format(
        threshold=fmt.percent(result.fuzzy_threshold, digits=0))
    lines = [f"### {t('definitions', lang)}", ""]
    lines += [f"- {d.format(days=result.sleeping_days, window=result.window_months, fuzzy=fuzzy)}"
              for d in tx["definitions"]]
    lines += ["", f"### {t('parameters', lang)}", ""]
    shown = {
        "sleeping_days": fmt.number(result.sleeping_days),
        "window_months": fmt.number(result.window_months),
        "trend_quarters": fmt.number(result.trend_quarters),
        "fuzzy_threshold": tx["off"] if result.fuzzy_threshold is None else fmt.percent(result.fuzzy_threshold, 0),
        "executors": ", ".join(result.executors) or tx["none"],
        "top_n": fmt.number(top_n),
    }
    lines += [f"- `{key}` = {value} — {tx['parameters'][key]}" for key, value in shown.items()]
    lines += ["", f"### {t('data_period', lang)}", ""]
    cards = int(result.manager_quality["customers"].sum())
    lines.append(tx["data_period"].format(as_of=fmt.date(result.as_of), quarter=_quarter(period, lang),
                                          previous=fmt.date(result.previous_as_of), cards=fmt.number(cards)))
    lines += ["", f"### {t('package_version', lang)}", "", tx["version"].format(version=version)]
    return Markdown("\n".join(lines))


# --- helpers ----------------------------------------------------------------------------------


def _rules_of(result: AuditResult) -> tuple[str, ...]:
    """The exact rules, and `fuzzy_name` when the audit looked for similar names."""
    return _RULES if result.fuzzy_threshold is not None else EXACT_RULES


def _orphan_cards(result: AuditResult) -> int:
    """Cards with tasks whose card names no manager (spread over executors or unassigned)."""
    gaps = result.fill_gaps
    no_manager = gaps.loc[gaps["field"] == "manager", "customer_id"]
    return int(result.tasks.loc[result.tasks["customer_id"].isin(no_manager), "customer_id"].nunique())


def _cards(customers: pd.DataFrame) -> pd.DataFrame:
    columns = ["customer_id", "name", "manager", "customer_type"]
    return pd.DataFrame({c: (customers[c] if c in customers else pd.Series(pd.NA, index=customers.index))
                         .astype("str") for c in columns})


def _manager_label(manager: object, language: str) -> str:
    if manager is None or pd.isna(manager) or manager == NO_MANAGER:
        return texts("base_audit", language)["no_manager"]
    if manager == ALL:
        return texts("base_audit", language)["all_cards"]
    if manager == UNASSIGNED:
        return texts("base_audit", language)["unassigned"]
    return str(manager)


def _signed(n: int, fmt: Formatter) -> str:
    if n > 0:
        return "+" + fmt.number(n)
    return (MINUS + fmt.number(-n)) if n < 0 else fmt.number(0)


def _period(label: str) -> Period:
    year, quarter = label.split("Q")
    return Period(int(year), int(quarter))


def _quarter(period: Period, language: str, *, tick: bool = False) -> str:
    template = texts("base_audit", language)["quarter_tick" if tick else "quarter"]
    return template.format(q=period.quarter, year=period.year)
