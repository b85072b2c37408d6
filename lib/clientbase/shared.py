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
from collections.abc import Callable, Iterable
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
