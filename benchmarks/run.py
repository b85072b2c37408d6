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

  floor, cube, analyses, naive, ours (benchmarks/measure.py says what each does);
  `clientbase run --only abc_xyz reactivation --no-pdf` (ab_cold, ab_warm: the two reports
  the naive pandas script answers the questions of) and the whole profile through
  `clientbase run --no-pdf` (run_cold, run_warm); cold = an empty cache (validation, the
  facts, the shared results, every notebook), warm = the prepared cache with its shared
  results reused. Of every `clientbase run` it keeps run.json's timings and, per notebook,
  the seconds of its set-up cell, its layout cells and the rest (from the executed notebook).

At the smallest size it also checks how memory grows with order lines at a fixed
customer × month cube (the same data with every order repeated 10 times). Then the
components: each analysis's own benchmark, the demo profile at its own size, the streamed
1C CSV (`--only NAME` re-measures one of them into an existing report).
Figures are medians over `--repeats` runs (single runs at 50M lines and more, `--large-repeats`);
the targets are those of issue 17 (and the issue-7 ones it does not replace). The naive pandas
way is left out at a size where it would need more than 60 % of the machine's memory (50M lines
on 24 GiB), and with it the `--only abc_xyz reactivation` runs, which are compared with it.
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
TASKS = ("floor", "cube", "analyses", "naive", "ours", "ab_cold", "ab_warm", "run_cold", "run_warm")
# the tasks that are a `clientbase run` (wall time of the command; run.json and the notebooks kept)
RUN_TASKS = ("ab_cold", "ab_warm", "run_cold", "run_warm")
AB_REPORTS = ("abc_xyz", "reactivation")  # what the naive pandas script answers: classes and last orders
GB = 1024**3
# issue 17's targets: ratios to the naive script and the floor, seconds, bytes
TARGETS = {"ab_cold": 1.5, "ab_warm": 1.0, "run_cold": 30.0, "run_warm": 20.0, "analyses": 10.0,
           "base_audit": 3.0, "rss": 2 * GB, "large_run": 150.0, "large_rss": 4 * GB, "demo": 10.0,
           "csv_rss": 1 * GB}
# issue 7's that issue 17 does not replace
TARGETS_7 = {"cube": 3.0, "scaling": 12.0}
# the workbook's measurements whose peak RSS issue 17 limits (the naive script and the floor are not ours)
WORKBOOK_TASKS = ("cube", "analyses", "ours", *RUN_TASKS)
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
    """A profile over the Parquet data with the reports of the demo profile and their settings
    (the deal funnel's stages, the segments of one's own, the audit's executors)."""
    demo = yaml.safe_load((ROOT / "params" / "demo.yaml").read_text(encoding="utf-8"))
    profile = {
        "data": {"path": data, "format": "canonical"},
        "period": "latest", "language": demo.get("language", "en"), "currency": demo.get("currency", "RUB"),
        "reports": demo.get("reports"), "timeout_minutes": 60,
        **{report: demo[report] for report in demo.get("reports") or () if isinstance(demo.get(report), dict)},
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
    if task in RUN_TASKS:
        env["CLIENTBASE_CACHE"] = str(ctx["cache"] if task.endswith("_warm") else ctx["fresh_cache"])
        only = ["--only", *AB_REPORTS] if task.startswith("ab_") else []
        return [CLIENTBASE, "run", str(ctx["profile"]), *only, "--no-pdf", "--out", str(ctx["reports"])], env
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
    if task in RUN_TASKS:  # read before the reports folder goes
        row["result"] = run_manifest(ctx["reports"])
    for key in ("fresh_cache", "reports"):
        shutil.rmtree(ctx[key], ignore_errors=True)
    ok = m.exit_code == 0 and not m.timed_out
    seconds = row["result"].get("seconds") if task not in RUN_TASKS else m.seconds
    row["ok"] = ok
    row["value"] = seconds if ok else None
    state = "ok" if ok else ("TIMEOUT" if m.timed_out else f"FAILED (exit {m.exit_code}; {folder / 'logs'})")
    errors = row["result"].get("errors") if isinstance(row["result"], dict) else None
    say(f"  {ctx['label']:>4} {task:<9} run {i + 1}: {fmt_seconds(seconds)} measured, "
        f"{m.seconds:.1f} s wall, peak {fmt_mb(m.peak_rss)} {state}" + (f" errors: {errors}" if errors else ""))
    return row


def run_manifest(reports: Path) -> dict[str, Any]:
    """run.json's timings and status of a published run, and where each notebook's seconds went."""
    found = sorted(reports.glob("*/*/run.json"))
    if not found:
        return {}
    manifest = json.loads(found[0].read_text(encoding="utf-8"))
    return {"timings": manifest.get("timings", {}), "status": manifest.get("status"),
            "notebooks": notebook_parts(found[0].parent, manifest)}


def notebook_parts(run_dir: Path, manifest: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per report: its seconds in its worker slot (run.json: from the task sent to the slot to its
    result), the sum of its cells' durations (papermill's, in the executed notebook), the set-up
    cell's (the first code cell after the parameters: imports, the data, the analyses) and the
    layout cells' (every code cell after it). The rest of the slot time is the kernel's start
    (the first notebook of a slot), papermill's own work and the HTML."""
    out: dict[str, dict[str, float]] = {}
    for report in manifest.get("reports", []):
        path = run_dir / (report.get("notebook") or "")
        if not report.get("notebook") or not path.is_file():
            continue
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
        durations = [c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in cells]
        tags = [c.get("metadata", {}).get("tags", []) for c in cells]
        params = [i for i, t in enumerate(tags) if "parameters" in t or "injected-parameters" in t]
        setup = (params[-1] + 1) if params else None
        if setup is None or setup >= len(cells):
            continue
        out[report["name"]] = {"seconds": report.get("seconds") or 0.0, "cells": sum(durations),
                               "setup": durations[setup], "layout": sum(durations[setup + 1:])}
    return out


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
        "high_water": _median_parts([r["result"].get("high_water", {}) for r in rows if r["ok"]]),
        "reports": _median_parts([r["result"].get("info", {}).get("reports", {}) for r in rows if r["ok"]]),
        "timings": _median_parts([r["result"].get("timings", {}) for r in rows if r["ok"]]),
        "info": next((r["result"].get("info") for r in rows if r["ok"] and r["result"].get("info")), {}),
        "peak_process": max(((r["peak_rss"], r["peak_process"]) for r in rows if r["ok"]), default=(0, ""))[1],
        "notebooks": _median_notebooks([r["result"].get("notebooks", {}) for r in rows if r["ok"]]),
    }


