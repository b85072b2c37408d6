"""The deals as they stood at as_of (REFERENCE.md "Deal funnel", "Snapshot at as_of").

History entries, closings and deals dated after as_of are ignored: a deal won after as_of is
open at as_of, at the last stage it entered by then. Stages are numbered by the profile's
order (0 = the first); each deal gets

- `furthest`: the highest stage among its history entries up to as_of (its `stage` when it
  has no history); a deal won by as_of has reached every stage;
- `current`: the stage of its latest history entry up to as_of (its `stage` without
  history): a deal that went back is where it is now;
- `entered`: the day it entered its current stage (its creation without history).

Deal ids and stage names are turned into numbers once (`Deals`), so that the snapshots at
as_of and at the previous quarter's end work on integer arrays: a million deals with five
million stage entries take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.sources.deals import fold_stage


@dataclass(frozen=True)
class Deals:
    """The deals with their stage as a number (`own`) and a row number (`code`), and their history
    as numbers: `deal` (the deal's code), `stage`, `entered_at`, in time order within each deal."""

    stages: tuple[str, ...]
    deals: pd.DataFrame
    history: pd.DataFrame | None


@dataclass(frozen=True)
class Snapshot:
    """Deals and history at `as_of`, stages as numbers; `has_history` when a history was given."""

    as_of: pd.Timestamp
    stages: tuple[str, ...]
    deals: pd.DataFrame  # the deals created by as_of, status at as_of; code, furthest, current, entered
    history: pd.DataFrame  # deal (code), stage (number), entered_at; up to as_of, in time order within a deal
    has_history: bool
    size: int  # number of deal codes (the deals given, whatever their date)

    @property
    def open(self) -> pd.DataFrame:
        return self.deals[self.deals["status"] == "open"]


def stage_numbers(values: pd.Series, stages: Sequence[str]) -> np.ndarray:
    """Each value's place in `stages` (case and ё folded); a ValueError names values not in it."""
    folded = {fold_stage(s): i for i, s in enumerate(stages)}
    codes, uniques = pd.factorize(values)  # a stage name is folded once, not once per row
    places = np.array([folded.get(fold_stage(v), -1) if isinstance(v, str) else -1 for v in uniques], dtype=np.int64)
    numbers = np.where(codes >= 0, places[np.maximum(codes, 0)] if len(places) else -1, -1)
    unknown = sorted({str(v) for v, p in zip(uniques, places, strict=True) if p < 0} | (
        {"(empty)"} if (codes < 0).any() else set()))
    if unknown:
        raise ValueError(f"stages not in the funnel's list ({', '.join(stages)}): {', '.join(unknown[:10])}")
    return numbers


def numbered(deals: pd.DataFrame, history: pd.DataFrame | None, stages: Sequence[str]) -> Deals:
    """The deals and their history with ids and stages as numbers (entries of unknown deals left out)."""
    d = deals.reset_index(drop=True).assign(code=np.arange(len(deals)), own=stage_numbers(deals["stage"], stages))
    if history is None:
        return Deals(tuple(stages), d, None)
    deal = pd.Index(d["deal_id"]).get_indexer(history["deal_id"])
    h = pd.DataFrame({"deal": deal, "stage": stage_numbers(history["stage"], stages),
                      "entered_at": history["entered_at"].to_numpy()})
    h = h[h["deal"] >= 0]
    # time order within each deal; entries of one day keep the file's order
    h = h.sort_values(["deal", "entered_at"], kind="stable").reset_index(drop=True)
    return Deals(tuple(stages), d, h)


def snapshot(deals: pd.DataFrame | Deals, history: pd.DataFrame | None = None, *, as_of: pd.Timestamp,
             stages: Sequence[str] | None = None) -> Snapshot:
    """The deals created by `as_of` with their status, stages and history as of that day.

    `deals` is the deals table (with `history` and `stages`) or, to take several snapshots of
    the same deals, what `numbered` made of them.
    """
    prepared = deals if isinstance(deals, Deals) else numbered(deals, history, stages or ())
    as_of = pd.Timestamp(as_of).normalize()
    end = as_of + pd.Timedelta(days=1)  # anything dated on as_of counts, whatever its time
    everyone = prepared.deals
    n = len(everyone)
    d = everyone.loc[everyone["created_at"] < end].copy()
    closed = d["status"].isin(["won", "lost"]) & (d["closed_at"] < end)
    d["status"] = d["status"].where(closed, "open")
    d["closed_at"] = d["closed_at"].where(closed)
    has_history = prepared.history is not None
    if has_history:
        h = prepared.history[prepared.history["entered_at"] < end]
        created = np.zeros(n, dtype=bool)
        created[d["code"].to_numpy()] = True
        h = h[created[h["deal"].to_numpy()]].reset_index(drop=True)
    else:
        h = pd.DataFrame({"deal": np.array([], np.int64), "stage": np.array([], np.int64),
                          "entered_at": np.array([], "datetime64[ns]")})
    deal, stage = h["deal"].to_numpy(np.int64), h["stage"].to_numpy(np.int64)
    furthest = np.full(n, -1, dtype=np.int64)
    np.maximum.at(furthest, deal, stage)
    last = np.ones(len(h), dtype=bool)
    last[:-1] = deal[1:] != deal[:-1]  # the latest entry of each deal (entries are in time order)
    current = np.full(n, -1, dtype=np.int64)
    current[deal[last]] = stage[last]
    entered = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    entered[deal[last]] = h["entered_at"].to_numpy()[last]
    code, own = d["code"].to_numpy(), d["own"].to_numpy()
    d["furthest"] = np.where(furthest[code] >= 0, furthest[code], own)
    d.loc[d["status"] == "won", "furthest"] = len(prepared.stages) - 1
    d["current"] = np.where(current[code] >= 0, current[code], own)
    d["entered"] = pd.Series(entered[code], index=d.index).fillna(d["created_at"])
    return Snapshot(as_of, prepared.stages, d.reset_index(drop=True), h, has_history, n)


def cohort(snap: Snapshot, start: pd.Timestamp) -> pd.DataFrame:
    """The deals created from `start` to as_of (the window's cohort)."""
    return snap.deals[snap.deals["created_at"] >= pd.Timestamp(start)]
