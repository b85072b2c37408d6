"""The quarterly base audit (ревизия клиентской базы): what is wrong with the cards and who fixes it.

Source of the rules: REFERENCE.md "Base audit". Checks: invalid ИНН/КПП (`invalid_ids`),
duplicate cards as groups (`duplicate_groups`), branches (`branches`), fill rates of the
fields the analytics need (`fill_rates`, `fill_gaps`, `manager_quality`), sleeping and new
clients and the size of the base (`sleeping_clients`, `new_clients`, `base_summary`,
`base_trend`), and every problem as a task for the responsible manager (`audit_tasks`).
`base_audit` runs them all at once for a report.

Customers marked for deletion (`is_deleted`) are left out of every check: 1C keeps them
until the deletion is processed, and nobody should be asked to fix a card being deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import Field
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from clientbase.frames import isin
from clientbase.identifiers import (
    ALL_ZEROS,
    NOT_DIGITS,
    inn_problems,
    kpp_problems,
    normalize_emails,
    normalize_names,
    normalize_phones,
)
from clientbase.options import Options
from clientbase.periods import quarter_of, window_start

__all__ = [
    "ALL",
    "FILL_FIELDS",
    "MATCH_RULES",
    "NO_MANAGER",
    "UNASSIGNED",
    "AuditResult",
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
    "invalid_ids",
    "manager_quality",
    "new_clients",
    "sleeping_clients",
]

# manager labels of the aggregated tables
ALL = "(all)"  # every customer
NO_MANAGER = "(none)"  # customers whose card names no manager
UNASSIGNED = "(unassigned)"  # tasks of such customers when no executors are configured

# in this order a group member's rule is chosen: the first rule that links it to another
MATCH_RULES = ("inn_kpp", "phone", "email", "name", "fuzzy_name")
EXACT_RULES = MATCH_RULES[:4]
FILL_FIELDS = ("source", "manager", "category", "contact", "inn", "region")
SLEEPING_DAYS = 90
WINDOW_MONTHS = 12
TREND_QUARTERS = 8
LANGUAGES = ("en", "ru")
GROUP_PREFIX = "D"


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

# how many sorted neighbours each distinct name is compared with (see duplicate_groups)
FUZZY_WINDOW = 10

_TASKS = {
    "en": {
        "inn_not_digits": "Check INN: characters other than digits",
        "inn_all_zeros": "Check INN: all zeros",
        "inn_length": "Check INN: wrong length (10 digits for a company, 12 for a person or sole trader)",
        "inn_checksum": "Check INN: wrong check digits",
        "kpp_format": "Check KPP: wrong format",
        "kpp_missing": "Fill in KPP: required for a company",
        "kpp_unexpected": "Remove KPP: a person or sole trader has none",
        "duplicate": "Merge duplicates: group {group} ({rule})",
        "inn_kpp": "same INN and KPP",
        "phone": "same phone",
        "email": "same email",
        "name": "same name",
        "fuzzy_name": "similar name",
        "fill_source": "Fill in the acquisition source",
        "fill_manager": "Assign a manager",
        "fill_category": "Fill in the customer category",
        "fill_contact": "Fill in contact details (phone or email)",
        "fill_inn": "Fill in INN",
        "fill_region": "Fill in the region",
    },
    "ru": {
        "inn_not_digits": "Проверить ИНН: недопустимые символы (только цифры)",
        "inn_all_zeros": "Проверить ИНН: указаны одни нули",
        "inn_length": "Проверить ИНН: неверная длина (10 цифр у организации, 12 у ИП и физлица)",
        "inn_checksum": "Проверить ИНН: неверная контрольная сумма",
        "kpp_format": "Проверить КПП: неверный формат",
        "kpp_missing": "Заполнить КПП: обязателен для организации",
        "kpp_unexpected": "Удалить КПП: у ИП и физлица КПП не указывается",
        "duplicate": "Объединить дубли: группа {group} ({rule})",
        "inn_kpp": "совпадают ИНН и КПП",
        "phone": "совпадает телефон",
        "email": "совпадает электронная почта",
        "name": "совпадает наименование",
        "fuzzy_name": "похожее наименование",
        "fill_source": "Заполнить источник привлечения",
        "fill_manager": "Назначить основного менеджера",
        "fill_category": "Заполнить категорию клиента",
        "fill_contact": "Заполнить контактную информацию (телефон или электронная почта)",
        "fill_inn": "Заполнить ИНН",
        "fill_region": "Заполнить регион",
    },
}


# ------------------------------------------------------------------------ identifiers


def invalid_ids(customers: pd.DataFrame) -> pd.DataFrame:
    """Every invalid ИНН and КПП of the customers, one row per problem.

    REFERENCE.md "Base audit": problem codes `not_digits`, `all_zeros`, `length`,
    `checksum` (field `inn`) and `kpp_format`, `kpp_missing`, `kpp_unexpected` (field
    `kpp`); their order and exact meaning are in `clientbase.identifiers`. An empty ИНН is
    a fill-rate gap, not listed here.

    Returns
    -------
    DataFrame[customer_id, field, value, problem]
        `value` is the field as the card holds it (NA for `kpp_missing`); sorted by
        customer_id, then `inn` before `kpp`.
    """
    cards = _active(customers)
    inn, kpp = _column(cards, "inn"), _column(cards, "kpp")
    frames = []
    for field, values, problems in (
        ("inn", inn, inn_problems(inn)),
        ("kpp", kpp, kpp_problems(kpp, inn)),
    ):
        rows = problems.notna().to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "customer_id": cards["customer_id"].to_numpy()[rows],
                    "field": field,
                    "value": values.astype("str").to_numpy()[rows],
                    "problem": problems.to_numpy()[rows],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).astype("str")
    return out.sort_values(["customer_id", "field"], kind="stable", ignore_index=True)


# ------------------------------------------------------------------------- duplicates


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
    cards = _active(customers).sort_values("customer_id", kind="stable")
    n = len(cards)
    keys = _match_keys(cards)
    office = _office(cards)
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
            "customer_id": cards["customer_id"].iloc[members].astype("str").to_numpy(),
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
    cards = _active(customers)
    inn, kpp = _stripped(_column(cards, "inn")), _stripped(_column(cards, "kpp"))
    organisation = (inn.str.len() == 10) & ~inn_problems(inn).isin([NOT_DIGITS, ALL_ZEROS])
    kpps = pd.DataFrame({"inn": inn, "kpp": kpp})[organisation.fillna(False).astype(bool)]
    distinct = kpps.dropna().groupby("inn")["kpp"].nunique()
    rows = isin(inn, distinct.index[distinct > 1])
    out = pd.DataFrame(
        {
            "inn": inn.to_numpy()[rows],
            "customer_id": cards["customer_id"].to_numpy()[rows],
            "kpp": kpp.to_numpy()[rows],
            "name": cards["name"].to_numpy()[rows],
        }
    ).astype("str")
    return out.sort_values(["inn", "kpp", "customer_id"], kind="stable", ignore_index=True)


# ------------------------------------------------------------------------- fill rates


def fill_rates(customers: pd.DataFrame, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of cards with each analytic field filled, overall and per manager.

    REFERENCE.md "Base audit". Fields (`FILL_FIELDS`): source, manager, category, contact
    (a phone of at least 10 digits or an email with "@", on the card or on any of its
    contact persons), inn (counted for companies only: `customer_type == "company"`), region.
    A ИНН that is filled but invalid counts as filled (it is listed by `invalid_ids`).

    Returns
    -------
    DataFrame[manager, field, filled_share, filled, total]
        First the `ALL` rows, then one set per manager (by name; `NO_MANAGER` last), fields
        in `FILL_FIELDS` order. filled_share is NaN where total is 0.
    """
    return _fill_rates(_card_fill(customers, contacts))