def _median_notebooks(runs: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    names = list(dict.fromkeys(name for run in runs for name in run))
    return {name: _median_parts([run[name] for run in runs if name in run]) for name in names}


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
    large_skip = [t for t in tasks if lines >= LARGE_SIZE and t in args.large_skip]
    if large_skip:
        tasks = [t for t in tasks if t not in large_skip]
        notes.append(f"{label}: not measured at this size (`--large-skip`): {', '.join(large_skip)}.")
    naive_needs = lines * NAIVE_BYTES_PER_LINE
    if "naive" in tasks and naive_needs > 0.6 * psutil.virtual_memory().total:
        tasks.remove("naive")
        ab = [t for t in tasks if t.startswith("ab_")]
        tasks = [t for t in tasks if t not in ab]
        notes.append(f"{label}: the naive pandas way was not run: at {NAIVE_BYTES_PER_LINE} bytes per line (measured "
                     f"at 10M) it needs about {naive_needs / 2**30:.0f} GiB, more than 60 % of this machine's "
                     f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
                     + (", nor the `--only abc_xyz reactivation` runs compared with it." if ab else "."))
    repeats = args.large_repeats if lines >= LARGE_SIZE else args.repeats
    if repeats != args.repeats:
        notes.append(f"{label}: every measurement ran {repeats} time{'s' if repeats > 1 else ''} "
                     f"(`--large-repeats`), not {args.repeats}: single runs, not medians.")
    if {"analyses", "ab_warm", "run_warm"} & set(tasks):
        # the prepared cache the analyses and the warm runs read (built once, reused), with the
        # shared results of the profile's reports kept, as the first run over this data leaves it
        say(f"[{label}] preparing the cache for the analyses and the warm runs")
        prep = harness.measure(
            [*task_command("prepare", {**ctx, "fresh_cache": ctx["cache"]}, folder / "prepare.result.json")[0],
             "--shared"],
            log=folder / "logs" / "prepare.log", result=folder / "prepare.result.json",
            env={**os.environ, "CLIENTBASE_CACHE": str(ctx["cache"])}, cwd=ROOT, timeout=args.timeout)
        if prep.exit_code != 0:
            raise SystemExit(f"prepare failed; see {folder / 'logs' / 'prepare.log'}")
        ctx["prepared"] = Path(prep.result["info"]["cache_dir"])
        if "analyses" not in tasks and {"ab_warm", "run_warm"} & set(tasks):
            # what the notebooks themselves keep with the prepared data (the analyses task computes
            # and keeps all of it before the warm runs of each round; without it, one run does)
            say(f"[{label}] one warm-up run, not measured, so that every warm run finds what a run keeps")
            cmd, env = task_command("run_warm", ctx, folder / "warmup.result.json")
            harness.measure(cmd, log=folder / "logs" / "warmup.log", env=env, cwd=ROOT, timeout=args.timeout)
            shutil.rmtree(ctx["reports"], ignore_errors=True)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in tasks}
    for i in range(repeats):
        for task in tasks:
            if task in RUN_TASKS and i >= args.run_repeats:
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
    large = next((x for x in sizes if x is not ref and abs(x["lines"] - LARGE_SIZE) / LARGE_SIZE < 0.2), None)
    lines.extend(targets_section(results, ref, large))
    lines.extend(targets_7_section(ref, small))
    why_missed(w, results, ref, large)
    w("## All measurements")
    w("")
    w("Time is the measured part only (set-up and imports excluded) except for `clientbase run`, "
      "which is the wall time of the command. Peak RSS is of the largest single process.")
    w("")
    header = "| measurement | " + " | ".join(f"{s['label']}: time | {s['label']}: × floor | {s['label']}: peak RSS"
                                               for s in sizes) + " |"
    w(header)
    w("|---|" + "---|---|---|" * len(sizes))
    names = TASK_NAMES
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
        high = m.get("high_water") or {}
        for part, sec in m["parts"].items():
            w(f"- {part}: {fmt_seconds(sec)}"
              + (f" (peak RSS so far {fmt_mb(high[part])})" if high.get(part) is not None else ""))
        if task == "analyses":
            w(f"- (not in the total: loading the frames from the prepared cache, "
              f"{fmt_seconds(m['info'].get('load_seconds'))})")
            w("")
            w("By report: " + ", ".join(f"{r} {fmt_seconds(v)}" for r, v in m["reports"].items()) + "."
              + (" (*shared*: the ABC-XYZ classes and the CLV fit, computed once before the reports as the "
                 "runner does; the reports that use them read them.)" if "shared" in m["reports"] else ""))
        w("")
    if any(t.get(task, {}).get("timings") for task in RUN_TASKS):
        lines.extend(runs_profile_section(results, ref))
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
      "reports of `params/demo.yaml` and their settings there (the deal funnel's stages, the segments of "
      f"one's own, the audit's executors), format `canonical`, period `latest` (as of {ref['data']['as_of']}).")
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
    w("- All analyses: the analysis calls of every report notebook (its set-up cell) with the options a run "
      "gives it (the notebook's defaults, the profile's section over them), on the frames "
      "`clientbase.setup(profile, cache=...)` gives a notebook; no kernel, no plots, no HTML, no file "
      "writing; loading the cards, contacts, campaigns, leads, problems, cube and daily facts is reported "
      "apart, the tables only one report reads (invoices, payments, deals and their stages; the kpis "
      "report's `other_kpi_inputs`) are read inside that report's steps, as its notebook does. Whatever a "
      "run keeps with the prepared data (`clientbase.shared`, the facts folder's `shared/`) is removed "
      "first (outside the clock), so nothing is read that an earlier run computed: the ABC-XYZ classes "
      "(`wb.known_classes`) and the CLV fit (`wb.clv_result`, i.e. `clv.clv_report`) are computed once, "
      "as the runner's `shared.precompute` does before any notebook starts — their seconds are the "
      "*shared* entry of \"By report\" — and the reports then read them as their notebooks do (the clv "
      "report's `clv_result`, `abc_classes`, `known_classes`, `clv_forecast`); what a report's own call "
      "keeps there is computed in that report's step, as in a cold run. The segments report "
      "gets no previous quarter's members (no earlier run is published here). The reactivation report's "
      "`top_products` is a DuckDB query over the order lines and is counted.")
    w("- Naive pandas: `pd.read_parquet` of the whole file, cancelled and later lines dropped, ABC by "
      "`groupby().sum()` over the 12-month window, XYZ by `pivot_table` customer × month (zeros filled, "
      "cv = std/mean), last activity-order date by `groupby` over order documents. Ours end to end: the "
      "cube from the same file, then `abc_xyz_classes` (ABC, XYZ, stage) and `order_rhythm` (last order "
      "date, gaps), in one process, so both answer the same questions from the same file.")
    w("- `clientbase run`: the whole profile, or `--only abc_xyz reactivation` (the two reports that answer "
      "what the naive script computes: the classes and who stopped ordering), with `--no-pdf` into a "
      "scratch folder, on as many worker slots as cores (its default); cold = an empty CLIENTBASE_CACHE "
      "(the run validates every input, writes the canonical tables, builds the facts and computes the "
      "shared results); warm = the prepared cache reused with what a run keeps in it, as the first run "
      "over the same data, options and code leaves it (what a re-run costs; the cache is prepared once "
      "before the measurements with the shared results, `measure.py prepare --shared`, and the analyses "
      "measurement of each round, which runs before the warm runs, computes and keeps the rest). Time is "
      "the wall time of the command; "
      "run.json gives its steps and each report's seconds in its slot, the executed notebook each cell's "
      "duration (papermill's), read before the scratch folder is removed.")
    coverage = results.get("coverage")
    w("")
    w("## Coverage and what is not measured")
    w("")
    if coverage:
        w("Notebook calls into the analysis modules (or computing calls of the workbook) that the in-process "
          "measurement does not make (add them to `COVERED` and to the report's runner in "
          "benchmarks/measure.py):")
        w("")
        for nb, calls in coverage.items():
            w(f"- {nb}: {', '.join(calls)}")
    else:
        w("Every call into the analysis modules (and every computing call of the workbook: shared results, "
          "top products, the KPIs' other inputs) made by the report notebooks is measured.")
    w("")
    for note in results.get("notes", []):
        w(f"- {note}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


TASK_NAMES = {
    "floor": "floor: DuckDB group-by to customer × month, to Arrow",
    "cube": "cube: `build_facts` + `read_facts` (cube and daily) to pandas",
    "analyses": "all analyses of all reports, in-process",
    "ours": "ours end to end: cube + `abc_xyz_classes` + `order_rhythm`",
    "naive": "naive pandas: `read_parquet` + groupby / pivot_table",
    "ab_cold": "`clientbase run --only abc_xyz reactivation --no-pdf`, cold cache",
    "ab_warm": "`clientbase run --only abc_xyz reactivation --no-pdf`, warm cache",
    "run_cold": "`clientbase run --no-pdf` (every report), cold cache",
    "run_warm": "`clientbase run --no-pdf` (every report), warm cache",
}


def _median_of(size: dict[str, Any] | None, task: str, key: str = "median") -> Any:
    return (size or {}).get("tasks", {}).get(task, {}).get(key)


def _limit_s(value: float) -> str:
    return f"{value:g} s"


def _peaks(size: dict[str, Any], tasks: tuple[str, ...]) -> list[tuple[int, str]]:
    """(largest peak RSS of any run, task) of the `tasks` measured at `size`, largest first."""
    found = [(size["tasks"][t].get("peak_rss_max"), t) for t in tasks if t in size["tasks"]]
    return sorted(((p, t) for p, t in found if p is not None), reverse=True)


def targets_section(results: dict[str, Any], ref: dict[str, Any], large: dict[str, Any] | None) -> list[str]:
    """The targets of issue 17: one table, every row with its measured value, limit and verdict."""
    t = ref["tasks"]
    floor, naive = _median_of(ref, "floor"), _median_of(ref, "naive")
    out = ["## Targets (issue 17)", "",
           f"At {ref['label']} order lines ({ref['lines']:,}) unless the row says otherwise; medians of this "
           f"run: the floor {fmt_seconds(floor)}, the naive pandas script {fmt_seconds(naive)} (both in "
           "\"All measurements\").", "",
           "| target | measured | limit | verdict |", "|---|---|---|---|"]
    row = out.append
    for task, when in (("ab_cold", "cold cache"), ("ab_warm", "warm cache")):
        value = _median_of(ref, task)
        ratio = _ratio(value, naive)
        row(f"| `clientbase run --only abc_xyz reactivation --no-pdf`, {when}, ≤ {TARGETS[task]:g}× the naive "
            f"pandas script | {fmt_seconds(value) if ratio is None else f'{fmt_seconds(value)} = {_x(ratio)} naive'} | "
            f"{TARGETS[task]:g}× | "
            f"{verdict(ratio, TARGETS[task])} |")
    for task, when in (("run_cold", "cold cache"), ("run_warm", "warm cache")):
        value = _median_of(ref, task)
        row(f"| the whole profile (every report of params/demo.yaml), `--no-pdf`, {when}, ≤ "
            f"{_limit_s(TARGETS[task])} | {fmt_seconds(value)} | {_limit_s(TARGETS[task])} | "
            f"{verdict(value, TARGETS[task])} |")
    analyses = _median_of(ref, "analyses")
    ratio = _ratio(analyses, floor)
    row(f"| all analyses of all reports, in-process, ≤ {TARGETS['analyses']:g}× the floor | "
        f"{fmt_seconds(analyses) if ratio is None else f'{fmt_seconds(analyses)} = {_x(ratio)}'} | "
        f"{TARGETS['analyses']:g}× | {verdict(ratio, TARGETS['analyses'])} |")
    audit = t.get("analyses", {}).get("reports", {}).get("base_audit")
    cards = t.get("analyses", {}).get("info", {}).get("customers") or ref["data"]["customers"]
    row(f"| base audit of {cards:,} cards (its part of the analyses) ≤ {_limit_s(TARGETS['base_audit'])} | "
        f"{fmt_seconds(audit)} | {_limit_s(TARGETS['base_audit'])} | {verdict(audit, TARGETS['base_audit'])} |")
    peaks = _peaks(ref, WORKBOOK_TASKS)
    top = peaks[0] if peaks else (None, "")
    row(f"| peak RSS of any process < 2 GB, every measurement of the workbook "
        f"({', '.join(t for t in WORKBOOK_TASKS if t in ref['tasks'])}) | "
        f"{fmt_mb(top[0])}{f' ({top[1]})' if top[1] else ''} | {fmt_mb(TARGETS['rss'])} | "
        f"{verdict(top[0], TARGETS['rss'], below=True)} |")
    big = large["label"] if large else "50M"
    run = _median_of(large, "run_cold")
    peak = _median_of(large, "run_cold", "peak_rss_max")
    gone = "" if large else " (no 50M size in this run)"
    row(f"| at {big} lines: the whole profile, cold cache, ≤ {_limit_s(TARGETS['large_run'])} | "
        f"{fmt_seconds(run)}{gone} | {_limit_s(TARGETS['large_run'])} | {verdict(run, TARGETS['large_run'])} |")
    row(f"| … its peak RSS of any process < 4 GB | {fmt_mb(peak)}{gone} | {fmt_mb(TARGETS['large_rss'])} | "
        f"{verdict(peak, TARGETS['large_rss'], below=True)} |")
    demo = results.get("demo") or {}
    warm_pdf = median(demo.get("warm_pdf", {}).get("seconds", []))
    row(f"| the demo profile at its own size: `make report` again (warm, HTML and PDF) ≤ "
        f"{_limit_s(TARGETS['demo'])} | {fmt_seconds(warm_pdf)}{'' if demo else ' (not run)'} | "
        f"{_limit_s(TARGETS['demo'])} | {verdict(warm_pdf, TARGETS['demo'])} |")
    csv = _csv_streamed(results, 3_000_000)
    csv_peak = csv.get("peak_rss") if csv else None
    csv_note = "" if csv else (" (not run)" if not results.get("csv") else " (no figure kept by this run)")
    row(f"| a 1C CSV export of 3,000,000 lines loaded streamed: peak RSS < 1 GB | {fmt_mb(csv_peak)}{csv_note} | "
        f"{fmt_mb(TARGETS['csv_rss'])} | {verdict(csv_peak, TARGETS['csv_rss'], below=True)} |")
    out.append("")
    return out


def _csv_streamed(results: dict[str, Any], lines: int) -> dict[str, Any] | None:
    """The streamed ("after") load of `lines` lines from csv_streaming.py's result, when kept."""
    for r in (results.get("csv") or {}).get("result", {}).get("rows", []):
        if r.get("lines") == lines and "after" in r.get("ways", {}):
            return r["ways"]["after"]
    return None


def targets_7_section(ref: dict[str, Any], small: dict[str, Any] | None) -> list[str]:
    """The issue-7 targets issue 17 keeps (its analyses, run time and memory targets replace the others)."""
    floor, cube = _median_of(ref, "floor"), _median_of(ref, "cube")
    out = ["### Earlier targets (issue 7) still standing", "",
           "| target | measured | limit | verdict |", "|---|---|---|---|",
           f"| cube handed to pandas ≤ 3× floor | {fmt_seconds(cube)} = {_x(_ratio(cube, floor))} | 3× | "
           f"{verdict(_ratio(cube, floor), TARGETS_7['cube'])} |"]
    if small is not None:
        scale = _ratio(cube, _median_of(small, "cube"))
        out.append(f"| {ref['lines'] / small['lines']:.1f}× lines ({small['label']} → {ref['label']}) ≤ 12× cube "
                   f"time | {_x(scale)} | 12× | {verdict(scale, TARGETS_7['scaling'])} |")
    naive, ours = _median_of(ref, "naive"), _median_of(ref, "ours")
    speed = _ratio(naive, ours)
    out += [f"| faster than naive pandas end to end (in-process) | naive {fmt_seconds(naive)} / ours "
            f"{fmt_seconds(ours)} = {_x(speed)} speed-up | > 1× | "
            f"{'met' if speed and speed > 1 else verdict(None if speed is None else 1 / speed, 1.0)} |", ""]
    return out


def _jobs(results: dict[str, Any]) -> int:
    """The worker slots of a run (`clientbase run`'s default: the cores)."""
    if results.get("jobs"):
        return int(results["jobs"])
    cores = str(results.get("machine", {}).get("cores", "")).split()
    return int(cores[0]) if cores and cores[0].isdigit() else 1


def _run_steps(m: dict[str, Any]) -> dict[str, float | None]:
    """The steps of a run from its medians: wall, prepare, shared, notebooks, outside run.json's total."""
    timings = m.get("timings", {})
    total, prepare, shared = timings.get("total"), timings.get("prepare"), timings.get("shared")
    notebooks = None if total is None else total - (prepare or 0.0) - (shared or 0.0)
    outside = None if total is None or m.get("median") is None else m["median"] - total
    return {"wall": m.get("median"), "prepare": prepare, "shared": shared, "notebooks": notebooks,
            "total": total, "outside": outside}


def runs_profile_section(results: dict[str, Any], ref: dict[str, Any]) -> list[str]:
    """Where the seconds of each `clientbase run` go at the reference size: per step (run.json) and
    per notebook (its executed cells)."""
    jobs = _jobs(results)
    out = [f"### Profile of the runs at {ref['label']}", "",
           "Per step from run.json (*prepare*: the data validated, the canonical tables and the facts written — "
           "or, warm, the prepared folder found; *shared*: the ABC-XYZ classes and the CLV fit computed once "
           f"for every report — or, warm, read; then the notebooks on {jobs} worker slot"
           f"{'s' if jobs != 1 else ''}, each slot keeping one kernel for the notebooks it runs one after "
           "another, the longest reports first) and per notebook from the executed notebook (papermill's cell "
           "durations). *In its slot*: from the report handed to a slot to its result; *set-up cell*: imports, "
           "loading the prepared data and the analyses; *layout cells*: plots, tables, lists; *rest*: in its "
           "slot minus its cells — the kernel's start (for the first notebook of a slot), papermill and the "
           "HTML. Medians over the runs.", ""]
    for task in RUN_TASKS:
        m = ref["tasks"].get(task)
        if not m or not m.get("timings"):
            continue
        steps = _run_steps(m)
        reports = {k: v for k, v in m["timings"].items() if k not in ("prepare", "shared", "total")}
        out += [f"**{TASK_NAMES[task]}** — {fmt_seconds(steps['wall'])} wall: prepare "
                f"{fmt_seconds(steps['prepare'])}, shared results {fmt_seconds(steps['shared'])}, the notebooks "
                f"{fmt_seconds(steps['notebooks'])} (run.json's total {fmt_seconds(steps['total'])}); outside it "
                f"(the command's start, the index pages, publishing) {fmt_seconds(steps['outside'])}. "
                f"Largest process: `{m.get('peak_process', '')}` ({fmt_mb(m.get('peak_rss_max'))}).", ""]
        notebooks = m.get("notebooks") or {}
        if not notebooks:
            out += ["Per report (run.json, in its slot): "
                    + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in reports.items()) + ".", ""]
            continue
        out += ["| report | in its slot | cells | set-up cell | layout cells | rest |", "|---|---|---|---|---|---|"]
        for name, n in sorted(notebooks.items(), key=lambda kv: -(kv[1].get("seconds") or 0.0)):
            out.append(f"| {name} | {fmt_seconds(n.get('seconds'))} | {fmt_seconds(n.get('cells'))} | "
                       f"{fmt_seconds(n.get('setup'))} | {fmt_seconds(n.get('layout'))} | "
                       f"{fmt_seconds(_minus(n.get('seconds'), n.get('cells')))} |")
        slot, cells = _sum(notebooks, "seconds"), _sum(notebooks, "cells")
        out += [f"| all {len(notebooks)} | {fmt_seconds(slot)} | {fmt_seconds(cells)} | "
                f"{fmt_seconds(_sum(notebooks, 'setup'))} | {fmt_seconds(_sum(notebooks, 'layout'))} | "
                f"{fmt_seconds(_minus(slot, cells))} |", ""]
    return out


