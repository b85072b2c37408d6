"""The headline numbers of an ABC-XYZ classification and its migration, computed once.

Everything the ABC-XYZ report says in its summary, readings, headlines and appendix
(REFERENCE.md "ABC", "XYZ", "Migration between periods"): concentration, the core cells,
downgrades and their lost revenue, the change since the previous quarter, the clients left
out of the matrix. The view only formats these numbers; `AbcXyzSummary.as_frame()` is the
run's `abc_xyz/summary.csv`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from clientbase.abc_xyz.matrix import abc_xyz_matrix, share_of_customers_for, unclassified
from clientbase.abc_xyz.migration import Migration
from clientbase.abc_xyz.options import LOST, AbcXyzOptions

# the core of the base the summary names: the most valuable and stable cells
CORE_CELLS = ("AX", "AY", "BX")


@dataclass(frozen=True)
class AbcXyzSummary:
    """The numbers of one ABC-XYZ run; shares are NaN where their denominator is 0."""

    customers: int  # cards in the classes table
    classified: int  # with an ABC class
    in_matrix: int  # with an ABC and an XYZ class
    class_a: int
    class_b: int
    class_c: int
    metric_total: float  # the metric over the window, classified customers
    concentration: float  # share of classified customers making the first ABC bound of the metric
    core_customers: int  # in the core cells
    core_customer_share: float
    core_revenue: float
    core_revenue_share: float
    outside_matrix: int  # ABC class but no XYZ class (too little history)
    without_abc: int  # metric ≤ 0 in the window (net returns, negative margin)
    downgraded: int
    downgraded_to_lost: int
    downgraded_from_a: int
    lost_revenue: float  # of the downgraded clients
    lost_share: float  # of their window revenue before
    transitions_revenue_change: float  # window revenue now − before, over every transition
    revenue_now: float  # window revenue of the cards not marked for deletion
    revenue_before: float
    revenue_change: float  # now / before − 1
    class_a_now: int
    class_a_before: int
    ax_now: int
    ax_before: int
    # the core cells one by one: abc_xyz, customers, revenue_share (not in summary.csv: matrix.csv has them)
    core: pd.DataFrame

    def as_frame(self) -> pd.DataFrame:
        """DataFrame[measure, value]: one row per number (`abc_xyz/summary.csv`)."""
        items = {k: v for k, v in asdict(self).items() if k != "core"}
        return pd.DataFrame({"measure": pd.Series(list(items), dtype="str"),
                             "value": pd.Series([float(v) for v in items.values()], dtype="float64")})


def abc_xyz_summary(classes: pd.DataFrame, result: Migration, *, options: AbcXyzOptions) -> AbcXyzSummary:
    """The numbers of the ABC-XYZ report from the classes at as_of and the migration.

    Parameters
    ----------
    classes
        `abc_xyz_classes` at as_of (the migration's `after`).
    result
        `migration` of the run.
    options
        The report's options: the first ABC bound is the concentration target.
    """
    abc = classes["abc"]
    classified = classes[abc.notna()]
    counts = classified["abc"].value_counts()
    matrix = abc_xyz_matrix(classes).set_index("abc_xyz")
    core = matrix.loc[list(CORE_CELLS)]
    listed = result.downgrades
    before_sum = float(listed["revenue_before"].sum())
    lost = float(listed["lost_revenue"].sum())
    now, before = result.after, result.before
    revenue_now = float(now.loc[~now["is_deleted"], "revenue"].sum())
    revenue_before = float(before.loc[~before["is_deleted"], "revenue"].sum())
    return AbcXyzSummary(
        customers=len(classes),
        classified=len(classified),
        in_matrix=int(classes["abc_xyz"].notna().sum()),
        class_a=int(counts.get("A", 0)),
        class_b=int(counts.get("B", 0)),
        class_c=int(counts.get("C", 0)),
        metric_total=float(classified["metric_value"].sum()),
        concentration=share_of_customers_for(classes, options.abc_bounds[0]) if len(classified) else np.nan,
        core_customers=int(core["customers"].sum()),
        core_customer_share=float(core["customer_share"].sum()),
        core_revenue=float(core["revenue"].sum()),
        core_revenue_share=float(core["revenue_share"].sum()),
        outside_matrix=int((abc.notna() & classes["xyz"].isna()).sum()),
        without_abc=len(unclassified(classes)),
        downgraded=len(listed),
        downgraded_to_lost=int((listed["to_class"] == LOST).sum()),
        downgraded_from_a=int(listed["from_class"].str.startswith("A").sum()),
        lost_revenue=lost,
        lost_share=lost / before_sum if before_sum > 0 else np.nan,
        transitions_revenue_change=float(result.transitions["revenue_change"].sum()),
        revenue_now=revenue_now,
        revenue_before=revenue_before,
        revenue_change=revenue_now / revenue_before - 1 if revenue_before > 0 else np.nan,
        class_a_now=int(now["abc"].eq("A").sum()),
        class_a_before=int(before["abc"].eq("A").sum()),
        ax_now=int(now["abc_xyz"].eq("AX").sum()),
        ax_before=int(before["abc_xyz"].eq("AX").sum()),
        core=core[["customers", "revenue_share"]].reset_index(),
    )
