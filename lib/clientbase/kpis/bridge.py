"""The revenue bridge (1C's «Сравнительный анализ продаж»): a quarter against the same quarter
a year ago and against the previous one, in total and by manager, region and source, with the
change split into the part of each kind of client.

Source: REFERENCE.md "KPIs of the base, quarter by quarter" and issue 16. A client *bought* in
a quarter when it has an activity order (a document with a positive total) in it. Each client
falls in exactly one part, so the parts add up to the change to the kopeck:

- `new`: its first activity order (in all the data up to as_of) is in the quarter;
- `returned`: bought in the quarter, not in the comparison quarter, and is not new;
- `lost`: bought in the comparison quarter and not in this one;
- `more` / `less`: the others (bought in both, or in neither: returns only), by the sign of
  their change.
A client's part is its revenue now minus its revenue then (net of returns).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clientbase.kpis.options import BRIDGE_COLUMNS, PARTS
from clientbase.periods import Period, quarter_of


def comparison_quarters(as_of: pd.Timestamp) -> dict[str, Period]:
    """The comparison quarters of the quarter of `as_of`: the previous one and the same one a year ago."""
    now = quarter_of(as_of)
    return {"previous_quarter": now.previous(), "year_ago": now.previous(4)}


def client_changes(daily: pd.DataFrame, *, as_of: pd.Timestamp, base: Period) -> pd.DataFrame:
    """Per client with revenue or an activity order in the quarter of as_of or in `base`: customer_id,
    revenue_base, revenue, bought_base, bought, new, part (one of `PARTS`), change."""
    now = quarter_of(as_of)
    days = daily["date"].to_numpy(dtype="datetime64[ns]")
    orders = daily["orders"].to_numpy(dtype="int64")
    ids = daily["customer_id"].to_numpy()
    first = pd.Series(days[orders > 0]).groupby(ids[orders > 0]).min()
    frames = []
    for name, period in (("base", base), ("now", now)):
        inside = (days >= period.start.to_datetime64()) & (days <= period.as_of.to_datetime64())
        part = pd.DataFrame({"customer_id": ids[inside], "revenue": daily["revenue"].to_numpy()[inside],
                             "bought": orders[inside] > 0})
        sums = part.groupby("customer_id", sort=False).agg(revenue=("revenue", "sum"), bought=("bought", "any"))
        frames.append(sums.add_suffix("_base" if name == "base" else ""))
    table = frames[0].join(frames[1], how="outer")
    table[["revenue_base", "revenue"]] = table[["revenue_base", "revenue"]].fillna(0.0)
    table[["bought_base", "bought"]] = table[["bought_base", "bought"]].fillna(False).astype(bool)
    first_day = first.reindex(table.index).to_numpy(dtype="datetime64[ns]")
    table["new"] = (first_day >= now.start.to_datetime64()) & (first_day <= now.as_of.to_datetime64())
    table["change"] = table["revenue"] - table["revenue_base"]
    part = np.where(table["change"] >= 0, "more", "less").astype(object)
    part[(table["bought_base"] & ~table["bought"]).to_numpy()] = "lost"
    part[(table["bought"] & ~table["bought_base"] & ~table["new"]).to_numpy()] = "returned"
    part[table["new"].to_numpy()] = "new"
    table["part"] = part
    return table.rename_axis("customer_id").reset_index()


def revenue_bridge(daily: pd.DataFrame, customers: pd.DataFrame, *, as_of: pd.Timestamp,
                   dimensions: Sequence[str] = ("manager", "region", "source")) -> pd.DataFrame:
    """The bridge (`BRIDGE_COLUMNS`) for both comparisons: a `total` row, then one row per group of
    each dimension (a card field; clients without a value form the group with an empty name),
    largest absolute change first. For every row revenue − revenue_base = change = Σ parts, and
    the groups of a dimension add up to the total."""
    rows = []
    for comparison, base in comparison_quarters(as_of).items():
        changes = client_changes(daily, as_of=as_of, base=base)
        cards = customers[["customer_id", *dimensions]].drop_duplicates("customer_id")
        changes = changes.merge(cards, on="customer_id", how="left")
        keys = {"comparison": comparison, "base_quarter": base.label, "quarter": quarter_of(as_of).label}
        rows.append(_sums(changes, None).assign(**keys, dimension="total", group=""))
        for dimension in dimensions:
            groups = changes[dimension].astype("str").str.strip().replace("", pd.NA)
            table = _sums(changes, groups).assign(**keys, dimension=dimension)
            table = table.assign(order=table["change"].abs()).sort_values(
                ["order", "group"], ascending=[False, True], kind="stable", na_position="last")
            rows.append(table.drop(columns="order"))
    frame = pd.concat(rows, ignore_index=True)
    return frame[list(BRIDGE_COLUMNS)]


def _sums(changes: pd.DataFrame, groups: pd.Series | None) -> pd.DataFrame:
    changes = changes.assign(lost=changes["part"] == "lost")
    key = pd.Series("", index=changes.index) if groups is None else groups.fillna("\x00")
    parts = pd.crosstab(key, changes["part"], values=changes["change"], aggfunc="sum").reindex(
        columns=list(PARTS)).fillna(0.0)
    sums = changes.groupby(key, sort=True).agg(
        revenue_base=("revenue_base", "sum"), revenue=("revenue", "sum"), customers_base=("bought_base", "sum"),
        customers=("bought", "sum"), new_customers=("new", "sum"), lost_customers=("lost", "sum"))
    if groups is None and sums.empty:  # a quarter pair without any sale still has its total
        sums = pd.DataFrame({c: [0] for c in sums.columns}, index=pd.Index([""]))
    table = sums.join(parts).fillna({p: 0.0 for p in PARTS})
    table["change"] = table["revenue"] - table["revenue_base"]
    table = table.rename_axis("group").reset_index()
    table["group"] = table["group"].replace("\x00", pd.NA) if groups is not None else table["group"]
    return table.astype({c: "int64" for c in ("customers_base", "customers", "new_customers", "lost_customers")})
