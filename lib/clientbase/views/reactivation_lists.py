"""The reactivation call lists: one Excel sheet per manager, first call on top.

Source of the rules: REFERENCE.md "Reactivation" (each candidate goes to its manager,
customers without one to an "unassigned" list) and DESIGN.md "Rendering" (manager call
lists carry the full contact details: nothing is masked here).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.excel import sheet_names, write_manager_workbook
from clientbase.reactivation import (
    ACTIVITY_DROP,
    DROP_THRESHOLD,
    NO_ORDER_DAYS,
    NO_ORDERS,
    OVERDUE,
    REASON_SEPARATOR,
    RHYTHM_MULTIPLIER,
)
from clientbase.text import Words, t

__all__ = ["reason_text", "sheet_names", "write_call_lists"]

_KINDS = {
    "last_order_date": "date", "lost_revenue": "money", "days_since_last_order": "integer",
    "priority": "integer", "expected_interval_days": "number",
}


def write_call_lists(
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    contacts: pd.DataFrame | None = None,
    top_products: pd.DataFrame | None = None,
    language: str = "en",
    no_order_days: int = NO_ORDER_DAYS,
    rhythm_multiplier: float = RHYTHM_MULTIPLIER,
    drop_threshold: float = DROP_THRESHOLD,
    abc_known: bool = True,
) -> Path:
    """Write the reactivation call lists to an Excel workbook, one sheet per manager.

    Sheets are the managers in alphabetical order, then the customers without a manager
    ("(unassigned)" / "Без менеджера"); rows are sorted by priority. Each row carries the
    client's name, phone and email, its first contact person (name, phone, email — in
    full: the lists are for the managers who call), the last order date, days since it,
    the usual interval, ABC class, what the client used to buy (when `top_products`, a
    frame [customer_id, products], is given), lost revenue, the reasons in words, the
    urgent flag and an empty column for the result of the call. The file is written to a
    temporary name and moved into place, so a reader never sees half a workbook.

    Parameters
    ----------
    candidates
        The output of `clientbase.reactivation.reactivation_candidates`.
    customers, contacts
        The canonical tables (`contacts` may be None).
    path
        The .xlsx file to write; its folder is created when missing.
    language
        "en" or "ru": labels, sheet name of the unassigned list, dates and reasons.
    no_order_days, rhythm_multiplier, drop_threshold
        The parameters the list was computed with, for the reasons in words.
    abc_known
        False when the list was computed without ABC classes: the ABC column then says
        "unknown" ("нет данных") instead of staying blank, which would read as "no class".

    Returns
    -------
    pathlib.Path
        The path written.
    """
    words = Words("reactivation", language)
    labels = words.group("call_list.col")
    path = Path(path)
    rows = _call_list_rows(
        candidates, customers, contacts=contacts, top_products=top_products, language=language,
        no_order_days=no_order_days, rhythm_multiplier=rhythm_multiplier, drop_threshold=drop_threshold,
    )
    if not abc_known:
        rows["abc"] = words("call_list.unknown_class")
    columns = [c for c in labels if c != "products" or top_products is not None]

    kinds = {key: _KINDS.get(key, "text") for key in columns}
    return write_manager_workbook(
        rows, path, columns={key: labels[key] for key in columns}, kinds=kinds,
        manager="manager", language=language, unassigned=words("call_list.unassigned_sheet"),
        empty=words("call_list.empty_sheet"), note_columns=("result",),
    )


def _call_list_rows(
    candidates: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    contacts: pd.DataFrame | None,
    top_products: pd.DataFrame | None,
    language: str,
    no_order_days: int,
    rhythm_multiplier: float,
    drop_threshold: float,
) -> pd.DataFrame:
    """One row per candidate with every column of the sheet, plus the list it goes to."""
    rows = candidates.merge(
        customers[["customer_id", "name", "phone", "email"]].drop_duplicates("customer_id"),
        on="customer_id", how="left",
    ).rename(columns={"name": "client"})
    rows["contact"] = _first_contact(rows["customer_id"], contacts)
    if top_products is not None:
        products = top_products.drop_duplicates("customer_id").set_index("customer_id")["products"]
        products = products.map(_as_text)
        products.index = products.index.astype("str")
        rows["products"] = rows["customer_id"].map(products)
    rows["reason"] = _reasons_in_words(
        rows, language=language, no_order_days=no_order_days,
        rhythm_multiplier=rhythm_multiplier, drop_threshold=drop_threshold,
    )
    rows["urgent"] = np.where(rows["urgent"].fillna(False).astype(bool), t("reactivation.call_list.yes", language), "")
    rows["result"] = ""
    return rows.sort_values(["priority", "customer_id"], kind="mergesort").reset_index(drop=True)


def _first_contact(customer_id: pd.Series, contacts: pd.DataFrame | None) -> pd.Series:
    """"name, phone, email" of each customer's first contact (in the contacts table's order)."""
    if contacts is None or contacts.empty:
        return pd.Series(pd.NA, index=customer_id.index, dtype="str")
    first = contacts.drop_duplicates("customer_id", keep="first")
    text = pd.Series("", index=first.index, dtype="str")
    for field in ("name", "phone", "email"):
        if field in first.columns:
            value = first[field].astype("str").str.strip()
            text = text + (", " + value.where(value.ne(""))).fillna("")
    text = text.str.removeprefix(", ")
    by_customer = pd.Series(text.where(text.ne("")).to_numpy(), index=first["customer_id"].astype("str"))
    return customer_id.map(by_customer).astype("str")


def _reasons_in_words(
    rows: pd.DataFrame, *, language: str, no_order_days: int, rhythm_multiplier: float, drop_threshold: float
) -> pd.Series:
    """Reasons in words, spelled once per distinct (codes, interval) pair."""
    keys = rows[["reason", "expected_interval_days"]].drop_duplicates()
    spelled = [
        reason_text(
            codes, language=language, no_order_days=no_order_days, rhythm_multiplier=rhythm_multiplier,
            drop_threshold=drop_threshold, expected_interval_days=interval,
        )
        for codes, interval in zip(keys["reason"], keys["expected_interval_days"], strict=True)
    ]
    words = keys.assign(_words=spelled)
    merged = rows[["reason", "expected_interval_days"]].merge(
        words, on=["reason", "expected_interval_days"], how="left"
    )
    return pd.Series(merged["_words"].to_numpy(), index=rows.index, dtype="str")


def reason_text(
    codes: str,
    *,
    language: str = "en",
    no_order_days: int = NO_ORDER_DAYS,
    rhythm_multiplier: float = RHYTHM_MULTIPLIER,
    drop_threshold: float = DROP_THRESHOLD,
    expected_interval_days: float | None = None,
) -> str:
    """The reasons of one candidate in words, joined by "; " (`reactivation.reason_words` texts).

    Words per GLOSSARY.md (ru: "нет заказов более 90 дней", "падение активности более
    30 %"). The code `no_orders_N_days` does not carry N: pass the `no_order_days`,
    `rhythm_multiplier` and `drop_threshold` the list was computed with. With
    `expected_interval_days` the rhythm reason says the usual interval ("обычно раз в 14
    дней"), otherwise the multiplier.

    Raises
    ------
    ValueError
        An unknown reason code.
    KeyError
        An unknown language.
    """
    def say(key: str, **values: object) -> str:
        return t(f"reactivation.reason_words.{key}", language, **values)

    parts = []
    for code in (c for c in str(codes).split(REASON_SEPARATOR) if c):
        if code == NO_ORDERS:
            parts.append(say("no_orders", n=int(no_order_days)))
        elif code == OVERDUE:
            interval = expected_interval_days
            if interval is None or pd.isna(interval):
                parts.append(say("overdue_multiplier", n=float(rhythm_multiplier)))
            elif float(interval) == 1:
                parts.append(say("overdue_daily"))
            else:
                parts.append(say("overdue_interval", n=float(interval)))
        elif code == ACTIVITY_DROP:
            parts.append(say("drop", percent=round(float(drop_threshold) * 100, 2)))
        else:
            raise ValueError(
                f"unknown reactivation reason code {code!r}: expected {NO_ORDERS}, {OVERDUE} or {ACTIVITY_DROP}"
            )
    return "; ".join(parts)


def _as_text(value: object) -> str | None:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    return None if pd.isna(value) else str(value)


