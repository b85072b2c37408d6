"""The demo profile's whole run at its own size (5,000 cards, ~150k order lines): `make report`'s
run, with HTML and PDF, and without PDF; cold (an empty cache: validation, the facts, the shared
results, every notebook) and warm (the prepared data reused). Issue 17's "small data is the
common case": where the seconds go per step and per notebook.

    .venv/bin/python benchmarks/demo_run.py [--repeats 3] [--result out.json]

Each run is `clientbase run params/demo.yaml` in a fresh process (benchmarks/harness.py times it and
watches its memory); the per-notebook parts come from the run's run.json (seconds per report,
from the task sent to the worker slot to its rendered PDF) and from the executed notebooks
(papermill's per-cell durations: the reset cell, the parameters and the set-up cell — imports,
loading the prepared data and the analyses — and the cells that lay the report out).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

CLIENTBASE = str(Path(sys.executable).with_name("clientbase"))
PROFILE = ROOT / "params" / "demo.yaml"


def one_run(cache: Path, out: Path, log: Path, *, pdf: bool) -> dict:
    cmd = [CLIENTBASE, "run", str(PROFILE), "--out", str(out), *([] if pdf else ["--no-pdf"])]
    env = {**__import__("os").environ, "CLIENTBASE_CACHE": str(cache)}
    m = harness.measure(cmd, log=log, env=env, cwd=ROOT, timeout=1800)
    if m.exit_code != 0:
        raise SystemExit(f"clientbase run failed ({m.exit_code}); see {log}")
    run_dir = next(out.glob("demo/*/run.json")).parent
    manifest = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    notebooks = {}
    for report in manifest["reports"]:
        nb = json.loads((run_dir / report["notebook"]).read_text(encoding="utf-8"))
        cells = [c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0 for c in nb["cells"]]
        tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"]]
        setup = next(i for i, t in enumerate(tags) if "parameters" in t) + 1
        while "injected-parameters" in tags[setup]:
            setup += 1
        notebooks[report["name"]] = {"seconds": report["seconds"], "cells": sum(cells), "setup": cells[setup],
                                     "layout": sum(cells[setup + 1:])}
    return {"seconds": m.seconds, "peak_rss": m.peak_rss, "timings": manifest["timings"], "notebooks": notebooks}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--result", type=Path)
    args = parser.parse_args(argv)
    out: dict = {"cold_pdf": [], "warm_pdf": [], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="clientbase-demo-bench-") as tmp:
        root = Path(tmp)
        for i in range(args.repeats):
            for pdf in (True, False):
                cache = root / f"cache-{i}-{pdf}"
                for kind in ("cold", "warm"):
                    reports = root / f"reports-{i}-{pdf}-{kind}"
                    run = one_run(cache, reports, root / f"{i}-{pdf}-{kind}.log", pdf=pdf)
                    out[f"{kind}_pdf" if pdf else kind].append(run)
                    shutil.rmtree(reports, ignore_errors=True)
                    print(f"run {i + 1}/{args.repeats}, {'HTML and PDF' if pdf else 'no PDF'}, {kind}: "
                          f"{run['seconds']:.1f} s", flush=True)
    summary = {key: {"seconds": [r["seconds"] for r in runs], "peak_rss": max(r["peak_rss"] for r in runs),
                     "prepare": statistics.median(r["timings"].get("prepare", 0.0) for r in runs),
                     "shared": statistics.median(r["timings"].get("shared", 0.0) for r in runs),
                     "notebooks": {name: {part: statistics.median(r["notebooks"][name][part] for r in runs)
                                          for part in ("seconds", "cells", "setup", "layout")}
                                   for name in runs[0]["notebooks"]}}
               for key, runs in out.items()}
    if args.result:
        args.result.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(json.dumps({k: v["seconds"] for k, v in summary.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
