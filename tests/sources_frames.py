"""Shared fixtures of the sources tests: small 1C-style files written on the fly."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from clientbase.errors import DataError

SAMPLE = Path(__file__).parent / "fixtures" / "sources" / "1c-export"

CUSTOMERS_1C = (
    "Код;Наименование;ИНН;КПП\n"
    "001;Альфа ООО;7701234560;770101001\n"
    "002;ИП Волков Д. С.;500100732259;\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def source_1c(tmp_path: Path, orders: str, customers: str = CUSTOMERS_1C, **files: str) -> Path:
    write(tmp_path / "kontragenty.csv", customers)
    write(tmp_path / "prodazhi.csv", orders)
    for name, text in files.items():
        write(tmp_path / name, text)
    return tmp_path


def problems_of(exc: pytest.ExceptionInfo[DataError], severity: str = "error") -> list:
    return [p for p in exc.value.problems if p.severity == severity]


