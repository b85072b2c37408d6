"""Settlements with customers in the demo data: invoices, payments and their truth.

Every sales document not cancelled is an invoice (Реализация товаров и услуг), every return a
credit note (a negative invoice). Each customer has payment terms on its card (0, 14, 30 or 45
days) and some a credit limit (0 = prepayment only). How a customer pays is planted:

- `on_time`: at or a few days before the due date;
- `late`: 1–20 days after it;
- `chronic`: 30–120 days after it (the habitual late payers the report must find);
- `partial`: 60–90 % on time, the rest 20–60 days later or never;
- `advance`: before the invoice (an advance, unlinked), some later refunded in part.

About 70 % of payments name their invoice by the document's presentation, the others do not.
A few chronic payers get a credit limit below their debt at as_of (planted breaches). The
truth (`truth/receivables.csv`) is exact whatever the allocation: a customer's invoiced minus
received money at as_of is its outstanding when positive and its advance when negative (an
advance is left only when every debt is paid), so the report must find every customer's
outstanding, advance and breach to the kopeck.

The stream of random numbers is the world's spare one: the other tables stay as they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.demo.model import _Calendar

PAYERS = ("on_time", "late", "chronic", "partial", "advance")
_PAYER_SHARES = (0.55, 0.2, 0.07, 0.1, 0.08)
_TERMS = (0, 14, 30, 45)
_TERMS_SHARES = (0.2, 0.25, 0.4, 0.15)
_LIMIT_SHARE = 0.35  # customers with a credit limit on their card
_PREPAYMENT_SHARE = 0.04  # of them, limit 0: prepayment only
_NAMED_SHARE = 0.7  # payments that name their invoice
_EXPLICIT_DUE_SHARE = 0.2  # invoices with a due date of their own (else the card's terms)
_REFUND_SHARE = 0.3  # advance payers refunded once
_BREACHES = 5  # chronic payers whose limit is set below their debt at as_of


def plan_receivables(rng: np.random.Generator, cust: pd.DataFrame, docs: pd.DataFrame,
                     cal: _Calendar) -> dict[str, pd.DataFrame]:
    """Invoices, payments, the customers' terms and limits, and the truth at as_of.

    Returns
    -------
    dict with
        `terms`: per customer (index as `cust`) payment_terms_days, credit_limit (NaN: none), payer;
        `invoices`: owner, day, number, year, amount, due_day (-1: from the card's terms), second;
        `payments`: owner, day, number, year, amount, invoice (row of `invoices`, -1: not named);
        `truth`: per customer code: terms, limit, payer, invoiced, received, balance, outstanding,
        advance, over_limit (all at as_of).
    """
    n = len(cust)
    payer = rng.choice(len(PAYERS), size=n, p=_PAYER_SHARES)
    terms = np.asarray(_TERMS)[rng.choice(len(_TERMS), size=n, p=_TERMS_SHARES)].astype(float)
    has_limit = rng.random(n) < _LIMIT_SHARE
    prepay = has_limit & (rng.random(n) < _PREPAYMENT_SHARE / _LIMIT_SHARE)
    typical = docs.loc[~docs["cancelled"].to_numpy(dtype=bool)].groupby("owner")["target"].median()
    scale = typical.reindex(np.arange(n)).fillna(typical.median()).to_numpy()
    limit = np.where(has_limit, np.round(scale * rng.uniform(2, 8, n), -3), np.nan)
    limit[prepay] = 0.0
    payer[prepay] = PAYERS.index("advance")

    kept = ~docs["cancelled"].to_numpy(dtype=bool) & (docs["day"].to_numpy() <= cal.last_day)
    live = docs[kept].reset_index(drop=True)
    invoices = pd.DataFrame({
        "owner": live["owner"].to_numpy(), "day": live["day"].to_numpy(), "second": live["second"].to_numpy(),
        "amount": np.round(np.where(live["kind"].to_numpy() == 1, -1, 1) * np.abs(live["target"].to_numpy()), 2),
    })
    invoices = _numbered(invoices, cal)
    terms_of = terms[invoices["owner"].to_numpy()]
    explicit = (rng.random(len(invoices)) < _EXPLICIT_DUE_SHARE) & (invoices["amount"].to_numpy() > 0)
    invoices["due_day"] = np.where(explicit, invoices["day"].to_numpy() + terms_of + rng.integers(0, 6, len(invoices)),
                                   -1).astype(np.int64)
    payments = _payments(rng, invoices, payer, terms_of, cal)
    terms_frame = pd.DataFrame({"payment_terms_days": terms, "credit_limit": limit,
                                "payer": np.asarray(PAYERS)[payer]})
    truth = _truth(cust, terms_frame, invoices, payments, cal)
    breach = _planted_breaches(truth, terms_frame)
    terms_frame.loc[breach.index, "credit_limit"] = breach.to_numpy()
    truth = _truth(cust, terms_frame, invoices, payments, cal)
    return {"terms": terms_frame, "invoices": invoices, "payments": payments, "truth": truth}


def _numbered(frame: pd.DataFrame, cal: _Calendar) -> pd.DataFrame:
    """1C's numbering: by date and time, restarting each year (the year is part of the id)."""
    out = frame.iloc[np.lexsort((frame["owner"], frame["second"], frame["day"]))].reset_index(drop=True)
    year = cal.dates(out["day"].to_numpy()).astype("datetime64[Y]").astype(np.int64) + 1970
    out["year"] = year
    out["number"] = pd.Series(year).groupby(year).cumcount().to_numpy() + 1
    return out


def _payments(rng: np.random.Generator, invoices: pd.DataFrame, payer: np.ndarray, terms_of: np.ndarray,
              cal: _Calendar) -> pd.DataFrame:
    """One payment per invoice (two for a partial payer), dated by the customer's habit."""
    debt = invoices["amount"].to_numpy() > 0
    rows = np.flatnonzero(debt)
    owner = invoices["owner"].to_numpy()[rows]
    day = invoices["day"].to_numpy()[rows]
    due = np.where(invoices["due_day"].to_numpy()[rows] >= 0, invoices["due_day"].to_numpy()[rows],
                   day + terms_of[rows]).astype(np.int64)
    amount = invoices["amount"].to_numpy()[rows]
    kind = payer[owner]
    delay = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [-rng.integers(0, 4, len(rows)), rng.integers(1, 21, len(rows)), rng.integers(30, 121, len(rows)),
         -rng.integers(0, 3, len(rows))],
        -rng.integers(1, 6, len(rows)) - (due - day),  # advance: before the invoice itself
    )
    share = np.where(kind == 3, rng.uniform(0.6, 0.9, len(rows)), 1.0)
    first = pd.DataFrame({"owner": owner, "day": np.maximum(due + delay, 0), "amount": np.round(amount * share, 2),
                          "invoice": np.where(kind == 4, -1, rows)})
    # the rest of a partial payment: later, or never (one in three)
    later = (kind == 3) & (rng.random(len(rows)) < 2 / 3)
    rest = pd.DataFrame({"owner": owner[later], "day": due[later] + rng.integers(20, 61, int(later.sum())),
                         "amount": np.round(amount[later] - first["amount"].to_numpy()[later], 2),
                         "invoice": rows[later]})
    # a refund of part of an advance payer's money, once
    advance_owners = np.unique(owner[kind == 4])
    refunded = advance_owners[rng.random(len(advance_owners)) < _REFUND_SHARE]
    last_paid = first[first["owner"].isin(refunded)].groupby("owner")["day"].max()
    refunds = pd.DataFrame({"owner": last_paid.index.to_numpy(),
                            "day": last_paid.to_numpy() + rng.integers(5, 40, len(last_paid)),
                            "amount": -np.round(rng.uniform(500, 5000, len(last_paid)), 2), "invoice": -1})
    out = pd.concat([first, rest, refunds], ignore_index=True)
    out = out[(out["day"] <= cal.last_day) & (out["amount"] != 0)].reset_index(drop=True)
    # only some payments name their invoice
    named = rng.random(len(out)) < _NAMED_SHARE
    out["invoice"] = np.where(named, out["invoice"].to_numpy(), -1)
    out["second"] = rng.integers(9 * 3600, 18 * 3600, len(out))
    return _numbered(out, cal)


