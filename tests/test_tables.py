"""Report tables as HTML: snapshots of the markup, formatting by kind, truncation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clientbase.formatting import Formatter
from clientbase.tables import Table, table

NBSP = "\xa0"
EN = Formatter("en")
RU = Formatter("ru")
R = ' style="text-align:right"'


def _candidates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3"],
            "lost_revenue": [1234567.0, 0.0, np.nan],
            "share": [0.1234, 0.5, np.nan],
            "last_order_date": pd.to_datetime(["2026-09-30", "2026-01-02", None]),
            "reason": ["no_orders_90_days|activity_drop", "activity_drop", None],
        }
    )


def test_snapshot_ru():
    html = table(
        _candidates(),
        fmt=RU,
        kinds={"lost_revenue": "money", "share": "percent"},
        labels={"customer_id": "Клиент", "lost_revenue": "Упущенная выручка", "share": "Доля",
                "last_order_date": "Последний заказ", "reason": "Причина"},
        caption="Кандидаты",
    ).to_html()
    assert html == "\n".join(
        [
            '<table class="cb-table">',
            "<caption>Кандидаты</caption>",
            '<thead><tr><th class="cb-text">Клиент</th>'
            f'<th class="cb-num"{R}>Упущенная выручка</th>'
            f'<th class="cb-num"{R}>Доля</th>'
            '<th class="cb-date">Последний заказ</th>'
            '<th class="cb-text">Причина</th></tr></thead>',
            "<tbody>",
            '<tr><td class="cb-text">C1</td>'
            f'<td class="cb-num"{R}>1{NBSP}234{NBSP}567{NBSP}₽</td>'
            f'<td class="cb-num"{R}>12,3{NBSP}%</td>'
            '<td class="cb-date">30.09.2026</td>'
            '<td class="cb-text">no_<wbr>orders_<wbr>90_<wbr>days|<wbr>activity_<wbr>drop</td></tr>',
            '<tr><td class="cb-text">C2</td>'
            f'<td class="cb-num"{R}>0{NBSP}₽</td>'
            f'<td class="cb-num"{R}>50,0{NBSP}%</td>'
            '<td class="cb-date">02.01.2026</td>'
            '<td class="cb-text">activity_<wbr>drop</td></tr>',
            '<tr><td class="cb-text">C3</td>'
            f'<td class="cb-num cb-missing"{R}>—</td>'
            f'<td class="cb-num cb-missing"{R}>—</td>'
            '<td class="cb-date cb-missing">—</td>'
            '<td class="cb-text cb-missing">—</td></tr>',
            "</tbody></table>",
        ]
    )


def test_snapshot_en_inferred_kinds_and_truncation_note():
    frame = pd.DataFrame({"manager": ["Ann", "Bob", "Cid"], "customers": [1200, 5, 7], "cv": [0.5, 1.25, 2.0]})
    html = table(frame, fmt=EN, max_rows=2).to_html()
    assert html == "\n".join(
        [
            '<table class="cb-table">',
            f'<thead><tr><th class="cb-text">manager</th><th class="cb-num"{R}>customers</th>'
            f'<th class="cb-num"{R}>cv</th></tr></thead>',
            "<tbody>",
            f'<tr><td class="cb-text">Ann</td><td class="cb-num"{R}>1,200</td><td class="cb-num"{R}>0.50</td></tr>',
            f'<tr><td class="cb-text">Bob</td><td class="cb-num"{R}>5</td><td class="cb-num"{R}>1.25</td></tr>',
            "</tbody></table>",
            '<p class="cb-table-note">… and 1 more row</p>',
        ]
    )


@pytest.mark.parametrize(
    ("n_rows", "max_rows", "shown", "note"),
    [
        (3, 50, 3, None),
        (3, 3, 3, None),
        (7, 2, 2, "… и ещё 5 строк"),
        (3, None, 3, None),
        (4, 0, 0, "… и ещё 4 строки"),
    ],
    ids=["fits", "exactly", "cut", "no-limit", "zero"],
)
def test_max_rows(n_rows, max_rows, shown, note):
    frame = pd.DataFrame({"x": range(n_rows)})
    result = table(frame, fmt=RU, max_rows=max_rows)
    html = result.to_html()
    assert html.count("<tr><td") == shown
    assert result.hidden_rows == n_rows - shown
    if note:
        assert f'<p class="cb-table-note">{note}</p>' in html
    else:
        assert "cb-table-note" not in html


def test_cell_text_and_labels_are_html_escaped():
    frame = pd.DataFrame({"name": ['<script>alert("x")</script>', "ООО «Рога & Копыта»"]})
    html = table(frame, fmt=EN, labels={"name": "<b>Name</b>"}, caption="A & B").to_html()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html.replace("<wbr>", "")
    assert "ООО «Рога &amp; Копыта»" in html
    assert "<caption>A &amp; B</caption>" in html
    assert "&lt;b&gt;Name&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("money", 1234.5, f"RUB{NBSP}1,235"),
        ("money:2", 1234.5, f"RUB{NBSP}1,234.50"),
        ("number", 1234.4, "1,234"),
        ("number:1", 1234.56, "1,234.6"),
        ("percent", 0.256, "25.6%"),
        ("percent:0", 0.256, "26%"),
        ("date", pd.Timestamp("2026-09-30"), "30 Sep 2026"),
        ("month", pd.Timestamp("2026-09-01"), "Sep 2026"),
        ("text", 12, "12"),
    ],
    ids=["money", "money-kopecks", "number", "number-digits", "percent", "percent-whole", "date", "month", "text"],
)
def test_kinds(kind, value, expected):
    frame = pd.DataFrame({"v": pd.Series([value], dtype=object if kind == "text" else None)})
    html = table(frame, fmt=EN, kinds={"v": kind}).to_html()
    assert f">{expected}</td>" in html


def test_booleans_are_words_in_the_report_language():
    html = table(pd.DataFrame({"urgent": [True, False]}), fmt=RU).to_html()
    assert ">да</td>" in html and ">нет</td>" in html


def test_named_index_becomes_the_first_column():
    frame = pd.DataFrame({"customers": [3, 4]}, index=pd.Index(["A", "B"], name="abc"))
    result = table(frame, fmt=EN)
    assert list(result.frame.columns) == ["abc", "customers"]
    assert '<td class="cb-text">A</td>' in result.to_html()


def test_empty_frame_says_so():
    html = table(pd.DataFrame({"x": pd.Series([], dtype=float)}), fmt=EN).to_html()
    assert "<tbody>\n</tbody>" in html
    assert '<p class="cb-table-note">Nothing to show.</p>' in html


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kinds": {"x": "currency"}}, "'currency'"),
        ({"kinds": {"x": "date:2"}}, "'date:2'"),
        ({"kinds": {"y": "currency"}}, "'currency'.*'y'"),
        ({"max_rows": -1}, "-1"),
    ],
    ids=["unknown-kind", "digits-on-date", "unknown-kind-of-absent-column", "negative-max-rows"],
)
def test_bad_options_are_errors(options, message):
    with pytest.raises(ValueError, match=message):
        table(pd.DataFrame({"x": [1.0]}), fmt=EN, **options)


def test_kinds_and_labels_of_other_columns_are_ignored():
    shared_labels = {"x": "Икс", "manager": "Менеджер"}
    result = table(pd.DataFrame({"x": [1.5]}), fmt=RU, kinds={"x": "money", "revenue": "money"}, labels=shared_labels)
    assert result.labels == {"x": "Икс"}
    assert f'<th class="cb-num"{R}>Икс</th>' in result.to_html()
    assert f">2{NBSP}₽</td>" in result.to_html()


def test_table_is_frozen_and_repr_html_is_to_html():
    result = table(_candidates(), fmt=EN)
    assert isinstance(result, Table)
    assert result._repr_html_() == result.to_html()
    with pytest.raises(AttributeError):
        result.caption = "x"  # type: ignore[misc]
    assert "3 of 3 rows" in repr(result)


def test_table_does_not_mutate_its_input():
    frame = _candidates()
    before = frame.copy()
    table(frame, fmt=RU, kinds={"lost_revenue": "money"}, labels={"share": "Доля"}, max_rows=1).to_html()
    pd.testing.assert_frame_equal(frame, before)


# -- interactive lists (templates/report.js reads these attributes) -------------------------------


def test_an_interactive_table_carries_its_class_and_the_scripts_words_in_its_language():
    frame = pd.DataFrame({"client": ["А", "Б", "В"], "lost_revenue": [3.0, 1.0, 2.0]})
    ru = table(frame, fmt=RU, interactive=True).to_html()
    en = table(frame, fmt=EN, interactive=True).to_html()
    assert ru.splitlines()[0] == (
        '<table class="cb-table cb-interactive" data-filter-placeholder="Фильтр…"'
        ' data-sort-title="Сортировать по этому столбцу" data-count="{shown} из 3 строк" data-decimal=",">'
    )
    assert en.splitlines()[0] == (
        '<table class="cb-table cb-interactive" data-filter-placeholder="Filter…"'
        ' data-sort-title="Sort by this column" data-count="{shown} of 3 rows" data-decimal=".">'
    )


@pytest.mark.parametrize(("rows", "count"), [(1, "{shown} из 1 строки"), (21, "{shown} из 21 строки"),
                                             (25, "{shown} из 25 строк")], ids=["one", "twenty-one", "many"])
def test_the_row_count_of_an_interactive_table_agrees_with_its_number(rows, count):
    html = table(pd.DataFrame({"x": range(rows)}), fmt=RU, interactive=True, max_rows=None).to_html()
    assert f'data-count="{count}"' in html


def test_the_row_count_is_of_the_rows_shown_not_of_the_frame():
    html = table(pd.DataFrame({"x": range(30)}), fmt=EN, interactive=True, max_rows=20).to_html()
    assert 'data-count="{shown} of 20 rows"' in html


def test_dates_and_months_of_an_interactive_table_sort_by_their_iso_value():
    frame = pd.DataFrame({"last_order_date": pd.to_datetime(["2026-10-03", None]),
                          "month": pd.to_datetime(["2026-10-01", "2025-02-01"]),
                          "revenue": [1234.5, np.nan], "client": ["A", "B"]})
    rows = table(frame, fmt=EN, kinds={"month": "month"}, interactive=True).to_html().splitlines()[3:5]
    assert rows[0] == ('<tr><td class="cb-date" data-sort="2026-10-03">3 Oct 2026</td>'
                       '<td class="cb-month" data-sort="2026-10">Oct 2026</td>'
                       f'<td class="cb-num"{R}>1,235</td><td class="cb-text">A</td></tr>')
    # a missing date has no key: the script sorts it last
    assert rows[1].startswith('<tr><td class="cb-date cb-missing">—</td><td class="cb-month" data-sort="2025-02">')


def test_a_plain_table_has_no_interactive_markup():
    frame = pd.DataFrame({"day": pd.to_datetime(["2026-10-03"]), "x": [1]})
    html = table(frame, fmt=EN).to_html()
    assert "cb-interactive" not in html and "data-" not in html


def test_an_empty_interactive_table_is_a_plain_one():
    html = table(pd.DataFrame({"x": pd.Series([], dtype="int64")}), fmt=EN, interactive=True).to_html()
    assert "cb-interactive" not in html and "Nothing to show." in html

