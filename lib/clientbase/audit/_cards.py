"""The cards an audit checks: the labels of its aggregated tables, and reading a card's fields.

Customers marked for deletion (`is_deleted`) are left out of every check of the audit: 1C
keeps them until the deletion is processed, and nobody should be asked to fix a card being
deleted (REFERENCE.md "Base audit").
"""

from __future__ import annotations

import pandas as pd

# manager labels of the aggregated tables
ALL = "(all)"  # every customer
NO_MANAGER = "(none)"  # customers whose card names no manager
UNASSIGNED = "(unassigned)"  # tasks of such customers when no executors are configured


def _active(customers: pd.DataFrame) -> pd.DataFrame:
    """The cards not marked for deletion."""
    if "is_deleted" not in customers.columns:
        return customers
    keep = ~customers["is_deleted"].fillna(False).astype(bool).to_numpy()
    # no copy when nothing is deleted: selecting rows copies every text column (Arrow take)
    return customers if keep.all() else customers[keep]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-NA text column when the source has none."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype="str", name=name)


def _stripped(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return text.mask(text == "")
