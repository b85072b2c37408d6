"""Quoting names and values into SQL text, for DuckDB and PostgreSQL alike (standard SQL).

Data never reaches SQL unquoted: a header of an export, a file path or a synonym of a
format is quoted here, once, the same way everywhere.
"""

from __future__ import annotations

import os

__all__ = ["identifier", "literal"]


def identifier(name: str) -> str:
    '''A quoted identifier: a header ``Сумма "с НДС"`` becomes ``"Сумма ""с НДС"""`` in SQL.'''
    return '"' + str(name).replace('"', '""') + '"'


def literal(value: str | os.PathLike[str]) -> str:
    """A quoted string literal (a text or a path): ``O'Brien`` → ``'O''Brien'``."""
    return "'" + str(value).replace("'", "''") + "'"
