"""The Spark engine: the facts of a run computed by Spark SQL, only aggregates back to the driver.

With ``data.engine: spark`` the order lines are aggregated by Spark with the ONE SQL text of
``clientbase.cube`` in Spark's dialect (``cube.SPARK``): lines → order documents → customer ×
day → customer × month, and revenue per customer × product × month for the top products.
The aggregated rows come back as Arrow and are written to the cache with the layout of
``cube.build_facts`` (``daily.parquet``, ``cube.parquet``) and of the database source
(``products.parquet``), so every notebook works unchanged and no notebook starts a JVM.

The session: one already running in this process is used as it is (a notebook's, a test's,
the one ``spark-submit`` made); else one is built from ``data.spark`` (master URL, conf).
PySpark is the optional extra ``clientbase[spark]``; Spark 4 needs Java 17 or newer.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clientbase.cube import SPARK, pushed_cube_sql, pushed_daily_sql, pushed_products_sql
from clientbase.errors import ClientbaseError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from clientbase.profiles import SparkSettings

# what a session built here has unless data.spark.conf says otherwise: no web UI and no
# progress bars on the console (a run's log is read by people and schedulers)
DEFAULT_CONF = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}

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


def spark_session(settings: SparkSettings) -> SparkSession:
    """The Spark session of the facts step: the running one, else one built from `data.spark`.

    Under ``spark-submit`` the JVM is already there (``PYSPARK_GATEWAY_PORT``): its master
    and conf win, `data.spark.conf` is added. Raises ClientbaseError when PySpark or Java
    is missing, saying how to install them.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ClientbaseError("data.engine spark needs PySpark: pip install 'clientbase[spark]' "
                              "(or pip install 'pyspark>=4.0')") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if not submitted and java_command() is None:
        raise ClientbaseError("data.engine spark needs Java 17 or newer and none was found (no java on PATH, "
                              "no JAVA_HOME): run scripts/ensure-java.sh, or apt-get install default-jre-headless")
    builder = SparkSession.builder.appName("clientbase")
    if not submitted:
        builder = builder.master(settings.master)
    for key, value in (DEFAULT_CONF | dict(settings.conf)).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def java_command() -> str | None:
    """The java that PySpark would start: $JAVA_HOME/bin/java, else java on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").is_file():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


def write_parquet_facts(
    spark: SparkSession, path: str | Path, out_dir: str | Path, *, as_of: pd.Timestamp
) -> dict[str, Path]:
    """`write_facts` of canonical order lines in Parquet (a file or folder, any URL Spark reads).

    pandas and DuckDB write dates as nanosecond timestamps, which Spark reads only as their
    count of nanoseconds (``spark.sql.legacy.parquet.nanosAsLong``, set for this step and
    put back after it): such a `date` becomes the day it falls on, as DuckDB's CAST does.
    """
    key = "spark.sql.legacy.parquet.nanosAsLong"
    before = spark.conf.get(key)
    spark.conf.set(key, "true")
    try:
        lines = spark.read.parquet(str(path))
        if dict(lines.dtypes).get("date") == "bigint":
            lines = lines.withColumn("date", _day_of_nanoseconds("date"))
        return write_facts(spark, lines, out_dir, as_of=as_of)
    finally:
        spark.conf.set(key, before)


def write_facts(
    spark: SparkSession, lines: DataFrame, out_dir: str | Path, *, as_of: pd.Timestamp
) -> dict[str, Path]:
    """Aggregate canonical order lines in Spark into daily.parquet, cube.parquet (and products.parquet).

    The customer × day facts are persisted in Spark while the cube is summed from them, as
    DuckDB keeps them in a temporary table; what comes back are the aggregates only.
    """
    out = Path(out_dir)
    columns = set(lines.columns)
    tag = uuid.uuid4().hex[:12]
    lines_view, daily_view = f"clientbase_lines_{tag}", f"clientbase_daily_{tag}"
    lines.createOrReplaceTempView(lines_view)
    daily = None
    try:
        filled = _filled(spark, lines_view, [c for c in ("cost", "quantity") if c in columns])
        sql = pushed_daily_sql(lines_view, as_of=as_of, has_cost=filled.get("cost", False),
                               has_quantity=filled.get("quantity", False), has_status="status" in columns,
                               dialect=SPARK)
        daily = spark.sql(sql).persist()
        daily.createOrReplaceTempView(daily_view)
        tables = {
            "daily": (_arrow(daily, DAILY_SCHEMA), ["customer_id", "date"]),
            "cube": (_arrow(spark.sql(pushed_cube_sql(daily_view, dialect=SPARK)), CUBE_SCHEMA),
                     ["customer_id", "month"]),
        }
        if "product_id" in columns:
            products = spark.sql(pushed_products_sql(lines_view, as_of=as_of, has_status="status" in columns,
                                                     dialect=SPARK))
            tables["products"] = (_arrow(products, PRODUCTS_SCHEMA), ["customer_id", "month", "product_id"])
    finally:
        if daily is not None:
            daily.unpersist()
        spark.catalog.dropTempView(daily_view)
        spark.catalog.dropTempView(lines_view)
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


def _day_of_nanoseconds(name: str) -> Any:
    """The DATE of the column `name`, nanoseconds since 1970-01-01 00:00, floored in integers
    (a day before 1970 too; a double would round the 19-digit counts)."""
    from pyspark.sql import functions as F

    ns, day = f"`{name}`", 86_400_000_000_000
    return F.expr(f"date_from_unix_date(CAST(({ns} - pmod({ns}, {day})) div {day} AS INT))")
