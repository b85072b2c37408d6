"""Tests of clientbase.sources: whole sources loaded into canonical tables (samples, problems, contract)."""

from __future__ import annotations

import copy
import shutil

import numpy as np
import pandas as pd
import pytest

from clientbase.errors import DataError, ProfileError
from clientbase.schema import TABLES
from clientbase.sources import Source, load_format, load_source, read_table
from sources_frames import CUSTOMERS_1C, SAMPLE, problems_of, source_1c, write, write_xlsx  # noqa: F401

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


# --- customers by name, value synonyms -----------------------------------------------------


# --- errors -------------------------------------------------------------------------------


def test_missing_required_column_lists_the_headers_found_and_the_synonyms(tmp_path):
    folder = source_1c(tmp_path, "Номер;Дата;Сумма\n1;01.02.2026;10\n")
    with pytest.raises(DataError) as exc:
        load_source(folder)
    (problem,) = problems_of(exc)
    assert (problem.file, problem.row, problem.column) == ("prodazhi.csv", None, "customer_id")
    assert "headers found: Номер, Дата, Сумма" in problem.message
    assert "Код контрагента" in problem.message and "Контрагент" in problem.message


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


# --- canonical format, Parquet ----------------------------------------------------------------


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


# --- finding files ------------------------------------------------------------------------------


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
