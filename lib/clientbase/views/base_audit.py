"""Presentation of the base audit (ревизия клиентской базы): summary, charts, tables, task lists.

Source of the rules shown: REFERENCE.md "Base audit" (computed in `clientbase.audit`);
words per GLOSSARY.md (дубли контрагентов, обособленное подразделение, заполненность
реквизитов, «спящий» клиент, задача, исполнитель). Every sentence is generated from the
numbers, in the report language. Stakeholder tables mask personal data when asked to; the
managers' task workbook (`write_task_lists`) carries it in full.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from clientbase.audit import ALL, NO_MANAGER, TASK_KINDS, UNASSIGNED, AuditResult
from clientbase.excel import write_manager_workbook
from clientbase.formatting import Formatter
from clientbase.masking import mask_frame
from clientbase.periods import Period, quarter_of
from clientbase.tables import Table, table
from clientbase.text import Words, t
from clientbase.views.base_audit_plots import (
    MAX_MANAGERS,
    fill_rows,
    manager_label,
    plot_activity_trend,
    plot_base_trend,
    plot_duplicates,
    plot_fill_rates,
    quarter_label,
    rules_of,
)
from clientbase.views.common import Section, plain
from clientbase.views.common import section as common_section

__all__ = [
    "SECTIONS", "appendix", "duplicate_examples", "headlines", "invalid_table", "section",
    "reading", "summary", "task_text", "tasks_table", "worded_tasks", "write_task_lists",
]

# the columns of tasks.csv (DESIGN.md "Output contract")
_TASK_COLUMNS = ["manager", "customer_id", "task", "task_code", "name"]

# --- executive summary ------------------------------------------------------------------------


def summary(result: AuditResult, *, fmt: Formatter) -> Markdown:
    """The executive summary: base and growth, duplicates, invalid ids, fill rates, activity, tasks."""
    tx = Words("base_audit", fmt.language)
    base = result.base
    parts = [tx("base",
        as_of=fmt.date(result.as_of), customers=fmt.number(base.customers), growth=fmt.signed_number(base.growth),
        previous=fmt.date(result.previous_as_of), growth_share=fmt.signed_percent(base.growth_share),
        buyers=fmt.number(base.active_buyers), window=result.window_months,
    )]
    dup = result.duplicate_summary.set_index("match_rule")
    if len(result.duplicates):
        cards = result.cards_by_rule
        by_rule = ", ".join(f"{tx['rule'][r]} — {fmt.number(cards.get(r, 0))}" for r in rules_of(result))
        parts.append(tx("duplicates", groups=int(dup.loc[ALL, "groups"]), cards=int(dup.loc[ALL, "customers"]),
                        by_rule=by_rule))
    else:
        parts.append(tx["no_duplicates"])
    if len(result.branches):
        parts.append(tx("branches", orgs=result.branch_organisations, cards=len(result.branches)))
    if len(result.invalid):
        by_field = result.invalid_counts.groupby("field")["customers"].sum()
        sentence = tx("invalid", n=len(result.invalid), cards=result.invalid_cards,
                      inn=int(by_field.get("inn", 0)), kpp=int(by_field.get("kpp", 0)))
        top = result.top_invalid_problem
        if top is not None:
            sentence += " " + tx("invalid_top", top=tx["problem"][top], code=top)
        parts.append(sentence)
    else:
        parts.append(tx["no_invalid"])
    parts.extend(_fill_sentences(result, fmt))
    sleeping_change = base.sleeping - base.sleeping_previous
    quarter = quarter_of(result.as_of)
    parts.append(tx("activity",
        sleeping=fmt.number(base.sleeping), days=result.sleeping_days, change=fmt.signed_number(sleeping_change),
        previous=fmt.date(result.previous_as_of), new=fmt.number(base.new),
        quarter=quarter_label(quarter, fmt.language), new_previous=fmt.number(base.new_previous),
        previous_quarter=quarter_label(quarter.previous(), fmt.language),
    ))
    parts.append(_tasks_sentence(result, fmt))
    return Markdown("\n".join(f"- {p}" for p in parts))


def _fill_sentences(result: AuditResult, fmt: Formatter) -> list[str]:
    tx = Words("base_audit", fmt.language)
    quality = result.manager_quality
    if result.emptiest_field is None:
        return []
    field, field_share = result.emptiest_field
    parts = [tx("fill", complete=fmt.percent(result.complete_share), field=tx["field"][field],
                field_share=fmt.percent(field_share))]
    named = quality[quality["manager"] != NO_MANAGER]
    if len(named) >= 2:
        worst, best = named.iloc[0], named.iloc[-1]
        parts.append(tx("quality", best=plain(best["manager"]), best_share=fmt.percent(best["complete_share"]),
                        worst=plain(worst["manager"]), worst_share=fmt.percent(worst["complete_share"])))
    return parts


def _tasks_sentence(result: AuditResult, fmt: Formatter) -> str:
    tx = Words("base_audit", fmt.language)
    if result.tasks.empty:
        return tx["no_tasks"]
    sentence = tx("tasks", tasks=len(result.tasks), cards=result.task_cards, managers=result.task_managers)
    if result.orphan_cards:
        key = "tasks_spread" if result.executors else "tasks_unassigned"
        sentence += " " + tx(key, orphans=result.orphan_cards, executors=", ".join(plain(e) for e in result.executors))
    return sentence


# --- how to read each section ---------------------------------------------------------------


def reading(section: str, result: AuditResult, *, fmt: Formatter, top_n: int = 20, mask_pii: bool = True) -> Markdown:
    """How to read a section: "duplicates", "examples", "invalid", "fill", "trend" or "tasks"."""
    tx = Words("base_audit", fmt.language)
    if section == "duplicates":
        return Markdown(tx["read_duplicates"])
    if section == "examples":
        return Markdown(tx("read_examples", n=fmt.number(top_n)) + (tx["read_masked"] if mask_pii else ""))
    if section == "invalid":
        return Markdown(tx["read_invalid"])
    if section == "fill":
        more = tx("read_fill_more", n=MAX_MANAGERS) if result.managers > MAX_MANAGERS else ""
        return Markdown(tx["read_fill"] + more + ("" if result.has_contacts else tx["read_no_contacts"]))
    if section == "trend":
        return Markdown(tx("read_trend", window=result.window_months, days=result.sleeping_days))
    if section == "tasks":
        return Markdown(tx["read_tasks"])
    raise ValueError(f"no reading for section {section!r}: expected duplicates, examples, invalid, fill, "
                     "trend or tasks")


# --- sections: one call per notebook cell ---------------------------------------------------------

SECTIONS = ("duplicates", "examples", "invalid", "fill", "trend", "tasks")


def headlines(result: AuditResult, *, fmt: Formatter) -> list[tuple[str, str]]:
    """The run index's headline numbers: duplicate groups, invalid identifiers, complete cards, tasks."""
    tx = Words("base_audit", fmt.language)
    groups = int(result.duplicate_summary.set_index("match_rule").loc[ALL, "groups"])
    return [(tx["headline_duplicates"], fmt.number(groups)), (tx["headline_invalid"], fmt.number(len(result.invalid))),
            (tx["headline_complete"], fmt.percent(result.complete_share)),
            (tx["headline_tasks"], fmt.number(len(result.tasks)))]


