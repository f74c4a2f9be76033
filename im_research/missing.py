"""Full-information ML for incomplete data (``missing="fiml"``), as lavaan's
``missing = "ml"``.

- casewise likelihood summed over missing-data patterns (each pattern uses the rows and
  columns of Σ and μ of its observed variables); a mean structure is always estimated;
- the saturated (h1) model is estimated by EM (start: available-case means and
  variances; convergence 1e-5 on the moments or 500 iterations, as lavaan 0.6);
- χ² = 2 (logl_h1 − logl_h0); the baseline is the independence model (free means and
  variances, which factorises into per-variable available-case estimates);
- standard errors from the observed information (numerical Hessian of the analytic
  gradient), lavaan's default for FIML;
- rows with every model variable missing are removed and reported; nothing else is.

:func:`missing_patterns` reports the patterns and the coverage (the share of rows
observing each pair of variables, lavaan's ``lavInspect(fit, "coverage")``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["FIMLProblem", "missing_patterns", "em_saturated", "coverage",
           "independence_loglik"]


class _Pattern:
    def __init__(self, obs_idx, x):
        self.obs = obs_idx
        self.n = len(x)
        self.mean = x.mean(axis=0)
        d = x - self.mean
        self.cov = d.T @ d / self.n


def _patterns(x):
    mask = ~np.isnan(x)
    keys, inverse = np.unique(mask, axis=0, return_inverse=True)
    out = []
    for k, key in enumerate(keys):
        rows = np.flatnonzero(inverse.ravel() == k)
        obs = np.flatnonzero(key)
        if len(obs):
            out.append(_Pattern(obs, x[np.ix_(rows, obs)]))
    return out


def missing_patterns(data: pd.DataFrame, columns) -> pd.DataFrame:
    """One row per pattern: ``n`` and one boolean column per variable (True = observed)."""
    m = data[list(columns)].notna()
    counts = m.value_counts().rename("n").reset_index()
    return counts[["n"] + list(columns)]


def coverage(data: pd.DataFrame, columns) -> pd.DataFrame:
    """Share of rows in which both variables of each pair are observed."""
    m = data[list(columns)].notna().to_numpy(float)
    return pd.DataFrame(m.T @ m / len(m), index=columns, columns=columns)


def _loglik(patterns, Sigma, mu, p_total=None):
    ll = 0.0
    for pat in patterns:
        o = pat.obs
        S = Sigma[np.ix_(o, o)]
        sign, logdet = np.linalg.slogdet(S)
        if sign <= 0:
            return -np.inf
        Sinv = np.linalg.inv(S)
        d = pat.mean - mu[o]
        ll += -pat.n / 2 * (len(o) * np.log(2 * np.pi) + logdet + np.trace(Sinv @ pat.cov)
                            + d @ Sinv @ d)
    return ll


def em_saturated(x, max_iter=500, tol=1e-5):
    """EM estimates (mean, covariance) of the saturated model and its log-likelihood."""
    n, p = x.shape
    mu = np.nanmean(x, axis=0)
    Sigma = np.diag(np.nanvar(x, axis=0))
    patterns = _patterns(x)
    for _ in range(max_iter):
        T1 = np.zeros(p)
        T2 = np.zeros((p, p))
        for pat in patterns:
            o = pat.obs
            m = np.setdiff1d(np.arange(p), o)
            # sufficient statistics of the pattern's rows
            xo_mean, xo_cov = pat.mean, pat.cov
            if len(m):
                B = Sigma[np.ix_(m, o)] @ np.linalg.inv(Sigma[np.ix_(o, o)])
                cond = Sigma[np.ix_(m, m)] - B @ Sigma[np.ix_(o, m)]
                e_m = mu[m] + B @ (xo_mean - mu[o])  # mean of the conditional means
                sx = np.zeros(p)
                sx[o], sx[m] = xo_mean, e_m
                sxx = np.zeros((p, p))
                Eoo = xo_cov + np.outer(xo_mean, xo_mean)
                sxx[np.ix_(o, o)] = Eoo
                Emo = B @ (Eoo - np.outer(mu[o], xo_mean)) + np.outer(mu[m], xo_mean)
                sxx[np.ix_(m, o)] = Emo
                sxx[np.ix_(o, m)] = Emo.T
                Bc = B @ xo_cov @ B.T
                sxx[np.ix_(m, m)] = cond + Bc + np.outer(e_m, e_m)
            else:
                sx = xo_mean
                sxx = xo_cov + np.outer(xo_mean, xo_mean)
            T1 += pat.n * sx
            T2 += pat.n * sxx
        mu_new = T1 / n
        Sigma_new = T2 / n - np.outer(mu_new, mu_new)
        delta = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(Sigma_new - Sigma)))
        mu, Sigma = mu_new, Sigma_new
        if delta < tol:
            break
    return mu, Sigma, _loglik(patterns, Sigma, mu)


class FIMLProblem:
    """Objective F = −2 logl / N (up to a constant) with the same interface as
    ``estimate.MLProblem`` (``evaluate(theta, info)`` → F, gradient, information)."""

    def __init__(self, rams, group_data):
        self.rams = rams
        self.patterns = [_patterns(x) for x in group_data]
        self.nobs = [len(x) for x in group_data]
        self.ntotal = sum(self.nobs)
        self.npar = rams[0].npar

    def loglik(self, theta):
        total = 0.0
        for ram, pats in zip(self.rams, self.patterns):
            Sigma, mu, *_ = ram.implied(theta)
            total += _loglik(pats, Sigma, mu)
        return total

    def objective(self, theta):
        ll = self.loglik(theta)
        return -2 * ll / self.ntotal if np.isfinite(ll) else np.inf

    def evaluate(self, theta, info=True):
        F = 0.0
        grad = np.zeros(self.npar)
        I = np.zeros((self.npar, self.npar)) if info else None
        for ram, pats in zip(self.rams, self.patterns):
            Sigma, mu, dS, dm, _ = ram.delta(theta)
            for pat in pats:
                o = pat.obs
                S = Sigma[np.ix_(o, o)]
                try:
                    Lc = np.linalg.cholesky(S)
                except np.linalg.LinAlgError:
                    return np.inf, None, None
                Sinv = np.linalg.inv(S)
                d = pat.mean - mu[o]
                w = pat.n / self.ntotal
                logdet = 2 * np.log(np.diag(Lc)).sum()
                F += w * (len(o) * np.log(2 * np.pi) + logdet + np.trace(Sinv @ pat.cov)
                          + d @ Sinv @ d)
                W = pat.cov + np.outer(d, d)
                Omega = Sinv @ (W - S) @ Sinv
                dSo = dS[:, o][:, :, o]
                dmo = dm[:, o]
                k = dSo.shape[0]
                grad += w * (-(dSo.reshape(k, -1) @ Omega.ravel()) - 2 * dmo @ (Sinv @ d))
                if info:
                    X = Sinv @ dSo
                    I += w * (0.5 * (X.reshape(k, -1) @ X.transpose(0, 2, 1).reshape(k, -1).T)
                              + dmo @ Sinv @ dmo.T)
        return F, grad, I


def independence_loglik(x):
    """Log-likelihood of the independence model (each variable normal with its own
    available-case mean and variance, divisor n_j)."""
    ll = 0.0
    for j in range(x.shape[1]):
        col = x[:, j]
        col = col[~np.isnan(col)]
        v = col.var()
        ll += -len(col) / 2 * (np.log(2 * np.pi) + np.log(v) + 1)
    return ll
