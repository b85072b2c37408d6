"""Reading a data source: CSV / XLSX / Parquet exports mapped onto the canonical tables.

Source of the rules: DESIGN.md "Canonical input contract". A *format* (``formats/*.yaml``)
says how a family of exports is spelled: file names, header synonyms, value synonyms, the
decimal separator and the date order. Loading a folder is four steps:

1. find one file per table (:func:`find_files`);
2. read each file into canonical columns (:func:`read_table`): detect the encoding and the
   separator, find the header row under a report's title block, drop blank and total
   rows, parse numbers, dates and flags, map value synonyms, and collect *every* problem;
3. complete the tables (missing optional columns as NA, ``customer_type`` derived from the
   ИНН, ``group`` defaulting to target) and resolve customers and campaigns given by name;
4. raise one :class:`~clientbase.errors.DataError` with every error of every file, or
   return a :class:`Source` with the warnings kept for the report.

Row numbers in problems are the rows a person sees: for CSV and XLSX the 1-based row of
the file or sheet with the header counted (the first data row under a header on line 1
is row 2; a record whose quoted value spans several lines counts as one row); for
Parquet the 1-based record number. Parsing is vectorised: a file is read column-wise with
``dtype=str`` and converted with pandas string and datetime operations.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as _field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from clientbase.errors import DataError, Problem, ProfileError
from clientbase.frames import isin
from clientbase.schema import CAMPAIGN_KINDS, CUSTOMER_TYPES, GROUPS, REQUIRED_TABLES, TABLES
from clientbase.sql import identifier, literal

_BUILTIN_FORMATS = ("1c", "canonical")
# preference when several files of a table are present; .txt is how 1C names a saved CSV
_EXTENSIONS = (".csv", ".txt", ".xlsx", ".parquet")
_HEADER_SCAN_ROWS = 30
_MIN_HEADER_MATCHES = 2
_LISTED_ROWS = 5  # rows quoted in one problem before "and N more"
_LISTED_VALUES = 50  # distinct unknown names / duplicate ids reported one by one
_SEPARATORS = (";", "\t", ",")
_FORMAT_KEYS = (
    "name", "extends", "decimal", "dayfirst", "total_rows", "files", "columns",
    "true_values", "false_values", "values",
)
# columns a file may give instead of an id: the name of the thing, resolved after loading
_HELPERS: dict[str, tuple[str, ...]] = {
    "contacts": ("customer_name",),
    "orders": ("customer_name",),
    "campaign_members": ("customer_name", "campaign_name"),
    "leads": ("customer_name", "campaign_name"),
}
_HELPER_OF = {"customer_id": "customer_name", "campaign_id": "campaign_name"}
# ids that must be unique in their table (every other table refers to them)
_UNIQUE = {"customers": "customer_id", "campaigns": "campaign_id"}
# value columns restricted to canonical codes; `status` maps synonyms but keeps the rest
_CODES: dict[str, tuple[str, ...]] = {
    "group": GROUPS, "customer_type": CUSTOMER_TYPES, "kind": CAMPAIGN_KINDS,
}
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
# spelled out: pyarrow's regex engine does not count NBSP as \s
_SPACES = "[ \t\r\n\u00a0\u2007\u2009\u202f]"
_QUOTES = "\"'«»“”„"
_GROUPED_DIGITS = r"^\d{1,3}(?:[ \u00a0\u2007\u2009\u202f]\d{3})+$"


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans only: a 1C value list means the words yes / no / on / off."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass(frozen=True)
class Format:
    """How a family of exports spells the canonical tables (loaded from YAML).

    ``files`` maps a table to the file stems that hold it, ``columns`` a table's canonical
    column to the headers that mean it, ``values`` a value column (group, customer_type,
    kind, status) to {canonical code: synonyms}.
    """

    name: str
    decimal: str
    dayfirst: bool
    total_rows: tuple[str, ...]
    files: dict[str, tuple[str, ...]]
    columns: dict[str, dict[str, tuple[str, ...]]]
    true_values: tuple[str, ...]
    false_values: tuple[str, ...]
    values: dict[str, dict[str, tuple[str, ...]]]


@dataclass(frozen=True)
class Source:
    """A loaded data source: canonical tables, the file each came from, the warnings.

    Only tables present in the source (and asked for) are keys of ``tables``; customers and
    orders are required, a notebook treats a missing optional table as ``None``. Order lines
    that DuckDB wrote straight to Parquet (``load_source(orders_parquet=...)``) are in
    ``written`` instead of ``tables``.
    """

    tables: dict[str, pd.DataFrame]
    files: dict[str, Path]
    problems: tuple[Problem, ...]
    written: dict[str, Path] = _field(default_factory=dict)


# --- formats --------------------------------------------------------------------------


def load_format(spec: str | Path) -> Format:
    """Load a format: ``"1c"``, ``"canonical"`` or the path to a mapping YAML file.

    A mapping file with ``extends: 1c`` (or ``canonical``, or another mapping file relative
    to it) ADDS its header, file, value and flag synonyms to the base lists and may override
    ``decimal`` and ``dayfirst``. Source: DESIGN.md "Canonical input contract" (users extend
    the synonyms in a mapping file of their own, not in code).

    Raises
    ------
    ProfileError
        an unknown format name, a missing or malformed file, an unknown key, table or column.
    """
    return _load_format(spec, depth=0)


def _load_format(spec: str | Path, *, depth: int) -> Format:
    if depth > 5:
        raise ProfileError(f"format {spec!s}: 'extends' goes more than 5 files deep (a cycle?)")
    if str(spec) in _BUILTIN_FORMATS and not Path(spec).is_file():
        text = (resources.files("clientbase") / "formats" / f"{spec}.yaml").read_text(encoding="utf-8")
        return _build_format(yaml.load(text, Loader=_Loader), where=f"format {spec}", base=None,
                             default_name=str(spec))
    path = Path(spec)
    if path.suffix.lower() not in (".yaml", ".yml") and not path.is_file():
        raise ProfileError(
            f"unknown data format {str(spec)!r}: expected one of {', '.join(_BUILTIN_FORMATS)} "
            "or the path to a mapping file (.yaml)"
        )
    if not path.is_file():
        raise ProfileError(f"format mapping file {path} does not exist")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path}: not a readable YAML mapping file ({exc})") from exc
    if not isinstance(raw, dict):
        raise ProfileError(f"{path}: a format mapping file must be a YAML mapping of keys")
    base = None
    if raw.get("extends") is not None:
        parent = str(raw["extends"])
        if parent not in _BUILTIN_FORMATS:
            parent_path = Path(parent)
            parent = parent_path if parent_path.is_absolute() else path.parent / parent_path
        base = _load_format(parent, depth=depth + 1)
    return _build_format(raw, where=str(path), base=base, default_name=path.stem)


def _build_format(raw: Any, *, where: str, base: Format | None, default_name: str) -> Format:
    if not isinstance(raw, dict):
        raise ProfileError(f"{where}: a format must be a YAML mapping of keys")
    unknown = [k for k in raw if k not in _FORMAT_KEYS]
    if unknown:
        raise ProfileError(f"{where}: unknown key {unknown[0]!r}; expected one of {', '.join(_FORMAT_KEYS)}")
    decimal = raw.get("decimal", base.decimal if base else ".")
    if decimal not in (",", "."):
        raise ProfileError(f"{where}: decimal must be ',' or '.', not {decimal!r}")
    dayfirst = raw.get("dayfirst", base.dayfirst if base else False)
    if not isinstance(dayfirst, bool):
        raise ProfileError(f"{where}: dayfirst must be true or false, not {dayfirst!r}")

    def words(value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise ProfileError(f"{where}: {key} must be a list, not {value!r}")
        return tuple(("true" if v else "false") if isinstance(v, bool) else str(v) for v in value)

    def merged(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
        seen = {_norm(v) for v in old}
        return old + tuple(v for v in new if not (_norm(v) in seen or seen.add(_norm(v))))

    def section(key: str) -> dict[str, Any]:
        value = raw.get(key) or {}
        if not isinstance(value, dict):
            raise ProfileError(f"{where}: {key} must be a mapping, not {value!r}")
        return value

    files = dict(base.files) if base else {}
    for table, stems in section("files").items():
        _check_known(table, TABLES, where, "files", "table")
        files[table] = merged(files.get(table, ()), words(stems, f"files.{table}"))
    columns = {t: dict(c) for t, c in base.columns.items()} if base else {}
    for table, cols in section("columns").items():
        _check_known(table, TABLES, where, "columns", "table")
        if not isinstance(cols, dict):
            raise ProfileError(f"{where}: columns.{table} must be a mapping of column: [headers]")
        allowed = (*TABLES[table].columns, *_HELPERS.get(table, ()))
        target = columns.setdefault(table, {})
        for col, headers in cols.items():
            _check_known(col, allowed, where, f"columns.{table}", "column")
            target[col] = merged(target.get(col, ()), words(headers, f"columns.{table}.{col}"))
    values = {f: dict(c) for f, c in base.values.items()} if base else {}
    for field, codes in section("values").items():
        _check_known(field, (*_CODES, "status"), where, "values", "value column")
        if not isinstance(codes, dict):
            raise ProfileError(f"{where}: values.{field} must be a mapping of code: [synonyms]")
        target = values.setdefault(field, {})
        for code, synonyms in codes.items():
            if field in _CODES:
                _check_known(code, _CODES[field], where, f"values.{field}", "code")
            target[str(code)] = merged(target.get(str(code), ()), words(synonyms, f"values.{field}.{code}"))
    return Format(
        name=str(raw.get("name", default_name)),
        decimal=decimal,
        dayfirst=dayfirst,
        total_rows=merged(base.total_rows if base else (), words(raw.get("total_rows"), "total_rows")),
        files=files,
        columns=columns,
        true_values=merged(base.true_values if base else (), words(raw.get("true_values"), "true_values")),
        false_values=merged(base.false_values if base else (), words(raw.get("false_values"), "false_values")),
        values=values,
    )


def _check_known(name: Any, known: Iterable[str], where: str, key: str, what: str) -> None:
    known = tuple(known)
    if name not in known:
        raise ProfileError(f"{where}: {key}: unknown {what} {name!r}; expected one of {', '.join(known)}")


# --- finding files --------------------------------------------------------------------


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


# --- reading one file -----------------------------------------------------------------


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
        out[col], bad, what, expected = _parse_column(cells[pos], col, TABLES[table].columns.get(col, "str"), fmt)
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


def _parse_column(
    values: pd.Series, col: str, kind: str, fmt: Format
) -> tuple[pd.Series, pd.Series | None, str, str]:
    """Parsed values, the mask of bad ones, and how to word a problem with them."""
    if kind == "date":
        parsed, bad = _parse_dates(values, fmt)
        return parsed, bad, "cannot read date", (
            "expected DD.MM.YYYY[ HH:MM:SS]" if fmt.dayfirst else "expected YYYY-MM-DD[ HH:MM:SS]")
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
    if col not in _CODES and col != "status":
        return text, None, "", ""
    parsed, bad = _map_values(text, col, fmt)
    codes = _CODES.get(col, ())
    accepted = dict.fromkeys((*codes, *(s for c in codes for s in fmt.values.get(col, {}).get(c, ()))))
    return parsed, bad, f"unknown {col}", f"expected one of {', '.join(accepted)}"


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


def _read_raw(path: Path, lookup: dict[str, tuple[str, int]]) -> _Raw:
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            return _read_csv(path, lookup)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, lookup)
        if suffix == ".parquet":
            return _read_parquet(path, lookup)
    except (OSError, ValueError, zipfile.BadZipFile, KeyError) as exc:
        raise _Unreadable(f"cannot read the file: {exc}") from exc
    if suffix == ".xls":
        raise _Unreadable("old Excel files (.xls) are not supported: save it as .xlsx or .csv")
    raise _Unreadable(f"unsupported file type {suffix!r}: expected .csv, .txt, .xlsx or .parquet")


def _read_csv(path: Path, lookup: dict[str, tuple[str, int]]) -> _Raw:
    data = path.read_bytes()
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(encoding)
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # 1C on Windows saves in the ANSI code page; cp1251 decodes every byte but 0x98
            text = data.decode("cp1251", errors="replace")
    # the header search looks at the first lines only; the body goes to the C parser
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
    columns = match_headers(headers, lookup)
    positions = sorted({0, *columns.values()})
    width = max(len(headers), 1)
    body = text[ends[header_at]:] if lines else ""
    if body.strip():
        cells = _parse_csv_body(body, sep, positions, width)
        too_long = cells.pop(width).str.strip() != ""
    else:
        cells = pd.DataFrame({p: pd.Series([], dtype="str") for p in positions})
        too_long = pd.Series([], dtype=bool)
    rows = np.arange(len(cells), dtype=np.int64) + header_at + 2
    return _Raw(headers, columns, cells, rows, too_long)


def _parse_csv_body(body: str, sep: str, positions: list[int], width: int) -> pd.DataFrame:
    """The wanted columns of the data lines, plus position `width`: cells beyond the header."""
    # pandas drops cells beyond `names` silently and refuses a usecols position that the
    # first lines do not reach; a first line of width + 1 empty cells makes `width` exist
    sentinel = sep * width + "\n"
    try:
        cells = pd.read_csv(
            io.BytesIO((sentinel + body).encode("utf-8")), encoding="utf-8", sep=sep, header=None,
            names=list(range(width + 1)), usecols=[*positions, width], dtype=str, na_filter=False,
            skip_blank_lines=False, engine="c",
        )
    except pd.errors.ParserError as exc:
        raise _Unreadable(f"cannot split the file into columns by {sep!r}: {exc}") from exc
    return cells.iloc[1:].reset_index(drop=True)


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


# --- parsing columns ------------------------------------------------------------------


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _text(values: pd.Series) -> pd.Series:
    """Trimmed text with NA for empty cells (str dtype)."""
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.map(_cell_text, na_action="ignore")
    text = values.astype("str").str.strip()
    return text.where(text != "")


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
        return values.astype("datetime64[ns]"), pd.Series(False, index=values.index)
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
    if len(bad_rows) == 1:
        return [(int(bad_rows[0]), header, f"{what} {shown[0]!r}; {expected}")]
    listed = ", ".join(f"row {r} {v!r}" for r, v in zip(bad_rows[:_LISTED_ROWS], shown, strict=True))
    more = f" and {len(bad_rows) - _LISTED_ROWS} more" if len(bad_rows) > _LISTED_ROWS else ""
    return [(int(bad_rows[0]), header, f"{what} in {len(bad_rows)} rows: {listed}{more}; {expected}")]


# --- the whole source -----------------------------------------------------------------


def load_source(
    folder: str | Path,
    fmt: Format | str = "1c",
    *,
    files: Mapping[str, str] | None = None,
    tables: Iterable[str] | None = None,
    orders_parquet: str | Path | None = None,
) -> Source:
    """Load a folder of exports into canonical tables, validating every file.

    Parameters
    ----------
    folder
        the folder of exports.
    fmt
        a :class:`Format`, ``"1c"``, ``"canonical"`` or the path to a mapping file.
    files
        table -> file (relative to ``folder``) for files not named after their table.
    tables
        the tables to load (default: every table found); customers are read whenever a
        loaded table refers to them, campaigns when campaign members do.
    orders_parquet
        where to write the canonical order lines when DuckDB can convert them without
        pandas (a Parquet orders file with typed columns and customer ids, not names):
        they are then in ``Source.written``, not in ``Source.tables``, and never held in
        memory (issue 7). Other orders files are read into ``Source.tables`` as usual.
        The same checks and problems either way.

    Every problem of every file is collected first: errors raise one
    :class:`~clientbase.errors.DataError` carrying all of them (and the warnings); warnings
    alone (an order of an unknown customer, an ambiguous name, a second candidate file)
    are kept in ``Source.problems`` and the rows they concern are dropped.
    Source: DESIGN.md "Canonical input contract".
    """
    fmt = fmt if isinstance(fmt, Format) else load_format(fmt)
    folder = Path(folder)
    wanted = tuple(TABLES) if tables is None else tuple(tables)
    for table in wanted:
        _check_known(table, TABLES, "load_source", "tables", "table")
    needed = set(wanted)
    if needed & {"contacts", "orders", "campaign_members", "leads"}:
        needed.add("customers")
    if needed & {"campaign_members", "leads"}:
        needed.add("campaigns")
    required = [t for t in REQUIRED_TABLES if t in needed]
    paths, problems = _find(folder, fmt, files, required=required)
    paths = {t: p for t, p in paths.items() if t in needed}

    import duckdb

    lines = None
    if orders_parquet is not None and "orders" in paths and "orders" in wanted:
        lines = _ParquetOrders.plan(paths["orders"], fmt)
    try:
        frames: dict[str, pd.DataFrame] = {}
        headers: dict[str, dict[str, str]] = {}
        for table, path in paths.items():
            if table == "orders" and lines is not None:
                try:
                    problems.extend(lines.problems())
                    continue
                except duckdb.Error:  # a damaged file: the pandas path words the problem
                    lines.close()
                    lines = None
            frame, found = read_table(path, table, fmt)
            problems.extend(found)
            headers[table] = frame.attrs.get("headers", {})
            frames[table] = _complete(frame, table)
        resolved = _resolve_references(frames, paths, headers)
        if lines is not None and "customers" in frames:
            resolved += lines.unknown_customers(frames["customers"]["customer_id"])
            # in the order the pandas path reports them: table by table
            order = ("contacts", "orders", "campaign_members", "leads")
            resolved.sort(key=lambda p: order.index(p.table) if p.table in order else len(order))
        problems.extend(resolved)
        problems = [p for p in problems if p.table is None or p.table in needed]
        if any(p.severity == "error" for p in problems):
            errors = [p for p in problems if p.severity == "error"]
            raise DataError(errors + [p for p in problems if p.severity != "error"])
        written = {}
        if lines is not None:
            lines.write(Path(orders_parquet))
            written["orders"] = Path(orders_parquet)
    finally:
        if lines is not None:
            lines.close()
    out = {t: _finish(frames[t], t) for t in TABLES if t in frames and t in wanted}
    return Source(tables=out, files={t: paths[t] for t in TABLES if t in out or t in written}, problems=tuple(problems),
                  written=written)


def _complete(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Every canonical column present; defaults and derived values filled; helpers kept."""
    spec = TABLES[table]
    out: dict[str, pd.Series] = {}
    for col, kind in spec.columns.items():
        if col in frame:
            out[col] = frame[col]
        else:
            out[col] = pd.Series(_EMPTY_VALUE[kind], index=frame.index, dtype=_DTYPES[kind])
    for helper in (*_HELPERS.get(table, ()), "_row"):
        if helper in frame:
            out[helper] = frame[helper]
    done = pd.DataFrame(out, index=frame.index)
    if table == "customers":
        done["customer_type"] = done["customer_type"].fillna(_customer_types(done))
        done["is_deleted"] = done["is_deleted"].fillna(False).astype(bool)
    if table == "campaign_members":
        done["group"] = done["group"].fillna("target")
    return done


