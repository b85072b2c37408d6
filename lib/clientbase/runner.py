"""`clientbase run`: prepare the data once, execute each report notebook, render, publish.

Notebooks run in worker processes (papermill through its Python API, in
`clientbase._worker`), up to `jobs` at a time; each worker keeps one kernel for the notebooks
it runs one after another (its namespace emptied between them), so a kernel's start and
imports are paid once per worker. Each report runs under a wall-clock timeout that kills the
worker's process group (kernel included); the reports still waiting go to a new worker.
Everything is written into a temporary folder beside the published one and swapped in only
when the run succeeded (or, with keep_going, when at least one report did); a failed run
leaves the published reports untouched and keeps the failed notebook next to its error. A
lock file keeps two runs of the same profile and period apart.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clientbase import __version__, catalog
from clientbase.cache import Prepared, prepare
from clientbase.errors import ClientbaseError
from clientbase.profiles import Profile, check_report_settings, load_profile
from clientbase.shared import InBackground


@dataclass
class ReportOutcome:
    name: str
    title: str
    status: str = "pending"  # ok | failed | timeout
    seconds: float = 0.0
    error: str | None = None
    html: str | None = None
    pdf: str | None = None
    notebook: str | None = None
    tables: list[str] = field(default_factory=list)
    headline: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class RunResult:
    status: str  # ok | partial | failed
    run_dir: Path | None  # the published folder (None when nothing was published)
    failed_dir: Path | None  # where failed notebooks were kept
    reports: tuple[ReportOutcome, ...]
    index: Path | None

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "ok" else 1


def run(
    profile_path: str | Path,
    *,
    period: str | None = None,
    only: Sequence[str] | None = None,
    language: str | None = None,
    jobs: int | None = None,
    pdf: bool = True,
    keep_going: bool = False,
    out: str | Path | None = None,
    timeout_minutes: float | None = None,
    say: Callable[[str], None] = print,
) -> RunResult:
    """Run a profile's reports for a period; see the module docstring for the guarantees."""
    started_at = datetime.now(UTC)
    t0 = time.perf_counter()
    profile = load_profile(profile_path)
    reports = _selected_reports(profile, only)
    language = language or profile.language
    if language not in ("en", "ru"):
        raise ClientbaseError(f"--lang {language!r}: expected en or ru")
    out_root = Path(out).resolve() if out else catalog.project_root() / "reports"

    say(f"clientbase {__version__}: profile {profile.name} ({profile.file})")
    prepared = prepare(profile, period=period, progress=lambda m: say(f"  {m}"))
    label = prepared.period.label
    say(f"  period {label}, as of {prepared.period.as_of.date()} (data ready in {prepared.seconds:.1f} s)")
    shared = InBackground(profile, prepared, reports, say)

    profile_dir = out_root / profile.name
    profile_dir.mkdir(parents=True, exist_ok=True)
    with _lock(profile_dir / f".{label}.lock", profile.name, label):
        tmp = Path(tempfile.mkdtemp(prefix=f".run-{label}-", dir=profile_dir))
        try:
            outcomes = _execute_all(
                profile, prepared, reports, tmp,
                language=language, jobs=jobs or os.cpu_count() or 1, pdf=pdf,
                timeout=60 * (timeout_minutes or profile.timeout_minutes), say=say, ready=shared.ready,
            )
            shared_seconds = shared.wait()
            ok = [o for o in outcomes if o.status == "ok"]
            status = "ok" if len(ok) == len(outcomes) else ("partial" if ok and keep_going else "failed")
            manifest = _manifest(profile, prepared, outcomes, language=language, status=status,
                                 started_at=started_at, total=time.perf_counter() - t0)
            manifest["timings"]["shared"] = round(shared_seconds, 2)
            (tmp / "run.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            if status == "failed":
                failed_dir = _keep_failed(tmp, profile_dir, label, outcomes)
                tmp = None
                for o in outcomes:
                    if o.status != "ok":
                        say(f"FAILED {o.name}: {o.error}")
                say(f"nothing published; the failed notebooks are kept in {failed_dir}")
                return RunResult(status, None, failed_dir, tuple(outcomes), None)
            from clientbase.pages import write_reports_index, write_run_index

            write_run_index(tmp, manifest)
            run_dir = profile_dir / label
            _publish(tmp, run_dir)
            tmp = None
            index = write_reports_index(out_root)
        finally:
            if tmp is not None and tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    for o in outcomes:
        if o.status != "ok":
            say(f"FAILED {o.name}: {o.error}")
    say(f"{'done' if status == 'ok' else 'done with failures'} in {time.perf_counter() - t0:.1f} s: "
        f"{run_dir / 'index.html'}")
    return RunResult(status, run_dir, None, tuple(outcomes), index)


# --- executing notebooks --------------------------------------------------------------------


def notebook_parameters_for(
    report: str, profile: Profile, prepared: Prepared, *, language: str, output_dir: Path
) -> dict[str, Any]:
    """The parameters a report gets: common ones it declares + its profile section."""
    declared = catalog.notebook_parameters(report)
    common = {
        "profile": str(profile.file),
        "period": prepared.period.label,
        "language": language,
        "currency": profile.currency,
        "cache": str(prepared.cache_dir),
        "output_dir": str(output_dir),
        "mask_pii": profile.mask_pii,
    }
    params = {k: v for k, v in common.items() if k in declared}
    settings = profile.report_settings(report)
    check_report_settings(report, settings, file=profile.file)
    return params | settings


@dataclass
class _Slot:
    """A worker process (`clientbase._worker --serve`) and the report it is running, if any."""

    proc: subprocess.Popen
    log: Path
    report: str | None = None
    start: float = 0.0
    log_at: int = 0  # where the current report's part of the log starts


def _execute_all(
    profile: Profile, prepared: Prepared, reports: Sequence[str], tmp: Path, *,
    language: str, jobs: int, pdf: bool, timeout: float, say: Callable[[str], None],
    ready: Callable[[str], bool] = lambda _report: True,
) -> list[ReportOutcome]:
    """Run the reports on up to `jobs` worker slots, each keeping its kernel from one notebook to the
    next (see `clientbase._worker`); the longest-running reports that are `ready` are started first."""
    from clientbase.text import t

    outcomes = {r: ReportOutcome(r, t(r, language)) for r in reports}
    queue = sorted(reports, key=lambda r: _ORDER_OF_COST.get(r, len(_ORDER_OF_COST)))
    slots: list[_Slot] = []
    done = 0
    try:
        while queue or any(s.report for s in slots):
            idle = sum(1 for s in slots if s.report is None)
            for _ in range(min(len(queue) - idle, max(1, jobs) - len(slots))):
                _new_slot(tmp, slots)
            for slot in [s for s in slots if s.report is None]:
                report = next((r for r in queue if ready(r)), None)
                if report is None:  # the rest wait for the shared results
                    break
                queue.remove(report)
                _start(slot, report, profile, prepared, tmp, outcomes, language=language, pdf=pdf)
                say(f"  [{done + sum(1 for s in slots if s.report)}/{len(reports)}] {slot.report}: running")
            time.sleep(0.1)
            for slot in list(slots):
                if slot.report is None:
                    continue
                report = slot.report
                outcome = outcomes[report]
                elapsed = time.perf_counter() - slot.start
                result = tmp / f".{report}.result.json"
                if result.is_file():
                    _read_result(outcome, result, tmp, report, 0, elapsed)
                    slot.report = None
                elif slot.proc.poll() is not None:  # the slot died with its report: its log says why
                    _fail_from_log(outcome, slot, elapsed)
                    _stop(slot)
                    slots.remove(slot)
                elif elapsed > timeout:
                    _stop(slot)
                    outcome.status, outcome.seconds = "timeout", elapsed
                    outcome.error = f"timed out after {timeout / 60:.0f} min (timeout_minutes in the profile)"
                    outcome.notebook = f"{report}.ipynb" if (tmp / f"{report}.ipynb").is_file() else None
                    slots.remove(slot)
                else:
                    continue
                done += 1
                mark = "ok" if outcome.status == "ok" else outcome.status.upper()
                say(f"  [{done}/{len(reports)}] {report}: {mark} ({outcome.seconds:.1f} s)")
        for slot in slots:  # no more work: each slot shuts its kernel down and exits
            with contextlib.suppress(BrokenPipeError, OSError):
                slot.proc.stdin.close()
        for slot in slots:
            try:
                slot.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                _kill(slot.proc)
    finally:  # interrupted (Ctrl-C, SIGTERM) or failed: no worker or kernel outlives the run
        for slot in slots:
            _stop(slot)
    return [outcomes[r] for r in reports]


# reports by how long they usually take (the longest first, so that the last to finish is short)
_ORDER_OF_COST = {name: i for i, name in enumerate((
    "kpis", "segments", "clv", "base_audit", "reactivation", "deal_funnel", "abc_xyz", "data_overview",
    "campaign_roi", "receivables"))}


def _new_slot(tmp: Path, slots: list[_Slot]) -> None:
    """Start a worker slot and add it to `slots`; Ctrl-C or SIGTERM wait until it is there, so the
    run's clean-up always knows every worker it started."""
    log = tmp / f".slot-{len(slots)}-{time.monotonic_ns()}.log"
    signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        with open(log, "wb") as out:  # the child keeps its own copy
            proc = subprocess.Popen(
                [sys.executable, "-m", "clientbase._worker", "--serve"],
                start_new_session=True, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=out,
                text=True, encoding="utf-8",
            )
        slots.append(_Slot(proc, log))
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, signals)


