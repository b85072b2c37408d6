"""Tests of clientbase.receivables (REFERENCE.md "Receivables").

as_of is 2024-06-30 unless a test says otherwise; the 12-month window starts 2023-07-01; the
90 days of DSO run from 2024-04-02 to 2024-06-30. With no card terms and the default of 0
days, an invoice is due on its date.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientbase.receivables import (
    AGING_COLUMNS,
    BUCKETS,
    OPEN_ITEM_COLUMNS,
    ReceivablesOptions,
    aging,
    aging_trend,
    allocate,
    dso,
    dso_at,
    headlines,
    open_items,
    payment_discipline,
    reminder_actions,
    reserve_266,
)

AS_OF = pd.Timestamp("2024-06-30")


def _invoices(rows: list[tuple]) -> pd.DataFrame:
    """(invoice_id, customer_id, date, amount[, due_date[, manager]])."""
    rows = [tuple(r) + (None,) * (6 - len(r)) for r in rows]
    ids, cust, date, amount, due, manager = zip(*rows, strict=True) if rows else ([],) * 6
    return pd.DataFrame({
        "invoice_id": pd.array(ids, dtype="str"), "customer_id": pd.array(cust, dtype="str"),
        "date": pd.to_datetime(list(date)).astype("datetime64[ns]"), "amount": np.array(amount, dtype=float),
        "due_date": pd.to_datetime(list(due)).astype("datetime64[ns]"), "manager": pd.array(manager, dtype="str"),
    })


def _payments(rows: list[tuple]) -> pd.DataFrame:
    """(payment_id, customer_id, date, amount[, invoice_id])."""
    rows = [tuple(r) + (None,) * (5 - len(r)) for r in rows]
    ids, cust, date, amount, invoice = zip(*rows, strict=True) if rows else ([],) * 5
    return pd.DataFrame({
        "payment_id": pd.array(ids, dtype="str"), "customer_id": pd.array(cust, dtype="str"),
        "date": pd.to_datetime(list(date)).astype("datetime64[ns]"), "amount": np.array(amount, dtype=float),
        "invoice_id": pd.array(invoice, dtype="str"),
    })


def _customers(rows: list[tuple]) -> pd.DataFrame:
    """(customer_id, manager, credit_limit, payment_terms_days)."""
    ids, manager, limit, terms = zip(*rows, strict=True)
    return pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str"), "name": pd.array([f"Client {i}" for i in ids], dtype="str"),
        "manager": pd.array(manager, dtype="str"), "credit_limit": np.array(limit, dtype=float),
        "payment_terms_days": np.array(terms, dtype=float),
    })


def _open(invoices, payments=None, customers=None, *, as_of=AS_OF, **options) -> dict[str, float]:
    """item_id → outstanding of the open items."""
    items = open_items(allocate(invoices, payments, customers, as_of=as_of, options=ReceivablesOptions(**options)))
    return dict(zip(items["item_id"], items["outstanding"], strict=True))


def _advances(invoices, payments=None, *, as_of=AS_OF) -> dict[str, float]:
    table = allocate(invoices, payments, as_of=as_of).advances
    return dict(zip(table["customer_id"], table["advance"], strict=True))


# --- allocation ---------------------------------------------------------------------------------

def test_a_linked_payment_pays_its_invoice_not_the_oldest():
    inv = _invoices([("I1", "A", "2024-05-01", 100.0), ("I2", "A", "2024-06-01", 80.0)])
    pay = _payments([("P1", "A", "2024-06-10", 80.0, "I2")])
    assert _open(inv, pay) == {"I1": 100.0}


def test_the_excess_of_a_linked_payment_pays_the_oldest_debt():
    inv = _invoices([("I1", "A", "2024-05-01", 100.0), ("I2", "A", "2024-06-01", 80.0)])
    pay = _payments([("P1", "A", "2024-06-10", 150.0, "I2")])
    assert _open(inv, pay) == {"I1": 30.0}


def test_linked_payments_pay_in_date_order_and_the_later_one_keeps_its_excess():
    inv = _invoices([("I1", "A", "2024-05-01", 100.0)])
    # P0 is later but first by id: date decides, so P1 closes the invoice on 2024-05-05
    pay = _payments([("P0", "A", "2024-05-20", 50.0, "I1"), ("P1", "A", "2024-05-05", 130.0, "I1")])
    result = allocate(inv, pay, as_of=AS_OF)
    item = result.items.iloc[0]
    assert (item["paid_linked"], item["paid_pool"], item["outstanding"]) == (100.0, 0.0, 0.0)
    assert item["settled"] == pd.Timestamp("2024-05-05")
    assert _advances(inv, pay) == {"A": 80.0}


@pytest.mark.parametrize(
    ("invoices", "paid_first"),
    [
        ([("X", "A", "2024-04-01", 100.0, "2024-06-20"), ("Y", "A", "2024-05-01", 100.0, "2024-06-01")], "Y"),
        ([("X", "A", "2024-05-02", 100.0, "2024-06-10"), ("Y", "A", "2024-05-01", 100.0, "2024-06-10")], "Y"),
        ([("X2", "A", "2024-05-01", 100.0, "2024-06-10"), ("X1", "A", "2024-05-01", 100.0, "2024-06-10")], "X1"),
    ],
    ids=["earlier-due-first-though-dated-later", "same-due-earlier-date-first", "same-due-and-date-lower-id-first"],
)
def test_the_pool_pays_first_in_first_out_by_due_then_date_then_id(invoices, paid_first):
    pay = _payments([("P1", "A", "2024-06-15", 100.0)])
    still_open = {i[0] for i in invoices} - {paid_first}
    assert _open(_invoices(invoices), pay) == dict.fromkeys(still_open, 100.0)


def test_money_beyond_the_debts_is_an_advance_kept_out_of_the_buckets():
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("I2", "B", "2024-06-01", 40.0)])
    pay = _payments([("P1", "A", "2024-06-10", 300.0), ("P2", "B", "2024-06-10", 40.0)])
    table = aging(allocate(inv, pay, as_of=AS_OF))
    # B owes nothing and has no advance: no row
    assert table["customer_id"].tolist() == ["A"]
    row = table.iloc[0]
    assert (row["advance"], row["outstanding"]) == (200.0, 0.0)
    assert [row[b] for b in BUCKETS] == [0.0] * 5


def test_a_credit_note_is_money_of_the_pool_and_beyond_the_debts_an_advance():
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("CN1", "A", "2024-06-05", -30.0),
                     ("I2", "B", "2024-06-01", 10.0), ("CN2", "B", "2024-06-05", -25.0)])
    assert _open(inv) == {"I1": 70.0}
    assert _advances(inv) == {"B": 15.0}


def test_a_refund_beyond_the_advance_is_a_debt_due_on_its_date():
    inv = _invoices([("I1", "A", "2024-05-01", 60.0)])
    pay = _payments([("P1", "A", "2024-05-01", 100.0), ("R1", "A", "2024-06-20", -50.0)])
    items = open_items(allocate(inv, pay, as_of=AS_OF))
    assert items[["item_id", "kind", "due", "outstanding", "days_overdue", "bucket"]].values.tolist() == [
        ["R1", "refund", pd.Timestamp("2024-06-20"), 10.0, 10, "1_30"]]
    assert _advances(inv, pay) == {}


def test_a_refund_within_the_advance_only_lowers_it():
    inv = _invoices([("I1", "A", "2024-05-01", 60.0)])
    pay = _payments([("P1", "A", "2024-05-01", 100.0), ("R1", "A", "2024-06-20", -30.0, "I1")])
    assert _open(inv, pay) == {}
    assert _advances(inv, pay) == {"A": 10.0}


def test_a_payment_naming_an_invoice_dated_after_as_of_is_unlinked():
    inv = _invoices([("I1", "A", "2024-05-01", 100.0), ("I9", "A", "2024-07-05", 100.0)])
    pay = _payments([("P1", "A", "2024-06-15", 100.0, "I9")])
    assert _open(inv, pay) == {}
    # a month later the invoice exists and takes its payment: I1 is open again
    assert _open(inv, pay, as_of=pd.Timestamp("2024-07-31")) == {"I1": 100.0}


@pytest.mark.parametrize(
    "named", ["NOPE", "IB", "CN"], ids=["unknown-invoice", "another-customers-invoice", "a-credit-note"])
def test_a_payment_naming_no_invoice_of_its_customer_joins_the_pool(named):
    inv = _invoices([("I1", "A", "2024-05-01", 100.0), ("I2", "A", "2024-06-01", 100.0),
                     ("IB", "B", "2024-05-01", 100.0), ("CN", "A", "2024-06-02", -1.0)])
    pay = _payments([("P1", "A", "2024-06-15", 99.0, named)])
    assert _open(inv, pay) == {"I2": 100.0, "IB": 100.0}


def test_documents_dated_after_as_of_are_ignored():
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("I2", "A", "2024-07-01", 500.0),
                     ("CN", "A", "2024-07-01", -100.0)])
    pay = _payments([("P1", "A", "2024-06-30", 40.0), ("P2", "A", "2024-07-01", 60.0, "I1"),
                     ("R1", "A", "2024-07-01", -10.0)])
    result = allocate(inv, pay, as_of=AS_OF)
    assert result.items["item_id"].tolist() == ["I1"]
    assert _open(inv, pay) == {"I1": 60.0}
    assert result.received == 40.0


def test_without_payments_every_invoice_is_open():
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("I2", "B", "2024-06-02", 50.5)])
    assert _open(inv, None) == {"I1": 100.0, "I2": 50.5}


def test_duplicate_invoice_ids_are_refused_by_name():
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("I1", "B", "2024-06-02", 50.0)])
    with pytest.raises(ValueError, match="invoice_id 'I1' appears more than once"):
        allocate(inv, None, as_of=AS_OF)


def test_a_missing_column_is_refused_by_name():
    with pytest.raises(ValueError, match="payments: missing column.*payment_id"):
        allocate(_invoices([]), _payments([]).drop(columns="payment_id"), as_of=AS_OF)


# --- terms, days overdue, buckets, reserve ------------------------------------------------------

@pytest.mark.parametrize(
    ("due_date", "card_terms", "default", "due"),
    [
        ("2024-05-10", 30.0, 7, "2024-05-10"),
        (None, 30.0, 7, "2024-05-31"),
        (None, np.nan, 7, "2024-05-08"),
        (None, np.nan, 0, "2024-05-01"),
    ],
    ids=["due-date-wins", "card-terms", "default-terms-option", "default-zero"],
)
def test_due_is_the_due_date_else_the_card_terms_else_the_default(due_date, card_terms, default, due):
    inv = _invoices([("I1", "A", "2024-05-01", 100.0, due_date)])
    cards = _customers([("A", "M", np.nan, card_terms)])
    items = open_items(allocate(inv, None, cards, as_of=AS_OF, options=ReceivablesOptions(default_terms_days=default)))
    assert items["due"].tolist() == [pd.Timestamp(due)]
    assert items["days_overdue"].tolist() == [(AS_OF - pd.Timestamp(due)).days]


@pytest.mark.parametrize(
    ("days", "bucket", "rate", "reserve"),
    [
        (0, "not_due", 0.0, 0.0), (1, "1_30", 0.0, 0.0), (30, "1_30", 0.0, 0.0), (31, "31_60", 0.0, 0.0),
        (44, "31_60", 0.0, 0.0), (45, "31_60", 0.5, 50.01), (60, "31_60", 0.5, 50.01), (61, "61_90", 0.5, 50.01),
        (90, "61_90", 0.5, 50.01), (91, "over_90", 1.0, 100.01),
    ],
    ids=["0", "1", "30", "31", "44", "45", "60", "61", "90", "91"],
)
def test_bucket_and_reserve_at_each_boundary(days, bucket, rate, reserve):
    due = AS_OF - pd.Timedelta(days=days)
    inv = _invoices([("I1", "A", due - pd.Timedelta(days=10), 100.01, due)])
    result = allocate(inv, None, as_of=AS_OF)
    item = open_items(result).iloc[0]
    # 50 % of 100.01 is 50.005: rounded half up to the kopeck
    assert (item["days_overdue"], item["bucket"], item["reserve_rate"], item["reserve_266"]) == (
        days, bucket, rate, reserve)
    row = aging(result).iloc[0]
    assert row[bucket] == 100.01 and row["outstanding"] == 100.01 and row["reserve_266"] == reserve
    assert row["overdue"] == (0.0 if days == 0 else 100.01)


def test_open_items_have_the_contract_columns_first():
    items = open_items(allocate(_invoices([("I1", "A", "2024-06-01", 1.0)]), None, as_of=AS_OF))
    assert tuple(items.columns[:8]) == OPEN_ITEM_COLUMNS[:8]
    assert tuple(aging(allocate(_invoices([("I1", "A", "2024-06-01", 1.0)]), as_of=AS_OF)).columns[:12]) == (
        "customer_id", "manager", "not_due", "1_30", "31_60", "61_90", "over_90", "outstanding", "advance",
        "credit_limit", "over_limit", "reserve_266")
    assert "limit_breached" in AGING_COLUMNS


# --- aging per customer -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("limit", "invoiced", "paid", "over_limit", "breached"),
    [
        (100.0, 150.0, 0.0, 50.0, True),
        (150.0, 150.0, 0.0, 0.0, False),
        (0.0, 10.0, 0.0, 10.0, True),
        (0.0, 10.0, 30.0, 0.0, False),
        (np.nan, 1e6, 0.0, np.nan, False),
    ],
    ids=["over", "at-the-limit", "zero-limit-any-debt", "zero-limit-advance-only", "no-limit"],
)
def test_credit_limit_breach_is_outstanding_above_the_limit(limit, invoiced, paid, over_limit, breached):
    inv = _invoices([("I1", "A", "2024-06-01", invoiced)])
    pay = _payments([("P1", "A", "2024-06-02", paid)] if paid else [])
    row = aging(allocate(inv, pay, as_of=AS_OF), _customers([("A", "M", limit, np.nan)])).iloc[0]
    assert row["limit_breached"] == breached
    assert (math.isnan(over_limit) and math.isnan(row["over_limit"])) or row["over_limit"] == over_limit


def test_the_manager_is_the_cards_else_the_latest_invoices():
    inv = _invoices([("I1", "A", "2024-05-01", 10.0, None, "Old"), ("I2", "A", "2024-06-01", 10.0, None, "New"),
                     ("I3", "B", "2024-06-01", 10.0, None, "Seller"), ("I4", "C", "2024-06-01", 10.0)])
    cards = _customers([("A", None, np.nan, np.nan), ("B", "Card", np.nan, np.nan), ("C", None, np.nan, np.nan)])
    table = aging(allocate(inv, None, cards, as_of=AS_OF), cards)
    managers = table.set_index("customer_id")["manager"]
    assert managers.loc[["A", "B"]].tolist() == ["New", "Card"]
    assert pd.isna(managers.loc["C"])


def test_aging_lists_the_largest_debt_first():
    inv = _invoices([("I1", "A", "2024-06-01", 10.0), ("I2", "B", "2024-06-01", 30.0), ("I3", "C", "2024-06-01", 30.0)])
    assert aging(allocate(inv, None, as_of=AS_OF))["customer_id"].tolist() == ["B", "C", "A"]


# --- reserve cap, DSO, discipline ---------------------------------------------------------------

def test_the_reserve_is_capped_at_a_tenth_of_the_windows_net_invoiced_revenue():
    inv = _invoices([("OLD", "A", "2023-06-30", 5000.0),  # before the window: only its reserve counts
                     ("I1", "B", "2023-07-01", 1000.0), ("CN", "B", "2024-06-01", -200.0)])
    pay = _payments([("P1", "B", "2024-06-02", 800.0, "I1")])
    reserve = reserve_266(allocate(inv, pay, as_of=AS_OF))
    assert (reserve.reserve, reserve.revenue, reserve.cap, reserve.deductible) == (5000.0, 800.0, 80.0, 80.0)
    assert reserve.revenue_from == pd.Timestamp("2023-07-01")


def test_dso_divides_outstanding_by_the_revenue_of_the_last_90_days():
    inv = _invoices([("I0", "A", "2024-04-01", 1000.0),  # the day before the 90 days: outside
                     ("I1", "A", "2024-04-02", 300.0), ("I2", "A", "2024-06-30", 600.0)])
    pay = _payments([("P1", "A", "2024-05-01", 1000.0, "I0"), ("P2", "A", "2024-06-30", 600.0, "I2")])
    assert dso(allocate(inv, pay, as_of=AS_OF)) == pytest.approx(300.0 / 900.0 * 90)
    assert dso(allocate(inv, pay, as_of=AS_OF), options=ReceivablesOptions(dso_days=30)) == pytest.approx(
        300.0 / 600.0 * 30)
    assert math.isnan(dso(allocate(_invoices([("I", "A", "2023-01-01", 1.0)]), as_of=AS_OF)))


def test_payment_discipline_counts_on_time_invoices_and_weighs_days_late_by_amount():
    inv = _invoices([
        ("I1", "A", "2024-04-01", 100.0, "2024-04-15"),  # linked payment before due: on time
        ("I2", "A", "2024-04-01", 300.0, "2024-05-10"),  # pool payment 10 days late
        ("I3", "A", "2024-05-01", 50.0, "2024-06-01"),   # still open: late, not settled
        ("I4", "A", "2024-06-01", 70.0, "2024-07-15"),   # not due yet: not counted
        ("J1", "B", "2024-04-10", 10.0, "2024-04-20"),   # paid by an earlier advance: on time, settled 04-10
    ])
    pay = _payments([("P1", "A", "2024-04-10", 100.0, "I1"), ("P2", "A", "2024-05-20", 300.0),
                     ("Q1", "B", "2024-04-01", 10.0)])
    table = payment_discipline(allocate(inv, pay, as_of=AS_OF)).set_index("customer_id")
    assert table.loc["A", ["invoices_due", "paid_on_time", "invoices_settled"]].tolist() == [3, 1, 2]
    assert table.loc["A", "on_time_share"] == pytest.approx(1 / 3)
    assert table.loc["A", "mean_days_late"] == pytest.approx((0 * 100 + 10 * 300) / 400)
    assert table.loc["B", ["on_time_share", "mean_days_late"]].tolist() == [1.0, 0.0]
    assert allocate(inv, pay, as_of=AS_OF).items.set_index("item_id").loc["J1", "settled"] == pd.Timestamp(
        "2024-04-10")


def test_discipline_reads_only_the_window():
    inv = _invoices([("I1", "A", "2023-05-01", 100.0, "2023-06-30"), ("I2", "A", "2023-06-01", 100.0, "2023-07-01")])
    pay = _payments([("P1", "A", "2023-06-30", 100.0, "I1"), ("P2", "A", "2023-07-11", 100.0, "I2")])
    table = payment_discipline(allocate(inv, pay, as_of=AS_OF))
    assert table[["customer_id", "invoices_due", "invoices_settled", "mean_days_late"]].values.tolist() == [
        ["A", 1, 1, 10.0]]


# --- reminders, headlines, trend ----------------------------------------------------------------

def test_reminder_actions_follow_the_bands_and_the_customer_takes_its_worst():
    days = {"N": -10, "R1": -7, "R2": 0, "C1": 1, "C2": 30, "S1": 31, "S2": 90, "X": 91}
    inv = _invoices([(i, "A" if i != "X" else "B", "2024-01-01", 10.0, AS_OF - pd.Timedelta(days=d))
                     for i, d in days.items()])
    table = reminder_actions(allocate(inv, None, as_of=AS_OF), _customers([("A", "M1", 0, 0), ("B", "M1", 0, 0)]))
    actions = dict(zip(table["item_id"], table["action"], strict=True))
    assert actions == {"R1": "remind", "R2": "remind", "C1": "call", "C2": "call", "S1": "stop_shipments",
                       "S2": "stop_shipments", "X": "claim"}
    assert table["item_id"].tolist() == ["X", "S2", "S1", "C2", "C1", "R2", "R1"]
    assert dict(zip(table["customer_id"], table["customer_action"], strict=True)) == {
        "A": "stop_shipments", "B": "claim"}


def test_reminder_rules_are_data_a_profile_can_change():
    options = ReceivablesOptions.parse({"reminder_rules": {"call": 1, "claim": 15}}, where="test")
    inv = _invoices([("I1", "A", "2024-01-01", 10.0, "2024-06-30"), ("I2", "A", "2024-01-01", 10.0, "2024-06-10")])
    table = reminder_actions(allocate(inv, None, as_of=AS_OF), options=options)
    assert table[["item_id", "action"]].values.tolist() == [["I2", "claim"]]
    with pytest.raises(ValueError, match="test: reminder_rules: .*increasing"):
        ReceivablesOptions.parse({"reminder_rules": {"call": 5, "claim": 5}}, where="test")
    with pytest.raises(ValueError, match="test: reminder_rules: .*one of remind, call"):
        ReceivablesOptions.parse({"reminder_rules": {"phone": 1}}, where="test")


def test_options_refuse_impossible_values():
    with pytest.raises(ValueError, match="window_months"):
        ReceivablesOptions.parse({"window_months": 0}, where="test")
    assert ReceivablesOptions.defaults()["default_terms_days"] == 0
    assert all(ReceivablesOptions.meanings().values())


def test_headlines_sum_the_aging():
    inv = _invoices([("I1", "A", "2024-01-01", 200.0), ("I2", "A", "2024-06-30", 100.0),
                     ("I3", "B", "2024-06-01", 100.0)])
    pay = _payments([("P1", "C", "2024-06-01", 5.0)])
    cards = _customers([("A", "M", 250.0, 0), ("B", "M", 500.0, 0), ("C", "M", np.nan, 0)])
    h = headlines(allocate(inv, pay, cards, as_of=AS_OF), cards)
    assert (h.outstanding, h.overdue, h.over_90, h.advances) == (400.0, 300.0, 200.0, 5.0)
    assert (h.overdue_share, h.over_90_share) == (0.75, 0.5)
    assert (h.debtors, h.overdue_debtors, h.over_limit_customers, h.over_limit_amount) == (2, 2, 1, 50.0)
    assert (h.reserve_266, h.reserve_cap, h.reserve_deductible) == (200.0, 40.0, 40.0)
    # 90 days' revenue: I2 + I3 = 200
    assert h.dso == pytest.approx(400.0 / 200.0 * 90)


def test_the_trend_is_the_snapshot_at_each_quarter_end():
    inv = _invoices([("I1", "A", "2023-11-15", 100.0), ("I2", "A", "2024-06-20", 50.0)])
    pay = _payments([("P1", "A", "2024-02-01", 100.0, "I1"), ("P2", "A", "2024-06-25", 80.0)])
    trend = aging_trend(inv, pay, as_of=AS_OF)
    assert trend["as_of"].tolist() == [pd.Timestamp(d) for d in ("2023-09-30", "2023-12-31", "2024-03-31",
                                                                 "2024-06-30")]
    assert trend["outstanding"].tolist() == [0.0, 100.0, 0.0, 0.0]
    assert trend["31_60"].tolist() == [0.0, 100.0, 0.0, 0.0]  # 46 days overdue at 2023-12-31
    assert trend["advance"].tolist() == [0.0, 0.0, 0.0, 30.0]


def test_an_earlier_as_of_gives_that_dates_picture():
    inv = _invoices([("I1", "A", "2024-03-01", 100.0)])
    pay = _payments([("P1", "A", "2024-04-15", 100.0)])
    before = aging(allocate(inv, pay, as_of=pd.Timestamp("2024-03-31")))
    assert before[["customer_id", "1_30", "outstanding"]].values.tolist() == [["A", 100.0, 100.0]]
    assert aging(allocate(inv, pay, as_of=AS_OF)).empty


# --- properties ---------------------------------------------------------------------------------

_DAY0 = pd.Timestamp("2024-01-01")


@st.composite
def _documents(draw):
    n_inv = draw(st.integers(0, 12))
    inv_rows = []
    for k in range(n_inv):
        cents = draw(st.integers(-5_000, 30_000).filter(lambda c: c != 0))
        due = draw(st.one_of(st.none(), st.integers(0, 60)))
        date = _DAY0 + pd.Timedelta(days=draw(st.integers(0, 200)))
        inv_rows.append((f"I{k}", draw(st.sampled_from("ABC")), date, cents / 100,
                         None if due is None else date + pd.Timedelta(days=due)))
    pay_rows = []
    for k in range(draw(st.integers(0, 12))):
        cents = draw(st.integers(-5_000, 30_000).filter(lambda c: c != 0))
        named = draw(st.one_of(st.none(), st.just("NOPE"), st.integers(0, max(n_inv - 1, 0)).map(lambda i: f"I{i}")))
        pay_rows.append((f"P{k}", draw(st.sampled_from("ABC")), _DAY0 + pd.Timedelta(days=draw(st.integers(0, 200))),
                         cents / 100, named))
    cards = _customers([(c, "M", draw(st.one_of(st.just(np.nan), st.integers(0, 300))),
                         draw(st.one_of(st.just(np.nan), st.sampled_from([0, 14, 30, 45])))) for c in "ABC"])
    as_of = _DAY0 + pd.Timedelta(days=draw(st.integers(0, 220)))
    return _invoices(inv_rows), _payments(pay_rows), cards, as_of


def _kop(values) -> int:
    return int(np.rint(np.asarray(values, dtype=float) * 100).sum())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_buckets_sum_to_outstanding_money_is_conserved_and_inputs_untouched(docs):
    inv, pay, cards, as_of = docs
    copies = [inv.copy(), pay.copy(), cards.copy()]
    result = allocate(inv, pay, cards, as_of=as_of)
    table = aging(result, cards)
    for frame, copy in zip((inv, pay, cards), copies, strict=True):
        pd.testing.assert_frame_equal(frame, copy)

    for _, row in table.iterrows():
        assert sum(_kop(row[b]) for b in BUCKETS) == _kop(row["outstanding"])
    items = result.items
    allocated = _kop(items["paid_linked"]) + _kop(items["paid_pool"])
    assert allocated <= _kop(result.received)
    # whatever was received either paid a debt or is an advance
    assert allocated + _kop(result.advances["advance"]) == _kop(result.received)
    assert (items["outstanding"] >= 0).all() and (items["outstanding"] <= items["amount"]).all()
    assert _kop(items["outstanding"]) == _kop(table["outstanding"])
    # a customer has an open debt or an advance, never both
    assert not (table["outstanding"].gt(0) & table["advance"].gt(0)).any()
    # documents after as_of change nothing
    later = allocate(inv.loc[inv["date"] <= as_of], pay.loc[pay["date"] <= as_of], cards, as_of=as_of)
    pd.testing.assert_frame_equal(later.items, items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents(), st.sampled_from([30, 90]))
def test_dso_at_several_days_equals_the_dso_of_an_allocation_at_each(docs, dso_days):
    inv, pay, cards, as_of = docs
    options = ReceivablesOptions(dso_days=dso_days)
    ends = [as_of - pd.Timedelta(days=45), as_of, as_of - pd.Timedelta(days=100), as_of + pd.Timedelta(hours=13)]
    expected = [dso(allocate(inv, pay, cards, as_of=end, options=options), options=options) for end in ends]
    got = dso_at(inv, pay, cards, ends=ends, options=options)
    for want, have in zip(expected, got, strict=True):
        assert (math.isnan(want) and math.isnan(have)) or want == have


def test_dso_at_without_payments_and_without_days():
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("I2", "B", "2024-06-20", -30.0)])
    assert dso_at(inv, ends=[AS_OF])[0] == dso(allocate(inv, as_of=AS_OF))
    assert len(dso_at(inv, ends=[])) == 0


@pytest.mark.parametrize("broken", ["duplicate", "missing customer", "missing amount", "missing payment id"])
def test_dso_at_refuses_what_allocate_refuses_with_its_message(broken):
    inv = _invoices([("I1", "A", "2024-06-01", 100.0), ("I2", "A", "2024-06-02", 50.0)])
    pay = _payments([("P1", "A", "2024-06-03", 20.0, "I1")])
    if broken == "duplicate":
        inv.loc[1, "invoice_id"] = "I1"
    elif broken == "missing customer":
        inv.loc[1, "customer_id"] = None
    elif broken == "missing amount":
        pay.loc[0, "amount"] = np.nan
    else:
        pay.loc[0, "payment_id"] = None
    with pytest.raises(ValueError) as by_allocation:
        allocate(inv, pay, as_of=AS_OF)
    with pytest.raises(ValueError) as by_sums:
        dso_at(inv, pay, ends=[AS_OF])
    assert str(by_sums.value) == str(by_allocation.value)


def test_no_public_function_mutates_its_inputs():
    inv = _invoices([("I1", "A", "2024-01-01", 200.0, None, "M"), ("CN", "A", "2024-06-01", -20.0)])
    pay = _payments([("P1", "A", "2024-06-01", 50.0, "I1"), ("R1", "A", "2024-06-02", -5.0)])
    cards = _customers([("A", "M", 100.0, 10)])
    copies = [inv.copy(), pay.copy(), cards.copy()]
    result = allocate(inv, pay, cards, as_of=AS_OF)
    frames = [result.items.copy(), result.advances.copy(), result.invoices.copy()]
    aging(result, cards), open_items(result), reserve_266(result), dso(result), payment_discipline(result)
    reminder_actions(result, cards), headlines(result, cards), aging_trend(inv, pay, cards, as_of=AS_OF)
    for frame, copy in zip((inv, pay, cards, result.items, result.advances, result.invoices), copies + frames,
                           strict=True):
        pd.testing.assert_frame_equal(frame, copy)
