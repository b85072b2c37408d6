"""Receivables: who owes what and how late, the advances apart, limits, the art. 266 reserve.

Source of the rules: REFERENCE.md "Receivables" (1C's «Задолженность клиентов по срокам»).
Everything is a snapshot at `as_of`: only invoices and payments dated on or before it count,
so calling any function with an earlier `as_of` (the previous quarter's end) gives that
date's picture, and a payment naming an invoice dated after `as_of` is unlinked.

The allocation, per customer, in integer kopecks so that every sum is exact to the cent:

1. each positive payment that names a positive invoice of the same customer pays it, in
   (date, payment_id) order, at most its open amount; the excess joins the unlinked pool;
2. the pool — unlinked payments, those excesses and credit notes as positive money — pays
   the open debts first in, first out by (due, date, id); a refund (negative payment) is a
   debt of its own, dated and due on its date;
3. what the pool leaves is the customer's advance, never netted into the buckets.

FIFO of a pool P over debts with cumulative open amounts C gives debt i
``clip(P - C[i-1], 0, open[i])``: sorted cumulative sums, no loop per customer or document.
A debt's settlement date is the date on which the money that closed it had arrived (the
pool's payments are spent in date order along the same FIFO line), never before the debt.

Readings where REFERENCE.md leaves a choice (for the report's appendix to state):

- a payment naming an unknown invoice, a credit note or another customer's invoice is
  unlinked; a refund never pays an invoice, even when it names one;
- revenue is the invoiced amount net of credit notes; DSO takes the `dso_days` days ending
  at as_of; the art. 266 cap takes the `window_months` window ending at as_of (a tax year
  when as_of is a year end); the 50 % reserve is rounded half up to the kopeck;
- payment discipline counts invoices (not refunds): the share of those due in the window
  that were settled on or before their due date, and the amount-weighted mean days late
  (0 when on time) of those settled in the window;
- the bucket bounds are part of the bucket codes and the reserve bounds are the law (Tax
  Code art. 266), so neither is an option;
- `over_limit` is the amount by which outstanding exceeds the credit limit (NaN without a
  limit; a limit of 0 means prepayment only, so any debt is over it);
- reminders (the issue's rules, as data in `reminder_rules`): `remind` from 7 days before due,
  `call` 1–30 days overdue, `stop_shipments` 31–90, `claim` over 90;
- invoice_id must be unique among the invoices dated ≤ as_of; a refund's item_id is its
  payment_id, told apart from an invoice of the same number by `kind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field, field_validator

from clientbase.options import Options
from clientbase.periods import window_start

__all__ = [
    "ACTIONS", "AGING_COLUMNS", "BUCKETS", "DEFAULTS", "DISCIPLINE_COLUMNS", "ITEM_COLUMNS", "OPEN_ITEM_COLUMNS",
    "REMINDER_COLUMNS", "TREND_COLUMNS", "Allocation", "ReceivablesHeadlines", "ReceivablesOptions", "Reserve266",
    "aging", "aging_trend", "allocate", "dso", "headlines", "open_items", "payment_discipline", "reminder_actions",
    "reserve_266",
]

BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90")
_BUCKET_UPPER_DAYS = np.array([0, 30, 60, 90])  # inclusive upper bounds of all buckets but the last
# Tax Code art. 266 p. 4: law, not a choice of the run
_RESERVE_HALF_FROM_DAYS = 45
_RESERVE_FULL_AFTER_DAYS = 90
_RESERVE_CAP_SHARE = 0.10

INVOICE, REFUND = "invoice", "refund"
ACTIONS = ("remind", "call", "stop_shipments", "claim")
_DEFAULT_ACTIONS = (("remind", -7), ("call", 1), ("stop_shipments", 31), ("claim", 91))

ITEM_COLUMNS = ("item_id", "kind", "customer_id", "date", "due", "amount", "paid_linked", "paid_pool",
                "outstanding", "settled")
OPEN_ITEM_COLUMNS = ("item_id", "customer_id", "date", "due", "amount", "outstanding", "days_overdue", "bucket",
                     "kind", "reserve_rate", "reserve_266")
AGING_COLUMNS = ("customer_id", "manager", *BUCKETS, "outstanding", "advance", "credit_limit", "over_limit",
                 "reserve_266", "overdue", "max_days_overdue", "limit_breached")
DISCIPLINE_COLUMNS = ("customer_id", "invoices_due", "paid_on_time", "on_time_share", "invoices_settled",
                      "amount_settled", "mean_days_late")
REMINDER_COLUMNS = ("customer_id", "manager", "item_id", "kind", "date", "due", "outstanding", "days_overdue",
                    "bucket", "action", "customer_action")
TREND_COLUMNS = ("as_of", *BUCKETS, "outstanding", "overdue", "advance")
_NAT = np.iinfo(np.int64).min  # datetime64[ns] NaT as int64: below every date, so np.maximum skips it
_DAY_NS = 86_400 * 10**9


class ReceivablesOptions(Options):
    """The options of the receivables report (REFERENCE.md "Receivables")."""

    default_terms_days: int = Field(
        0, ge=0, le=3650, description="payment terms in days when neither the invoice nor the customer's card has any")
    window_months: int = Field(
        12, ge=1, le=120, description="months ending at as_of for payment discipline and the reserve's revenue cap")
    dso_days: int = Field(90, ge=1, le=3650, description="days of invoiced revenue ending at as_of that DSO divides by")
    trend_quarters: int = Field(4, ge=1, le=40, description="quarter ends (the last one is as_of) in the aging trend")
    reminder_rules: tuple[tuple[str, int], ...] = Field(
        _DEFAULT_ACTIONS,
        description="action code: first day overdue it applies from (negative: days before due), until the next one")

    @field_validator("reminder_rules", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        return tuple(value.items()) if isinstance(value, dict) else value

    @field_validator("reminder_rules")
    @classmethod
    def _increasing(cls, value: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
        days = [d for _, d in value]
        codes = [c for c, _ in value]
        if not value or any(b <= a for a, b in zip(days, days[1:], strict=False)):
            raise ValueError("needs at least one action and strictly increasing first days overdue")
        if len(set(codes)) != len(codes) or not set(codes) <= set(ACTIONS):
            raise ValueError(f"action codes must be distinct, each one of {', '.join(ACTIONS)}")
        return value


DEFAULTS = ReceivablesOptions()


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


@dataclass(frozen=True)
class Reserve266:
    """The art. 266 reserve of the open items and its cap of 10 % of the window's revenue."""

    reserve: float
    revenue: float
    cap: float
    deductible: float
    revenue_from: pd.Timestamp


