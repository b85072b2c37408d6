"""The reactivation call lists: one Excel sheet per manager, first call on top.

Source of the rules: REFERENCE.md "Reactivation" (each candidate goes to its manager,
customers without one to an "unassigned" list) and DESIGN.md "Rendering" (manager call
lists carry the full contact details: nothing is masked here).
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from clientbase.reactivation import (
    DROP_THRESHOLD,
    NO_ORDER_DAYS,
    RHYTHM_MULTIPLIER,
    UNASSIGNED,
    reason_text,
)

__all__ = ["sheet_names", "write_call_lists"]

# column key → label per language; the order is the order of the sheet
_LABELS = {
    "en": {
        "priority": "Priority", "client": "Client", "customer_id": "Customer code", "phone": "Phone",
        "email": "Email", "contact": "Contact person", "last_order_date": "Last order",
        "days_since_last_order": "Days since last order", "expected_interval_days": "Usual interval, days",
        "abc": "ABC class", "products": "Used to buy", "lost_revenue": "Lost revenue", "reason": "Reason",
        "urgent": "Urgent", "result": "Result of the call",
    },
    "ru": {
        "priority": "Приоритет", "client": "Клиент", "customer_id": "Код клиента", "phone": "Телефон",
        "email": "Электронная почта", "contact": "Контактное лицо", "last_order_date": "Последний заказ",
        "days_since_last_order": "Дней без заказов", "expected_interval_days": "Обычный интервал, дней",
        "abc": "ABC-класс", "products": "Что покупал", "lost_revenue": "Упущенная выручка",
        "reason": "Причина", "urgent": "Срочно", "result": "Результат звонка",
    },
}
_UNASSIGNED_SHEET = {"en": UNASSIGNED, "ru": "Без менеджера"}
_UNASSIGNED_KEY = "\x00unassigned"
_EMPTY_SHEET = {"en": "No candidates", "ru": "Нет кандидатов"}
_YES = {"en": "Yes", "ru": "Да"}
_DATE_FORMAT = {"en": "yyyy-mm-dd", "ru": "dd.mm.yyyy"}
_MONEY_FORMAT = "#,##0"
_NUMERIC = ("priority", "days_since_last_order", "expected_interval_days", "lost_revenue")

# Excel's limits on sheet names
_SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_RESULT_WIDTH = 30


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

    Returns
    -------
    pathlib.Path
        The path written.
    """
    if language not in _LABELS:
        raise ValueError(f"language {language!r} is not supported: expected one of {sorted(_LABELS)}")
    path = Path(path)
    rows = _call_list_rows(
        candidates, customers, contacts=contacts, top_products=top_products, language=language,
        no_order_days=no_order_days, rhythm_multiplier=rhythm_multiplier, drop_threshold=drop_threshold,
    )
    columns = [c for c in _LABELS[language] if c != "products" or top_products is not None]

    path.parent.mkdir(parents=True, exist_ok=True)
    # a unique hidden name in the same folder, so the final rename is atomic; created by
    # xlsxwriter itself, so the file gets the usual permissions (mkstemp's are 0600)
    temporary = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.xlsx")
    try:
        _write_workbook(rows, columns, temporary, language=language)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def sheet_names(lists: list[str]) -> list[str]:
    """Excel-safe, unique sheet names for the given list names, in their order.

    At most 31 characters, none of []:*?/\\ (replaced by "_"), no leading or trailing
    apostrophe. Excel compares sheet names without regard to case, so "Ivanov" and
    "IVANOV" become "Ivanov" and "IVANOV (2)".
    """
    names: list[str] = []
    taken: set[str] = set()
    for manager in lists:
        base = _SHEET_NAME_FORBIDDEN.sub("_", str(manager)).strip().strip("'").strip() or "Sheet"
        if base.casefold() == "history":  # reserved by Excel
            base = f"{base}_"
        name = base[:_SHEET_NAME_MAX]
        n = 1
        while name.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


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
    rows["urgent"] = np.where(rows["urgent"].fillna(False).astype(bool), _YES[language], "")
    rows["result"] = ""
    manager = rows["manager"].astype("str").str.strip()
    # a sentinel, not the sheet's label, so that a manager really called "(unassigned)"
    # keeps a list of their own
    rows["list"] = manager.where(manager.notna() & manager.ne(""), _UNASSIGNED_KEY)
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


def _write_workbook(rows: pd.DataFrame, columns: list[str], path: Path, *, language: str) -> None:
    labels = _LABELS[language]
    assigned = rows["list"].ne(_UNASSIGNED_KEY)
    lists = sorted(rows.loc[assigned, "list"].unique(), key=lambda m: (m.casefold(), m))
    shown = lists + ([_UNASSIGNED_SHEET[language]] if (~assigned).any() else [])
    keys = lists + ([_UNASSIGNED_KEY] if (~assigned).any() else [])
    names = dict(zip(keys, sheet_names(shown), strict=True)) or {_UNASSIGNED_KEY: _EMPTY_SHEET[language]}

    # constant_memory: rows are flushed as they are written, so a list of 100k customers
    # does not hold every cell in memory (it requires writing row by row)
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    try:
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bottom": 1})
        formats = {
            "last_order_date": workbook.add_format({"num_format": _DATE_FORMAT[language]}),
            "lost_revenue": workbook.add_format({"num_format": _MONEY_FORMAT}),
            "days_since_last_order": workbook.add_format({"num_format": "0"}),
            "priority": workbook.add_format({"num_format": "0"}),
            "expected_interval_days": workbook.add_format({"num_format": "General"}),
        }
        for manager, sheet in names.items():
            part = rows[rows["list"] == manager]
            worksheet = workbook.add_worksheet(sheet)
            values = [_cell_values(part[key], key) for key in columns]
            writers = [(col, _writer(worksheet, key), formats.get(key)) for col, key in enumerate(columns)]
            for col, key in enumerate(columns):
                worksheet.set_column(col, col, _width(labels[key], values[col], key))
                worksheet.write_string(0, col, labels[key], header)
            worksheet.freeze_panes(1, 0)
            worksheet.autofilter(0, 0, max(len(part), 1), len(columns) - 1)
            for row, cells in enumerate(zip(*values, strict=True), start=1):
                for (col, write, cell_format), value in zip(writers, cells, strict=True):
                    if value is not None:
                        write(row, col, value, cell_format)
    finally:
        workbook.close()


def _writer(worksheet, key: str):
    """The typed write method: text is always text (a name starting with "=" is no formula)."""
    if key == "last_order_date":
        return worksheet.write_datetime
    if key in _NUMERIC:
        return worksheet.write_number
    return worksheet.write_string


def _cell_values(column: pd.Series, key: str) -> list:
    """Python values for xlsxwriter: None for missing, datetimes for dates, floats for numbers."""
    if key == "last_order_date":
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in column]
    if key in _NUMERIC:
        numbers = column.astype("Float64")
        return [None if pd.isna(v) else float(v) for v in numbers]
    return [None if pd.isna(v) or v == "" else str(v) for v in column]


def _width(label: str, values: list, key: str) -> float:
    if key == "result":
        return _RESULT_WIDTH
    if key == "last_order_date":
        return max(len(label) + 2, 12)
    if key == "lost_revenue":
        longest = max((len(f"{v:,.0f}") for v in values if v is not None), default=0)
    else:
        longest = max((len(_shown(v)) for v in values if v is not None), default=0)
    return float(min(max(longest, len(label), _MIN_WIDTH) + 2, _MAX_WIDTH))


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_text(value: object) -> str | None:
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(str(v) for v in value)
    return None if pd.isna(value) else str(value)


