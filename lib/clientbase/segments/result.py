"""Everything the segments report shows, computed once (REFERENCE.md "RFM and segments").

- RFM scores and segments now and at the previous quarter's end (the flows between them);
- the per-customer facts the user's rules read, and each user segment's members; a periodic
  segment's members are kept per quarter in the run folder (`segments/members.csv`), so the
  next quarter's run finds them there and shows who entered and who left;
- loyalty levels against behaviour (1C's «Анализ клиентской базы»).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.errors import ClientbaseError
from clientbase.segments.options import CHANGES_COLUMNS, DEFAULTS, FACT_FIELDS, MEMBERS_COLUMNS, SegmentsOptions
from clientbase.segments.rfm import rfm_table
from clientbase.segments.rules import parse_rule

# declared loyalty (1C's «Лояльность») that contradicts the measured RFM segment
HIGH_LOYALTY = ("высокая", "высокий", "high")
LOW_LOYALTY = ("низкая", "низкий", "low")
SLIPPING = ("at_risk", "hibernating")  # REFERENCE.md: a «Высокая» card in at_risk / hibernating


@dataclass(frozen=True)
class SegmentsResult:
    """The segments of one run at `as_of`, with the RFM segments a quarter earlier."""

    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp
    rfm: pd.DataFrame  # rfm.csv
    rfm_before: pd.DataFrame
    facts: pd.DataFrame  # per customer, the fields a rule may read
    members: pd.DataFrame  # members.csv: segment, customer_id, since (user segments and RFM segments)
    changes: pd.DataFrame  # changes.csv: segment, customer_id, change (entered / left), quarter
    periodic_history: bool  # whether the previous quarter's members of the periodic segments were found
    loyalty_known: bool
    options: SegmentsOptions

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"rfm.csv": self.rfm, "members.csv": self.members, "changes.csv": self.changes}

    def rfm_summary(self) -> pd.DataFrame:
        """Per RFM segment: clients and revenue now, a quarter earlier, and the changes."""
        now = self.rfm.groupby("segment").agg(clients=("customer_id", "size"), revenue=("monetary", "sum"))
        before = self.rfm_before.groupby("segment").agg(clients_before=("customer_id", "size"),
                                                        revenue_before=("monetary", "sum"))
        order = [c.segment for c in self.options.map]
        table = now.join(before, how="outer").reindex(list(dict.fromkeys(order))).fillna(0)
        table = table.astype({"clients": "int64", "clients_before": "int64"})
        table["change"] = table["clients"] - table["clients_before"]
        return table.reset_index(names="segment")

    def flows(self) -> pd.DataFrame:
        """Clients by RFM segment a quarter earlier (rows; "" = not scored) × now (columns; "" = not scored)."""
        both = self.rfm_before[["customer_id", "segment"]].merge(
            self.rfm[["customer_id", "segment"]], on="customer_id", how="outer", suffixes=("_before", "_now"))
        both = both.fillna({"segment_before": "", "segment_now": ""})
        order = [*dict.fromkeys(c.segment for c in self.options.map), ""]
        return pd.crosstab(both["segment_before"], both["segment_now"]).reindex(index=order, columns=order,
                                                                               fill_value=0)

    def user_segments(self) -> pd.DataFrame:
        """Per segment of one's own: kind, members, entered and left since the previous quarter."""
        rows = []
        for seg in self.options.segments:
            members = self.members[self.members["segment"] == seg.name]
            changes = self.changes[self.changes["segment"] == seg.name]
            rows.append({"segment": seg.name, "kind": seg.kind, "members": len(members),
                         "revenue": float(self.facts.loc[self.facts["customer_id"].isin(members["customer_id"]),
                                                         "revenue"].sum()),
                         "entered": int((changes["change"] == "entered").sum()),
                         "left": int((changes["change"] == "left").sum())})
        return pd.DataFrame(rows, columns=["segment", "kind", "members", "revenue", "entered", "left"])

    def loyalty_by(self, column: str) -> pd.DataFrame:
        """Clients and revenue per declared loyalty level × `column` (manager or region)."""
        f = self.facts[self.facts["loyalty"].notna()]
        table = f.assign(**{column: f[column].fillna("")}).groupby(["loyalty", column]).agg(
            clients=("customer_id", "size"), revenue=("revenue", "sum")).reset_index()
        return table.sort_values(["loyalty", "revenue"], ascending=[True, False], kind="stable").reset_index(drop=True)

    def loyalty_mismatches(self) -> pd.DataFrame:
        """Cards whose declared level disagrees with behaviour: «Высокая» in at_risk / hibernating,
        «Низкая» in champions (REFERENCE.md), most revenue first."""
        f = self.facts
        level = f["loyalty"].astype("str").str.lower().str.strip()
        high = level.isin(HIGH_LOYALTY) & f["rfm_segment"].isin(SLIPPING)
        low = level.isin(LOW_LOYALTY) & f["rfm_segment"].eq("champions")
        rows = f[high | low].sort_values(["revenue", "customer_id"], ascending=[False, True], kind="stable")
        return rows.reset_index(drop=True)


