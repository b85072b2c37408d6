"""Tests of clientbase.sources.finding: finding the file of each table."""

from __future__ import annotations

import pytest

from clientbase.errors import DataError
from clientbase.sources import find_files, load_format, load_source
from sources_frames import CUSTOMERS_1C, SAMPLE, problems_of, source_1c, write, write_xlsx  # noqa: F401


def test_find_files_by_stem_and_explicit_names_win(tmp_path):
    write(tmp_path / "Kontragenty.CSV", CUSTOMERS_1C)
    write(tmp_path / "orders.csv", "")
    (tmp_path / "export").mkdir()
    write(tmp_path / "export" / "sales 2026.csv", "")
    fmt = load_format("1c")
    assert find_files(tmp_path, fmt) == {"customers": tmp_path / "Kontragenty.CSV", "orders": tmp_path / "orders.csv"}
    files = {"orders": "export/sales 2026.csv"}
    assert find_files(tmp_path, fmt, files=files)["orders"] == tmp_path / "export" / "sales 2026.csv"
    assert files == {"orders": "export/sales 2026.csv"}



def test_missing_orders_file_names_the_folder_and_the_names_tried(tmp_path):
    write(tmp_path / "kontragenty.csv", CUSTOMERS_1C)
    with pytest.raises(DataError) as exc:
        find_files(tmp_path, load_format("1c"))
    (problem,) = exc.value.problems
    assert problem.file == str(tmp_path)
    assert "no orders file found: tried orders, prodazhi" in problem.message
    assert ".csv, .txt, .xlsx, .parquet" in problem.message



def test_a_second_file_for_a_table_is_a_warning(tmp_path):
    folder = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n")
    write_xlsx(tmp_path / "orders.xlsx", [["Номер", "Дата", "Код контрагента", "Сумма"]])
    source = load_source(folder)
    # stems in the format's order first, then extensions
    assert source.files["orders"] == tmp_path / "orders.xlsx"
    assert [(p.file, p.severity) for p in source.problems] == [("prodazhi.csv", "warning")]
