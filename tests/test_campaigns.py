"""Tests of clientbase.campaigns: every formula against a hand-computed fixture."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clientbase.campaigns import (
    ATTRIBUTED_NOTE,
    CAMPAIGN_COLUMNS,
    CampaignSummary,
    campaign_results,
    campaign_summary,
    member_outcomes,
)

AS_OF = pd.Timestamp("2025-12-31")
CAMPAIGN_TABLE = ["campaign_id", "name", "channel", "kind", "start_date", "end_date", "cost"]


def _campaigns(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CAMPAIGN_TABLE)
    for column in ("campaign_id", "name", "channel", "kind"):
        frame[column] = frame[column].astype("str")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["cost"] = frame["cost"].astype("float64")
    return frame


def _members(rows: list[tuple], *, responded: list | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["campaign_id", "customer_id", "group"]).astype("str")
    frame["contacted_at"] = pd.NaT
    frame["responded"] = pd.array(responded if responded is not None else [pd.NA] * len(rows), "boolean")
    return frame


def _daily(rows: list[tuple]) -> pd.DataFrame:
    """rows: (customer_id, date, revenue, gross_profit, orders)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue", "gross_profit", "orders"])
    frame["customer_id"] = frame["customer_id"].astype("str")
    frame["date"] = pd.to_datetime(frame["date"])
    frame["revenue"] = frame["revenue"].astype("float64")
    frame["gross_profit"] = frame["gross_profit"].astype("float64")
    frame["quantity"] = np.nan
    frame["orders"] = frame["orders"].astype("int64")
    return frame[["customer_id", "date", "revenue", "gross_profit", "quantity", "orders"]]


# Target revenue: T1 100, T2 30 + 20, T3 0 (its order is the day before the start),
# T4 a return of −10 → mean 35; control: K1 20 (on end + 30), K2 0 (its order is on end + 31)
# → mean 10. Incremental revenue (35 − 10) × 4 = 100; gross profit is 40 % of revenue:
# (14 − 4) × 4 = 40; ROI (40 − 20) / 20 = 1.0. Responders: T1, T2 of 4; K1 of 2.
BASIC_CAMPAIGNS = _campaigns([("C1", "Autumn mail", "email", "retention", "2025-09-01", "2025-09-30", 20)])
BASIC_MEMBERS = _members(
    [
        ("C1", "T1", "target"),
        ("C1", "T2", "target"),
        ("C1", "T3", "target"),
        ("C1", "T4", "target"),
        ("C1", "K1", "control"),
        ("C1", "K2", "control"),
    ]
)
BASIC_DAILY = _daily(
    [
        ("T1", "2025-09-10", 100, 40, 1),
        ("T2", "2025-09-05", 30, 12, 1),
        ("T2", "2025-10-20", 20, 8, 1),
        ("T3", "2025-08-31", 500, 200, 1),
        ("T4", "2025-09-15", -10, -4, 0),
        ("K1", "2025-10-30", 20, 8, 1),
        ("K2", "2025-10-31", 70, 28, 1),
    ]
)
TARGET_REVENUE, CONTROL_REVENUE = [100.0, 50.0, 0.0, -10.0], [20.0, 0.0]
TARGET_GP, CONTROL_GP = [40.0, 20.0, 0.0, -4.0], [8.0, 0.0]


def _basic_results(**options) -> pd.Series:
    results = campaign_results(BASIC_CAMPAIGNS, BASIC_MEMBERS, BASIC_DAILY, as_of=AS_OF, **options)
    assert len(results) == 1
    return results.iloc[0]


# --- member outcomes -----------------------------------------------------------------


def test_member_outcomes_sum_the_attribution_window_per_member():
    out = member_outcomes(BASIC_CAMPAIGNS, BASIC_MEMBERS, BASIC_DAILY, as_of=AS_OF)
    assert out["customer_id"].tolist() == ["T1", "T2", "T3", "T4", "K1", "K2"]
    assert out["revenue"].tolist() == TARGET_REVENUE + CONTROL_REVENUE
    assert out["gross_profit"].tolist() == TARGET_GP + CONTROL_GP
    # T4 only returned goods: a negative document is not a response
    assert out["responded"].tolist() == [True, True, False, False, True, False]
    assert out["group"].tolist() == ["target"] * 4 + ["control"] * 2


