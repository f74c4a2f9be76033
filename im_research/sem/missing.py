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

import warnings

import numpy as np
import pandas as pd

from ..errors import DataError, DataWarning
from .ml import observed_information
from .moments import SampleStats

__all__ = ["FIMLProblem", "missing_patterns", "em_saturated", "coverage",
           "independence_loglik", "fiml_stats"]


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


def case_scores(x, Sigma, mu, dS, dm):
    """Casewise scores d logl_i / dθ (n x k) of the normal log-likelihood, missing
    values allowed (pattern by pattern; complete data is one pattern)."""
    n = x.shape[0]
    k = dS.shape[0]
    s = np.zeros((n, k))
    mask = ~np.isnan(x)
    keys, inverse = np.unique(mask, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    for j, key in enumerate(keys):
        rows = np.flatnonzero(inverse == j)
        o = np.flatnonzero(key)
        if not len(o):
            continue
        Sinv = np.linalg.inv(Sigma[np.ix_(o, o)])
        u = (x[np.ix_(rows, o)] - mu[o]) @ Sinv
        dSo = dS[:, o][:, :, o]
        s[rows] = (0.5 * np.einsum("np,kpq,nq->nk", u, dSo, u)
                   - 0.5 * np.einsum("pq,kqp->k", Sinv, dSo) + u @ dm[:, o].T)
    return s


def _vech_index(p):
    """(i, j) of vech order: the lower triangle, column by column."""
    return [(i, j) for j in range(p) for i in range(j, p)]


def _saturated_derivs(p):
    """dΣ/dη and dμ/dη for the saturated parameters η = (μ, vech Σ)."""
    idx = _vech_index(p)
    k = p + len(idx)
    dS = np.zeros((k, p, p))
    dm = np.zeros((k, p))
    dm[np.arange(p), np.arange(p)] = 1.0
    for r, (i, j) in enumerate(idx):
        dS[p + r, i, j] = dS[p + r, j, i] = 1.0
    return dS, dm, idx


def _h1_observed_info(x, Sigma, mu):
    """Observed information per case of the saturated model for incomplete rows at
    (Sigma, mu) (central differences of the mean casewise score), and the first-order
    information (mean outer product of the casewise scores)."""
    n, p = x.shape
    dS, dm, idx = _saturated_derivs(p)
    s = case_scores(x, Sigma, mu, dS, dm)
    B1 = s.T @ s / n
    k = len(dm)
    A1 = np.zeros((k, k))
    for r in range(k):
        h = 1e-6 * max(1.0, abs(mu[r]) if r < p else abs(Sigma[idx[r - p]]))
        S_p, S_m, m_p, m_m = Sigma.copy(), Sigma.copy(), mu.copy(), mu.copy()
        if r < p:
            m_p[r] += h
            m_m[r] -= h
        else:
            i, j = idx[r - p]
            for S_, sgn in ((S_p, 1), (S_m, -1)):
                S_[i, j] += sgn * h
                if i != j:
                    S_[j, i] += sgn * h
        gp = case_scores(x, S_p, m_p, dS, dm).mean(axis=0)
        gm = case_scores(x, S_m, m_m, dS, dm).mean(axis=0)
        A1[:, r] = -(gp - gm) / (2 * h)
    return 0.5 * (A1 + A1.T), B1


def _complete_info(Sigma):
    """Expected (= observed at the saturated estimates) complete-data information per
    case of (mu, vech Sigma)."""
    p = len(Sigma)
    dS, dm, _ = _saturated_derivs(p)
    Si = np.linalg.inv(Sigma)
    X = np.einsum("ij,kjl->kil", Si, dS)
    return 0.5 * np.einsum("aij,bji->ab", X, X) + dm @ Si @ dm.T


def _ml_complete_chisq(n, S, m, Sigma, mu):
    """n * F_ML of complete-data moments (S, m) against (Sigma, mu)."""
    p = len(S)
    Si = np.linalg.inv(Sigma)
    d = m - mu
    return n * (np.linalg.slogdet(Sigma)[1] - np.linalg.slogdet(S)[1] + np.trace(S @ Si) - p
                + d @ Si @ d)


def _delta_h1(dS, dm):
    """Jacobian of (mu, vech Sigma) with respect to the parameters (rows: moments)."""
    return np.vstack([dm.T, np.array([dS[:, i, j] for i, j in _vech_index(dm.shape[1])])])


def _independence_trace(x):
    """tr(B₀A₀⁻¹) of the independence model (free means and variances) for incomplete
    data at its available-case estimates; the model factorises per variable."""
    n = x.shape[0]
    tr = 0.0
    for j in range(x.shape[1]):
        col = x[:, j]
        col = col[~np.isnan(col)]
        d = col - col.mean()
        v = (d ** 2).mean()
        s_mu, s_v = d / v, 0.5 * (d ** 2 / v ** 2 - 1 / v)
        B = np.array([[np.sum(s_mu ** 2), np.sum(s_mu * s_v)],
                      [np.sum(s_mu * s_v), np.sum(s_v ** 2)]]) / n
        A = np.diag([len(col) / v, len(col) / (2 * v ** 2)]) / n
        tr += np.trace(B @ np.linalg.inv(A))
    return tr


def fiml_robust(problem, rams, stats, theta, npar, df, df_b):
    """MLR with FIML, as lavaan's ``missing = "ml", estimator = "MLR"``.

    Returns a dict with ``vcov`` (Huber–White A⁻¹B₀A⁻¹/N: A the observed information,
    B₀ from the casewise scores of the incomplete rows), ``c`` and ``c_b`` (Yuan–Bentler
    mplus scaling factors of the model and the baseline, c = [tr(B₁A₁⁻¹) − tr(B₀A⁻¹)]/df
    with the saturated-model informations at the EM estimates) and ``robust``: the
    statistics behind ``cfi_robust``/``tli_robust``/``rmsea_robust``, which lavaan computes
    for missing data with the FIML-corrected approach of Zhang & Savalei (2023, "V3"):
    T₃ = the complete-data ML statistic of the estimates against the EM moments and
    c₃ = tr(U W_m⁻¹ W_c W_m⁻¹ U Γ)/df with W_m, W_c the incomplete- and complete-data
    saturated informations, Γ = W_m⁻¹ J W_m⁻¹ and U = W_m − W_mΔ(ΔᵀW_mΔ)⁻¹ΔᵀW_m.
    """
    from scipy.linalg import block_diag


    N = problem.ntotal
    A = observed_information(problem, theta)
    Ainv = np.linalg.inv(A)
    B0 = np.zeros((npar, npar))
    tr_h1 = tr_b = 0.0
    T3 = T3b = 0.0
    Wm, Wmi, Wc, Gam, D, DB = [], [], [], [], [], []
    for ram, st in zip(rams, stats):
        x = st.data.to_numpy(float)
        n, p = x.shape
        fg = n / N
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        s = case_scores(x, Sigma, mu, dS, dm)
        B0 += s.T @ s / N
        mu1, Sigma1, _ = em_saturated(x)
        A1, B1 = _h1_observed_info(x, Sigma1, mu1)
        A1i = np.linalg.inv(A1)
        tr_h1 += np.trace(B1 @ A1i)
        tr_b += _independence_trace(x)
        # FIML-corrected (V3) pieces
        T3 += _ml_complete_chisq(n, Sigma1, mu1, Sigma, mu)
        m_b = np.nanmean(x, axis=0)
        v_b = np.nanvar(x, axis=0)
        T3b += _ml_complete_chisq(n, Sigma1, mu1, np.diag(v_b), m_b)
        Wm.append(fg * A1)
        Wmi.append(A1i / fg)
        Wc.append(fg * _complete_info(Sigma1))
        Gam.append(A1i @ B1 @ A1i / fg)
        D.append(_delta_h1(dS, dm))
        dSb = np.zeros((2 * p, p, p))
        dmb = np.zeros((2 * p, p))
        dmb[np.arange(p), np.arange(p)] = 1.0
        dSb[p + np.arange(p), np.arange(p), np.arange(p)] = 1.0
        DB.append(_delta_h1(dSb, dmb))
    vcov = Ainv @ B0 @ Ainv / N
    c = (tr_h1 - np.trace(B0 @ Ainv)) / df if df > 0 else np.nan
    c_b = (tr_h1 - tr_b) / df_b if df_b > 0 else np.nan
    Wm, Wmi, Wc, Gam = (block_diag(*m) for m in (Wm, Wmi, Wc, Gam))
    D = np.vstack(D)
    DB = block_diag(*DB)

    def k3(Dl):
        U = Wm - Wm @ Dl @ np.linalg.inv(Dl.T @ Wm @ Dl) @ Dl.T @ Wm
        return np.trace(U @ Wmi @ Wc @ Wmi @ U @ Gam)

    robust = {"T": T3, "c": k3(D) / df if df > 0 else np.nan,
              "TB": T3b, "c_b": k3(DB) / df_b if df_b > 0 else np.nan}
    return {"vcov": vcov, "c": c, "c_b": c_b, "robust": robust}


def fiml_stats(data, ov, ov_x, group_label=None):
    """Rows and EM moments for FIML; removes (and reports) rows without any model
    variable, and rows missing an exogenous covariate (fixed.x, as lavaan)."""
    sub = data[ov].astype(float)
    where = "" if group_label is None else f" in group {group_label!r}"
    empty = sub.isna().all(axis=1)
    drop = empty | (sub[ov_x].isna().any(axis=1) if ov_x else False)
    dropped = list(sub.index[drop])
    if dropped:
        warnings.warn(f"FIML removed {int(empty.sum())} rows{where} with every model variable "
                      f"missing and {int(drop.sum() - empty.sum())} rows with a missing "
                      f"exogenous covariate {ov_x}", DataWarning, stacklevel=4)
    sub = sub[~drop]
    if len(sub) < 2:
        raise DataError(f"only {len(sub)} usable row(s){where} for FIML")
    mu, Sigma, ll = em_saturated(sub.to_numpy())
    st = SampleStats(len(sub), Sigma, mu, list(ov), sub, dropped)
    st.h1_logl = ll
    return st

