"""The options of a report: one frozen pydantic model per report declares each option once.

A report's options model is the single declaration of its parameters: name, default,
allowed range and a one-line meaning (the field's description). From it come

- the validation of the profile's per-report section (`abc_xyz: {metric: gross_profit}`):
  an unknown key, a wrong type or an impossible value is an error naming the key;
- `clientbase list` (name, default, meaning);
- the check that a notebook's parameters cell declares the same options with the same
  literal defaults (tests/test_catalog.py);
- the keyword an analysis takes: `abc_xyz_classes(cube, customers, as_of=..., options=opts)`.

Each analysis module defines its model next to its functions (`AbcXyzOptions` in
`abc_xyz.py`); `catalog.options_model(report)` finds it by report name.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError


class Options(BaseModel):
    """Base of every report's options: frozen, unknown keys refused, values validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Every option with its default, in declaration order."""
        return {name: field.default for name, field in cls.model_fields.items()}

    @classmethod
    def meanings(cls) -> dict[str, str]:
        """Every option with its one-line meaning (the field's description)."""
        return {name: field.description or "" for name, field in cls.model_fields.items()}

    @classmethod
    def parse(cls, values: dict[str, Any], *, where: str) -> Options:
        """The options from `values`, or a `ValueError` naming `where`, the key and the problem.

        Parameters
        ----------
        where
            What the values come from, for the message: "params/demo.yaml: abc_xyz".
        """
        try:
            return cls(**values)
        except ValidationError as exc:
            raise ValueError(f"{where}: {describe(exc)}") from None


def describe(exc: ValidationError) -> str:
    """The first problem of a pydantic validation error as "key: what is wrong"."""
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "(options)"
    if first["type"] == "extra_forbidden":
        return f"{key}: unknown option"
    message = first["msg"].removeprefix("Value error, ")
    return f"{key}: {message}, got {first.get('input')!r}"
