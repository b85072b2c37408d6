"""ABC-XYZ classes of customers, the 3 × 3 matrix, and migration between two dates.

Source of the rules: REFERENCE.md "Relationship stage", "ABC (value)", "XYZ (stability of
buying)" and "Migration between periods". Everything works on the customer × month cube
(docs/ARCHITECTURE.md), never on order lines; the weekly XYZ grain reads the customer × day
facts instead. Only cube rows of months up to the month of `as_of` are read, so the same
cube classifies any earlier quarter end (migration does exactly that). Rows are whole
months: pass a month end (a quarter end) as `as_of` when the cube was built for a later date.

Customer ids are factorized once (together with the customers table) and every
per-customer sum is an `np.bincount` over the integer codes; XYZ fills a dense
customers × sub-periods matrix (in blocks that bound memory), where months without a row
are zeros, and takes the exact two-pass variance. No Python loop runs per customer: a
million customers with a 36-month cube classify in a few seconds.

Customers marked for deletion (`is_deleted`) get no class by default: a card marked for
deletion in 1C is a duplicate or a mistake, not a customer to manage, and its revenue would
dilute the shares of the live ones (`include_deleted=True` classifies them). They still
have a row in the classes table (DESIGN.md: one row per customer of the customers table),
last, with their stage, and they take no part in the migration.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from clientbase.options import Options
from clientbase.periods import Period, month_starts, window_start

DEFAULT_ABC_BOUNDS = (0.80, 0.95)
DEFAULT_XYZ_BOUNDS = (0.5, 1.0)
# the textbook bounds for yearly product demand; at monthly grain nearly every customer is Z
CLASSIC_XYZ_BOUNDS = (0.10, 0.25)
DEFAULT_WINDOW_MONTHS = 12
DEFAULT_NEW_DAYS = 90
DEFAULT_MIN_PERIODS = 3

METRICS = ("revenue", "gross_profit", "quantity")
GRAINS = ("month", "quarter", "week")


class AbcXyzOptions(Options):
    """The options of the ABC-XYZ report (REFERENCE.md "ABC", "XYZ", "Relationship stage")."""

    metric: Literal["revenue", "gross_profit", "quantity"] = Field(
        "revenue", description="revenue | gross_profit (needs cost) | quantity")
    window_months: int = Field(DEFAULT_WINDOW_MONTHS, ge=1, description="whole calendar months ending at as_of")
    abc_bounds: tuple[float, float] = Field(
        DEFAULT_ABC_BOUNDS,
        description="cumulative share before the client: A below the first, B below the second")
    xyz_bounds: tuple[float, float] = Field(
        DEFAULT_XYZ_BOUNDS, description="cv: X up to the first, Y up to the second (classic: [0.10, 0.25])")
    grain: Literal["month", "quarter", "week"] = Field("month", description="XYZ sub-period: month | quarter | week")
    min_periods: int = Field(DEFAULT_MIN_PERIODS, ge=1, description="fewest observed sub-periods for an XYZ class")
    new_days: int = Field(DEFAULT_NEW_DAYS, ge=1, description="a client whose first order is younger than this is new")
    top_n: int = Field(20, ge=1, description="downgraded clients shown in the report")

    @field_validator("abc_bounds")
    @classmethod
    def _abc_bounds(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0 < value[0] < value[1] <= 1:
            raise ValueError("expected two increasing shares in (0, 1] like [0.8, 0.95]")
        return value

    @field_validator("xyz_bounds")
    @classmethod
    def _xyz_bounds(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not 0 < value[0] < value[1]:
            raise ValueError("expected two increasing positive numbers like [0.5, 1.0]")
        return value

    def classify_keywords(self) -> dict[str, object]:
        """The keywords of `abc_xyz_classes` and `migration` these options set."""
        return {k: getattr(self, k) for k in ("metric", "window_months", "abc_bounds", "xyz_bounds", "grain",
                                              "min_periods", "new_days")}
STAGES = ("potential", "new", "lost", "one_off", "regular")
ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")
CELLS = tuple(a + x for a in ABC for x in XYZ)
NONE, LOST, NEW = "none", "lost", "new"
# order of rows and columns of the migration matrix
MIGRATION_LABELS = (*CELLS, NONE, LOST, NEW)

CLASSES_COLUMNS = (
    "customer_id", "name", "manager", "metric_value", "share", "cum_share", "abc", "cv", "xyz",
    "abc_xyz", "stage", "revenue", "observed_periods", "months_with_sales", "is_deleted",
)

# columns of `abc_xyz/classes.csv` (DESIGN.md output contract first); names stay in the
# customers table
# abc_xyz/downgrades.csv: the downgrades without the client's name (names stay out of the tables)
DOWNGRADES_CSV_COLUMNS = ("customer_id", "manager", "from_class", "to_class", "revenue_before", "revenue_now",
                          "lost_revenue")
CLASSES_CSV_COLUMNS = (
    "customer_id", "metric_value", "share", "cum_share", "abc", "cv", "xyz", "abc_xyz", "stage",
    "manager", "revenue", "observed_periods", "months_with_sales", "is_deleted",
)

# decimals kept when comparing a share or a cv with a bound: a running float sum may land a
# hair below 0.80 or above 1.0 where exact arithmetic gives the bound itself
_DECIMALS = 12
_NO_DATE = np.iinfo(np.int64).max
_DAY_NS = 86_400 * 10**9
# cells (customers × sub-periods) of one dense block in the XYZ pass: 128 MB of floats
_BLOCK_CELLS = 16_000_000


@dataclass(frozen=True, eq=False)
class Migration:
    """Classes at two dates and the transitions between them (REFERENCE.md "Migration").

    `transitions`: from_class, to_class, customers, row_share (of the from_class row),
    revenue_before, revenue_now, revenue_change (window revenue now − before).
    `before` / `after`: the two `abc_xyz_classes` tables. `downgrades`: see `downgrades`.
    """

    transitions: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    downgrades: pd.DataFrame
    as_of: pd.Timestamp
    previous_as_of: pd.Timestamp


def relationship_stage(
    cube: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    new_days: int = DEFAULT_NEW_DAYS,
) -> pd.Series:
    """The relationship stage of every customer at `as_of` (REFERENCE.md "Relationship stage").

    Orders are activity documents (the cube's `orders`); the first rule that matches wins:
    `potential` (no order yet), `new` (first order less than `new_days` days before as_of),
    `lost` (no order inside the window of `window_months`), `one_off` (exactly one order),
    `regular` (two or more, at least one inside the window).

    Returns
    -------
    pd.Series
        Indexed by the customers' `customer_id` (in their order), named `stage`.
    """
    _Options(window_months=window_months, new_days=new_days)  # validates
    ids = customers["customer_id"].astype("str").reset_index(drop=True)
    facts = _facts(cube, as_of=as_of, customer_ids=ids)
    in_window = facts.window(_month_number(window_start(facts.as_of, window_months)))
    stage = _stage(facts, facts.customers, in_window=in_window, new_days=new_days)
    return pd.Series(stage, index=pd.Index(ids, name="customer_id"), name="stage", dtype="str")


def abc_classes(metric: pd.Series, *, bounds: tuple[float, float] = DEFAULT_ABC_BOUNDS) -> pd.DataFrame:
    """ABC classes of a metric per customer (REFERENCE.md "ABC (value)").

    Parameters
    ----------
    metric
        The metric summed over the window, indexed by customer_id.
    bounds
        Cumulative-share bounds: A while the cum_share *before* the customer is below the
        first, B below the second, C otherwise; the customer who crosses a bound is in the
        upper class, and the top customer is always A.

    Returns
    -------
    pd.DataFrame
        customer_id, metric_value, share, cum_share, abc; sorted by metric descending, ties
        by customer_id. Customers with metric ≤ 0 (or missing) come last, without a class
        and with share and cum_share empty. The last cum_share is exactly 1.
    """
    AbcXyzOptions.parse({"abc_bounds": bounds}, where="abc_classes")
    ids = pd.Series(metric.index.to_numpy(), dtype="str")
    value = metric.to_numpy(dtype="float64", na_value=np.nan)
    order, share, cum_share, abc = _abc(value, ids, bounds=bounds)
    return pd.DataFrame({
        "customer_id": ids.iloc[order].reset_index(drop=True),
        "metric_value": value[order],
        "share": share,
        "cum_share": cum_share,
        "abc": pd.Series(abc, dtype="str"),
    })


def xyz_classes(
    cube: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    window_months: int = DEFAULT_WINDOW_MONTHS,
    metric: str = "revenue",
    grain: str = "month",
    min_periods: int = DEFAULT_MIN_PERIODS,
    bounds: tuple[float, float] = DEFAULT_XYZ_BOUNDS,
    daily: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """XYZ classes: how evenly each customer buys (REFERENCE.md "XYZ (stability of buying)").

    cv = population standard deviation (ddof 0) / mean of the metric per sub-period over
    the observed span: from max(window start, the sub-period of the customer's first
    activity order) to the window end, sub-periods without purchases counted as 0.
    Fewer than `min_periods` observed sub-periods, or a mean ≤ 0, gives no class and no cv.
    X when cv ≤ bounds[0], Y when cv ≤ bounds[1], Z otherwise.

    Parameters
    ----------
    grain
        `month` (default) or `quarter` from the cube — the window must then be whole
        calendar quarters — or `week` (Monday weeks, the partial weeks at the window edges
        counted as sub-periods) from the customer × day facts passed as `daily`.

    Returns
    -------
    pd.DataFrame
        customer_id, observed_periods, cv, xyz: one row per customer with a cube row (a
        `daily` row for weeks) up to as_of.
    """
    opts = _Options(window_months=window_months, metric=metric, grain=grain,
                    min_periods=min_periods, xyz_bounds=bounds, daily=daily)
    source = daily if grain == "week" else cube
    _check_metric(source, metric)
    facts = _facts(source, as_of=as_of, kind="daily" if grain == "week" else "cube", metric=metric)
    observed, cv, letters = _xyz(facts, opts)
    seen = slice(None) if facts.upto is None else np.flatnonzero(facts.window_sum(facts.upto, None))
    return pd.DataFrame({
        "customer_id": pd.Series(facts.ids[seen], dtype="str").reset_index(drop=True),
        "observed_periods": observed[seen],
        "cv": cv[seen],
        "xyz": pd.Series(letters[seen], dtype="str"),
    })


def abc_xyz_classes(
    cube: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    metric: str = "revenue",
    window_months: int = DEFAULT_WINDOW_MONTHS,
    abc_bounds: tuple[float, float] = DEFAULT_ABC_BOUNDS,
    xyz_bounds: tuple[float, float] = DEFAULT_XYZ_BOUNDS,
    grain: str = "month",
    min_periods: int = DEFAULT_MIN_PERIODS,
    new_days: int = DEFAULT_NEW_DAYS,
    daily: pd.DataFrame | None = None,
    include_deleted: bool = False,
) -> pd.DataFrame:
    """The ABC-XYZ classes table (`abc_xyz/classes.csv`) at `as_of`.

    One row per customer of `customers`, in ABC order (metric descending, ties by
    customer_id), the customers without an ABC class after them and the cards marked
    `is_deleted` last, without classes (unless `include_deleted`: then they are classified
    like any other). Rules: REFERENCE.md "ABC", "XYZ", "Relationship stage"; options as in
    `abc_classes`, `xyz_classes` and `relationship_stage`.

    Returns
    -------
    pd.DataFrame
        customer_id, name, manager, metric_value (the metric over the window), share,
        cum_share, abc, cv, xyz, abc_xyz (empty where either class is), stage, revenue
        (net revenue over the window, whatever the metric), observed_periods (XYZ
        sub-periods), months_with_sales (months of the window with any order line),
        is_deleted (the card is marked for deletion). `attrs` records as_of, the window, metric, grain and bounds.
    """
    opts = _Options(metric=metric, window_months=window_months, abc_bounds=abc_bounds,
                    xyz_bounds=xyz_bounds, grain=grain, min_periods=min_periods,
                    new_days=new_days, daily=daily, include_deleted=include_deleted)
    base, facts = _prepare(cube, customers, as_of=as_of, opts=opts)
    return _classify(facts, base, opts)[0]


def abc_xyz_matrix(
    classes: pd.DataFrame,
    *,
    abc_bounds: tuple[float, float] | None = None,
    xyz_bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """The 3 × 3 ABC-XYZ matrix (`abc_xyz/matrix.csv`): one row per cell AX … CZ.

    Shares are of the customers with an ABC class (positive metric in the window) and of
    their revenue, so the nine cells sum to less than 1 when some of them have no XYZ class
    yet (too little history). The bounds are those in `classes.attrs` unless given.

    Returns
    -------
    pd.DataFrame
        abc, xyz, abc_xyz, customers, customer_share, metric_value, revenue, revenue_share,
        and the rule of the cell: cum_share_before_min/max (ABC: the cum_share before the
        customer is ≥ min and < max) and cv_min/max (XYZ: cv > min and ≤ max; X from 0).
    """
    abc_bounds = tuple(abc_bounds or classes.attrs.get("abc_bounds", DEFAULT_ABC_BOUNDS))
    xyz_bounds = tuple(xyz_bounds or classes.attrs.get("xyz_bounds", DEFAULT_XYZ_BOUNDS))
    classified = classes.loc[classes["abc"].notna()]
    sums = classified.loc[classified["abc_xyz"].notna()].groupby("abc_xyz").agg(
        customers=("customer_id", "size"), metric_value=("metric_value", "sum"),
        revenue=("revenue", "sum"),
    ).reindex(list(CELLS), fill_value=0)
    abc_edges = {"A": (0.0, abc_bounds[0]), "B": abc_bounds, "C": (abc_bounds[1], 1.0)}
    xyz_edges = {"X": (0.0, xyz_bounds[0]), "Y": xyz_bounds, "Z": (xyz_bounds[1], np.inf)}
    revenue = sums["revenue"].to_numpy(dtype="float64")
    out = pd.DataFrame({
        "abc": pd.Series([c[0] for c in CELLS], dtype="str"),
        "xyz": pd.Series([c[1] for c in CELLS], dtype="str"),
        "abc_xyz": pd.Series(CELLS, dtype="str"),
        "customers": sums["customers"].to_numpy(dtype="int64"),
        "customer_share": _ratio(sums["customers"].to_numpy(dtype="float64"), len(classified)),
        "metric_value": sums["metric_value"].to_numpy(dtype="float64"),
        "revenue": revenue,
        "revenue_share": _ratio(revenue, classified["revenue"].sum()),
        "cum_share_before_min": [abc_edges[c[0]][0] for c in CELLS],
        "cum_share_before_max": [abc_edges[c[0]][1] for c in CELLS],
        "cv_min": [xyz_edges[c[1]][0] for c in CELLS],
        "cv_max": [xyz_edges[c[1]][1] for c in CELLS],
    })
    out.attrs = {"abc_bounds": abc_bounds, "xyz_bounds": xyz_bounds}
    return out


def unclassified(classes: pd.DataFrame, *, include_no_purchases: bool = False) -> pd.DataFrame:
    """Customers without an ABC class because their metric over the window is ≤ 0.

    REFERENCE.md "ABC": they are listed separately. `reason` is `net_returns` (returns
    outweigh sales), `negative_margin` (gross-profit metric ≤ 0 on positive revenue) or
    `no_purchases` (no order line in the window; left out unless `include_no_purchases`,
    since the stage already tells them apart and they can be most of the base). Cards
    marked for deletion are not listed: they are not customers to manage.

    Returns
    -------
    pd.DataFrame
        customer_id, name, manager, metric_value, revenue, stage, reason; lowest metric first.
    """
    rows = classes.loc[classes["abc"].isna()]
    if "is_deleted" in rows.columns:
        rows = rows.loc[~rows["is_deleted"].astype(bool)]
    if not include_no_purchases:
        rows = rows.loc[rows["months_with_sales"] > 0]
    margin = classes.attrs.get("metric", "revenue") == "gross_profit"
    reason = np.where(
        rows["months_with_sales"].to_numpy() == 0, "no_purchases",
        np.where(margin & (rows["revenue"].to_numpy() > 0), "negative_margin", "net_returns"),
    )
    out = rows[["customer_id", "name", "manager", "metric_value", "revenue", "stage"]].assign(
        reason=pd.Series(reason, index=rows.index, dtype="str")
    )
    return out.sort_values(["metric_value", "customer_id"], kind="stable").reset_index(drop=True)


def pareto_curve(classes: pd.DataFrame) -> pd.DataFrame:
    """The Pareto curve of the ABC metric: share of customers vs cumulative share of the metric.

    Over the customers with an ABC class, in ABC order, starting at the origin.

    Returns
    -------
    pd.DataFrame
        customers (rank; 0 for the origin), customer_share, cum_share.
    """
    cum = np.sort(classes.loc[classes["abc"].notna(), "cum_share"].to_numpy(dtype="float64"))
    rank = np.arange(len(cum) + 1)
    return pd.DataFrame({
        "customers": rank.astype("int64"),
        "customer_share": rank / len(cum) if len(cum) else np.zeros(1),
        "cum_share": np.concatenate(([0.0], cum)),
    })


def share_of_customers_for(classes: pd.DataFrame, target: float = DEFAULT_ABC_BOUNDS[0]) -> float:
    """The smallest share of customers (with an ABC class) that makes `target` of the metric.

    "20 % of clients make 80 % of revenue": `share_of_customers_for(classes, 0.80)`.
    NaN when no customer has a class.
    """
    if not 0 < target <= 1:
        raise ValueError(f"target must be a share in (0, 1], got {target}")
    curve = pareto_curve(classes)
    if len(curve) == 1:
        return float("nan")
    reached = np.round(curve["cum_share"].to_numpy(), _DECIMALS) >= target
    return float(curve["customer_share"].to_numpy()[np.argmax(reached)])


def migration(
    cube: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    previous_as_of: pd.Timestamp | None = None,
    **classify_options,
) -> Migration:
    """Transitions between the classes at `previous_as_of` and at `as_of`.

    REFERENCE.md "Migration between periods". Both dates are classified with the same
    options (the keywords of `abc_xyz_classes`) on the same cube; `previous_as_of` defaults
    to the end of the quarter before the one holding `as_of`. A customer's class is its
    abc_xyz cell when it has one, else `lost` (stage lost), else `none`; before, a customer
    with no order yet is `new`. Customers with no order even at `as_of`, and cards marked
    for deletion (unless `include_deleted`), are left out.
    """
    unknown = sorted(set(classify_options) - set(_Options.__dataclass_fields__))
    if unknown:
        raise TypeError(f"migration: unknown option {unknown[0]!r}; expected abc_xyz_classes keywords")
    opts = _Options(**classify_options)
    as_of = _day(as_of)
    if previous_as_of is None:
        previous_as_of = Period(as_of.year, (as_of.month - 1) // 3 + 1).previous().as_of
    previous_as_of = _day(previous_as_of)
    if previous_as_of >= as_of:
        raise ValueError(f"previous_as_of ({previous_as_of.date()}) must be before as_of ({as_of.date()})")
    base, facts = _prepare(cube, customers, as_of=as_of, opts=opts)
    after, after_order = _classify(facts, base, opts)
    before, before_order = _classify(_restrict(facts, previous_as_of), base, opts)
    # rows of `before` in the order of `after`, matched through the customers' positions
    before_row = np.empty(len(base), dtype=np.intp)
    before_row[before_order] = np.arange(len(base))
    was = before.iloc[before_row[after_order]].reset_index(drop=True)

    labels = len(MIGRATION_LABELS)
    source = _label_code(was, when_potential=NEW)
    target = _label_code(after, when_potential=NONE)
    listed = (after["stage"] != "potential").to_numpy()
    if not opts.include_deleted:
        listed = listed & ~after["is_deleted"].to_numpy(dtype=bool)
    cell = (source * labels + target)[listed]
    count = np.bincount(cell, minlength=labels * labels)
    revenue_before = np.bincount(cell, weights=was["revenue"].to_numpy()[listed], minlength=labels * labels)
    revenue_now = np.bincount(cell, weights=after["revenue"].to_numpy()[listed], minlength=labels * labels)
    row_total = count.reshape(labels, labels).sum(axis=1).repeat(labels)
    used = np.flatnonzero(count)
    transitions = pd.DataFrame({
        "from_class": pd.Series(np.array(MIGRATION_LABELS)[used // labels], dtype="str"),
        "to_class": pd.Series(np.array(MIGRATION_LABELS)[used % labels], dtype="str"),
        "customers": count[used].astype("int64"),
        "row_share": count[used] / row_total[used],
        "revenue_before": revenue_before[used],
        "revenue_now": revenue_now[used],
        "revenue_change": revenue_now[used] - revenue_before[used],
    })
    return Migration(
        transitions=transitions, before=before, after=after, downgrades=_downgrades(was, after),
        as_of=as_of, previous_as_of=previous_as_of,
    )


def downgrades(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Customers whose class got worse between two `abc_xyz_classes` tables.

    REFERENCE.md "Migration between periods": A→B, A→C, B→C, X→Y, X→Z, Y→Z, and a customer
    with an ABC class before who is now `lost` (stage) or has no ABC class any more
    (`none`: metric ≤ 0 in the window). Class labels are the abc_xyz cell, or the ABC
    letter alone where there is no XYZ class (yet).

    Returns
    -------
    pd.DataFrame
        customer_id, name, manager, from_class, to_class, revenue_before, revenue_now,
        lost_revenue = max(0, revenue_before − revenue_now); by lost_revenue descending,
        ties by customer_id. Customers in only one of the tables are not compared.
    """
    row = pd.Index(before["customer_id"]).get_indexer(after["customer_id"])
    both = row >= 0
    return _downgrades(before.iloc[row[both]].reset_index(drop=True),
                       after.loc[both].reset_index(drop=True))


def downgrades_by_manager(downgrades: pd.DataFrame) -> pd.DataFrame:
    """Downgraded customers and their lost revenue per responsible manager.

    REFERENCE.md "Migration between periods": the downgrade lists are what the sales team
    works on, so they are split by manager; customers without one are counted under a
    missing manager (NA), last.

    Returns
    -------
    pd.DataFrame
        manager, customers, to_lost (of them now lost), revenue_before, lost_revenue; by
        lost_revenue descending, ties by manager.
    """
    manager = downgrades["manager"].astype("str")
    frame = pd.DataFrame({
        "manager": manager.fillna(""),
        "to_lost": (downgrades["to_class"] == LOST).to_numpy(dtype=bool).astype("int64"),
        "revenue_before": downgrades["revenue_before"].to_numpy(dtype="float64"),
        "lost_revenue": downgrades["lost_revenue"].to_numpy(dtype="float64"),
    })
    out = frame.groupby("manager", sort=False).agg(
        customers=("to_lost", "size"), to_lost=("to_lost", "sum"),
        revenue_before=("revenue_before", "sum"), lost_revenue=("lost_revenue", "sum"),
    ).reset_index()
    out["unassigned"] = out["manager"].eq("")
    out = out.sort_values(["unassigned", "lost_revenue", "manager"], ascending=[True, False, True], kind="stable")
    out["manager"] = out["manager"].where(~out["unassigned"], None).astype("str")
    return out.drop(columns="unassigned").reset_index(drop=True).astype({"customers": "int64", "to_lost": "int64"})


# --- private helpers -------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Options:
    """The classification options shared by abc_xyz_classes and migration, validated."""

    metric: str = "revenue"
    window_months: int = DEFAULT_WINDOW_MONTHS
    abc_bounds: tuple[float, float] = DEFAULT_ABC_BOUNDS
    xyz_bounds: tuple[float, float] = DEFAULT_XYZ_BOUNDS
    grain: str = "month"
    min_periods: int = DEFAULT_MIN_PERIODS
    new_days: int = DEFAULT_NEW_DAYS
    daily: pd.DataFrame | None = None
    include_deleted: bool = False

    def __post_init__(self) -> None:
        # the ranges and choices are declared once, in AbcXyzOptions; this adds only the inputs
        fields = {name: getattr(self, name) for name in AbcXyzOptions.model_fields if name != "top_n"}
        AbcXyzOptions.parse(fields, where="abc_xyz")
        if self.grain == "week" and self.daily is None:
            raise ValueError("grain 'week' needs the customer × day facts: pass them as `daily`")


@dataclass(frozen=True, eq=False)
class _Facts:
    """Cube (or daily) rows as arrays, customers as integer codes, seen at `as_of`.

    Rows dated after as_of stay in the arrays and are masked by `upto`: migration looks at
    the same facts at two dates without copying them (every copy of a cube-sized array
    costs as much as the arithmetic on it).
    """

    ids: pd.Index  # customer ids in code order
    code: np.ndarray  # row → customer code
    step: np.ndarray  # row → months since 1970-01 (cube) or days since 1970-01-01 (daily)
    orders: np.ndarray  # row → activity documents
    values: dict[str, np.ndarray]  # row → revenue and the metric (NaN as 0)
    first_order: np.ndarray  # row → its first activity order, int64 ns; _NO_DATE without one
    as_of: pd.Timestamp
    kind: str
    customers: np.ndarray | None  # codes of the customer ids passed in, in their order
    upto: np.ndarray | None = None  # row → dated up to as_of; None when all rows are
    first: np.ndarray | None = None  # code → first activity order up to as_of, int64 ns

    def window(self, start: int) -> np.ndarray:
        """Rows from step `start` to as_of."""
        rows = self.step >= start
        return rows if self.upto is None else rows & self.upto

    def window_sum(self, weights: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        """Per customer code, the sum of `weights` over `rows` (all rows up to as_of if None)."""
        rows = self.upto if rows is None else rows
        if rows is not None:
            weights = np.where(rows, weights, 0.0)
        sums = np.bincount(self.code, weights=weights, minlength=len(self.ids))
        return sums.astype("float64", copy=False)  # bincount of nothing is int


_NEEDS = {
    "cube": ("customer_id", "month", "revenue", "orders", "first_order_date"),
    "daily": ("customer_id", "date", "revenue", "orders"),
}


def _prepare(
    cube: pd.DataFrame, customers: pd.DataFrame, *, as_of: pd.Timestamp, opts: _Options
) -> tuple[pd.DataFrame, _Facts]:
    """The customers to classify and the cube facts, their ids coded together."""
    _check_metric(cube, opts.metric)
    base = customers.reset_index(drop=True)
    facts = _facts(cube, as_of=as_of, metric=opts.metric,
                   customer_ids=base["customer_id"].astype("str"))
    # factorize numbers first appearances 0, 1, …: anything else is a repeated id
    repeated = facts.customers != np.arange(len(base))
    if repeated.any():
        raise ValueError(
            f"customers: customer_id {base['customer_id'].iloc[np.argmax(repeated)]!r} is not unique"
        )
    return base, facts


def _facts(
    frame: pd.DataFrame, *, as_of: pd.Timestamp, kind: str = "cube", metric: str = "revenue",
    customer_ids: pd.Series | None = None,
) -> _Facts:
    missing = [c for c in _NEEDS[kind] if c not in frame.columns]
    if missing:
        raise ValueError(
            f"the {kind} frame lacks column(s) {', '.join(missing)}; expected {', '.join(_NEEDS[kind])}"
        )
    when = frame["month" if kind == "cube" else "date"].to_numpy(dtype="datetime64[ns]")
    ids = frame["customer_id"]
    if customer_ids is not None:
        # one factorization codes the customers table and the rows alike
        ids = pd.concat([customer_ids.reset_index(drop=True), ids], ignore_index=True)
    # factorize the column itself: Arrow-backed strings encode without a copy to objects
    code, uniques = pd.factorize(ids, sort=False)
    customers = None
    if customer_ids is not None:
        customers, code = code[:len(customer_ids)], code[len(customer_ids):]
    orders = frame["orders"].to_numpy(dtype="float64", na_value=0.0)
    day = frame["first_order_date" if kind == "cube" else "date"].to_numpy(dtype="datetime64[ns]")
    first_order = np.where(orders > 0, day.view(np.int64), _NO_DATE)
    if kind == "cube":
        # a cube row with orders has a first_order_date; its month start is a safe stand-in
        unknown = first_order == np.iinfo(np.int64).min  # NaT
        first_order[unknown] = when.view(np.int64)[unknown]
    values = {}
    for name in dict.fromkeys(("revenue", metric)):
        column = frame[name].to_numpy(dtype="float64", na_value=np.nan)
        values[name] = np.nan_to_num(column) if np.isnan(column).any() else column
    facts = _Facts(
        ids=pd.Index(uniques, dtype="str"), code=code,
        step=_month_numbers(when) if kind == "cube" else _day_numbers(when),
        orders=orders, values=values, first_order=first_order, as_of=_day(as_of), kind=kind,
        customers=customers,
    )
    return _restrict(facts, as_of)


def _restrict(facts: _Facts, as_of: pd.Timestamp) -> _Facts:
    """The same facts seen at another as_of: later rows masked, first orders recomputed."""
    as_of = _day(as_of)
    limit = _month_number(as_of) if facts.kind == "cube" else _day_number(as_of)
    upto = None
    if len(facts.step) and facts.step.max() > limit:
        upto = facts.step <= limit
    first = np.full(len(facts.ids), _NO_DATE, dtype=np.int64)
    np.minimum.at(first, facts.code, facts.first_order if upto is None
                  else np.where(upto, facts.first_order, _NO_DATE))
    return replace(facts, as_of=as_of, upto=upto, first=first)


def _classify(facts: _Facts, base: pd.DataFrame, opts: _Options) -> tuple[pd.DataFrame, np.ndarray]:
    """The classes table of `base` (rows coded by facts.customers) and its row order."""
    in_window = facts.window(_month_number(window_start(facts.as_of, opts.window_months)))
    metric_sum = facts.window_sum(facts.values[opts.metric], in_window)
    ids = base["customer_id"].astype("str")
    deleted = _deleted(base)
    # a NaN metric takes no class and sorts after every number: the deleted cards come last
    ranked = metric_sum[facts.customers]
    if not opts.include_deleted:
        ranked = np.where(deleted, np.nan, ranked)
    order, share, cum_share, abc = _abc(ranked, ids, bounds=opts.abc_bounds)
    ids = ids.iloc[order].reset_index(drop=True)
    position = facts.customers[order]
    deleted = deleted[order]
    if opts.grain == "week":
        daily = _facts(opts.daily, as_of=facts.as_of, kind="daily", metric=opts.metric, customer_ids=ids)
        observed, cv, letters = _xyz(daily, opts)
        xyz_position = daily.customers
    else:
        observed, cv, letters = _xyz(facts, opts)
        xyz_position = position
    cv, letters = cv[xyz_position], letters[xyz_position]
    if not opts.include_deleted:
        cv, letters = np.where(deleted, np.nan, cv), np.where(deleted, None, letters)
    abc = pd.Series(abc, dtype="str")
    xyz = pd.Series(letters, dtype="str")
    out = pd.DataFrame({
        "customer_id": ids,
        "name": _column(base, "name", order),
        "manager": _column(base, "manager", order),
        "metric_value": metric_sum[position],
        "share": share,
        "cum_share": cum_share,
        "abc": abc,
        "cv": cv,
        "xyz": xyz,
        "abc_xyz": (abc + xyz).astype("str"),  # NA on either side leaves it empty
        "stage": pd.Series(_stage(facts, position, in_window=in_window, new_days=opts.new_days),
                           dtype="str"),
        "revenue": facts.window_sum(facts.values["revenue"], in_window)[position],
        "observed_periods": observed[xyz_position],
        "months_with_sales": np.bincount(facts.code, weights=in_window,
                                         minlength=len(facts.ids))[position].astype("int64"),
        "is_deleted": deleted,
    })
    out.attrs = {
        "as_of": facts.as_of,
        "window_start": window_start(facts.as_of, opts.window_months),
        "window_months": opts.window_months,
        "metric": opts.metric,
        "grain": opts.grain,
        "min_periods": opts.min_periods,
        "new_days": opts.new_days,
        "abc_bounds": tuple(opts.abc_bounds),
        "xyz_bounds": tuple(opts.xyz_bounds),
        "include_deleted": opts.include_deleted,
    }
    return out, order


def _abc(
    value: np.ndarray, ids: pd.Series, *, bounds: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(order, share, cum_share, abc): the ABC order of the rows, then values in that order."""
    lower, upper = bounds
    # ties by customer_id: each id's rank among the ids (Arrow sorts by code point, the
    # order Python compares strings in)
    if ids.is_monotonic_increasing:
        id_rank = np.arange(len(ids))
    else:
        id_rank = np.empty(len(ids), dtype=np.intp)
        id_rank[ids.argsort(kind="stable").to_numpy()] = np.arange(len(ids))
    order = np.lexsort((id_rank, np.where(np.isnan(value), np.inf, -value)))
    value = value[order]
    positive = value > 0
    counted = np.where(positive, value, 0.0)
    total = counted.sum()
    share = np.full(len(value), np.nan)
    cum_share = np.full(len(value), np.nan)
    abc = np.full(len(value), None, dtype=object)
    if total > 0:
        running = np.cumsum(counted)
        share[positive] = counted[positive] / total
        cum_share[positive] = np.minimum(running[positive] / total, 1.0)
        # positives sort first, so the last of them closes the curve at exactly 1
        cum_share[np.flatnonzero(positive)[-1]] = 1.0
        before = np.round(np.concatenate(([0.0], running[:-1])) / total, _DECIMALS)
        letters = np.where(before < lower, "A", np.where(before < upper, "B", "C"))
        abc[positive] = letters[positive]
    return order, share, cum_share, abc


def _stage(facts: _Facts, position: np.ndarray, *, in_window: np.ndarray, new_days: int) -> np.ndarray:
    """Stage of the customers at `position` in facts.ids, in REFERENCE.md's rule order."""
    total = facts.window_sum(facts.orders, None)[position]
    recent = facts.window_sum(facts.orders, in_window)[position]
    age_days = (facts.as_of.value - facts.first[position]) // _DAY_NS
    return np.select(
        [total <= 0, age_days < new_days, recent <= 0, total == 1],
        ["potential", "new", "lost", "one_off"],
        default="regular",
    ).astype(object)


def _xyz(facts: _Facts, opts: _Options) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(observed_periods, cv, xyz) per customer code."""
    has_first = facts.first != _NO_DATE
    first = np.where(has_first, facts.first, 0).astype("datetime64[ns]")
    start_day = window_start(facts.as_of, opts.window_months)
    if opts.grain == "week":
        # Monday weeks; the week holding the window start is sub-period 0
        anchor = _day_number(start_day) - start_day.weekday()
        width = 7
        first_period = (_day_numbers(first) - anchor) // width
        count = (_day_number(facts.as_of) - anchor) // width + 1
        window_first = _day_number(start_day)
    else:
        anchor = window_first = _month_number(start_day)
        width = 3 if opts.grain == "quarter" else 1
        if width == 3 and (anchor % 3 or (_month_number(facts.as_of) + 1) % 3):
            raise ValueError(
                f"grain 'quarter' needs a window of whole calendar quarters; window_months="
                f"{opts.window_months} ending at {facts.as_of.date()} starts on {start_day.date()}"
            )
        first_period = (_month_numbers(first) - anchor) // width
        count = len(month_starts(start_day, facts.as_of)) // width

    n = len(facts.ids)
    start_period = np.maximum(first_period, 0)
    observed = np.where(has_first, count - start_period, 0).astype("int64")
    # the first step (month or day) of each customer's observed span; no span: never
    span_start = np.where(has_first, np.maximum(window_first, anchor + width * start_period), _NO_DATE)
    keep = facts.step >= span_start[facts.code]
    if facts.upto is not None:
        keep &= facts.upto
    # cell of each row in a dense customers × sub-periods matrix
    cell = facts.step - anchor
    cell //= width
    cell += facts.code * count
    value = facts.values[opts.metric]
    mean = np.full(n, np.nan)
    squares = np.full(n, np.nan)
    # the matrix in blocks of customers: sub-periods without a row are zeros, those before
    # the observed span are masked out
    per_block = max(1, _BLOCK_CELLS // count)
    for lo in range(0, n, per_block):
        hi = min(n, lo + per_block)
        if lo == 0 and hi == n:
            cell[~keep] = n * count  # a spare bin for the rows outside the spans
            cells = np.bincount(cell, weights=value, minlength=n * count + 1)[:-1]
        else:
            rows = keep & (facts.code >= lo) & (facts.code < hi)
            cells = np.bincount(cell[rows] - lo * count, weights=value[rows],
                                minlength=(hi - lo) * count)
        cells = cells.astype("float64", copy=False).reshape(hi - lo, count)  # int when empty
        with np.errstate(divide="ignore", invalid="ignore"):
            mean[lo:hi] = cells.sum(axis=1) / observed[lo:hi]
        cells -= mean[lo:hi][:, None]
        cells[np.arange(count) < start_period[lo:hi][:, None]] = 0.0
        squares[lo:hi] = np.square(cells, out=cells).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.sqrt(squares / observed) / mean
    valid = (observed >= opts.min_periods) & (mean > 0)
    cv = np.where(valid, np.round(cv, _DECIMALS), np.nan)
    letters = np.where(cv <= opts.xyz_bounds[0], "X", np.where(cv <= opts.xyz_bounds[1], "Y", "Z"))
    letters = letters.astype(object)
    letters[~valid] = None
    return observed, cv, letters


def _label_code(classes: pd.DataFrame, *, when_potential: str) -> np.ndarray:
    """Migration label as a position in MIGRATION_LABELS (REFERENCE.md "Migration")."""
    cell = pd.Categorical(classes["abc_xyz"], categories=CELLS).codes.astype(np.intp)
    stage = classes["stage"].to_numpy(dtype=object, na_value=None)
    fallback = np.where(stage == "lost", LOST, np.where(stage == "potential", when_potential, NONE))
    fallback_code = pd.Categorical(fallback, categories=MIGRATION_LABELS).codes.astype(np.intp)
    return np.where(cell >= 0, cell, fallback_code)


def _downgrades(was: pd.DataFrame, now: pd.DataFrame) -> pd.DataFrame:
    """Downgrades between two classes tables whose rows are the same customers, in order."""
    abc_was = pd.Categorical(was["abc"], categories=ABC).codes
    abc_now = pd.Categorical(now["abc"], categories=ABC).codes
    xyz_was = pd.Categorical(was["xyz"], categories=XYZ).codes
    xyz_now = pd.Categorical(now["xyz"], categories=XYZ).codes
    worse = (
        ((abc_was >= 0) & (abc_now > abc_was))
        | ((xyz_was >= 0) & (xyz_now > xyz_was))
        | ((abc_was >= 0) & (abc_now < 0))  # → lost, or → no class (metric ≤ 0)
        # "anything → lost" (REFERENCE.md "Migration"): also a client without a class
        # before (net returns, a negative margin) who now stopped buying
        | (now["stage"].eq("lost").to_numpy(dtype=bool, na_value=False)
           & was["stage"].ne("lost").to_numpy(dtype=bool, na_value=False))
    )
    was, now = was.loc[worse], now.loc[worse]
    revenue_before = was["revenue"].to_numpy(dtype="float64")
    revenue_now = now["revenue"].to_numpy(dtype="float64")
    out = pd.DataFrame({
        "customer_id": now["customer_id"].to_numpy(),
        "name": now["name"].to_numpy(),
        "manager": now["manager"].to_numpy(),
        "from_class": _fine_label(was),
        "to_class": _fine_label(now),
        "revenue_before": revenue_before,
        "revenue_now": revenue_now,
        "lost_revenue": np.maximum(0.0, revenue_before - revenue_now),
    }).astype({"customer_id": "str", "name": "str", "manager": "str", "from_class": "str",
               "to_class": "str"})
    return out.sort_values(["lost_revenue", "customer_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _fine_label(classes: pd.DataFrame) -> np.ndarray:
    """The abc_xyz cell, else the ABC letter alone, else lost / none."""
    cell = classes["abc_xyz"].to_numpy(dtype=object, na_value=None)
    letter = classes["abc"].to_numpy(dtype=object, na_value=None)
    fallback = np.where(classes["stage"].to_numpy(dtype=object) == "lost", LOST, NONE)
    return np.where(cell != None, cell, np.where(letter != None, letter, fallback))  # noqa: E711


def _check_metric(frame: pd.DataFrame, metric: str) -> None:
    """gross_profit and quantity exist only when the orders had cost / quantity columns."""
    if metric not in frame.columns or (len(frame) and frame[metric].isna().all()):
        source = {"gross_profit": "cost", "quantity": "quantity"}.get(metric, metric)
        raise ValueError(
            f"metric {metric!r} needs the orders' {source!r} column, and the orders have no "
            f"{source} column (or it is empty); use metric 'revenue'"
        )


def _deleted(customers: pd.DataFrame) -> np.ndarray:
    if "is_deleted" not in customers.columns:
        return np.zeros(len(customers), dtype=bool)
    return customers["is_deleted"].fillna(False).to_numpy(dtype=bool)


def _column(frame: pd.DataFrame, column: str, row: np.ndarray) -> pd.Series:
    if column not in frame.columns:
        return pd.Series([None] * len(row), dtype="str")
    return frame[column].iloc[row].reset_index(drop=True)


def _ratio(part: np.ndarray, whole: float) -> np.ndarray:
    return part / whole if whole else np.full(len(part), np.nan)


def _day(value: pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _month_number(day: pd.Timestamp) -> int:
    """Months since 1970-01."""
    return (day.year - 1970) * 12 + day.month - 1


def _month_numbers(when: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of datetime64 values.

    A search among the month starts of the values' span: much faster than a calendar
    conversion of every row, and right for any day of a month.
    """
    if len(when) == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = pd.Timestamp(when.min()), pd.Timestamp(when.max())
    starts = month_starts(lo, hi).to_numpy(dtype="datetime64[ns]")
    return np.searchsorted(starts, when, side="right").astype(np.int64) - 1 + _month_number(lo)


def _day_number(day: pd.Timestamp) -> int:
    """Days since 1970-01-01."""
    return int(day.normalize().value // _DAY_NS)


def _day_numbers(when: np.ndarray) -> np.ndarray:
    return when.astype("datetime64[ns]").astype(np.int64) // _DAY_NS
