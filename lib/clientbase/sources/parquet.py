"""Typed Parquet order lines, checked and converted by DuckDB without loading them into pandas.

Order lines are the one table that grows with the business: read into pandas they cost
about 0.6 GB per million lines. A Parquet file whose columns already have their types is
checked and copied into the cache by DuckDB, streaming, with the same problems as the
pandas path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.errors import Problem
from clientbase.schema import TABLES
from clientbase.sources.finding import RowCount
from clientbase.sources.formats import _SPACES, Format, _norm, header_lookup, header_synonyms, match_headers
from clientbase.sources.readers import _LISTED_ROWS, _amount_text, _Raw, _rows_text
from clientbase.sources.tables import _LISTED_VALUES, _missing_columns
from clientbase.sources.values import _map_values
from clientbase.sql import identifier, literal

# 768 MB: at 10M lines the order-preserving COPY took 6.9 s within 512 MB and 4.9 s within 768 MB
# (the prepare process peaked at 1.68 and 1.74 GB)
_DUCKDB_MEMORY = "768MB"


# what pandas' str.strip() removes (pyarrow's utf8_trim_whitespace), for DuckDB's trim()
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


class _ParquetOrders:
    """The order lines of a typed Parquet file as DuckDB SQL: checks and conversion."""

    def __init__(self, path: Path, raw: _Raw, fmt: Format, kinds: dict[int, str]):
        import duckdb

        self.path = path
        self.raw = raw
        self.fmt = fmt
        self.headers = {col: raw.headers[pos] for col, pos in raw.columns.items()}
        # order-preserving COPY buffers row groups up to the memory limit (80 % of RAM by
        # default); a bounded buffer keeps the process small at the same speed
        self._spill = tempfile.TemporaryDirectory(prefix="clientbase-orders-")
        self.con = duckdb.connect(config={
            "preserve_insertion_order": True, "memory_limit": _DUCKDB_MEMORY,
            "temp_directory": self._spill.name,
        })
        self._unknown: list[tuple[str, list[int], int, float]] = []
        self._mapped: str | None = None
        self._kinds = kinds
        self._lines: str | None = None

    @property
    def lines(self) -> str:
        """SELECT of the canonical lines (with `_row`), as SQL; the first use reads the file once."""
        if self._lines is None:
            self._lines = self._lines_sql(self._kinds, clean=self._clean_text_columns())
        return self._lines

    def _clean_text_columns(self) -> set[int]:
        """Text columns with no empty value and no value to trim: read as they are.

        Trimming every value of every text column in every pass cost more than the rest
        of the checks at 10M lines; one pass tells which columns can skip it (a clean
        export, like canonical Parquet, has none to trim).
        """
        texts = [pos for pos, kind in self._kinds.items() if kind == "text"]
        if not texts:
            return set()
        ws = literal(_WHITESPACE)
        names = {pos: f"CAST({identifier(self.raw.headers[pos])} AS VARCHAR)" for pos in texts}
        counts = ", ".join(
            f"count(*) FILTER (WHERE {n} = '' OR contains({ws}, left({n}, 1)) OR contains({ws}, right({n}, 1)))"
            for n in names.values()
        )
        found = self.con.execute(
            f"SELECT {counts} FROM read_parquet({literal(str(self.path))})"
        ).fetchall()[0]
        return {pos for pos, n in zip(texts, found, strict=True) if n == 0}

    @classmethod
    def plan(cls, path: Path, fmt: Format) -> _ParquetOrders | None:
        """The DuckDB reader of an orders file, or None when the pandas path must read it."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if path.suffix.lower() != ".parquet":
            return None
        try:
            schema = pq.read_schema(path)
        except (OSError, ValueError):
            return None  # the pandas path words the problem
        headers = [str(n) for n in schema.names]
        if not headers or len(set(headers)) != len(headers):
            return None
        columns = match_headers(headers, header_lookup(header_synonyms(fmt, "orders")))
        if "customer_name" in columns:  # names are matched by the pandas path
            return None

        def kind_of(t: pa.DataType) -> str | None:
            if pa.types.is_string(t) or pa.types.is_large_string(t):
                return "text"
            if pa.types.is_integer(t):
                return "int"
            if pa.types.is_floating(t):
                return "float"
            if pa.types.is_timestamp(t) and t.tz is None:
                return "timestamp"
            if pa.types.is_date32(t):
                return "date"
            if pa.types.is_boolean(t):
                return "bool"
            return None

        kinds: dict[int, str] = {}
        for pos in sorted({0, *columns.values()}):
            kind = kind_of(schema.field(pos).type)
            if kind is None:
                return None
            kinds[pos] = kind
        allowed = {"str": ("text", "int"), "float": ("int", "float"), "date": ("timestamp", "date")}
        for col, pos in columns.items():
            if kinds[pos] not in allowed[TABLES["orders"].columns[col]]:
                return None  # text to parse, or a type the pandas path words as a bad value
        raw = _Raw(headers, columns, pd.DataFrame(), np.zeros(0, dtype=np.int64), None)
        return cls(path, raw, fmt, kinds)

    def _lines_sql(self, kinds: dict[int, str], *, clean: set[int]) -> str:
        raw, ws = self.raw, literal(_WHITESPACE)
        names = {pos: identifier(raw.headers[pos]) for pos in kinds}

        def strip(value: str) -> str:
            # trim() with a character list is slow; most values need no trimming at all
            return (f"CASE WHEN contains({ws}, left({value}, 1)) OR contains({ws}, right({value}, 1)) "
                    f"THEN trim({value}, {ws}) ELSE {value} END")

        def text(pos: int) -> str:
            if pos in clean or kinds[pos] == "int":  # nothing to trim, nothing empty
                return f"CAST({names[pos]} AS VARCHAR)"
            return f"NULLIF({strip(f'CAST({names[pos]} AS VARCHAR)')}, '')"

        def filled(pos: int) -> str:
            if kinds[pos] == "text":
                return f"({text(pos)} IS NOT NULL)"
            if kinds[pos] == "float":
                return f"({names[pos]} IS NOT NULL AND NOT isnan({names[pos]}))"
            return f"({names[pos]} IS NOT NULL)"

        # a row's label is its first filled cell; a typed cell is filled but no label
        labels = []
        for pos, kind in kinds.items():
            label = text(pos) if kind == "text" else (
                f"CAST({names[pos]} AS VARCHAR)" if kind == "date" else "''")
            labels.append(f"CASE WHEN {filled(pos)} THEN {label} END")
        keep = " OR ".join(filled(pos) for pos in kinds)
        if self.fmt.total_rows:
            first = f"coalesce({', '.join(labels)})" if len(labels) > 1 else labels[0]
            # clientbase.sources._fold, then the end punctuation _drop_blank_and_totals strips
            spaced = f"regexp_replace(replace(lower({first}), 'ё', 'е'), {literal(_SPACES + '+')}, ' ', 'g')"
            folded = f"rtrim({strip(spaced)}, ' :.')"
            totals = ", ".join(literal(t) for t in sorted({_norm(t) for t in self.fmt.total_rows}))
            keep = f"({keep}) AND coalesce({folded} NOT IN ({totals}), true)"
        exprs = []
        for col, kind in TABLES["orders"].columns.items():
            pos = raw.columns.get(col)
            if pos is None:
                sql_type = {"str": "VARCHAR", "float": "DOUBLE", "date": "TIMESTAMP_NS"}[kind]
                exprs.append(f"CAST(NULL AS {sql_type}) AS {col}")
            elif kind == "str":
                exprs.append(f"{text(pos)} AS {col}")
            elif kind == "float":
                exprs.append(f"CASE WHEN {filled(pos)} THEN CAST({names[pos]} AS DOUBLE) END AS {col}")
            else:
                exprs.append(f'CAST({names[pos]} AS TIMESTAMP_NS) AS "{col}"')
        src = f"read_parquet({literal(str(self.path))}, file_row_number = true)"
        return (f"(SELECT file_row_number + 1 AS _row, {', '.join(exprs)} FROM {src} "
                f"WHERE {keep})")

    def problems(self) -> list[Problem]:
        """What read_table reports for the file: missing columns and empty required values."""
        synonyms = header_synonyms(self.fmt, "orders")
        found = _missing_columns(self.raw, "orders", synonyms)
        given = [c for c in TABLES["orders"].required if c in self.raw.columns]
        if given:
            parts = ", ".join(f'count(*) FILTER (WHERE "{c}" IS NULL), min(_row, {_LISTED_ROWS}) '
                              f'FILTER (WHERE "{c}" IS NULL)' for c in given)
            counts = self.con.execute(f"SELECT {parts} FROM {self._status_mapped()}").fetchall()[0]
            for i, col in enumerate(given):
                n, rows = counts[2 * i], counts[2 * i + 1]
                if n:
                    found.append((int(rows[0]), self.headers[col],
                                  f"empty required value ({col}) in {_rows_text(np.array(rows), total=n)}"))
        file = self.path.name
        return [Problem(file, row, column, message, table="orders") for row, column, message in found]

    def unknown_customers(self, customer_ids: pd.Series) -> list[Problem]:
        """Warnings for orders of customers not in the customers table (their rows are dropped)."""
        import pyarrow as pa

        ids = pa.table({"id": pa.array(customer_ids.dropna().astype("str").to_numpy(dtype=object),
                                       type=pa.string())})
        self.con.register("_customer_ids", ids)
        if "customer_id" not in self.raw.columns:
            return []
        groups = self._unknown = self.con.execute(
            f"SELECT customer_id, min(_row, {_LISTED_ROWS}) AS rows, count(*) AS n, coalesce(sum(amount), 0) "
            f"FROM {self._status_mapped()} "
            "WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT id FROM _customer_ids) "
            "GROUP BY customer_id ORDER BY min(_row)"
        ).fetchall()
        file, header = self.path.name, self.headers["customer_id"]
        out = [Problem(file, int(rows[0]), header,
                       f"unknown customer {value!r}: customer_id not in the customers table; "
                       f"{_rows_text(np.array(rows), total=n)} dropped; amount {_amount_text(amount)}",
                       severity="warning", table="orders")
               for value, rows, n, amount in groups[:_LISTED_VALUES]]
        if len(groups) > _LISTED_VALUES:
            rest = groups[_LISTED_VALUES:]
            out.append(Problem(file, None, header,
                               f"and {len(rest)} more such values in {sum(g[2] for g in rest)} rows; "
                               f"amount {_amount_text(sum(g[3] for g in rest))}", severity="warning", table="orders"))
        return out

    def row_count(self) -> RowCount:
        """The file's data lines, those written (of known customers) and the amount of the others."""
        read = self.con.execute(f"SELECT count(*) FROM {self.lines} AS l").fetchone()[0]
        dropped = sum(g[2] for g in self._unknown)
        return RowCount(int(read), int(read - dropped), round(float(sum(g[3] for g in self._unknown)), 2) + 0.0)

    def write(self, out: Path) -> None:
        """The canonical order lines of known customers, in file order, to a Parquet file."""
        cols = ", ".join(f'"{c}"' for c in TABLES["orders"].columns)
        unknown = [g[0] for g in self._unknown]
        if not unknown:
            where, order = "", ""
        elif len(unknown) <= _LISTED_VALUES * 4:
            # a scan and a filter keep the file's order (preserve_insertion_order) without
            # sorting, which would hold every line in memory; a join would not keep it
            listed = ", ".join(literal(v) for v in unknown)
            where, order = f"WHERE NOT list_contains([{listed}], customer_id)", ""
        else:
            where, order = "WHERE customer_id IN (SELECT id FROM _customer_ids)", "ORDER BY _row"
        self.con.execute(f"COPY (SELECT {cols} FROM {self._status_mapped()} {where} {order}) "
                         f"TO {literal(str(out))} (FORMAT parquet)").fetchall()

    def close(self) -> None:
        self.con.close()
        self._spill.cleanup()

    def _status_mapped(self) -> str:
        """The lines with statuses mapped onto canonical codes (the few distinct values in Python)."""
        if self._mapped is not None:
            return self._mapped
        self._mapped = f"{self.lines} AS l"
        if "status" in self.raw.columns:
            values = [v for (v,) in self.con.execute(
                f"SELECT DISTINCT status FROM {self.lines} AS l WHERE status IS NOT NULL").fetchall()]
            text = pd.Series(values, dtype="str")
            codes, _ = _map_values(text, "status", self.fmt)
            changed = [(v, c) for v, c in zip(values, codes.tolist(), strict=True) if v != c]
            if changed:
                cases = " ".join(f"WHEN {literal(v)} THEN {literal(c)}" for v, c in changed)
                cols = ", ".join(f'"{c}"' for c in ("_row", *TABLES["orders"].columns) if c != "status")
                self._mapped = (f"(SELECT {cols}, CASE status {cases} ELSE status END AS status "
                                f"FROM {self.lines} AS l) AS m")
        return self._mapped
