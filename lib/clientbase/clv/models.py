"""BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader & Hardie 2013) by maximum likelihood.

Implemented with scipy rather than pymc-marketing (docs/PERFORMANCE.md, "Repeat-purchase
forecast": the figures of that decision). The log-likelihoods are written in log space with
`gammaln` and `logaddexp`; the terms that depend only on a customer's number of repeat
purchases are computed once per distinct number, so an evaluation over 500,000 customers
costs a few logarithms per customer. The fit is L-BFGS-B on the logarithms of the
parameters, within bounds (e^-12 … e^8), from a second and third starting point only when
the first does not converge or ends at a bound; it reports whether it converged and which
parameters ended at a bound. P(alive) and the conditional
expectation are the papers' closed forms (the latter with Gauss's hypergeometric function),
vectorised.

Units: time in weeks (x repeat purchases, t_x the week of the last purchase, T the weeks
since the first purchase), so that the parameters compare with the published ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

_LOG_BOUNDS = (-12.0, 8.0)


@dataclass(frozen=True)
class Fit:
    """Parameters by name, the log-likelihood at them, whether the optimiser converged, and why not."""

    model: str
    params: dict[str, float]
    log_likelihood: float
    converged: bool
    message: str
    customers: int
    # parameters at a bound of the search: the likelihood still rises along a ridge there (for
    # BG/NBD, a and b growing together: every client has the same chance to stop, a / (a + b));
    # the predictions are those of that limit, and the report says so
    at_bound: tuple[str, ...] = ()


def bgnbd_log_likelihood(params: np.ndarray | tuple[float, ...], x: np.ndarray, t_x: np.ndarray,
                         T: np.ndarray) -> np.ndarray:
    """Each customer's BG/NBD log-likelihood (FHL 2005, eq. 6) at (r, alpha, a, b)."""
    return _bgnbd_terms(params, *_distinct(x), np.asarray(t_x, dtype=float), np.asarray(T, dtype=float))


def _distinct(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct numbers of repeat purchases and where each customer's is among them."""
    return np.unique(np.asarray(x, dtype=np.int64), return_inverse=True)


def _bgnbd_terms(params: np.ndarray | tuple[float, ...], ux: np.ndarray, inverse: np.ndarray, t_x: np.ndarray,
                 T: np.ndarray) -> np.ndarray:
    """`bgnbd_log_likelihood` with x given as its distinct values (a fit sorts them once, not per step)."""
    r, alpha, a, b = (float(v) for v in params)
    # terms of x alone, once per distinct x
    a1 = gammaln(r + ux) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + ux) - gammaln(b) - gammaln(a + b + ux)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4c = np.where(ux > 0, np.log(a) - np.log(b + ux - 1.0), -np.inf)
    rx = (r + ux)[inverse]
    a3 = -rx * np.log(alpha + T)
    a4 = a4c[inverse] - rx * np.log(alpha + t_x)
    return a1[inverse] + a2[inverse] + np.logaddexp(a3, a4)


def gamma_gamma_log_likelihood(params: np.ndarray | tuple[float, ...], x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Each repeat buyer's Gamma-Gamma log-likelihood of its mean value m over x purchases (FH 2013)."""
    p, q, gamma = (float(v) for v in params)
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(gamma) + (px - 1) * np.log(m)
            + px * np.log(x) - (px + q) * np.log(gamma + m * x))


