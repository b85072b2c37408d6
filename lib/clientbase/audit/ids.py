"""Invalid identifiers of the base audit: every wrong ИНН and КПП of the cards, by problem code.

Source of the rules: REFERENCE.md "Base audit"; the checks themselves are in
`clientbase.identifiers`.
"""

from __future__ import annotations

import pandas as pd

from clientbase.audit._cards import _active, _column
from clientbase.identifiers import INN_PROBLEMS, KPP_PROBLEMS, inn_problems, kpp_problems

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
    cards = _active(customers)
    inn, kpp = _column(cards, "inn"), _column(cards, "kpp")
    frames = []
    for field, values, problems in (
        ("inn", inn, inn_problems(inn)),
        ("kpp", kpp, kpp_problems(kpp, inn)),
    ):
        rows = problems.notna().to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": cards["customer_id"].to_numpy()[rows],
                    "field": field,
                    "value": values.astype("str").to_numpy()[rows],
                    "problem": problems.to_numpy()[rows],
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
