"""What the tests of the Excel writer share (not a test module): a small call list, and reading
a written workbook back (`clientbase.excel`, `clientbase.ooxml`, `clientbase.ooxml_cells`)."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd

from clientbase.excel import write_manager_workbook

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


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _one_sheet(tmp_path, values: dict, kinds: dict | None = None, name: str = "x.xlsx"):
    rows = pd.DataFrame({"manager": ["M"] * len(next(iter(values.values()))), **values})
    path = write_manager_workbook(rows, tmp_path / name, columns={c: c for c in values}, kinds=kinds or {})
    return path, openpyxl.load_workbook(path)["M"]


def _sheet_xml(path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as book:
        return book.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")
