"""BG/NBD and Gamma-Gamma (clientbase.clv): likelihoods by hand, parameters recovered from data
simulated by the models, the degenerate cases, and the report's tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clientbase.clv import (
    ClvOptions,
    bgnbd_log_likelihood,
    clv_report,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    p_alive,
    rfm_summary,
)
from clv_frames import AS_OF, simulated_daily


def _beta(a: float, b: float) -> float:
    return math.gamma(a) * math.gamma(b) / math.gamma(a + b)


def test_bgnbd_likelihood_equals_the_papers_beta_form():
    r, alpha, a, b = 0.5, 2.0, 0.8, 2.5
    for x, t_x, T in ((0, 0.0, 20.0), (2, 10.0, 20.0), (5, 19.5, 20.0)):
        common = math.gamma(r + x) * alpha**r / math.gamma(r)
        likelihood = _beta(a, b + x) / _beta(a, b) * common / (alpha + T) ** (r + x)
        if x > 0:
            likelihood += _beta(a + 1, b + x - 1) / _beta(a, b) * common / (alpha + t_x) ** (r + x)
        got = bgnbd_log_likelihood((r, alpha, a, b), np.array([x]), np.array([t_x]), np.array([T]))[0]
        assert got == pytest.approx(math.log(likelihood), rel=1e-12)


def test_gamma_gamma_likelihood_equals_the_density_of_the_mean():
    p, q, gamma = 6.0, 4.0, 15.0
    for x, m in ((1, 20.0), (3, 35.5)):
        px = p * x
        density = (math.gamma(px + q) / (math.gamma(px) * math.gamma(q)) * gamma**q * m ** (px - 1) * x**px
                   / (gamma + m * x) ** (px + q))
        got = gamma_gamma_log_likelihood((p, q, gamma), np.array([x]), np.array([m]))[0]
        assert got == pytest.approx(math.log(density), rel=1e-12)


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, seed: int = 1):
    """Customers of the BG/NBD story: Poisson purchases at rate λ ~ Γ(r, α) until, after any
    purchase, they leave with probability p ~ B(a, b); observed for T weeks after the first."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    drop = rng.beta(a, b, n)
    T = rng.uniform(20, 80, n)
    x = np.zeros(n, dtype=np.int64)
    t_x = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    now = np.zeros(n)
    while alive.any():
        idx = np.flatnonzero(alive)
        now[idx] += rng.exponential(1 / lam[idx])
        bought = now[idx] <= T[idx]
        buyers = idx[bought]
        x[buyers] += 1
        t_x[buyers] = now[buyers]
        alive[idx[~bought]] = False
        leaves = buyers[rng.random(len(buyers)) < drop[buyers]]
        alive[leaves] = False
    return x, t_x, T


def test_bgnbd_recovers_the_parameters_it_simulated():
    truth = {"r": 0.8, "alpha": 6.0, "a": 0.9, "b": 3.0}
    x, t_x, T = simulate_bgnbd(40_000, **truth)
    fit = fit_bgnbd(x, t_x, T)
    assert fit.converged
    for name, value in truth.items():  # 40,000 customers: within 15 % (a and b are the least certain)
        assert fit.params[name] == pytest.approx(value, rel=0.15), name


def test_gamma_gamma_recovers_the_parameters_it_simulated():
    rng = np.random.default_rng(3)
    p, q, gamma = 5.0, 4.0, 20.0
    n = 30_000
    x = rng.integers(1, 8, n)
    nu = rng.gamma(q, 1 / gamma, n)
    m = np.array([rng.gamma(p, 1 / v, k).mean() for v, k in zip(nu, x, strict=True)])
    fit = fit_gamma_gamma(x, m)
    assert fit.converged
    assert fit.params["p"] == pytest.approx(p, rel=0.1)
    assert fit.params["q"] == pytest.approx(q, rel=0.1)
    assert fit.params["gamma"] == pytest.approx(gamma, rel=0.15)
    values = (fit.params["p"], fit.params["q"], fit.params["gamma"])
    assert fit.log_likelihood == pytest.approx(gamma_gamma_log_likelihood(values, x, m).sum(), rel=1e-9)
    # in roubles instead of thousands: the same shape, gamma a thousand times larger, nothing at a bound
    big = fit_gamma_gamma(x, m * 1000)
    assert big.converged and big.at_bound == ()
    assert big.params["p"] == pytest.approx(fit.params["p"], rel=1e-4)
    assert big.params["gamma"] == pytest.approx(fit.params["gamma"] * 1000, rel=1e-4)


