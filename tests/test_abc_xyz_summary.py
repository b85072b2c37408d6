"""Tests of clientbase.abc_xyz_summary on the two-quarter fixture of test_views_abc_xyz.

Now (6-month window to 2024-12-31): a AX 600, b AY 300, f BX 60 → 960 in all; before
(to 2024-09-30): a AX 600, b AX 600, c BY 150, f CX 60. Downgrades: b AX→AY (lost 300),
c BY→lost (lost 150).
"""

import math

import pytest

from clientbase.abc_xyz import CORE_CELLS, abc_xyz_summary
from test_views_abc_xyz import SETTINGS, inputs, moves  # noqa: F401  (fixtures)


def test_the_numbers_of_the_fixture(moves):  # noqa: F811
    numbers = abc_xyz_summary(moves.after, moves, options=SETTINGS)
    assert (numbers.customers, numbers.classified, numbers.in_matrix) == (6, 3, 3)
    assert (numbers.class_a, numbers.class_b, numbers.class_c) == (2, 1, 0)
    assert numbers.metric_total == pytest.approx(960.0)
    assert numbers.concentration == pytest.approx(2 / 3)  # a + b make 93.75 % ≥ 80 %
    assert numbers.core_customers == 3 and numbers.core_revenue == pytest.approx(960.0)
    assert (numbers.downgraded, numbers.downgraded_to_lost, numbers.downgraded_from_a) == (2, 1, 1)
    assert numbers.lost_revenue == pytest.approx(450.0)
    assert numbers.lost_share == pytest.approx(450 / 750)
    assert (numbers.class_a_now, numbers.class_a_before, numbers.ax_now, numbers.ax_before) == (2, 2, 1, 2)
    assert numbers.without_abc == 1  # r: net returns
    assert numbers.core["abc_xyz"].tolist() == list(CORE_CELLS)


def test_the_numbers_as_a_table(moves):  # noqa: F811
    frame = abc_xyz_summary(moves.after, moves, options=SETTINGS).as_frame()
    assert list(frame.columns) == ["measure", "value"]
    values = dict(zip(frame["measure"], frame["value"], strict=True))
    assert values["downgraded"] == 2 and "core" not in values
    assert math.isclose(values["lost_revenue"], 450.0)
