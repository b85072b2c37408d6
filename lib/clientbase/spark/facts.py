"""The facts computed by Spark SQL; only the aggregated rows come back to the driver.

The ONE SQL text of ``clientbase.cube`` in Spark's dialect (``cube.SPARK``): lines → order
documents → customer × day → customer × month, and revenue per customer × product × month
for the top products. The rows come back as Arrow and are written with the layout of
``cube.build_facts`` (``daily.parquet``, ``cube.parquet``) and of the database source
(``products.parquet``), so every notebook works unchanged and no notebook starts a JVM.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clientbase.cube import SPARK, pushed_cube_sql, pushed_daily_sql, pushed_products_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# the files as build_facts writes them, whatever types Spark's Arrow batches have
DAILY_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("date", pa.date32()), ("revenue", pa.float64()),
    ("gross_profit", pa.float64()), ("quantity", pa.float64()), ("orders", pa.int64()),
    ("activity_revenue", pa.float64()),
])
CUBE_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("month", pa.date32()), ("revenue", pa.float64()),
    ("gross_profit", pa.float64()), ("quantity", pa.float64()), ("orders", pa.int64()),
    ("first_order_date", pa.date32()), ("last_order_date", pa.date32()), ("activity_revenue", pa.float64()),
])
PRODUCTS_SCHEMA = pa.schema([
    ("customer_id", pa.string()), ("product_id", pa.string()), ("month", pa.date32()), ("revenue", pa.float64()),
])


def write_parquet_facts(
    spark: SparkSession, path: str | Path, out_dir: str | Path, *, as_of: pd.Timestamp
) -> dict[str, Path]:
    """`write_facts` of canonical order lines in Parquet (a file or folder, any URL Spark reads).

    pandas and DuckDB write dates as nanosecond timestamps, which Spark reads only as their
    count of nanoseconds (``spark.sql.legacy.parquet.nanosAsLong``, set for this step and
    put back after it): such a `date` becomes the day it falls on, as DuckDB's CAST does.
    """
    with nanoseconds_as_integers(spark):
        lines = spark.read.parquet(str(path))
        if dict(lines.dtypes).get("date") == "bigint":
            lines = lines.withColumn("date", day_of_nanoseconds("date"))
        return write_facts(spark, lines, out_dir, as_of=as_of)


@contextmanager
def nanoseconds_as_integers(spark: SparkSession) -> Iterator[None]:
    """Spark reads Parquet's nanosecond timestamps (pandas and DuckDB write them) as integers,
    while in the block: it cannot read them as timestamps at all."""
    key = "spark.sql.legacy.parquet.nanosAsLong"
    before = spark.conf.get(key)
    spark.conf.set(key, "true")
    try:
        yield
    finally:
        spark.conf.set(key, before)


def write_facts(
    spark: SparkSession, lines: DataFrame, out_dir: str | Path, *, as_of: pd.Timestamp
) -> dict[str, Path]:
    """Aggregate canonical order lines in Spark into daily.parquet, cube.parquet (and products.parquet).

    Three queries over the lines (days, months, products by month); what comes back are the
    aggregates only. The days are not persisted for the months: building Spark's columnar
    cache of them cost more than summing the lines again (docs/SCALE.md).
    """
    out = Path(out_dir)
    columns = set(lines.columns)
    view = f"clientbase_lines_{uuid.uuid4().hex[:12]}"
    lines.createOrReplaceTempView(view)
    try:
        filled = _filled(spark, view, [c for c in ("cost", "quantity") if c in columns])
        daily = pushed_daily_sql(view, as_of=as_of, has_cost=filled.get("cost", False),
                                 has_quantity=filled.get("quantity", False), has_status="status" in columns,
                                 dialect=SPARK)
        tables = {
            "daily": (_arrow(spark.sql(daily), DAILY_SCHEMA), ["customer_id", "date"]),
            "cube": (_arrow(spark.sql(pushed_cube_sql(f"({daily}) AS daily", dialect=SPARK)), CUBE_SCHEMA),
                     ["customer_id", "month"]),
        }
        if "product_id" in columns:
            products = spark.sql(pushed_products_sql(view, as_of=as_of, has_status="status" in columns,
                                                     dialect=SPARK))
            tables["products"] = (_arrow(products, PRODUCTS_SCHEMA), ["customer_id", "month", "product_id"])
    finally:
        spark.catalog.dropTempView(view)
    written = {}
    for name, (table, order) in tables.items():
        written[name] = out / f"{name}.parquet"
        pq.write_table(table.sort_by([(c, "ascending") for c in order]), written[name])
    return written


def _filled(spark: SparkSession, view: str, columns: list[str]) -> dict[str, bool]:
    """Which of `columns` hold any value (one pass over the lines)."""
    if not columns:
        return {}
    row = spark.sql(f"SELECT {', '.join(f'count({c}) > 0' for c in columns)} FROM {view}").collect()[0]
    return {c: bool(v) for c, v in zip(columns, row, strict=True)}


def _arrow(frame: Any, schema: pa.Schema) -> pa.Table:
    """A Spark result as an Arrow table of exactly `schema` (column order, types)."""
    table = frame.toArrow()
    return pa.table([table.column(f.name).cast(f.type) for f in schema], schema=schema)


def day_of_nanoseconds(name: str) -> Any:
    """The DATE of the column `name`, nanoseconds since 1970-01-01 00:00 (`day_of_nanoseconds_sql`)."""
    from pyspark.sql import functions as F

    return F.expr(day_of_nanoseconds_sql(f"`{name}`"))


def day_of_nanoseconds_sql(expression: str) -> str:
    """Spark SQL: the DATE of nanoseconds since 1970-01-01 00:00, floored in integers (a day
    before 1970 too; a double would round the 19-digit counts)."""
    day = 86_400_000_000_000
    return f"date_from_unix_date(CAST(({expression} - pmod({expression}, {day})) div {day} AS INT))"
