"""Tests of clientbase.audit.ids: invalid ИНН and КПП (REFERENCE.md "Base audit")."""

from __future__ import annotations

import pandas as pd

from audit_frames import ID_CARDS, rows_of
from clientbase.audit import invalid_ids


def test_invalid_ids_lists_every_problem_with_its_code():
    result = invalid_ids(ID_CARDS)
    assert list(result.columns) == ["customer_id", "field", "value", "problem"]
    assert rows_of(result, "customer_id", "field", "value", "problem") == [
        ("C0", "inn", " 770708389 ", "length"),
        ("C2", "inn", "7707083894", "checksum"),
        ("C3", "inn", "77O7083893", "not_digits"),
        ("C4", "inn", "0000000000", "all_zeros"),
        ("C4", "kpp", "77070100", "kpp_format"),
        ("C5", "kpp", "770701001", "kpp_unexpected"),
        ("C6", "kpp", None, "kpp_missing"),
    ]


def test_invalid_ids_of_clean_cards_is_empty():
    assert invalid_ids(ID_CARDS.iloc[:1]).empty


def test_invalid_id_counts_list_every_code_with_zeros():
    from clientbase.audit import invalid_id_counts

    invalid = pd.DataFrame({"customer_id": ["a", "b", "b"], "field": ["inn", "inn", "kpp"],
                            "value": ["1", "2", "3"], "problem": ["checksum", "checksum", "kpp_format"]})
    counts = invalid_id_counts(invalid)
    assert counts["problem"].tolist() == ["not_digits", "all_zeros", "length", "checksum", "kpp_format",
                                          "kpp_missing", "kpp_unexpected"]
    assert counts["customers"].tolist() == [0, 0, 0, 2, 1, 0, 0]
    assert counts["field"].tolist() == ["inn"] * 4 + ["kpp"] * 3
