"""Results that several reports of a run use, computed once and kept with the prepared data.

The ABC-XYZ classes (read by the reactivation and segments reports) and the repeat-purchase
forecast (the CLV report's, read by the reactivation and segments reports) would otherwise be
computed again by each notebook's kernel. The runner computes them once after preparing the
data (`precompute`), into ``<facts folder>/shared/``, and every notebook reads them, so the
reports of a run agree by construction (issue 17: "each analysis once per run"). An analyst's
session computes one on first use and keeps it there the same way. Two results only one
report reads are kept there too, computed by that report's notebook, because they are the
costliest parts of a re-run of the same data: the reactivation report's top products (a pass
over the order lines) and the ABC-XYZ report's migration.

A result is keyed by its name, its options and a fingerprint of the package's code, inside a
facts folder that is itself keyed by the inputs' fingerprints and as_of: a change of data,
options or code never reads an old result. Files are written atomically.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from clientbase.files import write_atomically

FOLDER = "shared"
# the reports that read what `precompute` computes: a run starts them once it is done, the
# others at once, while it computes
READERS = frozenset({"reactivation", "segments", "clv"})


@cache
def code_fingerprint() -> str:
    """sha256 of the package's Python and YAML files (their paths and contents)."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def path_of(facts_dir: Path, name: str, options: Any) -> Path:
    """Where the result `name` computed with `options` (a pydantic model or None) is kept."""
    text = options.model_dump_json() if hasattr(options, "model_dump_json") else repr(options)
    key = hashlib.sha256(f"{name}|{text}|{code_fingerprint()}".encode()).hexdigest()[:20]
    return Path(facts_dir) / FOLDER / f"{name}-{key}.pickle"


def load_or_compute(facts_dir: Path, name: str, options: Any, compute: Callable[[], Any]) -> Any:
    """The kept result, or `compute()` kept for the next reader (a damaged file is computed again)."""
    path = path_of(facts_dir, name, options)
    if path.is_file():
        try:
            with path.open("rb") as f:
                return pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            pass
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return value


def precompute(workbook: Any, reports: Iterable[str]) -> list[str]:
    """Compute the shared results the `reports` of a run will read (with the profile's options);
    returns their names. Results that cannot be made from this data (e.g. no classification
    by gross profit without cost) are left for the reports, which say so themselves."""
    reports = set(reports)
    done = []
    if reports & {"reactivation", "segments"} and workbook.known_classes() is not None:
        done.append("abc_xyz_classes")
    if reports & {"clv", "reactivation", "segments"} and "clv" in workbook.profile.reports:
        workbook.clv_result()
        done.append("clv")
    return done


class InBackground:
    """`for_run` on a thread of the runner, started before the notebooks: the reports that do
    not read its results (most of them) run meanwhile, those that do (`READERS`) wait for it, so
    its seconds at 10M lines overlap the other reports' instead of delaying all."""

    def __init__(self, profile: Any, prepared: Any, reports: Sequence[str], say: Callable[[str], None]) -> None:
        self.seconds = 0.0
        # a daemon: an interrupted run exits without waiting for the fit (its results are kept
        # only when whole, see shared.load_or_compute)
        self._thread = threading.Thread(target=self._compute, args=(profile, prepared, reports, say),
                                        name="clientbase-shared", daemon=True)
        self._thread.start()

    def _compute(self, profile: Any, prepared: Any, reports: Sequence[str], say: Callable[[str], None]) -> None:
        self.seconds = for_run(profile, prepared, reports, say)

    def ready(self, report: str) -> bool:
        """Whether `report` may start: it reads no shared result, or they are computed."""
        return report not in READERS or not self._thread.is_alive()

    def wait(self) -> float:
        """The seconds the shared results took, once they are done."""
        self._thread.join()
        return self.seconds


def for_run(profile: Any, prepared: Any, reports: Sequence[str], say: Callable[[str], None]) -> float:
    """Compute once what several of the reports read (`clientbase.shared`); the seconds it took.

    A failure here is left to the reports that need the result: each says what went wrong in
    its own notebook, as it would without this step.
    """
    from clientbase.workbook import Workbook

    start = time.perf_counter()
    workbook = Workbook(profile, prepared, language=profile.language, currency=profile.currency,
                        mask_pii=profile.mask_pii, output_dir=None, report=None)
    try:
        done = precompute(workbook, reports)
    except Exception as exc:  # noqa: BLE001 - reported by the notebook that needs it
        say(f"  shared results not computed ({type(exc).__name__}: {exc}); each report computes its own")
        return time.perf_counter() - start
    seconds = time.perf_counter() - start
    if done:
        say(f"  computed once for every report: {', '.join(done)} ({seconds:.1f} s)")
    return seconds
