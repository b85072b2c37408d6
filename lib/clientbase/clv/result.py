"""Everything the CLV report shows, computed once from the customer × day facts.

`clv_report` summarises the purchases at as_of, fits BG/NBD and Gamma-Gamma, scores every
client and checks the forecast on the last quarter (fitted on the data to the previous
quarter's end). A fit that cannot be trusted is never used silently: `status` (and
`value_status` for the purchase value) say why in one line of the report, and the numbers
that depend on it are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clientbase.clv.models import Fit, expected_purchases, expected_value, fit_bgnbd, fit_gamma_gamma, p_alive
from clientbase.clv.options import CUSTOMERS_COLUMNS, DEFAULTS, HOLDOUT_COLUMNS, MAX_GROUP, ClvOptions
from clientbase.clv.summary import purchases_between, rfm_summary

# |ρ| between frequency and mean value above which the Gamma-Gamma assumption fails
MAX_VALUE_CORRELATION = 0.3
_WEEKS_PER_MONTH = 365.25 / 12 / 7


@dataclass(frozen=True)
class Holdout:
    """The forecast fitted on the data to `calibration_end` against the purchases to as_of."""

    calibration_end: pd.Timestamp
    weeks: float
    status: str  # "ok", or why there is no check ("too_few_repeat_buyers", "not_converged")
    fit: Fit | None
    table: pd.DataFrame  # per calibration-frequency group (0..7+), and "all"


@dataclass(frozen=True)
class ClvResult:
    """The forecast of one run at `as_of`."""

    as_of: pd.Timestamp
    status: str  # "ok", "too_few_repeat_buyers" or "not_converged" (BG/NBD)
    value_status: str  # "ok", "too_few_repeat_buyers", "not_converged" or "correlated" (Gamma-Gamma)
    bgnbd: Fit | None
    gamma_gamma: Fit | None
    correlation: float  # frequency against mean value among repeat buyers
    customers: pd.DataFrame  # the summary with p_alive, expected_purchases, expected_value, clv
    repeat_buyers: int
    margin: float
    margin_measured: bool
    population_value: float  # mean revenue of a purchase day, for clients without repeat purchases
    holdout: Holdout
    options: ClvOptions

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def parameters(self) -> pd.DataFrame:
        """parameters.csv: model, parameter, value (the log-likelihood of each fit too)."""
        rows = []
        for fit in (self.bgnbd, self.gamma_gamma):
            if fit is not None:
                rows += [(fit.model, k, v) for k, v in fit.params.items()]
                rows.append((fit.model, "log_likelihood", fit.log_likelihood))
        return pd.DataFrame(rows, columns=["model", "parameter", "value"])

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV tables of the report (DESIGN.md "clv")."""
        return {"parameters.csv": self.parameters(), "customers.csv": self.customers[list(CUSTOMERS_COLUMNS)],
                "holdout.csv": self.holdout.table}

    @property
    def expected_revenue(self) -> float:
        """Revenue expected from every client's purchases in the horizon."""
        c = self.customers
        return float((c["expected_purchases"] * c["expected_value"]).sum())


def clv_report(daily: pd.DataFrame, *, as_of: pd.Timestamp, options: ClvOptions = DEFAULTS,
               gross_profit: bool = False) -> ClvResult:
    """The repeat-purchase forecast and CLV of every client at `as_of` (see the module docstring).

    `gross_profit` says whether the facts carry cost: the margin is then measured (gross
    profit / revenue of the purchase days) unless the options give one.
    """
    as_of = pd.Timestamp(as_of).normalize()
    summary = rfm_summary(daily, as_of=as_of)
    x = summary["frequency"].to_numpy()
    repeat = int((x > 0).sum())
    status, bgnbd = _fit_bgnbd(summary, options)
    m = summary["monetary"].to_numpy(dtype=float)
    buyers = (x > 0) & (m > 0)
    correlation = float(np.corrcoef(x[buyers], m[buyers])[0, 1]) if buyers.sum() > 2 and np.std(m[buyers]) > 0 \
        and np.std(x[buyers]) > 0 else float("nan")
    population = float(summary["revenue"].sum() / (x + 1).sum()) if len(summary) else float("nan")
    value_status, gg = _fit_value(x[buyers], m[buyers], correlation, options)
    margin, measured = _margin(daily, as_of, options, gross_profit)
    customers = _scores(summary, bgnbd if status == "ok" else None, gg if value_status == "ok" else None,
                        population, margin, options)
    return ClvResult(as_of, status, value_status, bgnbd, gg, correlation, customers, repeat, margin, measured,
                     population, holdout(daily, as_of=as_of, options=options), options)


def _fit_bgnbd(summary: pd.DataFrame, options: ClvOptions) -> tuple[str, Fit | None]:
    x = summary["frequency"].to_numpy()
    if int((x > 0).sum()) < options.min_repeat_buyers:
        return "too_few_repeat_buyers", None
    fit = fit_bgnbd(x, summary["recency_weeks"].to_numpy(), summary["t_weeks"].to_numpy())
    return ("ok" if fit.converged else "not_converged"), fit


