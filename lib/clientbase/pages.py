"""The index pages of the reports folder: a run's `index.html` (its reports with their headline
numbers, status, links and input fingerprints) and `reports/index.html` (every stored run),
from the runs' manifests (`run.json`), offline, in the run's language.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from markupsafe import Markup

from clientbase import __version__, kpi_display
from clientbase.files import write_atomically
from clientbase.formatting import LANGUAGES, MISSING, Formatter
from clientbase.text import REPORT_NAMES, group, t

TEMPLATES = Path(__file__).parent / "templates"



STYLESHEET = TEMPLATES / "report.css"
INDEX_STYLESHEET = TEMPLATES / "pages" / "index.css"
# the KPIs a run's index shows as tiles, and the reports index as history charts (when the run has them)
TILE_KPIS = ("active_customers", "new_customers", "lost_customers", "crr", "revenue", "average_check",
             "repeat_revenue_share", "cac", "ltv_12m", "dso", "pipeline_expected_value")
HISTORY_KPIS = ("active_customers", "new_customers", "lost_customers", "crr", "revenue", "average_check")
KPIS_TABLE = Path("kpis") / "kpis.csv"



_MAX_ERROR_CHARS = 400



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
        (t("period", language), period_label(period, language), None),
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
        css=index_stylesheet(),
        kpis=_kpi_tiles(run_dir, manifest, fmt),
        page_title=f"{t('run_title', language)} · {profile} · {period}",
        kicker=f"clientbase · {profile}",
        heading=f"{t('run_title', language)}: {period_label(period, language)}",
        meta=meta,
        reports=reports,
        inputs=inputs,
        details=json.dumps(details, indent=2, ensure_ascii=False, default=str),
        labels=_labels(language),
        footer=_footer(manifest.get("clientbase_version") or __version__, manifest.get("git_commit")),
    )
    return write_atomically(run_dir / "index.html", page.encode("utf-8"))



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
                "period": period_label(str(manifest.get("period") or run["folder"].split("/")[-1]), language),
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
        css=index_stylesheet(),
        histories=[_history_view(profile, table, fmt) for profile, table in kpi_histories(root, runs).items()],
        page_title=t("reports_index_title", language),
        kicker="clientbase",
        heading=t("reports_index_title", language),
        meta=[(t("runs", language), fmt.number(len(rows)), None)],
        runs=rows,
        labels=_labels(language),
        footer=_footer(__version__, None),
    )
    return write_atomically(root / "index.html", page.encode("utf-8"))



def read_kpis(path: Path) -> pd.DataFrame | None:
    """A run's `kpis/kpis.csv` (quarter as text, the KPIs as floats), or None when it is absent or unreadable."""
    try:
        table = pd.read_csv(path, dtype={"quarter": "str"})
    except (OSError, ValueError):
        return None
    if "quarter" not in table.columns or table.empty:
        return None
    for column in TILE_KPIS:
        table[column] = pd.to_numeric(table[column], errors="coerce") if column in table else float("nan")
    return table


def kpi_histories(root: Path, runs: list[dict[str, Any]]) -> dict[str, pd.DataFrame]:
    """Per profile, one row per quarter of the KPIs of its stored runs, oldest quarter first.

    Each run's `kpis.csv` holds the quarters up to its own. A quarter's point is the one of the
    run made for that quarter (a re-run of a past quarter replaced that run's folder, so its
    point replaces the old one); a quarter no run was made for takes the newest run that has it.
    With one run, the history is that run's own quarters.
    """
    per_profile: dict[str, list[pd.DataFrame]] = {}
    for run in sorted(runs, key=lambda r: r["_sort"]):  # oldest first: a newer run's rows come later
        manifest = run["manifest"]
        table = read_kpis(root / run["folder"] / KPIS_TABLE)
        if table is None:
            continue
        profile = str(manifest.get("profile") or run["folder"].split("/")[0])
        own = str(manifest.get("period") or run["folder"].split("/")[-1])
        per_profile.setdefault(profile, []).append(table.assign(_own=table["quarter"] == own))
    out = {}
    for profile, tables in sorted(per_profile.items()):
        rows = pd.concat(tables, ignore_index=True).reset_index(names="_order")
        rows = rows.sort_values(["quarter", "_own", "_order"], kind="stable").drop_duplicates("quarter", keep="last")
        out[profile] = rows.drop(columns=["_own", "_order"]).reset_index(drop=True)
    return out


