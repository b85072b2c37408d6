"""Display helpers shared by the report views (clientbase.views.common)."""

from __future__ import annotations

import html
import re

import pandas as pd

from clientbase.frames import isin
from clientbase.views.common import client_names

CUSTOMERS = pd.DataFrame({
    "customer_id": pd.Series(["c1", "c2", "c3", "c3"], dtype="str"),
    "name": pd.Series(["Иванов Иван Иванович", "ООО «Ромашка»", "ИП Петров Пётр Петрович", "дубль"], dtype="str"),
    "customer_type": pd.Series(["person", "company", "sole_trader", "sole_trader"], dtype="str"),
})


def test_client_names_returns_only_the_asked_cards_masked_by_type():
    names = client_names(CUSTOMERS, pd.Series(["c3", "c1", "zz"]), mask_pii=True)
    assert sorted(names["customer_id"]) == ["c1", "c3"]  # unknown ids give no row; first card of c3 wins
    shown = dict(zip(names["customer_id"], names["client"], strict=True))
    assert shown["c1"] != "Иванов Иван Иванович" and shown["c1"].startswith("И")
    assert shown["c3"].startswith("ИП ") and "Петров" not in shown["c3"]


def test_client_names_unmasked_keeps_the_card_name():
    names = client_names(CUSTOMERS, ["c2", "c1"], mask_pii=False)
    assert dict(zip(names["customer_id"], names["client"], strict=True)) == {
        "c1": "Иванов Иван Иванович", "c2": "ООО «Ромашка»"}


def test_isin_matches_text_ids_and_never_a_missing_value():
    values = pd.Series(["a", None, "b", "c"], dtype="str")
    assert isin(values, ["c", None, "a"]).tolist() == [True, False, False, True]
    assert isin(values, pd.Series([], dtype="str")).tolist() == [False] * 4
    assert isin(pd.Index(["1", "2"]), {1, "2"}).tolist() == [True, True]  # compared as text


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</table><script>alert(1)</script>",
    "**ООО** _Рога_ [ссылка](http://x) `код` | столбец",
]


def test_a_hostile_name_reads_as_written_in_the_rendered_report():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from clientbase.views.common import plain

    for name in HOSTILE:
        rendered = markdown2html_mistune(f"Первый звонок: {plain(name)}.")
        assert "<img" not in rendered and "<script" not in rendered and "</table" not in rendered
        assert "<strong>" not in rendered and "<em>" not in rendered and "<a " not in rendered
        assert "<code>" not in rendered
        assert html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip() == f"Первый звонок: {name}."


def _shown(section) -> list:
    from unittest import mock

    with mock.patch("clientbase.views.common.display") as display:
        section._ipython_display_()
    return [call.args[0] for call in display.call_args_list]


def test_a_section_of_a_heading_and_a_chart_shows_the_heading_as_a_heading():
    import matplotlib.pyplot as plt
    from IPython.display import HTML, Markdown

    from clientbase.views.common import section

    shown = _shown(section("Revenue per month", plt.figure()))
    assert isinstance(shown[0], Markdown) and shown[0].data == "## Revenue per month"
    assert isinstance(shown[1], HTML) or not isinstance(shown[1], Markdown)  # the chart
    assert all("## " not in getattr(item, "data", "") for item in shown[1:])
    # a reading note before a chart is its caption
    shown = _shown(section("Revenue", "How to read it.", plt.figure()))
    assert shown[0].data == "## Revenue"
    assert isinstance(shown[1], HTML) and "<figcaption" in shown[1].data and "How to read it." in shown[1].data
