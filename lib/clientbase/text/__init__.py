"""Every word a stakeholder reads, in English and Russian, kept as data.

The words live in `text/<file>.yaml` beside this module: `common.yaml` (report titles,
section headings, the header and the index pages) and one file per report
(`reactivation.yaml`, ...). Each leaf holds the two languages side by side::

    slipping:
      en: "**{n}** of the {scope} clients ..."
      ru: "Уходящих клиентов — **{n}** из {scope} ..."

A leaf's value is a template with ``{placeholders}``, a list of templates (definitions
in an appendix) or, when the words depend on a count, the CLDR plural forms
(``one``/``few``/``many``/``other``) chosen by Babel's plural rules of the language for
the value of ``n``. Groups of leaves nest (``reactivation.col.client``). The Russian is
that of 1C users (GLOSSARY.md).

`t(key, language, **values)` renders a key: the file is the first part of the key when
it names a report (``"reactivation.slipping"``), else `common.yaml` (``"appendix"``).
Numbers given as values are formatted by `clientbase.formatting.Formatter` (whole
numbers grouped, plain fractions such as a multiplier with at most two decimals); money,
shares and dates are formatted by the caller with the same Formatter and given as text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from functools import cache
from importlib import resources
from numbers import Integral
from typing import Any

import yaml
from babel import Locale

from clientbase.formatting import LANGUAGES, Formatter

FILES = ("common", "data_overview", "base_audit", "abc_xyz", "reactivation", "campaign_roi", "receivables",
         "deal_funnel", "clv", "segments", "kpis")
PLURAL_FORMS = ("one", "few", "many", "other")
# grammatical forms of one value: {quarter_genitive}, {days_plain}, {grain_one}, {grain_plural}, {q_roman}
_FORM_SUFFIX = re.compile(r"_(genitive|plain|one|plural|roman)$")
# the report names with a title in common.yaml, in catalogue order
REPORT_NAMES = FILES[1:]

__all__ = ["FILES", "Words", "fill", "group", "keys", "leaves", "placeholders", "quarter_values", "t", "texts"]


def t(key: str, language: str, /, **values: Any) -> Any:
    """The text of `key` in `language`, its placeholders filled from `values`.

    A list-valued key gives the list of filled templates; a plural key chooses its form by
    ``n``. Whole numbers are formatted for the language (thousands grouped); anything else
    must be given as text.

    Raises
    ------
    KeyError
        No such key or language (the message names both).
    """
    leaf = _leaf(key, language)
    if isinstance(leaf, dict):
        if "n" not in values:
            raise KeyError(f"text {key!r} depends on a count: give n=")
        n = values["n"]
        category = Locale.parse(language).plural_form(abs(int(n)) if float(n) == int(n) else abs(float(n)))
        leaf = leaf.get(category, leaf["other"])
    if isinstance(leaf, list):
        return [_fill(item, language, values, key) for item in leaf]
    return _fill(leaf, language, values, key)


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_values(quarter: int, year: int) -> dict[str, str]:
    """The placeholders of a quarter in a sentence: ``{q}`` (3), ``{q_roman}`` (III), ``{year}``."""
    return {"q": str(quarter), "q_roman": ROMAN[quarter], "year": str(year)}


def texts(report: str, language: str) -> dict[str, Any]:
    """The raw templates of a whole report file in `language`, as nested dicts.

    For presentation code that picks templates by computed keys (column labels, reason
    codes); it fills them itself with `fill`.
    """
    _check_language(language)
    if report not in FILES:
        raise KeyError(f"no text file {report!r}: expected one of {', '.join(FILES)}")
    return _in_language(_load(report), language)


def fill(template: str, language: str, /, **values: Any) -> str:
    """A template from `texts` with its placeholders filled as `t` fills them."""
    return _fill(template, language, values, template[:40])


def group(key: str, language: str) -> dict[str, Any]:
    """The raw texts of a group of keys (``"reactivation.col"`` → {"client": "Client", ...})."""
    node = _node(key)
    if _is_leaf(node):
        raise KeyError(f"text {key!r} is a single text, not a group")
    return {name: t(f"{key}.{name}", language) for name in node}


class Words:
    """The texts of one report in one language: ``w = Words("reactivation", "ru"); w("slipping", n=5)``."""

    def __init__(self, report: str, language: str) -> None:
        if report not in FILES:
            raise KeyError(f"no text file {report!r}: expected one of {', '.join(FILES)}")
        _check_language(language)
        self.report = report
        self.language = language

    def __call__(self, key: str, /, **values: Any) -> Any:
        """The text of ``<report>.<key>`` with its placeholders filled (`t`)."""
        return t(f"{self.report}.{key}", self.language, **values)

    def __getitem__(self, key: str) -> Any:
        """The raw template (or group of templates, as a dict) of `key`, for keys picked by code."""
        return texts(self.report, self.language)[key]

    def fill(self, template: str, /, **values: Any) -> str:
        """A raw template from `self[...]` filled as `t` fills it."""
        return fill(template, self.language, **values)

    def group(self, key: str) -> dict[str, Any]:
        return group(f"{self.report}.{key}", self.language)

    def common(self, key: str, /, **values: Any) -> Any:
        return t(key, self.language, **values)


def keys() -> tuple[str, ...]:
    """Every renderable key, qualified (``"reactivation.col.client"``; common keys bare)."""
    return tuple(key for key, _ in leaves())


def leaves() -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, {language: value}) for every leaf of every file."""
    for name in FILES:
        prefix = "" if name == "common" else f"{name}."
        yield from _walk(_load(name), prefix)


