"""Tests of clientbase.views.base_audit: summary text, masking, charts, tables, task lists."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from audit_frames import cards, cube_rows  # noqa: E402
from clientbase import audit  # noqa: E402
from clientbase.formatting import Formatter  # noqa: E402
from clientbase.periods import parse_period  # noqa: E402
from clientbase.views import base_audit as view  # noqa: E402
from clientbase.views import base_audit_plots as plots_view  # noqa: E402

PERIOD = parse_period("2026Q2")
AS_OF = PERIOD.as_of  # 2026-06-30
FULL = {"source": "сайт", "category": "опт", "region": "Москва"}


# A1/A2: duplicates by phone (a person and a company); B1: checksum-wrong ИНН; C1/C2: a
# branch; D1: no manager, no source; P1: complete
CUSTOMERS = cards(
    {"customer_id": "A1", "name": "Иванов Иван Иванович", "customer_type": "person", "manager": "Петрова",
     "phone": "+7 (495) 123-45-67", **FULL, "created_at": "2025-01-10"},
    {"customer_id": "A2", "name": "ООО «Альфа»", "customer_type": "company", "manager": "Сидоров",
     "phone": "8 495 1234567", "inn": "7736050003", "kpp": "773601001", **FULL, "created_at": "2025-02-01"},
    {"customer_id": "B1", "name": "ООО «Бета»", "customer_type": "company", "manager": "Петрова",
     "inn": "7707083894", "kpp": "770701001", "email": "b@beta.ru", **FULL, "created_at": "2025-03-01"},
    {"customer_id": "C1", "name": "АО Сбер", "customer_type": "company", "manager": "Сидоров",
     "inn": "7707083893", "kpp": "770701001", "email": "c1@sber.ru", **FULL, "created_at": "2025-03-01"},
    {"customer_id": "C2", "name": "АО Сбер (филиал)", "customer_type": "company", "manager": "Сидоров",
     "inn": "7707083893", "kpp": "773643001", "email": "c2@sber.ru", **FULL, "created_at": "2026-04-02"},
    {"customer_id": "D1", "name": "Дельта", "customer_type": "person", "category": "опт", "region": "СПб",
     "email": "d@delta.ru", "created_at": "2026-05-01"},
    {"customer_id": "P1", "name": "ИП Полный", "customer_type": "sole_trader", "manager": "Петрова",
     "email": "p@p.ru", **FULL},
)


CUBE = cube_rows(
    ("A1", "2025-02-01", 1, "2025-02-10", "2025-02-10"),  # sleeping since the previous audit too
    ("A2", "2026-06-01", 1, "2026-06-10", "2026-06-10"),
    ("B1", "2026-01-01", 1, "2026-01-20", "2026-01-20"),  # 161 days: sleeping now, not at 2026-03-31
    ("C2", "2026-05-01", 1, "2026-05-05", "2026-05-05"),  # new in 2026Q2
    ("D1", "2026-06-01", 1, "2026-06-20", "2026-06-20"),  # new in 2026Q2 with A2 and C2 (B1 was new in 2026Q1)
)
CONTACTS = pd.DataFrame({"contact_id": ["K1"], "customer_id": ["D1"], "name": ["Вера"], "role": [None],
                         "email": [None], "phone": ["8 916 000-00-00"]}, dtype="str")


@pytest.fixture(scope="module")
def result():
    return audit.base_audit(CUSTOMERS, CUBE, CONTACTS, as_of=AS_OF, executors=["Анна"], trend_quarters=3)


def md(value) -> str:
    assert isinstance(value, Markdown)
    return value.data


def test_the_findings_of_the_fixture(result):
    # the numbers the summary tests rely on, checked by hand
    assert result.duplicates["customer_id"].tolist() == ["A1", "A2"]
    assert result.invalid[["customer_id", "problem"]].values.tolist() == [["B1", "checksum"]]
    assert result.branches["customer_id"].tolist() == ["C1", "C2"]
    assert (result.base.customers, result.base.customers_previous) == (7, 5)
    assert (result.base.sleeping, result.base.sleeping_previous) == (2, 1)
    assert (result.base.new, result.base.new_previous) == (3, 1)


def test_summary_in_english_has_the_numbers(result):
    text = md(view.summary(result, fmt=Formatter("en")))
    assert "the base holds **7** client cards (+2 since 31 Mar 2026, +40.0%)" in text
    assert "**1** groups of duplicates join **2** cards" in text
    assert "same phone — 2" in text
    assert "1 organisations have branches" in text
    assert "**1** invalid identifiers on 1 cards: INN 1, KPP 0. Most often: wrong check digits (`checksum`)" in text
    # complete: all but D1 (no manager, no source); the emptiest field: source (first of the tie)
    assert "**85.7%** of the cards are fully filled; the emptiest field is Source (85.7% filled)" in text
    assert "**2** sleeping clients (no order for more than 90 days): +1 since 31 Mar 2026" in text
    assert "**3** new clients in Q2 2026 against 1 in Q1 2026" in text
    assert "1 cards without a manager are spread evenly over Анна" in text


def test_summary_in_russian_has_the_numbers(result):
    text = md(view.summary(result, fmt=Formatter("ru")))
    assert "Карточек клиентов в базе на 30.06.2026: **7** (+2 с 31.03.2026, +40,0\u00a0%)" in text
    assert "Групп дублей: **1**, карточек в них: **2**" in text
    assert "Ошибок в ИНН и КПП: **1**" in text
    assert "«Спящих» клиентов (нет заказов более 90 дн.): **2**" in text
    assert "Новых клиентов за 2 кв. 2026: **3** (за 1 кв. 2026: 1)" in text
    assert "распределены поровну между исполнителями: Анна" in text
    assert "Most" not in text and "cards" not in text


def test_summary_without_problems_says_so():
    clean = CUSTOMERS[CUSTOMERS["customer_id"].isin(["C1", "P1"])]
    found = audit.base_audit(clean, CUBE, None, as_of=AS_OF, trend_quarters=2)
    text = md(view.summary(found, fmt=Formatter("en")))
    assert "No duplicate cards were found." in text
    assert "Every filled INN and KPP is valid." in text
    assert "Nothing to fix" in text


def test_unassigned_cards_ask_for_executors():
    found = audit.base_audit(CUSTOMERS, CUBE, CONTACTS, as_of=AS_OF, trend_quarters=2)
    assert "parameter `executors`" in md(view.summary(found, fmt=Formatter("en")))
    table = view.tasks_table(found, fmt=Formatter("en"))
    assert "Unassigned" in table.frame["manager"].tolist()


def test_duplicate_examples_mask_personal_data(result):
    masked = view.duplicate_examples(result, CUSTOMERS, fmt=Formatter("en"), top_n=10, mask_pii=True).frame
    assert masked["client"].tolist() == ["И*** И. И.", "ООО «Альфа»"]
    assert masked["match_value"].tolist() == ["+7 *** ***-**-67"] * 2
    assert masked["match_rule"].tolist() == ["same phone"] * 2
    plain = view.duplicate_examples(result, CUSTOMERS, fmt=Formatter("en"), mask_pii=False).frame
    assert plain["client"].tolist() == ["Иванов Иван Иванович", "ООО «Альфа»"]
    assert plain["match_value"].tolist() == ["74951234567"] * 2


def test_a_persons_shared_name_is_hidden():
    people = cards({"customer_id": "X", "name": "Петров П. П.", "customer_type": "person"},
                   {"customer_id": "Y", "name": "петров п п", "customer_type": "person"})
    found = audit.base_audit(people, CUBE.iloc[:0], None, as_of=AS_OF, trend_quarters=2)
    shown = view.duplicate_examples(found, people, fmt=Formatter("ru"), mask_pii=True).frame
    assert shown["match_value"].tolist() == ["***", "***"]
    assert shown["match_rule"].tolist() == ["совпадает наименование"] * 2


def test_invalid_table_lists_every_code(result):
    frame = view.invalid_table(result, fmt=Formatter("ru")).frame
    assert frame["problem"].tolist() == ["not_digits", "all_zeros", "length", "checksum", "kpp_format",
                                         "kpp_missing", "kpp_unexpected"]
    assert frame["cards"].tolist() == [0, 0, 0, 1, 0, 0, 0]
    assert frame["field"].tolist()[3:5] == ["ИНН", "КПП"]


def test_tasks_table_counts_tasks_by_kind(result):
    frame = view.tasks_table(result, fmt=Formatter("en")).frame.set_index("manager")
    # Петрова: A1 duplicate, B1 checksum; Сидоров: A2 duplicate; Анна: D1 manager + source
    assert frame.loc["Петрова", ["cards", "tasks", "ids", "duplicates", "gaps"]].tolist() == [2, 2, 1, 1, 0]
    assert frame.loc["Анна", ["cards", "tasks", "gaps"]].tolist() == [1, 2, 2]
    assert frame.loc["Сидоров", "duplicates"] == 1


def test_reading_of_fill_rates_notes_a_missing_contacts_table():
    found = audit.base_audit(CUSTOMERS, CUBE, None, as_of=AS_OF, trend_quarters=2)
    assert "no contacts table" in md(view.reading("fill", found, fmt=Formatter("en")))
    assert "нет таблицы контактных лиц" in md(view.reading("fill", found, fmt=Formatter("ru")))
    # without contacts, D1's contact person no longer fills its contact field
    with_contacts = audit.base_audit(CUSTOMERS, CUBE, CONTACTS, as_of=AS_OF, trend_quarters=2)
    assert len(found.fill_gaps) == len(with_contacts.fill_gaps)  # D1 has its own email
    with pytest.raises(ValueError, match="no reading"):
        view.reading("nothing", found, fmt=Formatter("en"))


@pytest.mark.parametrize("key", ["duplicates", "fill", "trend"])
def test_chart_sections_show_a_figure_a_page_wide(result, key):
    shown = view.section(key, result, CUSTOMERS, fmt=Formatter("ru"))
    figures = [item for item in shown.items if isinstance(item, Figure)]
    assert len(figures) == 1 and figures[0].axes and figures[0].get_size_inches()[0] == 9
    assert md(shown.items[0]).startswith("## ")


@pytest.mark.parametrize("plot", ["plot_duplicates", "plot_fill_rates", "plot_base_trend", "plot_activity_trend"])
def test_plots_draw_on_the_given_axes(result, plot):
    _fig, ax = plt.subplots()
    assert getattr(plots_view, plot)(result, fmt=Formatter("en"), ax=ax) is ax
    assert ax.has_data() or ax.images


def test_fill_rate_heatmap_has_managers_and_the_complete_share(result):
    ax = plots_view.plot_fill_rates(result, fmt=Formatter("en"))
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["All cards (7)", "Петрова (3)", "Сидоров (3)", "No manager (1)"]
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "Fully\nfilled"


def test_no_duplicates_gives_a_sentence_not_a_chart():
    clean = CUSTOMERS[CUSTOMERS["customer_id"].isin(["C1", "P1"])]
    found = audit.base_audit(clean, CUBE, None, as_of=AS_OF, trend_quarters=2)
    shown = view.section("duplicates", found, clean, fmt=Formatter("en"))
    assert not any(isinstance(item, Figure) for item in shown.items)
    assert md(shown.items[-1]) == "No duplicate cards were found."


def test_headlines(result):
    assert view.headlines(result, fmt=Formatter("en")) == [
        # one group (A1, A2), B1's check digits, D1 alone incomplete (6 of 7), A1 A2 B1 + D1's two gaps
        ("Duplicate groups", "1"), ("Invalid INN/KPP", "1"), ("Fully filled cards", "85.7%"), ("Audit tasks", "5"),
    ]


def test_task_lists_have_a_sheet_per_person_with_full_details(result, tmp_path):
    path = view.write_task_lists(result.tasks, CUSTOMERS, tmp_path / "tasks.xlsx", language="ru")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Анна", "Петрова", "Сидоров"]
    rows = list(book["Петрова"].iter_rows(values_only=True))
    assert rows[0] == ("Код", "Клиент", "Задача", "ИНН", "КПП", "Телефон", "Электронная почта",
                       "Выполнено / комментарий")
    # the workbook's language words the tasks, whatever the language of the run's analysis
    assert rows[1][:3] == ("A1", "Иванов Иван Иванович", "Объединить дубли: группа D0001 (совпадает телефон)")
    assert rows[1][5] == "+7 (495) 123-45-67"


def test_unassigned_tasks_go_to_their_own_sheet(tmp_path):
    found = audit.base_audit(CUSTOMERS, CUBE, CONTACTS, as_of=AS_OF, trend_quarters=2)
    path = view.write_task_lists(found.tasks, CUSTOMERS, tmp_path / "tasks.xlsx", language="ru")
    assert openpyxl.load_workbook(path).sheetnames[-1] == "Без исполнителя"


# every task code, as audit_tasks writes it
CODED = pd.DataFrame({
    "task_code": ["inn_not_digits", "inn_all_zeros", "inn_length", "inn_checksum", "kpp_format", "kpp_missing",
                  "kpp_unexpected", "duplicate_inn_kpp", "duplicate_phone", "duplicate_email", "duplicate_name",
                  "duplicate_fuzzy_name", "fill_source", "fill_manager", "fill_category", "fill_contact", "fill_inn",
                  "fill_region"],
    "group_id": [None] * 7 + ["D0001", "D0002", "D0003", "D0004", "D0012"] + [None] * 6,
    "match_rule": [None] * 7 + ["inn_kpp", "phone", "email", "name", "fuzzy_name"] + [None] * 6,
}, dtype="str")


def test_task_text_words_every_code_in_english():
    text = view.task_text(CODED, language="en")
    assert text.name == "task" and text.index.equals(CODED.index)
    assert text.tolist() == [
        "Check INN: characters other than digits", "Check INN: all zeros",
        "Check INN: wrong length (10 digits for a company, 12 for a person or sole trader)",
        "Check INN: wrong check digits", "Check KPP: wrong format", "Fill in KPP: required for a company",
        "Remove KPP: a person or sole trader has none",
        "Merge duplicates: group D0001 (same INN and KPP)", "Merge duplicates: group D0002 (same phone)",
        "Merge duplicates: group D0003 (same email)", "Merge duplicates: group D0004 (same name)",
        "Merge duplicates: group D0012 (similar name)",
        "Fill in the acquisition source", "Assign a manager", "Fill in the customer category",
        "Fill in contact details (phone or email)", "Fill in INN", "Fill in the region",
    ]


def test_task_text_in_russian_has_no_latin_word_but_the_group_codes():
    text = view.task_text(CODED, language="ru")
    assert text.iloc[8] == "Объединить дубли: группа D0002 (совпадает телефон)"
    assert text.iloc[13] == "Назначить основного менеджера"
    latin = {word for sentence in text for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", sentence)}
    assert latin == {"D0001", "D0002", "D0003", "D0004", "D0012"}


def test_task_text_rejects_an_unknown_language():
    with pytest.raises(KeyError, match="language"):
        view.task_text(CODED, language="de")


def test_worded_tasks_have_the_columns_of_tasks_csv(result):
    worded = view.worded_tasks(result.tasks, language="en")
    assert list(worded.columns) == ["manager", "customer_id", "task", "task_code", "name"]
    duplicates = worded[worded["task_code"] == "duplicate_phone"]
    assert duplicates["task"].tolist() == ["Merge duplicates: group D0001 (same phone)"] * 2


def test_a_russian_report_words_every_task_in_russian(result, tmp_path):
    # what the notebook saves (tasks.csv) and writes (tasks.xlsx) in a run with language ru
    saved = view.worded_tasks(result.tasks, language="ru")
    path = view.write_task_lists(result.tasks, CUSTOMERS, tmp_path / "tasks.xlsx", language="ru")
    listed = [row[2] for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows(min_row=2,
                                                                                                 values_only=True)]
    assert sorted(listed) == sorted(saved["task"]) and len(listed) == len(result.tasks) == 5
    latin = {word for sentence in listed for word in re.findall(r"[A-Za-z][A-Za-z0-9_]*", sentence)}
    assert latin == {"D0001"}


def test_appendix_states_definitions_and_parameters(result):
    text = md(view.appendix(result, fmt=Formatter("en"), period=PERIOD, top_n=20, version="9.9"))
    assert "more than 90 days" in text and "`executors` = Анна" in text
    assert "`fuzzy_threshold` = off" in text and "clientbase 9.9." in text
    assert "Audit as of 30 Jun 2026 (Q2 2026); the previous audit date is 31 Mar 2026. Cards checked: 7" in text
    fuzzy = audit.base_audit(CUSTOMERS, CUBE, None, as_of=AS_OF, fuzzy_threshold=0.9, trend_quarters=2)
    text = md(view.appendix(fuzzy, fmt=Formatter("ru"), period=PERIOD, top_n=5, version="9.9"))
    assert "сходство не ниже 90" in text and "`top_n` = 5" in text


def test_views_do_not_mutate(result, tmp_path):
    customers, tasks = CUSTOMERS.copy(deep=True), result.tasks.copy(deep=True)
    duplicates = result.duplicates.copy(deep=True)
    fmt = Formatter("en")
    view.summary(result, fmt=fmt)
    view.duplicate_examples(result, CUSTOMERS, fmt=fmt)
    view.invalid_table(result, fmt=fmt)
    view.tasks_table(result, fmt=fmt)
    plots_view.plot_fill_rates(result, fmt=fmt)
    view.write_task_lists(result.tasks, CUSTOMERS, tmp_path / "t.xlsx", language="en")
    pd.testing.assert_frame_equal(CUSTOMERS, customers)
    pd.testing.assert_frame_equal(result.tasks, tasks)
    pd.testing.assert_frame_equal(result.duplicates, duplicates)
