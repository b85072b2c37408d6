"""Check the BG/NBD and Gamma-Gamma fits against the published CDNOW parameters (run by hand).

    pip download lifetimes==0.11.3 --no-deps -d /tmp/lifetimes       # the wheel carries the data
    unzip -o /tmp/lifetimes/Lifetimes-0.11.3-py3-none-any.whl -d /tmp/lifetimes
    .venv/bin/python benchmarks/clv_cdnow.py /tmp/lifetimes/lifetimes/datasets/CDNOW_sample.txt

The CDNOW 1/10 sample: 2,357 customers who made their first purchase in Q1 1997, their
purchases to June 1998 (customer, sample id, date YYYYMMDD, CDs, dollars). As in the paper,
the calibration period ends on 1997-09-30; purchase days are the days with a purchase, x =
purchase days − 1, t_x and T in weeks, m = the mean of the repeat purchase days (the first
excluded). The published values (REFERENCE.md): r 0.243, α 4.414, a 0.793, b 2.426,
LL −9582.4; Gamma-Gamma on the 946 repeat buyers: p 6.25, q 3.74, γ 15.44. Exits 1 when any
parameter is more than 1 % off. Nothing here runs at test time: the tests use data simulated
from the models.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from clientbase.clv import fit_bgnbd, fit_gamma_gamma, rfm_summary  # noqa: E402

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "log_likelihood": -9582.4,
             "p": 6.25, "q": 3.74, "gamma": 15.44}
CALIBRATION_END = pd.Timestamp("1997-09-30")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    t = pd.read_csv(argv[0], sep=r"\s+", header=None, names=["customer_id", "sample_id", "date", "cds", "value"],
                    dtype={"customer_id": str, "date": str})
    daily = (t.assign(date=pd.to_datetime(t["date"], format="%Y%m%d")).groupby(["customer_id", "date"], as_index=False)
             ["value"].sum().rename(columns={"value": "revenue"}).assign(orders=1))
    s = rfm_summary(daily, as_of=CALIBRATION_END)
    x, t_x, T = (s[c].to_numpy(dtype=float) for c in ("frequency", "recency_weeks", "t_weeks"))
    bgnbd = fit_bgnbd(x, t_x, T)
    repeat = x > 0
    gg = fit_gamma_gamma(x[repeat], s["monetary"].to_numpy(dtype=float)[repeat])
    got = {**bgnbd.params, "log_likelihood": bgnbd.log_likelihood, **gg.params}
    print(f"{len(s):,} customers, {int(repeat.sum()):,} repeat buyers; converged: BG/NBD {bgnbd.converged}, "
          f"Gamma-Gamma {gg.converged}")
    worst = 0.0
    for name, published in PUBLISHED.items():
        off = abs(got[name] - published) / abs(published)
        worst = max(worst, off)
        print(f"  {name:<15} {got[name]:>12.4f}   published {published:>10.3f}   {100 * off:5.2f} %")
    print(f"largest difference {100 * worst:.2f} % ({'within' if worst <= 0.01 else 'NOT within'} 1 %)")
    return 0 if worst <= 0.01 and bgnbd.converged and gg.converged and np.isfinite(bgnbd.log_likelihood) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
