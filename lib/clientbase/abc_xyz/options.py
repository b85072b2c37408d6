"""The options of the ABC-XYZ report and the vocabulary of its classes.

`AbcXyzOptions` is the one declaration of every option (default, range, meaning): the
profile's `abc_xyz:` section, the notebook's parameters and the analyses all use it.
Also the class letters, the migration labels and the columns of the CSV tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
from pydantic import Field, field_validator

from clientbase.options import Options

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
