"""1C CSV order lines streamed in chunks (issue 17): the same cache table, problems and counts as pandas.

Each case writes a 1C-style export (title block, «Итого» row, blank lines, decimal commas
with NBSP thousands, customers by name and by code) and loads it twice: ``load_source`` as
before (orders read whole into pandas) and with ``orders_parquet=`` (orders read
`_CHUNK_LINES` lines at a time), with chunks of 1, 2, 3 and 5 lines so that a chunk
boundary falls on every kind of line (and of 1000: one chunk), and compares the order lines as the cache stores
them, every problem and the row counts.
"""

from __future__ import annotations

import importlib.util
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import clientbase.sources.streaming as streaming
from clientbase.errors import DataError
from clientbase.sources import RowCount, load_source

NBSP = "\u00a0"
HEADER = ["Дата", "Документ", "Контрагент", "Код контрагента", "Номенклатура", "Количество", "Сумма",
          "Себестоимость", "Статус"]
TITLE = ["Продажи по клиентам", "Параметры:;Период: 01.01.2025 - 31.12.2025", 'Отбор:;Организация Равно "Ромашка"',
         ""]
CUSTOMERS = [  # code, name, marked for deletion
    ("001", "ООО «Альфа»", "Нет"), ("002", "ООО «Бета»", "Нет"), ("003", "ИП Ёлкин Пётр", "Нет"),
    ("004", "ООО «Гамма»", "Нет"), ("005", "ООО «Гамма»", "Нет"),  # one name, two cards: ambiguous
    ("006", "АО Дельта", "Да"), ("007", "АО Дельта", "Нет"),  # the live card wins
]
ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "ООО «Нет такого»"
CHUNKS = [1, 2, 3, 5, 1000]  # 1000: the whole file in one chunk


def money(value: float) -> str:
    """1C's way: 18 450,00 with an NBSP between thousands."""
    whole, cents = f"{abs(value):,.2f}".split(".")
    return ("-" if value < 0 else "") + whole.replace(",", NBSP) + "," + cents


def line(day: int, doc: int, name: str = "", code: str = "", amount: float = 1000.0, *, status: str = "Проведен",
         product: str = "Болт М6", quantity: str = "2", cost: str | None = None) -> list[str]:
    when = f"{day:02d}.03.2025 10:{doc % 60:02d}:00"
    title = f"Реализация товаров и услуг 00-{doc:06d} от {when}"
    return [when, title, name, code, product, quantity, money(amount),
            money(amount * 0.6) if cost is None else cost, status]


def good_lines() -> list[list[str]]:
    """Lines that load with warnings only: every kind of customer reference and value."""
    rows = []
    for i in range(24):
        kind = i % 6
        amount = 1234.5 * (i + 1) + 1_000_000 * (i == 6)
        if kind == 0:
            rows.append(line(1 + i, i, name="ООО «Альфа»", amount=amount))
        elif kind == 1:
            rows.append(line(1 + i, i, code="002", amount=amount, status="Отменен"))  # cancelled
        elif kind == 2:
            rows.append(line(1 + i, i, name=UNKNOWN, amount=amount))  # dropped, listed
        elif kind == 3:
            rows.append(line(1 + i, i, name="  ип ёлкин   пётр ", amount=-amount))  # folded name, a return
        elif kind == 4:
            rows.append(line(1 + i, i, name="ООО «Гамма»", amount=amount))  # ambiguous: dropped
        else:
            rows.append(line(1 + i, i, name="АО Дельта", code="099" if i == 11 else "", amount=amount))
    rows.insert(5, [""] * len(HEADER))  # a blank line of separators
    rows.insert(11, [])  # an empty line
    rows[14][4] = '"Гайка; М8"'  # a quoted cell with the separator inside
    rows[17][4] = '"Шайба\r\nплоская"'  # a quoted cell across two lines
    rows.append(["Итого", "", "", "", "", "", money(sum(1234.5 * (i + 1) for i in range(24))), "", ""])
    return rows


