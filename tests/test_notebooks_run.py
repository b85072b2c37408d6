"""Every report notebook runs top to bottom under nbval (lax) on the CI profile.

The committed notebooks default to the demo profile; the test writes parameterised copies
(profile = params/ci.yaml) into a temporary folder and runs `pytest --nbval-lax` on them
in a separate process, as an analyst's kernel would run them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import nbformat
import pytest
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

from conftest import CI_PROFILE, ROOT

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_notebooks_run_under_nbval_on_the_ci_profile(tmp_path, ci_run):
    # ci_run first: it generates the CI data and the prepared cache the notebooks reuse
    for path in NOTEBOOKS:
        nb = load_notebook_node(str(path))  # as papermill reads it: every cell gets its tags list
        nb = parameterize_notebook(nb, {"profile": str(CI_PROFILE)})
        nbformat.write(nb, tmp_path / path.name)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), *[str(tmp_path / p.name) for p in NOTEBOOKS]],
        capture_output=True, text=True, cwd=ROOT / "notebooks", timeout=1200,
        env=dict(os.environ, PYTHONWARNINGS="error"),  # a warning in a kernel fails the cell
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert passed and int(passed.group(1)) >= len(NOTEBOOKS), proc.stdout[-2000:]
