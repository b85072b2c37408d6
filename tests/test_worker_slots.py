"""Worker slots keep one kernel for several notebooks (issue 17: kernel cost), without a
notebook ever seeing another's variables, and a failing or timed-out notebook does not stop the
reports after it: a failure leaves the slot's kernel to the next notebook, a timeout kills the
slot (kernel included) and the next report gets a new one."""

from __future__ import annotations

import nbformat
import psutil
import pytest

from clientbase import catalog, runner
from conftest import CI_PROFILE


def _notebook(folder, name: str, code: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('output_dir = None  # where the tables go')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _workers() -> set[int]:
    me = psutil.Process()
    return {p.pid for p in me.children(recursive=True)
            if any(s in " ".join(p.cmdline()) for s in ("clientbase._worker", "ipykernel"))}


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    folder = tmp_path / "nb"
    folder.mkdir()
    paths = {
        "reactivation": _notebook(folder, "fails", 'raise ValueError("on purpose")'),
        "abc_xyz": _notebook(folder, "sleeps", "import time\ntime.sleep(300)"),
        "data_overview": _notebook(folder, "leaves", "leftover = 42\nimport os\nprint(os.getpid())"),
        "campaign_roi": _notebook(folder, "checks",
                                  'assert "leftover" not in dir(), "a variable of the slot\'s previous notebook"\n'
                                  "import os\nprint(os.getpid())"),
        "receivables": _notebook(folder, "last", "done = True"),
    }
    monkeypatch.setattr(catalog, "notebook_path", lambda report: paths[report])
    return paths


def test_one_slot_runs_on_after_a_failure_and_a_timeout_and_shares_nothing(notebooks, tmp_path):
    before = _workers()
    result = runner.run(CI_PROFILE, only=list(notebooks), jobs=1, pdf=False, keep_going=True,
                        out=tmp_path / "reports", timeout_minutes=0.4, say=lambda _: None)
    status = {o.name: o.status for o in result.reports}
    assert status == {"reactivation": "failed", "abc_xyz": "timeout", "data_overview": "ok", "campaign_roi": "ok",
                      "receivables": "ok"}
    errors = {o.name: o.error for o in result.reports}
    assert errors["reactivation"].endswith("ValueError: on purpose")
    assert "timed out" in errors["abc_xyz"]
    assert result.status == "partial"
    # the two notebooks after the timeout ran in one kernel (the slot kept it), yet saw no variable of the other
    pids = []
    for name in ("data_overview", "campaign_roi"):
        nb = nbformat.read(result.run_dir / f"{name}.ipynb", as_version=4)
        pids.append(next(o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"))
    assert pids[0] == pids[1]
    assert _workers() <= before  # no worker and no kernel outlives the run


def test_the_reset_cell_is_not_in_the_report(notebooks, tmp_path):
    result = runner.run(CI_PROFILE, only=["data_overview", "receivables"], jobs=1, pdf=False,
                        out=tmp_path / "reports", say=lambda _: None)
    assert result.status == "ok"
    html = (result.run_dir / "data_overview.html").read_text(encoding="utf-8")
    assert "reset" not in html and "tidy_kernel" not in html
    nb = nbformat.read(result.run_dir / "data_overview.ipynb", as_version=4)
    assert nb.cells[0].metadata["tags"] == ["remove-cell", "clientbase-reset"]  # the log shows it


def test_kernels_listen_on_unix_sockets_of_their_slot_and_leave_none(notebooks, tmp_path, monkeypatch):
    # TCP ports are picked free and bound a moment later: two slots or two runs starting kernels at once
    # could pick the same one ("Address already in use", the kernel dies); a slot's own socket folder cannot
    import glob
    import tempfile

    code = ("import json\nfrom ipykernel import get_connection_info\n"
            "print(json.loads(get_connection_info())['transport'])")
    paths = {r: _notebook(tmp_path / "nb", f"transport-{r}", code) for r in ("data_overview", "receivables")}
    monkeypatch.setattr(catalog, "notebook_path", lambda report: paths[report])
    pattern = f"{tempfile.gettempdir()}/clientbase-kernel-*"
    before = set(glob.glob(pattern))
    result = runner.run(CI_PROFILE, only=list(paths), jobs=2, pdf=False, out=tmp_path / "reports",
                        say=lambda _: None)
    assert result.status == "ok"
    for name in paths:
        nb = nbformat.read(result.run_dir / f"{name}.ipynb", as_version=4)
        out = [o["text"].strip() for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stdout"]
        assert out == ["ipc"]
    assert set(glob.glob(pattern)) <= before  # each slot removed its socket folder
