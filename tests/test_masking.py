"""PII masking for stakeholder reports: one rule per kind of value (see masking.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from clientbase.masking import mask_customer_name, mask_email, mask_frame, mask_person_name, mask_phone

# -- email -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ivan.Petrov@mail.ru", "i***@mail.ru"),
        ("  A@B.RU ", "a***@b.ru"),
        ("x@y.z", "x***@y.z"),
        ("ivan@mail.ru; Petr@corp.com", "i***@mail.ru; p***@corp.com"),
        ("not an email", "***"),
        ("", ""),
    ],
    ids=["spec", "folded-and-trimmed", "one-letter-mailbox", "several", "no-at-sign", "empty"],
)
def test_mask_email(value, expected):
    assert mask_email(value) == expected


@pytest.mark.parametrize("missing", [None, pd.NA], ids=["None", "NA"])
def test_missing_values_pass_through(missing):
    assert mask_email(missing) is missing
    assert mask_phone(missing) is missing
    assert mask_person_name(missing) is missing
    assert mask_customer_name(missing, "person") is missing


# -- phone ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+7 (916) 123-45-67", "+7 *** ***-**-67"),
        ("8 916 123 45 67", "+7 *** ***-**-67"),
        ("89161234567", "+7 *** ***-**-67"),
        ("79161234567", "+7 *** ***-**-67"),
        ("(495) 111-22-33", "+7 *** ***-**-33"),
        ("+44 20 7946 0958", "+** ** **** **58"),
        ("+7 916 123-45-67 доб. 12", "+* *** ***-**-** доб. 12"),
        ("12", "**"),
        ("", ""),
    ],
    ids=["spec", "eight-prefix", "digits-only", "seven-no-plus", "ten-digits-local", "foreign-keeps-notation",
         "extension", "too-short", "empty"],
)
def test_mask_phone_keeps_only_the_last_two_digits(value, expected):
    assert mask_phone(value) == expected


# -- personal names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Волков Дмитрий Сергеевич", "В*** Д. С."),
        ("Волков Д.С.", "В*** Д. С."),
        ("Волков Д. С.", "В*** Д. С."),
        ("волков", "В***"),
        ("  Ivan \u00a0 Petrov ", "I*** P."),
        ("Римский-Корсаков Николай Андреевич", "Р*** Н. А."),
        ("", ""),
    ],
    ids=["full-name", "initials-joined", "initials-spaced", "surname-only", "spaces-folded", "hyphenated",
         "empty"],
)
def test_mask_person_name_hides_the_surname(value, expected):
    assert mask_person_name(value) == expected


# -- customer names by type ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "customer_type", "expected"),
    [
        ('ООО "Ромашка"', "company", 'ООО "Ромашка"'),
        ("Волков Дмитрий Сергеевич", "company", "Волков Дмитрий Сергеевич"),
        ("ИП Волков Д. С.", "sole_trader", "ИП В*** Д. С."),
        ("Индивидуальный предприниматель Волков Дмитрий Сергеевич", "sole_trader",
         "Индивидуальный предприниматель В*** Д. С."),
        ("Волков Дмитрий", "sole_trader", "В*** Д."),
        ("Волков Дмитрий Сергеевич", "person", "В*** Д. С."),
        ("ИП Волков Д. С.", None, "ИП В*** Д. С."),
        ("ООО Ромашка", None, "ООО Ромашка"),
        ("АО «Альфа»", None, "АО «Альфа»"),
        ("Acme LLC", None, "Acme LLC"),
        ("Аозёрский Иван", None, "А*** И."),
        ("Волков Дмитрий Сергеевич", pd.NA, "В*** Д. С."),
    ],
    ids=["company-unchanged", "company-by-type-even-if-name-looks-personal", "sole-trader", "sole-trader-long-prefix",
         "sole-trader-without-prefix", "person", "guessed-sole-trader", "guessed-company", "guessed-company-quotes",
         "guessed-company-latin", "legal-form-must-be-a-word", "unknown-type-is-masked"],
)
def test_mask_customer_name(name, customer_type, expected):
    assert mask_customer_name(name, customer_type) == expected


# -- frames --------------------------------------------------------------------------------------------


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["1", "2", "3", "4"],
            "name": ["ИП Волков Д. С.", "ООО Ромашка", "Петров Иван Ильич", None],
            "customer_type": ["sole_trader", "company", "person", "person"],
            "email": ["Volkov@mail.ru", None, "ivan@ya.ru", "x"],
            "phone": ["8 916 123 45 67", "+7 (495) 111-22-33", None, ""],
            "contact": ["Сидорова Анна", "Кузнецов Пётр Петрович", None, "Орлов"],
        }
    ).astype("str")


def test_mask_frame_masks_every_named_column():
    out = mask_frame(_customers(), person_name=("contact",), customer_name="name")
    assert out["email"][0] == "v***@mail.ru" and pd.isna(out["email"][1])
    assert out["email"].tolist()[2:] == ["i***@ya.ru", "***"]
    assert out["phone"].tolist()[:2] == ["+7 *** ***-**-67", "+7 *** ***-**-33"]
    assert pd.isna(out["phone"][2]) and out["phone"][3] == ""
    assert out["name"].tolist()[:3] == ["ИП В*** Д. С.", "ООО Ромашка", "П*** И. И."]
    assert pd.isna(out["name"][3])
    assert out["contact"].tolist()[:2] == ["С*** А.", "К*** П. П."]
    assert out["customer_id"].tolist() == ["1", "2", "3", "4"]
    assert all(str(dtype) == "str" for dtype in out.dtypes)


def test_mask_frame_does_not_mutate_its_input():
    frame = _customers()
    before = frame.copy()
    mask_frame(frame, person_name=("contact",), customer_name="name")
    pd.testing.assert_frame_equal(frame, before)


def test_mask_frame_skips_absent_email_and_phone_columns():
    frame = pd.DataFrame({"customer_id": ["1"], "revenue": [10.0]})
    pd.testing.assert_frame_equal(mask_frame(frame), frame)


def test_mask_frame_guesses_types_without_a_type_column():
    frame = pd.DataFrame({"client": ["ИП Волков Д. С.", "ООО Ромашка", "Петров Иван"]}, dtype="str")
    out = mask_frame(frame, customer_name="client")
    assert out["client"].tolist() == ["ИП В*** Д. С.", "ООО Ромашка", "П*** И."]


def test_mask_frame_uses_an_explicit_type_column():
    frame = pd.DataFrame({"client": ["Петров Иван", "Петров Иван"], "kind": ["company", "person"]}, dtype="str")
    out = mask_frame(frame, customer_name="client", customer_type="kind")
    assert out["client"].tolist() == ["Петров Иван", "П*** И."]


def test_mask_frame_accepts_non_string_columns():
    frame = pd.DataFrame({"phone": [79161234567, 89031112233]})
    assert mask_frame(frame)["phone"].tolist() == ["+7 *** ***-**-67", "+7 *** ***-**-33"]


@pytest.mark.parametrize(
    ("options", "missing"),
    [
        ({"person_name": ("contact_name",)}, "contact_name"),
        ({"customer_name": "client"}, "client"),
        ({"customer_name": "name", "customer_type": "kind"}, "kind"),
    ],
    ids=["person-name", "customer-name", "customer-type"],
)
def test_mask_frame_names_a_missing_opt_in_column(options, missing):
    frame = pd.DataFrame({"name": ["x"]}, dtype="str")
    with pytest.raises(KeyError, match=missing):
        mask_frame(frame, **options)