@pytest.mark.parametrize(
    ("order_date", "as_of", "counted"),
    [
        ("2025-09-01", AS_OF, True),
        ("2025-08-31", AS_OF, False),
        ("2025-10-30", AS_OF, True),
        ("2025-10-31", AS_OF, False),
        ("2025-10-15", pd.Timestamp("2025-10-15"), True),
        ("2025-10-16", pd.Timestamp("2025-10-15"), False),
    ],
    ids=["start_day", "day_before_start", "end_plus_30", "end_plus_31", "on_as_of", "after_as_of"],
)
def test_attribution_window_boundaries(order_date, as_of, counted):
    members = _members([("C1", "X", "target")])
    daily = _daily([("X", order_date, 10, 4, 1)])
    out = member_outcomes(BASIC_CAMPAIGNS, members, daily, as_of=as_of)
    assert bool(out["responded"].iloc[0]) is counted
    assert out["revenue"].iloc[0] == (10.0 if counted else 0.0)


def test_response_days_moves_the_window_end():
    members = _members([("C1", "X", "target")])
    daily = _daily([("X", "2025-10-05", 10, 4, 1)])
    out = member_outcomes(BASIC_CAMPAIGNS, members, daily, as_of=AS_OF, response_days=4)
    assert not out["responded"].iloc[0]
    out = member_outcomes(BASIC_CAMPAIGNS, members, daily, as_of=AS_OF, response_days=5)
    assert out["responded"].iloc[0]


def test_given_responded_wins_over_orders_and_na_falls_back():
    members = _members([("C1", "T1", "target"), ("C1", "T3", "target")], responded=[False, pd.NA])
    out = member_outcomes(BASIC_CAMPAIGNS, members, BASIC_DAILY, as_of=AS_OF)
    assert out["responded"].tolist() == [False, False]
    members = _members([("C1", "T1", "target"), ("C1", "T3", "target")], responded=[pd.NA, True])
    out = member_outcomes(BASIC_CAMPAIGNS, members, BASIC_DAILY, as_of=AS_OF)
    assert out["responded"].tolist() == [True, True]


def test_members_of_unknown_or_future_campaigns_get_na_and_duplicates_are_dropped():
    campaigns = _campaigns(
        [
            ("C1", "n", "email", "promo", "2025-09-01", "2025-09-30", 1),
            ("F", "n", "email", "promo", "2026-02-01", "2026-02-28", 1),
        ]
    )
    members = _members(
        [("C1", "T1", "target"), ("C1", "T1", "target"), ("F", "T1", "target"), ("NOPE", "T1", "target")]
    )
    out = member_outcomes(campaigns, members, BASIC_DAILY, as_of=AS_OF)
    assert out["campaign_id"].tolist() == ["C1", "F", "NOPE"]
    assert out["revenue"].iloc[0] == 100.0
    assert out["revenue"].iloc[1:].isna().all()
    assert out["responded"].iloc[1:].isna().all()


@pytest.mark.parametrize("group", [pd.NA, "", " Target "], ids=["na", "empty", "spaces_and_case"])
def test_missing_group_means_target(group):
    members = _members([("C1", "T1", "target")])
    members["group"] = pd.Series([group], dtype="str")
    out = member_outcomes(BASIC_CAMPAIGNS, members, BASIC_DAILY, as_of=AS_OF)
    assert out["group"].tolist() == ["target"]


@pytest.mark.parametrize("missing", ["campaigns", "members"])
def test_missing_campaign_tables_give_empty_or_memberless_results(missing):
    campaigns = None if missing == "campaigns" else BASIC_CAMPAIGNS
    members = None if missing == "members" else BASIC_MEMBERS
    results = campaign_results(campaigns, members, BASIC_DAILY, as_of=AS_OF)
    assert set(CAMPAIGN_COLUMNS) <= set(results.columns)
    if missing == "campaigns":
        assert results.empty
    else:
        assert results["campaign_id"].tolist() == ["C1"]
        assert (results.loc[0, "target_size"], results.loc[0, "control_size"]) == (0, 0)
        assert results.loc[0, "cost"] == 20.0 and results.loc[0, "roi_note"] == "n/a"


@pytest.mark.parametrize(
    ("margin", "expected"),
    [(None, [math.nan, math.nan]), (0.25, [25.0, 0.0])],
    ids=["no_cost_no_margin_is_nan", "margin_times_revenue"],
)
def test_gross_profit_without_cost_uses_the_margin(margin, expected):
    daily = BASIC_DAILY.assign(gross_profit=np.nan)
    members = _members([("C1", "T1", "target"), ("C1", "T3", "target")])
    out = member_outcomes(BASIC_CAMPAIGNS, members, daily, as_of=AS_OF, margin=margin)
    np.testing.assert_array_equal(out["gross_profit"].to_numpy(), expected)


