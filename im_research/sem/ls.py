"""Least-squares estimators for continuous data: ``estimator="GLS"``, ``"ULS"``,
``"WLS"`` and ``"DWLS"``, as lavaan 0.6 computes them (one group, no mean structure).

All minimise ``F = (s − σ(θ))' W (s − σ(θ))`` over the non-duplicated covariances
(vech, lavaan's order) with

- GLS: ``W = ½ D'(S⁻¹ ⊗ S⁻¹)D`` (the normal-theory weight at the sample covariance), so
  that ``F = ½ tr[(S⁻¹(S − Σ))²]``;
- ULS: ``W = I``;
- WLS (ADF): ``W = Γ⁻¹`` and DWLS: ``W = diag(Γ)⁻¹``, with Γ the fourth-moment matrix
  of the raw data (divisor N).

The baseline (independence) model is fitted with the same W; standard errors use
lavaan's ``se = "standard"``:
``(Δ'WΔ)⁻¹ / (N − 1)`` for all four (for ULS and DWLS this is lavaan's convention, not
a distribution-free standard error). As lavaan, S is the unbiased covariance matrix
(divisor N − 1), ``chisq = (N − 1) F``, and RMSEA, CN, MFI and ECVI use N − 1. There is
no likelihood: ``logl``, AIC and BIC are NaN, and the ULS statistic has no p-value. GFI
uses the estimator's own W.

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> rng = np.random.default_rng(2)
>>> f = rng.normal(size=300)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(scale=0.8, size=300) for i in range(1, 5)})
>>> res = ir.fit("f =~ x1 + x2 + x3 + x4", data=df, estimator="ULS")
>>> int(res.fit_measures["df"]), bool(np.isnan(res.fit_measures["pvalue"]))
(2, True)
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .fitmeasures import incremental_indices, pchisq_upper, rmsea_block
from .mlm import _duplication, _gamma

__all__ = ["LSProblem", "ls_vcov", "ls_fit_measures", "n_minus_one_measures"]


class LSProblem:
    """The least-squares discrepancy with the ``evaluate`` interface of ``MLProblem``:
    returns (F, gradient of F, I) where ``2 I`` is the Gauss-Newton Hessian Δ'WΔ·2."""

    def __init__(self, rams, stats, estimator):
        if len(stats) != 1:
            raise ValueError(f"estimator={estimator!r} is available for one group so far")
        self.rams, self.stats = rams, stats
        self.estimator = estimator
        self.ntotal = stats[0].nobs
        self.npar = rams[0].npar
        p = stats[0].cov.shape[0]
        self.D, self.rows, self.cols = _duplication(p)
        self.s = stats[0].cov[self.rows, self.cols]
        self.W = self.weight(stats[0].cov)
        # lavaan: chisq = (N - 1) F, reported through fit()'s N * F convention
        self.k = (self.ntotal - 1) / self.ntotal

    def weight(self, S):
        if self.estimator == "ULS":
            return np.eye(len(self.rows))
        if self.estimator in ("WLS", "DWLS"):
            x = self.stats[0].data.to_numpy(float)
            gamma = _gamma(x, False, self.rows, self.cols)
            return np.linalg.inv(gamma) if self.estimator == "WLS" else \
                np.diag(1 / np.diag(gamma))
        Sinv = np.linalg.inv(S)
        return 0.5 * self.D.T @ np.kron(Sinv, Sinv) @ self.D

    def evaluate(self, theta, info=True):
        Sigma, _, dS, _, _ = self.rams[0].delta(theta)
        if not np.all(np.isfinite(Sigma)):
            return np.inf, None, None
        e = self.s - Sigma[self.rows, self.cols]
        Delta = dS[:, self.rows, self.cols].T
        We = self.W @ e
        F = self.k * float(e @ We)
        grad = -2 * self.k * Delta.T @ We
        I = self.k * Delta.T @ self.W @ Delta if info else None
        return F, grad, I

    def objective(self, theta):
        return self.evaluate(theta, info=False)[0]


def ls_vcov(problem, theta):
    """lavaan's ``se = "standard"`` for least squares: ``(Δ'WΔ)⁻¹ / (N − 1)``."""
    _, _, dS, _, _ = problem.rams[0].delta(theta)
    Delta = dS[:, problem.rows, problem.cols].T
    return np.linalg.inv(Delta.T @ problem.W @ Delta) / (problem.ntotal - 1)


def n_minus_one_measures(fm, T, TB, npar):
    """Fit measures from the statistics ``T`` and ``TB`` (baseline) with N − 1 where
    lavaan uses it (least-squares estimators and ``likelihood = "wishart"``): p-values,
    incremental indices, RMSEA block, CN, MFI and ECVI."""
    fm = fm.copy()
    df, dfB, n1 = fm["df"], fm["baseline_df"], fm["ntotal"] - 1
    fm["chisq"], fm["baseline_chisq"] = T, TB
    fm["pvalue"], fm["baseline_pvalue"] = pchisq_upper(T, df), pchisq_upper(TB, dfB)
    inc = incremental_indices(T, df, TB, dfB)
    for k in ("cfi", "tli", "rfi", "nfi", "pnfi", "ifi", "rni"):
        fm[k] = inc[k]
    fm["nnfi"] = inc["tli"]
    (fm["rmsea"], fm["rmsea_ci_lower"], fm["rmsea_ci_upper"], fm["rmsea_pvalue"],
     fm["rmsea_notclose_pvalue"]) = rmsea_block(T, df, n1)
    if df > 0 and T > 0:
        fm["cn_05"] = special.chdtri(df, 0.05) / (T / n1) + 1
        fm["cn_01"] = special.chdtri(df, 0.01) / (T / n1) + 1
    fm["mfi"] = float(np.exp(-0.5 * (T - df) / n1))
    fm["ecvi"] = (T + 2 * npar) / n1
    return fm


def ls_fit_measures(fm, problem, Sigma, npar):
    """Replace the likelihood-based entries of an ML fit-measure Series (computed with
    ``F`` = the LS discrepancy, so chisq, SRMR, ... are already right) by their
    least-squares versions: baseline model, incremental indices, RMSEA, GFI family; logl,
    AIC and BIC become NaN (no likelihood)."""
    N = problem.ntotal
    s, W = problem.s, problem.W
    diag = np.flatnonzero(problem.rows == problem.cols)
    # independence model: the best diagonal Sigma under W (a linear least-squares problem)
    X = np.zeros((len(s), len(diag)))
    X[diag, np.arange(len(diag))] = 1.0
    b = np.linalg.solve(X.T @ W @ X, X.T @ W @ s)
    e_b = s - X @ b
    fm = fm.copy()
    fm["baseline_df"] = len(s) - len(diag)
    fm = n_minus_one_measures(fm, fm["chisq"], (N - 1) * float(e_b @ W @ e_b), npar)
    for k in ("logl", "unrestricted_logl", "aic", "bic", "bic2"):
        fm[k] = np.nan
    e = s - Sigma[problem.rows, problem.cols]
    gfi = 1 - float(e @ W @ e) / float(s @ W @ s)
    nel, df = len(s), fm["df"]
    fm["gfi"] = gfi
    fm["agfi"] = 1 - (nel / df) * (1 - gfi) if df > 0 else 1.0
    fm["pgfi"] = (df / nel) * gfi
    if problem.estimator == "ULS":  # not chi-square distributed: lavaan gives no p-value
        fm["pvalue"] = fm["baseline_pvalue"] = np.nan
    return fm
