import pytest

from clientbase.checks import check_values


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"abc_bounds": [0.8, 0.95]}, None),
        ({"abc_bounds": [0.95, 0.8]}, "abc_bounds: expected two increasing positive numbers"),
        ({"abc_bounds": [0.8]}, "abc_bounds: expected two increasing"),
        ({"window_months": 12, "new_days": 90, "min_periods": 3}, None),
        ({"new_days": 0}, "new_days: expected a whole number of at least 1"),
        ({"drop_threshold": 1.3}, "drop_threshold: expected a number between 0 and 1"),
        ({"rhythm_multiplier": 0}, "rhythm_multiplier: expected a positive number"),
        ({"metric": "profit"}, "metric: expected one of revenue, gross_profit, quantity"),
        ({"fuzzy_threshold": None}, None),
    ],
    ids=["ok-bounds", "decreasing", "one-bound", "ok-whole", "zero-days", "share-above-1",
         "zero-multiplier", "unknown-metric", "none-is-off"],
)
def test_impossible_values_are_named(params, problem):
    found = check_values("any", params)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)
