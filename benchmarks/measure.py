"""One measurement, run in a fresh process by benchmarks/run.py.

    python benchmarks/measure.py TASK --result FILE [--orders PARQUET] [--as-of DATE]
                                 [--profile YAML] [--cache DIR] [--work DIR]

Tasks (each times only its measured part; imports and set-up are outside the clock):

- ``floor``     a plain DuckDB group-by of the order lines to customer × month sum(amount),
                fetched to Arrow: the least any engine-side cube can cost;
- ``cube``      what prepare() does to the lines: `clientbase.cube.build_facts` (DuckDB →
                daily.parquet, cube.parquet), then `read_facts` of both into pandas, as the
                notebooks get them;
- ``analyses``  every analysis of every report, in-process, on the frames a notebook gets
                from the prepared cache (`clientbase.setup(..., cache=...)`), the calls
                each notebook makes with the options a run gives it (no kernel, no plots,
                no rendering, no file writing); the shared results (ABC-XYZ classes, the
                CLV fit) computed once first, as the runner does, then read by the reports;
- ``naive``     the straightforward pandas way: read every line with `pd.read_parquet`,
                then ABC (groupby), monthly XYZ (pivot_table) and last-order dates;
- ``ours``      the same three answers our way, end to end in one process: the cube from
                the lines, then `abc_xyz_classes` and `reactivation.order_rhythm`;
- ``generate``  the synthetic data set as canonical Parquet (`clientbase.demo.generate_demo`);
- ``prepare``   `clientbase.cache.prepare` of the profile into an empty cache
                (CLIENTBASE_CACHE): validation of every table + the cube, as a run does;
                with ``--shared`` also the shared results of the profile's reports
                (`clientbase.shared.precompute`, as the runner does after preparing).

The result JSON holds ``seconds`` (the measured part), ``parts`` (seconds by step),
``high_water`` (the process's peak RSS so far after each step, bytes), ``rss_start`` (bytes,
after imports) and ``errors`` (step → message) when a step failed; the parent adds wall time
and peak memory of the process tree.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from harness import high_water

# what each report's notebook calls into the analysis modules (and the workbook's computing
# methods), i.e. what the `analyses` task runs; run.py compares it with the notebooks and
# lists what is missing
ANALYSIS_MODULES = ("overview", "audit", "abc_xyz", "reactivation", "campaigns", "channels", "receivables",
                    "deal_funnel", "clv", "segments", "kpis")
# the workbook's methods that compute (or read a shared result the runner computed once), not
# the ones that only read a table or write a file
WORKBOOK_CALLS = ("top_products", "abc_xyz_migration", "abc_classes", "abc_xyz_classes", "known_classes",
                  "clv_result", "clv_forecast", "other_kpi_inputs", "manual_segments")
COVERED = {
    "data_overview": {"overview.table_overview", "overview.monthly_activity", "overview.activity_totals",
                      "overview.problems_overview"},
    "base_audit": {"audit.base_audit"},
    "abc_xyz": {"wb.abc_xyz_migration", "abc_xyz.abc_xyz_matrix", "abc_xyz.abc_xyz_summary"},
    "reactivation": {"reactivation.reactivation_scope", "wb.abc_classes", "wb.clv_forecast",
                     "reactivation.rank_candidates", "reactivation.reactivation_funnel", "wb.top_products"},
    "campaign_roi": {"campaigns.campaign_results", "channels.channel_economics", "channels.cohort_retention",
                     "campaigns.campaign_summary"},
    "receivables": {"receivables.receivables_report", "receivables.tables_of"},
    "deal_funnel": {"deal_funnel.deal_funnel_report", "deal_funnel.tables_of"},
    "clv": {"wb.clv_result", "result.tables"},
    "segments": {"segments.segments_report", "wb.known_classes", "wb.clv_forecast", "wb.manual_segments",
                 "result.tables"},
    "kpis": {"wb.other_kpi_inputs", "kpis.kpis_report", "result.tables"},
}


def notebook_calls(source: str) -> set[str]:
    """The calls in `source` that compute: `module.function` into the analysis modules (also under
    an alias, ``from clientbase import segments as seg``: ``seg.segments_report`` is
    ``segments.segments_report``), the workbook's computing methods (``wb.clv_result``) and a
    result's ``.tables()`` (as ``<variable>.tables``)."""
    aliases = {alias: module for module, alias in
               re.findall(r"\bfrom\s+clientbase\s+import\s+(\w+)\s+as\s+(\w+)", source)
               if module in ANALYSIS_MODULES}
    names = "|".join(sorted({*ANALYSIS_MODULES, *aliases}, key=len, reverse=True))
    found = {f"{aliases.get(name, name)}.{func}"
             for name, func in re.findall(rf"(?<![\w.])({names})\.([a-z_][a-z0-9_]*)(?=\s*\()", source)}
    methods = "|".join(WORKBOOK_CALLS)
    found |= {f"wb.{m}" for m in re.findall(rf"(?<![\w.])wb\.({methods})(?=\s*\()", source)}
    found |= {f"{v}.tables" for v in re.findall(r"(?<![\w.])([a-z_]\w*)\.tables(?=\s*\(\s*\))", source)}
    return found


