"""Time and peak memory of loading a 1C CSV export of order lines: whole-file read vs streamed (issue 17).

    .venv/bin/python benchmarks/csv_streaming.py [--lines 1000000,3000000] [--customers 20000]
                                                 [--work DIR] [--out docs/csv_streaming.md]
                                                 [--result FILE.json]

For each size, a 1C-style export is generated once (cp1251, ``;``, CRLF, a title block, the
header in Russian, dates ``DD.MM.YYYY HH:MM:SS``, documents by their presentation, customers
by name, decimal commas with NBSP thousands, a cancelled document in twenty, one line in a
thousand of a customer no card names, an «Итого» row) with a customers file of
``--customers`` cards. Then each way of loading it runs in a fresh process, watched by
`harness.measure` (wall time, peak RSS of the process tree):

- ``before``: ``load_source(folder, "1c")``, the orders read whole into pandas, then written
  to Parquet as the cache writes them (``DataFrame.to_parquet``): the path of every CSV
  export before issue 17;
- ``after``: ``load_source(folder, "1c", orders_parquet=...)``, as ``cache.prepare`` calls it:
  the orders streamed a chunk at a time (`clientbase.sources.streaming`).

Both children report the problems, the row counts and the written file's rows; the parent
checks that they agree, compares the two Parquet files column by column and writes a markdown
table to ``--out`` (and, with ``--result``, the same figures as JSON for benchmarks/run.py's
targets table).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import MB, load_average, machine, measure  # noqa: E402

NBSP = "\u00a0"
_CHUNK = 250_000
_PRODUCTS = np.array([f"Товар {i:04d} «Серия {i % 17}»" for i in range(2000)], dtype=object)


def generate(folder: Path, lines: int, customers: int, seed: int = 17) -> None:
    """A 1C export: kontragenty.csv and prodazhi.csv of `lines` order lines (written in chunks)."""
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    names = np.array([f"ООО «Клиент {i:06d}»" for i in range(customers)], dtype=object)
    cards = pd.DataFrame({"Код": [f"00-{i:06d}" for i in range(customers)], "Наименование": names,
                          "ИНН": [f"{7700000000 + i}" for i in range(customers)]})
    text = ";".join(cards.columns) + "\r\n" + "\r\n".join(";".join(r) for r in cards.itertuples(index=False))
    (folder / "kontragenty.csv").write_bytes((text + "\r\n").encode("cp1251"))
    header = "Дата;Документ;Контрагент;Номенклатура;Количество;Сумма;Себестоимость;Статус"
    title = ["Продажи по клиентам", "Параметры:;Период: 01.01.2023 - 31.12.2025", "Отбор:;Организация Равно «Ромашка»",
             "", header]
    total = 0.0
    with open(folder / "prodazhi.csv", "wb") as out:
        out.write(("\r\n".join(title) + "\r\n").encode("cp1251"))
        for low in range(0, lines, _CHUNK):
            n = min(_CHUNK, lines - low)
            doc = (low + np.arange(n)) // 3  # three lines a document
            seconds = 1672531200 + doc * 30
            when = pd.Series(pd.to_datetime(seconds, unit="s")).dt.strftime("%d.%m.%Y %H:%M:%S")
            number = pd.Series(doc % 1_000_000).astype("str").str.zfill(6)
            who = names[(doc * 7919) % customers].copy()
            who[rng.random(n) < 0.001] = "ООО «Нет такого клиента»"
            quantity = rng.integers(1, 20, n)
            amount = np.round(rng.gamma(2.0, 4000.0, n), 2)
            total += float(amount.sum())
            cells = [when, "Реализация товаров и услуг 00-" + number + " от " + when, pd.Series(who),
                     pd.Series(_PRODUCTS[rng.integers(0, len(_PRODUCTS), n)]), pd.Series(quantity).astype("str"),
                     _ru_money(amount), _ru_money(np.round(amount * 0.62, 2)),
                     pd.Series(np.where(doc % 20 == 0, "Отменен", "Проведен"))]
            row = cells[0].astype("str")
            for cell in cells[1:]:
                row = row + ";" + cell.astype("str").to_numpy()
            out.write(("\r\n".join(row.tolist()) + "\r\n").encode("cp1251"))
        out.write((f"Итого;;;;;{_ru_money(np.array([total])).iloc[0]};;\r\n").encode("cp1251"))


def _ru_money(values: np.ndarray):
    """1C's ``18 450,00``: NBSP between thousands, a decimal comma."""
    import pandas as pd

    cents = np.rint(values * 100).astype(np.int64)
    whole = pd.Series(cents // 100).map(lambda v: f"{v:,}".replace(",", NBSP))
    return whole + "," + pd.Series(cents % 100).astype("str").str.zfill(2)


def child(way: str, data: Path, out: Path, result: Path) -> None:
    """One load in this process; the result JSON holds seconds, counts and problems."""
    from clientbase.sources import load_source, streaming

    started = time.perf_counter()
    if way == "before":
        source = load_source(data, "1c")
        source.tables["orders"].to_parquet(out, index=False)
    else:
        source = load_source(data, "1c", orders_parquet=out)
        assert source.written == {"orders": out}, "the orders were not streamed"
    seconds = time.perf_counter() - started
    result.write_text(json.dumps({
        "seconds": seconds,
        "counts": {t: c.as_dict() for t, c in source.counts.items()},
        "problems": [asdict(p) for p in source.problems],
        **({"chunk_lines": streaming._CHUNK_LINES} if way == "after" else {}),
    }, ensure_ascii=False), encoding="utf-8")


def same_lines(a: Path, b: Path) -> bool:
    """Whether two Parquet files hold the same columns and rows in the same order (column by column)."""
    import pyarrow.parquet as pq

    if not pq.read_schema(a).equals(pq.read_schema(b), check_metadata=True):
        return False
    return all(pq.read_table(a, columns=[c]).column(c).equals(pq.read_table(b, columns=[c]).column(c))
               for c in pq.read_schema(a).names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="1000000,3000000")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--ways", default="before,after")
    parser.add_argument("--work", type=Path, default=Path("/tmp/clientbase-csv-streaming"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "csv_streaming.md")
    parser.add_argument("--result", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--child", nargs=4, metavar=("WAY", "DATA", "OUT", "RESULT"), help=argparse.SUPPRESS)
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        way, data, out, result = args.child
        child(way, Path(data), Path(out), Path(result))
        return
    if args.compare:  # exit code 0 when equal, in a process of its own: the runner stays small
        raise SystemExit(0 if same_lines(*map(Path, args.compare)) else 1)
    rows = []
    for lines in (int(v) for v in args.lines.split(",")):
        data = args.work / f"export-{lines}"
        if not (data / "prodazhi.csv").exists():
            started = time.perf_counter()
            generate(data, lines, args.customers)
            print(f"generated {lines:,} lines in {time.perf_counter() - started:.0f} s", flush=True)
        size = (data / "prodazhi.csv").stat().st_size
        results = {}
        for way in args.ways.split(","):
            out, result = args.work / f"{way}-{lines}.parquet", args.work / f"{way}-{lines}.json"
            out.unlink(missing_ok=True)
            m = measure([sys.executable, __file__, "--child", way, str(data), str(out), str(result)],
                        log=args.work / f"{way}-{lines}.log", result=result, cwd=ROOT, timeout=3600)
            if m.exit_code != 0:
                raise SystemExit(f"{way} at {lines:,} lines failed: see {args.work / f'{way}-{lines}.log'}")
            results[way] = m
            print(f"{lines:,} lines, {way}: {m.seconds:.1f} s wall ({m.result['seconds']:.1f} s loading), "
                  f"peak RSS {m.peak_rss / MB:,.0f} MB", flush=True)
        agree = ""
        if {"before", "after"} <= set(results):
            b, a = results["before"].result, results["after"].result
            files = [str(args.work / f"{way}-{lines}.parquet") for way in ("before", "after")]
            ok = (b["counts"] == a["counts"] and b["problems"] == a["problems"]
                  and subprocess.run([sys.executable, __file__, "--compare", *files]).returncode == 0)
            agree = "yes" if ok else "NO"
        counts = next(iter(results.values())).result["counts"]["orders"]
        rows.append((lines, size, counts, results, agree))
    table = report(rows)
    print(table)
    args.out.write_text(table, encoding="utf-8")
    if args.result:
        args.result.write_text(json.dumps(figures(rows), indent=1), encoding="utf-8")


def figures(rows: list) -> dict:
    """The table's figures: per size the file, the rows used, and per way wall, loading (seconds)
    and peak RSS (bytes)."""
    return {"rows": [{"lines": lines, "file_bytes": size, "rows_used": counts["rows_used"], "same": agree,
                      "ways": {way: {"wall": m.seconds, "loading": m.result["seconds"], "peak_rss": m.peak_rss}
                               for way, m in results.items()}}
                     for lines, size, counts, results, agree in rows]}


def report(rows: list) -> str:
    head = ["# Streaming 1C CSV order lines (issue 17)", "",
            "Written by `benchmarks/csv_streaming.py`: a generated 1C export (cp1251, `;`, title block, Russian "
            "headers, decimal commas with NBSP thousands, customers by name, an «Итого» row), loaded by "
            "`load_source` in a fresh process. *before*: the orders read whole into pandas and written with "
            "`to_parquet` (every CSV export before issue 17); *after*: `load_source(..., orders_parquet=...)` as "
            "`cache.prepare` calls it, the orders streamed a chunk at a time. Wall time of the process (imports "
            "included), the loading alone, and the peak RSS of the process tree. *Same*: the same problems, row "
            "counts and canonical order lines (compared column by column).", "",
            "| lines | file | rows used | way | wall | loading | peak RSS | same |",
            "|---:|---:|---:|---|---:|---:|---:|---|"]
    for lines, size, counts, results, agree in rows:
        for way, m in results.items():
            head.append(f"| {lines:,} | {size / MB:,.0f} MB | {counts['rows_used']:,} | {way} | {m.seconds:.1f} s | "
                        f"{m.result['seconds']:.1f} s | {m.peak_rss / MB:,.0f} MB | {agree} |")
    head.append("")
    for way in ("before", "after"):
        runs = [(lines, results[way]) for lines, _, _, results, _ in rows if way in results]
        if len(runs) > 1:
            (n0, m0), (n1, m1) = runs[0], runs[-1]
            head.append(f"- *{way}*: from {n0:,} to {n1:,} lines the peak RSS goes from {m0.peak_rss / MB:,.0f} "
                        f"to {m1.peak_rss / MB:,.0f} MB (×{m1.peak_rss / m0.peak_rss:.2f}) and the loading from "
                        f"{m0.result['seconds']:.1f} to {m1.result['seconds']:.1f} s.")
    for lines, _, _, results, _ in rows:
        if {"before", "after"} <= set(results):
            b, a = results["before"], results["after"]
            head.append(f"- at {lines:,} lines, *after* takes {a.result['seconds'] / b.result['seconds']:.2f}× the "
                        f"loading time and {a.peak_rss / b.peak_rss:.2f}× the peak RSS of *before*.")
    chunks = {m.result.get("chunk_lines") for _, _, _, results, _ in rows for m in results.values()} - {None}
    chunked = f", chunks of {', '.join(f'{c:,}' for c in sorted(chunks))} lines" if chunks else ""
    info = machine()
    head += ["", f"One run of each way, sizes one after the other{chunked}. "
             f"Machine: {', '.join(f'{k} {v}' for k, v in info.items())}; load average at the end "
             f"{load_average()}. The machine is shared: wall times of the same code varied by up to ×2.7 "
             "between three runs of this benchmark on one day (3M before: 37 to 100 s), peak memory by 1 %.", ""]
    return "\n".join(head)



if __name__ == "__main__":
    main()
