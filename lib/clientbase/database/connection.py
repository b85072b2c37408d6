"""Connecting to PostgreSQL: the profile's URL without a password, the password and other
libpq settings from the environment or a `.env` file, and the relation (a table or a query)
of each canonical table, checked before it reaches SQL.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from clientbase.errors import ProfileError

#: the tables read whole into pandas; orders never are
# the documents of settlements (invoices, payments) cross whole too: documents, not lines
SMALL_TABLES = ("customers", "contacts", "campaigns", "campaign_members", "leads", "invoices", "payments", "deals",
                "deal_stages")


#: tables read under their own name when the profile's `data.tables` does not name them
DEFAULT_TABLES = ("customers", "orders")


# a table or view: name, schema.name or db.schema.name, each part plain or double-quoted
_PART = r'(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")'


_NAME = re.compile(rf"^\s*{_PART}(?:\s*\.\s*{_PART}){{0,2}}\s*$")


_COMMENTS = re.compile(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)


_QUERY = re.compile(r"^(?:select|with|values|table)\b", re.I)


# libpq's environment variables and the connection keywords they stand for
_LIBPQ_ENV = {
    "PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGDATABASE": "dbname",
    "PGUSER": "user", "PGPASSWORD": "password", "PGPASSFILE": "passfile", "PGSERVICE": "service",
    "PGSSLMODE": "sslmode", "PGSSLROOTCERT": "sslrootcert", "PGSSLCERT": "sslcert", "PGSSLKEY": "sslkey",
    "PGAPPNAME": "application_name", "PGCONNECT_TIMEOUT": "connect_timeout", "PGOPTIONS": "options",
    "PGTARGETSESSIONATTRS": "target_session_attrs", "PGCHANNELBINDING": "channel_binding",
}


@dataclass(frozen=True)
class Relation:
    """One canonical table in the database: what the profile says and the SQL to read it."""

    table: str
    spec: str  # as written in the profile: a table name or a query
    sql: str  # what goes after FROM
    label: str  # how problems and the data overview name it


def relation(table: str, spec: str) -> Relation:
    """The relation of a canonical table from a profile's `data.tables` entry.

    A table or view name (``crm.customers``, ``"Продажи"``) is read as it is; anything
    starting with SELECT / WITH / VALUES / TABLE (after comments) is a query and is read as
    a subquery. Source: DESIGN.md "Run profiles and parameters" (a table or query per table).

    Raises
    ------
    ProfileError
        neither a name nor a query.
    """
    text = str(spec).strip()
    if _NAME.match(text):
        return Relation(table, text, text, text)
    body = _COMMENTS.sub("", text)
    if _QUERY.match(body):
        return Relation(table, text, f"({text.rstrip().rstrip(';')})", f"{table} (query)")
    raise ProfileError(
        f"data.tables.{table}: {spec!r} is neither a table name (schema.table) nor a query "
        "(SELECT ... / WITH ...)"
    )


def read_env_file(path: str | Path) -> dict[str, str]:
    """The KEY=VALUE lines of a `.env` file (``export`` prefix, quotes and # comments allowed)."""
    out: dict[str, str] = {}
    file = Path(path)
    if not file.is_file():
        return out
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.removeprefix("export ").split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key.strip()] = value
    return out


def connection_options(
    url: str, *, env_file: str | Path | None, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Connection keywords to add to `url`: libpq variables of the `.env` file.

    libpq itself reads PGPASSWORD, PGUSER, ... from the environment (and ~/.pgpass). A
    `.env` file next to the profile supplies the same variables for what neither the URL
    nor the environment gives: the URL wins, then the environment, then the file.
    """
    from psycopg.conninfo import conninfo_to_dict

    environ = os.environ if environ is None else environ
    given = conninfo_to_dict(url)
    options: dict[str, str] = {}
    for key, value in (read_env_file(env_file) if env_file else {}).items():
        keyword = _LIBPQ_ENV.get(key)
        if keyword and key not in environ and keyword not in given:
            options[keyword] = value
    if "connect_timeout" not in given and "PGCONNECT_TIMEOUT" not in environ:
        options.setdefault("connect_timeout", "15")
    return options


def display_url(url: str) -> str:
    """The URL as it may be shown and stored: no password, whatever was given."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1@", re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", url))


def _redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
