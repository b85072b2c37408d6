"""The deal funnel's rules on deals small enough to check by hand (REFERENCE.md "Deal funnel")."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clientbase.deal_funnel import (
    DealFunnelOptions,
    deal_funnel_report,
    missing_input,
    pipeline,
    snapshot,
)
from clientbase.intervals import wilson
from deal_frames import AS_OF, STAGES, T, deals_frame, history_frame

OPTIONS = DealFunnelOptions(stages=STAGES, min_closed=2)


@pytest.fixture(scope="module")
def result():
    deals, history = deals_frame(), history_frame()
    out = deal_funnel_report(deals, history, as_of=AS_OF, options=OPTIONS)
    pd.testing.assert_frame_equal(deals, deals_frame())  # inputs are not changed
    pd.testing.assert_frame_equal(history, history_frame())
    return out


def test_the_snapshot_sees_deals_as_they_stood_at_as_of():
    snap = snapshot(deals_frame(), history_frame(), as_of=AS_OF, stages=STAGES)
    d = snap.deals.set_index("deal_id")
    assert list(d.index) == ["D1", "D2", "D3", "D4", "D6"]  # D5 is created after as_of
    assert d.loc["D2", "status"] == "open" and pd.isna(d.loc["D2", "closed_at"])  # won after as_of
    assert d.loc["D2", "current"] == 1 and d.loc["D2", "furthest"] == 1  # its entry at D is after as_of
    assert (d.loc["D3", "furthest"], d.loc["D3", "current"]) == (2, 1)  # reached C, went back to B
    assert d.loc["D4", "furthest"] == 3  # won: every stage reached, without history
    assert d.loc["D1", "entered"] == T("2026-02-01")


def test_reached_conversion_and_time_in_stage(result):
    s = result.stages.set_index("stage")
    assert s["reached"].tolist() == [4, 4, 3, 1]  # the cohort: D1–D4; D3 skipped B yet reached it
    assert s["conversion_to_next"].tolist()[:3] == [1.0, 0.75, pytest.approx(1 / 3)]
    assert math.isnan(s.loc["D", "conversion_to_next"])
    # stays: A 10 (D1), 9 (D2), 9 (D3); B 12 (D1), 5 (D3 back until its closing); C 5 (D3)
    assert s["median_days"].tolist()[:3] == [9.0, 8.5, 5.0]
    assert s["p80_days"].tolist()[:3] == [pytest.approx(9.6), pytest.approx(10.6), 5.0]
    assert math.isnan(s.loc["D", "median_days"])
    assert s["open_stays"].tolist() == [0, 1, 1, 0]  # D2 in B, D1 in C: not in the percentiles
    assert s["open_now"].tolist() == [0, 1, 1, 0]


def test_figures_of_the_cohort(result):
    now = result.now
    assert (now.deals, now.won, now.lost, now.open) == (4, 1, 1, 2)
    assert now.conversion == 0.25 and now.win_rate == 0.5
    assert result.cohort_start == T("2025-10-01")


def test_losses_by_the_stage_where_the_deal_was_lost(result):
    assert result.losses.to_dict("records") == [{"stage": "C", "reason": "Дорого", "deals": 1, "amount": 50.0}]


def test_probabilities_learned_from_closed_deals_and_a_thin_stage_pooled(result):
    s = result.stages.set_index("stage")
    # closed in the 24 months: D3 (lost, reached C), D4 (won), D6 (lost at A, outside the cohort)
    assert s["closed_reached"].tolist() == [3, 2, 2, 1]
    assert s["win_probability"].tolist() == [pytest.approx(1 / 3), 0.5, 0.5, 0.5]
    assert s["probability_from"].tolist() == ["A", "B", "C", "C"]  # D has 1 < min_closed: C's
    assert result.pooled["stage"].tolist() == ["D"]


def test_forecast_and_pipeline_interval(result):
    f = result.forecast
    assert f["deal_id"].tolist() == ["D2", "D1"]  # open at as_of, largest expected value first
    assert f["stage"].tolist() == ["B", "C"]
    assert f["expected_value"].tolist() == [100.0, 50.0]
    assert f["days_in_stage"].tolist() == [(AS_OF - T("2026-02-10")).days, (AS_OF - T("2026-02-01")).days]
    p = result.pipeline
    sd = math.sqrt(0.25 * 100**2 + 0.25 * 200**2)
    assert (p.deals, p.amount, p.expected) == (2, 300.0, 150.0)
    assert p.low == 0.0 and p.high == 300.0  # clipped to [0, amount]
    narrow = pipeline(pd.DataFrame({"amount": [100.0] * 400, "win_probability": [0.5] * 400}))
    assert narrow.expected == 20_000.0
    assert narrow.high - narrow.expected == pytest.approx(1.6448536 * math.sqrt(400 * 0.25 * 100**2))
    assert sd > 0


def test_backtest_of_last_quarters_forecast(result):
    assert result.backtest_as_of == T("2026-06-30")
    b = result.backtest.set_index("stage")
    assert b["deals"].to_dict() == {"B": 1, "C": 1}  # D2 at B, D1 at C on 30 June
    assert b["expected_value"].to_dict() == {"B": 100.0, "C": 50.0}
    assert b["won"].sum() == 0 and b["still_open"].sum() == 2  # D2 was won only after as_of


def test_managers_and_sources_with_wilson_intervals(result):
    m = result.by_manager.set_index("manager")
    assert m.loc["M1", ["deals", "won", "lost", "open"]].tolist() == [2, 0, 0, 2]
    assert math.isnan(m.loc["M1", "win_rate"])
    assert m.loc["M2", "win_rate"] == 0.5 and m.loc["M2", "median_cycle_days"] == 30.0
    assert m.loc["M2", "won_amount"] == 70.0
    assert set(result.by_source["source"]) == {"web", "fair", ""}  # "": not given
    low, rate, high = wilson(np.array([0, 5, 10]), np.array([10, 10, 10]))
    assert low[0] == 0.0 and high[2] == 1.0 and rate[1] == 0.5
    assert low[1] == pytest.approx(0.2366, abs=1e-4) and high[1] == pytest.approx(0.7634, abs=1e-4)


def test_without_history_the_report_works_from_the_current_stage():
    out = deal_funnel_report(deals_frame(), None, as_of=AS_OF, options=OPTIONS)
    assert not out.has_history
    assert out.stages["median_days"].isna().all()
    # D1 at C, D2 at D in the data (its stage now, not as of as_of: no history to tell), D3 at B, D4 won
    assert out.stages["reached"].tolist() == [4, 4, 3, 2]


def test_missing_input_says_why():
    assert missing_input(None, OPTIONS) == "no_deals"
    assert missing_input(deals_frame(), DealFunnelOptions()) == "no_stages"
    assert deal_funnel_report(deals_frame(), None, as_of=AS_OF, options=DealFunnelOptions()) is None


def test_a_stage_list_with_a_stage_twice_is_refused():
    with pytest.raises(ValueError, match="stage named twice: Квалификация"):
        DealFunnelOptions(stages=["Квалификация", "квалификация "])


def test_a_stage_not_in_the_list_is_an_error_naming_it():
    with pytest.raises(ValueError, match="stages not in the funnel's list .*: X"):
        snapshot(deals_frame().assign(stage="X"), None, as_of=AS_OF, stages=STAGES)


def test_forecast_by_stage(result):
    by_stage = result.forecast_by_stage
    assert by_stage.to_dict("records") == [
        {"stage": "B", "open_now": 1, "amount": 200.0, "win_probability": 0.5, "expected_value": 100.0},
        {"stage": "C", "open_now": 1, "amount": 100.0, "win_probability": 0.5, "expected_value": 50.0}]
