"""`generate_demo`: the demo dataset and its truth written atomically into a folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from clientbase.demo.export import _write_export
from clientbase.demo.model import _calendar
from clientbase.demo.truth import _write_truth
from clientbase.demo.vocabulary import DEMO_END, FILE_FORMATS, MIN_CUSTOMERS, MIN_YEARS
from clientbase.demo.world import _build_world
from clientbase.files import replace_dir


@dataclass(frozen=True)
class DemoSummary:
    """What `generate_demo` wrote: the two folders and the size of each table."""

    out: Path
    truth: Path
    customers: int
    contacts: int
    documents: int
    order_lines: int
    campaigns: int
    campaign_members: int
    leads: int


def generate_demo(
    out: str | Path,
    *,
    customers: int = 5000,
    years: int = 3,
    seed: int = 42,
    end: pd.Timestamp = DEMO_END,
    file_format: str = "1c",
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Write a synthetic 1C-style export into `out` and its ground truth next to it.

    Parameters
    ----------
    out
        the export folder; the truth goes to ``out.parent / f"{out.name}_truth"``. Both are
        written into temporary folders beside them and renamed into place at the end, so a
        failure leaves nothing half-written; existing folders are replaced.
    customers
        number of customer cards (at least `MIN_CUSTOMERS`); about 30 order lines each
        over 3 years.
    years
        length of the sales history ending at `end` (at least `MIN_YEARS`).
    seed
        the same seed and arguments give byte-identical files.
    end
        the last day of data; as_of is the end of the last complete quarter on or before it.
    file_format
        ``"1c"`` (cp1251 CSV as 1C saves it, Russian headers, see formats/1c.yaml) or
        ``"parquet"`` (canonical column names, one file per table).
    progress
        called with a short message at each step.

    The planted content and the truth files are described in the module docstring.
    """
    if file_format not in FILE_FORMATS:
        raise ValueError(f"file_format must be one of {FILE_FORMATS}, got {file_format!r}")
    if int(customers) != customers or customers < MIN_CUSTOMERS:
        raise ValueError(f"customers must be an integer >= {MIN_CUSTOMERS}, got {customers!r}")
    if int(years) != years or years < MIN_YEARS:
        raise ValueError(f"years must be an integer >= {MIN_YEARS}, got {years!r}")
    say = progress or (lambda _message: None)
    out = Path(out)
    truth = out.parent / f"{out.name}_truth"
    for folder in (out, truth):
        if folder.exists() and not folder.is_dir():
            raise ValueError(f"{folder} exists and is not a folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    cal = _calendar(pd.Timestamp(end), int(years))
    arguments = {"customers": int(customers), "years": int(years), "seed": int(seed),
                 "end": cal.end.date().isoformat(), "file_format": file_format}

    temps: list[Path] = []
    try:
        tmp_out = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
        temps.append(tmp_out)
        tmp_truth = Path(tempfile.mkdtemp(prefix=f".{truth.name}.", suffix=".tmp", dir=out.parent))
        temps.append(tmp_truth)
        world = _build_world(int(customers), int(seed), cal, say)
        say("writing the export")
        counts = _write_export(world, tmp_out, file_format, int(seed), say)
        say("writing the ground truth")
        _write_truth(world, tmp_truth, counts, arguments)
        replace_dir(tmp_out, out)
        replace_dir(tmp_truth, truth)
    except BaseException:
        for temp in temps:
            shutil.rmtree(temp, ignore_errors=True)
        raise
    say("done")
    return DemoSummary(
        out=out, truth=truth, customers=len(world.customers), contacts=len(world.contacts),
        documents=counts["documents"], order_lines=counts["order_lines"], campaigns=len(world.campaigns),
        campaign_members=len(world.members), leads=len(world.leads),
    )
