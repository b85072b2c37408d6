"""The 3 × 3 ABC-XYZ matrix, the Pareto curve of concentration and the customers without a class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.abc_xyz.facts import _DECIMALS, _ratio
from clientbase.abc_xyz.options import CELLS, DEFAULT_ABC_BOUNDS, DEFAULT_XYZ_BOUNDS


def abc_xyz_matrix(
    classes: pd.DataFrame,
    *,
    abc_bounds: tuple[float, float] | None = None,
    xyz_bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The 3 × 3 ABC-XYZ matrix (`abc_xyz/matrix.csv`): one row per cell AX … CZ.

    Shares are of the customers with an ABC class (positive metric in the window) and of
    their revenue, so the nine cells sum to less than 1 when some of them have no XYZ class
    yet (too little history). The bounds are those in `classes.attrs` unless given.

    Returns
    -------
    pd.DataFrame
        abc, xyz, abc_xyz, customers, customer_share, metric_value, revenue, revenue_share,
        and the rule of the cell: cum_share_before_min/max (ABC: the cum_share before the
        customer is ≥ min and < max) and cv_min/max (XYZ: cv > min and ≤ max; X from 0).
    """
    abc_bounds = tuple(abc_bounds or classes.attrs.get("abc_bounds", DEFAULT_ABC_BOUNDS))
    xyz_bounds = tuple(xyz_bounds or classes.attrs.get("xyz_bounds", DEFAULT_XYZ_BOUNDS))
    classified = classes.loc[classes["abc"].notna()]
    sums = classified.loc[classified["abc_xyz"].notna()].groupby("abc_xyz").agg(
        customers=("customer_id", "size"), metric_value=("metric_value", "sum"),
        revenue=("revenue", "sum"),
    ).reindex(list(CELLS), fill_value=0)
    abc_edges = {"A": (0.0, abc_bounds[0]), "B": abc_bounds, "C": (abc_bounds[1], 1.0)}
    xyz_edges = {"X": (0.0, xyz_bounds[0]), "Y": xyz_bounds, "Z": (xyz_bounds[1], np.inf)}
    revenue = sums["revenue"].to_numpy(dtype="float64")
    out = pd.DataFrame({
        "abc": pd.Series([c[0] for c in CELLS], dtype="str"),
        "xyz": pd.Series([c[1] for c in CELLS], dtype="str"),
        "abc_xyz": pd.Series(CELLS, dtype="str"),
        "customers": sums["customers"].to_numpy(dtype="int64"),
        "customer_share": _ratio(sums["customers"].to_numpy(dtype="float64"), len(classified)),
        "metric_value": sums["metric_value"].to_numpy(dtype="float64"),
        "revenue": revenue,
        "revenue_share": _ratio(revenue, classified["revenue"].sum()),
        "cum_share_before_min": [abc_edges[c[0]][0] for c in CELLS],
        "cum_share_before_max": [abc_edges[c[0]][1] for c in CELLS],
        "cv_min": [xyz_edges[c[1]][0] for c in CELLS],
        "cv_max": [xyz_edges[c[1]][1] for c in CELLS],
    })
    out.attrs = {"abc_bounds": abc_bounds, "xyz_bounds": xyz_bounds}
    return out


def unclassified(classes: pd.DataFrame, *, include_no_purchases: bool = False) -> pd.DataFrame:
    """Customers without an ABC class because their metric over the window is ≤ 0.

    REFERENCE.md "ABC": they are listed separately. `reason` is `net_returns` (returns
    outweigh sales), `negative_margin` (gross-profit metric ≤ 0 on positive revenue) or
    `no_purchases` (no order line in the window; left out unless `include_no_purchases`,
    since the stage already tells them apart and they can be most of the base). Cards
    marked for deletion are not listed: they are not customers to manage.

    Returns
    -------
    pd.DataFrame
        customer_id, name, manager, metric_value, revenue, stage, reason; lowest metric first.
    """
    rows = classes.loc[classes["abc"].isna()]
    if "is_deleted" in rows.columns:
        rows = rows.loc[~rows["is_deleted"].astype(bool)]
    if not include_no_purchases:
        rows = rows.loc[rows["months_with_sales"] > 0]
    margin = classes.attrs.get("metric", "revenue") == "gross_profit"
    reason = np.where(
        rows["months_with_sales"].to_numpy() == 0, "no_purchases",
        np.where(margin & (rows["revenue"].to_numpy() > 0), "negative_margin", "net_returns"),
    )
    out = rows[["customer_id", "name", "manager", "metric_value", "revenue", "stage"]].assign(
        reason=pd.Series(reason, index=rows.index, dtype="str")
    )
    return out.sort_values(["metric_value", "customer_id"], kind="stable").reset_index(drop=True)


def pareto_curve(classes: pd.DataFrame) -> pd.DataFrame:
    """The Pareto curve of the ABC metric: share of customers vs cumulative share of the metric.

    Over the customers with an ABC class, in ABC order, starting at the origin.

    Returns
    -------
    pd.DataFrame
        customers (rank; 0 for the origin), customer_share, cum_share.
    """
    cum = np.sort(classes.loc[classes["abc"].notna(), "cum_share"].to_numpy(dtype="float64"))
    rank = np.arange(len(cum) + 1)
    return pd.DataFrame({
        "customers": rank.astype("int64"),
        "customer_share": rank / len(cum) if len(cum) else np.zeros(1),
        "cum_share": np.concatenate(([0.0], cum)),
    })


def share_of_customers_for(classes: pd.DataFrame, target: float = DEFAULT_ABC_BOUNDS[0]) -> float:
    """The smallest share of customers (with an ABC class) that makes `target` of the metric.

    "20 % of clients make 80 % of revenue": `share_of_customers_for(classes, 0.80)`.
    NaN when no customer has a class.
    """
    if not 0 < target <= 1:
        raise ValueError(f"target must be a share in (0, 1], got {target}")
    curve = pareto_curve(classes)
    if len(curve) == 1:
        return float("nan")
    reached = np.round(curve["cum_share"].to_numpy(), _DECIMALS) >= target
    return float(curve["customer_share"].to_numpy()[np.argmax(reached)])
