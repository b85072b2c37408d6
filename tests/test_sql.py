"""Tests of clientbase.sql: names and values quoted into SQL the same way everywhere."""

from pathlib import Path

import duckdb

from clientbase.sql import identifier, literal


def test_quoted_names_and_values_survive_duckdb():
    name, value = 'Сумма "с НДС"', "O'Brien; DROP TABLE x; --"
    row = duckdb.sql(f"SELECT {literal(value)} AS {identifier(name)}").fetchall()
    assert row == [(value,)]
    assert duckdb.sql(f"SELECT {literal(value)} AS {identifier(name)}").columns == [name]


def test_a_path_is_a_literal():
    assert literal(Path("/tmp/it's/orders.parquet")) == "'/tmp/it''s/orders.parquet'"
    assert identifier("a") == '"a"'
