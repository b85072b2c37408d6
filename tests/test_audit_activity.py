"""Tests of clientbase.audit.activity: sleeping and new clients, the base in time (REFERENCE.md "Base audit")."""

from __future__ import annotations

import pandas as pd
import pytest

from audit_frames import AS_OF, BASE, CUBE, PREVIOUS, rows_of
from clientbase.audit import BaseSummary, base_summary, base_trend, new_clients, sleeping_clients


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