class Clock:
    """Seconds per named step, and the process's peak RSS so far after each (the kernel's
    high-water mark: the step where it jumps is the one that set the peak); a failing step is
    recorded, not raised (the others still run)."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        self.errors: dict[str, str] = {}
        self.high_water: dict[str, int] = {}

    def step(self, name: str, func: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        try:
            return func()
        except Exception as exc:  # noqa: BLE001 — a benchmark reports a broken step and goes on
            self.errors[name] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            return None
        finally:
            self.parts[name] = time.perf_counter() - started
            self.high_water[name] = high_water()


def task_floor(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect()
    sql = ("SELECT customer_id, date_trunc('month', \"date\") AS month, sum(amount) AS amount "
           "FROM read_parquet($path) GROUP BY ALL")
    table = clock.step("group-by to Arrow", lambda: con.execute(sql, {"path": str(args.orders)}).to_arrow_table())
    return {"customer_months": table.num_rows}


def task_cube(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    import pandas as pd

    from clientbase.cube import build_facts, read_facts

    as_of = pd.Timestamp(args.as_of)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        paths = clock.step("build_facts (DuckDB)", lambda: build_facts(args.orders, tmp, as_of=as_of))
        cube = clock.step("read cube", lambda: read_facts(paths["cube"], "cube"))
        daily = clock.step("read daily", lambda: read_facts(paths["daily"], "daily"))
        return {"cube": len(cube), "daily": len(daily),
                "cube_mb": cube.memory_usage(deep=True).sum() / 2**20,
                "daily_mb": daily.memory_usage(deep=True).sum() / 2**20}


def task_analyses(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    import shutil

    from clientbase import catalog, shared
    from clientbase.workbook import setup

    wb = setup(args.profile, cache=args.cache, quiet=True)
    reports = [r for r in catalog.available_reports() if r in RUNNERS]

    def load() -> None:
        for name in ("customers", "contacts", "campaigns", "campaign_members", "leads", "problems", "cube", "daily"):
            getattr(wb, name)

    clock.step("load frames from the prepared cache", load)
    load_seconds = clock.parts.pop("load frames from the prepared cache")
    # the shared results a run keeps with the prepared data (ABC-XYZ classes, the CLV fit) are
    # computed here, not read: what an earlier run or measurement kept there is removed first
    # (outside the clock); then they are computed once, as the runner's `shared.precompute`
    # does before the notebooks start, and every report below reads them as its notebook does
    facts = wb.cache_dir / f"facts-{wb.as_of.date().isoformat()}"  # the workbook's facts folder
    shutil.rmtree(facts / shared.FOLDER, ignore_errors=True)
    totals: dict[str, float] = {"shared": _shared(wb, reports, clock)}

    def options(report: str) -> Any:
        # the options a run gives the notebook: its defaults with the profile's section over them
        return wb.options(report, **wb.profile.report_settings(report))

    for report in reports:
        before = sum(clock.parts.values())
        try:
            settings = options(report)
        except Exception as exc:  # noqa: BLE001 — reported like a failed step; the other reports still run
            clock.errors[f"{report}: options"] = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
            continue
        RUNNERS[report](wb, settings, clock)
        totals[report] = sum(clock.parts.values()) - before
    return {"reports": totals, "load_seconds": load_seconds, "customers": len(wb.customers),
            "cube": len(wb.cube), "daily": len(wb.daily)}


def _shared(wb: Any, reports: list[str], clock: Clock) -> float:
    """What `clientbase.shared.precompute` computes for these reports, timed apart; the seconds."""
    before = sum(clock.parts.values())
    if set(reports) & {"reactivation", "segments"}:
        clock.step("shared: ABC-XYZ classes (abc_xyz_classes, computed once per run)", wb.known_classes)
    if set(reports) & {"clv", "reactivation", "segments"} and "clv" in wb.profile.reports:
        clock.step("shared: the CLV fit (clv_report, computed once per run)", wb.clv_result)
    return sum(clock.parts.values()) - before


# each report: the analysis calls of its notebook (notebooks/<report>.ipynb), same arguments
def _data_overview(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import overview

    clock.step("data_overview: table_overview", lambda: overview.table_overview(wb.table_stats, wb.inputs))
    clock.step("data_overview: monthly_activity", lambda: overview.monthly_activity(wb.cube, start=wb.window_start(36)))
    clock.step("data_overview: activity_totals ×2", lambda: (
        overview.activity_totals(wb.cube, start=wb.window_start(p.window_months), as_of=wb.as_of),
        overview.activity_totals(wb.cube, start=wb.period.start, as_of=wb.as_of)))
    clock.step("data_overview: problems_overview", lambda: overview.problems_overview(wb.problems))


def _base_audit(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import audit

    clock.step("base_audit: base_audit", lambda: audit.base_audit(
        wb.customers, wb.cube, wb.contacts, as_of=wb.as_of, previous_as_of=wb.period.previous().as_of,
        fuzzy_threshold=p.fuzzy_threshold, executors=p.executors, sleeping_days=p.sleeping_days,
        window_months=p.window_months, trend_quarters=p.trend_quarters))


def _abc_xyz(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import abc_xyz

    moves = clock.step("abc_xyz: migration (classes now and before)", lambda: wb.abc_xyz_migration(p))
    if moves is not None:
        clock.step("abc_xyz: abc_xyz_matrix", lambda: abc_xyz.abc_xyz_matrix(moves.after))
        clock.step("abc_xyz: abc_xyz_summary", lambda: abc_xyz.abc_xyz_summary(moves.after, moves, options=p))


def _reactivation(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import reactivation

    scope = clock.step("reactivation: reactivation_scope", lambda: reactivation.reactivation_scope(
        wb.cube, wb.daily, wb.customers, as_of=wb.as_of, quarter_start=wb.period.start, options=p))
    abc = clock.step("reactivation: the run's ABC classes (shared)", wb.abc_classes)
    forecast = clock.step("reactivation: the CLV forecast (shared)",
                          lambda: wb.clv_forecast(priority_by=p.priority_by))
    if scope is not None:
        candidates = clock.step("reactivation: rank_candidates", lambda: reactivation.rank_candidates(
            scope, abc=abc, urgent_days=p.urgent_days, forecast=forecast, priority_by=p.priority_by,
            p_alive_lost=p.p_alive_lost))
        if candidates is not None:
            clock.step("reactivation: reactivation_funnel", lambda: reactivation.reactivation_funnel(
                scope, candidates, abc_known=abc is not None))
    clock.step("reactivation: top_products (DuckDB over the lines)",
               lambda: wb.top_products(months=p.lookback_months, n=3))


def _campaign_roi(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import campaigns, channels

    margin = p.margin
    results = clock.step("campaign_roi: campaign_results", lambda: campaigns.campaign_results(
        wb.campaigns, wb.campaign_members, wb.daily, as_of=wb.as_of, window_months=p.window_months,
        response_days=p.response_days, margin=margin, confidence=p.confidence, method=p.ci_method))
    sources = clock.step("campaign_roi: channel_economics", lambda: channels.channel_economics(
        wb.customers, wb.cube, wb.campaigns, as_of=wb.as_of, period_months=p.window_months,
        ltv_months=p.ltv_months, leads=wb.leads, margin=margin))
    clock.step("campaign_roi: cohort_retention", lambda: channels.cohort_retention(wb.cube, as_of=wb.as_of))
    if results is not None and sources is not None:
        clock.step("campaign_roi: campaign_summary", lambda: campaigns.campaign_summary(results, sources))


def _receivables(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import receivables

    result = clock.step("receivables: receivables_report (allocation, aging, trend)",
                        lambda: receivables.receivables_report(wb.table("invoices"), wb.table("payments"),
                                                               wb.customers, as_of=wb.as_of, options=p))
    clock.step("receivables: tables_of", lambda: receivables.tables_of(result))


def _deal_funnel(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import deal_funnel

    result = clock.step("deal_funnel: deal_funnel_report (reads deals and their stages)",
                        lambda: deal_funnel.deal_funnel_report(wb.table("deals"), wb.table("deal_stages"),
                                                               as_of=wb.as_of, options=p))
    clock.step("deal_funnel: tables_of", lambda: deal_funnel.tables_of(result))


def _clv(wb: Any, p: Any, clock: Clock) -> None:
    result = clock.step("clv: clv_result (the shared fit, read)", lambda: wb.clv_result(p))
    if result is not None:
        clock.step("clv: tables", result.tables)


def _segments(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import segments

    # previous_members: the previous quarter's published members.csv, which no benchmark run has
    result = clock.step("segments: segments_report", lambda: segments.segments_report(
        wb.cube, wb.customers, as_of=wb.as_of, options=p, classes=wb.known_classes(), forecast=wb.clv_forecast(),
        previous_members=None, manual=wb.manual_segments(p)))
    if result is not None:
        clock.step("segments: tables", result.tables)


def _kpis(wb: Any, p: Any, clock: Clock) -> None:
    from clientbase import kpis

    others = clock.step("kpis: other_kpi_inputs (reads the other reports' tables)", wb.other_kpi_inputs)
    result = clock.step("kpis: kpis_report", lambda: kpis.kpis_report(wb.daily, wb.customers, as_of=wb.as_of,
                                                                      options=p, others=others))
    if result is not None:
        clock.step("kpis: tables", result.tables)


RUNNERS = {"data_overview": _data_overview, "base_audit": _base_audit, "abc_xyz": _abc_xyz,
           "reactivation": _reactivation, "campaign_roi": _campaign_roi, "receivables": _receivables,
           "deal_funnel": _deal_funnel, "clv": _clv, "segments": _segments, "kpis": _kpis}


def task_naive(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    """What an analyst would write in a notebook, without thinking about memory."""
    import numpy as np
    import pandas as pd

    as_of = pd.Timestamp(args.as_of)
    window_start = (as_of + pd.Timedelta(days=1) - pd.DateOffset(months=12)).normalize()
    lines = clock.step("read_parquet (every line)", lambda: pd.read_parquet(args.orders))

    def filtered() -> pd.DataFrame:
        live = lines[(lines["status"] != "cancelled") & (lines["date"] < as_of + pd.Timedelta(days=1))]
        return live

    live = clock.step("filter", filtered)

    def abc() -> pd.DataFrame:
        window = live[live["date"] >= window_start]
        revenue = window.groupby("customer_id")["amount"].sum()
        revenue = revenue[revenue > 0].sort_values(ascending=False)
        share = revenue / revenue.sum()
        before = share.cumsum() - share
        return pd.DataFrame({"revenue": revenue, "abc": np.where(before < 0.8, "A", np.where(before < 0.95, "B", "C"))})

    def xyz() -> pd.DataFrame:
        window = live[live["date"] >= window_start].assign(month=lambda f: f["date"].dt.to_period("M"))
        table = window.pivot_table(index="customer_id", columns="month", values="amount", aggfunc="sum",
                                   fill_value=0)
        cv = table.std(axis=1, ddof=0) / table.mean(axis=1)
        return pd.DataFrame({"cv": cv, "xyz": np.where(cv <= 0.5, "X", np.where(cv <= 1.0, "Y", "Z"))})

    def last_orders() -> pd.Series:
        docs = live.groupby(["customer_id", "order_id"]).agg(date=("date", "max"), total=("amount", "sum"))
        return docs[docs["total"] > 0].groupby("customer_id")["date"].max()

    classes = clock.step("ABC (groupby)", abc)
    cv = clock.step("XYZ (pivot_table by month)", xyz)
    last = clock.step("last order dates (groupby)", last_orders)
    return {"lines": len(lines), "abc": len(classes), "xyz": len(cv), "last": len(last)}


def task_ours(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    import pandas as pd

    from clientbase import abc_xyz, reactivation
    from clientbase.cube import build_facts, read_facts

    as_of = pd.Timestamp(args.as_of)
    if args.cache_tables is not None:  # canonical tables of a prepared cache
        tables = Path(args.cache_tables)
        customers = clock.step("read customers", lambda: pd.read_parquet(tables / "customers.parquet"))
    else:  # the customers table of the export, read and checked as a run does (no cache needed)
        from clientbase.sources import load_source

        customers = clock.step("read customers", lambda: load_source(
            args.orders.parent, "canonical", tables=("customers",)).tables["customers"])
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        paths = clock.step("build_facts (DuckDB)", lambda: build_facts(args.orders, tmp, as_of=as_of))
        cube = clock.step("read cube", lambda: read_facts(paths["cube"], "cube"))
        daily = clock.step("read daily", lambda: read_facts(paths["daily"], "daily"))
        classes = clock.step("abc_xyz_classes", lambda: abc_xyz.abc_xyz_classes(cube, customers, as_of=as_of))
        rhythm = clock.step("order_rhythm (last order, gaps)", lambda: reactivation.order_rhythm(daily, as_of=as_of))
    return {"classes": len(classes) if classes is not None else None,
            "rhythm": len(rhythm) if rhythm is not None else None}


def task_prepare(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    from clientbase.cache import prepare
    from clientbase.profiles import load_profile

    profile = load_profile(args.profile, check_reports=False)
    prepared = clock.step("prepare (validate + tables + cube)", lambda: prepare(profile))
    done = None
    if args.shared and prepared is not None:
        from clientbase import shared
        from clientbase.workbook import Workbook

        workbook = Workbook(profile, prepared, language=profile.language, currency=profile.currency,
                            mask_pii=profile.mask_pii, output_dir=None, report=None)
        done = clock.step("shared results (shared.precompute)", lambda: shared.precompute(workbook, profile.reports))
    return {"cache_dir": str(prepared.cache_dir) if prepared else None, "shared": done}


def task_generate(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    from clientbase.demo import generate_demo

    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"  {time.perf_counter() - started:7.1f} s  {message}", flush=True)

    summary = clock.step("generate_demo", lambda: generate_demo(
        args.out, customers=args.customers, years=args.years, seed=args.seed, file_format="parquet", progress=say))
    return {"customers": summary.customers, "documents": summary.documents, "order_lines": summary.order_lines}


def task_repeat(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    """The order lines `--times` times over, each copy with its own order ids (same facts)."""
    import duckdb

    tmp = args.out.with_suffix(".tmp.parquet")
    sql = (f"COPY (SELECT * REPLACE (order_id || '-' || CAST(k AS VARCHAR) AS order_id) "
           f"FROM read_parquet('{args.orders}'), range({args.times}) AS r(k)) TO '{tmp}' (FORMAT parquet)")
    clock.step("repeat lines", lambda: duckdb.connect().execute(sql))
    tmp.rename(args.out)
    return {}


def task_versions(args: argparse.Namespace, clock: Clock) -> dict[str, Any]:
    import duckdb
    import numpy
    import pandas
    import pyarrow

    import clientbase
    from clientbase.shared import code_fingerprint

    # `code`: what keys the results a run keeps (clientbase.shared); when it changes during a
    # benchmark, warm runs compute again what they would otherwise read
    return {"pandas": pandas.__version__, "numpy": numpy.__version__, "duckdb": duckdb.__version__,
            "pyarrow": pyarrow.__version__, "clientbase": clientbase.__version__, "code": code_fingerprint()[:16]}


TASKS = {"generate": task_generate, "floor": task_floor, "cube": task_cube, "analyses": task_analyses,
         "naive": task_naive, "ours": task_ours, "prepare": task_prepare, "repeat": task_repeat,
         "versions": task_versions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("--result", type=Path, required=True)
    parser.add_argument("--orders", type=Path)
    parser.add_argument("--as-of")
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--cache", type=Path, help="a prepared data folder (for analyses)")
    parser.add_argument("--cache-tables", type=Path, help="canonical tables of a prepared folder (for ours)")
    parser.add_argument("--out", type=Path, help="export folder (for generate)")
    parser.add_argument("--customers", type=int)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--times", type=int, default=10, help="copies of the lines (for repeat)")
    parser.add_argument("--work", type=Path, default=None, help="where temporary files go")
    parser.add_argument("--shared", action="store_true", help="prepare: also compute the shared results")
    args = parser.parse_args(argv)
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    clock = Clock()
    rss_start = psutil.Process().memory_info().rss
    info = TASKS[args.task](args, clock)
    result = {
        "task": args.task,
        "seconds": sum(clock.parts.values()),
        "parts": clock.parts,
        "high_water": clock.high_water,
        "errors": clock.errors,
        "rss_start": rss_start,
        "maxrss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "info": info,
    }
    args.result.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(json.dumps({"task": args.task, "seconds": round(result["seconds"], 3), "errors": clock.errors}))
    return 1 if clock.errors else 0


if __name__ == "__main__":
    sys.exit(main())
