"""Manager workbooks: one sheet per manager, typed cells, atomic write (clientbase.excel)."""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from clientbase.excel import sheet_names, write_manager_workbook
from excel_frames import COLUMNS, KINDS, MAIN, _rows, _sheets


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


def test_many_sheets_each_with_its_filter(tmp_path):
    managers = [f"Manager {n:03d}" for n in range(120)]
    rows = pd.DataFrame({"manager": managers[::-1] * 2, "customer_id": [f"c{n}" for n in range(240)]})
    path = write_manager_workbook(rows, tmp_path / "many.xlsx", columns={"customer_id": "Code"})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == managers
    assert all(ws.auto_filter.ref == "A1:A3" and ws.max_row == 3 for ws in book.worksheets)
    with zipfile.ZipFile(path) as package:
        workbook = ET.fromstring(package.read("xl/workbook.xml"))
    names = workbook.findall(f"{MAIN}definedNames/{MAIN}definedName")
    assert [(n.get("name"), n.get("localSheetId"), n.get("hidden"), n.text) for n in names[:2]] == [
        ("_xlnm._FilterDatabase", "0", "1", "'Manager 000'!$A$1:$A$3"),
        ("_xlnm._FilterDatabase", "1", "1", "'Manager 001'!$A$1:$A$3"),
    ]
    assert len(names) == 120


def test_a_sheet_longer_than_excel_allows_is_refused(tmp_path):
    rows = pd.DataFrame({"manager": np.full(1_048_576, "M", dtype=object)})
    with pytest.raises(ValueError, match="at most 1,048,575"):
        write_manager_workbook(rows, tmp_path / "big.xlsx", columns={"manager": "Manager"})
    assert list(tmp_path.iterdir()) == []


# --- the same cells as the rules say, on a mixed frame ---------------------------------------------


def _mixed_frame(n: int = 400, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    managers = np.array(["Ivanov", "IVANOV", "петров", "Петров", "a/b:c", "  Sidorov ", "", "   ", None], dtype=object)
    words = np.array(["ООО Ромашка", '<a & "b">', "=SUM(A1)", " lead", "trail ", "x\x01y", "_x0041_", "tab\tx",
                      "line\nbreak", "", None, "😀 emoji", "Ёлка"], dtype=object)
    mixed = np.array([7, 2.5, 1.0, -3, pd.Timestamp("2026-01-05 10:00"), None, np.nan, "text", True], dtype=object)
    frame = pd.DataFrame({
        "manager": managers[rng.integers(0, len(managers), n)],
        "code": pd.Series([f"C{k:05d}" for k in range(n)], dtype="str"),
        "name": words[rng.integers(0, len(words), n)],
        "mixed": mixed[rng.integers(0, len(mixed), n)],
        "when": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 500 * 86400, n), unit="s"),
        "lost": rng.gamma(2.0, 30_000.0, n).round(2) * rng.choice([1, -1, 1e6], n),
        "orders": pd.array(rng.integers(-5, 500, n), dtype="Int64"),
        "average": rng.normal(0, 1, n) * 10.0 ** rng.integers(-8, 18, n),
        "share": rng.random(n),
    })
    for column in ("when", "lost", "orders", "average", "share"):
        frame.loc[rng.random(n) < 0.1, column] = None
    frame.loc[rng.random(n) < 0.05, "average"] = np.inf
    return frame


MIXED_COLUMNS = {"code": "Code", "name": "Client", "mixed": "Anything", "when": "Last order", "lost": "Lost revenue",
                 "orders": "Orders", "average": "Average", "share": "Share of revenue", "note": "Result of the call"}
MIXED_KINDS = {"when": "date", "lost": "money", "orders": "integer", "average": "number", "share": "percent"}
MIXED_FORMATS = {"date": "yyyy-mm-dd", "money": "#,##0", "integer": "0", "number": "#,##0.00", "percent": "0.0%"}


def _escaped(text: str) -> str:
    """Text as openpyxl reads it back: Excel's _xHHHH_ escapes are not decoded."""
    text = re.sub("(_x[0-9a-fA-F]{4}_)", r"_x005F\1", text)
    return re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def _expected_cell(value, kind: str):
    if kind == "date":
        return None if pd.isna(value) else pd.Timestamp(value).to_pydatetime()
    if kind != "text":
        number = pd.to_numeric(pd.Series([value], dtype=object), errors="coerce").astype("Float64")[0]
        if pd.isna(number) or math.isinf(number):
            return None
        return int(number) if float(number).is_integer() and abs(number) < 1e16 else float(number)
    if isinstance(value, str):
        return _escaped(value) if value else None
    return None if pd.isna(value) else _escaped(str(value))


def _expected_width(label: str, values: list, kind: str, note: bool) -> float:
    """The old writer's column width in characters, and xlsxwriter's conversion for Calibri 11."""
    if note:
        width = 30.0
    elif kind == "date":
        width = float(max(len(label) + 2, 12))
    else:
        present = [v for v in values if v is not None]
        if kind == "money":
            longest = max((len(f"{v:,.0f}") for v in present), default=0)
        elif kind == "percent":
            longest = 7
        else:
            longest = max((len(str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in present),
                          default=0)
        width = float(min(max(longest, min(len(label), 24), 8) + 2, 60))
    return int((int(width * 7 + 0.5) + 5) / 7 * 256.0) / 256.0


def test_a_mixed_frame_reads_back_as_the_rules_say(tmp_path):
    frame = _mixed_frame()
    path = write_manager_workbook(frame, tmp_path / "mixed.xlsx", columns=MIXED_COLUMNS, kinds=MIXED_KINDS,
                                  note_columns=("note",))
    owners = [None if pd.isna(v) or not str(v).strip() else str(v).strip() for v in frame["manager"]]
    lists = sorted({o for o in owners if o is not None}, key=lambda m: (m.casefold(), m))
    keys = lists + [None]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == sheet_names([*lists, "(unassigned)"])
    for key, ws in zip(keys, book.worksheets, strict=True):
        part = frame[[o == key for o in owners]]
        expected = [tuple(MIXED_COLUMNS.values())]
        widths = []
        for column, label in MIXED_COLUMNS.items():
            kind = MIXED_KINDS.get(column, "text")
            raw = part[column].tolist() if column in part else [None] * len(part)
            # the old writer measured text before the escapes and numbers as floats
            cells = [_expected_cell(v, kind) for v in raw]
            measured = [None if e is None else str(v) if kind == "text" else e if kind == "date" else float(e)
                        for v, e in zip(raw, cells, strict=True)]
            widths.append(_expected_width(label, measured, kind, column == "note"))
        for _, row in part.iterrows():
            expected.append(tuple(_expected_cell(row.get(c), MIXED_KINDS.get(c, "text")) for c in MIXED_COLUMNS))
        got = [tuple(c.value for c in row) for row in ws.iter_rows()]
        assert got == expected, ws.title
        assert [ws.column_dimensions[_col(n)].width for n in range(len(MIXED_COLUMNS))] == widths, ws.title
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:I{max(len(part), 1) + 1}"
        for row in ws.iter_rows(min_row=2):
            for cell, column in zip(row, MIXED_COLUMNS, strict=True):
                kind = MIXED_KINDS.get(column, "text")
                if cell.value is not None:
                    assert cell.number_format == MIXED_FORMATS.get(kind, "General"), (ws.title, cell.coordinate)
                    assert (cell.data_type == "s") == (kind == "text")


def _col(index: int) -> str:
    return openpyxl.utils.get_column_letter(index + 1)
