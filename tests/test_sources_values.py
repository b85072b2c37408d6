"""Tests of clientbase.sources.values: parsing 1C's numbers, dates, flags and value synonyms."""

from __future__ import annotations

import pandas as pd
import pytest

from clientbase.errors import DataError
from clientbase.sources import load_format, load_source, read_table
from sources_frames import CUSTOMERS_1C, SAMPLE, problems_of, source_1c, write, write_xlsx  # noqa: F401


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



def test_flags_read_yes_no_and_an_empty_deletion_mark_is_false(tmp_path):
    text = "Код;Наименование;Пометка удаления\n1;А;Да\n2;Б;нет\n3;В;\n"
    source = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=text)
    assert load_source(source).tables["customers"]["is_deleted"].tolist() == [True, False, False]



def test_unknown_flag_value_is_an_error(tmp_path):
    text = "Код;Наименование;Пометка удаления\n1;А;может быть\n"
    frame, problems = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert [(p.row, p.column) for p in problems] == [(2, "Пометка удаления")]
    assert problems[0].message.startswith("cannot read yes/no value 'может быть'; expected one of да/истина/нет")



def test_ids_keep_leading_zeros_and_inn_kpp_lose_only_group_separators(tmp_path):
    text = ("Код;Наименование;ИНН;КПП\n 00123 ;А;7 701 234 560;0770A1001\n0001;Б;12ab;\n"
            "0002;В;6127 515788;\n0003;Г;\u00a0502 101 001 234 ;\n")
    frame, problems = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert problems == []
    assert frame["customer_id"].tolist() == ["00123", "0001", "0002", "0003"]
    # a grouped number is a number; a space typed inside is the audit's to find (not_digits)
    assert frame["inn"].tolist() == ["7701234560", "12ab", "6127 515788", "502101001234"]
    assert frame["kpp"].tolist()[0] == "0770A1001"



def test_status_cancelled_synonyms_are_normalised_and_other_statuses_kept(tmp_path):
    orders = ("Номер;Дата;Код контрагента;Сумма;Статус\n"
              "1;01.02.2026;001;10;Отменён\n2;01.02.2026;001;10;Закрыт\n3;01.02.2026;001;10;\n")
    status = load_source(source_1c(tmp_path, orders)).tables["orders"]["status"]
    assert status.tolist()[:2] == ["cancelled", "Закрыт"]
    assert status.isna().tolist() == [False, False, True]



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


def _optional_dates() -> list[tuple[str, str]]:
    from clientbase.schema import TABLES

    return [(name, col) for name, table in TABLES.items() for col, kind in table.columns.items()
            if kind == "date" and col not in table.required]


def _required_row(table: str, i: int) -> list[str]:
    from clientbase.schema import TABLES

    samples = {"date": "2026-01-05", "created_at": "2026-01-05", "amount": "10", "cost": "5", "status": "open"}
    return [samples.get(col, f"{col[:2]}{i}") for col in TABLES[table].required]


@pytest.mark.parametrize(("table", "column"), _optional_dates())
def test_1c_empty_date_is_empty_in_every_optional_date_column(tmp_path, table, column):
    from clientbase.schema import TABLES

    header = ",".join([*TABLES[table].required, column])
    values = ["01.01.0001 0:00:00", "01.01.0001", "0001-01-01", "2026-03-04"]
    text = header + "\n" + "".join(",".join([*_required_row(table, i), v]) + "\n" for i, v in enumerate(values))
    frame, problems = read_table(write(tmp_path / f"{table}.csv", text), table, load_format("canonical"))
    assert problems == []
    assert frame[column].isna().tolist() == [True, True, True, False]


def test_parquet_dates_of_year_1_are_empty_and_outside_pandas_range_are_a_clear_error(tmp_path):
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    stamps = [dt.datetime(1, 1, 1), dt.datetime(2026, 1, 5), dt.datetime(3026, 1, 1), None]
    pq.write_table(pa.table({"customer_id": ["1", "2", "3", "4"], "name": ["А", "Б", "В", "Г"],
                             "created_at": pa.array(stamps, pa.timestamp("us"))}), tmp_path / "customers.parquet")
    frame, problems = read_table(tmp_path / "customers.parquet", "customers", load_format("canonical"))
    assert frame["created_at"].isna().tolist() == [True, False, True, True]
    assert frame["created_at"].iloc[1] == pd.Timestamp("2026-01-05")
    (problem,) = problems
    assert (problem.file, problem.row, problem.column, problem.severity) == (
        "customers.parquet", 3, "created_at", "error")
    assert "'3026-01-01 00:00:00'" in problem.message and "from 1677-09-22 to 2262-04-11" in problem.message


@pytest.mark.parametrize("seed", range(12))
def test_binary_garbage_in_an_order_file_is_a_clear_error_naming_the_file(tmp_path, seed):
    import random

    rng = random.Random(seed)
    source = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n")
    garbage = bytes(rng.randrange(256) for _ in range(rng.randrange(50, 5000)))
    head = [b"", "Номер;Дата;Код контрагента;Сумма\n".encode("cp1251"), b"\r\x00;\n"][seed % 3]
    (source / "prodazhi.csv").write_bytes(head + garbage)
    with pytest.raises(DataError) as exc:
        load_source(source)
    assert "prodazhi.csv" in str(exc.value)
