"""What was loaded: tables, rows, columns, date ranges, activity per month, problems.

The computations of the `data_overview` report. Inputs are the prepared data's metadata
(row counts and date ranges measured at loading) and the cube; nothing reads files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from clientbase.options import Options
from clientbase.schema import TABLES


class DataOverviewOptions(Options):
    """The options of the data overview."""

    window_months: int = Field(12, ge=1, description="months of activity in the summary and the chart")


# data_overview/tables.csv
TABLES_CSV_COLUMNS = ("table", "rows", "rows_used", "amount_dropped", "columns", "date_min", "date_max", "file",
                      "sha256")


def table_overview(tables: Mapping[str, Mapping[str, Any]], inputs: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per table loaded: table, file, rows, rows_used, amount_dropped, columns (filled ones),
    date_min, date_max, sha256.

    `rows` are the data rows read from the input (1C's own count of lines), `rows_used` those
    kept in the canonical table, and `amount_dropped` the amount of the rows left out (a
    customer no card matches; empty for a table without amounts): the difference is named
    in the problems. Source: issue 19, "no line lost without account".
    """
    files = {i["table"]: i for i in inputs}
    rows = []
    for name in TABLES:
        if name not in tables:
            continue
        stats = tables[name]
        item = files.get(name, {})
        used = int(stats["rows"])
        read = item.get("rows")
        dropped = item.get("amount_dropped")
        rows.append({
            "table": name,
            "file": item.get("file"),
            "rows": used if read is None else int(read),
            "rows_used": used,
            "amount_dropped": np.nan if dropped is None else float(dropped),
            "columns": len(stats["columns"]),
            "column_names": ", ".join(stats["columns"]),
            "date_min": pd.Timestamp(stats["date_min"]) if stats["date_min"] else pd.NaT,
            "date_max": pd.Timestamp(stats["date_max"]) if stats["date_max"] else pd.NaT,
            "sha256": item.get("sha256"),
        })
    return pd.DataFrame(rows, columns=["table", "file", "rows", "rows_used", "amount_dropped", "columns",
                                       "column_names", "date_min", "date_max", "sha256"])


def dropped_rows(tables: pd.DataFrame) -> pd.DataFrame:
    """The tables that lost rows at loading: table, rows (not used) and amount_dropped."""
    lost = tables.loc[tables["rows"] > tables["rows_used"], ["table", "rows", "rows_used", "amount_dropped"]]
    return lost.assign(rows=lost["rows"] - lost["rows_used"]).drop(columns="rows_used").reset_index(drop=True)


def monthly_activity(cube: pd.DataFrame, *, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per month: buying customers (≥ 1 activity order), revenue, gross profit, orders."""
    data = cube if start is None else cube[cube["month"] >= start]
    buying = data["orders"] > 0
    sums = data.assign(customers=buying).groupby("month")[["customers", "revenue", "gross_profit", "orders"]]
    out = sums.sum(min_count=1).reset_index()
    return out.astype({"customers": "int64", "orders": "int64"})


def problems_overview(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems found at loading, grouped: file, column, severity, message, rows affected."""
    if problems.empty:
        return pd.DataFrame(columns=["file", "column", "severity", "message", "row"])
    return problems[["file", "column", "severity", "message", "row"]].reset_index(drop=True)


def activity_totals(cube: pd.DataFrame, *, start: pd.Timestamp, as_of: pd.Timestamp) -> dict[str, float]:
    """Distinct buying customers (≥ 1 activity order) and net revenue between start and as_of."""
    part = cube[(cube["month"] >= start) & (cube["month"] <= as_of)]
    return {
        "buyers": int(part.loc[part["orders"] > 0, "customer_id"].nunique()),
        "revenue": float(part["revenue"].sum()),
    }


def most_common_problem(problems: pd.DataFrame) -> str | None:
    """The kind of problem found most often (the message up to its first colon), or None without problems."""
    if problems.empty:
        return None
    return str(problems["message"].str.split(":").str[0].value_counts().index[0])
