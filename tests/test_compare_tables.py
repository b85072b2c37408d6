"""Tests of scripts/compare_tables.py: two runs' CSV tables compared byte for byte."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from compare_tables import compare, main  # noqa: E402


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_identical_different_missing_and_new_tables(tmp_path, capsys):
    before = _write(tmp_path / "a", {"r/x.csv": "a,b\n1,2\n", "r/y.csv": "a\n1\n", "r/z.csv": "a\n", "r/i.html": "1"})
    after = _write(tmp_path / "b", {"r/x.csv": "a,b\n1,2\n", "r/y.csv": "a\n1.0\n", "r/n.csv": "a\n", "r/i.html": "2"})
    assert compare(before, after) == {"same": ["r/x.csv"], "different": ["r/y.csv"], "missing": ["r/z.csv"],
                                      "new": ["r/n.csv"]}
    assert main([str(before), str(after)]) == 1
    assert "1 identical, 1 different, 1 missing, 1 new" in capsys.readouterr().out


def test_only_new_tables_pass(tmp_path):
    before = _write(tmp_path / "a", {"x.csv": "1\n"})
    after = _write(tmp_path / "b", {"x.csv": "1\n", "extra.csv": "2\n"})
    assert main([str(before), str(after)]) == 0
