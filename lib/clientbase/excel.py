"""Excel workbooks for managers: one sheet per manager, header frozen, autofilter, readable widths.

Used by every report that hands work to managers (reactivation call lists, base-audit fix-up
tasks, ABC downgrades). DESIGN.md "Rendering": lists for managers carry full details, nothing
is masked here; the file is written under a temporary name and moved into place, so a reader
never sees half a workbook.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import xlsxwriter

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
        starting with "=" is no formula).
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

    # constant_memory: rows are flushed as they are written, so a list of 100k customers
    # does not hold every cell in memory (it requires writing row by row)
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    try:
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in _NUMBER_FORMAT.items()}
        formats["date"] = workbook.add_format({"num_format": _DATE_FORMAT[language]})
        keys_in_order = list(columns)
        for key, sheet in names.items():
            part = rows[(owner == key).to_numpy()]
            worksheet = workbook.add_worksheet(sheet)
            values = [_cell_values(part, column, kinds.get(column, "text")) for column in keys_in_order]
            writers = []
            for col, column in enumerate(keys_in_order):
                kind = kinds.get(column, "text")
                width = _NOTE_WIDTH if column in note_columns else _width(columns[column], values[col], kind)
                worksheet.set_column(col, col, width)
                worksheet.write_string(0, col, columns[column], header)
                writers.append((col, _writer(worksheet, kind), formats.get(kind)))
            worksheet.freeze_panes(1, 0)
            worksheet.autofilter(0, 0, max(len(part), 1), len(keys_in_order) - 1)
            for row, cells in enumerate(zip(*values, strict=True), start=1):
                for (col, write, cell_format), value in zip(writers, cells, strict=True):
                    if value is not None:
                        write(row, col, value, cell_format)
    finally:
        workbook.close()


def _writer(worksheet, kind: str):
    if kind == "date":
        return worksheet.write_datetime
    if kind in _NUMBER_FORMAT:
        return worksheet.write_number
    return worksheet.write_string


def _cell_values(part: pd.DataFrame, column: str, kind: str) -> list:
    """Python values for xlsxwriter: None for missing, datetimes for dates, floats for numbers."""
    if column not in part.columns:
        return [None] * len(part)
    values = part[column]
    if kind == "date":
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in values]
    if kind in _NUMBER_FORMAT:
        numbers = pd.to_numeric(values, errors="coerce").astype("Float64")
        return [None if pd.isna(v) else float(v) for v in numbers]
    return [None if _missing(v) else str(v) for v in values]


def _missing(value: object) -> bool:
    if isinstance(value, str):
        return value == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def _width(label: str, values: list, kind: str) -> float:
    if kind == "date":
        return float(max(len(label) + 2, 12))
    if kind == "money":
        longest = max((len(f"{v:,.0f}") for v in values if v is not None), default=0)
    elif kind == "percent":
        longest = 7
    else:
        longest = max((len(_shown(v)) for v in values if v is not None), default=0)
    # a long header wraps (text_wrap), so it only widens the column up to a point
    return float(min(max(longest, min(len(label), 24), _MIN_WIDTH) + 2, _MAX_WIDTH))


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
