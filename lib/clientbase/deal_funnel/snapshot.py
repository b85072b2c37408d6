"""The deals as they stood at as_of (REFERENCE.md "Deal funnel", "Snapshot at as_of").

History entries, closings and deals dated after as_of are ignored: a deal won after as_of is
open at as_of, at the last stage it entered by then. Stages are numbered by the profile's
order (0 = the first); each deal gets

- `furthest`: the highest stage among its history entries up to as_of (its `stage` when it
  has no history); a deal won by as_of has reached every stage;
- `current`: the stage of its latest history entry up to as_of (its `stage` without
  history): a deal that went back is where it is now;
- `entered`: the day it entered its current stage (its creation without history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.sources.deals import fold_stage


@dataclass(frozen=True)
class Snapshot:
    """Deals and history at `as_of`, stages as numbers; `has_history` when a history was given."""

    as_of: pd.Timestamp
    stages: tuple[str, ...]
    deals: pd.DataFrame  # deal_id, created_at, amount, status (at as_of), closed_at, ..., furthest, current, entered
    history: pd.DataFrame  # deal_id, stage (number), entered_at; up to as_of, in time order
    has_history: bool

    @property
    def open(self) -> pd.DataFrame:
        return self.deals[self.deals["status"] == "open"]


def stage_numbers(values: pd.Series, stages: Sequence[str]) -> np.ndarray:
    """Each value's place in `stages` (case and ё folded); a ValueError names values not in it."""
    folded = {fold_stage(s): i for i, s in enumerate(stages)}
    numbers = values.map(lambda v: folded.get(fold_stage(v), -1) if isinstance(v, str) else -1).to_numpy(np.int64)
    unknown = sorted(set(values[numbers < 0].astype("str")))
    if unknown:
        raise ValueError(f"stages not in the funnel's list ({', '.join(stages)}): {', '.join(unknown[:10])}")
    return numbers


def snapshot(deals: pd.DataFrame, history: pd.DataFrame | None, *, as_of: pd.Timestamp,
             stages: Sequence[str]) -> Snapshot:
    """The deals created by `as_of` with their status, stages and history as of that day."""
    as_of = pd.Timestamp(as_of).normalize()
    end = as_of + pd.Timedelta(days=1)  # anything dated on as_of counts, whatever its time
    d = deals.loc[deals["created_at"] < end].copy()
    closed = d["status"].isin(["won", "lost"]) & (d["closed_at"] < end)
    d["status"] = d["status"].where(closed, "open")
    d["closed_at"] = d["closed_at"].where(closed)
    own = stage_numbers(d["stage"], stages)
    has_history = history is not None
    h = pd.DataFrame({"deal_id": pd.Series(dtype="str"), "stage": pd.Series(dtype="int64"),
                      "entered_at": pd.Series(dtype="datetime64[ns]")})
    if has_history:
        kept = history.loc[(history["entered_at"] < end) & history["deal_id"].isin(d["deal_id"])]
        h = pd.DataFrame({"deal_id": kept["deal_id"].to_numpy(), "stage": stage_numbers(kept["stage"], stages),
                          "entered_at": kept["entered_at"].to_numpy()})
        # time order; entries of one day keep the file's order
        h = h.sort_values(["deal_id", "entered_at"], kind="stable").reset_index(drop=True)
    by_deal = h.groupby("deal_id", sort=False)
    furthest = by_deal["stage"].max()
    latest = h.drop_duplicates("deal_id", keep="last").set_index("deal_id")
    ids = d["deal_id"]
    d["furthest"] = ids.map(furthest).fillna(pd.Series(own, index=d.index)).astype("int64")
    d.loc[d["status"] == "won", "furthest"] = len(stages) - 1
    d["current"] = ids.map(latest["stage"]).fillna(pd.Series(own, index=d.index)).astype("int64")
    entered = latest["entered_at"].reindex(ids.to_numpy()).to_numpy()  # NaT without history
    d["entered"] = pd.Series(entered, index=d.index).fillna(d["created_at"])
    return Snapshot(as_of, tuple(stages), d.reset_index(drop=True), h, has_history)


def cohort(snap: Snapshot, start: pd.Timestamp) -> pd.DataFrame:
    """The deals created from `start` to as_of (the window's cohort)."""
    return snap.deals[snap.deals["created_at"] >= pd.Timestamp(start)]
