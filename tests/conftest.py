"""Shared fixtures: the small CI dataset and end-to-end runs of the CI profile.

The runs are session-scoped: one English and one Russian run of every report, each into
its own temporary reports folder, shared by the tests that read their output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CI_PROFILE = ROOT / "params" / "ci.yaml"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path

    def folder(self, profile: str = "ci") -> Path:
        runs = [p for p in (self.out / profile).iterdir() if p.is_dir() and not p.name.startswith(".")]
        assert len(runs) == 1, runs
        return runs[0]


def clientbase(*args: str, out: Path | None = None, timeout: float = 900) -> Run:
    """Run the `clientbase` command line in a fresh process, as a user or scheduler would."""
    cmd = [sys.executable, "-m", "clientbase.cli", *args]
    if out is not None:
        cmd += ["--out", str(out)]
    # warnings are errors in the runs too, in the runner and in every notebook kernel
    env = dict(os.environ, PYTHONWARNINGS="error")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env)
    return Run(proc.returncode, proc.stdout, proc.stderr, out or ROOT / "reports")


def ci_profile_for(data: Path, path: Path) -> Path:
    """The CI profile (its reports and settings) written to `path`, reading the 1C export in `data`."""
    profile = yaml.safe_load(CI_PROFILE.read_text(encoding="utf-8"))
    profile["data"] = {"path": str(data), "format": "1c"}
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def ci_run(tmp_path_factory) -> Run:
    out = tmp_path_factory.mktemp("reports-en")
    run = clientbase("run", str(CI_PROFILE), "--jobs", "2", out=out)
    assert run.code == 0, run.stderr[-3000:]
    return run


@pytest.fixture(scope="session")
def ci_run_ru(tmp_path_factory) -> Run:
    out = tmp_path_factory.mktemp("reports-ru")
    run = clientbase("run", str(CI_PROFILE), "--lang", "ru", "--jobs", "2", out=out)
    assert run.code == 0, run.stderr[-3000:]
    return run


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test made is closed after it (matplotlib warns past 20 open figures)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