def _fill_rates(card_fill: tuple[pd.DataFrame, pd.DataFrame, pd.Series]) -> pd.DataFrame:
    filled, counted, manager = card_fill
    filled_n = (filled & counted).astype("int64")
    counted_n = counted.astype("int64")
    overall = pd.DataFrame({"filled": filled_n.sum(), "total": counted_n.sum()}).assign(manager=ALL)
    per_manager = pd.DataFrame(
        {
            "filled": filled_n.groupby(manager).sum().stack(),
            "total": counted_n.groupby(manager).sum().stack(),
        }
    )
    per_manager = per_manager.rename_axis(["manager", "field"]).reset_index()
    overall = overall.rename_axis("field").reset_index()
    out = pd.concat([overall, per_manager], ignore_index=True)
    out["filled_share"] = out["filled"] / out["total"].where(out["total"] > 0)
    out = out.iloc[_manager_field_order(out["manager"], out["field"])]
    columns = ["manager", "field", "filled_share", "filled", "total"]
    return out[columns].astype({"manager": "str", "field": "str"}).reset_index(drop=True)


def fill_gaps(customers: pd.DataFrame, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every empty analytic field of every card, one row per gap (the input of `audit_tasks`).

    Same fields and rules as `fill_rates`.

    Returns
    -------
    DataFrame[customer_id, manager, field]
        manager is the card's (`NO_MANAGER` when none); sorted by customer_id, then field in
        `FILL_FIELDS` order.
    """
    return _fill_gaps(_card_fill(customers, contacts))


def _fill_gaps(card_fill: tuple[pd.DataFrame, pd.DataFrame, pd.Series]) -> pd.DataFrame:
    filled, counted, manager = card_fill
    gaps = (counted & ~filled).to_numpy()
    cards, fields = np.nonzero(gaps)
    out = pd.DataFrame(
        {
            "customer_id": filled.index.to_numpy()[cards],
            "manager": manager.to_numpy()[cards],
            "field": np.array(FILL_FIELDS, dtype=object)[fields],
            "_field": fields,
        }
    )
    out = out.sort_values(["customer_id", "_field"], kind="stable", ignore_index=True)
    return out.drop(columns="_field").astype("str")


def manager_quality(customers: pd.DataFrame, contacts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each manager's data-quality score: the share of their cards with every field filled.

    REFERENCE.md "Base audit". A card is complete when every field of `fill_rates` that
    applies to it is filled (inn only for companies). Customers without a manager form
    the `NO_MANAGER` row (none of their cards can be complete).

    Returns
    -------
    DataFrame[manager, customers, complete_cards, complete_share]
        worst first: by complete_share, then more customers first, then manager.
    """
    return _manager_quality(_card_fill(customers, contacts))


def _manager_quality(card_fill: tuple[pd.DataFrame, pd.DataFrame, pd.Series]) -> pd.DataFrame:
    filled, counted, manager = card_fill
    complete = (filled | ~counted).all(axis=1)
    out = (
        pd.DataFrame({"manager": manager.to_numpy(), "complete": complete.to_numpy()})
        .groupby("manager")
        .agg(customers=("complete", "size"), complete_cards=("complete", "sum"))
        .reset_index()
    )
    out["complete_cards"] = out["complete_cards"].astype("int64")
    out["complete_share"] = out["complete_cards"] / out["customers"]
    out = out.sort_values(
        ["complete_share", "customers", "manager"], ascending=[True, False, True], kind="stable"
    )
    return out.astype({"manager": "str"}).reset_index(drop=True)


# --------------------------------------------------------------------- the base in time


@dataclass(frozen=True)
class BaseSummary:
    """The size and movement of the base at as_of and at the previous audit's date.

    `customers`: cards created on or before the date (all, when there is no created_at);
    `active_buyers`: customers with an activity order in the window ending at the date;
    `sleeping`: customers whose last activity order is more than `sleeping_days` before the
    date; `new`: customers whose first activity order falls in the date's quarter;
    `growth` = customers − customers_previous, `growth_share` = growth / customers_previous.
    """

    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp
    customers: int
    customers_previous: int
    active_buyers: int
    active_buyers_previous: int
    sleeping: int
    sleeping_previous: int
    new: int
    new_previous: int
    growth: int
    growth_share: float

    def as_frame(self) -> pd.DataFrame:
        """DataFrame[metric, current, previous, change]: one row per counted metric."""
        metrics = ("customers", "active_buyers", "sleeping", "new")
        current = [getattr(self, m) for m in metrics]
        previous = [getattr(self, f"{m}_previous") for m in metrics]
        return pd.DataFrame(
            {
                "metric": pd.Series(metrics, dtype="str"),
                "current": current,
                "previous": previous,
                "change": np.subtract(current, previous),
            }
        )


def sleeping_clients(
    customers: pd.DataFrame, cube: pd.DataFrame, *, as_of: pd.Timestamp, days: int = SLEEPING_DAYS
) -> pd.DataFrame:
    """«Спящие» clients: the last activity order more than `days` days before as_of.

    REFERENCE.md "Base audit". Customers who never bought are potential, not sleeping.
    Only the cube's rows dated on or before as_of are read.

    Returns
    -------
    DataFrame[customer_id, name, manager, last_order_date, days_since_last_order]
        longest silence first, then customer_id.
    """
    return _sleeping(customers, _coded_activity(customers, cube), as_of=as_of, days=days)


def _sleeping(customers: pd.DataFrame, activity: _Activity, *, as_of: pd.Timestamp, days: int) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of).normalize()
    last = _activity_dates(activity, as_of)["last_order_date"]
    out = _cards_with(customers, last)
    out["days_since_last_order"] = (as_of - out["last_order_date"].dt.normalize()).dt.days.astype("int64")
    out = out[out["days_since_last_order"] > days]
    return out.sort_values(
        ["days_since_last_order", "customer_id"], ascending=[False, True], kind="stable", ignore_index=True
    )


