"""Tables for people: a DataFrame shown as a plain, styled HTML table.

Source: DESIGN.md "Rendering" (numbers formatted for the locale by one module) and
HOUSE_STYLE.md (plain styled HTML rather than hand-built strings scattered in notebooks;
snapshot tests).

`table(df, fmt=...)` returns a `Table`; a notebook cell that ends with it shows the table
(``_repr_html_``), and the rendered report keeps that HTML. Cells are formatted by
`Formatter` according to each column's kind:

======== ==========================================================
kind     shown as
======== ==========================================================
money    ``1 234 ₽`` (``money:2`` for kopecks)
money_compact ``1,2 млн ₽`` (``money_compact:0`` for no decimals), for wide tables of large sums
number   ``1 234`` (``number:2`` for two decimals)
percent  ``12,3 %`` from a share 0.123 (``percent:0`` for whole %)
date     ``30.09.2026``
month    ``сент. 2026``
text     the value as it is, HTML-escaped
======== ==========================================================

Kinds not given are inferred from dtypes: datetimes are dates, integers and whole-valued
floats are numbers without decimals, other floats have two decimals when small (< 100)
and none otherwise, everything else is text. Numbers are right-aligned.

A long list for people (``interactive=True``: the report's top candidates, downgrades,
debtors) is marked ``cb-interactive``: in the HTML report, ``templates/report.js`` makes
it sortable by each column and adds a filter box above it, whose words it reads from the
table's ``data-*`` attributes. Dates and months carry their ISO value in ``data-sort``
(``3 Oct 2026`` does not sort as text); numbers are parsed from their display by the
script. Without the script (the PDF) the table is an ordinary table with every row.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clientbase.formatting import MISSING, Formatter
from clientbase.text import t

KINDS = ("money", "money_compact", "number", "percent", "date", "month", "text")
_NUMERIC_KINDS = ("money", "money_compact", "number", "percent")
_DEFAULT_DIGITS = {"money": 0, "money_compact": 1, "number": 0, "percent": 1}
_RIGHT = ' style="text-align:right"'
_BREAK_AFTER = re.compile(r"([|_/])(?=[^\s|_/])")


@dataclass(frozen=True, eq=False)
class Table:
    """A formatted table ready to show; build it with `table`.

    Attributes
    ----------
    frame : DataFrame
        The rows shown (already cut to `max_rows`), values unformatted.
    total_rows : int
        Rows of the frame given to `table`, before the cut.
    """

    frame: pd.DataFrame
    fmt: Formatter
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    caption: str | None = None
    total_rows: int = 0
    interactive: bool = False

    @property
    def hidden_rows(self) -> int:
        return max(0, self.total_rows - len(self.frame))

    def to_html(self) -> str:
        """The table as an HTML fragment (class ``cb-table``), plus a note when cut."""
        columns = list(self.frame.columns)
        specs = [_parse_kind(self.kinds[c]) for c in columns]
        parts = [self._opening_tag()]
        if self.caption:
            parts.append(f"<caption>{html.escape(self.caption)}</caption>")
        parts.append("<thead><tr>")
        for column, (kind, _digits) in zip(columns, specs, strict=True):
            label = html.escape(str(self.labels.get(column, column)))
            align = _RIGHT if kind in _NUMERIC_KINDS else ""
            parts.append(f'<th class="cb-{_css(kind)}"{align}>{label}</th>')
        parts.append("</tr></thead>")
        parts.append("<tbody>")
        cells = [
            _format_column(self.frame[column], kind, digits, self.fmt)
            for column, (kind, digits) in zip(columns, specs, strict=True)
        ]
        keys = [_sort_keys(self.frame[column], kind if self.interactive else "text")
                for column, (kind, _digits) in zip(columns, specs, strict=True)]
        for row in range(len(self.frame)):
            parts.append("<tr>")
            for (kind, _digits), column_cells, column_keys in zip(specs, cells, keys, strict=True):
                text = column_cells[row]
                classes = f"cb-{_css(kind)}" + (" cb-missing" if text == MISSING else "")
                align = _RIGHT if kind in _NUMERIC_KINDS else ""
                sort = f' data-sort="{column_keys[row]}"' if column_keys[row] else ""
                parts.append(f'<td class="{classes}"{align}{sort}>{_breakable(html.escape(text), kind)}</td>')
            parts.append("</tr>")
        parts.append("</tbody></table>")
        if self.hidden_rows:
            note = t("more_rows", self.fmt.language, n=self.hidden_rows)
            parts.append(f'<p class="cb-table-note">{html.escape(note)}</p>')
        if not len(self.frame):
            parts.append(f'<p class="cb-table-note">{html.escape(t("no_rows", self.fmt.language))}</p>')
        return "\n".join(_join_rows(parts))

    def _repr_html_(self) -> str:
        return self.to_html()

    def _opening_tag(self) -> str:
        """``<table class="cb-table">``; an interactive one carries its script's words and decimal sign."""
        if not (self.interactive and len(self.frame)):
            return '<table class="cb-table">'
        language = self.fmt.language
        words = {
            "filter-placeholder": t("table_filter", language),
            "sort-title": t("table_sort", language),
            "count": t("table_rows_shown", language, n=len(self.frame), shown="{shown}"),
            "decimal": self.fmt.decimal_symbol,
        }
        attributes = "".join(f' data-{name}="{html.escape(value)}"' for name, value in words.items())
        return f'<table class="cb-table cb-interactive"{attributes}>'

    def __repr__(self) -> str:
        return (
            f"Table({len(self.frame)} of {self.total_rows} rows, columns={list(self.frame.columns)}, "
            f"language={self.fmt.language!r})"
        )


