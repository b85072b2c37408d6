"""Tests of clientbase.views.segments: the words around the segments, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from clientbase.formatting import Formatter  # noqa: E402
from clientbase.segments import SegmentsOptions, segments_report  # noqa: E402
from clientbase.views import segments as view  # noqa: E402
from test_segments import AS_OF, CUBE, _customers  # noqa: E402

OPTIONS = SegmentsOptions(segments=[{"name": "Активные", "kind": "periodic", "rule": "days_since_last_order < 200"},
                                    {"name": "<b>Все</b>", "kind": "dynamic", "rule": "revenue > 0"}])


@pytest.fixture(scope="module")
def result():
    return segments_report(CUBE, _customers(), as_of=AS_OF, options=OPTIONS)


def test_the_summary_names_segments_the_slipping_the_user_segments_and_loyalty(result):
    text = view.summary(result, fmt=Formatter("en", "RUB"), options=OPTIONS).data
    assert "**3** clients bought in the 24 months to 30 Sep 2026" in text
    assert "Hibernating: 2 clients" in text
    assert "Valuable clients slipping: **0** at risk" in text
    assert "Your segments: Активные — 1 client; &lt;b&gt;Все&lt;/b&gt; — 3 clients." in text  # a name is text
    assert "The periodic segments start their history this quarter: the run of Q2 2026" in text
    assert "Declared loyalty disagrees with behaviour on **2** cards" in text


def test_the_russian_summary_speaks_russian(result):
    text = view.summary(result, fmt=Formatter("ru", "RUB"), options=OPTIONS).data
    assert "Спящие: 2 клиента" in text and "Ваши сегменты:" in text


@pytest.mark.parametrize("key", view.SECTIONS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_section_builds(result, key, language):
    shown = view.section_of(key, result, _customers(), fmt=Formatter(language, "RUB"), options=OPTIONS)
    assert shown.items[0].data.startswith("## ")
    if key in ("grid", "flows"):
        assert any(isinstance(item, Figure) for item in shown.items)


def test_without_segments_or_loyalty_the_sections_say_so():
    result = segments_report(CUBE, _customers().assign(loyalty=None), as_of=AS_OF)
    fmt = Formatter("en", "RUB")
    user = view.section_of("user", result, _customers(), fmt=fmt, options=SegmentsOptions())
    assert "defines no segments of its own" in user.items[-1].data
    loyalty = view.section_of("loyalty", result, _customers(), fmt=fmt, options=SegmentsOptions())
    assert "carry no loyalty level" in loyalty.items[-1].data


def test_the_appendix_lists_the_map_and_the_rules(result):
    text = view.appendix(result, fmt=Formatter("en", "RUB"), options=OPTIONS, version="9.9").data
    assert "- Champions: R 5, F 4, 5" in text
    assert "Активные (periodic): `days_since_last_order < 200`" in text


def test_headlines(result):
    assert view.headlines(result, fmt=Formatter("en", "RUB")) == [
        ("Clients scored", "3"), ("Champions", "0"), ("At risk and can't lose", "0")]


def test_loyalty_by_manager_and_by_region(result):
    from clientbase.tables import Table

    shown = view.section_of("loyalty", result, _customers(), fmt=Formatter("en", "RUB"), options=OPTIONS)
    tables = [item for item in shown.items if isinstance(item, Table)]
    assert [list(t.frame.columns)[:2] for t in tables[:2]] == [["loyalty", "manager"], ["loyalty", "region"]]
    assert tables[1].frame["clients"].sum() == 3  # the three cards with a level, all in Москва
