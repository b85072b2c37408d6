"""Tests of clientbase.sources.formats: formats and header matching."""

from __future__ import annotations

import pytest

from clientbase.errors import ProfileError
from clientbase.sources import Format, load_format, load_source, read_table
from sources_frames import CUSTOMERS_1C, SAMPLE, problems_of, source_1c, write, write_xlsx  # noqa: F401


@pytest.mark.parametrize(
    "header",
    ["Основной менеджер", "ОСНОВНОЙ МЕНЕДЖЕР", " основной  менеджер. ", '"Основной менеджер"', "«Менеджер»"],
    ids=["as-listed", "upper", "spaces-and-dot", "quoted", "guillemets"],
)
def test_header_synonyms_ignore_case_spaces_quotes_and_a_trailing_dot(tmp_path, header):
    text = f"Код;Наименование;{header}\n1;А;Иванова\n"
    frame, _ = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert frame["manager"].tolist() == ["Иванова"]



def test_header_yo_equals_ye(tmp_path):
    mapping = write(tmp_path / "m.yaml", "extends: 1c\ncolumns:\n  customers:\n    manager: [Ответственный за счёт]\n")
    text = "Код;Наименование;ОТВЕТСТВЕННЫЙ ЗА СЧЕТ\n1;А;Петрова\n"
    frame, _ = read_table(write(tmp_path / "k.csv", text), "customers", load_format(mapping))
    assert frame["manager"].tolist() == ["Петрова"]



def test_first_listed_synonym_wins_when_two_headers_mean_one_column(tmp_path):
    text = "Контрагент;Код;Наименование\nполное имя;1;Короткое\n"
    frame, _ = read_table(write(tmp_path / "k.csv", text), "customers", load_format("1c"))
    assert frame["name"].tolist() == ["Короткое"]  # Наименование is listed before Контрагент



def test_user_mapping_extends_1c_by_adding_synonyms(tmp_path):
    mapping = write(tmp_path / "my.yaml", (
        "extends: 1c\n"
        "files:\n  customers: [klienty_crm]\n"
        "columns:\n  customers:\n    manager: [Куратор]\n"
        "values:\n  customer_type:\n    company: [ООО]\n"
        "true_values: [ага]\n"
    ))
    fmt = load_format(mapping)
    base = load_format("1c")
    assert fmt.columns["customers"]["manager"] == (*base.columns["customers"]["manager"], "Куратор")
    assert fmt.files["customers"][-1] == "klienty_crm"
    assert fmt.decimal == "," and fmt.dayfirst is True
    assert "yes" in fmt.true_values and "ага" in fmt.true_values
    data = tmp_path / "data"
    data.mkdir()
    write(data / "klienty_crm.csv", "Код;Наименование;Куратор;Вид контрагента;Удален\n1;А;Петров;ООО;ага\n")
    write(data / "orders.csv", "Номер;Дата;Код контрагента;Сумма\n1;01.02.2026;1;1 000,5\n")
    source = load_source(data, fmt)
    customers = source.tables["customers"]
    assert customers[["manager", "customer_type", "is_deleted"]].iloc[0].tolist() == ["Петров", "company", True]
    assert source.tables["orders"]["amount"].tolist() == [1000.5]



@pytest.mark.parametrize(
    ("text", "fragment"),
    [("extends: 1c\ncolumns:\n  customers:\n    colour: [Цвет]\n", "unknown column 'colour'"),
     ("extends: 1c\nsynonyms: {}\n", "unknown key 'synonyms'"),
     ("extends: 1c\ncolumns:\n  clients: {}\n", "unknown table 'clients'"),
     ("extends: 1c\ndecimal: ';'\n", "decimal must be"),
     ("extends: 1c\nvalues:\n  group:\n    test: [x]\n", "unknown code 'test'")],
    ids=["column", "key", "table", "decimal", "code"],
)
def test_bad_mapping_files_are_profile_errors_naming_the_fault(tmp_path, text, fragment):
    with pytest.raises(ProfileError, match=fragment):
        load_format(write(tmp_path / "bad.yaml", text))



def test_unknown_format_name_is_a_profile_error_naming_it():
    with pytest.raises(ProfileError, match="unknown data format '1с-russian'"):
        load_format("1с-russian")



def test_builtin_formats_load_as_documented():
    one_c, canonical = load_format("1c"), load_format("canonical")
    assert isinstance(one_c, Format)
    assert (one_c.name, one_c.decimal, one_c.dayfirst) == ("1c", ",", True)
    assert (canonical.name, canonical.decimal, canonical.dayfirst) == ("canonical", ".", False)
    assert "Итого" in one_c.total_rows
    # YAML 1.1 would read these as booleans; a value list means the words
    assert {"yes", "no", "true", "1"} <= set(one_c.true_values) | set(one_c.false_values)
