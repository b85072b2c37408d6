"""Manager workbooks: one sheet per manager, typed cells, atomic write (clientbase.excel)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from clientbase.excel import sheet_names, write_manager_workbook

COLUMNS = {"customer_id": "Code", "name": "Client", "last": "Last order", "lost": "Lost revenue", "note": "Result"}
KINDS = {"last": "date", "lost": "money"}


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "manager": ["Петров", "иванов", None, "Петров", "  "],
        "customer_id": ["c1", "c2", "c3", "c4", "c5"],
        "name": ["=SUM(A1)", "Б", "В", "Г", "Д"],
        "last": pd.to_datetime(["2026-01-05", None, "2026-03-01", "2026-02-01", "2026-04-01"]),
        "lost": [1000.5, 20.0, None, 3.0, 4.0],
    })


def _sheets(path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book.worksheets}


def test_one_sheet_per_manager_then_the_unassigned(tmp_path):
    path = write_manager_workbook(
        _rows(), tmp_path / "out" / "lists.xlsx", columns=COLUMNS, kinds=KINDS, language="ru"
    )
    sheets = _sheets(path)
    assert list(sheets) == ["иванов", "Петров", "Без менеджера"]
    assert sheets["Петров"][0] == ("Code", "Client", "Last order", "Lost revenue", "Result")
    # rows keep the caller's order; a missing column is written empty
    assert [r[0] for r in sheets["Петров"][1:]] == ["c1", "c4"]
    assert [r[0] for r in sheets["Без менеджера"][1:]] == ["c3", "c5"]
    first = sheets["Петров"][1]
    assert first[1] == "=SUM(A1)"  # text stays text, never a formula
    assert first[2] == dt.datetime(2026, 1, 5)
    assert first[3] == pytest.approx(1000.5)
    assert first[4] is None
    assert sheets["иванов"][1][2] is None  # missing date is an empty cell


def test_sheet_layout_is_usable(tmp_path):
    path = write_manager_workbook(_rows(), tmp_path / "l.xlsx", columns=COLUMNS, kinds=KINDS, note_columns=("note",))
    ws = openpyxl.load_workbook(path)["Петров"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E3"
    assert ws.column_dimensions["E"].width == pytest.approx(30, abs=1)
    assert ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["D2"].number_format == "#,##0"


def test_empty_rows_give_one_sheet_with_the_header(tmp_path):
    path = write_manager_workbook(_rows().iloc[:0], tmp_path / "e.xlsx", columns=COLUMNS, language="en")
    assert _sheets(path) == {"Nothing to do": [("Code", "Client", "Last order", "Lost revenue", "Result")]}


def test_does_not_mutate_and_leaves_no_temporary_file(tmp_path):
    rows = _rows()
    before = rows.copy()
    write_manager_workbook(rows, tmp_path / "l.xlsx", columns=COLUMNS, kinds=KINDS)
    pd.testing.assert_frame_equal(rows, before)
    assert [p.name for p in tmp_path.iterdir()] == ["l.xlsx"]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"previous")
    with pytest.raises(ValueError, match="unknown column kinds"):
        write_manager_workbook(_rows(), path, columns=COLUMNS, kinds={"lost": "euros"})
    with pytest.raises(ValueError, match="no 'owner' column"):
        write_manager_workbook(_rows(), path, columns=COLUMNS, manager="owner")
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["l.xlsx"]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Ivanov", "IVANOV"], ["Ivanov", "IVANOV (2)"]),
        (["a/b:c"], ["a_b_c"]),
        (["x" * 40], ["x" * 31]),
        (["History"], ["History_"]),
        (["'quoted'"], ["quoted"]),
        ([""], ["Sheet"]),
    ],
    ids=["case-insensitive", "forbidden", "too-long", "reserved", "apostrophes", "empty"],
)
def test_sheet_names_are_excel_safe(names, expected):
    assert sheet_names(names) == expected
