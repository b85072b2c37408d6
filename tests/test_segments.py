"""Segments (clientbase.segments): scores with ties, the RF map as data, the rule language and
its refusals, periodic history, manual segments, the 1C lists, loyalty against behaviour."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from clientbase.errors import ClientbaseError, ProfileError
from clientbase.profiles import check_report_settings
from clientbase.segments import (
    FACT_FIELDS,
    RuleError,
    SegmentsOptions,
    default_map,
    parse_rule,
    rfm_table,
    segments_report,
    tie_scores,
)
from clientbase.views.segments_lists import write_lists

AS_OF = pd.Timestamp("2026-09-30")


def test_scores_keep_ties_together_and_stop_at_five():
    assert tie_scores(pd.Series([1, 2, 2, 3, 4, 5, 6, 7, 8, 9])).tolist() == [1, 1, 1, 2, 3, 3, 4, 4, 5, 5]
    assert tie_scores(pd.Series([7.0] * 4)).tolist() == [1, 1, 1, 1]  # all equal: nobody is smaller
    assert tie_scores(pd.Series([1, 2, 3, 4, 5])).tolist() == [1, 2, 3, 4, 5]
    assert tie_scores(pd.Series([], dtype=float)).tolist() == []


def _cube(rows: list[tuple[str, str, float, int, str | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "month", "revenue", "orders", "last_order_date"])
    return frame.assign(month=pd.to_datetime(frame["month"]), last_order_date=pd.to_datetime(frame["last_order_date"]))


CUBE = _cube([
    ("a", "2026-09-01", 500.0, 3, "2026-09-20"), ("a", "2026-06-01", 100.0, 2, "2026-06-10"),
    ("b", "2026-01-01", 50.0, 1, "2026-01-15"),
    ("c", "2025-06-01", 900.0, 4, "2025-06-30"),
    ("d", "2024-01-01", 100.0, 1, "2024-01-10"),  # before the 24 months: not scored
    ("e", "2026-08-01", -30.0, 0, None),  # a return only: no positive revenue, not scored
])


def test_rfm_measures_scores_and_segments():
    rfm = rfm_table(CUBE, as_of=AS_OF, lookback_months=24, rf_map=default_map()).set_index("customer_id")
    assert list(rfm.index) == ["a", "b", "c"]
    assert rfm.loc["a", ["recency_days", "frequency", "monetary"]].tolist() == [10, 5, 600.0]
    assert rfm.loc["c", "recency_days"] == (AS_OF - pd.Timestamp("2025-06-30")).days
    # three clients: 5·0/3 → 1, 5·1/3 → 2, 5·2/3 → 4
    assert rfm["r"].to_dict() == {"a": 4, "b": 2, "c": 1}
    assert rfm["f"].to_dict() == {"a": 4, "b": 1, "c": 2}
    assert rfm["m"].to_dict() == {"a": 2, "b": 1, "c": 4}
    assert rfm["segment"].to_dict() == {"a": "loyal", "b": "hibernating", "c": "hibernating"}


def test_the_shipped_map_covers_the_grid_once():
    cells = [(r, f) for c in default_map() for r in c.r for f in c.f]
    assert sorted(cells) == [(r, f) for r in range(1, 6) for f in range(1, 6)]


def test_a_map_that_leaves_a_cell_out_or_covers_one_twice_is_refused_naming_the_cells():
    cells = [c.model_dump() for c in default_map()]
    cells[0]["f"] = [5]  # champions lose R5F4
    with pytest.raises(ValueError, match=r"cells in no segment: R5F4"):
        SegmentsOptions(rf_map=cells)
    cells[0]["f"] = [4, 5]
    cells[3]["f"] = [1, 2]  # new takes R5F2, which potential loyalists have
    with pytest.raises(ValueError, match=r"cells in more than one segment: R5F2 \(potential_loyalists, new\)"):
        SegmentsOptions(rf_map=cells)


@pytest.mark.parametrize(("rule", "message"), [
    ("abc = ", "expected a value, found the end of the rule"),
    ("abcd = 'A'", "unknown field 'abcd'"),
    ("abc = 'A' and", "expected a fact, found the end of the rule"),
    ("(abc = 'A'", "expected ')'"),
    ("abc > 'A'", "text can only be compared with = or !="),
    ("__import__('os').system('rm -rf /')", "cannot read \".system"),
    ("__import__('os') = 1", "unknown field '__import__'"),
    ("abc = 'A'; DROP TABLE customers", "cannot read ';"),
    ("read_csv('/etc/passwd') = 1", "unknown field 'read_csv'"),
    ("1 = 1", "expected a fact"),
    ("abc = 'A' or revenue", "expected a comparison after revenue"),
    ("region = {'x'}", "cannot read"),
])
def test_a_bad_rule_is_refused_saying_what_is_wrong(rule, message):
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_rule(rule, FACT_FIELDS)


def test_a_bad_rule_in_a_profile_names_the_file_the_segment_and_the_field():
    settings = {"segments": [{"name": "VIP", "kind": "dynamic", "rule": "abc = 'A' and vip_level > 2"}]}
    with pytest.raises(ProfileError, match=r"params/x\.yaml: key 'segments\.segments\.0': segment 'VIP': "
                                           r"unknown field 'vip_level'"):
        check_report_settings("segments", settings, file="params/x.yaml")


def test_rules_compare_text_without_case_numbers_and_nulls_as_sql_does():
    facts = pd.DataFrame({"abc": ["A", "b", None], "region": ["Москва", "москва ", "Омск"],
                          "days_since_last_order": [100.0, 50.0, np.nan], "loyalty": ["Высокая", None, "низкая"]})
    fields = list(facts.columns)
    assert parse_rule("abc = 'a' or abc = 'B'", fields).evaluate(facts).tolist() == [True, True, False]
    assert parse_rule("region = 'МОСКВА'", fields).evaluate(facts).tolist() == [True, True, False]
    assert parse_rule("days_since_last_order >= 50", fields).evaluate(facts).tolist() == [True, True, False]
    assert parse_rule("not days_since_last_order > 60", fields).evaluate(facts).tolist() == [False, True, False]
    assert parse_rule("loyalty is null", fields).evaluate(facts).tolist() == [False, True, False]
    assert parse_rule("loyalty not in ('Высокая')", fields).evaluate(facts).tolist() == [False, False, True]
    assert parse_rule("(abc in ('A', 'B')) and not (region = 'Омск')", fields).evaluate(facts).tolist() == [
        True, True, False]


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"], "name": ['ООО "Альфа; и К"', "Бета", "Гамма", "Дельта", "Эпсилон"],
        "inn": ["7707083893", None, None, None, None], "email": ["a@x.ru", None, None, None, None],
        "phone": [None, "+7 900 000-00-00", None, None, None],
        "manager": ["Орлова", None, "Орлова", None, None], "region": ["Москва"] * 5,
        "loyalty": ["Низкая", "Высокая", "Высокая", None, None],
    }).astype("str").replace("None", None)


def test_periodic_segments_keep_their_history_and_dynamic_ones_do_not():
    options = SegmentsOptions(segments=[
        {"name": "Активные", "kind": "periodic", "rule": "days_since_last_order < 200"},
        {"name": "Все", "kind": "dynamic", "rule": "revenue > 0"}])
    before = segments_report(CUBE, _customers(), as_of=pd.Timestamp("2026-06-30"), options=options)
    members = before.members.assign(customer_id=before.members["customer_id"].astype(str))
    assert sorted(members.loc[members["segment"] == "Активные", "customer_id"]) == ["a", "b"]
    assert before.changes[before.changes["segment"] == "Активные"].empty  # no earlier run: no history yet
    now = segments_report(CUBE, _customers(), as_of=AS_OF, options=options, previous_members=members)
    active = now.members[now.members["segment"] == "Активные"].set_index("customer_id")
    assert list(active.index) == ["a"] and active.loc["a", "since"] == "2026Q2"  # member since the earlier run
    changes = now.changes[now.changes["segment"] == "Активные"]
    assert changes[["customer_id", "change", "quarter"]].values.tolist() == [["b", "left", "2026Q3"]]
    assert now.changes[now.changes["segment"] == "Все"].empty
    assert now.user_segments().set_index("segment").loc["Активные", ["members", "entered", "left"]].tolist() == [
        1, 0, 1]


def test_manual_segment_from_a_file_of_codes(tmp_path):
    from clientbase.workbook import read_codes

    (tmp_path / "vip.csv").write_bytes("Код;Наименование\nc;Гамма\na;Альфа\n".encode("cp1251"))
    options = SegmentsOptions(segments=[{"name": "VIP", "kind": "manual", "file": "vip.csv"}])
    manual = {"VIP": read_codes(tmp_path / "vip.csv", segment="VIP")}
    assert manual == {"VIP": ["c", "a"]}
    result = segments_report(CUBE, _customers(), as_of=AS_OF, options=options, manual=manual)
    assert sorted(result.members.loc[result.members["segment"] == "VIP", "customer_id"]) == ["a", "c"]
    (tmp_path / "codes.txt").write_text("a\nzz\n", encoding="utf-8")
    manual = {"VIP": read_codes(tmp_path / "codes.txt", segment="VIP")}
    with pytest.raises(ClientbaseError, match="segment 'VIP': its file names customers not among the cards: zz"):
        segments_report(CUBE, _customers(), as_of=AS_OF, options=options, manual=manual)
    with pytest.raises(ClientbaseError, match="segment 'VIP': the file of its customer codes .*nope.csv does not exist"):
        read_codes(tmp_path / "nope.csv", segment="VIP")


def test_the_1c_list_reads_back_in_cp1251_with_names_as_written(tmp_path):
    options = SegmentsOptions(segments=[{"name": "Клиенты / все", "kind": "dynamic", "rule": "revenue > 0"}])
    result = segments_report(CUBE, _customers(), as_of=AS_OF, options=options)
    folder = write_lists(result, path=tmp_path / "lists")
    raw = (folder / "Клиенты_все.1c.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("cp1251")), delimiter=";"))
    assert rows[0] == ["Код", "Наименование", "ИНН"]
    assert rows[1:] == [["a", 'ООО "Альфа; и К"', "7707083893"], ["b", "Бета", ""], ["c", "Гамма", ""]]
    assert b"\r\n" in raw
    mailing = pd.read_csv(folder / "Клиенты_все.mailing.csv", dtype=str, keep_default_na=False)
    assert mailing.columns.tolist() == ["customer_id", "name", "email", "phone"]
    assert mailing.loc[0, "email"] == "a@x.ru" and mailing.loc[1, "phone"] == "+7 900 000-00-00"
    assert (folder / "loyal.1c.csv").is_file()  # the RFM segments have their lists too


def test_loyalty_against_behaviour():
    result = segments_report(CUBE, _customers(), as_of=AS_OF)
    mismatches = result.loyalty_mismatches().set_index("customer_id")
    # b and c are hibernating with «Высокая»; a is loyal (not champions) with «Низкая»: no mismatch
    assert sorted(mismatches.index) == ["b", "c"]
    by_manager = result.loyalty_by("manager")
    assert by_manager["clients"].sum() == 3


def test_days_since_the_last_order_reach_clients_outside_the_lookback():
    result = segments_report(CUBE, _customers(), as_of=AS_OF)
    facts = result.facts.set_index("customer_id")
    assert facts.loc["d", "days_since_last_order"] == (AS_OF - pd.Timestamp("2024-01-10")).days  # not scored
    assert pd.isna(facts.loc["d", "rfm_segment"])
    assert pd.isna(facts.loc["e", "days_since_last_order"])  # a return only: no activity order ever
    rule = parse_rule("days_since_last_order > 365", FACT_FIELDS)
    assert sorted(facts.index[rule.evaluate(result.facts).to_numpy()]) == ["c", "d"]


def test_a_quarter_before_any_sale_scores_nobody_and_still_reports():
    result = segments_report(CUBE, _customers(), as_of=pd.Timestamp("2023-12-31"))
    assert result.rfm.empty and result.rfm_before.empty
    assert result.rfm_summary()["clients"].sum() == 0
    assert result.flows().to_numpy().sum() == 0
