"""Variants of ML with other standard errors or tests, as lavaan 0.6 computes them.

``estimator="MLF"``: ML estimates, standard test, SEs from the first-order (outer product
of the casewise scores) information, ``vcov = B₀⁻¹ / N``.

``estimator="MLM"`` (Satorra–Bentler) for complete data: ML estimates,
``se = "robust.sem"`` and ``test = "satorra.bentler"``; ``"MLMVS"`` and ``"MLMV"`` have
the same SEs with the mean-and-variance adjusted (Satterthwaite) and the scaled-shifted
tests (see :func:`mean_var_measures`).

With Δ the Jacobian of the model moments (means, if any, then vech Σ) with respect to the
free parameters, V the normal-theory weight at the model-implied moments (blocks Σ⁻¹ and
½ D'(Σ⁻¹ ⊗ Σ⁻¹)D, lavaan's expected "structured" information) and Γ the asymptotic
covariance of the sample moments estimated from the data (fourth moments, divisor N):

- ``vcov = (Δ'VΔ)⁻¹ Δ'VΓVΔ (Δ'VΔ)⁻¹ / N``;
- scaling factor ``c = tr(UΓ) / df`` with ``U = V − VΔ(Δ'VΔ)⁻¹Δ'V``; χ²_SB = χ² / c;
- the baseline (independence) model's factor the same way at its estimates diag(S), which
  feeds lavaan's ``*_scaled`` and ``*_robust`` fit measures.

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> rng = np.random.default_rng(2)
>>> f = rng.normal(size=300)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(scale=0.8, size=300) for i in range(1, 5)})
>>> res = ir.fit("f =~ x1 + x2 + x3 + x4", data=df, estimator="MLM")
>>> fm = res.fit_measures
>>> bool(np.isclose(fm["chisq_scaled"], fm["chisq"] / fm["chisq_scaling_factor"]))
True
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import block_diag

from .fitmeasures import incremental_indices, pchisq_upper, rmsea_block
from .missing import case_scores

__all__ = ["satorra_bentler", "first_order_information", "first_order_vcov",
           "mean_var_measures"]


def first_order_information(rams, stats, theta, meanstructure):
    """B₀ = Σ_g (N_g/N) S_g'S_g / N_g, the outer product of the casewise scores at the
    estimates per unit (the "meat" of MLR's sandwich; MLF's information)."""
    N = sum(st.nobs for st in stats)
    B0 = 0.0
    for ram, st in zip(rams, stats):
        x = st.data.to_numpy(float)
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        if not meanstructure:  # means saturated: centre at the sample means
            mu, dm = x.mean(axis=0), np.zeros_like(dm)
        s = case_scores(x, Sigma, mu, dS, dm)
        B0 = B0 + s.T @ s / N
    return B0


def first_order_vcov(rams, stats, theta, meanstructure):
    """``vcov = B₀⁻¹ / N`` (lavaan's ``information = "first.order"``)."""
    N = sum(st.nobs for st in stats)
    return np.linalg.inv(first_order_information(rams, stats, theta, meanstructure)) / N


def _duplication(p):
    """Duplication matrix D (vec = D vech), vech in column-major lower-triangle order."""
    rows, cols = np.tril_indices(p)
    order = np.lexsort((rows, cols))  # column by column, as lavaan's vech
    rows, cols = rows[order], cols[order]
    D = np.zeros((p * p, len(rows)))
    for k, (i, j) in enumerate(zip(rows, cols)):
        D[i * p + j, k] = 1.0
        D[j * p + i, k] = 1.0
    return D, rows, cols


def _gamma(x, meanstructure, rows, cols, x_idx=(), cluster=None):
    """ADF estimate of the covariance of the sample moments (divisor N). With fixed
    exogenous covariates the moments are taken net of their part predicted by the
    covariates (OLS), so the covariates' own sampling variability drops out (lavaan's
    ``lav_samplestats_Gamma`` with ``fixed.x``). With ``cluster`` (one label per row) the
    deviations are summed within clusters first and Γ is multiplied by the small-sample
    factor C/(C − 1) for C clusters (lavaan's cluster-robust Γ)."""
    d = x - x.mean(axis=0)
    z = d[:, rows] * d[:, cols]
    if meanstructure:
        z = np.hstack([x, z])
    if len(x_idx):
        y_idx = [i for i in range(x.shape[1]) if i not in set(x_idx)]
        X1 = np.column_stack([np.ones(len(x)), x[:, x_idx]])
        xhat = x.copy()
        xhat[:, y_idx] = X1 @ np.linalg.lstsq(X1, x[:, y_idx], rcond=None)[0]
        dh = xhat - xhat.mean(axis=0)
        zh = dh[:, rows] * dh[:, cols]
        z = z - (np.hstack([xhat, zh]) if meanstructure else zh)
    zc = z - z.mean(axis=0)
    if cluster is None:
        return zc.T @ zc / len(x)
    zc = cluster_sums(zc, cluster)
    return zc.T @ zc / len(x) * len(zc) / (len(zc) - 1)


def cluster_sums(a, cluster):
    """Rows of ``a`` summed within the clusters given by the labels ``cluster``."""
    _, idx = np.unique(np.asarray(cluster), return_inverse=True)
    out = np.zeros((idx.max() + 1, a.shape[1]))
    np.add.at(out, idx.ravel(), a)
    return out


def _weight(Sigma, D, meanstructure):
    Sinv = np.linalg.inv(Sigma)
    V = 0.5 * D.T @ np.kron(Sinv, Sinv) @ D
    if not meanstructure:
        return V
    p = Sigma.shape[0]
    k = V.shape[0]
    out = np.zeros((p + k, p + k))
    out[:p, :p] = Sinv
    out[p:, p:] = V
    return out


def _traces(V, Delta, Gamma):
    """tr(UΓ) and tr((UΓ)²) with U = V − VΔ(Δ'VΔ)⁻¹Δ'V."""
    A = Delta.T @ V @ Delta
    UG = (V - V @ Delta @ np.linalg.solve(A, Delta.T @ V)) @ Gamma
    return float(np.trace(UG)), float(np.sum(UG * UG.T))


def satorra_bentler(rams, stats, theta, df, df_b, meanstructure, x_idx=(),
                    test="satorra.bentler"):
    """Return ``{"vcov", "c", "c_b", "test", "tr", "tr_b"}`` for complete data (``tr``:
    tr(UΓ) and tr((UΓ)²) of the model, ``tr_b`` of the baseline model; ``test`` is
    lavaan's name of the test they feed). Groups enter with weights N_g/N (V) and N/N_g
    (Γ); fixed exogenous covariates (``x_idx``) enter through Γ (see :func:`_gamma`)."""
    N = sum(st.nobs for st in stats)
    deltas, vs, gammas, deltas_b, vs_b = [], [], [], [], []
    for ram, st in zip(rams, stats):
        x = st.data.to_numpy(float)
        p = x.shape[1]
        w = st.nobs / N
        D, rows, cols = _duplication(p)
        gammas.append(_gamma(x, meanstructure, rows, cols, x_idx) / w)
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        Delta = dS[:, rows, cols].T  # (moments, parameters)
        if meanstructure:
            Delta = np.vstack([dm.T, Delta])
        deltas.append(Delta)
        vs.append(w * _weight(Sigma, D, meanstructure))
        # independence model at its estimates: diagonal of S, sample means, x block as is
        y = [i for i in range(p) if i not in set(x_idx)]
        S_b = np.diag(np.diag(st.cov))
        if len(x_idx):
            S_b[np.ix_(x_idx, x_idx)] = st.cov[np.ix_(x_idx, x_idx)]
        k_diag = [k for k, (i, j) in enumerate(zip(rows, cols)) if i == j and i in y]
        Delta_b = np.zeros((len(rows), len(y)))
        Delta_b[k_diag, np.arange(len(y))] = 1.0
        if meanstructure:
            Delta_b = np.block([[np.eye(p)[:, y], np.zeros((p, len(y)))],
                                [np.zeros((len(rows), len(y))), Delta_b]])
        deltas_b.append(Delta_b)
        vs_b.append(w * _weight(S_b, D, meanstructure))
    Delta, V, Gamma = np.vstack(deltas), block_diag(*vs), block_diag(*gammas)
    A = Delta.T @ V @ Delta
    Ainv = np.linalg.inv(A)
    B = Delta.T @ V @ Gamma @ V @ Delta
    vcov = Ainv @ B @ Ainv / N
    tr = _traces(V, Delta, Gamma)
    c = tr[0] / df if df > 0 else np.nan
    tr_b = _traces(block_diag(*vs_b), block_diag(*deltas_b), Gamma)
    c_b = tr_b[0] / df_b if df_b > 0 else np.nan
    return {"vcov": vcov, "c": c, "c_b": c_b, "test": test, "tr": tr, "tr_b": tr_b}


def mean_var_measures(fm, robust, ngroups=1):
    """Scaled test and fit measures of the mean-and-variance adjusted tests, as lavaan:
    ``"mean.var.adjusted"`` (MLMVS, Satterthwaite: df* = tr(UΓ)²/tr((UΓ)²), T/c with
    c = tr(UΓ)/df*) and ``"scaled.shifted"`` (MLMV: a = √(df/tr((UΓ)²)),
    T* = aT + df − a·tr(UΓ), ``chisq_scaling_factor`` = 1/a). The baseline model gets
    its own adjustment; MLMV also gets lavaan's ``*_robust`` indices (from the
    Satorra–Bentler factors)."""
    T, df, TB, dfB, N = fm["chisq"], fm["df"], fm["baseline_chisq"], fm["baseline_df"], \
        fm["ntotal"]
    G = ngroups  # RMSEA carries sqrt(G) with groups, as lavaan
    (t1, t2), (b1, b2) = robust["tr"], robust["tr_b"]
    out = {}
    if robust["test"] == "mean.var.adjusted":
        dfs, dfBs = t1 ** 2 / t2, b1 ** 2 / b2
        c, c_b = t1 / dfs, b1 / dfBs
        Ts, TBs = T / c, TB / c_b
    else:  # scaled.shifted
        a, a_b = np.sqrt(df / t2), np.sqrt(dfB / b2)
        Ts, TBs = a * T + df - a * t1, a_b * TB + dfB - a_b * b1
        dfs, dfBs, c, c_b = df, dfB, 1 / a, 1 / a_b
        out["chisq_shift_parameters"] = df - a * t1
    out.update({"chisq_scaled": Ts, "df_scaled": dfs, "pvalue_scaled": pchisq_upper(Ts, dfs),
                "chisq_scaling_factor": c, "baseline_chisq_scaled": TBs,
                "baseline_df_scaled": dfBs, "baseline_pvalue_scaled": pchisq_upper(TBs, dfBs),
                "baseline_chisq_scaling_factor": c_b})
    inc = incremental_indices(Ts, dfs, TBs, dfBs)
    for k in ("cfi", "tli", "rfi", "nfi", "pnfi", "ifi", "rni"):
        out[f"{k}_scaled"] = inc[k]
    out["nnfi_scaled"] = inc["tli"]
    out["rmsea_scaled"] = rmsea_block(Ts, dfs, N, G)[0]
    if robust["test"] == "mean.var.adjusted":  # lavaan: interval and p-values of T on tr(UΓ)
        (_, out["rmsea_ci_lower_scaled"], out["rmsea_ci_upper_scaled"],
         out["rmsea_pvalue_scaled"], out["rmsea_notclose_pvalue_scaled"]) = rmsea_block(
            T, t1, N, G)
        return out
    (_, out["rmsea_ci_lower_scaled"], out["rmsea_ci_upper_scaled"],
     out["rmsea_pvalue_scaled"], out["rmsea_notclose_pvalue_scaled"]) = rmsea_block(Ts, df, N, G)
    c_sb, c_sb_b = t1 / df, b1 / dfB
    rob = incremental_indices(T, df, TB, dfB, c_sb, c_sb_b)
    for k in ("cfi", "tli", "rni"):
        out[f"{k}_robust"] = rob[k]
    out["nnfi_robust"] = rob["tli"]
    out["rmsea_robust"] = rmsea_block(T, df, N, G, c=c_sb)[0]
    (_, out["rmsea_ci_lower_robust"], out["rmsea_ci_upper_robust"],
     out["rmsea_pvalue_robust"], out["rmsea_notclose_pvalue_robust"]) = rmsea_block(
        T, df, N, G, c=c, T_ci=Ts)
    return out
