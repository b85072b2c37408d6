"""1C CSV order lines, streamed: checked, resolved and written a chunk of lines at a time.

A 1C export of order lines is the one CSV that grows with the business: read whole it is
decoded, split and parsed in memory (1.5 GB at a million lines, 4 GB at three: issue 17,
docs/csv_streaming.md). Here the file
is transcoded to UTF-8 as it is read, split by pandas' C parser `_CHUNK_LINES` lines at a
time (the parser keeps its state between chunks, so quoted cells are split as in one
pass), and each chunk goes through the same parsing and checks as `tables.read_table`
and the same resolution of customers as `names._resolve_references`. Problems are
gathered across chunks (first rows, counts, amounts) and worded by the same helpers, so
that they read exactly as those of a whole read; the canonical lines of each chunk are
appended to a temporary Parquet file that is renamed into place only when the whole
source has no error.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from clientbase.errors import Problem
from clientbase.frames import isin
from clientbase.schema import TABLES
from clientbase.sources.finding import RowCount
from clientbase.sources.formats import _HELPER_OF, Format, header_lookup, header_synonyms, value_field
from clientbase.sources.names import _complete, _finish, _grouped_warnings, _match_names
from clientbase.sources.readers import (
    _HEADER_SCAN_ROWS,
    _LISTED_ROWS,
    _bom_encoding,
    _csv_head,
    _csv_options,
    _csv_sentinel,
    _drop_blank_and_totals,
    _Raw,
    _rows_text,
    _text,
)
from clientbase.sources.tables import _LISTED_VALUES, _missing_columns
from clientbase.sources.values import _bad_values_problem, _parse_column, _typed_mask

# order-line CSV files smaller than this are read whole; 0: every one bound for the cache is
# streamed, which is as fast as the whole-file read from 20,000 lines up (docs/csv_streaming.md)
STREAM_MIN_BYTES = 0


_CHUNK_LINES = 100_000


_BLOCK_BYTES = 1 << 20


# the header search reads the first lines of the file; a file with no line break in its first
# megabytes is no 1C export (or ends its lines with a bare CR): the whole-file path reads it
_HEAD_MAX_BYTES = 8 << 20


class _Fallback(Exception):
    """The file is not for the streamed path: the whole-file path reads and words it."""


@dataclass
class _Rows:
    """The rows of one kind of problem, gathered across chunks: the first ones and how many."""

    first: list[int] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    total: int = 0
    amount: float = 0.0

    def add(self, rows: np.ndarray, shown: list[str] | None = None, amount: float = 0.0) -> None:
        room = _LISTED_ROWS - len(self.first)
        if room > 0:
            self.first.extend(int(r) for r in rows[:room])
            if shown is not None:
                self.shown.extend(shown[:room])
        self.total += len(rows)
        self.amount += amount


class _CsvOrders:
    """The order lines of a CSV export, read in chunks: problems, row count and the canonical Parquet."""

    def __init__(self, path: Path, fmt: Format, encoding: str, errors: str, head_bytes: int, out: Path):
        self.path = path
        self.fmt = fmt
        self._encoding, self._errors = encoding, errors
        self._synonyms = header_synonyms(fmt, "orders")
        self._lookup = header_lookup(self._synonyms)
        self._head_bytes = head_bytes
        self._out = out
        self._tmp: Path | None = None
        self._read = 0
        self._used = 0
        self._dropped = 0.0
        self._warnings: list[Problem] = []

    @classmethod
    def plan(cls, path: Path, fmt: Format, out: Path) -> _CsvOrders | None:
        """The streamed reader of an orders file, or None when the whole-file path must read it."""
        if path.suffix.lower() not in (".csv", ".txt"):
            return None
        try:
            size = path.stat().st_size
            if size < STREAM_MIN_BYTES:
                return None
            with open(path, "rb") as handle:
                encoding = _bom_encoding(handle.read(4))
                handle.seek(0)
                if encoding is not None:  # the whole-file path refuses a damaged file of a BOM
                    _checked(handle, encoding)
                    errors = "strict"
                else:
                    try:
                        _checked(handle, "utf-8")
                        encoding, errors = "utf-8", "strict"
                    except UnicodeDecodeError:
                        # 1C on Windows saves in the ANSI code page; cp1251 decodes every byte but 0x98
                        encoding, errors = "cp1251", "replace"
            return cls(path, fmt, encoding, errors, _head_size(path, encoding, errors), out)
        except (OSError, UnicodeDecodeError, _Fallback):
            return None

    def read(self, customers: pd.DataFrame | None) -> list[Problem]:
        """Read the file once: the problems `read_table` reports, the lines written to a temporary file.

        `customers` (the customers table as read) resolves customers given by name and
        checks customer codes, as `names._resolve_references`; its warnings are kept for
        :meth:`warnings`. Raises `_Fallback` when the file cannot be split into columns.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        with open(self.path, "rb") as handle:
            head_text = _decoder(self._encoding, self._errors).decode(handle.read(self._head_bytes))
        head = _csv_head(head_text, self._lookup)
        raw_head = _Raw(head.headers, head.columns, pd.DataFrame(), np.zeros(0, dtype=np.int64), None)
        found: list[tuple[int | None, str | None, str]] = _missing_columns(raw_head, "orders", self._synonyms)
        columns = head.columns
        headers = {col: head.headers[pos] for col, pos in columns.items()}
        positions = sorted({0, *columns.values()})
        long_rows = _Rows()
        bad: dict[str, _Rows] = {col: _Rows() for col in columns}
        wording: dict[str, tuple[str, str]] = {}
        required = [col for col in TABLES["orders"].required
                    if any(c in columns for c in (col, _HELPER_OF.get(col)))]
        empty: dict[str, _Rows] = {col: _Rows() for col in required}
        resolve = _Resolution(customers, headers) if customers is not None else None
        self._out.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self._out.parent, prefix=f".{self._out.name}.", suffix=".tmp")
        os.close(fd)
        self._tmp = Path(name)
        writer = None
        failed = bool(found)  # an error: nothing will be written, but every problem is still wanted
        first_row = head.first_row
        try:
            with open(self.path, "rb") as handle, _body_stream(handle, self._encoding, self._errors,
                                                               head.body_at, head.sep, head.width) as body:
                skip = 1  # the sentinel line
                for cells in _chunks(body, head.sep, positions, head.width):
                    cells = cells.iloc[skip:].reset_index(drop=True)
                    skip = 0
                    rows = np.arange(len(cells), dtype=np.int64) + first_row
                    first_row += len(cells)
                    too_long = cells.pop(head.width).str.strip() != ""
                    kept, kept_rows = _drop_blank_and_totals(_Raw(head.headers, columns, cells, rows, too_long),
                                                             self.fmt)
                    long_rows.add(kept_rows[too_long.loc[kept.index].to_numpy()])
                    frame = self._checked_chunk(kept, kept_rows, columns, headers, bad, wording, empty)
                    failed = failed or long_rows.total > 0 or any(b.total for b in bad.values()) or any(
                        e.total for e in empty.values())
                    self._read += len(frame)
                    frame = _complete(frame, "orders")
                    if resolve is not None:
                        frame, dropped = resolve.chunk(frame)
                        self._dropped += dropped
                    self._used += len(frame)
                    if failed:
                        continue
                    table = pa.Table.from_pandas(_finish(frame, "orders"), preserve_index=False)
                    if writer is None:
                        writer = pq.ParquetWriter(self._tmp, table.schema)
                    writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()
        if writer is None and not failed:  # no data line: an empty table with the canonical columns
            empty_frame = _finish(_complete(pd.DataFrame({"_row": pd.Series([], dtype="int64")}), "orders"), "orders")
            pq.write_table(pa.Table.from_pandas(empty_frame, preserve_index=False), self._tmp)
        if long_rows.total:
            found.append((long_rows.first[0], None,
                          f"{_rows_text(np.array(long_rows.first), total=long_rows.total)}: more cells than the "
                          "header (a separator inside an unquoted value?); quote such values or save the file again"))
        for col, rows_of in bad.items():
            if rows_of.total:
                what, expected = wording[col]
                found.append(_bad_values_problem(np.array(rows_of.first), rows_of.shown, rows_of.total,
                                                 headers[col], what, expected))
        for col, rows_of in empty.items():
            if rows_of.total:
                given = [c for c in (col, _HELPER_OF.get(col)) if c in columns]
                found.append((rows_of.first[0], " / ".join(headers[c] for c in given),
                              f"empty required value ({col}) in "
                              f"{_rows_text(np.array(rows_of.first), total=rows_of.total)}"))
        self._warnings = resolve.warnings(self.path.name) if resolve is not None else []
        return [Problem(self.path.name, row, column, message, table="orders") for row, column, message in found]

    def _checked_chunk(
        self, cells: pd.DataFrame, rows: np.ndarray, columns: dict[str, int], headers: dict[str, str],
        bad: dict[str, _Rows], wording: dict[str, tuple[str, str]], empty: dict[str, _Rows],
    ) -> pd.DataFrame:
        """One chunk's lines parsed as `read_table` parses them, their problems added to `bad` and `empty`."""
        out: dict[str, pd.Series] = {}
        typed: dict[str, np.ndarray] = {}
        for col, pos in columns.items():
            out[col], mask, what, expected = _parse_column(
                cells[pos], col, TABLES["orders"].columns.get(col, "str"), self.fmt, field=value_field("orders", col))
            wording[col] = (what, expected)
            if mask is not None and mask.to_numpy(dtype=bool).any():
                mask = mask.to_numpy(dtype=bool)
                bad[col].add(rows[mask], _text(cells[pos])[mask].iloc[:_LISTED_ROWS].tolist())
            typed[col] = _typed_mask(cells[pos])
        frame = pd.DataFrame(out, index=cells.index)
        frame["_row"] = rows
        frame = frame.reset_index(drop=True)
        for col, rows_of in empty.items():
            given = [c for c in (col, _HELPER_OF.get(col)) if c in frame]
            missing = np.logical_and.reduce([frame[c].isna().to_numpy() & ~typed[c] for c in given])
            rows_of.add(rows[missing])
        return frame

    def warnings(self) -> list[Problem]:
        """The warnings of resolving the customers (unknown or ambiguous names, unknown codes)."""
        return list(self._warnings)

    def row_count(self) -> RowCount:
        """The file's data lines, those written (of known customers) and the amount of the others."""
        return RowCount(self._read, self._used, round(self._dropped, 2))

    def write(self, out: Path) -> None:
        """Put the canonical order lines in place (they were written to a temporary file by :meth:`read`)."""
        if self._tmp is None or not self._tmp.exists():
            raise RuntimeError(f"{self.path.name}: the order lines were not written (read() found errors)")
        os.chmod(self._tmp, 0o644)  # as `files.atomic_file` publishes (mkstemp leaves it private)
        os.replace(self._tmp, out)
        self._tmp = None

    def close(self) -> None:
        """Remove the temporary file unless it was put in place."""
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None


