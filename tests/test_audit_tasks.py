"""Tests of clientbase.audit.tasks: every problem as a coded task (REFERENCE.md "Base audit")."""

from __future__ import annotations

import pandas as pd
import pytest

from audit_frames import TASK_CARDS, cards, rows_of
from clientbase.audit import NO_MANAGER, UNASSIGNED, audit_tasks, duplicate_groups, fill_gaps, invalid_ids

TASK_INVALID = pd.DataFrame(
    {"customer_id": ["T1", "T1"], "field": ["inn", "kpp"], "value": ["7707083894", None],
     "problem": ["checksum", "kpp_missing"]},
    dtype="str",
)
TASK_DUPLICATES = pd.DataFrame(
    {"group_id": ["D0003", "D0003"], "customer_id": ["T2", "T5"], "match_rule": ["phone", "phone"],
     "match_value": ["74951234567"] * 2},
    dtype="str",
)
TASK_GAPS = pd.DataFrame(
    {"customer_id": ["T2", "T3", "T3", "T4", "T5"], "manager": [NO_MANAGER] * 5,
     "field": ["manager", "manager", "source", "manager", "manager"]},
    dtype="str",
)


def tasks(**options) -> pd.DataFrame:
    return audit_tasks(TASK_CARDS, invalid=TASK_INVALID, duplicates=TASK_DUPLICATES, fill=TASK_GAPS, **options)


def test_tasks_of_cards_without_a_manager_go_round_robin_to_the_executors():
    result = tasks(executors=["Анна", "Борис"])
    assert list(result.columns) == ["manager", "customer_id", "task_code", "name", "group_id", "match_rule"]
    # T2 -> Анна, T3 -> Борис, T4 -> Анна: customers in customer_id order, all of a card's tasks together
    assert rows_of(result, "manager", "customer_id", "task_code", "group_id", "match_rule") == [
        ("Анна", "T2", "duplicate_phone", "D0003", "phone"),
        ("Анна", "T2", "fill_manager", None, None),
        ("Анна", "T4", "fill_manager", None, None),
        ("Борис", "T3", "fill_manager", None, None),
        ("Борис", "T3", "fill_source", None, None),
        ("Иванов", "T1", "inn_checksum", None, None),
        ("Иванов", "T1", "kpp_missing", None, None),
    ]
    assert result["name"].tolist()[:2] == ["Второй", "Второй"]


def test_tasks_without_executors_are_unassigned():
    result = tasks()
    assert set(result.loc[result["customer_id"] != "T1", "manager"]) == {UNASSIGNED}
    assert rows_of(result[result["task_code"] == "duplicate_phone"], "customer_id", "group_id", "match_rule") == [
        ("T2", "D0003", "phone")
    ]
    assert "T5" not in set(result["customer_id"])


def test_tasks_with_no_problems_are_an_empty_table():
    result = audit_tasks(TASK_CARDS, invalid=None, duplicates=None, fill=TASK_GAPS.iloc[:0])
    assert result.empty and list(result.columns) == ["manager", "customer_id", "task_code", "name", "group_id",
                                                     "match_rule"]


def test_tasks_are_codes_not_sentences():
    # words are the presentation's (clientbase.views.base_audit.task_text), not the analysis's
    with pytest.raises(TypeError, match="language"):
        tasks(language="en")
    assert not tasks().isin(["Merge duplicates: group D0003 (same phone)"]).any().any()


def test_tasks_from_the_real_checks_end_to_end():
    customers = cards(
        {"customer_id": "A", "name": "Ромашка", "manager": "Иванов", "inn": "7707083893", "kpp": "770701001",
         "source": "сайт", "category": "опт", "region": "Москва", "customer_type": "company",
         "phone": "84951234567"},
        {"customer_id": "B", "name": "ООО «Ромашка»", "source": "сайт", "category": "опт", "region": "Москва",
         "customer_type": "company", "inn": "7707083894", "kpp": "770701001", "email": "b@x.ru"},
    )
    result = audit_tasks(
        customers,
        invalid=invalid_ids(customers),
        duplicates=duplicate_groups(customers),
        fill=fill_gaps(customers),
        executors=["Анна"],
    )
    assert rows_of(result, "manager", "customer_id", "task_code") == [
        ("Анна", "B", "inn_checksum"), ("Анна", "B", "duplicate_name"), ("Анна", "B", "fill_manager"),
        ("Иванов", "A", "duplicate_name"),
    ]


def test_tasks_by_manager_counts_cards_and_kinds():
    from clientbase.audit import tasks_by_manager

    tasks = pd.DataFrame({
        "manager": ["Анна", "Анна", "Анна", "Борис", UNASSIGNED],
        "customer_id": ["A", "A", "B", "C", "D"],
        "task_code": ["inn_checksum", "duplicate_phone", "fill_source", "fill_region", "kpp_missing"],
    })
    frame = tasks_by_manager(tasks)
    assert frame.columns.tolist() == ["manager", "cards", "tasks", "ids", "duplicates", "gaps"]
    # ties keep the order of the names (as the sheets are ordered)
    assert frame.values.tolist() == [["Анна", 2, 3, 1, 1, 1], [UNASSIGNED, 1, 1, 1, 0, 0], ["Борис", 1, 1, 0, 0, 1]]
    assert tasks_by_manager(tasks.iloc[:0]).empty


def test_orphan_cards_are_cards_with_tasks_and_no_manager():
    from clientbase.audit import orphan_cards

    tasks = pd.DataFrame({"customer_id": ["A", "A", "B"], "manager": ["x", "x", "y"]})
    gaps = pd.DataFrame({"customer_id": ["A", "C"], "field": ["manager", "manager"]})
    assert orphan_cards(tasks, gaps) == 1