def section(key: str, result: AuditResult, customers: pd.DataFrame, *, fmt: Formatter, top_n: int = 20,
            mask_pii: bool = True) -> Section:
    """One section of the report (`key` from `SECTIONS`): its heading, how to read it, its chart or table."""
    bodies = {
        "duplicates": lambda: _duplicates_chart(result, fmt),
        "examples": lambda: duplicate_examples(result, customers, fmt=fmt, top_n=top_n, mask_pii=mask_pii),
        "invalid": lambda: invalid_table(result, fmt=fmt),
        "fill": lambda: _fill_chart(result, fmt),
        "trend": lambda: _trend_chart(result, fmt),
        "tasks": lambda: tasks_table(result, fmt=fmt),
    }
    if key not in bodies:
        raise KeyError(f"no section {key!r}: expected one of {', '.join(SECTIONS)}")
    tx = Words("base_audit", fmt.language)
    return common_section(tx[f"section_{key}"], reading(key, result, fmt=fmt, top_n=top_n, mask_pii=mask_pii),
                          bodies[key]())


def _duplicates_chart(result: AuditResult, fmt: Formatter) -> Any:
    """Cards in duplicate groups per rule, or the sentence that none were found."""
    import matplotlib.pyplot as plt

    if result.duplicates.empty:
        return Markdown(t("base_audit.no_duplicates", fmt.language))
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(rules_of(result)) + 1.4))
    plot_duplicates(result, fmt=fmt, ax=ax)
    return fig


