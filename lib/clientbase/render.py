"""Executed notebooks → stakeholder HTML → PDF, and the index pages of the reports folder.

Source: DESIGN.md "Rendering" and "Output contract".

- HTML: nbconvert's HTML exporter with our template (``templates/clientbase``, on top of
  the ``lab`` base). Every input is removed, and so are the cells tagged ``parameters``
  and ``injected-parameters`` (and papermill's error banner), stderr streams (warnings,
  progress bars), scripts, widgets and bare object reprs such as ``<Axes: ...>``.
  Figures are embedded as data URIs. Nothing is loaded from the network: the stock
  template's require.js, MathJax and Mermaid are left out. A header states the report,
  profile, period and generation time, formatted for the report language; under it the
  contents list the report's sections (its h2 headings, each given a stable id from its
  words). One script of ours, ``templates/report.js``, is inlined: it makes the long lists
  (``tables.table(..., interactive=True)``) sortable and filterable; no ``<script src>``.
- PDF: WeasyPrint renders that same HTML for print (A4, page numbers in the footer,
  DejaVu fonts for Cyrillic); it may read ``file:`` and ``data:`` URLs only.
- Index pages: ``<run>/index.html`` from the run's manifest (run.json), and the reports
  root's ``index.html`` listing every run, newest first.

Every file is written atomically (a temporary file in the same folder, then a rename), so
a reader never sees half a page.
"""

from __future__ import annotations

import copy
import html
import re
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from clientbase import __version__
from clientbase.files import write_atomically
from clientbase.formatting import Formatter
from clientbase.pages import TEMPLATES, period_label, stylesheet
from clientbase.text import t

_TEMPLATE_NAME = "clientbase"

# "analyst": notes for the analyst in JupyterLab (in English); the stakeholder report shows
# only what the code cells print, which is in the report's language
_REMOVED_TAGS = frozenset(
    {"parameters", "injected-parameters", "papermill-error-cell-tag", "remove-cell", "remove_cell", "analyst"}
)
# output types a reader cannot use without a kernel or the network
_DROPPED_MIMETYPES = (
    "application/javascript",
    "application/vnd.jupyter.widget-view+json",
    "application/vnd.jupyter.widget-state+json",
)
# "<Axes: title={...}>", "<Figure size 880x462 with 1 Axes>": what a plotting call returns
_OBJECT_REPR = re.compile(r"^<[^\n]*>$")
SCRIPT = TEMPLATES / "report.js"
# where the template leaves room for the contents, which need the rendered headings
_CONTENTS_MARK = "<!-- clientbase:contents -->"
# a section heading as nbconvert's Markdown renderer writes it, with its own id and anchor link
_SECTION_HEADING = re.compile(r"<h2\b([^>]*)>(.*?)</h2>", re.S)
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_ID_ATTRIBUTE = re.compile(r"""\sid=(["'])(.*?)\1""", re.S)
# -- report pages ----------------------------------------------------------------------------