class _Resolution:
    """Customers of order lines resolved chunk by chunk, as `names._resolve_references` does for a whole table."""

    def __init__(self, customers: pd.DataFrame, headers: dict[str, str]):
        self.customers = customers
        self.headers = headers
        self.active = bool({"customer_id", "customer_name"} & set(headers))
        # value -> rows; in the order of their first rows (chunks come in file order)
        self.unknown: dict[str, _Rows] = {}
        self.ambiguous: dict[str, _Rows] = {}
        self.matches: dict[str, int] = {}
        self.unknown_ids: dict[str, _Rows] = {}
        self.known: dict[str, tuple[Any, int]] = {}  # name -> (id or NA, matching cards)

    def chunk(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, float]:
        """The chunk's lines of known customers (ids filled from names) and the amount of the others."""
        if not self.active:
            return frame, 0.0
        ref = self.customers
        ids = frame["customer_id"]
        failed = pd.Series(False, index=frame.index)
        if "customer_name" in frame:
            by_name = frame["customer_name"].where(frame["customer_id"].isna())
            resolved, matches = self._names(by_name)
            unknown = by_name.notna() & (matches == 0)
            ambiguous = by_name.notna() & (matches > 1)
            self.matches.update(zip(by_name[ambiguous], matches[ambiguous], strict=True))
            _gather(self.unknown, frame, unknown, "customer_name")
            _gather(self.ambiguous, frame, ambiguous, "customer_name")
            ids = ids.fillna(resolved)
            failed |= unknown | ambiguous
        given = frame["customer_id"].notna() & ~isin(frame["customer_id"], ref["customer_id"])
        _gather(self.unknown_ids, frame, given, "customer_id")
        failed |= given
        frame = frame.assign(customer_id=ids.astype("str"))
        return frame.loc[~failed], float(frame.loc[failed, "amount"].sum())

    def _names(self, names: pd.Series) -> tuple[pd.Series, pd.Series]:
        """`names._match_names` of a chunk's names; each distinct name is looked up once per file."""
        codes, uniques = pd.factorize(names)
        new = [u for u in uniques if u not in self.known]
        if new:
            ref = self.customers
            ids, n = _match_names(pd.Series(new, dtype="str"), ref["customer_id"], ref["name"], ref.get("is_deleted"))
            self.known.update(zip(new, zip(ids.tolist(), n.tolist(), strict=True), strict=True))
        found = [self.known[u] for u in uniques]
        valid = codes >= 0
        ids = np.full(len(names), np.nan, dtype=object)
        matches = np.zeros(len(names), dtype=np.int64)
        if found:
            ids[valid] = np.array([f[0] for f in found], dtype=object)[codes[valid]]
            matches[valid] = np.array([f[1] for f in found], dtype=np.int64)[codes[valid]]
        return pd.Series(ids, index=names.index, dtype="str"), pd.Series(matches, index=names.index)

    def warnings(self, file: str) -> list[Problem]:
        where: dict[str, Any] = {"file": file, "table": "orders", "headers": self.headers}
        out = _warnings_of(self.unknown, "customer_name", where, lambda v, rows: (
            f"unknown customer {v!r}: no such name in the customers table; {rows} dropped"))
        out += _warnings_of(self.ambiguous, "customer_name", where, lambda v, rows: (
            f"customer name {v!r} matches {self.matches[v]} customers; {rows} dropped"))
        out += _warnings_of(self.unknown_ids, "customer_id", where, lambda v, rows: (
            f"unknown customer {v!r}: customer_id not in the customers table; {rows} dropped"))
        return out


