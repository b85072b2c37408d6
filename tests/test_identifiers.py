"""Tests of clientbase.identifiers: ИНН/КПП/ОГРН checks and contact normalisation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientbase.identifiers import (
    inn_check_digits,
    inn_problem,
    inn_problems,
    kpp_problem,
    kpp_problems,
    normalize_email,
    normalize_emails,
    normalize_name,
    normalize_names,
    normalize_phone,
    normalize_phones,
    ogrn_is_valid,
    ogrnip_is_valid,
)

# (value, expected problem); the valid ones are real: Сбербанк 7707083893, Газпром 7736050003
INN_CASES = [
    ("7707083893", None),
    ("7736050003", None),
    ("500100732259", None),
    (" 7707083893\t", None),
    ("", None),
    ("   ", None),
    (None, None),
    (np.nan, None),
    (pd.NA, None),
    ("7707083894", "checksum"),
    ("500100732258", "checksum"),  # 12th digit wrong
    ("500100732269", "checksum"),  # 11th digit wrong
    ("0000000000", "all_zeros"),
    ("000000000000", "all_zeros"),
    ("000", "all_zeros"),  # all zeros wins over length
    ("770708389", "length"),
    ("77070838931", "length"),
    ("5001007322591", "length"),
    ("77070838A3", "not_digits"),
    ("7707 083893", "not_digits"),
    ("7707083893.0", "not_digits"),
    ("н/д", "not_digits"),
    ("٧٧٠٧٠٨٣٨٩٣", "not_digits"),  # Arabic-Indic digits are not 0-9
]
INN_IDS = [
    "valid-10", "valid-10-gazprom", "valid-12", "surrounding-space", "empty", "blank", "none",
    "nan", "na", "checksum-10", "checksum-12-last", "checksum-12-11th", "zeros-10", "zeros-12",
    "zeros-short", "9-digits", "11-digits", "13-digits", "letter", "inner-space",
    "excel-float", "placeholder", "unicode-digits",
]


@pytest.mark.parametrize(("value", "expected"), INN_CASES, ids=INN_IDS)
def test_inn_problem(value, expected):
    assert inn_problem(value) == expected


def test_inn_problems_matches_the_table():
    values = pd.Series([v for v, _ in INN_CASES], dtype=object, index=range(10, 10 + len(INN_CASES)))
    result = inn_problems(values)
    assert result.index.equals(values.index)
    assert [None if pd.isna(v) else v for v in result] == [e for _, e in INN_CASES]


def test_inn_problems_on_an_empty_series():
    assert inn_problems(pd.Series([], dtype="str")).empty


@pytest.mark.parametrize(
    ("digits", "expected"),
    [("770708389", "3"), ("773605000", "3"), ("5001007322", "59"), ("123456789", "4")],
    ids=["sber", "gazprom", "person", "sequence"],
)
def test_inn_check_digits(digits, expected):
    assert inn_check_digits(digits) == expected


def test_inn_check_digits_by_hand():
    # 1*2+2*4+3*10+4*3+5*5+6*9+7*4+8*6+9*8 = 279; 279 mod 11 = 4; 4 mod 10 = 4
    assert inn_check_digits("123456789") == "4"


@pytest.mark.parametrize("digits", ["77070838", "77070838931", "77070838a", ""], ids=["8", "11", "letter", "empty"])
def test_inn_check_digits_rejects_other_lengths(digits):
    with pytest.raises(ValueError, match="first 9 or 10 digits"):
        inn_check_digits(digits)


KPP_CASES = [
    ("770701001", "7707083893", None),
    ("7701AB001", "7707083893", None),  # letters allowed in positions 5-6
    ("7701ab001", "7707083893", "kpp_format"),  # ... upper case only
    ("77070100", "7707083893", "kpp_format"),  # 8 characters
    ("7707010011", "7707083893", "kpp_format"),
    ("77A701001", "7707083893", "kpp_format"),  # letter outside positions 5-6
    (None, "7707083893", "kpp_missing"),
    ("  ", "7707083893", "kpp_missing"),
    (None, "7707083894", "kpp_missing"),  # wrong checksum, still an organisation's length
    ("770701001", "500100732259", "kpp_unexpected"),
    ("garbage", "500100732259", "kpp_unexpected"),  # clear it: the format does not matter
    (None, "500100732259", None),
    (None, None, None),
    (None, "0000000000", None),  # a placeholder ИНН says nothing about the КПП
    (None, "77070838A3", None),
    ("770701001", None, None),
    ("7707", None, "kpp_format"),
]
KPP_IDS = [
    "valid", "letters-5-6", "lower-case", "8-chars", "10-chars", "letter-pos-3", "missing",
    "blank-missing", "missing-bad-checksum-inn", "unexpected", "unexpected-garbage",
    "person-no-kpp", "nothing", "zeros-inn", "letters-inn", "no-inn", "no-inn-bad-kpp",
]


@pytest.mark.parametrize(("kpp", "inn", "expected"), KPP_CASES, ids=KPP_IDS)
def test_kpp_problem(kpp, inn, expected):
    assert kpp_problem(kpp, inn) == expected


def test_kpp_problems_matches_the_table():
    kpp = pd.Series([k for k, _, _ in KPP_CASES], dtype=object)
    inn = pd.Series([i for _, i, _ in KPP_CASES], dtype=object)
    result = kpp_problems(kpp, inn)
    assert [None if pd.isna(v) else v for v in result] == [e for _, _, e in KPP_CASES]


@pytest.mark.parametrize(
    ("value", "ogrn", "ogrnip"),
    [
        ("1027700132195", True, False),  # Сбербанк
        ("1027700132196", False, False),
        ("1027700132240", True, False),  # 102770013224 mod 11 = 10 -> check 0
        ("304500116000157", False, True),
        ("304500116000158", False, False),
        ("304500116000202", False, True),  # 30450011600020 mod 13 = 12 -> 2 (stdnum says no)
        ("10277001321950", False, False),
        ("102770013219A", False, False),
        ("", False, False),
        (None, False, False),
    ],
    ids=["ogrn", "ogrn-bad", "ogrn-mod-10", "ogrnip", "ogrnip-bad", "ogrnip-mod-12", "14-digits",
         "letter", "empty", "none"],
)
def test_ogrn_and_ogrnip(value, ogrn, ogrnip):
    assert ogrn_is_valid(value) is ogrn
    assert ogrnip_is_valid(value) is ogrnip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+7 (495) 123-45-67", "74951234567"),
        ("8 495 1234567", "74951234567"),
        ("84951234567", "74951234567"),
        ("(495) 123-45-67", "74951234567"),
        ("7 495 123 45 67", "74951234567"),
        ("8 (495) 123-45-67 доб. 123", "74951234567"),
        ("+7 495 123-45-67 ext 5", "74951234567"),
        ("8 495 123-45-67, 8 916 000-00-00", "74951234567"),
        ("123-45-67", None),
        ("", None),
        (None, None),
        ("+375 29 123-45-67", "375291234567"),
        ("94951234567", "94951234567"),
    ],
    ids=["plus7", "eight", "eight-plain", "ten", "seven-spaces", "ext-ru", "ext-en", "two-phones",
         "short", "empty", "none", "foreign", "11-other-prefix"],
)
def test_normalize_phone(value, expected):
    assert normalize_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Info@Example.RU ", "info@example.ru"),
        ("info@example.ru", "info@example.ru"),
        ("  ", None),
        (None, None),
        ("A@x.ru; b@y.ru", "a@x.ru"),
        ("info @alfa.ru", "info@alfa.ru"),
        ("Иван <Ivan@X.ru>, b@y.ru", "ivan@x.ru"),
    ],
    ids=["case-space", "plain", "blank", "none", "two-emails", "space-inside", "display-name"],
)
def test_normalize_email(value, expected):
    assert normalize_email(value) == expected
    vectorised = normalize_emails(pd.Series([value], dtype=object)).iloc[0]
    assert pd.isna(vectorised) if expected is None else vectorised == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ООО «Ромашка»", "ромашка"),
        ("Ромашка, ООО", "ромашка"),
        ('ООО"Ромашка"', "ромашка"),
        ("Общество с ограниченной ответственностью „Ромашка“", "ромашка"),
        ("ПАО «Сбербанк России»", "сбербанк россии"),
        ("Публичное акционерное общество Сбербанк России", "сбербанк россии"),
        ("АО 'Ёлка'", "елка"),
        ("ИП Иванов Иван Иванович", "иванов иван иванович"),
        ("Индивидуальный предприниматель Иванов И.И.", "иванов и и"),
        ("Romashka LLC", "romashka"),
        ("Romashka Ltd.", "romashka"),
        ("ООО ИП АО Ромашка", "ромашка"),
        ("Ромашка-Плюс", "ромашка плюс"),
        ("Заооблачный", "заооблачный"),  # "зао" inside a word stays
        ("Пао-Пао", ""),
        ("ООО", None),
        ("  ", None),
        (None, None),
    ],
    ids=["ooo-quotes", "ooo-after", "no-space-quotes", "long-form", "pao", "pao-long", "ao-yo",
         "ip", "ip-long", "llc", "ltd-dot", "adjacent-forms", "hyphen", "form-inside-word",
         "only-forms", "only-form", "blank", "none"],
)
def test_normalize_name(value, expected):
    assert normalize_name(value) == (expected or None)


def test_equal_names_get_equal_keys():
    assert normalize_name("ООО «Ромашка»") == normalize_name("Ромашка, ООО") == "ромашка"
    assert normalize_phone("+7 (495) 123-45-67") == normalize_phone("8 495 1234567") == "74951234567"
    assert normalize_email("Info@Example.RU ") == normalize_email("info@example.ru")


def test_vectorised_versions_keep_index_and_na():
    values = pd.Series(["ООО «Ромашка»", None, " "], index=["a", "b", "c"], dtype=object)
    for function in (normalize_names, normalize_phones, normalize_emails):
        result = function(values)
        assert result.index.tolist() == ["a", "b", "c"]
        assert result.iloc[1:].isna().all()


def test_vectorised_versions_do_not_mutate():
    values = pd.Series(["ООО «Ромашка»", " 8 495 1234567 ", "Info@Example.RU ", None])
    before = values.copy()
    for function in (inn_problems, normalize_names, normalize_phones, normalize_emails):
        function(values)
    kpp_problems(values, values)
    pd.testing.assert_series_equal(values, before)


# ------------------------------------------------------------------- vector == scalar

_TOKENS = [
    "ООО", "ооо", "ИП", "АО", "ПАО", "LLC", "Ltd", "общество с ограниченной ответственностью",
    "Ромашка", "Ёлка", "ёж", "Зао", "«", "»", '"', "'", "„", "“", "”", ",", ".", "-", "_", " ",
    "  ", "\t", "\xa0", "+7", "8", "(495)", "123-45-67", "доб.", "ДОБ", "ext", "вн.", ";", "@",
    "Info@Example.RU", "x", "7707083893", "500100732259", "0", "A", "AB", "77",
]
_ALPHABET = "0123456789 \t\xa0abcXYZабвЁёЙй@.,;-_+()«»\"'"
_texts = st.one_of(
    st.none(),
    st.text(alphabet=_ALPHABET, max_size=20),
    st.lists(st.sampled_from(_TOKENS), max_size=6).map("".join),
)
_inns = st.one_of(
    _texts,
    st.text(alphabet="0123456789", min_size=9, max_size=13),
    st.sampled_from(["7707083893", "500100732259", "7736050003", "0000000000"]),
)
_kpps = st.one_of(st.none(), st.text(alphabet="0123456789ABab ", max_size=10), st.just("7701AB001"))


def _as_list(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


@settings(max_examples=60, deadline=None)
@given(st.lists(_texts, max_size=25))
def test_vectorised_normalisation_equals_scalar(values):
    series = pd.Series(values, dtype=object)
    assert _as_list(normalize_names(series)) == [normalize_name(v) for v in values]
    assert _as_list(normalize_phones(series)) == [normalize_phone(v) for v in values]
    assert _as_list(normalize_emails(series)) == [normalize_email(v) for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_inns, _kpps), max_size=25))
def test_vectorised_checks_equal_scalar(pairs):
    inn = pd.Series([i for i, _ in pairs], dtype=object)
    kpp = pd.Series([k for _, k in pairs], dtype=object)
    assert _as_list(inn_problems(inn)) == [inn_problem(i) for i, _ in pairs]
    assert _as_list(kpp_problems(kpp, inn)) == [kpp_problem(k, i) for i, k in pairs]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_check_digits_make_a_valid_inn(nine, ten):
    if set(nine) != {"0"}:
        assert inn_problem(nine + inn_check_digits(nine)) is None
    if set(ten) != {"0"}:
        assert inn_problem(ten + inn_check_digits(ten)) is None
