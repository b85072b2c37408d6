"""Excel workbooks for managers: one sheet per manager, header frozen, autofilter, readable widths.

Used by every report that hands work to managers (reactivation call lists, base-audit fix-up
tasks, ABC downgrades). DESIGN.md "Rendering": lists for managers carry full details, nothing
is masked here; the file is written under a temporary name and moved into place, so a reader
never sees half a workbook.

The .xlsx (a zip of SpreadsheetML parts) is written directly, not through xlsxwriter: a sheet's
rows are built column by column with Arrow string kernels and numpy, never cell by cell in
Python, so a call list of 150,000 customers takes a second or two instead of half a minute.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["KINDS", "sheet_names", "write_manager_workbook"]

#: the cell kinds a column can have; anything else is written as text
KINDS = ("text", "date", "money", "integer", "number", "percent")

UNASSIGNED_SHEET = {"en": "(unassigned)", "ru": "Без менеджера"}
EMPTY_SHEET = {"en": "Nothing to do", "ru": "Задач нет"}

# Excel's limits on sheet names
_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_NOTE_WIDTH = 30
_UNASSIGNED_KEY = "\x00unassigned"
_DATE_FORMAT = {"en": "yyyy-mm-dd", "ru": "dd.mm.yyyy"}
_NUMBER_FORMAT = {"money": "#,##0", "integer": "0", "number": "#,##0.00", "percent": "0.0%"}
# Excel's limits: rows of a sheet (the header included), columns, characters (UTF-16 units) of a cell
_MAX_ROWS, _MAX_COLUMNS, _MAX_TEXT = 1_048_576, 16_384, 32_767


def write_manager_workbook(
    rows: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str],
    kinds: Mapping[str, str] | None = None,
    manager: str = "manager",
    language: str = "en",
    unassigned: str | None = None,
    empty: str | None = None,
    note_columns: Sequence[str] = (),
) -> Path:
    """Write `rows` to an Excel workbook with one sheet per manager.

    Sheets are the managers in alphabetical order (case-insensitive), then the rows without
    a manager (empty or missing `manager`) on the `unassigned` sheet; within a sheet rows
    keep the order of `rows`. With no rows at all the workbook has one sheet, `empty`, with
    the header only.

    Parameters
    ----------
    rows
        One row per line of the lists; not modified.
    path
        The .xlsx file to write; its folder is created when missing.
    columns
        Column of `rows` → header label, in the order of the sheet. A column missing from
        `rows` is written empty (e.g. a "result of the call" column for the manager's notes).
    kinds
        Column → one of `KINDS` ("text" by default): dates get the language's date format,
        numbers are written as numbers (so they sort and sum), text is always text (a name
        starting with "=" is no formula). A missing value (None, NaN, NA, NaT, "") is an
        empty cell, and so is an infinite number, which an .xlsx cannot hold; text longer
        than Excel's 32,767 characters is cut there; time-zone-aware dates are refused
        (TypeError: Excel has no time zones).
    manager
        The column that names each row's manager.
    language
        "en" or "ru": date format and the default sheet names.
    unassigned, empty
        Sheet names for rows without a manager and for an empty workbook.
    note_columns
        Columns left wide for the manager's notes.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ValueError
        An unsupported language or kind, no `manager` column, or a sheet that would exceed
        Excel's 1,048,575 rows below the header or 16,384 columns; nothing is written then.
    """
    if language not in _DATE_FORMAT:
        raise ValueError(f"language {language!r} is not supported: expected one of {sorted(_DATE_FORMAT)}")
    kinds = dict(kinds or {})
    unknown = sorted(set(kinds.values()) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown column kinds {unknown}: expected some of {list(KINDS)}")
    if manager not in rows.columns:
        raise ValueError(f"rows have no {manager!r} column to split the workbook by")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a unique hidden name in the same folder, so the final rename is atomic
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.xlsx")
    try:
        _write(
            rows, temporary, columns=dict(columns), kinds=kinds, manager=manager, language=language,
            unassigned=unassigned or UNASSIGNED_SHEET[language], empty=empty or EMPTY_SHEET[language],
            note_columns=set(note_columns),
        )
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def sheet_names(lists: Sequence[str]) -> list[str]:
    """Excel-safe, unique sheet names for the given list names, in their order.

    At most 31 characters, none of []:*?/\\ (replaced by "_"), no leading or trailing
    apostrophe. Excel compares sheet names without regard to case, so "Ivanov" and
    "IVANOV" become "Ivanov" and "IVANOV (2)".
    """
    names: list[str] = []
    taken: set[str] = set()
    for manager in lists:
        base = _SHEET_NAME_FORBIDDEN.sub("_", str(manager)).strip().strip("'").strip() or "Sheet"
        if base.casefold() == "history":  # reserved by Excel
            base = f"{base}_"
        name = base[:_SHEET_NAME_MAX]
        n = 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _write(
    rows: pd.DataFrame,
    path: Path,
    *,
    columns: dict[str, str],
    kinds: dict[str, str],
    manager: str,
    language: str,
    unassigned: str,
    empty: str,
    note_columns: set[str],
) -> None:
    owner = rows[manager].astype("str").str.strip()
    # a sentinel, not the sheet's label, so that a manager really called "(unassigned)"
    # keeps a list of their own
    owner = owner.where(owner.notna() & owner.ne(""), _UNASSIGNED_KEY)
    assigned = owner.ne(_UNASSIGNED_KEY)
    lists = sorted(owner[assigned].unique(), key=lambda m: (m.casefold(), m))
    keys = lists + ([_UNASSIGNED_KEY] if (~assigned).any() else [])
    shown = lists + ([unassigned] if (~assigned).any() else [])
    names = dict(zip(keys, sheet_names(shown), strict=True)) or {_UNASSIGNED_KEY: sheet_names([empty])[0]}

    keys_in_order = list(columns)
    if len(keys_in_order) > _MAX_COLUMNS:
        raise ValueError(f"{len(keys_in_order):,} columns: an Excel sheet holds at most {_MAX_COLUMNS:,}")
    # each row's sheet; the rows of a sheet, in the caller's order, are a slice of `order`
    codes = pd.Categorical(owner, categories=list(names)).codes.astype(np.int64)
    counts = np.bincount(codes, minlength=len(names))
    for sheet, count in zip(names.values(), counts, strict=True):
        if count >= _MAX_ROWS:
            raise ValueError(f"sheet {sheet!r} would have {count:,} rows: an Excel sheet holds at most "
                             f"{_MAX_ROWS - 1:,} below the header")
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(counts)))
    sources = [_Column.of(rows, column, kinds.get(column, "text")) for column in keys_in_order]
    header = [str(columns[column]) for column in keys_in_order]
    sheets = list(names.values())
    # each sheet's rows are built in chunks, each on a worker thread while the chunk before is
    # compressed (Arrow, numpy and zlib release the GIL), so memory stays within a few chunks
    chunks = [range(bounds[n], bounds[n + 1], _CHUNK_ROWS) for n in range(len(sheets))]

    def build(start: int) -> memoryview | bytes:
        sheet = int(np.searchsorted(bounds, start, side="right")) - 1
        stop = min(start + _CHUNK_ROWS, int(bounds[sheet + 1]))
        return _sheet_rows(sources, order[start:stop], first=start - int(bounds[sheet]) + 2)

    text_bytes = sum(source.text_bytes for source in sources)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL) as book, \
            ThreadPoolExecutor(max_workers=1) as builder:
        _put(book, "[Content_Types].xml", _content_types(len(sheets)))
        _put(book, "_rels/.rels", _ROOT_RELS)
        _put(book, "docProps/app.xml", _APP)
        _put(book, "docProps/core.xml", _CORE)
        _put(book, "xl/workbook.xml", _workbook(sheets, len(keys_in_order), counts))
        _put(book, "xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        _put(book, "xl/styles.xml", _styles(language))
        built = _ahead(builder, build, (start for starts in chunks for start in starts))
        for number, starts in enumerate(chunks):
            part = order[bounds[number]:bounds[number + 1]]
            widths = [
                _NOTE_WIDTH if column in note_columns else _width(label, source.longest(part), source.kind)
                for column, label, source in zip(keys_in_order, header, sources, strict=True)
            ]
            head, tail = _worksheet_frame(header, widths, len(part), selected=number == 0)
            # ZIP64 only for a sheet that could pass 2 GiB (an upper bound of its size)
            most = len(head) * 4 + len(part) * (40 + 80 * len(header)) + text_bytes
            with book.open(f"xl/worksheets/sheet{number + 1}.xml", "w",
                           force_zip64=most * 1.05 > zipfile.ZIP64_LIMIT) as out:
                out.write(head.encode())
                for _ in starts:
                    out.write(next(built))
                out.write(tail.encode())


def _ahead(pool: ThreadPoolExecutor, build, items):
    """build(item) for each item, in order; the next one is built on `pool` while one is used."""
    pending = None
    for item in items:
        future = pool.submit(build, item)
        if pending is not None:
            yield pending.result()
        pending = future
    if pending is not None:
        yield pending.result()


# --- cells ----------------------------------------------------------------------------------------

_STRING = pa.large_string()
# cellXfs of xl/styles.xml: 0 the default, 1 the header, then one per number kind
_HEADER_STYLE = 1
_STYLES = {kind: style for style, kind in enumerate(("money", "integer", "number", "percent", "date"), start=2)}
# 1899-12-31 in microseconds since 1970, the day 0 of Excel's 1900 date system
_EXCEL_EPOCH_US = int(np.datetime64("1899-12-31", "us").astype(np.int64))
_DAY_US = 86_400_000_000
# characters Excel writes as _xHHHH_ (XML 1.0 does not allow them), and a literal _xHHHH_ in
# the text, escaped as _x005F_xHHHH_ so that it stays literal (what xlsxwriter and Excel do)
_ESCAPE_RE2 = r"(_x[0-9a-fA-F]{4}_)"
# leading or trailing white space (Python's str.isspace but for the control characters,
# escaped) needs xml:space="preserve"
_EDGE_SPACE_RE2 = r"^[\t\n \x{85}\pZ]|[\t\n \x{85}\pZ]$"
_PRESERVE = ' xml:space="preserve"'


@dataclass(frozen=True)
class _Column:
    """One sheet column over all of `rows`: XML text or numbers, and the width each row needs."""

    kind: str
    text: pa.LargeStringArray | None = None  # text kinds, escaped for XML: null where missing
    preserve: pa.BooleanArray | None = None  # the texts that need xml:space="preserve" (None: none)
    numbers: np.ndarray | None = None  # number kinds and dates (Excel serials): NaN where missing
    lengths: np.ndarray | None = None  # characters shown per row (0 when missing)
    text_bytes: int = 0  # UTF-8 bytes of all the XML text

    @classmethod
    def of(cls, rows: pd.DataFrame, column: str, kind: str) -> _Column:
        if column not in rows.columns:
            return cls(kind)
        values = rows[column]
        if kind == "date":
            return cls(kind, numbers=_date_serials(values, column))
        if kind in _NUMBER_FORMAT:
            numbers = pd.to_numeric(values, errors="coerce").astype("Float64").to_numpy(
                dtype="float64", na_value=np.nan)
            numbers[~np.isfinite(numbers)] = np.nan  # an .xlsx number cannot be infinite
            lengths = None if kind == "percent" else _number_lengths(numbers, money=kind == "money")
            return cls(kind, numbers=numbers, lengths=lengths)
        text = _text_values(values)
        lengths = pc.fill_null(pc.utf8_length(text), 0).to_numpy()
        text, preserve = _xml_text(text)
        return cls(kind, text=text, preserve=preserve if pc.any(preserve).as_py() else None, lengths=lengths,
                   text_bytes=int(pc.sum(pc.binary_length(text)).as_py() or 0))

    def longest(self, part: np.ndarray) -> int:
        """The most characters a row of `part` shows (0 with none)."""
        if self.lengths is None or not len(part):
            return 0
        return int(self.lengths[part].max())

    def cells(self, part: np.ndarray, letter: str, refs: pa.Array) -> pa.Array | None:
        """`<c>` elements of the rows `part` (refs: their row numbers), null where missing."""
        start = pa.scalar(f'<c r="{letter}', _STRING)
        if self.text is not None:
            rows = pa.array(part)
            text = self.text.take(rows)
            if text.null_count == len(text):
                return None
            opening = pa.scalar('" t="inlineStr"><is><t>', _STRING)
            if self.preserve is not None:
                kept = pa.scalar(f'" t="inlineStr"><is><t{_PRESERVE}>', _STRING)
                opening = pc.if_else(self.preserve.take(rows), kept, opening)
            return pc.binary_join_element_wise(start, refs, opening, text, pa.scalar("</t></is></c>", _STRING),
                                               pa.scalar("", _STRING), null_handling="emit_null")
        if self.numbers is not None:
            numbers = self.numbers[part]
            missing = np.isnan(numbers)
            if missing.all():
                return None
            shown = _number_text(numbers)
            return pc.binary_join_element_wise(
                start, refs, pa.scalar(f'" s="{_STYLES[self.kind]}"><v>', _STRING), shown,
                pa.scalar("</v></c>", _STRING), pa.scalar("", _STRING), null_handling="emit_null")
        return None


def _text_values(values: pd.Series) -> pa.LargeStringArray:
    """Each value as text (str(value)), null where missing: None, NaN, NA, NaT or ""."""
    text = None
    if isinstance(values.dtype, pd.StringDtype | pd.ArrowDtype) or values.dtype == object:
        # strings (the usual case) go to Arrow as they are; anything else is converted below
        with contextlib.suppress(pa.ArrowException, TypeError, ValueError, UnicodeError):
            text = pa.array(values, from_pandas=True)
            if isinstance(text, pa.ChunkedArray):
                text = text.combine_chunks()
            if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)
                    or pa.types.is_null(text.type)):
                text = None
    if text is None:
        objects = values.to_numpy(dtype=object)
        missing = np.asarray(pd.isna(objects), dtype=bool)
        present = pd.Series(objects[~missing], dtype=object)
        try:
            strings = pa.array(present.astype("str"), type=_STRING)
        except (pa.ArrowException, UnicodeError):  # lone surrogates cannot be UTF-8
            strings = pa.array([str(v).encode("utf-8", "replace").decode("utf-8") for v in present], type=_STRING)
        text = pc.replace_with_mask(pa.nulls(len(objects), _STRING), pa.array(~missing), strings)
    text = text.cast(_STRING)
    empty = pc.equal(text, pa.scalar("", _STRING))
    if pc.any(empty).as_py():
        text = pc.if_else(empty, pa.scalar(None, _STRING), text)
    return text


def _xml_text(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Cell text as xlsxwriter writes it: cut to 32,767 UTF-16 units, a literal _xHHHH_ escaped as
    _x005F_xHHHH_, characters XML 1.0 forbids as _xHHHH_, & < > as entities; and which cells
    need xml:space="preserve". Each step runs only when the UTF-8 bytes of the column call for it."""
    long = pc.greater(pc.utf8_length(text), _MAX_TEXT // 2)  # shorter ones are within the limit
    if pc.any(long).as_py():
        mask = pc.fill_null(long, False)
        cut = [_truncate(value) for value in text.filter(mask).to_pylist()]  # rare: only the long ones
        text = pc.replace_with_mask(text, mask, pa.array(cut, type=_STRING))
    _, raw = _utf8(text)
    if _contains(raw, b"_x") and pc.any(pc.match_substring_regex(text, _ESCAPE_RE2)).as_py():
        text = pc.replace_substring_regex(text, _ESCAPE_RE2, r"_x005F\1")
    controls = np.unique(raw[(raw < 0x20) & (raw != 0x09) & (raw != 0x0A)]).tolist()
    controls += [code for code in (0xFFFE, 0xFFFF) if _contains(raw, chr(code).encode())]
    for code in controls:
        text = pc.replace_substring_regex(text, rf"\x{{{code:04X}}}", f"_x{code:04X}_")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if _contains(raw, char.encode()):
            text = pc.replace_substring(text, char, entity)
    return text, _edge_space(text)


def _utf8(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The offsets of a string array's values and its UTF-8 bytes (views, not copies)."""
    _, offsets, data = text.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64, count=len(text) + 1, offset=text.offset * 8)
    raw = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return bounds, raw[bounds[0]:bounds[-1]] if len(bounds) else raw[:0]


def _contains(raw: np.ndarray, sequence: bytes) -> bool:
    found = raw[: len(raw) - len(sequence) + 1] == sequence[0]
    for shift, byte in enumerate(sequence[1:], start=1):
        found &= raw[shift: len(raw) - len(sequence) + 1 + shift] == byte
    return bool(found.any())


# first and last UTF-8 bytes of the white space _EDGE_SPACE_RE2 matches (\t \n space, U+0085,
# U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000): only texts that start
# or end with one of them are matched against the pattern
_SPACE_FIRST = np.array([0x09, 0x0A, 0x20, 0xC2, 0xE1, 0xE2, 0xE3], dtype=np.uint8)
_SPACE_LAST = np.array([0x09, 0x0A, 0x20, 0x85, 0xA0, *range(0x80, 0x8B), 0xA8, 0xA9, 0xAF, 0x9F], dtype=np.uint8)


def _edge_space(text: pa.Array) -> pa.BooleanArray:
    bounds, raw = _utf8(text)
    starts, stops = bounds[:-1] - bounds[0], bounds[1:] - bounds[0]
    filled = stops > starts
    maybe = np.zeros(len(text), dtype=bool)
    maybe[filled] = (np.isin(raw[starts[filled]], _SPACE_FIRST) | np.isin(raw[stops[filled] - 1], _SPACE_LAST))
    preserve = np.zeros(len(text), dtype=bool)
    if maybe.any():
        rows = np.flatnonzero(maybe)
        found = pc.match_substring_regex(text.take(pa.array(rows)), _EDGE_SPACE_RE2)
        preserve[rows] = pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return pa.array(preserve)


def _truncate(text: str) -> str:
    """At most 32,767 UTF-16 units, not splitting a character above U+FFFF."""
    units = text.encode("utf-16-le", "surrogatepass")
    if len(units) <= 2 * _MAX_TEXT:
        return text
    units = units[: 2 * _MAX_TEXT]
    if 0xD800 <= int.from_bytes(units[-2:], "little") <= 0xDBFF:
        units = units[:-2]
    return units.decode("utf-16-le", "surrogatepass")


def _date_serials(values: pd.Series, column: str) -> np.ndarray:
    """Excel serial dates (days since 1899-12-30, fractions for the time), NaN where missing."""
    if not (isinstance(values.dtype, np.dtype) and values.dtype.kind == "M"):
        if not isinstance(values.dtype, pd.DatetimeTZDtype):
            textual = values.dtype == object or isinstance(values.dtype, pd.StringDtype)
            values = pd.to_datetime(values, format="mixed") if textual else pd.to_datetime(values)
        if isinstance(values.dtype, pd.DatetimeTZDtype) or values.dtype == object:
            raise TypeError(f"column {column!r} has time-zone-aware dates: Excel has no time zones, "
                            "convert them to local time first (.dt.tz_localize(None))")
    stamps = values.to_numpy()
    missing = np.isnat(stamps)
    # what xlsxwriter computes from a datetime: whole days + (seconds + microseconds) / day
    delta = stamps.astype("datetime64[us]").view(np.int64) - _EXCEL_EPOCH_US
    days, rest = np.divmod(delta, _DAY_US)
    seconds, micro = np.divmod(rest, 1_000_000)
    serials = days + (seconds.astype(np.float64) + micro.astype(np.float64) / 1e6) / 86400
    serials[days == 1] -= 1  # 1900-01-01 + time is day 0 + time in Excel
    serials[serials >= 60] += 1  # Excel's 1900-02-29 (xlsxwriter shifted 1900-02-28 with a time too)
    serials[missing] = np.nan
    return serials


def _number_text(numbers: np.ndarray) -> pa.LargeStringArray:
    """Numbers as cell values, null where NaN: whole numbers below 1e16 as integers (read back
    as int, as xlsxwriter's %.16G wrote them), others as the shortest text that reads back as
    the same float (Arrow's formatting, e.g. 0.1, 1.5e-7, 1e+16)."""
    missing = np.isnan(numbers)
    with np.errstate(invalid="ignore"):
        whole = (np.floor(numbers) == numbers) & (np.abs(numbers) < 1e16)
    floats = pc.cast(pa.array(numbers, mask=missing | whole), _STRING)
    if not whole.any():
        return floats
    integers = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64), mask=~whole), _STRING)
    return pc.coalesce(integers, floats)


