"""Tests of clientbase.sources.readers: reading CSV and XLSX exports: encodings, separators, title blocks, totals, row numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from clientbase.sources import load_format, read_table
from sources_frames import CUSTOMERS_1C, SAMPLE, problems_of, source_1c, write, write_xlsx  # noqa: F401


def test_report_xlsx_rows_are_the_sheet_rows_under_the_title_block():
    frame, problems = read_table(SAMPLE / "prodazhi_po_klientam.xlsx", "orders", load_format("1c"))
    assert problems == []
    assert frame["_row"].tolist() == [6, 7, 8, 9]
    assert frame["customer_name"].tolist() == ["Альфа-Снаб ООО", "Альфа-Снаб ООО", "ИП Волков Д. С.",
                                               "ИП Волков Д. С."]
    assert frame.attrs["headers"]["customer_name"] == "Контрагент"



@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_csv_encoding_and_separator_are_detected(tmp_path, encoding, sep):
    text = f"Код{sep}Наименование{sep}Регион\r\n007{sep}Ёлка ООО{sep}Москва\r\n"
    frame, problems = read_table(write(tmp_path / "k.csv", text, encoding), "customers", load_format("1c"))
    assert problems == []
    assert frame["customer_id"].tolist() == ["007"]
    assert frame["name"].tolist() == ["Ёлка ООО"]
    assert frame["region"].tolist() == ["Москва"]



def test_csv_title_block_blank_rows_and_total_rows(tmp_path):
    text = (
        "Продажи по клиентам\n"
        "Параметры:;Период: 01.01.2026 - 31.03.2026\n"
        "\n"
        "Дата;Номер;Код контрагента;Сумма\n"
        "01.02.2026;1;001;10\n"
        ";;;\n"
        "02.02.2026;2;002;20\n"
        "Итого:;;;30\n"
    )
    frame, problems = read_table(write(tmp_path / "o.csv", text), "orders", load_format("1c"))
    assert problems == []
    assert frame["_row"].tolist() == [5, 7]
    assert frame["amount"].tolist() == [10.0, 20.0]



def test_xlsx_numeric_ids_lose_the_float_tail_and_datetime_cells_are_dates(tmp_path):
    path = write_xlsx(tmp_path / "orders.xlsx", [
        ["Номер", "Дата", "Код контрагента", "Сумма"],
        [101.0, dt.datetime(2026, 1, 12, 10, 15), 7, "1 234,5"],
        ["0102", "13.01.2026", "007", 99.5],
    ])
    frame, problems = read_table(path, "orders", load_format("1c"))
    assert problems == []
    assert frame["order_id"].tolist() == ["101", "0102"]
    assert frame["customer_id"].tolist() == ["7", "007"]
    assert frame["date"].tolist() == [pd.Timestamp("2026-01-12 10:15"), pd.Timestamp("2026-01-13")]
    assert frame["amount"].tolist() == [1234.5, 99.5]



def test_xlsx_blank_sheet_rows_keep_the_real_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "orders.xlsx", [
        ["Номер", "Дата", "Код контрагента", "Сумма"],
        [1, "12.01.2026", "001", 1],
        [None, None, None, None],
        [2, "32.01.2026", "001", 1],
    ])
    frame, problems = read_table(path, "orders", load_format("1c"))
    assert frame["_row"].tolist() == [2, 4]
    assert [(p.row, p.column) for p in problems] == [(4, "Дата")]



def test_a_row_with_more_cells_than_the_header_is_an_error(tmp_path):
    orders = "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n2;01.02.2026;001;10;лишнее\n"
    frame, problems = read_table(write(tmp_path / "o.csv", orders), "orders", load_format("1c"))
    assert [(p.row, p.column) for p in problems] == [(3, None)]
    assert "more cells than the header" in problems[0].message



def test_unsupported_file_is_a_problem_not_a_crash(tmp_path):
    frame, problems = read_table(write(tmp_path / "orders.xls", "x"), "orders", load_format("1c"))
    assert frame.empty
    assert "save it as .xlsx" in problems[0].message
