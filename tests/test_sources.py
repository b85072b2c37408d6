"""Tests of clientbase.sources: reading 1C-style and canonical exports into canonical tables."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from clientbase.errors import DataError, ProfileError
from clientbase.schema import TABLES
from clientbase.sources import Format, Source, find_files, load_format, load_source, read_table

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


# --- the shipped sample ------------------------------------------------------------------


def test_sample_1c_export_loads_customers_with_codes_and_derived_types():
    source = load_source(SAMPLE, "1c")
    customers = source.tables["customers"]
    assert customers["customer_id"].tolist() == ["00-000101", "00-000102", "00-000103"]
    assert customers["name"].tolist() == ["Альфа-Снаб ООО", "ИП Волков Д. С.", 'ТД "Север"']
    assert customers["customer_type"].tolist() == ["company", "sole_trader", "company"]
    assert customers["kpp"].isna().tolist() == [False, True, False]
    assert customers["manager"].tolist()[:2] == ["Смирнова Ольга", "Кузнецов Игорь"]
    assert customers["created_at"].tolist() == [
        pd.Timestamp("2022-03-14"), pd.Timestamp("2023-11-02"), pd.Timestamp("2021-06-21")]
    assert source.files == {"customers": SAMPLE / "kontragenty.csv",
                            "orders": SAMPLE / "prodazhi_po_klientam.xlsx"}
    assert source.problems == ()


def test_sample_report_xlsx_gives_four_lines_resolved_to_codes_with_the_return_negative():
    orders = load_source(SAMPLE, "1c").tables["orders"]
    assert len(orders) == 4  # the title block and the Итого row are not data
    assert orders["customer_id"].tolist() == ["00-000101", "00-000101", "00-000102", "00-000102"]
    assert orders["amount"].tolist() == [18450.0, 7400.0, 9250.0, -925.0]
    assert orders["cost"].tolist() == [13200.0, 5600.0, 6100.0, -610.0]
    assert orders["quantity"].tolist() == [100.0, 20.0, 50.0, -5.0]
    assert orders["date"].tolist()[3] == pd.Timestamp("2026-02-19 09:05:47")
    assert orders["order_id"].iloc[0] == "Реализация товаров и услуг 00-000017 от 12.01.2026 10:15:02"
    assert orders["product_id"].iloc[2] == "Розетка Legrand Valena"


def test_report_xlsx_rows_are_the_sheet_rows_under_the_title_block():
    frame, problems = read_table(SAMPLE / "prodazhi_po_klientam.xlsx", "orders", load_format("1c"))
    assert problems == []
    assert frame["_row"].tolist() == [6, 7, 8, 9]
    assert frame["customer_name"].tolist() == ["Альфа-Снаб ООО", "Альфа-Снаб ООО", "ИП Волков Д. С.",
                                               "ИП Волков Д. С."]
    assert frame.attrs["headers"]["customer_name"] == "Контрагент"


def test_source_tables_have_every_schema_column_with_its_dtype():
    source = load_source(SAMPLE, "1c")
    expected = {"str": "str", "date": "datetime64[ns]", "float": "float64"}
    for name, frame in source.tables.items():
        assert list(frame.columns) == list(TABLES[name].columns)
        for col, kind in TABLES[name].columns.items():
            want = "bool" if col == "is_deleted" else expected.get(kind, "boolean")
            assert str(frame[col].dtype) == want, (name, col)
        assert isinstance(frame.index, pd.RangeIndex)


# --- CSV quirks ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("sep", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_csv_encoding_and_separator_are_detected(tmp_path, encoding, sep):
    text = f"Код{sep}Наименование{sep}Регион\r\n007{sep}Ёлка ООО{sep}Москва\r\n"
    frame, problems = read_table(write(tmp_path / "k.csv", text, encoding), "customers", load_format("1c"))
    assert problems == []
    assert frame["customer_id"].tolist() == ["007"]
    assert frame["name"].tolist() == ["Ёлка ООО"]
    assert frame["region"].tolist() == ["Москва"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1 234,56", 1234.56), ("1\xa0234,56", 1234.56), ("1\u202f234 567,5", 1234567.5),
     ("-925", -925.0), ("\u2212925,5", -925.5), ("12,5", 12.5), ("1234.5", 1234.5), ("0", 0.0)],
    ids=["space", "nbsp", "narrow-nbsp", "negative", "unicode-minus", "decimal-comma", "dot", "zero"],
)
def test_1c_numbers(tmp_path, cell, expected):
    orders = f"Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;{cell}\n"
    frame, problems = read_table(write(tmp_path / "o.csv", orders), "orders", load_format("1c"))
    assert problems == []
    assert frame["amount"].tolist() == [expected]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("12.01.2026", "2026-01-12 00:00:00"), ("12.01.2026 10:15:02", "2026-01-12 10:15:02"),
     ("12.01.2026 9:05", "2026-01-12 09:05:00"), ("12.01.2026 0:00:00", "2026-01-12 00:00:00"),
     ("2.1.2026", "2026-01-02 00:00:00"), ("2026-01-12", "2026-01-12 00:00:00")],
    ids=["date", "date-time", "h-mm", "midnight", "one-digit-day-month", "iso-also-read"],
)
def test_1c_dates(tmp_path, cell, expected):
    orders = f"Номер;Дата;Код контрагента;Сумма\n1;{cell};001;1\n"
    frame, problems = read_table(write(tmp_path / "o.csv", orders), "orders", load_format("1c"))
    assert problems == []
    assert frame["date"].tolist() == [pd.Timestamp(expected)]


def test_1c_empty_date_01_01_0001_is_empty_not_an_error(tmp_path):
    text = "Код;Наименование;Дата создания\n1;А;01.01.0001 0:00:00\n2;Б;\n"
    frame, problems = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert problems == []
    assert frame["created_at"].isna().all()


@pytest.mark.parametrize(
    "header",
    ["Основной менеджер", "ОСНОВНОЙ МЕНЕДЖЕР", " основной  менеджер. ", '"Основной менеджер"', "«Менеджер»"],
    ids=["as-listed", "upper", "spaces-and-dot", "quoted", "guillemets"],
)
def test_header_synonyms_ignore_case_spaces_quotes_and_a_trailing_dot(tmp_path, header):
    text = f"Код;Наименование;{header}\n1;А;Иванова\n"
    frame, _ = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert frame["manager"].tolist() == ["Иванова"]


def test_header_yo_equals_ye(tmp_path):
    mapping = write(tmp_path / "m.yaml", "extends: 1c\ncolumns:\n  customers:\n    manager: [Ответственный за счёт]\n")
    text = "Код;Наименование;ОТВЕТСТВЕННЫЙ ЗА СЧЕТ\n1;А;Петрова\n"
    frame, _ = read_table(write(tmp_path / "k.csv", text), "customers", load_format(mapping))
    assert frame["manager"].tolist() == ["Петрова"]


def test_flags_read_yes_no_and_an_empty_deletion_mark_is_false(tmp_path):
    text = "Код;Наименование;Пометка удаления\n1;А;Да\n2;Б;нет\n3;В;\n"
    source = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=text)
    assert load_source(source).tables["customers"]["is_deleted"].tolist() == [True, False, False]


def test_unknown_flag_value_is_an_error(tmp_path):
    text = "Код;Наименование;Пометка удаления\n1;А;может быть\n"
    frame, problems = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert [(p.row, p.column) for p in problems] == [(2, "Пометка удаления")]
    assert problems[0].message.startswith("cannot read yes/no value 'может быть'; expected one of да/истина/нет")


def test_first_listed_synonym_wins_when_two_headers_mean_one_column(tmp_path):
    text = "Контрагент;Код;Наименование\nполное имя;1;Короткое\n"
    frame, _ = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert frame["name"].tolist() == ["Короткое"]  # Наименование is listed before Контрагент


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


def test_ids_keep_leading_zeros_and_inn_kpp_lose_only_group_separators(tmp_path):
    text = ("Код;Наименование;ИНН;КПП\n 00123 ;А;7 701 234 560;0770A1001\n0001;Б;12ab;\n"
            "0002;В;6127 515788;\n0003;Г;\u00a0502 101 001 234 ;\n")
    frame, problems = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert problems == []
    assert frame["customer_id"].tolist() == ["00123", "0001", "0002", "0003"]
    # a grouped number is a number; a space typed inside is the audit's to find (not_digits)
    assert frame["inn"].tolist() == ["7701234560", "12ab", "6127 515788", "502101001234"]
    assert frame["kpp"].tolist()[0] == "0770A1001"


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


# --- customers by name, value synonyms -----------------------------------------------------


def test_orders_by_customer_name_resolve_exact_then_folded(tmp_path):
    customers = CUSTOMERS_1C + "003;Королёв\xa0А. А.;;\n"
    orders = ("Номер;Дата;Контрагент;Сумма\n"
              "1;01.02.2026;Альфа ООО;10\n"
              "2;01.02.2026;  альфа   ооо ;20\n"
              "3;01.02.2026;ип волков д. с.;30\n"
              "4;01.02.2026;КОРОЛЕВ А. А.;40\n")
    source = load_source(source_1c(tmp_path, orders, customers=customers))
    assert source.tables["orders"]["customer_id"].tolist() == ["001", "001", "002", "003"]
    assert source.problems == ()


def test_unknown_customer_name_is_a_warning_and_its_rows_are_dropped(tmp_path):
    orders = ("Номер;Дата;Контрагент;Сумма\n"
              "1;01.02.2026;Альфа ООО;10\n"
              "2;01.02.2026;Бета ЗАО;20\n"
              "3;02.02.2026;Бета ЗАО;5\n")
    source = load_source(source_1c(tmp_path, orders))
    assert source.tables["orders"]["order_id"].tolist() == ["1"]
    (warning,) = source.problems
    assert (warning.file, warning.row, warning.column, warning.severity) == (
        "prodazhi.csv", 3, "Контрагент", "warning")
    assert warning.message == "unknown customer 'Бета ЗАО': no such name in the customers table; rows 3, 4 dropped"


def test_ambiguous_customer_name_is_a_warning_naming_the_number_of_matches(tmp_path):
    customers = "Код;Наименование\n1;Гамма\n2;Гамма\n3;Дельта\n4;ДЕЛЬТА\n"
    orders = "Номер;Дата;Контрагент;Сумма\n1;01.02.2026;Гамма;10\n2;01.02.2026;дельта;10\n"
    source = load_source(source_1c(tmp_path, orders, customers=customers))
    assert source.tables["orders"].empty
    messages = [p.message for p in source.problems]
    assert len(messages) == 2
    assert "'Гамма' matches 2 customers" in messages[0]
    assert "'дельта' matches 2 customers" in messages[1]


def test_a_name_shared_with_a_card_marked_for_deletion_resolves_to_the_live_card(tmp_path):
    customers = "Код;Наименование;Пометка удаления\n1;Гамма;Да\n2;Гамма;Нет\n"
    orders = "Номер;Дата;Контрагент;Сумма\n1;01.02.2026;Гамма;10\n"
    source = load_source(source_1c(tmp_path, orders, customers=customers))
    assert source.tables["orders"]["customer_id"].tolist() == ["2"]


def test_orders_of_an_unknown_customer_id_are_warnings_not_errors(tmp_path):
    orders = "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n2;01.02.2026;999;20\n"
    source = load_source(source_1c(tmp_path, orders))
    assert source.tables["orders"]["customer_id"].tolist() == ["001"]
    (warning,) = source.problems
    assert (warning.row, warning.column, warning.severity) == (3, "Код контрагента", "warning")
    assert "'999'" in warning.message


def test_unknown_customer_of_a_lead_keeps_the_lead_without_customer(tmp_path):
    leads = "Номер;Дата;Контрагент\nL1;01.02.2026;Альфа ООО\nL2;01.02.2026;Нет такого\n"
    source = load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", **{"lidy.csv": leads}))
    leads = source.tables["leads"]
    assert leads["lead_id"].tolist() == ["L1", "L2"]
    assert leads["customer_id"].iloc[0] == "001"
    assert pd.isna(leads["customer_id"].iloc[1])
    assert [p.severity for p in source.problems] == ["warning"]


def test_campaign_members_by_campaign_and_customer_name_with_group_and_response(tmp_path):
    campaigns = ("Код;Наименование;Вид кампании;Дата начала;Бюджет\n"
                 "C1;Весна;Реактивация;01.03.2026;10 000\n")
    members = ("Кампания;Контрагент;Группа;Отклик\n"
               "Весна;Альфа ООО;Контрольная;да\n"
               "весна;ИП Волков Д. С.;;\n")
    folder = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", **{
        "kampanii.csv": campaigns, "uchastniki_kampaniy.csv": members})
    source = load_source(folder)
    assert source.tables["campaigns"]["kind"].tolist() == ["reactivation"]
    assert source.tables["campaigns"]["cost"].tolist() == [10000.0]
    table = source.tables["campaign_members"]
    assert table["campaign_id"].tolist() == ["C1", "C1"]
    assert table["customer_id"].tolist() == ["001", "002"]
    assert table["group"].tolist() == ["control", "target"]
    assert table["responded"].tolist() == [True, pd.NA]


def test_status_cancelled_synonyms_are_normalised_and_other_statuses_kept(tmp_path):
    orders = ("Номер;Дата;Код контрагента;Сумма;Статус\n"
              "1;01.02.2026;001;10;Отменён\n2;01.02.2026;001;10;Закрыт\n3;01.02.2026;001;10;\n")
    status = load_source(source_1c(tmp_path, orders)).tables["orders"]["status"]
    assert status.tolist()[:2] == ["cancelled", "Закрыт"]
    assert status.isna().tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("inn", "name", "expected"),
    [("7701234560", "Альфа ООО", "company"), ("500100732259", "ИП Волков", "sole_trader"),
     ("500100732259", "ип\xa0Волков", "sole_trader"),
     ("500100732259", "Волков Индивидуальный Предприниматель", "sole_trader"),
     ("500100732259", "Волков Дмитрий", "person"), ("500100732259", "Типография", "person"),
     ("", "Альфа", None), ("12345", "Альфа", None)],
    ids=["10-digits", "12-ip", "12-ip-nbsp", "12-long-form", "12-person", "ip-inside-word", "no-inn",
         "bad-length"],
)
def test_customer_type_is_derived_from_the_inn_when_absent(tmp_path, inn, name, expected):
    customers = f"Код;Наименование;ИНН\n1;{name};{inn}\n"
    source = load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=customers))
    value = source.tables["customers"]["customer_type"].iloc[0]
    assert (None if pd.isna(value) else value) == expected


def test_given_customer_type_synonyms_map_and_empty_cells_are_derived(tmp_path):
    customers = "Код;Наименование;ИНН;Вид контрагента\n1;А;7701234560;Физическое лицо\n2;Б;7701234560;\n"
    source = load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=customers))
    assert source.tables["customers"]["customer_type"].tolist() == ["person", "company"]


# --- errors -------------------------------------------------------------------------------


def test_missing_required_column_lists_the_headers_found_and_the_synonyms(tmp_path):
    folder = source_1c(tmp_path, "Номер;Дата;Сумма\n1;01.02.2026;10\n")
    with pytest.raises(DataError) as exc:
        load_source(folder)
    (problem,) = problems_of(exc)
    assert (problem.file, problem.row, problem.column) == ("prodazhi.csv", None, "customer_id")
    assert "headers found: Номер, Дата, Сумма" in problem.message
    assert "Код контрагента" in problem.message and "Контрагент" in problem.message


def test_bad_date_names_its_row_and_value(tmp_path):
    orders = "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n2;31.02.2026;001;10\n"
    with pytest.raises(DataError) as exc:
        load_source(source_1c(tmp_path, orders))
    (problem,) = problems_of(exc)
    assert (problem.file, problem.row, problem.column) == ("prodazhi.csv", 3, "Дата")
    assert "'31.02.2026'" in problem.message and "expected DD.MM.YYYY[ HH:MM:SS]" in problem.message
    assert "prodazhi.csv, row 3, column 'Дата'" in str(exc.value)


def test_many_bad_numbers_in_one_column_are_one_problem_listing_the_first_rows(tmp_path):
    lines = "".join(f"{i};01.02.2026;001;{'x' if i > 1 else '1'}{i}\n" for i in range(1, 9))
    with pytest.raises(DataError) as exc:
        load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n" + lines))
    (problem,) = problems_of(exc)
    assert problem.row == 3
    assert problem.message.startswith("cannot read number in 7 rows: row 3 'x2', row 4 'x3'")
    assert "and 2 more" in problem.message and "expected a number like 1 234,56" in problem.message


def test_duplicate_customer_id_lists_all_rows_involved(tmp_path):
    customers = "Код;Наименование\n001;А\n002;Б\n001;В\n001;Г\n"
    with pytest.raises(DataError) as exc:
        load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=customers))
    (problem,) = problems_of(exc)
    assert (problem.file, problem.row, problem.column) == ("kontragenty.csv", 2, "Код")
    assert "duplicate customer_id '001' in rows 2, 4, 5" in problem.message


def test_empty_required_value_and_unknown_group_value(tmp_path):
    members = "Код кампании;Код контрагента;Группа\nC1;001;Тест\n;002;Чужая\n"
    folder = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", **{"campaign_members.csv": members})
    with pytest.raises(DataError) as exc:
        load_source(folder)
    messages = {p.column: p.message for p in problems_of(exc)}
    assert messages["Код кампании"] == "empty required value (campaign_id) in row 3"
    assert messages["Группа"].startswith("unknown group 'Чужая'; expected one of target, control")


def test_all_problems_of_all_files_come_in_one_error(tmp_path):
    customers = "Код;Наименование\n001;А\n001;Б\n"
    orders = ("Номер;Дата;Код контрагента;Сумма\n"
              "1;01.13.2026;001;10\n"
              "2;01.02.2026;001;десять\n"
              "3;01.02.2026;;10\n"
              "4;01.02.2026;999;10\n")
    with pytest.raises(DataError) as exc:
        load_source(source_1c(tmp_path, orders, customers=customers))
    errors = [(p.file, p.row, p.column) for p in problems_of(exc)]
    assert errors == [
        ("kontragenty.csv", 2, "Код"),
        ("prodazhi.csv", 2, "Дата"),
        ("prodazhi.csv", 3, "Сумма"),
        ("prodazhi.csv", 4, "Код контрагента"),
    ]
    assert [(p.row, p.severity) for p in problems_of(exc, "warning")] == [(5, "warning")]
    assert "the data source has 4 problems" in str(exc.value)


def test_a_row_with_more_cells_than_the_header_is_an_error(tmp_path):
    orders = "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n2;01.02.2026;001;10;лишнее\n"
    frame, problems = read_table(write(tmp_path / "o.csv", orders), "orders", load_format("1c"))
    assert [(p.row, p.column) for p in problems] == [(3, None)]
    assert "more cells than the header" in problems[0].message


def test_unsupported_file_is_a_problem_not_a_crash(tmp_path):
    frame, problems = read_table(write(tmp_path / "orders.xls", "x"), "orders", load_format("1c"))
    assert frame.empty
    assert "save it as .xlsx" in problems[0].message


# --- canonical format, Parquet ----------------------------------------------------------------


def test_canonical_csv_reads_iso_dates_and_dot_decimals(tmp_path):
    write(tmp_path / "customers.csv", "customer_id,name,is_deleted\n01,A,true\n02,B,\n")
    write(tmp_path / "orders.csv",
          "order_id,date,customer_id,amount\n1,2026-01-12,01,1234.5\n2,2026-01-13 10:15:02,02,-3\n")
    source = load_source(tmp_path, "canonical")
    orders = source.tables["orders"]
    assert orders["date"].tolist() == [pd.Timestamp("2026-01-12"), pd.Timestamp("2026-01-13 10:15:02")]
    assert orders["amount"].tolist() == [1234.5, -3.0]
    assert source.tables["customers"]["is_deleted"].tolist() == [True, False]


def test_canonical_rejects_a_decimal_comma_and_a_day_first_date(tmp_path):
    write(tmp_path / "customers.csv", "customer_id,name\n01,A\n")
    write(tmp_path / "orders.csv", 'order_id,date,customer_id,amount\n1,12.01.2026,01,"1,5"\n')
    with pytest.raises(DataError) as exc:
        load_source(tmp_path, "canonical")
    messages = [p.message for p in problems_of(exc)]
    assert "expected YYYY-MM-DD[ HH:MM:SS]" in messages[0]
    assert "expected a number like 1234.56" in messages[1]


def test_canonical_parquet_with_typed_columns(tmp_path):
    pd.DataFrame({"customer_id": [101, 102], "name": ["A", "B"],
                  "created_at": pd.to_datetime(["2025-01-01", None])}).to_parquet(tmp_path / "customers.parquet")
    pd.DataFrame({"order_id": ["o1", "o2"], "date": pd.to_datetime(["2026-01-12 10:00", "2026-01-13 00:00"]),
                  "customer_id": ["101", "102"], "amount": [10, 20],
                  "quantity": [1.5, np.nan]}).to_parquet(tmp_path / "orders.parquet")
    source = load_source(tmp_path, "canonical")
    assert source.tables["customers"]["customer_id"].tolist() == ["101", "102"]
    assert source.tables["customers"]["created_at"].isna().tolist() == [False, True]
    orders = source.tables["orders"]
    assert orders["customer_id"].tolist() == ["101", "102"]
    assert orders["amount"].tolist() == [10.0, 20.0]
    assert str(orders["date"].dtype) == "datetime64[ns]"
    assert orders["date"].iloc[0] == pd.Timestamp("2026-01-12 10:00")
    frame, _ = read_table(tmp_path / "orders.parquet", "orders", load_format("canonical"))
    assert frame["_row"].tolist() == [1, 2]


# --- formats ------------------------------------------------------------------------------------


def test_user_mapping_extends_1c_by_adding_synonyms(tmp_path):
    mapping = write(tmp_path / "my.yaml", (
        "extends: 1c\n"
        "files:\n  customers: [klienty_crm]\n"
        "columns:\n  customers:\n    manager: [Куратор]\n"
        "values:\n  customer_type:\n    company: [ООО]\n"
        "true_values: [ага]\n"
    ))
    fmt = load_format(mapping)
    base = load_format("1c")
    assert fmt.columns["customers"]["manager"] == (*base.columns["customers"]["manager"], "Куратор")
    assert fmt.files["customers"][-1] == "klienty_crm"
    assert fmt.decimal == "," and fmt.dayfirst is True
    assert "yes" in fmt.true_values and "ага" in fmt.true_values
    data = tmp_path / "data"
    data.mkdir()
    write(data / "klienty_crm.csv", "Код;Наименование;Куратор;Вид контрагента;Удален\n1;А;Петров;ООО;ага\n")
    write(data / "orders.csv", "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;1;1 000,5\n")
    source = load_source(data, fmt)
    customers = source.tables["customers"]
    assert customers[["manager", "customer_type", "is_deleted"]].iloc[0].tolist() == ["Петров", "company", True]
    assert source.tables["orders"]["amount"].tolist() == [1000.5]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("extends: 1c\ncolumns:\n  customers:\n    colour: [Цвет]\n", "unknown column 'colour'"),
     ("extends: 1c\nsynonyms: {}\n", "unknown key 'synonyms'"),
     ("extends: 1c\ncolumns:\n  clients: {}\n", "unknown table 'clients'"),
     ("extends: 1c\ndecimal: ';'\n", "decimal must be"),
     ("extends: 1c\nvalues:\n  group:\n    test: [x]\n", "unknown code 'test'")],
    ids=["column", "key", "table", "decimal", "code"],
)
def test_bad_mapping_files_are_profile_errors_naming_the_fault(tmp_path, text, fragment):
    with pytest.raises(ProfileError, match=fragment):
        load_format(write(tmp_path / "bad.yaml", text))


def test_unknown_format_name_is_a_profile_error_naming_it():
    with pytest.raises(ProfileError, match="unknown data format '1с-russian'"):
        load_format("1с-russian")


def test_builtin_formats_load_as_documented():
    one_c, canonical = load_format("1c"), load_format("canonical")
    assert isinstance(one_c, Format)
    assert (one_c.name, one_c.decimal, one_c.dayfirst) == ("1c", ",", True)
    assert (canonical.name, canonical.decimal, canonical.dayfirst) == ("canonical", ".", False)
    assert "Итого" in one_c.total_rows
    # YAML 1.1 would read these as booleans; a value list means the words
    assert {"yes", "no", "true", "1"} <= set(one_c.true_values) | set(one_c.false_values)


# --- finding files ------------------------------------------------------------------------------


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


def test_tables_limits_what_is_returned_but_customers_still_resolve_names(tmp_path):
    folder = source_1c(tmp_path, "Номер;Дата;Контрагент;Сумма\n1;01.02.2026;Альфа ООО;10\n")
    assert list(load_source(folder, tables=["customers"]).tables) == ["customers"]
    only_orders = load_source(folder, tables=["orders"])
    assert list(only_orders.tables) == ["orders"]
    assert only_orders.tables["orders"]["customer_id"].tolist() == ["001"]
    with pytest.raises(ProfileError, match="unknown table 'sales'"):
        load_source(folder, tables=["sales"])


# --- purity -------------------------------------------------------------------------------------


def test_load_source_does_not_mutate_its_arguments_and_is_deterministic(tmp_path):
    shutil.copytree(SAMPLE, tmp_path / "sample")
    fmt = load_format("1c")
    before = copy.deepcopy(fmt)
    files = {"orders": "prodazhi_po_klientam.xlsx"}
    first = load_source(tmp_path / "sample", fmt, files=files)
    second = load_source(tmp_path / "sample", fmt, files=files)
    assert fmt == before
    assert files == {"orders": "prodazhi_po_klientam.xlsx"}
    assert isinstance(first, Source)
    for name in first.tables:
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name])
    assert first.problems == second.problems


def test_read_table_does_not_change_the_file(tmp_path):
    path = write(tmp_path / "k.csv", CUSTOMERS_1C, "cp1251")
    before = path.read_bytes()
    read_table(path, "customers", load_format("1c"))
    assert path.read_bytes() == before