# the shortest round-trip text of a float as Arrow writes it: sign, digits, point, exponent
_FLOAT_PARTS_RE2 = r"^(?P<sign>-?)(?P<int>[0-9]*)\.?(?P<frac>[0-9]*)(?:e\+?(?P<exp>-?[0-9]+))?$"
_POWERS = 10.0 ** np.arange(1, 16)  # exact in float64


def _number_lengths(numbers: np.ndarray, *, money: bool) -> np.ndarray:
    """Characters each number shows (0 when missing), as the old cell-by-cell writer counted
    them: `f"{v:,.0f}"` for money, else `str(int(v))` for a whole number and `repr(v)` for others."""
    lengths = np.zeros(len(numbers), dtype=np.int64)
    present = ~np.isnan(numbers)
    shown = np.rint(numbers) if money else numbers
    with np.errstate(invalid="ignore"):
        small = present & (np.abs(shown) < 1e15)
        whole = small & (np.floor(shown) == shown)
    if money:
        digits = np.searchsorted(_POWERS, np.abs(shown[small]), side="right") + 1
        lengths[small] = digits + (digits - 1) // 3 + np.signbit(shown[small])
    else:
        digits = np.searchsorted(_POWERS, np.abs(shown[whole]), side="right") + 1
        lengths[whole] = digits + np.signbit(shown[whole]) * (shown[whole] != 0)
        fraction = small & ~whole
        if fraction.any():
            # Arrow's positional text is Python's repr for 1e-4 <= |v|; the rest is parsed
            text = pc.cast(pa.array(numbers[fraction]), _STRING)
            same = ~pc.match_substring(text, "e").to_numpy(zero_copy_only=False) & (np.abs(numbers[fraction]) >= 1e-4)
            counted = pc.utf8_length(text).to_numpy(zero_copy_only=False).astype(np.int64)
            if not same.all():
                counted[~same] = _repr_lengths(text.filter(pa.array(~same)))
            lengths[fraction] = counted
    big = np.flatnonzero(present & ~small)  # rare: very large numbers, exactly as Python shows them
    lengths[big] = [len(f"{v:,.0f}") if money else len(_shown(v)) for v in numbers[big].tolist()]
    return lengths


