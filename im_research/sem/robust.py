"""Robust ML (``estimator="MLR"``): Huber–White standard errors and the Yuan–Bentler
(``yuan.bentler.mplus``) scaled test, as lavaan 0.6 computes them for complete data.

- point estimates are ML;
- VCOV = A⁻¹ B₀ A⁻¹ / N with A the *observed* information (Hessian of ``fmin`` by
  central differences of the analytic gradient) and B₀ = (1/N) Σᵢ sᵢsᵢᵀ from the casewise
  scores at the model-implied moments;
- scaling factor c = [tr(B₁A₁⁻¹) − tr(B₀A⁻¹)] / df, where A₁ and B₁ are the saturated
  model's (unstructured) expected and first-order information; χ²_scaled = χ² / c;
- ``*_scaled`` fit indices plug in the scaled statistics; ``cfi_robust``/``tli_robust``
  (Brosseau-Liard & Savalei 2014) and ``rmsea_robust`` (Brosseau-Liard, Savalei & Li
  2012) use χ² − c·df with the unscaled χ².

With ``cluster=`` (respondents nested in units, a model without ``level:`` blocks) the
casewise scores are summed within clusters before the outer product, B₀ = (C/(C − 1))
Σ_c s_c s_cᵀ / N with C clusters, and so are the deviations behind the saturated model's
Γ (:func:`cluster_robust`; lavaan's ``se = "robust.cluster"``).
"""

from __future__ import annotations

import numpy as np

from .fitmeasures import incremental_indices, pchisq_upper, rmsea_block
from .missing import case_scores
from .ml import observed_information
from .mlm import _duplication, _gamma, cluster_sums, first_order_information

__all__ = ["robust_vcov_and_scaling", "baseline_scaling", "scaled_measures",
           "cluster_robust"]


def _h1_trace(x, mean_structure, x_idx=()):
    """tr(B1 A1^-1) for the saturated model at the sample moments of ``x`` (N x p).

    With fixed exogenous covariates (``x_idx``) their own moments (means, covariances
    among them) are dropped from A1 and B1, as lavaan's h1 information does."""
    n, p = x.shape
    d = x - x.mean(axis=0)
    S = d.T @ d / n
    Sinv = np.linalg.inv(S)
    if len(x_idx):
        return _h1_trace_fixed_x(d, S, Sinv, mean_structure, x_idx)
    u = d @ Sinv  # rows: S^-1 d_i
    # vech-space score of the covariance part: 0.5 * (u u' - S^-1) (weights handled below)
    # tr(B1 A1^-1) = (1/N) sum_i h_i' A1^-1 h_i with A1 = 0.5 D'(S^-1 (x) S^-1) D;
    # in matrix form h_i' A1^-1 h_i = 0.5 tr((S u_i u_i' - I)^2) for symmetric scores,
    # which is 0.5 (q_i^2 - 2 q_i + p) with q_i = u_i' S u_i = d_i' S^-1 d_i
    q = np.einsum("ni,ni->n", d, u)
    tr = 0.5 * (q * q - 2 * q + p).mean()
    if mean_structure:
        tr += q.mean()
    return tr


def _h1_trace_fixed_x(d, S, Sinv, mean_structure, x_idx):
    n, p = d.shape
    D, rows, cols = _duplication(p)
    A = 0.5 * D.T @ np.kron(Sinv, Sinv) @ D
    u = d @ Sinv
    # casewise score of vech(Sigma): 0.5 vech-dual of Sinv (d d' - S) Sinv
    h = 0.5 * (u[:, rows] * u[:, cols] - Sinv[rows, cols]) * np.where(rows == cols, 1, 2)
    xs = set(x_idx)
    keep = np.array([not (i in xs and j in xs) for i, j in zip(rows, cols)])
    if mean_structure:
        A = np.block([[Sinv, np.zeros((p, len(rows)))], [np.zeros((len(rows), p)), A]])
        h = np.hstack([u, h])
        keep = np.concatenate([[i not in xs for i in range(p)], keep])
    A, h = A[np.ix_(keep, keep)], h[:, keep]
    B = h.T @ h / n
    return float(np.sum(B * np.linalg.inv(A)))


