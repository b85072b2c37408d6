"""The campaign estimator finds what the demo generator planted (issue 6).

The demo data (`clientbase.demo.generate_demo`, default size) is generated into a temporary
folder and loaded through a 1c-format profile, as a user's data would be; its ground truth
(`<out>_truth/campaigns.csv`) records each campaign's groups and planted effect.

Like for like:
- The generator's effect is *additive*: some target members get one extra order in the
  attribution window. `campaign_results` estimates (revenue per target member − revenue per
  control member) × target size, a total over the target group, so it is compared with the
  truth's totals, not with `true_effect_per_target_member`.
- `planted_incremental_revenue` is the revenue of the extra orders actually written (the
  realised effect); `true_incremental_revenue` is its expectation. The interval must hold the
  realised effect, and, for finished campaigns, the expected one too.
- The period is `latest` (2026Q3, as_of 2026-09-30). The autumn sale (September 2026) is
  still in its attribution window then: the estimator reads its orders up to as_of only, so
  it is compared with `planted_incremental_revenue_to_as_of`. The spring promotion (April
  2025) ended more than 12 months before as_of: the results are computed over a 24-month
  window (`window_months=24`) so that every planted campaign is measured.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import clientbase as cb
from clientbase.campaigns import ATTRIBUTED_NOTE, campaign_results
from clientbase.demo import generate_demo

PROFILE = "data:\n  path: demo\n  format: 1c\nperiod: latest\nlanguage: en\n"
# a campaign is "large" when both groups are big enough for the normal approximation
MIN_TARGET, MIN_CONTROL = 200, 100


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> pd.DataFrame:
    """The truth of every campaign with members, joined to what the estimator measured."""
    root = tmp_path_factory.mktemp("campaign-demo")
    demo = generate_demo(root / "demo", customers=5000, years=3, seed=42)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        wb = cb.setup(root / "profile.yaml", period="latest", quiet=True)
        results = campaign_results(
            wb.campaigns, wb.campaign_members, wb.daily, as_of=wb.as_of, window_months=24, confidence=0.95
        )
    assert wb.as_of == pd.Timestamp("2026-09-30")
    truth = pd.read_csv(demo.truth / "campaigns.csv", dtype={"campaign_id": "str"})
    truth = truth[truth["target_size"] > 0]
    return truth.merge(results, on="campaign_id", how="left", suffixes=("_true", ""), validate="one_to_one")


def test_every_planted_campaign_is_measured_with_its_groups(measured):
    assert len(measured) >= 6
    assert measured["target_size"].notna().all(), measured.loc[measured["target_size"].isna(), "campaign_id"]
    assert (measured["target_size"] == measured["target_size_true"]).all()
    assert (measured["control_size"] == measured["control_size_true"]).all()
    assert (measured["has_control"] == measured["has_control_true"]).all()


def test_large_campaigns_hold_their_planted_effect_inside_the_95_interval(measured):
    large = measured[(measured["target_size"] >= MIN_TARGET) & (measured["control_size"] >= MIN_CONTROL)]
    assert len(large) >= 5  # the test must not pass for want of campaigns
    planted = large["planted_incremental_revenue"].where(
        ~large["in_progress"], large["planted_incremental_revenue_to_as_of"]
    )
    inside = (large["incremental_revenue_low"] <= planted) & (planted <= large["incremental_revenue_high"])
    assert inside.all(), large.loc[~inside, ["campaign_id", "incremental_revenue_low", "incremental_revenue_high"]]
    done = large[~large["in_progress"]]
    expected = done["true_incremental_revenue"]
    inside = (done["incremental_revenue_low"] <= expected) & (expected <= done["incremental_revenue_high"])
    assert inside.all(), done.loc[~inside, ["campaign_id", "true_incremental_revenue", "incremental_revenue_low"]]


def test_the_in_progress_campaign_is_the_autumn_sale(measured):
    running = measured[measured["in_progress"]]
    assert running["start_date_true"].tolist() == ["2026-09-01"]
    # part of its planted orders fall after as_of and must not be counted
    row = running.iloc[0]
    assert row["planted_incremental_revenue_to_as_of"] < row["planted_incremental_revenue"]


def test_the_zero_effect_campaign_has_an_interval_containing_zero(measured):
    zero = measured[measured["has_control"] & (measured["true_effect_per_target_member"] == 0)]
    assert len(zero) == 1
    row = zero.iloc[0]
    assert row["planted_incremental_revenue"] == 0
    assert row["incremental_revenue_low"] < 0 < row["incremental_revenue_high"]


def test_reactivation_effect_is_exact_because_churned_controls_buy_nothing(measured):
    # the reactivation campaign's groups are churned customers: without the campaign nobody
    # in either group buys in the window, so the estimate is exactly the planted revenue
    row = measured[measured["kind"] == "reactivation"].iloc[0]
    assert row["response_rate_control"] == 0.0
    assert row["incremental_revenue"] == pytest.approx(row["planted_incremental_revenue"], abs=1.0)
    assert row["incremental_revenue_low"] > 0
    assert row["response_rate_target"] == pytest.approx(row["responders"] / row["target_size"], abs=0.02)


def test_the_campaign_without_control_is_attributed_not_incremental(measured):
    row = measured[~measured["has_control_true"]].iloc[0]
    assert row["roi_note"] == ATTRIBUTED_NOTE
    assert math.isnan(row["incremental_revenue"]) and math.isnan(row["roi_low"])
    # attributed revenue holds the members' regular buying, far above what was planted
    assert row["attributed_revenue"] > row["planted_incremental_revenue"]