def fit_bgnbd(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> Fit:
    """BG/NBD parameters (r, alpha, a, b) by maximum likelihood."""
    x, t_x, T = np.asarray(x), np.asarray(t_x, dtype=float), np.asarray(T, dtype=float)
    scale = max(float(np.mean(T)), 1e-6)
    starts = ([0.5, scale / 10, 0.8, 2.5], [1.0, scale, 1.0, 1.0], [0.2, 1.0, 0.5, 5.0])
    ux, inverse = _distinct(x)
    return _fit("bgnbd", ("r", "alpha", "a", "b"), lambda v: -_bgnbd_terms(v, ux, inverse, t_x, T).sum(), starts,
                len(x))


def fit_gamma_gamma(x: np.ndarray, m: np.ndarray) -> Fit:
    """Gamma-Gamma parameters (p, q, gamma) by maximum likelihood, over repeat buyers (x > 0, m > 0)."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    # values in units of their mean: gamma scales with the money (p and q do not), so that roubles
    # and dollars meet the same bounds; gamma is scaled back, the log-likelihood corrected
    unit = max(float(np.mean(m)), 1e-12)
    scaled = m / unit
    starts = ([2.0, 3.0, 1.0], [6.0, 4.0, 2.0], [1.0, 1.5, 0.5])
    fit = _fit("gamma_gamma", ("p", "q", "gamma"), lambda v: -gamma_gamma_log_likelihood(v, x, scaled).sum(), starts,
               len(x))
    params = {**fit.params, "gamma": fit.params["gamma"] * unit}
    # the density of m is that of m / unit divided by unit, for every repeat buyer
    return Fit(fit.model, params, fit.log_likelihood - len(x) * np.log(unit), fit.converged, fit.message,
               fit.customers, fit.at_bound)


def _fit(model: str, names: tuple[str, ...], negative_ll, starts, customers: int) -> Fit:
    best = None
    for start in starts:  # the next starting point only when the fit from this one is not to be trusted
        result = minimize(lambda v: _finite(negative_ll(np.exp(v))), np.log(start), method="L-BFGS-B",
                          bounds=[_LOG_BOUNDS] * len(names), options={"maxiter": 2000})
        if best is None or result.fun < best.fun:
            best = result
        if _converged(best) and not _at_bound(best.x).any():
            break
    values = np.exp(best.x)
    converged = _converged(best)
    bounded = tuple(n for n, hit in zip(names, _at_bound(best.x), strict=True) if hit)
    return Fit(model, dict(zip(names, (float(v) for v in values), strict=True)), float(-best.fun), converged,
               "" if converged else str(best.message), customers, bounded)


def _at_bound(log_values: np.ndarray) -> np.ndarray:
    return np.isclose(log_values, _LOG_BOUNDS[0]) | np.isclose(log_values, _LOG_BOUNDS[1])


def _converged(result) -> bool:
    return bool(result.success) and bool(np.isfinite(result.fun))


def _finite(value: float) -> float:
    return float(value) if np.isfinite(value) else 1e300


def p_alive(params: dict[str, float], x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(the customer is still alive | x, t_x, T) (FHL 2005, eq. 13 of the note)."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        log_ratio = np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + np.asarray(T, dtype=float))
                                                          - np.log(alpha + np.asarray(t_x, dtype=float)))
        odds = np.where(x > 0, np.exp(log_ratio), 0.0)
    return 1.0 / (1.0 + odds)


def expected_purchases(params: dict[str, float], t: float, x: np.ndarray, t_x: np.ndarray,
                       T: np.ndarray) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: purchases expected in the next t weeks (FHL 2005, eq. 10)."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    x = np.asarray(x, dtype=float)
    T = np.asarray(T, dtype=float)
    z = t / (alpha + T + t)
    hyp = hyp2f1(r + x, b + x, a + b + x - 1, z)
    with np.errstate(over="ignore", invalid="ignore"):
        first = (a + b + x - 1) / (a - 1)
        second = 1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp
    return first * second * p_alive(params, x, t_x, T)


def expected_value(params: dict[str, float], x: np.ndarray, m: np.ndarray, population_mean: float) -> np.ndarray:
    """Gamma-Gamma: the expected value of a purchase, (gamma + m·x)·p / (p·x + q − 1); customers
    without repeat purchases get the population mean p·gamma / (q − 1)."""
    p, q, gamma = params["p"], params["q"], params["gamma"]
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(m, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (gamma + m * x) * p / (p * x + q - 1)
    return np.where(x > 0, value, population_mean)
