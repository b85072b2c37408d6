"""Parsing the values of 1C exports: numbers with a decimal comma and spaces or NBSP as
thousand separators, dates DD.MM.YYYY (with or without a time; 1C's empty date 01.01.0001
is empty), flags (да / нет), and value synonyms mapped onto canonical codes. Vectorised
over a column; every value that does not parse is a problem naming its rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.sources.formats import _CODES, _SPACES, Format, _map_unique, _norm
from clientbase.sources.readers import _LISTED_ROWS, _text

# ИНН / КПП shown as a grouped number ("7 707 083 893", Excel's number format) lose the
# group separators; any other space is kept, so that a typo such as "6127 515788" reaches
# the audit as a non-digit ИНН (REFERENCE.md "Base audit": non-digit values are invalid)
_NO_SPACES = ("inn", "kpp")


_DTYPES = {"str": "str", "date": "datetime64[ns]", "float": "float64", "bool": "boolean"}


_EMPTY_VALUE = {"str": np.nan, "date": pd.NaT, "float": np.nan, "bool": pd.NA}


# DD.MM.YYYY[ H:MM[:SS]] (1C) is rewritten to YYYY-MM-DD[ ...] and read with these
_DMY_TO_ISO = r"^(\d{1,2})\.(\d{1,2})\.(\d{4})((?: .*)?)$"


_ISO_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f",
)


# 1C writes an empty date as its minimum date; it means "not filled", not year 1
_EMPTY_1C_DATE = r"(?:0?1\.0?1\.0001|0001-01-01)(?:[ T].*)?"


_DATE_MIN, _DATE_MAX = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")


_GROUPED_DIGITS = r"^\d{1,3}(?:[ \u00a0\u2007\u2009\u202f]\d{3})+$"


def _parse_column(
    values: pd.Series, col: str, kind: str, fmt: Format, *, field: str | None = None
) -> tuple[pd.Series, pd.Series | None, str, str]:
    """Parsed values, the mask of bad ones, and how to word a problem with them.

    `field` is the name of the column's values in the format (`formats.value_field`).
    """
    field = field or col
    if kind == "date":
        parsed, bad = _parse_dates(values, fmt)
        form, shown = ("DD.MM.YYYY", "%d.%m.%Y") if fmt.dayfirst else ("YYYY-MM-DD", "%Y-%m-%d")
        return parsed, bad, "cannot read date", (
            f"expected {form}[ HH:MM:SS] from {_DATE_MIN.strftime(shown)} to {_DATE_MAX.strftime(shown)}")
    if kind == "float":
        parsed, bad = _parse_numbers(values, fmt)
        return parsed, bad, "cannot read number", (
            f"expected a number like {'1 234,56' if fmt.decimal == ',' else '1234.56'}")
    if kind == "bool":
        parsed, bad = _parse_flags(values, fmt)
        words = "/".join(v for v in (*fmt.true_values[:2], *fmt.false_values[:2]) if v)
        return parsed, bad, "cannot read yes/no value", f"expected one of {words}"
    text = _text(values)
    if col in _NO_SPACES:
        grouped = text.str.fullmatch(_GROUPED_DIGITS).fillna(False).astype(bool)
        text = text.mask(grouped, text.str.replace(_SPACES, "", regex=True))
    if field not in _CODES and field != "status":
        return text, None, "", ""
    parsed, bad = _map_values(text, field, fmt)
    codes = _CODES.get(field, ())
    accepted = dict.fromkeys((*codes, *(s for c in codes for s in fmt.values.get(field, {}).get(c, ()))))
    return parsed, bad, f"unknown {col}", f"expected one of {', '.join(accepted)}"


def _typed_mask(values: pd.Series) -> np.ndarray:
    """Which cells hold something: `_text(values).notna()`, without turning typed cells into text.

    A number, flag or date from Parquet or Excel is never empty text, so only its missing
    values are empty; converting a date column value by value took seconds at 300,000 rows.
    """
    kind = values.dtype.kind
    if kind in "biufmM" and not isinstance(values.dtype, pd.StringDtype):
        return values.notna().to_numpy()
    return _text(values).notna().to_numpy()


def _parse_dates(values: pd.Series, fmt: Format) -> tuple[pd.Series, pd.Series]:
    """Dates (time of day kept) and the mask of values that are no date."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        # Parquet keeps µs or ms: 1C's empty date (year 1) is empty, any other date outside
        # datetime64[ns] (1677..2262) a bad value, never an overflow traceback
        raw = values.to_numpy()
        empty = raw.astype("datetime64[D]") == np.datetime64("0001-01-01")
        lo, hi = (bound.to_datetime64().astype(raw.dtype) for bound in (_DATE_MIN, _DATE_MAX))
        inside = (raw >= lo) & (raw <= hi)
        out = pd.Series(np.where(inside, raw, np.datetime64("NaT")).astype("datetime64[ns]"), index=values.index)
        return out, pd.Series(values.notna().to_numpy() & ~inside & ~empty, index=values.index)
    text = _text(values)
    text = text.mask(text.str.fullmatch(_EMPTY_1C_DATE).fillna(False).astype(bool))
    if fmt.dayfirst:
        # rewritten as ISO, DD.MM.YYYY parses on pandas' fast ISO path (a strptime pass is ~10x slower)
        text = text.str.replace(_DMY_TO_ISO, r"\3-\2-\1\4", regex=True)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna()
    if not todo.any():
        return out, todo
    # a format that fails on most values is slow: try first those that read a sample
    sample = text[todo].head(200)
    forms = sorted(_ISO_FORMATS, key=lambda f: -pd.to_datetime(sample, format=f, errors="coerce").notna().sum())
    for form in forms:
        parsed = pd.to_datetime(text[todo], format=form, errors="coerce")
        # datetime64[ns] spans 1677..2262; a typo like 3026 is a bad value, not an overflow
        parsed = parsed.where(parsed.between(_DATE_MIN, _DATE_MAX))
        ok = parsed.index[parsed.notna()]
        out.loc[ok] = parsed.loc[ok].astype("datetime64[ns]")
        todo.loc[ok] = False
        if not todo.any():
            break
    return out, todo


