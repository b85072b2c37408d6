"""Migration between two dates (REFERENCE.md "Migration between periods"): the classes at
the end of the previous quarter and at as_of, the transitions between them with the
revenue change of each, and the downgraded customers with their lost revenue.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.abc_xyz.classes import _classify
from clientbase.abc_xyz.facts import _day, _prepare, _restrict
from clientbase.abc_xyz.options import ABC, CELLS, LOST, MIGRATION_LABELS, NEW, NONE, XYZ, _Options
from clientbase.periods import Period


@dataclass(frozen=True, eq=False)
class Migration:
    """Classes at two dates and the transitions between them (REFERENCE.md "Migration").

    `transitions`: from_class, to_class, customers, row_share (of the from_class row),
    revenue_before, revenue_now, revenue_change (window revenue now − before).
    `before` / `after`: the two `abc_xyz_classes` tables. `downgrades`: see `downgrades`.
    """

    transitions: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    downgrades: pd.DataFrame
    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp


def migration(
    cube: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    previous_as_of: pd.Timestamp | None = None,
    **classify_options,
) -> Migration:
    """Transitions between the classes at `previous_as_of` and at `as_of`.

    REFERENCE.md "Migration between periods". Both dates are classified with the same
    options (the keywords of `abc_xyz_classes`) on the same cube; `previous_as_of` defaults
    to the end of the quarter before the one holding `as_of`. A customer's class is its
    abc_xyz cell when it has one, else `lost` (stage lost), else `none`; before, a customer
    with no order yet is `new`. Customers with no order even at `as_of`, and cards marked
    for deletion (unless `include_deleted`), are left out.
    """
    unknown = sorted(set(classify_options) - set(_Options.__dataclass_fields__))
    if unknown:
        raise TypeError(f"migration: unknown option {unknown[0]!r}; expected abc_xyz_classes keywords")
    opts = _Options(**classify_options)
    as_of = _day(as_of)
    if previous_as_of is None:
        previous_as_of = Period(as_of.year, (as_of.month - 1) // 3 + 1).previous().as_of
    previous_as_of = _day(previous_as_of)
    if previous_as_of >= as_of:
        raise ValueError(f"previous_as_of ({previous_as_of.date()}) must be before as_of ({as_of.date()})")
    base, facts = _prepare(cube, customers, as_of=as_of, opts=opts)
    after, after_order = _classify(facts, base, opts)
    before, before_order = _classify(_restrict(facts, previous_as_of), base, opts)
    # rows of `before` in the order of `after`, matched through the customers' positions
    before_row = np.empty(len(base), dtype=np.intp)
    before_row[before_order] = np.arange(len(base))
    was = before.iloc[before_row[after_order]].reset_index(drop=True)

    labels = len(MIGRATION_LABELS)
    source = _label_code(was, when_potential=NEW)
    target = _label_code(after, when_potential=NONE)
    listed = (after["stage"] != "potential").to_numpy()
    if not opts.include_deleted:
        listed = listed & ~after["is_deleted"].to_numpy(dtype=bool)
    cell = (source * labels + target)[listed]
    count = np.bincount(cell, minlength=labels * labels)
    revenue_before = np.bincount(cell, weights=was["revenue"].to_numpy()[listed], minlength=labels * labels)
    revenue_now = np.bincount(cell, weights=after["revenue"].to_numpy()[listed], minlength=labels * labels)
    row_total = count.reshape(labels, labels).sum(axis=1).repeat(labels)
    used = np.flatnonzero(count)
    transitions = pd.DataFrame({
        "from_class": pd.Series(np.array(MIGRATION_LABELS)[used // labels], dtype="str"),
        "to_class": pd.Series(np.array(MIGRATION_LABELS)[used % labels], dtype="str"),
        "customers": count[used].astype("int64"),
        "row_share": count[used] / row_total[used],
        "revenue_before": revenue_before[used],
        "revenue_now": revenue_now[used],
        "revenue_change": revenue_now[used] - revenue_before[used],
    })
    return Migration(
        transitions=transitions, before=before, after=after, downgrades=_downgrades(was, after),
        as_of=as_of, previous_as_of=previous_as_of,
    )


def downgrades(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Customers whose class got worse between two `abc_xyz_classes` tables.

    REFERENCE.md "Migration between periods": A→B, A→C, B→C, X→Y, X→Z, Y→Z, and a customer
    with an ABC class before who is now `lost` (stage) or has no ABC class any more
    (`none`: metric ≤ 0 in the window). Class labels are the abc_xyz cell, or the ABC
    letter alone where there is no XYZ class (yet).

    Returns
    -------
    pd.DataFrame
        customer_id, name, manager, from_class, to_class, revenue_before, revenue_now,
        lost_revenue = max(0, revenue_before − revenue_now); by lost_revenue descending,
        ties by customer_id. Customers in only one of the tables are not compared.
    """
    row = pd.Index(before["customer_id"]).get_indexer(after["customer_id"])
    both = row >= 0
    return _downgrades(before.iloc[row[both]].reset_index(drop=True),
                       after.loc[both].reset_index(drop=True))