# --- campaign results ----------------------------------------------------------------


def test_response_rate_lift_and_its_interval_by_hand():
    # p_T = 30/100, p_C = 20/100 → Δ 0.10, SE = √(0.21/100 + 0.16/100) = 0.060828
    members = _members(
        [("C1", f"T{i}", "target") for i in range(100)] + [("C1", f"K{i}", "control") for i in range(100)],
        responded=[i < 30 for i in range(100)] + [i < 20 for i in range(100)],
    )
    row = campaign_results(BASIC_CAMPAIGNS, members, BASIC_DAILY.iloc[:0], as_of=AS_OF).iloc[0]
    assert row["response_rate_target"] == pytest.approx(0.30)
    assert row["response_rate_control"] == pytest.approx(0.20)
    assert row["response_lift"] == pytest.approx(0.10)
    half = 1.959964 * math.sqrt(0.3 * 0.7 / 100 + 0.2 * 0.8 / 100)
    assert half == pytest.approx(0.11922, abs=1e-5)
    assert row["response_lift_low"] == pytest.approx(0.10 - half, abs=1e-6)
    assert row["response_lift_high"] == pytest.approx(0.10 + half, abs=1e-6)


def test_incremental_revenue_gross_profit_and_roi_by_hand():
    row = _basic_results()
    assert (row["target_size"], row["control_size"], row["has_control"]) == (4, 2, True)
    assert row["measure"] == "incremental"
    assert (row["response_rate_target"], row["response_rate_control"]) == (0.5, 0.5)
    assert (row["revenue_per_target"], row["revenue_per_control"]) == (35.0, 10.0)
    assert row["incremental_revenue"] == pytest.approx(100.0)
    assert row["incremental_gross_profit"] == pytest.approx(40.0)
    assert row["roi"] == pytest.approx(1.0)
    assert pd.isna(row["roi_note"])
    assert not row["in_progress"]


@pytest.mark.parametrize("confidence", [0.95, 0.80], ids=["95", "80"])
def test_welch_interval_matches_scipy(confidence):
    row = _basic_results(confidence=confidence)
    for name, target, control in [
        ("incremental_revenue", TARGET_REVENUE, CONTROL_REVENUE),
        ("incremental_gross_profit", TARGET_GP, CONTROL_GP),
    ]:
        ci = stats.ttest_ind(target, control, equal_var=False).confidence_interval(confidence)
        assert row[f"{name}_low"] == pytest.approx(ci.low * 4)
        assert row[f"{name}_high"] == pytest.approx(ci.high * 4)


def test_roi_interval_comes_from_the_gross_profit_interval():
    row = _basic_results()
    ci = stats.ttest_ind(TARGET_GP, CONTROL_GP, equal_var=False).confidence_interval(0.95)
    assert row["roi_low"] == pytest.approx((ci.low * 4 - 20) / 20)
    assert row["roi_high"] == pytest.approx((ci.high * 4 - 20) / 20)
    assert row["roi_low"] < row["roi"] < row["roi_high"]


def test_bootstrap_is_deterministic_for_a_seed_and_independent_of_other_campaigns():
    first = _basic_results(method="bootstrap", n_boot=500, seed=7)
    again = _basic_results(method="bootstrap", n_boot=500, seed=7)
    other = _basic_results(method="bootstrap", n_boot=500, seed=8)
    bounds = ["incremental_revenue_low", "incremental_revenue_high", "roi_low", "roi_high"]
    assert first[bounds].tolist() == again[bounds].tolist()
    assert first[bounds].tolist() != other[bounds].tolist()
    assert first["incremental_revenue_low"] < 100.0 < first["incremental_revenue_high"]
    campaigns = pd.concat(
        [_campaigns([("C0", "other", "sms", "promo", "2025-09-01", "2025-09-30", 5)]), BASIC_CAMPAIGNS],
        ignore_index=True,
    )
    members = pd.concat(
        [
            _members(
                [("C0", "T1", "target"), ("C0", "T2", "target"), ("C0", "K1", "control"), ("C0", "K2", "control")]
            ),
            BASIC_MEMBERS,
        ],
        ignore_index=True,
    )
    both = campaign_results(
        campaigns, members, BASIC_DAILY, as_of=AS_OF, method="bootstrap", n_boot=500, seed=7
    ).set_index("campaign_id")
    assert both.loc["C1", bounds].tolist() == first[bounds].tolist()