def _repr_lengths(text: pa.Array) -> np.ndarray:
    """len(repr(v)) of fractional floats from their shortest digits in Arrow's text (the same
    digits as Python's repr; Python writes them in positional form for exponents -4..15)."""
    parts = pc.extract_regex(text, _FLOAT_PARTS_RE2)

    def length(array: pa.Array) -> np.ndarray:
        return pc.utf8_length(array).to_numpy(zero_copy_only=False).astype(np.int64)

    digits = pc.binary_join_element_wise(parts.field("int"), parts.field("frac"), pa.scalar("", _STRING))
    leading = length(digits) - length(pc.utf8_ltrim(digits, "0"))
    count = length(pc.utf8_trim(digits, "0"))
    written = parts.field("exp")
    exponent = pc.cast(pc.if_else(pc.equal(written, pa.scalar("", _STRING)), pa.scalar("0", _STRING), written),
                       pa.int64()).to_numpy(zero_copy_only=False)
    point = length(parts.field("int")) - leading + exponent  # the value is 0.DIGITS × 10^point
    sign = length(parts.field("sign"))
    positional = np.where(point > 0, count + 1, 2 - point + count)
    scientific = count + (count > 1) + 2 + np.maximum(2, np.searchsorted(_POWERS, np.abs(point - 1), side="right") + 1)
    return sign + np.where((point - 1 >= -4) & (point - 1 < 16), positional, scientific)


