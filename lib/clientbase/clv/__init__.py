"""The repeat-purchase forecast and predictive CLV (BG/NBD + Gamma-Gamma): who is probably
still a customer, what they will buy next quarter, what a purchase of theirs is worth, their
CLV, and a check of the forecast against what actually happened.

Definitions: REFERENCE.md "Repeat-purchase forecast and predictive CLV". One module per concept:

- `options`: `ClvOptions` and the columns of the CSV tables;
- `summary`: the per-customer summary (x, t_x, T, m) from the customer × day facts (DuckDB);
- `models`: the two likelihoods, their fits, P(alive), expected purchases and value;
- `result`: `clv_report`, everything the report shows, and the holdout check.
"""

from __future__ import annotations

from clientbase.clv.models import (
    Fit,
    bgnbd_log_likelihood,
    expected_purchases,
    expected_value,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    p_alive,
)
from clientbase.clv.options import CUSTOMERS_COLUMNS, HOLDOUT_COLUMNS, PARAMETERS_COLUMNS, ClvOptions
from clientbase.clv.result import MAX_VALUE_CORRELATION, ClvResult, Holdout, clv, clv_report, holdout
from clientbase.clv.summary import purchases_between, rfm_summary

__all__ = [
    "CUSTOMERS_COLUMNS",
    "HOLDOUT_COLUMNS",
    "MAX_VALUE_CORRELATION",
    "PARAMETERS_COLUMNS",
    "ClvOptions",
    "ClvResult",
    "Fit",
    "Holdout",
    "bgnbd_log_likelihood",
    "clv",
    "clv_report",
    "expected_purchases",
    "expected_value",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "holdout",
    "p_alive",
    "purchases_between",
    "rfm_summary",
]