def _truth(cust: pd.DataFrame, terms: pd.DataFrame, invoices: pd.DataFrame, payments: pd.DataFrame,
           cal: _Calendar) -> pd.DataFrame:
    """Per customer at as_of: invoiced − received = outstanding (≥ 0) or advance (< 0), exact to the kopeck."""
    n = len(cust)
    seen = invoices["day"].to_numpy() <= cal.as_of_day
    kop = np.rint(invoices["amount"].to_numpy()[seen] * 100).astype(np.int64)
    invoiced = np.bincount(invoices["owner"].to_numpy()[seen], weights=kop, minlength=n)
    paid = payments["day"].to_numpy() <= cal.as_of_day
    kop = np.rint(payments["amount"].to_numpy()[paid] * 100).astype(np.int64)
    received = np.bincount(payments["owner"].to_numpy()[paid], weights=kop, minlength=n)
    balance = np.rint(invoiced - received).astype(np.int64)
    limit = terms["credit_limit"].to_numpy()
    outstanding = np.maximum(balance, 0) / 100
    return pd.DataFrame({
        "customer_id": cust["code"].to_numpy(), "payment_terms_days": terms["payment_terms_days"].to_numpy(),
        "credit_limit": limit, "payer": terms["payer"].to_numpy(), "invoiced": invoiced / 100,
        "received": received / 100, "balance": balance / 100, "outstanding": outstanding,
        "advance": np.maximum(-balance, 0) / 100,
        "over_limit": ~np.isnan(limit) & (outstanding > np.nan_to_num(limit, nan=np.inf)),
    })


def _planted_breaches(truth: pd.DataFrame, terms: pd.DataFrame) -> pd.Series:
    """Credit limits below the debt at as_of for a few chronic late payers (index: customer rows)."""
    chronic = (terms["payer"].to_numpy() == "chronic") & (truth["outstanding"].to_numpy() > 2000)
    rows = np.flatnonzero(chronic)[:_BREACHES]
    return pd.Series(np.floor(truth["outstanding"].to_numpy()[rows] / 2000) * 1000, index=rows)
