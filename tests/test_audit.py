"""Tests of clientbase.audit: the quarterly base audit (REFERENCE.md "Base audit")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientbase.audit import (
    ALL,
    NO_MANAGER,
    UNASSIGNED,
    BaseSummary,
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

COLUMNS = (
    "customer_id", "name", "inn", "kpp", "customer_type", "partner_id", "manager", "source",
    "category", "region", "email", "phone",
)


def cards(*rows: dict) -> pd.DataFrame:
    """A canonical customers frame: every column present, missing values NA."""
    frame = pd.DataFrame({c: pd.Series([r.get(c) for r in rows], dtype="str") for c in COLUMNS})
    frame["created_at"] = pd.to_datetime(pd.Series([r.get("created_at") for r in rows], dtype=object))
    frame["is_deleted"] = pd.Series([bool(r.get("is_deleted", False)) for r in rows], dtype=bool)
    return frame


def rows_of(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame[list(columns)].itertuples(index=False)]


# ------------------------------------------------------------------------ invalid_ids

ID_CARDS = cards(
    {"customer_id": "C1", "name": "Сбербанк", "inn": "7707083893", "kpp": "770701001"},
    {"customer_id": "C2", "name": "Опечатка", "inn": "7707083894", "kpp": "7701AB001"},
    {"customer_id": "C3", "name": "Буквы", "inn": "77O7083893", "kpp": "770701001"},
    {"customer_id": "C4", "name": "Нули", "inn": "0000000000", "kpp": "77070100"},
    {"customer_id": "C5", "name": "ИП Иванов", "inn": "500100732259", "kpp": "770701001"},
    {"customer_id": "C6", "name": "Без КПП", "inn": "7736050003"},
    {"customer_id": "C7", "name": "Без ИНН"},
    {"customer_id": "C8", "name": "Удалён", "inn": "123", "is_deleted": True},
    {"customer_id": "C0", "name": "Короткий", "inn": " 770708389 ", "kpp": "770701001"},
)


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


# ------------------------------------------------------------------------- duplicates

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


# ------------------------------------------------------------------------- fill rates

FILL_CARDS = cards(
    {"customer_id": "F1", "name": "Полная", "manager": "Иванов", "source": "сайт", "category": "опт",
     "region": "Москва", "customer_type": "company", "inn": "7707083893", "email": "a@x.ru"},
    {"customer_id": "F2", "name": "Без источника", "manager": "Иванов", "category": "опт",
     "region": "Москва", "customer_type": "company", "phone": "123"},
    {"customer_id": "F3", "name": "Физлицо", "manager": "Петров", "source": "выставка", "region": " ",
     "customer_type": "person", "email": "нет"},
    {"customer_id": "F4", "name": "ИП без менеджера", "source": "сайт", "category": "розница",
     "region": "СПб", "customer_type": "sole_trader", "inn": "500100732259", "phone": "+7 495 1234567"},
    {"customer_id": "F5", "name": "Удалён", "manager": "Петров", "is_deleted": True},
)
FILL_CONTACTS = pd.DataFrame(
    {
        "contact_id": ["K1", "K2", "K3"],
        "customer_id": ["F2", "F3", "F5"],
        "name": ["Анна", "Борис", "Вера"],
        "role": [None, None, None],
        "email": [None, " ", "v@x.ru"],
        "phone": ["8 916 000-00-00", None, None],
    },
    dtype="str",
)


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


# --------------------------------------------------------------------- the base in time

AS_OF = pd.Timestamp("2026-06-30")
PREVIOUS = pd.Timestamp("2026-03-31")
BASE = cards(
    {"customer_id": "K1", "name": "Регулярный", "manager": "Иванов", "created_at": "2025-01-10"},
    {"customer_id": "K2", "name": "Уснувший", "manager": "Петров", "created_at": "2025-02-01"},
    {"customer_id": "K3", "name": "Новый", "source": "сайт", "created_at": "2026-04-05"},
    {"customer_id": "K4", "name": "Потенциальный", "created_at": "2024-01-01"},
    {"customer_id": "K5", "name": "Удалён", "created_at": "2024-01-01", "is_deleted": True},
    {"customer_id": "K6", "name": "Ровно 90 дней", "source": "выставка"},
    {"customer_id": "K7", "name": "Давно", "created_at": "2024-05-01"},
)


def cube_rows(*rows: tuple) -> pd.DataFrame:
    """(customer_id, month, orders, first, last) → a sales cube."""
    frame = pd.DataFrame(rows, columns=["customer_id", "month", "orders", "first_order_date", "last_order_date"])
    frame["customer_id"] = frame["customer_id"].astype("str")
    for column in ("month", "first_order_date", "last_order_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["orders"] = frame["orders"].astype("int64")
    frame["revenue"] = 100.0
    return frame


CUBE = cube_rows(
    ("K1", "2025-06-01", 1, "2025-06-15", "2025-06-15"),
    ("K1", "2026-05-01", 2, "2026-05-10", "2026-05-20"),
    ("K2", "2025-11-01", 1, "2025-11-03", "2025-11-03"),
    ("K2", "2026-03-01", 1, "2026-03-15", "2026-03-15"),
    ("K3", "2026-04-01", 1, "2026-04-10", "2026-04-10"),
    ("K4", "2026-07-01", 1, "2026-07-02", "2026-07-02"),  # after as_of: never read
    ("K5", "2026-06-01", 1, "2026-06-01", "2026-06-01"),
    ("K6", "2026-01-01", 1, "2026-01-15", "2026-01-15"),
    ("K6", "2026-04-01", 1, "2026-04-01", "2026-04-01"),
    ("K7", "2025-01-01", 1, "2025-01-20", "2025-01-20"),
    ("K7", "2026-06-01", 0, None, None),  # a return: not activity
)


def test_sleeping_clients_are_silent_for_more_than_90_days():
    result = sleeping_clients(BASE, CUBE, as_of=AS_OF)
    # K7: 2025-01-20 -> 2026-06-30 = 526 days; K2: 2026-03-15 -> 107; K6: exactly 90, not more
    assert rows_of(result, "customer_id", "manager", "days_since_last_order") == [
        ("K7", None, 526), ("K2", "Петров", 107),
    ]
    assert result["last_order_date"].tolist() == [pd.Timestamp("2025-01-20"), pd.Timestamp("2026-03-15")]


def test_sleeping_clients_as_of_an_earlier_date_ignore_later_orders():
    result = sleeping_clients(BASE, CUBE, as_of=PREVIOUS)
    assert rows_of(result, "customer_id", "days_since_last_order") == [("K7", 435), ("K1", 289)]


def test_new_clients_made_their_first_order_in_the_quarter():
    result = new_clients(BASE, CUBE, start="2026-04-01", as_of=AS_OF)
    assert rows_of(result, "customer_id", "source") == [("K3", "сайт")]
    result = new_clients(BASE, CUBE, start="2026-01-01", as_of=PREVIOUS)
    assert rows_of(result, "customer_id", "source") == [("K6", "выставка")]


def test_new_clients_start_must_not_be_after_as_of():
    with pytest.raises(ValueError, match="after as_of"):
        new_clients(BASE, CUBE, start="2026-07-01", as_of=AS_OF)


def test_base_summary_compares_with_the_previous_quarter():
    result = base_summary(BASE, CUBE, as_of=AS_OF, previous_as_of=PREVIOUS)
    assert isinstance(result, BaseSummary)
    # base: K1-K4, K6 (no created_at: always there), K7; K3 created after the previous date
    assert (result.customers, result.customers_previous) == (6, 5)
    assert (result.growth, result.growth_share) == (1, pytest.approx(0.2))
    # window 2025-07..2026-06: K1, K2, K3, K6; window 2025-04..2026-03: K1, K2, K6
    assert (result.active_buyers, result.active_buyers_previous) == (4, 3)
    assert (result.sleeping, result.sleeping_previous) == (2, 2)
    assert (result.new, result.new_previous) == (1, 1)
    assert rows_of(result.as_frame(), "metric", "current", "previous", "change") == [
        ("customers", 6, 5, 1), ("active_buyers", 4, 3, 1), ("sleeping", 2, 2, 0), ("new", 1, 1, 0),
    ]


def test_base_trend_counts_the_base_at_each_quarter_end():
    result = base_trend(BASE, CUBE, as_of=AS_OF, quarters=3)
    # 2025-12-31: K1, K2, K4, K6, K7 exist; buyers K1, K2, K7; K1 (199 days) and K7 asleep; K2 new
    assert rows_of(result, "quarter", "customers", "active_buyers", "sleeping", "new") == [
        ("2025Q4", 5, 3, 2, 1), ("2026Q1", 5, 3, 2, 1), ("2026Q2", 6, 4, 2, 1),
    ]
    assert result["as_of"].tolist() == [pd.Timestamp(d) for d in ("2025-12-31", "2026-03-31", "2026-06-30")]
    last = base_summary(BASE, CUBE, as_of=AS_OF, previous_as_of=PREVIOUS)
    assert tuple(result.iloc[-1][["customers", "active_buyers", "sleeping", "new"]]) == (
        last.customers, last.active_buyers, last.sleeping, last.new,
    )


def test_base_trend_stops_at_an_as_of_inside_the_quarter():
    result = base_trend(BASE, CUBE, as_of="2026-05-15", quarters=1)
    assert rows_of(result, "quarter", "as_of", "customers", "new") == [
        ("2026Q2", pd.Timestamp("2026-05-15"), 6, 1),
    ]


def test_base_trend_needs_a_quarter():
    with pytest.raises(ValueError, match="quarters"):
        base_trend(BASE, CUBE, as_of=AS_OF, quarters=0)


def test_base_summary_without_created_at_counts_every_card():
    result = base_summary(BASE.drop(columns="created_at"), CUBE, as_of=AS_OF, previous_as_of=PREVIOUS)
    assert (result.customers, result.customers_previous, result.growth) == (6, 6, 0)


def test_base_summary_previous_date_must_come_first():
    with pytest.raises(ValueError, match="before as_of"):
        base_summary(BASE, CUBE, as_of=PREVIOUS, previous_as_of=AS_OF)


# ------------------------------------------------------------------------------ tasks

TASK_CARDS = cards(
    {"customer_id": "T1", "name": "Первый", "manager": "Иванов"},
    {"customer_id": "T2", "name": "Второй"},
    {"customer_id": "T3", "name": "Третий", "manager": "  "},
    {"customer_id": "T4", "name": "Четвёртый"},
    {"customer_id": "T5", "name": "Удалён", "is_deleted": True},
)
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
    result = tasks(executors=["Анна", "Борис"], language="ru")
    assert list(result.columns)[:4] == ["manager", "customer_id", "task", "task_code"]
    # T2 -> Анна, T3 -> Борис, T4 -> Анна: customers in customer_id order, all of a card's tasks together
    assert rows_of(result, "manager", "customer_id", "task", "task_code") == [
        ("Анна", "T2", "Объединить дубли: группа D0003 (совпадает телефон)", "duplicate_phone"),
        ("Анна", "T2", "Назначить основного менеджера", "fill_manager"),
        ("Анна", "T4", "Назначить основного менеджера", "fill_manager"),
        ("Борис", "T3", "Назначить основного менеджера", "fill_manager"),
        ("Борис", "T3", "Заполнить источник привлечения", "fill_source"),
        ("Иванов", "T1", "Проверить ИНН: неверная контрольная сумма", "inn_checksum"),
        ("Иванов", "T1", "Заполнить КПП: обязателен для организации", "kpp_missing"),
    ]


def test_tasks_without_executors_are_unassigned_and_in_english_by_default():
    result = tasks()
    assert set(result.loc[result["customer_id"] != "T1", "manager"]) == {UNASSIGNED}
    assert result.loc[result["task_code"] == "duplicate_phone", "task"].tolist() == [
        "Merge duplicates: group D0003 (same phone)"
    ]
    assert "T5" not in set(result["customer_id"])


def test_tasks_with_no_problems_are_an_empty_table():
    result = audit_tasks(TASK_CARDS, invalid=None, duplicates=None, fill=TASK_GAPS.iloc[:0])
    assert result.empty and list(result.columns)[:4] == ["manager", "customer_id", "task", "task_code"]


def test_tasks_reject_an_unknown_language():
    with pytest.raises(ValueError, match="language"):
        tasks(language="de")


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


# ------------------------------------------------------------------------- everything


def test_base_audit_runs_every_check_with_the_same_options():
    customers = pd.concat([BASE, TASK_CARDS.iloc[:4]], ignore_index=True)
    result = base_audit(customers, CUBE, None, as_of=AS_OF, executors=["Анна"], language="ru", trend_quarters=2)
    # previous audit: the end of the quarter before
    assert result.previous_as_of == PREVIOUS
    assert result.base == base_summary(customers, CUBE, as_of=AS_OF, previous_as_of=PREVIOUS)
    pd.testing.assert_frame_equal(result.fill_gaps, fill_gaps(customers))
    pd.testing.assert_frame_equal(result.sleeping, sleeping_clients(customers, CUBE, as_of=AS_OF))
    assert result.new["customer_id"].tolist() == ["K3"]
    assert result.trend["quarter"].tolist() == ["2026Q1", "2026Q2"]
    assert set(result.tasks.loc[result.tasks["customer_id"] == "T2", "manager"]) == {"Анна"}
    assert "Назначить основного менеджера" in set(result.tasks["task"])
    assert (result.has_contacts, result.executors, result.fuzzy_threshold) == (False, ("Анна",), None)
    quality = result.manager_quality
    assert result.complete_share == quality["complete_cards"].sum() / quality["customers"].sum()


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
