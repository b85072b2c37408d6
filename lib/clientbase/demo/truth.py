"""The ground truth of the demo data (`truth/`), verified against the generated tables: the
duplicates, invalid identifiers, behaviours and campaign effects the reports must find.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from clientbase import identifiers
from clientbase.demo.cards import _digits_text
from clientbase.demo.export import _dates, _labels, _write_table
from clientbase.demo.model import _World
from clientbase.demo.vocabulary import _COMPANY, _MANAGERS, _RULES, _SOURCES, _TYPE_CODES, GENERATION


def _verified_truth(cust: pd.DataFrame, contacts: pd.DataFrame, planted: dict) -> dict[str, pd.DataFrame]:
    """The audit's answers computed from the generated cards with `identifiers`, checked
    against what `_plant` meant to plant; any accidental duplicate is a generator bug."""
    problems: list[str] = []
    alive = ~cust["is_deleted"].to_numpy()
    code = cust["code"].to_numpy()
    keys = _keys(cust)

    # duplicates: connected components over the rules, among cards not marked for deletion
    n = len(cust)
    hits = {}
    sources, targets = [], []
    for rule in _RULES:
        key = keys[rule].where(alive)
        hit = (key.notna() & key.duplicated(keep=False)).to_numpy()
        hits[rule] = hit
        rows = np.flatnonzero(hit)
        groups = pd.Series(rows).groupby(pd.factorize(key.iloc[rows])[0]).transform("first").to_numpy()
        sources.append(rows)
        targets.append(groups)
    src, dst = np.concatenate(sources), np.concatenate(targets)
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    member = np.logical_or.reduce([hits[r] for r in _RULES])
    found = {frozenset(g) for g in pd.Series(np.flatnonzero(member)).groupby(label[member]).agg(frozenset)}
    meant = {frozenset(int(x) for x in g) for g in planted["duplicates"]}
    if found != meant:
        extra = sorted(code[list(set().union(*(found - meant)))]) if found - meant else []
        missed = sorted(code[list(set().union(*(meant - found)))]) if meant - found else []
        problems.append(f"duplicate groups differ from the planted ones: unplanted {extra[:10]}, missed {missed[:10]}")
    rows = np.flatnonzero(member)
    rule = pd.Series([""] * len(rows), dtype="str")
    for r in _RULES:
        rule = rule + np.where(hits[r][rows], "|" + r, "")
    dup = pd.DataFrame({"label": label[rows], "customer_id": code[rows], "rule": rule.str[1:].to_numpy()})
    dup = dup.sort_values("customer_id", kind="stable")
    order = dup.groupby("label", sort=False)["customer_id"].transform("min")
    group_no = pd.factorize(order.sort_values(kind="stable"))[0]
    dup = dup.loc[order.sort_values(kind="stable").index].assign(group_no=group_no)
    dup["group_id"] = "G" + _digits_text(dup["group_no"].to_numpy() + 1, 4).to_numpy()
    duplicates = dup[["group_id", "customer_id", "rule"]].reset_index(drop=True)

    # branches: one valid ИНН under several КПП
    inn, kpp = cust["inn"], cust["kpp"]
    valid = inn.notna() & identifiers.inn_problems(inn).isna() & pd.Series(alive)
    kinds = pd.DataFrame({"inn": inn, "kpp": kpp.fillna("")})[valid]
    several = kinds.groupby("inn")["kpp"].transform("nunique") > 1
    branch_rows = kinds.index[several.to_numpy()]
    found_b = {frozenset(g) for g in pd.Series(branch_rows).groupby(inn[branch_rows].to_numpy()).agg(frozenset)}
    meant_b = {frozenset(int(x) for x in g) for g in planted["branches"]}
    if found_b != meant_b:
        problems.append("branches differ from the planted ones")
    branches = pd.DataFrame({"inn": inn[branch_rows].to_numpy(), "customer_id": code[branch_rows],
                             "kpp": kpp[branch_rows].to_numpy()}).sort_values(["inn", "customer_id"])

    # invalid ИНН and КПП
    inn_bad = identifiers.inn_problems(inn)
    kpp_bad = identifiers.kpp_problems(kpp, inn)
    parts = []
    for field, bad, value in (("inn", inn_bad, inn), ("kpp", kpp_bad, kpp)):
        rows = np.flatnonzero((bad.notna() & pd.Series(alive)).to_numpy())
        parts.append(pd.DataFrame({"pos": rows, "customer_id": code[rows], "field": field,
                                   "value": value.iloc[rows].to_numpy(), "problem": bad.iloc[rows].to_numpy()}))
    invalid = pd.concat(parts, ignore_index=True)
    meant_i = set(map(tuple, planted["invalid"][["pos", "field", "problem"]].to_numpy().tolist()))
    if set(map(tuple, invalid[["pos", "field", "problem"]].to_numpy().tolist())) != meant_i:
        problems.append("invalid ИНН/КПП differ from the planted ones")
    invalid = invalid.drop(columns="pos").sort_values(["customer_id", "field"]).reset_index(drop=True)

    # what else must hold: exact names distinct (orders refer to them); contacts' phones
    # and emails nobody else has; every deleted card looks like a duplicate of a live one
    if cust["name"].duplicated().any():
        problems.append(f"names repeat: {cust['name'][cust['name'].duplicated()].head().tolist()}")
    for field, normalise in (("phone", identifiers.normalize_phones), ("email", identifiers.normalize_emails)):
        theirs = normalise(contacts[field]).dropna()
        if theirs.duplicated().any() or theirs.isin(keys[field].dropna()).any():
            problems.append(f"a contact person's {field} repeats another card's or contact's")
    deleted = np.flatnonzero(~alive)
    # a deleted card's key must be some live card's key, by at least one rule (vectorised:
    # the deleted cards are a share of the base, so a loop over them would be quadratic)
    like_live = np.zeros(len(deleted), dtype=bool)
    for r in _RULES:
        like_live |= keys[r].iloc[deleted].isin(keys[r][alive].dropna()).to_numpy()
    for pos in deleted[~like_live]:
        problems.append(f"deleted card {code[pos]} looks like nobody")
    if problems:
        raise RuntimeError("demo generator bug: " + "; ".join(problems))

    # missing fields of live cards
    reachable = pd.concat([contacts["phone"], contacts["email"]]).notna().groupby(
        pd.concat([contacts["owner"], contacts["owner"]])).any()
    by_contact = reachable.reindex(range(n), fill_value=False).to_numpy()
    empty = {
        "manager": cust["manager"].to_numpy() < 0, "source": cust["source"].to_numpy() < 0,
        "category": cust["category"].to_numpy() < 0, "region": ~cust["region_known"].to_numpy(),
        "phone": cust["phone"].isna().to_numpy(), "email": cust["email"].isna().to_numpy(),
        "inn": (cust["ctype"].to_numpy() == _COMPANY) & cust["inn"].isna().to_numpy(),
    }
    empty["contact_info"] = empty["phone"] & empty["email"] & ~by_contact
    missing = pd.concat(
        [pd.DataFrame({"customer_id": code[m & alive], "field": f}) for f, m in empty.items()], ignore_index=True
    ).sort_values(["customer_id", "field"], kind="stable").reset_index(drop=True)

    customers = pd.DataFrame({
        "customer_id": code, "name": cust["name"].to_numpy(),
        "customer_type": np.array(_TYPE_CODES)[cust["ctype"].to_numpy()],
        "behaviour": cust["behaviour"].to_numpy(), "is_deleted": ~alive,
        "manager": _labels(cust["manager"].to_numpy(), _MANAGERS),
        "source": _labels(cust["source"].to_numpy(), _SOURCES),
    }).sort_values("customer_id").reset_index(drop=True)
    return {"customers": customers, "duplicates": duplicates, "branches": branches.reset_index(drop=True),
            "invalid_ids": invalid, "missing_fields": missing}


def _keys(cust: pd.DataFrame) -> dict[str, pd.Series]:
    """The audit's match keys per card (REFERENCE.md "Base audit")."""
    return {
        "inn_kpp": (cust["inn"] + "/" + cust["kpp"].fillna("")).where(cust["inn"].notna()),
        "phone": identifiers.normalize_phones(cust["phone"]),
        "email": identifiers.normalize_emails(cust["email"]),
        "name": identifiers.normalize_names(cust["name"]),
    }


