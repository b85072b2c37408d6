"""Invalid identifiers of the base audit: every wrong ИНН and КПП of the cards, by problem code.

Source of the rules: REFERENCE.md "Base audit"; the checks themselves are in
`clientbase.identifiers`.
"""

from __future__ import annotations

import pandas as pd

from clientbase.audit._cards import _Cards
from clientbase.identifiers import INN_PROBLEMS, KPP_PROBLEMS

__all__ = ["invalid_id_counts", "invalid_ids"]


def invalid_ids(customers: pd.DataFrame) -> pd.DataFrame:
    """Every invalid ИНН and КПП of the customers, one row per problem.

    REFERENCE.md "Base audit": problem codes `not_digits`, `all_zeros`, `length`,
    `checksum` (field `inn`) and `kpp_format`, `kpp_missing`, `kpp_unexpected` (field
    `kpp`); their order and exact meaning are in `clientbase.identifiers`. An empty ИНН is
    a fill-rate gap, not listed here.

    Returns
    -------
    DataFrame[customer_id, field, value, problem]
        `value` is the field as the card holds it (NA for `kpp_missing`); sorted by
        customer_id, then `inn` before `kpp`.
    """
    return _invalid_ids(_Cards(customers))


def _invalid_ids(cards: _Cards) -> pd.DataFrame:
    frames = []
    for field, problems in (("inn", cards.inn_problem), ("kpp", cards.kpp_problem)):
        rows = problems.notna().to_numpy()
        # only the problem rows are converted (to_numpy of Arrow text costs per row)
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": cards.frame["customer_id"][rows].to_numpy(),
                    "field": field,
                    "value": cards.column(field)[rows].astype("str").to_numpy(),
                    "problem": problems[rows].to_numpy(),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).astype("str")
    return out.sort_values(["customer_id", "field"], kind="stable", ignore_index=True)


def invalid_id_counts(invalid: pd.DataFrame) -> pd.DataFrame:
    """Invalid identifiers per field and problem code (`base_audit/invalid_id_counts.csv`).

    Every code of REFERENCE.md is listed, in the order of `clientbase.identifiers`, with 0
    where no card has it, so that the table reads the same every quarter.

    Returns
    -------
    DataFrame[field, problem, customers]
        customers = cards with that problem (a card has at most one problem per field).
    """
    codes = [("inn", c) for c in INN_PROBLEMS] + [("kpp", c) for c in KPP_PROBLEMS]
    counts = invalid.groupby(["field", "problem"]).size()
    return pd.DataFrame({
        "field": pd.Series([f for f, _ in codes], dtype="str"),
        "problem": pd.Series([c for _, c in codes], dtype="str"),
        "customers": pd.Series([int(counts.get((f, c), 0)) for f, c in codes], dtype="int64"),
    })