def _parse_numbers(values: pd.Series, fmt: Format) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64"), pd.Series(False, index=values.index)
    text = _text(values)
    clean = text.str.replace("\u2212", "-", regex=False)
    if fmt.decimal == ",":
        clean = clean.str.replace(_SPACES, "", regex=True).str.replace(",", ".", regex=False)
    try:  # pyarrow's cast is several times faster than to_numeric when every value is good
        numbers = clean.astype("float64")
    except ValueError:
        numbers = pd.to_numeric(clean, errors="coerce").astype("float64")
    return numbers, text.notna() & numbers.isna()


def _parse_flags(values: pd.Series, fmt: Format) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    text = _text(values)
    key = _map_unique(text, _norm)
    out = pd.Series(pd.NA, index=text.index, dtype="boolean")
    out[key.isin({_norm(v) for v in fmt.false_values})] = False
    out[key.isin({_norm(v) for v in fmt.true_values})] = True
    return out, text.notna() & out.isna()


def _map_values(text: pd.Series, field: str, fmt: Format) -> tuple[pd.Series, pd.Series]:
    """Value synonyms -> canonical codes; unknown values are bad unless the field is free."""
    lookup = {_norm(code): code for code in _CODES.get(field, ())}
    for code, synonyms in fmt.values.get(field, {}).items():
        lookup.setdefault(_norm(code), code)
        for s in synonyms:
            lookup.setdefault(_norm(s), code)
    codes = _map_unique(text, lambda v: lookup.get(_norm(v)))
    if field in _CODES:
        return codes.astype("str"), text.notna() & codes.isna()
    return codes.fillna(text).astype("str"), pd.Series(False, index=text.index)


def _bad_values(
    rows: np.ndarray, values: pd.Series, bad: pd.Series | None, header: str, what: str, expected: str
) -> list[tuple[int | None, str | None, str]]:
    """One problem per column and kind: the first rows with their values, then a count."""
    mask = np.zeros(len(rows), dtype=bool) if bad is None else bad.to_numpy(dtype=bool)
    if not mask.any():
        return []
    bad_rows = rows[mask]
    shown = _text(values)[mask].iloc[:_LISTED_ROWS].tolist()
    return [_bad_values_problem(bad_rows[:_LISTED_ROWS], shown, len(bad_rows), header, what, expected)]


def _bad_values_problem(
    first_rows: np.ndarray, shown: list[str], total: int, header: str, what: str, expected: str
) -> tuple[int | None, str | None, str]:
    """The problem of `total` bad values of a column, of which the first rows and values are given."""
    if total == 1:
        return (int(first_rows[0]), header, f"{what} {shown[0]!r}; {expected}")
    listed = ", ".join(f"row {r} {v!r}" for r, v in zip(first_rows[:_LISTED_ROWS], shown, strict=True))
    more = f" and {total - _LISTED_ROWS} more" if total > _LISTED_ROWS else ""
    return (int(first_rows[0]), header, f"{what} in {total} rows: {listed}{more}; {expected}")
