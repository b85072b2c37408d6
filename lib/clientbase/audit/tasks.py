"""Tasks of the base audit: every problem found as a coded task for the card's manager.

Source of the rules: REFERENCE.md "Base audit". A task is a code, not a sentence: the
presentation (`clientbase.views.base_audit.task_text`) words it in the report's language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clientbase.audit._cards import UNASSIGNED, _active, _column, _stripped

__all__ = ["audit_tasks"]

LANGUAGES = ("en", "ru")

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


def audit_tasks(
    customers: pd.DataFrame,
    *,
    invalid: pd.DataFrame | None,
    duplicates: pd.DataFrame | None,
    fill: pd.DataFrame | None,
    executors: Sequence[str] = (),
    language: str = "en",
) -> pd.DataFrame:
    """Every problem of the audit as a task (поручение) for the card's manager.

    REFERENCE.md "Base audit": a task goes to the customer's manager; the tasks of
    customers without one are spread evenly over `executors` — the customers (not tasks)
    in customer_id order, round-robin, so all tasks of a card go to one person — or go to
    `UNASSIGNED` when no executors are given.

    Parameters
    ----------
    invalid, duplicates, fill
        The results of `invalid_ids`, `duplicate_groups` and `fill_gaps` (None: none).
    language
        "en" or "ru": the language of the task text (task_code is always English).

    Returns
    -------
    DataFrame[manager, customer_id, task, task_code, name]
        task_code: `inn_<problem>`, `kpp_<...>`, `duplicate_<rule>`, `fill_<field>`;
        sorted by manager, customer_id, then identifiers, duplicates, gaps.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    words = _TASKS[language]
    parts = []
    if invalid is not None and len(invalid):
        code = np.where(invalid["field"] == "inn", "inn_" + invalid["problem"], invalid["problem"])
        parts.append(pd.DataFrame({"customer_id": invalid["customer_id"].to_numpy(), "task_code": code}))
    if duplicates is not None and len(duplicates):
        head, tail = words["duplicate"].split("{group}")
        middle, end = tail.split("{rule}")
        text = head + duplicates["group_id"] + middle + duplicates["match_rule"].map(words) + end
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": duplicates["customer_id"].to_numpy(),
                    "task_code": ("duplicate_" + duplicates["match_rule"]).to_numpy(),
                    "task": text.to_numpy(),
                }
            )
        )
    if fill is not None and len(fill):
        parts.append(
            pd.DataFrame(
                {"customer_id": fill["customer_id"].to_numpy(), "task_code": ("fill_" + fill["field"]).to_numpy()}
            )
        )
    columns = ["manager", "customer_id", "task", "task_code", "name"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    tasks = pd.concat(parts, ignore_index=True)
    if "task" not in tasks.columns:
        tasks["task"] = pd.Series(pd.NA, index=tasks.index, dtype="str")
    tasks["task"] = tasks["task"].fillna(tasks["task_code"].map(words))
    tasks["_order"] = np.arange(len(tasks))
    cards = _active(customers)
    owners = pd.DataFrame(
        {
            "customer_id": cards["customer_id"].to_numpy(),
            "manager": _stripped(_column(cards, "manager")).to_numpy(),
            "name": cards["name"].to_numpy(),
        }
    )
    tasks = tasks.merge(owners, on="customer_id", how="inner")
    orphans = np.sort(tasks.loc[tasks["manager"].isna(), "customer_id"].unique())
    people = np.array(list(executors) or [UNASSIGNED], dtype=object)
    assigned = pd.Series(people[np.arange(len(orphans)) % len(people)], index=orphans, dtype="str")
    tasks["manager"] = tasks["manager"].fillna(tasks["customer_id"].map(assigned))
    tasks = tasks.sort_values(["manager", "customer_id", "_order"], kind="stable", ignore_index=True)
    return tasks[columns].astype("str")
