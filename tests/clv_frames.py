"""Purchase days simulated from the BG/NBD and Gamma-Gamma stories, shared by the CLV tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

AS_OF = pd.Timestamp("2026-09-30")


def simulated_daily(n: int = 3000, seed: int = 5) -> pd.DataFrame:
    """Purchase days of BG/NBD customers (r 0.6, α 4, a 0.7, b 2.5) whose first purchase is up to
    100 weeks before AS_OF, each day's value from the Gamma-Gamma story (p 4, q 3, γ 60)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        lam, drop = rng.gamma(0.6, 1 / 4.0), rng.beta(0.7, 2.5)
        first = AS_OF - pd.Timedelta(days=int(rng.uniform(4, 100) * 7))
        nu = rng.gamma(3.0, 1 / 60.0)
        days, now = {0}, 0.0
        while True:
            now += rng.exponential(1 / lam) * 7  # in days
            if first + pd.Timedelta(days=int(now)) > AS_OF:
                break
            days.add(int(now))
            if rng.random() < drop:
                break
        rows += [(f"C{i:05d}", first + pd.Timedelta(days=d), float(rng.gamma(4.0, 1 / nu))) for d in sorted(days)]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    return frame.assign(orders=1, gross_profit=frame["revenue"] * 0.3, quantity=1.0)
