"""Tests of clientbase.text: every word in both languages, plural forms, placeholders."""

import pytest

from clientbase.text import FILES, REPORT_NAMES, Words, group, leaves, placeholders, t

NBSP = "\u00a0"


def test_every_key_has_both_languages_and_the_same_placeholders():
    for key, value in leaves():
        en, ru = value["en"], value["ru"]
        assert en not in (None, "", [], {}) and ru not in (None, "", [], {}), key
        assert placeholders(en) == placeholders(ru), key
        assert type(en) is type(ru), key
        if isinstance(en, list):
            assert len(en) == len(ru), key
            # each definition keeps its own placeholders
            assert [placeholders(x) for x in en] == [placeholders(x) for x in ru], key


def test_plural_forms_are_complete_for_each_language():
    for key, value in leaves():
        for language, forms in value.items():
            if isinstance(forms, dict):
                needed = {"one", "other"} | ({"few", "many"} if language == "ru" else set())
                assert needed <= set(forms), (key, language)
                # a form may leave the count out ("the last month"), never another value
                assert len({frozenset(placeholders(f) - {"n"}) for f in forms.values()}) == 1, (key, language)


def test_every_text_file_is_read_and_every_report_has_a_title():
    assert {key.split(".")[0] for key, _ in leaves() if "." in key} >= set(FILES[1:])
    assert [t(name, "en") for name in REPORT_NAMES] == [
        "Data overview", "Base audit", "ABC-XYZ analysis", "Reactivation", "Campaign ROI", "Receivables", "Deal funnel",
        "Repeat-purchase forecast and CLV", "Segments", "KPIs of the base",
    ]


def test_unknown_word_names_key_and_language():
    with pytest.raises(KeyError, match="'no_such_key'"):
        t("no_such_key", "ru")
    with pytest.raises(KeyError, match="'de'"):
        t("appendix", "de")
    with pytest.raises(KeyError, match="needs the value 'n'"):
        t("reactivation.slipping", "en", scope=1)


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "… и ещё 1 строка"), (3, "… и ещё 3 строки"), (5, "… и ещё 5 строк"), (11, "… и ещё 11 строк"),
     (21, "… и ещё 21 строка"), (1234, f"… и ещё 1{NBSP}234 строки")],
    ids=["one", "few", "many", "eleven-is-many", "twenty-one-is-one", "grouped"],
)
def test_count_words_follow_russian_plural_rules(n, expected):
    assert t("more_rows", "ru", n=n) == expected


def test_count_words_in_english():
    assert t("more_rows", "en", n=1) == "… and 1 more row"
    assert t("more_rows", "en", n=12) == "… and 12 more rows"


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 клиент"), (2, "2 клиента"), (5, "5 клиентов"), (11, "11 клиентов"), (21, "21 клиент"),
     (104, "104 клиента"), (112, "112 клиентов")],
)
def test_counted_nouns_inside_sentences(n, expected):
    assert t("n_clients", "ru", n=n) == expected


@pytest.mark.parametrize(
    ("n", "expected"), [(2, "2 раза"), (5, "5 раз"), (1.5, "1,5 раза"), (2.0, "2 раза")],
    ids=["few", "many", "fraction-is-other", "whole-float"],
)
def test_plain_numbers_are_formatted_for_the_language(n, expected):
    assert t("n_times", "ru", n=n) == expected


def test_words_and_groups_of_a_report():
    w = Words("reactivation", "ru")
    assert w("col.client") == "Клиент"
    assert group("reactivation.col", "en")["client"] == "Client"
    assert w.common("appendix") == "Приложение"
    with pytest.raises(KeyError, match="group"):
        t("reactivation.col", "en")


def test_a_bool_is_refused_as_a_value():
    with pytest.raises(TypeError, match="bool"):
        t("more_rows", "en", n=True)


def test_every_key_of_the_text_files_is_text():
    # YAML reads a bare yes/no/on/off key as a bool: such a key could never be looked up
    from clientbase.text import _load

    def walk(node, path):
        for key, value in node.items():
            assert isinstance(key, str), f"{path}: key {key!r} is not text (quote it in the YAML)"
            if isinstance(value, dict):
                walk(value, f"{path}.{key}")

    for name in FILES:
        walk(_load(name), name)


def test_no_text_file_repeats_a_key():
    # a repeated key silently replaces the first in YAML: refuse it
    from importlib import resources

    import yaml

    class _Strict(yaml.SafeLoader):
        pass

    def mapping(loader, node, deep=False):
        keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
        repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
        assert not repeated, f"line {node.start_mark.line + 1}: repeated keys {repeated}"
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    _Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    for name in FILES:
        source = resources.files("clientbase.text").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
        yaml.load(source, Loader=_Strict)
