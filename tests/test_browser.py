"""The CI run's pages in a real browser: Debian's Chromium, headless, over the DevTools Protocol.

The pages of the English and the Russian CI runs (the reports root's index.html, the run's
index.html and every report) are opened from disk as a reader opens them: no console error,
no uncaught exception, nothing requested but ``file:`` and ``data:``; the index pages'
links lead to files that exist; a click on a header of a long list sorts it and typing in
its filter box hides the other rows; a screenshot of each index page is kept under the
test's tmp folder. Chromium comes from ``scripts/ensure-chromium.sh`` (``make test`` runs
it): without it these tests FAIL, they never skip.

To check something more on a page, open it with `open_page` (a `cdp.Page`: ``evaluate``,
``click``, ``type``, ``console_errors``, ``requests``, ``screenshot``)::

    def test_something(browser, ci_run):
        with open_page(browser, ci_run.folder() / "index.html") as page:
            assert page.evaluate("document.querySelectorAll('.cb-card').length") > 0
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import unquote, urlparse

import pandas as pd
import pytest

from cdp import CHROMIUM, Browser, Page, file_url
from clientbase import pages, render
from clientbase.formatting import Formatter
from clientbase.tables import table

# the reports whose long lists the issue names: top candidates, downgrades, debtors
SORTED_LISTS = ("reactivation", "abc_xyz", "receivables")
LANGUAGES = ("en", "ru")


# -- what other tests of this module reuse --------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for the module, closed (its processes gone) at the end."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium.sh (make test does)")
    with Browser.start(CHROMIUM, user_data_dir=tmp_path_factory.mktemp("chromium")) as started:
        yield started


@pytest.fixture(params=LANGUAGES)
def run(request):
    """The English, then the Russian CI run (the session fixtures of conftest.py)."""
    return request.getfixturevalue("ci_run" if request.param == "en" else "ci_run_ru")


def open_page(browser: Browser, path: Path, **emulated: str) -> Page:
    """The page of a file on disk, loaded; use it as a context manager to close its tab."""
    return browser.page(file_url(path), **emulated)


def index_pages(run) -> list[Path]:
    """The reports root's index.html and the run's index.html."""
    return [run.out / "index.html", run.folder() / "index.html"]


def report_pages(run) -> list[Path]:
    """Every report of the run (its HTML pages but the index)."""
    return sorted(p for p in run.folder().glob("*.html") if p.name != "index.html")


# -- every page --------------------------------------------------------------------------------------


def test_every_page_opens_without_errors_and_reads_only_local_files(browser, run):
    problems = {}
    pages = index_pages(run) + report_pages(run)
    assert len(pages) >= 2 + 9
    for path in pages:
        with open_page(browser, path) as page:
            title = page.evaluate("document.title")
            errors = page.console_errors
            requests = page.requests
        outside = [url[:120] for url in requests if not url.startswith(("file://", "data:"))]
        if errors or outside or not title:
            problems[path.name] = {"errors": errors, "outside": outside, "title": title}
        assert requests and requests[0] == file_url(path)  # the recording saw the page itself
    assert problems == {}


def test_every_link_of_the_index_pages_leads_to_a_file(browser, run):
    linked = {}
    for path in index_pages(run):
        with open_page(browser, path) as page:
            hrefs = page.evaluate("Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        assert hrefs, f"{path} has no link"
        urls = [urlparse(href) for href in hrefs]
        missing = [u.geturl() for u in urls if u.scheme != "file" or not Path(unquote(u.path)).exists()]
        assert missing == [], path
        linked[path] = {Path(unquote(u.path)).resolve() for u in urls}
    root, run_index = index_pages(run)
    assert run_index.resolve() in linked[root]  # the reports index leads to the run
    assert {p.resolve() for p in report_pages(run)} <= linked[run_index]  # and the run's index to every report


def test_the_contents_of_each_report_lead_to_its_sections(browser, run):
    for path in report_pages(run):
        with open_page(browser, path) as page:
            entries = page.evaluate(
                "Array.from(document.querySelectorAll('nav.cb-contents a'), a => {"
                " const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));"
                " return [a.textContent, target ? target.tagName : null, target ? target.textContent : null]; })")
            sections = page.evaluate("document.querySelectorAll('main h2').length")
        assert len(entries) == sections >= 2, path.name
        for words, tag, heading in entries:
            assert tag == "H2" and heading.startswith(words), (path.name, words)


# -- the long lists ------------------------------------------------------------------------------------


def _column(page: Page, table_index: int, column: int) -> list[str]:
    return page.evaluate(
        f"Array.from(document.querySelectorAll('table.cb-interactive')[{table_index}].tBodies[0].rows,"
        f" row => row.cells[{column}].textContent)")


def _sorted_by(page: Page) -> list[tuple[int, str]]:
    """(column, aria-sort) of the headers of the page's first long list that carry a direction."""
    return [tuple(pair) for pair in page.evaluate(
        "Array.from(document.querySelectorAll('table.cb-interactive')[0].tHead.rows[0].cells)"
        ".map((th, i) => [i, th.getAttribute('aria-sort')]).filter(pair => pair[1] !== null)")]