def new_clients(
    customers: pd.DataFrame, cube: pd.DataFrame, *, start: pd.Timestamp, as_of: pd.Timestamp
) -> pd.DataFrame:
    """New clients: the first activity order ever falls between start and as_of (inclusive).

    REFERENCE.md "Base audit" ("new clients this quarter": start is the quarter's first day).

    Returns
    -------
    DataFrame[customer_id, name, manager, source, first_order_date]
        by first_order_date, then customer_id.
    """
    return _new(customers, _coded_activity(customers, cube), start=start, as_of=as_of)


def _new(customers: pd.DataFrame, activity: _Activity, *, start: pd.Timestamp, as_of: pd.Timestamp) -> pd.DataFrame:
    start, as_of = pd.Timestamp(start).normalize(), pd.Timestamp(as_of).normalize()
    if start > as_of:
        raise ValueError(f"start {start.date()} is after as_of {as_of.date()}")
    first = _activity_dates(activity, as_of)["first_order_date"]
    out = _cards_with(customers, first, extra=("source",))
    out = out[out["first_order_date"].dt.normalize() >= start]
    return out.sort_values(["first_order_date", "customer_id"], kind="stable", ignore_index=True)


def base_summary(
    customers: pd.DataFrame,
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    previous_as_of: pd.Timestamp,
    window_months: int = WINDOW_MONTHS,
    sleeping_days: int = SLEEPING_DAYS,
) -> BaseSummary:
    """The base at as_of next to the base at the previous audit (default: a quarter earlier).

    REFERENCE.md "Base audit": base growth quarter over quarter and a comparison with the
    previous quarter's audit. Both dates are read from the same data, so cards deleted
    since are left out of both. Definitions: `BaseSummary`.
    """
    return _base_summary(customers, _coded_activity(customers, cube), as_of=as_of, previous_as_of=previous_as_of,
                         window_months=window_months, sleeping_days=sleeping_days)


