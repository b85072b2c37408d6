"""The base audit finds exactly what the demo generator planted (issue 3).

A small demo (`clientbase.demo.generate_demo`) is generated into a temporary folder and
loaded through a 1c-format profile, as a user's data would be; its ground truth
(`<out>_truth/`) lists the duplicate groups, branches, invalid ИНН/КПП and empty fields of
the cards not marked for deletion. Every comparison is exact: everything planted is found,
and nothing is found that the truth does not explain.

Like for like:
- the truth's `rule` lists every rule joining a card to another, `|`-joined in the
  order inn_kpp, phone, email, name; the audit's `match_rules` is the same list and its
  `match_rule` the first of it;
- the truth's missing fields name phone and email apart and `contact_info` for a card
  reachable neither on the card nor through a contact person; the audit's fill field is
  `contact` (phone or email), so it is compared with `contact_info`.
"""

from __future__ import annotations

import pandas as pd
import pytest

import clientbase as cb
from clientbase import audit
from clientbase.demo import generate_demo
from clientbase.periods import window_start

PROFILE = "data:\n  path: demo\n  format: 1c\nperiod: latest\nlanguage: en\n"
# the truth's fields that are fill-rate fields of the audit, by the audit's name
FILL_FIELDS = {"manager": "manager", "source": "source", "category": "category", "region": "region",
               "inn": "inn", "contact_info": "contact"}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A 400-customer demo loaded as a user's data: the workbook and the truth folder."""
    root = tmp_path_factory.mktemp("audit-demo")
    generated = generate_demo(root / "demo", customers=400, years=2, seed=11)
    (root / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLIENTBASE_CACHE", str(root / "cache"))
        wb = cb.setup(root / "profile.yaml", period="latest", quiet=True)
        assert len(wb.cube)  # loaded while the cache variable is set
    return wb, generated.truth


@pytest.fixture(scope="module")
def demo(loaded):
    """The audit of the demo, and the truth folder."""
    wb, folder = loaded
    return audit.base_audit(wb.customers, wb.cube, wb.contacts, as_of=wb.as_of), folder


def truth(folder, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype="str", keep_default_na=False)


def test_every_planted_duplicate_group_is_found_and_no_other(demo):
    result, folder = demo
    planted = truth(folder, "duplicates")
    assert len(planted) >= 10  # the test must not pass for want of duplicates
    found = set(result.duplicates.groupby("group_id")["customer_id"].agg(frozenset))
    expected = set(planted.groupby("group_id")["customer_id"].agg(frozenset))
    assert found == expected


def test_every_member_carries_the_planted_rules(demo):
    result, folder = demo
    planted = truth(folder, "duplicates").set_index("customer_id")["rule"].sort_index()
    found = result.duplicates.set_index("customer_id").sort_index()
    assert found["match_rules"].to_dict() == planted.to_dict()
    assert found["match_rule"].to_dict() == planted.str.split("|").str[0].to_dict()
    # every exact rule was planted, so every rule is tested
    assert set(found["match_rule"]) == {"inn_kpp", "phone", "email", "name"}


def test_every_planted_branch_is_found_and_no_other(demo):
    result, folder = demo
    planted = truth(folder, "branches")
    assert len(planted) >= 2
    found = result.branches[["inn", "customer_id", "kpp"]].sort_values(["inn", "customer_id"], ignore_index=True)
    expected = planted[["inn", "customer_id", "kpp"]].sort_values(["inn", "customer_id"], ignore_index=True)
    pd.testing.assert_frame_equal(found.astype("str"), expected.astype("str"))


def test_branches_are_not_duplicates(demo):
    result, folder = demo
    branch_cards = set(truth(folder, "branches")["customer_id"])
    assert not branch_cards & set(result.duplicates["customer_id"])


def _invalid(frame: pd.DataFrame) -> list[tuple]:
    rows = frame[["customer_id", "field", "problem"]].astype("str")
    return sorted(map(tuple, rows.to_numpy().tolist()))


def test_every_planted_invalid_id_is_found_with_its_problem_and_no_other(demo):
    result, folder = demo
    planted = truth(folder, "invalid_ids")
    assert set(planted["problem"]) == {
        "not_digits", "all_zeros", "length", "checksum", "kpp_format", "kpp_missing", "kpp_unexpected",
    }
    # an ИНН typed with a space inside ("7721 344811") survives loading and is not_digits
    assert (planted["value"].str.strip().str.contains(" ", regex=False) & (planted["field"] == "inn")).any()
    assert _invalid(result.invalid) == _invalid(planted)
    values = result.invalid.set_index(["customer_id", "field"])["value"]
    for row in planted.itertuples():
        shown = values[(row.customer_id, row.field)]
        assert (row.value == "" and pd.isna(shown)) or shown == row.value


def test_every_empty_field_is_found_and_no_other(demo):
    result, folder = demo
    planted = truth(folder, "missing_fields")
    planted = planted[planted["field"].isin(list(FILL_FIELDS))].assign(field=lambda f: f["field"].map(FILL_FIELDS))
    assert set(planted["field"]) == set(audit.FILL_FIELDS)
    found = sorted(map(tuple, result.fill_gaps[["customer_id", "field"]].to_numpy().tolist()))
    assert found == sorted(map(tuple, planted[["customer_id", "field"]].to_numpy().tolist()))


def test_sleeping_and_new_clients_follow_the_planted_behaviours(demo):
    result, folder = demo
    cards = truth(folder, "customers")
    cards = cards[cards["is_deleted"] == "False"].set_index("customer_id")["behaviour"]
    sleeping, new = set(result.sleeping["customer_id"]), set(result.new["customer_id"])
    # churned and one-off clients are silent for more than 90 days; regular buyers and
    # clients who never bought are not; new clients are exactly the planted new ones
    assert set(cards.index[cards.isin(["churned", "one_off"])]) <= sleeping
    assert not set(cards.index[cards.isin(["steady", "declining", "new", "potential"])]) & sleeping
    assert new == set(cards.index[cards == "new"])
    assert result.base.sleeping == len(sleeping) and result.base.new == len(new)


def test_tasks_cover_every_problem_of_the_demo(demo):
    result, _folder = demo
    tasks = result.tasks
    assert len(tasks) == len(result.invalid) + len(result.duplicates) + len(result.fill_gaps)
    assert tasks["manager"].notna().all()


def test_the_trend_counts_what_each_quarters_audit_would_count(loaded):
    # base_trend codes customers once for speed; it must agree with the plain functions
    wb, _ = loaded
    customers, cube = wb.customers, wb.cube
    trend = audit.base_trend(customers, cube, as_of=pd.Timestamp("2026-09-30"), quarters=6)
    assert trend["sleeping"].min() > 0 and trend["new"].min() > 0
    for row in trend.itertuples():
        start = pd.Period(row.quarter, freq="Q").start_time
        assert row.sleeping == len(audit.sleeping_clients(customers, cube, as_of=row.as_of)), row.quarter
        assert row.new == len(audit.new_clients(customers, cube, start=start, as_of=row.as_of)), row.quarter
        assert row.active_buyers == _active_buyers(customers, cube, row.as_of, 12), row.quarter


def test_the_summary_counts_what_the_plain_functions_count(loaded):
    # base_summary uses the same coded counts as base_trend, at as_of and a quarter earlier
    wb, _ = loaded
    customers, cube = wb.customers, wb.cube
    summary = audit.base_summary(customers, cube, as_of=pd.Timestamp("2026-09-30"),
                                 previous_as_of=pd.Timestamp("2026-06-30"))
    for suffix, day, start in (("", "2026-09-30", "2026-07-01"), ("_previous", "2026-06-30", "2026-04-01")):
        day, start = pd.Timestamp(day), pd.Timestamp(start)
        assert getattr(summary, f"sleeping{suffix}") == len(audit.sleeping_clients(customers, cube, as_of=day))
        assert getattr(summary, f"new{suffix}") == len(audit.new_clients(customers, cube, start=start, as_of=day))
        assert getattr(summary, f"active_buyers{suffix}") == _active_buyers(customers, cube, day, 12)


def _active_buyers(customers: pd.DataFrame, cube: pd.DataFrame, day: pd.Timestamp, months: int) -> int:
    """The plain definition: active cards with an activity order in the `months` months ending at day."""
    start = window_start(day, months)
    window = cube[(cube["month"] >= start) & (cube["month"] <= day) & (cube["orders"] > 0)]
    last = window["last_order_date"]
    buyers = set(window.loc[last.isna() | (last <= day), "customer_id"])
    cards = customers[~customers["is_deleted"].fillna(False).astype(bool)] if "is_deleted" in customers else customers
    return int(cards["customer_id"].isin(buyers).sum())