def _sum(notebooks: dict[str, dict[str, float]], part: str) -> float:
    return sum(n.get(part) or 0.0 for n in notebooks.values())


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _run_explained(m: dict[str, Any], jobs: int) -> str:
    """The measured parts of a `clientbase run` (medians): its steps, and its notebooks' slot time."""
    steps = _run_steps(m)
    text = (f"Preparing took {fmt_seconds(steps['prepare'])}, the shared results {fmt_seconds(steps['shared'])}, "
            f"the notebooks {fmt_seconds(steps['notebooks'])} on {jobs} worker slot{'s' if jobs != 1 else ''}, "
            f"and the command outside run.json's total {fmt_seconds(steps['outside'])}.")
    notebooks = m.get("notebooks") or {}
    if notebooks:
        slot, cells = _sum(notebooks, "seconds"), _sum(notebooks, "cells")
        top = sorted(notebooks.items(), key=lambda kv: -(kv[1].get("seconds") or 0.0))[:3]
        text += (f" The {len(notebooks)} notebook{'s' if len(notebooks) != 1 else ''} took {fmt_seconds(slot)} of "
                 f"slot time: set-up cells {fmt_seconds(_sum(notebooks, 'setup'))}, layout cells "
                 f"{fmt_seconds(_sum(notebooks, 'layout'))}, the rest (kernel starts, papermill, HTML) "
                 f"{fmt_seconds(_minus(slot, cells))}; the longest: "
                 + "; ".join(f"{name} {fmt_seconds(n.get('seconds'))} (set-up {fmt_seconds(n.get('setup'))}, "
                             f"layout {fmt_seconds(n.get('layout'))}, rest "
                             f"{fmt_seconds(_minus(n.get('seconds'), n.get('cells')))})" for name, n in top) + ".")
    else:
        reports = {k: v for k, v in m.get("timings", {}).items() if k not in ("prepare", "shared", "total")}
        text += " Per report in its slot: " + ", ".join(f"{k} {fmt_seconds(v)}" for k, v in reports.items()) + "."
    return text


