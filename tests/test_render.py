"""Rendering: executed notebook → stakeholder HTML (no code, offline) → PDF; index pages.

The notebook is built here with nbformat and given outputs directly: no kernel runs.
"""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from clientbase import render
from clientbase.tables import table

FIXTURES = Path(__file__).parent / "fixtures" / "render"
# a 1×1 PNG
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
GENERATED = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)


def _notebook(path: Path) -> Path:
    """A report-shaped notebook with every kind of cell and output the renderer must handle."""
    import pandas as pd

    from clientbase.formatting import Formatter

    cards = table(
        pd.DataFrame({"manager": ["Иванова А.", "Петров С."], "lost_revenue": [1_500_000.0, 250_000.0]}),
        fmt=Formatter("ru"),
        kinds={"lost_revenue": "money"},
        labels={"manager": "Менеджер", "lost_revenue": "Упущенная выручка"},
    )
    debtors = table(
        pd.DataFrame({"client": ["ООО «Ромашка»", "ИП Сидоров"], "overdue": [98_765.0, 1_234.0]}),
        fmt=Formatter("ru"), kinds={"overdue": "money"}, labels={"client": "Клиент", "overdue": "Просрочено"},
        interactive=True,
    )
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        new_markdown_cell("# Реактивация клиентов\n\nКакие клиенты перестали покупать?"),
        new_code_cell("profile = 'PARAMETER-MARKER'", metadata={"tags": ["parameters"]}),
        new_code_cell(
            "# Parameters\nprofile = 'INJECTED-MARKER'",
            metadata={"tags": ["injected-parameters"]},
            outputs=[new_output("stream", name="stdout", text="INJECTED-OUTPUT-MARKER\n")],
        ),
        new_code_cell(
            "wb = setup_SOURCE_MARKER(profile)",
            execution_count=1,
            outputs=[
                new_output("stream", name="stderr", text="UserWarning: STDERR-MARKER\n"),
                new_output("stream", name="stdout", text="Клиентов в базе: 5 000\n"),
            ],
        ),
        new_markdown_cell("## Краткие выводы\n\n- **312 клиентов** не покупали больше 90 дней."),
        new_code_cell(
            "plots.line(SOURCE_MARKER)",
            execution_count=2,
            outputs=[
                new_output("execute_result", data={"text/plain": "<Axes: title={'center': 'x'}>"}, execution_count=2),
                new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure size 880x462 with 1 Axes>"}),
            ],
        ),
        new_code_cell(
            "table(SOURCE_MARKER)",
            execution_count=3,
            outputs=[
                new_output(
                    "execute_result", data={"text/html": cards.to_html(), "text/plain": repr(cards)}, execution_count=3
                )
            ],
        ),
        new_code_cell(
            "display(Javascript(SOURCE_MARKER))",
            execution_count=4,
            outputs=[new_output("display_data", data={"application/javascript": "alert('JS-MARKER')",
                                                      "text/plain": "<IPython.core.display.Javascript object>"})],
        ),
        new_code_cell("x = 1  # SOURCE_MARKER", execution_count=5, outputs=[]),
        new_markdown_cell("## Должники"),
        new_code_cell(
            "table(SOURCE_MARKER, interactive=True)",
            execution_count=6,
            outputs=[new_output("execute_result", data={"text/html": debtors.to_html(), "text/plain": repr(debtors)},
                                execution_count=6)],
        ),
        new_markdown_cell("## Приложение\n\nОпределения и параметры."),
    ]
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    return _notebook(tmp_path_factory.mktemp("nb") / "reactivation.ipynb")


@pytest.fixture(scope="module")
def html_ru(notebook) -> str:
    return render.notebook_to_html(
        notebook, title="Реактивация клиентов", profile="demo", period="2026Q3", language="ru",
        generated_at=GENERATED,
    )


@pytest.fixture(scope="module")
def html_en(notebook) -> str:
    return render.notebook_to_html(
        notebook, title="Reactivation", profile="demo", period="2026Q3", language="en", generated_at=GENERATED
    )


# -- HTML ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    ["SOURCE_MARKER", "PARAMETER-MARKER", "INJECTED-MARKER", "INJECTED-OUTPUT-MARKER", "STDERR-MARKER",
     "JS-MARKER", "&lt;Axes", "&lt;Figure size", "Javascript object"],
    ids=["code", "parameters-cell", "injected-parameters-cell", "injected-output", "stderr", "javascript",
         "axes-repr", "figure-repr", "object-repr"],
)
def test_html_has_no_code_parameters_or_noise(html_ru, marker):
    assert marker not in html_ru