def test_bootstrap_interval_agrees_with_scipy_percentile_bootstrap():
    rng = np.random.default_rng(3)
    target, control = rng.gamma(2.0, 30.0, 60) + 10, rng.gamma(2.0, 30.0, 50)
    campaigns = BASIC_CAMPAIGNS
    ids = [f"T{i}" for i in range(60)] + [f"K{i}" for i in range(50)]
    members = _members([("C1", c, "target" if c[0] == "T" else "control") for c in ids])
    daily = _daily([(c, "2025-09-10", r, r / 2, 1) for c, r in zip(ids, [*target, *control], strict=True)])
    row = campaign_results(campaigns, members, daily, as_of=AS_OF, method="bootstrap", n_boot=4000).iloc[0]
    ci = stats.bootstrap(
        (target, control),
        lambda t, c, axis: t.mean(axis=axis) - c.mean(axis=axis),
        method="percentile",
        n_resamples=4000,
        rng=np.random.default_rng(0),
    ).confidence_interval
    width = ci.high - ci.low
    # different random streams: equal up to Monte Carlo error
    assert row["incremental_revenue_low"] / 60 == pytest.approx(ci.low, abs=0.1 * width)
    assert row["incremental_revenue_high"] / 60 == pytest.approx(ci.high, abs=0.1 * width)
    assert row["incremental_gross_profit_low"] == pytest.approx(row["incremental_revenue_low"] / 2)


@pytest.mark.parametrize("cost", [0.0, math.nan], ids=["zero_cost", "missing_cost"])
def test_campaign_without_cost_has_roi_na(cost):
    campaigns = BASIC_CAMPAIGNS.assign(cost=cost)
    row = campaign_results(campaigns, BASIC_MEMBERS, BASIC_DAILY, as_of=AS_OF).iloc[0]
    assert math.isnan(row["roi"]) and math.isnan(row["roi_low"]) and math.isnan(row["roi_high"])
    assert row["roi_note"] == "n/a"
    assert row["incremental_gross_profit"] == pytest.approx(40.0)


def test_campaign_without_control_is_attributed_not_incremental():
    members = BASIC_MEMBERS[BASIC_MEMBERS["group"] == "target"]
    row = campaign_results(BASIC_CAMPAIGNS, members, BASIC_DAILY, as_of=AS_OF).iloc[0]
    assert row["measure"] == "attributed"
    assert not row["has_control"]
    assert row["control_size"] == 0
    assert row["roi_note"] == ATTRIBUTED_NOTE
    assert row["attributed_revenue"] == 140.0
    assert row["attributed_gross_profit"] == 56.0
    assert row["roi"] == pytest.approx((56 - 20) / 20)
    for column in [
        "incremental_revenue",
        "incremental_revenue_low",
        "incremental_gross_profit",
        "incremental_gross_profit_high",
        "roi_low",
        "roi_high",
        "response_rate_control",
        "response_lift",
        "revenue_per_control",
    ]:
        assert math.isnan(row[column]), column


def test_campaign_without_cost_data_or_margin_has_no_profit_and_roi_na():
    daily = BASIC_DAILY.assign(gross_profit=np.nan)
    row = campaign_results(BASIC_CAMPAIGNS, BASIC_MEMBERS, daily, as_of=AS_OF).iloc[0]
    assert row["incremental_revenue"] == pytest.approx(100.0)
    assert math.isnan(row["incremental_gross_profit"]) and math.isnan(row["roi"])
    assert row["roi_note"] == "n/a"
    row = campaign_results(BASIC_CAMPAIGNS, BASIC_MEMBERS, daily, as_of=AS_OF, margin=0.5).iloc[0]
    assert row["incremental_gross_profit"] == pytest.approx(50.0)
    assert row["roi"] == pytest.approx((50 - 20) / 20)


def test_in_progress_campaign_reads_nothing_after_as_of():
    campaigns = _campaigns([("P", "Xmas", "sms", "promo", "2025-12-01", "2025-12-20", 10)])
    members = _members([("P", "A", "target"), ("P", "B", "target"), ("P", "K", "control"), ("P", "L", "control")])
    daily = _daily([("A", "2025-12-10", 10, 5, 1), ("A", "2026-01-05", 999, 500, 1), ("K", "2026-01-02", 999, 500, 1)])
    row = campaign_results(campaigns, members, daily, as_of=AS_OF).iloc[0]
    assert row["in_progress"]
    assert row["attribution_end"] == pd.Timestamp("2026-01-19")
    assert row["revenue_per_target"] == 5.0
    assert row["revenue_per_control"] == 0.0
    assert row["incremental_revenue"] == pytest.approx(10.0)
    assert row["response_rate_control"] == 0.0


