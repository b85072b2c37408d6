"""The cards an audit checks: the labels of its aggregated tables, and reading a card's fields.

Customers marked for deletion (`is_deleted`) are left out of every check of the audit: 1C
keeps them until the deletion is processed, and nobody should be asked to fix a card being
deleted (REFERENCE.md "Base audit").
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clientbase.frames import arrow_text, isin
from clientbase.identifiers import (
    ALL_ZEROS,
    NOT_DIGITS,
    inn_problems,
    kpp_problems,
    normalize_emails,
    normalize_names,
    normalize_phones,
)

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


def _positions(values: pd.Series, ids: pd.Index | pd.Series) -> np.ndarray:
    """The position of each value in `ids` (unique), -1 where absent: `ids.get_indexer` as
    text, by Arrow (several times faster on millions of rows; a missing value finds a
    missing id, as in pandas).

    Each run of equal values is looked up once: the cube holds a customer's months one
    after the other, so its 2.5M rows are 330k lookups.
    """
    text = arrow_text(values)
    if len(text) < 2:
        return _lookup(text, ids)
    # a run starts where a value differs from the one before (a missing value starts its own)
    starts = np.r_[True, pc.not_equal(text[1:], text[:-1]).fill_null(True).to_numpy(zero_copy_only=False)]
    heads = np.flatnonzero(starts)
    return _lookup(text.take(heads), ids)[np.cumsum(starts) - 1]


def _lookup(text: pa.ChunkedArray, ids: pd.Index | pd.Series) -> np.ndarray:
    found = pc.index_in(text, value_set=arrow_text(ids).combine_chunks())
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _is_in(values: pd.Series, wanted: pd.Series) -> np.ndarray:
    """`values.isin(wanted)` as text, by Arrow; a missing value is in when `wanted` has one, as in pandas."""
    return isin(values, wanted, missing_matches=True)


class _Cards:
    """The active cards of one audit and the derived columns that several checks read.

    Each derived column is computed on first use and then kept: `base_audit` hands one
    `_Cards` to every check, so that a ИНН is checked and a phone, an email or a name is
    normalised once per audit instead of once per check (the normalisations are most of
    the cost of an audit of a large base). Every column is aligned with `frame`.
    """

    def __init__(self, customers: pd.DataFrame) -> None:
        self.frame = _active(customers)

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> pd.Series:
        """A column of the cards as the source holds it (`_column`)."""
        return _column(self.frame, name)

    @cached_property
    def created(self) -> pd.Series | None:
        """The day each card was created (created_at normalised), None without the column."""
        return self.frame["created_at"].dt.normalize() if "created_at" in self.frame.columns else None

    @cached_property
    def inn(self) -> pd.Series:
        """ИНН, stripped, NA when blank."""
        return _stripped(self.column("inn"))

    @cached_property
    def kpp(self) -> pd.Series:
        """КПП, stripped, NA when blank."""
        return _stripped(self.column("kpp"))

    @cached_property
    def manager(self) -> pd.Series:
        """The manager, stripped, NA when blank."""
        return _stripped(self.column("manager"))

    @cached_property
    def inn_problem(self) -> pd.Series:
        """`inn_problems` of the ИНН (the same on the raw and the stripped text)."""
        return inn_problems(self.inn)

    @cached_property
    def kpp_problem(self) -> pd.Series:
        """`kpp_problems` of the КПП next to the ИНН."""
        return kpp_problems(self.kpp, self.inn)

    @cached_property
    def placeholder_inn(self) -> pd.Series:
        """A filled ИНН that identifies nobody: not digits or all zeros."""
        return self.inn_problem.isin([NOT_DIGITS, ALL_ZEROS])

    @cached_property
    def organisation(self) -> np.ndarray:
        """A usable 10-digit ИНН (an organisation, which may have branches), as bools."""
        return ((self.inn.str.len() == 10) & ~self.placeholder_inn).fillna(False).astype(bool).to_numpy()

    @cached_property
    def phone(self) -> pd.Series:
        """The phone key (`normalize_phones`)."""
        return normalize_phones(self.column("phone"))

    @cached_property
    def email(self) -> pd.Series:
        """The email key (`normalize_emails`)."""
        return normalize_emails(self.column("email"))

    @cached_property
    def name(self) -> pd.Series:
        """The name key (`normalize_names`)."""
        return normalize_names(self.column("name"))

    @cached_property
    def by_id(self) -> np.ndarray:
        """Positions of the cards in customer_id order (stable; a missing id last)."""
        ids = self.frame["customer_id"].reset_index(drop=True)
        return ids.sort_values(kind="stable").index.to_numpy()

    @cached_property
    def id_rank(self) -> np.ndarray:
        """Each card's place in the order of its customer_id as text, as an integer: equal
        ids share one, a missing id comes last. Sorting by it sorts by customer_id without
        comparing text."""
        ids = self.frame["customer_id"].astype("str").reset_index(drop=True)
        same = ids.dtype == self.frame["customer_id"].dtype  # already text: `by_id` is that order
        order = self.by_id if same else ids.sort_values(kind="stable").index.to_numpy()
        ids = ids.iloc[order]
        missing = ids.isna().to_numpy()
        # a new place wherever the sorted id differs from the one before (missing ones are one)
        new = (ids != ids.shift()).to_numpy(dtype=bool) & ~(missing & np.r_[False, missing[:-1]])
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.cumsum(new)
        return rank

    @property
    def unique_ids(self) -> bool:
        """Whether no two cards have the same customer_id (two missing ones are the same)."""
        return int(self.id_rank.max(initial=0)) == len(self)