def robust_vcov_and_scaling(problem, rams, stats, theta, npar, df, meanstructure, x_idx=()):
    """Return (vcov, c, trace_h1, trace_h0) for an MLR fit (``x_idx``: columns of the
    fixed exogenous covariates)."""

    N = sum(st.nobs for st in stats)
    A = observed_information(problem, theta)
    Ainv = np.linalg.inv(A)
    B0 = first_order_information(rams, stats, theta, meanstructure)
    tr_h1 = sum(_h1_trace(st.data.to_numpy(float), meanstructure, x_idx) for st in stats)
    vcov = Ainv @ B0 @ Ainv / N
    tr_h0 = np.trace(B0 @ Ainv)
    c = (tr_h1 - tr_h0) / df if df > 0 else np.nan
    return vcov, c, tr_h1, tr_h0


def baseline_scaling(stats, df_b, meanstructure, x_index=()):
    """Scaling factor of the independence model (free variances, saturated means; the
    fixed exogenous covariates ``x_index`` keep their sample moments)."""
    tr_h1 = tr_h0 = 0.0
    for st in stats:
        x = st.data.to_numpy(float)
        tr_h1 += _h1_trace(x, meanstructure, x_index)
        d = np.delete(x, list(x_index), axis=1)
        d = d - d.mean(axis=0)
        v = (d ** 2).mean(axis=0)
        # per-variable score of sigma_jj: 0.5 (d^2/v^2 - 1/v); expected info 1/(2 v^2)
        sc = 0.5 * (d ** 2 / v ** 2 - 1 / v)
        tr = ((sc ** 2).mean(axis=0) * 2 * v ** 2).sum()
        if meanstructure:
            tr += ((d / v) ** 2).mean(axis=0).dot(v)
        tr_h0 += tr  # separate parameters per group: the N_g/N weights cancel
    return (tr_h1 - tr_h0) / df_b if df_b > 0 else np.nan


def scaled_measures(fm, c, c_b, ngroups, robust=None):
    """lavaan's *_scaled and *_robust fit measures from the scaling factors.

    ``robust`` (FIML with MLR) replaces T, c, T_B, c_B in the *_robust indices by
    lavaan's FIML-corrected statistics (keys ``T, c, TB, c_b``)."""
    T, df, TB, dfB, N = fm["chisq"], fm["df"], fm["baseline_chisq"], fm["baseline_df"], \
        fm["ntotal"]
    Ts, TBs = T / c, TB / c_b
    out = {"chisq_scaled": Ts, "df_scaled": df, "chisq_scaling_factor": c,
           "baseline_chisq_scaled": TBs, "baseline_df_scaled": dfB,
           "baseline_chisq_scaling_factor": c_b}
    out["pvalue_scaled"] = pchisq_upper(Ts, df)
    out["baseline_pvalue_scaled"] = pchisq_upper(TBs, dfB)
    scaled = incremental_indices(Ts, df, TBs, dfB)
    for k in ("cfi", "tli", "rfi", "nfi", "pnfi", "ifi", "rni"):
        out[f"{k}_scaled"] = scaled[k]
    out["nnfi_scaled"] = scaled["tli"]
    G = ngroups
    # lavaan inverts the noncentral chi-square with the unscaled T and df * c here, and
    # takes the close/not-close p-values from the same distribution
    (_, out["rmsea_ci_lower_scaled"], out["rmsea_ci_upper_scaled"],
     out["rmsea_pvalue_scaled"], out["rmsea_notclose_pvalue_scaled"]) = rmsea_block(
        T, df * c, N, G)
    if robust is not None:
        T, c, TB, c_b = robust["T"], robust["c"], robust["TB"], robust["c_b"]
    rob = incremental_indices(T, df, TB, dfB, c, c_b)  # Brosseau-Liard & Savalei 2014
    for k in ("cfi", "tli", "rni"):
        out[f"{k}_robust"] = rob[k]
    out["nnfi_robust"] = rob["tli"]
    out["rmsea_scaled"] = rmsea_block(Ts, df, N, G)[0]
    (out["rmsea_robust"], out["rmsea_ci_lower_robust"], out["rmsea_ci_upper_robust"],
     out["rmsea_pvalue_robust"], out["rmsea_notclose_pvalue_robust"]) = rmsea_block(
        T, df, N, G, c=c, T_ci=T / c)
    return out


def _not_x(p, x_idx):
    """Mask of the saturated moments (means, then vech Σ) that are not fixed-x moments."""
    _, rows, cols = _duplication(p)
    xs = set(x_idx)
    return np.concatenate([[i not in xs for i in range(p)],
                           [not (i in xs and j in xs) for i, j in zip(rows, cols)]])