def _number(text: str, language: str) -> float | None:
    """A number as the report shows it (``1 234,5 ₽``, ``RUB 1,234.50``, ``−12 %``), None when empty."""
    compact = re.sub(r"\s", "", text)
    if not re.search(r"\d", compact):
        return None
    digits = re.sub(r"[^\d.,]", "", compact)
    digits = digits.replace(".", "").replace(",", ".") if language == "ru" else digits.replace(",", "")
    value = float(digits)
    return -value if re.match(r"^[^\d]*[-\u2212]", compact) else value


def _ordered(values: list[float | None], *, descending: bool) -> bool:
    known = [v for v in values if v is not None]
    empties_last = all(v is None for v in values[len(known):])
    return empties_last and known == sorted(known, reverse=descending)


@pytest.mark.parametrize("report", SORTED_LISTS)
def test_a_click_on_a_header_sorts_the_list_by_that_column(browser, run, report):
    with open_page(browser, run.folder() / f"{report}.html") as page:
        language = page.evaluate("document.documentElement.lang")
        headers = page.evaluate("Array.from(document.querySelectorAll('table.cb-interactive')[0].tHead.rows[0].cells,"
                                " th => th.className)")
        # the last money or number column of the report's first long list: lost revenue, overdue debt
        column = max(i for i, kind in enumerate(headers) if "cb-num" in kind)
        before = _column(page, 0, column)
        assert len(before) >= 5, report

        page.click("table.cb-interactive thead th", column)  # the first list's headers come first
        ascending = _column(page, 0, column)
        assert _sorted_by(page) == [(column, "ascending")]
        page.click("table.cb-interactive thead th", column)
        descending = _column(page, 0, column)
        assert _sorted_by(page) == [(column, "descending")]
        assert page.console_errors == []

    values = [_number(v, language) for v in before]
    assert sorted(ascending) == sorted(before) == sorted(descending)  # the same rows, reordered
    assert _ordered([_number(v, language) for v in ascending], descending=False)
    assert _ordered([_number(v, language) for v in descending], descending=True)
    known = [v for v in values if v is not None]
    assert _number(ascending[0], language) == min(known) and _number(descending[0], language) == max(known)
    assert ascending[0] != descending[0]  # the click moved another row to the top


