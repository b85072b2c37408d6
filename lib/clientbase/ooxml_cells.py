"""Typed cells of an .xlsx sheet, built a column at a time: text, numbers and dates as SpreadsheetML.

A column's values become the `<c>` elements of its cells with Arrow string kernels and numpy,
never cell by cell in Python: text cut to Excel's limit and escaped as xlsxwriter and Excel
write it, numbers as the shortest text that reads back as the same float, dates as Excel
serials. A missing value is no cell at all. `clientbase.ooxml` puts the cells into worksheets.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["HEADER_STYLE", "KINDS", "NUMBER_FORMATS", "PRESERVE", "STRING", "STYLES", "Column", "xml_text"]

#: the cell kinds a column can have; anything else is written as text
KINDS = ("text", "date", "money", "integer", "number", "percent")
# the number formats of the number kinds (dates take the language's, see clientbase.ooxml)
NUMBER_FORMATS = {"money": "#,##0", "integer": "0", "number": "#,##0.00", "percent": "0.0%"}
# Excel's limit on the characters (UTF-16 units) of a cell
_MAX_TEXT = 32_767

STRING = pa.large_string()  # the Arrow type of all cell text
# cellXfs of xl/styles.xml: 0 the default, 1 the header, then one per number kind
HEADER_STYLE = 1
STYLES = {kind: style for style, kind in enumerate(("money", "integer", "number", "percent", "date"), start=2)}
# 1899-12-31 in microseconds since 1970, the day 0 of Excel's 1900 date system
_EXCEL_EPOCH_US = int(np.datetime64("1899-12-31", "us").astype(np.int64))
_DAY_US = 86_400_000_000
# characters Excel writes as _xHHHH_ (XML 1.0 does not allow them), and a literal _xHHHH_ in
# the text, escaped as _x005F_xHHHH_ so that it stays literal (what xlsxwriter and Excel do)
_ESCAPE_RE2 = r"(_x[0-9a-fA-F]{4}_)"
# leading or trailing white space (Python's str.isspace but for the control characters,
# escaped) needs xml:space="preserve"
_EDGE_SPACE_RE2 = r"^[\t\n \x{85}\pZ]|[\t\n \x{85}\pZ]$"
PRESERVE = ' xml:space="preserve"'


@dataclass(frozen=True)
class Column:
    """One sheet column over all of `rows`: XML text or numbers, and the width each row needs."""

    kind: str
    text: pa.LargeStringArray | None = None  # text kinds, escaped for XML: null where missing
    preserve: pa.BooleanArray | None = None  # the texts that need xml:space="preserve" (None: none)
    numbers: np.ndarray | None = None  # number kinds and dates (Excel serials): NaN where missing
    lengths: np.ndarray | None = None  # characters shown per row (0 when missing)
    text_bytes: int = 0  # UTF-8 bytes of all the XML text

    @classmethod
    def of(cls, rows: pd.DataFrame, column: str, kind: str) -> Column:
        if column not in rows.columns:
            return cls(kind)
        values = rows[column]
        if kind == "date":
            return cls(kind, numbers=_date_serials(values, column))
        if kind in NUMBER_FORMATS:
            numbers = pd.to_numeric(values, errors="coerce").astype("Float64").to_numpy(
                dtype="float64", na_value=np.nan)
            numbers[~np.isfinite(numbers)] = np.nan  # an .xlsx number cannot be infinite
            lengths = None if kind == "percent" else _number_lengths(numbers, money=kind == "money")
            return cls(kind, numbers=numbers, lengths=lengths)
        text = _text_values(values)
        lengths = pc.fill_null(pc.utf8_length(text), 0).to_numpy()
        text, preserve = xml_text(text)
        return cls(kind, text=text, preserve=preserve if pc.any(preserve).as_py() else None, lengths=lengths,
                   text_bytes=int(pc.sum(pc.binary_length(text)).as_py() or 0))

    def longest(self, part: np.ndarray) -> int:
        """The most characters a row of `part` shows (0 with none)."""
        if self.lengths is None or not len(part):
            return 0
        return int(self.lengths[part].max())

    def cells(self, part: np.ndarray, letter: str, refs: pa.Array) -> pa.Array | None:
        """`<c>` elements of the rows `part` (refs: their row numbers), null where missing."""
        start = pa.scalar(f'<c r="{letter}', STRING)
        if self.text is not None:
            rows = pa.array(part)
            text = self.text.take(rows)
            if text.null_count == len(text):
                return None
            opening = pa.scalar('" t="inlineStr"><is><t>', STRING)
            if self.preserve is not None:
                kept = pa.scalar(f'" t="inlineStr"><is><t{PRESERVE}>', STRING)
                opening = pc.if_else(self.preserve.take(rows), kept, opening)
            return pc.binary_join_element_wise(start, refs, opening, text, pa.scalar("</t></is></c>", STRING),
                                               pa.scalar("", STRING), null_handling="emit_null")
        if self.numbers is not None:
            numbers = self.numbers[part]
            missing = np.isnan(numbers)
            if missing.all():
                return None
            shown = _number_text(numbers)
            return pc.binary_join_element_wise(
                start, refs, pa.scalar(f'" s="{STYLES[self.kind]}"><v>', STRING), shown,
                pa.scalar("</v></c>", STRING), pa.scalar("", STRING), null_handling="emit_null")
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
            strings = pa.array(present.astype("str"), type=STRING)
        except (pa.ArrowException, UnicodeError):  # lone surrogates cannot be UTF-8
            strings = pa.array([str(v).encode("utf-8", "replace").decode("utf-8") for v in present], type=STRING)
        text = pc.replace_with_mask(pa.nulls(len(objects), STRING), pa.array(~missing), strings)
    text = text.cast(STRING)
    empty = pc.equal(text, pa.scalar("", STRING))
    if pc.any(empty).as_py():
        text = pc.if_else(empty, pa.scalar(None, STRING), text)
    return text


def xml_text(text: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Cell text as xlsxwriter writes it: cut to 32,767 UTF-16 units, a literal _xHHHH_ escaped as
    _x005F_xHHHH_, characters XML 1.0 forbids as _xHHHH_, & < > as entities; and which cells
    need xml:space="preserve". Each step runs only when the UTF-8 bytes of the column call for it."""
    long = pc.greater(pc.utf8_length(text), _MAX_TEXT // 2)  # shorter ones are within the limit
    if pc.any(long).as_py():
        mask = pc.fill_null(long, False)
        cut = [_truncate(value) for value in text.filter(mask).to_pylist()]  # rare: only the long ones
        text = pc.replace_with_mask(text, mask, pa.array(cut, type=STRING))
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
    floats = pc.cast(pa.array(numbers, mask=missing | whole), STRING)
    if not whole.any():
        return floats
    integers = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64), mask=~whole), STRING)
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
            text = pc.cast(pa.array(numbers[fraction]), STRING)
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

    digits = pc.binary_join_element_wise(parts.field("int"), parts.field("frac"), pa.scalar("", STRING))
    leading = length(digits) - length(pc.utf8_ltrim(digits, "0"))
    count = length(pc.utf8_trim(digits, "0"))
    written = parts.field("exp")
    exponent = pc.cast(pc.if_else(pc.equal(written, pa.scalar("", STRING)), pa.scalar("0", STRING), written),
                       pa.int64()).to_numpy(zero_copy_only=False)
    point = length(parts.field("int")) - leading + exponent  # the value is 0.DIGITS × 10^point
    sign = length(parts.field("sign"))
    positional = np.where(point > 0, count + 1, 2 - point + count)
    scientific = count + (count > 1) + 2 + np.maximum(2, np.searchsorted(_POWERS, np.abs(point - 1), side="right") + 1)
    return sign + np.where((point - 1 >= -4) & (point - 1 < 16), positional, scientific)


def _shown(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return str(value)