def bad_lines() -> list[list[str]]:
    """Lines with every error the file checks find, spread over the file."""
    rows = good_lines()[:-1]
    rows[2][0] = "31.02.2025"  # no such date
    rows[9][0] = "вчера"
    rows[3][6] = "12,34,5"  # no number
    rows[12][5] = "два"
    rows[15][1] = ""  # empty required: the document
    rows[20][2], rows[20][3] = "", ""  # empty required: the customer, by code and by name
    rows[6] = [*rows[6], "лишняя"]  # more cells than the header
    rows[18] = [*rows[18], "ещё"]
    return rows


def write_export(folder: Path, rows: list[list[str]], encoding: str, *, title: bool = True) -> Path:
    folder.mkdir()
    cards = ["Код;Наименование;ИНН;Пометка удаления"] + [f"{c};{n};;{d}" for c, n, d in CUSTOMERS]
    (folder / "kontragenty.csv").write_bytes(("\r\n".join(cards) + "\r\n").encode("cp1251"))
    text = [*(TITLE if title else []), ";".join(HEADER), *(";".join(r) for r in rows)]
    (folder / "prodazhi.csv").write_bytes(("\r\n".join(text) + "\r\n").encode(encoding))
    return folder


def both_ways(folder: Path, tmp_path: Path) -> tuple[pd.DataFrame, list, pd.DataFrame, list]:
    """(pandas lines, pandas problems, streamed lines, streamed problems); the counts are equal."""
    old = load_source(folder, "1c")
    old_file = tmp_path / "pandas-orders.parquet"
    old.tables["orders"].to_parquet(old_file, index=False)  # as cache._write_cache does
    new_file = tmp_path / "streamed-orders.parquet"
    new = load_source(folder, "1c", orders_parquet=new_file)
    assert "orders" not in new.tables  # streamed, not read whole
    assert new.written == {"orders": new_file}
    assert new_file.stat().st_mode & 0o777 == 0o644  # readable as any cache file, not mkstemp's 0o600
    assert new.counts == old.counts
    assert pq.read_schema(new_file).equals(pq.read_schema(old_file), check_metadata=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "pandas-orders.parquet", "streamed-orders.parquet"]
    return pd.read_parquet(old_file), list(old.problems), pd.read_parquet(new_file), list(new.problems)


def errors_both_ways(folder: Path, tmp_path: Path) -> tuple[list, list]:
    with pytest.raises(DataError) as old:
        load_source(folder, "1c")
    out = tmp_path / "out" / "orders.parquet"
    out.parent.mkdir()
    with pytest.raises(DataError) as new:
        load_source(folder, "1c", orders_parquet=out)
    assert list(out.parent.iterdir()) == []  # nothing written, no temporary file left
    return [asdict(p) for p in old.value.problems], [asdict(p) for p in new.value.problems]


