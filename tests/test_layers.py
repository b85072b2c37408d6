"""The layers of docs/ARCHITECTURE.md hold: what each kind of module may import.

Analyses never import presentation (views, text, formatting, plots, tables, matplotlib,
IPython) nor do I/O modules (sources, database, cache, files, render); sources never import
analyses. Imports are read from the code with `ast`, including those inside functions.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "clientbase"
ANALYSES = ("audit", "abc_xyz", "reactivation", "campaigns", "channels", "overview", "identifiers", "intervals",
            "receivables")
PRESENTATION = ("clientbase.views", "clientbase.text", "clientbase.formatting", "clientbase.plots",
                "clientbase.tables", "clientbase.masking", "clientbase.excel", "matplotlib", "IPython", "seaborn")
IO = ("clientbase.sources", "clientbase.database", "clientbase.cache", "clientbase.files", "clientbase.render",
      "clientbase.pages", "clientbase.workbook", "clientbase.runner")
SOURCES = ("sources", "database", "cube")


def _modules(name: str) -> list[Path]:
    path = PACKAGE / name
    return sorted(path.rglob("*.py")) if path.is_dir() else [PACKAGE / f"{name}.py"]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _offending(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for path in paths:
        bad = sorted(m for m in _imports(path) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if bad:
            out[path.name if not path.is_relative_to(PACKAGE) else str(path.relative_to(PACKAGE))] = bad
    return out


@pytest.mark.parametrize("name", ANALYSES)
def test_analyses_import_neither_presentation_nor_io(name):
    assert _offending(_modules(name), PRESENTATION + IO) == {}


@pytest.mark.parametrize("name", SOURCES)
def test_sources_never_import_analyses(name):
    assert _offending(_modules(name), tuple(f"clientbase.{a}" for a in ANALYSES)) == {}


def test_the_check_can_fail(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    import matplotlib.pyplot as plt\n    from clientbase.views import common\n")
    assert _offending([module], PRESENTATION) == {"m.py": ["clientbase.views", "matplotlib.pyplot"]}
