"""Tests of clientbase.views.reactivation and the call lists (views.reactivation_lists).

One hand-made list of the run's quarter 2024Q2 (as_of 2024-06-30), four clients in scope:

| id | client (type)                      | manager    | ABC | days | interval | avg quarter | Q2 | lost | reasons                 |
|----|------------------------------------|------------|-----|------|----------|-------------|----|------|-------------------------|
| a  | ООО "Альфа" (company)              | Смирнова   | A   | 121  | 10       | 1000        | 0  | 1000 | no orders, rhythm, drop |
| b  | Волков Дмитрий Сергеевич (person)  | —          | B   | 21   | 10       | 300         | 100| 200  | rhythm, drop            |
| c  | ИП Петров Иван Иванович (sole tr.) | Кузнецов   | C   | 10   | —        | 500         | 100| 400  | drop                    |
| d  | АО Бета (company)                  | Смирнова   | A   | 5    | 30       | 100         | 150| 0    | — (not listed)          |

The list is a (priority 1, urgent), c (2), b (3); lost revenue 1 600 of a base of 1 900 per
quarter (84.2 %); class A is 1 of 3 listed (33.3 %) carrying 1 000 / 1 600 = 62.5 %.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from clientbase.formatting import Formatter  # noqa: E402
from clientbase.periods import parse_period  # noqa: E402
from clientbase.reactivation import SCOPE_COLUMNS, rank_candidates  # noqa: E402
from clientbase.views import reactivation as view  # noqa: E402
from clientbase.views.reactivation_lists import sheet_names, write_call_lists  # noqa: E402

PERIOD = parse_period("2024Q2")
NBSP = "\u00a0"
SMIRNOVA, KUZNETSOV = "Смирнова Ольга Викторовна", "Кузнецов Игорь Петрович"
ABC = pd.Series(["A", "B", "C", "A"], index=pd.Index(["a", "b", "c", "d"], dtype="str"))


def _scope() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array(["a", "b", "c", "d"], dtype="str"),
            "manager": pd.array([SMIRNOVA, None, KUZNETSOV, SMIRNOVA], dtype="str"),
            "last_order_date": pd.to_datetime(["2024-03-01", "2024-06-09", "2024-06-20", "2024-06-25"]).astype(
                "datetime64[ns]"
            ),
            "days_since_last_order": pd.array([121, 21, 10, 5], dtype="Int64"),
            "expected_interval_days": [10.0, 10.0, np.nan, 30.0],
            "distinct_order_dates": pd.array([3, 5, 2, 8], dtype="Int64"),
            "baseline_revenue": [1000.0, 300.0, 500.0, 100.0],
            "recent_revenue": [0.0, 100.0, 100.0, 150.0],
            "lost_revenue": [1000.0, 200.0, 400.0, 0.0],
            "reason": pd.array(
                ["no_orders_N_days|overdue_vs_own_rhythm|activity_drop", "overdue_vs_own_rhythm|activity_drop",
                 "activity_drop", None],
                dtype="str",
            ),
        }
    )[list(SCOPE_COLUMNS)]


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": pd.array(["a", "b", "c", "d"], dtype="str"),
            "name": pd.array(['ООО "Альфа"', "Волков Дмитрий Сергеевич", "ИП Петров Иван Иванович", "АО Бета"],
                             dtype="str"),
            "customer_type": pd.array(["company", "person", "sole_trader", "company"], dtype="str"),
            "email": pd.array(["info@alfa.ru", "volkov@mail.ru", None, None], dtype="str"),
            "phone": pd.array(["+7 495 111-22-33", "+7 916 123-45-67", None, None], dtype="str"),
        }
    )


def _contacts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "contact_id": pd.array(["k1", "k2"], dtype="str"),
            "customer_id": pd.array(["b", "b"], dtype="str"),
            "name": pd.array(["Волкова Анна Петровна", "Олег"], dtype="str"),
            "role": pd.array([None, None], dtype="str"),
            "email": pd.array(["anna@volkov.ru", None], dtype="str"),
            "phone": pd.array(["+7 903 765-43-21", None], dtype="str"),
        }
    )


def _candidates() -> pd.DataFrame:
    return rank_candidates(_scope(), abc=ABC)


def _fmt(language: str) -> Formatter:
    return Formatter(language)


def _plain(text: str) -> str:
    """Markdown/HTML text with no-break spaces as plain spaces, for readable assertions."""
    return text.replace(NBSP, " ").replace("\u202f", " ")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_the_fixture_list_is_a_c_b():
    candidates = _candidates()
    assert candidates["customer_id"].tolist() == ["a", "c", "b"]
    assert candidates["urgent"].tolist() == [True, False, False]


# --- executive summary ------------------------------------------------------------------------------


def test_summary_in_english_has_the_numbers():
    text = _plain(_summary(_scope(), _candidates(), _customers(), fmt=_fmt("en"), period=PERIOD,
                               settings=view.Settings()).data)
    lines = text.split("\n")
    assert lines[0] == (
        "- **3** of the 4 clients who bought in the last 24 months are slipping away (75.0%): 1 with no order "
        "for more than 90 days, 2 silent more than 2 times their usual interval between orders, and 3 buying "
        "more than 30% less in Q2 2024 than in an average quarter of the year before."
    )
    assert "**RUB 1,600 per quarter**" in lines[1]
    assert "that is 84.2% of the average quarterly revenue" in lines[1]  # 1 600 / 1 900
    assert lines[2] == (
        "- Class A: **1** of the listed clients (33.3%), carrying 62.5% of the revenue at stake; urgent "
        "(class A with no order for more than 30 days): **1** — call them first."
    )
    assert lines[3] == (
        f"- Per responsible manager (lost revenue per quarter): {SMIRNOVA} — 1 client (RUB 1,000); "
        f"{KUZNETSOV} — 1 client (RUB 400). Without a responsible manager: 1 client, on the \"unassigned\" list."
    )
    assert lines[4] == f'- First call: ООО "Альфа" ({SMIRNOVA}), RUB 1,000 per quarter at stake.'


def test_summary_in_russian_has_the_numbers():
    text = _plain(_summary(_scope(), _candidates(), _customers(), fmt=_fmt("ru"), period=PERIOD,
                               settings=view.Settings()).data)
    lines = text.split("\n")
    assert lines[0].startswith("- Уходящих клиентов — **3** из 4, покупавших за последние 24 месяца (75,0 %): "
                               "без заказов более 90 дней — 1; пауза более чем в 2 раза дольше обычного")
    assert "падение активности более 30 % в II квартале 2024 г." in lines[0]
    assert "**1 600 ₽ в квартал**" in lines[1]
    assert "это 84,2 % средней квартальной выручки" in lines[1]
    assert "Клиентов класса A в списке — **1** (33,3 %), на них приходится 62,5 %" in lines[2]
    assert f"{SMIRNOVA} — 1 клиент (1 000 ₽); {KUZNETSOV} — 1 клиент (400 ₽)" in lines[3]
    assert "Без основного менеджера — 1 клиент" in lines[3]
    assert lines[4] == f'- Первый звонок: ООО "Альфа" ({SMIRNOVA}), упущенная выручка 1 000 ₽ в квартал.'


def test_russian_text_has_no_english_words():
    fmt, settings = _fmt("ru"), view.Settings()
    scope, candidates = _scope(), _candidates()
    texts = [
        _summary(scope, candidates, _customers(), fmt=fmt, period=PERIOD, settings=settings).data,
        *(view.reading(s, fmt=fmt, settings=settings, scope=scope).data for s in ("stake", "rhythm", "top", "build")),
        view.top_table(candidates, _customers(), fmt=fmt, period=PERIOD, settings=settings).to_html(),
        _build(scope, candidates, fmt=fmt, period=PERIOD, settings=settings).to_html(),
    ]
    # the ABC-XYZ class names, Roman quarter numbers and the file name of the call lists are the
    # only Latin letters
    allowed = {"ABC", "XYZ", "II", "call_lists", "xlsx"}
    words = {
        w for text in texts for w in re.findall(r"[A-Za-z_]{2,}", html.unescape(re.sub(r"<[^>]+>", " ", text)))
    }
    assert words - allowed == set()


def test_summary_without_abc_classes_says_the_class_is_unknown():
    text = _summary(_scope(), _candidates(), _customers(), fmt=_fmt("en"), period=PERIOD,
                        settings=view.Settings(abc_known=False)).data
    assert "ABC classes are not available" in text
    assert "Class A:" not in text


def test_summary_masks_the_first_call_when_it_is_a_person():
    # b (a person) becomes the first call when it carries the most lost revenue
    scope = _scope().assign(lost_revenue=[100.0, 900.0, 50.0, 0.0])
    candidates = rank_candidates(scope, abc=ABC)
    masked = _summary(scope, candidates, _customers(), fmt=_fmt("en"), period=PERIOD, settings=view.Settings())
    assert "First call: В\\*\\*\\* Д. С. (unassigned)" in _plain(masked.data)
    assert "Волков" not in masked.data
    full = _summary(scope, candidates, _customers(), fmt=_fmt("en"), period=PERIOD, settings=view.Settings(),
                        mask_pii=False)
    assert "First call: Волков Дмитрий Сергеевич (unassigned)" in full.data


@pytest.mark.parametrize("language", ["en", "ru"])
def test_empty_list_says_nobody_and_every_section_still_builds(language):
    scope = _scope().assign(reason=pd.array([None] * 4, dtype="str"))
    candidates = rank_candidates(scope, abc=ABC)
    assert candidates.empty
    fmt, settings = _fmt(language), view.Settings()
    text = _summary(scope, candidates, _customers(), fmt=fmt, period=PERIOD, settings=settings).data
    expected = {
        "en": "- No client is slipping away: none of the 4 clients who bought in the last 24 months meets a "
              "reactivation condition in Q2 2024.",
        "ru": "- Уходящих клиентов нет: ни один из 4, покупавших за последние 24 месяца, не подпадает под условия "
              "реактивации в II квартале 2024 г.",
    }
    assert text == expected[language]
    stake = view.stake_section(candidates, fmt=fmt, settings=settings)
    assert not any(isinstance(item, Figure) for item in stake.items)
    assert isinstance(stake.items[-1], Markdown)
    assert view.top_table(candidates, _customers(), fmt=fmt, period=PERIOD, settings=settings).frame.empty
    build = _build(scope, candidates, fmt=fmt, period=PERIOD, settings=settings).frame
    assert build["customers"].tolist() == [4, 0, 0, 0, 0, 0, 0, 0]
    appendix = view.appendix(scope, candidates, fmt=fmt, period=PERIOD, settings=settings, version="9.9").data
    assert "9.9" in appendix


# --- tables -----------------------------------------------------------------------------------------


def test_top_table_masks_individuals_and_shortens_managers_and_reasons():
    shown = view.top_table(_candidates(), _customers(), fmt=_fmt("en"), period=PERIOD, settings=view.Settings())
    frame = shown.frame
    assert frame.columns.tolist() == [
        "priority", "client", "manager", "abc", "days_since_last_order", "expected_interval_days",
        "baseline_revenue", "lost_revenue", "reason", "urgent",
    ]
    assert frame["priority"].tolist() == [1, 2, 3]
    # a company keeps its name; a sole trader and a person are masked (DESIGN.md "Rendering")
    assert [_plain(c) for c in frame["client"]] == ['ООО "Альфа"', "ИП П*** И. И.", "В*** Д. С."]
    # "Фамилия И. О." on one line (no-break spaces); no manager reads "unassigned", not shortened
    assert frame["manager"].tolist() == [f"Смирнова{NBSP}О.{NBSP}В.", f"Кузнецов{NBSP}И.{NBSP}П.", "unassigned"]
    assert [_plain(r) for r in frame["reason"]] == [
        "no orders > 90 d, off rhythm, drop > 30%", "drop > 30%", "off rhythm, drop > 30%",
    ]
    # the line may break between reasons, never inside one
    assert frame["reason"].iloc[0].count(" ") == 2
    assert frame["urgent"].tolist() == ["yes", "", ""]
    html = shown.to_html()
    assert "Волков" not in html and "Петров" not in html
    assert "RUB 1,000" in _plain(html)
    assert html.startswith('<table class="cb-table cb-interactive"')


def test_top_table_in_russian_and_without_masking():
    shown = view.top_table(_candidates(), _customers(), fmt=_fmt("ru"), period=PERIOD, settings=view.Settings(),
                           mask_pii=False)
    frame = shown.frame
    assert frame["client"].tolist() == ['ООО "Альфа"', "ИП Петров Иван Иванович", "Волков Дмитрий Сергеевич"]
    assert frame["manager"].iloc[2] == "без менеджера"
    assert _plain(frame["reason"].iloc[0]) == "нет заказов > 90 дн., ритм нарушен, спад > 30 %"
    assert frame["urgent"].tolist() == ["да", "", ""]
    assert "Упущено в квартал" in shown.to_html()


def test_top_table_without_abc_classes_says_unknown_and_keeps_top_n():
    shown = view.top_table(_candidates(), _customers(), fmt=_fmt("en"), period=PERIOD,
                           settings=view.Settings(abc_known=False, top_n=2))
    assert shown.frame["abc"].tolist() == ["unknown", "unknown"]
    assert shown.frame["priority"].tolist() == [1, 2]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        (SMIRNOVA, f"Смирнова{NBSP}О.{NBSP}В."),
        ("Ivanov Petr", f"Ivanov{NBSP}P."),
        ("Ivanov", "Ivanov"),
        ("Отдел продаж № 2", "Отдел продаж № 2"),
    ],
    ids=["surname-name-patronymic", "two-words", "one-word", "not-a-person"],
)
def test_short_person(name, short):
    from clientbase.views.reactivation_words import _short_person

    assert _short_person(name) == short


def test_build_table_counts_each_step():
    frame = _build(_scope(), _candidates(), fmt=_fmt("en"), period=PERIOD, settings=view.Settings()).frame
    assert frame["customers"].tolist() == [4, 1, 2, 3, 3, 1, 1, 1]
    assert frame["share"].tolist() == [1.0, 0.25, 0.5, 0.75, 0.75, 0.25, 0.25, 0.25]
    assert frame["lost_revenue"].iloc[1:].tolist() == [1000.0, 1200.0, 1600.0, 1600.0, 1000.0, 1000.0, 200.0]
    assert frame["step"].iloc[1] == "No orders for more than 90 days"


def test_build_table_without_abc_has_no_class_rows():
    frame = _build(_scope(), _candidates(), fmt=_fmt("ru"), period=PERIOD,
                             settings=view.Settings(abc_known=False)).frame
    assert len(frame) == 6
    assert frame["step"].iloc[-1] == "… из них без основного менеджера"


def test_appendix_states_the_codes_and_the_parameters_used():
    settings = view.Settings(no_order_days=60, rhythm_multiplier=1.5, drop_threshold=0.25)
    text = _plain(view.appendix(_scope(), _candidates(), fmt=_fmt("en"), period=PERIOD, settings=settings,
                                version="1.2.3").data)
    assert "`no_orders_N_days` — no order for more than N = 60 days" in text
    assert "`rhythm_multiplier` = 1.5" in text
    assert "`drop_threshold` = 25%" in text
    assert "1 Apr 2024 – 30 Jun 2024" in text
    assert "(1 Apr 2023 – 31 Mar 2024)" in text  # the four quarters of the baseline
    assert "clientbase 1.2.3." in text
    ru = _plain(view.appendix(_scope(), _candidates(), fmt=_fmt("ru"), period=PERIOD, settings=settings,
                              version="1.2.3").data)
    assert "`no_orders_N_days` — нет заказов более N дней, N = 60" in ru
    assert "`rhythm_multiplier` = 1,5" in ru


def test_rhythm_reading_counts_the_clients_the_chart_cannot_place():
    en = view.reading("rhythm", fmt=_fmt("en"), settings=view.Settings(), scope=_scope()).data
    assert en.endswith("Not shown: 1 client with fewer than 3 order dates (no usual interval).")
    ru = view.reading("rhythm", fmt=_fmt("ru"), settings=view.Settings(), scope=_scope()).data
    assert ru.endswith("не показаны: обычный интервал неизвестен (1 клиент).")
    with pytest.raises(ValueError, match="scope"):
        view.reading("rhythm", fmt=_fmt("en"), settings=view.Settings())
    with pytest.raises(ValueError, match="section"):
        view.reading("nope", fmt=_fmt("en"), settings=view.Settings())


def test_top_reading_says_when_names_are_masked():
    masked = view.reading("top", fmt=_fmt("en"), settings=view.Settings(top_n=20)).data
    assert masked.startswith("The first 20 calls") and masked.endswith("are masked in this report.")
    assert "masked" not in view.reading("top", fmt=_fmt("en"), settings=view.Settings(), mask_pii=False).data


# --- charts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
def test_revenue_at_stake_chart_has_a_bar_per_reason_and_manager(language):
    fig = _stake_figure(_candidates(), fmt=_fmt(language))
    left, right = fig.axes
    assert len(left.patches) == 3  # no orders, rhythm, drop
    assert [p.get_width() for p in left.patches] == [1000.0, 1200.0, 1600.0]
    assert len(right.patches) == 3  # Смирнова, Кузнецов, unassigned
    assert [p.get_width() for p in right.patches] == [1000.0, 400.0, 200.0]
    labels = [_plain(t.get_text()) for t in right.get_yticklabels()]
    unassigned = {"en": "unassigned (1)", "ru": "без менеджера (1)"}[language]
    assert labels == ["Смирнова О. В. (1)", "Кузнецов И. П. (1)", unassigned]


def test_revenue_at_stake_chart_sums_the_managers_beyond_the_top():
    many = pd.concat([_candidates()] * 5, ignore_index=True)
    many = many.assign(
        customer_id=pd.array([f"x{i}" for i in range(len(many))], dtype="str"),
        manager=pd.array([f"Manager{i:02d}" for i in range(len(many))], dtype="str"),
        lost_revenue=np.arange(len(many), 0, -1, dtype=float),
    )
    right = view.plot_stake_by_manager(many, fmt=_fmt("en"))
    labels = [t.get_text() for t in right.get_yticklabels()]
    from clientbase.views.reactivation_plots import _TOP_MANAGERS

    assert len(labels) == _TOP_MANAGERS + 1
    assert labels[-1] == "6 more managers (6)"  # 15 managers, 9 drawn
    assert right.patches[-1].get_width() == sum(range(1, 7))


def test_rhythm_chart_draws_clients_with_an_interval_and_the_two_rules():
    ax = view.plot_rhythm(_scope(), fmt=_fmt("en"), settings=view.Settings())
    points = sum(len(c.get_offsets()) for c in ax.collections)
    assert points == 3  # c has no usual interval
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_title(loc="left") == "Days since the last order vs the usual interval"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "2 × usual interval" in legend and "90 days" in legend


def test_rhythm_chart_without_intervals_says_nothing_to_show():
    scope = _scope().assign(expected_interval_days=np.nan)
    shown = view.rhythm_section(scope, fmt=_fmt("ru"), settings=view.Settings())
    assert isinstance(shown.items[-1], Markdown) and not any(isinstance(i, Figure) for i in shown.items)


def test_view_functions_do_not_mutate():
    scope, candidates, customers = _scope(), _candidates(), _customers()
    copies = [scope.copy(), candidates.copy(), customers.copy()]
    fmt, settings = _fmt("ru"), view.Settings()
    _summary(scope, candidates, customers, fmt=fmt, period=PERIOD, settings=settings)
    view.top_table(candidates, customers, fmt=fmt, period=PERIOD, settings=settings)
    _build(scope, candidates, fmt=fmt, period=PERIOD, settings=settings)
    view.appendix(scope, candidates, fmt=fmt, period=PERIOD, settings=settings, version="0")
    view.reading("rhythm", fmt=fmt, settings=settings, scope=scope)
    view.stake_section(candidates, fmt=fmt, settings=settings)
    view.rhythm_section(scope, fmt=fmt, settings=settings)
    for original, copy in zip((scope, candidates, customers), copies, strict=True):
        pd.testing.assert_frame_equal(original, copy)


# --- call lists (Excel) -----------------------------------------------------------------------------


def _header(sheet) -> list[str]:
    return [c.value for c in sheet[1]]


def _record(sheet, row: int) -> dict:
    return dict(zip(_header(sheet), [c.value for c in sheet[row]], strict=True))


def test_call_lists_one_sheet_per_manager_then_unassigned(tmp_path):
    top_products = pd.DataFrame({"customer_id": ["a", "b"], "products": ["Кабель ВВГ; Автомат C16", "Реле"]})
    path = write_call_lists(_candidates(), _customers(), tmp_path / "lists" / "calls.xlsx", contacts=_contacts(),
                            top_products=top_products, language="en")
    assert path == tmp_path / "lists" / "calls.xlsx"
    assert [p.name for p in path.parent.iterdir()] == ["calls.xlsx"]  # no temporary left behind
    book = openpyxl.load_workbook(path)
    # managers alphabetically (Кузнецов before Смирнова), then the clients without one
    assert book.sheetnames == [KUZNETSOV, SMIRNOVA, "(unassigned)"]
    assert [book[s].max_row for s in book.sheetnames] == [2, 2, 2]  # d is not listed
    sheet = book[SMIRNOVA]
    assert _header(sheet) == [
        "Priority", "Client", "Customer code", "Phone", "Email", "Contact person", "Last order",
        "Days since last order", "Usual interval, days", "ABC class", "Used to buy", "Lost revenue",
        "Reason", "Urgent", "Result of the call",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O2"
    row = _record(sheet, 2)
    assert row["Client"] == 'ООО "Альфа"'
    assert row["Reason"] == (
        "no orders for more than 90 days; overdue vs own rhythm (usually every 10 days); "
        "activity drop of more than 30%"
    )
    assert row["Used to buy"] == "Кабель ВВГ; Автомат C16"
    assert row["Urgent"] == "Yes"
    assert row["Result of the call"] is None
    assert book[KUZNETSOV].cell(2, 9).value is None  # no usual interval: an empty cell, not "nan"


def test_call_lists_keep_personal_data_in_full(tmp_path):
    book = openpyxl.load_workbook(
        write_call_lists(_candidates(), _customers(), tmp_path / "c.xlsx", contacts=_contacts(), language="ru")
    )
    row = _record(book["Без менеджера"], 2)
    # the same client is "В*** Д. С." in the report (test_top_table_masks_individuals...)
    assert row["Клиент"] == "Волков Дмитрий Сергеевич"
    assert row["Телефон"] == "+7 916 123-45-67"
    assert row["Электронная почта"] == "volkov@mail.ru"
    assert row["Контактное лицо"] == "Волкова Анна Петровна, +7 903 765-43-21, anna@volkov.ru"
    assert _record(book[KUZNETSOV], 2)["Клиент"] == "ИП Петров Иван Иванович"


def test_call_lists_cells_are_typed(tmp_path):
    book = openpyxl.load_workbook(write_call_lists(_candidates(), _customers(), tmp_path / "c.xlsx", language="ru"))
    sheet = book[SMIRNOVA]
    header = _header(sheet)
    cell = {name: sheet.cell(2, header.index(name) + 1) for name in header}
    assert cell["Приоритет"].value == 1 and cell["Приоритет"].data_type == "n"
    assert cell["Последний заказ"].is_date
    assert cell["Последний заказ"].value == pd.Timestamp("2024-03-01").to_pydatetime()
    assert cell["Последний заказ"].number_format == "dd.mm.yyyy"
    assert cell["Дней без заказов"].value == 121 and cell["Дней без заказов"].data_type == "n"
    assert cell["Обычный интервал, дней"].value == 10
    assert cell["Упущенная выручка"].value == 1000 and cell["Упущенная выручка"].number_format == "#,##0"
    # codes and phones stay text (a leading zero or "+" is not a number)
    assert cell["Код клиента"].value == "a" and cell["Код клиента"].data_type == "s"
    assert cell["Телефон"].data_type == "s"
    assert cell["Причина"].value == (
        "нет заказов более 90 дней; нарушен собственный ритм заказов (обычно раз в 10 дней); "
        "падение активности более 30 %"
    )
    assert cell["Срочно"].value == "Да"
    assert cell["ABC-класс"].value == "A"


def test_call_lists_follow_the_parameters_and_unknown_classes(tmp_path):
    book = openpyxl.load_workbook(write_call_lists(
        _candidates(), _customers(), tmp_path / "c.xlsx", no_order_days=60, drop_threshold=0.25, abc_known=False,
    ))
    row = _record(book[SMIRNOVA], 2)
    assert row["Reason"].startswith("no orders for more than 60 days;")
    assert row["Reason"].endswith("activity drop of more than 25%")
    assert row["ABC class"] == "unknown"


def test_call_lists_of_an_empty_list_still_open(tmp_path):
    empty = _candidates().iloc[0:0]
    book = openpyxl.load_workbook(write_call_lists(empty, _customers(), tmp_path / "c.xlsx", language="ru"))
    assert book.sheetnames == ["Нет кандидатов"]
    assert book["Нет кандидатов"].max_row == 1
    assert _header(book["Нет кандидатов"])[0] == "Приоритет"


def test_call_lists_text_is_never_a_formula(tmp_path):
    customers = _customers().assign(name=pd.array(["=HYPERLINK(\"x\")", "b", "c", "d"], dtype="str"))
    book = openpyxl.load_workbook(write_call_lists(_candidates(), customers, tmp_path / "c.xlsx"))
    cell = book[SMIRNOVA].cell(2, 2)
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s"


def test_write_call_lists_does_not_mutate(tmp_path):
    inputs = [_candidates(), _customers(), _contacts()]
    copies = [x.copy() for x in inputs]
    write_call_lists(inputs[0], inputs[1], tmp_path / "c.xlsx", contacts=inputs[2])
    for original, copy in zip(inputs, copies, strict=True):
        pd.testing.assert_frame_equal(original, copy)


def test_sheet_names_are_excel_safe_and_unique():
    names = sheet_names(["Ivanov", "IVANOV", "a/b:c*d?[e]\\f", "x" * 40, "x" * 40, "'quoted'", "History"])
    assert names[:3] == ["Ivanov", "IVANOV (2)", "a_b_c_d__e__f"]
    assert names[3] == "x" * 31
    assert names[4] == "x" * 27 + " (2)"
    assert names[5] == "quoted"
    assert names[6] == "History_"
    assert all(len(n) <= 31 for n in names)


def test_call_lists_replace_an_existing_file(tmp_path):
    target = tmp_path / "calls.xlsx"
    target.write_bytes(b"old")
    write_call_lists(_candidates(), _customers(), target)
    assert openpyxl.load_workbook(target).sheetnames == [KUZNETSOV, SMIRNOVA, "(unassigned)"]
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["calls.xlsx"]


def _build(scope, candidates, **options):
    """The build table from the analysis funnel of `scope` and `candidates`."""
    from clientbase.reactivation import reactivation_funnel

    funnel = reactivation_funnel(scope, candidates, abc_known=options["settings"].abc_known)
    return view.build_table(funnel, **options)


def _summary(scope, candidates, customers, **options):
    """The summary read from the analysis funnel of `scope` and `candidates`."""
    from clientbase.reactivation import reactivation_funnel

    funnel = reactivation_funnel(scope, candidates, abc_known=options["settings"].abc_known)
    return view.summary(funnel, candidates, customers, **options)


def _stake_figure(candidates, *, fmt):
    """The figure of the revenue-at-stake section."""
    shown = view.stake_section(candidates, fmt=fmt, settings=view.Settings())
    return next(item for item in shown.items if isinstance(item, Figure))


def test_with_the_forecast_the_summary_and_the_table_show_p_alive():
    forecast = pd.DataFrame({"customer_id": ["a", "b", "c"], "p_alive": [0.02, 0.9, 0.6], "clv": [1.0, 50.0, 20.0]})
    candidates = rank_candidates(_scope(), abc=ABC, forecast=forecast)
    assert candidates["customer_id"].tolist() == ["c", "b", "a"]  # a lost most but is probably lost: last
    settings = view.settings_for(view.Settings(), ABC, forecast)
    text = _plain(_summary(_scope(), candidates, _customers(), fmt=_fmt("en"), period=PERIOD, settings=settings).data)
    assert ("With the repeat-purchase forecast: **1** of the listed clients are probably lost (P(alive) below 5%), "
            "with RUB 1,000 of the lost revenue; they are at the end of the list. The list is ranked by the lost "
            "revenue.") in text
    frame = view.top_table(candidates, _customers(), fmt=_fmt("en"), period=PERIOD, settings=settings).frame
    assert frame.columns[-1] == "p_alive" and frame["p_alive"].tolist() == [0.6, 0.9, 0.02]
    none = rank_candidates(_scope(), abc=ABC, forecast=forecast.assign(p_alive=0.5))
    text = _plain(_summary(_scope(), none, _customers(), fmt=_fmt("ru"), period=PERIOD, settings=settings).data)
    assert "ни один клиент из списка не потерян наверняка" in text
