"""Reading an export file into raw text cells: CSV in any of 1C's encodings and separators,
XLSX (the first sheet), Parquet. The header row is found under a report's title block
("Параметры:", "Отбор:"), blank and total rows ("Итого") are dropped, and the cells are
kept as the text a person would type.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clientbase.sources.formats import Format, _count_known, _fold, _norm, match_headers

_HEADER_SCAN_ROWS = 30


_MIN_HEADER_MATCHES = 2


_LISTED_ROWS = 5  # rows quoted in one problem before "and N more"


_SEPARATORS = (";", "\t", ",")


@dataclass(frozen=True)
class _Raw:
    """A file cut down to the columns that matter, before any parsing."""

    headers: list[str]  # every header cell of the header row, as written
    columns: dict[str, int]  # canonical column -> position in `headers`
    cells: pd.DataFrame  # columns are positions: the mapped ones and position 0
    rows: np.ndarray  # file row number of each line of `cells`
    too_long: pd.Series | None  # lines with more cells than the header (CSV only)


class _Unreadable(Exception):
    """The file cannot be read at all; the message says why."""


def _read_raw(path: Path, lookup: dict[str, tuple[str, int]]) -> _Raw:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            return _read_csv(path, lookup)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, lookup)
        if suffix == ".parquet":
            return _read_parquet(path, lookup)
    except (OSError, ValueError, zipfile.BadZipFile, KeyError, csv.Error) as exc:
        raise _Unreadable(f"cannot read the file: {exc}") from exc
    if suffix == ".xls":
        raise _Unreadable("old Excel files (.xls) are not supported: save it as .xlsx or .csv")
    raise _Unreadable(f"unsupported file type {suffix!r}: expected .csv, .txt, .xlsx or .parquet")


def _read_csv(path: Path, lookup: dict[str, tuple[str, int]]) -> _Raw:
    data = path.read_bytes()
    encoding = _bom_encoding(data[:4])
    if encoding is not None:
        text = data.decode(encoding)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # 1C on Windows saves in the ANSI code page; cp1251 decodes every byte but 0x98
            text = data.decode("cp1251", errors="replace")
    head = _csv_head(text, lookup)
    positions = sorted({0, *head.columns.values()})
    body = text[head.body_at:]
    if body.strip():
        cells = _parse_csv_body(body, head.sep, positions, head.width)
        too_long = cells.pop(head.width).str.strip() != ""
    else:
        cells = pd.DataFrame({p: pd.Series([], dtype="str") for p in positions})
        too_long = pd.Series([], dtype=bool)
    rows = np.arange(len(cells), dtype=np.int64) + head.first_row
    return _Raw(head.headers, head.columns, cells, rows, too_long)


def _bom_encoding(start: bytes) -> str | None:
    """The encoding a byte order mark at the start of a file announces, if any."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if start.startswith(bom):
            return encoding
    return None


@dataclass(frozen=True)
class _CsvHead:
    """Where a CSV text's header row is, how it is separated, and where its data lines start."""

    headers: list[str]  # every header cell, as written
    columns: dict[str, int]  # canonical column -> position in `headers`
    sep: str
    body_at: int  # offset in the text of the first data line
    first_row: int  # file row number of the first data line (1-based, header counted)

    @property
    def width(self) -> int:
        return max(len(self.headers), 1)


def _csv_head(text: str, lookup: dict[str, tuple[str, int]]) -> _CsvHead:
    """The header row of a CSV text: the first of its first lines that matches enough headers.

    `text` may be only the start of a file, as long as it holds more than
    `_HEADER_SCAN_ROWS` whole lines or the whole file.
    """
    lines: list[str] = []
    ends: list[int] = []  # where the text after each scanned line starts
    pos = 0
    while text and len(lines) < _HEADER_SCAN_ROWS and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        lines.append(text[pos:end].rstrip("\r"))
        pos = end + 1
        ends.append(min(pos, len(text)))
    header_at, sep = None, ","
    for i, line in enumerate(lines):
        best = max(_SEPARATORS, key=lambda s, line=line: _count_known(_split(line, s), lookup))
        if _count_known(_split(line, best), lookup) >= _MIN_HEADER_MATCHES:
            header_at, sep = i, best
            break
    if header_at is None:
        header_at = next((i for i, line in enumerate(lines) if line.strip()), 0)
        line = lines[header_at] if lines else ""
        sep = max(_SEPARATORS, key=line.count) if line else ","
    headers = _split(lines[header_at], sep) if lines else []
    body_at = ends[header_at] if lines else len(text)
    return _CsvHead(headers, match_headers(headers, lookup), sep, body_at, header_at + 2)


def _parse_csv_body(body: str, sep: str, positions: list[int], width: int) -> pd.DataFrame:
    """The wanted columns of the data lines, plus position `width`: cells beyond the header."""
    try:
        cells = pd.read_csv(io.BytesIO((_csv_sentinel(sep, width) + body).encode("utf-8")),
                            **_csv_options(sep, positions, width))
    except pd.errors.ParserError as exc:
        raise _Unreadable(f"cannot split the file into columns by {sep!r}: {exc}") from exc
    return cells.iloc[1:].reset_index(drop=True)


def _csv_sentinel(sep: str, width: int) -> str:
    """The first line put before the data lines: `width` + 1 empty cells.

    pandas drops cells beyond `names` silently and refuses a usecols position that the
    first lines do not reach; a first line of width + 1 empty cells makes `width` exist.
    """
    return sep * width + "\n"


