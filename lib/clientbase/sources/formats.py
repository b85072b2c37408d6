"""Formats of exports and header matching.

A format (``formats/*.yaml``, or a mapping file of the user's that `extends` one) gives the
file names of each table, the header synonyms of each column, value synonyms, the decimal
separator and the date order. Headers and values are compared folded: case, ё = е, spaces,
quotes and a final dot do not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from clientbase.errors import ProfileError
from clientbase.schema import CAMPAIGN_KINDS, CUSTOMER_TYPES, DEAL_STATUSES, GROUPS, TABLES

_BUILTIN_FORMATS = ("1c", "canonical")


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
    "invoices": ("customer_name",),
    "payments": ("customer_name",),
    "deals": ("customer_name",),
}


_HELPER_OF = {"customer_id": "customer_name", "campaign_id": "campaign_name"}


# value columns restricted to canonical codes; `status` maps synonyms but keeps the rest
_CODES: dict[str, tuple[str, ...]] = {
    "group": GROUPS, "customer_type": CUSTOMER_TYPES, "kind": CAMPAIGN_KINDS, "deal_status": DEAL_STATUSES,
}

# a column whose values are looked up under another name (a deal's status is not an order's)
_VALUE_FIELDS = {("deals", "status"): "deal_status"}


def value_field(table: str, col: str) -> str:
    """The name under `values:` of a format (and in `_CODES`) of a table's column."""
    return _VALUE_FIELDS.get((table, col), col)


# spelled out: pyarrow's regex engine does not count NBSP as \s
_SPACES = "[ \t\r\n\u00a0\u2007\u2009\u202f]"


_QUOTES = "\"'«»“”„"


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
