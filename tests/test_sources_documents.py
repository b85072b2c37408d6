"""Tests of clientbase.sources.documents: invoices and payments of 1C lists, their checks."""

from __future__ import annotations

import pandas as pd
import pytest

from clientbase.errors import DataError
from clientbase.sources import load_source
from clientbase.sources.documents import document_number
from sources_frames import problems_of, source_1c

ORDERS = "Дата;Номер;Контрагент;Сумма\n01.03.2026;1;Альфа ООО;100\n"
CUSTOMERS = (
    "Код;Наименование;ИНН;КПП;Сумма кредита;Отсрочка платежа\n"
    "001;Альфа ООО;7701234560;770101001;50 000;30\n"
    "002;ИП Волков Д. С.;500100732259;;;\n"
)
INVOICES = (
    "Реализация товаров и услуг;Дата;Контрагент;Сумма;Срок оплаты\n"
    "Реализация товаров и услуг 00-000123 от 05.03.2026 12:00:00;05.03.2026;Альфа ООО;1 200,50;04.04.2026\n"
    "Реализация товаров и услуг 00-000124 от 06.03.2026 9:00:00;06.03.2026;ИП Волков Д. С.;300;\n"
)
PAYMENTS = (
    "Поступление безналичных ДС;Дата;Контрагент;Сумма;Расчетный документ\n"
    "Поступление безналичных ДС 00-000045 от 10.03.2026;10.03.2026;Альфа ООО;1 000;"
    "Реализация товаров и услуг 00-000123 от 05.03.2026 12:00:00\n"
    "00-000046;11.03.2026;ИП Волков Д. С.;-50;\n"
)


@pytest.mark.parametrize(
    ("text", "number"),
    [("Реализация товаров и услуг 00-000123 от 05.03.2026 12:00:00", "00-000123"),
     ("Приходный кассовый ордер 0000-000017 от 1.2.2026", "0000-000017"),
     ("00-000123", "00-000123"), ("Счёт без даты", "Счёт без даты")],
    ids=["realisation-with-time", "cash-order", "a-plain-number", "not-a-presentation"],
)
def test_a_presentation_is_read_as_its_document_number(text, number):
    assert document_number(pd.Series([text, None], dtype="str")).tolist()[0] == number


def test_invoices_and_payments_of_a_1c_folder_link_by_number(tmp_path):
    folder = source_1c(tmp_path, ORDERS, customers=CUSTOMERS, **{"dokumenty_raschetov.csv": INVOICES,
                                                                 "postupleniya.csv": PAYMENTS})
    source = load_source(folder, "1c")
    invoices, payments = source.tables["invoices"], source.tables["payments"]
    assert invoices["invoice_id"].tolist() == ["00-000123", "00-000124"]
    assert invoices["customer_id"].tolist() == ["001", "002"]
    assert invoices["amount"].tolist() == [1200.5, 300.0]
    assert invoices["due_date"].tolist()[0] == pd.Timestamp("2026-04-04") and pd.isna(invoices["due_date"].iloc[1])
    assert payments["payment_id"].tolist() == ["00-000045", "00-000046"]
    assert payments["invoice_id"].tolist()[0] == "00-000123" and pd.isna(payments["invoice_id"].iloc[1])
    assert payments["amount"].tolist() == [1000.0, -50.0]  # a refund is negative
    customers = source.tables["customers"].set_index("customer_id")
    assert customers.loc["001", "credit_limit"] == 50000 and customers.loc["001", "payment_terms_days"] == 30
    assert pd.isna(customers.loc["002", "credit_limit"])


def test_a_due_date_before_the_invoice_date_names_file_row_and_column(tmp_path):
    bad = INVOICES.replace("05.03.2026;Альфа ООО;1 200,50;04.04.2026", "05.03.2026;Альфа ООО;1 200,50;04.03.2026")
    folder = source_1c(tmp_path, ORDERS, customers=CUSTOMERS, **{"dokumenty_raschetov.csv": bad})
    with pytest.raises(DataError) as err:
        load_source(folder, "1c")
    [problem] = problems_of(err)
    assert (problem.file, problem.row, problem.column) == ("dokumenty_raschetov.csv", 2, "Срок оплаты")
    assert "before the invoice date" in problem.message


def test_a_negative_credit_limit_is_an_error(tmp_path):
    customers = CUSTOMERS.replace(";50 000;30", ";-5;30")
    folder = source_1c(tmp_path, ORDERS, customers=customers)
    with pytest.raises(DataError) as err:
        load_source(folder, "1c")
    [problem] = problems_of(err)
    assert (problem.file, problem.row, problem.column) == ("kontragenty.csv", 2, "Сумма кредита")


def test_a_payment_of_an_unknown_invoice_or_customer_is_a_warning_not_an_error(tmp_path):
    payments = (PAYMENTS.replace("00-000123 от 05.03.2026 12:00:00\n", "00-000999 от 05.03.2026\n")
                + "00-000047;12.03.2026;ООО Неизвестно;10;\n")
    folder = source_1c(tmp_path, ORDERS, customers=CUSTOMERS, **{"dokumenty_raschetov.csv": INVOICES,
                                                                 "postupleniya.csv": payments})
    source = load_source(folder, "1c")
    warnings = [str(p) for p in source.problems if p.table == "payments"]
    assert any("row 2" in w and "not in the invoices file" in w for w in warnings)
    assert any("ООО Неизвестно" in w for w in warnings)
    # the payment of an unknown invoice is kept (unlinked), the one of an unknown customer is dropped
    assert source.tables["payments"]["payment_id"].tolist() == ["00-000045", "00-000046"]
