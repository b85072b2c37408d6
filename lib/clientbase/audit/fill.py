"""Fill rates of the base audit: which analytic fields of the cards are filled, per manager.

Source of the rules: REFERENCE.md "Base audit". The share of cards with each field filled
(`fill_rates`), every empty field as a gap to fix (`fill_gaps`), and each manager's share of
fully filled cards, their data-quality score (`manager_quality`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from clientbase.audit._cards import ALL, NO_MANAGER, _Cards, _column, _is_in, _stripped
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


def _fill_rates(card_fill: _CardFill) -> pd.DataFrame:
    filled_n = card_fill.filled & card_fill.counted
    code, labels = card_fill.managers
    fields = len(FILL_FIELDS)
    # every (label, field) pair: ALL, then each manager label; sorted below
    out = pd.DataFrame(
        {
            "field": np.tile(np.array(FILL_FIELDS, dtype=object), 1 + len(labels)),
            "filled": np.concatenate([filled_n.sum(axis=0), _sums(code, filled_n, len(labels)).reshape(-1)]),
            "total": np.concatenate(
                [card_fill.counted.sum(axis=0), _sums(code, card_fill.counted, len(labels)).reshape(-1)]
            ),
            "manager": np.repeat(np.array([ALL, *labels], dtype=object), fields),
        }
    )
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


def _fill_gaps(card_fill: _CardFill) -> pd.DataFrame:
    cards, fields = np.nonzero(card_fill.counted & ~card_fill.filled)
    # by customer_id (as integer ranks), then field; stable, so equal ids keep the cards' order
    order = np.lexsort((fields, card_fill.cards.id_rank[cards]))
    cards, fields = cards[order], fields[order]
    out = pd.DataFrame(
        {
            "customer_id": card_fill.cards.frame["customer_id"].take(cards).array,
            "manager": card_fill.manager.take(cards).array,
            "field": np.array(FILL_FIELDS, dtype=object)[fields],
        }
    )
    return out.astype("str")


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


def _manager_quality(card_fill: _CardFill) -> pd.DataFrame:
    complete = (card_fill.filled | ~card_fill.counted).all(axis=1)
    code, labels = card_fill.managers
    out = pd.DataFrame(
        {
            "manager": np.asarray(labels, dtype=object),
            "customers": np.bincount(code, minlength=len(labels)).astype("int64"),
            "complete_cards": _sums(code, complete[:, None], len(labels))[:, 0],
        }
    ).astype({"customers": "int64", "complete_cards": "int64"})
    out["complete_share"] = out["complete_cards"] / out["customers"]
    out = out.sort_values(
        ["complete_share", "customers", "manager"], ascending=[True, False, True], kind="stable"
    )
    return out.astype({"manager": "str"}).reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class _CardFill:
    """Per card (aligned with `cards.frame`): which analytic fields are filled and which are
    counted (bool matrices, columns in `FILL_FIELDS` order), and the manager label."""

    cards: _Cards
    filled: np.ndarray
    counted: np.ndarray
    manager: pd.Series  # the card's manager, `NO_MANAGER` when none

    @cached_property
    def managers(self) -> tuple[np.ndarray, np.ndarray]:
        """Each card's manager label as a code, and the labels by name (the codes' order)."""
        code, labels = pd.factorize(self.manager, sort=True)
        return code, np.asarray(labels, dtype=object)


def _card_fill(cards: _Cards, contacts: pd.DataFrame | None) -> _CardFill:
    """Which analytic fields of each card are filled and counted, and its manager label."""
    contact = (cards.phone.notna() | cards.email.str.contains("@", regex=False).fillna(False).astype(bool)).to_numpy()
    if contacts is not None and len(contacts):
        contact = contact | _reachable_by_contacts(cards, contacts, among=~contact)
    filled = np.column_stack([
        _stripped(cards.column("source")).notna().to_numpy(),
        cards.manager.notna().to_numpy(),
        _stripped(cards.column("category")).notna().to_numpy(),
        contact,
        cards.inn.notna().to_numpy(),
        _stripped(cards.column("region")).notna().to_numpy(),
    ]).astype(bool)
    counted = np.ones((len(cards), len(FILL_FIELDS)), dtype=bool)
    company = (cards.column("customer_type") == "company").fillna(False).astype(bool)
    counted[:, FILL_FIELDS.index("inn")] = company.to_numpy()
    manager = cards.manager.fillna(NO_MANAGER).reset_index(drop=True)
    return _CardFill(cards=cards, filled=filled, counted=counted, manager=manager)


def _reachable_by_contacts(cards: _Cards, contacts: pd.DataFrame, *, among: np.ndarray) -> np.ndarray:
    """Which cards have a contact person with a phone or an email, looking only at the
    cards of `among` (those not reachable on their own card: the others cannot change, and
    normalising every contact's phone and email is the cost)."""
    ids = cards.frame["customer_id"]
    # a missing customer_id belongs to nobody (as in `clientbase.frames.isin`)
    persons = contacts[_is_in(_column(contacts, "customer_id"), ids[among].dropna())]
    reachable = normalize_phones(_column(persons, "phone")).notna() | normalize_emails(
        _column(persons, "email")
    ).str.contains("@", regex=False).fillna(False).astype(bool)
    return _is_in(ids, persons.loc[reachable, "customer_id"].dropna())


def _sums(code: np.ndarray, flags: np.ndarray, groups: int) -> np.ndarray:
    """[group, column]: how many rows of the group (by code) are True in that column of `flags`."""
    return np.stack(
        [np.bincount(code, weights=flags[:, i], minlength=groups) for i in range(flags.shape[1])], axis=1
    ).astype("int64")


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