def _parts(m: dict[str, Any], n: int | None = None) -> str:
    parts = sorted(((v, k) for k, v in (m.get("parts") or {}).items() if v is not None), reverse=True)
    return ", ".join(f"{k} {fmt_seconds(v)}" for v, k in parts[:n])


def _peak_step(m: dict[str, Any]) -> str:
    """Where an in-process measurement's high-water mark rose most (from its steps), as a clause."""
    high = [(k, v) for k, v in (m.get("high_water") or {}).items() if v is not None]
    if not high:
        return ""
    rises = [(after - before, step, before, after)
             for (_, before), (step, after) in zip([("", m.get("rss_start") or 0), *high[:-1]], high, strict=True)]
    rise, step, before, after = max(rises)
    return f", its high-water mark rising most in «{step}» (from {fmt_mb(before)} to {fmt_mb(after)})"


def why_missed(w: Any, results: dict[str, Any], ref: dict[str, Any], large: dict[str, Any] | None) -> None:
    """A paragraph per missed target, with the parts of the measurements that explain it."""
    t, data = ref["tasks"], ref["data"]
    jobs = _jobs(results)
    floor, naive = _median_of(ref, "floor"), _median_of(ref, "naive")
    items: list[str] = []
    for task, when in (("ab_cold", "cold"), ("ab_warm", "warm")):
        m = t.get(task, {})
        ratio = _ratio(m.get("median"), naive)
        if ratio is not None and ratio > TARGETS[task]:
            items.append(
                f"**`--only abc_xyz reactivation`, {when}** ({fmt_seconds(m['median'])}, {_x(ratio)} the naive "
                f"script's {fmt_seconds(naive)}). {_run_explained(m, jobs)} The shared results are what the two "
                "reports read: the ABC-XYZ classes and, as the profile runs the clv report, the CLV fit whose "
                "P(alive) and CLV every reactivation candidate carries (`clientbase.shared.precompute`). The "
                "naive script, one process: "
                f"{_parts(t.get('naive', {}))}.")
    for task, when in (("run_cold", "cold"), ("run_warm", "warm")):
        m = t.get(task, {})
        if m.get("median") is not None and m["median"] > TARGETS[task]:
            items.append(f"**Whole profile, {when}** ({fmt_seconds(m['median'])}, limit "
                         f"{_limit_s(TARGETS[task])}). {_run_explained(m, jobs)}")
    analyses = t.get("analyses", {})
    ratio = _ratio(analyses.get("median"), floor)
    if ratio is not None and ratio > TARGETS["analyses"]:
        reports = sorted(((v, k) for k, v in analyses.get("reports", {}).items() if v is not None), reverse=True)
        items.append(
            f"**All analyses** ({_x(ratio)} the floor, {fmt_seconds(analyses['median'])}). By report: "
            + ", ".join(f"{k} {fmt_seconds(v)}" for v, k in reports)
            + f". The largest steps: {_parts(analyses, 4)}.")
    audit = analyses.get("reports", {}).get("base_audit")
    if audit is not None and audit > TARGETS["base_audit"]:
        items.append(
            f"**Base audit** ({fmt_seconds(audit)} for {data['customers']:,} cards). One call, `audit.base_audit`: "
            "it reads the customer cards and their contacts, not the cube (ИНН/КПП checks, phones, e-mails and "
            "names normalised, duplicate search, fill rates); the measurement has no finer parts.")
    over = [(p, task) for p, task in _peaks(ref, WORKBOOK_TASKS) if p >= TARGETS["rss"]]
    if over:
        items.append("**Peak RSS** (limit 2 GB): " + "; ".join(
            f"{TASK_NAMES[task]} {fmt_mb(p)} in `{t[task].get('peak_process', '')}`{_peak_step(t[task])}"
            for p, task in over) + ".")
    if large:
        m = large["tasks"].get("run_cold", {})
        if m.get("median") is not None and m["median"] > TARGETS["large_run"]:
            items.append(f"**Whole profile, cold, at {large['label']}** ({fmt_seconds(m['median'])}). "
                         f"{_run_explained(m, jobs)}")
        if m.get("peak_rss_max") is not None and m["peak_rss_max"] >= TARGETS["large_rss"]:
            items.append(f"**Peak RSS at {large['label']}** ({fmt_mb(m['peak_rss_max'])}, limit 4 GB) in "
                         f"`{m.get('peak_process', '')}`.")
    demo = results.get("demo") or {}
    warm_pdf = demo.get("warm_pdf") or {}
    if median(warm_pdf.get("seconds", [])) is not None and median(warm_pdf["seconds"]) > TARGETS["demo"]:
        notebooks = warm_pdf.get("notebooks", {})
        slot, cells = _sum(notebooks, "seconds"), _sum(notebooks, "cells")
        items.append(
            f"**The demo profile, warm, HTML and PDF** ({fmt_seconds(median(warm_pdf['seconds']))}). Preparing "
            f"{fmt_seconds(warm_pdf.get('prepare'))}, the shared results {fmt_seconds(warm_pdf.get('shared'))}; "
            f"the {len(notebooks)} notebooks take {fmt_seconds(slot)} of slot time, of which {fmt_seconds(cells)} is "
            f"their cells and {fmt_seconds(slot - cells)} the kernel starts, rendering the HTML and printing the "
            "PDF (its section below has them per notebook).")
    csv = _csv_streamed(results, 3_000_000)
    if csv and csv.get("peak_rss") is not None and csv["peak_rss"] >= TARGETS["csv_rss"]:
        items.append(f"**Streamed 1C CSV, 3,000,000 lines** (peak RSS {fmt_mb(csv['peak_rss'])}); its section below "
                     "has the figures of both ways.")
    cube = t.get("cube", {})
    if floor and cube.get("median") and cube["median"] > TARGETS_7["cube"] * floor:
        parts = cube.get("parts", {})
        build = parts.get("build_facts (DuckDB)")
        reads = sum(v for k, v in parts.items() if k.startswith("read ") and v)
        daily = cube.get("info", {}).get("daily")
        days = f"{daily:,}" if daily else "the"
        items.append(
            f"**Cube** (issue 7; {_x(_ratio(cube['median'], floor))} the floor). The floor sums amounts per "
            f"customer × month in one hash aggregation. The cube first sums the {data['order_lines']:,} lines into "
            f"{data['documents']:,} order documents (an order whose total is not positive is a return, not an "
            f"activity order), then into {days} customer-days and customer-months "
            f"with cost, quantity and first/last order dates, sorts both by customer and writes them to the "
            f"cache: {fmt_seconds(build)} in DuckDB; reading both into pandas takes {fmt_seconds(reads)}.")
    if not items:
        return
    w(f"### Why the missed targets miss (at {ref['label']} unless named)")
    w("")
    for item in items:
        w(f"- {item}")
    w("")


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
DEMO_TARGET = TARGETS["demo"]  # `make report`'s run of the demo profile, HTML and PDF, warm


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
    result = folder / "csv_streaming.result.json"
    m = harness.measure([PYTHON, str(HERE / "csv_streaming.py"), "--work", str(folder / "work"), "--out", str(out),
                         "--result", str(result)],
                        log=folder / "csv_streaming.log", result=result, cwd=ROOT, timeout=args.timeout * 4)
    if m.exit_code != 0 or m.timed_out:
        raise SystemExit(f"the csv_streaming benchmark failed; see {folder / 'csv_streaming.log'}")
    # the text becomes the section; the figures (`result`) feed the targets table
    return {"text": out.read_text(encoding="utf-8"), "result": m.result}


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1M,10M,50M", help="order lines, comma-separated (default 1M,10M,50M)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of every measurement (default 3)")
    parser.add_argument("--large-repeats", type=int, default=1,
                        help=f"runs of every measurement at {LARGE_SIZE // 1_000_000}M lines and more (default 1)")
    parser.add_argument("--run-repeats", type=int, default=None,
                        help="runs of `clientbase run` (default: --repeats); the slowest measurement")
    parser.add_argument("--skip", default="", help="tasks to leave out, comma-separated: " + ", ".join(TASKS))
    parser.add_argument("--large-skip", default="",
                        help=f"tasks to leave out at {LARGE_SIZE // 1_000_000}M lines and more, comma-separated "
                             "(e.g. analyses,run_warm: each holds every report's frames at once)")
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
    args.large_skip = {s.strip() for s in args.large_skip.split(",") if s.strip()}
    unknown = (args.skip | args.large_skip) - set(TASKS)
    if unknown:
        parser.error(f"unknown task(s) in --skip: {', '.join(sorted(unknown))}")
    sizes = sorted(harness.parse_size(s) for s in args.sizes.split(","))
    started = time.perf_counter()
    libraries = library_versions()
    results: dict[str, Any] = {
        "machine": harness.machine(), "versions": harness.versions(ROOT, libraries), "repeats": args.repeats,
        "load_start": harness.load_average(), "sizes": [], "notes": list(args.note),
        "jobs": os.cpu_count() or 1,  # the worker slots of `clientbase run` (its default --jobs)
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
    code_after = library_versions().get("code")
    if libraries.get("code") != code_after:
        results["notes"].append(
            f"The package's code changed during the benchmark (fingerprint {libraries.get('code')} at the start, "
            f"{code_after} at the end): what a run keeps with the prepared data is keyed by it, so warm runs after "
            "the change computed again what they would otherwise have read. Re-run on an unchanging checkout.")
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