def _fill_chart(result: AuditResult, fmt: Formatter) -> Any:
    """The fill-rate heatmap, as high as its rows need."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 0.36 * len(fill_rows(result)) + 1.6))
    plot_fill_rates(result, fmt=fmt, ax=ax)
    fig.suptitle(t("base_audit.chart_fill", fmt.language), x=0.01, ha="left", fontweight="bold", fontsize=12.5)
    return fig


def _trend_chart(result: AuditResult, fmt: Formatter) -> Any:
    """The base (left) and the activity (right) per quarter."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
    plot_base_trend(result, fmt=fmt, ax=left)
    plot_activity_trend(result, fmt=fmt, ax=right)
    return fig


# --- tables -----------------------------------------------------------------------------------


def duplicate_examples(
    result: AuditResult, customers: pd.DataFrame, *, fmt: Formatter, top_n: int = 20, mask_pii: bool = True
) -> Table:
    """The first `top_n` cards of the duplicate groups, with rule and shared value.

    When `mask_pii`: names of persons and sole traders (`masking.mask_frame`), phones and
    emails masked; the shared name or ИНН of a person or sole trader is shown as ``***``.
    """
    tx = Words("base_audit", fmt.language)
    rows = result.duplicates.iloc[:top_n].merge(_cards(customers), on="customer_id", how="left")
    value = rows["match_value"].astype("str")
    shown = pd.DataFrame({
        "group_id": rows["group_id"].astype("str"),
        "client": rows["name"].astype("str"),
        "manager": pd.Series([manager_label(m, fmt.language) for m in rows["manager"]], dtype="str"),
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
    """Invalid ИНН and КПП by problem code (`audit.invalid_id_counts`): every code, with its cards."""
    tx = Words("base_audit", fmt.language)
    counts = result.invalid_counts
    frame = pd.DataFrame({
        "field": pd.Series([tx["field_id"][f] for f in counts["field"]], dtype="str"),
        "problem": counts["problem"].astype("str"),
        "meaning": pd.Series([tx["problem"][c] for c in counts["problem"]], dtype="str"),
        "cards": counts["customers"].astype("int64"),
    })
    labels = tx["col"]
    return table(frame, fmt=fmt, max_rows=None, labels={c: labels[c] for c in frame.columns},
                 kinds={"cards": "number"})


def tasks_table(result: AuditResult, *, fmt: Formatter) -> Table:
    """Tasks per person (`audit.tasks_by_manager`): cards to fix, tasks, and tasks by kind."""
    out = result.tasks_by_manager
    out = out.assign(manager=pd.Series([manager_label(m, fmt.language) for m in out["manager"]], dtype="str"))
    labels = Words("base_audit", fmt.language)["col"]
    return table(out, fmt=fmt, max_rows=None, labels={c: labels[c] for c in out.columns},
                 kinds={c: "number" for c in ("cards", "tasks", *TASK_KINDS)})


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
    tx = Words("base_audit", language)
    words = tx["task_words"]
    code = tasks["task_code"].astype("str")
    text = code.map(words).astype("str")
    duplicate = code.str.startswith("duplicate_", na=False)
    if duplicate.any():
        rows = tasks[duplicate]
        rules = rows["match_rule"].astype("str").map(tx["task_rule"])
        named = [tx.fill(words["duplicate"], group=g, rule=r) for g, r in zip(rows["group_id"], rules, strict=True)]
        text = text.mask(duplicate, pd.Series(named, index=rows.index, dtype="str"))
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
    tx = Words("base_audit", language)
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
    tx = Words("base_audit", lang)
    fuzzy = "" if result.fuzzy_threshold is None else tx("fuzzy_on",
        threshold=fmt.percent(result.fuzzy_threshold, digits=0))
    lines = [f"### {t('definitions', lang)}", ""]
    definitions = tx("definitions", days=result.sleeping_days, window=result.window_months, fuzzy=fuzzy)
    lines += [f"- {d}" for d in definitions]
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
    cards = result.cards
    lines.append(tx("data_period", as_of=fmt.date(result.as_of), quarter=quarter_label(period, lang),
                                          previous=fmt.date(result.previous_as_of), cards=fmt.number(cards)))
    lines += ["", f"### {t('package_version', lang)}", "", tx("version", version=version)]
    return Markdown("\n".join(lines))


# --- helpers ----------------------------------------------------------------------------------


def _cards(customers: pd.DataFrame) -> pd.DataFrame:
    columns = ["customer_id", "name", "manager", "customer_type"]
    return pd.DataFrame({c: (customers[c] if c in customers else pd.Series(pd.NA, index=customers.index))
                         .astype("str") for c in columns})