def _base_summary(
    customers: pd.DataFrame, activity: _Activity, *, as_of: pd.Timestamp, previous_as_of: pd.Timestamp,
    window_months: int, sleeping_days: int,
) -> BaseSummary:
    as_of, previous = pd.Timestamp(as_of).normalize(), pd.Timestamp(previous_as_of).normalize()
    if previous >= as_of:
        raise ValueError(f"previous_as_of {previous.date()} must be before as_of {as_of.date()}")
    counts = {}
    for suffix, day in (("", as_of), ("_previous", previous)):
        counts[f"customers{suffix}"] = _base_size(customers, day)
        quarter = _quarter_counts(activity, day=day, start=quarter_of(day).start, window_months=window_months,
                                  sleeping_days=sleeping_days)
        counts.update({f"{name}{suffix}": value for name, value in quarter.items()})
    growth = counts["customers"] - counts["customers_previous"]
    share = growth / counts["customers_previous"] if counts["customers_previous"] else float("nan")
    return BaseSummary(as_of=as_of, previous_as_of=previous, growth=growth, growth_share=share, **counts)


def base_trend(
    customers: pd.DataFrame,
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    quarters: int = TREND_QUARTERS,
    window_months: int = WINDOW_MONTHS,
    sleeping_days: int = SLEEPING_DAYS,
) -> pd.DataFrame:
    """The base at the end of each of the last `quarters` quarters up to as_of's.

    REFERENCE.md "Base audit" (base growth quarter over quarter, the previous audits): the
    figures of `BaseSummary` at each quarter end, read from today's data, so a quarter's
    row is what its audit would have counted had it been run with the same cards. A
    quarter end after as_of is replaced by as_of (an audit run mid-quarter).

    Returns
    -------
    DataFrame[quarter, as_of, customers, active_buyers, sleeping, new]
        Oldest quarter first; quarter is a label like "2026Q3".
    """
    return _base_trend(customers, _coded_activity(customers, cube), as_of=as_of, quarters=quarters,
                       window_months=window_months, sleeping_days=sleeping_days)