def _customer_types(customers: pd.DataFrame) -> pd.Series:
    """The customer type that a customer's ИНН implies: company, sole_trader, person or NA.

    A 10-digit ИНН is an organisation's (company); a 12-digit one an individual's: a sole
    trader when the name starts with "ИП " or contains "индивидуальный предприниматель",
    otherwise a person. No ИНН, or one of another shape, gives NA (the audit reports it).
    """
    inn = customers["inn"].astype("str").str.replace(_SPACES, "", regex=True)
    digits = inn.str.fullmatch(r"\d+").fillna(False).astype(bool)
    length = inn.str.len()
    name = _fold(customers["name"].astype("str"))
    trader = name.str.startswith("ип ") | name.str.contains("индивидуальный предприниматель", regex=False)
    trader = trader.fillna(False).astype(bool)
    kind = np.select(
        [digits & (length == 10), digits & (length == 12) & trader, digits & (length == 12)],
        ["company", "sole_trader", "person"],
        default=None,
    )
    return pd.Series(kind, index=customers.index, dtype="str")


def _finish(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The canonical columns only, in schema order, with their final dtypes."""
    spec = TABLES[table]
    out = frame[list(spec.columns)].reset_index(drop=True)
    for col, kind in spec.columns.items():
        dtype = "bool" if col == "is_deleted" else _DTYPES[kind]
        if out[col].dtype != dtype:
            out[col] = out[col].astype(dtype)
    return out


def _resolve_references(
    frames: dict[str, pd.DataFrame], paths: dict[str, Path], headers: dict[str, dict[str, str]]
) -> list[Problem]:
    """Fill ids given by name; rows whose customer or campaign is unknown go (warnings).

    Changes ``frames`` in place (they are this module's own intermediate frames).
    """
    problems: list[Problem] = []
    refs = (("customer", "customers", "customer_id", "customer_name"),
            ("campaign", "campaigns", "campaign_id", "campaign_name"))
    for table in ("contacts", "orders", "campaign_members", "leads"):
        if table not in frames:
            continue
        frame = frames[table]
        file = paths[table].name
        named = headers[table]
        drop = pd.Series(False, index=frame.index)
        # a lead still counts without its customer or campaign; other rows are about them
        keep_rows = table == "leads"
        for what, target, id_col, name_col in refs:
            if id_col not in TABLES[table].columns or not ({id_col, name_col} & set(named)):
                continue
            ref = frames.get(target)
            by_name = frame[name_col].where(frame[id_col].isna()) if name_col in frame else None
            if ref is None:
                # a missing customers file is an error of its own already
                if target not in REQUIRED_TABLES and by_name is not None and by_name.notna().any():
                    problems.append(Problem(
                        file, None, named.get(name_col),
                        f"{what}s are given by name but there is no {target} file to find them in",
                        table=table,
                    ))
                continue
            action = f"kept without {id_col}" if keep_rows else "dropped"
            where = {"file": file, "table": table, "headers": named}
            ids = frame[id_col]
            failed = pd.Series(False, index=frame.index)
            if by_name is not None:
                resolved, matches = _match_names(by_name, ref[id_col], ref["name"], ref.get("is_deleted"))
                unknown = by_name.notna() & (matches == 0)
                ambiguous = by_name.notna() & (matches > 1)
                count = dict(zip(by_name[ambiguous], matches[ambiguous], strict=True))
                problems += _value_warnings(
                    frame, unknown, name_col, **where,
                    message=lambda v, rows, w=what, t=target, a=action: (
                        f"unknown {w} {v!r}: no such name in the {t} table; {rows} {a}"),
                )
                problems += _value_warnings(
                    frame, ambiguous, name_col, **where,
                    message=lambda v, rows, w=what, t=target, a=action, c=count: (
                        f"{w} name {v!r} matches {c[v]} {t}; {rows} {a}"),
                )
                ids = ids.fillna(resolved)
                failed |= unknown | ambiguous
            given = frame[id_col].notna() & ~isin(frame[id_col], ref[id_col])
            problems += _value_warnings(
                frame, given, id_col, **where,
                message=lambda v, rows, w=what, t=target, c=id_col, a=action: (
                    f"unknown {w} {v!r}: {c} not in the {t} table; {rows} {a}"),
            )
            failed |= given
            if keep_rows:
                ids = ids.mask(failed)
            else:
                drop |= failed
            frame = frame.assign(**{id_col: ids.astype("str")})
        frames[table] = frame.loc[~drop]
    return problems


def _match_names(
    names: pd.Series, ref_ids: pd.Series, ref_names: pd.Series, ref_deleted: pd.Series | None
) -> tuple[pd.Series, pd.Series]:
    """Ids for names: exact name first, then case- and whitespace-folded (ё = е).

    Returns the id (NA unless exactly one candidate) and the number of candidates. Where a
    name is shared by live cards and cards marked for deletion, only the live ones count:
    1C keeps the old card of a merged duplicate with the deletion mark.
    """
    live = pd.Series(True, index=ref_ids.index)
    if ref_deleted is not None:
        live = ~ref_deleted.fillna(False).astype(bool)
    codes, uniques = pd.factorize(names)  # each distinct name is looked up once
    wanted = pd.Series(uniques, dtype="str")
    found_id = np.full(len(wanted), np.nan, dtype=object)
    found_n = np.zeros(len(wanted), dtype=np.int64)
    for key in (lambda s: s, _fold):
        todo = found_n == 0
        if not todo.any():
            break
        ref = pd.DataFrame({"key": key(ref_names.astype("str")), "id": ref_ids, "live": live}).dropna(subset=["key"])
        by_key = ref.groupby("key", sort=False)
        n_all = by_key.size()
        n_live = by_key["live"].sum().astype("int64")
        id_all = by_key["id"].first()
        id_live = ref[ref["live"]].groupby("key", sort=False)["id"].first().reindex(n_all.index)
        n = n_live.where(n_live > 0, n_all)
        chosen = id_live.where(n_live == 1, id_all.where((n_live == 0) & (n_all == 1)))
        keys = key(wanted[todo]).to_numpy()
        found_n[todo] = n.reindex(keys).fillna(0).astype("int64").to_numpy()
        found_id[todo] = chosen.reindex(keys).to_numpy(dtype=object)
    valid = codes >= 0
    ids = np.full(len(names), np.nan, dtype=object)
    ids[valid] = found_id[codes[valid]]
    matches = np.zeros(len(names), dtype=np.int64)
    matches[valid] = found_n[codes[valid]]
    return pd.Series(ids, index=names.index, dtype="str"), pd.Series(matches, index=names.index)


def _value_warnings(
    frame: pd.DataFrame, mask: pd.Series, col: str, *, file: str, table: str, headers: dict[str, str],
    message: Callable[[str, str], str],
) -> list[Problem]:
    """One warning per distinct value (the first few), then one that counts the rest."""
    if not mask.any():
        return []
    header = headers.get(col)
    bad = frame.loc[mask, [col, "_row"]]
    firsts = bad.groupby(col, sort=False)["_row"].min().sort_values()
    out = []
    for value in firsts.index[:_LISTED_VALUES]:
        rows = bad.loc[bad[col] == value, "_row"].to_numpy()
        out.append(Problem(file, int(rows[0]), header or col, message(value, _rows_text(rows)),
                           severity="warning", table=table))
    if len(firsts) > _LISTED_VALUES:
        rest = bad[bad[col].isin(firsts.index[_LISTED_VALUES:])]
        out.append(Problem(file, None, header or col,
                           f"and {len(firsts) - _LISTED_VALUES} more such values in {len(rest)} rows",
                           severity="warning", table=table))
    return out


# --- small helpers --------------------------------------------------------------------


def header_synonyms(fmt: Format, table: str) -> dict[str, tuple[str, ...]]:
    """Canonical column (and helper) -> accepted headers; the canonical name always counts."""
    given = fmt.columns.get(table, {})
    cols = (*TABLES[table].columns, *_HELPERS.get(table, ()))
    return {c: (c, *given.get(c, ())) for c in cols}


def header_lookup(synonyms: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    """Normalised header -> (canonical column, rank of the synonym); the first listed wins."""
    out: dict[str, tuple[str, int]] = {}
    for col, headers in synonyms.items():
        for rank, header in enumerate(headers):
            out.setdefault(_norm(header), (col, rank))
    return out


def match_headers(headers: list[str], lookup: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Canonical column -> position; of two headers for one column, the earlier synonym wins."""
    best: dict[str, tuple[int, int]] = {}
    for pos, header in enumerate(headers):
        hit = lookup.get(_norm(header))
        if hit and (hit[0] not in best or hit[1] < best[hit[0]][0]):
            best[hit[0]] = (hit[1], pos)
    return {col: pos for col, (_, pos) in best.items()}


def _count_known(cells: list[str], lookup: dict[str, tuple[str, int]]) -> int:
    return sum(1 for c in cells if c and _norm(c) in lookup)


def _split(line: str, sep: str) -> list[str]:
    return next(csv.reader([line], delimiter=sep), [])


def _norm(text: Any) -> str:
    """A header or value as compared: case-folded, ё = е, spaces collapsed, no quotes or end dot."""
    folded = unicodedata.normalize("NFC", str(text)).casefold().replace("ё", "е")
    folded = " ".join(folded.split()).strip(_QUOTES + " ")
    return folded.rstrip(".").strip(_QUOTES + " ")


def _fold(text: pd.Series) -> pd.Series:
    """Vectorised case and whitespace folding of names (ё = е)."""
    # lower() runs in pyarrow; casefold() differs only outside Cyrillic and Latin, per value in Python
    return (text.str.lower().str.replace("ё", "е", regex=False)
            .str.replace(_SPACES + "+", " ", regex=True).str.strip())


def _fold_name(stem: str) -> str:
    # macOS stores file names decomposed (й = и + ◌̆)
    return unicodedata.normalize("NFC", stem).casefold().replace("ё", "е")


def _map_unique(text: pd.Series, func: Callable[[str], Any]) -> pd.Series:
    """Apply a Python function once per distinct value (value columns have few)."""
    codes, uniques = pd.factorize(text)
    mapped = np.array([func(u) for u in uniques] + [None], dtype=object)
    # code -1 (a missing value) picks the trailing None
    return pd.Series(mapped[codes], index=text.index, dtype=object)


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


# --- Parquet order lines through DuckDB -------------------------------------------------
# Order lines are the one table that grows with the business: read into pandas they cost
# about 0.6 GB per million lines (issue 7). A Parquet file whose columns already have
# their types is checked and converted by DuckDB instead, streaming, with the same
# problems as the pandas path; files that need text parsing (CSV, XLSX, dates or numbers
# stored as text) or customers given by name keep the pandas path.

_DUCKDB_MEMORY = "512MB"
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
        self._unknown: list[tuple[str, list[int], int]] = []
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
            f"SELECT customer_id, min(_row, {_LISTED_ROWS}) AS rows, count(*) AS n FROM {self._status_mapped()} "
            "WHERE customer_id IS NOT NULL AND customer_id NOT IN (SELECT id FROM _customer_ids) "
            "GROUP BY customer_id ORDER BY min(_row)"
        ).fetchall()
        file, header = self.path.name, self.headers["customer_id"]
        out = [Problem(file, int(rows[0]), header,
                       f"unknown customer {value!r}: customer_id not in the customers table; "
                       f"{_rows_text(np.array(rows), total=n)} dropped", severity="warning", table="orders")
               for value, rows, n in groups[:_LISTED_VALUES]]
        if len(groups) > _LISTED_VALUES:
            rest = sum(n for _, _, n in groups[_LISTED_VALUES:])
            out.append(Problem(file, None, header,
                               f"and {len(groups) - _LISTED_VALUES} more such values in {rest} rows",
                               severity="warning", table="orders"))
        return out

    def write(self, out: Path) -> None:
        """The canonical order lines of known customers, in file order, to a Parquet file."""
        cols = ", ".join(f'"{c}"' for c in TABLES["orders"].columns)
        unknown = [value for value, _, _ in self._unknown]
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
