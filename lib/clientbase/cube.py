"""The engine seam: order lines → customer × day facts → customer × month cube.

Raw order lines are the only big table, and this is the only module that reads them: one
DuckDB pass aggregates them where they are (a Parquet file, or later a database through
the same SQL) and hands pandas only the aggregates. Rules (REFERENCE.md introduction):
cancelled orders are excluded; money is net of returns; an *activity* order is an order
document whose total amount is positive; nothing dated after as_of is read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clientbase.sql import literal

CUBE_COLUMNS = (
    "customer_id", "month", "revenue", "gross_profit", "quantity", "orders",
    "first_order_date", "last_order_date", "activity_revenue",
)
DAILY_COLUMNS = ("customer_id", "date", "revenue", "gross_profit", "quantity", "orders", "activity_revenue")


@dataclass(frozen=True)
class Dialect:
    """What differs between the engines in the ONE text of the aggregation.

    Everything else (documents → days → months, the FILTER clauses, coalesce, the casts to
    DATE and BIGINT) is spelled the same for DuckDB, PostgreSQL and Spark SQL.
    """

    name: str
    double: str  # the type of a double precision number in a CAST
    quote: str  # the identifier quote ("date" is a keyword in all three)
    month: str  # the first day of the month of {day} (a DATE), as a DATE

    def column(self, name: str) -> str:
        return f"{self.quote}{name}{self.quote}"


# FLOAT8 is DuckDB's DOUBLE and PostgreSQL's double precision; Spark has only DOUBLE. In
# PostgreSQL the month goes through `timestamp` so that date_trunc does not pick its
# `timestamptz` variant; Spark's date_trunc returns a timestamp, its trunc a date; Spark
# reads "date" as a string literal, so it quotes with backticks.
DUCKDB = Dialect("duckdb", "FLOAT8", '"', "CAST(date_trunc('month', {day}) AS DATE)")
POSTGRES = Dialect("postgres", "FLOAT8", '"', "CAST(date_trunc('month', CAST({day} AS timestamp)) AS DATE)")
SPARK = Dialect("spark", "DOUBLE", "`", "trunc({day}, 'MM')")


def _lines_sql(
    source: str, *, has_cost: bool, has_quantity: bool, has_status: bool, as_of: str = "$as_of",
    dialect: Dialect = DUCKDB,
) -> str:
    date = dialect.column("date")
    cost = "amount - cost" if has_cost else f"CAST(NULL AS {dialect.double})"
    quantity = "quantity" if has_quantity else f"CAST(NULL AS {dialect.double})"
    status = "AND (status IS NULL OR status <> 'cancelled')" if has_status else ""
    return f"""
        SELECT customer_id, order_id, CAST({date} AS DATE) AS day, amount,
               {cost} AS margin, {quantity} AS quantity
        FROM {source}
        WHERE CAST({date} AS DATE) <= {as_of} {status}
    """


def _daily_from_lines(lines: str, dialect: Dialect = DUCKDB) -> str:
    # shared by the engines: documents first, then days from documents, so the lines are
    # read once (a CTE read twice is materialised by PostgreSQL and costs DuckDB a second
    # hash aggregation over every line)
    return f"""
        WITH docs AS (
            SELECT customer_id, order_id, day, sum(amount) AS total, sum(margin) AS margin,
                   sum(quantity) AS quantity
            FROM ({lines}) AS lines GROUP BY customer_id, order_id, day
        )
        SELECT customer_id, day AS {dialect.column("date")}, sum(total) AS revenue, sum(margin) AS gross_profit,
               sum(quantity) AS quantity, count(*) FILTER (WHERE total > 0) AS orders,
               coalesce(sum(total) FILTER (WHERE total > 0), 0) AS activity_revenue
        FROM docs GROUP BY customer_id, day
    """


def _cube_from_daily(daily: str, dialect: Dialect = DUCKDB) -> str:
    date = dialect.column("date")
    return f"""
        SELECT customer_id, {dialect.month.format(day=date)} AS month,
               sum(revenue) AS revenue, sum(gross_profit) AS gross_profit,
               sum(quantity) AS quantity, CAST(sum(orders) AS BIGINT) AS orders,
               min({date}) FILTER (WHERE orders > 0) AS first_order_date,
               max({date}) FILTER (WHERE orders > 0) AS last_order_date,
               sum(activity_revenue) AS activity_revenue
        FROM {daily}
        GROUP BY 1, 2
    """


def _products_sql(source: str, *, as_of: str, has_status: bool, dialect: Dialect) -> str:
    """Revenue per customer, product and month up to as_of (what `top_products_monthly` ranks).

    Windows start on a month's first day and end on a quarter's last, so monthly sums give
    exactly what `top_products` computes from the lines.
    """
    date = dialect.column("date")
    status = "AND (status IS NULL OR status <> 'cancelled')" if has_status else ""
    return f"""
        SELECT customer_id, product_id, {dialect.month.format(day=f"CAST({date} AS DATE)")} AS month,
               sum(amount) AS revenue
        FROM {source}
        WHERE product_id IS NOT NULL AND CAST({date} AS DATE) <= {as_of} {status}
        GROUP BY 1, 2, 3
    """


def daily_sql(source: str, *, has_cost: bool, has_quantity: bool, has_status: bool) -> str:
    """SQL (DuckDB) of the customer × day facts from an order-lines relation `source`."""
    return _daily_from_lines(
        _lines_sql(source, has_cost=has_cost, has_quantity=has_quantity, has_status=has_status)
    )


def cube_sql(daily: str) -> str:
    """SQL (DuckDB) of the customer × month cube from a customer × day relation `daily`."""
    return _cube_from_daily(daily, DUCKDB)


# --- the SQL text for the engines the data is pushed down to ------------------------------
# as_of is a literal there (a PostgreSQL source relation may hold a user's query, whose `%`
# signs must not meet a driver's placeholders; Spark SQL has no named parameters in views).


def pushed_daily_sql(
    source: str, *, as_of: pd.Timestamp, has_cost: bool, has_quantity: bool, has_status: bool, dialect: Dialect
) -> str:
    """SQL (PostgreSQL or Spark) of the customer × day facts from canonical order lines `source`.

    `source` must already have canonical names and types: text ids, `amount`, `cost` and
    `quantity` as double precision, `status` mapped to canonical codes, and only the lines
    of known customers (``clientbase.database`` and ``clientbase.spark`` build such a relation).
    """
    return _daily_from_lines(_lines_sql(source, has_cost=has_cost, has_quantity=has_quantity,
                                        has_status=has_status, as_of=_date_literal(as_of), dialect=dialect),
                             dialect)


def pushed_cube_sql(daily: str, *, dialect: Dialect) -> str:
    """SQL (PostgreSQL or Spark) of the customer × month cube from a customer × day relation `daily`."""
    return _cube_from_daily(daily, dialect)


def pushed_products_sql(source: str, *, as_of: pd.Timestamp, has_status: bool, dialect: Dialect) -> str:
    """SQL (PostgreSQL or Spark) of revenue per customer, product and month up to as_of."""
    return _products_sql(source, as_of=_date_literal(as_of), has_status=has_status, dialect=dialect)


def pg_daily_sql(
    source: str, *, as_of: pd.Timestamp, has_cost: bool, has_quantity: bool, has_status: bool
) -> str:
    """SQL (PostgreSQL) of the customer × day facts (`pushed_daily_sql` in PostgreSQL's dialect)."""
    return pushed_daily_sql(source, as_of=as_of, has_cost=has_cost, has_quantity=has_quantity,
                            has_status=has_status, dialect=POSTGRES)


def pg_cube_sql(daily: str) -> str:
    """SQL (PostgreSQL) of the customer × month cube from a customer × day relation `daily`."""
    return pushed_cube_sql(daily, dialect=POSTGRES)


def pg_facts_sql(
    source: str, *, as_of: pd.Timestamp, has_cost: bool, has_quantity: bool, has_status: bool
) -> str:
    """Both facts in ONE pass over the lines: daily rows (`kind` 'daily') then cube rows ('cube').

    Columns: kind, customer_id, day (the date, or the month of a cube row), revenue,
    gross_profit, quantity, orders, first_order_date, last_order_date (cube rows only),
    activity_revenue.
    PostgreSQL materialises the `daily` CTE because it is read twice, so the order lines are
    scanned once and only aggregates leave the server.
    """
    daily = pg_daily_sql(source, as_of=as_of, has_cost=has_cost, has_quantity=has_quantity,
                         has_status=has_status)
    return f"""
        WITH daily AS ({daily})
        SELECT 'daily' AS kind, customer_id, "date" AS day, revenue, gross_profit, quantity,
               CAST(orders AS BIGINT) AS orders,
               CAST(NULL AS DATE) AS first_order_date, CAST(NULL AS DATE) AS last_order_date,
               activity_revenue
        FROM daily
        UNION ALL
        SELECT 'cube', customer_id, month, revenue, gross_profit, quantity, orders,
               first_order_date, last_order_date, activity_revenue
        FROM ({pg_cube_sql('daily')}) AS cube
    """


def pg_products_sql(source: str, *, as_of: pd.Timestamp) -> str:
    """SQL (PostgreSQL) of revenue per customer, product and month up to as_of (for top products)."""
    return pushed_products_sql(source, as_of=as_of, has_status=True, dialect=POSTGRES)


def _date_literal(value: pd.Timestamp) -> str:
    return f"DATE '{pd.Timestamp(value).date().isoformat()}'"


def build_facts(
    orders_parquet: str | Path,
    out_dir: str | Path,
    *,
    as_of: pd.Timestamp,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict[str, Path]:
    """Aggregate the order lines of a Parquet file into `daily.parquet` and `cube.parquet`.

    Both are written by DuckDB straight to Parquet, sorted by customer and time, so no
    order line passes through pandas.
    """
    out = Path(out_dir)
    con = con or duckdb.connect()
    source = f"read_parquet({literal(orders_parquet)})"
    columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    sql = daily_sql(
        source,
        has_cost="cost" in columns and _has_values(con, source, "cost"),
        has_quantity="quantity" in columns and _has_values(con, source, "quantity"),
        has_status="status" in columns,
    )
    params = {"as_of": pd.Timestamp(as_of).date()}
    daily_path, cube_path = out / "daily.parquet", out / "cube.parquet"
    # the daily facts are kept in DuckDB (customers × days, not lines) so that the cube is
    # summed from them without reading the written file back
    con.execute(f"CREATE OR REPLACE TEMP TABLE clientbase_daily AS {sql}", params)
    try:
        con.execute(
            f"COPY (SELECT * FROM clientbase_daily ORDER BY customer_id, \"date\") "
            f"TO {literal(daily_path)} (FORMAT parquet)"
        )
        con.execute(
            f"COPY (SELECT * FROM ({cube_sql('clientbase_daily')}) ORDER BY customer_id, month) "
            f"TO {literal(cube_path)} (FORMAT parquet)"
        )
    finally:
        con.execute("DROP TABLE IF EXISTS clientbase_daily")
    return {"daily": daily_path, "cube": cube_path}


def read_facts(path: str | Path, kind: str) -> pd.DataFrame:
    """Read `cube.parquet` or `daily.parquet` with the dtypes the analyses expect.

    Dates are cast to nanosecond timestamps in Arrow: converting Parquet dates through
    pandas makes a Python `date` object per value, several times slower at millions of rows.
    """
    table = pq.read_table(path)
    columns = [
        table.column(i).cast(pa.timestamp("ns")) if pa.types.is_date(field.type) else table.column(i)
        for i, field in enumerate(table.schema)
    ]
    return _typed(pa.table(columns, names=table.column_names).to_pandas(), kind)


def top_products(
    orders_parquet: str | Path, *, start: pd.Timestamp, as_of: pd.Timestamp, n: int = 3
) -> pd.DataFrame:
    """What each customer bought most (by revenue) between start and as_of: customer_id, products.

    Empty when the orders have no product column.
    """
    source = f"read_parquet({literal(orders_parquet)})"
    with _bounded() as con:
        columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
        if "product_id" not in columns:
            return _no_products()
        status = "AND (status IS NULL OR status <> 'cancelled')" if "status" in columns else ""
        revenue = f"""
            SELECT customer_id, product_id, sum(amount) AS revenue
            FROM {source}
            WHERE product_id IS NOT NULL AND CAST("date" AS DATE) BETWEEN $start AND $as_of {status}
            GROUP BY 1, 2 HAVING sum(amount) > 0
        """
        return _ranked_products(con, revenue, start=start, as_of=as_of, n=n)


def top_products_monthly(
    products_parquet: str | Path, *, start: pd.Timestamp, as_of: pd.Timestamp, n: int = 3
) -> pd.DataFrame:
    """`top_products` from revenue per customer, product and month (what a database source caches).

    `start` is a month's first day and `as_of` a month's last (the run's windows are whole
    months), so summing the months gives the same figures as summing the lines.
    """
    path = Path(products_parquet)
    if not path.is_file():
        return _no_products()
    revenue = f"""
        SELECT customer_id, product_id, sum(revenue) AS revenue
        FROM read_parquet({literal(path)})
        WHERE month BETWEEN $start AND $as_of
        GROUP BY 1, 2 HAVING sum(revenue) > 0
    """
    with _bounded() as con:
        return _ranked_products(con, revenue, start=start, as_of=as_of, n=n)


# the top products' customer × product groups number in the millions at 10M lines: DuckDB
# spills them to disk beyond this rather than hold them all (1.1 GB → 0.66 GB at 10M, 5.4 → 6.4 s)
_PRODUCTS_MEMORY = "512MB"


@contextmanager
def _bounded() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection that spills to a temporary folder of its own beyond `_PRODUCTS_MEMORY`."""
    with tempfile.TemporaryDirectory(prefix="clientbase-products-") as spill, duckdb.connect(
        config={"memory_limit": _PRODUCTS_MEMORY, "temp_directory": spill}
    ) as con:
        yield con


def _ranked_products(
    con: duckdb.DuckDBPyConnection, revenue: str, *, start: pd.Timestamp, as_of: pd.Timestamp, n: int
) -> pd.DataFrame:
    sql = f"""
        WITH p AS ({revenue}), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY revenue DESC, product_id) AS r
            FROM p
        )
        SELECT customer_id, string_agg(product_id, '; ' ORDER BY r) AS products
        FROM ranked WHERE r <= $n GROUP BY 1 ORDER BY 1
    """
    params = {"start": pd.Timestamp(start).date(), "as_of": pd.Timestamp(as_of).date(), "n": n}
    frame = con.execute(sql, params).df()
    return frame.astype({"customer_id": "str", "products": "str"})


def _no_products() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype="str"), "products": pd.Series(dtype="str")})


def cube_from_lines(orders: pd.DataFrame, *, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The daily facts and the cube of a small in-memory orders frame (tests, notebooks).

    Runs the same SQL as `build_facts`, with DuckDB reading the pandas frame in place.
    """
    con = duckdb.connect()
    con.register("order_lines", orders)
    sql = daily_sql(
        "order_lines",
        has_cost="cost" in orders and orders["cost"].notna().any(),
        has_quantity="quantity" in orders and orders["quantity"].notna().any(),
        has_status="status" in orders,
    )
    params = {"as_of": pd.Timestamp(as_of).date()}
    daily = con.execute(f"SELECT * FROM ({sql}) ORDER BY customer_id, \"date\"", params).df()
    con.register("daily_facts", daily)
    cube = con.execute(f"SELECT * FROM ({cube_sql('daily_facts')}) ORDER BY customer_id, month").df()
    return _typed(daily, "daily"), _typed(cube, "cube")


def _typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    wanted = {"customer_id": "str", "orders": "int64", "revenue": "float64", "gross_profit": "float64",
              "quantity": "float64", "activity_revenue": "float64"}
    date_cols = ("month", "first_order_date", "last_order_date") if kind == "cube" else ("date",)
    frame = frame[list(CUBE_COLUMNS if kind == "cube" else DAILY_COLUMNS)].reset_index(drop=True)
    for col in date_cols:
        if frame[col].dtype != "datetime64[ns]":
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    for col, dtype in wanted.items():
        if frame[col].dtype != dtype:
            frame[col] = frame[col].astype(dtype)
    return frame


def _has_values(con: duckdb.DuckDBPyConnection, source: str, column: str) -> bool:
    return bool(con.execute(f"SELECT count({column}) > 0 FROM {source}").fetchone()[0])
