"""Tests of clientbase.views.abc_xyz: summary text in both languages, masking, charts, lists.

The fixture is two quarters of a 6-month window (as_of 2024-12-31, previous 2024-09-30):
- a: 100 every month → AX before and now (600 over each window);
- b: 100 a month April–September → AX before (600), AY now (300: cv 1), lost 300;
- c: 50 a month April–June → BY before (150), lost now, lost 150;
- f: 10 a month April–December → CX before, BX now (60);
- r: a sale of 50 and a return of 80 → no ABC class (net returns) in both windows;
- p: no orders (potential). Now: total 960, a is 62.5 %, a + b 93.75 %.
"""

from __future__ import annotations

import copy

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from clientbase.abc_xyz import (
    abc_xyz_summary,  # noqa: E402
    migration,  # noqa: E402
)
from clientbase.formatting import Formatter  # noqa: E402
from clientbase.tables import Table  # noqa: E402
from clientbase.views import abc_xyz as view  # noqa: E402

AS_OF = pd.Timestamp("2024-12-31")
NBSP = "\xa0"
EN, RU = Formatter("en", "RUB"), Formatter("ru", "RUB")
SETTINGS = view.Settings(window_months=6)


def _cube(rows) -> pd.DataFrame:
    records = []
    for row in rows:
        customer_id, month, revenue = row[:3]
        orders = row[3] if len(row) > 3 else 1
        start = pd.Timestamp(month + "-01")
        records.append({
            "customer_id": customer_id, "month": start, "revenue": float(revenue), "gross_profit": np.nan,
            "quantity": np.nan, "orders": orders, "first_order_date": start if orders else pd.NaT,
            "last_order_date": start if orders else pd.NaT,
        })
    return pd.DataFrame.from_records(records).astype({
        "customer_id": "str", "first_order_date": "datetime64[ns]", "last_order_date": "datetime64[ns]",
    })


def _months(first: int, last: int) -> list[str]:
    return [f"2024-{m:02d}" for m in range(first, last + 1)]


@pytest.fixture
def inputs():
    rows = (
        [("a", m, 100.0) for m in _months(1, 12)]
        + [("b", m, 100.0) for m in _months(4, 9)]
        + [("c", m, 50.0) for m in _months(4, 6)]
        + [("f", m, 10.0) for m in _months(4, 12)]
        + [("r", "2024-08", 50.0), ("r", "2024-09", -80.0, 0)]
    )
    customers = pd.DataFrame({
        "customer_id": pd.Series(["a", "b", "c", "f", "r", "p"], dtype="str"),
        "name": pd.Series(["ООО «Альфа»", "Петров Иван Сергеевич", "ИП Сидоров Павел Андреевич", "АО Фокус",
                           "ООО Рента", "ООО Поиск"], dtype="str"),
        "customer_type": pd.Series(["company", "person", "sole_trader", "company", "company", "company"],
                                   dtype="str"),
        "manager": pd.Series(["Ivanov", "Petrova", None, "Ivanov", "Ivanov", None], dtype="str"),
        "phone": pd.Series(["+7 495 111-22-33", "+7 916 123-45-67", None, None, None, None], dtype="str"),
        "is_deleted": False,
    })
    return _cube(rows), customers


def _numbers(moves):
    return abc_xyz_summary(moves.after, moves, options=SETTINGS)


@pytest.fixture
def moves(inputs):
    cube, customers = inputs
    return migration(cube, customers, as_of=AS_OF, window_months=6)


def test_fixture_is_what_the_docstring_says(moves):
    now = moves.after.set_index("customer_id")
    assert now["abc_xyz"].fillna("").to_dict() == {"a": "AX", "b": "AY", "f": "BX", "c": "", "r": "", "p": ""}
    assert moves.downgrades["customer_id"].tolist() == ["b", "c"]


def test_summary_in_english(moves):
    text = view.summary(_numbers(moves), moves, fmt=EN, settings=SETTINGS).data
    assert "**66.7%** of the 3 clients with revenue in the 6 months to 31 Dec 2024" in text
    assert f"the 2 clients of class A — make 80% of it (RUB{NBSP}960 in all); class B: 1 client, class C: 0 clients" in text
    assert "AX, AY and BX" in text and "**3 clients** (100.0% of the classified)" in text
    assert "Without an XYZ class" not in text  # nobody has too little history
    assert "AX 1 (62.5%), AY 1 (31.3%), BX 1 (6.3%)" in text
    assert "Since the end of Q3 2024 **2 clients** moved to a worse class" in text
    assert f"fell by **RUB{NBSP}450** (lost revenue), 60.0% of the revenue they brought before" in text
    assert "1 of them are now lost" in text and "1 were class A" in text
    assert f"revenue \u221232.6% (RUB{NBSP}930)" in text  # 930 now against 1 380 in the window before
    assert "class A 2 clients (2 a quarter ago); AX 1 (2)" in text
    assert f"with the clients of Petrova: 1 client, RUB{NBSP}300" in text
    assert "Without an ABC class: 1 client with net returns" in text


