"""Formatter (numbers, money, percentages, dates for ru/en), its use on plot axes and in
the shared charts (plots.py), and the report words (text.py).

Expected strings are what Babel (CLDR) produces, including its no-break spaces.
"""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from clientbase import plots  # noqa: E402
from clientbase.formatting import Formatter  # noqa: E402
from clientbase.text import t  # noqa: E402

NBSP = "\xa0"
EN = Formatter("en")
RU = Formatter("ru")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# -- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "EN", "", "ru_RU"], ids=["de", "upper", "empty", "region"])
def test_unsupported_language_is_an_error_naming_it(language):
    with pytest.raises(ValueError, match=repr(language)):
        Formatter(language)


def test_currency_must_be_an_iso_code():
    with pytest.raises(ValueError, match="'руб'"):
        Formatter("ru", "руб")


def test_formatter_is_frozen():
    with pytest.raises(AttributeError):
        EN.language = "ru"  # type: ignore[misc]


# -- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "value", "digits", "expected"),
    [
        (EN, 1234567, 0, "1,234,567"),
        (RU, 1234567, 0, f"1{NBSP}234{NBSP}567"),
        (EN, 1234.5678, 2, "1,234.57"),
        (RU, 1234.5678, 2, f"1{NBSP}234,57"),
        (EN, -1234, 0, "-1,234"),
        (EN, -0.3, 0, "0"),
        (RU, 999, 0, "999"),
        (EN, np.int64(5), 0, "5"),
        (EN, np.float64(2.5), 1, "2.5"),
        (EN, 1234.5, 0, "1,235"),
        (EN, 1235.5, 0, "1,236"),
        (EN, -2.5, 0, "-3"),
        (EN, 2.675, 2, "2.68"),
        (EN, 10**15 + 1, 0, "1,000,000,000,000,001"),
    ],
    ids=["en", "ru-nbsp", "en-digits", "ru-decimal-comma", "negative", "minus-zero-is-zero", "small",
         "numpy-int", "numpy-float", "half-up-not-even", "half-up-odd", "half-away-from-zero", "float-repr",
         "big-int-exact"],
)
def test_number(fmt, value, digits, expected):
    assert fmt.number(value, digits) == expected


@pytest.mark.parametrize(
    "missing", [None, np.nan, pd.NA, float("nan"), float("inf")], ids=["None", "nan", "NA", "float-nan", "inf"]
)
@pytest.mark.parametrize("method", ["number", "money", "money_compact", "percent", "signed_percent", "number_compact"])
def test_missing_numbers_are_a_dash(method, missing):
    assert getattr(EN, method)(missing) == "—"
    assert getattr(RU, method)(missing) == "—"


def test_text_is_not_a_number():
    with pytest.raises(TypeError, match="'abc'"):
        EN.number("abc")


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        (EN, 1_234_567, "1.2M"),
        (RU, 1_234_567, f"1,2{NBSP}млн"),
        (RU, 250_000, f"250{NBSP}тыс."),
        (EN, 999, "999"),
    ],
    ids=["en-M", "ru-mln", "ru-thousand", "below-thousand"],
)
def test_number_compact(fmt, value, expected):
    assert fmt.number_compact(value) == expected


# -- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "value", "digits", "expected"),
    [
        (EN, 1234, 0, f"RUB{NBSP}1,234"),
        (RU, 1234, 0, f"1{NBSP}234{NBSP}₽"),
        (EN, 1234.5, 2, f"RUB{NBSP}1,234.50"),
        (RU, 1234.5, 2, f"1{NBSP}234,50{NBSP}₽"),
        (RU, -1234, 0, f"-1{NBSP}234{NBSP}₽"),
        (EN, -1234, 0, f"-RUB{NBSP}1,234"),
        (Formatter("en", "USD"), 1234, 0, "$1,234"),
        (Formatter("ru", "EUR"), 1234, 0, f"1{NBSP}234{NBSP}€"),
    ],
    ids=["en-rub-spaced", "ru", "en-kopecks", "ru-kopecks", "ru-negative", "en-negative", "en-usd-symbol",
         "ru-eur"],
)
def test_money(fmt, value, digits, expected):
    assert fmt.money(value, digits) == expected


@pytest.mark.parametrize(
    ("fmt", "value", "expected"),
    [
        (EN, 1_234_567, f"RUB{NBSP}1.2M"),
        (RU, 1_234_567, f"1,2{NBSP}млн{NBSP}₽"),
        (RU, 12_345_678_901, f"12,3{NBSP}млрд{NBSP}₽"),
        (EN, 1_000_000, f"RUB{NBSP}1M"),
        (RU, -1_500_000, f"-1,5{NBSP}млн{NBSP}₽"),
        (Formatter("en", "USD"), 2_500_000, "$2.5M"),
    ],
    ids=["en", "ru", "ru-billions", "whole-million", "ru-negative", "usd"],
)
def test_money_compact(fmt, value, expected):
    assert fmt.money_compact(value) == expected


