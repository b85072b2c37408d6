"""Committed notebooks carry no outputs, execution counts or run metadata, and follow
the house style (a parameters cell with literal defaults, no def/class in cells)."""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: a cell has an execution count"
        assert "execution" not in cell.get("metadata", {})
    assert "papermill" not in nb["metadata"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_follows_the_house_style(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", []), "the first code cell must be the parameters"
    for node in ast.parse("".join(code[0]["source"])).body:
        assert isinstance(node, ast.Assign)
        ast.literal_eval(node.value)
    for cell in code[1:]:
        tree = ast.parse("".join(cell["source"]))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.For | ast.While | ast.Lambda), (
                f"{path.name}: move {type(node).__name__} into the library"
            )


def test_there_are_notebooks():
    assert any(p.stem == "data_overview" for p in NOTEBOOKS)
