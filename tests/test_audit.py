"""Tests of clientbase.audit: the whole base audit at once, and what holds for every check."""

from __future__ import annotations

import pandas as pd
import pytest

from audit_frames import AS_OF, BASE, CUBE, FILL_CARDS, FILL_CONTACTS, ID_CARDS, PREVIOUS, TASK_CARDS
from clientbase import audit
from clientbase.audit import (
    audit_tasks,
    base_audit,
    base_summary,
    base_trend,
    branches,
    duplicate_groups,
    duplicate_summary,
    fill_gaps,
    fill_rates,
    invalid_ids,
    manager_quality,
    new_clients,
    sleeping_clients,
)


def test_base_audit_runs_every_check_with_the_same_options():
    customers = pd.concat([BASE, TASK_CARDS.iloc[:4]], ignore_index=True)
    result = base_audit(customers, CUBE, None, as_of=AS_OF, executors=["Анна"], trend_quarters=2)
    # previous audit: the end of the quarter before
    assert result.previous_as_of == PREVIOUS
    assert result.base == base_summary(customers, CUBE, as_of=AS_OF, previous_as_of=PREVIOUS)
    pd.testing.assert_frame_equal(result.fill_gaps, fill_gaps(customers))
    pd.testing.assert_frame_equal(result.sleeping, sleeping_clients(customers, CUBE, as_of=AS_OF))
    assert result.new["customer_id"].tolist() == ["K3"]
    assert result.trend["quarter"].tolist() == ["2026Q1", "2026Q2"]
    assert set(result.tasks.loc[result.tasks["customer_id"] == "T2", "manager"]) == {"Анна"}
    assert "fill_manager" in set(result.tasks["task_code"])
    assert (result.has_contacts, result.executors, result.fuzzy_threshold) == (False, ("Анна",), None)
    quality = result.manager_quality
    assert result.complete_share == quality["complete_cards"].sum() / quality["customers"].sum()


def test_every_public_name_is_importable_from_the_package():
    # the names of the single module clientbase/audit.py, before it was cut by concept
    names = ("ALL", "EXACT_RULES", "FILL_FIELDS", "MATCH_RULES", "NO_MANAGER", "UNASSIGNED", "AuditResult",
             "BaseSummary", "audit_tasks", "base_audit", "base_summary", "base_trend", "branches",
             "duplicate_groups", "duplicate_summary", "fill_gaps", "fill_rates", "invalid_ids", "manager_quality",
             "new_clients", "sleeping_clients")
    assert [n for n in names if not hasattr(audit, n)] == []
    assert set(names) - {"EXACT_RULES"} <= set(audit.__all__)
    assert audit.fill_rates.__module__ == "clientbase.audit.fill"  # the function, not the module


# ------------------------------------------------------------------- does not mutate

CALLS = {
    "invalid_ids": lambda c, k, q: invalid_ids(c),
    "duplicate_groups": lambda c, k, q: duplicate_groups(c, fuzzy_threshold=0.8),
    "branches": lambda c, k, q: branches(c),
    "fill_rates": lambda c, k, q: fill_rates(c, k),
    "fill_gaps": lambda c, k, q: fill_gaps(c, k),
    "manager_quality": lambda c, k, q: manager_quality(c, k),
    "sleeping_clients": lambda c, k, q: sleeping_clients(c, q, as_of=AS_OF),
    "new_clients": lambda c, k, q: new_clients(c, q, start="2026-04-01", as_of=AS_OF),
    "base_summary": lambda c, k, q: base_summary(c, q, as_of=AS_OF, previous_as_of=PREVIOUS),
    "base_trend": lambda c, k, q: base_trend(c, q, as_of=AS_OF, quarters=3),
    "audit_tasks": lambda c, k, q: audit_tasks(
        c, invalid=invalid_ids(c), duplicates=duplicate_groups(c), fill=fill_gaps(c, k), executors=["A"]
    ),
    "duplicate_summary": lambda c, k, q: duplicate_summary(duplicate_groups(c)),
    "base_audit": lambda c, k, q: base_audit(c, q, k, as_of=AS_OF, fuzzy_threshold=0.8, trend_quarters=2),
}


@pytest.mark.parametrize("name", list(CALLS), ids=list(CALLS))
def test_does_not_mutate(name):
    customers = pd.concat([FILL_CARDS, ID_CARDS, BASE.assign(customer_id="B" + BASE["customer_id"])],
                          ignore_index=True)
    contacts, cube = FILL_CONTACTS.copy(), CUBE.copy()
    before = (customers.copy(deep=True), contacts.copy(deep=True), cube.copy(deep=True))
    CALLS[name](customers, contacts, cube)
    for after, original in zip((customers, contacts, cube), before, strict=True):
        pd.testing.assert_frame_equal(after, original)
