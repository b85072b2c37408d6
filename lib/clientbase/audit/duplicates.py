"""Duplicate cards of the base audit: groups of cards that are one customer, and branches.

Source of the rules: REFERENCE.md "Base audit". Cards are linked by match rules (`MATCH_RULES`)
and grouped by connected components (`duplicate_groups`, counted by `duplicate_summary`); the
same 10-digit ИНН under several КПП is an organisation with branches (`branches`), never a
duplicate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from clientbase.audit._cards import ALL, _Cards
from clientbase.frames import isin

__all__ = ["EXACT_RULES", "MATCH_RULES", "branches", "duplicate_groups", "duplicate_summary"]

# in this order a group member's rule is chosen: the first rule that links it to another
MATCH_RULES = ("inn_kpp", "phone", "email", "name", "fuzzy_name")
EXACT_RULES = MATCH_RULES[:4]
GROUP_PREFIX = "D"

# how many sorted neighbours each distinct name is compared with (see duplicate_groups)
FUZZY_WINDOW = 10


def duplicate_groups(
    customers: pd.DataFrame,
    *,
    fuzzy_threshold: float | None = None,
    fuzzy_window: int = FUZZY_WINDOW,
) -> pd.DataFrame:
    """Groups of cards that are the same customer: connected components over match rules.

    REFERENCE.md "Base audit". Two cards are linked when they share a key of one rule:

    - `inn_kpp` — the same ИНН and КПП, both filled; a 12-digit ИНН (person, sole trader)
      alone. The same ИНН with another КПП is a branch (see `branches`), not a duplicate;
      placeholder ИНН (not digits, all zeros) link nothing;
    - `phone`, `email`, `name` — the same normalised value (`clientbase.identifiers`);
    - `fuzzy_name` — only when `fuzzy_threshold` is given: normalised names whose
      similarity (`rapidfuzz.fuzz.ratio` / 100) is at least the threshold, a share in
      (0, 1] such as 0.9 (the notebooks' `*_threshold` convention).

    Links are transitive: A–B by phone and B–C by email make one group A, B, C.

    Parameters
    ----------
    fuzzy_threshold
        None (default) leaves fuzzy matching off.
    fuzzy_window
        Fuzzy matching is blocked by sorted neighbourhood, so it stays linear: the distinct
        names are sorted, and each is compared with the next `fuzzy_window` names; a
        second pass does the same on the names spelled backwards, so a typo near the start
        of a name still meets its twin. Similar names further apart in both orders are
        missed; a wider window finds more and costs more.

    Returns
    -------
    DataFrame[group_id, customer_id, match_rule, match_value, match_rules]
        group_id is "D0001", "D0002", ... numbered by each group's smallest customer_id.
        Each member carries the first rule of `MATCH_RULES` by which it shares a key with
        another card (a card with the same phone *and* email as another says `phone`),
        its own key under that rule (for `fuzzy_name`, its normalised name), and every
        rule by which it shares a key, `|`-joined in `MATCH_RULES` order
        (``inn_kpp|name``). Rows sorted by group_id, then customer_id.
    """
    if fuzzy_threshold is not None and not 0 < fuzzy_threshold <= 1:
        raise ValueError(f"fuzzy_threshold is a share in (0, 1], e.g. 0.9; got {fuzzy_threshold!r}")
    if fuzzy_window < 1:
        raise ValueError(f"fuzzy_window must be >= 1, got {fuzzy_window!r}")
    return _duplicate_groups(_Cards(customers), fuzzy_threshold=fuzzy_threshold, fuzzy_window=fuzzy_window)


def _duplicate_groups(cards: _Cards, *, fuzzy_threshold: float | None, fuzzy_window: int) -> pd.DataFrame:
    # the cards in customer_id order: group numbers and rows follow it
    by_id = cards.by_id
    n = len(by_id)
    keys = {rule: key.iloc[by_id] for rule, key in _match_keys(cards).items()}
    office = _office(cards).iloc[by_id].reset_index(drop=True)
    rules = list(EXACT_RULES)
    linked, sources, targets = [], [], []
    for rule in EXACT_RULES:
        src, dst, shared = _key_edges(keys[rule], office=office)
        linked.append(shared)
        sources.append(src)
        targets.append(dst)
    if fuzzy_threshold is not None:
        src, dst = _fuzzy_edges(keys["name"], 100 * fuzzy_threshold, window=fuzzy_window)
        shared = np.zeros(n, dtype=bool)
        shared[src] = shared[dst] = True
        rules.append("fuzzy_name")
        keys["fuzzy_name"] = keys["name"]
        linked.append(shared)
        sources.append(src)
        targets.append(dst)
    src, dst = np.concatenate(sources), np.concatenate(targets)
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    # cards are in customer_id order, so a group's first position is its smallest customer_id
    members = np.flatnonzero(np.bincount(labels, minlength=1)[labels] >= 2)
    _, first, inverse = np.unique(labels[members], return_index=True, return_inverse=True)
    number = np.empty(len(first), dtype=np.int64)
    number[np.argsort(first, kind="stable")] = np.arange(1, len(first) + 1)
    group = number[inverse]
    order = np.lexsort((members, group))
    members, group = members[order], group[order]
    links = np.stack(linked)[:, members]
    rule_index = np.argmax(links, axis=0) if len(members) else members
    all_rules = pd.Series("", index=range(len(members)), dtype="str")
    for i, rule in enumerate(rules):
        all_rules = all_rules + np.where(links[i], "|" + rule, "")
    match_value = pd.Series(pd.NA, index=range(len(members)), dtype="str")
    for i, rule in enumerate(rules):
        chosen = rule_index == i
        match_value[chosen] = keys[rule].iloc[members[chosen]].to_numpy()
    width = max(4, len(str(len(first))))
    group_id = GROUP_PREFIX + pd.Series(group, dtype="int64").astype("str").str.zfill(width)
    return pd.DataFrame(
        {
            "group_id": group_id.astype("str"),
            "customer_id": cards.frame["customer_id"].iloc[by_id[members]].astype("str").to_numpy(),
            "match_rule": pd.Series(np.array(rules, dtype=object)[rule_index], dtype="str"),
            "match_value": match_value,
            "match_rules": all_rules.str[1:],
        }
    )


def duplicate_summary(groups: pd.DataFrame) -> pd.DataFrame:
    """Duplicate groups and cards per match rule, and in total (`ALL`).

    Parameters
    ----------
    groups : the result of `duplicate_groups`.

    Returns
    -------
    DataFrame[match_rule, groups, customers]
        `groups` counts the groups with at least one member joined by the rule (a group
        can count under several rules); every exact rule is listed, `fuzzy_name` only when
        present; the last row (`ALL`) counts each group and card once.
    """
    rules = [*EXACT_RULES] + (["fuzzy_name"] if (groups["match_rule"] == "fuzzy_name").any() else [])
    by_rule = groups.groupby("match_rule").agg(groups=("group_id", "nunique"), customers=("customer_id", "size"))
    out = by_rule.reindex(rules, fill_value=0).rename_axis("match_rule").reset_index()
    total = pd.DataFrame(
        {"match_rule": [ALL], "groups": [groups["group_id"].nunique()], "customers": [len(groups)]}
    )
    out = pd.concat([out, total], ignore_index=True)
    return out.astype({"match_rule": "str", "groups": "int64", "customers": "int64"})


def branches(customers: pd.DataFrame) -> pd.DataFrame:
    """Organisations with branches: the same 10-digit ИНН under more than one КПП.

    REFERENCE.md "Base audit": an обособленное подразделение is not a duplicate; it is
    listed here instead. Every card of such an ИНН is listed, including one without КПП.

    Returns
    -------
    DataFrame[inn, customer_id, kpp, name]
        inn and kpp stripped of surrounding whitespace; sorted by inn, kpp, customer_id.
    """
    return _branches(_Cards(customers))


def _branches(cards: _Cards) -> pd.DataFrame:
    inn, kpp = cards.inn, cards.kpp
    kpps = pd.DataFrame({"inn": inn, "kpp": kpp})[cards.organisation]
    distinct = kpps.dropna().groupby("inn")["kpp"].nunique()
    rows = isin(inn, distinct.index[distinct > 1])
    # only the listed rows are converted (to_numpy of Arrow text costs per row)
    out = pd.DataFrame(
        {
            "inn": inn[rows].to_numpy(),
            "customer_id": cards.frame["customer_id"][rows].to_numpy(),
            "kpp": kpp[rows].to_numpy(),
            "name": cards.frame["name"][rows].to_numpy(),
        }
    ).astype("str")
    return out.sort_values(["inn", "kpp", "customer_id"], kind="stable", ignore_index=True)


def _match_keys(cards: _Cards) -> dict[str, pd.Series]:
    """The normalised key of every exact rule for every card (NA: no key)."""
    inn, kpp = cards.inn, cards.kpp
    usable = inn.notna() & ~cards.placeholder_inn
    person = usable & (inn.str.len() == 12)
    inn_kpp = (inn + "/" + kpp).where(usable & ~person)
    return {"inn_kpp": inn.where(person, inn_kpp), "phone": cards.phone, "email": cards.email, "name": cards.name}


def _office(cards: _Cards) -> pd.DataFrame:
    """Each card's organisation (usable 10-digit ИНН) and КПП as integer codes, -1 when unknown.

    Two cards with the same organisation and different КПП are a head office and a branch
    (REFERENCE.md "Base audit"): no rule may join them directly, even when they share a
    phone, an email or a name, as real branch cards often do.
    """
    inn, kpp = cards.inn, cards.kpp
    organisation = cards.organisation & kpp.notna().to_numpy()
    return pd.DataFrame({
        "inn": pd.factorize(inn.where(organisation))[0],
        "kpp": pd.factorize(kpp.where(organisation))[0],
    })


def _key_edges(
    keys: pd.Series, *, office: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges between cards that share a key, and which cards share a key with another.

    A star per key (every card to the key's first card) instead of every pair keeps the
    edges linear in the number of cards; connected components do not need more. Keys held
    by two branches of one organisation (`office`, see `_office`) are the exception: their
    few cards get every pair except the branch pairs, so a branch links to everybody else
    with the key but never to its head office or another branch.
    """
    codes, uniques = pd.factorize(keys)
    positions = np.arange(len(codes))
    if not len(uniques):
        return positions[:0], positions[:0], np.zeros(len(codes), dtype=bool)
    has_key = codes >= 0
    counts = np.bincount(codes[has_key], minlength=len(uniques))
    # the centre of each star is the key's first card, i.e. its smallest customer_id
    first = np.full(len(uniques), -1)
    seen, index = np.unique(codes[has_key], return_index=True)
    first[seen] = positions[has_key][index]
    safe = np.where(has_key, codes, 0)
    shared = has_key & (counts[safe] >= 2)
    conflict = np.zeros(len(codes), dtype=bool)
    if office is not None:
        known = shared & (office["inn"].to_numpy() >= 0)
        held = pd.DataFrame({"key": codes[known], "inn": office["inn"].to_numpy()[known],
                             "kpp": office["kpp"].to_numpy()[known]}).drop_duplicates()
        branched = held.groupby(["key", "inn"]).size()
        conflict = shared & np.isin(codes, branched[branched > 1].index.get_level_values("key"))
    edge = shared & (positions != first[safe]) & ~conflict
    src, dst = positions[edge], first[codes[edge]]
    if conflict.any():
        cards = pd.DataFrame({"key": codes[conflict], "at": positions[conflict],
                              "inn": office["inn"].to_numpy()[conflict], "kpp": office["kpp"].to_numpy()[conflict]})
        pairs = cards.merge(cards, on="key", suffixes=("", "_other"))
        branch = (pairs["inn"] >= 0) & (pairs["inn"] == pairs["inn_other"]) & (pairs["kpp"] != pairs["kpp_other"])
        pairs = pairs[(pairs["at"] < pairs["at_other"]) & ~branch]
        src = np.concatenate([src, pairs["at"].to_numpy()])
        dst = np.concatenate([dst, pairs["at_other"].to_numpy()])
        shared = np.zeros(len(codes), dtype=bool)
        shared[src] = shared[dst] = True
    return src, dst, shared


def _fuzzy_edges(names: pd.Series, threshold: float, *, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges between cards whose distinct normalised names are similar (sorted neighbourhood)."""
    from rapidfuzz import fuzz, process

    codes, uniques = pd.factorize(names)
    if len(uniques) < 2:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    # each distinct name stands for its first card; the exact `name` rule links the rest
    positions = np.arange(len(codes))
    seen, index = np.unique(codes[codes >= 0], return_index=True)
    representative = np.empty(len(uniques), dtype=np.int64)
    representative[seen] = positions[codes >= 0][index]
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    pairs_a, pairs_b = [], []
    for spelling in (distinct, distinct.str[::-1]):
        order = np.argsort(spelling.to_numpy(dtype=object), kind="stable")
        texts = distinct.to_numpy(dtype=object)[order].tolist()
        for offset in range(1, min(window, len(texts) - 1) + 1):
            scores = process.cpdist(
                texts[:-offset], texts[offset:], scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float32
            )
            hits = np.flatnonzero(scores >= threshold)
            pairs_a.append(order[hits])
            pairs_b.append(order[hits + offset])
    return representative[np.concatenate(pairs_a)], representative[np.concatenate(pairs_b)]
