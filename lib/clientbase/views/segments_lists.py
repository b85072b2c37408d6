"""Lists of each segment back into the systems (issue 15): for 1C and for mailing tools, written
into the run's folder by the notebook (`wb.write_list("lists", write_lists, result)`).

- `<segment>.1c.csv`: what 1C's «Загрузка из внешнего файла» takes into a segment or a mailing
  group — Windows-1251, `;`, the columns Код / Наименование / ИНН;
- `<segment>.mailing.csv`: UTF-8 with a header for mailing tools — customer_id, name, email,
  phone (the contacts in full: these are operational lists, never shown in the report's pages).

A character Windows-1251 cannot hold becomes «?» in the 1C list (and is counted in the
returned summary); values are quoted as CSV requires, so a name with `;` or quotes reads back
as written.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from clientbase.segments import SegmentsResult


def list_name(segment: str) -> str:
    """A file name for a segment: letters, digits, `-` and `_` kept, anything else `_`."""
    name = re.sub(r"[^\w\-]+", "_", segment, flags=re.UNICODE).strip("_")
    return name or "segment"


def write_lists(result: SegmentsResult, *, path: str | Path) -> Path:
    """Both lists of every segment (the user's and the RFM ones) into the folder `path`."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    facts = result.facts.set_index("customer_id")
    for segment, members in result.members.groupby("segment", sort=False):
        rows = facts.reindex(members["customer_id"].drop_duplicates())
        name = list_name(str(segment))
        one_c = io.StringIO()
        writer = csv.writer(one_c, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Код", "Наименование", "ИНН"])
        # column by column: a row at a time (iterrows) took 50 s for 250,000 members
        names, inns = (rows[c].tolist() if c in rows else [None] * len(rows) for c in ("name", "inn"))
        writer.writerows([code, _text(n), _text(i)] for code, n, i in zip(rows.index, names, inns, strict=True))
        (folder / f"{name}.1c.csv").write_bytes(one_c.getvalue().encode("cp1251", errors="replace"))
        mailing = pd.DataFrame({"customer_id": rows.index, "name": rows["name"].to_numpy(),
                                "email": rows["email"].to_numpy(), "phone": rows["phone"].to_numpy()})
        mailing.to_csv(folder / f"{name}.mailing.csv", index=False, encoding="utf-8", lineterminator="\n")
    return folder


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)
