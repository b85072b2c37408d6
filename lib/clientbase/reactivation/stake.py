"""What the reactivation list costs and how it was built: lost revenue by reason and by
manager, and the funnel from the clients in scope to the urgent calls, with the class-A
shares the summary says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.reactivation.options import ACTIVITY_DROP, NO_ORDERS, OVERDUE, REASON_SEPARATOR


@dataclass(frozen=True)
class RevenueAtStake:
    """Lost revenue of the reactivation list, by reason and by manager."""

    by_reason: pd.DataFrame
    by_manager: pd.DataFrame


def revenue_at_stake(candidates: pd.DataFrame) -> RevenueAtStake:
    """How many customers and how much lost revenue each reason and each manager carries.

    REFERENCE.md "Reactivation". A customer with several reasons is counted once per
    reason in `by_reason`, so its customers and lost revenue do not add up to the list's
    totals; `by_manager` counts every customer once.

    Returns
    -------
    RevenueAtStake
        `by_reason`: reason (code), customers, lost_revenue — in the order no orders,
        overdue vs own rhythm, activity drop. `by_manager`: manager (NA for
        customers without one), customers, urgent, lost_revenue — most lost revenue first.
    """
    # a handful of distinct reason combinations: aggregate per combination, then split
    combos = (
        candidates.groupby("reason", sort=False)
        .agg(customers=("lost_revenue", "size"), lost_revenue=("lost_revenue", "sum"))
        .reset_index()
    )
    exploded = combos.assign(reason=combos["reason"].str.split(REASON_SEPARATOR)).explode("reason")
    exploded = exploded[exploded["reason"].notna() & exploded["reason"].ne("")]
    by_reason = (
        exploded.groupby("reason", sort=False)
        .agg(customers=("customers", "sum"), lost_revenue=("lost_revenue", "sum"))
        .reset_index()
    )
    order = by_reason["reason"].map(_reason_order).astype(np.int64)
    by_reason = (
        by_reason.assign(_order=order)
        .sort_values(["_order", "reason"], kind="mergesort")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    by_reason["reason"] = by_reason["reason"].astype("str")
    by_reason["customers"] = by_reason["customers"].astype(np.int64)
    by_reason["lost_revenue"] = by_reason["lost_revenue"].astype(float)

    by_manager = (
        candidates.groupby("manager", sort=False, dropna=False)
        .agg(
            customers=("customer_id", "size"),
            urgent=("urgent", "sum"),
            lost_revenue=("lost_revenue", "sum"),
        )
        .reset_index()
        .sort_values(["lost_revenue", "manager"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )
    by_manager["manager"] = by_manager["manager"].astype("str")
    by_manager[["customers", "urgent"]] = by_manager[["customers", "urgent"]].astype(np.int64)
    by_manager["lost_revenue"] = by_manager["lost_revenue"].astype(float)
    return RevenueAtStake(by_reason=by_reason, by_manager=by_manager)


FUNNEL_STEPS = ("scope", NO_ORDERS, OVERDUE, ACTIVITY_DROP, "listed", "class_a", "urgent", "unassigned")


def reactivation_funnel(scope: pd.DataFrame, candidates: pd.DataFrame, *, abc_known: bool) -> pd.DataFrame:
    """How the list was built, step by step (`reactivation/funnel.csv`).

    REFERENCE.md "Reactivation". Steps (codes, in this order): `scope` (clients who
    bought in the lookback), each reason (`no_orders_N_days`, `overdue_vs_own_rhythm`,
    `activity_drop`; a client with several reasons counts under each, so these overlap),
    `listed` (at least one reason), then of the listed: `class_a`, `urgent` (only when
    `abc_known`) and `unassigned` (no responsible manager).

    Returns
    -------
    DataFrame[step, customers, share, lost_revenue, baseline_revenue, share_of_listed, lost_share_of_listed,
              lost_share_of_baseline]
        share = customers / clients in scope (NaN for an empty scope); lost_revenue per
        quarter, NaN for the scope row (it is not a loss); baseline_revenue = their average
        quarter; share_of_listed and lost_share_of_listed = customers and lost revenue as
        shares of the listed clients' (the class-A shares of the summary);
        lost_share_of_baseline = lost revenue / the average quarter of every client in scope.
        A share whose denominator is 0 is NaN.
    """
    codes = "|" + scope["reason"].fillna("").astype("str") + "|"
    lost = scope["lost_revenue"].to_numpy(dtype=float)
    base = scope["baseline_revenue"].to_numpy(dtype=float)
    rows: list[tuple[str, int, float, float]] = [("scope", len(scope), np.nan, float(base.sum()))]
    for code in (NO_ORDERS, OVERDUE, ACTIVITY_DROP):
        has = codes.str.contains(f"|{code}|", regex=False).to_numpy(dtype=bool)
        rows.append((code, int(has.sum()), float(lost[has].sum()), float(base[has].sum())))
    listed = codes.ne("||").to_numpy(dtype=bool)
    rows.append(("listed", int(listed.sum()), float(lost[listed].sum()), float(base[listed].sum())))
    picked = candidates["lost_revenue"].to_numpy(dtype=float)
    picked_base = candidates["baseline_revenue"].to_numpy(dtype=float)
    steps = {"unassigned": candidates["manager"].isna().to_numpy(dtype=bool)}
    if abc_known:
        steps = {"class_a": candidates["abc"].eq("A").fillna(False).to_numpy(dtype=bool),
                 "urgent": candidates["urgent"].fillna(False).to_numpy(dtype=bool), **steps}
    rows += [(step, int(mask.sum()), float(picked[mask].sum()), float(picked_base[mask].sum()))
             for step, mask in steps.items()]
    frame = pd.DataFrame(rows, columns=["step", "customers", "lost_revenue", "baseline_revenue"])
    frame["step"] = frame["step"].astype("str")
    frame["customers"] = frame["customers"].astype(np.int64)
    frame.insert(2, "share", _shares(frame["customers"], len(scope)))
    n_listed, lost_listed = int(listed.sum()), float(lost[listed].sum())
    frame["share_of_listed"] = _shares(frame["customers"], n_listed)
    frame["lost_share_of_listed"] = _shares(frame["lost_revenue"], lost_listed)
    frame["lost_share_of_baseline"] = _shares(frame["lost_revenue"], float(base.sum()))
    return frame


def _shares(values: pd.Series, total: float) -> pd.Series:
    """values / total, NaN everywhere when the total is not positive."""
    return values / total if total > 0 else pd.Series(np.nan, index=values.index)


def _reason_order(code: str) -> int:
    return {NO_ORDERS: 0, OVERDUE: 1, ACTIVITY_DROP: 2}.get(code, 3)
