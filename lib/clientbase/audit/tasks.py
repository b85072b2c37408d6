"""Tasks of the base audit: every problem found as a coded task for the card's manager.

Source of the rules: REFERENCE.md "Base audit". A task is a code, not a sentence: the
presentation (`clientbase.views.base_audit.task_text`) words it in the report's language.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clientbase.audit._cards import UNASSIGNED, _Cards

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
    parts = []
    if invalid is not None and len(invalid):
        code = np.where(invalid["field"] == "inn", "inn_" + invalid["problem"], invalid["problem"])
        parts.append(pd.DataFrame({"customer_id": invalid["customer_id"].to_numpy(), "task_code": code}))
    if duplicates is not None and len(duplicates):
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": duplicates["customer_id"].to_numpy(),
                    "task_code": ("duplicate_" + duplicates["match_rule"]).to_numpy(),
                    "group_id": duplicates["group_id"].to_numpy(),
                    "match_rule": duplicates["match_rule"].to_numpy(),
                }
            )
        )
    if fill is not None and len(fill):
        parts.append(
            pd.DataFrame(
                {"customer_id": fill["customer_id"].to_numpy(), "task_code": ("fill_" + fill["field"]).to_numpy()}
            )
        )
    columns = ["manager", "customer_id", "task_code", "name", "group_id", "match_rule"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    tasks = pd.concat(parts, ignore_index=True)
    for column in ("group_id", "match_rule"):
        if column not in tasks.columns:
            tasks[column] = pd.Series(pd.NA, index=tasks.index, dtype="str")
    tasks["_order"] = np.arange(len(tasks))
    owners = pd.DataFrame(
        {
            "customer_id": cards.frame["customer_id"].to_numpy(),
            "manager": cards.manager.to_numpy(),
            "name": cards.frame["name"].to_numpy(),
        }
    )
    tasks = tasks.merge(owners, on="customer_id", how="inner")
    orphans = np.sort(tasks.loc[tasks["manager"].isna(), "customer_id"].unique())
    people = np.array(list(executors) or [UNASSIGNED], dtype=object)
    assigned = pd.Series(people[np.arange(len(orphans)) % len(people)], index=orphans, dtype="str")
    tasks["manager"] = tasks["manager"].fillna(tasks["customer_id"].map(assigned))
    tasks = tasks.sort_values(["manager", "customer_id", "_order"], kind="stable", ignore_index=True)
    return tasks[columns].astype("str")


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
                      code.str.startswith("fill_").to_numpy(dtype=bool)], ["duplicates", "gaps"], "ids")
    frame = pd.DataFrame({"manager": tasks["manager"].to_numpy(), "kind": kind,
                          "customer_id": tasks["customer_id"].to_numpy()})
    by_kind = pd.crosstab(frame["manager"], frame["kind"]).reindex(columns=list(TASK_KINDS), fill_value=0)
    out = pd.DataFrame({
        "cards": frame.groupby("manager")["customer_id"].nunique(),
        "tasks": frame.groupby("manager").size(),
    }).join(by_kind).fillna(0).astype("int64")
    out = out.sort_values(["tasks", "cards"], ascending=False, kind="stable").reset_index()
    out["manager"] = out["manager"].astype("str")
    return out[columns]


def orphan_cards(tasks: pd.DataFrame, gaps: pd.DataFrame) -> int:
    """Cards with tasks whose card names no manager (spread over the executors, or unassigned)."""
    no_manager = gaps.loc[gaps["field"] == "manager", "customer_id"]
    return int(tasks.loc[tasks["customer_id"].isin(no_manager), "customer_id"].nunique())