def _base_trend(
    customers: pd.DataFrame, activity: _Activity, *, as_of: pd.Timestamp, quarters: int,
    window_months: int, sleeping_days: int,
) -> pd.DataFrame:
    if quarters < 1:
        raise ValueError(f"quarters must be >= 1, got {quarters!r}")
    as_of = pd.Timestamp(as_of).normalize()
    last = quarter_of(as_of)
    rows = []
    # a handful of quarters; each is a few numpy passes over the cube's activity rows, the
    # customers coded once as integers (grouping by text ids per quarter was the cost)
    for back in range(quarters - 1, -1, -1):
        period = last.previous(back)
        day = min(period.as_of, as_of)
        rows.append({
            "quarter": period.label,
            "as_of": day,
            "customers": _base_size(customers, day),
            **_quarter_counts(activity, day=day, start=period.start, window_months=window_months,
                              sleeping_days=sleeping_days),
        })
    out = pd.DataFrame(rows)
    return out.astype({"quarter": "str", "customers": "int64", "active_buyers": "int64", "sleeping": "int64",
                       "new": "int64"})


# ------------------------------------------------------------------------------ tasks


def audit_tasks(
    customers: pd.DataFrame,
    *,
    invalid: pd.DataFrame | None,
    duplicates: pd.DataFrame | None,
    fill: pd.DataFrame | None,
    executors: Sequence[str] = (),
    language: str = "en",
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
    language
        "en" or "ru": the language of the task text (task_code is always English).

    Returns
    -------
    DataFrame[manager, customer_id, task, task_code, name]
        task_code: `inn_<problem>`, `kpp_<...>`, `duplicate_<rule>`, `fill_<field>`;
        sorted by manager, customer_id, then identifiers, duplicates, gaps.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    words = _TASKS[language]
    parts = []
    if invalid is not None and len(invalid):
        code = np.where(invalid["field"] == "inn", "inn_" + invalid["problem"], invalid["problem"])
        parts.append(pd.DataFrame({"customer_id": invalid["customer_id"].to_numpy(), "task_code": code}))
    if duplicates is not None and len(duplicates):
        head, tail = words["duplicate"].split("{group}")
        middle, end = tail.split("{rule}")
        text = head + duplicates["group_id"] + middle + duplicates["match_rule"].map(words) + end
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": duplicates["customer_id"].to_numpy(),
                    "task_code": ("duplicate_" + duplicates["match_rule"]).to_numpy(),
                    "task": text.to_numpy(),
                }
            )
        )
    if fill is not None and len(fill):
        parts.append(
            pd.DataFrame(
                {"customer_id": fill["customer_id"].to_numpy(), "task_code": ("fill_" + fill["field"]).to_numpy()}
            )
        )
    columns = ["manager", "customer_id", "task", "task_code", "name"]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    tasks = pd.concat(parts, ignore_index=True)
    if "task" not in tasks.columns:
        tasks["task"] = pd.Series(pd.NA, index=tasks.index, dtype="str")
    tasks["task"] = tasks["task"].fillna(tasks["task_code"].map(words))
    tasks["_order"] = np.arange(len(tasks))
    cards = _active(customers)
    owners = pd.DataFrame(
        {
            "customer_id": cards["customer_id"].to_numpy(),
            "manager": _stripped(_column(cards, "manager")).to_numpy(),
            "name": cards["name"].to_numpy(),
        }
    )
    tasks = tasks.merge(owners, on="customer_id", how="inner")
    orphans = np.sort(tasks.loc[tasks["manager"].isna(), "customer_id"].unique())
    people = np.array(list(executors) or [UNASSIGNED], dtype=object)
    assigned = pd.Series(people[np.arange(len(orphans)) % len(people)], index=orphans, dtype="str")
    tasks["manager"] = tasks["manager"].fillna(tasks["customer_id"].map(assigned))
    tasks = tasks.sort_values(["manager", "customer_id", "_order"], kind="stable", ignore_index=True)
    return tasks[columns].astype("str")


