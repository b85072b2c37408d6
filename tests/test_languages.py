"""Every word a reader sees in a run is in the run's language.

Walks every output a person reads — the HTML pages (reports and index), the PDFs and the
Excel lists (sheet names, headers, cells) — of a Russian and an English run of the CI
profile. A Latin word in the Russian run must be one the Russian texts use themselves
(`lib/clientbase/text/*.yaml`: ABC, XYZ, ROI, CAC, LTV, codes like `no_orders_N_days`,
file names) or come from the data (product names such as "DigiTOP"); a Cyrillic word in
the English run must come from the data (client, manager, region names) or the English
texts. Machine tables (CSV) are not for readers and keep English column names.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pytest
import yaml
from openpyxl import load_workbook
from pypdf import PdfReader

from clientbase import catalog
from clientbase.text import leaves
from conftest import CI_PROFILE, ROOT

pytestmark = pytest.mark.slow

LATIN = re.compile(r"[A-Za-z]+")
CYRILLIC = re.compile(r"[А-Яа-яЁё]+")
DATA = ROOT / "data" / "ci"


# not words of a language: international abbreviations, the ABC-XYZ cells, Roman quarter numbers
CODES = re.compile(r"^(UTC|RUB|[ABC][XYZ]|[IVX]+)$")


class _Text(HTMLParser):
    """The text a browser shows, less scripts, styles and what is marked `translate="no"` (code)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._open: list[tuple[str, bool]] = []

    @property
    def _skip(self) -> bool:
        return any(skip for _, skip in self._open)

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr"):
            return
        self._open.append((tag, tag in ("script", "style") or ("translate", "no") in attrs))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def _xlsx_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    parts = list(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts += [str(v) for v in row if isinstance(v, str)]
    book.close()
    return " ".join(parts)


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _outputs(folder: Path) -> dict[str, str]:
    readers = {".html": _html_text, ".xlsx": _xlsx_text, ".pdf": _pdf_text}
    return {str(p.relative_to(folder)): readers[p.suffix](p) for p in sorted(folder.rglob("*"))
            if p.suffix in readers}


@cache
def _words(pattern: re.Pattern, language: str) -> frozenset[str]:
    """The words of `pattern`'s script in the texts of `language` and in the CI data."""
    found: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)
        else:
            found.update(w.lower() for w in pattern.findall(str(value)))

    for _key, value in leaves():
        collect(value[language])
    # the options a profile sets, by their names and choices, as an appendix lists them
    for report in catalog.REPORTS:
        for name, field in catalog.options_model(report).model_fields.items():
            collect(name.replace("_", " "))
            collect(" ".join(map(str, get_args(field.annotation))))
    collect(CI_PROFILE.stem)
    # what the profile itself says (its segments' names and rules) is the user's text, as names are
    collect(yaml.safe_load(CI_PROFILE.read_text(encoding="utf-8")))
    for path in DATA.glob("*.csv"):
        collect(path.name)
        raw = path.read_bytes()
        text = raw.decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1251", errors="replace")
        found.update(w.lower() for w in pattern.findall(text))
    return frozenset(found)


def _foreign(texts: dict[str, str], pattern: re.Pattern, allowed: frozenset[str]) -> dict[str, list[str]]:
    out = {}
    for name, text in texts.items():
        # hashes, commits and file fingerprints are not words
        text = re.sub(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,}\b", " ", text)
        bad = sorted({w for w in pattern.findall(text)
                      if len(w) > 1 and w.lower() not in allowed and not CODES.match(w)})
        if bad:
            out[name] = bad
    return out


def test_a_russian_run_has_no_english_words(ci_run_ru):
    outputs = _outputs(ci_run_ru.out)
    assert {Path(n).suffix for n in outputs} == {".html", ".pdf", ".xlsx"}
    assert _foreign(outputs, LATIN, _words(LATIN, "ru")) == {}


def test_an_english_run_has_no_russian_words_but_names(ci_run):
    outputs = _outputs(ci_run.out)
    assert {Path(n).suffix for n in outputs} == {".html", ".pdf", ".xlsx"}
    assert _foreign(outputs, CYRILLIC, _words(CYRILLIC, "en")) == {}


def test_the_walk_finds_a_foreign_word():
    # the check can fail: an English word outside the Russian texts is reported
    assert _foreign({"x.html": "Итого: AX, III кв., Merge these rows, please"}, LATIN, _words(LATIN, "ru")) == {
        "x.html": ["Merge", "please", "these"]}