# -- percentages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "share", "digits", "expected"),
    [
        (EN, 0.1234, 1, "12.3%"),
        (RU, 0.1234, 1, f"12,3{NBSP}%"),
        (EN, 0.5, 0, "50%"),
        (RU, 1, 1, f"100,0{NBSP}%"),
        (EN, 0.00001, 1, "0.0%"),
        (EN, 12.5, 0, "1,250%"),
    ],
    ids=["en", "ru-nbsp", "whole", "ru-hundred", "tiny", "above-hundred"],
)
def test_percent(fmt, share, digits, expected):
    assert fmt.percent(share, digits) == expected


@pytest.mark.parametrize(
    ("fmt", "share", "expected"),
    [
        (EN, 0.042, "+4.2%"),
        (RU, -0.031, f"\u22123,1{NBSP}%"),
        (EN, -0.031, "\u22123.1%"),
        (EN, 0.0, "0.0%"),
        (EN, -0.00001, "0.0%"),
    ],
    ids=["en-plus", "ru-minus-sign", "en-minus-sign", "zero-unsigned", "rounds-to-zero-unsigned"],
)
def test_signed_percent(fmt, share, expected):
    assert fmt.signed_percent(share) == expected


# -- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [dt.date(2026, 9, 30), dt.datetime(2026, 9, 30, 23, 59), pd.Timestamp("2026-09-30"), "2026-09-30",
     np.datetime64("2026-09-30")],
    ids=["date", "datetime", "timestamp", "iso-string", "datetime64"],
)
def test_date_accepts_any_date_like(value):
    assert EN.date(value) == "30 Sep 2026"
    assert RU.date(value) == "30.09.2026"


@pytest.mark.parametrize("missing", [None, pd.NaT, np.nan], ids=["None", "NaT", "nan"])
def test_missing_dates_are_a_dash(missing):
    assert EN.date(missing) == "—"
    assert RU.month(missing) == "—"
    assert EN.date_time(missing) == "—"


@pytest.mark.parametrize(
    ("month", "en", "ru"),
    [(1, "Jan 2026", "янв. 2026"), (5, "May 2026", "май 2026"), (9, "Sep 2026", "сент. 2026")],
    ids=["january", "may-not-genitive", "september"],
)
def test_month_uses_stand_alone_abbreviations(month, en, ru):
    day = pd.Timestamp(2026, month, 15)
    assert EN.month(day) == en
    assert RU.month(day) == ru


def test_date_time_shows_the_zone_of_an_aware_value():
    moment = dt.datetime(2026, 11, 23, 14, 5, tzinfo=dt.UTC)
    assert EN.date_time(moment) == "23 Nov 2026, 14:05 UTC"
    assert RU.date_time(moment) == "23.11.2026 14:05 UTC"
    assert RU.date_time(dt.datetime(2026, 11, 23, 14, 5)) == "23.11.2026 14:05"


# -- plot axes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "kind", "value", "expected"),
    [
        (RU, "money", 2_500_000, f"2,5{NBSP}млн{NBSP}₽"),
        (EN, "money", 2_000_000, f"RUB{NBSP}2M"),
        (RU, "percent", 0.25, f"25{NBSP}%"),
        (EN, "percent", 0.125, "12.5%"),
        (EN, "number", 1500, "1,500"),
        (EN, "number", 0.5, "0.5"),
        (RU, "number", 250_000, f"250{NBSP}тыс."),
    ],
    ids=["ru-money", "en-money-whole", "ru-percent", "en-percent-half", "en-number", "fraction", "compact"],
)
def test_tick_labels(fmt, kind, value, expected):
    assert fmt.tick(value, kind) == expected


def test_axis_sets_tick_labels_from_the_formatter():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [0, 1_000_000, 2_000_000])
    ax.set_yticks([0, 1_000_000, 2_000_000])
    returned = RU.axis(ax, "y", "money")
    fig.canvas.draw()
    assert returned is ax
    assert [label.get_text() for label in ax.get_yticklabels()] == [
        f"0{NBSP}₽", f"1{NBSP}млн{NBSP}₽", f"2{NBSP}млн{NBSP}₽"
    ]


def test_month_axis_writes_the_year_under_the_first_tick_and_january():
    months = pd.date_range("2025-11-01", periods=3, freq="MS")
    fig, ax = plt.subplots()
    ax.plot(months, [1, 2, 3])
    ax.set_xticks(months)
    EN.axis(ax, "x", "month")
    fig.canvas.draw()
    assert [label.get_text() for label in ax.get_xticklabels()] == ["Nov\n2025", "Dec", "Jan\n2026"]