def _fit_value(x: np.ndarray, m: np.ndarray, correlation: float, options: ClvOptions) -> tuple[str, Fit | None]:
    if len(x) < options.min_repeat_buyers:
        return "too_few_repeat_buyers", None
    if abs(correlation) > MAX_VALUE_CORRELATION:
        return "correlated", None
    fit = fit_gamma_gamma(x, m)
    return ("ok" if fit.converged else "not_converged"), fit


def _margin(daily: pd.DataFrame, as_of: pd.Timestamp, options: ClvOptions, gross_profit: bool) -> tuple[float, bool]:
    if options.margin is not None:
        return float(options.margin), False
    if not gross_profit:
        return 1.0, False
    upto = daily[(daily["date"] <= as_of) & (daily["orders"] > 0)]
    revenue = float(upto["revenue"].sum())
    return (float(upto["gross_profit"].sum()) / revenue if revenue > 0 else 1.0), True


def _scores(summary: pd.DataFrame, bgnbd: Fit | None, gg: Fit | None, population: float, margin: float,
            options: ClvOptions) -> pd.DataFrame:
    """Every client's P(alive), purchases in the horizon, expected purchase value and CLV (NaN without a fit)."""
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency_weeks", "t_weeks"))
    out = summary.copy()
    if gg is not None:
        p, q, gamma = gg.params["p"], gg.params["q"], gg.params["gamma"]
        value = expected_value(gg.params, x, summary["monetary"].to_numpy(dtype=float),
                               p * gamma / (q - 1) if q > 1 else population)
    else:  # the clients' own mean value (the population's without repeat purchases), as the report says
        value = np.where(x > 0, summary["monetary"].fillna(population).to_numpy(dtype=float), population)
    out["expected_value"] = value
    if bgnbd is None:
        for col in ("p_alive", "expected_purchases", "clv"):
            out[col] = np.nan
        return out
    out["p_alive"] = p_alive(bgnbd.params, x, t_x, T)
    out["expected_purchases"] = expected_purchases(bgnbd.params, options.horizon_days / 7, x, t_x, T)
    out["clv"] = clv(bgnbd.params, x, t_x, T, value, margin=margin, months=options.clv_months,
                     discount=options.discount_rate_monthly)
    return out


def clv(params: dict[str, float], x: np.ndarray, t_x: np.ndarray, T: np.ndarray, value: np.ndarray, *,
        margin: float, months: int, discount: float | None) -> np.ndarray:
    """Purchases expected in `months` × expected value × margin; each month discounted when asked."""
    if not discount:
        return expected_purchases(params, months * _WEEKS_PER_MONTH, x, t_x, T) * value * margin
    total = np.zeros(len(x))
    before = np.zeros(len(x))
    for k in range(1, months + 1):
        upto = expected_purchases(params, k * _WEEKS_PER_MONTH, x, t_x, T)
        total += (upto - before) / (1 + discount) ** k
        before = upto
    return total * value * margin


def holdout(daily: pd.DataFrame, *, as_of: pd.Timestamp, options: ClvOptions = DEFAULTS) -> Holdout:
    """Fit on the data to the previous quarter's end; predict each client's repeat purchases to
    as_of and compare with the actual ones, in total and per calibration-frequency group."""
    as_of = pd.Timestamp(as_of).normalize()
    end = as_of.to_period("Q").start_time - pd.Timedelta(days=1)
    weeks = (as_of - end).days / 7
    summary = rfm_summary(daily, as_of=end)
    status, fit = _fit_bgnbd(summary, options)
    empty = pd.DataFrame(columns=list(HOLDOUT_COLUMNS))
    if status != "ok":
        return Holdout(end, weeks, status, fit, empty)
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency_weeks", "t_weeks"))
    predicted = expected_purchases(fit.params, weeks, x, t_x, T)
    actual = purchases_between(daily, start=end, end=as_of).reindex(summary["customer_id"]).fillna(0).to_numpy()
    group = np.minimum(x, MAX_GROUP).astype(int)
    frame = pd.DataFrame({"group": group, "actual": actual, "predicted": predicted})
    table = frame.groupby("group").agg(customers=("actual", "size"), actual=("actual", "sum"),
                                       predicted=("predicted", "sum")).reset_index()
    table["group"] = [f"{g}+" if g == MAX_GROUP else str(g) for g in table["group"]]
    total = pd.DataFrame({"group": ["all"], "customers": [len(frame)], "actual": [frame["actual"].sum()],
                          "predicted": [frame["predicted"].sum()]})
    table = pd.concat([table, total], ignore_index=True)
    table["actual_mean"] = table["actual"] / table["customers"]
    table["predicted_mean"] = table["predicted"] / table["customers"]
    return Holdout(end, weeks, "ok", fit, table[list(HOLDOUT_COLUMNS)])