def notebook_to_html(
    notebook: Path,
    *,
    title: str,
    profile: str,
    period: str,
    language: str,
    generated_at: datetime,
) -> str:
    """The stakeholder HTML page of an executed notebook.

    Parameters
    ----------
    notebook : Path
        An executed ``.ipynb`` (papermill's output).
    title : str
        The report title shown in the header (see `clientbase.text.report_title`).
    profile, period : str
        The run's profile name and period label (``2026Q3`` is shown as ``Q3 2026`` /
        ``3-й кв. 2026``).
    language : {"en", "ru"}
        Sets ``<html lang>``, the header's words and the date format.
    generated_at : datetime
        Shown in the header; a zone-aware value shows its zone.

    Returns
    -------
    str
        A self-contained HTML document: no code, no external URLs, one inline script
        (``templates/report.js``).
    """
    fmt = Formatter(language)
    nb = _for_stakeholders(nbformat.read(Path(notebook), as_version=4))
    header = _report_header(
        title=title, profile=profile, period=period, fmt=fmt, generated_at=generated_at
    )
    resources = {
        "clientbase": header,
        "metadata": {"name": title, "path": str(Path(notebook).resolve().parent)},
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return with_contents(body, language=language)


def write_html(notebook: Path, html_path: Path, **meta: Any) -> Path:
    """Render `notebook` (see `notebook_to_html` for `meta`) and write it atomically."""
    text = notebook_to_html(Path(notebook), **meta)
    return write_atomically(Path(html_path), text.encode("utf-8"))


def write_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML report to PDF with WeasyPrint (A4, page numbers), without network.

    Only ``file:`` and ``data:`` resources are read; anything else is skipped (WeasyPrint
    logs it), so a stray external URL cannot make the run wait on the network.
    """
    with warnings.catch_warnings():
        # WeasyPrint warns on import when the system lacks HarfBuzz-Subset (it falls back
        # to fontTools); that is the machine's business, not the reader's
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

    html_path = Path(html_path)
    fetcher = URLFetcher(allowed_protocols={"file", "data"}, timeout=1)
    document = HTML(filename=str(html_path), url_fetcher=fetcher, media_type="print")
    pdf = document.write_pdf()
    return write_atomically(Path(pdf_path), pdf)


# -- index pages -------------------------------------------------------------------------------


# -- contents and script ---------------------------------------------------------------------------


def with_contents(page: str, *, language: str) -> str:
    """The report page with its contents: a list of links to its sections (the h2 headings).

    Each section heading gets the id ``s-<its words>`` (lower case, letters of any script
    kept, ``-`` between words; ``-2``, ``-3`` for a repeated heading), so a link to a section
    stays the same from one run to the next. A page with fewer than two sections has no
    contents. The mark the template leaves is removed either way.
    """
    taken = {match.group(2) for match in _ID_ATTRIBUTE.finditer(page)}
    entries: list[tuple[str, str]] = []

    def numbered(match: re.Match[str]) -> str:
        attributes, inner = match.groups()
        words = _heading_words(inner)
        anchor = _unique(f"s-{_slug(words)}", taken)
        entries.append((anchor, words))
        attributes = _ID_ATTRIBUTE.sub("", attributes)
        inner = _ANCHOR_LINK.sub(f'<a class="anchor-link" href="#{html.escape(anchor)}">¶</a>', inner)
        return f'<h2 id="{html.escape(anchor)}"{attributes}>{inner}</h2>'

    head, mark, body = page.partition(_CONTENTS_MARK)
    if not mark:
        raise ValueError(f"the report template has no {_CONTENTS_MARK} where the contents go")
    body = _SECTION_HEADING.sub(numbered, body)
    return head + (_contents(entries, language) if len(entries) >= 2 else "") + body


def script() -> str:
    """``templates/report.js`` as it goes inside ``<script>``: no ``</`` can end the element early."""
    return SCRIPT.read_text(encoding="utf-8").replace("</", "<\\/")


def _contents(entries: list[tuple[str, str]], language: str) -> str:
    items = "\n".join(f'<li><a href="#{html.escape(anchor)}">{html.escape(words)}</a></li>'
                      for anchor, words in entries)
    title = html.escape(t("contents", language))
    return (f'<nav class="cb-contents" aria-labelledby="cb-contents-title">\n'
            f'<p class="cb-contents-title" id="cb-contents-title">{title}</p>\n<ol>\n{items}\n</ol>\n</nav>\n')


def _heading_words(inner_html: str) -> str:
    text = re.sub(r"<[^>]+>", "", _ANCHOR_LINK.sub("", inner_html))
    return " ".join(html.unescape(text).split())


def _slug(words: str) -> str:
    slug = re.sub(r"[\W_]+", "-", words.casefold()).strip("-")
    return slug or "section"


def _unique(anchor: str, taken: set[str]) -> str:
    candidate, n = anchor, 1
    while candidate in taken:
        n += 1
        candidate = f"{anchor}-{n}"
    taken.add(candidate)
    return candidate


# -- notebook clean-up ---------------------------------------------------------------------------


def _for_stakeholders(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook without what a stakeholder must not or need not see."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & _REMOVED_TAGS:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in (_clean_output(o) for o in cell.get("outputs", [])) if o is not None]
        elif cell.cell_type == "markdown" and not cell.source.strip():
            continue
        cells.append(cell)
    # the header already carries the title: drop the notebook's own "# Title" line
    if cells and cells[0].cell_type == "markdown":
        first = cells[0]
        lines = first.source.lstrip().splitlines()
        if lines and re.match(r"^#\s", lines[0]):
            first.source = "\n".join(lines[1:]).strip()
            first.metadata.setdefault("tags", [])
            first.metadata["tags"] = [*first.metadata["tags"], "cb-lead"]
            if not first.source:
                cells = cells[1:]
    nb.cells = cells
    # widget state would make nbconvert write a script tag for it
    nb.metadata.pop("widgets", None)
    return nb


def _clean_output(output: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    kind = output.get("output_type")
    if kind == "stream":
        return output if output.get("name") == "stdout" and output.get("text") else None
    if kind in ("display_data", "execute_result"):
        data = {k: v for k, v in output.get("data", {}).items() if k not in _DROPPED_MIMETYPES}
        if set(data) == {"text/plain"} and _OBJECT_REPR.match(str(data["text/plain"]).strip()):
            return None
        if not data:
            return None
        output["data"] = data
        return output
    return output


def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=_TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=False,
    )


def _report_header(
    *, title: str, profile: str, period: str, fmt: Formatter, generated_at: datetime
) -> dict[str, Any]:
    language = fmt.language
    esc = html.escape
    meta = [
        (t("profile", language), profile),
        (t("period", language), period_label(period, language)),
        (t("generated", language), fmt.date_time(generated_at)),
    ]
    return {
        "language": language,
        "version": esc(__version__),
        "css": stylesheet(),
        "script": script(),
        "contents_mark": _CONTENTS_MARK,
        "title": esc(title),
        "profile": esc(profile),
        "period": esc(period),
        "kicker": esc(t("run_title", language)),
        "meta": [(esc(label), esc(value)) for label, value in meta],
        # CSS strings of the PDF footer; quotes and backslashes would end the string early
        "page_word": _css_string(t("page", language)),
        "of_word": _css_string(t("of", language)),
        "footer": esc(f"clientbase {__version__} · {t('generated', language)} {fmt.date_time(generated_at)}"),
    }


# -- index helpers -------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    # a CSS string inside <style>: entities are not decoded there, "<" is escaped for CSS
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")


# -- files and templates ---------------------------------------------------------------------------


def now() -> datetime:
    """The current time in UTC, zone-aware (what `generated_at` usually is)."""
    return datetime.now(UTC)
