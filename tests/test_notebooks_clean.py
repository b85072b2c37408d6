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


# what a notebook cell may not hold: logic belongs in the library (HOUSE_STYLE.md "Notebooks")
FORBIDDEN = {
    ast.FunctionDef: "def", ast.AsyncFunctionDef: "def", ast.ClassDef: "class", ast.Lambda: "lambda",
    ast.For: "a loop", ast.While: "a loop", ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.If: "an if", ast.IfExp: "an if",
    ast.BoolOp: "and/or", ast.Compare: "a comparison", ast.Subscript: "indexing (a pandas expression)",
    ast.Try: "try/except", ast.With: "a with block",
}


def _code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _problems(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        for kind, what in FORBIDDEN.items():
            if isinstance(node, kind):
                found.append(f"line {node.lineno}: {what}")
        if isinstance(node, ast.Attribute) and node.attr in ("filterwarnings", "simplefilter"):
            found.append(f"line {node.lineno}: a warning filter")
        if isinstance(node, ast.Import | ast.ImportFrom) and any(a.name == "warnings" for a in node.names):
            found.append(f"line {node.lineno}: a warning filter")
        if isinstance(node, ast.ImportFrom) and node.module == "warnings":
            found.append(f"line {node.lineno}: a warning filter")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_follows_the_house_style(path):
    code = _code_cells(path)
    assert "parameters" in code[0]["metadata"].get("tags", []), "the first code cell must be the parameters"
    for node in ast.parse("".join(code[0]["source"])).body:
        assert isinstance(node, ast.Assign)
        ast.literal_eval(node.value)
    for number, cell in enumerate(code[1:], start=2):
        problems = _problems("".join(cell["source"]))
        assert not problems, f"{path.name}, code cell {number}: move into the library: {problems}"
    # after the set-up cell, one call per cell: the section it shows
    for number, cell in enumerate(code[2:], start=3):
        body = ast.parse("".join(cell["source"])).body
        assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call), (
            f"{path.name}, code cell {number}: one call per cell"
        )


@pytest.mark.parametrize(
    "source",
    ["[x for x in y]", "a if b else c", "if a:\n    b()", "def f():\n    pass", "for x in y:\n    f(x)",
     "import warnings", "warnings.filterwarnings('ignore')", "frame['x'].sum()", "a is not None", "a or b",
     "class A:\n    pass", "lambda x: x"],
    ids=["comprehension", "ifexp", "if", "def", "loop", "import-warnings", "filter", "subscript", "compare",
         "boolop", "class", "lambda"],
)
def test_the_style_check_can_fail(source):
    assert _problems(source)


def test_there_are_notebooks():
    assert any(p.stem == "data_overview" for p in NOTEBOOKS)