def _start(slot: _Slot, report: str, profile: Profile, prepared: Prepared, tmp: Path,
           outcomes: dict[str, ReportOutcome], *, language: str, pdf: bool) -> None:
    task = {
        "report": report,
        "notebook": str(catalog.notebook_path(report)),
        "output": str(tmp / f"{report}.ipynb"),
        "parameters": notebook_parameters_for(report, profile, prepared, language=language,
                                              output_dir=tmp / report),
        "html": str(tmp / f"{report}.html"),
        "pdf": str(tmp / f"{report}.pdf") if pdf else None,
        "meta": {"title": outcomes[report].title, "profile": profile.name,
                 "period": prepared.period.label, "language": language},
        "result": str(tmp / f".{report}.result.json"),
    }
    task_file = tmp / f".{report}.task.json"
    task_file.write_text(json.dumps(task, ensure_ascii=False), encoding="utf-8")
    slot.report, slot.start = report, time.perf_counter()
    slot.log_at = slot.log.stat().st_size if slot.log.is_file() else 0
    with contextlib.suppress(BrokenPipeError, OSError):  # a dead slot is noticed by the polling loop
        slot.proc.stdin.write(f"{task_file}\n")
        slot.proc.stdin.flush()


def _stop(slot: _Slot) -> None:
    """Kill a slot (its process group and kernel) unless it has ended, and close its pipe."""
    if slot.proc.poll() is None:
        _kill(slot.proc)
    with contextlib.suppress(BrokenPipeError, OSError):
        slot.proc.stdin.close()