def customer_facts(customers: pd.DataFrame, rfm: pd.DataFrame, classes: pd.DataFrame | None,
                   forecast: pd.DataFrame | None, *, as_of: pd.Timestamp,
                   last_orders: pd.Series | None = None) -> pd.DataFrame:
    """One row per card (not marked for deletion): the facts a rule may read (`FACT_FIELDS`).

    `last_orders` (customer_id → the last activity order's date by as_of, over the whole
    history) gives days_since_last_order to clients outside the RFM lookback too.
    """
    cards = customers
    if "is_deleted" in cards:
        cards = cards[~cards["is_deleted"].fillna(False).astype(bool)]
    cards = cards.drop_duplicates("customer_id")
    out = pd.DataFrame({"customer_id": cards["customer_id"].to_numpy()})
    for col in ("name", "inn", "email", "phone", "region", "source", "manager", "category", "loyalty"):
        out[col] = cards[col].to_numpy() if col in cards else pd.Series([None] * len(cards), dtype="str").to_numpy()
    # each source aligned to the cards once (a hash of the ids per source, not per column)
    ids = out["customer_id"].to_numpy()
    scored = rfm.set_index("customer_id").reindex(ids)
    out["rfm_segment"] = scored["segment"].array
    for col in ("r", "f", "m"):
        out[col] = scored[col].array
    out["revenue"] = scored["monetary"].fillna(0.0).array
    out["frequency"] = scored["frequency"].fillna(0).array
    out["days_since_last_order"] = scored["recency_days"].array
    if last_orders is not None:
        last = pd.Series(pd.to_datetime(last_orders).reindex(out["customer_id"]).to_numpy(), index=out.index)
        out["days_since_last_order"] = out["days_since_last_order"].astype(float).fillna((as_of - last).dt.days)
    if classes is not None:
        c = classes.drop_duplicates("customer_id").set_index("customer_id").reindex(ids)
        for col in ("stage", "abc", "xyz"):
            out[col] = c[col].array if col in c else None
    else:
        out["stage"] = out["abc"] = out["xyz"] = None
    if forecast is not None:
        f = forecast.drop_duplicates("customer_id").set_index("customer_id").reindex(ids)
        out["p_alive"] = f["p_alive"].array
        out["clv"] = f["clv"].array
    else:
        out["p_alive"] = out["clv"] = np.nan
    missing = [c for c in FACT_FIELDS if c not in out]
    assert not missing, missing
    return out


