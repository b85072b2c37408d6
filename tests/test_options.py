"""Tests of clientbase.options: the base of every report's options model."""

import pytest
from pydantic import Field, ValidationError

from clientbase.options import Options, describe


class _Example(Options):
    days: int = Field(90, ge=1, description="days without orders")
    share: float = Field(0.3, ge=0, le=1, description="a share")


def test_defaults_and_meanings_in_declaration_order():
    assert _Example.defaults() == {"days": 90, "share": 0.3}
    assert _Example.meanings() == {"days": "days without orders", "share": "a share"}


@pytest.mark.parametrize(
    ("values", "message"),
    [({"days": 0}, "x.yaml: r: days: Input should be greater than or equal to 1, got 0"),
     ({"colour": 1}, "x.yaml: r: colour: unknown option"),
     ({"share": "a lot"}, "x.yaml: r: share: Input should be a valid number")],
    ids=["out-of-range", "unknown", "wrong-type"],
)
def test_parse_names_where_the_key_and_the_problem(values, message):
    with pytest.raises(ValueError) as err:
        _Example.parse(values, where="x.yaml: r")
    assert str(err.value).startswith(message)


def test_options_are_frozen_and_hashable():
    options = _Example(days=30)
    with pytest.raises(ValidationError):
        options.days = 10
    assert {options: 1}[_Example(days=30)] == 1


def test_describe_takes_the_first_problem():
    with pytest.raises(ValidationError) as err:
        _Example(days=0, share=2)
    assert describe(err.value).startswith("days:")
