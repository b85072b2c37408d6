"""Completing the tables of a source and resolving what exports give by name: the missing
optional columns, the customer type derived from the ИНН, and customers and campaigns
named in orders, contacts, members and leads (1C writes the counterparty's name, not its
code): unknown or ambiguous names are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.errors import Problem
from clientbase.frames import isin
from clientbase.schema import REQUIRED_TABLES, TABLES
from clientbase.sources.formats import _HELPERS, _SPACES, _fold
from clientbase.sources.readers import _LISTED_ROWS, _amount_text, _rows_text
from clientbase.sources.tables import _LISTED_VALUES
from clientbase.sources.values import _DTYPES, _EMPTY_VALUE


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
    for table in ("contacts", "orders", "campaign_members", "leads", "invoices", "payments", "deals"):
        if table not in frames:
            continue
        frame = frames[table]
        file = paths[table].name
        named = headers[table]
        drop = pd.Series(False, index=frame.index)
        # a lead or a deal still counts without its customer or campaign; other rows are about them
        keep_rows = table in ("leads", "deals")
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
            # what dropped rows were worth, so that the user can reconcile with 1C's totals
            dropped_amount = None if keep_rows or "amount" not in frame else "amount"
            where = {"file": file, "table": table, "headers": named, "amount": dropped_amount}
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
    message: Callable[[str, str], str], amount: str | None = None,
) -> list[Problem]:
    """One warning per distinct value (the first few), then one that counts the rest.

    With `amount` (a column), each warning ends with the sum of that column over its rows:
    the money of the rows that are dropped.
    """
    if not mask.any():
        return []
    bad = frame.loc[mask, [col, "_row", *([amount] if amount else [])]]
    firsts = bad.groupby(col, sort=False)["_row"].min().sort_values()
    groups = []
    for value in firsts.index[:_LISTED_VALUES]:
        these = bad.loc[bad[col] == value]
        rows = these["_row"].to_numpy()
        groups.append((value, rows[:_LISTED_ROWS], len(rows), float(these[amount].sum()) if amount else None))
    rest = bad[bad[col].isin(firsts.index[_LISTED_VALUES:])]
    more = (len(firsts) - _LISTED_VALUES, len(rest), float(rest[amount].sum()) if amount else None)
    return _grouped_warnings(groups, more, col, file=file, table=table, headers=headers, message=message)


def _grouped_warnings(
    groups: list[tuple[str, np.ndarray, int, float | None]], more: tuple[int, int, float | None], col: str, *,
    file: str, table: str, headers: dict[str, str], message: Callable[[str, str], str],
) -> list[Problem]:
    """The warnings of `_value_warnings` from the rows grouped by value, in the order of their first rows.

    `groups` holds the first `_LISTED_VALUES` values: (value, first rows, rows, amount or None);
    `more` the rest: (values, rows, amount or None).
    """
    header = headers.get(col) or col

    def worth(amount: float | None) -> str:
        return "" if amount is None else f"; amount {_amount_text(amount)}"

    out = [Problem(file, int(rows[0]), header, message(value, _rows_text(rows, total=n)) + worth(amount),
                   severity="warning", table=table)
           for value, rows, n, amount in groups]
    values, rows, amount = more
    if values > 0:
        out.append(Problem(file, None, header, f"and {values} more such values in {rows} rows" + worth(amount),
                           severity="warning", table=table))
    return out