def test_summary_in_russian(moves):
    text = view.summary(_numbers(moves), moves, fmt=RU, settings=SETTINGS).data
    assert f"**66,7{NBSP}%** из 3 клиентов с показателем «выручка» за 6 месяцев по 31.12.2024" in text
    assert f"2 клиента класса A — дают 80{NBSP}% его суммы (960{NBSP}₽)" in text
    assert "С конца III кв. 2024 г. в худшую группу перешли **2 клиента**" in text
    assert f"снизилась на **450{NBSP}₽** (упущенная выручка)" in text
    assert "основного менеджера «Petrova»: 1 клиент" in text
    assert "Без ABC-класса: 1 клиент" in text
    assert "клиентов в классе A — 2 (кварталом ранее — 2), в AX — 1 (2)" in text
    assert not any(word in text for word in ("clients", "revenue", "class A"))


def test_summary_without_classified_clients(inputs):
    cube, customers = inputs
    moves = migration(cube.iloc[:0], customers, as_of=AS_OF, window_months=6)
    text = view.summary(_numbers(moves), moves, fmt=EN, settings=SETTINGS).data
    assert text == "- No client has a positive revenue in the 6 months to 31 Dec 2024: there is nothing to classify."


def test_summary_without_downgrades_says_so(inputs):
    cube, customers = inputs
    steady = cube[cube["customer_id"] == "a"]
    moves = migration(steady, customers, as_of=AS_OF, window_months=6)
    text = view.summary(_numbers(moves), moves, fmt=EN, settings=SETTINGS).data
    assert "No client moved to a worse class since the end of Q3 2024." in text
    assert "Without an ABC class" not in text


def test_headlines(moves):
    assert view.headlines(_numbers(moves), fmt=EN, settings=SETTINGS) == [
        ("Clients making 80% of revenue", "67%"), ("Core clients (AX, AY, BX)", "3"),
        ("Clients moved down", "2"), ("Lost revenue of downgrades", f"RUB{NBSP}450"),
    ]


@pytest.mark.parametrize(("mask_pii", "person", "trader"), [
    (True, "П*** И. С.", "ИП С*** П. А."),
    (False, "Петров Иван Сергеевич", "ИП Сидоров Павел Андреевич"),
], ids=["masked", "full"])
def test_downgrades_table_masks_individuals(moves, inputs, mask_pii, person, trader):
    shown = view.downgrades_table(moves, inputs[1], fmt=RU, settings=SETTINGS, mask_pii=mask_pii)
    assert isinstance(shown, Table)
    assert shown.frame["client"].tolist() == [person, trader]
    assert shown.frame["to_class"].tolist() == ["AY", "потерянные"]
    assert shown.frame["manager"].tolist() == ["Petrova", "(без менеджера)"]
    assert shown.frame["lost_revenue"].tolist() == [300.0, 150.0]
    html = shown.to_html()
    assert ("Петров" in html) is not mask_pii


def test_downgrades_table_keeps_top_n(moves, inputs):
    shown = view.downgrades_table(moves, inputs[1], fmt=EN, settings=view.Settings(window_months=6, top_n=1))
    assert len(shown.frame) == 1 and shown.hidden_rows == 0
    # the long list of the report is sortable and filterable in the HTML
    assert shown.interactive and '<table class="cb-table cb-interactive"' in shown.to_html()


def test_managers_table(moves):
    shown = view.managers_table(moves, fmt=EN)
    assert shown.frame["manager"].tolist() == ["Petrova", "(no manager)"]
    assert shown.frame["to_lost"].tolist() == [0, 1]
    assert "Lost revenue" in shown.to_html()


def test_unclassified_table_lists_net_returns(moves, inputs):
    shown = view.unclassified_table(moves.after, inputs[1], fmt=RU, settings=SETTINGS)
    assert shown.frame[["client", "metric_value", "reason"]].values.tolist() == [
        ["ООО Рента", -30.0, "возвраты больше покупок"],
    ]


def test_unclassified_table_without_anyone(inputs):
    cube, customers = inputs
    moves = migration(cube[cube["customer_id"] != "r"], customers, as_of=AS_OF, window_months=6)
    shown = view.unclassified_table(moves.after, customers, fmt=EN, settings=SETTINGS)
    assert isinstance(shown, Markdown) and "nobody is left without an ABC class" in shown.data


def test_playbook_table_has_every_cell_in_the_report_language(moves):
    shown = view.playbook_table(moves.after, fmt=RU)
    assert shown.frame["abc_xyz"].tolist() == ["AX", "AY", "AZ", "BX", "BY", "BZ", "CX", "CY", "CZ"]
    assert shown.frame["action"].iloc[0].startswith("Удерживать и развивать")
    assert shown.frame["customers"].sum() == 3


@pytest.mark.parametrize("key", ["matrix", "playbook", "pareto", "migration", "managers", "downgrades",
                                 "unclassified"])
def test_every_section_has_a_reading_in_both_languages(moves, key):
    en = view.reading(key, _numbers(moves), moves, fmt=EN, settings=SETTINGS).data
    ru = view.reading(key, _numbers(moves), moves, fmt=RU, settings=SETTINGS).data
    assert en and ru and en != ru
    assert "{" not in en + ru


