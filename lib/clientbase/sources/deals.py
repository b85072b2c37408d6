"""Deals and their stage history (1C's «Сделки с клиентами» and the history of their stages):
the checks that need more than one column or table.

REFERENCE.md "Deal funnel", issue 14:
- a deal closed (won or lost) needs its closing date, and a closing date before the deal's
  creation is an error naming file, row and column;
- with the profile's stage list (`deal_funnel: {stages: [...]}`), a stage in the deals or
  in the history that is not in the list is an error naming file, row and value;
- a history entry of a deal the deals file does not have is a warning, and the entry is
  dropped (counted in the overview's `rows_used`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.errors import Problem
from clientbase.sources.documents import _rows_problem
from clientbase.sources.readers import _LISTED_ROWS, _rows_text
from clientbase.sources.tables import _LISTED_VALUES


def deal_problems(
    frames: dict[str, pd.DataFrame], paths: dict[str, Path], headers: dict[str, dict[str, str]],
    stages: Sequence[str] | None = None,
) -> list[Problem]:
    """The checks of deals and of their history; drops history entries of unknown deals.

    Changes ``frames["deal_stages"]`` in place (this module's caller's intermediate frames).
    """
    problems: list[Problem] = []
    deals = frames.get("deals")
    if deals is not None:
        closed = deals["status"].isin(["won", "lost"])
        undated = (closed & deals["closed_at"].isna()).to_numpy(dtype=bool)
        problems += _rows_problem(deals, undated, "deals", "closed_at", paths, headers,
                                  "is empty for a won or lost deal (the day it was closed is needed)")
        early = (deals["closed_at"].dt.normalize() < deals["created_at"].dt.normalize()).fillna(False)
        problems += _rows_problem(deals, early.to_numpy(dtype=bool), "deals", "closed_at", paths, headers,
                                  "is before the deal's creation (created_at)")
    history = frames.get("deal_stages")
    if history is not None and deals is not None:
        orphan = ~history["deal_id"].isin(deals["deal_id"])
        if orphan.any():
            problems += _rows_problem(history, orphan.to_numpy(dtype=bool), "deal_stages", "deal_id", paths,
                                      headers, "names a deal that is not in the deals file (the entry is dropped)",
                                      severity="warning")
            frames["deal_stages"] = history.loc[~orphan]
    if stages:
        for table in ("deals", "deal_stages"):
            if table in frames:
                problems += _unknown_stages(frames[table], table, stages, paths, headers)
    return problems


def _unknown_stages(
    frame: pd.DataFrame, table: str, stages: Sequence[str], paths: dict[str, Path],
    headers: dict[str, dict[str, str]],
) -> list[Problem]:
    """One error per stage value not in the profile's list (the first few), with its rows."""
    known = {fold_stage(s) for s in stages}
    codes, uniques = pd.factorize(frame["stage"])  # each distinct stage folded once
    unknown = [fold_stage(v) not in known for v in uniques]
    bad = pd.Series((codes >= 0) & np.asarray(unknown + [False], dtype=bool)[codes], index=frame.index)
    if not bad.any():
        return []
    header = headers.get(table, {}).get("stage") or "stage"
    listed = ", ".join(stages)
    out = []
    values = frame.loc[bad, "stage"]
    for value in values.drop_duplicates().iloc[:_LISTED_VALUES]:
        rows = frame.loc[bad & (frame["stage"] == value), "_row"].to_numpy()
        out.append(Problem(paths[table].name, int(rows[0]), header,
                           f"stage {value!r} is not in the profile's stage list (deal_funnel.stages: {listed}): "
                           f"{_rows_text(rows, listed=_LISTED_ROWS)}", table=table))
    more = values.nunique() - _LISTED_VALUES
    if more > 0:
        out.append(Problem(paths[table].name, None, header, f"and {more} more stages not in the list",
                           table=table))
    return out


def canonical_stages(frame: pd.DataFrame, stages: Sequence[str]) -> pd.DataFrame:
    """`frame` with its stages spelled as in the profile's list (case and ё folded)."""
    spelled = {fold_stage(s): s for s in stages}
    codes, uniques = pd.factorize(frame["stage"])  # each distinct stage folded once
    names = np.array([spelled.get(fold_stage(v), v) for v in uniques] + [None], dtype=object)
    return frame.assign(stage=pd.Series(names[codes], index=frame.index, dtype="str"))


def fold_stage(value: object) -> str:
    """A stage name compared without case, ё or extra spaces."""
    return " ".join(str(value).replace("ё", "е").replace("Ё", "Е").lower().split())


__all__ = ["canonical_stages", "deal_problems", "fold_stage"]