def _gather(into: dict[str, _Rows], frame: pd.DataFrame, mask: pd.Series, col: str) -> None:
    """Add the rows of `mask` to their value's rows; a new value comes after those already seen."""
    if not mask.any():
        return
    bad = frame.loc[mask]
    # factorize numbers the values in the order of their first rows (the chunk is in file order)
    codes, values = pd.factorize(bad[col])
    rows = bad["_row"].to_numpy()
    amounts = np.nan_to_num(bad["amount"].to_numpy(dtype="float64"))  # a sum skips missing amounts
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(values))
    sums = np.bincount(codes, weights=amounts, minlength=len(values))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for i, value in enumerate(values):
        these = rows[order[starts[i]:starts[i] + min(counts[i], _LISTED_ROWS)]]
        group = into.setdefault(value, _Rows())
        group.add(these, amount=float(sums[i]))
        group.total += int(counts[i]) - len(these)


def _warnings_of(groups: dict[str, _Rows], col: str, where: dict[str, Any], message: Any) -> list[Problem]:
    listed = list(groups.items())[:_LISTED_VALUES]
    rest = list(groups.values())[_LISTED_VALUES:]
    more = (len(rest), sum(r.total for r in rest), sum(r.amount for r in rest))
    return _grouped_warnings([(value, np.array(r.first), r.total, r.amount) for value, r in listed], more, col,
                             message=message, **where)