def segments_report(cube: pd.DataFrame, customers: pd.DataFrame, *, as_of: pd.Timestamp,
                    options: SegmentsOptions = DEFAULTS, classes: pd.DataFrame | None = None,
                    forecast: pd.DataFrame | None = None, previous_members: pd.DataFrame | None = None,
                    manual: Mapping[str, Sequence[str]] | None = None) -> SegmentsResult:
    """RFM, the facts, the user segments' members and changes, loyalty (see the module docstring).

    `previous_members` is the previous quarter's `members.csv` (None when that run is not
    found); `manual` gives each manual segment's customer codes (`Workbook.manual_segments`).
    """
    as_of = pd.Timestamp(as_of).normalize()
    previous = as_of.to_period("Q").start_time - pd.Timedelta(days=1)
    rfm = rfm_table(cube, as_of=as_of, lookback_months=options.lookback_months, rf_map=options.map)
    before = rfm_table(cube, as_of=previous, lookback_months=options.lookback_months, rf_map=options.map)
    last_orders = cube[cube["month"] <= as_of].groupby("customer_id")["last_order_date"].max()
    facts = customer_facts(customers, rfm, classes, forecast, as_of=as_of, last_orders=last_orders)
    quarter = f"{as_of.year}Q{as_of.quarter}"
    members = []
    for seg in options.segments:
        if seg.kind == "manual":
            ids = manual_members(seg.name, (manual or {}).get(seg.name), facts["customer_id"])
        else:
            ids = facts.loc[parse_rule(seg.rule, FACT_FIELDS).evaluate(facts).to_numpy(), "customer_id"]
        members.append(pd.DataFrame({"segment": seg.name, "customer_id": pd.Series(ids, dtype="str").to_numpy()}))
    members.append(rfm[["segment", "customer_id"]])
    current = pd.concat(members, ignore_index=True)
    current, changes = _history(current, previous_members, quarter, periodic=[s.name for s in options.segments
                                                                            if s.kind == "periodic"])
    rfm_changes = _rfm_changes(rfm, before, quarter)
    changes = pd.concat([changes, rfm_changes], ignore_index=True)[list(CHANGES_COLUMNS)]
    return SegmentsResult(as_of, previous, rfm, before, facts, current[list(MEMBERS_COLUMNS)], changes,
                          previous_members is not None, bool(facts["loyalty"].notna().any()), options)


def manual_members(name: str, codes: Sequence[str] | None, known: pd.Series) -> pd.Series:
    """A manual segment's customer codes (as its file lists them), every one a known card."""
    if codes is None:
        raise ClientbaseError(f"segment {name!r}: its file of customer codes was not read "
                              "(Workbook.manual_segments reads the files the profile names)")
    codes = pd.Series([str(c).strip() for c in codes], dtype="str").drop_duplicates()
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise ClientbaseError(f"segment {name!r}: its file names customers not among the cards: "
                              f"{', '.join(unknown[:10])}{' …' if len(unknown) > 10 else ''}")
    return codes


def _history(current: pd.DataFrame, previous: pd.DataFrame | None, quarter: str, *,
             periodic: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`since` for every membership, and the entries and exits of the periodic segments."""
    current = current.assign(since=quarter)
    changes = pd.DataFrame(columns=list(CHANGES_COLUMNS))
    if previous is None or not periodic:
        return current, changes
    prev = previous[previous["segment"].isin(periodic)].astype({"customer_id": "str"})
    now = current[current["segment"].isin(periodic)]
    keyed = now.merge(prev[["segment", "customer_id", "since"]], on=["segment", "customer_id"], how="left",
                      suffixes=("", "_before"))
    kept = keyed["since_before"].notna().to_numpy()
    current.loc[now.index[kept], "since"] = keyed.loc[kept, "since_before"].to_numpy()
    entered = keyed.loc[~kept, ["segment", "customer_id"]].assign(change="entered", quarter=quarter)
    gone = prev.merge(now[["segment", "customer_id"]], on=["segment", "customer_id"], how="left", indicator=True)
    left = gone.loc[gone["_merge"] == "left_only", ["segment", "customer_id"]].assign(change="left", quarter=quarter)
    return current, pd.concat([entered, left], ignore_index=True)


def _rfm_changes(rfm: pd.DataFrame, before: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Entries and exits of the RFM segments since the previous quarter's end (recomputed, not stored)."""
    both = before[["customer_id", "segment"]].merge(rfm[["customer_id", "segment"]], on="customer_id",
                                                    how="outer", suffixes=("_before", "_now"))
    moved = both[both["segment_before"].fillna("") != both["segment_now"].fillna("")]
    entered = moved[moved["segment_now"].notna()].rename(columns={"segment_now": "segment"})
    left = moved[moved["segment_before"].notna()].rename(columns={"segment_before": "segment"})
    return pd.concat([entered[["segment", "customer_id"]].assign(change="entered", quarter=quarter),
                      left[["segment", "customer_id"]].assign(change="left", quarter=quarter)], ignore_index=True)
