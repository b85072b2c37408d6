"""Names from outside the project are data: never markup in a page, never a formula in a list.

The CI export is copied with its companies and two managers renamed to HTML, script and
spreadsheet-formula payloads (consistently in every file, so every document still finds its
client), and every report is run in English. Every HTML page of the run and the index pages
must show the names as text (escaped), and every XLSX cell holding one must be a string.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, ci_profile_for, clientbase

PAYLOADS = (
    "<img src=x onerror=alert({i})>",
    "</table><script>alert({i})</script>",
    "=1+{i}",
    "@SUM(A{i})",
    "-{i}+3",
    "+7 495 {i}",
    "**жирный {i}** [ссылка](http://x)",
)
MANAGERS = {"Белов Андрей Николаевич": "<b onmouseover=alert(2)>Белов</b>", "Смирнова Ольга Викторовна": "=2+2"}
RAW_MARKUP = re.compile(r"<img src=x|<script>alert|<b onmouseover|</table><script|<strong>жирный|<a href=\"http://x\"")


def _rename(data: Path, out: Path) -> dict[str, str]:
    """Copy the 1C export with companies and managers renamed in every file; {old: new}."""
    cards = (data / "kontragenty.csv").read_text(encoding="cp1251").splitlines()
    header = cards[0].split(";")
    name, kind = header.index("Наименование"), header.index("Вид контрагента")
    companies = [row.split(";")[name] for row in cards[1:] if row.split(";")[kind] == "Юридическое лицо"]
    renames = {old: PAYLOADS[i % len(PAYLOADS)].format(i=i) for i, old in enumerate(companies)}
    renames.update(MANAGERS)
    out.mkdir()
    for path in data.glob("*.csv"):
        lines = []
        for line in path.read_text(encoding="cp1251").splitlines():
            lines.append(";".join(renames.get(field, field) for field in line.split(";")))
        (out / path.name).write_text("\r\n".join(lines) + "\r\n", encoding="cp1251")
    return renames


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, ci_run):  # ci_run: the CI export exists
    root = tmp_path_factory.mktemp("hostile")
    renames = _rename(ROOT / "data" / "ci", root / "data")
    ci_profile_for(root / "data", root / "hostile.yaml")
    run = clientbase("run", str(root / "hostile.yaml"), "--no-pdf", "--jobs", "2", out=root / "reports")
    assert run.code == 0, run.stderr[-3000:]
    return run, renames


def test_no_name_becomes_markup_in_any_page(hostile_run):
    run, renames = hostile_run
    pages = sorted(run.out.rglob("*.html"))
    assert len(pages) >= 8  # six reports, the run's index and the reports index
    shown = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        found = RAW_MARKUP.search(text)
        assert found is None, f"{page.relative_to(run.out)}: raw markup {found.group(0)!r} from a name"
        shown += sum(1 for new in renames.values() if new.startswith("<") and _escaped(new) in text)
    assert shown > 0  # the hostile names are in the pages, as text


def _escaped(name: str) -> str:
    return html.escape(name, quote=False)


def test_no_name_becomes_a_formula_in_any_list(hostile_run):
    run, renames = hostile_run
    books = sorted(run.out.rglob("*.xlsx"))
    assert books, "the run wrote no lists"
    formula_like = {v for v in renames.values() if v[0] in "=+-@"}
    seen: set[str] = set()
    for book in books:
        with zipfile.ZipFile(book) as z:
            strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
            for sheet in (n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
                xml = z.read(sheet).decode()
                assert "<f>" not in xml and "<f " not in xml, f"{book.name} {sheet}: a formula"
                for cell in re.finditer(r"<c [^>]*>(.*?)</c>", xml):
                    body = cell.group(1)
                    if body.startswith("<v>"):  # a number cell: never one of the names
                        assert body[3:-4] not in formula_like, f"{book.name} {sheet}: {body}"
                seen.update(v for v in formula_like if _escaped(v) in xml or _escaped(v) in strings)
    assert seen, "no formula-like name reached a list"
