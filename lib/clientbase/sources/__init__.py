"""Reading a data source: CSV / XLSX / Parquet exports mapped onto the canonical tables.

Source of the rules: DESIGN.md "Canonical input contract". A *format* (``formats/*.yaml``)
says how a family of exports is spelled: file names, header synonyms, value synonyms, the
decimal separator and the date order. Loading a folder is four steps, one module each:

1. find one file per table (`finding`: :func:`find_files`);
2. read each file into canonical columns (`tables`: :func:`read_table`, with `readers` for
   the encodings, separators, title blocks and total rows of 1C exports, and `values` for
   1C's numbers, dates and flags), collecting *every* problem;
3. complete the tables and resolve customers and campaigns given by name (`names`);
4. raise one :class:`~clientbase.errors.DataError` with every error of every file, or
   return a :class:`Source` with the warnings kept for the report (`loading`).

`formats` holds the formats and the header matching (`header_synonyms`, `header_lookup`,
`match_headers`), which the database source uses too. Order lines bound for the cache
(``load_source(orders_parquet=...)``) are never held whole in memory: `parquet` checks typed
Parquet order lines in DuckDB, `streaming` reads CSV exports a chunk of lines at a time
through the same checks as steps 2 and 3.

Row numbers in problems are the rows a person sees: for CSV and XLSX the 1-based row of
the file or sheet with the header counted; for Parquet the 1-based record number.
"""

from __future__ import annotations

from clientbase.sources.finding import RowCount, Source, find_files  # noqa: F401
from clientbase.sources.formats import Format, header_lookup, header_synonyms, load_format, match_headers  # noqa: F401
from clientbase.sources.loading import load_source  # noqa: F401
from clientbase.sources.tables import read_table  # noqa: F401

__all__ = [
    "Format",
    "RowCount",
    "Source",
    "find_files",
    "header_lookup",
    "header_synonyms",
    "load_format",
    "load_source",
    "match_headers",
    "read_table",
]