def table(
    df: pd.DataFrame,
    *,
    fmt: Formatter,
    kinds: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
    max_rows: int | None = 50,
    caption: str | None = None,
    interactive: bool = False,
) -> Table:
    """A report table from a frame: cells formatted by kind, headers relabelled.

    Parameters
    ----------
    df : DataFrame
        Not modified. A named or non-default index becomes the first column(s).
    fmt : Formatter
        Language and currency of the report.
    kinds : dict, optional
        Column → kind (see the module docstring), e.g. ``{"lost_revenue": "money",
        "share": "percent:0"}``; other columns are inferred. Entries for columns the
        frame does not have are ignored, so one dictionary can serve several tables.
    labels : dict, optional
        Column → header text for the reader, e.g. ``{"lost_revenue": "Упущенная выручка"}``;
        like `kinds`, entries for absent columns are ignored.
    max_rows : int or None
        Rows shown; the rest are counted in a note ("… and 12 more rows"). None shows all.
    caption : str, optional
    interactive : bool
        A long list a reader wants to sort and search (class ``cb-interactive``, see the
        module docstring); the rows shown are the same.

    Raises
    ------
    ValueError
        An unknown kind, or a negative `max_rows`.
    """
    if max_rows is not None and max_rows < 0:
        raise ValueError(f"max_rows must be >= 0 or None, got {max_rows}")
    frame = _with_index_as_columns(df)
    kinds = dict(kinds or {})
    labels = dict(labels or {})
    # entries for other columns are ignored: a view keeps one dictionary for all its tables
    for column, kind in kinds.items():
        _parse_kind(kind, column=column)
    shown = frame if max_rows is None else frame.iloc[:max_rows]
    resolved = {c: kinds.get(c) or _infer_kind(frame[c]) for c in frame.columns}
    labels = {k: v for k, v in labels.items() if k in frame.columns}
    return Table(
        frame=shown.copy(),
        fmt=fmt,
        kinds=resolved,
        labels={str(k): str(v) for k, v in labels.items()},
        caption=caption,
        total_rows=len(frame),
        interactive=interactive,
    )


# -- helpers -------------------------------------------------------------------------------


def _with_index_as_columns(df: pd.DataFrame) -> pd.DataFrame:
    default_index = isinstance(df.index, pd.RangeIndex) and df.index.name is None
    frame = df if default_index else df.reset_index()
    # headers must be unique strings to be looked up by kinds/labels
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    return frame.reset_index(drop=True)


def _parse_kind(kind: str, *, column: str | None = None) -> tuple[str, int]:
    name, _, digits = str(kind).partition(":")
    where = f" for column {column!r}" if column is not None else ""
    if name not in KINDS:
        raise ValueError(f"kind {kind!r}{where} is not supported: expected one of {KINDS}")
    if digits:
        if name not in _NUMERIC_KINDS or not digits.isdigit():
            raise ValueError(f"kind {kind!r}{where}: only money, money_compact, number and percent take ':<digits>'")
        return name, int(digits)
    return name, _DEFAULT_DIGITS.get(name, 0)


def _infer_kind(s: pd.Series) -> str:
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_bool_dtype(s):
        return "text"
    if pd.api.types.is_integer_dtype(s):
        return "number"
    if pd.api.types.is_float_dtype(s):
        values = s.dropna().to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if not values.size or np.allclose(values, np.round(values)) or np.abs(values).max() >= 100:
            return "number"
        return "number:2"
    return "text"


def _format_column(s: pd.Series, kind: str, digits: int, fmt: Formatter) -> list[str]:
    # the displayed rows are few (max_rows), so formatting cell by cell is cheap
    if kind == "money":
        return [fmt.money(v, digits) for v in s]
    if kind == "money_compact":
        return [fmt.money_compact(v, digits) for v in s]
    if kind == "number":
        return [fmt.number(v, digits) for v in s]
    if kind == "percent":
        return [fmt.percent(v, digits) for v in s]
    if kind == "date":
        return [fmt.date(v) for v in s]
    if kind == "month":
        return [fmt.month(v) for v in s]
    return [_text(v, fmt) for v in s]


def _sort_keys(s: pd.Series, kind: str) -> list[str | None]:
    """The ``data-sort`` of each cell of an interactive table: ISO dates and months (their
    display does not sort), none for other kinds (the script reads numbers from the text)."""
    if kind not in ("date", "month"):
        return [None] * len(s)
    pattern = "%Y-%m-%d" if kind == "date" else "%Y-%m"
    return [None if pd.isna(v) else pd.Timestamp(v).strftime(pattern) for v in s]


def _text(value: Any, fmt: Formatter) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool | np.bool_):
        return t("yes" if value else "no", fmt.language)
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    return str(value)


def _breakable(escaped: str, kind: str) -> str:
    """Allow line breaks after "|", "_" and "/" in codes such as ``no_orders_90_days|activity_drop``.

    Without them a narrow page (A4 PDF) cannot fit a column of long codes.
    """
    if kind != "text":
        return escaped
    return _BREAK_AFTER.sub(r"\1<wbr>", escaped)


def _css(kind: str) -> str:
    return "num" if kind in _NUMERIC_KINDS else kind


def _join_rows(parts: list[str]) -> list[str]:
    """One line per table row, so snapshot diffs show which row changed."""
    lines: list[str] = []
    buffer = ""
    for part in parts:
        if part in ("<tr>", "<thead><tr>"):
            buffer = part
        elif buffer:
            buffer += part
            if part.startswith("</tr>"):
                lines.append(buffer)
                buffer = ""
        elif part:
            lines.append(part)
    return lines