def test_typing_in_the_filter_box_hides_the_rows_without_the_text(browser, run):
    with open_page(browser, run.folder() / "receivables.html") as page:
        clients = _column(page, 0, 0)
        rows = page.evaluate("Array.from(document.querySelectorAll('table.cb-interactive')[0].tBodies[0].rows,"
                             " r => [r.cells[0].textContent, r.textContent])")
        total = len(clients)
        count = page.evaluate("document.querySelector('table.cb-interactive').dataset.count")
        assert page.evaluate("document.querySelector('.cb-filter-count').textContent") == count.replace(
            "{shown}", str(total))
        language = page.evaluate("document.documentElement.lang")
        wanted = clients[1][:12]
        page.type(".cb-filter input", wanted)
        shown = page.evaluate("Array.from(document.querySelector('table.cb-interactive').tBodies[0].rows)"
                              ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.cells[0].textContent)")
        counted = page.evaluate("document.querySelector('.cb-filter-count').textContent")
        placeholder = page.evaluate("document.querySelector('.cb-filter input').placeholder")
        page.evaluate("(() => { const i = document.querySelector('.cb-filter input'); i.value = '';"
                      " i.dispatchEvent(new Event('input')); })()")
        again = page.evaluate("document.querySelectorAll('table.cb-interactive')[0]"
                              ".querySelectorAll('tbody tr:not([hidden])').length")
        assert page.console_errors == []
    expected = [client for client, text in rows if " ".join(wanted.split()).casefold() in " ".join(text.split()).casefold()]
    assert 1 <= len(shown) < total and shown == expected
    assert counted == count.replace("{shown}", str(len(shown)))
    assert placeholder == {"en": "Filter…", "ru": "Фильтр…"}[language]
    assert again == total


def _scratch_page(tmp_path: Path, frame: pd.DataFrame, fmt: Formatter, **kinds: str) -> Path:
    """A page holding one interactive table, with the report's script and stylesheet."""
    body = table(frame, fmt=fmt, kinds=kinds, interactive=True, max_rows=None).to_html()
    page = (f'<!DOCTYPE html><html lang="{fmt.language}"><head><meta charset="utf-8"><title>t</title></head>'
            f"<body>{body}<script>{render.script()}</script></body></html>")
    path = tmp_path / f"table-{fmt.language}.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_money_and_missing_values_sort_by_their_value(browser, tmp_path, language):
    frame = pd.DataFrame({
        "client": ["b", "a", "c", "d"],
        "last_order_date": pd.to_datetime(["2026-10-03", "2025-12-31", None, "2026-01-02"]),
        "debt": [1_234.5, -250_000.0, 9.0, None],
    })
    with open_page(browser, _scratch_page(tmp_path, frame, Formatter(language), debt="money:2")) as page:
        page.click("th", 1)
        by_date = _column(page, 0, 0)
        page.click("th", 1)
        by_date_desc = _column(page, 0, 0)
        page.click("th", 2)
        by_debt = _column(page, 0, 0)
        page.click("th", 2)
        by_debt_desc = _column(page, 0, 0)
        page.click("th", 0)
        by_client = _column(page, 0, 0)
        assert page.console_errors == []
    assert by_date == ["a", "d", "b", "c"] and by_date_desc == ["b", "d", "a", "c"]  # no date: last both ways
    assert by_debt == ["a", "c", "b", "d"] and by_debt_desc == ["b", "c", "a", "d"]
    assert by_client == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("text", "decimal", "value"),
    [("1 234,5", ",", 1234.5), ("RUB\u00a01,234.50", ".", 1234.5), ("12\u00a0%", ",", 12), ("12.3%", ".", 12.3),
     ("−5,5\u00a0%", ",", -5.5), ("-RUB\u00a01,234", ".", -1234), ("1\u00a0234\u00a0567\u00a0₽", ",", 1234567),
     ("—", ",", None), ("", ".", None)],
    ids=["ru-number", "en-money", "ru-percent", "en-percent", "ru-negative-percent", "en-negative-money",
         "ru-money", "missing", "empty"],
)
def test_the_script_reads_numbers_as_the_reports_format_them(browser, tmp_path, text, decimal, value):
    path = _scratch_page(tmp_path, pd.DataFrame({"x": [1]}), Formatter("en"))
    with open_page(browser, path) as page:
        assert page.evaluate(f"window.clientbaseReport.numberOf({text!r}, {decimal!r})") == value


# -- looks -------------------------------------------------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


def test_a_screenshot_of_each_index_page_is_kept(browser, run, tmp_path):
    for name, path in zip(("reports-index", "run-index"), index_pages(run), strict=True):
        with open_page(browser, path) as page:
            height = page.evaluate("document.documentElement.scrollHeight")
            shot = page.screenshot(tmp_path / f"{name}.png")
        width, shot_height = _png_size(shot)
        assert shot.stat().st_size > 20_000, shot  # a page with text, not a blank
        assert width >= 1000 and shot_height >= min(height, 1400)


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(v) for v in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


