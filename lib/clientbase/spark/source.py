"""Order lines that Spark reads itself: Parquet or CSV (a file, a folder, any URL Spark reads) or
a table of the Spark catalog (`data.spark.orders`).

The small tables still come from the profile's folder through the sources' checks; the
order lines are checked in Spark as the database source checks them in PostgreSQL: columns
found by the format's header synonyms, their types, empty required values, orders of
unknown customers (dropped and listed as warnings, as for files). What reaches the driver:
one row of statistics, up to 50 unknown customer ids, and the aggregates of the facts.

The fingerprint of the lines (the cache key) is their count and the sum of a 64-bit hash of
every row (``xxhash64`` over all columns): one pass, order-independent, sensitive to a
changed value in any row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from clientbase.errors import DataError, Problem
from clientbase.schema import TABLES
from clientbase.sources.finding import RowCount
from clientbase.sources.readers import _amount_text
from clientbase.spark.facts import day_of_nanoseconds_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from clientbase.profiles import SparkOrders

_NUMBERS = {"tinyint", "smallint", "int", "bigint", "float", "double"}
_DATES = {"date", "timestamp", "timestamp_ntz"}
_LISTED_VALUES = 50  # unknown customers named one by one, as the file source does


class SparkLines:
    """The order lines at `spec`, read by Spark, with the checks and statistics of a source.

    Raises DataError naming the location when it cannot be read.
    """

    def __init__(self, spark: SparkSession, spec: SparkOrders, fmt: Any):
        self.spark = spark
        self.spec = spec
        self.fmt = fmt
        self.label = f"orders (table {spec.table})" if spec.table else f"orders ({spec.path})"
        self._raw = self._read()
        self._tag = uuid.uuid4().hex[:12]
        self._stats: dict[str, Any] | None = None
        self._lines: DataFrame | None = None

    def _read(self) -> DataFrame:
        with self._reading():
            if self.spec.table is not None:
                return self.spark.table(self.spec.table)
            if self.spec.format == "csv":
                return self.spark.read.csv(self.spec.path, header=True, inferSchema=True)
            return self.spark.read.parquet(self.spec.path)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A Spark error while reading the lines (a missing path, a damaged file, no permission)
        becomes a DataError naming the location."""
        from pyspark.errors import PySparkException

        try:
            yield
        except PySparkException as exc:
            raise DataError([Problem(self.label, None, None, f"Spark cannot read it: {_first_line(exc)}",
                                     table="orders")]) from None

    # --- the cache key ----------------------------------------------------------------------
    def input(self) -> dict[str, Any]:
        """The item of the cache's inputs: table, file (the location), sha256, fingerprint."""
        columns = ", ".join(_name(c) for c in self._raw.columns)
        with self._reading():
            row = self._raw.selectExpr("count(*) AS n", f"coalesce(sum(CAST(xxhash64({columns}) AS DECIMAL(38, 0))), "
                                                         "0) AS h").collect()[0]
        zone = self.spark.conf.get("spark.sql.session.timeZone")
        digest = hashlib.sha256(f"{self.label}|{zone}|{row['n']}|{row['h']}".encode()).hexdigest()
        return {"table": "orders", "file": self.label, "sha256": digest,
                "fingerprint": {"rows": int(row["n"]), "row_hash_sum": str(row["h"])}}

    # --- checks --------------------------------------------------------------------------
    def columns(self) -> tuple[list[Problem], dict[str, str]]:
        """Problems of the lines' columns, and canonical column -> the lines' column name."""
        from clientbase.sources import header_lookup, header_synonyms, match_headers

        names = list(self._raw.columns)
        types = dict(self._raw.dtypes)
        synonyms = header_synonyms(self.fmt, "orders")
        position = match_headers(names, header_lookup(synonyms))
        mapped = {c: names[position[c]] for c in TABLES["orders"].columns if c in position}
        problems = [
            Problem(self.label, None, col, f"required column {col!r} not found; columns found: "
                    f"{', '.join(names) or 'none'}; any of these names would match: {', '.join(synonyms[col])}",
                    table="orders")
            for col in TABLES["orders"].required if col not in mapped
        ]
        for col, name in mapped.items():
            kind, found = TABLES["orders"].columns[col], types[name]
            if kind == "float" and found not in _NUMBERS and not found.startswith("decimal"):
                problems.append(Problem(self.label, None, name, f"is of type {found}; expected a number: write it "
                                        "as a number (double, decimal or an integer)", table="orders"))
            elif kind == "date" and found not in _DATES and not (found == "bigint" and self._nanoseconds()):
                problems.append(Problem(self.label, None, name, f"is of type {found}; expected a date or timestamp "
                                        "(CSV: ISO dates, YYYY-MM-DD[ HH:MM:SS])", table="orders"))
        return problems, mapped

    def problems(self, customer_ids: pd.Series) -> list[Problem]:
        """Every problem of the lines: columns, empty required values, unknown customers (warnings)."""
        problems, mapped = self.columns()
        if problems:
            return problems
        stats = self.stats(customer_ids)
        for col in TABLES["orders"].required:
            if stats[f"empty_{col}"]:
                problems.append(Problem(self.label, None, mapped[col], f"empty required value ({col}) in "
                                        f"{stats[f'empty_{col}']} rows", table="orders"))
        if stats["unknown"]:
            problems += self._unknown_customers(int(stats["unknown"]), mapped["customer_id"])
        return problems

    def meta(self, customer_ids: pd.Series) -> dict[str, Any]:
        """What the cache's meta.json says about orders (as ``DatabaseSource.orders_meta``)."""
        stats = self.stats(customer_ids)
        filled = [c for c in TABLES["orders"].columns if stats[f"filled_{c}"]]
        return {
            "count": RowCount(int(stats["total"]), int(stats["known"]), round(float(stats["dropped_amount"]), 2)),
            "rows": int(stats["known"]),
            "table": {"rows": int(stats["known"]), "columns": filled,
                      "date_min": _iso(stats["date_min"]), "date_max": _iso(stats["date_max"])},
            "orders": {"date_min": _iso(stats["live_min"]), "date_max": _iso(stats["live_max"]),
                       "has_cost": bool(stats["filled_cost"])},
        }

    def known_lines(self, customer_ids: pd.Series) -> DataFrame:
        """The canonical lines of known customers, for ``write_facts``."""
        return self._canonical(customer_ids).where("known").drop("known")

    # --- in Spark --------------------------------------------------------------------------
    def stats(self, customer_ids: pd.Series) -> dict[str, Any]:
        """One row of statistics of the canonical lines (counts, dates, empty and filled columns)."""
        if self._stats is None:
            view = self._view(customer_ids)
            live = "known AND (status IS NULL OR status <> 'cancelled')"
            parts = [
                "count(*) AS total", "count(*) FILTER (WHERE known) AS known",
                "coalesce(sum(amount) FILTER (WHERE NOT known), 0) AS dropped_amount",
                "count(DISTINCT customer_id) FILTER (WHERE NOT known AND customer_id IS NOT NULL) AS unknown",
                "min(`date`) FILTER (WHERE known) AS date_min", "max(`date`) FILTER (WHERE known) AS date_max",
                f"min(`date`) FILTER (WHERE {live}) AS live_min", f"max(`date`) FILTER (WHERE {live}) AS live_max",
                *(f"count(*) FILTER (WHERE `{c}` IS NULL) AS empty_{c}" for c in TABLES["orders"].required),
                *(f"count(`{c}`) FILTER (WHERE known) > 0 AS filled_{c}" for c in TABLES["orders"].columns),
            ]
            with self._reading():
                self._stats = self.spark.sql(f"SELECT {', '.join(parts)} FROM {view}").collect()[0].asDict()
        return self._stats

    def _unknown_customers(self, count: int, header: str) -> list[Problem]:
        view = self._view(None)  # stats() made it
        unknown = f"FROM {view} WHERE NOT known AND customer_id IS NOT NULL"
        with self._reading():
            listed = self.spark.sql(f"SELECT customer_id, count(*) AS n, coalesce(sum(amount), 0) AS amount "
                                    f"{unknown} GROUP BY 1 ORDER BY 1 LIMIT {_LISTED_VALUES}").collect()
        out = [Problem(self.label, None, header,
                       f"unknown customer {r['customer_id']!r}: customer_id not in the customers table; "
                       f"{r['n']} row{'s' if r['n'] > 1 else ''} dropped; amount {_amount_text(r['amount'])}",
                       severity="warning", table="orders") for r in listed]
        if count > _LISTED_VALUES:
            total = self.spark.sql(f"SELECT count(*) AS n, coalesce(sum(amount), 0) AS amount {unknown}").collect()[0]
            rows = total["n"] - sum(r["n"] for r in listed)
            amount = total["amount"] - sum(r["amount"] for r in listed)
            out.append(Problem(self.label, None, header,
                               f"and {count - _LISTED_VALUES} more such values in {rows} rows; "
                               f"amount {_amount_text(amount)}", severity="warning", table="orders"))
        return out

    def _view(self, customer_ids: pd.Series | None) -> str:
        """The name of a temporary view of the canonical lines (made on first use)."""
        name = f"clientbase_orders_{self._tag}"
        if self._lines is None:
            assert customer_ids is not None, "the canonical lines need the customers' ids"
            self._canonical(customer_ids).createOrReplaceTempView(name)
        return name

    def _canonical(self, customer_ids: pd.Series) -> DataFrame:
        """The lines with canonical names and types, and `known`: the customer exists.

        Text trimmed and empty text NULL, amounts double, statuses mapped to canonical codes
        by the format's value synonyms, as the file source reads them.
        """
        if self._lines is not None:
            return self._lines
        _, mapped = self.columns()
        raw, ids = f"clientbase_raw_{self._tag}", f"clientbase_customers_{self._tag}"
        self._raw.createOrReplaceTempView(raw)
        known = pa.table({"id": pa.array(customer_ids.astype(str).str.strip().unique(), pa.string())})
        self.spark.createDataFrame(known).createOrReplaceTempView(ids)

        def text(col: str) -> str:
            if col not in mapped:
                return "CAST(NULL AS STRING)"
            return f"NULLIF(trim(CAST(o.{_name(mapped[col])} AS STRING)), '')"

        def number(col: str) -> str:
            return f"CAST(o.{_name(mapped[col])} AS DOUBLE)" if col in mapped else "CAST(NULL AS DOUBLE)"

        date = f"o.{_name(mapped['date'])}"
        if dict(self._raw.dtypes)[mapped["date"]] == "bigint" and self._nanoseconds():
            date = day_of_nanoseconds_sql(date)
        self._lines = self.spark.sql(f"""
            SELECT {text('order_id')} AS order_id, {date} AS `date`, {text('customer_id')} AS customer_id,
                   {number('amount')} AS amount, {number('cost')} AS cost, {number('quantity')} AS quantity,
                   {text('product_id')} AS product_id, {text('manager')} AS manager,
                   {self._status(text('status'))} AS status, k.id IS NOT NULL AS known
            FROM {raw} AS o LEFT JOIN {ids} AS k ON k.id = {text('customer_id')}
        """)
        return self._lines

    def _nanoseconds(self) -> bool:
        """Whether a bigint column is a Parquet nanosecond timestamp, as Spark reads one
        (``nanoseconds_as_integers``): only Parquet paths have them; a table has real types."""
        return self.spec.path is not None and self.spec.format == "parquet"

    def _status(self, status: str) -> str:
        """Statuses mapped onto canonical codes by the format's value synonyms (ё as е, any case)."""
        folded = f"lower(translate({status}, 'ёЁ', 'еЕ'))"
        cases = []
        for code, synonyms in self.fmt.values.get("status", {}).items():
            words = sorted({w.replace("ё", "е").replace("Ё", "Е").lower() for w in (code, *synonyms)})
            cases.append(f"WHEN {folded} IN ({', '.join(_literal(w) for w in words)}) THEN {_literal(code)}")
        return f"CASE {' '.join(cases)} ELSE {status} END" if cases else status


def _name(column: str) -> str:
    """A column name quoted for Spark SQL (a backtick in it doubled)."""
    return "`" + column.replace("`", "``") + "`"


def _literal(text: str) -> str:
    """A Spark SQL string literal: Spark reads a backslash as an escape and joins 'a''b' into ab."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _iso(value: Any) -> str | None:
    return None if value is None else pd.Timestamp(value).date().isoformat()
