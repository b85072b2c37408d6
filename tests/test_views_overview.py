"""The data overview's presentation: table names and the quarter in the reader's language."""

from __future__ import annotations

import pandas as pd

from clientbase.formatting import Formatter
from clientbase.overview import table_overview
from clientbase.views import overview as view

META = {
    "customers": {"rows": 3, "columns": ["customer_id", "name"], "date_min": None, "date_max": None},
    "orders": {"rows": 10, "columns": ["order_id", "date"], "date_min": "2026-01-05", "date_max": "2026-09-30"},
}
INPUTS = [{"table": "customers", "file": "kontragenty.csv", "sha256": "aa"},
          {"table": "orders", "file": "prodazhi.csv", "sha256": "bb"}]


def _summary(language: str) -> str:
    tables = table_overview(META, INPUTS)
    return view.summary(
        tables, pd.DataFrame(columns=["message"]), fmt=Formatter(language=language),
        window={"buyers": 2, "revenue": 1500.0}, quarter={"buyers": 1, "revenue": 500.0},
        as_of=pd.Timestamp("2026-09-30"), period_label="2026Q3", last_order_date=pd.Timestamp("2026-09-30"),
    ).data


def test_summary_speaks_the_readers_language():
    ru = _summary("ru")
    assert "(контрагенты, продажи)" in ru and "(3-й кв. 2026)" in ru
    assert "customers" not in ru and "2026Q3" not in ru
    en = _summary("en")
    assert "(customers, order lines)" in en and "(Q3 2026)" in en
    assert "**3** customers and **10** order lines" in en


def test_tables_shown_names_tables_in_words_and_hides_internals():
    tables = table_overview(META, INPUTS)
    shown = view.tables_shown(tables, "ru")
    assert list(shown["table"]) == ["Контрагенты", "Продажи"]
    assert "sha256" not in shown.columns and "column_names" not in shown.columns
    assert list(tables["table"]) == ["customers", "orders"]  # the input is not modified


def test_the_summary_says_which_lines_no_card_matched_in_each_table():
    import pandas as pd

    from clientbase.formatting import Formatter
    from clientbase.text import Words
    from clientbase.views.overview import _dropped

    rows = pd.DataFrame({"table": ["deal_stages", "campaign_members", "payments"], "rows": [2, 1, 3],
                         "amount_dropped": [float("nan"), float("nan"), 12345.0]})
    fmt = Formatter("en", "RUB")
    tx = Words("data_overview", "en")
    lines = [_dropped(r, tx, fmt) for r in rows.itertuples()]
    assert lines[0].startswith("Deal stages: **2** lines not matched to a deal")
    assert lines[1].startswith("Campaign members: **1** line not matched to a customer or a campaign")
    assert lines[2].startswith("Payments: **3** lines, **RUB\u00a012,345.00**, not matched to a customer")
