"""The cube against a hand-computed fixture (REFERENCE.md: net revenue, cancelled orders
excluded, activity = order documents with a positive total, nothing after as_of)."""

import pandas as pd
import pytest

from clientbase.cube import build_facts, cube_from_lines, read_facts, top_products
from cube_frames import orders as order_lines
from cube_frames import orders_with_a_same_day_return

AS_OF = pd.Timestamp("2026-03-31")


def test_cube_matches_the_hand_computed_figures():
    _, cube = cube_from_lines(order_lines(), as_of=AS_OF)
    rows = {(r.customer_id, r.month.strftime("%Y-%m")): r for r in cube.itertuples()}
    assert set(rows) == {("C1", "2026-01"), ("C2", "2026-02"), ("C2", "2026-03")}
    jan = rows[("C1", "2026-01")]
    assert jan.revenue == pytest.approx(200.0)  # 150 + 70 − 20
    assert jan.gross_profit == pytest.approx(200.0 - 118.0)
    assert jan.quantity == pytest.approx(3.0)
    assert jan.orders == 2  # D1 and D2; the return is not an activity order
    assert jan.first_order_date == pd.Timestamp("2026-01-10")
    assert jan.last_order_date == pd.Timestamp("2026-01-20")
    feb = rows[("C2", "2026-02")]
    assert feb.orders == 1 and feb.revenue == pytest.approx(40.0)
    mar = rows[("C2", "2026-03")]
    assert mar.revenue == pytest.approx(200.0) and mar.last_order_date == pd.Timestamp("2026-03-31")


def test_daily_facts_keep_day_precision_and_activity_counts():
    daily, _ = cube_from_lines(order_lines(), as_of=AS_OF)
    c1 = daily[daily["customer_id"] == "C1"].set_index("date")
    assert list(c1.index) == [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-01-20"), pd.Timestamp("2026-01-25")]
    assert list(c1["orders"]) == [1, 1, 0]
    assert c1.loc["2026-01-25", "revenue"] == pytest.approx(-20.0)
    assert daily["date"].max() <= AS_OF


def test_activity_revenue_is_the_total_of_the_activity_documents_only():
    # the numerator of the average check (REFERENCE.md "KPIs of the base"): a return on the
    # same day as an order does not lower it, a zero document does not count
    orders = orders_with_a_same_day_return()
    daily, cube = cube_from_lines(orders, as_of=AS_OF)
    day = daily.set_index(["customer_id", "date"])
    assert day.loc[("C1", pd.Timestamp("2026-01-20")), "revenue"] == pytest.approx(40.0)  # 70 − 30
    assert day.loc[("C1", pd.Timestamp("2026-01-20")), "activity_revenue"] == pytest.approx(70.0)
    assert day.loc[("C1", pd.Timestamp("2026-01-25")), "activity_revenue"] == 0.0  # a return alone
    month = cube.set_index(["customer_id", "month"])
    assert month.loc[("C1", pd.Timestamp("2026-01-01")), "activity_revenue"] == pytest.approx(220.0)
    assert month.loc[("C1", pd.Timestamp("2026-01-01")), "revenue"] == pytest.approx(170.0)
    assert month.loc[("C2", pd.Timestamp("2026-02-01")), "activity_revenue"] == pytest.approx(40.0)  # D6 is 0


def test_cube_without_cost_has_no_gross_profit():
    _, cube = cube_from_lines(order_lines().drop(columns=["cost"]), as_of=AS_OF)
    assert cube["gross_profit"].isna().all()
    assert cube["revenue"].notna().all()


def test_parquet_path_gives_the_same_cube_as_in_memory(tmp_path):
    orders = order_lines()
    orders.to_parquet(tmp_path / "orders.parquet", index=False)
    paths = build_facts(tmp_path / "orders.parquet", tmp_path, as_of=AS_OF)
    _, expected = cube_from_lines(orders, as_of=AS_OF)
    pd.testing.assert_frame_equal(read_facts(paths["cube"], "cube"), expected)


def test_top_products_by_revenue_in_the_window(tmp_path):
    order_lines().to_parquet(tmp_path / "orders.parquet", index=False)
    top = top_products(tmp_path / "orders.parquet", start=pd.Timestamp("2026-01-01"), as_of=AS_OF, n=2)
    assert dict(zip(top["customer_id"], top["products"], strict=True)) == {
        "C1": "kabel; rozetka", "C2": "lampa; kabel"}


def test_cube_does_not_mutate_the_orders():
    orders = order_lines()
    before = orders.copy()
    cube_from_lines(orders, as_of=AS_OF)
    pd.testing.assert_frame_equal(orders, before)
