"""A PostgreSQL data source: the small tables are read, the order lines stay on the server.

Source of the contract: DESIGN.md "Canonical input contract" and "Data flow" (a database
source names a table or a query per canonical table; the aggregation runs where the data
lives; credentials come from the environment or a `.env` file, never from the profile).
See docs/DATABASE.md. Two modules:

- `connection`: what to connect to and how (the URL, `.env`, libpq settings) and which
  relation (table or query) holds each canonical table;
- `source`: `DatabaseSource`, reading the small tables through the same checks as exported
  files and pushing the order-line aggregation down into PostgreSQL, inside one read-only
  REPEATABLE READ transaction; `open_database` opens it.
"""

from __future__ import annotations

from clientbase.database.connection import (  # noqa: F401
    DEFAULT_TABLES,
    SMALL_TABLES,
    Relation,
    connection_options,
    display_url,
    read_env_file,
    relation,
)
from clientbase.database.source import DatabaseSource, open_database  # noqa: F401

__all__ = [
    "DEFAULT_TABLES",
    "DatabaseSource",
    "Relation",
    "SMALL_TABLES",
    "connection_options",
    "display_url",
    "open_database",
    "read_env_file",
    "relation",
]
