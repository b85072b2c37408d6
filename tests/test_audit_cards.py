"""Tests of the vectorised helpers of clientbase.audit (issue 17) against plain pandas references.

The audit reads text ids through Arrow lookups, integer ranks and runs of rows instead of
merges, groupbys and sorts over text; each helper must answer exactly as the pandas
operation it replaces, on the edge cases too: nothing, missing values, Cyrillic, ties.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from audit_frames import AS_OF, cards, cube_rows
from clientbase.audit import (
    audit_tasks,
    base_audit,
    duplicate_groups,
    fill_gaps,
    invalid_ids,
    new_clients,
    sleeping_clients,
)
from clientbase.audit._cards import _Cards, _is_in, _positions
from clientbase.audit.activity import _card_dates, _coded_activity, _quarter_counts
from clientbase.audit.tasks import _owner_pairs

TEXTS = [
    (["b", None, None, "a", "a", "Ё", "ё", "ж", "x"], ["ё", None, "a", "Ё"]),
    (["a", "a", "b"], ["b", "a"]),
    ([], ["a"]),
    (["a", None], []),
    ([None], [None]),
    (["Ромашка", "ромашка", "Ромашка "], ["ромашка", "Ромашка"]),
]


def text(values: list) -> pd.Series:
    return pd.Series(values, dtype="str")


@pytest.mark.parametrize(("values", "ids"), TEXTS)
def test_positions_are_get_indexer(values, ids):
    expected = pd.Index(text(ids)).get_indexer(text(values))
    np.testing.assert_array_equal(_positions(text(values), pd.Index(text(ids))), expected)


@pytest.mark.parametrize(("values", "wanted"), TEXTS)
def test_is_in_is_pandas_isin(values, wanted):
    np.testing.assert_array_equal(_is_in(text(values), text(wanted)), text(values).isin(text(wanted)).to_numpy())


IDS = [
    ["К2", "к1", "K1", "Ё", "е", "ё", None, "10", "9", "К2", None, "", "a b", "a"],
    ["c3", "c1", "c2"],
    ["x", "x", "x"],
    [None, None],
    [],
]


@pytest.mark.parametrize("ids", IDS)
def test_sorting_by_id_rank_is_sorting_by_customer_id(ids):
    frame = cards(*({"customer_id": i, "name": str(n)} for n, i in enumerate(ids)))
    ranked = _Cards(frame)
    expected = frame.sort_values("customer_id", kind="stable").index.to_numpy()
    np.testing.assert_array_equal(ranked.by_id, expected)
    np.testing.assert_array_equal(np.argsort(ranked.id_rank, kind="stable"), expected)
    # equal ids (two missing ones too) share a rank, and only they
    codes = pd.factorize(frame["customer_id"], use_na_sentinel=False)[0]
    assert len(set(zip(codes, ranked.id_rank, strict=True))) == len(set(codes))
    assert ranked.unique_ids == frame["customer_id"].is_unique


@pytest.mark.parametrize("ids", IDS)
def test_owner_pairs_are_the_inner_merge(ids):
    frame = cards(*({"customer_id": i} for i in ids))
    tasks = text(["x", "К2", None, "a", "missing", "К2", "c1"])
    merged = pd.DataFrame({"customer_id": tasks, "row": range(len(tasks))}).merge(
        pd.DataFrame({"customer_id": frame["customer_id"], "card": range(len(frame))}), on="customer_id")
    row, card = _owner_pairs(tasks, _Cards(frame))
    np.testing.assert_array_equal(row, merged["row"].to_numpy())
    np.testing.assert_array_equal(card, merged["card"].to_numpy())


CUBE = cube_rows(
    ("Б", "2026-05-01", 2, "2026-05-10", "2026-05-20"),
    ("А", "2025-11-01", 1, "2025-11-03", "2025-11-03"),
    ("Б", "2025-06-01", 1, "2025-06-15", "2025-06-15"),
    ("А", "2026-03-01", 1, None, None),  # an order without dates
    ("В", "2026-04-01", 1, "2026-04-10", "2026-04-10"),
    ("А", "2026-07-01", 1, "2026-07-02", "2026-07-02"),  # after as_of
    ("Г", "2026-06-01", 0, None, None),  # a return: not activity
    ("?", "2026-06-01", 1, "2026-06-01", "2026-06-01"),  # no such card
)
DATED = cards({"customer_id": "Б"}, {"customer_id": "А"}, {"customer_id": "В"}, {"customer_id": "Г"},
              {"customer_id": None}, {"customer_id": "Б"})


def test_card_dates_are_the_groupby_min_and_max():
    activity = _coded_activity(_Cards(DATED), CUBE)
    dates = _card_dates(activity, AS_OF)
    rows = CUBE[(CUBE["orders"] > 0) & (CUBE["month"] <= AS_OF)]
    first = rows["first_order_date"].where(rows["first_order_date"] <= AS_OF).groupby(rows["customer_id"]).min()
    last = rows["last_order_date"].where(rows["last_order_date"] <= AS_OF).groupby(rows["customer_id"]).max()
    np.testing.assert_array_equal(dates.first, DATED["customer_id"].map(first).to_numpy(dtype="datetime64[ns]"))
    np.testing.assert_array_equal(dates.last, DATED["customer_id"].map(last).to_numpy(dtype="datetime64[ns]"))


def test_quarter_counts_do_not_depend_on_the_order_of_the_cube():
    shuffled = CUBE.sample(frac=1, random_state=3).reset_index(drop=True)
    counts = [
        _quarter_counts(_coded_activity(_Cards(DATED), cube), day=AS_OF, start=pd.Timestamp("2026-04-01"),
                        window_months=12, sleeping_days=30)
        for cube in (CUBE, CUBE.sort_values(["customer_id", "month"]), shuffled)
    ]
    assert counts[0] == counts[1] == counts[2] == {"active_buyers": 3, "sleeping": 3, "new": 1}


def test_a_list_without_a_dated_card_keeps_object_columns():
    # as before the lists were built by positions: an all-missing text column is object
    nobody = sleeping_clients(DATED, CUBE.iloc[:0], as_of=AS_OF)
    assert nobody.empty and nobody["customer_id"].dtype == object and nobody["manager"].dtype == "str"
    unnamed = new_clients(DATED, CUBE, start="2025-01-01", as_of=AS_OF)
    assert unnamed["customer_id"].tolist() == ["Б", "Б", "А", "В"]
    assert unnamed["name"].dtype == object and unnamed["source"].dtype == object


def reference_tasks(customers: pd.DataFrame, invalid, duplicates, fill, executors) -> pd.DataFrame:
    """audit_tasks as it was before issue 17: a merge on customer_id and a sort over text."""
    parts = [
        pd.DataFrame({"customer_id": invalid["customer_id"].to_numpy(),
                      "task_code": np.where(invalid["field"] == "inn", "inn_" + invalid["problem"],
                                            invalid["problem"])}),
        pd.DataFrame({"customer_id": duplicates["customer_id"].to_numpy(),
                      "task_code": ("duplicate_" + duplicates["match_rule"]).to_numpy(),
                      "group_id": duplicates["group_id"].to_numpy(), "match_rule": duplicates["match_rule"].to_numpy()}),
        pd.DataFrame({"customer_id": fill["customer_id"].to_numpy(), "task_code": ("fill_" + fill["field"]).to_numpy()}),
    ]
    tasks = pd.concat(parts, ignore_index=True)
    tasks["_order"] = np.arange(len(tasks))
    active = customers[~customers["is_deleted"]]
    manager = active["manager"].str.strip()
    owners = pd.DataFrame({"customer_id": active["customer_id"].to_numpy(),
                           "manager": manager.mask(manager == "").to_numpy(), "name": active["name"].to_numpy()})
    tasks = tasks.merge(owners, on="customer_id", how="inner")
    orphans = np.sort(tasks.loc[tasks["manager"].isna(), "customer_id"].unique())
    people = np.array(list(executors), dtype=object)
    assigned = pd.Series(people[np.arange(len(orphans)) % len(people)], index=orphans, dtype="str")
    tasks["manager"] = tasks["manager"].fillna(tasks["customer_id"].map(assigned))
    tasks = tasks.sort_values(["manager", "customer_id", "_order"], kind="stable", ignore_index=True)
    return tasks[["manager", "customer_id", "task_code", "name", "group_id", "match_rule"]].astype("str")


SAME_IDS = cards(
    {"customer_id": "Ж2", "name": "ООО Ромашка", "inn": "7707083894", "phone": "8 495 123-45-67"},
    {"customer_id": "ж1", "name": "Ромашка", "manager": "Яков", "phone": "+7 495 1234567"},
    {"customer_id": "Ж2", "name": "Альфа", "manager": "Анна", "email": "a@x.ru"},
    {"customer_id": "A1", "name": "Альфа", "email": "A@X.ru ", "inn": "123"},
    {"customer_id": "a1", "name": "Бета", "manager": " ", "is_deleted": True},
    {"customer_id": "Ё", "name": "Бета", "manager": "Ёлкин", "inn": "500100732259", "kpp": "770701001"},
)


@pytest.mark.parametrize("executors", [["Борис", "Анна"], ["(unassigned)"]])
def test_tasks_are_the_merge_and_sort_they_replace(executors):
    # repeated and Cyrillic ids, mixed case, a deleted card, cards without a manager
    invalid, gaps = invalid_ids(SAME_IDS), fill_gaps(SAME_IDS)
    duplicates = duplicate_groups(SAME_IDS, fuzzy_threshold=0.8)
    result = audit_tasks(SAME_IDS, invalid=invalid, duplicates=duplicates, fill=gaps, executors=executors)
    pd.testing.assert_frame_equal(result, reference_tasks(SAME_IDS, invalid, duplicates, gaps, executors))


def test_base_audit_of_nothing():
    result = base_audit(SAME_IDS.iloc[:0], CUBE.iloc[:0], None, as_of=AS_OF)
    assert result.tasks.empty and result.sleeping.empty and result.cards == 0
    assert result.trend["customers"].tolist() == [0] * 8
