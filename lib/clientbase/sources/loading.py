"""Loading a whole source: every table found, read, completed and resolved, and every
problem of every file raised at once as one DataError, or the source returned with its
warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from clientbase.errors import DataError
from clientbase.schema import REQUIRED_TABLES, TABLES
from clientbase.sources.deals import canonical_stages, deal_problems
from clientbase.sources.documents import document_problems, with_document_numbers
from clientbase.sources.finding import RowCount, Source, _find
from clientbase.sources.formats import Format, _check_known, load_format
from clientbase.sources.names import _complete, _finish, _resolve_references
from clientbase.sources.parquet import _ParquetOrders
from clientbase.sources.streaming import _CsvOrders, _Fallback
from clientbase.sources.tables import read_table


def load_source(
    folder: str | Path,
    fmt: Format | str = "1c",
    *,
    files: Mapping[str, str] | None = None,
    tables: Iterable[str] | None = None,
    orders_parquet: str | Path | None = None,
    stages: Sequence[str] | None = None,
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
        where to write the canonical order lines when they can be converted without
        holding them all in memory: a Parquet orders file with typed columns and customer
        ids, not names, by DuckDB (issue 7), or a CSV export, a chunk of lines at a time
        (issue 17; `streaming`). They are then in ``Source.written``, not in
        ``Source.tables``. Other orders files are read into ``Source.tables`` as usual.
        The same checks and problems either way.
    stages
        the deal funnel's stages in order (the profile's ``deal_funnel.stages``): a deal or
        history entry at another stage is an error; stages are spelled as in this list.

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
    if "deal_stages" in needed:
        needed.add("deals")
    if needed & {"contacts", "orders", "campaign_members", "leads", "invoices", "payments", "deals"}:
        needed.add("customers")
    if needed & {"campaign_members", "leads"}:
        needed.add("campaigns")
    required = [t for t in REQUIRED_TABLES if t in needed]
    paths, problems = _find(folder, fmt, files, required=required)
    paths = {t: p for t, p in paths.items() if t in needed}

    import duckdb

    lines, stream = None, None
    if orders_parquet is not None and "orders" in paths and "orders" in wanted:
        lines = _ParquetOrders.plan(paths["orders"], fmt)
        if lines is None:
            stream = _CsvOrders.plan(paths["orders"], fmt, Path(orders_parquet))
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
            if table == "orders" and stream is not None:
                try:
                    # customers come first (TABLES order): names are resolved as the lines are read
                    problems.extend(stream.read(frames.get("customers")))
                    continue
                except _Fallback:  # a file pandas cannot split: the whole-file path words the problem
                    stream.close()
                    stream = None
            frame, found = read_table(path, table, fmt)
            problems.extend(found)
            headers[table] = frame.attrs.get("headers", {})
            frames[table] = with_document_numbers(_complete(frame, table), table)
        read = dict(frames)
        resolved = _resolve_references(frames, paths, headers)
        resolved += document_problems(frames, paths, headers)
        resolved += deal_problems(frames, paths, headers, stages)
        if lines is not None and "customers" in frames:
            resolved += lines.unknown_customers(frames["customers"]["customer_id"])
        if stream is not None:
            resolved += stream.warnings()
        if (lines is not None and "customers" in frames) or stream is not None:
            # in the order the pandas path reports them: table by table
            order = ("contacts", "orders", "campaign_members", "leads")
            resolved.sort(key=lambda p: order.index(p.table) if p.table in order else len(order))
        problems.extend(resolved)
        problems = [p for p in problems if p.table is None or p.table in needed]
        if any(p.severity == "error" for p in problems):
            errors = [p for p in problems if p.severity == "error"]
            raise DataError(errors + [p for p in problems if p.severity != "error"])
        counts = {t: _row_count(read[t], frames[t], t) for t in frames if t in wanted}
        written = {}
        for streamed in (lines, stream):
            if streamed is not None:
                streamed.write(Path(orders_parquet))
                written["orders"] = Path(orders_parquet)
                counts["orders"] = streamed.row_count()
    finally:
        for streamed in (lines, stream):
            if streamed is not None:
                streamed.close()
    if stages:
        frames.update({t: canonical_stages(frames[t], stages) for t in ("deals", "deal_stages") if t in frames})
    out = {t: _finish(frames[t], t) for t in TABLES if t in frames and t in wanted}
    return Source(tables=out, files={t: paths[t] for t in TABLES if t in out or t in written}, problems=tuple(problems),
                  written=written, counts={t: counts[t] for t in TABLES if t in counts})


def _row_count(read: pd.DataFrame, used: pd.DataFrame, table: str) -> RowCount:
    """The rows of a table as read and as kept, and the amount of those left out."""
    if "amount" not in TABLES[table].columns:
        return RowCount(len(read), len(used))
    gone = read.loc[~read.index.isin(used.index), "amount"]
    return RowCount(len(read), len(used), round(float(gone.sum()), 2))
