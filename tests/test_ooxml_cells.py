"""Typed cells: text escaped as Excel reads it, numbers and dates exact, missing values no cell
(clientbase.ooxml_cells, through `clientbase.excel.write_manager_workbook`)."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest

from clientbase.excel import write_manager_workbook
from excel_frames import _one_sheet, _sheet_xml

ALL_KINDS = {"t": "text", "d": "date", "m": "money", "i": "integer", "n": "number", "p": "percent"}


def test_text_is_escaped_for_xml_the_way_excel_reads_it(tmp_path):
    texts = ['<a & "b">', "x\x01y", "_x0041_", "  padded  ", "tab\there", "line\nbreak", "cr\rlf", "\ufffe", "=1+1"]
    path, ws = _one_sheet(tmp_path, {"t": texts})
    xml = _sheet_xml(path)
    assert '<t>&lt;a &amp; "b"&gt;</t>' in xml
    # characters XML 1.0 does not allow are written as Excel's _xHHHH_ escapes, and a literal
    # _xHHHH_ is escaped in turn, so that Excel shows "_x0041_" and not "A"
    assert "<t>x_x0001_y</t>" in xml and "<t>_x005F_x0041_</t>" in xml and "<t>cr_x000D_lf</t>" in xml
    assert '<t xml:space="preserve">  padded  </t>' in xml
    # openpyxl does not decode _xHHHH_ in inline strings: it shows them as written
    assert [c.value for c in ws["A"]][1:] == ['<a & "b">', "x_x0001_y", "_x005F_x0041_", "  padded  ", "tab\there",
                                             "line\nbreak", "cr_x000D_lf", "_xFFFE_", "=1+1"]
    assert all(c.data_type == "s" for c in ws["A"])


def test_text_that_looks_like_markup_or_is_not_utf8_is_still_plain_text(tmp_path):
    # xlsxwriter wrote "<r>...</r>" unescaped, as rich text; a lone surrogate cannot be UTF-8
    _, ws = _one_sheet(tmp_path, {"t": pd.Series(["<r>x</r>", "a\ud800b"], dtype=object)})
    assert [c.value for c in ws["A"]][1:] == ["<r>x</r>", "a?b"]


def test_text_longer_than_excels_limit_is_cut(tmp_path):
    _, ws = _one_sheet(tmp_path, {"t": ["x" * 40_000, "😀" * 20_000, "ok"]})
    assert ws["A2"].value == "x" * 32_767
    assert ws["A3"].value == "😀" * 16_383  # 32,766 UTF-16 units: an emoji is not split
    assert ws["A4"].value == "ok"


def test_every_kind_of_missing_value_is_no_cell(tmp_path):
    missing = [None, np.nan, pd.NA, pd.NaT, ""]
    values = {c: pd.Series(missing + ["2026-01-02"], dtype=object) for c in ALL_KINDS}
    for c in ("m", "i", "n", "p"):
        values[c] = pd.Series(missing + [5], dtype=object)
    path, ws = _one_sheet(tmp_path, values, kinds=ALL_KINDS)
    for row in ws.iter_rows(min_row=2, max_row=6):
        assert [c.value for c in row] == [None] * 6
    assert [c.value for c in ws[7]] == ["2026-01-02", dt.datetime(2026, 1, 2), 5, 5, 5, 5]
    xml = _sheet_xml(path)
    assert not re.search(r'<c r="[A-F][2-6]"', xml)  # no empty cells written at all
    assert re.findall(r"<row [^>]*>", xml) == [f'<row r="{n}">' for n in range(1, 8)]


def test_infinite_numbers_are_empty_cells(tmp_path):
    path, ws = _one_sheet(tmp_path, {"m": [math.inf, -math.inf, 1.0], "n": [-math.inf, 2.5, math.inf]},
                          kinds={"m": "money", "n": "number"})
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [[None, None], [None, 2.5], [1, None]]
    assert "inf" not in _sheet_xml(path).lower()


def test_floats_read_back_exactly(tmp_path):
    floats = [0.1 + 0.2, 1 / 3, 1e300, -1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 1e-5, -2.5e-7,
              123456789.12345679, 9007199254740993.0, 1e16, 1e22, 12345678901234567890.0, 0.5, -0.0]
    _, ws = _one_sheet(tmp_path, {"n": floats}, kinds={"n": "number"})
    back = [c.value for c in ws["A"]][1:]
    assert back == floats
    # whole numbers below 1e16 are integers, as Excel writes them
    assert [type(v) for v in back[-6:]] == [int, float, float, float, float, int]


def test_integer_kinds_are_numbers(tmp_path):
    values = {
        "nullable": pd.array([1, None, -3, 2**53], dtype="Int64"),
        "numpy": np.array([0, 7, -8, 10**15], dtype=np.int64),
        "text_numbers": pd.Series(["12", "x", None, "1e3"], dtype=object),
    }
    _, ws = _one_sheet(tmp_path, values, kinds=dict.fromkeys(values, "integer"))
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [1, 0, 12], [None, 7, None], [-3, -8, None], [2**53, 10**15, 1000]]
    assert {ws.cell(2, col).number_format for col in (1, 2, 3)} == {"0"}


def test_dates_with_a_time_part_are_excel_serials(tmp_path):
    stamps = pd.to_datetime(["2026-03-01 13:45:30", "2026-03-01", None, "1900-03-01", "1900-02-28 06:00"],
                            format="mixed")
    path, ws = _one_sheet(tmp_path, {"d": stamps}, kinds={"d": "date"})
    assert [c.value for c in ws["A"]][1:] == [dt.datetime(2026, 3, 1, 13, 45, 30), dt.datetime(2026, 3, 1), None,
                                             dt.datetime(1900, 3, 1), dt.datetime(1900, 2, 28, 6)]
    values = re.findall(r'<c r="A\d+" s="\d+"><v>([^<]*)</v>', _sheet_xml(path))
    # days since 1899-12-30 (Excel's 1900-02-29 counted after February 1900), the time as a fraction
    assert values == [repr(46082 + (13 * 3600 + 45 * 60 + 30) / 86400), "46082", "61", "59.25"]


def test_time_zone_aware_dates_are_refused_and_nothing_is_written(tmp_path):
    rows = pd.DataFrame({"manager": ["M"], "d": pd.to_datetime(["2026-01-01 10:00"]).tz_localize("Europe/Moscow")})
    with pytest.raises(TypeError, match="time zones"):
        write_manager_workbook(rows, tmp_path / "tz.xlsx", columns={"d": "D"}, kinds={"d": "date"})
    assert list(tmp_path.iterdir()) == []


def test_text_columns_of_other_types_are_written_as_their_text(tmp_path):
    mixed = pd.Series([7, 2.5, 1.0, pd.Timestamp("2026-01-05"), [1, 2], True, None, "  "], dtype=object)
    _, ws = _one_sheet(tmp_path, {"t": mixed, "i": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
                                  "c": pd.Categorical(["a", "b", None, "a", "b", "a", "a", "b"])})
    assert [c.value for c in ws["A"]][1:] == ["7", "2.5", "1.0", "2026-01-05 00:00:00", "[1, 2]", "True", None, "  "]
    assert [c.value for c in ws["B"]][1:] == ["1", None, "3", "4", "5", "6", "7", "8"]
    assert [c.value for c in ws["C"]][1:] == ["a", "b", None, "a", "b", "a", "a", "b"]
