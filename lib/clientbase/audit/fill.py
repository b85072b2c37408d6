"""Fill rates of the base audit: which analytic fields of the cards are filled, per manager.

Source of the rules: REFERENCE.md "Base audit". The share of cards with each field filled
(`fill_rates`), every empty field as a gap to fix (`fill_gaps`), and each manager's share of
fully filled cards, their data-quality score (`manager_quality`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clientbase.audit._cards import ALL, NO_MANAGER, _Cards, _column, _stripped
from clientbase.frames import isin
from clientbase.identifiers import normalize_emails, normalize_phones

__all__ = ["FILL_FIELDS", "fill_gaps", "fill_rates", "manager_quality"]

FILL_FIELDS = ("source", "manager", "category", "contact", "inn", "region")


def fill_rates(customers: pd.DataFrame, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of cards with each analytic field filled, overall and per manager.

    REFERENCE.md "Base audit". Fields (`FILL_FIELDS`): source, manager, category, contact
    (a phone of at least 10 digits or an email with "@", on the card or on any of its
    contact persons), inn (counted for companies only: `customer_type == "company"`), region.
    A ИНН that is filled but invalid counts as filled (it is listed by `invalid_ids`).

    Returns
    -------
    DataFrame[manager, field, filled_share, filled, total]
        First the `ALL` rows, then one set per manager (by name; `NO_MANAGER` last), fields
        in `FILL_FIELDS` order. filled_share is NaN where total is 0.
    """
    return _fill_rates(_card_fill(_Cards(customers), contacts))


def _fill_rates(card_fill: tuple[pd.DataFrame, pd.DataFrame, pd.Series]) -> pd.DataFrame:
    filled, counted, manager = card_fill
    filled_n = (filled & counted).astype("int64")
    counted_n = counted.astype("int64")
    overall = pd.DataFrame({"filled": filled_n.sum(), "total": counted_n.sum()}).assign(manager=ALL)
    per_manager = pd.DataFrame(
        {
            "filled": filled_n.groupby(manager).sum().stack(),
            "total": counted_n.groupby(manager).sum().stack(),
        }
    )
    per_manager = per_manager.rename_axis(["manager", "field"]).reset_index()
    overall = overall.rename_axis("field").reset_index()
    out = pd.concat([overall, per_manager], ignore_index=True)
    out["filled_share"] = out["filled"] / out["total"].where(out["total"] > 0)
    out = out.iloc[_manager_field_order(out["manager"], out["field"])]
    columns = ["manager", "field", "filled_share", "filled", "total"]
    return out[columns].astype({"manager": "str", "field": "str"}).reset_index(drop=True)


def fill_gaps(customers: pd.DataFrame, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every empty analytic field of every card, one row per gap (the input of `audit_tasks`).

    Same fields and rules as `fill_rates`.

    Returns
    -------
    DataFrame[customer_id, manager, field]
        manager is the card's (`NO_MANAGER` when none); sorted by customer_id, then field in
        `FILL_FIELDS` order.
    """
    return _fill_gaps(_card_fill(_Cards(customers), contacts))


def _fill_gaps(card_fill: tuple[pd.DataFrame, pd.DataFrame, pd.Series]) -> pd.DataFrame:
    filled, counted, manager = card_fill
    gaps = (counted & ~filled).to_numpy()
    cards, fields = np.nonzero(gaps)
    out = pd.DataFrame(
        {
            "customer_id": filled.index.to_numpy()[cards],
            "manager": manager.to_numpy()[cards],
            "field": np.array(FILL_FIELDS, dtype=object)[fields],
            "_field": fields,
        }
    )
    out = out.sort_values(["customer_id", "_field"], kind="stable", ignore_index=True)
    return out.drop(columns="_field").astype("str")


def manager_quality(customers: pd.DataFrame, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each manager's data-quality score: the share of their cards with every field filled.

    REFERENCE.md "Base audit". A card is complete when every field of `fill_rates` that
    applies to it is filled (inn only for companies). Customers without a manager form
    the `NO_MANAGER` row (none of their cards can be complete).

    Returns
    -------
    DataFrame[manager, customers, complete_cards, complete_share]
        worst first: by complete_share, then more customers first, then manager.
    """
    return _manager_quality(_card_fill(_Cards(customers), contacts))


def _manager_quality(card_fill: tuple[pd.DataFrame, pd.DataFrame, pd.Series]) -> pd.DataFrame:
    filled, counted, manager = card_fill
    complete = (filled | ~counted).all(axis=1)
    out = (
        pd.DataFrame({"manager": manager.to_numpy(), "complete": complete.to_numpy()})
        .groupby("manager")
        .agg(customers=("complete", "size"), complete_cards=("complete", "sum"))
        .reset_index()
    )
    out["complete_cards"] = out["complete_cards"].astype("int64")
    out["complete_share"] = out["complete_cards"] / out["customers"]
    out = out.sort_values(
        ["complete_share", "customers", "manager"], ascending=[True, False, True], kind="stable"
    )
    return out.astype({"manager": "str"}).reset_index(drop=True)


def _card_fill(cards: _Cards, contacts: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Per card (index customer_id): which analytic fields are filled, which are counted,
    and the manager label (`NO_MANAGER` when none)."""
    phone_ok = cards.phone.notna()
    email_ok = cards.email.str.contains("@", regex=False).fillna(False)
    contact = phone_ok | email_ok.astype(bool)
    if contacts is not None and len(contacts):
        reachable = normalize_phones(_column(contacts, "phone")).notna() | normalize_emails(
            _column(contacts, "email")
        ).str.contains("@", regex=False).fillna(False).astype(bool)
        contact = contact | isin(cards.frame["customer_id"], contacts.loc[reachable, "customer_id"])
    filled = pd.DataFrame(
        {
            "source": _stripped(cards.column("source")).notna(),
            "manager": cards.manager.notna(),
            "category": _stripped(cards.column("category")).notna(),
            "contact": contact,
            "inn": cards.inn.notna(),
            "region": _stripped(cards.column("region")).notna(),
        },
        index=cards.frame.index,
    )
    counted = pd.DataFrame(True, index=cards.frame.index, columns=list(FILL_FIELDS))
    counted["inn"] = (cards.column("customer_type") == "company").fillna(False).astype(bool)
    manager = cards.manager.fillna(NO_MANAGER)
    index = pd.Index(cards.frame["customer_id"].to_numpy(), name="customer_id")
    return (
        filled.astype(bool).set_axis(index),
        counted.set_axis(index),
        manager.set_axis(index).rename("manager"),
    )


def _manager_field_order(managers: pd.Series, fields: pd.Series) -> np.ndarray:
    """Positions that put ALL first, managers by name, NO_MANAGER last; fields in order."""
    keys = pd.DataFrame(
        {
            "group": np.where(managers == ALL, 0, np.where(managers == NO_MANAGER, 2, 1)),
            "manager": managers.to_numpy(),
            "field": fields.map({f: i for i, f in enumerate(FILL_FIELDS)}).to_numpy(),
        }
    )
    return keys.sort_values(["group", "manager", "field"], kind="stable").index.to_numpy()
