"""Tests of clientbase.audit.duplicates: duplicate groups and branches (REFERENCE.md "Base audit")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from audit_frames import cards, rows_of
from clientbase.audit import ALL, branches, duplicate_groups, duplicate_summary

SBER = {"inn": "7707083893", "kpp": "770701001"}


def groups_of(result: pd.DataFrame) -> list[tuple]:
    return rows_of(result, "group_id", "customer_id", "match_rule")


def test_same_inn_and_kpp_is_a_duplicate():
    result = duplicate_groups(cards(
        {"customer_id": "A", "name": "Первый", **SBER},
        {"customer_id": "B", "name": "Второй", **SBER},
    ))
    assert rows_of(result, "group_id", "customer_id", "match_rule", "match_value") == [
        ("D0001", "A", "inn_kpp", "7707083893/770701001"),
        ("D0001", "B", "inn_kpp", "7707083893/770701001"),
    ]


def test_a_branch_is_not_a_duplicate_but_is_listed_as_a_branch():
    customers = cards(
        {"customer_id": "A", "name": "Сбербанк", "inn": "7707083893", "kpp": "770701001"},
        {"customer_id": "B", "name": "Сбербанк Филиал", "inn": "7707083893", "kpp": "773601002"},
        {"customer_id": "C", "name": "Сбербанк Склад", "inn": "7707083893"},
        {"customer_id": "D", "name": "Газпром", "inn": "7736050003", "kpp": "773601001"},
    )
    assert duplicate_groups(customers).empty
    assert rows_of(branches(customers), "inn", "customer_id", "kpp", "name") == [
        ("7707083893", "A", "770701001", "Сбербанк"),
        ("7707083893", "B", "773601002", "Сбербанк Филиал"),
        ("7707083893", "C", None, "Сбербанк Склад"),
    ]


def test_branches_sharing_phone_email_and_name_are_still_not_duplicates():
    # real branch cards often carry the head office's name and switchboard
    customers = cards(
        {"customer_id": "A", "name": "ООО «Ромашка»", "inn": "7707083893", "kpp": "773601001",
         "phone": "+7 495 123-45-67", "email": "info@romashka.ru"},
        {"customer_id": "B", "name": "Ромашка, ООО", "inn": "7707083893", "kpp": "781001001",
         "phone": "8 (495) 1234567", "email": "INFO@romashka.ru"},
        {"customer_id": "C", "name": "ООО Ромашка", "inn": "7707083893", "kpp": "773601001"},
    )
    groups = duplicate_groups(customers)
    # A and C: the same ИНН+КПП (and name); B is a branch of both, joined to neither
    assert rows_of(groups, "group_id", "customer_id", "match_rule", "match_rules") == [
        ("D0001", "A", "inn_kpp", "inn_kpp|name"),
        ("D0001", "C", "inn_kpp", "inn_kpp|name"),
    ]


def test_a_card_of_another_organisation_still_joins_a_branch_by_phone():
    customers = cards(
        {"customer_id": "A", "name": "Альфа", "inn": "7707083893", "kpp": "773601001", "phone": "+74951234567"},
        {"customer_id": "B", "name": "Альфа филиал", "inn": "7707083893", "kpp": "781001001",
         "phone": "84951234567"},
        {"customer_id": "X", "name": "Бета", "phone": "+7 (495) 123-45-67"},
    )
    groups = duplicate_groups(customers)
    # X shares the phone with both; the group is connected through X, never by A–B directly
    assert rows_of(groups, "customer_id", "match_rule") == [("A", "phone"), ("B", "phone"), ("X", "phone")]


def test_branches_ignore_deleted_cards_and_twelve_digit_inn():
    customers = cards(
        {"customer_id": "A", "name": "Сбербанк", "inn": "7707083893", "kpp": "770701001"},
        {"customer_id": "B", "name": "Удалённый филиал", "inn": "7707083893", "kpp": "773601002",
         "is_deleted": True},
        {"customer_id": "C", "name": "ИП", "inn": "500100732259", "kpp": "770701001"},
        {"customer_id": "D", "name": "ИП", "inn": "500100732259", "kpp": "770701002"},
    )
    assert branches(customers).empty


def test_twelve_digit_inn_matches_on_the_inn_alone():
    result = duplicate_groups(cards(
        {"customer_id": "A", "name": "Иванов", "inn": "500100732259"},
        {"customer_id": "B", "name": "Петров", "inn": "500100732259", "kpp": "770701001"},
    ))
    assert rows_of(result, "customer_id", "match_rule", "match_value") == [
        ("A", "inn_kpp", "500100732259"),
        ("B", "inn_kpp", "500100732259"),
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"inn": "7707083893"}, {"inn": "7707083893"}),
        ({"inn": "0000000000", "kpp": "770701001"}, {"inn": "0000000000", "kpp": "770701001"}),
        ({"inn": "н/д", "kpp": "770701001"}, {"inn": "н/д", "kpp": "770701001"}),
        ({"phone": "123-45-67"}, {"phone": "123-45-67"}),
        ({"email": " "}, {"email": ""}),
        ({"name": "ООО"}, {"name": "ООО «»"}),
    ],
    ids=["inn-without-kpp", "zeros-inn", "placeholder-inn", "short-phone", "blank-email", "only-legal-form"],
)
def test_keys_that_identify_nobody_link_nothing(first, second):
    customers = cards(
        {"customer_id": "A", "name": "Первый", **first},
        {"customer_id": "B", "name": "Второй", **second},
    )
    assert duplicate_groups(customers).empty


def test_grouping_is_transitive_and_each_member_says_its_first_rule():
    result = duplicate_groups(cards(
        {"customer_id": "A", "name": "Альфа", "phone": "+7 (495) 123-45-67"},
        {"customer_id": "B", "name": "Бета", "phone": "8 495 1234567", "email": "Info@Beta.RU "},
        {"customer_id": "C", "name": "Гамма", "email": "info@beta.ru"},
        {"customer_id": "D", "name": "Дельта", "phone": "+7 495 000-00-00"},
    ))
    assert rows_of(result, "group_id", "customer_id", "match_rule", "match_value") == [
        ("D0001", "A", "phone", "74951234567"),
        ("D0001", "B", "phone", "74951234567"),
        ("D0001", "C", "email", "info@beta.ru"),
    ]
    # B shares its phone with A and its email with C: both rules are listed
    assert result["match_rules"].tolist() == ["phone", "phone|email", "email"]


def test_normalised_names_match():
    result = duplicate_groups(cards(
        {"customer_id": "A", "name": "ООО «Ромашка»"},
        {"customer_id": "B", "name": "Ромашка, ООО"},
        {"customer_id": "C", "name": "Ромашка Плюс"},
    ))
    assert rows_of(result, "customer_id", "match_rule", "match_value") == [
        ("A", "name", "ромашка"),
        ("B", "name", "ромашка"),
    ]


def test_deleted_cards_are_ignored():
    result = duplicate_groups(cards(
        {"customer_id": "A", "name": "Альфа", "phone": "84951234567"},
        {"customer_id": "B", "name": "Бета", "phone": "84951234567", "is_deleted": True},
    ))
    assert result.empty
    assert list(result.columns) == ["group_id", "customer_id", "match_rule", "match_value", "match_rules"]


def test_groups_are_numbered_by_their_smallest_customer_id_whatever_the_row_order():
    customers = cards(
        {"customer_id": "C9", "name": "Икс", "email": "x@x.ru"},
        {"customer_id": "C2", "name": "Ромашка"},
        {"customer_id": "C5", "name": "Игрек", "email": "x@x.ru"},
        {"customer_id": "C1", "name": "ромашка"},
        {"customer_id": "C3", "name": "Зет", "email": "x@x.ru"},
    )
    result = duplicate_groups(customers)
    assert groups_of(result) == [
        ("D0001", "C1", "name"), ("D0001", "C2", "name"),
        ("D0002", "C3", "email"), ("D0002", "C5", "email"), ("D0002", "C9", "email"),
    ]
    shuffled = duplicate_groups(customers.sample(frac=1, random_state=3))
    pd.testing.assert_frame_equal(shuffled, result)


FUZZY = cards(
    {"customer_id": "A", "name": "ООО «Ромашка-Трейд»"},
    {"customer_id": "B", "name": "Ромашка Трэйд"},
    {"customer_id": "C", "name": "Лютик"},
)


def test_fuzzy_names_are_off_by_default():
    assert duplicate_groups(FUZZY).empty


def test_fuzzy_names_match_above_the_threshold():
    # "ромашка трейд" vs "ромашка трэйд": one substitution in 13 characters -> ratio 92.3
    result = duplicate_groups(FUZZY, fuzzy_threshold=0.9)
    assert rows_of(result, "group_id", "customer_id", "match_rule", "match_value") == [
        ("D0001", "A", "fuzzy_name", "ромашка трейд"),
        ("D0001", "B", "fuzzy_name", "ромашка трэйд"),
    ]
    assert duplicate_groups(FUZZY, fuzzy_threshold=0.93).empty


# words that sort between "аромашка" and "яромашка" and resemble nothing
_FILLERS = (
    "Балтика", "Бастион", "Берёза", "Бизон", "Блик", "Бор", "Браво", "Бриз", "Бум", "Бык", "Бюро",
    "Багира", "Баян", "Бекон", "Бирюза", "Болид", "Буран", "Бутик", "Былина", "Вьюга",
)


def test_fuzzy_typo_at_the_start_is_found_through_the_reversed_order():
    customers = cards(
        {"customer_id": "A", "name": "Аромашка"},
        *({"customer_id": f"M{i:02d}", "name": word} for i, word in enumerate(_FILLERS)),
        {"customer_id": "B", "name": "Яромашка"},
    )
    result = duplicate_groups(customers, fuzzy_threshold=0.85, fuzzy_window=2)
    assert groups_of(result) == [("D0001", "A", "fuzzy_name"), ("D0001", "B", "fuzzy_name")]


@pytest.mark.parametrize("threshold", [0, -0.5, 1.01, 90], ids=["zero", "negative", "over-1", "percentage"])
def test_fuzzy_threshold_must_be_a_share(threshold):
    with pytest.raises(ValueError, match="share"):
        duplicate_groups(FUZZY, fuzzy_threshold=threshold)


def test_duplicate_summary_counts_groups_and_cards_per_rule():
    groups = pd.DataFrame(
        {
            "group_id": ["D0001", "D0001", "D0001", "D0002", "D0002"],
            "customer_id": ["A", "B", "C", "D", "E"],
            "match_rule": ["phone", "phone", "email", "name", "name"],
            "match_value": ["7", "7", "a@b", "x", "x"],
        },
        dtype="str",
    )
    result = duplicate_summary(groups)
    assert rows_of(result, "match_rule", "groups", "customers") == [
        ("inn_kpp", 0, 0), ("phone", 1, 2), ("email", 1, 1), ("name", 1, 2), (ALL, 2, 5),
    ]


def test_duplicate_groups_on_many_customers():
    # 100k cards with unique keys, and 1000 planted chains: i-j by phone, j-k by email
    n, chains = 100_000, 1_000
    number = np.arange(n)
    customers = pd.DataFrame(
        {
            "customer_id": pd.Series(np.char.add("C", np.char.zfill(number.astype(str), 6)), dtype="str"),
            "name": pd.Series(np.char.add("Компания ", number.astype(str)), dtype="str"),
            "inn": pd.Series(pd.NA, index=number, dtype="str"),
            "kpp": pd.Series(pd.NA, index=number, dtype="str"),
            "email": pd.Series(np.char.add(number.astype(str), "@example.ru"), dtype="str"),
            "phone": pd.Series(np.char.add("+7 900 ", np.char.zfill(number.astype(str), 7)), dtype="str"),
            "is_deleted": False,
        }
    )
    first, second, third = number[:chains], number[chains : 2 * chains], number[2 * chains : 3 * chains]
    customers.loc[second, "phone"] = customers.loc[first, "phone"].to_numpy()
    customers.loc[third, "email"] = customers.loc[second, "email"].to_numpy()
    result = duplicate_groups(customers)
    assert len(result) == 3 * chains
    sizes = result.groupby("group_id").size()
    assert (sizes == 3).all() and len(sizes) == chains
    assert result["group_id"].iloc[0] == "D0001" and result["group_id"].iloc[-1] == "D1000"
    assert result["match_rule"].value_counts().to_dict() == {"phone": 2 * chains, "email": chains}
