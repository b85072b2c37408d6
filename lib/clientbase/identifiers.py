"""Russian identifiers (ИНН, КПП, ОГРН, ОГРНИП) and normalised contact keys.

Source of the rules: REFERENCE.md "Base audit". Every check comes twice: a scalar function
for one value (``inn_problem``) and a vectorised one for a Series (``inn_problems``) that
gives exactly the same answers and handles a million rows in a few seconds. Both return
NA (``None`` for scalars) for an empty value: an empty field is a fill-rate gap, not an
invalid one.

ИНН problem codes, checked in this order (the first that applies is reported):

1. ``not_digits`` — anything but the digits 0-9 once surrounding whitespace is stripped
   (inner spaces, letters, a trailing ``.0`` left by a spreadsheet);
2. ``all_zeros`` — a placeholder such as ``0000000000`` (python-stdnum accepts it);
3. ``length`` — not 10 (organisation) or 12 (person, sole trader) digits;
4. ``checksum`` — wrong check digit(s) per the ФНС algorithm.

КПП problem codes (see `kpp_problem` for the order): ``kpp_unexpected``, ``kpp_format``,
``kpp_missing``.

Normalised keys (what the duplicate search compares):

- phone: digits only, Russian ``8``/``+7`` prefix unified to ``7``: ``+7 (495) 123-45-67``
  and ``8 495 1234567`` are both ``74951234567``; fewer than 10 digits is no phone;
- email: stripped and case-folded: ``Info@Example.RU `` is ``info@example.ru``;
- name: lower case, ``ё`` as ``е``, quotes, punctuation and legal forms (ООО, АО, ПАО, ИП,
  LLC, ... and their long forms) removed: ``ООО «Ромашка»`` and ``Ромашка, ООО`` are both
  ``ромашка``.

A field holding several phones or emails (``8 495 111-22-33, 8 916 ...``) is keyed by the
first one; a phone's extension (``доб. 12``, ``ext 12``, ``вн. 12``) is dropped.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

NOT_DIGITS = "not_digits"
ALL_ZEROS = "all_zeros"
LENGTH = "length"
CHECKSUM = "checksum"
KPP_FORMAT = "kpp_format"
KPP_MISSING = "kpp_missing"
KPP_UNEXPECTED = "kpp_unexpected"

INN_PROBLEMS = (NOT_DIGITS, ALL_ZEROS, LENGTH, CHECKSUM)
KPP_PROBLEMS = (KPP_FORMAT, KPP_MISSING, KPP_UNEXPECTED)

# ФНС weights: the 10th digit of an organisation's ИНН, the 11th and 12th of a person's
_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)

# [0-9] rather than \d: Python's \d also accepts Arabic-Indic and other Unicode digits
_DIGITS = "[0-9]+"
_ZEROS = "0+"
_KPP = r"[0-9]{4}[0-9A-Z]{2}[0-9]{3}"
_DIGITS_RE = re.compile(_DIGITS)
_ZEROS_RE = re.compile(_ZEROS)
_KPP_RE = re.compile(_KPP)

# where a phone or email field stops holding the first value: a list separator, or the
# start of a phone extension
_PHONE_TAIL = r"(?is)(?:[,;]|доб|ext|вн\.).*"
# a list of addresses keeps its first one; "Ivan <ivan@x.ru>" keeps the address; whitespace
# is folded away ("info @alfa.ru" is info@alfa.ru, not "info")
_EMAIL_TAIL = r"(?s)[,;].*"
_EMAIL_ANGLE = r"<([^<>]*@[^<>]*)>"
_WHITESPACE = r"\s+"
_NOT_DIGIT = "[^0-9]"
_PHONE_TAIL_RE = re.compile(_PHONE_TAIL)
_EMAIL_TAIL_RE = re.compile(_EMAIL_TAIL)
_EMAIL_ANGLE_RE = re.compile(_EMAIL_ANGLE)
_WHITESPACE_RE = re.compile(_WHITESPACE)
_NOT_DIGIT_RE = re.compile(_NOT_DIGIT)

# longest first, so "публичное акционерное общество" goes before "акционерное общество"
_LEGAL_FORMS = sorted(
    (
        "общество с ограниченной ответственностью",
        "индивидуальный предприниматель",
        "публичное акционерное общество",
        "непубличное акционерное общество",
        "открытое акционерное общество",
        "закрытое акционерное общество",
        "акционерное общество",
        "ооо", "оао", "зао", "ао", "пао", "нао", "ип", "llc", "ltd",
    ),
    key=lambda form: (-len(form), form),
)
# The name key: every run of characters that are not letters or digits (punctuation,
# quotes, underscores, any whitespace) becomes one space, not nothing — ООО"Ромашка" must
# split into two words. The scalar spells that `[\W_]+` (Python re), the vector
# `[^\p{L}\p{N}]+` (RE2 through pyarrow, 2-3x faster on a million names); both mean
# "not a Unicode letter or number". Legal forms are then matched between single spaces on
# the padded text; two passes, because a match consumes the space that an adjacent form
# ("ООО ИП ...") would need.
_NON_ALNUM_RE = re.compile(r"[\W_]+")
_NON_ALNUM_RE2 = r"[^\p{L}\p{N}]+"
_LEGAL_FORM = " (?:" + "|".join(_LEGAL_FORMS) + ") "
_LEGAL_FORM_RE = re.compile(_LEGAL_FORM)


# ---------------------------------------------------------------------------- scalars


def inn_check_digits(digits: str) -> str:
    """The ФНС check digit(s) of an ИНН.

    Parameters
    ----------
    digits : the first 9 digits of an organisation's ИНН (gives its 10th digit) or the
        first 10 digits of a person's ИНН (gives its 11th and 12th digits).
    """
    if not _DIGITS_RE.fullmatch(digits or "") or len(digits) not in (9, 10):
        raise ValueError(f"expected the first 9 or 10 digits of an ИНН, got {digits!r}")
    values = [int(ch) for ch in digits]
    if len(values) == 9:
        return str(_weighted(values, _W10))
    eleventh = _weighted(values, _W11)
    return f"{eleventh}{_weighted([*values, eleventh], _W12)}"


def inn_problem(value: object) -> str | None:
    """The problem code of one ИНН, or None when it is valid or empty.

    Codes and their order: module docstring; REFERENCE.md "Base audit".
    """
    text = _text(value)
    if text is None:
        return None
    if not _DIGITS_RE.fullmatch(text):
        return NOT_DIGITS
    if _ZEROS_RE.fullmatch(text):
        return ALL_ZEROS
    if len(text) not in (10, 12):
        return LENGTH
    body, check = (text[:9], text[9:]) if len(text) == 10 else (text[:10], text[10:])
    return None if inn_check_digits(body) == check else CHECKSUM


def kpp_problem(kpp: object, inn: object) -> str | None:
    """The problem code of a customer's КПП given its ИНН, or None.

    The КПП is required for an organisation (10-digit ИНН) and absent for a person or a
    sole trader (12-digit ИНН); REFERENCE.md "Base audit". Order:

    1. ``kpp_unexpected`` — a КПП next to a 12-digit ИНН, whatever its format (the fix is
       to clear it);
    2. ``kpp_format`` — a КПП that is not ``^\\d{4}[\\dA-Z]{2}\\d{3}$`` (letters upper case);
    3. ``kpp_missing`` — no КПП next to a 10-digit ИНН.

    An ИНН that is empty, not digits or all zeros says nothing about the КПП; one of a
    wrong checksum still does (its length is what matters).
    """
    kpp_text, inn_text = _text(kpp), _text(inn)
    kind = _inn_kind(inn_text)
    if kpp_text is not None:
        if kind == 12:
            return KPP_UNEXPECTED
        return None if _KPP_RE.fullmatch(kpp_text) else KPP_FORMAT
    return KPP_MISSING if kind == 10 else None


def ogrn_is_valid(value: object) -> bool:
    """Whether a value is a valid ОГРН: 13 digits, check = (first 12 mod 11) mod 10."""
    return _number_check(value, 13, 11)


def ogrnip_is_valid(value: object) -> bool:
    """Whether a value is a valid ОГРНИП: 15 digits, check = (first 14 mod 13) mod 10.

    python-stdnum computes this one wrongly; REFERENCE.md "Base audit".
    """
    return _number_check(value, 15, 13)


def normalize_phone(value: object) -> str | None:
    """The phone key: digits only, ``8``/``+7`` unified to ``7``; None below 10 digits.

    11 digits starting with 8 or 7 become ``7`` + the last 10; 10 digits get a ``7`` in
    front; longer (foreign) numbers stay as digits.
    """
    text = _text(value)
    if text is None:
        return None
    digits = _NOT_DIGIT_RE.sub("", _PHONE_TAIL_RE.sub("", text))
    if len(digits) < 10:
        return None
    if len(digits) == 10:
        return "7" + digits
    if len(digits) == 11 and digits[0] in "78":
        return "7" + digits[1:]
    return digits


def normalize_email(value: object) -> str | None:
    """The email key: the first address, whitespace removed, case-folded; None when empty."""
    text = _text(value)
    if text is None:
        return None
    angle = _EMAIL_ANGLE_RE.search(text)
    text = angle.group(1) if angle else text
    return _WHITESPACE_RE.sub("", _EMAIL_TAIL_RE.sub("", text)).casefold() or None


def normalize_name(value: object) -> str | None:
    """The name key: lower case, ё→е, no quotes, punctuation or legal form; None when empty."""
    text = _text(value)
    if text is None:
        return None
    text = _NON_ALNUM_RE.sub(" ", text.lower().replace("ё", "е"))
    text = _LEGAL_FORM_RE.sub(" ", _LEGAL_FORM_RE.sub(" ", f" {text} "))
    return text.strip(" ") or None


# ---------------------------------------------------------------------------- Series


def inn_problems(inn: pd.Series) -> pd.Series:
    """`inn_problem` for every value of a Series: problem codes, NA where none (same index)."""
    text = _texts(inn)
    out = pd.Series(pd.NA, index=inn.index, dtype="str", name=inn.name)
    filled = text.notna()
    digits = text.str.fullmatch(_DIGITS).fillna(False).astype(bool)
    zeros = text.str.fullmatch(_ZEROS).fillna(False).astype(bool)
    length = text.str.len()
    out[filled & ~digits] = NOT_DIGITS
    out[digits & zeros] = ALL_ZEROS
    candidates = digits & ~zeros
    out[candidates & ~length.isin([10, 12])] = LENGTH
    for width in (10, 12):
        rows = candidates & (length == width)
        if rows.any():
            valid = _checksum_ok(text[rows].to_numpy(dtype=object), width)
            out[rows[rows].index[~valid]] = CHECKSUM
    return out


def kpp_problems(kpp: pd.Series, inn: pd.Series) -> pd.Series:
    """`kpp_problem` for aligned Series of КПП and ИНН: codes, NA where none (kpp's index)."""
    kpp_text, inn_text = _texts(kpp), _texts(inn)
    kind = _inn_kinds(inn_text)
    out = pd.Series(pd.NA, index=kpp.index, dtype="str", name=kpp.name)
    has_kpp = kpp_text.notna()
    well_formed = kpp_text.str.fullmatch(_KPP).fillna(False).astype(bool)
    out[has_kpp & ~well_formed] = KPP_FORMAT
    out[has_kpp & (kind == 12)] = KPP_UNEXPECTED
    out[~has_kpp & (kind == 10)] = KPP_MISSING
    return out


def normalize_phones(values: pd.Series) -> pd.Series:
    """`normalize_phone` for every value of a Series (NA in, NA out)."""
    digits = _texts(values).str.replace(_PHONE_TAIL, "", regex=True).str.replace(
        _NOT_DIGIT, "", regex=True
    )
    length = digits.str.len()
    out = digits.where(length >= 10)
    out = out.mask(length == 10, "7" + digits)
    prefixed = (length == 11) & digits.str[0].isin(["7", "8"])
    return out.mask(prefixed, "7" + digits.str[1:])


def normalize_emails(values: pd.Series) -> pd.Series:
    """`normalize_email` for every value of a Series (NA in, NA out)."""
    text = _texts(values)
    text = text.str.extract(_EMAIL_ANGLE, expand=False).fillna(text)
    out = text.str.replace(_EMAIL_TAIL, "", regex=True).str.replace(_WHITESPACE, "", regex=True).str.casefold()
    return out.mask(out == "")


def normalize_names(values: pd.Series) -> pd.Series:
    """`normalize_name` for every value of a Series (NA in, NA out)."""
    out = _replace_non_alnum(_texts(values).str.lower().str.replace("ё", "е", regex=False))
    out = (" " + out + " ").str.replace(_LEGAL_FORM, " ", regex=True)
    out = out.str.replace(_LEGAL_FORM, " ", regex=True).str.strip(" ")
    return out.mask(out == "")


# ---------------------------------------------------------------------------- helpers


def _text(value: object) -> str | None:
    """A value as stripped text; None for None, NA and blank."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _texts(values: pd.Series) -> pd.Series:
    """A Series as stripped `str` text with NA for blanks (the vector `_text`)."""
    text = values.astype("str").str.strip()
    return text.mask(text == "")


def _replace_non_alnum(text: pd.Series) -> pd.Series:
    """Every run of non-letters/non-digits as one space (the vector `_NON_ALNUM_RE`)."""
    if getattr(text.dtype, "storage", None) != "pyarrow":
        return text.str.replace(_NON_ALNUM_RE.pattern, " ", regex=True)
    replaced = pc.replace_substring_regex(pa.array(text.array), _NON_ALNUM_RE2, " ")
    return pd.Series(pd.array(replaced, dtype=text.dtype), index=text.index, name=text.name)


def _inn_kind(text: str | None) -> int | None:
    """10 or 12 for an ИНН that is digits of that length (not all zeros), else None."""
    if text is None or not _DIGITS_RE.fullmatch(text) or _ZEROS_RE.fullmatch(text):
        return None
    return len(text) if len(text) in (10, 12) else None


def _inn_kinds(text: pd.Series) -> pd.Series:
    digits = text.str.fullmatch(_DIGITS).fillna(False).astype(bool)
    zeros = text.str.fullmatch(_ZEROS).fillna(False).astype(bool)
    length = text.str.len().fillna(0).astype("int64")
    return length.where(digits & ~zeros & length.isin([10, 12]), 0)


def _weighted(values: list[int], weights: tuple[int, ...]) -> int:
    return sum(v * w for v, w in zip(values, weights, strict=True)) % 11 % 10


def _checksum_ok(values: np.ndarray, width: int) -> np.ndarray:
    """Whether each ИНН (ASCII digit strings, all of `width`) has the right check digits."""
    # one byte buffer reshaped to a digit matrix: no Python loop per value
    matrix = np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8)
    matrix = matrix.reshape(-1, width).astype(np.int64) - ord("0")
    if width == 10:
        return (matrix[:, :9] @ np.array(_W10)) % 11 % 10 == matrix[:, 9]
    eleventh = (matrix[:, :10] @ np.array(_W11)) % 11 % 10
    twelfth = (matrix[:, :11] @ np.array(_W12)) % 11 % 10
    return (eleventh == matrix[:, 10]) & (twelfth == matrix[:, 11])


def _number_check(value: object, width: int, modulus: int) -> bool:
    text = _text(value)
    if text is None or len(text) != width or not _DIGITS_RE.fullmatch(text):
        return False
    return int(text[:-1]) % modulus % 10 == int(text[-1])