# ------------------------------------------------------------------------- everything


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
    has_contacts: bool
    sleeping_days: int
    window_months: int
    trend_quarters: int
    fuzzy_threshold: float | None
    executors: tuple[str, ...]

    @property
    def complete_share(self) -> float:
        """The share of all checked cards that are fully filled (NaN with no cards)."""
        cards = int(self.manager_quality["customers"].sum())
        return int(self.manager_quality["complete_cards"].sum()) / cards if cards else float("nan")


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
    language: str = "en",
) -> AuditResult:
    """The whole quarterly audit in one call: every check of this module at as_of.

    REFERENCE.md "Base audit". `previous_as_of` defaults to the end of the quarter before
    as_of's; new clients are those of as_of's quarter; the task texts are in `language`.
    """
    as_of = pd.Timestamp(as_of).normalize()
    previous = quarter_of(as_of).previous().as_of if previous_as_of is None else pd.Timestamp(previous_as_of)
    # every check reads only the cards not marked for deletion: select them once
    customers = _active(customers)
    invalid = invalid_ids(customers)
    duplicates = duplicate_groups(customers, fuzzy_threshold=fuzzy_threshold)
    # the fill checks share one pass over the cards and contacts (phones and emails normalised once)
    card_fill = _card_fill(customers, contacts)
    gaps = _fill_gaps(card_fill)
    activity = _coded_activity(customers, cube)  # the lists, the summary and the trend share it
    return AuditResult(
        as_of=as_of,
        previous_as_of=previous.normalize(),
        invalid=invalid,
        duplicates=duplicates,
        duplicate_summary=duplicate_summary(duplicates),
        branches=branches(customers),
        fill_rates=_fill_rates(card_fill),
        fill_gaps=gaps,
        manager_quality=_manager_quality(card_fill),
        sleeping=_sleeping(customers, activity, as_of=as_of, days=sleeping_days),
        new=_new(customers, activity, start=quarter_of(as_of).start, as_of=as_of),
        base=_base_summary(customers, activity, as_of=as_of, previous_as_of=previous, window_months=window_months,
                           sleeping_days=sleeping_days),
        trend=_base_trend(customers, activity, as_of=as_of, quarters=trend_quarters, window_months=window_months,
                          sleeping_days=sleeping_days),
        tasks=audit_tasks(customers, invalid=invalid, duplicates=duplicates, fill=gaps, executors=executors,
                          language=language),
        has_contacts=contacts is not None,
        sleeping_days=sleeping_days,
        window_months=window_months,
        trend_quarters=trend_quarters,
        fuzzy_threshold=fuzzy_threshold,
        executors=tuple(executors),
    )


# ---------------------------------------------------------------------------- helpers


def _active(customers: pd.DataFrame) -> pd.DataFrame:
    """The cards not marked for deletion."""
    if "is_deleted" not in customers.columns:
        return customers
    keep = ~customers["is_deleted"].fillna(False).astype(bool).to_numpy()
    # no copy when nothing is deleted: selecting rows copies every text column (Arrow take)
    return customers if keep.all() else customers[keep]


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column, or an all-NA text column when the source has none."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype="str", name=name)


