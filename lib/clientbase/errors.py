"""The exceptions clientbase raises on purpose; each message names what is at fault."""

from __future__ import annotations

from dataclasses import dataclass


class ClientbaseError(Exception):
    """Base class: an error a user can act on, shown without a traceback."""


class ProfileError(ClientbaseError):
    """A run profile (params/*.yaml) is missing, malformed or names an impossible value."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    `row` is the 1-based line of the file as a spreadsheet or text editor shows it
    (the header is row 1 in a plain CSV), or None when the problem is not about a row.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"  # "error" stops the run; "warning" is reported and the run goes on
    table: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class DataError(ClientbaseError):
    """The data source has errors; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem], *, limit: int = 50):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [str(p) for p in errors[:limit]]
        if len(errors) > limit:
            lines.append(f"... and {len(errors) - limit} more problems of the same kinds")
        super().__init__(
            f"the data source has {len(errors)} problem{'s' if len(errors) != 1 else ''}:\n  "
            + "\n  ".join(lines)
        )


