"""The per-customer summary the models learn from, computed by the engine from the customer ×
day facts (never from order lines): REFERENCE.md "Repeat-purchase forecast and predictive CLV".

Purchases are days with at least one activity order (a positive document) up to as_of, over
the whole history. Per customer: x = purchase days − 1 (repeat purchases), t_x = days from
the first to the last purchase day / 7, T = days from the first purchase day to as_of / 7;
m = the mean revenue of the repeat purchase days (the first day excluded).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from clientbase.sql import literal

SUMMARY_COLUMNS = ("customer_id", "frequency", "recency_weeks", "t_weeks", "monetary", "first_purchase",
                   "last_purchase", "revenue")


def rfm_summary(daily: pd.DataFrame, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per customer with a purchase day by `as_of`: frequency (x), recency_weeks (t_x),
    t_weeks (T), monetary (m; NaN without repeat purchases), first and last purchase days and
    the revenue of all purchase days."""
    day = literal(pd.Timestamp(as_of).date().isoformat())
    with duckdb.connect() as con:
        con.register("daily", daily[["customer_id", "date", "revenue", "orders"]])
        return con.execute(f"""
            WITH days AS (
                SELECT customer_id, CAST("date" AS DATE) AS day, revenue
                FROM daily WHERE orders > 0 AND CAST("date" AS DATE) <= DATE {day}
            ), per AS (
                SELECT customer_id, min(day) AS first_purchase, max(day) AS last_purchase, count(*) AS n,
                       sum(revenue) AS revenue, arg_min(revenue, day) AS first_revenue
                FROM days GROUP BY customer_id
            )
            SELECT customer_id, CAST(n - 1 AS BIGINT) AS frequency,
                   date_diff('day', first_purchase, last_purchase) / 7.0 AS recency_weeks,
                   date_diff('day', first_purchase, DATE {day}) / 7.0 AS t_weeks,
                   CASE WHEN n > 1 THEN (revenue - first_revenue) / (n - 1) END AS monetary,
                   CAST(first_purchase AS TIMESTAMP) AS first_purchase,
                   CAST(last_purchase AS TIMESTAMP) AS last_purchase, revenue
            FROM per ORDER BY customer_id
        """).df()


def purchases_between(daily: pd.DataFrame, *, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Purchase days of each customer after `start` up to `end` (the holdout's actual purchases)."""
    with duckdb.connect() as con:
        con.register("daily", daily[["customer_id", "date", "orders"]])
        got = con.execute(f"""
            SELECT customer_id, count(*) AS n FROM daily
            WHERE orders > 0 AND CAST("date" AS DATE) > DATE {literal(pd.Timestamp(start).date().isoformat())}
              AND CAST("date" AS DATE) <= DATE {literal(pd.Timestamp(end).date().isoformat())}
            GROUP BY customer_id
        """).df()
    return got.set_index("customer_id")["n"]
