"""Tests of clientbase.abc_xyz: hand-computed tiny cubes (REFERENCE.md "ABC", "XYZ",
"Relationship stage", "Migration between periods")."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientbase.abc_xyz import (
    CELLS,
    CLASSIC_XYZ_BOUNDS,
    DEFAULT_ABC_BOUNDS,
    DEFAULT_XYZ_BOUNDS,
    Migration,
    abc_classes,
    abc_xyz_classes,
    abc_xyz_matrix,
    downgrades,
    downgrades_by_manager,
    migration,
    pareto_curve,
    relationship_stage,
    share_of_customers_for,
    unclassified,
    xyz_classes,
)

AS_OF = pd.Timestamp("2024-12-31")  # 12-month window: 2024-01 … 2024-12
MONTHS_2024 = [f"2024-{m:02d}" for m in range(1, 13)]


def make_cube(rows, *, gross_profit=False) -> pd.DataFrame:
    """rows: (customer_id, "YYYY-MM", revenue[, orders[, first day of an order]])."""
    records = []
    for row in rows:
        customer_id, month, revenue = row[:3]
        orders = row[3] if len(row) > 3 else int(revenue > 0)
        start = pd.Timestamp(month + "-01")
        first = pd.Timestamp(row[4]) if len(row) > 4 else (start if orders > 0 else pd.NaT)
        records.append({
            "customer_id": customer_id, "month": start, "revenue": float(revenue),
            "gross_profit": float(revenue) / 2 if gross_profit else np.nan, "quantity": np.nan,
            "orders": orders, "first_order_date": first, "last_order_date": first,
        })
    cube = pd.DataFrame.from_records(records)
    return cube.astype({
        "customer_id": "str", "month": "datetime64[ns]", "orders": "int64",
        "first_order_date": "datetime64[ns]", "last_order_date": "datetime64[ns]",
    })


def make_customers(ids, *, deleted=()) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series(ids, dtype="str"),
        "name": pd.Series([f"Client {i}" for i in ids], dtype="str"),
        "manager": pd.Series(["Ivanov" if n % 2 else "Petrova" for n in range(len(ids))], dtype="str"),
        "is_deleted": [i in deleted for i in ids],
    })


def monthly(customer_id, months, amount=100.0):
    return [(customer_id, m, amount) for m in months]


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("customer_id")


# --- ABC --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        ({"a": 80, "b": 15, "c": 5}, {"a": "A", "b": "B", "c": "C"}),
        ({"a": 70, "b": 20, "c": 10}, {"a": "A", "b": "A", "c": "B"}),
        ({"p": 60, "c": 20, "b": 20}, {"p": "A", "b": "A", "c": "B"}),
        ({"a": 80, "b": 14, "c": 6}, {"a": "A", "b": "B", "c": "B"}),
        ({"solo": 5}, {"solo": "A"}),
    ],
    ids=["exactly_at_0.80_before_is_b", "crossing_customer_is_upper_class",
         "tie_broken_by_customer_id", "crossing_0.95_is_b", "single_customer_is_a"],
)
def test_abc_boundaries(metric, expected):
    table = by_id(abc_classes(pd.Series(metric, dtype="float64")))
    assert table["abc"].to_dict() == expected


def test_abc_shares_order_and_last_cum_share():
    table = abc_classes(pd.Series({"c": 5.0, "a": 80.0, "b": 15.0}))
    assert list(table.columns) == ["customer_id", "metric_value", "share", "cum_share", "abc"]
    assert table["customer_id"].tolist() == ["a", "b", "c"]
    assert table["share"].tolist() == pytest.approx([0.80, 0.15, 0.05])
    assert table["cum_share"].tolist() == pytest.approx([0.80, 0.95, 1.0])
    assert table["cum_share"].iloc[-1] == 1.0


def test_single_customer_has_share_one():
    table = abc_classes(pd.Series({"solo": 5.0}))
    assert table.loc[0, "share"] == 1.0 and table.loc[0, "cum_share"] == 1.0


def test_float_drift_does_not_move_a_customer_across_the_bound():
    # ten customers of 0.1: the running sum before the ninth is 0.7999999999999999 in floats
    table = abc_classes(pd.Series([0.1] * 10, index=[f"c{i}" for i in range(10)]))
    assert table["abc"].tolist() == ["A"] * 8 + ["B"] * 2
    assert table["cum_share"].iloc[-1] == 1.0


@pytest.mark.parametrize(
    "metric",
    [{"a": 0.0, "b": 0.0}, {"a": -50.0, "b": 0.0}],
    ids=["all_zero", "negative_and_zero"],
)
def test_customers_without_positive_metric_are_unclassified(metric):
    table = abc_classes(pd.Series(metric))
    assert table["abc"].isna().all()
    assert table["share"].isna().all() and table["cum_share"].isna().all()


def test_negative_customer_is_unclassified_and_last():
    table = abc_classes(pd.Series({"r": -30.0, "a": 60.0, "b": 40.0}))
    assert table["customer_id"].tolist() == ["a", "b", "r"]
    assert table["abc"].tolist()[:2] == ["A", "A"] and pd.isna(table["abc"].iloc[2])
    assert math.isnan(table["share"].iloc[2])
    assert table["cum_share"].iloc[1] == 1.0


def test_abc_bounds_are_a_parameter_and_checked():
    table = by_id(abc_classes(pd.Series({"a": 50.0, "b": 30.0, "c": 20.0}), bounds=(0.5, 0.8)))
    assert table["abc"].to_dict() == {"a": "A", "b": "B", "c": "C"}
    with pytest.raises(ValueError, match="abc_bounds"):
        abc_classes(pd.Series({"a": 1.0}), bounds=(0.95, 0.80))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-100, max_value=1e6, allow_nan=False), min_size=1, max_size=40))
def test_property_shares_sum_to_one_and_classes_are_monotone(values):
    metric = pd.Series(values, index=[f"c{i:03d}" for i in range(len(values))])
    table = abc_classes(metric)
    positive = table["metric_value"] > 0
    assert table["abc"].notna().tolist() == positive.tolist()
    if positive.any():
        assert table.loc[positive, "share"].sum() == pytest.approx(1.0)
        assert table.loc[positive, "cum_share"].iloc[-1] == 1.0
        assert table.loc[positive, "cum_share"].is_monotonic_increasing
        assert table["abc"].iloc[0] == "A"
        # a larger metric never gets a worse class
        ranked = table.loc[positive].sort_values("metric_value", ascending=False, kind="stable")
        assert ranked["abc"].is_monotonic_increasing


# --- XYZ --------------------------------------------------------------------------------


def test_cv_of_known_series():
    cube = make_cube(
        monthly("constant", MONTHS_2024)
        + monthly("every_other", MONTHS_2024[::2])
        + monthly("quarterly", MONTHS_2024[::3])
        + [("history", "2020-01", 100.0)]
    )
    table = by_id(xyz_classes(cube, as_of=AS_OF))
    assert table.loc["constant", "cv"] == 0.0
    assert table.loc["every_other", "cv"] == 1.0
    assert table.loc["quarterly", "cv"] == pytest.approx(math.sqrt(2))
    assert table.loc[["constant", "every_other", "quarterly"], "xyz"].tolist() == ["X", "Y", "Z"]
    assert pd.isna(table.loc["history", "xyz"])  # bought before the window only: mean 0
    assert table["observed_periods"].tolist() == [12, 12, 12, 12]


def test_classic_bounds_put_the_every_other_month_buyer_in_z():
    cube = make_cube(monthly("every_other", MONTHS_2024[::2]))
    table = xyz_classes(cube, as_of=AS_OF, bounds=CLASSIC_XYZ_BOUNDS)
    assert table["xyz"].tolist() == ["Z"]


@pytest.mark.parametrize(
    ("rows", "observed", "cv", "xyz"),
    [
        (monthly("n", ["2024-11", "2024-12"]), 2, None, None),
        (monthly("n", ["2024-10", "2024-11", "2024-12"]), 3, 0.0, "X"),
        (monthly("n", ["2024-07", "2024-09", "2024-11"]), 6, 1.0, "Y"),
        ([("n", "2024-03", -20.0, 0)] + monthly("n", ["2024-10", "2024-11", "2024-12"]), 3, 0.0, "X"),
        (monthly("n", ["2021-05"]) + monthly("n", ["2024-06"]), 12, math.sqrt(11), "Z"),
    ],
    ids=["two_months_is_too_little_history", "three_months_is_enough",
         "span_starts_at_first_order_month", "a_return_is_not_a_first_order",
         "old_customer_spans_the_whole_window"],
)
def test_observed_span(rows, observed, cv, xyz):
    row = by_id(xyz_classes(make_cube(rows), as_of=AS_OF)).loc["n"]
    assert row["observed_periods"] == observed
    if cv is None:
        assert math.isnan(row["cv"]) and pd.isna(row["xyz"])
    else:
        assert row["cv"] == pytest.approx(cv) and row["xyz"] == xyz


def test_window_edges():
    rows = (
        monthly("c", MONTHS_2024)
        + [("c", "2023-12", 5000.0), ("c", "2025-01", 5000.0), ("late", "2025-02", 100.0)]
    )
    cube = make_cube(rows)
    table = by_id(xyz_classes(cube, as_of=AS_OF))
    assert table.loc["c", "cv"] == 0.0
    assert "late" not in table.index  # a month after as_of is never read
    classes = by_id(abc_xyz_classes(cube, make_customers(["c", "late"]), as_of=AS_OF))
    assert classes.loc["c", "metric_value"] == 1200.0
    assert classes.loc["late", "stage"] == "potential"


def test_mean_not_positive_gets_no_xyz_class():
    cube = make_cube([("r", "2024-01", 100.0), ("r", "2024-02", -100.0, 0), ("r", "2024-03", -50.0, 0)])
    row = by_id(xyz_classes(cube, as_of=AS_OF)).loc["r"]
    assert math.isnan(row["cv"]) and pd.isna(row["xyz"])


def test_min_periods_is_a_parameter():
    cube = make_cube(monthly("n", ["2024-11", "2024-12"]))
    row = xyz_classes(cube, as_of=AS_OF, min_periods=2).iloc[0]
    assert row["cv"] == 0.0 and row["xyz"] == "X"


def test_quarter_grain():
    cube = make_cube(
        monthly("monthly", MONTHS_2024)
        + monthly("once_a_quarter", ["2024-02", "2024-05", "2024-08", "2024-11"])
        + monthly("two_quarters", ["2024-01", "2024-07"], 300.0)
    )
    table = by_id(xyz_classes(cube, as_of=AS_OF, grain="quarter"))
    assert table["cv"].to_dict() == {"monthly": 0.0, "once_a_quarter": 0.0, "two_quarters": 1.0}
    assert table["observed_periods"].tolist() == [4, 4, 4]
    assert table["xyz"].tolist() == ["X", "X", "Y"]


def test_quarter_grain_needs_whole_quarters():
    cube = make_cube(monthly("c", MONTHS_2024))
    with pytest.raises(ValueError, match="whole calendar quarters"):
        xyz_classes(cube, as_of=AS_OF, grain="quarter", window_months=7)


def test_week_grain_needs_daily():
    cube = make_cube(monthly("c", MONTHS_2024))
    with pytest.raises(ValueError, match="daily"):
        xyz_classes(cube, as_of=AS_OF, grain="week")


def test_week_grain_from_daily_facts():
    # window 2024-10-01 (Tue) … 2024-12-31 (Tue): Monday weeks from 2024-09-30, 14 of them
    wednesdays = pd.date_range("2024-10-02", "2024-12-31", freq="7D")  # 13 purchases
    daily = pd.DataFrame({
        "customer_id": pd.Series(["w"] * len(wednesdays) + ["early"], dtype="str"),
        "date": list(wednesdays) + [pd.Timestamp("2024-09-30")],  # before the window start
        "revenue": 100.0, "gross_profit": np.nan, "quantity": np.nan, "orders": 1,
    })
    cube = make_cube(monthly("w", ["2024-10"]))
    table = by_id(xyz_classes(cube, as_of=AS_OF, window_months=3, grain="week", daily=daily))
    assert table.loc["w", "observed_periods"] == 14
    assert table.loc["w", "cv"] == pytest.approx(math.sqrt(1 / 13))  # 13 weeks of 100, one of 0
    assert table.loc["w", "xyz"] == "X"
    assert table.loc["early", "observed_periods"] == 14 and pd.isna(table.loc["early", "xyz"])


@pytest.mark.parametrize(("metric", "message"), [("gross_profit", "cost"), ("quantity", "quantity")])
def test_metric_without_its_column_raises(metric, message):
    cube = make_cube(monthly("c", MONTHS_2024))
    with pytest.raises(ValueError, match=message):
        xyz_classes(cube, as_of=AS_OF, metric=metric)
    with pytest.raises(ValueError, match=message):
        abc_xyz_classes(cube, make_customers(["c"]), as_of=AS_OF, metric=metric)


def test_unknown_metric_and_grain_raise():
    cube = make_cube(monthly("c", MONTHS_2024))
    with pytest.raises(ValueError, match="metric: .* got 'margin'"):
        xyz_classes(cube, as_of=AS_OF, metric="margin")
    with pytest.raises(ValueError, match="grain: .* got 'day'"):
        xyz_classes(cube, as_of=AS_OF, grain="day")


@pytest.mark.parametrize("options", [{"new_days": 0}, {"window_months": 0}, {"abc_bounds": (0.9, 0.8)},
                                     {"xyz_bounds": (1.0, 0.5)}],
                         ids=["new-days-0", "window-0", "abc-bounds-decreasing", "xyz-bounds-decreasing"])
def test_the_analysis_refuses_what_the_profile_refuses(options):
    # one declaration of each option (AbcXyzOptions): the analysis and the profile agree
    from clientbase.abc_xyz import AbcXyzOptions

    cube = make_cube(monthly("c", MONTHS_2024))
    with pytest.raises(ValueError):
        AbcXyzOptions(**options)
    with pytest.raises(ValueError):
        abc_xyz_classes(cube, make_customers(["c"]), as_of=AS_OF, **options)


# --- relationship stage -------------------------------------------------------------------

STAGE_ROWS = [
    ("return_only", "2024-05", -40.0, 0),
    ("new", "2024-10", 100.0, 1, "2024-10-03"),  # 89 days before as_of, a single order
    ("not_new", "2024-10", 100.0, 1, "2024-10-02"),  # 90 days: not new any more
    ("lost", "2023-03", 100.0, 2),
    ("lost_one_off", "2022-06", 100.0, 1),
    ("one_off", "2024-03", 100.0, 1),
    ("regular", "2023-04", 100.0, 1),
    ("regular", "2024-05", 100.0, 1),
    ("regular_one_month", "2024-06", 100.0, 2),
    ("future", "2025-01", 100.0, 1),
]
STAGE_EXPECTED = {
    "potential": "potential", "return_only": "potential", "new": "new", "not_new": "one_off",
    "lost": "lost", "lost_one_off": "lost", "one_off": "one_off", "regular": "regular",
    "regular_one_month": "regular", "future": "potential",
}


@pytest.mark.parametrize("customer_id", list(STAGE_EXPECTED), ids=list(STAGE_EXPECTED))
def test_relationship_stage(customer_id):
    stage = relationship_stage(make_cube(STAGE_ROWS), make_customers(list(STAGE_EXPECTED)), as_of=AS_OF)
    assert stage[customer_id] == STAGE_EXPECTED[customer_id]


def test_relationship_stage_first_rule_wins():
    cube, customers = make_cube(STAGE_ROWS), make_customers(list(STAGE_EXPECTED))
    stage = relationship_stage(cube, customers, as_of=AS_OF, new_days=700)
    assert stage["lost"] == "new"  # first order 2023-03-01 is 671 days old: new before lost
    assert stage["lost_one_off"] == "lost"  # 2022-06-01 is 944 days old: lost before one_off
    assert stage.index.tolist() == list(STAGE_EXPECTED) and stage.name == "stage"


# --- the classes table ----------------------------------------------------------------------


@pytest.fixture
def classes_inputs():
    rows = (
        monthly("a", MONTHS_2024, 100.0)  # 1200, X
        + monthly("b", MONTHS_2024[::2], 40.0)  # 240, Y
        + monthly("c", ["2024-11", "2024-12"], 30.0)  # 60, new: too little history
        + [("r", "2024-04", 50.0), ("r", "2024-05", -80.0, 0)]  # net returns, one order
        + monthly("gone", ["2023-05"], 100.0)
        + monthly("del", MONTHS_2024, 1000.0)
        + monthly("stranger", MONTHS_2024, 1000.0)  # not in the customers table
    )
    customers = make_customers(["a", "b", "c", "r", "gone", "pot", "del"], deleted={"del"})
    return make_cube(rows, gross_profit=True), customers


def test_classes_table(classes_inputs):
    cube, customers = classes_inputs
    table = abc_xyz_classes(cube, customers, as_of=AS_OF)
    assert list(table.columns)[:9] == [
        "customer_id", "name", "manager", "metric_value", "share", "cum_share", "abc", "cv", "xyz",
    ]
    assert {"abc_xyz", "stage", "revenue"} <= set(table.columns)
    # one row per card of the customers table; the one marked for deletion last, unclassified
    assert table["customer_id"].tolist() == ["a", "b", "c", "gone", "pot", "r", "del"]
    t = by_id(table)
    assert t["metric_value"].tolist() == [1200.0, 240.0, 60.0, 0.0, 0.0, -30.0, 12000.0]
    assert t.loc["a", "share"] == pytest.approx(1200 / 1500)  # del's 12 000 is not in the total
    assert t["abc"].fillna("").tolist() == ["A", "B", "C", "", "", "", ""]
    assert t["xyz"].fillna("").tolist() == ["X", "Y", "", "", "", "", ""]
    assert t["abc_xyz"].fillna("").tolist() == ["AX", "BY", "", "", "", "", ""]
    assert t["stage"].tolist() == ["regular", "regular", "new", "lost", "potential", "one_off", "regular"]
    assert t["is_deleted"].tolist() == [False] * 6 + [True]
    assert math.isnan(t.loc["del", "cv"]) and math.isnan(t.loc["del", "share"])
    assert t.loc["b", "name"] == "Client b" and t.loc["b", "manager"] == "Ivanov"
    assert table.attrs["abc_bounds"] == DEFAULT_ABC_BOUNDS and table.attrs["metric"] == "revenue"


def test_classes_can_include_deleted(classes_inputs):
    cube, customers = classes_inputs
    table = by_id(abc_xyz_classes(cube, customers, as_of=AS_OF, include_deleted=True))
    assert table.index[0] == "del" and table.loc["del", "abc_xyz"] == "AX"


def test_deleted_cards_are_not_listed_nor_migrated(classes_inputs):
    cube, customers = classes_inputs
    classes = abc_xyz_classes(cube, customers, as_of=AS_OF)
    assert "del" not in unclassified(classes, include_no_purchases=True)["customer_id"].tolist()
    result = migration(cube, customers, as_of=AS_OF, window_months=6)
    # a, b, c and r bought in one of the two windows; gone is lost in both; del is left out
    assert result.transitions["customers"].sum() == 5
    assert "del" not in result.downgrades["customer_id"].tolist()
    kept = migration(cube, customers, as_of=AS_OF, window_months=6, include_deleted=True)
    assert kept.transitions["customers"].sum() == 6


def test_classes_on_gross_profit_keep_revenue(classes_inputs):
    cube, customers = classes_inputs
    table = by_id(abc_xyz_classes(cube, customers, as_of=AS_OF, metric="gross_profit"))
    assert table.loc["a", "metric_value"] == 600.0 and table.loc["a", "revenue"] == 1200.0


def test_matrix(classes_inputs):
    cube, customers = classes_inputs
    matrix = abc_xyz_matrix(abc_xyz_classes(cube, customers, as_of=AS_OF)).set_index("abc_xyz")
    assert matrix.index.tolist() == list(CELLS)
    assert matrix["customers"].to_dict() == {c: int(c in ("AX", "BY")) for c in CELLS}
    assert matrix.loc["AX", "revenue"] == 1200.0
    assert matrix.loc["AX", "revenue_share"] == pytest.approx(1200 / 1500)
    assert matrix.loc["BY", "customer_share"] == pytest.approx(1 / 3)
    assert matrix.loc["BY", ["cum_share_before_min", "cum_share_before_max"]].tolist() == [0.80, 0.95]
    assert matrix.loc["CZ", "cv_min"] == DEFAULT_XYZ_BOUNDS[1] and math.isinf(matrix.loc["CZ", "cv_max"])


def test_unclassified(classes_inputs):
    cube, customers = classes_inputs
    classes = abc_xyz_classes(cube, customers, as_of=AS_OF)
    listed = unclassified(classes)
    assert listed["customer_id"].tolist() == ["r"]
    assert listed["reason"].tolist() == ["net_returns"] and listed["metric_value"].tolist() == [-30.0]
    everyone = unclassified(classes, include_no_purchases=True)
    assert by_id(everyone)["reason"].to_dict() == {
        "r": "net_returns", "gone": "no_purchases", "pot": "no_purchases",
    }


def test_unclassified_negative_margin():
    cube = make_cube(monthly("m", MONTHS_2024))
    cube = cube.assign(gross_profit=-5.0)
    classes = abc_xyz_classes(cube, make_customers(["m"]), as_of=AS_OF, metric="gross_profit")
    assert unclassified(classes)["reason"].tolist() == ["negative_margin"]


def test_pareto_curve_and_share_of_customers():
    classes = abc_xyz_classes(
        make_cube(monthly("a", ["2024-01"], 80.0) + monthly("b", ["2024-01"], 10.0)
                  + monthly("c", ["2024-01"], 5.0) + monthly("d", ["2024-01"], 5.0)),
        make_customers(["a", "b", "c", "d", "pot"]), as_of=AS_OF,
    )
    curve = pareto_curve(classes)
    assert curve["customer_share"].tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert curve["cum_share"].tolist() == pytest.approx([0.0, 0.80, 0.90, 0.95, 1.0])
    assert share_of_customers_for(classes, 0.80) == 0.25
    assert share_of_customers_for(classes, 0.81) == 0.5


def test_playbook_covers_every_cell_in_both_languages():
    from clientbase.text import group

    for language in ("en", "ru"):
        playbook = group("abc_xyz.playbook", language)
        assert set(playbook) == set(CELLS) and all(playbook.values())


# --- migration ------------------------------------------------------------------------------

PREVIOUS = pd.Timestamp("2024-09-30")


@pytest.fixture
def two_quarters():
    # 6-month windows: before 2024-04 … 2024-09, now 2024-07 … 2024-12
    rows = (
        monthly("a", MONTHS_2024, 100.0)  # AX → AX
        + monthly("b", MONTHS_2024[3:9], 100.0)  # AX → AY (cv 1 now)
        + monthly("c", MONTHS_2024[3:6], 50.0)  # BY → lost
        + monthly("d", ["2024-11", "2024-12"], 200.0)  # new → none (too little history)
        + monthly("f", MONTHS_2024[3:], 10.0)  # CX → CX
    )
    return make_cube(rows), make_customers(["a", "b", "c", "d", "e", "f"])


def test_migration_transitions(two_quarters):
    cube, customers = two_quarters
    result = migration(cube, customers, as_of=AS_OF, previous_as_of=PREVIOUS, window_months=6)
    assert isinstance(result, Migration)
    cells = result.transitions.set_index(["from_class", "to_class"])
    assert cells["customers"].to_dict() == {
        ("AX", "AX"): 1, ("AX", "AY"): 1, ("BY", "lost"): 1, ("CX", "CX"): 1, ("new", "none"): 1,
    }
    assert cells["row_share"].to_dict() == {
        ("AX", "AX"): 0.5, ("AX", "AY"): 0.5, ("BY", "lost"): 1.0, ("CX", "CX"): 1.0, ("new", "none"): 1.0,
    }
    assert cells["revenue_change"].to_dict() == {
        ("AX", "AX"): 0.0, ("AX", "AY"): -300.0, ("BY", "lost"): -150.0, ("CX", "CX"): 0.0,
        ("new", "none"): 400.0,
    }
    assert result.transitions.groupby("from_class")["row_share"].sum().tolist() == pytest.approx([1.0] * 4)
    assert result.previous_as_of == PREVIOUS


def test_migration_downgrades(two_quarters):
    cube, customers = two_quarters
    listed = migration(cube, customers, as_of=AS_OF, previous_as_of=PREVIOUS, window_months=6).downgrades
    assert listed["customer_id"].tolist() == ["b", "c"]
    assert listed["from_class"].tolist() == ["AX", "BY"]
    assert listed["to_class"].tolist() == ["AY", "lost"]
    assert listed["revenue_before"].tolist() == [600.0, 150.0]
    assert listed["revenue_now"].tolist() == [300.0, 0.0]
    assert listed["lost_revenue"].tolist() == [300.0, 150.0]
    assert listed["manager"].tolist() == ["Ivanov", "Petrova"]


def test_downgrades_by_manager():
    listed = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"], "manager": pd.Series(["Ivanov", None, "Petrova", "Ivanov"], dtype="str"),
        "to_class": ["lost", "BX", "AY", "CZ"], "revenue_before": [100.0, 500.0, 80.0, 60.0],
        "lost_revenue": [100.0, 400.0, 30.0, 50.0],
    })
    table = downgrades_by_manager(listed)
    # the unassigned customers come last whatever they lost
    assert table["manager"].tolist()[:2] == ["Ivanov", "Petrova"] and pd.isna(table["manager"].iloc[2])
    assert table["customers"].tolist() == [2, 1, 1]
    assert table["to_lost"].tolist() == [1, 0, 0]
    assert table["lost_revenue"].tolist() == [150.0, 30.0, 400.0]
    assert table["revenue_before"].tolist() == [160.0, 80.0, 500.0]
    assert downgrades_by_manager(listed.iloc[:0]).empty


def test_migration_defaults_to_the_previous_quarter(two_quarters):
    cube, customers = two_quarters
    result = migration(cube, customers, as_of=AS_OF, window_months=6)
    assert result.previous_as_of == PREVIOUS
    with pytest.raises(ValueError, match="previous_as_of"):
        migration(cube, customers, as_of=AS_OF, previous_as_of=AS_OF)


def test_downgrade_of_abc_letter_without_xyz():
    before = pd.DataFrame({
        "customer_id": ["a", "b"], "name": ["A", "B"], "manager": ["m", "m"], "abc": ["A", "A"],
        "xyz": [None, "X"], "abc_xyz": [None, "AX"], "stage": ["new", "regular"], "revenue": [500.0, 90.0],
    }).astype({"abc": "str", "xyz": "str", "abc_xyz": "str"})
    after = before.assign(
        abc=pd.Series(["B", "A"], dtype="str"), xyz=pd.Series(["X", "X"], dtype="str"),
        abc_xyz=pd.Series(["BX", "AX"], dtype="str"), revenue=[200.0, 95.0],
    )
    listed = downgrades(before, after)
    assert listed[["customer_id", "from_class", "to_class", "lost_revenue"]].values.tolist() == [
        ["a", "A", "BX", 300.0],
    ]


def test_a_client_without_a_class_who_stops_buying_is_a_downgrade_to_lost():
    # a negative margin left the client unclassified; now it has no order in the window
    before = pd.DataFrame({
        "customer_id": ["a", "b"], "name": ["A", "B"], "manager": ["m", "m"], "abc": [None, None],
        "xyz": [None, None], "abc_xyz": [None, None], "stage": ["regular", "lost"], "revenue": [1000.0, 0.0],
    }).astype({"abc": "str", "xyz": "str", "abc_xyz": "str"})
    after = before.assign(stage=["lost", "lost"], revenue=[0.0, 0.0])
    listed = downgrades(before, after)
    assert listed[["customer_id", "from_class", "to_class", "lost_revenue"]].values.tolist() == [
        ["a", "none", "lost", 1000.0],
    ]


def test_migration_rejects_unknown_options(two_quarters):
    cube, customers = two_quarters
    with pytest.raises(TypeError, match="windows"):
        migration(cube, customers, as_of=AS_OF, windows=6)


# --- edges -----------------------------------------------------------------------------------


def test_week_grain_in_the_classes_table():
    wednesdays = pd.date_range("2024-10-02", "2024-12-31", freq="14D")  # every other week
    daily = pd.DataFrame({
        "customer_id": pd.Series(["w"] * len(wednesdays), dtype="str"), "date": wednesdays,
        "revenue": 100.0, "gross_profit": np.nan, "quantity": np.nan, "orders": 1,
    })
    cube = make_cube(monthly("w", ["2024-10", "2024-11", "2024-12"]))
    row = by_id(abc_xyz_classes(cube, make_customers(["w", "x"]), as_of=AS_OF, window_months=3,
                                grain="week", daily=daily)).loc["w"]
    # 7 purchases in 14 weeks, each other week: cv exactly 1
    assert (row["observed_periods"], row["cv"], row["abc_xyz"]) == (14, 1.0, "AY")


def test_blocks_of_customers_give_the_same_cv(monkeypatch):
    import clientbase.abc_xyz.classes as module

    cube = make_cube(
        monthly("a", MONTHS_2024) + monthly("b", MONTHS_2024[::2]) + monthly("c", MONTHS_2024[::3])
        + monthly("d", ["2024-07", "2024-09", "2024-11"]) + [("e", "2024-01", 5.0)]
    )
    whole = xyz_classes(cube, as_of=AS_OF)
    monkeypatch.setattr(module, "_BLOCK_CELLS", 24)  # two customers per block
    pd.testing.assert_frame_equal(xyz_classes(cube, as_of=AS_OF), whole)


def test_empty_cube_leaves_everyone_potential():
    cube = make_cube(monthly("a", MONTHS_2024)).iloc[:0]
    table = abc_xyz_classes(cube, make_customers(["a", "b"]), as_of=AS_OF)
    assert table["stage"].tolist() == ["potential", "potential"]
    assert table["abc"].isna().all() and table["revenue"].dtype == "float64"
    assert migration(cube, make_customers(["a"]), as_of=AS_OF).transitions.empty


def test_duplicate_customer_ids_raise():
    cube = make_cube(monthly("a", MONTHS_2024))
    with pytest.raises(ValueError, match="'a' is not unique"):
        abc_xyz_classes(cube, make_customers(["a", "b", "a"]), as_of=AS_OF)


# --- purity, scale ---------------------------------------------------------------------------


def test_functions_do_not_mutate_their_inputs(classes_inputs):
    cube, customers = classes_inputs
    kept_cube, kept_customers = cube.copy(deep=True), customers.copy(deep=True)
    metric = pd.Series({"a": 3.0, "b": 1.0})
    kept_metric = metric.copy()
    classes = abc_xyz_classes(cube, customers, as_of=AS_OF)
    kept_classes = copy.deepcopy(classes)
    relationship_stage(cube, customers, as_of=AS_OF)
    xyz_classes(cube, as_of=AS_OF, grain="quarter")
    abc_classes(metric)
    abc_xyz_matrix(classes)
    unclassified(classes)
    pareto_curve(classes)
    share_of_customers_for(classes, 0.8)
    result = migration(cube, customers, as_of=AS_OF, window_months=6)
    before = copy.deepcopy(result.before)
    listed = downgrades(result.before, result.after)
    kept_listed = listed.copy(deep=True)
    downgrades_by_manager(listed)
    pd.testing.assert_frame_equal(listed, kept_listed)
    pd.testing.assert_frame_equal(cube, kept_cube)
    pd.testing.assert_frame_equal(customers, kept_customers)
    pd.testing.assert_series_equal(metric, kept_metric)
    pd.testing.assert_frame_equal(classes, kept_classes)
    pd.testing.assert_frame_equal(result.before, before)


def test_scale_100k_customers_36_months():
    n = 100_000
    ids = np.array([f"C{i:06d}" for i in range(n)], dtype=object)
    pattern = np.arange(n) % 3  # 0: monthly, 1: every other month, 2: quarterly
    amount = 1.0 + np.arange(n) % 1000
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    step = np.array([1, 2, 3])[pattern]
    customer = np.repeat(np.arange(n), len(months))
    month = np.tile(np.arange(len(months)), n)
    buys = month % step[customer] == 0
    customer, month = customer[buys], month[buys]
    cube = pd.DataFrame({
        "customer_id": pd.Series(ids[customer], dtype="str"),
        "month": months[month],
        "revenue": amount[customer],
        "gross_profit": np.nan, "quantity": np.nan, "orders": np.ones(len(customer), dtype="int64"),
        "first_order_date": months[month], "last_order_date": months[month],
    })
    customers = pd.DataFrame({
        "customer_id": pd.Series(ids, dtype="str"), "name": pd.Series(ids, dtype="str"),
        "manager": pd.Series(["m"] * n, dtype="str"), "is_deleted": False,
    })
    table = abc_xyz_classes(cube, customers, as_of=AS_OF)
    assert len(table) == n
    t = table.set_index("customer_id").loc[ids]
    assert (t["xyz"].to_numpy() == np.array(["X", "Y", "Z"])[pattern]).all()
    # ABC against a direct computation: yearly revenue = amount × purchases in 2024
    expected = pd.DataFrame({"customer_id": ids, "m": amount * np.array([12, 6, 4])[pattern]})
    expected = expected.sort_values(["m", "customer_id"], ascending=[False, True])
    before = (expected["m"].cumsum() - expected["m"]) / expected["m"].sum()
    expected["abc"] = np.where(before < 0.8, "A", np.where(before < 0.95, "B", "C"))
    assert table["customer_id"].tolist() == expected["customer_id"].tolist()
    assert table["abc"].tolist() == expected["abc"].tolist()
    assert (table["stage"] == "regular").all()
