"""Tests of clientbase.sources.names: completing tables and resolving customers and campaigns given by name."""

from __future__ import annotations

import pandas as pd
import pytest

from clientbase.sources import RowCount, load_source
from sources_frames import CUSTOMERS_1C, SAMPLE, problems_of, source_1c, write, write_xlsx  # noqa: F401


def test_orders_by_customer_name_resolve_exact_then_folded(tmp_path):
    customers = CUSTOMERS_1C + "003;Королёв\xa0А. А.;;\n"
    orders = ("Номер;Дата;Контрагент;Сумма\n"
              "1;01.02.2026;Альфа ООО;10\n"
              "2;01.02.2026;  альфа   ооо ;20\n"
              "3;01.02.2026;ип волков д. с.;30\n"
              "4;01.02.2026;КОРОЛЕВ А. А.;40\n")
    source = load_source(source_1c(tmp_path, orders, customers=customers))
    assert source.tables["orders"]["customer_id"].tolist() == ["001", "001", "002", "003"]
    assert source.problems == ()



def test_unknown_customer_name_is_a_warning_and_its_rows_are_dropped(tmp_path):
    orders = ("Номер;Дата;Контрагент;Сумма\n"
              "1;01.02.2026;Альфа ООО;10\n"
              "2;01.02.2026;Бета ЗАО;20\n"
              "3;02.02.2026;Бета ЗАО;5\n")
    source = load_source(source_1c(tmp_path, orders))
    assert source.tables["orders"]["order_id"].tolist() == ["1"]
    (warning,) = source.problems
    assert (warning.file, warning.row, warning.column, warning.severity) == (
        "prodazhi.csv", 3, "Контрагент", "warning")
    assert warning.message == ("unknown customer 'Бета ЗАО': no such name in the customers table; rows 3, 4 dropped; "
                               "amount 25.00")
    assert source.counts["orders"] == RowCount(read=3, used=1, dropped_amount=25.0)
    assert source.counts["customers"] == RowCount(read=source.counts["customers"].read,
                                                  used=source.counts["customers"].read)



def test_ambiguous_customer_name_is_a_warning_naming_the_number_of_matches(tmp_path):
    customers = "Код;Наименование\n1;Гамма\n2;Гамма\n3;Дельта\n4;ДЕЛЬТА\n"
    orders = "Номер;Дата;Контрагент;Сумма\n1;01.02.2026;Гамма;10\n2;01.02.2026;дельта;10\n"
    source = load_source(source_1c(tmp_path, orders, customers=customers))
    assert source.tables["orders"].empty
    messages = [p.message for p in source.problems]
    assert len(messages) == 2
    assert "'Гамма' matches 2 customers" in messages[0]
    assert "'дельта' matches 2 customers" in messages[1]



def test_a_name_shared_with_a_card_marked_for_deletion_resolves_to_the_live_card(tmp_path):
    customers = "Код;Наименование;Пометка удаления\n1;Гамма;Да\n2;Гамма;Нет\n"
    orders = "Номер;Дата;Контрагент;Сумма\n1;01.02.2026;Гамма;10\n"
    source = load_source(source_1c(tmp_path, orders, customers=customers))
    assert source.tables["orders"]["customer_id"].tolist() == ["2"]



def test_orders_of_an_unknown_customer_id_are_warnings_not_errors(tmp_path):
    orders = "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;001;10\n2;01.02.2026;999;20\n"
    source = load_source(source_1c(tmp_path, orders))
    assert source.tables["orders"]["customer_id"].tolist() == ["001"]
    (warning,) = source.problems
    assert (warning.row, warning.column, warning.severity) == (3, "Код контрагента", "warning")
    assert "'999'" in warning.message



def test_unknown_customer_of_a_lead_keeps_the_lead_without_customer(tmp_path):
    leads = "Номер;Дата;Контрагент\nL1;01.02.2026;Альфа ООО\nL2;01.02.2026;Нет такого\n"
    source = load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", **{"lidy.csv": leads}))
    leads = source.tables["leads"]
    assert leads["lead_id"].tolist() == ["L1", "L2"]
    assert leads["customer_id"].iloc[0] == "001"
    assert pd.isna(leads["customer_id"].iloc[1])
    assert [p.severity for p in source.problems] == ["warning"]



def test_campaign_members_by_campaign_and_customer_name_with_group_and_response(tmp_path):
    campaigns = ("Код;Наименование;Вид кампании;Дата начала;Бюджет\n"
                 "C1;Весна;Реактивация;01.03.2026;10 000\n")
    members = ("Кампания;Контрагент;Группа;Отклик\n"
               "Весна;Альфа ООО;Контрольная;да\n"
               "весна;ИП Волков Д. С.;;\n")
    folder = source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", **{
        "kampanii.csv": campaigns, "uchastniki_kampaniy.csv": members})
    source = load_source(folder)
    assert source.tables["campaigns"]["kind"].tolist() == ["reactivation"]
    assert source.tables["campaigns"]["cost"].tolist() == [10000.0]
    table = source.tables["campaign_members"]
    assert table["campaign_id"].tolist() == ["C1", "C1"]
    assert table["customer_id"].tolist() == ["001", "002"]
    assert table["group"].tolist() == ["control", "target"]
    assert table["responded"].tolist() == [True, pd.NA]



@pytest.mark.parametrize(
    ("inn", "name", "expected"),
    [("7701234560", "Альфа ООО", "company"), ("500100732259", "ИП Волков", "sole_trader"),
     ("500100732259", "ип\xa0Волков", "sole_trader"),
     ("500100732259", "Волков Индивидуальный Предприниматель", "sole_trader"),
     ("500100732259", "Волков Дмитрий", "person"), ("500100732259", "Типография", "person"),
     ("", "Альфа", None), ("12345", "Альфа", None)],
    ids=["10-digits", "12-ip", "12-ip-nbsp", "12-long-form", "12-person", "ip-inside-word", "no-inn",
         "bad-length"],
)
def test_customer_type_is_derived_from_the_inn_when_absent(tmp_path, inn, name, expected):
    customers = f"Код;Наименование;ИНН\n1;{name};{inn}\n"
    source = load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=customers))
    value = source.tables["customers"]["customer_type"].iloc[0]
    assert (None if pd.isna(value) else value) == expected



def test_given_customer_type_synonyms_map_and_empty_cells_are_derived(tmp_path):
    customers = "Код;Наименование;ИНН;Вид контрагента\n1;А;7701234560;Физическое лицо\n2;Б;7701234560;\n"
    source = load_source(source_1c(tmp_path, "Номер;Дата;Код контрагента;Сумма\n", customers=customers))
    assert source.tables["customers"]["customer_type"].tolist() == ["person", "company"]
