"""Tasks of the base audit: every problem found as a coded task for the card's manager.

Source of the rules: REFERENCE.md "Base audit". A task is a code, not a sentence: the
presentation (`clientbase.views.base_audit.task_text`) words it in the report's language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clientbase.audit._cards import UNASSIGNED, _Cards, _is_in, _positions

__all__ = ["TASK_KINDS", "audit_tasks", "orphan_cards", "tasks_by_manager"]

# the kinds of task, by the prefix of their code: identifiers, duplicates, empty fields
TASK_KINDS = ("ids", "duplicates", "gaps")


def audit_tasks(
    customers: pd.DataFrame,
    *,
    invalid: pd.DataFrame | None,
    duplicates: pd.DataFrame | None,
    fill: pd.DataFrame | None,
    executors: Sequence[str] = (),
) -> pd.DataFrame:
    """Every problem of the audit as a task (поручение) for the card's manager.

    REFERENCE.md "Base audit": a task goes to the customer's manager; the tasks of
    customers without one are spread evenly over `executors` — the customers (not tasks)
    in customer_id order, round-robin, so all tasks of a card go to one person — or go to
    `UNASSIGNED` when no executors are given.

    Parameters
    ----------
    invalid, duplicates, fill
        The results of `invalid_ids`, `duplicate_groups` and `fill_gaps` (None: none).

    Returns
    -------
    DataFrame[manager, customer_id, task_code, name, group_id, match_rule]
        task_code: `inn_<problem>`, `kpp_<...>`, `duplicate_<rule>`, `fill_<field>`;
        group_id and match_rule: the duplicate group and the rule that joined the card, what
        a duplicate task needs to be worded (NA for the other tasks). Sorted by manager,
        customer_id, then identifiers, duplicates, gaps.
    """
    return _audit_tasks(_Cards(customers), invalid=invalid, duplicates=duplicates, fill=fill, executors=executors)


def _audit_tasks(
    cards: _Cards,
    *,
    invalid: pd.DataFrame | None,
    duplicates: pd.DataFrame | None,
    fill: pd.DataFrame | None,
    executors: Sequence[str],
) -> pd.DataFrame:
    columns = ["manager", "customer_id", "task_code", "name", "group_id", "match_rule"]
    tasks = _task_rows(invalid, duplicates, fill)
    if tasks is None:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    # each task next to its card (an inner join on customer_id), by positions: no text is
    # copied, compared or sorted as Python objects
    row, card = _owner_pairs(tasks["customer_id"], cards)
    tasks = tasks.take(row).reset_index(drop=True)
    tasks["name"] = cards.frame["name"].take(card).array
    manager = cards.manager.take(card).reset_index(drop=True)
    rank = cards.id_rank[card]  # sorting by it sorts by customer_id
    # the customers without a manager, in customer_id order, round-robin over the people
    orphan = manager.isna().to_numpy()
    orphans, which = np.unique(rank[orphan], return_inverse=True)
    people = np.array(list(executors) or [UNASSIGNED], dtype=object)
    manager[orphan] = people[which % len(people)]
    tasks["manager"] = manager
    by_manager = pd.factorize(manager, sort=True)[0]
    tasks = tasks.iloc[np.lexsort((row, rank, by_manager))]
    return tasks[columns].astype("str").reset_index(drop=True)


def _task_rows(
    invalid: pd.DataFrame | None, duplicates: pd.DataFrame | None, fill: pd.DataFrame | None
) -> pd.DataFrame | None:
    """The tasks before they meet their cards: customer_id, task_code, group_id, match_rule
    (identifiers, then duplicates, then gaps, each in its own order); None without any."""
    parts = []
    if invalid is not None and len(invalid):
        code = np.where(invalid["field"] == "inn", "inn_" + invalid["problem"], invalid["problem"])
        parts.append(pd.DataFrame({"customer_id": invalid["customer_id"].array, "task_code": code}))
    if duplicates is not None and len(duplicates):
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": duplicates["customer_id"].array,
                    "task_code": ("duplicate_" + duplicates["match_rule"]).array,
                    "group_id": duplicates["group_id"].array,
                    "match_rule": duplicates["match_rule"].array,
                }
            )
        )
    if fill is not None and len(fill):
        parts.append(
            pd.DataFrame({"customer_id": fill["customer_id"].array, "task_code": ("fill_" + fill["field"]).array})
        )
    if not parts:
        return None
    tasks = pd.concat(parts, ignore_index=True)
    for column in ("group_id", "match_rule"):
        if column not in tasks.columns:
            tasks[column] = pd.Series(pd.NA, index=tasks.index, dtype="str")
    return tasks


def _owner_pairs(task_ids: pd.Series, cards: _Cards) -> tuple[np.ndarray, np.ndarray]:
    """The inner join of tasks and cards on customer_id as pairs of positions (task, card),
    in the join's order: by task, a task's cards in card order (a missing id meets a missing
    id, as in `DataFrame.merge`)."""
    card_ids = cards.frame["customer_id"]
    if cards.unique_ids:
        card = _positions(task_ids, card_ids)
        row = np.flatnonzero(card >= 0)
        return row, card[row]
    # the same customer_id on several cards (1C reports it as a problem): every pairing
    pairs = pd.DataFrame({"customer_id": task_ids.to_numpy(), "row": np.arange(len(task_ids))}).merge(
        pd.DataFrame({"customer_id": card_ids.to_numpy(), "card": np.arange(len(card_ids))}),
        on="customer_id", how="inner")
    return pairs["row"].to_numpy(), pairs["card"].to_numpy()


def tasks_by_manager(tasks: pd.DataFrame) -> pd.DataFrame:
    """Tasks per person (`base_audit/tasks_by_manager.csv`): cards to fix, tasks, and tasks by kind.

    The kind of a task is its code's: `duplicate_*` → duplicates, `fill_*` → gaps, the
    identifier codes → ids.

    Returns
    -------
    DataFrame[manager, cards, tasks, ids, duplicates, gaps]
        One row per person of `tasks` (`UNASSIGNED` included), most tasks first, then most
        cards, then as the tasks are sorted (by manager).
    """
    columns = ["manager", "cards", "tasks", *TASK_KINDS]
    if tasks.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c == "manager" else "int64") for c in columns})
    code = tasks["task_code"].astype("str")
    kind = np.select([code.str.startswith("duplicate_").to_numpy(dtype=bool),
                      code.str.startswith("fill_").to_numpy(dtype=bool)], [1, 2], 0)  # TASK_KINDS positions
    # people and cards as integer codes (people by name); a task without either is not counted
    person, people = pd.factorize(tasks["manager"], sort=True)
    card = pd.factorize(tasks["customer_id"])[0]
    counted = person >= 0
    person, kind, card = person[counted], kind[counted], card[counted]
    n, kinds = len(people), len(TASK_KINDS)
    by_kind = np.bincount(person * kinds + kind, minlength=n * kinds).reshape(n, kinds)
    out = pd.DataFrame({
        "manager": pd.Series(np.asarray(people, dtype=object), dtype="str"),
        "cards": _distinct_per(person, card, n),
        "tasks": np.bincount(person, minlength=n),
        **{k: by_kind[:, i] for i, k in enumerate(TASK_KINDS)},
    }).astype({c: "int64" for c in columns[1:]})
    out = out.sort_values(["tasks", "cards"], ascending=False, kind="stable", ignore_index=True)
    return out[columns]


def _distinct_per(group: np.ndarray, item: np.ndarray, groups: int) -> np.ndarray:
    """How many distinct items (integer codes; -1, missing, not counted) each group has."""
    known = item >= 0
    width = item.max(initial=0) + 1
    pairs = np.unique(group[known].astype(np.int64) * width + item[known])
    return np.bincount(pairs // width, minlength=groups)


def orphan_cards(tasks: pd.DataFrame, gaps: pd.DataFrame) -> int:
    """Cards with tasks whose card names no manager (spread over the executors, or unassigned)."""
    no_manager = gaps.loc[gaps["field"] == "manager", "customer_id"]
    return int(tasks.loc[_is_in(tasks["customer_id"], no_manager), "customer_id"].nunique())