def _write_truth(world: _World, folder: Path, counts: dict, arguments: dict) -> None:
    cal, truth = world.cal, world.truth
    for table in ("customers", "duplicates", "branches", "invalid_ids", "missing_fields"):
        _write_table(truth[table], folder / f"{table}.csv", "canonical")
    _write_table(world.settlements["truth"], folder / "receivables.csv", "canonical")
    _write_table(truth["loyalty"], folder / "loyalty.csv", "canonical")
    deals = world.deals["truth"]
    _write_table(deals["stages"], folder / "deal_stages.csv", "canonical")
    managers = deals["managers"].assign(manager=[_MANAGERS[m] for m in deals["managers"]["manager"]])
    _write_table(managers, folder / "deal_managers.csv", "canonical")
    camps = world.campaigns
    cid = camps["cid"].to_numpy()
    controlled = camps["kind"].to_numpy() != "acquisition"
    effect = camps["effect"].to_numpy(dtype=float)
    campaigns = pd.DataFrame({
        "campaign_id": camps["code"], "name": camps["name"], "kind": camps["kind"], "channel": camps["channel"],
        "has_control": camps["has_control"].astype(bool), "target_size": camps["target_size"].astype("int64"),
        "control_size": camps["control_size"].astype("int64"), "responders": camps["responders"].astype("int64"),
        "true_effect_per_target_member": np.round(effect, 2),
        "true_incremental_revenue": np.round(effect * camps["target_size"].to_numpy(), 2),
        "planted_incremental_revenue": np.where(controlled, np.round(counts["planted"][cid], 2), np.nan),
        "planted_incremental_revenue_to_as_of": np.where(controlled, np.round(counts["planted_as_of"][cid], 2), np.nan),
        "start_date": _dates(camps["start_day"].to_numpy(), cal).dt.strftime("%Y-%m-%d"),
        "end_date": _dates(camps["end_day"].to_numpy(), cal).dt.strftime("%Y-%m-%d"),
        "attribution_end": _dates(camps["attribution_end_day"].to_numpy(), cal).dt.strftime("%Y-%m-%d").where(
            controlled),
        "cost": camps["cost"].astype(float),
    })
    _write_table(campaigns, folder / "campaigns.csv", "canonical")
    manifest = {
        "generator": "clientbase.demo", "generation": GENERATION, "seed": arguments["seed"], "arguments": arguments,
        "as_of": cal.as_of.date().isoformat(), "start": cal.start.date().isoformat(),
        "end": cal.end.date().isoformat(),
        "counts": {"customers": len(world.customers), "contacts": len(world.contacts),
                   "documents": counts["documents"], "order_lines": counts["order_lines"],
                   "campaigns": len(camps), "campaign_members": len(world.members), "leads": len(world.leads),
                   "invoices": len(world.settlements["invoices"]), "payments": len(world.settlements["payments"])},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
