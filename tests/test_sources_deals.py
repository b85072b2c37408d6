"""Deals and their stage history read from 1C exports and canonical files (issue 14)."""

from __future__ import annotations

import pandas as pd
import pytest

from clientbase.errors import DataError
from clientbase.sources import RowCount, load_source
from sources_frames import SAMPLE, problems_of, source_1c, write  # noqa: F401

STAGES = ["Первичный контакт", "Квалификация", "Коммерческое предложение", "Переговоры", "Договор"]
DEALS = (
    "Сделка с клиентом;Дата начала;Контрагент;Сумма;Этап;Состояние;Дата завершения;Причина проигрыша;Ответственный\n"
    "Сделка с клиентом 00-000001 от 01.02.2026;01.02.2026;Альфа ООО;100 000,00;Переговоры;В работе;;;Иванов\n"
    "Сделка с клиентом 00-000002 от 02.02.2026;02.02.2026;Альфа ООО;50 000,00;Договор;Выиграна;20.03.2026;;Иванов\n"
    "Сделка с клиентом 00-000003 от 03.02.2026;03.02.2026;Гамма;7 500,50;квалификация;Проиграна;10.02.2026;Дорого;Петров\n"
    "Сделка с клиентом 00-000004 от 04.02.2026;04.02.2026;;1 000,00;Первичный контакт;Закрыта неуспешно;05.02.2026;"
    "Пропал контакт;Петров\n"
)
HISTORY = (
    "Сделка;Этап;Дата перехода\n"
    "Сделка с клиентом 00-000001 от 01.02.2026;Первичный контакт;01.02.2026\n"
    "Сделка с клиентом 00-000001 от 01.02.2026;Переговоры;10.02.2026\n"
    "Сделка с клиентом 00-000009 от 01.02.2026;Переговоры;10.02.2026\n"
)
ORDERS = "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n"


def _source(tmp_path, deals: str = DEALS, history: str = HISTORY, stages=STAGES):
    files = {"sdelki_s_klientami.csv": deals, "etapy_sdelok.csv": history}
    return load_source(source_1c(tmp_path, ORDERS, **files), stages=stages)


@pytest.fixture()
def source(tmp_path):
    write(tmp_path / "sdelki.csv", DEALS)
    write(tmp_path / "etapy_sdelok.csv", HISTORY)
    return load_source(source_1c(tmp_path, ORDERS), stages=STAGES)


def test_1c_deals_read_with_statuses_stages_and_customers(source):
    deals = source.tables["deals"]
    assert deals["deal_id"].tolist() == ["00-000001", "00-000002", "00-000003", "00-000004"]
    assert deals["status"].tolist() == ["open", "won", "lost", "lost"]
    # a stage is spelled as in the profile's list, whatever its case
    assert deals["stage"].tolist() == ["Переговоры", "Договор", "Квалификация", "Первичный контакт"]
    assert deals["amount"].tolist() == [100000.0, 50000.0, 7500.5, 1000.0]
    assert deals["closed_at"].tolist()[1] == pd.Timestamp("2026-03-20")
    assert deals["loss_reason"].tolist()[2:] == ["Дорого", "Пропал контакт"]
    # Гамма is no card: the deal is kept without a customer, a deal without one is fine
    assert deals["customer_id"].tolist()[0] is not None and pd.isna(deals["customer_id"].tolist()[2])
    assert pd.isna(deals["customer_id"].tolist()[3])
    history = source.tables["deal_stages"]
    assert history["deal_id"].tolist() == ["00-000001", "00-000001"]  # the unknown deal's entry is dropped
    assert history["entered_at"].tolist() == [pd.Timestamp("2026-02-01"), pd.Timestamp("2026-02-10")]
    assert source.counts["deal_stages"] == RowCount(read=3, used=2)
    messages = {p.message for p in source.problems}
    assert any("names a deal that is not in the deals file (the entry is dropped): row 4" in m for m in messages)
    assert any("unknown customer 'Гамма'" in m and "kept without customer_id" in m for m in messages)


def test_an_unknown_status_is_an_error_naming_row_and_value(tmp_path):
    deals = DEALS.replace("В работе", "Черновик")
    with pytest.raises(DataError) as exc:
        _source(tmp_path, deals)
    (problem,) = problems_of(exc)
    assert (problem.file, problem.row, problem.column) == ("sdelki_s_klientami.csv", 2, "Состояние")
    assert "unknown status 'Черновик'" in problem.message and "open" in problem.message


def test_a_closing_before_the_creation_is_an_error(tmp_path):
    deals = DEALS.replace("02.02.2026;Альфа ООО;50 000,00;Договор;Выиграна;20.03.2026",
                          "02.02.2026;Альфа ООО;50 000,00;Договор;Выиграна;20.01.2026")
    with pytest.raises(DataError) as exc:
        _source(tmp_path, deals)
    (problem,) = problems_of(exc)
    assert (problem.row, problem.column) == (3, "Дата завершения")
    assert problem.message == "closed_at is before the deal's creation (created_at): row 3"


def test_a_won_deal_without_its_closing_date_is_an_error(tmp_path):
    deals = DEALS.replace("Выиграна;20.03.2026", "Выиграна;")
    with pytest.raises(DataError) as exc:
        _source(tmp_path, deals)
    (problem,) = problems_of(exc)
    assert problem.row == 3 and "is empty for a won or lost deal" in problem.message


def test_a_stage_not_in_the_profile_list_is_an_error_naming_file_row_and_value(tmp_path):
    history = HISTORY.replace("01.02.2026;Переговоры;10.02.2026\nСделка с клиентом 00-000009",
                              "01.02.2026;Торг;10.02.2026\nСделка с клиентом 00-000009")
    with pytest.raises(DataError) as exc:
        _source(tmp_path, DEALS.replace(";Договор;", ";Подписание;"), history)
    problems = problems_of(exc)
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("sdelki_s_klientami.csv", 3, "Этап"), ("etapy_sdelok.csv", 3, "Этап")]
    assert problems[0].message.startswith("stage 'Подписание' is not in the profile's stage list "
                                          "(deal_funnel.stages: Первичный контакт, Квалификация")
    assert problems[1].message.startswith("stage 'Торг' is not in the profile's stage list")


def test_without_a_stage_list_any_stage_is_read(tmp_path):
    source = _source(tmp_path, DEALS.replace(";Договор;", ";Подписание;"), stages=None)
    assert "Подписание" in source.tables["deals"]["stage"].tolist()


def test_canonical_deals(tmp_path):
    write(tmp_path / "customers.csv", "customer_id,name\nC1,A\n")
    write(tmp_path / "orders.csv", "order_id,date,customer_id,amount\n1,2026-01-12,C1,10\n")
    write(tmp_path / "deals.csv", "deal_id,created_at,amount,stage,status,closed_at,customer_id,source\n"
                                  "D1,2026-01-02,10.5,lead,won,2026-02-01,C1,web\nD2,2026-01-03,3,lead,open,,,\n")
    write(tmp_path / "deal_stages.csv", "deal_id,stage,entered_at\nD1,lead,2026-01-02\n")
    source = load_source(tmp_path, "canonical", stages=["lead", "won"])
    assert source.tables["deals"]["status"].tolist() == ["won", "open"]
    assert source.tables["deals"]["source"].tolist()[0] == "web"
    assert source.counts["deals"] == RowCount(read=2, used=2, dropped_amount=0.0)
