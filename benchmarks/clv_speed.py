"""Time the repeat-purchase forecast (`clientbase.clv`) at scale (run by hand, not a test).

    .venv/bin/python benchmarks/clv_speed.py [--customers 500000] [--score 1000000] [--repeats 3]
                                             [--result result.json]

`make bench` runs it (`benchmarks/run.py`, "Repeat-purchase forecast" in docs/PERFORMANCE.md).

Synthetic data (seed 7): `--customers` customers of the BG/NBD story (r 0.8, α 6, a 0.9, b 3)
with purchase days over up to 80 weeks and values of the Gamma-Gamma story, as the customer ×
day facts the engine writes (about 4 purchase days per customer). Measured: the per-customer
summary from those facts (DuckDB), the BG/NBD fit, the Gamma-Gamma fit; then P(alive), the
next quarter's expected purchases and the 12-month CLV of `--score` customers.
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

from clientbase.clv import clv, expected_purchases, fit_bgnbd, fit_gamma_gamma, p_alive, rfm_summary  # noqa: E402

AS_OF = pd.Timestamp("2025-12-31")


def daily_facts(n: int, seed: int = 7) -> pd.DataFrame:
    """Purchase days of `n` BG/NBD customers as customer × day facts (vectorised simulation)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.8, 1 / 6.0, n)
    drop = rng.beta(0.9, 3.0, n)
    T = rng.uniform(2, 80, n)
    nu = rng.gamma(3.0, 1 / 60.0, n)
    owner, week = [np.arange(n)], [np.zeros(n)]
    alive, now = np.ones(n, dtype=bool), np.zeros(n)
    while alive.any():
        idx = np.flatnonzero(alive)
        now[idx] += rng.exponential(1 / lam[idx])
        bought = now[idx] <= T[idx]
        buyers = idx[bought]
        owner.append(buyers)
        week.append(now[buyers].copy())
        alive[idx[~bought]] = False
        alive[buyers[rng.random(len(buyers)) < drop[buyers]]] = False
    owner_all, week_all = np.concatenate(owner), np.concatenate(week)
    first = AS_OF.to_datetime64() - (T * 7).astype("timedelta64[D]")
    date = first[owner_all] + (week_all * 7).astype("timedelta64[D]")
    frame = pd.DataFrame({"customer_id": pd.array(np.char.add("C", owner_all.astype(str)), dtype="str"),
                          "date": date.astype("datetime64[ns]"),
                          "revenue": rng.gamma(4.0, 1 / nu[owner_all]), "orders": 1})
    frame = frame.drop_duplicates(["customer_id", "date"])
    return frame.assign(gross_profit=frame["revenue"] * 0.3, quantity=1.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=500_000)
    parser.add_argument("--score", type=int, default=1_000_000, help="customers scored (P(alive), purchases, CLV)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--result", type=Path, help="write the timings here as JSON")
    args = parser.parse_args(argv)
    built = time.perf_counter()
    daily = daily_facts(args.customers)
    print(f"{args.customers:,} customers, {len(daily):,} customer × day rows (built in "
          f"{time.perf_counter() - built:.1f} s)")
    out: dict[str, object] = {"customers": args.customers, "daily_rows": len(daily), "score_customers": args.score,
                              "summary": [], "bgnbd": [], "gamma_gamma": [], "scores": []}
    for i in range(args.repeats):
        t0 = time.perf_counter()
        s = rfm_summary(daily, as_of=AS_OF)
        t1 = time.perf_counter()
        x, t_x, T = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency_weeks", "t_weeks"))
        fit = fit_bgnbd(x, t_x, T)
        t2 = time.perf_counter()
        repeat = (x > 0) & (s["monetary"].to_numpy() > 0)
        value = fit_gamma_gamma(x[repeat], s["monetary"].to_numpy()[repeat])
        t3 = time.perf_counter()
        for key, seconds in (("summary", t1 - t0), ("bgnbd", t2 - t1), ("gamma_gamma", t3 - t2)):
            out[key].append(seconds)
        print(f"run {i + 1}: summary {t1 - t0:.2f} s, BG/NBD {t2 - t1:.2f} s ({fit.params}), "
              f"Gamma-Gamma {t3 - t2:.2f} s ({value.params})")
        reps = int(np.ceil(args.score / len(x)))
        xs, txs, Ts = (np.tile(v, reps)[:args.score] for v in (x, t_x, T))
        t4 = time.perf_counter()
        alive = p_alive(fit.params, xs, txs, Ts)
        quarter = expected_purchases(fit.params, 90 / 7, xs, txs, Ts)
        year = clv(fit.params, xs, txs, Ts, np.full(len(xs), 100.0), margin=1.0, months=12, discount=None)
        out["scores"].append(time.perf_counter() - t4)
        print(f"  P(alive), next quarter's purchases and 12-month CLV of {len(xs):,} customers: "
              f"{out['scores'][-1]:.2f} s (mean P(alive) {alive.mean():.3f}, purchases {quarter.sum():,.0f}, "
              f"CLV {year.sum():,.0f})")
        out["params"] = {**fit.params, **value.params}
        out["repeat_buyers"] = int(repeat.sum())
    for key in ("summary", "bgnbd", "gamma_gamma", "scores"):
        print(f"{key}: median {statistics.median(out[key]):.2f} s")
    if args.result:
        args.result.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
