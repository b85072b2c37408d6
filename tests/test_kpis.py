"""The KPIs of the base and the revenue bridge against hand-computed fixtures (REFERENCE.md
"KPIs of the base, quarter by quarter"; issue 16: CRR with new and lost customers, the average
check with returns, the repeat share at the first quarter of the data, the bridge adding up)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clientbase.cube import cube_from_lines
from clientbase.kpis import (
    BRIDGE_COLUMNS,
    KPI_COLUMNS,
    PARTS,
    KpisOptions,
    OtherInputs,
    kpis_report,
    quarter_kpis,
    revenue_bridge,
)
from kpi_frames import AS_OF, CUSTOMERS, LINES, daily_frame, lines_frame


def _rows(**kw):
    table = quarter_kpis(daily_frame(), as_of=AS_OF, **kw)
    return {r["quarter"]: r for r in table.to_dict("records")}


def test_active_new_lost_and_crr_of_each_quarter():
    rows = _rows(quarters=3)
    assert list(rows) == ["2025Q4", "2026Q1", "2026Q2"]
    q4, q1, q2 = rows["2025Q4"], rows["2026Q1"], rows["2026Q2"]
    # active at 2025-09-30: B; at 2025-12-31: A (new) and B
    assert (q4["active_customers"], q4["new_customers"], q4["lost_customers"]) == (2, 1, 0)
    assert q4["crr"] == pytest.approx((2 - 1) / 1)
    # 2026Q1: B's last order is 13 months old: lost; E's zero document is no activity
    assert (q1["active_customers"], q1["new_customers"], q1["lost_customers"]) == (1, 0, 1)
    assert q1["crr"] == pytest.approx((1 - 0) / 2)
    # 2026Q2: C is new; D's return is not activity
    assert (q2["active_customers"], q2["new_customers"], q2["lost_customers"]) == (2, 1, 0)
    assert q2["crr"] == pytest.approx((2 - 1) / 1)


def test_revenue_orders_and_the_average_check_with_returns():
    rows = _rows(quarters=3)
    q1, q2 = rows["2026Q1"], rows["2026Q2"]
    assert q1["revenue"] == pytest.approx(200 - 50 + 0)
    assert q1["activity_orders"] == 1
    assert q1["average_check"] == pytest.approx(200.0)  # the return does not lower the check
    assert q2["revenue"] == pytest.approx(300 + 900 - 70)
    assert q2["activity_orders"] == 2
    assert q2["average_check"] == pytest.approx((300 + 1000) / 2)  # C's same-day return neither


def test_repeat_revenue_share():
    rows = _rows(quarters=3)
    assert rows["2025Q4"]["repeat_revenue_share"] == 0.0  # A's first order is in the quarter
    assert rows["2026Q1"]["repeat_revenue_share"] == pytest.approx(1.0)
    assert rows["2026Q2"]["repeat_revenue_share"] == pytest.approx((300 - 70) / 1130)


def test_always_the_asked_quarters_empty_before_the_data_and_0_over_0_is_empty():
    table = quarter_kpis(daily_frame(), as_of=AS_OF, quarters=10)
    assert len(table) == 10 and table["quarter"].iloc[0] == "2024Q1" and table["quarter"].iloc[-1] == "2026Q2"
    before = table.iloc[0]
    assert (before["active_customers"], before["new_customers"], before["lost_customers"]) == (0, 0, 0)
    assert before["revenue"] == 0.0 and before["activity_orders"] == 0
    assert all(math.isnan(before[c]) for c in ("crr", "average_check", "repeat_revenue_share"))
    first = table.iloc[1]  # 2024Q2, the first quarter of the data: D's first order
    assert first["quarter"] == "2024Q2"
    assert (first["active_customers"], first["new_customers"]) == (1, 1)
    assert math.isnan(first["crr"])  # nobody was active before it
    assert first["repeat_revenue_share"] == 0.0
    assert table["quarter_end"].iloc[-1] == AS_OF


def test_active_months_is_the_window_of_activity():
    rows = _rows(quarters=1, active_months=3)
    # at 2026-06-30, 3 months: A (May) and C (April) bought; at 2026-03-31: A (February)
    assert rows["2026Q2"]["active_customers"] == 2
    assert rows["2026Q2"]["crr"] == pytest.approx((2 - 1) / 1)


def test_nothing_after_as_of_counts():
    late = pd.concat([LINES, lines_frame([("Z1", "2026-07-01", "A", 9999.0), ("Z2", "2026-07-02", "F", 5.0)])])
    daily, _ = cube_from_lines(late, as_of=pd.Timestamp("2026-12-31"))
    table = quarter_kpis(daily, as_of=AS_OF, quarters=3)
    pd.testing.assert_frame_equal(table, quarter_kpis(daily_frame(), as_of=AS_OF, quarters=3))


def _bridge(as_of=AS_OF, dims=("manager", "region")):
    return revenue_bridge(daily_frame(as_of), CUSTOMERS, as_of=as_of, dimensions=dims)


def _one(bridge, comparison, dimension="total", group=""):
    rows = bridge[(bridge["comparison"] == comparison) & (bridge["dimension"] == dimension)]
    if dimension != "total":
        rows = rows[rows["group"].fillna("") == group]
    assert len(rows) == 1
    return rows.iloc[0]


def test_bridge_against_the_previous_quarter_by_hand():
    bridge = _bridge()
    assert list(bridge.columns) == list(BRIDGE_COLUMNS)
    total = _one(bridge, "previous_quarter")
    assert (total["base_quarter"], total["quarter"]) == ("2026Q1", "2026Q2")
    assert total["revenue_base"] == pytest.approx(150.0) and total["revenue"] == pytest.approx(1130.0)
    # A bought more (+150), C is new (+900), D returned goods without buying (−70)
    assert (total["new"], total["returned"], total["more"], total["less"], total["lost"]) == pytest.approx(
        (900.0, 0.0, 150.0, -70.0, 0.0))
    assert (total["customers_base"], total["customers"], total["new_customers"], total["lost_customers"]) == (
        1, 2, 1, 0)


def test_bridge_a_year_ago_has_returned_and_lost_clients():
    bridge = _bridge()
    total = _one(bridge, "year_ago")
    assert total["base_quarter"] == "2025Q2" and total["revenue_base"] == 0.0
    # A did not buy in 2025Q2 and is not new: returned
    assert total["returned"] == pytest.approx(300.0) and total["new"] == pytest.approx(900.0)
    q1 = _one(_bridge(pd.Timestamp("2026-03-31")), "year_ago")  # 2026Q1 against 2025Q1: B is lost
    assert q1["lost"] == pytest.approx(-500.0) and q1["lost_customers"] == 1
    # A's 150 in 2026Q1 against nothing in 2025Q1, first order in November: returned, not new, not more
    assert (q1["returned"], q1["new"], q1["more"]) == pytest.approx((150.0, 0.0, 0.0))


def test_bridge_parts_add_up_to_the_change_and_groups_to_the_total():
    bridge = _bridge()
    parts = bridge[list(PARTS)].sum(axis=1)
    np.testing.assert_allclose(parts, bridge["change"], atol=1e-9)
    np.testing.assert_allclose(bridge["revenue"] - bridge["revenue_base"], bridge["change"], atol=1e-9)
    for comparison in ("previous_quarter", "year_ago"):
        total = _one(bridge, comparison)
        for dimension in ("manager", "region"):
            groups = bridge[(bridge["comparison"] == comparison) & (bridge["dimension"] == dimension)]
            for column in ("revenue_base", "revenue", "change", *PARTS):
                assert groups[column].sum() == pytest.approx(total[column])
    ivanov = _one(bridge, "previous_quarter", "manager", "Иванов")
    assert ivanov["more"] == pytest.approx(150.0) and ivanov["new"] == 0.0
    nobody = _one(bridge, "previous_quarter", "manager", "")  # D has no manager: its own group
    assert nobody["less"] == pytest.approx(-70.0) and pd.isna(nobody["group"])


def test_report_has_every_column_and_the_other_kpis_are_empty_without_their_inputs():
    result = kpis_report(daily_frame(), CUSTOMERS, as_of=AS_OF, options=KpisOptions(quarters=4))
    assert list(result.kpis.columns) == list(KPI_COLUMNS) and len(result.kpis) == 4
    assert result.available == ()
    assert result.kpis[["cac", "ltv_12m", "dso", "pipeline_expected_value"]].isna().all().all()
    assert result.now["quarter"] == "2026Q2" and result.previous["quarter"] == "2026Q1"
    assert set(result.tables()) == {"kpis.csv", "bridge.csv"}


def test_inputs_are_not_mutated():
    daily, customers = daily_frame(), CUSTOMERS.copy()
    before = daily.copy()
    kpis_report(daily, customers, as_of=AS_OF)
    pd.testing.assert_frame_equal(daily, before)
    pd.testing.assert_frame_equal(customers, CUSTOMERS)


def test_options_are_checked():
    with pytest.raises(ValueError):
        KpisOptions(quarters=1)
    with pytest.raises(ValueError):
        KpisOptions(bridge_by=("colour",))
    assert OtherInputs().available == ()