WHITE = "rgb(255, 255, 255)"
STYLE = ("(() => { const s = e => getComputedStyle(document.querySelector(e));"
         " return [s('html').backgroundColor, s('.cb-page').backgroundColor, s('body').color,"
         " s('.cb-content img').backgroundColor]; })()")


def test_a_dark_screen_gets_the_dark_palette_and_print_stays_light(browser, ci_run):
    path = ci_run.folder() / "reactivation.html"
    with open_page(browser, path, color_scheme="dark") as page:
        html_bg, page_bg, ink, chart_bg = page.evaluate(STYLE)
    assert _luminance(html_bg) < 0.15 and _luminance(page_bg) < 0.15 and _luminance(ink) > 0.8
    assert chart_bg == WHITE  # charts drawn on white sit on a white card
    with open_page(browser, path, color_scheme="dark", media="print") as page:
        html_bg, page_bg, ink, _ = page.evaluate(STYLE)
    assert html_bg == page_bg == WHITE and _luminance(ink) < 0.25
    with open_page(browser, path, color_scheme="light") as page:
        _, page_bg, ink, chart_bg = page.evaluate(STYLE)
    assert page_bg == WHITE and _luminance(ink) < 0.25 and chart_bg == "rgba(0, 0, 0, 0)"


# -- without a browser: the pages as files -------------------------------------------------------------------


def test_every_report_inlines_report_js_and_loads_no_script(run):
    script = render.script()
    for path in report_pages(run):
        page = path.read_text(encoding="utf-8")
        assert re.findall(r"<script\b[^>]*>", page, re.I) == ["<script>"], path.name
        assert script.strip() in page, path.name
    for path in index_pages(run):
        assert not re.search(r"<script\b[^>]*\bsrc\s*=", path.read_text(encoding="utf-8"), re.I)


# -- the KPI tiles (issue 16) -------------------------------------------------------------------------


def test_the_kpi_tiles_show_the_numbers_of_kpis_csv(browser, run):
    """The run index, as the browser shows it: a tile per KPI with its value, its change against the
    quarter before and a sparkline of every quarter, the numbers those of the run's kpis/kpis.csv."""
    from clientbase.kpi_display import change_text, value_text

    table = pd.read_csv(run.folder() / "kpis" / "kpis.csv", dtype={"quarter": "str"})
    assert len(table) == 8
    with open_page(browser, run.folder() / "index.html") as page:
        language = page.evaluate("document.documentElement.lang")
        tiles = page.evaluate("""[...document.querySelectorAll('.cb-tile')].map(t => ({
            kpi: t.dataset.kpi, value: t.dataset.value,
            shown: t.querySelector('.cb-tile-value').innerText,
            change: t.querySelector('.cb-tile-change').innerText,
            points: t.querySelectorAll('svg polyline, svg circle').length,
            visible: t.getBoundingClientRect().width > 100 && t.getBoundingClientRect().height > 60}))""")
        link = page.evaluate("document.querySelector('.cb-kpis-note a').href")
        assert page.console_errors == []
    assert language in ("en", "ru")
    fmt = Formatter(language)
    now, before = table.iloc[-1], table.iloc[-2]
    expected = [k for k in pages.TILE_KPIS if table[k].notna().any()]
    assert [t["kpi"] for t in tiles] == expected
    assert {"active_customers", "revenue", "crr", "dso", "pipeline_expected_value"} <= set(expected)
    for tile in tiles:
        kpi = tile["kpi"]
        assert float(tile["value"]) == pytest.approx(float(now[kpi]), rel=1e-12), kpi
        assert tile["shown"] == value_text(fmt, kpi, now[kpi], compact=True), kpi
        assert tile["change"] == change_text(fmt, kpi, now[kpi], before[kpi]), kpi
        assert tile["points"] >= 2 and tile["visible"], kpi
    assert unquote(urlparse(link).path).endswith("/kpis.html")