@dataclass(frozen=True)
class ReceivablesHeadlines:
    """The numbers of the report's executive summary, as of `as_of`."""

    as_of: pd.Timestamp
    outstanding: float
    overdue: float
    overdue_share: float
    over_90: float
    over_90_share: float
    advances: float
    debtors: int
    overdue_debtors: int
    over_limit_customers: int
    over_limit_amount: float
    reserve_266: float
    reserve_cap: float
    reserve_deductible: float
    dso: float


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
    inv = invoices.loc[_dates(invoices["date"]) <= as_of.value]
    if payments is None:
        payments = pd.DataFrame({"payment_id": pd.array([], dtype="str"), "customer_id": pd.array([], dtype="str"),
                                 "date": pd.Series([], dtype="datetime64[ns]"), "amount": []})
    _require(payments, "payments", ("payment_id", "customer_id", "date", "amount"))
    pay = payments.loc[_dates(payments["date"]) <= as_of.value]

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


def open_items(allocation: Allocation) -> pd.DataFrame:
    """The open debts with days overdue, bucket and art. 266 reserve (`OPEN_ITEM_COLUMNS`).

    days_overdue = as_of − due in calendar days; buckets `not_due` (≤ 0), `1_30`, `31_60`,
    `61_90`, `over_90`; reserve rate 1 over 90 days, 0.5 from 45 to 90 days inclusive, else
    0 (REFERENCE.md "Receivables").
    """
    items = allocation.items.loc[allocation.items["outstanding"] > 0]
    days = (allocation.as_of.value - _dates(items["due"])) // _DAY_NS
    cents = _kopecks(items["outstanding"], "items")
    rate = np.where(days > _RESERVE_FULL_AFTER_DAYS, 1.0, np.where(days >= _RESERVE_HALF_FROM_DAYS, 0.5, 0.0))
    reserve = np.where(rate == 1.0, cents, np.where(rate == 0.5, (cents + 1) // 2, 0))
    columns = {c: items[c].array for c in ("item_id", "customer_id", "date", "due", "amount", "outstanding")}
    return pd.DataFrame({
        **columns, "days_overdue": days,
        "bucket": pd.Categorical.from_codes(np.searchsorted(_BUCKET_UPPER_DAYS, days), BUCKETS, ordered=True),
        "kind": items["kind"].array, "reserve_rate": rate, "reserve_266": reserve / 100,
    })


def aging(allocation: Allocation, customers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Debt by bucket per customer with an open item or an advance (`AGING_COLUMNS`).

    Bucket sums equal `outstanding` to the cent; the advance is apart. manager and
    credit_limit come from the customer's card (manager: else the latest invoice's);
    `over_limit` = outstanding − credit_limit when positive, 0 within the limit, NaN without
    one; `limit_breached` = outstanding > credit_limit (REFERENCE.md "Receivables"). Largest
    outstanding first.
    """
    items = open_items(allocation)
    ids = pd.Index(pd.concat([items["customer_id"], allocation.advances["customer_id"]]).unique())
    row = ids.get_indexer(items["customer_id"])
    cents = np.zeros((len(ids), len(BUCKETS)), np.int64)
    np.add.at(cents, (row, items["bucket"].cat.codes.to_numpy()), _kopecks(items["outstanding"], "items"))
    reserve = np.zeros(len(ids), np.int64)
    np.add.at(reserve, row, _kopecks(items["reserve_266"], "items"))
    worst = np.full(len(ids), np.iinfo(np.int64).min)
    np.maximum.at(worst, row, items["days_overdue"].to_numpy())
    advance = np.zeros(len(ids), np.int64)
    advance[ids.get_indexer(allocation.advances["customer_id"])] = _kopecks(
        allocation.advances["advance"], "advances")
    limit = _card(customers, "credit_limit", ids).astype(float)
    total = cents.sum(axis=1) / 100
    table = pd.DataFrame({"customer_id": ids.array,
                          "manager": _managers(ids, customers, allocation.invoices)})
    for k, bucket in enumerate(BUCKETS):
        table[bucket] = cents[:, k] / 100
    table = table.assign(
        outstanding=total, advance=advance / 100, credit_limit=limit,
        over_limit=np.where(np.isnan(limit), np.nan, np.maximum(total - limit, 0.0)),
        reserve_266=reserve / 100, overdue=cents[:, 1:].sum(axis=1) / 100,
        max_days_overdue=pd.array(np.where(worst == np.iinfo(np.int64).min, None, worst), dtype="Int64"),
        limit_breached=total > np.nan_to_num(limit, nan=np.inf),
    )
    return table.sort_values(["outstanding", "customer_id"], ascending=[False, True], ignore_index=True)


def reserve_266(allocation: Allocation, *, options: ReceivablesOptions = DEFAULTS) -> Reserve266:
    """The art. 266 reserve of the open items, and its cap: 10 % of the revenue (invoiced,
    net of credit notes) of the `window_months` months ending at as_of (REFERENCE.md "Receivables")."""
    start = window_start(allocation.as_of, options.window_months)
    revenue = _invoiced(allocation, start)
    reserve = _kopecks(open_items(allocation)["reserve_266"], "items").sum() / 100
    cap = max(round(revenue * _RESERVE_CAP_SHARE, 2), 0.0)
    return Reserve266(reserve=float(reserve), revenue=revenue, cap=cap, deductible=min(float(reserve), cap),
                      revenue_from=start)


def dso(allocation: Allocation, *, options: ReceivablesOptions = DEFAULTS) -> float:
    """Days sales outstanding: outstanding / invoiced revenue of the `dso_days` days ending at
    as_of × `dso_days`; NaN when that revenue is not positive (REFERENCE.md "Receivables")."""
    revenue = _invoiced(allocation, allocation.as_of - pd.Timedelta(days=options.dso_days - 1))
    outstanding = _kopecks(allocation.items["outstanding"], "items").sum() / 100
    return float(outstanding / revenue * options.dso_days) if revenue > 0 else float("nan")


def payment_discipline(allocation: Allocation, *, options: ReceivablesOptions = DEFAULTS) -> pd.DataFrame:
    """How each customer pays over the window (`DISCIPLINE_COLUMNS`, REFERENCE.md "Receivables").

    `on_time_share`: of the invoices due in the window (on or before as_of), the share
    settled on or before the due date. `mean_days_late`: over the invoices settled in the
    window, days from due to settlement (0 when on time), weighted by the invoice amount.
    """
    start = window_start(allocation.as_of, options.window_months).value
    items = allocation.items.loc[allocation.items["kind"] == INVOICE]
    due, settled = _dates(items["due"]), _dates(items["settled"])
    is_due = (due >= start) & (due <= allocation.as_of.value)
    on_time = is_due & (settled != _NAT) & (settled <= due)
    in_window = (settled != _NAT) & (settled >= start)
    amount = np.where(in_window, items["amount"].to_numpy(), 0.0)
    late = np.maximum(settled - due, 0) // _DAY_NS
    frame = pd.DataFrame({"customer_id": items["customer_id"].to_numpy(), "invoices_due": is_due,
                          "paid_on_time": on_time, "invoices_settled": in_window, "amount_settled": amount,
                          "weighted_days": np.where(in_window, late * amount, 0.0)})
    frame = frame.loc[is_due | in_window]
    table = frame.groupby("customer_id", as_index=False, sort=True).sum()
    table["on_time_share"] = (table["paid_on_time"] / table["invoices_due"]).where(table["invoices_due"] > 0)
    table["mean_days_late"] = (table["weighted_days"] / table["amount_settled"]).where(table["amount_settled"] > 0)
    return table.astype({"customer_id": "str"})[list(DISCIPLINE_COLUMNS)]


def reminder_actions(allocation: Allocation, customers: pd.DataFrame | None = None, *,
                     options: ReceivablesOptions = DEFAULTS) -> pd.DataFrame:
    """The open items that call for an action, by manager (`REMINDER_COLUMNS`).

    An item's action is the last of `options.reminder_rules` whose first day overdue it
    has reached; items before the first one are left out. `customer_action` is the action
    of the customer's most overdue item. Ordered by manager, customer (most overdue first),
    then items from the most overdue.
    """
    items = open_items(allocation)
    band = _band(items["days_overdue"].to_numpy(), options)
    items = items.loc[band >= 0].assign(action=_action(band[band >= 0], options))
    worst = items.groupby("customer_id")["days_overdue"].transform("max").to_numpy()
    items = items.assign(
        customer_action=_action(_band(worst, options), options),
        manager=_managers(pd.Index(items["customer_id"]), customers, allocation.invoices),
        worst=worst,
    )
    items = items.sort_values(["manager", "worst", "customer_id", "days_overdue", "item_id"],
                              ascending=[True, False, True, False, True], na_position="last", ignore_index=True)
    return items[list(REMINDER_COLUMNS)]


def headlines(allocation: Allocation, customers: pd.DataFrame | None = None, *,
              options: ReceivablesOptions = DEFAULTS) -> ReceivablesHeadlines:
    """The executive summary's numbers (REFERENCE.md "Receivables"); shares are NaN without debt."""
    table = aging(allocation, customers)
    reserve = reserve_266(allocation, options=options)
    outstanding = _kopecks(table["outstanding"], "aging").sum() / 100
    overdue = _kopecks(table["overdue"], "aging").sum() / 100
    over_90 = _kopecks(table["over_90"], "aging").sum() / 100
    return ReceivablesHeadlines(
        as_of=allocation.as_of, outstanding=float(outstanding), overdue=float(overdue),
        overdue_share=float(overdue / outstanding) if outstanding else float("nan"),
        over_90=float(over_90), over_90_share=float(over_90 / outstanding) if outstanding else float("nan"),
        advances=float(_kopecks(table["advance"], "aging").sum() / 100),
        debtors=int((table["outstanding"] > 0).sum()), overdue_debtors=int((table["overdue"] > 0).sum()),
        over_limit_customers=int(table["limit_breached"].sum()),
        over_limit_amount=float(_kopecks(table["over_limit"].fillna(0), "aging").sum() / 100),
        reserve_266=reserve.reserve, reserve_cap=reserve.cap, reserve_deductible=reserve.deductible,
        dso=dso(allocation, options=options),
    )


def aging_trend(invoices: pd.DataFrame, payments: pd.DataFrame | None = None,
                customers: pd.DataFrame | None = None, *, as_of: pd.Timestamp,
                options: ReceivablesOptions = DEFAULTS) -> pd.DataFrame:
    """Debt by bucket at as_of and the `trend_quarters` − 1 quarter ends before it, oldest
    first (`TREND_COLUMNS`): each point is the snapshot at that date, so later documents
    never change it."""
    as_of = pd.Timestamp(as_of).normalize()
    dates = [as_of - pd.offsets.QuarterEnd(n) for n in range(options.trend_quarters - 1, 0, -1)] + [as_of]
    rows = []
    for day in dates:  # one snapshot per quarter end, a handful of them
        snapshot = allocate(invoices, payments, customers, as_of=day, options=options)
        items, advances = open_items(snapshot), snapshot.advances
        cents = np.bincount(items["bucket"].cat.codes.to_numpy(), weights=_kopecks(items["outstanding"], "items"),
                            minlength=len(BUCKETS)).astype(np.int64)
        rows.append({"as_of": day, **{b: cents[k] / 100 for k, b in enumerate(BUCKETS)},
                     "outstanding": cents.sum() / 100, "overdue": cents[1:].sum() / 100,
                     "advance": _kopecks(advances["advance"], "advances").sum() / 100})
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS)).astype({"as_of": "datetime64[ns]"})


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


def _band(days: np.ndarray, options: ReceivablesOptions) -> np.ndarray:
    """Index of the reminder action that applies at each days overdue (-1: none yet)."""
    return np.searchsorted(np.array([d for _, d in options.reminder_rules]), days, side="right") - 1


def _action(band: np.ndarray, options: ReceivablesOptions) -> pd.api.extensions.ExtensionArray:
    return pd.array(np.array([code for code, _ in options.reminder_rules], dtype=object)[band], dtype="str")


def _invoiced(allocation: Allocation, start: pd.Timestamp) -> float:
    """Invoiced amount, net of credit notes, dated from `start` to as_of."""
    inv = allocation.invoices
    cents = _kopecks(inv["amount"], "invoices")[_dates(inv["date"]) >= pd.Timestamp(start).value]
    return float(cents.sum() / 100)