def test_a_fit_whose_optimum_lies_beyond_the_search_says_which_parameter_hit_the_bound():
    from clientbase.clv.models import _fit

    # the negative log-likelihood falls for ever as "b" grows: its optimum is at the edge
    fit = _fit("toy", ("a", "b"), lambda v: (np.log(v[0]) - 1) ** 2 - np.log(v[1]), ([1.0, 1.0],), 1)
    assert fit.converged and fit.at_bound == ("b",)
    assert fit.params["a"] == pytest.approx(np.e, rel=1e-4)


def test_clients_who_hardly_ever_leave_still_forecast():
    rng = np.random.default_rng(4)
    n = 3000
    T = rng.uniform(30, 80, n)
    lam = rng.gamma(2.0, 1 / 4.0, n)  # regular buyers who never stop
    x = rng.poisson(lam * T)
    t_x = np.where(x > 0, T - rng.exponential(1 / np.maximum(lam, 1e-3)), 0).clip(0, T)
    fit = fit_bgnbd(x, t_x, T)
    assert fit.converged  # a / (a + b), the chance to stop, goes to 0 (a ridge: maybe at a bound)
    assert fit.params["a"] / (fit.params["a"] + fit.params["b"]) < 0.01
    assert np.isfinite(expected_purchases(fit.params, 13.0, x, t_x, T)).all()
    assert (p_alive(fit.params, x, t_x, T) > 0.9).mean() > 0.9


def test_p_alive_and_expected_purchases_behave():
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # CDNOW
    x = np.array([0, 2, 2, 10])
    t_x = np.array([0.0, 30.0, 5.0, 38.0])
    T = np.array([38.0, 38.0, 38.0, 38.0])
    alive = p_alive(params, x, t_x, T)
    assert alive[0] == 1.0  # no repeat purchase: never seen to leave
    assert alive[1] > alive[2]  # the same purchases, the last one recent: more likely alive
    expected = expected_purchases(params, 39.0, x, t_x, T)
    assert np.all(expected > 0) and expected[3] > expected[1] > expected[2]
    assert expected[1] < expected_purchases(params, 78.0, x[1:2], t_x[1:2], T[1:2])[0]


def _daily(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "revenue"])
    return frame.assign(date=pd.to_datetime(frame["date"]), orders=1, gross_profit=frame["revenue"] * 0.25,
                        quantity=1.0)


def test_the_summary_counts_purchase_days_and_the_mean_of_repeat_days():
    daily = _daily([("A", "2026-01-01", 100.0), ("A", "2026-01-15", 50.0), ("A", "2026-03-01", 70.0),
                    ("B", "2026-09-30", 10.0), ("C", "2026-10-01", 5.0)])  # C after as_of
    daily.loc[len(daily)] = ["A", pd.Timestamp("2026-02-01"), -20.0, 0, -5.0, -1.0]  # a return only: no purchase
    s = rfm_summary(daily, as_of=AS_OF).set_index("customer_id")
    assert list(s.index) == ["A", "B"]
    assert s.loc["A", "frequency"] == 2 and s.loc["A", "monetary"] == 60.0  # (50 + 70) / 2
    assert s.loc["A", "recency_weeks"] == pytest.approx(59 / 7)
    assert s.loc["A", "t_weeks"] == pytest.approx((AS_OF - pd.Timestamp("2026-01-01")).days / 7)
    assert s.loc["B", "frequency"] == 0 and pd.isna(s.loc["B", "monetary"]) and s.loc["B", "t_weeks"] == 0


