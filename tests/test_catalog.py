"""Tests of clientbase.catalog: each report's options model is the one declaration of its parameters."""

import pytest

from clientbase import catalog

REPORTS = catalog.available_reports()


@pytest.mark.parametrize("report", REPORTS)
def test_notebook_parameters_are_the_options_model(report):
    declared = catalog.notebook_parameters(report)
    model = catalog.options_model(report)
    own = {name: p.default for name, p in declared.items() if name not in catalog.COMMON_PARAMETERS}
    defaults = {name: _lists(v) for name, v in model.defaults().items()}
    assert own == defaults
    # and the notebook's comment is the option's meaning
    assert {name: declared[name].help for name in own} == model.meanings()


def _lists(value):
    """A default as a notebook's literal writes it: tuples as lists, all the way down."""
    return [_lists(v) for v in value] if isinstance(value, tuple | list) else value


@pytest.mark.parametrize("report", REPORTS)
def test_every_report_has_an_options_model_with_meanings(report):
    model = catalog.options_model(report)
    assert model.model_config["frozen"] and model.model_config["extra"] == "forbid"
    assert all(model.meanings().values()), report


def test_an_unknown_report_has_no_options():
    with pytest.raises(catalog.ClientbaseError, match="unknown report 'sales_magic'"):
        catalog.options_model("sales_magic")
