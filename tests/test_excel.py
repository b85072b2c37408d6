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


# --- the SpreadsheetML written directly ----------------------------------------------------------

import math  # noqa: E402
import re  # noqa: E402
import xml.etree.ElementTree as ET  # noqa: E402
import zipfile  # noqa: E402

import numpy as np  # noqa: E402

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ALL_KINDS = {"t": "text", "d": "date", "m": "money", "i": "integer", "n": "number", "p": "percent"}


def _one_sheet(tmp_path, values: dict, kinds: dict | None = None, name: str = "x.xlsx"):
    rows = pd.DataFrame({"manager": ["M"] * len(next(iter(values.values()))), **values})
    path = write_manager_workbook(rows, tmp_path / name, columns={c: c for c in values}, kinds=kinds or {})
    return path, openpyxl.load_workbook(path)["M"]


def _sheet_xml(path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as book:
        return book.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


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


def test_the_package_is_well_formed_in_the_order_excel_needs(tmp_path):
    path = write_manager_workbook(_rows(), tmp_path / "l.xlsx", columns=COLUMNS, kinds=KINDS, language="ru",
                                  note_columns=("note",))
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        infos = package.infolist()
        parts = {info.filename: ET.fromstring(package.read(info)) for info in infos}  # each part parses
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}
    assert list(parts)[:7] == ["[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
                               "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"]
    sheets = [f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3)]
    assert list(parts)[7:] == sheets
    types = {o.get("PartName") for o in parts["[Content_Types].xml"]}
    assert {f"/{name}" for name in parts if not name.endswith(".rels") and name != "[Content_Types].xml"} <= types
    targets = [r.get("Target") for r in parts["xl/_rels/workbook.xml.rels"]]
    assert targets == ["worksheets/sheet1.xml", "worksheets/sheet2.xml", "worksheets/sheet3.xml", "styles.xml"]
    for name in sheets:
        children = [child.tag.removeprefix(MAIN) for child in parts[name]]
        assert children == ["dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "autoFilter",
                            "pageMargins"]
        pane = parts[name].find(f"{MAIN}sheetViews/{MAIN}sheetView/{MAIN}pane")
        assert (pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == ("1", "A2", "frozen")
        rows = parts[name].findall(f"{MAIN}sheetData/{MAIN}row")
        assert [r.get("r") for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
        assert all(re.fullmatch(rf"[A-E]{r.get('r')}", c.get("r")) for r in rows for c in r)
    dimensions = [parts[name].find(f"{MAIN}dimension").get("ref") for name in sheets]
    assert dimensions == ["A1:E2", "A1:E3", "A1:E3"]
    styles = parts["xl/styles.xml"]
    formats = {f.get("formatCode"): int(f.get("numFmtId")) for f in styles.find(f"{MAIN}numFmts")}
    assert set(formats) == {"#,##0", "0", "#,##0.00", "0.0%", "dd.mm.yyyy"} and min(formats.values()) >= 164
    fills = [f.find(f"{MAIN}patternFill").get("patternType") for f in styles.find(f"{MAIN}fills")]
    assert fills == ["none", "gray125"]
    header = styles.find(f"{MAIN}cellXfs")[1]
    assert header.find(f"{MAIN}alignment").get("wrapText") == "1"
    assert styles.find(f"{MAIN}fonts")[int(header.get("fontId"))].find(f"{MAIN}b") is not None
    assert styles.find(f"{MAIN}borders")[int(header.get("borderId"))].find(f"{MAIN}bottom").get("style") == "thin"


def test_the_header_is_bold_wrapped_with_a_bottom_border(tmp_path):
    path = write_manager_workbook(_rows(), tmp_path / "l.xlsx", columns=COLUMNS, kinds=KINDS)
    for ws in openpyxl.load_workbook(path).worksheets:
        assert all(c.font.b and c.alignment.wrap_text and c.border.bottom.style == "thin" for c in ws[1])
        assert not any(c.font.b for row in ws.iter_rows(min_row=2) for c in row)


def test_the_same_rows_give_the_same_bytes(tmp_path):
    first = write_manager_workbook(_rows(), tmp_path / "a.xlsx", columns=COLUMNS, kinds=KINDS)
    second = write_manager_workbook(_rows(), tmp_path / "b.xlsx", columns=COLUMNS, kinds=KINDS)
    assert first.read_bytes() == second.read_bytes()


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


def test_sheets_built_in_chunks_keep_their_rows_in_order(tmp_path, monkeypatch):
    from clientbase import excel

    monkeypatch.setattr(excel, "_CHUNK_ROWS", 7)
    rows = pd.DataFrame({"manager": ["b", "a", None] * 20 + ["a"], "n": range(61), "t": [f"r{k}" for k in range(61)]})
    path = write_manager_workbook(rows, tmp_path / "chunks.xlsx", columns={"n": "N", "t": "T"}, kinds={"n": "integer"})
    sheets = _sheets(path)
    assert list(sheets) == ["a", "b", "(unassigned)"]
    assert sheets["a"][1:] == [(k, f"r{k}") for k in [*range(1, 60, 3), 60]]
    assert sheets["(unassigned)"][1:] == [(k, f"r{k}") for k in range(2, 60, 3)]
    for number in (1, 2, 3):
        numbers = [int(r) for r in re.findall(r'<row r="(\d+)"', _sheet_xml(path, number))]
        assert numbers == list(range(1, len(numbers) + 1))


def test_a_failure_while_writing_sheets_keeps_the_previous_file(tmp_path, monkeypatch):
    from clientbase import excel

    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return b""

    monkeypatch.setattr(excel, "_sheet_rows", failing)
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"previous")
    with pytest.raises(OSError, match="disk full"):
        write_manager_workbook(_rows(), path, columns=COLUMNS, kinds=KINDS)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["l.xlsx"]