def _fail_from_log(outcome: ReportOutcome, slot: _Slot, elapsed: float) -> None:
    text = slot.log.read_bytes()[slot.log_at:].decode("utf-8", errors="replace")[-2000:]
    outcome.seconds = elapsed
    outcome.status = "failed"
    outcome.error = f"the worker exited with code {slot.proc.returncode}: {text.strip()}"


def _read_result(outcome: ReportOutcome, result: Path, tmp: Path, report: str, code: int, elapsed: float) -> None:
    outcome.seconds = elapsed
    if result.is_file():
        data = json.loads(result.read_text(encoding="utf-8"))
        outcome.status = data["status"]
        outcome.error = data.get("error")
    else:
        log = (tmp / f".{report}.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        outcome.status, outcome.error = "failed", f"the worker exited with code {code}: {log.strip()}"
    outcome.notebook = f"{report}.ipynb" if (tmp / f"{report}.ipynb").is_file() else None
    if outcome.status != "ok":
        return
    outcome.html = f"{report}.html"
    outcome.pdf = f"{report}.pdf" if (tmp / f"{report}.pdf").is_file() else None
    folder = tmp / report
    if folder.is_dir():
        outcome.tables = sorted(str(p.relative_to(tmp)) for p in folder.iterdir()
                                if p.suffix in (".csv", ".xlsx"))
        headline = folder / "headline.json"
        if headline.is_file():
            outcome.headline = json.loads(headline.read_text(encoding="utf-8"))
            headline.unlink()


def _kill(proc: subprocess.Popen) -> None:
    """Kill a worker's process group and its notebook kernel, which jupyter_client starts in a
    session of its own (so the group's signal does not reach it, and a kernel still starting up
    would notice its parent's death only later)."""
    import psutil

    # stopped first, the worker cannot start a kernel between the look at its children and the kill
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGSTOP)
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.kill()
    proc.wait()


