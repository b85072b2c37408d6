"""The facts step on DuckDB against local Spark, for docs/SCALE.md (run by hand, not a test).

    .venv/bin/python benchmarks/spark_speed.py [--sizes 1M,10M] [--repeats 3] [--large-repeats 1]
                                               [--master local[2]] [--tasks duckdb,duckdb-before,spark]
                                               [--result results.json]

For each size the benchmark data of `make bench` (`benchmarks/run.py`: canonical Parquet
order lines, seed 42, cached under `.cache/bench/lines-<size>/`) is generated once, then
every run is a fresh process (benchmarks/harness.py: wall time, peak RSS of the largest
process of the tree, the JVM's included), round-robin over the tasks:

  duckdb        `cube.build_facts`: daily.parquet and cube.parquet from the lines (what
                prepare() runs with the default engine)
  duckdb-before the same with `lib/clientbase/cube.py` of commit ae26125 (before the SQL text
                got its dialect table), to show the default engine is not slower
  spark         a SparkSession on `--master` (its start timed apart), then
                `spark.write_parquet_facts` twice: the first run pays the JVM's warm-up, the
                second is the steady cost of the same work on a running session

Sizes from 10M on run `--large-repeats` times (default once).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "lib"))

BEFORE = "ae26125"  # the last commit before the dialect table (issue 18)
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "50M": 50_000_000}
TASKS = ("duckdb", "duckdb-before", "spark")


def task(name: str, orders: Path, as_of: str, master: str) -> dict[str, float]:
    """One measurement in this process; seconds per step."""
    import pandas as pd

    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="clientbase-spark-bench-") as tmp:
        if name in ("duckdb", "duckdb-before"):
            cube = _cube_module_before() if name == "duckdb-before" else __import__("clientbase.cube").cube
            t = time.perf_counter()
            cube.build_facts(orders, tmp, as_of=pd.Timestamp(as_of))
            steps["facts"] = time.perf_counter() - t
            return steps
        from clientbase.profiles import SparkSettings
        from clientbase.spark import spark_session, write_parquet_facts

        t = time.perf_counter()
        spark = spark_session(SparkSettings(master=master, conf={"spark.ui.enabled": "false",
                                                                 "spark.driver.memory": "4g"}))
        spark.sparkContext.setLogLevel("ERROR")
        steps["start"] = time.perf_counter() - t
        for label in ("facts", "facts again"):
            out = Path(tmp) / label.replace(" ", "-")
            out.mkdir()
            t = time.perf_counter()
            write_parquet_facts(spark, orders, out, as_of=pd.Timestamp(as_of))
            steps[label] = time.perf_counter() - t
        spark.stop()
    return steps


def _cube_module_before():
    """`clientbase/cube.py` as it was at BEFORE, loaded as a module of its own."""
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:lib/clientbase/cube.py"], check=True,
                          capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="cube-before-")) / "cube_before.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("cube_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large-repeats", type=int, default=1)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--tasks", default=",".join(TASKS), help="some of: " + ", ".join(TASKS))
    parser.add_argument("--result", type=Path, default=ROOT / ".cache" / "bench" / "spark-results.json")
    parser.add_argument("--task", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--orders", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:  # a child process: one measurement
        args.out.write_text(json.dumps(task(args.task, args.orders, args.as_of, args.master)), encoding="utf-8")
        return 0

    import harness
    from run import BENCH, ensure_data

    results: dict[str, dict] = {}
    for label in args.sizes.split(","):
        lines = SIZES[label]
        folder = BENCH / f"lines-{label}"
        info = ensure_data(lines, folder)
        orders = folder / "data" / "orders.parquet"
        repeats = args.repeats if lines < 10_000_000 else args.large_repeats
        tasks = [t for t in args.tasks.split(",") if t in TASKS]
        runs: dict[str, list] = {t: [] for t in tasks}
        for i in range(repeats):
            for name in tasks:
                out = folder / f"spark-bench-{name}.json"
                m = harness.measure(
                    [sys.executable, __file__, "--task", name, "--orders", str(orders), "--as-of", info["as_of"],
                     "--master", args.master, "--out", str(out)],
                    log=folder / "logs" / f"spark-bench-{name}-{i}.log", result=out, cwd=ROOT, timeout=3600)
                if m.exit_code != 0:
                    raise SystemExit(f"{name} failed; see {folder / 'logs' / f'spark-bench-{name}-{i}.log'}")
                runs[name].append({"steps": m.result, "process": m.seconds, "peak_rss": m.peak_rss})
                print(f"{label} {name} run {i + 1}: {m.result} process {m.seconds:.1f} s, "
                      f"peak {m.peak_rss / 2**20:,.0f} MB", flush=True)
        results[label] = {"lines": info["order_lines"], "repeats": repeats, "runs": runs}
    args.result.parent.mkdir(parents=True, exist_ok=True)
    args.result.write_text(json.dumps(results, indent=1), encoding="utf-8")
    for label, r in results.items():
        print(f"\n{label} ({r['lines']:,} lines, {r['repeats']} runs, medians):")
        for name, runs in r["runs"].items():
            steps = {k: statistics.median(x["steps"][k] for x in runs) for k in runs[0]["steps"]}
            print(f"  {name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items())
                  + f"; process {statistics.median(x['process'] for x in runs):.1f} s, "
                  f"peak {max(x['peak_rss'] for x in runs) / 2**20:,.0f} MB")
    print(f"\nraw results: {args.result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
