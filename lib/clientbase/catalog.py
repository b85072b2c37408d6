"""The report catalogue: which reports exist, where their notebooks are, what they take.

A report is a notebook in `notebooks/`; its parameters are the literal assignments of its
cell tagged `parameters` (read with papermill, never executed here). The runner passes each
notebook only the parameters it declares.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from clientbase.errors import ClientbaseError
from clientbase.options import Options

REPORTS: tuple[str, ...] = ("data_overview", "base_audit", "abc_xyz", "reactivation", "campaign_roi", "receivables",
                            "deal_funnel", "clv", "segments", "kpis")

# each report's options model ("module:Class"), imported when asked for: the single declaration of
# its parameters (default, range, meaning); see clientbase.options
OPTIONS: dict[str, str] = {
    "data_overview": "clientbase.overview:DataOverviewOptions",
    "base_audit": "clientbase.audit:BaseAuditOptions",
    "abc_xyz": "clientbase.abc_xyz:AbcXyzOptions",
    "reactivation": "clientbase.reactivation:ReactivationOptions",
    "campaign_roi": "clientbase.campaigns:CampaignRoiOptions",
    "receivables": "clientbase.receivables:ReceivablesOptions",
    "deal_funnel": "clientbase.deal_funnel:DealFunnelOptions",
    "clv": "clientbase.clv:ClvOptions",
    "segments": "clientbase.segments:SegmentsOptions",
    "kpis": "clientbase.kpis:KpisOptions",
}

# parameters every report notebook may declare; the runner fills them from the profile
COMMON_PARAMETERS: tuple[str, ...] = (
    "profile", "period", "language", "currency", "cache", "output_dir", "mask_pii",
)


@dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook: its name, literal default and Python type name."""

    name: str
    default: object
    type_name: str
    help: str = ""


def options_model(report: str) -> type[Options]:
    """The options model of a report (`AbcXyzOptions` for "abc_xyz")."""
    if report not in OPTIONS:
        raise ClientbaseError(f"unknown report {report!r}: expected one of {', '.join(REPORTS)}")
    module, _, name = OPTIONS[report].partition(":")
    return getattr(importlib.import_module(module), name)


def notebooks_dir() -> Path:
    """Where the report notebooks are: $CLIENTBASE_NOTEBOOKS, else the project's `notebooks/`.

    The project root is found from the package location (an editable install, the
    supported way) and, failing that, from the current folder upwards.
    """
    env = os.environ.get("CLIENTBASE_NOTEBOOKS")
    if env:
        return Path(env).resolve()
    candidates = [Path(__file__).resolve().parents[2], *[p for p in [Path.cwd(), *Path.cwd().parents]]]
    for root in candidates:
        if (root / "notebooks" / "data_overview.ipynb").is_file():
            return root / "notebooks"
    raise ClientbaseError(
        "cannot find the report notebooks (notebooks/data_overview.ipynb): run from the project "
        "folder or set CLIENTBASE_NOTEBOOKS"
    )


def project_root() -> Path:
    return notebooks_dir().parent


def notebook_path(report: str) -> Path:
    path = notebooks_dir() / f"{report}.ipynb"
    if not path.is_file():
        raise ClientbaseError(f"report {report!r} has no notebook: expected {path}")
    return path


def available_reports() -> tuple[str, ...]:
    """The reports of REPORTS whose notebook exists, in catalogue order."""
    folder = notebooks_dir()
    return tuple(r for r in REPORTS if (folder / f"{r}.ipynb").is_file())


def notebook_parameters(report: str) -> dict[str, Parameter]:
    """The parameters a report notebook declares, in order, with their literal defaults."""
    path = notebook_path(report)
    return dict(_parameters_of(str(path), path.stat().st_mtime_ns))


@cache
def _parameters_of(path: str, _mtime: int) -> tuple[tuple[str, Parameter], ...]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ClientbaseError(f"{path}: no cell tagged 'parameters'")
    source = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    found: list[tuple[str, Parameter]] = []
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ClientbaseError(f"{path}: the parameters cell must hold plain assignments only")
        name = node.targets[0].id
        try:
            default = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ClientbaseError(f"{path}: parameter {name!r} needs a literal default") from exc
        line = lines[node.lineno - 1]
        comment = line.split("#", 1)[1].strip() if "#" in line else ""
        found.append((name, Parameter(name, default, type(default).__name__, comment)))
    return tuple(found)