@pytest.mark.parametrize("case", ["no repeat buyers", "one customer", "all on the same day"])
def test_degenerate_data_says_why_instead_of_a_forecast(case):
    if case == "no repeat buyers":
        daily = _daily([(f"C{i}", f"2026-0{1 + i % 8}-10", 10.0) for i in range(200)])
    elif case == "one customer":
        daily = _daily([("A", f"2026-0{k}-01", 10.0) for k in range(1, 9)])
    else:
        daily = _daily([(f"C{i}", "2026-09-30", 10.0) for i in range(200)])
    result = clv_report(daily, as_of=AS_OF)
    assert result.status == "too_few_repeat_buyers" and result.bgnbd is None
    assert result.customers["p_alive"].isna().all() and result.customers["clv"].isna().all()
    assert result.holdout.status == "too_few_repeat_buyers" and result.holdout.table.empty
    assert result.parameters().empty


@pytest.fixture(scope="module")
def simulated():
    daily = simulated_daily()
    return daily, clv_report(daily, as_of=AS_OF, options=ClvOptions(), gross_profit=True)


def test_the_report_scores_every_client_and_measures_the_margin(simulated):
    daily, result = simulated
    assert result.status == "ok" and result.value_status in ("ok", "correlated")
    c = result.customers
    assert len(c) == daily["customer_id"].nunique()
    assert c["p_alive"].between(0, 1).all() and (c["expected_purchases"] >= 0).all()
    assert result.margin == pytest.approx(0.3) and result.margin_measured
    year = expected_purchases(result.bgnbd.params, 365.25 / 7, c["frequency"].to_numpy(),
                              c["recency_weeks"].to_numpy(), c["t_weeks"].to_numpy())
    np.testing.assert_allclose(c["clv"], c["expected_value"] * 0.3 * year, rtol=1e-12)
    assert list(result.tables()) == ["parameters.csv", "customers.csv", "holdout.csv"]
    assert result.parameters()["parameter"].tolist() == ["r", "alpha", "a", "b", "log_likelihood", "p", "q", "gamma",
                                                         "log_likelihood"][:len(result.parameters())]


def test_the_holdout_compares_groups_and_the_total(simulated):
    daily, result = simulated
    table = result.holdout.table.set_index("group")
    assert result.holdout.calibration_end == pd.Timestamp("2026-06-30")
    assert list(table.index)[-2:] == ["7+", "all"]
    assert table.loc["all", "customers"] == table.drop("all")["customers"].sum()
    assert table.loc["all", "actual"] == table.drop("all")["actual"].sum()
    actual_last_quarter = daily[(daily["date"] > "2026-06-30") & (daily["date"] <= AS_OF)]
    first = daily.groupby("customer_id")["date"].min()
    known = first[first <= "2026-06-30"].index
    assert table.loc["all", "actual"] == actual_last_quarter["customer_id"].isin(known).sum()
    # a model fitted on the story's own data predicts the quarter within 15 %
    assert table.loc["all", "predicted"] == pytest.approx(table.loc["all", "actual"], rel=0.15)


def test_a_strong_correlation_of_frequency_and_value_is_reported_not_fitted():
    daily = simulated_daily(1500, seed=8)
    counts = daily.groupby("customer_id")["date"].transform("size")
    daily = daily.assign(revenue=daily["revenue"] * counts**2)  # frequent buyers spend far more each time
    result = clv_report(daily, as_of=AS_OF)
    assert abs(result.correlation) > 0.3 and result.value_status == "correlated" and result.gamma_gamma is None
    monetary = result.customers["monetary"]
    repeat = result.customers["frequency"] > 0
    assert (result.customers.loc[repeat, "expected_value"] == monetary[repeat]).all()  # their own mean, as said


def test_discounting_lowers_the_clv():
    daily = simulated_daily(1500, seed=9)
    plain = clv_report(daily, as_of=AS_OF).customers["clv"]
    discounted = clv_report(daily, as_of=AS_OF, options=ClvOptions(discount_rate_monthly=0.02)).customers["clv"]
    assert (discounted <= plain + 1e-9).all() and discounted.sum() < plain.sum()
