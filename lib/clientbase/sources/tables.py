"""Reading one file into one canonical table: the columns mapped by the format, required
columns and ids checked, every value parsed, and every problem of the file collected.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.errors import Problem, ProfileError
from clientbase.schema import TABLES
from clientbase.sources.formats import _HELPER_OF, Format, header_lookup, header_synonyms, value_field
from clientbase.sources.readers import _drop_blank_and_totals, _Raw, _read_raw, _rows_text, _typed_empty, _Unreadable
from clientbase.sources.values import _bad_values, _parse_column, _typed_mask

_LISTED_VALUES = 50  # distinct unknown names / duplicate ids reported one by one


# ids that must be unique in their table (every other table refers to them)
_UNIQUE = {"customers": "customer_id", "campaigns": "campaign_id", "invoices": "invoice_id",
           "payments": "payment_id", "deals": "deal_id"}


def read_table(path: Path, table: str, fmt: Format) -> tuple[pd.DataFrame, list[Problem]]:
    """Read one file of a table into canonical columns and list its problems (not raised).

    The frame holds the canonical columns that were found, the helper columns
    ``customer_name`` / ``campaign_name`` when the file names things instead of giving
    ids, and ``_row`` (the file row of each record). Blank rows and total rows are dropped.
    ``frame.attrs["headers"]`` maps each canonical column to the file's header.
    Source: DESIGN.md "Canonical input contract" (formats, validation of all problems).
    """
    if table not in TABLES:
        raise ProfileError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    path = Path(path)
    synonyms = header_synonyms(fmt, table)
    try:
        raw = _read_raw(path, header_lookup(synonyms))
    except _Unreadable as exc:
        return _typed_empty(), [Problem(path.name, None, None, str(exc), table=table)]
    found: list[tuple[int | None, str | None, str]] = _missing_columns(raw, table, synonyms)
    cells, rows = _drop_blank_and_totals(raw, fmt)
    if raw.too_long is not None:
        long_rows = rows[raw.too_long.loc[cells.index].to_numpy()]
        if len(long_rows):
            found.append((int(long_rows[0]), None,
                          f"{_rows_text(long_rows)}: more cells than the header (a separator inside an "
                          "unquoted value?); quote such values or save the file again"))
    headers = {col: raw.headers[pos] for col, pos in raw.columns.items()}
    out: dict[str, pd.Series] = {}
    for col, pos in raw.columns.items():
        out[col], bad, what, expected = _parse_column(cells[pos], col, TABLES[table].columns.get(col, "str"), fmt,
                                                      field=value_field(table, col))
        found.extend(_bad_values(rows, cells[pos], bad, headers[col], what, expected))
    frame = pd.DataFrame(out, index=cells.index)
    # what was typed, to tell an empty required cell from one that did not parse
    typed = {col: _typed_mask(cells[pos]) for col, pos in raw.columns.items()}
    frame["_row"] = rows
    frame = frame.reset_index(drop=True)
    found.extend(_empty_required(frame, table, headers, typed))
    found.extend(_duplicates(frame, table, headers))
    frame.attrs["headers"] = headers
    return frame, [Problem(path.name, row, column, message, table=table) for row, column, message in found]


def _missing_columns(
    raw: _Raw, table: str, synonyms: dict[str, tuple[str, ...]]
) -> list[tuple[int | None, str | None, str]]:
    out = []
    for col in TABLES[table].required:
        helper = _HELPER_OF.get(col) if _HELPER_OF.get(col) in synonyms else None
        if col in raw.columns or (helper and helper in raw.columns):
            continue
        expected = ", ".join(synonyms[col])
        if helper:
            expected = f"{expected} (its code) or {', '.join(synonyms[helper])} (its name)"
        found = ", ".join(h for h in raw.headers if h.strip()) or "none"
        out.append((None, col, f"required column {col!r} not found; headers found: {found}; "
                               f"any of these headers would match: {expected}"))
    return out


def _empty_required(
    frame: pd.DataFrame, table: str, headers: dict[str, str], typed: dict[str, np.ndarray]
) -> list[tuple[int | None, str | None, str]]:
    out = []
    for col in TABLES[table].required:
        given = [c for c in (col, _HELPER_OF.get(col)) if c in frame]
        if not given:
            continue  # reported as a missing column
        empty = np.logical_and.reduce([frame[c].isna().to_numpy() & ~typed[c] for c in given])
        if empty.any():
            bad_rows = frame["_row"].to_numpy()[empty]
            out.append((int(bad_rows[0]), " / ".join(headers[c] for c in given),
                        f"empty required value ({col}) in {_rows_text(bad_rows)}"))
    return out


def _duplicates(
    frame: pd.DataFrame, table: str, headers: dict[str, str]
) -> list[tuple[int | None, str | None, str]]:
    col = _UNIQUE.get(table)
    if col not in frame:
        return []
    ids = frame[col]
    if _all_distinct(ids):  # the common case, told by one hash count (half of duplicated()'s time)
        return []
    dup = ids.notna() & ids.duplicated(keep=False)
    if not dup.any():
        return []
    firsts = frame.loc[dup].groupby(col, sort=False)["_row"].min().sort_values()
    out: list[tuple[int | None, str | None, str]] = []
    for value in firsts.index[:_LISTED_VALUES]:
        rows = frame.loc[dup & (ids == value), "_row"].to_numpy()
        out.append((int(rows[0]), headers[col], f"duplicate {col} {value!r} in {_rows_text(rows, listed=10)}"))
    if len(firsts) > _LISTED_VALUES:
        out.append((None, headers[col], f"and {len(firsts) - _LISTED_VALUES} more duplicate {col} values"))
    return out


def _all_distinct(ids: pd.Series) -> bool:
    """Whether a text id column has no value twice (missing values aside)."""
    if ids.dtype != "str":
        return False  # the general path decides
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pc.count_distinct(pa.chunked_array(pa.array(ids)), mode="only_valid").as_py()
    return distinct == int(ids.notna().sum())