def _csv_options(sep: str, positions: list[int], width: int) -> dict[str, Any]:
    """pandas.read_csv's options for the UTF-8 data lines (after `_csv_sentinel`) of a CSV export."""
    return {"encoding": "utf-8", "sep": sep, "header": None, "names": list(range(width + 1)),
            "usecols": [*positions, width], "dtype": str, "na_filter": False, "skip_blank_lines": False,
            "engine": "c"}


def _read_xlsx(path: Path, lookup: dict[str, tuple[str, int]]) -> _Raw:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        chosen = None
        for sheet in book.worksheets:
            # 1C and other writers often store a wrong sheet size; read what is there
            sheet.reset_dimensions()
            head = [[_cell_text(v) or "" for v in r]
                    for r in sheet.iter_rows(min_row=1, max_row=_HEADER_SCAN_ROWS, min_col=1, values_only=True)]
            found = next((i for i, r in enumerate(head) if _count_known(r, lookup) >= _MIN_HEADER_MATCHES), None)
            if found is not None:
                chosen = (sheet, head, found)
                break
        if chosen is None:
            if not book.worksheets:
                raise _Unreadable("the workbook has no sheets")
            sheet = book.worksheets[0]
            head = [[_cell_text(v) or "" for v in r]
                    for r in sheet.iter_rows(min_row=1, max_row=_HEADER_SCAN_ROWS, min_col=1, values_only=True)]
            found = next((i for i, r in enumerate(head) if any(c.strip() for c in r)), 0)
            chosen = (sheet, head, found)
        sheet, head, header_at = chosen
        headers = head[header_at] if head else []
        columns = match_headers(headers, lookup)
        positions = sorted({0, *columns.values()})
        data: dict[int, list[str | None]] = {p: [] for p in positions}
        for r in sheet.iter_rows(min_row=header_at + 2, min_col=1, values_only=True):
            n = len(r)
            for p in positions:
                data[p].append(_cell_text(r[p]) if p < n else None)
    finally:
        book.close()
    cells = pd.DataFrame({p: pd.Series(v, dtype="str") for p, v in data.items()})
    rows = np.arange(len(cells), dtype=np.int64) + header_at + 2
    return _Raw(headers, columns, cells, rows, None)


def _read_parquet(path: Path, lookup: dict[str, tuple[str, int]]) -> _Raw:
    import pyarrow.parquet as pq

    headers = [str(n) for n in pq.ParquetFile(path).schema_arrow.names]
    columns = match_headers(headers, lookup)
    positions = sorted({0, *columns.values()}) if headers else []
    frame = pd.read_parquet(path, columns=[headers[p] for p in positions])
    cells = pd.DataFrame({p: _keep_typed(frame.iloc[:, i]) for i, p in enumerate(positions)})
    rows = np.arange(len(cells), dtype=np.int64) + 1
    return _Raw(headers, columns, cells, rows, None)


def _keep_typed(values: pd.Series) -> pd.Series:
    """Numbers, datetimes and booleans stay typed; anything else becomes text."""
    values = values.reset_index(drop=True)
    if values.dtype == object:
        return values.map(_cell_text, na_action="ignore").astype("str")
    return values


def _drop_blank_and_totals(raw: _Raw, fmt: Format) -> tuple[pd.DataFrame, np.ndarray]:
    cells = raw.cells
    if cells.empty:
        return cells, raw.rows[:0]
    first = pd.Series(np.nan, index=cells.index, dtype="str")
    filled = pd.Series(False, index=cells.index)
    for pos in cells.columns:  # in file order: the first filled cell is the row's label
        col = cells[pos]
        # a typed cell (Parquet) is filled but is no total label
        text = _text(col) if _is_text(col) else pd.Series("", index=cells.index, dtype="str").where(col.notna())
        filled |= text.notna()
        first = first.fillna(text)
    keep = filled
    if fmt.total_rows:
        totals = {_norm(t) for t in fmt.total_rows}
        label = _fold(first).str.rstrip(" :.")
        keep = keep & ~label.isin(totals)
    mask = keep.to_numpy()
    return cells.loc[mask], raw.rows[mask]


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _text(values: pd.Series) -> pd.Series:
    """Trimmed text with NA for empty cells (str dtype)."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.map(_cell_text, na_action="ignore")
    text = values.astype("str").str.strip()
    return text.where(text != "")


def _split(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:  # a stray carriage return or NUL: no header there, but no reason to stop
        return line.split(sep)


def _cell_text(value: Any) -> str | None:
    """A spreadsheet or Parquet cell as the text a person would type (101.0 -> "101")."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if value != value:
            return None
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _amount_text(amount: float) -> str:
    """A sum of money as problems write it: two decimals, a point, no grouping (12345.00)."""
    return f"{round(float(amount), 2) + 0.0:.2f}"  # + 0.0: never -0.00


def _rows_text(rows: np.ndarray, *, listed: int = _LISTED_ROWS, total: int | None = None) -> str:
    """"rows 3, 5 and 2 more"; `total` counts the rows when `rows` holds only the first ones."""
    total = len(rows) if total is None else total
    shown = ", ".join(str(int(r)) for r in rows[:listed])
    more = f" and {total - listed} more" if total > listed else ""
    return f"row{'s' if total > 1 else ''} {shown}{more}"


def _typed_empty() -> pd.DataFrame:
    frame = pd.DataFrame({"_row": pd.Series([], dtype="int64")})
    frame.attrs["headers"] = {}
    return frame
