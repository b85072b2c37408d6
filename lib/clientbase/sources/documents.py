"""Documents of settlements with customers (invoices, payments): 1C's document presentations
and the checks that need more than one column or table.

A 1C list names a document by its presentation: «Реализация товаров и услуг 00-000123 от
05.03.2026 12:00:00». The invoice's number is what links a payment to it, so a presentation is
read as its number wherever an invoice or payment id is expected (DESIGN.md: "a payment that
names its invoice by the document's presentation is matched to invoice 00-000123").

Checks (REFERENCE.md "Receivables", issue 13): a due date before the invoice date and a
negative credit limit or payment term are errors naming file, row and column; a payment that
names an invoice the invoices file does not have is a warning (the payment is kept, unlinked).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from clientbase.errors import Problem
from clientbase.frames import isin
from clientbase.sources.readers import _rows_text

# "<words> <number> от DD.MM.YYYY[ time]": the number is the token before " от "
_PRESENTATION = r"^(?:.*\s)?(\S+)\s+от\s+\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s.*)?$"
_DOCUMENT_IDS = {"invoices": ("invoice_id",), "payments": ("payment_id", "invoice_id"), "deals": ("deal_id",),
                 "deal_stages": ("deal_id",)}
_NOT_NEGATIVE = {"customers": ("credit_limit", "payment_terms_days")}


def document_number(values: pd.Series) -> pd.Series:
    """A 1C document presentation read as its number; anything else as it is."""
    text = values.astype("str")
    # the pattern runs only where it can match: at millions of plain ids the regex was
    # most of the time spent reading the invoices and payments
    maybe = text.str.contains(" от ", regex=False, na=False).to_numpy(dtype=bool)
    if not maybe.any():
        return text
    number = text[maybe].str.extract(_PRESENTATION, expand=False)
    return text.mask(maybe, number.fillna(text[maybe])).where(values.notna()).astype("str")


def with_document_numbers(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """`frame` with its document ids read as numbers (invoices, payments, deals); other tables as they are."""
    columns = [c for c in _DOCUMENT_IDS.get(table, ()) if c in frame]
    if not columns:
        return frame
    return frame.assign(**{c: document_number(frame[c]) for c in columns})


def document_problems(
    frames: dict[str, pd.DataFrame], paths: dict[str, Path], headers: dict[str, dict[str, str]]
) -> list[Problem]:
    """The checks of the settlement documents and of the customers' credit terms."""
    problems: list[Problem] = []
    for table, columns in _NOT_NEGATIVE.items():
        frame = frames.get(table)
        for col in columns if frame is not None else ():
            bad = (frame[col] < 0).fillna(False).to_numpy(dtype=bool)
            problems += _rows_problem(frame, bad, table, col, paths, headers,
                                      "must not be negative (0 means prepayment only / no deferral)")
    invoices = frames.get("invoices")
    if invoices is not None:
        early = (invoices["due_date"].dt.normalize() < invoices["date"].dt.normalize()).fillna(False)
        problems += _rows_problem(invoices, early.to_numpy(dtype=bool), "invoices", "due_date", paths, headers,
                                  "is before the invoice date")
    payments = frames.get("payments")
    if payments is not None and invoices is not None:
        named = payments["invoice_id"].notna().to_numpy(dtype=bool) & ~isin(payments["invoice_id"],
                                                                             invoices["invoice_id"])
        problems += _rows_problem(payments, named, "payments", "invoice_id", paths, headers,
                                  "names an invoice that is not in the invoices file (the payment is kept, "
                                  "not linked to an invoice)", severity="warning")
    return problems


def _rows_problem(
    frame: pd.DataFrame, bad: np.ndarray, table: str, col: str, paths: dict[str, Path],
    headers: dict[str, dict[str, str]], what: str, *, severity: str = "error",
) -> list[Problem]:
    if not bad.any():
        return []
    rows = frame.loc[bad, "_row"].to_numpy() if "_row" in frame else np.array([], dtype=np.int64)
    header = headers.get(table, {}).get(col) or col
    first = int(rows[0]) if len(rows) else None
    where = _rows_text(rows) if len(rows) else f"{int(bad.sum())} rows"
    return [Problem(paths[table].name, first, header, f"{col} {what}: {where}", severity=severity, table=table)]
