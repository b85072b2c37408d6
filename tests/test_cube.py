"""The cube against a hand-computed fixture (REFERENCE.md: net revenue, cancelled orders
excluded, activity = order documents with a positive total, nothing after as_of)."""

import pandas as pd
import pytest

from clientbase.cube import build_facts, cube_from_lines, read_facts, top_products

AS_OF = pd.Timestamp("2026-03-31")


def _orders():
    rows = [
        # order_id, date, customer, amount, cost, quantity, product, status
        ("D1", "2026-01-10 10:00", "C1", 100.0, 60.0, 1, "kabel", None),
        ("D1", "2026-01-10 10:00", "C1", 50.0, 30.0, 2, "rozetka", None),
        ("D2", "2026-01-20 09:00", "C1", 70.0, 40.0, 1, "kabel", None),
        ("R1", "2026-01-25 12:00", "C1", -20.0, -12.0, -1, "kabel", None),  # a return: not activity
        ("D3", "2026-02-03 08:00", "C1", 30.0, 20.0, 1, "lampa", "cancelled"),  # cancelled: ignored
        ("D4", "2026-03-31 23:59", "C2", 200.0, 150.0, 4, "lampa", None),  # as_of itself: in
        ("D5", "2026-04-01 00:00", "C2", 999.0, 1.0, 1, "lampa", None),  # after as_of: never read
        ("D6", "2026-02-14 11:00", "C2", 0.0, 0.0, 1, "lampa", None),  # zero document: not activity
        ("D7", "2026-02-14 15:00", "C2", 40.0, 10.0, 1, "kabel", None),
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "date", "customer_id", "amount", "cost", "quantity",
                                        "product_id", "status"])
    return frame.assign(date=pd.to_datetime(frame["date"]))


def test_cube_matches_the_hand_computed_figures():
    _, cube = cube_from_lines(_orders(), as_of=AS_OF)
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
    daily, _ = cube_from_lines(_orders(), as_of=AS_OF)
    c1 = daily[daily["customer_id"] == "C1"].set_index("date")
    assert list(c1.index) == [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-01-20"), pd.Timestamp("2026-01-25")]
    assert list(c1["orders"]) == [1, 1, 0]
    assert c1.loc["2026-01-25", "revenue"] == pytest.approx(-20.0)
    assert daily["date"].max() <= AS_OF


def test_activity_revenue_is_the_total_of_the_activity_documents_only():
    # the numerator of the average check (REFERENCE.md "KPIs of the base"): a return on the
    # same day as an order does not lower it, a zero document does not count
    orders = pd.concat([_orders(), pd.DataFrame({
        "order_id": ["R2"], "date": [pd.Timestamp("2026-01-20 18:00")], "customer_id": ["C1"],
        "amount": [-30.0], "cost": [-10.0], "quantity": [-1], "product_id": ["kabel"], "status": [None],
    })], ignore_index=True)
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
    _, cube = cube_from_lines(_orders().drop(columns=["cost"]), as_of=AS_OF)
    assert cube["gross_profit"].isna().all()
    assert cube["revenue"].notna().all()


def test_parquet_path_gives_the_same_cube_as_in_memory(tmp_path):
    orders = _orders()
    orders.to_parquet(tmp_path / "orders.parquet", index=False)
    paths = build_facts(tmp_path / "orders.parquet", tmp_path, as_of=AS_OF)
    _, expected = cube_from_lines(orders, as_of=AS_OF)
    pd.testing.assert_frame_equal(read_facts(paths["cube"], "cube"), expected)


def test_top_products_by_revenue_in_the_window(tmp_path):
    _orders().to_parquet(tmp_path / "orders.parquet", index=False)
    top = top_products(tmp_path / "orders.parquet", start=pd.Timestamp("2026-01-01"), as_of=AS_OF, n=2)
    assert dict(zip(top["customer_id"], top["products"], strict=True)) == {
        "C1": "kabel; rozetka", "C2": "lampa; kabel"}


def test_cube_does_not_mutate_the_orders():
    orders = _orders()
    before = orders.copy()
    cube_from_lines(orders, as_of=AS_OF)
    pd.testing.assert_frame_equal(orders, before)
