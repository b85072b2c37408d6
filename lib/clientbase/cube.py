"""The engine seam: order lines → customer × day facts → customer × month cube.

Raw order lines are the only big table, and this is the only module that reads them: one
DuckDB pass aggregates them where they are (a Parquet file, or later a database through
the same SQL) and hands pandas only the aggregates. Rules (REFERENCE.md introduction):
cancelled orders are excluded; money is net of returns; an *activity* order is an order
document whose total amount is positive; nothing dated after as_of is read.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

CUBE_COLUMNS = (
    "customer_id", "month", "revenue", "gross_profit", "quantity", "orders",
    "first_order_date", "last_order_date",
)
DAILY_COLUMNS = ("customer_id", "date", "revenue", "gross_profit", "quantity", "orders")


def _lines_sql(source: str, *, has_cost: bool, has_quantity: bool, has_status: bool) -> str:
    cost = "amount - cost" if has_cost else "CAST(NULL AS DOUBLE)"
    quantity = "quantity" if has_quantity else "CAST(NULL AS DOUBLE)"
    status = "AND (status IS NULL OR status <> 'cancelled')" if has_status else ""
    return f"""
        SELECT customer_id, order_id, CAST("date" AS DATE) AS day, amount,
               {cost} AS margin, {quantity} AS quantity
        FROM {source}
        WHERE CAST("date" AS DATE) <= $as_of {status}
    """


def daily_sql(source: str, *, has_cost: bool, has_quantity: bool, has_status: bool) -> str:
    """SQL of the customer × day facts from an order-lines relation `source`."""
    lines = _lines_sql(source, has_cost=has_cost, has_quantity=has_quantity, has_status=has_status)
    return f"""
        WITH lines AS ({lines}),
        docs AS (
            SELECT customer_id, order_id, day, sum(amount) AS total
            FROM lines GROUP BY customer_id, order_id, day
        ),
        activity AS (
            SELECT customer_id, day, count(*) AS orders
            FROM docs WHERE total > 0 GROUP BY customer_id, day
        ),
        days AS (
            SELECT customer_id, day, sum(amount) AS revenue, sum(margin) AS gross_profit,
                   sum(quantity) AS quantity
            FROM lines GROUP BY customer_id, day
        )
        SELECT d.customer_id, d.day AS "date", d.revenue, d.gross_profit, d.quantity,
               coalesce(a.orders, 0) AS orders
        FROM days d LEFT JOIN activity a USING (customer_id, day)
    """


def cube_sql(daily: str) -> str:
    """SQL of the customer × month cube from a customer × day relation `daily`."""
    return f"""
        SELECT customer_id, CAST(date_trunc('month', "date") AS DATE) AS month,
               sum(revenue) AS revenue, sum(gross_profit) AS gross_profit,
               sum(quantity) AS quantity, CAST(sum(orders) AS BIGINT) AS orders,
               min("date") FILTER (WHERE orders > 0) AS first_order_date,
               max("date") FILTER (WHERE orders > 0) AS last_order_date
        FROM {daily}
        GROUP BY 1, 2
    """


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
    source = f"read_parquet('{_quote(orders_parquet)}')"
    columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    sql = daily_sql(
        source,
        has_cost="cost" in columns and _has_values(con, source, "cost"),
        has_quantity="quantity" in columns and _has_values(con, source, "quantity"),
        has_status="status" in columns,
    )
    params = {"as_of": pd.Timestamp(as_of).date()}
    daily_path, cube_path = out / "daily.parquet", out / "cube.parquet"
    con.execute(
        f"COPY (SELECT * FROM ({sql}) ORDER BY customer_id, \"date\") TO '{_quote(daily_path)}' (FORMAT parquet)",
        params,
    )
    daily_rel = f"read_parquet('{_quote(daily_path)}')"
    con.execute(
        f"COPY (SELECT * FROM ({cube_sql(daily_rel)}) ORDER BY customer_id, month) "
        f"TO '{_quote(cube_path)}' (FORMAT parquet)"
    )
    return {"daily": daily_path, "cube": cube_path}


def read_facts(path: str | Path, kind: str) -> pd.DataFrame:
    """Read `cube.parquet` or `daily.parquet` with the dtypes the analyses expect."""
    return _typed(pd.read_parquet(path), kind)


def top_products(
    orders_parquet: str | Path, *, start: pd.Timestamp, as_of: pd.Timestamp, n: int = 3
) -> pd.DataFrame:
    """What each customer bought most (by revenue) between start and as_of: customer_id, products.

    Empty when the orders have no product column.
    """
    con = duckdb.connect()
    source = f"read_parquet('{_quote(orders_parquet)}')"
    columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    if "product_id" not in columns:
        return pd.DataFrame({"customer_id": pd.Series(dtype="str"), "products": pd.Series(dtype="str")})
    status = "AND (status IS NULL OR status <> 'cancelled')" if "status" in columns else ""
    sql = f"""
        WITH p AS (
            SELECT customer_id, product_id, sum(amount) AS revenue
            FROM {source}
            WHERE product_id IS NOT NULL AND CAST("date" AS DATE) BETWEEN $start AND $as_of {status}
            GROUP BY 1, 2 HAVING sum(amount) > 0
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY revenue DESC, product_id) AS r
            FROM p
        )
        SELECT customer_id, string_agg(product_id, '; ' ORDER BY r) AS products
        FROM ranked WHERE r <= $n GROUP BY 1 ORDER BY 1
    """
    params = {"start": pd.Timestamp(start).date(), "as_of": pd.Timestamp(as_of).date(), "n": n}
    frame = con.execute(sql, params).df()
    return frame.astype({"customer_id": "str", "products": "str"})


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
    frame = frame.copy()
    date_cols = ("month", "first_order_date", "last_order_date") if kind == "cube" else ("date",)
    for col in date_cols:
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    frame["customer_id"] = frame["customer_id"].astype("str")
    frame["orders"] = frame["orders"].astype("int64")
    for col in ("revenue", "gross_profit", "quantity"):
        frame[col] = frame[col].astype("float64")
    return frame[list(CUBE_COLUMNS if kind == "cube" else DAILY_COLUMNS)].reset_index(drop=True)


def _has_values(con: duckdb.DuckDBPyConnection, source: str, column: str) -> bool:
    return bool(con.execute(f"SELECT count({column}) > 0 FROM {source}").fetchone()[0])


def _quote(path: str | Path) -> str:
    return str(path).replace("'", "''")
