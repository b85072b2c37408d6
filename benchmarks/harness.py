"""Helpers of the benchmark runner: measuring a process tree, medians, targets, machine.

Every measurement runs in a fresh subprocess so that its memory is its own. Peak memory is
taken two ways and the larger is reported:

- polling: every `POLL_SECONDS` the whole process tree is walked (psutil) and each
  process's kernel high-water mark (VmHWM in /proc/PID/status) read, so a short peak is
  caught as long as the process lives until the next poll; the same walk gives the peak of
  the tree's *sum* of RSS;
- ``os.wait4`` returns the child's ``ru_maxrss``: the largest peak RSS of the child and of
  every descendant it waited for (a papermill worker waits for its kernel), exact however
  late the peak — used when it is above the launcher's own peak (see `measure`).

Wall time of a command is measured here, around the whole process; an in-process
measurement (benchmarks/measure.py) also reports the seconds of its measured part alone.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

POLL_SECONDS = 0.05
MB = 1024 * 1024


@dataclass
class Measured:
    """One run of one command."""

    seconds: float  # wall time of the whole process
    exit_code: int
    peak_rss: int  # bytes: the largest RSS of any single process of the tree
    peak_tree_rss: int  # bytes: the largest sum of RSS over the tree (polled)
    peak_process: str  # the command line of the process that had `peak_rss` (polled), short
    timed_out: bool = False
    result: dict[str, Any] = field(default_factory=dict)  # what the child wrote as JSON


def high_water(pid: int | str = "self") -> int:
    """The kernel's peak RSS of one process so far (VmHWM), in bytes; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class _Poller(threading.Thread):
    """Walks the process tree: per-process peak (VmHWM, exact up to the last poll of a
    process) and the peak of the sum of current RSS."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak_one = 0
        self.peak_sum = 0
        self.peak_name = ""

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for proc in procs:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    continue
                peak = high_water(proc.pid)
                if peak > self.peak_one:
                    self.peak_one = peak
                    try:
                        self.peak_name = " ".join(proc.cmdline())[:120]
                    except psutil.Error:
                        self.peak_name = "?"
            self.peak_sum = max(self.peak_sum, total)
            self.stop.wait(POLL_SECONDS)


def measure(
    cmd: list[str],
    *,
    log: Path,
    result: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 1800.0,
) -> Measured:
    """Run `cmd` in a new session, its output into `log`; time it and watch its memory.

    On timeout the whole process group is killed. `result` is a JSON file the child may
    write; it is read back into `Measured.result` (and removed first, so a stale one from an
    earlier run is never read).
    """
    if result is not None and result.exists():
        result.unlink()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)
        poller = _Poller(proc.pid)
        poller.start()
        timed_out = False
        status, usage = _wait(proc.pid, started + timeout)
        if status is None:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4, not by Popen
        poller.stop.set()
        poller.join()
    # ru_maxrss (kilobytes on Linux) covers the waited-for descendants too, but exec records
    # the high-water mark of the memory it replaces: the launcher's, since subprocess forks
    # with vfork. So it is only evidence when it is above this launcher's own peak (which is
    # kept small: run.py imports neither pandas nor DuckDB).
    waited = usage.ru_maxrss * 1024
    peak = max(waited if waited > high_water() else 0, poller.peak_one)
    data = json.loads(result.read_text(encoding="utf-8")) if result is not None and result.is_file() else {}
    return Measured(seconds, proc.returncode, peak, poller.peak_sum, poller.peak_name, timed_out, data)


def _wait(pid: int, deadline: float) -> tuple[int | None, Any]:
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.perf_counter() > deadline:
            return None, None
        time.sleep(0.02)


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values: list[float]) -> tuple[float, float] | None:
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else None


def verdict(value: float | None, limit: float, *, below: bool = False) -> str:
    """``met`` / ``missed by N %`` for a measured value against an upper limit.

    `below` is for a strict limit (``< limit``); otherwise ``≤ limit`` meets it. A missing
    value (the measurement failed) gives ``not measured``.
    """
    if value is None:
        return "not measured"
    ok = value < limit if below else value <= limit
    if ok:
        return "met"
    return f"missed by {100 * (value / limit - 1):.0f} %"


def machine() -> dict[str, str]:
    """CPU, cores, RAM and OS of this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": f"{os.cpu_count()} logical ({psutil.cpu_count(logical=False)} physical)",
        "ram": f"{psutil.virtual_memory().total / 1024**3:.1f} GiB",
        "os": system,
    }


def versions(root: Path, libraries: dict[str, str]) -> dict[str, str]:
    """Python, the libraries (as read by a measured process) and the git commit."""
    commit = _git(root, "rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    out = {"python": platform.python_version()}
    for name in ("pandas", "numpy", "duckdb", "pyarrow"):
        out[name] = libraries.get(name, "?")
    out["psutil"] = psutil.__version__
    out["clientbase"] = (f"{libraries.get('clientbase', '?')}, commit {commit}"
                         + (" with uncommitted changes" if dirty else ""))
    return out


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def size_label(lines: int) -> str:
    """10_000_000 → ``10M``; 1_500_000 → ``1.5M``."""
    value = lines / 1_000_000
    return f"{value:g}M"


def parse_size(text: str) -> int:
    """``10M`` → 10_000_000 order lines (also ``500k``, or a plain number)."""
    text = text.strip().lower().replace("_", "")
    for suffix, factor in (("m", 1_000_000), ("k", 1_000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def fmt_mb(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value / MB:,.0f} MB"
