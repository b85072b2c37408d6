"""The .xlsx package: parts in the order Excel needs, styles, chunked sheets, the same bytes (clientbase.ooxml)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pandas as pd
import pytest

from clientbase import ooxml
from clientbase.excel import write_manager_workbook
from excel_frames import COLUMNS, KINDS, MAIN, _rows, _sheet_xml, _sheets


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


def test_sheets_built_in_chunks_keep_their_rows_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(ooxml, "_CHUNK_ROWS", 7)
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
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return b""

    monkeypatch.setattr(ooxml, "_sheet_rows", failing)
    path = tmp_path / "l.xlsx"
    path.write_bytes(b"previous")
    with pytest.raises(OSError, match="disk full"):
        write_manager_workbook(_rows(), path, columns=COLUMNS, kinds=KINDS)
    assert path.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["l.xlsx"]