def test_reading_of_the_migration_has_the_numbers(moves):
    text = view.reading("migration", _numbers(moves), moves, fmt=EN, settings=SETTINGS).data
    assert "class at 30 Sep 2024" in text and "class at 31 Dec 2024" in text
    assert f"changed by \u2212RUB{NBSP}450 in all; the clients who moved down lost RUB{NBSP}450" in text


def test_reading_of_the_matrix_counts_clients_outside_the_cells(inputs):
    cube, customers = inputs
    young = pd.concat([cube, _cube([("n", "2024-12", 500.0)])], ignore_index=True)
    customers = pd.concat([customers, customers.iloc[[0]].assign(customer_id="n")], ignore_index=True)
    moves = migration(young, customers, as_of=AS_OF, window_months=6)
    text = view.reading("matrix", _numbers(moves), moves, fmt=EN, settings=SETTINGS).data
    assert "1 client with an ABC class but no XYZ class yet" in text


def test_charts_build(moves):
    matrix = view.plot_matrix(moves.after, fmt=EN)
    assert matrix.get_title(loc="left") == "Clients and share of revenue per cell"
    texts = [t.get_text() for t in matrix.texts]
    assert "AX" in texts and "1 client\n62.5% of revenue" in texts
    pareto = view.plot_pareto(moves.after, fmt=RU, settings=SETTINGS)
    assert any(f"67{NBSP}% клиентов дают 80{NBSP}%" in t.get_text() for t in pareto.texts)
    heat = view.plot_migration(moves, fmt=RU)
    assert [t.get_text() for t in heat.get_xticklabels()] == ["AX", "AY", "BX", "без\nкласса", "потерянные"]
    assert heat.get_yticklabels()[0].get_text() == "AX\n2"
    import matplotlib.pyplot as plt

    plt.close("all")


def test_migration_chart_without_moves(inputs):
    cube, customers = inputs
    moves = migration(cube.iloc[:0], customers, as_of=AS_OF, window_months=6)
    numbers = abc_xyz_summary(moves.after, moves, options=SETTINGS)
    shown = view.section("migration", moves.after, moves, customers, numbers, fmt=EN, settings=SETTINGS)
    assert isinstance(shown.items[-1], Markdown)


def test_write_downgrades_one_sheet_per_manager_with_full_details(moves, inputs, tmp_path):
    path = view.write_downgrades(moves, inputs[1], tmp_path / "downgrades.xlsx", language="ru")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Petrova", "Без менеджера"]
    rows = list(book["Petrova"].values)
    assert rows[0][:3] == ("Код", "Клиент", "Телефон")
    assert rows[1][:3] == ("b", "Петров Иван Сергеевич", "+7 916 123-45-67")  # nothing masked
    assert rows[1][3:7] == ("AX", "AY", 600, 300)
    assert rows[1][8].startswith("Удерживать")  # the playbook of the new cell
    lost = list(book["Без менеджера"].values)[1]
    assert lost[4] == "потерянные" and lost[8].startswith("Выяснить причину ухода")


def test_appendix_states_definitions_and_parameters(moves):
    text = view.appendix(_numbers(moves), moves, fmt=RU, settings=SETTINGS, version="9.9").data
    assert "коэффициент вариации" in text and "01.07.2024 – 31.12.2024" in text
    assert "`abc_bounds` = 0,8 / 0,95" in text and "`xyz_bounds` = 0,5 / 1" in text
    assert "Карточек клиентов: 6; с ABC-классом: 3; в матрице: 3." in text and "clientbase 9.9." in text
    en = view.appendix(_numbers(moves), moves, fmt=EN, settings=SETTINGS, version="9.9").data
    assert "X when cv ≤ 0.5, Y when cv ≤ 1" in en and "{" not in en


def test_views_do_not_mutate_their_inputs(moves, inputs, tmp_path):
    customers = inputs[1]
    kept = copy.deepcopy((moves.after, moves.transitions, moves.downgrades, customers))
    view.summary(_numbers(moves), moves, fmt=EN, settings=SETTINGS)
    view.headlines(_numbers(moves), fmt=EN, settings=SETTINGS)
    view.plot_matrix(moves.after, fmt=EN)
    view.plot_pareto(moves.after, fmt=EN, settings=SETTINGS)
    view.plot_migration(moves, fmt=EN)
    view.playbook_table(moves.after, fmt=EN)
    view.managers_table(moves, fmt=EN)
    view.downgrades_table(moves, customers, fmt=EN, settings=SETTINGS)
    view.unclassified_table(moves.after, customers, fmt=EN, settings=SETTINGS)
    view.write_downgrades(moves, customers, tmp_path / "d.xlsx", language="en")
    view.appendix(_numbers(moves), moves, fmt=EN, settings=SETTINGS, version="1")
    for before, after in zip(kept, (moves.after, moves.transitions, moves.downgrades, customers), strict=True):
        pd.testing.assert_frame_equal(before, after)
    import matplotlib.pyplot as plt

    plt.close("all")
