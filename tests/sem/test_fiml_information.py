"""The analytic observed informations (FIML, and complete-data ML for MLR and
``information="observed"``) equal the numerical Hessian they replaced.

The reference is the central-difference Hessian of the analytic gradient
(``ml.observed_information`` on a problem that offers only ``evaluate``), which the
lavaan FIML standard errors in test_fiml.py were first matched with.
"""

import types
import warnings

import numpy as np
import pytest

import im_research as ir
from conftest import load_reference_data
from im_research.sem import missing, ml

HS = [f"x{i}" for i in range(1, 10)]


def _numeric(problem, theta):
    return ml.observed_information(types.SimpleNamespace(evaluate=problem.evaluate), theta)


def _holes(data, columns, share, seed):
    rng = np.random.default_rng(seed)
    out = data.copy()
    out[columns] = out[columns].mask(rng.random((len(out), len(columns))) < share)
    return out


MODELS = {
    # paths with equality labels, a fixed non-unit loading and regression, a residual
    # covariance and equal intercepts: every kind of cell of the RAM matrices
    "sem": ("visual =~ x1 + a*x2 + a*x3\ntextual =~ x4 + x5 + 0.8*x6\n"
            "speed =~ x7 + x8 + x9\ntextual ~ visual\nspeed ~ 0.3*visual + textual\n"
            "x4 ~~ x7\nx2 ~ i*1\nx3 ~ i*1", {}),
    "two groups": ("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9",
                   {"group": "school", "group_equal": ["loadings", "intercepts"]}),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_analytic_observed_information_equals_the_numerical_hessian(name):
    model, kw = MODELS[name]
    data = load_reference_data("hs_missing.csv")
    res = ir.fit(model, data=data, missing="fiml", **kw)
    problem = res._problem
    theta = res.theta
    rng = np.random.default_rng(3)
    # at the estimates and away from them (where the misfit terms are large)
    for th in (theta, theta + 0.05 * rng.standard_normal(len(theta))):
        analytic = problem.observed_information(th)
        numeric = _numeric(problem, th)
        assert np.max(np.abs(analytic - numeric)) < 1e-7 * np.max(np.abs(numeric))
        assert np.array_equal(analytic, analytic.T)
    # fit() and MLR reach it through ml.observed_information
    assert np.array_equal(ml.observed_information(problem, theta),
                          problem.observed_information(theta))


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("meanstructure", [False, True])
def test_complete_data_observed_information_equals_the_numerical_hessian(name,
                                                                          meanstructure):
    model, kw = MODELS[name]
    data = load_reference_data("HolzingerSwineford1939.csv")
    res = ir.fit(model, data=data, meanstructure=meanstructure, **kw)
    problem = res._problem
    assert isinstance(problem, ml.MLProblem)
    rng = np.random.default_rng(4)
    for th in (res.theta, res.theta + 0.05 * rng.standard_normal(len(res.theta))):
        analytic = problem.observed_information(th)
        numeric = _numeric(problem, th)
        assert np.max(np.abs(analytic - numeric)) < 1e-7 * np.max(np.abs(numeric))
        assert np.array_equal(analytic, analytic.T)
    # MLR's sandwich and information="observed" use it: the same SEs as from the
    # numerical Hessian
    mlr = ir.fit(model, data=data, estimator="MLR", **kw)
    A_num = _numeric(mlr._problem, mlr.theta)
    assert np.allclose(ml.observed_information(mlr._problem, mlr.theta), A_num, rtol=1e-7,
                       atol=1e-9 * np.max(np.abs(A_num)))


def test_fiml_vcov_equals_the_one_from_the_numerical_hessian():
    data = load_reference_data("hs_missing.csv")
    res = ir.fit(MODELS["sem"][0], data=data, missing="fiml")
    vcov = np.linalg.inv(_numeric(res._problem, res.theta)) / res._problem.ntotal
    assert np.max(np.abs(res._robust["vcov"] - vcov)) < 1e-7 * np.max(np.abs(vcov))
    se = res.params.set_index(["lhs", "op", "rhs"])["se"]
    assert se["x2", "~1", ""] == se["x3", "~1", ""] > 0  # the equal intercepts


def test_saturated_information_equals_differences_of_the_case_scores():
    x = _holes(load_reference_data("hs_missing.csv"), HS, 0.05, 1)[HS].to_numpy(float)
    mu, Sigma, _ = missing.em_saturated(x)
    Sigma = Sigma + 0.05 * np.eye(len(mu))  # off the EM estimates too
    A1, B1 = missing._h1_observed_info(x, Sigma, mu)
    dS, dm, idx = missing._saturated_derivs(len(mu))
    p = len(mu)
    numeric = np.zeros_like(A1)
    for r in range(len(dm)):
        h = 1e-6
        step = np.zeros(p), np.zeros((p, p))
        if r < p:
            step[0][r] = h
        else:
            i, j = idx[r - p]
            step[1][i, j] = step[1][j, i] = h
        gp = missing.case_scores(x, Sigma + step[1], mu + step[0], dS, dm).mean(axis=0)
        gm = missing.case_scores(x, Sigma - step[1], mu - step[0], dS, dm).mean(axis=0)
        numeric[:, r] = -(gp - gm) / (2 * h)
    numeric = 0.5 * (numeric + numeric.T)
    assert np.max(np.abs(A1 - numeric)) < 1e-7 * np.max(np.abs(numeric))
    s = missing.case_scores(x, Sigma, mu, dS, dm)
    assert np.allclose(B1, s.T @ s / len(x))


def test_batched_patterns_equal_pattern_by_pattern_likelihood():
    # the batched blocks (and blocks split to bound memory) give the casewise
    # log-likelihood summed row by row
    data = _holes(load_reference_data("hs_missing.csv"), HS, 0.1, 2)
    x = data[HS].to_numpy(float)
    x = x[~np.isnan(x).all(axis=1)]
    mu, Sigma, ll = missing.em_saturated(x)
    by_row = 0.0
    for row in x:
        o = ~np.isnan(row)
        S, d = Sigma[np.ix_(o, o)], row[o] - mu[o]
        by_row += -0.5 * (o.sum() * np.log(2 * np.pi) + np.linalg.slogdet(S)[1]
                          + d @ np.linalg.solve(S, d))
    assert ll == pytest.approx(by_row, rel=1e-12)
    small = missing._blocks(x, max_elems=200, npar=5)
    assert len(small) > len(missing._blocks(x))
    assert missing._loglik(small, Sigma, mu) == pytest.approx(by_row, rel=1e-12)


def test_per_pattern_slices_and_moment_space_agree():
    # large models sum the informations from per-pattern slices of dΣ (in blocks split
    # to bound memory), small ones in moment space: both give the same numbers
    data = load_reference_data("hs_missing.csv")
    model = MODELS["sem"][0]
    res = ir.fit(model, data=data, missing="fiml")
    x = [res._stats[0].data.to_numpy(float)]
    small = missing.FIMLProblem(res._problem.rams, x)
    small.patterns = [missing._blocks(x[0], max_elems=500, npar=small.npar)]
    small._MOMENT_MAX_P = 0
    assert res._problem._MOMENT_MAX_P >= 9
    th = res.theta
    F1, g1, I1 = res._problem.evaluate(th)
    F2, g2, I2 = small.evaluate(th)
    assert F1 == pytest.approx(F2, rel=1e-13)
    assert np.allclose(g1, g2, atol=1e-13) and np.allclose(I1, I2, rtol=1e-12)
    assert np.allclose(res._problem.observed_information(th), small.observed_information(th),
                       rtol=1e-11, atol=1e-14)


def test_non_positive_definite_pattern_block_gives_infinite_objective():
    data = load_reference_data("hs_missing.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ir.fit(MODELS["two groups"][0], data=data, missing="fiml")
    th = res.theta.copy()
    F, g, info = res._problem.evaluate(-np.abs(th))  # negative variances
    assert F == np.inf and g is None and info is None