@pytest.mark.parametrize(
    "forbidden", ["hl-ipython3", 'class="input_area"', "jp-InputArea", "jp-InputPrompt", "In&nbsp;["],
    ids=["highlighting", "classic-input", "lab-input", "prompt", "prompt-text"],
)
def test_html_has_no_input_markup(html_ru, forbidden):
    assert forbidden not in html_ru


def test_the_only_script_is_report_js_inlined(html_ru, html_en):
    source = (Path(render.__file__).parent / "templates" / "report.js").read_text(encoding="utf-8")
    for page in (html_ru, html_en):
        assert re.findall(r"<script\b[^>]*>", page, re.I) == ["<script>"]
        inlined = page[page.index("<script>") + len("<script>"): page.index("</script>")]
        assert inlined.strip() == source.replace("</", "<\\/").strip()
        assert "table.cb-interactive" in inlined


def test_the_inlined_script_cannot_end_its_element_early(monkeypatch, tmp_path):
    fake = tmp_path / "report.js"
    fake.write_text('var s = "</script><b>";', encoding="utf-8")
    monkeypatch.setattr(render, "SCRIPT", fake)
    assert render.script() == 'var s = "<\\/script><b>";'


def test_contents_link_every_section_heading_by_a_stable_cyrillic_id(html_ru):
    nav = html_ru[html_ru.index('<nav class="cb-contents"'): html_ru.index("</nav>")]
    assert '<p class="cb-contents-title" id="cb-contents-title">Содержание</p>' in nav
    assert re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', nav) == [
        ("s-краткие-выводы", "Краткие выводы"), ("s-должники", "Должники"), ("s-приложение", "Приложение")]
    for anchor in ("s-краткие-выводы", "s-должники", "s-приложение"):
        assert html_ru.count(f'id="{anchor}"') == 1
        assert f'<h2 id="{anchor}">' in html_ru
    # under the header, before the report's content
    assert html_ru.index("</header>") < html_ru.index('<nav class="cb-contents"') < html_ru.index("<main")


def test_contents_are_in_the_report_language(html_en):
    assert '<p class="cb-contents-title" id="cb-contents-title">Contents</p>' in html_en


def test_the_contents_and_the_filter_box_are_not_printed(html_ru):
    css = html_ru[html_ru.index("<style>"): html_ru.index("</style>")]
    print_rules = css[css.rindex("@media print"):]
    assert re.search(r"\.cb-contents,\s*\.cb-filter\s*\{\s*display: none;", print_rules)


def _page(body: str) -> str:
    return f"<html><body><header></header><!-- clientbase:contents --><main>{body}</main></body></html>"


def test_repeated_headings_and_taken_ids_get_unique_ids():
    body = ('<h3 id="s-summary">Summary</h3>'
            '<h2 id="Summary">Summary<a class="anchor-link" href="#Summary">¶</a></h2>'
            '<h2 id="Summary">Summary<a class="anchor-link" href="#Summary">¶</a></h2>'
            '<h2 id="Q3-&amp;-Q4">Q3 &amp; <em>Q4</em> — итоги<a class="anchor-link" href="#Q3-&amp;-Q4">¶</a></h2>')
    page = render.with_contents(_page(body), language="en")
    assert re.findall(r'<h2 id="([^"]+)">', page) == ["s-summary-2", "s-summary-3", "s-q3-q4-итоги"]
    assert '<a class="anchor-link" href="#s-summary-2">¶</a>' in page
    assert '<li><a href="#s-q3-q4-итоги">Q3 &amp; Q4 — итоги</a></li>' in page
    assert render.with_contents(_page(body), language="en") == page  # the same words, the same ids


def test_a_page_with_one_section_has_no_contents():
    page = render.with_contents(_page('<h2 id="x">Only<a class="anchor-link" href="#x">¶</a></h2>'), language="en")
    assert "cb-contents" not in page and "clientbase:contents" not in page
    assert '<h2 id="s-only">' in page


def test_a_template_without_the_contents_mark_is_an_error():
    with pytest.raises(ValueError, match="clientbase:contents"):
        render.with_contents("<html><body><h2>A</h2><h2>B</h2></body></html>", language="en")


def test_html_requests_nothing_from_the_network(html_ru, html_en):
    for page in (html_ru, html_en):
        assert not re.search(r"""<(script|link)\b[^>]*\b(src|href)\s*=\s*["']?https?://""", page, re.I)
        assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
        assert "mathjax" not in page.lower() and "require.js" not in page.lower()


def test_html_embeds_images_as_data_uris(html_ru):
    assert f'src="data:image/png;base64,{PNG}"' in html_ru


def test_html_keeps_markdown_stdout_and_html_tables(html_ru):
    assert "Краткие выводы" in html_ru
    assert "<strong>312 клиентов</strong>" in html_ru
    assert "Клиентов в базе: 5 000" in html_ru
    assert '<table class="cb-table">' in html_ru
    assert "1\xa0500\xa0000\xa0₽" in html_ru


