"""A worker slot of a run: executes report notebooks one after another, then renders each.

Started by the runner as `python -m clientbase._worker --serve`; reads the path of a task
file (JSON) per line on stdin and writes a result file ({"status": "ok"|"failed", "error":
...}) for each, until stdin closes. One slot keeps one kernel for all its notebooks, so the
kernel's start and the imports of pandas, matplotlib and clientbase (seconds per notebook)
are paid once per slot, not once per report; before each notebook the kernel's namespace is
emptied (`%reset -f`, figures closed), so no notebook sees another's variables. The runner
kills the slot's process group on timeout, kernel included, and starts a new slot for the
reports still waiting. `python -m clientbase._worker TASK.json` runs one task the same way.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# the first cell of every notebook a slot executes: tagged so that the rendered report leaves it out
_RESET_SOURCE = "%reset -f\nfrom clientbase._worker import tidy_kernel\ntidy_kernel()\ndel tidy_kernel"
_RESET_TAGS = ["remove-cell", "clientbase-reset"]


class _Slot:
    """One kernel for every notebook of the slot, started with the first."""

    def __init__(self) -> None:
        self.km: Any = None
        self._sockets: str | None = None

    def run(self, task_file: str) -> int:
        task = json.loads(Path(task_file).read_text(encoding="utf-8"))
        result = Path(task["result"])
        try:
            self._execute(task)
        except Exception as exc:  # reported to the runner, which prints it and exits non-zero
            if not _is_notebook_error(exc):  # a dead or stuck kernel: the next task gets a new one
                self.close()
            _write_result(result, {"status": "failed", "error": _describe(exc)})
            return 1
        _write_result(result, {"status": "ok", "error": None})
        return 0

    def _execute(self, task: dict) -> None:
        import nbformat
        import papermill
        from jupyter_client.manager import AsyncKernelManager

        notebook = Path(task["notebook"])
        source = nbformat.read(notebook, as_version=4)
        reset = nbformat.v4.new_code_cell(_RESET_SOURCE, metadata={"tags": list(_RESET_TAGS)})
        source.cells.insert(0, reset)
        if self.km is None:
            # the kernel listens on Unix sockets in a folder of this slot's, not on TCP ports: ports
            # are picked free and bound a moment later, so two slots (or two runs) starting kernels
            # at once could pick the same one ("Address already in use", the kernel dies)
            self._sockets = tempfile.mkdtemp(prefix="clientbase-kernel-")
            self.km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=f"{self._sockets}/k")
        papermill.execute_notebook(
            source,
            task["output"],
            parameters=task["parameters"],
            kernel_name="python3",
            language="python",
            cwd=str(notebook.parent),
            progress_bar=False,
            log_output=False,
            km=self.km,
        )
        from clientbase.render import write_html, write_pdf

        meta = dict(task["meta"], generated_at=datetime.now(UTC).astimezone())
        write_html(Path(task["output"]), Path(task["html"]), **meta)
        if task.get("pdf"):
            write_pdf(Path(task["html"]), Path(task["pdf"]))

    def close(self) -> None:
        """Shut the kernel down (now); the next task starts a new one."""
        km, self.km = self.km, None
        sockets, self._sockets = self._sockets, None
        if km is None:
            return
        from jupyter_core.utils import run_sync

        try:
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 - a kernel that cannot be asked is killed with the slot
            pass
        if sockets:
            shutil.rmtree(sockets, ignore_errors=True)


def tidy_kernel() -> None:
    """Between two notebooks of a slot (after `%reset -f`): close every figure, collect garbage."""
    import gc

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    gc.collect()


def serve() -> int:
    slot = _Slot()
    try:
        for line in sys.stdin:
            if line.strip():
                slot.run(line.strip())
    finally:
        slot.close()
    return 0


def main(task_file: str) -> int:
    slot = _Slot()
    try:
        return slot.run(task_file)
    finally:
        slot.close()


def _write_result(path: Path, data: dict) -> None:
    """The result file appears whole: the runner watches for it."""
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    temporary.replace(path)


def _is_notebook_error(exc: Exception) -> bool:
    from papermill.exceptions import PapermillExecutionError

    return isinstance(exc, PapermillExecutionError)


def _describe(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        # the notebook's own error: its last traceback line says what went wrong
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    return "".join(traceback.format_exception_only(exc)).strip() + "\n" + traceback.format_exc(limit=3)


if __name__ == "__main__":
    sys.exit(serve() if sys.argv[1:] == ["--serve"] else main(sys.argv[1]))
