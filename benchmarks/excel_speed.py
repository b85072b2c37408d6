"""Time `clientbase.excel.write_manager_workbook` on a synthetic call list (run by hand, not a test).

    .venv/bin/python benchmarks/excel_speed.py [--rows 150000] [--repeats 3] [--out /tmp/excel_speed.xlsx]

150,000 rows × 12 sheet columns (text, dates with and without a time, money, integers,
numbers, percents, a notes column missing from the frame), 40 managers plus unassigned
rows, about 5 % missing values per column. Prints the best and median wall time of the
write, the file size and the peak RSS of the process (before the first write and at the end).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

from clientbase.excel import write_manager_workbook  # noqa: E402

COLUMNS = {
    "customer_id": "Code", "name": "Client", "phone": "Phone", "email": "E-mail", "class": "Class",
    "first": "First order", "last": "Last order", "lost": "Lost revenue", "orders": "Orders",
    "average": "Average check", "share": "Share", "result": "Result of the call",
}
KINDS = {"first": "date", "last": "date", "lost": "money", "orders": "integer", "average": "number",
         "share": "percent"}


def frame(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    managers = np.array([f"Менеджер {i:02d}" for i in range(40)] + [None, ""], dtype=object)
    names = np.array(["ООО Ромашка", "ИП Иванов & сыновья", "=SUM(A1)", "Client <b>", 'АО "Вектор"',
                      "Very long company name limited liability partnership number one"], dtype=object)
    rows = pd.DataFrame({
        "manager": managers[rng.integers(0, len(managers), n)],
        "customer_id": pd.Series([f"C{i:07d}" for i in range(n)], dtype="str"),
        "name": names[rng.integers(0, len(names), n)],
        "phone": pd.Series([f"+7 9{i % 100:02d} {i % 1000:03d}-{i % 97:02d}-{i % 89:02d}" for i in range(n)]),
        "email": pd.Series([f"user{i}@example.com" for i in range(n)]),
        "class": np.array(["A", "B", "C"], dtype=object)[rng.integers(0, 3, n)],
        "first": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D"),
        "last": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 800 * 86400, n), unit="s"),
        "lost": rng.gamma(2.0, 50_000.0, n).round(2),
        "orders": rng.integers(1, 500, n),
        "average": rng.normal(12_000.0, 4_000.0, n),
        "share": rng.random(n),
    })
    for column in ("name", "phone", "email", "first", "last", "lost", "average", "share"):
        rows.loc[rng.random(n) < 0.05, column] = None
    rows["orders"] = rows["orders"].astype("Int64")
    rows.loc[rng.random(n) < 0.05, "orders"] = pd.NA
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("/tmp/excel_speed.xlsx"))
    args = parser.parse_args()
    rows = frame(args.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        write_manager_workbook(rows, args.out, columns=COLUMNS, kinds=KINDS, language="ru", note_columns=("result",))
        times.append(time.perf_counter() - start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"rows={len(rows):,} sheet columns={len(COLUMNS)} managers=40+unassigned repeats={args.repeats}")
    each = ", ".join(f"{t:.2f}" for t in times)
    print(f"write: best {min(times):.2f} s, median {statistics.median(times):.2f} s  ({each})")
    print(f"file: {args.out} {args.out.stat().st_size / 1e6:.1f} MB")
    print(f"peak RSS: {before / 1024:.0f} MB after building the frame, {peak / 1024:.0f} MB at the end")


if __name__ == "__main__":
    main()
