"""Parquet order lines through DuckDB (issue 7): the same cache table and problems as pandas.

Each case loads one folder twice: ``load_source`` as before (orders read into pandas) and
with ``orders_parquet=`` (orders checked and written by DuckDB), and compares the order
lines as the cache stores them and every problem.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from clientbase.cache import _parquet_stats, _table_stats
from clientbase.errors import DataError
from clientbase.sources import RowCount, load_source

MS = pa.timestamp("ms")


def customers_file(folder: Path, ids: list[str], header: str = "customer_id") -> None:
    pq.write_table(pa.table({header: ids, "name": [f"Клиент {i}" for i in ids]}), folder / "customers.parquet")


def orders_file(folder: Path, columns: dict[str, pa.Array], name: str = "orders.parquet") -> None:
    pq.write_table(pa.table(columns), folder / name)


def good_orders(n: int = 12) -> dict[str, pa.Array]:
    """Typed canonical lines with padded ids, a blank line, NaN cost and status synonyms."""
    ids = [f" O{i} " for i in range(n)]
    ids[3] = None  # the blank line: every cell empty
    return {
        "order_id": pa.array(ids, pa.string()),
        "date": pa.array([pd.Timestamp("2025-01-01") + pd.Timedelta(days=i, hours=i % 3) if i != 3 else None
                          for i in range(n)], MS),
        "customer_id": pa.array([["C1", "C2 ", "\u00a0C3"][i % 3] if i != 3 else None for i in range(n)]),
        "amount": pa.array([float(i) * 10.5 if i != 3 else None for i in range(n)], pa.float64()),
        "cost": pa.array([np.nan if i % 4 == 0 else float(i) if i != 3 else None for i in range(n)], pa.float64()),
        "quantity": pa.array([i if i != 3 else None for i in range(n)], pa.int32()),
        "product_id": pa.array([None if i % 5 in (0, 3) else f"P{i % 2}" for i in range(n)], pa.string()),
        "status": pa.array([["done", "Canceled", "  ", "cancelled"][i % 4] if i != 3 else None for i in range(n)]),
    }


def both_ways(folder: Path, fmt: str, tmp_path: Path) -> tuple[pd.DataFrame, list, pd.DataFrame, list, dict]:
    """(pandas lines, pandas problems, DuckDB lines, DuckDB problems, where DuckDB wrote)."""
    old = load_source(folder, fmt)
    old_file = tmp_path / "pandas-orders.parquet"
    old.tables["orders"].to_parquet(old_file, index=False)  # as cache._write_cache does
    new_file = tmp_path / "duckdb-orders.parquet"
    new = load_source(folder, fmt, orders_parquet=new_file)
    assert "orders" not in new.tables
    assert new.counts == old.counts  # the lines read, used and dropped with their amount
    return (pd.read_parquet(old_file), list(old.problems), pd.read_parquet(new_file), list(new.problems),
            new.written)


def errors_both_ways(folder: Path, fmt: str, tmp_path: Path) -> tuple[list, list]:
    with pytest.raises(DataError) as old:
        load_source(folder, fmt)
    out = tmp_path / "duckdb-orders.parquet"
    with pytest.raises(DataError) as new:
        load_source(folder, fmt, orders_parquet=out)
    assert not out.exists()  # nothing is written when the source has errors
    return old.value.problems, new.value.problems


def test_good_canonical_file_gives_the_same_lines_and_warnings(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2"])  # C3 is unknown: its lines are dropped with a warning
    orders_file(data, good_orders())
    old, old_problems, new, new_problems, written = both_ways(data, "canonical", tmp_path)
    assert written == {"orders": tmp_path / "duckdb-orders.parquet"}
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems
    assert new["order_id"].tolist() == ["O0", "O1", "O4", "O6", "O7", "O9", "O10"]
    assert new["status"].tolist()[:3] == ["done", "cancelled", "done"]
    assert [p.message for p in new_problems] == [
        "unknown customer 'C3': customer_id not in the customers table; rows 3, 6, 9, 12 dropped; amount 273.00"]
    # the blank line is no data line; C3's four lines (2, 5, 8, 11 × 10.5) are read, not used
    assert load_source(data, "canonical").counts["orders"] == RowCount(read=11, used=7, dropped_amount=273.0)


def test_1c_headers_total_row_and_status_synonyms(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["001", "002"], header="Код")
    orders_file(data, {
        "Номер": pa.array(["Д-1", "Д-2", "Д-3", " ИТОГО\u00a0по  отчёту. ", None]),
        "Дата": pa.array([pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-02"), pd.Timestamp("2025-03-03"),
                          None, None], MS),
        "Код контрагента": pa.array(["001", "002", "001", None, None]),
        "Сумма": pa.array([100.0, -5.0, 7.25, 102.25, None]),
        "Статус": pa.array(["Отменён", "Проведен", None, None, None]),
        "Комментарий": pa.array(["a", "b", "c", "d", "e"]),
    }, name="prodazhi.parquet")
    old, old_problems, new, new_problems, _ = both_ways(data, "1c", tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems == []
    assert new["status"].tolist()[0] == "cancelled"
    assert len(new) == 3


def test_missing_required_column_is_the_same_error(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2"])
    columns = good_orders()
    del columns["amount"]
    orders_file(data, columns)
    old, new = errors_both_ways(data, "canonical", tmp_path)
    assert [asdict(p) for p in new] == [asdict(p) for p in old]
    assert "required column 'amount' not found" in new[0].message


def test_null_dates_and_empty_ids_list_the_same_rows(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2", "C3"])
    columns = good_orders(20)
    dates = columns["date"].to_pylist()
    dates[5:13] = [None] * 8  # more than the 5 rows a problem lists
    columns["date"] = pa.array(dates, MS)
    ids = columns["customer_id"].to_pylist()
    ids[7] = "   "
    columns["customer_id"] = pa.array(ids)
    orders_file(data, columns)
    old, new = errors_both_ways(data, "canonical", tmp_path)
    assert [asdict(p) for p in new] == [asdict(p) for p in old]
    assert [p.message for p in new if p.severity == "error"] == [
        "empty required value (date) in rows 6, 7, 8, 9, 10 and 3 more",
        "empty required value (customer_id) in row 8",
    ]


@pytest.mark.parametrize(("n", "last"), [
    # the rest are the lines 100, 102, ... of amounts 100.0, 102.0, ...
    pytest.param(130, "and 10 more such values in 10 rows; amount 1090.00", id="few-unknown-ids-filtered-in-order"),
    pytest.param(700, "and 295 more such values in 295 rows; amount 116230.00",
                 id="many-unknown-ids-joined-and-sorted"),
])
def test_many_unknown_customers_are_counted_after_the_first_fifty(tmp_path, n, last):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["K", "L"])
    orders_file(data, {
        "order_id": pa.array([f"O{i}" for i in range(n)]),
        "date": pa.array([pd.Timestamp("2025-01-01") + pd.Timedelta(days=i) for i in range(n)], MS),
        "customer_id": pa.array([["K", "L"][i % 4 // 2] if i % 2 else f"U{i % (n - 10):03d}" for i in range(n)]),
        "amount": pa.array([float(i) for i in range(n)]),
    })
    old, old_problems, new, new_problems, _ = both_ways(data, "canonical", tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems
    assert len(new_problems) == 51
    assert new_problems[-1].message == last
    assert new["order_id"].tolist() == [f"O{i}" for i in range(1, n, 2)]


def test_unknown_customers_and_contacts_keep_the_pandas_order_of_problems(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2"])
    orders_file(data, good_orders())
    pq.write_table(pa.table({"contact_id": ["K1"], "customer_id": ["C9"], "name": ["Иван"]}),
                   data / "contacts.parquet")
    _, old_problems, _, new_problems, _ = both_ways(data, "canonical", tmp_path)
    assert new_problems == old_problems
    assert [p.table for p in new_problems] == ["contacts", "orders"]


def but_blank(value: str) -> pa.Array:
    """Twelve cells of `value`, line 4 empty (the blank line of `good_orders`)."""
    return pa.array([None if i == 3 else value for i in range(12)])


@pytest.mark.parametrize("change", [
    pytest.param({"customer_name": but_blank("Клиент C1")}, id="customers-by-name"),
    pytest.param({"date": but_blank("2025-01-01")}, id="dates-as-text"),
    pytest.param({"amount": but_blank("1.5")}, id="numbers-as-text"),
])
def test_files_that_need_parsing_keep_the_pandas_path(tmp_path, change):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2", "C3"])
    orders_file(data, good_orders() | change)
    source = load_source(data, "canonical", orders_parquet=tmp_path / "out.parquet")
    assert source.written == {}
    assert "orders" in source.tables
    assert not (tmp_path / "out.parquet").exists()


def test_csv_orders_are_streamed_not_read_by_duckdb(tmp_path):
    # CSV order lines go through the chunked reader (tests/test_csv_streaming.py), not DuckDB
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1"])
    (data / "orders.csv").write_text("order_id,date,customer_id,amount\nO1,2025-01-01,C1,5\n", encoding="utf-8")
    source = load_source(data, "canonical", orders_parquet=tmp_path / "out.parquet")
    assert source.written == {"orders": tmp_path / "out.parquet"}
    assert "orders" not in source.tables
    assert pd.read_parquet(tmp_path / "out.parquet")["amount"].tolist() == [5.0]


def test_parquet_stats_match_the_frame_stats(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2", "C3"])
    orders_file(data, good_orders())
    old = load_source(data, "canonical").tables["orders"]
    out = tmp_path / "orders.parquet"
    load_source(data, "canonical", orders_parquet=out)
    stats = _parquet_stats(out, "orders")
    assert stats == _table_stats(old, "orders")
    assert json.dumps(stats)  # meta.json must be able to hold it
    assert stats["columns"] == ["order_id", "date", "customer_id", "amount", "cost", "quantity",
                                "product_id", "status"]


@pytest.mark.parametrize("product", [["P1", "P2", "P1"], ["P1", "", "P1"], ["P1", "P2 ", "P1"], ["P1", "\u3000", None]],
                         ids=["clean", "one-empty", "one-padded", "one-blank"])
def test_columns_read_as_they_are_only_when_nothing_needs_trimming(tmp_path, product):
    # a text column with no empty value and nothing to trim skips trimming (a speed-up):
    # the lines must not change either way
    data = tmp_path / "data"
    data.mkdir()
    customers_file(data, ["C1", "C2"])
    orders_file(data, {
        "order_id": pa.array(["O1", "O2", "O3"]),
        "date": pa.array([pd.Timestamp("2025-01-01")] * 3, MS),
        "customer_id": pa.array(["C1", "C2", "C1"]),
        "amount": pa.array([1.0, 2.0, 3.0]),
        "product_id": pa.array(product, pa.string()),
    })
    old, old_problems, new, new_problems, _ = both_ways(data, "canonical", tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems == []
    assert new["product_id"].isna().sum() == sum(1 for p in product if p is None or not p.strip())
