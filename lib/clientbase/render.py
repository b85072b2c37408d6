"""Executed notebooks → stakeholder HTML → PDF, and the index pages of the reports folder.

Source: DESIGN.md "Rendering" and "Output contract".

- HTML: nbconvert's HTML exporter with our template (``templates/clientbase``, on top of
  the ``lab`` base). Every input is removed, and so are the cells tagged ``parameters``
  and ``injected-parameters`` (and papermill's error banner), stderr streams (warnings,
  progress bars), scripts, widgets and bare object reprs such as ``<Axes: ...>``.
  Figures are embedded as data URIs. Nothing is loaded from the network: the stock
  template's require.js, MathJax and Mermaid are left out. A header states the report,
  profile, period and generation time, formatted for the report language.
- PDF: WeasyPrint renders that same HTML for print (A4, page numbers in the footer,
  DejaVu fonts for Cyrillic); it may read ``file:`` and ``data:`` URLs only.
- Index pages: ``<run>/index.html`` from the run's manifest (run.json), and the reports
  root's ``index.html`` listing every run, newest first.

Every file is written atomically (a temporary file in the same folder, then a rename), so
a reader never sees half a page.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import os
import re
import tempfile
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nbformat
import pandas as pd

from clientbase import __version__
from clientbase.formatting import LANGUAGES, MISSING, Formatter
from clientbase.text import REPORT_NAMES, group, t

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES / "report.css"
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
_MAX_ERROR_CHARS = 400


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
        A self-contained HTML document: no code, no scripts, no external URLs.
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
    return body


def write_html(notebook: Path, html_path: Path, **meta: Any) -> Path:
    """Render `notebook` (see `notebook_to_html` for `meta`) and write it atomically."""
    text = notebook_to_html(Path(notebook), **meta)
    return _write_atomically(Path(html_path), text.encode("utf-8"))


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
    return _write_atomically(Path(pdf_path), pdf)


# -- index pages -------------------------------------------------------------------------------


def write_run_index(run_dir: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``run_dir/index.html``: the run's status, headline numbers and links.

    `manifest` is the run's run.json (see DESIGN.md "Output contract"); links are
    relative to `run_dir`, as the manifest gives them.
    """
    run_dir = Path(run_dir)
    fmt = _formatter_of(manifest)
    language = fmt.language
    profile = str(manifest.get("profile") or MISSING)
    period = str(manifest.get("period") or MISSING)
    status = _status(manifest.get("status"))
    finished = manifest.get("finished_at") or manifest.get("started_at")
    meta = [
        (t("profile", language), profile, None),
        (t("period", language), _period_label(period, language), None),
        (t("as_of", language), fmt.date(manifest.get("as_of")), None),
        (t("status", language), _status_text(status, language), status),
        (t("generated", language), fmt.date_time(_timestamp(finished)), None),
    ]
    total = (manifest.get("timings") or {}).get("total")
    if total is not None:
        meta.append((t("duration", language), _seconds(total, fmt), None))
    reports = [_report_view(r, fmt, prefix="") for r in manifest.get("reports") or []]
    inputs = [
        {
            "table": group("table_names", language).get(i.get("table"), i.get("table") or MISSING),
            "file": i.get("file") or MISSING,
            "rows": fmt.number(i.get("rows")),
            "sha256": i.get("sha256") or "",
            "sha256_short": (i.get("sha256") or MISSING)[:12],
        }
        for i in manifest.get("inputs") or []
    ]
    details = {
        key: manifest.get(key)
        for key in (
            "clientbase_version", "git_commit", "profile_path", "language", "currency",
            "started_at", "finished_at", "versions", "timings", "parameters",
        )
        if key in manifest
    }
    page = _pages().get_template("run_index.html.j2").render(
        language=language,
        version=__version__,
        css=_stylesheet(),
        page_title=f"{t('run_title', language)} · {profile} · {period}",
        kicker=f"clientbase · {profile}",
        heading=f"{t('run_title', language)}: {_period_label(period, language)}",
        meta=meta,
        reports=reports,
        inputs=inputs,
        details=json.dumps(details, indent=2, ensure_ascii=False, default=str),
        labels=_labels(language),
        footer=_footer(manifest.get("clientbase_version") or __version__, manifest.get("git_commit")),
    )
    return _write_atomically(run_dir / "index.html", page.encode("utf-8"))