@pytest.fixture(params=CHUNKS, ids=[f"chunks-of-{n}" for n in CHUNKS])
def chunk_lines(request, monkeypatch) -> int:
    monkeypatch.setattr(streaming, "_CHUNK_LINES", request.param)
    return request.param


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8-sig", "utf-8", "utf-16"])
def test_good_export_gives_the_same_lines_warnings_and_counts(tmp_path, chunk_lines, encoding):
    data = write_export(tmp_path / "data", good_lines(), encoding)
    old, old_problems, new, new_problems = both_ways(data, tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems
    # by hand: 4 title lines, the header on row 5; line i of the 24 is row i + 6 before the blank
    # line (row 11), i + 7 before the empty one (row 17), i + 8 after; line i's amount is 1234.5 × (i + 1)
    assert [p.message for p in new_problems] == [
        f"unknown customer {UNKNOWN!r}: no such name in the customers table; rows 8, 15, 22, 28 dropped; "
        f"amount {1234.5 * (3 + 9 + 15 + 21):.2f}",
        "customer name 'ООО «Гамма»' matches 2 customers; rows 10, 18, 24, 30 dropped; amount "
        f"{1234.5 * (5 + 11 + 17 + 23):.2f}",
        f"unknown customer '099': customer_id not in the customers table; row 19 dropped; amount {1234.5 * 12:.2f}",
    ]
    assert [p.row for p in new_problems] == [8, 10, 19]
    assert new["customer_id"].value_counts().to_dict() == {"001": 4, "002": 4, "003": 4, "007": 3}
    assert (new["status"] == "cancelled").sum() == 4
    assert new.loc[new["customer_id"] == "001", "amount"].iloc[1] == 1234.5 * 7 + 1_000_000  # NBSP thousands
    assert sorted(new["product_id"].unique()) == ["Болт М6", "Гайка; М8", "Шайба\r\nплоская"]
    dropped = 1234.5 * (3 + 9 + 15 + 21 + 5 + 11 + 17 + 23 + 12)
    assert load_source(data, "1c").counts["orders"] == RowCount(read=24, used=15, dropped_amount=round(dropped, 2))


def test_export_with_errors_gives_the_same_problems_and_writes_nothing(tmp_path, chunk_lines):
    data = write_export(tmp_path / "data", bad_lines(), "cp1251")
    old, new = errors_both_ways(data, tmp_path)
    assert new == old
    errors = [(p["row"], p["column"], p["message"]) for p in new if p["severity"] == "error"]
    assert errors == [
        (12, None, "rows 12, 24: more cells than the header (a separator inside an unquoted value?); "
                   "quote such values or save the file again"),
        (8, "Дата", "cannot read date in 2 rows: row 8 '31.02.2025', row 15 'вчера'; "
                    "expected DD.MM.YYYY[ HH:MM:SS] from 22.09.1677 to 11.04.2262"),
        (18, "Количество", "cannot read number 'два'; expected a number like 1 234,56"),
        (9, "Сумма", "cannot read number '12,34,5'; expected a number like 1 234,56"),
        (21, "Документ", "empty required value (order_id) in row 21"),
        (26, "Код контрагента / Контрагент", "empty required value (customer_id) in row 26"),
    ]
    assert [p["severity"] for p in new].count("warning") == 3  # the good lines' names are still resolved


def test_many_unknown_names_across_chunks_are_counted_after_the_first_fifty(tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "_CHUNK_LINES", 7)
    rows = []
    for i in range(300):
        if i % 3 == 0:
            rows.append(line(1 + i % 28, i, name="ООО «Альфа»", amount=100.0 + i))
        else:  # 60 unknown names (i % 90 not divisible by 3), each on 3 or 4 lines 90 lines apart
            rows.append(line(1 + i % 28, i, name=f"ООО «Нет {i % 90:02d}»", amount=100.0 + i))
    data = write_export(tmp_path / "data", rows, "cp1251", title=False)
    old, old_problems, new, new_problems = both_ways(data, tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems
    assert len(new_problems) == 51
    # line i is file row i + 2 (the header is row 1)
    assert new_problems[0].message == ("unknown customer 'ООО «Нет 01»': no such name in the customers table; "
                                       f"rows 3, 93, 183, 273 dropped; amount {101 + 191 + 281 + 371:.2f}")
    last = [v for v in range(90) if v % 3][50:]  # named in the order of their first rows
    rest = [i for i in range(300) if i % 3 and i % 90 in last]
    assert new_problems[-1].message == (f"and 10 more such values in {len(rest)} rows; "
                                        f"amount {sum(100.0 + i for i in rest):.2f}")
    assert len(new) == 100


def test_an_unknown_code_on_many_lines_lists_the_first_five(tmp_path, chunk_lines):
    rows = [line(1 + i, i, code="077" if i % 2 else "001", amount=10.0 * (i + 1)) for i in range(16)]
    data = write_export(tmp_path / "data", rows, "utf-8-sig", title=False)
    old, old_problems, new, new_problems = both_ways(data, tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems
    assert [p.message for p in new_problems] == [
        "unknown customer '077': customer_id not in the customers table; rows 3, 5, 7, 9, 11 and 3 more dropped; "
        f"amount {10.0 * sum(range(2, 17, 2)):.2f}"]


def test_a_file_pandas_cannot_split_gives_the_same_problem(tmp_path, chunk_lines):
    rows = good_lines()[:-1]
    rows[-1][4] = '"Гайка без конца'  # the quote is never closed
    data = write_export(tmp_path / "data", rows, "cp1251")
    old, new = errors_both_ways(data, tmp_path)
    assert new == old
    assert "cannot split the file into columns by ';'" in new[0]["message"]


def test_a_damaged_utf8_file_with_a_bom_gives_the_same_problem(tmp_path):
    data = write_export(tmp_path / "data", good_lines(), "utf-8-sig")
    damaged = (data / "prodazhi.csv").read_bytes() + "Итого;;;;;;1,00;;\r\n".encode("cp1251")
    (data / "prodazhi.csv").write_bytes(damaged)
    old, new = errors_both_ways(data, tmp_path)
    assert new == old
    assert new[0]["message"].startswith("cannot read the file: 'utf-8' codec can't decode byte")


def test_no_data_lines_gives_an_empty_table(tmp_path, chunk_lines):
    data = write_export(tmp_path / "data", [["Итого", "", "", "", "", "", "0,00", "", ""]], "cp1251")
    old, old_problems, new, new_problems = both_ways(data, tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems == []
    assert len(new) == 0


def test_missing_required_column_is_the_same_error(tmp_path, chunk_lines):
    rows = [r[:6] + r[7:] for r in good_lines()]
    data = tmp_path / "data"
    write_export(data, rows, "cp1251")
    text = (data / "prodazhi.csv").read_bytes().decode("cp1251").replace(";Сумма;", ";")
    (data / "prodazhi.csv").write_bytes(text.encode("cp1251"))
    old, new = errors_both_ways(data, tmp_path)
    assert new == old
    assert "required column 'amount' not found" in new[0]["message"]


def test_small_files_keep_the_whole_file_path_below_the_threshold(tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "STREAM_MIN_BYTES", 10**9)
    data = write_export(tmp_path / "data", good_lines(), "cp1251")
    source = load_source(data, "1c", orders_parquet=tmp_path / "out.parquet")
    assert source.written == {}
    assert len(source.tables["orders"]) == 15


def test_the_benchmark_export_streams_to_the_same_lines(tmp_path, monkeypatch):
    # benchmarks/csv_streaming.py measures this export at 1M and 3M lines; here a small one
    spec = importlib.util.spec_from_file_location("csv_streaming", ROOT / "benchmarks" / "csv_streaming.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(streaming, "_CHUNK_LINES", 700)
    data = tmp_path / "data"
    bench.generate(data, 3000, 50)
    text = (data / "prodazhi.csv").read_bytes().decode("cp1251")
    assert text.startswith("Продажи по клиентам\r\n") and "\r\nИтого;" in text and NBSP in text
    old, old_problems, new, new_problems = both_ways(data, tmp_path)
    pd.testing.assert_frame_equal(new, old)
    assert new_problems == old_problems
    # never more than a chunk of lines at a time: each chunk is a row group of its own
    groups = pq.ParquetFile(tmp_path / "streamed-orders.parquet").metadata
    assert groups.num_row_groups == 5
    assert max(groups.row_group(i).num_rows for i in range(groups.num_row_groups)) <= 700
    lines = [r.split(";") for r in text.split("\r\n")[5:-2]]  # title block and header, «Итого» and the end
    assert len(lines) == 3000
    dropped = [r for r in lines if r[2] == "ООО «Нет такого клиента»"]
    amount = sum(float(r[5].replace(NBSP, "").replace(",", ".")) for r in dropped)
    assert len(dropped) > 0
    assert [p.message.split(":")[0] for p in new_problems] == ["unknown customer 'ООО «Нет такого клиента»'"]
    assert new_problems[0].message.endswith(f"dropped; amount {amount:.2f}")
    assert load_source(data, "1c").counts["orders"] == RowCount(3000, 3000 - len(dropped), round(amount, 2))
    assert len(new) == 3000 - len(dropped)