def _stripped(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return text.mask(text == "")


def _match_keys(cards: pd.DataFrame) -> dict[str, pd.Series]:
    """The normalised key of every exact rule for every card (NA: no key)."""
    inn, kpp = _stripped(_column(cards, "inn")), _stripped(_column(cards, "kpp"))
    usable = inn.notna() & ~inn_problems(inn).isin([NOT_DIGITS, ALL_ZEROS])
    person = usable & (inn.str.len() == 12)
    inn_kpp = (inn + "/" + kpp).where(usable & ~person)
    return {
        "inn_kpp": inn.where(person, inn_kpp),
        "phone": normalize_phones(_column(cards, "phone")),
        "email": normalize_emails(_column(cards, "email")),
        "name": normalize_names(_column(cards, "name")),
    }


def _office(cards: pd.DataFrame) -> pd.DataFrame:
    """Each card's organisation (usable 10-digit ИНН) and КПП as integer codes, -1 when unknown.

    Two cards with the same organisation and different КПП are a head office and a branch
    (REFERENCE.md "Base audit"): no rule may join them directly, even when they share a
    phone, an email or a name, as real branch cards often do.
    """
    inn, kpp = _stripped(_column(cards, "inn")), _stripped(_column(cards, "kpp"))
    organisation = (inn.str.len() == 10) & ~inn_problems(inn).isin([NOT_DIGITS, ALL_ZEROS])
    organisation = organisation.fillna(False).astype(bool) & kpp.notna()
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


def _card_fill(
    customers: pd.DataFrame, contacts: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Per card (index customer_id): which analytic fields are filled, which are counted,
    and the manager label (`NO_MANAGER` when none)."""
    cards = _active(customers)
    phone_ok = normalize_phones(_column(cards, "phone")).notna()
    email_ok = normalize_emails(_column(cards, "email")).str.contains("@", regex=False).fillna(False)
    contact = phone_ok | email_ok.astype(bool)
    if contacts is not None and len(contacts):
        reachable = normalize_phones(_column(contacts, "phone")).notna() | normalize_emails(
            _column(contacts, "email")
        ).str.contains("@", regex=False).fillna(False).astype(bool)
        contact = contact | isin(cards["customer_id"], contacts.loc[reachable, "customer_id"])
    filled = pd.DataFrame(
        {
            "source": _stripped(_column(cards, "source")).notna(),
            "manager": _stripped(_column(cards, "manager")).notna(),
            "category": _stripped(_column(cards, "category")).notna(),
            "contact": contact,
            "inn": _stripped(_column(cards, "inn")).notna(),
            "region": _stripped(_column(cards, "region")).notna(),
        },
        index=cards.index,
    )
    counted = pd.DataFrame(True, index=cards.index, columns=list(FILL_FIELDS))
    counted["inn"] = (_column(cards, "customer_type") == "company").fillna(False).astype(bool)
    manager = _stripped(_column(cards, "manager")).fillna(NO_MANAGER)
    index = pd.Index(cards["customer_id"].to_numpy(), name="customer_id")
    return (
        filled.astype(bool).set_axis(index),
        counted.set_axis(index),
        manager.set_axis(index).rename("manager"),
    )


def _manager_field_order(managers: pd.Series, fields: pd.Series) -> np.ndarray:
    """Positions that put ALL first, managers by name, NO_MANAGER last; fields in order."""
    keys = pd.DataFrame(
        {
            "group": np.where(managers == ALL, 0, np.where(managers == NO_MANAGER, 2, 1)),
            "manager": managers.to_numpy(),
            "field": fields.map({f: i for i, f in enumerate(FILL_FIELDS)}).to_numpy(),
        }
    )
    return keys.sort_values(["group", "manager", "field"], kind="stable").index.to_numpy()


def _activity_dates(activity: _Activity, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per customer_id (active cards with an activity order): first and last activity order
    date on or before as_of (NaT when there is none)."""
    at = np.datetime64(pd.Timestamp(as_of), "ns")
    seen = activity.month <= at
    first, last = activity.first[seen], activity.last[seen]
    dates = pd.DataFrame({
        "first_order_date": np.where(first <= at, first, np.datetime64("NaT", "ns")),
        "last_order_date": np.where(last <= at, last, np.datetime64("NaT", "ns")),
    }).groupby(activity.code[seen]).agg(first_order_date=("first_order_date", "min"),
                                        last_order_date=("last_order_date", "max"))
    return dates.set_axis(pd.Index(activity.ids[dates.index], dtype="str", name="customer_id"))


def _cards_with(customers: pd.DataFrame, dates: pd.Series, *, extra: Sequence[str] = ()) -> pd.DataFrame:
    """Active cards (customer_id, name, manager, extra...) joined to a per-customer date."""
    dates = dates.dropna()
    cards = _active(customers)
    # only the cards with a date are converted (to_numpy of Arrow text costs per row)
    cards = cards[isin(cards["customer_id"].astype("str"), dates.index)]
    columns = ["customer_id", "name", "manager", *extra]
    frame = pd.DataFrame({c: _column(cards, c).astype("str").to_numpy() for c in columns})
    frame["manager"] = _stripped(frame["manager"])
    return frame.merge(dates.rename(dates.name).reset_index(), on="customer_id", how="inner")


@dataclass(frozen=True, eq=False)
class _Activity:
    """The cube's activity rows (orders > 0) of the active cards, the customers coded once as
    integers: grouping millions of rows by text ids was the cost of the audit's dates and counts."""

    ids: pd.Index  # customer_id of each code
    code: np.ndarray  # per row: position in ids
    month: np.ndarray
    first: np.ndarray  # first and last activity order date of the row's month
    last: np.ndarray


def _coded_activity(customers: pd.DataFrame, cube: pd.DataFrame) -> _Activity:
    ids = pd.Index(_active(customers)["customer_id"].astype("str")).drop_duplicates()
    code = ids.get_indexer(cube["customer_id"].astype("str"))
    keep = (code >= 0) & (cube["orders"].to_numpy() > 0)
    return _Activity(
        ids=ids,
        code=code[keep],
        month=cube["month"].to_numpy(dtype="datetime64[ns]")[keep],
        first=cube["first_order_date"].to_numpy(dtype="datetime64[ns]")[keep],
        last=cube["last_order_date"].to_numpy(dtype="datetime64[ns]")[keep],
    )


def _quarter_counts(
    activity: _Activity, *, day: pd.Timestamp, start: pd.Timestamp, window_months: int, sleeping_days: int
) -> dict[str, int]:
    """Active buyers, sleeping and new clients at `day` (the counts of `sleeping_clients`,
    `new_clients` and of customers with an activity order in the window), from the coded
    activity rows."""
    code, month, first, last = activity.code, activity.month, activity.first, activity.last
    cards = len(activity.ids)

    def distinct(rows: np.ndarray) -> int:
        # customers with at least one such row: a flag per card, no sort and no groupby
        hit = np.zeros(cards, dtype=bool)
        hit[code[rows]] = True
        return int(hit.sum())

    at = np.datetime64(day, "ns")
    seen = month <= at
    in_window = seen & (month >= np.datetime64(window_start(day, window_months), "ns"))
    with_first = seen & (first <= at)
    with_last = seen & (last <= at)
    # new: the first order, as a date, is on or after start, i.e. no first order before it;
    # sleeping: more than sleeping_days whole days since the last order, i.e. none since
    # `quiet_from`
    new_from = np.datetime64(pd.Timestamp(start).ceil("D"), "ns")
    quiet_from = np.datetime64(pd.Timestamp(day).normalize() - pd.Timedelta(days=sleeping_days), "ns")
    return {
        "active_buyers": distinct(in_window & (np.isnat(last) | (last <= at))),
        "sleeping": distinct(with_last) - distinct(with_last & (last >= quiet_from)),
        "new": distinct(with_first) - distinct(with_first & (first < new_from)),
    }


def _base_size(customers: pd.DataFrame, day: pd.Timestamp) -> int:
    cards = _active(customers)
    if "created_at" not in cards.columns:
        return len(cards)
    created = cards["created_at"]
    # a card without a creation date has always been there
    return int((created.isna() | (created.dt.normalize() <= day)).sum())
