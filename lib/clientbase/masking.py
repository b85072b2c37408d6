"""Masking of personal data in what stakeholders read (HTML and PDF reports).

Source: DESIGN.md "Rendering": emails, phones and personal names of individuals are
masked in stakeholder HTML/PDF by default; manager call lists (XLSX/CSV) carry the full
contact details, so nothing here is applied to them.

The rules (each keeps just enough to recognise a record one already knows, not enough to
find a person one does not):

- email: first character of the mailbox, then ``***``, then the domain, lower-cased:
  ``Ivan.Petrov@mail.ru`` → ``i***@mail.ru``. A value without ``@`` becomes ``***``.
  Several addresses in one cell are masked one by one.
- phone: only the last two digits are kept. A Russian number (11 digits starting with 7
  or 8, or 10 digits without a country code) is rewritten as ``+7 *** ***-**-67``
  whatever its notation; any other number keeps its notation with every digit but the
  last two starred (``+44 20 7946 0958`` → ``+** ** **** **58``).
- personal name: the first word (the surname, in Russian order) is reduced to its
  initial and ``***``, the other words to initials: ``Волков Дмитрий Сергеевич`` →
  ``В*** Д. С.``, ``Волков Д.С.`` → ``В*** Д. С.``. Surname and initials together would
  still identify a person in a small client base; the initial alone does not.
- customer name, by `customer_type` (schema.CUSTOMER_TYPES): a ``company`` is not
  personal data and is left as is; a ``sole_trader`` keeps its "ИП" prefix and the rest
  is masked as a personal name (``ИП Волков Д. С.`` → ``ИП В*** Д. С.``); a ``person``
  is masked as a personal name. When the type is missing it is guessed from the name:
  an "ИП" prefix means a sole trader, a legal form (ООО, АО, LLC, ...) or quotes mean a
  company, anything else is treated as a person (masked: when unsure, hide).

Missing values (None, NA) pass through unchanged; empty strings stay empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

_MASK = "***"
_STR = "str"

_SPACES = r"[\s\u00a0\u202f]+"
_SOLE_TRADER_PREFIX = r"^\s*(ИП|И\.\s?П\.|Индивидуальный предприниматель|IP)\s+(.*)$"
_LEGAL_FORMS = (
    "ООО|ОАО|ЗАО|ПАО|НАО|АО|АНО|НКО|ГУП|МУП|ФГУП|ФГБУ|ГБУ|МБУ|ТОО|ТСЖ|СНТ|КФХ|ПК|"
    "Общество|Акционерное общество|Товарищество|Кооператив|Фонд|Ассоциация|"
    "LLC|Ltd|Inc|GmbH|LLP|PLC|JSC"
)
_COMPANY = (
    rf"(?i)(?:^\s*(?:{_LEGAL_FORMS})(?:[\s\"'«.,]|$))|[\"«»“”]|(?:\s(?:LLC|Ltd\.?|Inc\.?|GmbH|LLP|PLC)\s*$)"
)


def mask_email(value: Any) -> Any:
    """``Ivan.Petrov@mail.ru`` → ``i***@mail.ru``; None/NA pass through."""
    return _scalar(value, _mask_emails)


def mask_phone(value: Any) -> Any:
    """``+7 (916) 123-45-67`` → ``+7 *** ***-**-67``: only the last two digits stay."""
    return _scalar(value, _mask_phones)


def mask_person_name(value: Any) -> Any:
    """``Волков Дмитрий Сергеевич`` → ``В*** Д. С.``: surname initial, then initials."""
    return _scalar(value, _mask_person_names)


def mask_customer_name(name: Any, customer_type: Any = None) -> Any:
    """Mask a customer's name by its type: company unchanged, ИП and persons masked.

    Parameters
    ----------
    name : str
    customer_type : {"company", "sole_trader", "person"} or None
        None (or NA) guesses the type from the name; see the module docstring.
    """
    if _is_missing(name):
        return name
    types = pd.Series([None if _is_missing(customer_type) else customer_type], dtype=_STR)
    return _mask_customer_names(pd.Series([str(name)], dtype=_STR), types).iloc[0]


def mask_frame(
    df: pd.DataFrame,
    *,
    email: Iterable[str] = ("email",),
    phone: Iterable[str] = ("phone",),
    person_name: Iterable[str] = (),
    customer_name: str | None = None,
    customer_type: str | None = None,
) -> pd.DataFrame:
    """A copy of `df` with personal data masked, for stakeholder reports.

    Parameters
    ----------
    df : DataFrame
        Not modified.
    email, phone : column names
        Masked when present; absent columns are skipped, so the defaults suit any frame.
    person_name : column names
        Names of individuals (contact persons, managers are *not* masked by default);
        each must exist.
    customer_name : column name or None
        Customers' names, masked by customer type (see `mask_customer_name`).
    customer_type : column name or None
        The column with each row's customer type; None uses ``customer_type`` when the
        frame has it, otherwise guesses the type from the name.

    Returns
    -------
    DataFrame
        A new frame; masked columns are of dtype ``str``.

    Raises
    ------
    KeyError
        A column named in `person_name`, `customer_name` or `customer_type` is missing.
    """
    out = df.copy()
    for column in _present(df, email):
        out[column] = _mask_emails(_as_str(df[column]))
    for column in _present(df, phone):
        out[column] = _mask_phones(_as_str(df[column]))
    for column in _required(df, person_name, "person_name"):
        out[column] = _mask_person_names(_as_str(df[column]))
    if customer_name is not None:
        (name_column,) = _required(df, (customer_name,), "customer_name")
        if customer_type is not None:
            (type_column,) = _required(df, (customer_type,), "customer_type")
            types = _as_str(df[type_column])
        elif "customer_type" in df.columns:
            types = _as_str(df["customer_type"])
        else:
            types = pd.Series(pd.NA, index=df.index, dtype=_STR)
        out[name_column] = _mask_customer_names(_as_str(df[name_column]), types)
    return out


# -- vectorised rules ----------------------------------------------------------------------


def _mask_emails(s: pd.Series) -> pd.Series:
    folded = s.str.strip().str.lower()
    masked = folded.str.replace(r"(^|[\s,;]+)([^\s,;@])[^\s,;@]*@", r"\1\2***@", regex=True)
    has_at = _flag(folded.str.contains("@", regex=False))
    empty = _flag(folded == "")
    result = masked.where(has_at | empty, _MASK)
    return result.where(s.notna(), s)


def _mask_phones(s: pd.Series) -> pd.Series:
    digits = s.str.replace(r"\D", "", regex=True)
    count = digits.str.len()
    first = digits.str.slice(0, 1)
    international = _flag(s.str.strip().str.startswith("+"))
    russian = _flag(
        ((count == 11) & first.isin(["7", "8"]) & ~(international & (first == "8")))
        | ((count == 10) & ~international)
    )
    as_russian = "+7 *** ***-**-" + digits.str.slice(-2)
    # every digit followed by at least two more digits is starred; the notation stays
    as_written = s.str.replace(r"\d(?=(?:\D*\d){2})", "*", regex=True)
    short = _flag(count <= 2)
    as_short = s.str.replace(r"\d", "*", regex=True)
    result = as_written.where(~russian, as_russian).where(~short, as_short)
    return result.where(s.notna(), s)


def _mask_person_names(s: pd.Series) -> pd.Series:
    normalised = s.str.replace(_SPACES, " ", regex=True).str.strip()
    initial = normalised.str.slice(0, 1).str.upper()
    rest = normalised.str.replace(r"^[^\s.]+\.?\s*", "", regex=True)
    initials = rest.str.replace(r"([^\s.])[^\s.]*\.?\s*", r"\1. ", regex=True).str.strip().str.upper()
    has_rest = _flag(initials != "")
    result = (initial + _MASK).where(~has_rest, initial + _MASK + " " + initials)
    result = result.where(normalised != "", normalised)
    return result.where(s.notna(), s)


def _mask_customer_names(names: pd.Series, types: pd.Series) -> pd.Series:
    types = types.set_axis(names.index)
    parts = names.str.extract(_SOLE_TRADER_PREFIX, expand=True)
    has_prefix = parts[0].notna()
    known = types.notna()
    looks_like_company = _flag(names.str.contains(_COMPANY, regex=True))
    is_company = _flag(types == "company").where(known, ~has_prefix & looks_like_company)
    is_sole_trader = _flag(types == "sole_trader").where(known, has_prefix)
    as_person = _mask_person_names(names)
    as_sole_trader = (parts[0] + " " + _mask_person_names(parts[1].astype(_STR))).where(has_prefix, as_person)
    result = names.where(is_company, as_sole_trader.where(is_sole_trader, as_person))
    return result.where(names.notna(), names).astype(_STR)


# -- helpers -------------------------------------------------------------------------------


def _scalar(value: Any, rule) -> Any:
    if _is_missing(value):
        return value
    return rule(pd.Series([str(value)], dtype=_STR)).iloc[0]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _flag(s: pd.Series) -> pd.Series:
    """A plain bool Series: missing counts as False."""
    return s.fillna(False).astype(bool)


def _as_str(s: pd.Series) -> pd.Series:
    return s if s.dtype == _STR else s.astype(_STR)


def _present(df: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    if isinstance(columns, str):
        columns = (columns,)
    return [c for c in columns if c in df.columns]


def _required(df: pd.DataFrame, columns: Iterable[str], option: str) -> list[str]:
    if isinstance(columns, str):
        columns = (columns,)
    columns = list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise KeyError(f"{option}: column(s) {missing} not in the frame (columns: {list(df.columns)})")
    return columns
