"""Allocating payments to debts at a date (REFERENCE.md "Receivables", allocation).

1. each positive payment that names a positive invoice of the same customer pays it, in
   (date, payment_id) order, at most its open amount; the excess joins the unlinked pool;
2. the pool — unlinked payments, those excesses and credit notes as positive money — pays
   the open debts first in, first out by (due, date, id); a refund (negative payment) is a
   debt of its own, dated and due on its date;
3. what the pool leaves is the customer's advance, never netted into the buckets.

FIFO of a pool P over debts with cumulative open amounts C gives debt i
``clip(P - C[i-1], 0, open[i])``: sorted cumulative sums in integer kopecks, no loop per
customer or document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clientbase.receivables.options import _DAY_NS, _NAT, DEFAULTS, INVOICE, REFUND, ReceivablesOptions


@dataclass(frozen=True, eq=False)
class Allocation:
    """The receivables snapshot at `as_of`, the input of every other function here.

    Attributes
    ----------
    items
        Every debt dated ≤ as_of, open or settled, in FIFO order per customer
        (`ITEM_COLUMNS`): invoices and refunds (`kind`), `paid_linked` by payments naming
        them, `paid_pool` from the pool, `outstanding`, `settled` (NaT while open).
    advances
        customer_id, advance: customers whose money exceeds their debts.
    invoices
        The invoices dated ≤ as_of, credit notes included: invoice_id, customer_id, date,
        due, amount, manager.
    received
        Money received: positive payments plus credit notes as positive money.
    """

    as_of: pd.Timestamp
    items: pd.DataFrame
    advances: pd.DataFrame
    invoices: pd.DataFrame
    received: float


def allocate(invoices: pd.DataFrame, payments: pd.DataFrame | None = None, customers: pd.DataFrame | None = None,
             *, as_of: pd.Timestamp, options: ReceivablesOptions = DEFAULTS) -> Allocation:
    """Allocate the payments to the debts as of `as_of` (REFERENCE.md "Receivables").

    Parameters
    ----------
    invoices
        invoice_id, customer_id, date, amount (a credit note is negative); due_date and
        manager when present.
    payments
        payment_id, customer_id, date, amount (a refund is negative); invoice_id when the
        payment names one. None: every invoice is open.
    customers
        customer_id and, when present, payment_terms_days (the due date of invoices without one).
    """
    as_of = pd.Timestamp(as_of).normalize()
    _require(invoices, "invoices", ("invoice_id", "customer_id", "date", "amount"))
    inv = _until(invoices, as_of)
    if payments is None:
        payments = pd.DataFrame({"payment_id": pd.array([], dtype="str"), "customer_id": pd.array([], dtype="str"),
                                 "date": pd.Series([], dtype="datetime64[ns]"), "amount": []})
    _require(payments, "payments", ("payment_id", "customer_id", "date", "amount"))
    pay = _until(payments, as_of)

    inv_amount, pay_amount = _kopecks(inv["amount"], "invoices"), _kopecks(pay["amount"], "payments")
    codes, uniques = pd.factorize(pd.concat([_ids(inv, "customer_id", "invoices"),
                                             _ids(pay, "customer_id", "payments")], ignore_index=True))
    n_cust = len(uniques)
    inv_cust, pay_cust = codes[: len(inv)], codes[len(inv):]
    inv_date, pay_date = _dates(inv["date"]), _dates(pay["date"])
    terms = _card(customers, "payment_terms_days", uniques)
    terms = np.where(np.isnan(terms), options.default_terms_days, terms).astype(np.int64)
    inv_due = inv_date + terms[inv_cust] * _DAY_NS
    if "due_date" in inv.columns:
        given = _dates(inv["due_date"])
        inv_due = np.where(given != _NAT, given, inv_due)
    inv_ids, pay_ids = _ids(inv, "invoice_id", "invoices"), _ids(pay, "payment_id", "payments")

    # (1) linked payments, each capped at what is still open of its invoice
    debit = np.flatnonzero(inv_amount > 0)
    names = (pay["invoice_id"].astype("str").reset_index(drop=True) if "invoice_id" in pay.columns
             else pd.Series(pd.array([None] * len(pay), dtype="str")))
    keys = pd.factorize(pd.concat([inv_ids.take(debit), names], ignore_index=True))[0]
    position = np.full(keys.max(initial=-1) + 2, -1)  # a key's debit invoice; key -1 (no name) → -1
    position[keys[: len(debit)]] = np.arange(len(debit))
    if len(debit) and np.bincount(keys[: len(debit)]).max() > 1:
        twice = np.bincount(keys[: len(debit)])[keys[: len(debit)]] > 1
        raise ValueError(f"invoices: invoice_id {inv_ids.take(debit)[twice].iloc[0]!r} appears more than once")
    named = position[keys[len(debit):]]
    linked = np.flatnonzero((pay_amount > 0) & (named >= 0))
    linked = linked[inv_cust[debit[named[linked]]] == pay_cust[linked]]
    target = named[linked]  # position among the debit invoices
    order = np.lexsort((_rank(pay_ids.take(linked)), pay_date[linked], target))
    linked, target = linked[order], target[order]
    money = pay_amount[linked]
    starts = _starts(target)
    before = _exclusive_group_cumsum(money, starts)
    paid = np.clip(inv_amount[debit[target]] - before, 0, money)
    paid_linked = np.zeros(len(debit), np.int64)
    last_linked = np.full(len(debit), _NAT)
    if len(linked):
        paid_linked[target[starts]] = np.add.reduceat(paid, starts)
        last_linked[target[starts]] = np.maximum.reduceat(np.where(paid > 0, pay_date[linked], _NAT), starts)

    # (2) the pool: unlinked payments, the excess of linked ones, credit notes
    unlinked = np.ones(len(pay), bool)
    unlinked[linked] = False
    unlinked &= pay_amount > 0
    credit = np.flatnonzero(inv_amount < 0)
    pool_cust = np.concatenate([pay_cust[unlinked], pay_cust[linked], inv_cust[credit]])
    pool_date = np.concatenate([pay_date[unlinked], pay_date[linked], inv_date[credit]])
    pool_money = np.concatenate([pay_amount[unlinked], money - paid, -inv_amount[credit]])
    keep = pool_money > 0
    pool_cust, pool_date, pool_money = pool_cust[keep], pool_date[keep], pool_money[keep]
    order = np.lexsort((pool_date, pool_cust))
    pool_cust, pool_date, pool_money = pool_cust[order], pool_date[order], pool_money[order]
    pool_cum = np.cumsum(pool_money)
    pool_starts = _starts(pool_cust)
    pool_total, pool_base = np.zeros(n_cust, np.int64), np.zeros(n_cust, np.int64)
    if len(pool_money):
        pool_total[pool_cust[pool_starts]] = np.add.reduceat(pool_money, pool_starts)
        pool_base[pool_cust[pool_starts]] = (pool_cum - pool_money)[pool_starts]

    # debts: the invoices' open amounts and the refunds, FIFO by (due, date, id)
    refund = np.flatnonzero(pay_amount < 0)
    d_id = pd.concat([inv_ids.take(debit), pay_ids.take(refund)], ignore_index=True)
    d_kind = np.concatenate([np.zeros(len(debit), np.int8), np.ones(len(refund), np.int8)])
    d_cust = np.concatenate([inv_cust[debit], pay_cust[refund]])
    d_date = np.concatenate([inv_date[debit], pay_date[refund]])
    d_due = np.concatenate([inv_due[debit], pay_date[refund]])
    d_amount = np.concatenate([inv_amount[debit], -pay_amount[refund]])
    d_linked = np.concatenate([paid_linked, np.zeros(len(refund), np.int64)])
    d_last = np.concatenate([last_linked, np.full(len(refund), _NAT)])
    order = np.lexsort((d_kind, _rank(d_id), d_date, d_due, d_cust))
    d_kind, d_cust, d_date, d_due, d_amount, d_linked, d_last = (
        a[order] for a in (d_kind, d_cust, d_date, d_due, d_amount, d_linked, d_last))
    d_open = d_amount - d_linked
    d_starts = _starts(d_cust)
    d_before = _exclusive_group_cumsum(d_open, d_starts)
    d_pool = np.clip(pool_total[d_cust] - d_before, 0, d_open)
    outstanding = d_open - d_pool
    debt_total = np.zeros(n_cust, np.int64)
    if len(d_open):
        debt_total[d_cust[d_starts]] = np.add.reduceat(d_open, d_starts)
    advance = np.maximum(pool_total - debt_total, 0)

    # when the pool money that closed a debt had arrived: the pool is spent in date order
    funded = np.full(len(d_pool), _NAT)
    from_pool = d_pool > 0
    at = np.searchsorted(pool_cum, pool_base[d_cust[from_pool]] + d_before[from_pool] + d_pool[from_pool])
    funded[from_pool] = pool_date[at]
    settled = np.where(outstanding == 0, np.maximum(np.maximum(d_date, d_last), funded), _NAT)

    items = pd.DataFrame({
        "item_id": d_id.take(order).array,
        "kind": pd.array(np.array([INVOICE, REFUND], dtype=object)[d_kind], dtype="str"),
        "customer_id": uniques.take(d_cust),
        "date": d_date.view("datetime64[ns]"), "due": d_due.view("datetime64[ns]"),
        "amount": d_amount / 100, "paid_linked": d_linked / 100, "paid_pool": d_pool / 100,
        "outstanding": outstanding / 100, "settled": settled.view("datetime64[ns]"),
    })
    has_advance = np.flatnonzero(advance > 0)
    advances = pd.DataFrame({"customer_id": uniques.take(has_advance),
                             "advance": advance[has_advance] / 100})
    snapshot = pd.DataFrame({
        "invoice_id": inv_ids.array, "customer_id": uniques.take(inv_cust),
        "date": inv_date.view("datetime64[ns]"), "due": inv_due.view("datetime64[ns]"), "amount": inv_amount / 100,
        "manager": (inv["manager"].astype("str").array if "manager" in inv.columns
                    else pd.array([None] * len(inv), dtype="str")),
    })
    received = (pay_amount[pay_amount > 0].sum() - inv_amount[credit].sum()) / 100
    return Allocation(as_of=as_of, items=items, advances=advances, invoices=snapshot, received=float(received))


def check_documents(invoices: pd.DataFrame, payments: pd.DataFrame | None = None,
                    customers: pd.DataFrame | None = None, *, as_of: pd.Timestamp) -> None:
    """The checks `allocate` makes of the documents dated ≤ as_of, with its messages, without
    allocating (a ValueError naming the table, column and row)."""
    as_of = pd.Timestamp(as_of).normalize()
    _require(invoices, "invoices", ("invoice_id", "customer_id", "date", "amount"))
    inv = invoices.loc[_dates(invoices["date"]) <= as_of.value]
    if payments is not None:
        _require(payments, "payments", ("payment_id", "customer_id", "date", "amount"))
    pay = payments.loc[_dates(payments["date"]) <= as_of.value] if payments is not None else None
    inv_amount = _kopecks(inv["amount"], "invoices")
    if pay is not None:
        _kopecks(pay["amount"], "payments")
    ids = _ids(inv, "customer_id", "invoices")
    if pay is not None:
        ids = pd.concat([ids, _ids(pay, "customer_id", "payments")], ignore_index=True)
    _card(customers, "payment_terms_days", pd.Index(ids.unique()))
    debit = _ids(inv, "invoice_id", "invoices").take(np.flatnonzero(inv_amount > 0))
    if pay is not None:
        _ids(pay, "payment_id", "payments")
    twice = debit.duplicated(keep=False).to_numpy()
    if twice.any():
        raise ValueError(f"invoices: invoice_id {debit[twice].iloc[0]!r} appears more than once")


def _until(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The rows dated ≤ as_of; the frame itself when that is every row (no copy of millions of rows)."""
    keep = _dates(frame["date"]) <= as_of.value
    return frame if keep.all() else frame.loc[keep]