def _chunks(body: BinaryIO, sep: str, positions: list[int], width: int) -> Iterator[pd.DataFrame]:
    """The cells of `_CHUNK_LINES` lines at a time; `_Fallback` when pandas cannot split them."""
    try:
        reader = pd.read_csv(body, chunksize=_CHUNK_LINES, **_csv_options(sep, positions, width))
        with reader:
            yield from reader
    except (pd.errors.ParserError, ValueError, OSError, csv.Error) as exc:
        raise _Fallback(f"cannot split the file into columns by {sep!r}: {exc}") from exc


def _decoder(encoding: str, errors: str) -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder(encoding)(errors=errors)


def _checked(handle: BinaryIO, encoding: str) -> None:
    """Decode the whole file strictly: raises UnicodeDecodeError where the whole-file path would."""
    decoder = _decoder(encoding, "strict")
    while block := handle.read(_BLOCK_BYTES):
        decoder.decode(block)
    decoder.decode(b"", final=True)


def _head_size(path: Path, encoding: str, errors: str) -> int:
    """The bytes from the start of the file that hold more than `_HEADER_SCAN_ROWS` lines (or all of it)."""
    decoder = _decoder(encoding, errors)
    head, newlines = 0, 0
    with open(path, "rb") as handle:
        while newlines <= _HEADER_SCAN_ROWS and (block := handle.read(_BLOCK_BYTES)):
            head += len(block)
            newlines += decoder.decode(block).count("\n")  # decoded: a UTF-16 byte 0x0A is no line break
            if head > _HEAD_MAX_BYTES and newlines <= _HEADER_SCAN_ROWS:
                raise _Fallback("no line breaks")
    return head


class _BodyStream(io.RawIOBase):
    """The data lines of a CSV file as UTF-8 bytes, decoded block by block, after the sentinel line."""

    def __init__(self, handle: BinaryIO, encoding: str, errors: str, skip: int, sentinel: str):
        self._handle = handle
        self._decoder = _decoder(encoding, errors)
        self._skip = skip  # characters of the title block and the header line
        self._pending = memoryview(sentinel.encode("utf-8"))
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            block = self._handle.read(_BLOCK_BYTES)
            text = self._decoder.decode(block, final=not block)
            self._done = not block
            if self._skip:
                cut = min(self._skip, len(text))
                text, self._skip = text[cut:], self._skip - cut
            self._pending = memoryview(text.encode("utf-8"))
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _body_stream(handle: BinaryIO, encoding: str, errors: str, skip: int, sep: str, width: int) -> io.BufferedReader:
    return io.BufferedReader(_BodyStream(handle, encoding, errors, skip, _csv_sentinel(sep, width)), _BLOCK_BYTES)