def write_reports_index(root: Path, *, language: str | None = None) -> Path:
    """Write ``root/index.html``: every run under ``root/<profile>/<period>/run.json``.

    Runs are listed newest first (by finish time, else start time, else the manifest's
    modification time). Folders whose name starts with "." or "_" (a run being written)
    are skipped; an unreadable manifest is listed with status "unknown".

    Parameters
    ----------
    language : {"en", "ru"}, optional
        The page language; by default the language of the newest run.
    """
    root = Path(root)
    runs = [_read_run(path, root) for path in _run_manifests(root)]
    runs.sort(key=lambda run: run["_sort"], reverse=True)
    if language is None:
        language = runs[0]["_language"] if runs else "en"
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not supported: expected one of {LANGUAGES}")
    fmt = Formatter(language)
    rows = []
    for run in runs:
        manifest = run["manifest"]
        prefix = run["folder"] + "/"
        status = _status(manifest.get("status"))
        rows.append(
            {
                "index": quote(prefix + "index.html"),
                "profile": manifest.get("profile") or run["folder"].split("/")[0],
                "period": _period_label(str(manifest.get("period") or run["folder"].split("/")[-1]), language),
                "as_of": fmt.date(manifest.get("as_of")),
                "status": status,
                "status_text": _status_text(status, language),
                "generated": fmt.date_time(run["_time"]),
                "reports": [_report_view(r, fmt, prefix=prefix) for r in manifest.get("reports") or []],
            }
        )
    page = _pages().get_template("reports_index.html.j2").render(
        language=language,
        version=__version__,
        css=_stylesheet(),
        page_title=t("reports_index_title", language),
        kicker="clientbase",
        heading=t("reports_index_title", language),
        meta=[(t("runs", language), fmt.number(len(rows)), None)],
        runs=rows,
        labels=_labels(language),
        footer=_footer(__version__, None),
    )
    return _write_atomically(root / "index.html", page.encode("utf-8"))


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
        (t("period", language), _period_label(period, language)),
        (t("generated", language), fmt.date_time(generated_at)),
    ]
    return {
        "language": language,
        "version": esc(__version__),
        "css": _stylesheet(),
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


def _report_view(report: Mapping[str, Any], fmt: Formatter, *, prefix: str) -> dict[str, Any]:
    language = fmt.language
    name = str(report.get("name") or "")
    status = _status(report.get("status"))
    title = report.get("title") or (t(name, language) if name in REPORT_NAMES else name)
    seconds = report.get("seconds")
    error = report.get("error")
    if error:
        error = str(error).strip()
        if len(error) > _MAX_ERROR_CHARS:
            error = error[: _MAX_ERROR_CHARS - 1] + "…"
    return {
        "name": name,
        "title": title,
        "status": status,
        "status_text": _status_text(status, language),
        "seconds": _seconds(seconds, fmt) if seconds is not None else None,
        "html": _link(prefix, report.get("html")),
        "pdf": _link(prefix, report.get("pdf")),
        "notebook": _link(prefix, report.get("notebook")),
        "tables": [(Path(str(p)).name, _link(prefix, p)) for p in report.get("tables") or []],
        "headline": [
            {"label": str(h.get("label", "")), "value": str(h.get("value", ""))}
            for h in report.get("headline") or []
            if isinstance(h, Mapping)
        ],
        "error": error,
    }


def _run_manifests(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    found = []
    for path in root.glob("*/*/run.json"):
        parts = path.relative_to(root).parts[:-1]
        if any(part.startswith((".", "_")) for part in parts):
            continue
        found.append(path)
    return found


def _read_run(path: Path, root: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
    except (OSError, ValueError):
        manifest = {"status": "unknown"}
    moment = _timestamp(manifest.get("finished_at")) or _timestamp(manifest.get("started_at"))
    if moment is None:
        moment = pd.Timestamp(path.stat().st_mtime, unit="s", tz="UTC").floor("s")
    language = manifest.get("language")
    return {
        "manifest": manifest,
        "folder": path.parent.relative_to(root).as_posix(),
        "_time": moment,
        "_sort": moment.tz_convert("UTC"),
        "_language": language if language in LANGUAGES else "en",
    }


def _formatter_of(manifest: Mapping[str, Any]) -> Formatter:
    language = manifest.get("language")
    language = language if language in LANGUAGES else "en"
    try:
        return Formatter(language, manifest.get("currency") or "RUB")
    except ValueError:
        return Formatter(language)


def _labels(language: str) -> dict[str, str]:
    keys = (
        "html", "pdf", "notebook", "tables", "inputs", "table", "file", "rows", "fingerprint",
        "technical_details", "run", "as_of", "status", "generated", "reports", "no_runs", "no_reports",
    )
    return {key: t(key, language) for key in keys}


def _status(value: Any) -> str:
    text = str(value or "unknown").strip().lower()
    return text if re.fullmatch(r"[a-z_]+", text) else "unknown"


def _status_text(status: str, language: str) -> str:
    try:
        return t(f"status.{status}", language)
    except KeyError:
        return status


def _seconds(value: Any, fmt: Formatter) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return MISSING
    return t("seconds", fmt.language).format(value=fmt.number(number, 1 if number < 100 else 0))


def _link(prefix: str, path: Any) -> str | None:
    if not path:
        return None
    return quote(prefix + str(path).replace(os.sep, "/"))


def _timestamp(value: Any) -> pd.Timestamp | None:
    if value is None or value == "":
        return None
    try:
        moment = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(moment):
        return None
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment


def _period_label(period: str, language: str) -> str:
    """``2026Q3`` → ``Q3 2026`` / ``3-й кв. 2026``; anything else as it is."""
    return Formatter(language=language).quarter(period)


def _footer(version: str, commit: str | None) -> str:
    parts = [f"clientbase {version}"]
    if commit:
        parts.append(f"git {str(commit)[:10]}")
    return " · ".join(parts)


def _css_string(text: str) -> str:
    # a CSS string inside <style>: entities are not decoded there, "<" is escaped for CSS
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")


# -- files and templates ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _pages():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / "pages")),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _write_atomically(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private; published reports are for everyone who can read the folder
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def now() -> datetime:
    """The current time in UTC, zone-aware (what `generated_at` usually is)."""
    return datetime.now(UTC)
