"""Impossible values of report parameters, by the naming convention of the notebooks.

A report parameter's name says what it is, so one set of rules covers every report:
`*_bounds` are two increasing positive numbers, `*_months` / `*_days` / `min_*` are
positive whole numbers, `*_threshold` and `*_share` lie in [0, 1], `*_multiplier` is
positive, and a few named parameters take one of a fixed set of values.
"""

from __future__ import annotations

from typing import Any

_CHOICES: dict[str, tuple[str, ...]] = {
    "metric": ("revenue", "gross_profit", "quantity"),
    "grain": ("month", "week", "quarter"),
    "ci_method": ("welch", "bootstrap"),
}


def check_values(report: str, params: dict[str, Any]) -> str | None:
    """Return 'key: what is wrong' for the first impossible value, or None."""
    for key, value in params.items():
        problem = _check(key, value)
        if problem:
            return f"{key}: {problem}"
    return None


def _check(key: str, value: Any) -> str | None:
    if value is None:
        return None
    if key in _CHOICES and value not in _CHOICES[key]:
        return f"expected one of {', '.join(_CHOICES[key])}, got {value!r}"
    if key.endswith("_bounds"):
        ok = (
            isinstance(value, list | tuple) and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
            and 0 < value[0] < value[1]
        )
        return None if ok else f"expected two increasing positive numbers like [0.8, 0.95], got {value!r}"
    if key.endswith(("_months", "_days")) or key.startswith("min_"):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        return None if ok else f"expected a whole number of at least 1, got {value!r}"
    if key.endswith(("_threshold", "_share", "confidence")):
        ok = isinstance(value, int | float) and 0 <= value <= 1
        return None if ok else f"expected a number between 0 and 1, got {value!r}"
    if key.endswith("_multiplier"):
        ok = isinstance(value, int | float) and value > 0
        return None if ok else f"expected a positive number, got {value!r}"
    return None
