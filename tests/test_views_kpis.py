"""The words of the KPIs report in both languages, filled from the analysis (tests/test_kpis.py's fixture)."""

from __future__ import annotations

import pytest
from IPython.display import Markdown

from clientbase.formatting import Formatter
from clientbase.kpi_display import change_class, sparkline
from clientbase.kpi_display import change_text as change_of
from clientbase.kpi_display import value_text as value_of
from clientbase.kpis import KpisOptions, kpis_report
from clientbase.views import kpis as view
from clientbase.views.common import Section
from kpi_frames import AS_OF, CUSTOMERS, daily_frame

OPTIONS = KpisOptions(quarters=4)


def _sp(text: str) -> str:
    """Babel's no-break spaces as plain ones, to compare with readable literals."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def result():
    return kpis_report(daily_frame(), CUSTOMERS, as_of=AS_OF, options=OPTIONS)


def test_summary_in_english(result):
    text = _sp(view.summary(result, fmt=Formatter("en"), options=OPTIONS).data)
    assert "At 30 Jun 2026 **2** clients are active (bought in the last 12 months): +1 on the quarter before." in text
    assert "In Q2 2026 **1** clients bought for the first time and **0** stopped being active" in text
    assert "100.0% of the clients active a quarter earlier stayed (CRR)" in text
    assert "Revenue of Q2 2026: **RUB 1,130**, +653.3% against Q1 2026" in text  # (1130 − 150) / 150
    assert "2 orders at an average check of RUB 650" in text
    assert "new clients brought RUB 900" in text and "bought RUB 150 more and RUB 70 less" in text
    assert "Иванов (+RUB 150)" not in text  # the largest change by manager is Петров's new client
    assert "Петров (+RUB 900)" in text
    assert "this data has none of them" in text


def test_summary_in_russian(result):
    text = _sp(view.summary(result, fmt=Formatter("ru"), options=OPTIONS).data)
    assert "На 30.06.2026 активны **2**" in text
    assert "средн" in text and "650 ₽" in text
    assert "новые клиенты принесли 900 ₽" in text
    assert "в этих данных их нет" in text


def test_sections_and_headlines(result):
    fmt = Formatter("en")
    for key in ("table", "trends", "bridge", "manager", "region"):
        assert isinstance(view.section_of(key, result, fmt=fmt, options=OPTIONS), Section)
    assert view.section_of("source", result, fmt=fmt, options=KpisOptions(bridge_by=("manager",))) is None
    with pytest.raises(KeyError):
        view.section_of("nope", result, fmt=fmt, options=OPTIONS)
    assert [(a, _sp(b)) for a, b in view.headlines(result, fmt=fmt)] == [("Active clients", "2"), ("Revenue of the quarter", "RUB 1.1K"),
                                               ("Retention (CRR)", "100.0%")]
    table = _sp(view.section_of("table", result, fmt=Formatter("ru"), options=OPTIONS).items[-1].to_html())
    assert "Средний чек" in table and "650 ₽" in table and "—" in table


def test_appendix_names_every_parameter(result):
    text = view.appendix(result, fmt=Formatter("ru"), options=OPTIONS, ltv_months=12, dso_days=90, version="9",
                         clients=result.clients)
    assert isinstance(text, Markdown)
    for key in OPTIONS.model_dump():
        assert f"`{key}`" in text.data
    assert "manager, region, source" in text.data


def test_kpi_display_kinds_and_directions():
    en = Formatter("en")

    def value_text(*args, **kwargs):
        return _sp(value_of(*args, **kwargs))

    def change_text(*args):
        return _sp(change_of(*args))

    assert value_text(en, "revenue", 1234567.0) == "RUB 1,234,567"
    assert value_text(en, "revenue", 1234567.0, compact=True) == "RUB 1.2M"
    assert value_text(en, "crr", 0.5) == "50.0%" and value_text(en, "dso", float("nan")) == "—"
    assert change_text(en, "revenue", 110.0, 100.0) == "+10.0%"
    assert change_text(en, "revenue", 110.0, 0.0) == "—"
    assert change_text(en, "crr", 0.5, 0.45) == "+5.0 p.p."
    assert change_text(en, "dso", 30.0, 32.5) == "−2.5"
    assert change_class("dso", 30.0, 32.5) == "good" and change_class("lost_customers", 5, 3) == "bad"
    assert change_class("repeat_revenue_share", 0.5, 0.4) == "flat" and change_class("revenue", 1, None) == "flat"
    svg = sparkline([1, 2, float("nan"), 4, 5], labels=["a", "b", "c", "d", "e"], title="x")
    assert svg.count("<polyline") == 2 and "<title>x: a; b; c; d; e</title>" in svg
    assert sparkline([float("nan")] * 3) == ""
    assert "<polyline" not in sparkline([None, 3.0, None])  # one point: a dot, no line
