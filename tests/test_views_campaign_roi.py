"""Tests of clientbase.views.campaign_roi: summary text, sections, charts, missing inputs."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.display import Markdown  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from clientbase.campaigns import CampaignRoiOptions, campaign_results, campaign_summary  # noqa: E402
from clientbase.formatting import Formatter  # noqa: E402
from clientbase.tables import Table  # noqa: E402
from clientbase.views import campaign_roi as view  # noqa: E402

AS_OF = pd.Timestamp("2025-12-31")
NBSP = "\xa0"
EN, RU = Formatter("en", "RUB"), Formatter("ru", "RUB")


def _results() -> pd.DataFrame:
    """Five campaigns with members and one acquisition campaign without, as campaign_results gives them.

    - "Win": ROI 100 % [20 %; 180 %] — paid off; "Loss": −50 % [−150 %; 50 %] — not proven;
    - "Mail": no control group (attributed); "Free": no cost (ROI n/a);
    - "Xmas": in progress; "Ads": acquisition, no members (not counted as a campaign here).
    """
    frame = pd.DataFrame(
        {
            "campaign_id": ["w", "l", "m", "f", "x", "a"],
            "cost": [100.0, 50.0, 30.0, 0.0, 70.0, 9000.0],
            "target_size": [40, 20, 30, 10, 25, 0],
            "control_size": [20, 10, 0, 5, 10, 0],
            "response_rate_target": [0.5, 0.3, 0.6, 0.2, 0.4, np.nan],
            "response_rate_control": [0.25, 0.3, np.nan, 0.2, 0.3, np.nan],
            "incremental_revenue": [500.0, 100.0, np.nan, 40.0, 900.0, np.nan],
            "incremental_gross_profit": [200.0, 25.0, np.nan, 10.0, 300.0, np.nan],
            "roi": [1.0, -0.5, 4.0, np.nan, 3.3, np.nan],
            "roi_low": [0.2, -1.5, np.nan, np.nan, 1.0, np.nan],
            "roi_high": [1.8, 0.5, np.nan, np.nan, 5.0, np.nan],
            "name": ["Win", "Loss", "Mail", "Free", "Xmas", "Ads"],
            "kind": ["reactivation", "promo", "promo", "promo", "promo", "acquisition"],
            "start_date": pd.to_datetime(
                ["2025-03-01", "2025-05-01", "2025-06-01", "2025-07-01", "2025-12-01", "2025-01-01"]
            ),
            "in_progress": [False, False, False, False, True, False],
            "has_control": [True, True, False, True, True, False],
            "measure": ["incremental", "incremental", "attributed", "incremental", "incremental", "attributed"],
            "response_lift": [0.25, 0.0, np.nan, 0.0, 0.1, np.nan],
            "response_lift_low": [0.01, -0.3, np.nan, -0.4, -0.2, np.nan],
            "response_lift_high": [0.49, 0.3, np.nan, 0.4, 0.4, np.nan],
            "revenue_per_target": [30.0, 10.0, 80.0, 4.0, 50.0, np.nan],
            "revenue_per_control": [17.5, 5.0, np.nan, 0.0, 14.0, np.nan],
            "incremental_revenue_low": [100.0, -200.0, np.nan, -10.0, 100.0, np.nan],
            "incremental_revenue_high": [900.0, 400.0, np.nan, 90.0, 1700.0, np.nan],
            "attributed_revenue": [1200.0, 200.0, 2400.0, 40.0, 1250.0, np.nan],
            "roi_note": [pd.NA, pd.NA, "attributed, not incremental", "n/a", pd.NA, "n/a"],
        }
    )
    return frame.astype({"campaign_id": "str", "name": "str", "kind": "str", "measure": "str", "roi_note": "str"})


def _channels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": pd.Series(["Site", "Expo", "(unknown)"], dtype="str"),
            "new_customers": [10, 4, 2],
            "cost": [500.0, 400.0, np.nan],
            "cac": [50.0, 100.0, np.nan],
            "ltv": [100.0, 80.0, 60.0],
            "ltv_to_cac": [2.0, 0.8, np.nan],
            "ltv_customers": [8, 3, 2],
            "ltv_acquired_from": pd.to_datetime(["2024-01-01"] * 3),
            "ltv_acquired_to": pd.to_datetime(["2024-12-01"] * 3),
        }
    )


def _cohorts() -> pd.DataFrame:
    """Three cohorts; the first (2024Q2) starts the data. Quarter 1: 2024Q3 2 of 4, 2024Q4 1 of 2."""
    rows = [
        ("2024Q2", 0, 10, 10), ("2024Q2", 1, 10, 9), ("2024Q2", 2, 10, 9), ("2024Q2", 3, 10, 9),
        ("2024Q2", 4, 10, 9), ("2024Q2", 5, 10, 9), ("2024Q2", 6, 10, 9),
        ("2024Q3", 0, 4, 4), ("2024Q3", 1, 4, 2), ("2024Q3", 2, 4, 2), ("2024Q3", 3, 4, 1), ("2024Q3", 4, 4, 1),
        ("2024Q3", 5, 4, 1),
        ("2024Q4", 0, 2, 2), ("2024Q4", 1, 2, 1), ("2024Q4", 2, 2, 1), ("2024Q4", 3, 2, 0), ("2024Q4", 4, 2, 1),
    ]
    frame = pd.DataFrame(rows, columns=["cohort", "quarters_since", "customers", "active"])
    frame["cohort"] = frame["cohort"].astype("str")
    frame["retention"] = frame["active"] / frame["customers"]
    frame["incomplete"] = False
    return frame


def _summary_text(fmt: Formatter, **options) -> str:
    results, channels = _results(), _channels()
    overall = campaign_summary(results, channels)
    return view.summary(overall, results, _cohorts(), fmt=fmt, as_of=AS_OF, **options).data


# --- executive summary --------------------------------------------------------------------


def test_summary_in_english_has_the_numbers():
    text = _summary_text(EN)
    # finished campaigns with members: Win, Loss, Mail, Free (Ads has no members, Xmas runs)
    assert f"**4 campaigns** finished with a total cost of **RUB{NBSP}180**" in text
    assert f"1 campaign still running (RUB{NBSP}70" in text
    # with a control group: Win, Loss, Free → 640 revenue, 235 profit, cost 150 → net 85
    assert f"**RUB{NBSP}640** of incremental revenue" in text
    assert f"**RUB{NBSP}235** of incremental gross profit: **RUB{NBSP}85** after their cost of RUB{NBSP}150" in text
    assert "Best: **Win**, ROI +100% (95% interval +20% to +180%): it paid for itself" in text
    assert "Worst: **Loss**, ROI \u221250%" in text and "so a gain is not proven" in text
    assert "\u201cMail\u201d" in text and "attributed, not incremental" in text
    assert "No cost recorded (\u201cFree\u201d): ROI n/a." in text
    assert f"**Site** — a new customer brings RUB{NBSP}100 of gross profit" in text and "(**2.0×**)" in text
    assert "Worst: **Expo**" in text and "(0.8×): acquiring a customer costs more" in text
    assert f"RUB{NBSP}900 for 16 new customers" in text
    # without the data's first cohort: quarter 1 = (2 + 1) / (4 + 2), quarter 4 = (1 + 1) / (4 + 2)
    assert "on average 50% buy again in the next quarter and 33% a year later" in text


def test_summary_in_russian_has_the_numbers_and_the_glossary_words():
    text = _summary_text(RU, confidence=0.9)
    assert f"завершённых кампаний: **4**, их стоимость **180{NBSP}₽**" in text
    assert "дополнительной (приростной) выручки" in text
    assert f"**85{NBSP}₽** за вычетом их стоимости 150{NBSP}₽" in text
    assert f"Лучшая: **Win**, ROI +100{NBSP}% (доверительный интервал 90{NBSP}%" in text
    assert "«Mail»" in text and "атрибутированная, не приростная" in text
    assert "ROI н/д" in text
    assert "**Site**" in text and "2,0×" in text
    assert "50" in text and "через год" in text


def test_summary_lists_campaigns_that_paid_off_beyond_doubt_besides_the_best():
    results = _results()
    results.loc[results["campaign_id"] == "l", ["roi", "roi_low", "roi_high"]] = [0.5, 0.1, 0.9]
    overall = campaign_summary(results, _channels())
    text = view.summary(overall, results, _cohorts(), fmt=EN, as_of=AS_OF).data
    assert "Paid for itself beyond doubt (the whole 95% interval above 0 %): \u201cWin\u201d (+100%" in text
    assert "\u201cLoss\u201d (+50%, +10% … +90%)" in text


def test_summary_without_campaign_tables_says_so_in_one_line():
    results = campaign_results(None, None, _empty_daily(), as_of=AS_OF)
    channels = _channels().assign(cost=np.nan, cac=np.nan, ltv_to_cac=np.nan)
    overall = campaign_summary(results, channels)
    text = view.summary(overall, results, _cohorts(), fmt=EN, as_of=AS_OF,
                        missing=("campaigns", "campaign_members")).data
    assert "This section needs the campaigns, campaign_members table" in text
    assert "finished" not in text and "Best" not in text


def test_headlines():
    overall = campaign_summary(_results(), _channels())
    assert view.headline("spend", overall, fmt=EN) == ("Campaign spend, 12 months", f"RUB{NBSP}180")
    assert view.headline("channel", overall, fmt=RU) == ("Лучшее LTV/CAC", "Site 2,0×")
    with pytest.raises(KeyError):
        view.headline("nope", overall, fmt=EN)


# --- sections ------------------------------------------------------------------------------


def _empty_daily() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": pd.Series(dtype="str"), "date": pd.Series(dtype="datetime64[ns]"),
        "revenue": pd.Series(dtype="float64"), "gross_profit": pd.Series(dtype="float64"),
        "quantity": pd.Series(dtype="float64"), "orders": pd.Series(dtype="int64"),
    })


@pytest.mark.parametrize("fmt", [EN, RU], ids=["en", "ru"])
def test_sections_without_campaign_tables_say_so_and_draw_nothing(fmt):
    results = campaign_results(None, None, _empty_daily(), as_of=AS_OF)
    missing = view.missing_tables(campaigns=None, campaign_members=None, leads=None)
    assert missing == ("campaigns", "campaign_members", "leads")
    for section in (
        view.roi_forest(results, fmt=fmt, as_of=AS_OF, missing=missing),
        view.campaigns_section(results, fmt=fmt, as_of=AS_OF, missing=missing),
        view.reactivation_section(results, fmt=fmt, as_of=AS_OF, missing=missing),
    ):
        assert len(section.items) == 1 and isinstance(section.items[0], Markdown)
        assert "campaigns, campaign_members" in section.items[0].data


def test_sections_without_campaigns_in_the_window_say_so():
    results = _results().iloc[:0]
    section = view.roi_forest(results, fmt=EN, as_of=AS_OF)
    assert section.items[0].data == "No campaign with members ended in the 12 months to 31 Dec 2025."
    section = view.reactivation_section(_results()[lambda f: f["kind"] != "reactivation"], fmt=RU, as_of=AS_OF)
    assert "кампаний реактивации не было" in section.items[0].data


def test_roi_forest_shows_a_note_and_a_closed_figure():
    import matplotlib.pyplot as plt

    section = view.roi_forest(_results(), fmt=EN, as_of=AS_OF)
    note, figure = section.items
    assert "its 95% interval" in note.data
    assert isinstance(figure, Figure)
    assert figure not in [plt.figure(n) for n in plt.get_fignums()]  # closed: shown once, where displayed
    from clientbase.views.common import _figure_html

    html = _figure_html(note.data, figure)
    assert html.startswith('<figure class="cb-figure"') and "<figcaption" in html
    assert "data:image/png;base64," in html


def test_forest_plot_rows_values_and_labels():
    import matplotlib.pyplot as plt

    _fig, ax = plt.subplots()
    assert view.plot_roi_forest(_results(), fmt=EN, ax=ax) is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # incremental by ROI, then in progress, attributed, no ROI; "Ads" has no members
    assert labels == ["Win", "Loss", "Xmas (in progress)", "Mail", "Free"]
    texts = [t.get_text() for t in ax.texts]
    assert "attributed, not incremental: +400%" in texts and "n/a" in texts
    assert ax.get_title(loc="left") == "ROI by campaign, 95% interval"
    plt.close("all")


def test_campaigns_table_labels_attributed_and_free_campaigns():
    section = view.campaigns_section(_results(), fmt=EN, as_of=AS_OF, options=CampaignRoiOptions(response_days=14))
    note, shown = section.items
    assert "end + 14 days" in note.data
    assert isinstance(shown, Table)
    assert shown.frame["campaign"].tolist() == ["Win", "Loss", "Xmas (in progress)", "Mail", "Free"]
    assert shown.frame["roi"].tolist() == ["+100%", "\u221250%", "+330%", "(+400%)", "n/a"]
    assert shown.frame["roi_interval"].tolist()[3] == "attributed, not incremental"
    assert shown.frame["revenue_interval"].iloc[0] == f"RUB{NBSP}100 … RUB{NBSP}900"
    assert "Incremental revenue" in shown.to_html()
    assert "index" not in shown.frame.columns


def test_reactivation_section_shows_the_lift_in_points():
    section = view.reactivation_section(_results(), fmt=RU, as_of=AS_OF)
    _note, shown = section.items
    assert shown.frame["campaign"].tolist() == ["Win"]
    assert shown.frame["lift"].iloc[0] == f"+25{NBSP}п.{NBSP}п. (+1{NBSP}п.{NBSP}п. … +49{NBSP}п.{NBSP}п.)"
    assert "Купили снова: целевая" in shown.to_html()


@pytest.mark.parametrize("fmt", [EN, RU], ids=["en", "ru"])
def test_channels_section_chart_and_table(fmt):
    section = view.channels_section(_channels(), fmt=fmt)
    note, figure, shown = section.items
    assert "LTV/CAC" in note.data
    assert isinstance(figure, Figure)
    unknown = "(not specified)" if fmt is EN else "(не указан)"
    assert shown.frame["source"].tolist() == ["Site", "Expo", unknown]
    assert shown.frame["ltv_to_cac"].tolist()[:2] == (["2.0×", "0.8×"] if fmt is EN else ["2,0×", "0,8×"])


def test_channels_section_without_campaigns_says_cac_needs_them():
    section = view.channels_section(_channels(), fmt=EN, missing=("campaigns",))
    assert section.items[0].data.startswith("This section needs the campaigns table")


def test_retention_heatmap_leaves_out_the_first_cohort_and_quarter_zero():
    import matplotlib.pyplot as plt

    section = view.retention_section(_cohorts(), fmt=EN)
    note, figure = section.items
    assert "The first cohort of the data (2024Q2) is left out" in note.data
    _fig, ax = plt.subplots()
    view.plot_retention(_cohorts(), fmt=EN, ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2024Q3 (4)", "2024Q4 (2)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3", "4", "5"]
    assert "50%" in [t.get_text() for t in ax.texts]
    plt.close("all")
    assert isinstance(figure, Figure)


def test_appendix_states_definitions_parameters_and_data():
    parameters = {"response_days": 30, "window_months": 12, "ltv_months": 12, "margin_share": 0.25,
                  "ci_method": "bootstrap", "confidence": 0.9}
    text = view.appendix(fmt=EN, as_of=AS_OF, period_label="2025Q4", parameters=parameters,
                         rows={"customers": 300, "campaigns": 31}, has_cost=False, version="9.9").data
    assert "end + 30 days" in text and "1 Jan 2025 – 31 Dec 2025" in text
    assert "revenue × 25% (the orders have no cost)" in text
    assert "percentile bootstrap interval" in text and "at 90%" in text
    assert "`ci_method = 'bootstrap'`" in text
    assert "period 2025Q4" in text and "customers 300, campaigns 31" in text and "clientbase 9.9" in text
    ru = view.appendix(fmt=RU, as_of=AS_OF, period_label="2025Q4", parameters=parameters,
                       rows={"customers": 300}, has_cost=True, version="9.9").data
    assert "Окно атрибуции" in ru and "Пожизненная ценность клиента (LTV)" in ru
    assert "себестоимости каждой строки продажи" in ru


def test_view_functions_do_not_mutate():
    import matplotlib.pyplot as plt

    results, channels, cohorts = _results(), _channels(), _cohorts()
    before = [frame.copy(deep=True) for frame in (results, channels, cohorts)]
    overall = campaign_summary(results, channels)
    view.summary(overall, results, cohorts, fmt=EN, as_of=AS_OF)
    view.roi_forest(results, fmt=EN, as_of=AS_OF)
    view.campaigns_section(results, fmt=EN, as_of=AS_OF)
    view.reactivation_section(results, fmt=EN, as_of=AS_OF)
    view.channels_section(channels, fmt=EN)
    view.retention_section(cohorts, fmt=EN)
    plt.close("all")
    for frame, copy in zip((results, channels, cohorts), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)
