"""Time `clientbase.receivables.allocate` on synthetic documents (run by hand, not a test).

    .venv/bin/python benchmarks/receivables_speed.py [--invoices 1000000] [--payments 1000000] [--repeats 3]
                                                     [--result result.json]

`make bench` runs it (`benchmarks/run.py`, "Receivables allocation" in docs/PERFORMANCE.md);
`benchmarks/run.py --only-allocation` runs just this and rewrites that section.

Synthetic data: 100,000 customers (one in five with payment terms on the card), invoices over
two years (3 % credit notes, half with a due date of their own), payments of which 60 % name
their invoice (some naming invoices of the future or unknown ones) and 2 % are refunds.
Prints the best and median wall time of the allocation, and of open items + aging.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from clientbase.receivables import aging, allocate, open_items  # noqa: E402

AS_OF = pd.Timestamp("2025-12-31")


def documents(n_invoices: int, n_payments: int, *, customers: int = 100_000, seed: int = 7):
    rng = np.random.default_rng(seed)
    start = (AS_OF - pd.Timedelta(days=730)).to_datetime64().astype("datetime64[ns]")
    ids = np.array([f"C{i:06d}" for i in range(customers)], dtype=object)
    inv_date = start + rng.integers(0, 760, n_invoices).astype("timedelta64[D]")
    amount = np.round(rng.lognormal(9, 1, n_invoices), 2) * np.where(rng.random(n_invoices) < 0.03, -1, 1)
    due = np.where(rng.random(n_invoices) < 0.5, inv_date + rng.integers(0, 60, n_invoices).astype("timedelta64[D]"),
                   np.datetime64("NaT"))
    invoice_id = np.array([f"INV-{i:08d}" for i in range(n_invoices)], dtype=object)
    invoices = pd.DataFrame({
        "invoice_id": pd.array(invoice_id, dtype="str"),
        "customer_id": pd.array(ids[rng.integers(0, customers, n_invoices)], dtype="str"),
        "date": inv_date, "amount": amount, "due_date": due.astype("datetime64[ns]"),
        "manager": pd.array(np.array(["M1", "M2", "M3"], dtype=object)[rng.integers(0, 3, n_invoices)], dtype="str"),
    })
    named = rng.integers(0, n_invoices, n_payments)
    names = rng.random(n_payments) < 0.6
    pay_amount = np.round(np.abs(amount[named]) * rng.choice([0.5, 1.0, 1.0, 1.2], n_payments), 2)
    payments = pd.DataFrame({
        "payment_id": pd.array([f"PAY-{i:08d}" for i in range(n_payments)], dtype="str"),
        "customer_id": invoices["customer_id"].to_numpy()[named],
        "date": inv_date[named] + rng.integers(-5, 90, n_payments).astype("timedelta64[D]"),
        "amount": pay_amount * np.where(rng.random(n_payments) < 0.02, -1, 1),
        "invoice_id": pd.array(np.where(names, invoice_id[named], None), dtype="str"),
    })
    cards = pd.DataFrame({
        "customer_id": pd.array(ids, dtype="str"),
        "payment_terms_days": np.where(rng.random(customers) < 0.2, rng.choice([14, 30, 45], customers), np.nan),
        "credit_limit": np.where(rng.random(customers) < 0.3, 100_000.0, np.nan),
    })
    return invoices, payments, cards


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--result", type=Path, help="write the times here as JSON (for benchmarks/run.py)")
    args = parser.parse_args()
    invoices, payments, cards = documents(args.invoices, args.payments)
    allocation_times, aging_times = [], []
    for _ in range(args.repeats):
        began = time.perf_counter()
        result = allocate(invoices, payments, cards, as_of=AS_OF)
        allocation_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        open_items(result)
        aging(result, cards)
        aging_times.append(time.perf_counter() - began)
    print(f"{args.invoices:,} invoices, {args.payments:,} payments; {len(result.items):,} debts, "
          f"{int((result.items['outstanding'] > 0).sum()):,} open")
    print(f"allocate: best {min(allocation_times):.2f} s, median {statistics.median(allocation_times):.2f} s")
    print(f"open items + aging: best {min(aging_times):.2f} s, median {statistics.median(aging_times):.2f} s")
    if args.result:
        args.result.write_text(json.dumps({
            "invoices": args.invoices, "payments": args.payments, "customers": len(cards),
            "debts": len(result.items), "open": int((result.items["outstanding"] > 0).sum()),
            "allocate": allocation_times, "aging": aging_times}), encoding="utf-8")


if __name__ == "__main__":
    main()