def _kpi_tiles(run_dir: Path, manifest: Mapping[str, Any], fmt: Formatter) -> dict[str, Any] | None:
    """The run's KPI tiles from its `kpis/kpis.csv`: value at the run's quarter, change against the
    quarter before (sign and colour), the sparkline of every quarter of the table."""
    table = read_kpis(run_dir / KPIS_TABLE)
    if table is None:
        return None
    language = fmt.language
    names = group("kpi", language)
    now = table.iloc[-1]
    before = table.iloc[-2] if len(table) > 1 else None
    quarters = [fmt.quarter(q) for q in table["quarter"]]
    tiles = []
    for kpi in TILE_KPIS:
        values = table[kpi]
        if values.isna().all():
            continue  # an input this run does not have (campaigns, invoices, deals)
        previous = before[kpi] if before is not None else None
        tiles.append({
            "kpi": kpi, "name": names[kpi], "value": kpi_display.value_text(fmt, kpi, now[kpi], compact=True),
            "raw": "" if pd.isna(now[kpi]) else repr(float(now[kpi])),
            "change": kpi_display.change_text(fmt, kpi, now[kpi], previous),
            "change_class": kpi_display.change_class(kpi, now[kpi], previous),
            "spark": _sparkline(fmt, kpi, values, quarters, title=names[kpi]),
        })
    reports = {str(r.get("name")): r for r in manifest.get("reports") or []}
    link = _link("", (reports.get("kpis") or {}).get("html"))
    return {"tiles": tiles, "quarter": fmt.quarter(now["quarter"]),
            "against": t("kpi_change", language, quarter=quarters[-2]) if before is not None else "",
            "link": link, "title": t("kpis", language)}


def _sparkline(fmt: Formatter, kpi: str, values: pd.Series, quarters: list[str], **shape: Any) -> Markup:
    """The KPI's sparkline, each point's quarter and value in its hover text."""
    labels = [f"{q}: {kpi_display.value_text(fmt, kpi, v)}" for q, v in zip(quarters, values, strict=True)]
    return Markup(kpi_display.sparkline(values.tolist(), labels=labels, **shape))


def _history_view(profile: str, table: pd.DataFrame, fmt: Formatter) -> dict[str, Any]:
    names = group("kpi", fmt.language)
    quarters = [fmt.quarter(q) for q in table["quarter"]]
    charts = []
    for kpi in (*HISTORY_KPIS, *(k for k in TILE_KPIS if k not in HISTORY_KPIS)):
        values = table[kpi]
        if values.isna().all():
            continue
        charts.append({
            "kpi": kpi, "name": names[kpi], "last": kpi_display.value_text(fmt, kpi, values.iloc[-1], compact=True),
            "spark": _sparkline(fmt, kpi, values, quarters, title=names[kpi], width=220, height=56),
        })
    return {"profile": profile, "charts": charts, "first": quarters[0], "last": quarters[-1],
            "points": t("kpi_points", fmt.language, n=len(quarters))}


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
        "kpi_history",
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



def period_label(period: str, language: str) -> str:
    """``2026Q3`` → ``Q3 2026`` / ``3-й кв. 2026``; anything else as it is."""
    return Formatter(language=language).quarter(period)



def _footer(version: str, commit: str | None) -> str:
    parts = [f"clientbase {version}"]
    if commit:
        parts.append(f"git {str(commit)[:10]}")
    return " · ".join(parts)



@lru_cache(maxsize=1)
def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def index_stylesheet() -> str:
    """The report stylesheet and the index pages' own parts (tiles, history charts)."""
    return stylesheet() + "\n" + INDEX_STYLESHEET.read_text(encoding="utf-8")



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