def downgrades_by_manager(downgrades: pd.DataFrame) -> pd.DataFrame:
    """Downgraded customers and their lost revenue per responsible manager.

    REFERENCE.md "Migration between periods": the downgrade lists are what the sales team
    works on, so they are split by manager; customers without one are counted under a
    missing manager (NA), last.

    Returns
    -------
    pd.DataFrame
        manager, customers, to_lost (of them now lost), revenue_before, lost_revenue; by
        lost_revenue descending, ties by manager.
    """
    manager = downgrades["manager"].astype("str")
    frame = pd.DataFrame({
        "manager": manager.fillna(""),
        "to_lost": (downgrades["to_class"] == LOST).to_numpy(dtype=bool).astype("int64"),
        "revenue_before": downgrades["revenue_before"].to_numpy(dtype="float64"),
        "lost_revenue": downgrades["lost_revenue"].to_numpy(dtype="float64"),
    })
    out = frame.groupby("manager", sort=False).agg(
        customers=("to_lost", "size"), to_lost=("to_lost", "sum"),
        revenue_before=("revenue_before", "sum"), lost_revenue=("lost_revenue", "sum"),
    ).reset_index()
    out["unassigned"] = out["manager"].eq("")
    out = out.sort_values(["unassigned", "lost_revenue", "manager"], ascending=[True, False, True], kind="stable")
    out["manager"] = out["manager"].where(~out["unassigned"], None).astype("str")
    return out.drop(columns="unassigned").reset_index(drop=True).astype({"customers": "int64", "to_lost": "int64"})


def _label_code(classes: pd.DataFrame, *, when_potential: str) -> np.ndarray:
    """Migration label as a position in MIGRATION_LABELS (REFERENCE.md "Migration")."""
    cell = pd.Categorical(classes["abc_xyz"], categories=CELLS).codes.astype(np.intp)
    stage = classes["stage"].to_numpy(dtype=object, na_value=None)
    fallback = np.where(stage == "lost", LOST, np.where(stage == "potential", when_potential, NONE))
    fallback_code = pd.Categorical(fallback, categories=MIGRATION_LABELS).codes.astype(np.intp)
    return np.where(cell >= 0, cell, fallback_code)


def _downgrades(was: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """Downgrades between two classes tables whose rows are the same customers, in order."""
    abc_was = pd.Categorical(was["abc"], categories=ABC).codes
    abc_now = pd.Categorical(now["abc"], categories=ABC).codes
    xyz_was = pd.Categorical(was["xyz"], categories=XYZ).codes
    xyz_now = pd.Categorical(now["xyz"], categories=XYZ).codes
    worse = (
        ((abc_was >= 0) & (abc_now > abc_was))
        | ((xyz_was >= 0) & (xyz_now > xyz_was))
        | ((abc_was >= 0) & (abc_now < 0))  # → lost, or → no class (metric ≤ 0)
        # "anything → lost" (REFERENCE.md "Migration"): also a client without a class
        # before (net returns, a negative margin) who now stopped buying
        | (now["stage"].eq("lost").to_numpy(dtype=bool, na_value=False)
           & was["stage"].ne("lost").to_numpy(dtype=bool, na_value=False))
    )
    was, now = was.loc[worse], now.loc[worse]
    revenue_before = was["revenue"].to_numpy(dtype="float64")
    revenue_now = now["revenue"].to_numpy(dtype="float64")
    out = pd.DataFrame({
        "customer_id": now["customer_id"].to_numpy(),
        "name": now["name"].to_numpy(),
        "manager": now["manager"].to_numpy(),
        "from_class": _fine_label(was),
        "to_class": _fine_label(now),
        "revenue_before": revenue_before,
        "revenue_now": revenue_now,
        "lost_revenue": np.maximum(0.0, revenue_before - revenue_now),
    }).astype({"customer_id": "str", "name": "str", "manager": "str", "from_class": "str",
               "to_class": "str"})
    return out.sort_values(["lost_revenue", "customer_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _fine_label(classes: pd.DataFrame) -> np.ndarray:
    """The abc_xyz cell, else the ABC letter alone, else lost / none."""
    cell = classes["abc_xyz"].to_numpy(dtype=object, na_value=None)
    letter = classes["abc"].to_numpy(dtype=object, na_value=None)
    fallback = np.where(classes["stage"].to_numpy(dtype=object) == "lost", LOST, NONE)
    return np.where(cell != None, cell, np.where(letter != None, letter, fallback))  # noqa: E711
