"""Tests of clientbase.views.receivables: the words around the receivables, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from clientbase.formatting import Formatter  # noqa: E402
from clientbase.receivables import ReceivablesOptions, receivables_report  # noqa: E402
from clientbase.views import receivables as view  # noqa: E402

AS_OF = pd.Timestamp("2026-09-30")
OPTIONS = ReceivablesOptions()
CUSTOMERS = pd.DataFrame({
    "customer_id": pd.Series(["A", "B"], dtype="str"), "name": pd.Series(["ООО Альфа", "Петров Иван"], dtype="str"),
    "customer_type": pd.Series(["company", "person"], dtype="str"), "manager": pd.Series(["Орлова", None], dtype="str"),
    "phone": pd.Series(["+7 900 000-00-01", None], dtype="str"), "email": pd.Series([None, "p@x.ru"], dtype="str"),
    "credit_limit": [500.0, float("nan")], "payment_terms_days": [30.0, 0.0],
})
# A: 1,000 due 2026-08-01 (60 days overdue), 400 not yet due; B: 300 due 2026-05-01 (152 days), paid 100 unlinked
INVOICES = pd.DataFrame({
    "invoice_id": pd.Series(["1", "2", "3"], dtype="str"), "customer_id": pd.Series(["A", "A", "B"], dtype="str"),
    "date": pd.to_datetime(["2026-07-02", "2026-09-20", "2026-05-01"]), "amount": [1000.0, 400.0, 300.0],
    "due_date": pd.to_datetime([None, None, None]), "manager": pd.Series([None] * 3, dtype="str"),
})
PAYMENTS = pd.DataFrame({
    "payment_id": pd.Series(["P1"], dtype="str"), "customer_id": pd.Series(["B"], dtype="str"),
    "date": pd.to_datetime(["2026-06-01"]), "amount": [100.0], "invoice_id": pd.Series([None], dtype="str"),
})


@pytest.fixture(scope="module")
def result():
    return receivables_report(INVOICES, PAYMENTS, CUSTOMERS, as_of=AS_OF, options=OPTIONS)


def test_the_summary_says_the_debt_its_overdue_part_and_the_limit_breach(result):
    text = view.summary(result, CUSTOMERS, fmt=Formatter("en", "RUB"), options=OPTIONS).data
    assert "Customers owe **RUB\u00a01,600**" in text
    assert "RUB\u00a01,200 of it overdue (75.0%)" in text  # A's 1,000 and B's 200
    assert "RUB\u00a0200 more than 90 days late" in text
    assert "Over their credit limit: **1 client**, by RUB\u00a0900" in text  # A: 1,400 against 500


def test_the_russian_summary_masks_a_person_and_speaks_russian(result):
    text = view.summary(result, CUSTOMERS, fmt=Formatter("ru", "RUB"), options=OPTIONS, mask_pii=True).data
    assert "Петров Иван" not in text and "ООО Альфа" in text
    assert "Превышен кредитный лимит: **1 клиент**" in text


def test_without_invoices_every_part_says_so_in_one_line():
    fmt = Formatter("en", "RUB")
    assert view.summary(None, CUSTOMERS, fmt=fmt, options=OPTIONS).data.startswith("- This report needs the invoices")
    assert view.headlines(None, fmt=fmt) == []
    shown = view.section_of("aging", None, CUSTOMERS, fmt=fmt, options=OPTIONS)
    assert isinstance(shown.items[-1], Markdown) and "invoices table" in shown.items[-1].data


@pytest.mark.parametrize("key", view.SECTIONS)
def test_every_section_builds_in_russian(result, key):
    shown = view.section_of(key, result, CUSTOMERS, fmt=Formatter("ru", "RUB"), options=OPTIONS)
    assert shown.items[0].data.startswith("## ")
    if key in ("aging", "trend"):
        assert any(isinstance(item, Figure) for item in shown.items)


def test_reminders_go_to_each_manager_with_what_to_do(result, tmp_path):
    path = view.write_reminders(result, CUSTOMERS, tmp_path / "reminders.xlsx", language="ru")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Орлова", "Без менеджера"]
    rows = list(book["Орлова"].iter_rows(values_only=True))
    assert rows[0][0] == "Клиент" and rows[1][0] == "ООО Альфа"
    assert rows[1][10] == "Остановить отгрузки до оплаты"  # 60 days overdue: 31-90 stops shipments


def test_the_debtors_are_a_sortable_list(result):
    shown = view.section_of("debtors", result, CUSTOMERS, fmt=Formatter("en", "RUB"), options=OPTIONS)
    debtors = shown.items[-1]
    assert debtors.interactive
    assert '<table class="cb-table cb-interactive"' in debtors.to_html()
