"""A run stopped by SIGTERM (a scheduler) or Ctrl-C (SIGINT) ends cleanly.

Workers and their kernels are stopped, the temporary run folder and the lock are removed,
the exit status is 128 + the signal, and reports published earlier stay as they were.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time

import psutil
import pytest

from conftest import CI_PROFILE, ROOT


def _kernels() -> set[int]:
    """Workers and kernels of this checkout's Python (another checkout's tests may run beside)."""
    found = set()
    for proc in psutil.process_iter(["pid", "cmdline"]):
        args = proc.info["cmdline"] or []
        cmdline = " ".join(args)
        if args and args[0].startswith(sys.prefix) and ("ipykernel_launcher" in cmdline or "clientbase._worker" in cmdline):
            found.add(proc.info["pid"])
    return found


def _described(pids: set[int]) -> list[str]:
    out = []
    for pid in sorted(pids):
        try:
            proc = psutil.Process(pid)
            out.append(f"{pid} (parent {proc.ppid()}, {proc.status()}): {' '.join(proc.cmdline())[:160]}")
        except psutil.Error:
            out.append(f"{pid} (gone)")
    return out


def _start(out) -> subprocess.Popen:
    # four reports on two worker slots: each slot has a second notebook to run when the signal comes
    cmd = [sys.executable, "-m", "clientbase.cli", "run", str(CI_PROFILE), "--only", "abc_xyz", "receivables",
           "segments", "deal_funnel", "--no-pdf", "--jobs", "2", "--out", str(out)]
    # Ctrl-C as a terminal gives it: a suite started in the background of a shell inherits SIGINT
    # ignored (POSIX shells ignore it for background jobs), and Python then never raises KeyboardInterrupt
    return subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            env=dict(os.environ, PYTHONWARNINGS="error"), preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextlib.contextmanager
def _started(out):
    """A run; whatever the test finds, it is ended and its pipe closed (no warning leaks into later tests)."""
    proc = _start(out)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def _wait_for(proc: subprocess.Popen, text: str, timeout: float = 120) -> str:
    seen = ""
    selector = selectors.DefaultSelector()
    selector.register(proc.stderr, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while text not in seen:
        assert time.monotonic() < deadline, f"{text!r} never came: {seen}"
        if selector.select(timeout=1):
            line = proc.stderr.readline()
            assert line, f"the run ended before {text!r}: {seen}"
            seen += line
    return seen


@pytest.mark.parametrize(("sig", "code", "words"), [(signal.SIGTERM, 143, "stopped (SIGTERM)"),
                                                    (signal.SIGINT, 130, "interrupted")])
def test_a_stopped_run_leaves_nothing_behind_and_keeps_the_published_reports(ci_run, tmp_path, sig, code, words):
    out = tmp_path / "reports"
    before = _kernels()
    with _started(out) as first:
        _wait_for(first, "done")
        assert first.wait(timeout=300) == 0
    published = {p: p.read_bytes() for p in (out / "ci").rglob("*") if p.is_file()}
    assert published

    with _started(out) as second:
        _wait_for(second, ": running")
        deadline = time.monotonic() + 60
        while not (_kernels() - before) and time.monotonic() < deadline:  # a worker and its kernel are up
            time.sleep(0.1)
        time.sleep(0.5)
        assert second.poll() is None, "the run ended before it could be stopped"
        second.send_signal(sig)
        assert second.wait(timeout=60) == code
        assert words in second.stderr.read()

    left = sorted(p.name for p in (out / "ci").iterdir() if p.name.startswith("."))
    assert left == [], f"left behind: {left}"
    assert {p: p.read_bytes() for p in (out / "ci").rglob("*") if p.is_file()} == published
    deadline = time.monotonic() + 10
    while (_kernels() - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _kernels() - before
    assert left == set(), f"a worker or kernel outlived the run: {_described(left)}"
