"""ABC-XYZ classes of customers, the 3 × 3 matrix, and migration between two dates.

Source of the rules: REFERENCE.md "Relationship stage", "ABC (value)", "XYZ (stability of
buying)" and "Migration between periods". One module per concept, every public name
importable from here:

- `options`: the report's options model (`AbcXyzOptions`), the class letters and the CSV columns;
- `facts`: the cube (or day facts) as arrays of integer-coded customers, seen at a date;
- `classes`: relationship stage, ABC, XYZ and the classes table (`abc_xyz_classes`);
- `matrix`: the 3 × 3 matrix, the Pareto curve, the customers without a class;
- `migration`: classes at two dates, the transitions and the downgrades;
- `summary`: the headline numbers of a run (`abc_xyz_summary`).

Everything works on the customer × month cube (docs/ARCHITECTURE.md), never on order lines;
the weekly XYZ grain reads the customer × day facts instead. Customers marked for deletion
(`is_deleted`) get no class by default and take no part in the migration.
"""

from __future__ import annotations

from clientbase.abc_xyz.classes import abc_classes, abc_xyz_classes, relationship_stage, xyz_classes  # noqa: F401
from clientbase.abc_xyz.matrix import abc_xyz_matrix, pareto_curve, share_of_customers_for, unclassified  # noqa: F401
from clientbase.abc_xyz.migration import Migration, downgrades, downgrades_by_manager, migration  # noqa: F401
from clientbase.abc_xyz.options import (  # noqa: F401
    ABC,
    CELLS,
    CLASSES_COLUMNS,
    CLASSES_CSV_COLUMNS,
    CLASSIC_XYZ_BOUNDS,
    DEFAULT_ABC_BOUNDS,
    DEFAULT_MIN_PERIODS,
    DEFAULT_NEW_DAYS,
    DEFAULT_WINDOW_MONTHS,
    DEFAULT_XYZ_BOUNDS,
    DOWNGRADES_CSV_COLUMNS,
    GRAINS,
    LOST,
    METRICS,
    MIGRATION_LABELS,
    NEW,
    NONE,
    STAGES,
    XYZ,
    AbcXyzOptions,
)
from clientbase.abc_xyz.summary import CORE_CELLS, AbcXyzSummary, abc_xyz_summary  # noqa: F401

__all__ = [
    "CORE_CELLS",
    "AbcXyzSummary",
    "abc_xyz_summary",
    "ABC",
    "AbcXyzOptions",
    "CELLS",
    "CLASSES_COLUMNS",
    "CLASSES_CSV_COLUMNS",
    "CLASSIC_XYZ_BOUNDS",
    "DEFAULT_ABC_BOUNDS",
    "DEFAULT_MIN_PERIODS",
    "DEFAULT_NEW_DAYS",
    "DEFAULT_WINDOW_MONTHS",
    "DEFAULT_XYZ_BOUNDS",
    "DOWNGRADES_CSV_COLUMNS",
    "GRAINS",
    "LOST",
    "METRICS",
    "MIGRATION_LABELS",
    "Migration",
    "NEW",
    "NONE",
    "STAGES",
    "XYZ",
    "abc_classes",
    "abc_xyz_classes",
    "abc_xyz_matrix",
    "downgrades",
    "downgrades_by_manager",
    "migration",
    "pareto_curve",
    "relationship_stage",
    "share_of_customers_for",
    "unclassified",
    "xyz_classes",
]
