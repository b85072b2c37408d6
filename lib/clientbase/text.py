"""Common words of the reports in English and Russian.

Report titles, section headings, labels of the header and of the index pages. The
Russian wording is that of 1C users and their consultants (GLOSSARY.md): "Ревизия
клиентской базы", "Краткие выводы", "Реактивация клиентов".

`t(key, language)` returns a string; a few strings carry ``{placeholders}`` for
`str.format`. Strings that depend on a count ("12 more rows", "ещё 12 строк") are
chosen by `tn(key, n, language)` with the plural rules of the language (Babel/CLDR).
"""

from __future__ import annotations

from babel import Locale

from clientbase.formatting import LANGUAGES, Formatter

REPORT_NAMES = ("data_overview", "base_audit", "abc_xyz", "reactivation", "campaign_roi")

_STRINGS: dict[str, dict[str, str]] = {
    # report titles (DESIGN.md report names)
    "data_overview": {"en": "Data overview", "ru": "Обзор данных"},
    "base_audit": {"en": "Base audit", "ru": "Ревизия клиентской базы"},
    "abc_xyz": {"en": "ABC-XYZ analysis", "ru": "ABC-XYZ-анализ клиентов"},
    "reactivation": {"en": "Reactivation", "ru": "Реактивация клиентов"},
    "campaign_roi": {"en": "Campaign ROI", "ru": "Окупаемость маркетинговых кампаний"},
    # sections of a report
    "executive_summary": {"en": "Executive summary", "ru": "Краткие выводы"},
    "appendix": {"en": "Appendix", "ru": "Приложение"},
    "definitions": {"en": "Definitions", "ru": "Определения"},
    "parameters": {"en": "Parameters", "ru": "Параметры"},
    "data_period": {"en": "Data period", "ru": "Период данных"},
    "row_counts": {"en": "Row counts", "ru": "Количество строк"},
    "package_version": {"en": "Package version", "ru": "Версия пакета"},
    "missing_input": {
        "en": "This section needs the {table} table, which the data source does not have.",
        "ru": "Для этого раздела нужна таблица {table}, которой нет в источнике данных.",
    },
    "no_rows": {"en": "Nothing to show.", "ru": "Нет данных для отображения."},
    # header of a report and of the index pages
    "profile": {"en": "Profile", "ru": "Профиль"},
    "period": {"en": "Period", "ru": "Период"},
    "as_of": {"en": "As of", "ru": "По состоянию на"},
    "generated": {"en": "Generated", "ru": "Сформирован"},
    "language": {"en": "Language", "ru": "Язык"},
    "currency": {"en": "Currency", "ru": "Валюта"},
    "status": {"en": "Status", "ru": "Статус"},
    # statuses of a run (ok|failed|partial) and of a report (ok|failed|timeout|skipped)
    "status.ok": {"en": "ok", "ru": "готов"},
    "status.failed": {"en": "failed", "ru": "ошибка"},
    "status.partial": {"en": "partial", "ru": "частично"},
    "status.timeout": {"en": "timed out", "ru": "превышено время"},
    "status.skipped": {"en": "skipped", "ru": "пропущен"},
    "status.unknown": {"en": "unknown", "ru": "неизвестно"},
    # run index (reports/<profile>/<period>/index.html) and reports index (reports/index.html)
    "run_title": {"en": "Client base reports", "ru": "Отчёты по клиентской базе"},
    "reports_index_title": {"en": "All report runs", "ru": "Все запуски отчётов"},
    "reports": {"en": "Reports", "ru": "Отчёты"},
    "report": {"en": "Report", "ru": "Отчёт"},
    "runs": {"en": "Runs", "ru": "Запуски"},
    "run": {"en": "Run", "ru": "Запуск"},
    "open": {"en": "Open", "ru": "Открыть"},
    "html": {"en": "HTML", "ru": "HTML"},
    "pdf": {"en": "PDF", "ru": "PDF"},
    "notebook": {"en": "Notebook", "ru": "Блокнот"},
    "tables": {"en": "Tables", "ru": "Таблицы"},
    "error": {"en": "Error", "ru": "Ошибка"},
    "duration": {"en": "Duration", "ru": "Длительность"},
    "seconds": {"en": "{value} s", "ru": "{value} с"},
    "started": {"en": "Started", "ru": "Начат"},
    "finished": {"en": "Finished", "ru": "Завершён"},
    "inputs": {"en": "Input files", "ru": "Исходные файлы"},
    "table": {"en": "Table", "ru": "Таблица"},
    "file": {"en": "File", "ru": "Файл"},
    "rows": {"en": "Rows", "ru": "Строк"},
    "fingerprint": {"en": "SHA-256", "ru": "SHA-256"},
    "technical_details": {"en": "Technical details", "ru": "Технические сведения"},
    "versions": {"en": "Versions", "ru": "Версии"},
    "git_commit": {"en": "Git commit", "ru": "Коммит git"},
    "no_runs": {"en": "No runs yet.", "ru": "Запусков пока нет."},
    "no_reports": {"en": "No reports in this run.", "ru": "В этом запуске нет отчётов."},
    "not_available": {"en": "not available", "ru": "нет"},
    # PDF footer: CSS string pieces around counter(page) and counter(pages)
    "page": {"en": "page", "ru": "стр."},
    "of": {"en": "of", "ru": "из"},
    "yes": {"en": "yes", "ru": "да"},
    "no": {"en": "no", "ru": "нет"},
}

