"""Excel workbooks for managers: one sheet per manager, header frozen, autofilter, readable widths.

Used by every report that hands work to managers (reactivation call lists, base-audit fix-up
tasks, ABC downgrades). DESIGN.md "Rendering": lists for managers carry full details, nothing
is masked here; the file is written under a temporary name and moved into place, so a reader
never sees half a workbook.

The .xlsx itself is written by `clientbase.ooxml` (the package and its worksheets) from
columns of typed cells (`clientbase.ooxml_cells`); this module decides what goes where: the
sheets, their order and names, the columns, their kinds and widths.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.files import atomic_file
from clientbase.ooxml import DATE_FORMATS, MAX_COLUMNS, MAX_ROWS, write_workbook
from clientbase.ooxml_cells import KINDS, Column
from clientbase.text import t

__all__ = ["KINDS", "sheet_names", "write_manager_workbook"]


# Excel's limits on sheet names
_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_NOTE_WIDTH = 30
_UNASSIGNED_KEY = "\x00unassigned"


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
    if language not in DATE_FORMATS:
        raise ValueError(f"language {language!r} is not supported: expected one of {sorted(DATE_FORMATS)}")
    kinds = dict(kinds or {})
    unknown = sorted(set(kinds.values()) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown column kinds {unknown}: expected some of {list(KINDS)}")
    if manager not in rows.columns:
        raise ValueError(f"rows have no {manager!r} column to split the workbook by")
    path = Path(path)
    with atomic_file(path) as temporary:
        _write(
            rows, temporary, columns=dict(columns), kinds=kinds, manager=manager, language=language,
            unassigned=unassigned or t("sheet.unassigned", language), empty=empty or t("sheet.empty", language),
            note_columns=set(note_columns),
        )
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
    if len(keys_in_order) > MAX_COLUMNS:
        raise ValueError(f"{len(keys_in_order):,} columns: an Excel sheet holds at most {MAX_COLUMNS:,}")
    # each row's sheet; the rows of a sheet, in the caller's order, are a slice of `order`
    codes = pd.Categorical(owner, categories=list(names)).codes.astype(np.int64)
    counts = np.bincount(codes, minlength=len(names))
    for sheet, count in zip(names.values(), counts, strict=True):
        if count >= MAX_ROWS:
            raise ValueError(f"sheet {sheet!r} would have {count:,} rows: an Excel sheet holds at most "
                             f"{MAX_ROWS - 1:,} below the header")
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(counts)))
    sources = [Column.of(rows, column, kinds.get(column, "text")) for column in keys_in_order]
    header = [str(columns[column]) for column in keys_in_order]
    sheets = list(names.values())
    widths = [
        [_NOTE_WIDTH if column in note_columns else _width(label, source.longest(order[bounds[n]:bounds[n + 1]]),
                                                           source.kind)
         for column, label, source in zip(keys_in_order, header, sources, strict=True)]
        for n in range(len(sheets))
    ]
    write_workbook(path, sheets, header, sources, order=order, bounds=bounds, widths=widths, language=language)


def _width(label: str, longest: int, kind: str) -> float:
    if kind == "date":
        return float(max(len(label) + 2, 12))
    if kind == "percent":
        longest = 7
    # a long header wraps (text_wrap), so it only widens the column up to a point
    return float(min(max(longest, min(len(label), 24), _MIN_WIDTH) + 2, _MAX_WIDTH))