def _require(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")


def _kopecks(values: pd.Series, name: str) -> np.ndarray:
    money = values.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(money).any():
        raise ValueError(f"{name}: amount missing in row {values.index[np.isnan(money)][0]!r}; expected a number")
    return np.rint(money * 100).astype(np.int64)


def _dates(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _strings(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=object, na_value=None)


def _ids(frame: pd.DataFrame, column: str, name: str) -> pd.Series:
    """An id column as strings, positions as index; a missing id is an error."""
    ids = frame[column].astype("str").reset_index(drop=True)
    if ids.isna().any():
        raise ValueError(f"{name}: {column} missing in row {frame.index[ids.isna().to_numpy()][0]!r}")
    return ids


def _rank(values: pd.Series) -> np.ndarray:
    """Ranks of strings in sorted order (equal strings, equal ranks), for np.lexsort."""
    return pc.rank(pa.array(values.array), sort_keys="ascending", tiebreaker="dense").to_numpy()


def _starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Positions where a run of equal keys starts in a sorted array."""
    if len(sorted_keys) == 0:
        return np.array([], dtype=np.intp)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _exclusive_group_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of the earlier values of each row's group (groups are runs beginning at `starts`)."""
    before = np.cumsum(values) - values
    if len(values) == 0:
        return before
    sizes = np.diff(np.r_[starts, len(values)])
    return before - np.repeat(before[starts], sizes)


def _card(customers: pd.DataFrame | None, column: str, ids: pd.Index, *, numeric: bool = True) -> np.ndarray:
    """A column of the customers' cards for `ids` (NaN / None where the card or the value is missing)."""
    if customers is None or column not in customers.columns:
        return np.full(len(ids), np.nan if numeric else None)
    cards = pd.Index(_strings(customers["customer_id"]))
    if not cards.is_unique:
        raise ValueError(f"customers: customer_id {cards[cards.duplicated()][0]!r} appears more than once")
    if numeric:
        values = pd.to_numeric(customers[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    else:
        values = _strings(customers[column])
    at = cards.get_indexer(ids)
    return np.where(at >= 0, values[at], np.nan if numeric else None)


def _managers(ids: pd.Index, customers: pd.DataFrame | None,
              invoices: pd.DataFrame) -> pd.api.extensions.ExtensionArray:
    """The card's manager, else the manager of the customer's latest invoice, else missing."""
    unique = ids.unique()
    manager = _card(customers, "manager", unique, numeric=False)
    manager = np.where(pd.isna(manager) | (manager == ""), None, manager)
    missing = unique[pd.isna(manager)]
    if len(missing):  # usually few: look only at their invoices
        own = invoices.loc[(missing.get_indexer(invoices["customer_id"]) >= 0) & invoices["manager"].notna()]
        codes, owners = pd.factorize(own["customer_id"])
        last_date = np.full(len(owners), _NAT)
        np.maximum.at(last_date, codes, _dates(own["date"]))
        on_last = own.loc[_dates(own["date"]) == last_date[codes]]  # ties on the last date: the highest id
        latest = on_last.sort_values("invoice_id").drop_duplicates("customer_id", keep="last")
        found = latest.set_index("customer_id")["manager"].reindex(missing).to_numpy(dtype=object, na_value=None)
        manager[pd.isna(manager)] = found
    return pd.array(manager, dtype="str").take(unique.get_indexer(ids))
