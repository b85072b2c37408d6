"""Tests of clientbase.reactivation (REFERENCE.md "Reactivation"); the call lists are in
tests/test_views_reactivation.py.

The run's quarter is 2024Q2: as_of = 2024-06-30, quarter_start = 2024-04-01; the
baseline is 2023-04-01 … 2024-03-31; the 24-month lookback starts 2022-07-01.
90 days before as_of is 2024-04-01.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientbase.reactivation import (
    COLUMNS,
    FUNNEL_STEPS,
    ReactivationOptions,
    order_rhythm,
    rank_candidates,
    reactivation_candidates,
    reactivation_funnel,
    reactivation_scope,
    revenue_at_stake,
)
from clientbase.views.reactivation_lists import reason_text

AS_OF = pd.Timestamp("2024-06-30")
QUARTER_START = pd.Timestamp("2024-04-01")


def _daily(documents: list[tuple[str, str, float]]) -> pd.DataFrame:
    """customer × day facts from order documents (customer_id, date, total)."""
    docs = pd.DataFrame(documents, columns=["customer_id", "date", "amount"])
    docs["customer_id"] = docs["customer_id"].astype("str")
    docs["date"] = pd.to_datetime(docs["date"]).astype("datetime64[ns]")
    docs["activity"] = (docs["amount"] > 0).astype(np.int64)
    daily = (
        docs.groupby(["customer_id", "date"], as_index=False)
        .agg(revenue=("amount", "sum"), orders=("activity", "sum"))
    )
    return daily.assign(gross_profit=np.nan, quantity=np.nan)[
        ["customer_id", "date", "revenue", "gross_profit", "quantity", "orders"]
    ]


def _cube(daily: pd.DataFrame) -> pd.DataFrame:
    month = daily["date"].dt.to_period("M").dt.to_timestamp().astype("datetime64[ns]")
    active_date = daily["date"].where(daily["orders"] > 0)
    return (
        daily.assign(month=month, active_date=active_date)
        .groupby(["customer_id", "month"], as_index=False)
        .agg(
            revenue=("revenue", "sum"), gross_profit=("gross_profit", "sum"),
            quantity=("quantity", "sum"), orders=("orders", "sum"),
            first_order_date=("active_date", "min"), last_order_date=("active_date", "max"),
        )
    )


def _customers(ids: list[str], *, managers: dict[str, str | None] | None = None,
               deleted: tuple[str, ...] = ()) -> pd.DataFrame:
    managers = managers or {}
    return pd.DataFrame(
        {
            "customer_id": pd.array(ids, dtype="str"),
            "name": pd.array([f"Client {i}" for i in ids], dtype="str"),
            "manager": pd.array([managers.get(i, "Ivanov") for i in ids], dtype="str"),
            "email": pd.array([f"{i}@example.com" for i in ids], dtype="str"),
            "phone": pd.array([f"+7 900 000-00-{n:02d}" for n, _ in enumerate(ids)], dtype="str"),
            "is_deleted": [i in deleted for i in ids],
        }
    )


def _candidates(documents, *, managers=None, deleted=(), ids=None, abc=None, **options) -> pd.DataFrame:
    daily = _daily(documents)
    ids = ids or sorted({d[0] for d in documents})
    return reactivation_candidates(
        _cube(daily), daily, _customers(ids, managers=managers, deleted=deleted),
        as_of=AS_OF, quarter_start=QUARTER_START, options=ReactivationOptions(**options), abc=abc,
    )


def _row(candidates: pd.DataFrame, customer_id: str) -> pd.Series:
    rows = candidates[candidates["customer_id"] == customer_id]
    assert len(rows) == 1, f"{customer_id} listed {len(rows)} times"
    return rows.iloc[0]


# --- order_rhythm ----------------------------------------------------------------------


def test_same_day_orders_are_one_distinct_date_in_the_median_gap():
    # 2024-01-01 twice, then +10 and +20 days: gaps 10 and 20 → median 15 (not 10 with a 0 gap)
    daily = _daily([("a", "2024-01-01", 10), ("a", "2024-01-01", 5), ("a", "2024-01-11", 10),
                    ("a", "2024-01-31", 10)])
    daily = pd.concat([daily, daily.iloc[[0]]], ignore_index=True)  # a second row for the same day
    rhythm = order_rhythm(daily, as_of=AS_OF)
    assert rhythm["customer_id"].tolist() == ["a"]
    assert rhythm["distinct_order_dates"].tolist() == [3]
    assert rhythm["expected_interval_days"].tolist() == [15.0]
    assert rhythm["last_order_date"].tolist() == [pd.Timestamp("2024-01-31")]


def test_median_of_an_even_number_of_gaps_is_their_midpoint():
    # gaps 10, 4, 30, 6 → sorted 4, 6, 10, 30 → median 8
    daily = _daily([("a", d, 1) for d in ("2024-01-01", "2024-01-11", "2024-01-15", "2024-02-14",
                                          "2024-02-20")])
    assert order_rhythm(daily, as_of=AS_OF)["expected_interval_days"].tolist() == [8.0]


@pytest.mark.parametrize(
    ("dates", "min_dates", "expected"),
    [
        (("2024-01-01", "2024-01-01", "2024-01-11"), 3, np.nan),
        (("2024-01-01", "2024-01-11", "2024-01-31"), 3, 15.0),
        (("2024-01-01", "2024-01-11", "2024-01-31"), 4, np.nan),
        (("2024-01-01", "2024-01-11"), 2, 10.0),
    ],
    ids=["two-distinct-dates", "three-distinct-dates", "three-below-min-4", "two-with-min-2"],
)
def test_expected_interval_needs_min_distinct_dates(dates, min_dates, expected):
    daily = _daily([("a", d, 1) for d in dates])
    value = order_rhythm(daily, as_of=AS_OF, min_dates=min_dates)["expected_interval_days"].iloc[0]
    assert (np.isnan(value) and np.isnan(expected)) or value == expected


def test_rhythm_ignores_returns_and_days_after_as_of():
    daily = _daily([("a", "2024-05-01", 10), ("a", "2024-06-01", -5), ("a", "2024-07-01", 10),
                    ("b", "2024-06-15", -3)])
    rhythm = order_rhythm(daily, as_of=AS_OF)
    assert rhythm["customer_id"].tolist() == ["a"]
    assert rhythm["last_order_date"].tolist() == [pd.Timestamp("2024-05-01")]
    assert rhythm["distinct_order_dates"].tolist() == [1]


def test_rhythm_ignores_times_of_day():
    daily = _daily([("a", "2024-01-01", 1), ("a", "2024-01-11", 1), ("a", "2024-01-21", 1)])
    daily["date"] = daily["date"] + pd.Timedelta(hours=15)
    daily = pd.concat([daily, daily.iloc[[0]].assign(date=pd.Timestamp("2024-01-01 09:00"))])
    rhythm = order_rhythm(daily, as_of=pd.Timestamp("2024-01-21"))
    assert rhythm["distinct_order_dates"].tolist() == [3]
    assert rhythm["expected_interval_days"].tolist() == [10.0]
    assert rhythm["last_order_date"].tolist() == [pd.Timestamp("2024-01-21")]


def test_rhythm_of_no_activity_is_an_empty_frame():
    rhythm = order_rhythm(_daily([("a", "2024-01-01", -1)]), as_of=AS_OF)
    assert rhythm.empty
    assert list(rhythm.columns) == ["customer_id", "last_order_date", "distinct_order_dates",
                                    "expected_interval_days"]


def test_order_rhythm_does_not_mutate():
    daily = _daily([("a", "2024-01-01", 1), ("a", "2024-01-11", 1), ("a", "2024-01-31", 1)])
    before = daily.copy()
    order_rhythm(daily, as_of=AS_OF)
    pd.testing.assert_frame_equal(daily, before)


# --- reasons and their boundaries --------------------------------------------------------


@pytest.mark.parametrize(
    ("last_order", "days", "listed"),
    [("2024-04-01", 90, False), ("2024-03-31", 91, True)],
    ids=["exactly-90-days", "91-days"],
)
def test_no_orders_reason_is_strictly_more_than_n_days(last_order, days, listed):
    # one recent order only for the 90-day customer (recent, no baseline: no other reason);
    # the same revenue in the baseline for the 91-day one also drops activity
    candidates = _candidates([("a", last_order, 100)])
    assert (len(candidates) == 1) is listed
    if listed:
        row = _row(candidates, "a")
        assert row["days_since_last_order"] == days
        assert row["reason"] == "no_orders_N_days|activity_drop"


@pytest.mark.parametrize(
    ("no_order_days", "listed"), [(59, True), (60, False)], ids=["N-59-listed", "N-60-exactly-not-listed"]
)
def test_no_orders_n_is_a_parameter_and_the_code_stays_literal(no_order_days, listed):
    # 60 days silent, one order this quarter only (no baseline, no rhythm): only N decides
    candidates = _candidates([("a", "2024-05-01", 100)], no_order_days=no_order_days)
    assert (len(candidates) == 1) is listed
    if listed:
        # REFERENCE.md's code, so that machines can match it whatever N the run used
        assert _row(candidates, "a")["reason"] == "no_orders_N_days"
        assert _row(candidates, "a")["days_since_last_order"] == 60


@pytest.mark.parametrize(
    ("dates", "listed"),
    [
        (("2024-05-21", "2024-05-31", "2024-06-10"), False),
        (("2024-05-20", "2024-05-30", "2024-06-09"), True),
    ],
    ids=["silent-exactly-2x-interval", "silent-2x-interval-plus-1"],
)
def test_overdue_vs_own_rhythm_is_strictly_more_than_twice_the_interval(dates, listed):
    # every 10 days, all in the run's quarter: no drop, no 90 days; silent 20 or 21 days
    candidates = _candidates([("a", d, 100) for d in dates])
    assert (len(candidates) == 1) is listed
    if listed:
        row = _row(candidates, "a")
        assert row["expected_interval_days"] == 10.0
        assert row["days_since_last_order"] == 21
        assert row["reason"] == "overdue_vs_own_rhythm"


def test_rhythm_multiplier_is_a_parameter():
    dates = ("2024-05-21", "2024-05-31", "2024-06-10")  # every 10 days, silent 20
    candidates = _candidates([("a", d, 100) for d in dates], rhythm_multiplier=1.5)
    assert _row(candidates, "a")["reason"] == "overdue_vs_own_rhythm"


@pytest.mark.parametrize(
    ("recent", "listed"),
    [(70.0, False), (69.0, True), (100.0, False)],
    ids=["drop-exactly-30pct", "drop-31pct", "no-drop"],
)
def test_activity_drop_is_strictly_more_than_the_threshold(recent, listed):
    # baseline 400 / 4 = 100; two distinct dates (no rhythm), last order 10 days ago
    candidates = _candidates([("a", "2024-03-15", 400), ("a", "2024-06-20", recent)])
    assert (len(candidates) == 1) is listed
    if listed:
        row = _row(candidates, "a")
        assert row["reason"] == "activity_drop"
        assert row["baseline_revenue"] == 100.0
        assert row["lost_revenue"] == pytest.approx(31.0)


def test_a_customer_keeps_every_reason_that_applies():
    # every 10 days in Feb, then silent: 121 days > 90, > 2 × 10, and nothing this quarter
    dates = ("2024-02-10", "2024-02-20", "2024-03-01")
    row = _row(_candidates([("a", d, 100) for d in dates]), "a")
    assert row["reason"] == "no_orders_N_days|overdue_vs_own_rhythm|activity_drop"
    assert row["days_since_last_order"] == 121


# --- money windows -------------------------------------------------------------------------


def test_quarter_edges_split_recent_and_baseline():
    row = _row(
        _candidates([
            ("a", "2023-03-31", 1000),  # before the baseline: lookback only
            ("a", "2023-04-01", 400),   # first day of the baseline
            ("a", "2024-03-31", 200),   # day before the quarter: baseline
            ("a", "2024-04-01", 50),    # quarter's first day: recent
        ]),
        "a",
    )
    assert row["baseline_revenue"] == 150.0  # (400 + 200) / 4
    assert row["recent_revenue"] == 50.0
    assert row["lost_revenue"] == 100.0
    # gaps 1, 365, 1 days: the median 1 makes 90 silent days overdue too
    assert row["reason"] == "overdue_vs_own_rhythm|activity_drop"


def test_single_order_client_has_no_interval():
    row = _row(_candidates([("a", "2023-06-15", 800)]), "a")
    assert pd.isna(row["expected_interval_days"])
    assert row["last_order_date"] == pd.Timestamp("2023-06-15")
    assert row["days_since_last_order"] == 381
    assert (row["baseline_revenue"], row["recent_revenue"], row["lost_revenue"]) == (200.0, 0.0, 200.0)
    assert row["reason"] == "no_orders_N_days|activity_drop"


def test_returns_make_recent_revenue_negative_and_add_to_lost_revenue():
    # a return is money but not activity: the last order stays the January one
    row = _row(_candidates([("a", "2024-01-10", 400), ("a", "2024-05-10", -50)]), "a")
    assert row["recent_revenue"] == -50.0
    assert row["lost_revenue"] == 150.0  # 100 − (−50)
    assert row["last_order_date"] == pd.Timestamp("2024-01-10")
    assert row["days_since_last_order"] == 172


def test_lost_revenue_is_never_negative():
    # every 10 days in the quarter, more than the baseline, silent 21 days: overdue only
    documents = [("a", "2023-06-01", 40)] + [("a", d, 100) for d in ("2024-05-20", "2024-05-30", "2024-06-09")]
    row = _row(_candidates(documents), "a")
    assert row["reason"] == "overdue_vs_own_rhythm"
    assert row["lost_revenue"] == 0.0


@pytest.mark.parametrize(
    ("documents", "listed"),
    [
        ([("a", "2022-06-30", 100)], False),
        ([("a", "2022-07-01", 100)], True),
        ([("a", "2023-01-10", 100), ("a", "2023-01-20", -100)], False),
    ],
    ids=["before-lookback", "first-day-of-lookback", "net-zero-in-lookback"],
)
def test_candidates_need_positive_revenue_in_the_lookback(documents, listed):
    assert (len(_candidates(documents)) == 1) is listed


def test_nothing_after_as_of_is_read():
    documents = [("a", "2024-01-10", 400), ("a", "2024-07-01", 1000), ("a", "2024-07-15", 1000)]
    row = _row(_candidates(documents), "a")
    assert row["recent_revenue"] == 0.0
    assert row["last_order_date"] == pd.Timestamp("2024-01-10")


def test_deleted_and_unknown_customers_are_not_listed():
    documents = [("a", "2023-06-15", 800), ("b", "2023-06-15", 800), ("x", "2023-06-15", 800)]
    candidates = _candidates(documents, ids=["a", "b"], deleted=("b",))
    assert candidates["customer_id"].tolist() == ["a"]


def test_quarter_start_must_be_a_month_start_not_after_as_of():
    daily = _daily([("a", "2023-06-15", 800)])
    with pytest.raises(ValueError, match="first day of a month"):
        reactivation_candidates(_cube(daily), daily, _customers(["a"]), as_of=AS_OF,
                                quarter_start=pd.Timestamp("2024-04-02"))
    with pytest.raises(ValueError, match="after as_of"):
        reactivation_candidates(_cube(daily), daily, _customers(["a"]), as_of=AS_OF,
                                quarter_start=pd.Timestamp("2024-07-01"))


# --- priority, urgency, managers --------------------------------------------------------------

# lost revenue: big 500; the four others 200 each (a single order of 800 on 2023-06-15)
_TIES = [("big", "2023-06-15", 2000)] + [(i, "2023-06-15", 800) for i in ("c3", "c1", "c0", "c2")]


def test_priority_by_lost_revenue_then_abc_then_customer_id():
    abc = pd.Series(["B", "A", "C"], index=pd.Index(["c1", "c2", "big"], dtype="str"))
    candidates = _candidates(_TIES, abc=abc)
    assert candidates["customer_id"].tolist() == ["big", "c2", "c1", "c0", "c3"]
    assert candidates["priority"].tolist() == [1, 2, 3, 4, 5]
    assert candidates["abc"].tolist()[:3] == ["C", "A", "B"]
    assert candidates["abc"].iloc[3:].isna().all()


def test_without_abc_the_list_works_and_ties_go_by_customer_id():
    candidates = _candidates(_TIES)
    assert candidates["customer_id"].tolist() == ["big", "c0", "c1", "c2", "c3"]
    assert candidates["abc"].isna().all()
    assert not candidates["urgent"].any()
    assert list(candidates.columns) == list(COLUMNS)


@pytest.mark.parametrize(
    ("abc_class", "last_order", "urgent"),
    [("A", "2024-05-30", True), ("A", "2024-05-31", False), ("B", "2024-05-30", False)],
    ids=["A-silent-31-days", "A-silent-exactly-30-days", "B-silent-31-days"],
)
def test_urgent_is_class_a_silent_more_than_30_days(abc_class, last_order, urgent):
    # baseline 100, recent 10: an activity drop lists it whatever the silence
    documents = [("a", "2023-10-10", 400), ("a", last_order, 10)]
    candidates = _candidates(documents, abc=pd.Series([abc_class], index=["a"]))
    row = _row(candidates, "a")
    assert row["days_since_last_order"] == (31 if last_order == "2024-05-30" else 30)
    assert bool(row["urgent"]) is urgent


def test_customers_without_a_manager_keep_na_and_go_to_the_unassigned_list():
    documents = [(i, "2023-06-15", 800) for i in ("a", "b", "c")]
    candidates = _candidates(documents, managers={"a": None, "b": "  ", "c": "Petrova"})
    assert candidates["manager"].isna().tolist() == [True, True, False]
    stake = revenue_at_stake(candidates)
    # customers without a manager are a missing manager, not a display word
    assert stake.by_manager["manager"].isna().tolist() == [True, False]
    assert stake.by_manager["manager"].iloc[1] == "Petrova"
    assert stake.by_manager["customers"].tolist() == [2, 1]


def test_candidate_table_has_the_contract_columns_and_types():
    candidates = _candidates(_TIES)
    assert list(candidates.columns) == [
        "customer_id", "manager", "abc", "last_order_date", "days_since_last_order",
        "expected_interval_days", "baseline_revenue", "recent_revenue", "lost_revenue", "reason",
        "urgent", "priority", "p_alive", "clv", "probably_lost",
    ]
    assert candidates[["p_alive", "clv", "probably_lost"]].isna().all().all()  # no forecast in this run
    assert candidates["urgent"].dtype == bool
    assert candidates["priority"].dtype == np.int64
    assert candidates["last_order_date"].dtype == "datetime64[ns]"


def test_reactivation_candidates_does_not_mutate():
    daily = _daily(_TIES)
    cube, customers = _cube(daily), _customers(["big", "c0", "c1", "c2", "c3"])
    abc = pd.Series(["A"], index=["c1"])
    copies = [x.copy() for x in (cube, daily, customers, abc)]
    reactivation_candidates(cube, daily, customers, as_of=AS_OF, quarter_start=QUARTER_START, abc=abc)
    for original, copy in zip((cube, daily, customers), copies[:3], strict=True):
        pd.testing.assert_frame_equal(original, copy)
    pd.testing.assert_series_equal(abc, copies[3])


# --- summaries ----------------------------------------------------------------------------------


def _mixed() -> pd.DataFrame:
    documents = [
        ("a", "2023-06-15", 800),                          # no_orders | drop, lost 200
        ("b", "2024-03-15", 400), ("b", "2024-06-20", 69),  # drop, lost 31
        ("c", "2024-05-20", 100), ("c", "2024-05-30", 100), ("c", "2024-06-09", 100),  # overdue, lost 0
    ]
    abc = pd.Series(["A", "B", "A"], index=["a", "b", "c"])
    return _candidates(documents, managers={"b": None, "c": "Petrova"}, abc=abc)


def test_revenue_at_stake_counts_a_customer_once_per_reason():
    stake = revenue_at_stake(_mixed())
    assert stake.by_reason["reason"].tolist() == ["no_orders_N_days", "overdue_vs_own_rhythm", "activity_drop"]
    assert stake.by_reason["customers"].tolist() == [1, 1, 2]
    assert stake.by_reason["lost_revenue"].tolist() == pytest.approx([200.0, 0.0, 231.0])
    assert stake.by_manager["manager"].fillna("-").tolist() == ["Ivanov", "-", "Petrova"]
    assert stake.by_manager["urgent"].tolist() == [1, 0, 0]
    assert stake.by_manager["lost_revenue"].tolist() == pytest.approx([200.0, 31.0, 0.0])


def _mixed_scope() -> pd.DataFrame:
    documents = [
        ("a", "2023-06-15", 800),
        ("b", "2024-03-15", 400), ("b", "2024-06-20", 69),
        ("c", "2024-05-20", 100), ("c", "2024-05-30", 100), ("c", "2024-06-09", 100),
        ("d", "2024-06-20", 100),  # bought in the quarter as usual: in scope, not listed
    ]
    daily = _daily(documents)
    return reactivation_scope(_cube(daily), daily, _customers(["a", "b", "c", "d"], managers={"b": None, "c": "Petrova"}),
                              as_of=AS_OF, quarter_start=QUARTER_START)


def test_funnel_counts_each_step_from_scope_to_urgent():
    scope = _mixed_scope()
    candidates = _mixed()
    funnel = reactivation_funnel(scope, candidates, abc_known=True)
    assert funnel["step"].tolist() == list(FUNNEL_STEPS)
    assert funnel["customers"].tolist() == [4, 1, 1, 2, 3, 2, 1, 1]
    assert funnel["share"].tolist() == pytest.approx([1.0, 0.25, 0.25, 0.5, 0.75, 0.5, 0.25, 0.25])
    assert funnel["lost_revenue"].iloc[1:].tolist() == pytest.approx([200.0, 0.0, 231.0, 231.0, 200.0, 200.0, 31.0])
    assert np.isnan(funnel["lost_revenue"].iloc[0])
    # class-A shares of the listed clients: a and c of a, b, c; a's 200 of the 231 lost
    class_a = funnel.set_index("step").loc["class_a"]
    assert class_a["share_of_listed"] == pytest.approx(2 / 3)
    assert class_a["lost_share_of_listed"] == pytest.approx(200 / 231)
    scope = _mixed_scope()
    assert funnel["baseline_revenue"].iloc[0] == pytest.approx(scope["baseline_revenue"].sum())
    listed = funnel.set_index("step").loc["listed"]
    assert listed["lost_share_of_baseline"] == pytest.approx(231 / scope["baseline_revenue"].sum())


def test_funnel_without_abc_has_no_class_steps():
    funnel = reactivation_funnel(_mixed_scope(), _mixed(), abc_known=False)
    assert "class_a" not in funnel["step"].tolist() and "urgent" not in funnel["step"].tolist()
    assert funnel["step"].iloc[-1] == "unassigned"


def test_funnel_of_an_empty_scope():
    empty = _candidates([("a", "2024-06-20", 100)])
    funnel = reactivation_funnel(empty.assign(reason=pd.Series(dtype="str")), empty, abc_known=True)
    assert funnel["customers"].tolist() == [0] * 8
    assert funnel["share"].isna().all()
    assert revenue_at_stake(empty).by_reason.empty


def test_summaries_do_not_mutate():
    candidates = _mixed()
    before = candidates.copy()
    revenue_at_stake(candidates)
    pd.testing.assert_frame_equal(candidates, before)


# --- reasons in words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "language", "interval", "expected"),
    [
        (
            "no_orders_N_days|overdue_vs_own_rhythm|activity_drop", "ru", 14.0,
            "нет заказов более 90 дней; нарушен собственный ритм заказов "
            "(обычно раз в 14 дней); падение активности более 30 %",
        ),
        (
            "no_orders_N_days|overdue_vs_own_rhythm|activity_drop", "en", 14.0,
            "no orders for more than 90 days; overdue vs own rhythm (usually every 14 days); "
            "activity drop of more than 30%",
        ),
        ("overdue_vs_own_rhythm", "ru", 21.0, "нарушен собственный ритм заказов (обычно раз в 21 день)"),
        ("overdue_vs_own_rhythm", "ru", 3.0, "нарушен собственный ритм заказов (обычно раз в 3 дня)"),
        ("overdue_vs_own_rhythm", "ru", 10.5, "нарушен собственный ритм заказов (обычно раз в 10,5 дня)"),
        ("overdue_vs_own_rhythm", "en", None, "overdue vs own rhythm (silent more than 2× the usual interval)"),
        ("", "en", None, ""),
    ],
    ids=["ru-all", "en-all", "ru-21-den", "ru-3-dnya", "ru-fraction", "en-no-interval", "empty"],
)
def test_reason_text(codes, language, interval, expected):
    assert reason_text(codes, language=language, expected_interval_days=interval) == expected


def test_reason_text_follows_the_parameters():
    text = reason_text("no_orders_N_days|activity_drop", language="ru", no_order_days=21, drop_threshold=0.25)
    assert text == "нет заказов более 21 дня; падение активности более 25 %"


@pytest.mark.parametrize(
    ("codes", "options"),
    [("bored", {}), ("no_orders_60_days", {}), ("activity_drop", {"language": "de"})],
    ids=["unknown-code", "n-spelled-into-the-code", "unknown-language"],
)
def test_reason_text_rejects_what_it_cannot_say(codes, options):
    with pytest.raises((ValueError, KeyError)):
        reason_text(codes, **options)


_FORECAST = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "p_alive": [0.9, 0.01, 0.5, 0.8],
                          "clv": [100.0, 5000.0, 300.0, 50.0]})


def test_with_the_forecast_the_probably_lost_come_last_and_clv_can_rank():
    documents = [(i, "2023-06-15", amount) for i, amount in (("a", 900), ("b", 2000), ("c", 500), ("d", 700))]
    daily = _daily(documents)
    scope = reactivation_scope(_cube(daily), daily, _customers(["a", "b", "c", "d"]), as_of=AS_OF,
                               quarter_start=QUARTER_START, options=ReactivationOptions())
    by_lost = rank_candidates(scope, forecast=_FORECAST)
    assert by_lost["customer_id"].tolist() == ["a", "d", "c", "b"]  # b lost most, but is probably lost
    assert by_lost["probably_lost"].tolist() == [False, False, False, True]
    assert by_lost["p_alive"].tolist() == [0.9, 0.8, 0.5, 0.01]
    by_clv = rank_candidates(scope, forecast=_FORECAST, priority_by="clv")
    assert by_clv["customer_id"].tolist() == ["c", "a", "d", "b"]  # expected value at risk; b still last
    assert by_clv["priority"].tolist() == [1, 2, 3, 4]
    stricter = rank_candidates(scope, forecast=_FORECAST, p_alive_lost=0.6)
    assert stricter["customer_id"].tolist() == ["a", "d", "b", "c"]  # c (0.5) is probably lost now too
    with pytest.raises(ValueError, match="needs the repeat-purchase forecast"):
        rank_candidates(scope, priority_by="clv")
