"""Tests of clientbase.views.deal_funnel: the words around the funnel, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from clientbase.deal_funnel import DealFunnelOptions, deal_funnel_report  # noqa: E402
from clientbase.formatting import Formatter  # noqa: E402
from clientbase.views import deal_funnel as view  # noqa: E402
from deal_frames import AS_OF, STAGES, deals_frame, history_frame  # noqa: E402

OPTIONS = DealFunnelOptions(stages=STAGES, min_closed=2)
CUSTOMERS = pd.DataFrame({
    "customer_id": pd.Series(["c1", "c2", "c4"], dtype="str"),
    "name": pd.Series(["ООО Альфа", "Петров Иван Иванович", "ИП Сидоров"], dtype="str"),
    "customer_type": pd.Series(["company", "person", "sole_trader"], dtype="str"),
})


@pytest.fixture(scope="module")
def result():
    return deal_funnel_report(deals_frame(), history_frame(), as_of=AS_OF, options=OPTIONS)


def test_the_summary_says_deals_conversion_losses_pipeline_and_backtest(result):
    text = view.summary(result, fmt=Formatter("en", "RUB"), options=OPTIONS).data
    assert "From 1 Oct 2025 to 30 Sep 2026, **4 deals** were opened: 1 won, 1 lost, 2 still open" in text
    assert "**25.0%** of them were won" in text and "**50.0%** were won" in text
    assert "Most deals are lost at the stage «C»: 1 deal for RUB\u00a050, most often because «Дорого»" in text
    assert "Open deals: **2 deals** for RUB\u00a0300; they are expected to bring **RUB\u00a0150**" in text
    assert "between RUB\u00a00 and RUB\u00a0300" in text
    assert "(open on 30 Jun 2026: 2 deals): RUB\u00a0150 and 1.0 wins expected" in text
    assert "take the win probability of the stage before them: «D» ← «C»" in text
    assert "**2 deals** have stayed in their stage longer than 80 % of deals do" in text


def test_the_russian_summary_speaks_russian(result):
    text = view.summary(result, fmt=Formatter("ru", "RUB"), options=OPTIONS).data
    assert "открыто **4 сделки**: выиграно 1, проиграно 1, в работе 2" in text
    assert "В работе **2 сделки** на 300\u00a0₽; ожидаемая сумма — **150\u00a0₽**" in text
    assert "Больше всего сделок проиграно на этапе «C»: 1 сделка на 50\u00a0₽" in text


def test_without_deals_or_stages_every_part_says_so_in_one_line():
    fmt = Formatter("en", "RUB")
    assert view.summary(None, fmt=fmt, options=OPTIONS, deals=None).data.startswith("- This report needs the deals")
    no_stages = DealFunnelOptions()
    text = view.summary(None, fmt=fmt, options=no_stages, deals=deals_frame()).data
    assert "deal_funnel: {stages: [...]}" in text
    assert view.headlines(None, fmt=fmt) == []
    shown = view.section_of("funnel", None, CUSTOMERS, fmt=fmt, options=no_stages, deals=deals_frame())
    assert isinstance(shown.items[-1], Markdown) and "order of the funnel's stages" in shown.items[-1].data
    assert "deals table" in view.appendix(None, fmt=fmt, options=OPTIONS, version="x").data


@pytest.mark.parametrize("key", view.SECTIONS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_section_builds(result, key, language):
    shown = view.section_of(key, result, CUSTOMERS, fmt=Formatter(language, "RUB"), options=OPTIONS)
    assert shown.items[0].data.startswith("## ")
    if key in ("funnel", "time", "losses", "managers", "backtest"):
        assert any(isinstance(item, Figure) for item in shown.items)


def test_the_forecast_table_masks_a_person(result):
    shown = view.section_of("forecast", result, CUSTOMERS, fmt=Formatter("en", "RUB"), options=OPTIONS,
                            mask_pii=True)
    html = shown.items[-1]._repr_html_()
    assert "Петров Иван Иванович" not in html and "ООО Альфа" in html


def test_without_history_time_in_stage_says_it_needs_it():
    out = deal_funnel_report(deals_frame(), None, as_of=AS_OF, options=OPTIONS)
    shown = view.section_of("time", out, CUSTOMERS, fmt=Formatter("en", "RUB"), options=OPTIONS)
    assert "needs the history of the deals' stages" in shown.items[-1].data


def test_stalled_deals_go_to_each_manager(result, tmp_path):
    path = view.write_stalled(result, CUSTOMERS, tmp_path / "stalled.xlsx", language="ru")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["M1"]
    rows = list(book["M1"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Сделка", "Клиент", "Этап")
    assert [r[0] for r in rows[1:]] == ["D1", "D2"]  # longest in its stage first: 241 and 232 days
    assert rows[2][1] == "Петров Иван Иванович"  # the managers' list carries the full name


def test_the_appendix_lists_definitions_and_parameters(result):
    text = view.appendix(result, fmt=Formatter("en", "RUB"), options=OPTIONS, version="9.9",
                         deals=deals_frame(), history=history_frame()).data
    assert "`stages` = A → B → C → D" in text
    assert "5 deals opened by 30 Sep 2026, 9 stage entries; 2 open at 30 Sep 2026" in text