def _h1_trace_cluster(x, cluster, x_idx):
    """tr(B₁A₁⁻¹) = tr(A₁Γ) over the moments that are not fixed-x ones, with Γ summed
    within clusters (A₁: the saturated model's information at the sample moments)."""
    p = x.shape[1]
    D, rows, cols = _duplication(p)
    d = x - x.mean(axis=0)
    Sinv = np.linalg.inv(d.T @ d / len(x))
    k = len(rows)
    A1 = np.block([[Sinv, np.zeros((p, k))],
                   [np.zeros((k, p)), 0.5 * D.T @ np.kron(Sinv, Sinv) @ D]])
    G = _gamma(x, True, rows, cols, x_idx, cluster)
    keep = _not_x(p, x_idx)
    return float(np.sum(A1[np.ix_(keep, keep)] * G[np.ix_(keep, keep)]))


def _h1_observed_information(rams, stats, theta):
    """lavaan's ``observed.information = "h1"``: Δᵀ H₁ Δ with H₁ the saturated model's
    observed information at the model-implied moments given the sample moments."""
    N = sum(st.nobs for st in stats)
    out = 0.0
    for ram, st in zip(rams, stats):
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        p = Sigma.shape[0]
        D, rows, cols = _duplication(p)
        Sinv = np.linalg.inv(Sigma)
        r = st.mean - mu
        W = st.cov + np.outer(r, r)
        I21 = D.T @ np.kron((Sinv @ r)[:, None], Sinv)
        I22 = 0.5 * D.T @ np.kron(Sinv, Sinv @ (2 * W - Sigma) @ Sinv) @ D
        H1 = np.block([[Sinv, I21.T], [I21, I22]])
        Delta = np.vstack([dm.T, dS[:, rows, cols].T])
        out = out + st.nobs / N * Delta.T @ H1 @ Delta
    return out


def _baseline_h0_trace_cluster(x, cluster, x_idx):
    """tr(B₀A⁻¹) of the independence model (free means and variances of the non-fixed
    variables) with its casewise scores summed within clusters."""
    y = np.delete(x, list(x_idx), axis=1)
    d = y - y.mean(axis=0)
    v = (d ** 2).mean(axis=0)
    s_mean = cluster_sums(d / v, cluster)
    s_var = cluster_sums(0.5 * (d ** 2 / v ** 2 - 1 / v), cluster)
    C = len(s_mean)
    k = C / (C - 1) / len(x)
    # the information is diagonal: 1/v for a mean, 1/(2v²) for a variance
    return float(k * ((s_mean ** 2).sum(axis=0) @ v + (s_var ** 2).sum(axis=0) @ (2 * v ** 2)))


def cluster_robust(problem, rams, stats, theta, df, df_b, clusters, x_idx=(),
                   h0_information="hessian"):
    """Cluster-robust SEs and Yuan–Bentler scaled test of a single-level ML fit (lavaan
    ``cluster = ...``, ``se = "robust.cluster"``, ``test = "yuan.bentler.mplus"``).

    ``clusters``: one array of cluster labels per group, aligned with ``stats[g].data``.
    ``h0_information``: the information behind the model's trace, ``"hessian"`` (MLR) or
    ``"h1"`` (lavaan's choice for ``estimator = "ML"`` with clusters). The SEs always use
    the observed (Hessian) information. Returns ``{"vcov", "c", "c_b", "nclusters"}``."""
    N = sum(st.nobs for st in stats)
    A = observed_information(problem, theta)
    Ainv = np.linalg.inv(A)
    B0 = 0.0
    tr_h1 = tr_h0_b = 0.0
    nclusters = 0
    for ram, st, cl in zip(rams, stats, clusters):
        x = st.data.to_numpy(float)
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        sc = cluster_sums(case_scores(x, Sigma, mu, dS, dm), cl)
        C = len(sc)
        nclusters += C
        B0 = B0 + sc.T @ sc * (C / (C - 1)) / N
        tr_h1 += _h1_trace_cluster(x, cl, x_idx)
        tr_h0_b += _baseline_h0_trace_cluster(x, cl, x_idx)
    E = A if h0_information == "hessian" else _h1_observed_information(rams, stats, theta)
    tr_h0 = float(np.sum(B0 * np.linalg.inv(E).T))
    return {"vcov": Ainv @ B0 @ Ainv / N,
            "c": (tr_h1 - tr_h0) / df if df > 0 else np.nan,
            "c_b": (tr_h1 - tr_h0_b) / df_b if df_b > 0 else np.nan,
            "nclusters": nclusters}
