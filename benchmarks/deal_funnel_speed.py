"""Time `clientbase.deal_funnel.deal_funnel_report` on synthetic deals (run by hand, not a test).

    .venv/bin/python benchmarks/deal_funnel_speed.py [--deals 1000000] [--entries 5] [--repeats 3]
                                                     [--result result.json]

`make bench` runs it (`benchmarks/run.py`, "Deal funnel" in docs/PERFORMANCE.md).

Synthetic data: deals created over four years before as_of across six stages, 40 managers and
5 sources; each deal has 1 to 9 stage entries (5 on average: 5M for 1M deals), mostly forward,
some skipping a stage or stepping back; a third are won, half lost (with one of five reasons),
the rest open, some closed after as_of. Prints the best and median wall time of the whole
report (two snapshots, the cohort tables, the probabilities, forecast and backtest).
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

from clientbase.deal_funnel import DealFunnelOptions, deal_funnel_report  # noqa: E402

AS_OF = pd.Timestamp("2025-12-31")
STAGES = ["Первичный контакт", "Квалификация", "Выявление потребностей", "Коммерческое предложение", "Переговоры",
          "Договор"]


def deals_and_history(n: int, entries: int = 5, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    start = (AS_OF - pd.Timedelta(days=4 * 365)).to_datetime64().astype("datetime64[ns]")
    created = start + rng.integers(0, 4 * 365 + 60, n).astype("timedelta64[D]")
    count = rng.integers(1, 2 * entries, n)
    deal = np.repeat(np.arange(n), count)
    step = np.arange(len(deal)) - np.repeat(np.cumsum(count) - count, count)
    # forward by one or two stages, now and then one back; kept within the funnel
    move = np.where(rng.random(len(deal)) < 0.1, -1, rng.choice([1, 2], len(deal), p=[0.85, 0.15]))
    move[step == 0] = 0
    stage = np.zeros(len(deal), dtype=np.int64)
    cum = np.cumsum(move)
    stage = np.clip(cum - np.repeat(cum[np.cumsum(count) - count], count), 0, len(STAGES) - 1)
    entered = created[deal] + (step * rng.integers(1, 15, len(deal))).astype("timedelta64[D]")
    last_entry = entered[np.cumsum(count) - 1]
    status = rng.choice(np.array(["won", "lost", "open"], dtype=object), n, p=[0.33, 0.5, 0.17])
    closed = np.where(status == "open", np.datetime64("NaT"),
                      last_entry + rng.integers(1, 20, n).astype("timedelta64[D]")).astype("datetime64[ns]")
    ids = np.array([f"D{i:08d}" for i in range(n)], dtype=object)
    names = np.asarray(STAGES, dtype=object)
    last_stage = stage[np.cumsum(count) - 1]
    deals = pd.DataFrame({
        "deal_id": pd.array(ids, dtype="str"), "created_at": created, "amount": np.round(rng.lognormal(11, 1, n), -2),
        "stage": pd.array(names[last_stage], dtype="str"), "status": pd.array(status, dtype="str"),
        "closed_at": closed,
        "loss_reason": pd.array(np.where(status == "lost", np.array(["Дорого", "Выбрали конкурента", "Нет бюджета",
                                                                      "Пропал контакт", "Сроки"], dtype=object)[
            rng.integers(0, 5, n)], None), dtype="str"),
        "manager": pd.array(np.array([f"Менеджер {i}" for i in range(40)], dtype=object)[rng.integers(0, 40, n)],
                            dtype="str"),
        "source": pd.array(np.array(["Сайт", "Звонок", "Выставка", "Рекомендация", "Реклама"], dtype=object)[
            rng.integers(0, 5, n)], dtype="str"),
        "customer_id": pd.array(np.array([f"C{i:07d}" for i in rng.integers(0, n // 2, n)], dtype=object),
                                dtype="str"),
    })
    history = pd.DataFrame({"deal_id": pd.array(ids[deal], dtype="str"), "stage": pd.array(names[stage], dtype="str"),
                            "entered_at": entered})
    return deals, history


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=5, help="stage entries per deal on average")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--result", type=Path, help="write the timings here as JSON")
    args = parser.parse_args(argv)
    built = time.perf_counter()
    deals, history = deals_and_history(args.deals, args.entries)
    print(f"{len(deals):,} deals, {len(history):,} stage entries (built in {time.perf_counter() - built:.1f} s)")
    options = DealFunnelOptions(stages=STAGES)
    times = []
    for i in range(args.repeats):
        started = time.perf_counter()
        result = deal_funnel_report(deals, history, as_of=AS_OF, options=options)
        times.append(time.perf_counter() - started)
        print(f"run {i + 1}: deal_funnel_report {times[-1]:.2f} s ({result.pipeline.deals:,} open deals forecast)")
    print(f"best {min(times):.2f} s, median {statistics.median(times):.2f} s")
    if args.result:
        args.result.write_text(json.dumps({"deals": len(deals), "entries": len(history), "report": times}, indent=1),
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