def test_campaigns_listed_are_those_whose_attribution_ends_in_the_window_or_still_open():
    campaigns = _campaigns(
        [
            ("old", "n", "sms", "promo", "2024-11-01", "2024-11-30", 1),  # attribution ends 2024-12-30
            ("edge", "n", "sms", "promo", "2024-11-01", "2024-12-02", 1),  # ends 2025-01-01: inside
            ("done", "n", "sms", "promo", "2025-06-01", "2025-06-30", 1),
            ("open", "n", "sms", "promo", "2025-12-01", None, 1),  # no end date: still running
            ("future", "n", "sms", "promo", "2026-01-10", "2026-01-20", 1),
            ("undated", "n", "sms", "promo", None, "2025-06-30", 1),
        ]
    )
    results = campaign_results(campaigns, BASIC_MEMBERS.iloc[:0], BASIC_DAILY, as_of=AS_OF)
    assert results["campaign_id"].tolist() == ["edge", "done", "open"]
    assert results["in_progress"].tolist() == [False, False, True]
    assert results["target_size"].tolist() == [0, 0, 0]
    assert results["roi_note"].tolist() == ["n/a"] * 3


def test_contract_columns_are_present():
    results = campaign_results(BASIC_CAMPAIGNS, BASIC_MEMBERS, BASIC_DAILY, as_of=AS_OF)
    contract = [
        "campaign_id",
        "cost",
        "target_size",
        "control_size",
        "response_rate_target",
        "response_rate_control",
        "incremental_revenue",
        "incremental_gross_profit",
        "roi",
        "roi_low",
        "roi_high",
    ]
    assert list(CAMPAIGN_COLUMNS) == contract
    assert list(results.columns[: len(contract)]) == contract
    assert {"name", "kind", "channel", "has_control", "measure", "roi_note", "in_progress"} <= set(results.columns)


def test_bad_options_are_errors():
    with pytest.raises(ValueError, match="method"):
        _basic_results(method="t-test")
    with pytest.raises(ValueError, match="confidence"):
        _basic_results(confidence=95)


def _simulated(n_campaigns: int, n: int, effect: float, seed: int):
    """n target + n control members per campaign, one order each; targets get + effect."""
    rng = np.random.default_rng(seed)
    ids = [f"S{k:02d}" for k in range(n_campaigns)]
    campaigns = _campaigns([(cid, cid, "email", "promo", "2025-06-01", "2025-06-30", 100) for cid in ids])
    campaign = np.repeat(ids, 2 * n)
    customer = np.array([f"{cid}-{i}" for cid in ids for i in range(2 * n)])
    group = np.tile(np.repeat(["target", "control"], n), n_campaigns)
    revenue = rng.gamma(2.0, 50.0, size=len(customer)) + np.where(group == "target", effect, 0.0)
    members = _members(list(zip(campaign, customer, group, strict=True)))
    daily = _daily([(c, "2025-06-10", r, r * 0.4, 1) for c, r in zip(customer, revenue, strict=True)])
    return campaigns, members, daily


@pytest.mark.parametrize("method", ["welch", "bootstrap"])
def test_simulated_additive_effect_is_covered_by_the_interval(method):
    n, effect = 120, 20.0
    campaigns, members, daily = _simulated(30, n, effect, seed=2025)
    results = campaign_results(campaigns, members, daily, as_of=AS_OF, method=method, n_boot=400, seed=1)
    truth = effect * n
    covered = (results["incremental_revenue_low"] <= truth) & (truth <= results["incremental_revenue_high"])
    # nominal 95 %: 30 intervals should miss about 1.5 times; 5 misses would be very unlikely
    assert covered.sum() >= 26
    assert results["incremental_revenue"].mean() == pytest.approx(truth, abs=400)
    # and the intervals are not merely wide: half-width ≈ t · √(2·var/n) · n, var of Γ(2, 50) = 5000
    expected_width = 2 * stats.t.ppf(0.975, 2 * n - 2) * math.sqrt(2 * 5000 / n) * n
    width = results["incremental_revenue_high"] - results["incremental_revenue_low"]
    assert width.mean() == pytest.approx(expected_width, rel=0.1)


# --- summary -------------------------------------------------------------------------