# count-dependent strings, by CLDR plural category ("one", "few", "many", "other")
_PLURALS: dict[str, dict[str, dict[str, str]]] = {
    "more_rows": {
        "en": {"one": "… and {n} more row", "other": "… and {n} more rows"},
        "ru": {
            "one": "… и ещё {n} строка",
            "few": "… и ещё {n} строки",
            "many": "… и ещё {n} строк",
            "other": "… и ещё {n} строки",
        },
    },
    "customers": {
        "en": {"one": "{n} customer", "other": "{n} customers"},
        "ru": {"one": "{n} клиент", "few": "{n} клиента", "many": "{n} клиентов", "other": "{n} клиента"},
    },
}


def t(key: str, language: str) -> str:
    """The text of `key` in `language` ("en" or "ru").

    Raises
    ------
    KeyError
        When there is no such key, or no translation into that language; the message
        names both.
    """
    _check_language(language)
    try:
        return _STRINGS[key][language]
    except KeyError:
        raise KeyError(f"no text {key!r} for language {language!r}") from None


def tn(key: str, n: int, language: str) -> str:
    """A count-dependent text with the number filled in: ``tn("more_rows", 5, "ru")``.

    The plural form follows the language's rules (1 строка, 2 строки, 5 строк); the
    number is formatted by `Formatter` (thousands grouped).
    """
    _check_language(language)
    try:
        forms = _PLURALS[key][language]
    except KeyError:
        raise KeyError(f"no text {key!r} for language {language!r}") from None
    category = Locale.parse(language).plural_form(abs(n))
    template = forms.get(category, forms["other"])
    return template.format(n=Formatter(language).number(n))


def ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian noun form after a whole number: 1 клиент, 2 клиента, 5 клиентов.

    For words inside a sentence, where `tn`'s whole templates do not fit.
    """
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return forms[1]
    return forms[2]


def report_title(name: str, language: str) -> str:
    """The title of a report by its name (``abc_xyz`` → "ABC-XYZ-анализ клиентов")."""
    if name not in REPORT_NAMES:
        raise KeyError(f"no report {name!r}: expected one of {REPORT_NAMES}")
    return t(name, language)


def keys() -> tuple[str, ...]:
    """Every key `t` knows (for tests and for documentation)."""
    return tuple(_STRINGS)


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise KeyError(f"language {language!r} is not supported: expected one of {LANGUAGES}")
