"""Tests of clientbase.views.clv: the words around the forecast, in both languages."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from clientbase.clv import ClvOptions, clv_report  # noqa: E402
from clientbase.clv.models import Fit  # noqa: E402
from clientbase.formatting import Formatter  # noqa: E402
from clientbase.views import clv as view  # noqa: E402
from clv_frames import AS_OF, simulated_daily  # noqa: E402

OPTIONS = ClvOptions()


@pytest.fixture(scope="module")
def result():
    return clv_report(simulated_daily(1500, seed=2), as_of=AS_OF, options=OPTIONS, gross_profit=True)


@pytest.fixture(scope="module")
def customers(result):
    ids = result.customers["customer_id"]
    return pd.DataFrame({
        "customer_id": ids, "name": "Иванов Иван Иванович", "customer_type": "person",
        "manager": "Орлова", "source": pd.Series(["Сайт", None], dtype="str").iloc[(ids.index % 2)].to_numpy(),
    })


def test_the_summary_says_who_is_active_the_forecast_the_clients_and_the_check(result, customers):
    text = view.summary(result, customers, fmt=Formatter("en", "RUB"), options=OPTIONS).data
    c = result.customers
    assert f"Of the **{len(c):,} clients** who have bought by 30 Sep 2026" in text
    assert f"**{int((c['p_alive'] >= 0.5).sum()):,}** are probably still clients" in text
    assert "In the next 90 days they are expected to buy on" in text and "margin 30%, measured from cost" in text
    assert "The most expected value:" in text and "Valuable and probably lost" in text
    assert "Checked on the last quarter: fitted on the data to 30 Jun 2026" in text
    assert "Иванов" not in text  # people are masked


def test_the_russian_summary_speaks_russian(result, customers):
    text = view.summary(result, customers, fmt=Formatter("ru", "RUB"), options=OPTIONS).data
    assert "вероятно остаются клиентами" in text and "Проверка на последнем квартале" in text


@pytest.mark.parametrize("key", view.SECTIONS)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_section_builds(result, customers, key, language):
    shown = view.section_of(key, result, customers, fmt=Formatter(language, "RUB"), options=OPTIONS)
    assert shown.items[0].data.startswith("## ")
    if key in ("holdout", "alive", "value"):
        assert any(isinstance(item, Figure) for item in shown.items)


def test_too_few_repeat_buyers_is_one_line_everywhere(customers):
    daily = pd.DataFrame({"customer_id": ["A", "B"], "date": pd.to_datetime(["2026-01-05", "2026-02-05"]),
                          "revenue": [10.0, 20.0], "orders": 1, "gross_profit": 1.0, "quantity": 1.0})
    result = clv_report(daily, as_of=AS_OF)
    fmt = Formatter("en", "RUB")
    text = view.summary(result, customers, fmt=fmt, options=OPTIONS).data
    assert "Only 0 clients bought more than once by 30 Sep 2026; the model needs at least 30" in text
    assert "needs at least 30 repeat buyers by 30 Jun 2026" in text
    assert view.headlines(result, fmt=fmt) == []
    shown = view.section_of("alive", result, customers, fmt=fmt, options=OPTIONS)
    assert "Only 0 clients bought more than once" in shown.items[-1].data


def test_a_fit_at_a_bound_is_said_in_one_line(result):
    fit = Fit("bgnbd", {"r": 1.0, "alpha": 5.0, "a": 8.0, "b": 2981.0}, -10.0, True, "", 100, ("b",))
    line = view._bound_line(fit, Formatter("en", "RUB"))
    assert line.startswith("The fit of Repeat purchases (BG/NBD) ended at the edge of the search for b")
    assert "every client has the same chance to stop after a purchase (0.27%)" in line


def test_sources_add_up_to_every_client(result, customers):
    table = view.by_source(result, customers)
    assert table["clients"].sum() == len(result.customers)
    assert table["clv"].sum() == pytest.approx(result.customers["clv"].sum())
    assert set(table["source"]) == {"Сайт", ""}
