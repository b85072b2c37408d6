"""The quarterly base audit (ревизия клиентской базы): what is wrong with the cards and who fixes it.

Source of the rules: REFERENCE.md "Base audit". One module per concept, every public name
importable from here:

- `ids`: invalid ИНН/КПП (`invalid_ids`);
- `duplicates`: duplicate cards as groups (`duplicate_groups`, `duplicate_summary`) and
  branches (`branches`);
- `fill`: fill rates of the fields the analytics need (`fill_rates`, `fill_gaps`,
  `manager_quality`);
- `activity`: sleeping and new clients and the size of the base (`sleeping_clients`,
  `new_clients`, `base_summary`, `base_trend`);
- `tasks`: every problem as a task for the responsible manager (`audit_tasks`).

`base_audit` (here) runs them all at once for a report and returns an `AuditResult`.

Customers marked for deletion (`is_deleted`) are left out of every check: 1C keeps them
until the deletion is processed, and nobody should be asked to fix a card being deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from pydantic import Field

from clientbase.audit._cards import ALL, NO_MANAGER, UNASSIGNED, _Cards
from clientbase.audit.activity import (
    SLEEPING_DAYS,
    TREND_QUARTERS,
    WINDOW_MONTHS,
    BaseSummary,
    _base_summary,
    _base_trend,
    _coded_activity,
    _new,
    _sleeping,
    base_summary,
    base_trend,
    new_clients,
    sleeping_clients,
)
from clientbase.audit.duplicates import (
    EXACT_RULES,
    FUZZY_WINDOW,
    GROUP_PREFIX,
    MATCH_RULES,
    _branches,
    _duplicate_groups,
    branches,
    duplicate_groups,
    duplicate_summary,
)
from clientbase.audit.fill import (
    FILL_FIELDS,
    _card_fill,
    _fill_gaps,
    _fill_rates,
    _manager_quality,
    fill_gaps,
    fill_rates,
    manager_quality,
)
from clientbase.audit.ids import _invalid_ids, invalid_id_counts, invalid_ids
from clientbase.audit.tasks import TASK_KINDS, _audit_tasks, audit_tasks, orphan_cards, tasks_by_manager
from clientbase.options import Options
from clientbase.periods import quarter_of

__all__ = [
    "ALL",
    "EXACT_RULES",
    "FILL_FIELDS",
    "FUZZY_WINDOW",
    "GROUP_PREFIX",
    "MATCH_RULES",
    "NO_MANAGER",
    "UNASSIGNED",
    "AuditResult",
    "BaseAuditOptions",
    "BaseSummary",
    "audit_tasks",
    "base_audit",
    "base_summary",
    "base_trend",
    "branches",
    "duplicate_groups",
    "duplicate_summary",
    "fill_gaps",
    "fill_rates",
    "TASK_KINDS",
    "invalid_id_counts",
    "invalid_ids",
    "orphan_cards",
    "tasks_by_manager",
    "manager_quality",
    "new_clients",
    "sleeping_clients",
]


class BaseAuditOptions(Options):
    """The options of the base audit (REFERENCE.md "Base audit")."""

    sleeping_days: int = Field(
        SLEEPING_DAYS, ge=1, description="a client is sleeping after more than this many days without an order")
    window_months: int = Field(WINDOW_MONTHS, ge=1, description="buyers are counted over this many months")
    trend_quarters: int = Field(TREND_QUARTERS, ge=1, description="quarters shown in the trend")
    fuzzy_threshold: float | None = Field(
        None, ge=0, le=1, description="similarity of names (0-1, e.g. 0.9) for fuzzy duplicates; None = off")
    executors: tuple[str, ...] = Field(
        (), description="who gets the tasks of cards without a manager (evenly); [] = an unassigned list")
    top_n: int = Field(20, ge=1, description="example rows shown in the report")


@dataclass(frozen=True)
class AuditResult:
    """Every finding of one base audit (`base_audit`) and the options it was run with."""

    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp
    invalid: pd.DataFrame  # invalid_ids
    duplicates: pd.DataFrame  # duplicate_groups
    duplicate_summary: pd.DataFrame
    branches: pd.DataFrame
    fill_rates: pd.DataFrame
    fill_gaps: pd.DataFrame
    manager_quality: pd.DataFrame
    sleeping: pd.DataFrame  # sleeping_clients at as_of
    new: pd.DataFrame  # new_clients of as_of's quarter
    base: BaseSummary
    trend: pd.DataFrame  # base_trend
    tasks: pd.DataFrame  # audit_tasks
    invalid_counts: pd.DataFrame  # invalid_id_counts
    tasks_by_manager: pd.DataFrame  # tasks_by_manager
    orphan_cards: int  # cards without a manager that have tasks
    has_contacts: bool
    sleeping_days: int
    window_months: int
    trend_quarters: int
    fuzzy_threshold: float | None
    executors: tuple[str, ...]

    @property
    def cards_by_rule(self) -> dict[str, int]:
        """Cards in duplicate groups per match rule (the rule that joined each card)."""
        rows = self.duplicate_summary[self.duplicate_summary["match_rule"] != ALL]
        return dict(zip(rows["match_rule"], rows["customers"].astype(int), strict=True))

    @property
    def branch_organisations(self) -> int:
        """Organisations (ИНН) with branches."""
        return int(self.branches["inn"].nunique())

    @property
    def invalid_cards(self) -> int:
        """Cards with at least one invalid identifier."""
        return int(self.invalid["customer_id"].nunique())

    @property
    def top_invalid_problem(self) -> str | None:
        """The problem code found most often, when one clearly leads (no tie for first), else None."""
        counts = self.invalid["problem"].value_counts()
        if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
            return None
        return str(counts.index[0])

    @property
    def emptiest_field(self) -> tuple[str, float] | None:
        """The field filled least often over all cards and its filled share (None without cards)."""
        overall = self.fill_rates[self.fill_rates["manager"] == ALL].dropna(subset=["filled_share"])
        if overall.empty:
            return None
        row = overall.sort_values("filled_share", kind="stable").iloc[0]
        return str(row["field"]), float(row["filled_share"])

    @property
    def task_cards(self) -> int:
        """Cards with at least one task."""
        return int(self.tasks["customer_id"].nunique())

    @property
    def task_managers(self) -> int:
        """People with tasks, the unassigned list not counted."""
        return int(self.tasks.loc[self.tasks["manager"] != UNASSIGNED, "manager"].nunique())

    @property
    def managers(self) -> int:
        """Managers named on the cards checked."""
        return int((self.manager_quality["manager"] != NO_MANAGER).sum())

    @property
    def cards(self) -> int:
        """The cards checked (not marked for deletion)."""
        return int(self.manager_quality["customers"].sum())

    @property
    def complete_share(self) -> float:
        """The share of all checked cards that are fully filled (NaN with no cards)."""
        return int(self.manager_quality["complete_cards"].sum()) / self.cards if self.cards else float("nan")


def base_audit(
    customers: pd.DataFrame,
    cube: pd.DataFrame,
    contacts: pd.DataFrame | None = None,
    *,
    as_of: pd.Timestamp,
    previous_as_of: pd.Timestamp | None = None,
    fuzzy_threshold: float | None = None,
    executors: Sequence[str] = (),
    sleeping_days: int = SLEEPING_DAYS,
    window_months: int = WINDOW_MONTHS,
    trend_quarters: int = TREND_QUARTERS,
) -> AuditResult:
    """The whole quarterly audit in one call: every check of this package at as_of.

    REFERENCE.md "Base audit". `previous_as_of` defaults to the end of the quarter before
    as_of's; new clients are those of as_of's quarter; the tasks are codes (worded by
    `clientbase.views.base_audit.task_text`).
    """
    as_of = pd.Timestamp(as_of).normalize()
    previous = quarter_of(as_of).previous().as_of if previous_as_of is None else pd.Timestamp(previous_as_of)
    # every check reads only the cards not marked for deletion, selected once, and shares
    # their derived columns (ИНН checked, phones, emails and names normalised once)
    cards = _Cards(customers)
    invalid = _invalid_ids(cards)
    duplicates = _duplicate_groups(cards, fuzzy_threshold=fuzzy_threshold, fuzzy_window=FUZZY_WINDOW)
    # the fill checks share one pass over the cards and contacts
    card_fill = _card_fill(cards, contacts)
    gaps = _fill_gaps(card_fill)
    activity = _coded_activity(cards, cube)  # the lists, the summary and the trend share it
    tasks = _audit_tasks(cards, invalid=invalid, duplicates=duplicates, fill=gaps, executors=executors)
    return AuditResult(
        as_of=as_of,
        previous_as_of=previous.normalize(),
        invalid=invalid,
        duplicates=duplicates,
        duplicate_summary=duplicate_summary(duplicates),
        branches=_branches(cards),
        fill_rates=_fill_rates(card_fill),
        fill_gaps=gaps,
        manager_quality=_manager_quality(card_fill),
        sleeping=_sleeping(cards, activity, as_of=as_of, days=sleeping_days),
        new=_new(cards, activity, start=quarter_of(as_of).start, as_of=as_of),
        base=_base_summary(cards, activity, as_of=as_of, previous_as_of=previous, window_months=window_months,
                           sleeping_days=sleeping_days),
        trend=_base_trend(cards, activity, as_of=as_of, quarters=trend_quarters, window_months=window_months,
                          sleeping_days=sleeping_days),
        tasks=tasks,
        invalid_counts=invalid_id_counts(invalid),
        tasks_by_manager=tasks_by_manager(tasks),
        orphan_cards=orphan_cards(tasks, gaps),
        has_contacts=contacts is not None,
        sleeping_days=sleeping_days,
        window_months=window_months,
        trend_quarters=trend_quarters,
        fuzzy_threshold=fuzzy_threshold,
        executors=tuple(executors),
    )
