"""Tests of clientbase.channels: CAC, LTV, LTV/CAC and cohort retention by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clientbase.channels import channel_economics, cohort_retention

AS_OF = pd.Timestamp("2025-12-31")


def _campaigns(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["campaign_id", "name", "channel", "kind", "start_date", "end_date", "cost"])
    for column in ("campaign_id", "name", "channel", "kind"):
        frame[column] = frame[column].astype("str")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["cost"] = frame["cost"].astype("float64")
    return frame


def _cube(rows: list[tuple]) -> pd.DataFrame:
    """rows: (customer_id, month, revenue, gross_profit, orders, first_order_date)."""
    frame = pd.DataFrame(
        rows, columns=["customer_id", "month", "revenue", "gross_profit", "orders", "first_order_date"]
    )
    frame["customer_id"] = frame["customer_id"].astype("str")
    frame["month"] = pd.to_datetime(frame["month"])
    frame["first_order_date"] = pd.to_datetime(frame["first_order_date"])
    frame["last_order_date"] = frame["first_order_date"]
    frame["revenue"] = frame["revenue"].astype("float64")
    frame["gross_profit"] = frame["gross_profit"].astype("float64")
    frame["quantity"] = np.nan
    frame["orders"] = frame["orders"].astype("int64")
    return frame


# --- channels ------------------------------------------------------------------------

CUSTOMERS = pd.DataFrame(
    {
        "customer_id": pd.Series(["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"], dtype="str"),
        "name": pd.Series(["n"] * 8, dtype="str"),
        "source": pd.Series(["Site", "site", "Site", "Expo", None, "Expo", "Site", "Site"], dtype="str"),
        "created_at": pd.to_datetime(["2024-03-01"] * 8),
    }
)
# period 2025; LTV horizon 12 months → the horizon is complete for customers acquired by
# January 2025, and LTV takes the 12 months of such cohorts: February 2024 .. January 2025
CUBE = _cube(
    [
        ("c1", "2024-03-01", 250, 100, 1, "2024-03-10"),
        ("c1", "2024-10-01", 125, 50, 1, "2024-10-02"),
        ("c1", "2025-03-01", 2500, 999, 1, "2025-03-02"),  # month 13: outside c1's horizon
        ("c2", "2025-01-01", 75, 30, 1, "2025-01-05"),
        ("c2", "2025-12-01", 50, 20, 1, "2025-12-01"),  # month 12: inside
        ("c3", "2025-06-01", 25, 10, 1, "2025-06-01"),
        ("c4", "2025-02-01", 25, 10, 1, "2025-02-10"),
        ("c5", "2024-05-01", 100, 40, 1, "2024-05-01"),
        ("c8", "2024-01-01", 9000, 9000, 1, "2024-01-15"),  # acquired before the LTV cohorts
        ("c6", "2025-03-01", -30, -12, 0, None),  # only a return: never acquired
        ("c7", "2026-01-01", 10, 4, 1, "2026-01-10"),  # after as_of
    ]
)
ACQUISITION = _campaigns(
    [
        ("A1", "Context ads", "SITE ", "acquisition", "2025-02-01", "2025-02-28", 300),
        ("A2", "Old ads", "site", "acquisition", "2024-12-01", "2024-12-31", 100),  # before the period
        # 61 days, 30 of them (January 2025) in the period: 30/61 of 610 = 300 counts
        ("A6", "Winter ads", "Site", "acquisition", "2024-12-01", "2025-01-30", 610),
        ("A3", "Promo", "site", "promo", "2025-05-01", "2025-05-31", 1000),  # not acquisition
        ("A4", "Fair", "Expo", "Acquisition", "2025-04-01", "2025-04-03", 50),
        ("A5", "TV", "TV", "acquisition", "2025-03-01", "2025-03-31", 500),
    ]
)


def _channels(**options) -> pd.DataFrame:
    return channel_economics(CUSTOMERS, CUBE, ACQUISITION, as_of=AS_OF, **options).set_index("source")


def test_cac_ltv_and_ltv_to_cac_by_hand():
    table = _channels()
    assert table.index.tolist() == ["Site", "Expo", "(unknown)", "TV"]
    site = table.loc["Site"]
    assert site["new_customers"] == 2  # c2, c3 (c1, c8 earlier, c7 after as_of)
    assert site["cost"] == pytest.approx(300.0 + 300.0)  # A1, and A6 for its days in 2025
    assert site["cac"] == pytest.approx(300.0)
    # c1: 100 + 50; c2: 30 + 20; c8 was acquired before the LTV cohorts
    assert site["ltv"] == pytest.approx((150 + 50) / 2)
    assert site["ltv_customers"] == 2
    assert site["ltv_acquired_from"] == pd.Timestamp("2024-03-01")
    assert site["ltv_acquired_to"] == pd.Timestamp("2025-01-01")
    assert site["ltv_to_cac"] == pytest.approx(100 / 300)
    expo = table.loc["Expo"]
    assert (expo["new_customers"], expo["cost"], expo["cac"]) == (1, 50.0, 50.0)
    assert math.isnan(expo["ltv"]) and expo["ltv_customers"] == 0 and math.isnan(expo["ltv_to_cac"])
    unknown = table.loc["(unknown)"]
    assert (unknown["new_customers"], unknown["ltv"], unknown["ltv_customers"]) == (0, 40.0, 1)
    assert math.isnan(unknown["cost"]) and math.isnan(unknown["cac"])
    tv = table.loc["TV"]
    assert (tv["new_customers"], tv["cost"]) == (0, 500.0)
    assert math.isnan(tv["cac"])


@pytest.mark.parametrize(
    ("start", "end", "share"),
    [
        ("2025-03-01", "2025-03-31", 1.0),
        ("2024-12-01", "2024-12-31", 0.0),
        ("2024-12-22", "2025-01-10", 10 / 20),
        ("2025-12-22", "2026-01-10", 10 / 20),
        ("2025-12-01", None, 1.0),
        ("2026-01-05", None, 0.0),
        ("2024-01-01", "2026-12-31", 365 / 1096),
    ],
    ids=["inside", "before", "starts_before", "ends_after_as_of", "no_end_date", "starts_after_as_of", "spans"],
)
def test_acquisition_cost_counts_the_campaign_days_inside_the_period(start, end, share):
    campaigns = _campaigns([("X", "Ads", "Expo", "acquisition", start, end, 1000)])
    table = channel_economics(CUSTOMERS, CUBE, campaigns, as_of=AS_OF).set_index("source")
    if share:
        assert table.loc["Expo", "cost"] == pytest.approx(1000 * share)
        assert table.loc["Expo", "cac"] == pytest.approx(1000 * share)  # one new customer: c4
    else:
        assert math.isnan(table.loc["Expo", "cost"])


def test_ltv_takes_the_latest_complete_cohorts_of_the_period_length():
    # with a 6-month period the LTV cohorts are August 2024 .. January 2025: only c2 (Site)
    table = _channels(period_months=6)
    assert table.loc["Site", "ltv"] == pytest.approx(50.0)
    assert table.loc["Site", "ltv_customers"] == 1
    assert table.loc["Site", "new_customers"] == 0  # c2 (January), c3 (June) are before July 2025


def test_costs_from_the_profile_override_campaign_costs():
    table = _channels(costs={"EXPO": 80.0, "Organic": 0.0})
    assert table.loc["Expo", "cost"] == 80.0
    assert table.loc["Expo", "cac"] == 80.0
    assert table.loc["Site", "cost"] == pytest.approx(600.0)
    assert table.loc["Organic", "cost"] == 0.0
    assert math.isnan(table.loc["Organic", "cac"])


def test_ltv_without_cost_uses_the_margin_or_is_nan():
    cube = CUBE.assign(gross_profit=np.nan)
    table = channel_economics(CUSTOMERS, cube, ACQUISITION, as_of=AS_OF).set_index("source")
    assert math.isnan(table.loc["Site", "ltv"])
    table = channel_economics(CUSTOMERS, cube, ACQUISITION, as_of=AS_OF, margin=0.1).set_index("source")
    assert table.loc["Site", "ltv"] == pytest.approx((375 + 125) * 0.1 / 2)


def test_channels_without_campaigns_have_no_cost():
    table = channel_economics(CUSTOMERS, CUBE, None, as_of=AS_OF).set_index("source")
    assert table["cost"].isna().all() and table["cac"].isna().all()
    assert table.loc["Site", "new_customers"] == 2


LEADS = pd.DataFrame(
    {
        "lead_id": pd.Series([f"L{i}" for i in range(1, 7)], dtype="str"),
        "created_at": pd.to_datetime(
            ["2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2024-11-01", "2025-11-01"]
        ),
        "source": pd.Series(["Site", "site", "Site", None, "Site", "Site"], dtype="str"),
        "campaign_id": pd.Series([None, None, None, "A4", None, None], dtype="str"),
        "customer_id": pd.Series(["c2", "c3", None, "c4", "c1", "c9"], dtype="str"),
        "converted_at": pd.to_datetime(["2025-02-11", "2025-03-21", None, "2025-05-04", "2024-11-02", "2026-01-05"]),
    }
)


def test_leads_conversion_by_source():
    table = _channels(leads=LEADS)
    # Site: L1 (10 days), L2 (20 days), L3 open, L6 converted after as_of; L5 before the period
    assert table.loc["Site", ["leads", "converted"]].tolist() == [4, 2]
    assert table.loc["Site", "conversion_rate"] == 0.5
    assert table.loc["Site", "median_days_to_convert"] == 15.0
    # L4 has no source: it takes the channel of its campaign A4
    assert table.loc["Expo", ["leads", "converted"]].tolist() == [1, 1]
    assert table.loc["Expo", "median_days_to_convert"] == 3.0
    assert table.loc["TV", "leads"] == 0
    assert math.isnan(table.loc["TV", "conversion_rate"])


# --- cohorts -------------------------------------------------------------------------

COHORT_CUBE = _cube(
    [
        ("a", "2025-01-01", 10, 4, 1, "2025-01-10"),
        ("a", "2025-05-01", 10, 4, 1, "2025-05-02"),
        ("b", "2025-02-01", 10, 4, 2, "2025-02-20"),
        ("c", "2024-11-01", 10, 4, 1, "2024-11-05"),
        ("c", "2025-03-01", -5, -2, 0, None),  # a return is not buying
        ("c", "2025-04-01", 10, 4, 1, "2025-04-07"),
        ("d", "2025-04-01", 10, 4, 1, "2025-04-03"),
    ]
)


def test_cohort_retention_by_hand():
    table = cohort_retention(COHORT_CUBE, as_of=pd.Timestamp("2025-06-30"))
    got = list(table[["cohort", "quarters_since", "customers", "active"]].itertuples(index=False, name=None))
    assert got == [
        ("2024Q4", 0, 1, 1),
        ("2024Q4", 1, 1, 0),
        ("2024Q4", 2, 1, 1),
        ("2025Q1", 0, 2, 2),
        ("2025Q1", 1, 2, 1),
        ("2025Q2", 0, 1, 1),
    ]
    assert table["retention"].tolist() == [1.0, 0.0, 1.0, 1.0, 0.5, 1.0]
    assert not table["incomplete"].any()


def test_cohort_retention_marks_the_quarter_of_a_mid_quarter_as_of_and_caps_quarters():
    table = cohort_retention(COHORT_CUBE, as_of=pd.Timestamp("2025-05-31"), max_quarters=1)
    got = list(table[["cohort", "quarters_since", "incomplete"]].itertuples(index=False, name=None))
    assert got == [
        ("2024Q4", 0, False),
        ("2024Q4", 1, False),
        ("2025Q1", 0, False),
        ("2025Q1", 1, True),
        ("2025Q2", 0, True),
    ]



# --- purity --------------------------------------------------------------------------


def test_channel_economics_and_cohort_retention_do_not_mutate():
    inputs = (CUSTOMERS, CUBE, ACQUISITION, LEADS, COHORT_CUBE)
    before = [frame.copy(deep=True) for frame in inputs]
    channel_economics(CUSTOMERS, CUBE, ACQUISITION, as_of=AS_OF, leads=LEADS, costs={"TV": 1.0})
    cohort_retention(COHORT_CUBE, as_of=AS_OF)
    for frame, copy in zip(inputs, before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)


def test_average_retention_weights_cohorts_by_customers_and_skips_the_first_and_incomplete():
    from clientbase.channels import average_retention

    cohorts = pd.DataFrame({
        "cohort": ["2024Q1", "2024Q1", "2024Q2", "2024Q2", "2024Q3", "2024Q4"],
        "quarters_since": [1, 4, 1, 4, 1, 1],
        "customers": [100, 100, 10, 10, 10, 30],
        "active": [90, 80, 5, 2, 3, 30],
        "incomplete": [False, False, False, False, False, True],
    })
    assert average_retention(cohorts, quarters=(1, 4)) == pytest.approx((0.4, 0.2))
    assert average_retention(cohorts, quarters=(2,)) is None