def _width(label: str, longest: int, kind: str) -> float:
    if kind == "date":
        return float(max(len(label) + 2, 12))
    if kind == "percent":
        longest = 7
    # a long header wraps (text_wrap), so it only widens the column up to a point
    return float(min(max(longest, min(len(label), 24), _MIN_WIDTH) + 2, _MAX_WIDTH))


def _shown(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return str(value)


# --- worksheets -----------------------------------------------------------------------------------


def _sheet_rows(sources: list[_Column], part: np.ndarray, *, first: int) -> memoryview | bytes:
    """The `<row>` elements of the rows `part` (sheet rows first, first + 1, ...), as UTF-8 bytes."""
    if not len(part):
        return b""
    refs = pc.cast(pa.array(np.arange(first, first + len(part))), _STRING)
    cells = [source.cells(part, _letter(index), refs) for index, source in enumerate(sources)]
    rows = pc.binary_join_element_wise(
        pa.scalar('<row r="', _STRING), refs, pa.scalar('">', _STRING),
        *(cell for cell in cells if cell is not None), pa.scalar("</row>", _STRING), pa.scalar("", _STRING),
        null_handling="skip",
    )
    return _joined(rows)


def _joined(strings: pa.LargeStringArray) -> memoryview:
    """The strings of an Arrow array one after the other: its data buffer, not copied."""
    _, offsets, data = strings.buffers()
    bounds = np.frombuffer(offsets, dtype=np.int64, count=len(strings) + 1, offset=strings.offset * 8)
    return memoryview(data)[int(bounds[0]):int(bounds[-1])]


def _worksheet_frame(header: list[str], widths: list[float], count: int, *, selected: bool) -> tuple[str, str]:
    """The worksheet XML before the data rows (through the header row) and after them."""
    last = _letter(len(header) - 1) if header else "A"
    bottom = count + 1
    dimension = f"A1:{last}{bottom}" if (header and (len(header) > 1 or bottom > 1)) else "A1"
    view = ' tabSelected="1"' if selected else ""
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{_column_width(width)!r}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    labels, preserve = _xml_text(pa.array(header, type=_STRING))
    cells = "".join(
        (f'<c r="{_letter(index)}1" s="{_HEADER_STYLE}" t="inlineStr"><is>'
         f"<t{_PRESERVE if keep else ''}>{label}</t></is></c>") if label
        else f'<c r="{_letter(index)}1" s="{_HEADER_STYLE}"/>'  # an empty label: a blank, styled cell
        for index, (label, keep) in enumerate(zip(labels.to_pylist(), preserve.to_pylist(), strict=True))
    )
    head = (
        f"{_DECLARATION}<worksheet xmlns=\"{_MAIN_NS}\" xmlns:r=\"{_REL_NS}\">"
        f'<dimension ref="{dimension}"/>'
        f'<sheetViews><sheetView{view} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
        + (f'<row r="1">{cells}</row>' if cells else "")
    )
    tail = (
        "</sheetData>"
        + (f'<autoFilter ref="{_filter_range(len(header), count)}"/>' if header else "")
        + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        "</worksheet>"
    )
    return head, tail


def _filter_range(columns: int, count: int) -> str:
    """The autofilter's range: the header and the rows (at least one, as xlsxwriter writes it)."""
    return f"A1:{_letter(columns - 1)}{max(count, 1) + 1}"


def _column_width(width: float) -> float:
    """A width in characters as Excel stores it (Calibri 11: 7 pixels a digit, 5 of padding)."""
    return int((int(width * 7 + 0.5) + 5) / 7 * 256.0) / 256.0


def _letter(index: int) -> str:
    """Excel's column letters for a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- package --------------------------------------------------------------------------------------

_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT = "application/vnd.openxmlformats-officedocument"
# deflate level 3: 2x faster than the default 6 on sheet XML, files about 10 % larger
_ZIP_LEVEL = 3
_CHUNK_ROWS = 20_000

_ROOT_RELS = (
    f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_REL_NS}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>"
)
_CORE = (
    f'{_DECLARATION}<cp:coreProperties '
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)


def _put(book: zipfile.ZipFile, name: str, xml: str) -> None:
    # opened by name, an entry gets the book's compression and a fixed time (1980-01-01), so
    # that the same rows give the same bytes
    with book.open(name, "w") as out:
        out.write(xml.encode())


def _content_types(sheets: int) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CONTENT}.spreadsheetml.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CONTENT}.extended-properties+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT}.spreadsheetml.styles+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT}.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )


def _workbook(sheets: list[str], columns: int, counts: np.ndarray) -> str:
    listed = "".join(
        f'<sheet name="{_attribute(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, start=1)
    )
    # Excel keeps an autofilter's range in a hidden name local to its sheet
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"{_escape(_quoted(name))}!{_absolute(_filter_range(columns, int(count)))}</definedName>"
        for n, (name, count) in enumerate(zip(sheets, counts, strict=True))
    ) if columns else ""
    return (
        f'{_DECLARATION}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
        '<workbookPr/><bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/>'
        f"</bookViews><sheets>{listed}</sheets>"
        + (f"<definedNames>{filters}</definedNames>" if filters else "")
        + '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(sheets: int) -> str:
    worksheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_REL_NS}">{worksheets}'
        f'<Relationship Id="rId{sheets + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
    )


def _styles(language: str) -> str:
    formats = {kind: _NUMBER_FORMAT.get(kind) or _DATE_FORMAT[language] for kind in _STYLES}
    # custom formats (ids from 164), as xlsxwriter wrote them: Excel shows them in the user's locale
    ids = {f: 164 + n for n, f in enumerate(dict.fromkeys(formats.values()))}
    num_fmts = "".join(f'<numFmt numFmtId="{n}" formatCode="{_attribute(f)}"/>' for f, n in ids.items())
    numbers = "".join(
        f'<xf numFmtId="{ids[formats[kind]]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        for kind in _STYLES
    )
    return (
        f'{_DECLARATION}<styleSheet xmlns="{_MAIN_NS}">'
        + f'<numFmts count="{len(ids)}">{num_fmts}</numFmts>'
        + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{2 + len(_STYLES)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        f'<xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" '
        f'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>{numbers}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
        'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
    )


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _absolute(cells: str) -> str:
    """A1:E3 → $A$1:$E$3."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", cell) for cell in cells.split(":"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")
