"""Least-squares estimators for continuous data: ``estimator="GLS"``, ``"ULS"``,
``"WLS"`` and ``"DWLS"``, as lavaan 0.6 computes them, with groups and mean structures.

All minimise, in every group g, ``F_g = (s − σ(θ))' W (s − σ(θ))`` over the sample
moments s — the means (with a mean structure, as lavaan adds for groups) and the
non-duplicated covariances (vech, lavaan's order) — with

- GLS: the normal-theory weight at the sample moments, ``S⁻¹`` for the means and
  ``½ D'(S⁻¹ ⊗ S⁻¹)D`` for the covariances, so that ``F = ½ tr[(S⁻¹(S − Σ))²] +
  (x̄ − μ)'S⁻¹(x̄ − μ)``;
- ULS: ``W = I``;
- WLS (ADF): ``W = Γ⁻¹`` and DWLS: ``W = diag(Γ)⁻¹``, with Γ the fourth-moment matrix
  of the raw data (divisor N; with means, their block and the third-moment blocks).

As lavaan, S is the unbiased covariance matrix (divisor N_g − 1) and the statistic is
``chisq = Σ_g (N_g − 1) F_g``; RMSEA, CN, MFI and ECVI use N − 1. The baseline
(independence) model — free means and variances in every group — is fitted with the same
weights. Standard errors use lavaan's ``se = "standard"``: ``(Σ_g (N_g − 1) Δ_g'W_gΔ_g)⁻¹``
(for ULS and DWLS this is lavaan's convention, not a distribution-free standard error).
There is no likelihood: ``logl``, AIC and BIC are NaN, and the ULS statistic has no
p-value. GFI uses the estimator's own weights.

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
from scipy import linalg, special

from .fitmeasures import incremental_indices, pchisq_upper, rmsea_block
from .mlm import _duplication, _gamma

__all__ = ["LSProblem", "ls_vcov", "ls_fit_measures", "n_minus_one_measures"]


class LSProblem:
    """The least-squares discrepancy with the ``evaluate`` interface of ``MLProblem``:
    returns (F, gradient of F, I), F scaled so that ``N F`` is lavaan's statistic and ``2 I``
    the Gauss-Newton Hessian."""

    def __init__(self, rams, stats, estimator, meanstructure=False):
        self.rams, self.stats = rams, stats
        self.estimator = estimator
        self.ms = bool(meanstructure)
        self.ntotal = sum(st.nobs for st in stats)
        self.npar = rams[0].npar
        p = stats[0].cov.shape[0]
        self.D, self.rows, self.cols = _duplication(p)
        self.blocks = []  # per group: sample moments, weight, (N_g − 1) / N
        for st in stats:
            s = st.cov[self.rows, self.cols]
            if self.ms:
                s = np.concatenate([st.mean, s])
            self.blocks.append((s, self.weight(st), (st.nobs - 1) / self.ntotal))

    def weight(self, st):
        nmom = len(self.rows) + (st.cov.shape[0] if self.ms else 0)
        if self.estimator == "ULS":
            return np.eye(nmom)
        if self.estimator in ("WLS", "DWLS"):
            gamma = _gamma(st.data.to_numpy(float), self.ms, self.rows, self.cols)
            return np.linalg.inv(gamma) if self.estimator == "WLS" else \
                np.diag(1 / np.diag(gamma))
        Sinv = np.linalg.inv(st.cov)
        W = 0.5 * self.D.T @ np.kron(Sinv, Sinv) @ self.D
        return linalg.block_diag(Sinv, W) if self.ms else W

    def moments(self, g, theta):
        """The implied moments of group g and their Jacobian Δ (moments × parameters)."""
        Sigma, mu, dS, dm, _ = self.rams[g].delta(theta)
        sigma, Delta = Sigma[self.rows, self.cols], dS[:, self.rows, self.cols].T
        if self.ms:
            sigma, Delta = np.concatenate([mu, sigma]), np.vstack([dm.T, Delta])
        return sigma, Delta

    def evaluate(self, theta, info=True):
        F, grad = 0.0, np.zeros(self.npar)
        I = np.zeros((self.npar, self.npar)) if info else None
        for g, (s, W, k) in enumerate(self.blocks):
            sigma, Delta = self.moments(g, theta)
            if not np.all(np.isfinite(sigma)):
                return np.inf, None, None
            e = s - sigma
            We = W @ e
            F += k * float(e @ We)
            grad -= 2 * k * Delta.T @ We
            if info:
                I += k * Delta.T @ W @ Delta
        return F, grad, I

    def objective(self, theta):
        return self.evaluate(theta, info=False)[0]


def ls_vcov(problem, theta):
    """lavaan's ``se = "standard"`` for least squares: ``(Σ_g (N_g − 1) Δ_g'W_gΔ_g)⁻¹``."""
    info = sum((k * problem.ntotal) * Delta.T @ W @ Delta
               for (s, W, k), (_, Delta) in zip(
                   problem.blocks, (problem.moments(g, theta)
                                    for g in range(len(problem.blocks)))))
    return np.linalg.inv(info)


def n_minus_one_measures(fm, T, TB, npar, ngroups=1):
    """Fit measures from the statistics ``T`` and ``TB`` (baseline) with N − G where
    lavaan uses it (least-squares estimators and ``likelihood = "wishart"``; G groups):
    p-values, incremental indices, RMSEA block (× √G, as lavaan), CN, MFI and ECVI."""
    fm = fm.copy()
    df, dfB, n1 = fm["df"], fm["baseline_df"], fm["ntotal"] - ngroups
    fm["chisq"], fm["baseline_chisq"] = T, TB
    fm["pvalue"], fm["baseline_pvalue"] = pchisq_upper(T, df), pchisq_upper(TB, dfB)
    inc = incremental_indices(T, df, TB, dfB)
    for k in ("cfi", "tli", "rfi", "nfi", "pnfi", "ifi", "rni"):
        fm[k] = inc[k]
    fm["nnfi"] = inc["tli"]
    (fm["rmsea"], fm["rmsea_ci_lower"], fm["rmsea_ci_upper"], fm["rmsea_pvalue"],
     fm["rmsea_notclose_pvalue"]) = rmsea_block(T, df, n1, ngroups)
    if df > 0 and T > 0:
        fm["cn_05"] = special.chdtri(df, 0.05) / (T / n1) + 1
        fm["cn_01"] = special.chdtri(df, 0.01) / (T / n1) + 1
    fm["mfi"] = float(np.exp(-0.5 * (T - df) / n1))
    fm["ecvi"] = (T + 2 * npar) / n1
    return fm


def ls_fit_measures(fm, problem, theta, npar):
    """Replace the likelihood-based entries of an ML fit-measure Series (computed with
    ``F`` = the LS discrepancy, so chisq, SRMR, ... are already right) by their
    least-squares versions: baseline model, incremental indices, RMSEA, GFI family; logl,
    AIC and BIC become NaN (no likelihood)."""
    p = problem.stats[0].cov.shape[0]
    n_means = p if problem.ms else 0
    diag = np.concatenate([np.arange(n_means),
                           n_means + np.flatnonzero(problem.rows == problem.cols)])
    TB = num = den = 0.0
    for g, (s, W, k) in enumerate(problem.blocks):
        # independence model: free means and variances, the best under W (linear LS)
        X = np.zeros((len(s), len(diag)))
        X[diag, np.arange(len(diag))] = 1.0
        e_b = s - X @ np.linalg.solve(X.T @ W @ X, X.T @ W @ s)
        TB += k * problem.ntotal * float(e_b @ W @ e_b)
        e = s - problem.moments(g, theta)[0]
        num += k * float(e @ W @ e)
        den += k * float(s @ W @ s)
    fm = fm.copy()
    fm["baseline_df"] = len(problem.blocks) * (len(problem.blocks[0][0]) - len(diag))
    fm = n_minus_one_measures(fm, fm["chisq"], TB, npar, len(problem.blocks))
    for key in ("logl", "unrestricted_logl", "aic", "bic", "bic2"):
        fm[key] = np.nan
    gfi = 1 - num / den
    nel, df = len(problem.blocks) * len(problem.blocks[0][0]), fm["df"]
    fm["gfi"] = gfi
    fm["agfi"] = 1 - (nel / df) * (1 - gfi) if df > 0 else 1.0
    fm["pgfi"] = (df / nel) * gfi
    if problem.estimator == "ULS":  # not chi-square distributed: lavaan gives no p-value
        fm["pvalue"] = fm["baseline_pvalue"] = np.nan
    return fm
