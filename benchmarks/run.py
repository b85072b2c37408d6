"""`make bench`: benchmarks of clientbase against the floor, written to docs/PERFORMANCE.md.

    .venv/bin/python benchmarks/run.py [--sizes 1M,10M,50M] [--repeats 3] [--large-repeats 1]
                                       [--out docs/PERFORMANCE.md]
    .venv/bin/python benchmarks/run.py --from-results .cache/bench/results-<time>.json
        (write the report again from the raw results of an earlier run, measuring nothing)

For each size (order lines) it generates the synthetic data set once as canonical Parquet
into `.cache/bench/lines-<size>/` (reused while the generator's arguments are the same),
writes a profile for it, and measures, each run in a fresh process (benchmarks/harness.py
says how time and memory are taken), round-robin over the tasks so that a change of load on
the machine hits every task alike:

  floor, cube, analyses, naive, ours (benchmarks/measure.py says what each does), and the
  whole profile through `clientbase run --no-pdf`, cold (empty cache: validation + cube +
  every report notebook) and warm (the prepared cache reused).

At the smallest size it also checks how memory grows with order lines at a fixed
customer × month cube (the same data with every order repeated 10 times).
Figures are medians over `--repeats` runs (single runs at 50M lines and more, `--large-repeats`);
the targets are those of issue 7. The naive pandas way is left out at a size where it would
need more than 60 % of the machine's memory (50M lines on 24 GiB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from harness import fmt_mb, fmt_seconds, median, spread, verdict  # noqa: E402
from measure import COVERED, notebook_calls  # noqa: E402

PYTHON = sys.executable
CLIENTBASE = str(Path(sys.executable).with_name("clientbase"))
BENCH = ROOT / ".cache" / "bench"
# order lines → (customers, years) of the generator: ~31 lines per customer over 3 years,
# ~48 over 5; 50M lines need more than a million customers' 3 years, so 5 years
PLANS = {1_000_000: (33_000, 3), 10_000_000: (330_000, 3), 50_000_000: (1_050_000, 5)}
TASKS = ("floor", "cube", "analyses", "naive", "ours", "run_cold", "run_warm")
TARGETS = {"cube": 3.0, "analyses": 4.0, "run_seconds": 30.0, "run_rss": 2 * 1024**3, "scaling": 12.0}
REFERENCE_SIZE = 10_000_000  # the size the targets are stated for
LARGE_SIZE = 50_000_000  # from here on every measurement runs --large-repeats times (default once)
# the naive pandas way holds every line in memory: 3.9 GB at 10.2M lines measured here
NAIVE_BYTES_PER_LINE = 400


def say(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def plan(lines: int) -> tuple[int, int]:
    return PLANS.get(lines, (max(200, round(lines / 31)), 3))


# --- data -----------------------------------------------------------------------------------
def ensure_data(lines: int, folder: Path) -> dict[str, Any]:
    """Generate the data of one size unless the same arguments already made it."""
    customers, years = plan(lines)
    data, truth = folder / "data", folder / "data_truth"
    manifest = truth / "manifest.json"
    wanted = {"customers": customers, "years": years, "seed": 42, "file_format": "parquet"}
    info_file = folder / "generated.json"
    if manifest.is_file() and (data / "orders.parquet").is_file() and info_file.is_file():
        args = json.loads(manifest.read_text(encoding="utf-8"))["arguments"]
        if all(args.get(k) == v for k, v in wanted.items()):
            say(f"data: reusing {data}")
            return json.loads(info_file.read_text(encoding="utf-8"))
    say(f"data: generating {customers:,} customers × {years} years into {data} (once; cached)")
    m = harness.measure(
        [PYTHON, str(HERE / "measure.py"), "generate", "--out", str(data), "--customers", str(customers),
         "--years", str(years), "--result", str(folder / "generate.result.json")],
        log=folder / "logs" / "generate.log", result=folder / "generate.result.json", cwd=ROOT, timeout=4 * 3600,
    )
    if m.exit_code != 0:
        raise SystemExit(f"data generation failed; see {folder / 'logs' / 'generate.log'}")
    info = {**m.result["info"], "years": years, "seconds": m.seconds, "peak_rss": m.peak_rss,
            "as_of": json.loads(manifest.read_text(encoding="utf-8"))["as_of"]}
    info_file.write_text(json.dumps(info, indent=1), encoding="utf-8")
    say(f"data: {info['order_lines']:,} order lines in {m.seconds:.0f} s, peak {fmt_mb(m.peak_rss)}")
    return info


def write_profile(folder: Path, name: str, data: str = "data") -> Path:
    """A profile over the Parquet data with the reports of the demo profile."""
    demo = yaml.safe_load((ROOT / "params" / "demo.yaml").read_text(encoding="utf-8"))
    profile = {
        "data": {"path": data, "format": "canonical"},
        "period": "latest", "language": demo.get("language", "en"), "currency": demo.get("currency", "RUB"),
        "reports": demo.get("reports"), "timeout_minutes": 60,
    }
    profile = {k: v for k, v in profile.items() if v is not None}
    path = folder / f"{name}.yaml"
    text = "# written by benchmarks/run.py: the demo profile's reports over the benchmark data\n"
    path.write_text(text + yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def repeated_lines(source: Path, target: Path, times: int) -> None:
    """The same order lines `times` times over, each copy with its own order ids: the
    customer × day facts and the cube stay exactly the same, the lines and documents grow.
    (In a subprocess: this launcher stays small, see harness.measure.)"""
    if target.is_file():
        return
    m = harness.measure([PYTHON, str(HERE / "measure.py"), "repeat", "--orders", str(source), "--out", str(target),
                         "--times", str(times), "--result", str(target.parent / "repeat.result.json")],
                        log=target.parent / "repeat.log", cwd=ROOT)
    if m.exit_code != 0:
        raise SystemExit(f"repeating the lines failed; see {target.parent / 'repeat.log'}")


def library_versions() -> dict[str, str]:
    """Versions as the measured processes see them (read in a subprocess: see repeated_lines)."""
    result = BENCH / "versions.result.json"
    BENCH.mkdir(parents=True, exist_ok=True)
    m = harness.measure([PYTHON, str(HERE / "measure.py"), "versions", "--result", str(result)],
                        log=BENCH / "logs" / "versions.log", result=result, cwd=ROOT)
    return m.result.get("info", {})


# --- measuring ------------------------------------------------------------------------------
def task_command(task: str, ctx: dict[str, Any], result: Path) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    measure = [PYTHON, str(HERE / "measure.py")]
    common = ["--result", str(result), "--work", str(ctx["work"])]
    if task in ("floor", "cube", "naive"):
        return [*measure, task, "--orders", str(ctx["orders"]), "--as-of", ctx["as_of"], *common], env
    if task == "ours":
        return [*measure, task, "--orders", str(ctx["orders"]), "--as-of", ctx["as_of"], *common], env
    if task == "analyses":
        env["CLIENTBASE_CACHE"] = str(ctx["cache"])
        return [*measure, task, "--profile", str(ctx["profile"]), "--cache", str(ctx["prepared"]), *common], env
    if task == "prepare":
        env["CLIENTBASE_CACHE"] = str(ctx["fresh_cache"])
        return [*measure, task, "--profile", str(ctx["profile"]), *common], env
    if task in ("run_cold", "run_warm"):
        env["CLIENTBASE_CACHE"] = str(ctx["cache"] if task == "run_warm" else ctx["fresh_cache"])
        return [CLIENTBASE, "run", str(ctx["profile"]), "--no-pdf", "--out", str(ctx["reports"])], env
    raise ValueError(task)


def run_task(task: str, ctx: dict[str, Any], i: int) -> dict[str, Any]:
    folder: Path = ctx["folder"]
    result = folder / f"{task}.result.json"
    for key in ("fresh_cache", "reports"):
        shutil.rmtree(ctx[key], ignore_errors=True)
    cmd, env = task_command(task, ctx, result)
    m = harness.measure(cmd, log=folder / "logs" / f"{task}-{i}.log", result=result, env=env, cwd=ROOT,
                        timeout=ctx["timeout"])
    row = asdict(m)
    if task.startswith("run_"):
        row["result"] = run_manifest(ctx["reports"])
    for key in ("fresh_cache", "reports"):
        shutil.rmtree(ctx[key], ignore_errors=True)
    ok = m.exit_code == 0 and not m.timed_out
    seconds = row["result"].get("seconds") if not task.startswith("run_") else m.seconds
    row["ok"] = ok
    row["value"] = seconds if ok else None
    state = "ok" if ok else ("TIMEOUT" if m.timed_out else f"FAILED (exit {m.exit_code}; {folder / 'logs'})")
    errors = row["result"].get("errors") if isinstance(row["result"], dict) else None
    say(f"  {ctx['label']:>4} {task:<9} run {i + 1}: {fmt_seconds(seconds)} measured, "
        f"{m.seconds:.1f} s wall, peak {fmt_mb(m.peak_rss)} {state}" + (f" errors: {errors}" if errors else ""))
    return row


def run_manifest(reports: Path) -> dict[str, Any]:
    found = sorted(reports.glob("*/*/run.json"))
    if not found:
        return {}
    manifest = json.loads(found[0].read_text(encoding="utf-8"))
    return {"timings": manifest.get("timings", {}), "status": manifest.get("status")}


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    values = [r["value"] for r in rows if r["ok"]]
    peaks = [r["peak_rss"] for r in rows if r["ok"]]
    return {
        "runs": len(rows), "ok": len(values), "median": median(values), "range": spread(values),
        "peak_rss": median(peaks), "peak_rss_max": max(peaks) if peaks else None,
        "peak_tree_rss": median([r["peak_tree_rss"] for r in rows if r["ok"]]),
        "wall": median([r["seconds"] for r in rows if r["ok"]]),
        "rss_start": median([r["result"].get("rss_start") for r in rows if r["ok"] and r["result"].get("rss_start")]),
        "parts": _median_parts([r["result"].get("parts", {}) for r in rows if r["ok"]]),
        "reports": _median_parts([r["result"].get("info", {}).get("reports", {}) for r in rows if r["ok"]]),
        "timings": _median_parts([r["result"].get("timings", {}) for r in rows if r["ok"]]),
        "info": next((r["result"].get("info") for r in rows if r["ok"] and r["result"].get("info")), {}),
        "peak_process": next((r["peak_process"] for r in rows if r["ok"]), ""),
    }


def _median_parts(dicts: list[dict[str, float]]) -> dict[str, float]:
    keys = list(dict.fromkeys(k for d in dicts for k in d))
    return {k: median([d.get(k) for d in dicts if isinstance(d.get(k), (int, float))]) for k in keys}


def bench_size(lines: int, args: argparse.Namespace) -> dict[str, Any]:
    label = harness.size_label(lines)
    folder = BENCH / f"lines-{label}"
    folder.mkdir(parents=True, exist_ok=True)
    data = ensure_data(lines, folder)
    ctx: dict[str, Any] = {
        "label": label, "folder": folder, "orders": folder / "data" / "orders.parquet", "as_of": data["as_of"],
        "profile": write_profile(folder, f"bench-{label}"), "cache": folder / "cache",
        "fresh_cache": folder / "cold-cache", "reports": folder / "reports", "work": folder / "work",
        "timeout": args.timeout,
    }
    tasks = [t for t in TASKS if t not in args.skip]
    notes: list[str] = []
    naive_needs = lines * NAIVE_BYTES_PER_LINE
    if "naive" in tasks and naive_needs > 0.6 * psutil.virtual_memory().total:
        tasks.remove("naive")
        notes.append(f"{label}: the naive pandas way was not run: at {NAIVE_BYTES_PER_LINE} bytes per line (measured "
                     f"at 10M) it needs about {naive_needs / 2**30:.0f} GiB, more than 60 % of this machine's "
                     f"{psutil.virtual_memory().total / 2**30:.0f} GiB.")
    repeats = args.large_repeats if lines >= LARGE_SIZE else args.repeats
    if repeats != args.repeats:
        notes.append(f"{label}: every measurement ran {repeats} time{'s' if repeats > 1 else ''} "
                     f"(`--large-repeats`), not {args.repeats}: single runs, not medians.")
    if {"analyses", "run_warm"} & set(tasks):
        # the prepared cache the analyses and the warm runs read (built once, reused)
        say(f"[{label}] preparing the cache for the analyses and the warm runs")
        prep = harness.measure(
            task_command("prepare", {**ctx, "fresh_cache": ctx["cache"]}, folder / "prepare.result.json")[0],
            log=folder / "logs" / "prepare.log", result=folder / "prepare.result.json",
            env={**os.environ, "CLIENTBASE_CACHE": str(ctx["cache"])}, cwd=ROOT, timeout=args.timeout)
        if prep.exit_code != 0:
            raise SystemExit(f"prepare failed; see {folder / 'logs' / 'prepare.log'}")
        ctx["prepared"] = Path(prep.result["info"]["cache_dir"])
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in tasks}
    for i in range(repeats):
        for task in tasks:
            if task.startswith("run_") and i >= args.run_repeats:
                continue
            rows[task].append(run_task(task, ctx, i))
    out = {"lines": data["order_lines"], "label": label, "data": data, "notes": notes,
           "tasks": {t: summarise(r) for t, r in rows.items()}, "raw": rows}
    return out


def lines_check(lines: int, args: argparse.Namespace, times: int = 10) -> dict[str, Any]:
    """Memory at a fixed cube: the smallest size's data, and the same with every order `times`×."""
    label = harness.size_label(lines)
    base = BENCH / f"lines-{label}"
    folder = BENCH / f"lines-{label}-x{times}"
    (folder / "data").mkdir(parents=True, exist_ok=True)
    for table in (base / "data").glob("*.parquet"):
        if table.name != "orders.parquet" and not (folder / "data" / table.name).exists():
            shutil.copy2(table, folder / "data" / table.name)
    say(f"[lines check] {label} lines repeated {times}× (same customers, days, months)")
    repeated_lines(base / "data" / "orders.parquet", folder / "data" / "orders.parquet", times)
    info = json.loads((base / "generated.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {"times": times}
    for name, where in (("base", base), ("repeated", folder)):
        ctx = {"label": name[:4], "folder": where, "orders": where / "data" / "orders.parquet",
               "as_of": info["as_of"], "profile": write_profile(where, f"bench-{where.name}"),
               "cache": where / "cache", "fresh_cache": where / "cold-cache", "reports": where / "reports",
               "work": where / "work", "timeout": args.timeout}
        out[name] = {task: summarise([run_task(task, ctx, 0)]) for task in ("cube", "prepare")}
    return out


# --- the report -------------------------------------------------------------------------------
def notebook_coverage() -> dict[str, list[str]]:
    """Calls into the analysis modules that the notebooks make and the benchmark does not."""
    missing: dict[str, list[str]] = {}
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        calls = notebook_calls(code)
        covered = COVERED.get(nb.stem, set())
        gap = sorted(calls - covered)
        if gap or nb.stem not in COVERED:
            missing[nb.stem] = gap or ["(report not benchmarked)"]
    return missing


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def write_report(results: dict[str, Any], path: Path) -> None:
    sizes = results["sizes"]
    ref = next((s for s in sizes if abs(s["lines"] - REFERENCE_SIZE) / REFERENCE_SIZE < 0.2), sizes[-1])
    small = next((s for s in sizes if s["lines"] * 8 < ref["lines"] < s["lines"] * 12), None)
    t = ref["tasks"]
    floor = t.get("floor", {}).get("median")
    lines: list[str] = []
    w = lines.append
    w("# Performance")
    w("")
    w(f"Written by `make bench` (`benchmarks/run.py`) on {results['finished']} UTC; "
      f"{results['repeats']} run{'s' if results['repeats'] > 1 else ''} of every measurement, "
      "medians reported (min–max in brackets). "
      f"Total benchmark time {results['minutes']:.0f} min. Do not edit by hand: re-run `make bench`.")
    w("")
    w(f"Load average (1/5/15 min) at start {results['load_start']}, at end {results['load_end']}. "
      "The machine has 2 cores; when other work ran at the same time the figures are pessimistic.")
    w("")
    w("## Machine and versions")
    w("")
    w("| | |")
    w("|---|---|")
    for k, v in {**results["machine"], **results["versions"]}.items():
        w(f"| {k} | {v} |")
    w("")
    w("## Targets (issue 7)")
    w("")
    w(f"At {ref['label']} order lines ({ref['lines']:,}); the floor is {fmt_seconds(floor)}.")
    w("")
    w("| target | measured | limit | verdict |")
    w("|---|---|---|---|")
    cube = t.get("cube", {}).get("median")
    analyses = t.get("analyses", {}).get("median")
    run = t.get("run_cold", {})
    w(f"| cube handed to pandas ≤ 3× floor | {fmt_seconds(cube)} = {_x(_ratio(cube, floor))} | 3× | "
      f"{verdict(_ratio(cube, floor), TARGETS['cube'])} |")
    w(f"| all analyses of all reports ≤ 4× floor | {fmt_seconds(analyses)} = {_x(_ratio(analyses, floor))} | 4× | "
      f"{verdict(_ratio(analyses, floor), TARGETS['analyses'])} |")
    w(f"| `clientbase run --no-pdf`, cold cache, < 30 s | {fmt_seconds(run.get('median'))} | 30 s | "
      f"{verdict(run.get('median'), TARGETS['run_seconds'], below=True)} |")
    w(f"| … peak RSS of any process < 2 GB | {fmt_mb(run.get('peak_rss_max'))} | 2,048 MB | "
      f"{verdict(run.get('peak_rss_max'), TARGETS['run_rss'], below=True)} |")
    warm = t.get("run_warm", {})
    w(f"| (same, warm cache: data already prepared) | {fmt_seconds(warm.get('median'))}, "
      f"{fmt_mb(warm.get('peak_rss_max'))} | 30 s, 2,048 MB | "
      f"{verdict(warm.get('median'), TARGETS['run_seconds'], below=True)}, "
      f"{verdict(warm.get('peak_rss_max'), TARGETS['run_rss'], below=True)} |")
    if small is not None:
        scale = _ratio(cube, small["tasks"].get("cube", {}).get("median"))
        line_ratio = ref["lines"] / small["lines"]
        w(f"| {line_ratio:.1f}× lines ({small['label']} → {ref['label']}) ≤ 12× cube time | {_x(scale)} | 12× | "
          f"{verdict(scale, TARGETS['scaling'])} |")
    naive, ours = t.get("naive", {}), t.get("ours", {})
    speed = _ratio(naive.get("median"), ours.get("median"))
    w(f"| faster than naive pandas end to end | naive {fmt_seconds(naive.get('median'))} / ours "
      f"{fmt_seconds(ours.get('median'))} = {_x(speed)} speed-up | > 1× | "
      f"{'met' if speed and speed > 1 else verdict(None if speed is None else 1 / speed, 1.0)} |")
    w("")
    why_missed(w, ref, floor)
    w("## All measurements")
    w("")
    w("Time is the measured part only (set-up and imports excluded) except for `clientbase run`, "
      "which is the wall time of the command. Peak RSS is of the largest single process.")
    w("")
    header = "| measurement | " + " | ".join(f"{s['label']}: time | {s['label']}: × floor | {s['label']}: peak RSS"
                                               for s in sizes) + " |"
    w(header)
    w("|---|" + "---|---|---|" * len(sizes))
    names = {
        "floor": "floor: DuckDB group-by to customer × month, to Arrow",
        "cube": "cube: `build_facts` + `read_facts` (cube and daily) to pandas",
        "analyses": "all analyses of all reports, in-process",
        "ours": "ours end to end: cube + `abc_xyz_classes` + `order_rhythm`",
        "naive": "naive pandas: `read_parquet` + groupby / pivot_table",
        "run_cold": "`clientbase run --no-pdf`, cold cache",
        "run_warm": "`clientbase run --no-pdf`, warm cache",
    }
    for task, title in names.items():
        cells = []
        for s in sizes:
            m = s["tasks"].get(task)
            if not m or m["median"] is None:
                cells.append("not measured | — | —")
                continue
            lo, hi = m["range"]
            runs = "" if m["ok"] == results["repeats"] else f", {m['ok']} run{'s' if m['ok'] != 1 else ''}"
            ratio = _ratio(m["median"], s["tasks"].get("floor", {}).get("median"))
            cells.append(f"{fmt_seconds(m['median'])} ({lo:.2f}–{hi:.2f}{runs}) | {_x(ratio)} | "
                         f"{fmt_mb(m['peak_rss'])}")
        w(f"| {title} | " + " | ".join(cells) + " |")
    w("")
    w("### Data")
    w("")
    w("| size | customers | years | order lines | documents | customer-months (floor rows) | "
      "customer-days (daily rows) | generation | generator peak RSS |")
    w("|---|---|---|---|---|---|---|---|---|")
    for s in sizes:
        d = s["data"]
        cm = s["tasks"].get("floor", {}).get("info", {}).get("customer_months")
        daily = s["tasks"].get("cube", {}).get("info", {}).get("daily")
        w(f"| {s['label']} | {d['customers']:,} | {d['years']} | {d['order_lines']:,} | {d['documents']:,} | "
          f"{cm if cm is None else f'{cm:,}'} | {daily if daily is None else f'{daily:,}'} | "
          f"{d['seconds']:.0f} s | {fmt_mb(d['peak_rss'])} |")
    w("")
    w(f"### Where the time goes at {ref['label']}")
    w("")
    for task in ("cube", "analyses", "ours", "naive"):
        m = t.get(task)
        if not m or not m["parts"]:
            continue
        w(f"**{names[task]}** — median {fmt_seconds(m['median'])}, peak RSS {fmt_mb(m['peak_rss'])} "
          f"(of which {fmt_mb(m['rss_start'])} is the interpreter with its imports):")
        w("")
        for part, sec in m["parts"].items():
            w(f"- {part}: {fmt_seconds(sec)}")
        if task == "analyses":
            w(f"- (not in the total: loading the frames from the prepared cache, "
              f"{fmt_seconds(m['info'].get('load_seconds'))})")
            w("")
            w("By report: " + ", ".join(f"{r} {fmt_seconds(v)}" for r, v in m["reports"].items()) + ".")
        w("")
    for task in ("run_cold", "run_warm"):
        m = t.get(task)
        if m and m["timings"]:
            w(f"**{names[task]}** — run.json timings (medians): "
              + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in m["timings"].items())
              + f". Largest process: `{m['peak_process']}`.")
            w("")
    check = results.get("lines_check")
    if check:
        w("## Memory against order lines at a fixed cube")
        w("")
        w(f"The {check['label']} data, and the same data with every order repeated {check['times']} times under "
          "new order ids: the same customers, days and months, so the same customer × month cube and "
          f"customer × day facts, with {check['times']}× the lines and documents. One run each.")
        w("")
        w("| step | time, base | time, lines ×10 | peak RSS, base | peak RSS, lines ×10 |")
        w("|---|---|---|---|---|")
        for task, title in (("cube", "cube (`build_facts` + `read_facts`)"),
                            ("prepare", "`prepare()`: validation + canonical tables + cube")):
            b, r = check["base"][task], check["repeated"][task]
            w(f"| {title} | {fmt_seconds(b['median'])} | {fmt_seconds(r['median'])} | {fmt_mb(b['peak_rss'])} | "
              f"{fmt_mb(r['peak_rss'])} |")
        w("")
    for name, (_, section, _) in COMPONENTS.items():
        if results.get(name):
            lines.extend(section(results[name]))
    w("## Method")
    w("")
    w("- Data: `clientbase.demo.generate_demo(..., file_format=\"parquet\")`, seed 42, cached under "
      "`.cache/bench/` and regenerated only when missing. Each size has a profile there with the "
      "reports of `params/demo.yaml`, format `canonical`, period `latest` "
      f"(as of {ref['data']['as_of']}).")
    w("- Every run of every measurement is a fresh process (`benchmarks/measure.py`, or the `clientbase` "
      "command), started from `benchmarks/run.py`; the tasks are run round-robin. The OS file cache "
      "is warm (the data was read before).")
    w("- Peak memory (\"peak RSS\") is of the largest single process of the measured process tree: the "
      "kernel's high-water mark of each process (VmHWM), read by walking the whole tree with psutil every "
      f"{harness.POLL_SECONDS * 1000:.0f} ms, and `ru_maxrss` from `wait4` (every descendant that was "
      "waited for — papermill workers and their kernels — however late its peak); the larger of the two. "
      "\"Interpreter with its imports\" is the RSS of the measuring process before its work starts.")
    w("- The floor: `SELECT customer_id, date_trunc('month', date), sum(amount) FROM read_parquet(...) "
      "GROUP BY ALL` in a new DuckDB connection, fetched to Arrow.")
    w("- Cube: `clientbase.cube.build_facts` (the customer × day facts and the customer × month cube, "
      "written by DuckDB to Parquet) and `read_facts` of both into pandas, i.e. what `prepare()` and a "
      "notebook do with the order lines. It is more work than the floor: cancelled orders and as_of "
      "filtered, order documents summed to tell activity orders from returns, cost, quantity, first/last "
      "order dates, and the customer × day facts the reactivation and campaign analyses need.")
    w("- All analyses: the analysis calls of every report notebook with the notebook's default "
      "parameters, on the frames `clientbase.setup(profile, cache=...)` gives a notebook; no kernel, no "
      "plots, no HTML, no file writing; loading the frames is reported apart. The reactivation report's "
      "`top_products` is a DuckDB query over the order lines and is counted.")
    w("- Naive pandas: `pd.read_parquet` of the whole file, cancelled and later lines dropped, ABC by "
      "`groupby().sum()` over the 12-month window, XYZ by `pivot_table` customer × month (zeros filled, "
      "cv = std/mean), last activity-order date by `groupby` over order documents. Ours end to end: the "
      "cube from the same file, then `abc_xyz_classes` (ABC, XYZ, stage) and `order_rhythm` (last order "
      "date, gaps), in one process, so both answer the same questions from the same file.")
    w("- `clientbase run`: the whole profile with `--no-pdf` into a scratch folder; cold = an empty "
      "CLIENTBASE_CACHE (the run validates every input, writes the canonical tables and builds the cube); "
      "warm = the prepared cache reused (what a re-run of the same data costs).")
    coverage = results.get("coverage")
    w("")
    w("## Coverage and what is not measured")
    w("")
    if coverage:
        w("Notebook calls into the analysis modules that the in-process measurement does not make (add "
          "them to `COVERED` and `task_analyses` in benchmarks/measure.py):")
        w("")
        for nb, calls in coverage.items():
            w(f"- {nb}: {', '.join(calls)}")
    else:
        w("Every call into the analysis modules made by the report notebooks is measured.")
    w("")
    for note in results.get("notes", []):
        w(f"- {note}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


ALLOCATION_HEADING = "## Receivables allocation (issue 13)"
DEAL_FUNNEL_HEADING = "## Deal funnel (issue 14)"


def component_bench(name: str, script: str, argv: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """One analysis's own benchmark script in a fresh process; its JSON result with the process's
    wall time, peak RSS and the time it finished."""
    folder = BENCH / name
    result = folder / f"{name}.result.json"
    m = harness.measure([PYTHON, str(HERE / script), *argv, "--repeats", str(args.repeats), "--result", str(result)],
                        log=folder / f"{name}.log", result=result, cwd=ROOT, timeout=args.timeout)
    if m.exit_code != 0 or m.timed_out or not m.result:
        raise SystemExit(f"the {name} benchmark failed; see {folder / f'{name}.log'}")
    return {**m.result, "peak_rss": m.peak_rss, "wall": m.seconds,
            "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M")}


def allocation_bench(args: argparse.Namespace, invoices: int = 1_000_000, payments: int = 1_000_000) -> dict[str, Any]:
    """`benchmarks/receivables_speed.py` in a fresh process: allocation and aging of synthetic documents."""
    say(f"[allocation] {invoices:,} invoices and {payments:,} payments, {args.repeats} runs")
    out = component_bench("allocation", "receivables_speed.py",
                          ["--invoices", str(invoices), "--payments", str(payments)], args)
    say(f"  allocate: median {fmt_seconds(median(out['allocate']))}, open items + aging: "
        f"median {fmt_seconds(median(out['aging']))}, peak {fmt_mb(out['peak_rss'])}")
    return out


def deal_funnel_bench(args: argparse.Namespace, deals: int = 1_000_000) -> dict[str, Any]:
    """`benchmarks/deal_funnel_speed.py` in a fresh process: the whole report on synthetic deals."""
    say(f"[deal funnel] {deals:,} deals with 5 stage entries each on average, {args.repeats} runs")
    out = component_bench("deal_funnel", "deal_funnel_speed.py", ["--deals", str(deals)], args)
    say(f"  deal_funnel_report: median {fmt_seconds(median(out['report']))}, peak {fmt_mb(out['peak_rss'])}")
    return out


def _timed(values: list[float]) -> str:
    lo, hi = spread(values)
    return f"{fmt_seconds(median(values))} ({lo:.2f}–{hi:.2f})"


def _measured(a: dict[str, Any], script: str, only: str) -> str:
    runs = len(next(v for v in a.values() if isinstance(v, list)))
    return (f"Measured {a['finished']} UTC by `benchmarks/{script}` (run by `make bench`; "
            f"`benchmarks/run.py --only {only}` re-measures only this section), in a fresh process, "
            f"{runs} run{'s' if runs > 1 else ''}, medians (min–max in brackets).")


def allocation_section(a: dict[str, Any]) -> list[str]:
    """The lines of the receivables section of docs/PERFORMANCE.md (its heading first)."""
    runs = len(a["allocate"])
    return [
        ALLOCATION_HEADING, "", _measured(a, "receivables_speed.py", "allocation"), "",
        "| step | time | |", "|---|---|---|",
        f"| `allocate`: {a['invoices']:,} invoices, {a['payments']:,} payments, {a['customers']:,} customers "
        f"| {_timed(a['allocate'])} | {a['debts']:,} debts, "
        f"{a['open']:,} open |",
        f"| `open_items` + `aging` of that allocation | {_timed(a['aging'])} | |",
        f"| the whole process (documents synthesised, {runs} runs) | {fmt_seconds(a['wall'])} | "
        f"peak RSS {fmt_mb(a['peak_rss'])} |", "",
        "Synthetic documents (seed 7): invoices over two years, 3 % credit notes, half with a due date of "
        "their own, a fifth of the cards with payment terms; 60 % of the payments name their invoice (some "
        "naming later or unknown ones), 2 % are refunds. The allocation is vectorised (sorts and group "
        "cumulative sums in integer kopecks), no Python loop per customer.", "",
    ]


def deal_funnel_section(a: dict[str, Any]) -> list[str]:
    """The lines of the deal funnel section of docs/PERFORMANCE.md (its heading first)."""
    runs = len(a["report"])
    return [
        DEAL_FUNNEL_HEADING, "", _measured(a, "deal_funnel_speed.py", "deal_funnel"), "",
        "| step | time | |", "|---|---|---|",
        f"| `deal_funnel_report`: {a['deals']:,} deals, {a['entries']:,} stage entries | {_timed(a['report'])} | "
        "two snapshots, cohort tables, probabilities, forecast, backtest |",
        f"| the whole process (deals synthesised, {runs} runs) | {fmt_seconds(a['wall'])} | "
        f"peak RSS {fmt_mb(a['peak_rss'])} |", "",
        "Synthetic deals (seed 7): created over four years, six stages, 40 managers, 5 sources, 1–9 stage "
        "entries each (some skipping a stage or stepping back), a third won and half lost. Deal ids and "
        "stage names become integers once; both snapshots work on integer arrays.", "",
    ]


CLV_HEADING = "## Repeat-purchase forecast (issue 20)"


def clv_bench(args: argparse.Namespace, customers: int = 500_000, score: int = 1_000_000) -> dict[str, Any]:
    """`benchmarks/clv_speed.py` in a fresh process: the summary and both fits, then scoring."""
    say(f"[clv] {customers:,} customers fitted, {score:,} scored, {args.repeats} runs")
    out = component_bench("clv", "clv_speed.py", ["--customers", str(customers), "--score", str(score)], args)
    fit = [a + b + c for a, b, c in zip(out["summary"], out["bgnbd"], out["gamma_gamma"], strict=True)]
    say(f"  summary + fits: median {fmt_seconds(median(fit))}, scoring: median {fmt_seconds(median(out['scores']))}")
    return out


# measured by hand on this machine (2 cores), 2026-12-04, pymc-marketing 0.x from PyPI in its own venv:
# the figures of the decision to fit the models with scipy (issue 20)
PYMC_MARKETING = (
    "pymc-marketing, measured by hand on this machine on 2026-12-04 (`pip install pymc-marketing` into a venv of "
    "its own): the install is 790 MB (59 packages: pymc, pytensor, arviz …) against 924 MB for the whole "
    "workbook's venv; `import pymc_marketing.clv` takes 3.7–3.9 s (`import clientbase.clv` 0.9–1.1 s), and every "
    "papermill kernel of a run would pay it; `BetaGeoModel(data).fit(method=\"map\")` on 500,000 simulated "
    "customers took 20.7 s (with its compilation) for what the scipy fit does in the time above. So the two "
    "likelihoods are implemented with scipy (`clientbase.clv.models`), checked against the published CDNOW "
    "values by `benchmarks/clv_cdnow.py` (all within 0.2 %).")


def clv_section(a: dict[str, Any]) -> list[str]:
    """The lines of the repeat-purchase forecast section of docs/PERFORMANCE.md (its heading first)."""
    runs = len(a["bgnbd"])
    fit = [x + y + z for x, y, z in zip(a["summary"], a["bgnbd"], a["gamma_gamma"], strict=True)]
    return [
        CLV_HEADING, "", _measured(a, "clv_speed.py", "clv"), "",
        "| step | time | target |", "|---|---|---|",
        f"| per-customer summary from {a['daily_rows']:,} customer × day rows (DuckDB) | {_timed(a['summary'])} | |",
        f"| BG/NBD fit, {a['customers']:,} customers | {_timed(a['bgnbd'])} | |",
        f"| Gamma-Gamma fit, {a['repeat_buyers']:,} repeat buyers | {_timed(a['gamma_gamma'])} | |",
        f"| summary and both fits | {_timed(fit)} | ≤ 10 s beyond the cube |",
        f"| P(alive), next quarter's purchases, 12-month CLV of {a['score_customers']:,} customers | "
        f"{_timed(a['scores'])} | < 1 s |",
        f"| the whole process (facts synthesised, {runs} runs) | {fmt_seconds(a['wall'])} | "
        f"peak RSS {fmt_mb(a['peak_rss'])} |", "",
        "Synthetic facts (seed 7): customers of the BG/NBD story (r 0.8, α 6, a 0.9, b 3) over up to 80 weeks, "
        "purchase values of the Gamma-Gamma story; the scored customers repeat the fitted ones.", "",
        PYMC_MARKETING, "",
    ]


DEMO_HEADING = "## The demo profile at its own size (issue 17: small data is the common case)"
DEMO_TARGET = 10.0  # `make report`'s run of the demo profile, HTML and PDF, warm


def demo_bench(args: argparse.Namespace) -> dict[str, Any]:
    """`benchmarks/demo_run.py` in a fresh process: `clientbase run params/demo.yaml`, cold and warm."""
    say(f"[demo] the demo profile, with and without PDF, cold and warm, {args.repeats} runs")
    out = component_bench("demo", "demo_run.py", [], args)
    say(f"  warm with PDF: median {fmt_seconds(median(out['warm_pdf']['seconds']))}")
    return out


def demo_section(a: dict[str, Any]) -> list[str]:
    """The lines of the demo-size section of docs/PERFORMANCE.md (its heading first)."""
    runs = len(a["warm_pdf"]["seconds"])
    warm = median(a["warm_pdf"]["seconds"])
    lines = [
        DEMO_HEADING, "",
        f"Measured {a['finished']} UTC by `benchmarks/demo_run.py` (run by `make bench`; `benchmarks/run.py --only "
        f"demo` re-measures only this section): `clientbase run params/demo.yaml`, each run a fresh process with "
        f"its own cache, {runs} run{'s' if runs > 1 else ''}, medians (min–max in brackets). Ten reports on two "
        "worker slots (2 cores); each slot keeps one kernel for its notebooks.", "",
        "| run | time | peak RSS | target |", "|---|---|---|---|",
    ]
    names = {"warm_pdf": "warm, HTML and PDF (`make report` again)", "cold_pdf": "cold, HTML and PDF",
             "warm": "warm, no PDF", "cold": "cold, no PDF"}
    for key, name in names.items():
        target = f"≤ {DEMO_TARGET:.0f} s: {verdict(warm, DEMO_TARGET)}" if key == "warm_pdf" else ""
        lines.append(f"| {name} | {_timed(a[key]['seconds'])} | {fmt_mb(a[key]['peak_rss'])} | {target} |")
    w = a["warm_pdf"]
    lines += ["", f"Where the warm run with PDF goes: preparing (the cache found and opened) "
              f"{fmt_seconds(w['prepare'])}, the shared results (ABC-XYZ classes, the CLV fit) "
              f"{fmt_seconds(w['shared'])}, then the notebooks (two at a time):", "",
              "| report | in its slot | cells | set-up cell (imports, data, analyses) | layout cells | kernel start, "
              "render, PDF |", "|---|---|---|---|---|---|"]
    for name, n in sorted(w["notebooks"].items(), key=lambda kv: -kv[1]["seconds"]):
        lines.append(f"| {name} | {fmt_seconds(n['seconds'])} | {fmt_seconds(n['cells'])} | {fmt_seconds(n['setup'])} "
                     f"| {fmt_seconds(n['layout'])} | {fmt_seconds(n['seconds'] - n['cells'])} |")
    total = sum(n["seconds"] for n in w["notebooks"].values())
    cells = sum(n["cells"] for n in w["notebooks"].values())
    lines += ["", f"The notebooks take {fmt_seconds(total)} of slot time, of which {fmt_seconds(cells)} is their "
              f"cells; the rest ({fmt_seconds(total - cells)}) is starting each slot's kernel once, rendering the HTML "
              "and printing the PDF. That is the next target.", ""]
    return lines


CSV_HEADING = "## Streaming 1C CSV order lines (issue 17)"


def csv_bench(args: argparse.Namespace) -> dict[str, Any]:
    """`benchmarks/csv_streaming.py` (1M and 3M lines of a generated 1C export, read whole and streamed,
    each load in a fresh process); it writes docs/csv_streaming.md, whose text becomes this section."""
    say("[csv] a 1C CSV export of 1M and 3M lines, loaded whole and streamed")
    folder = BENCH / "csv_streaming"
    out = ROOT / "docs" / "csv_streaming.md"
    m = harness.measure([PYTHON, str(HERE / "csv_streaming.py"), "--work", str(folder / "work"), "--out", str(out)],
                        log=folder / "csv_streaming.log", cwd=ROOT, timeout=args.timeout * 4)
    if m.exit_code != 0 or m.timed_out:
        raise SystemExit(f"the csv_streaming benchmark failed; see {folder / 'csv_streaming.log'}")
    return {"text": out.read_text(encoding="utf-8")}


def csv_section(a: dict[str, Any]) -> list[str]:
    """docs/csv_streaming.md under this report's heading (`benchmarks/run.py --only csv` re-measures it)."""
    lines = a["text"].rstrip("\n").split("\n")
    body = lines[1:] if lines and lines[0].startswith("# ") else lines
    return [CSV_HEADING, *body, "", "Re-measure with `benchmarks/run.py --only csv` (also rewrites "
            "docs/csv_streaming.md).", ""]


# name: (heading, section lines, benchmark); `--only NAME` re-measures one of them
COMPONENTS: dict[str, tuple[str, Any, Any]] = {
    "allocation": (ALLOCATION_HEADING, allocation_section, allocation_bench),
    "deal_funnel": (DEAL_FUNNEL_HEADING, deal_funnel_section, deal_funnel_bench),
    "clv": (CLV_HEADING, clv_section, clv_bench),
    "demo": (DEMO_HEADING, demo_section, demo_bench),
    "csv": (CSV_HEADING, csv_section, csv_bench),
}


def splice_section(path: Path, heading: str, section: list[str]) -> None:
    """Replace (or add before "## Method") the section under `heading` of an existing report."""
    text = path.read_text(encoding="utf-8").split("\n")
    if heading in text:
        start = text.index(heading)
        end = next((i for i in range(start + 1, len(text)) if text[i].startswith("## ")), len(text))
    else:
        start = end = text.index("## Method") if "## Method" in text else len(text)
    path.write_text("\n".join([*text[:start], *section, *text[end:]]), encoding="utf-8")


def splice_allocation(path: Path, allocation: dict[str, Any]) -> None:
    """Replace (or add before "## Method") the receivables section of an existing report."""
    splice_section(path, ALLOCATION_HEADING, allocation_section(allocation))


def why_missed(w: Any, ref: dict[str, Any], floor: float | None) -> None:
    """A paragraph per missed target, with the parts of the measurements that explain it."""
    t, data = ref["tasks"], ref["data"]
    items: list[str] = []
    cube = t.get("cube", {})
    if floor and cube.get("median") and cube["median"] > TARGETS["cube"] * floor:
        parts = cube.get("parts", {})
        build = parts.get("build_facts (DuckDB)")
        reads = sum(v for k, v in parts.items() if k.startswith("read ") and v)
        daily = cube.get("info", {}).get("daily")
        days = f"{daily:,}" if daily else "the"
        items.append(
            f"**Cube** ({_x(_ratio(cube['median'], floor))} the floor). The floor sums amounts per customer × "
            f"month in one hash aggregation. The cube first sums the {data['order_lines']:,} lines into "
            f"{data['documents']:,} order documents (an order whose total is not positive is a return, not an "
            f"activity order), then into {days} customer-days and customer-months "
            f"with cost, quantity and first/last order dates, sorts both by customer and writes them to the "
            f"cache: {fmt_seconds(build)} in DuckDB; reading both into pandas takes {fmt_seconds(reads)}.")
    analyses = t.get("analyses", {})
    if floor and analyses.get("median") and analyses["median"] > TARGETS["analyses"] * floor:
        reports = analyses.get("reports", {})
        audit = reports.get("base_audit") or 0.0
        rest = analyses["median"] - audit
        top = analyses.get("parts", {}).get("reactivation: top_products (DuckDB over the lines)")
        items.append(
            f"**All analyses** ({_x(_ratio(analyses['median'], floor))} the floor). The base audit takes "
            f"{fmt_seconds(audit)} of {fmt_seconds(analyses['median'])}: it reads the {data['customers']:,} "
            "customer cards and their contacts, not the cube (ИНН/КПП checks, phones, e-mails and names "
            "normalised, duplicate search, fill rates), text work that grows with customers and "
            f"has no counterpart in the floor. The other four reports take {fmt_seconds(rest)} "
            f"({_x(_ratio(rest, floor))} the floor), of which {fmt_seconds(top)} is the reactivation report's "
            "top products, a second pass over the order lines.")
    run = t.get("run_cold", {})
    if run.get("median") and run["median"] > TARGETS["run_seconds"]:
        timings = run.get("timings", {})
        reports = {k: v for k, v in timings.items() if k not in ("prepare", "total") and v}
        listed = ", ".join(f"{k} {fmt_seconds(v)}" for k, v in reports.items())
        items.append(
            f"**Whole run** ({fmt_seconds(run['median'])} cold). Validating the inputs, writing the canonical "
            f"tables and building the cube take {fmt_seconds(timings.get('prepare'))} before any notebook starts; "
            f"then the five notebooks run two at a time (2 cores), each in its own kernel: start-up and imports, "
            f"loading the frames, its analyses, plots, tables and the managers' Excel lists ({listed}). The "
            f"warm run, with the data already prepared, takes {fmt_seconds(t.get('run_warm', {}).get('median'))}.")
    if not items:
        return
    w(f"### Why the missed targets miss (at {ref['label']})")
    w("")
    for item in items:
        w(f"- {item}")
    w("")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M,50M", help="order lines, comma-separated (default 1M,10M,50M)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of every measurement (default 3)")
    parser.add_argument("--large-repeats", type=int, default=1,
                        help=f"runs of every measurement at {LARGE_SIZE // 1_000_000}M lines and more (default 1)")
    parser.add_argument("--run-repeats", type=int, default=None,
                        help="runs of `clientbase run` (default: --repeats); the slowest measurement")
    parser.add_argument("--skip", default="", help="tasks to leave out, comma-separated: " + ", ".join(TASKS))
    parser.add_argument("--no-lines-check", action="store_true", help="skip the memory-against-lines check")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per measured process")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    parser.add_argument("--note", action="append", default=[], help="a line added to the report's notes")
    parser.add_argument("--no-allocation", action="store_true",
                        help="skip the analyses' own benchmarks (receivables allocation, deal funnel, clv)")
    parser.add_argument("--only", choices=sorted(COMPONENTS), action="append", default=[],
                        help="measure only this analysis's benchmark and rewrite its section of --out (repeatable)")
    parser.add_argument("--only-allocation", action="store_true", help="the same as --only allocation")
    parser.add_argument("--from-results", type=Path, metavar="JSON",
                        help="measure nothing: write the report again from a raw results file of an earlier run")
    args = parser.parse_args(argv)
    if args.from_results:
        results = json.loads(args.from_results.read_text(encoding="utf-8"))
        results["notes"] = [*results.get("notes", []), *args.note]
        write_report(results, args.out)
        say(f"wrote {args.out} from {args.from_results}")
        return 0
    only = [*args.only, *(["allocation"] if args.only_allocation else [])]
    if only:
        if not args.out.exists():
            parser.error(f"--only rewrites one section of {args.out}, which does not exist: run make bench")
        for name in dict.fromkeys(only):
            heading, section, bench = COMPONENTS[name]
            splice_section(args.out, heading, section(bench(args)))
            say(f"rewrote the {name} section of {args.out}")
        return 0
    args.run_repeats = args.repeats if args.run_repeats is None else min(args.run_repeats, args.repeats)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    unknown = args.skip - set(TASKS)
    if unknown:
        parser.error(f"unknown task(s) in --skip: {', '.join(sorted(unknown))}")
    sizes = sorted(harness.parse_size(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": harness.machine(), "versions": harness.versions(ROOT, library_versions()), "repeats": args.repeats,
        "load_start": harness.load_average(), "sizes": [], "notes": list(args.note),
    }
    say(f"benchmarks: sizes {', '.join(harness.size_label(s) for s in sizes)}, {args.repeats} runs each")
    for lines in sizes:
        results["sizes"].append(bench_size(lines, args))
        results["notes"].extend(results["sizes"][-1]["notes"])
    if not args.no_lines_check:
        results["lines_check"] = {"label": harness.size_label(sizes[0]), **lines_check(sizes[0], args)}
    if not args.no_allocation:
        for name, (_, _, bench) in COMPONENTS.items():
            results[name] = bench(args)
    results["coverage"] = notebook_coverage()
    results["load_end"] = harness.load_average()
    results["minutes"] = (time.perf_counter() - started) / 60
    results["finished"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    raw = BENCH / f"results-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    raw.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    write_report(results, args.out)
    say(f"wrote {args.out} (raw results: {raw}) in {results['minutes']:.1f} min")
    failed = [f"{s['label']} {t}" for s in results["sizes"] for t, m in s["tasks"].items() if m["ok"] < m["runs"]]
    if failed:
        say("some runs failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