@pytest.mark.parametrize(("which", "kind"), [("z", "number"), ("y", "date")], ids=["axis", "kind"])
def test_axis_rejects_unknown_options(which, kind):
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=repr(which if which == "z" else kind)):
        EN.axis(ax, which, kind)


# -- shared charts (plots.py): they label with the same formatters --------------------------------


def test_import_of_plots_changes_no_matplotlib_setting():
    import importlib

    before = dict(matplotlib.rcParams)
    importlib.reload(plots)
    assert dict(matplotlib.rcParams) == before


def test_use_style_sets_fonts_for_cyrillic_and_dpi():
    with matplotlib.rc_context():
        plots.use_style()
        assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert matplotlib.rcParams["savefig.dpi"] == 150
        assert matplotlib.rcParams["figure.dpi"] == 110
        assert matplotlib.rcParams["axes.spines.top"] is False


def test_bar_labels_each_bar_with_formatted_money():
    series = pd.Series([1_500_000.0, 300_000.0], index=["Иванова А.", "Петров С."])
    ax = plots.bar(series, fmt=RU, kind="money", title="Упущенная выручка")
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"1,5{NBSP}млн{NBSP}₽", f"300{NBSP}тыс.{NBSP}₽"]
    assert [label.get_text() for label in ax.get_xticklabels()] == ["Иванова А.", "Петров С."]
    assert ax.get_title(loc="left") == "Упущенная выручка"
    assert series.tolist() == [1_500_000.0, 300_000.0]


def test_horizontal_bar_puts_the_first_item_on_top_and_uses_the_given_axes():
    _fig, ax = plt.subplots()
    series = pd.Series([0.6, 0.3], index=["A", "B"])
    returned = plots.bar(series, fmt=EN, kind="percent", ax=ax, horizontal=True)
    assert returned is ax
    labels = {label.get_text(): label.get_position()[1] for label in ax.get_yticklabels()}
    assert ax.yaxis_inverted() and labels["A"] < labels["B"]
    assert [t.get_text() for t in ax.texts] == ["60%", "30%"]


def test_heatmap_annotates_cells_and_leaves_missing_cells_blank():
    frame = pd.DataFrame([[0.8, 0.2], [np.nan, 0.05]], index=["A", "B"], columns=["A", "B"])
    ax = plots.heatmap(frame, fmt=RU, kind="percent")
    assert sorted(t.get_text() for t in ax.texts) == sorted([f"80{NBSP}%", f"20{NBSP}%", f"5{NBSP}%"])
    assert np.isnan(frame.iloc[1, 0])


@pytest.mark.parametrize("helper", ["bar", "heatmap"])
def test_chart_kind_must_be_known(helper):
    data = pd.Series([1.0]) if helper == "bar" else pd.DataFrame([[1.0]])
    with pytest.raises(ValueError, match="'month'"):
        getattr(plots, helper)(data, fmt=EN, kind="month")


# -- report words (text.py) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "en", "ru"),
    [
        ("base_audit", "Base audit", "Ревизия клиентской базы"),
        ("abc_xyz", "ABC-XYZ analysis", "ABC-XYZ-анализ клиентов"),
        ("reactivation", "Reactivation", "Реактивация клиентов"),
        ("campaign_roi", "Campaign ROI", "Окупаемость маркетинговых кампаний"),
        ("executive_summary", "Executive summary", "Краткие выводы"),
        ("generated", "Generated", "Сформирован"),
        ("status.failed", "failed", "ошибка"),
    ],
    ids=["base-audit", "abc-xyz", "reactivation", "campaign-roi", "summary", "generated", "failed"],
)
def test_words_in_both_languages(key, en, ru):
    assert t(key, "en") == en
    assert t(key, "ru") == ru


@pytest.mark.parametrize(
    ("language", "period", "expected"),
    [("en", "2026Q3", "Q3 2026"), ("ru", "2026Q3", "3-й кв. 2026"), ("ru", "2025q1", "1-й кв. 2025"),
     ("en", "latest", "latest")],
    ids=["en", "ru", "lower-case-q", "not-a-quarter"],
)
def test_quarter(language, period, expected):
    assert Formatter(language=language).quarter(period) == expected


def test_signed_changes_carry_their_sign_and_a_zero_none():
    from clientbase.formatting import MINUS, Formatter

    en, ru = Formatter("en", "RUB"), Formatter("ru", "RUB")
    assert en.signed_number(12) == "+12" and en.signed_number(-3) == MINUS + "3" and en.signed_number(0) == "0"
    assert en.signed_money(1200) == "+RUB\u00a01,200" and en.signed_money(0.3) == "RUB\u00a00"  # shown as 0
    assert ru.signed_money(-1200) == MINUS + "1\u00a0200\u00a0₽"
