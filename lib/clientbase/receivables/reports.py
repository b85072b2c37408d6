"""What the receivables report shows, from an allocation: open items with days overdue and
bucket, aging per customer (bucket sums equal the outstanding to the cent), credit-limit
breaches, the art. 266 reserve and its 10 %-of-revenue cap, DSO, payment discipline,
reminder actions, the headline numbers and the aging at earlier quarter ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.periods import window_start
from clientbase.receivables.allocation import (
    Allocation,
    _card,
    _dates,
    _kopecks,
    _managers,
    allocate,
    check_documents,
)
from clientbase.receivables.options import (
    _BUCKET_UPPER_DAYS,
    _DAY_NS,
    _NAT,
    _RESERVE_CAP_SHARE,
    _RESERVE_FULL_AFTER_DAYS,
    _RESERVE_HALF_FROM_DAYS,
    BUCKETS,
    DEFAULTS,
    DISCIPLINE_COLUMNS,
    INVOICE,
    REMINDER_COLUMNS,
    TREND_COLUMNS,
    ReceivablesOptions,
)


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


def dso_at(invoices: pd.DataFrame, payments: pd.DataFrame | None = None, customers: pd.DataFrame | None = None,
           *, ends: list[pd.Timestamp], options: ReceivablesOptions = DEFAULTS) -> np.ndarray:
    """`dso(allocate(invoices, payments, customers, as_of=end, options=options), options=options)`
    for each of `ends`, without allocating at each day (the KPIs' DSO at 8 quarter ends).

    The allocation never creates or loses money: a linked payment pays at most what is open of
    its invoice and its excess joins the pool, and the pool pays the customer's debts in turn
    until it or they run out. So what a customer has outstanding in total is its balance —
    invoiced (credit notes negative) less paid (refunds negative) — when that is positive, and
    the total outstanding at a day is a group sum. Equal, in kopecks, to the allocation's
    (tests/test_receivables.py compares both on random documents); at 3.1M invoices and 3.2M
    payments 8 days took 44 s by allocation and take about 5 s so, most of it the checks.
    """
    days = [pd.Timestamp(end).normalize() for end in ends]
    if not days:
        return np.array([], dtype="float64")
    latest = max(days)
    check_documents(invoices, payments, customers, as_of=latest)
    inv = invoices.loc[_dates(invoices["date"]) <= latest.value]
    pay = payments.loc[_dates(payments["date"]) <= latest.value] if payments is not None else invoices.iloc[:0]
    codes, uniques = pd.factorize(pd.concat([inv["customer_id"].astype("str"), pay["customer_id"].astype("str")],
                                            ignore_index=True))
    inv_cust, pay_cust = codes[: len(inv)], codes[len(inv):]
    inv_date, pay_date = _dates(inv["date"]), _dates(pay["date"])
    inv_cents, pay_cents = _kopecks(inv["amount"], "invoices"), _kopecks(pay["amount"], "payments")
    out = []
    for day in days:
        # sums of whole kopecks in float64: exact below 2^53 kopecks (9·10^13 roubles) per customer
        billed, paid = inv_date <= day.value, pay_date <= day.value
        balance = (np.bincount(inv_cust[billed], weights=inv_cents[billed], minlength=len(uniques))
                   - np.bincount(pay_cust[paid], weights=pay_cents[paid], minlength=len(uniques)))
        outstanding = np.rint(np.maximum(balance, 0)).astype(np.int64).sum() / 100
        start = (day - pd.Timedelta(days=options.dso_days - 1)).value
        revenue = float(inv_cents[billed & (inv_date >= start)].sum() / 100)
        out.append(float(outstanding / revenue * options.dso_days) if revenue > 0 else float("nan"))
    return np.array(out, dtype="float64")


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
                options: ReceivablesOptions = DEFAULTS, latest: Allocation | None = None) -> pd.DataFrame:
    """Debt by bucket at as_of and the `trend_quarters` − 1 quarter ends before it, oldest
    first (`TREND_COLUMNS`): each point is the snapshot at that date, so later documents
    never change it. `latest`: the allocation at as_of of the same documents and options when
    the caller has it (the report does), so that it is not made twice."""
    as_of = pd.Timestamp(as_of).normalize()
    dates = [as_of - pd.offsets.QuarterEnd(n) for n in range(options.trend_quarters - 1, 0, -1)] + [as_of]
    rows = []
    for day in dates:  # one snapshot per quarter end, a handful of them
        given = latest is not None and day == as_of and latest.as_of == as_of
        snapshot = latest if given else allocate(invoices, payments, customers, as_of=day, options=options)
        items, advances = open_items(snapshot), snapshot.advances
        cents = np.bincount(items["bucket"].cat.codes.to_numpy(), weights=_kopecks(items["outstanding"], "items"),
                            minlength=len(BUCKETS)).astype(np.int64)
        rows.append({"as_of": day, **{b: cents[k] / 100 for k, b in enumerate(BUCKETS)},
                     "outstanding": cents.sum() / 100, "overdue": cents[1:].sum() / 100,
                     "advance": _kopecks(advances["advance"], "advances").sum() / 100})
        del snapshot, items, advances  # before the next day's allocation, not during it
    return pd.DataFrame(rows, columns=list(TREND_COLUMNS)).astype({"as_of": "datetime64[ns]"})


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
