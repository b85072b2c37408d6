"""The ABC-XYZ classes find what the demo generator planted (issue 4).

A small demo (`clientbase.demo.generate_demo`, 600 customers) is generated into a temporary
folder and loaded through a 1c-format profile, as a user's data would be; its ground truth
(`<out>_truth/customers.csv`) gives each customer's planted behaviour. The period is
`latest`: 2026Q3, as_of 2026-09-30, window 2025-10 … 2026-09, previous quarter end
2026-06-30.

What the generator plants, and why each assertion below is exact (no tolerance):
- steady: one order every month from a month at least 12 months before as_of's month
  (amounts lognormal, σ = 0.15; campaign extras add at most a few orders of ~0.8 of a
  usual one) — a full window without a zero month, so cv is far below 0.5: always X;
- one_off: exactly one order document ever, more than 100 days before as_of — stage
  one_off (inside the window) or lost; a single purchase in ≥ 3 observed months has
  cv = √(n − 1) ≥ √2: never X, Z whenever classified;
- churned: regular buying that stops 125–295 days before as_of, first order at least 240
  days before the last — so the window is fully observed and its last 4 months are zero;
  with k ≤ 8 buying months, cv² ≥ 12/k − 1 ≥ 0.5 (Cauchy–Schwarz): never X. They still
  bought inside the 12-month window, so their stage is regular, not lost;
- declining: monthly like steady until as_of's quarter, then fewer, smaller orders — X a
  quarter ago (full window of monthly orders, no campaign in Q3 2025), and their window
  revenue fell in every case;
- new: first order 8–85 days before as_of — stage new, at most 3 observed months;
- potential and the cards marked for deletion (no orders): stage potential, no class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clientbase as cb
from clientbase.abc_xyz import migration
from clientbase.demo import generate_demo

PROFILE = "data:\n  path: demo\n  format: 1c\nperiod: latest\nlanguage: en\n"


@pytest.fixture(scope="module")
def moves(tmp_path_factory):
    """The migration (classes now and a quarter ago) joined to the planted behaviours."""
    root = tmp_path_factory.mktemp("abc-xyz-demo")
    demo = generate_demo(root / "demo", customers=600, years=3, seed=11)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        wb = cb.setup(root / "profile.yaml", period="latest", quiet=True)
        result = migration(wb.cube, wb.customers, as_of=wb.as_of)
    assert wb.as_of == pd.Timestamp("2026-09-30")
    truth = pd.read_csv(demo.truth / "customers.csv", dtype={"customer_id": "str", "behaviour": "str"})
    truth = truth[["customer_id", "behaviour"]]
    now = result.after.merge(truth, on="customer_id", how="left", validate="one_to_one")
    before = result.before.merge(truth, on="customer_id", how="left", validate="one_to_one")
    assert now["behaviour"].notna().all() and len(now) == len(truth)  # one row per card
    return now.set_index("customer_id"), before.set_index("customer_id"), result


def _of(frame: pd.DataFrame, behaviour: str) -> pd.DataFrame:
    rows = frame[(frame["behaviour"] == behaviour) & ~frame["is_deleted"]]
    assert len(rows) >= 5, f"too few {behaviour} customers for the test to mean anything"
    return rows


def test_every_steady_customer_is_x_over_a_full_window(moves):
    now = _of(moves[0], "steady")
    assert (now["observed_periods"] == 12).all()
    assert (now["months_with_sales"] == 12).all()
    assert (now["xyz"] == "X").all(), now.loc[now["xyz"] != "X", ["cv", "xyz"]]
    assert (now["stage"] == "regular").all()


def test_one_off_customers_are_never_x(moves):
    now = _of(moves[0], "one_off")
    assert set(now["stage"]) <= {"one_off", "lost"}
    assert (now["xyz"].fillna("Z") == "Z").all()
    classified = now[now["xyz"].notna()]
    assert len(classified) >= 1
    # one purchase in n observed months: cv = sqrt(n - 1)
    assert np.allclose(classified["cv"], np.sqrt(classified["observed_periods"] - 1))
    # lost ones bought before the window: no revenue, no class at all
    lost = now[now["stage"] == "lost"]
    assert (lost["metric_value"] == 0).all() and lost["abc"].isna().all()


def test_churned_customers_are_never_x_and_stopped_buying_four_months_ago(moves):
    now = _of(moves[0], "churned")
    assert not (now["xyz"] == "X").any(), now.loc[now["xyz"] == "X", ["cv"]]
    assert (now["months_with_sales"] <= 8).all()
    # still buying inside the 12-month window, so regular rather than lost (REFERENCE.md stage)
    assert (now["stage"] == "regular").all()
    assert (now["cv"] >= np.sqrt(0.5) - 1e-9).all()


def test_declining_customers_were_x_a_quarter_ago_and_lost_revenue(moves):
    now, before = _of(moves[0], "declining"), _of(moves[1], "declining")
    assert (before["xyz"] == "X").all()
    assert (now["revenue"] < before.loc[now.index, "revenue"]).all()
    # every one that is no longer X is on the downgrade list, from an X cell
    listed = moves[2].downgrades.set_index("customer_id")
    slipped = now.index[now["xyz"] != "X"]
    assert len(slipped) >= 1
    assert set(slipped) <= set(listed.index)
    assert listed.loc[slipped, "from_class"].str.endswith("X").all()


def test_new_customers_are_new_with_a_short_span(moves):
    now = _of(moves[0], "new")
    assert (now["stage"] == "new").all()
    assert (now["observed_periods"] <= 3).all()
    # a quarter ago they had no order yet: they enter the migration as "new"
    assert (_of(moves[1], "new")["stage"] == "potential").all()


def test_customers_without_orders_have_no_class(moves):
    now = moves[0]
    empty = now[(now["behaviour"] == "potential") | now["is_deleted"]]
    assert len(empty) >= 5
    assert (empty["stage"] == "potential").all()
    assert empty["abc"].isna().all() and empty["xyz"].isna().all()


def test_downgrades_to_lost_are_one_off_buyers_whose_order_left_the_window(moves):
    now, _before, result = moves
    to_lost = result.downgrades[result.downgrades["to_class"] == "lost"]
    assert len(to_lost) >= 1
    behaviours = now.loc[to_lost["customer_id"], "behaviour"]
    # the only planted customers without an order in the last 12 months are one-off buyers
    assert set(behaviours) <= {"one_off"}
    assert (to_lost["revenue_now"] == 0).all()
    assert (to_lost["lost_revenue"] == to_lost["revenue_before"]).all()