def placeholders(value: Any) -> set[str]:
    """The placeholder names of a template, a list of templates or plural forms.

    A grammatical form of a value counts as the value: ``{quarter_genitive}`` (Russian
    case), ``{days_plain}`` (a bare number where the other language adds a word),
    ``{grain_one}`` / ``{grain_plural}``, ``{q_roman}`` are forms of ``{quarter}``, ``{days}``,
    ``{grain}``, ``{q}``;
    the caller gives every form, each language uses the ones its grammar needs.
    """
    if isinstance(value, dict):
        return set().union(*(placeholders(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(set(), *(placeholders(v) for v in value))
    names = {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(value) if field}
    return {_FORM_SUFFIX.sub("", name) for name in names}


# --- helpers ----------------------------------------------------------------------------------


@cache
def _load(name: str) -> dict[str, Any]:
    source = resources.files(__package__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(source) or {}


def _node(key: str) -> Any:
    head, _, rest = key.partition(".")
    name, path = (head, rest) if head in FILES[1:] and rest else ("common", key)
    node: Any = _load(name)
    # a common key may itself contain dots ("status.ok"): try the whole rest first
    if path in node:
        return node[path]
    for part in path.split("."):
        if not isinstance(node, dict) or _is_leaf(node) or part not in node:
            raise KeyError(f"no text {key!r}")
        node = node[part]
    return node


def _leaf(key: str, language: str) -> Any:
    _check_language(language)
    node = _node(key)
    if not _is_leaf(node):
        raise KeyError(f"text {key!r} is a group of texts, not a text")
    if node.get(language) is None:
        raise KeyError(f"no text {key!r} for language {language!r}")
    return node[language]


def _is_leaf(node: Any) -> bool:
    return isinstance(node, dict) and set(node) == set(LANGUAGES)


def _in_language(node: dict[str, Any], language: str) -> dict[str, Any]:
    return {name: value[language] if _is_leaf(value) else _in_language(value, language) for name, value in node.items()}


def _walk(node: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, value in node.items():
        if _is_leaf(value):
            yield f"{prefix}{name}", value
        else:
            yield from _walk(value, f"{prefix}{name}.")


def _fill(template: str, language: str, values: dict[str, Any], key: str) -> str:
    if not values:
        return template
    shown = {name: _shown(value, language, key, name) for name, value in values.items()}
    try:
        return template.format(**shown)
    except KeyError as exc:
        raise KeyError(f"text {key!r} needs the value {exc.args[0]!r}") from None


def _shown(value: Any, language: str, key: str, name: str) -> Any:
    if isinstance(value, bool):
        raise TypeError(f"text {key!r}: {name}= is a bool; give the words for it")
    if isinstance(value, Integral):
        return Formatter(language).number(int(value))
    if isinstance(value, float):
        return Formatter(language).plain(value)
    return value


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise KeyError(f"language {language!r} is not supported: expected one of {LANGUAGES}")