def test_campaign_summary_totals_and_best_worst():
    results = pd.DataFrame(
        {
            "campaign_id": ["a", "b", "c", "d", "e", "acq"],
            "name": ["A", "B", "C", "D", "E", "Ads"],
            "in_progress": [False, False, False, False, True, False],
            "target_size": [10, 10, 10, 10, 10, 0],  # "acq" has no members: it is measured by CAC
            "has_control": [True, True, True, False, True, False],
            "cost": [100.0, 50.0, 0.0, 30.0, 70.0, 9000.0],
            "incremental_revenue": [500.0, 100.0, 40.0, np.nan, 900.0, np.nan],
            "incremental_gross_profit": [200.0, 25.0, 10.0, np.nan, 300.0, np.nan],
            "roi": [1.0, -0.5, np.nan, 4.0, 3.3, np.nan],
            "roi_low": [0.2, -1.5, np.nan, np.nan, 1.0, np.nan],
            "roi_high": [1.8, 0.5, np.nan, np.nan, 5.0, np.nan],
        }
    )
    channels = pd.DataFrame(
        {
            "source": ["Site", "Expo", "TV", "Fair"],
            "new_customers": [10, 5, 0, 3],
            "cost": [500.0, 150.0, 90.0, np.nan],
            "ltv": [100.0, 90.0, np.nan, 40.0],
            "cac": [50.0, 30.0, np.nan, np.nan],
            "ltv_to_cac": [2.0, 3.0, np.nan, np.nan],
        }
    )
    summary = campaign_summary(results, channels)
    assert isinstance(summary, CampaignSummary)
    assert (summary.campaigns, summary.completed, summary.in_progress, summary.with_control) == (5, 4, 1, 3)
    assert summary.without_members == 1
    assert (summary.acquisition_spend, summary.new_customers) == (740.0, 18)
    assert summary.worst_channel.source == "Site" and summary.worst_channel.cac == 50.0
    assert summary.total_spend == 180.0
    assert summary.with_control_spend == 150.0
    assert summary.in_progress_spend == 70.0
    assert summary.total_incremental_revenue == 640.0
    assert summary.total_incremental_gross_profit == 235.0
    assert (summary.best.campaign_id, summary.best.roi, summary.best.roi_low) == ("a", 1.0, 0.2)
    assert (summary.worst.campaign_id, summary.worst.roi_high) == ("b", 0.5)
    assert summary.best_channel.source == "Expo" and summary.best_channel.ltv_to_cac == 3.0
    with pytest.raises(AttributeError):
        summary.total_spend = 0  # type: ignore[misc]


def test_campaign_summary_of_real_results_without_comparable_campaigns():
    members = BASIC_MEMBERS[BASIC_MEMBERS["group"] == "target"]
    results = campaign_results(BASIC_CAMPAIGNS, members, BASIC_DAILY, as_of=AS_OF)
    no_costs = pd.DataFrame(
        {"source": ["Site"], "new_customers": [3], "cost": [np.nan], "ltv": [100.0], "cac": [np.nan], "ltv_to_cac": [np.nan]}
    )
    summary = campaign_summary(results, no_costs)
    assert summary.best is None and summary.worst is None and summary.best_channel is None
    assert summary.worst_channel is None and math.isnan(summary.acquisition_spend)
    assert math.isnan(summary.total_incremental_gross_profit)
    assert summary.total_spend == 20.0


# --- purity --------------------------------------------------------------------------


def _frozen(*frames: pd.DataFrame) -> list[pd.DataFrame]:
    return [frame.copy(deep=True) for frame in frames]


def test_member_outcomes_and_campaign_results_do_not_mutate():
    inputs = (BASIC_CAMPAIGNS, BASIC_MEMBERS, BASIC_DAILY)
    before = _frozen(*inputs)
    member_outcomes(*inputs, as_of=AS_OF, margin=0.3)
    campaign_results(*inputs, as_of=AS_OF, method="bootstrap", n_boot=50)
    for frame, copy in zip(inputs, before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)




def test_campaign_summary_does_not_mutate():
    results = campaign_results(BASIC_CAMPAIGNS, BASIC_MEMBERS, BASIC_DAILY, as_of=AS_OF)
    channels = pd.DataFrame(
        {"source": ["Site"], "new_customers": [2], "cost": [100.0], "ltv": [100.0], "cac": [50.0], "ltv_to_cac": [2.0]}
    )
    before = _frozen(results, channels)
    campaign_summary(results, channels)
    for frame, copy in zip((results, channels), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)
