"""One report in its own process: execute the notebook with papermill, then render it.

Started by the runner as `python -m clientbase._worker TASK.json`; writes a result file
({"status": "ok"|"failed", "error": ...}) next to the task. The process group is killed by
the runner on timeout, kernel included.
"""

from __future__ import annotations

import json
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path


def main(task_file: str) -> int:
    task = json.loads(Path(task_file).read_text(encoding="utf-8"))
    result = Path(task["result"])
    try:
        _execute(task)
    except Exception as exc:  # reported to the runner, which prints it and exits non-zero
        result.write_text(json.dumps({"status": "failed", "error": _describe(exc)}), encoding="utf-8")
        return 1
    result.write_text(json.dumps({"status": "ok", "error": None}), encoding="utf-8")
    return 0


def _execute(task: dict) -> None:
    import papermill

    notebook = Path(task["notebook"])
    papermill.execute_notebook(
        str(notebook),
        task["output"],
        parameters=task["parameters"],
        kernel_name="python3",
        cwd=str(notebook.parent),
        progress_bar=False,
        log_output=False,
        shutdown_kernel="immediate",
    )
    from clientbase.render import write_html, write_pdf

    meta = dict(task["meta"], generated_at=datetime.now(UTC).astimezone())
    write_html(Path(task["output"]), Path(task["html"]), **meta)
    if task.get("pdf"):
        write_pdf(Path(task["html"]), Path(task["pdf"]))


def _describe(exc: Exception) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        # the notebook's own error: its last traceback line says what went wrong
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    return "".join(traceback.format_exception_only(exc)).strip() + "\n" + traceback.format_exc(limit=3)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