# --- manifest, publishing, locking ----------------------------------------------------------
def _manifest(profile: Profile, prepared: Prepared, outcomes: list[ReportOutcome], *, language: str,
              status: str, started_at: datetime, total: float) -> dict[str, Any]:
    import duckdb
    import nbconvert
    import pandas
    import papermill

    return {
        "clientbase_version": __version__,
        "profile": profile.name,
        "profile_path": str(profile.file),
        "period": prepared.period.label,
        "as_of": prepared.period.as_of.date().isoformat(),
        "language": language,
        "currency": profile.currency,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": status,
        "git_commit": _git_commit(),
        "versions": {"python": platform.python_version(), "pandas": pandas.__version__,
                     "duckdb": duckdb.__version__, "papermill": papermill.__version__,
                     "nbconvert": nbconvert.__version__},
        "parameters": {
            "profile": profile.model_dump(mode="json", exclude={"file", "settings"}),
            "reports": {o.name: _declared_settings(o.name, profile) for o in outcomes},
        },
        "inputs": list(prepared.inputs),
        "reports": [o.__dict__ for o in outcomes],
        "timings": {"prepare": round(prepared.seconds, 2), "total": round(total, 2),
                    **{o.name: round(o.seconds, 2) for o in outcomes}},
    }


def _declared_settings(report: str, profile: Profile) -> dict[str, Any]:
    declared = catalog.notebook_parameters(report)
    values = {k: p.default for k, p in declared.items() if k not in catalog.COMMON_PARAMETERS}
    return values | profile.report_settings(report)


def _publish(tmp: Path, run_dir: Path) -> None:
    """Swap the new run folder in; the old one is removed only after the swap."""
    for p in tmp.glob(".*"):
        p.unlink() if p.is_file() else shutil.rmtree(p, ignore_errors=True)
    os.chmod(tmp, 0o755)  # mkdtemp made it private; a published report is for everyone
    old = None
    if run_dir.exists():
        old = run_dir.with_name(f".old-{run_dir.name}-{os.getpid()}")
        os.rename(run_dir, old)
    os.rename(tmp, run_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _keep_failed(tmp: Path, profile_dir: Path, label: str, outcomes: list[ReportOutcome]) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = profile_dir / ".failed" / f"{label}-{stamp}-{os.getpid()}"
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{o.name}: {o.status}\n{o.error or ''}\n" for o in outcomes if o.status != "ok"]
    (tmp / "ERROR.txt").write_text("\n".join(lines), encoding="utf-8")
    os.rename(tmp, target)
    return target


class _lock:
    """An exclusive, non-blocking lock on a file; a second run fails at once."""

    def __init__(self, path: Path, profile: str, period: str):
        self.path, self.profile, self.period = path, profile, period

    def __enter__(self) -> _lock:
        while True:
            self.file = open(self.path, "a+")
            try:
                fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.file.close()
                raise ClientbaseError(
                    f"another run of profile {self.profile!r} for {self.period} is in progress "
                    f"(lock {self.path}); wait for it to finish"
                ) from None
            # a run that just finished removes its lock file: a lock on that removed file locks
            # nothing, so take the lock again on the file now at the path
            try:
                if os.stat(self.path).st_ino == os.fstat(self.file.fileno()).st_ino:
                    return self
            except FileNotFoundError:
                pass
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # removed while still held: nothing is left behind after a run
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _selected_reports(profile: Profile, only: Sequence[str] | None) -> list[str]:
    wanted = list(only) if only else list(profile.reports)
    unknown = [r for r in wanted if r not in catalog.REPORTS]
    if unknown:
        raise ClientbaseError(f"--only {unknown[0]!r}: unknown report; expected some of {', '.join(catalog.REPORTS)}")
    available = catalog.available_reports()
    missing = [r for r in wanted if r not in available]
    if missing:
        raise ClientbaseError(f"report {missing[0]!r} has no notebook yet in {catalog.notebooks_dir()}")
    return wanted


def _git_commit() -> str | None:
    try:
        root = catalog.project_root()
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5)
    except (OSError, subprocess.SubprocessError, ClientbaseError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
