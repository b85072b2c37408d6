"""The PostgreSQL source itself.

What crosses the connection: customers, contacts, campaigns, campaign_members and leads,
whole, through the same checks as exported files (``clientbase.sources``: header synonyms of
the format, dates, numbers, flags, codes, duplicates, references); of the order lines only
aggregates: a validation query, the customer × day facts and the customer × month cube in
one pass (``clientbase.cube.pg_facts_sql``), and revenue per customer × product × month.

The fingerprint of a table (the cache key) is ``count(*)`` and the sum of a 64-bit hash of
every row's text (``hashtextextended(row::text, 0)``): one sequential scan on the server,
order-independent, and sensitive to the edits that matter (documents moved from one card to
another when duplicates are merged, a changed cost or status).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from clientbase.cube import pg_facts_sql, pg_products_sql
from clientbase.database.connection import (
    DEFAULT_TABLES,
    SMALL_TABLES,
    Relation,
    _redact,
    connection_options,
    display_url,
    relation,
)
from clientbase.errors import ClientbaseError, DataError, Problem
from clientbase.schema import TABLES
from clientbase.sources.finding import RowCount
from clientbase.sources.readers import _amount_text
from clientbase.sql import identifier, literal

# PostgreSQL type oids: int8, int2, int4, float4, float8, numeric / date, timestamp, timestamptz
_NUMBER_TYPES = {20, 21, 23, 700, 701, 1700}


_DATE_TYPES = {1082, 1114, 1184}


_LISTED_VALUES = 50  # unknown customers named one by one, as the file source does


# the aggregates as read back: explicit types, so an empty result still has its columns
_FACTS_CSV = {
    "kind": "VARCHAR", "customer_id": "VARCHAR", "day": "DATE", "revenue": "DOUBLE",
    "gross_profit": "DOUBLE", "quantity": "DOUBLE", "orders": "BIGINT",
    "first_order_date": "DATE", "last_order_date": "DATE", "activity_revenue": "DOUBLE",
}


_PRODUCTS_CSV = {"customer_id": "VARCHAR", "product_id": "VARCHAR", "month": "DATE", "revenue": "DOUBLE"}


class DatabaseSource:
    """An open read-only snapshot of a profile's PostgreSQL database.

    Use through :func:`open_database`. Methods raise :class:`DataError` with every problem
    found (a relation that does not exist, a missing or mistyped column, bad values).
    """

    def __init__(self, conn: Any, *, url: str, tables: Mapping[str, str], fmt: Any, secrets: tuple[str, ...]):
        self._conn = conn
        self.url = display_url(url)
        self.fmt = fmt
        self._secrets = secrets
        named = dict(tables)
        for table in DEFAULT_TABLES:
            named.setdefault(table, table)
        self.relations = {t: relation(t, named[t]) for t in TABLES if t in named}
        self._columns: dict[str, list[tuple[str, int]]] = {}
        self._stats: dict[str, Any] | None = None
        self.timezone = self._scalar("SHOW TimeZone")
        self.server_version = int(conn.info.server_version)

    # --- fingerprints ---------------------------------------------------------------------
    def inputs(self) -> list[dict[str, Any]]:
        """One item per table (table, file, sha256, fingerprint): the cache key's inputs.

        ``sha256`` digests the location, the session's time zone (it decides the day of a
        ``timestamptz``), the relation and its row count and row-hash sum.
        """
        hashed = ("hashtextextended(CAST(t AS text), 0)" if self.server_version >= 110000
                  else "hashtext(CAST(t AS text))")
        problems: list[Problem] = []
        items = []
        for table, rel in self.relations.items():
            try:
                rows, total = self._row(f"SELECT count(*), coalesce(sum({hashed}), 0) FROM {rel.sql} AS t", rel)
            except DataError as exc:
                problems += exc.problems
                continue
            digest = hashlib.sha256(
                f"{self.url}|{self.timezone}|{table}|{rel.spec}|{rows}|{total}".encode()
            ).hexdigest()
            items.append({"table": table, "file": rel.label, "sha256": digest,
                          "fingerprint": {"rows": int(rows), "row_hash_sum": str(total)}})
        if problems:
            raise DataError(problems)
        return items

    # --- the small tables -----------------------------------------------------------------
    def load_tables(
        self, *, stages: list[str] | None = None
    ) -> tuple[dict[str, pd.DataFrame], list[Problem], dict[str, RowCount]]:
        """The small canonical tables, checked like files, every problem (orders' too), and
        the rows of each table read and used (orders' are in `orders_meta`).

        Raises DataError when any problem is an error; warnings are returned.
        """
        from clientbase.sources import load_source

        present = [t for t in SMALL_TABLES if t in self.relations]
        problems: list[Problem] = []
        with tempfile.TemporaryDirectory(prefix="clientbase-db-") as tmp:
            for table in present:
                try:
                    self._fetch_parquet(self.relations[table], Path(tmp) / f"{table}.parquet")
                except DataError as exc:
                    problems += exc.problems
            source, found = None, []
            if not any(p.severity == "error" for p in problems):
                try:
                    source = load_source(tmp, self.fmt, files={t: f"{t}.parquet" for t in present}, tables=present,
                                         stages=stages)
                    found = list(source.problems)
                except DataError as exc:
                    found = exc.problems
        labels = {f"{t}.parquet": self.relations[t].label for t in present}
        problems += [replace(p, file=labels.get(p.file, p.file)) for p in found]
        try:
            # the orders' own checks need a readable customers table to tell known customers
            problems += self.orders_problems() if source is not None else self._orders_columns()[0]
        except DataError as exc:
            problems += exc.problems
        if source is None or any(p.severity == "error" for p in problems):
            errors = [p for p in problems if p.severity == "error"]
            raise DataError(errors + [p for p in problems if p.severity != "error"])
        counts = {t: c for t, c in source.counts.items() if t != "orders"}
        return dict(source.tables), problems, counts

    def _fetch_parquet(self, rel: Relation, path: Path) -> None:
        """Rows of a relation into a Parquet file, values as the driver typed them."""
        cur = self._execute(f"SELECT * FROM {rel.sql} AS t", rel)
        names = [c.name for c in cur.description]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise DataError([Problem(rel.label, None, doubled[0],
                                     f"the result has {names.count(doubled[0])} columns named "
                                     f"{doubled[0]!r}; give them different names", table=rel.table)])
        rows = cur.fetchall()
        columns = [_arrow_column([r[i] for r in rows]) for i in range(len(names))]
        pq.write_table(pa.table(columns, names=names), path)

    # --- the order lines, on the server ---------------------------------------------------
    def orders_problems(self) -> list[Problem]:
        """Missing or mistyped columns, empty required values and unknown customers of orders."""
        problems, _ = self._orders_columns()
        if any(p.severity == "error" for p in problems):
            return problems
        stats = self._orders_stats()
        rel = self.relations["orders"]
        headers = dict(self._orders_columns()[1])
        for col in TABLES["orders"].required:
            empty = int(stats[f"empty_{col}"])
            if empty:
                problems.append(Problem(rel.label, None, headers[col],
                                        f"empty required value ({col}) in {empty} rows", table="orders"))
        if stats["unknown"]:
            problems += self._unknown_customers(int(stats["unknown"]), headers["customer_id"])
        return problems

    def orders_meta(self) -> dict[str, Any]:
        """What the cache's meta.json says about orders: rows, table stats, date range, has_cost.

        Counted over the lines of known customers, as the file source keeps them.
        """
        stats = self._orders_stats()
        filled = [c for c in TABLES["orders"].columns if stats[f"filled_{c}"]]
        return {
            "count": RowCount(int(stats["total"]), int(stats["known"]), _amount(stats["dropped_amount"])),
            "rows": int(stats["known"]),
            "table": {"rows": int(stats["known"]), "columns": filled,
                      "date_min": _iso(stats["date_min"]), "date_max": _iso(stats["date_max"])},
            "orders": {"date_min": _iso(stats["live_min"]), "date_max": _iso(stats["live_max"]),
                       "has_cost": bool(stats["filled_cost"])},
        }

    def write_facts(self, out_dir: str | Path, *, as_of: pd.Timestamp) -> dict[str, Path]:
        """Compute the facts in PostgreSQL and write daily.parquet, cube.parquet (and products.parquet).

        The files have the layout of ``clientbase.cube.build_facts``; `products.parquet`
        (revenue per customer, product and month) replaces the order lines for
        ``top_products``. Only aggregated rows are transferred (COPY ... TO STDOUT, CSV).
        """
        out = Path(out_dir)
        mapped = dict(self._orders_columns()[1])
        lines = f"(SELECT * FROM {self._lines_sql()} AS l WHERE known) AS o"
        facts = pg_facts_sql(lines, as_of=as_of, has_cost="cost" in mapped, has_quantity="quantity" in mapped,
                             has_status="status" in mapped)
        con = duckdb.connect()
        with tempfile.TemporaryDirectory(prefix="clientbase-db-") as tmp:
            csv = Path(tmp) / "facts.csv"
            self._copy_out(facts, csv)
            con.execute(f"CREATE TABLE facts AS SELECT * FROM {_read_csv(csv, _FACTS_CSV)}")
            con.execute(
                "COPY (SELECT customer_id, day AS \"date\", revenue, gross_profit, quantity, orders, activity_revenue "
                "FROM facts "
                f"WHERE kind = 'daily' ORDER BY customer_id, \"date\") TO {literal(out / 'daily.parquet')} "
                "(FORMAT parquet)"
            )
            con.execute(
                "COPY (SELECT customer_id, day AS month, revenue, gross_profit, quantity, orders, "
                "first_order_date, last_order_date, activity_revenue FROM facts WHERE kind = 'cube' "
                "ORDER BY customer_id, month) "
                f"TO {literal(out / 'cube.parquet')} (FORMAT parquet)"
            )
            written = {"daily": out / "daily.parquet", "cube": out / "cube.parquet"}
            if "product_id" in mapped:
                csv = Path(tmp) / "products.csv"
                self._copy_out(pg_products_sql(lines, as_of=as_of), csv)
                con.execute(
                    f"COPY (SELECT * FROM {_read_csv(csv, _PRODUCTS_CSV)} ORDER BY customer_id, month, product_id) "
                    f"TO {literal(out / 'products.parquet')} (FORMAT parquet)"
                )
                written["products"] = out / "products.parquet"
        return written

    def _orders_columns(self) -> tuple[list[Problem], list[tuple[str, str]]]:
        """Problems of the orders' columns, and canonical column -> the relation's column name."""
        from clientbase.sources import header_lookup, header_synonyms, match_headers

        rel = self.relations["orders"]
        columns = self._describe(rel)
        names = [n for n, _ in columns]
        synonyms = header_synonyms(self.fmt, "orders")
        position = match_headers(names, header_lookup(synonyms))
        mapped = [(c, names[position[c]]) for c in TABLES["orders"].columns if c in position]
        problems = []
        for col in TABLES["orders"].required:
            if col in position:
                continue
            hint = ""
            if col == "customer_id" and "customer_name" in position:
                hint = ("; customers given by name are matched only in exported files: "
                        "join the customers table in the query and select its id as customer_id")
            problems.append(Problem(
                rel.label, None, col,
                f"required column {col!r} not found; columns found: {', '.join(names) or 'none'}; "
                f"any of these names would match: {', '.join(synonyms[col])}{hint}", table="orders",
            ))
        for col, name in mapped:
            kind = TABLES["orders"].columns[col]
            oid = columns[position[col]][1]
            if kind == "float" and oid not in _NUMBER_TYPES:
                problems.append(Problem(rel.label, None, name,
                                        f"is of type {self._type_name(oid)}; expected a number: cast it "
                                        f"in the query, e.g. CAST({identifier(name)} AS numeric) AS {col}",
                                        table="orders"))
            elif kind == "date" and oid not in _DATE_TYPES:
                problems.append(Problem(rel.label, None, name,
                                        f"is of type {self._type_name(oid)}; expected a date or timestamp: "
                                        f"cast it in the query, e.g. CAST({identifier(name)} AS date) AS {col}",
                                        table="orders"))
        return problems, mapped

    def _lines_sql(self) -> str:
        """The order lines with canonical names and types, and `known`: the customer exists.

        Text is trimmed and empty text is NULL, amounts are double precision and statuses
        are mapped to canonical codes, as the file source reads them.
        """
        mapped = dict(self._orders_columns()[1])

        def text(col: str, alias: str = "o", names: Mapping[str, str] = mapped) -> str:
            if col not in names:
                return "CAST(NULL AS text)"
            return f"NULLIF(btrim(CAST({alias}.{identifier(names[col])} AS text)), '')"

        def number(col: str) -> str:
            return f"CAST(o.{identifier(mapped[col])} AS float8)" if col in mapped else "CAST(NULL AS float8)"

        customers = self.relations["customers"]
        ids = text("customer_id", "c", {"customer_id": self._customer_id_column()})
        # a hash join, not `IN (subquery)`: with a million customers the IN list outgrows
        # work_mem and PostgreSQL falls back to a subplan rescanned for every line
        return f"""(
            SELECT {text('order_id')} AS order_id, CAST(o.{identifier(mapped['date'])} AS timestamp) AS "date",
                   {text('customer_id')} AS customer_id, {number('amount')} AS amount,
                   {number('cost')} AS cost, {number('quantity')} AS quantity,
                   {text('product_id')} AS product_id, {text('manager')} AS manager,
                   {self._status_sql(text('status'))} AS status, k.id IS NOT NULL AS known
            FROM {self.relations['orders'].sql} AS o
            LEFT JOIN (SELECT DISTINCT {ids} AS id FROM {customers.sql} AS c) AS k
                   ON k.id = {text('customer_id')}
        )"""

    def _status_sql(self, status: str) -> str:
        """Statuses mapped onto canonical codes by the format's value synonyms.

        Like the file source, ё counts as е and case is folded; lower() of a database with
        the C locale folds only ASCII, so the usual spellings of each synonym are listed too.
        """
        folded = f"translate({status}, 'ёЁ', 'еЕ')"
        cases = []
        for code, synonyms in self.fmt.values.get("status", {}).items():
            words = set()
            for word in (code, *synonyms):
                w = word.replace("ё", "е").replace("Ё", "Е")
                words |= {w, w.lower(), w.upper(), w.capitalize()}
            listed = ", ".join(literal(w) for w in sorted(words))
            cases.append(f"WHEN {folded} IN ({listed}) OR lower({folded}) IN ({listed}) THEN {literal(code)}")
        return f"CASE {' '.join(cases)} ELSE {status} END" if cases else status

    def _customer_id_column(self) -> str:
        from clientbase.sources import header_lookup, header_synonyms, match_headers

        rel = self.relations["customers"]
        names = [n for n, _ in self._describe(rel)]
        position = match_headers(names, header_lookup(header_synonyms(self.fmt, "customers")))
        if "customer_id" not in position:  # the customers table's own check reports it
            raise DataError([Problem(rel.label, None, "customer_id", "required column 'customer_id' not found",
                                     table="customers")])
        return names[position["customer_id"]]

    def _orders_stats(self) -> dict[str, Any]:
        if self._stats is not None:
            return self._stats
        live = "known AND (status IS NULL OR status <> 'cancelled')"
        parts = [
            "count(*) AS total", "count(*) FILTER (WHERE known) AS known",
            "coalesce(sum(amount) FILTER (WHERE NOT known), 0) AS dropped_amount",
            "count(DISTINCT customer_id) FILTER (WHERE NOT known AND customer_id IS NOT NULL) AS unknown",
            'min("date") FILTER (WHERE known) AS date_min', 'max("date") FILTER (WHERE known) AS date_max',
            f'min("date") FILTER (WHERE {live}) AS live_min', f'max("date") FILTER (WHERE {live}) AS live_max',
            *(f'count(*) FILTER (WHERE "{c}" IS NULL) AS "empty_{c}"' for c in TABLES["orders"].required),
            *(f'count("{c}") FILTER (WHERE known) > 0 AS "filled_{c}"' for c in TABLES["orders"].columns),
        ]
        cur = self._execute(f"SELECT {', '.join(parts)} FROM {self._lines_sql()} AS l", self.relations["orders"])
        self._stats = dict(zip([c.name for c in cur.description], cur.fetchone(), strict=True))
        return self._stats

    def _unknown_customers(self, count: int, header: str) -> list[Problem]:
        rel = self.relations["orders"]
        cur = self._execute(
            f"SELECT customer_id, count(*), coalesce(sum(amount), 0) FROM {self._lines_sql()} AS l "
            f"WHERE NOT known AND customer_id IS NOT NULL GROUP BY 1 ORDER BY 1", rel,
        )
        groups = cur.fetchall()
        out = [Problem(rel.label, None, header,
                       f"unknown customer {value!r}: customer_id not in the customers table; "
                       f"{n} row{'s' if n > 1 else ''} dropped; amount {_amount_text(amount)}",
                       severity="warning", table="orders")
               for value, n, amount in groups[:_LISTED_VALUES]]
        if count > _LISTED_VALUES:
            rest = groups[_LISTED_VALUES:]
            out.append(Problem(rel.label, None, header,
                               f"and {count - _LISTED_VALUES} more such values in {sum(g[1] for g in rest)} rows; "
                               f"amount {_amount_text(sum(g[2] for g in rest))}", severity="warning", table="orders"))
        return out

    # --- plumbing ------------------------------------------------------------------------
    def _describe(self, rel: Relation) -> list[tuple[str, int]]:
        if rel.table not in self._columns:
            cur = self._execute(f"SELECT * FROM {rel.sql} AS t LIMIT 0", rel)
            self._columns[rel.table] = [(c.name, c.type_code) for c in cur.description]
        return self._columns[rel.table]

    def _type_name(self, oid: int) -> str:
        return str(self._scalar(f"SELECT format_type({int(oid)}, NULL)"))

    def _scalar(self, sql: str) -> Any:
        return self._conn.execute(sql).fetchone()[0]

    def _row(self, sql: str, rel: Relation) -> tuple[Any, ...]:
        return self._execute(sql, rel).fetchone()

    def _execute(self, sql: str, rel: Relation) -> Any:
        """Run a query in a savepoint; a database error becomes a problem naming the relation."""
        import psycopg

        try:
            with self._conn.transaction():
                return self._conn.execute(sql)
        except psycopg.Error as exc:
            raise DataError([Problem(rel.label, None, None, f"cannot read it from the database: {self._clean(exc)}",
                                     table=rel.table)]) from None

    def _copy_out(self, sql: str, path: Path) -> None:
        import psycopg

        try:
            with self._conn.transaction(), self._conn.cursor() as cur, open(path, "wb") as f, \
                    cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER)") as copy:
                for block in copy:
                    f.write(block)
        except psycopg.Error as exc:
            rel = self.relations["orders"]
            raise DataError([Problem(rel.label, None, None, f"the aggregation failed in the database: "
                                                           f"{self._clean(exc)}", table="orders")]) from None

    def _clean(self, exc: Exception) -> str:
        diag = getattr(exc, "diag", None)
        text = (diag.message_primary if diag is not None and diag.message_primary else str(exc)).strip()
        return _redact(text, self._secrets)


@contextmanager
def open_database(profile: Any, fmt: Any) -> Iterator[DatabaseSource]:
    """Connect to a profile's database and hold one read-only REPEATABLE READ snapshot.

    Credentials: libpq's environment (PGPASSWORD, PGUSER, PGPASSFILE, ...; ~/.pgpass) and
    a `.env` file next to the profile; the URL carries none (the profile check refuses a
    password in it). Errors name the URL without any password.
    """
    import psycopg

    url = str(profile.data.url)
    env_file = Path(profile.file).parent / ".env"
    options = connection_options(url, env_file=env_file)
    secrets = tuple(v for v in (options.get("password"), os.environ.get("PGPASSWORD")) if v)
    shown = display_url(url)
    try:
        conn = psycopg.connect(url, **options)
    except psycopg.Error as exc:
        raise ClientbaseError(f"{profile.file}: cannot connect to {shown}: {_redact(str(exc).strip(), secrets)}") \
            from None
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # exact text of doubles and ISO dates in COPY output, whatever the server's defaults
        conn.execute("SET LOCAL extra_float_digits = 3")
        conn.execute("SET LOCAL DateStyle = 'ISO, YMD'")
        yield DatabaseSource(conn, url=url, tables=profile.data.tables, fmt=fmt, secrets=secrets)
    finally:
        try:
            conn.rollback()
        finally:
            conn.close()


# --- helpers ------------------------------------------------------------------------------
def _arrow_column(values: list[Any]) -> pa.Array:
    """A column of driver values as Arrow; what Arrow cannot hold natively goes as text."""
    def plain(v: Any) -> Any:
        if isinstance(v, Decimal):
            return float(v)
        if isinstance(v, datetime) and v.tzinfo is not None:
            return v.replace(tzinfo=None)  # the wall time of the session's time zone
        if isinstance(v, uuid.UUID):
            return str(v)
        return v

    values = [plain(v) for v in values]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _read_csv(path: Path, columns: Mapping[str, str]) -> str:
    spec = ", ".join(f"'{k}': '{v}'" for k, v in columns.items())
    return (f"read_csv({literal(path)}, header = true, columns = {{{spec}}}, delim = ',', quote = '\"', "
            "escape = '\"', allow_quoted_nulls = false)")


def _amount(value: Any) -> float:
    return round(float(value), 2) + 0.0


def _iso(value: Any) -> str | None:
    return None if value is None else pd.Timestamp(value).date().isoformat()
