"""Tests of clientbase.audit.fill: fill rates, gaps and data quality (REFERENCE.md "Base audit")."""

from __future__ import annotations

import numpy as np

from audit_frames import FILL_CARDS, FILL_CONTACTS, rows_of
from clientbase.audit import ALL, NO_MANAGER, fill_gaps, fill_rates, manager_quality


def test_fill_rates_by_hand():
    result = fill_rates(FILL_CARDS)
    assert list(result.columns) == ["manager", "field", "filled_share", "filled", "total"]
    table = {(m, f): (filled, total) for m, f, filled, total in rows_of(result, "manager", "field", "filled", "total")}
    assert list(dict.fromkeys(result["manager"])) == [ALL, "Иванов", "Петров", NO_MANAGER]
    assert [table[(ALL, f)] for f in ("source", "manager", "category", "contact", "inn", "region")] == [
        (3, 4), (3, 4), (3, 4), (2, 4), (1, 2), (3, 4),
    ]
    assert [table[("Иванов", f)] for f in ("source", "manager", "category", "contact", "inn", "region")] == [
        (1, 2), (2, 2), (2, 2), (1, 2), (1, 2), (2, 2),
    ]
    assert [table[("Петров", f)] for f in ("source", "category", "contact", "inn", "region")] == [
        (1, 1), (0, 1), (0, 1), (0, 0), (0, 1),
    ]
    assert table[(NO_MANAGER, "manager")] == (0, 1)
    share = result.set_index(["manager", "field"])["filled_share"]
    assert share[(ALL, "contact")] == 0.5
    assert np.isnan(share[("Петров", "inn")])


def test_a_contact_person_fills_the_contact_field():
    result = fill_rates(FILL_CARDS, FILL_CONTACTS).set_index(["manager", "field"])
    assert tuple(result.loc[(ALL, "contact"), ["filled", "total"]]) == (3, 4)


def test_fill_gaps_lists_every_empty_field():
    assert rows_of(fill_gaps(FILL_CARDS), "customer_id", "manager", "field") == [
        ("F2", "Иванов", "source"), ("F2", "Иванов", "contact"), ("F2", "Иванов", "inn"),
        ("F3", "Петров", "category"), ("F3", "Петров", "contact"), ("F3", "Петров", "region"),
        ("F4", NO_MANAGER, "manager"),
    ]


def test_manager_quality_is_the_share_of_complete_cards_worst_first():
    result = manager_quality(FILL_CARDS, FILL_CONTACTS)
    assert rows_of(result, "manager", "customers", "complete_cards", "complete_share") == [
        (NO_MANAGER, 1, 0, 0.0), ("Петров", 1, 0, 0.0), ("Иванов", 2, 1, 0.5),
    ]
