"""Finding the file of each canonical table in a folder of exports (by the format's file
names, or as named in the profile), and the result of loading a source.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from pathlib import Path

import pandas as pd

from clientbase.errors import DataError, Problem
from clientbase.schema import REQUIRED_TABLES, TABLES
from clientbase.sources.formats import Format, _check_known, _fold_name

# preference when several files of a table are present; .txt is how 1C names a saved CSV
_EXTENSIONS = (".csv", ".txt", ".xlsx", ".parquet")


@dataclass(frozen=True)
class Source:
    """A loaded data source: canonical tables, the file each came from, the warnings.

    Only tables present in the source (and asked for) are keys of ``tables``; customers and
    orders are required, a notebook treats a missing optional table as ``None``. Order lines
    that DuckDB wrote straight to Parquet (``load_source(orders_parquet=...)``) are in
    ``written`` instead of ``tables``.

    ``counts`` accounts for every data row of each file: ``read`` (blank, title and total
    rows of 1C reports are not data), ``used`` (kept in the canonical table) and, for a
    table with amounts, ``dropped_amount``, the amount of the rows left out (a customer or
    campaign no card matches); the problems name them.
    """

    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    problems: tuple[Problem, ...]
    written: dict[str, Path] = _field(default_factory=dict)
    counts: dict[str, RowCount] = _field(default_factory=dict)


@dataclass(frozen=True)
class RowCount:
    """The data rows of one input: read from it, used, and the amount of the rows not used."""

    read: int
    used: int
    dropped_amount: float | None = None  # None: the table has no amount column

    def as_dict(self) -> dict[str, int | float | None]:
        return {"rows": self.read, "rows_used": self.used, "amount_dropped": self.dropped_amount}


def find_files(folder: Path, fmt: Format, *, files: Mapping[str, str] | None = None) -> dict[str, Path]:
    """Find the file of each table in a folder of exports.

    Files named in ``files`` (table -> path relative to ``folder``) win; otherwise a file
    whose stem is one of ``fmt.files[table]`` (case-insensitive) with extension .csv, .txt,
    .xlsx or .parquet, preferred in that order. Source: DESIGN.md "Canonical input contract".

    Raises
    ------
    DataError
        customers or orders not found: names the folder and the file names tried.
    """
    found, problems = _find(Path(folder), fmt, files, required=REQUIRED_TABLES)
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return found


def _find(
    folder: Path, fmt: Format, files: Mapping[str, str] | None, *, required: Iterable[str]
) -> tuple[dict[str, Path], list[Problem]]:
    named = dict(files or {})
    for table in named:
        _check_known(table, TABLES, "data.files", "files", "table")
    if not folder.is_dir():
        raise DataError([Problem(str(folder), None, None, "the data folder does not exist or is not a folder")])
    by_key: dict[tuple[str, str], list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            by_key.setdefault((_fold_name(path.stem), path.suffix.lower()), []).append(path)
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for table in TABLES:
        if table in named:
            path = Path(named[table])
            path = path if path.is_absolute() else folder / path
            if path.is_file():
                found[table] = path
            else:
                problems.append(Problem(str(path), None, None,
                                        f"the file named for table {table!r} in data.files does not exist",
                                        table=table))
            continue
        stems = fmt.files.get(table, (table,))
        candidates = [p for stem in stems for ext in _EXTENSIONS for p in by_key.get((_fold_name(stem), ext), [])]
        if candidates:
            found[table] = candidates[0]
            for other in candidates[1:]:
                problems.append(Problem(other.name, None, None,
                                        f"also holds table {table!r}; ignored, {candidates[0].name} was read",
                                        severity="warning", table=table))
        elif table in required:
            old = [p.name for stem in stems for p in by_key.get((_fold_name(stem), ".xls"), [])]
            hint = (f"; {old[0]} is an old Excel file: save it as .xlsx or .csv" if old
                    else f"; or name the file in the profile: data.files: {{{table}: <file>}}")
            problems.append(Problem(
                str(folder), None, None,
                f"no {table} file found: tried {', '.join(stems)} with extension "
                f"{', '.join(_EXTENSIONS)}{hint}",
                table=table,
            ))
    return found, problems
