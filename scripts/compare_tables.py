"""Compare the CSV tables of two run folders byte for byte.

    python scripts/compare_tables.py BEFORE AFTER

BEFORE and AFTER are `--out` folders (or run folders) of `clientbase run`. Every `*.csv`
under BEFORE must exist under AFTER with the same bytes; tables only AFTER has are listed
as new. Exits 1 when a table differs or is missing, so a refactoring can prove that it
changed no number.
"""

from __future__ import annotations

import sys
from pathlib import Path


def compare(before: Path, after: Path) -> dict[str, list[str]]:
    """{"same": [...], "different": [...], "missing": [...], "new": [...]} of relative CSV paths."""
    old = {p.relative_to(before).as_posix() for p in before.rglob("*.csv") if ".failed" not in p.parts}
    new = {p.relative_to(after).as_posix() for p in after.rglob("*.csv") if ".failed" not in p.parts}
    found: dict[str, list[str]] = {"same": [], "different": [], "missing": sorted(old - new), "new": sorted(new - old)}
    for name in sorted(old & new):
        same = (before / name).read_bytes() == (after / name).read_bytes()
        found["same" if same else "different"].append(name)
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    before, after = (Path(a) for a in argv)
    for folder in (before, after):
        if not folder.is_dir():
            print(f"{folder}: no such folder", file=sys.stderr)
            return 2
    found = compare(before, after)
    print(f"{len(found['same'])} identical, {len(found['different'])} different, "
          f"{len(found['missing'])} missing, {len(found['new'])} new")
    for kind in ("different", "missing", "new"):
        for name in found[kind]:
            print(f"  {kind}: {name}")
    return 1 if found["different"] or found["missing"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