def test_html_language_attribute(html_ru, html_en):
    assert '<html lang="ru">' in html_ru
    assert '<html lang="en">' in html_en


def test_html_header_states_report_profile_period_and_time(html_ru, html_en):
    header_ru = html_ru[html_ru.index('<header class="cb-header">'): html_ru.index("</header>")]
    assert "<h1>Реактивация клиентов</h1>" in header_ru
    assert "<dt>Профиль</dt><dd>demo</dd>" in header_ru
    assert "<dt>Период</dt><dd>3-й кв. 2026</dd>" in header_ru
    assert "<dt>Сформирован</dt><dd>23.11.2026 14:05 UTC</dd>" in header_ru
    header_en = html_en[html_en.index('<header class="cb-header">'): html_en.index("</header>")]
    assert "<dt>Period</dt><dd>Q3 2026</dd>" in header_en
    assert "<dt>Generated</dt><dd>23 Nov 2026, 14:05 UTC</dd>" in header_en
    assert "<title>Reactivation · demo · 2026Q3</title>" in html_en


def test_the_notebook_title_is_not_repeated_under_the_header(html_ru):
    assert html_ru.count("Реактивация клиентов</h1>") == 1
    assert "Какие клиенты перестали покупать?" in html_ru


def test_html_has_a_print_stylesheet_with_localised_page_numbers(html_ru, html_en):
    assert "@media print" in html_ru
    assert 'content: "стр. " counter(page) " из " counter(pages)' in html_ru
    assert 'content: "page " counter(page) " of " counter(pages)' in html_en


def test_header_values_are_escaped(notebook):
    page = render.notebook_to_html(
        notebook, title="<i>R&D</i>", profile="a<b", period="x", language="en", generated_at=GENERATED
    )
    assert "<h1>&lt;i&gt;R&amp;D&lt;/i&gt;</h1>" in page
    assert "<dd>a&lt;b</dd>" in page


def test_unknown_language_is_an_error(notebook):
    with pytest.raises(ValueError, match="'de'"):
        render.notebook_to_html(notebook, title="x", profile="p", period="2026Q3", language="de",
                                generated_at=GENERATED)


def test_rendering_does_not_change_the_notebook(notebook):
    before = notebook.read_bytes()
    render.notebook_to_html(notebook, title="x", profile="p", period="2026Q3", language="en", generated_at=GENERATED)
    assert notebook.read_bytes() == before


def test_write_html_replaces_the_file_atomically(notebook, tmp_path):
    target = tmp_path / "out" / "reactivation.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    meta = dict(title="Reactivation", profile="demo", period="2026Q3", language="en", generated_at=GENERATED)
    assert render.write_html(notebook, target, **meta) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in target.parent.iterdir()) == ["reactivation.html"]
    assert target.stat().st_mode & 0o044 == 0o044  # readable by the group and others, like any report


# -- PDF -------------------------------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


@pytest.mark.slow
def test_pdf_has_cyrillic_text_and_page_numbers(notebook, tmp_path, no_network):
    from pypdf import PdfReader

    meta = dict(title="Реактивация клиентов", profile="demo", period="2026Q3", language="ru", generated_at=GENERATED)
    html_path = render.write_html(notebook, tmp_path / "reactivation.html", **meta)
    pdf_path = render.write_pdf(html_path, tmp_path / "reactivation.pdf")
    reader = PdfReader(pdf_path)
    pages = len(reader.pages)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert "Реактивация клиентов" in text
    assert "Краткие выводы" in text
    assert "Иванова А." in text
    assert f"стр. 1 из {pages}" in text
    assert "SOURCE_MARKER" not in text and "STDERR-MARKER" not in text
    # the interactive list prints as a plain table with every row; no contents, no filter box
    assert "ООО «Ромашка»" in text and "ИП Сидоров" in text
    assert "Содержание" not in text and "Фильтр" not in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert no_network == []


@pytest.mark.slow
def test_pdf_reads_no_external_resource(tmp_path, no_network):
    from pypdf import PdfReader

    html_path = tmp_path / "page.html"
    html_path.write_text(
        '<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="https://example.com/x.css">'
        "<style>@page { @bottom-right { content: 'page ' counter(page) ' of ' counter(pages) } }</style></head>"
        '<body><p>Offline</p><img src="http://example.com/x.png"></body></html>',
        encoding="utf-8",
    )
    pdf_path = render.write_pdf(html_path, tmp_path / "page.pdf")
    text = PdfReader(pdf_path).pages[0].extract_text()
    assert "Offline" in text and "page 1 of 1" in text
    assert no_network == []


# -- index pages -----------------------------------------------------------------------------------------


