"""Fit measures with lavaan's definitions and names (dots become underscores).

Conventions that differ from some textbooks (all as lavaan 0.6):

- chi-square is ``N * F_ML`` (not N - 1), and RMSEA uses N (times sqrt(G) for G groups);
- CFI is truncated to [0, 1]; TLI is not truncated;
- SRMR is Bentler's: residual correlations standardized by *observed* SDs, over the lower
  triangle *including* the diagonal (and mean residuals when there is a mean structure);
- GFI is ``1 - e'We / s'Ws`` with W the normal-theory weight at the model-implied
  covariance (LISREL's GFI); AGFI and PGFI follow from it;
- logl is the full normal log-likelihood (with the 2*pi constant); with ``fixed.x`` the
  marginal log-likelihood of the exogenous covariates is subtracted;
- p-values are ``1 - pchisq(T, df)`` (they underflow to 0 exactly as in R).

Examples
--------
>>> from im_research.sem.fitmeasures import rmsea_ci
>>> [round(v, 4) for v in rmsea_ci(85.306, 24, 301)]
[0.0714, 0.1137]
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from scipy import optimize, special

from .ram import small_inv

__all__ = ["compute_fit_measures", "rmsea_ci", "rmsea_block", "incremental_indices",
           "FIT_MEASURE_NAMES"]

FIT_MEASURE_NAMES = [
    "npar", "fmin", "chisq", "df", "pvalue", "baseline_chisq", "baseline_df",
    "baseline_pvalue", "cfi", "tli", "nnfi", "rfi", "nfi", "pnfi", "ifi", "rni", "logl",
    "unrestricted_logl", "aic", "bic", "ntotal", "bic2", "rmsea", "rmsea_ci_lower",
    "rmsea_ci_upper", "rmsea_ci_level", "rmsea_pvalue", "rmsea_close_h0",
    "rmsea_notclose_pvalue", "rmsea_notclose_h0", "rmr", "rmr_nomean", "srmr",
    "srmr_bentler", "srmr_bentler_nomean", "crmr", "crmr_nomean", "srmr_mplus",
    "srmr_mplus_nomean", "cn_05", "cn_01", "gfi",
    "agfi", "pgfi", "mfi", "ecvi",
]
_NAMES_INDEX = pd.Index(FIT_MEASURE_NAMES)  # shared (an Index is immutable)


def pchisq_upper(x, df):
    """R's ``1 - pchisq(x, df)``: underflows to exactly 0 like lavaan."""
    if df <= 0:
        return np.nan
    return float(1.0 - special.chdtr(df, x))


def incremental_indices(T, df, TB, dfB, c=1.0, c_b=1.0):
    """lavaan's incremental fit indices (``lav_fit_cfi`` ... ``lav_fit_ifi``) with their
    edge rules: CFI truncated to [0, 1] (1 when both terms are 0); TLI/NNFI untruncated;
    NFI and RFI undefined (NaN) when df > baseline df; RFI 1 when negative; IFI 1 when
    T_B < df. ``c``/``c_b`` give the robust versions of CFI, TLI and RNI
    (χ² − c·df, Brosseau-Liard & Savalei 2014; Savalei 2021)."""
    def near0(x):  # np.isclose(x, 0) without its per-call cost (atol 1e-8)
        return abs(x) <= 1e-8

    robust = df > 0 and (c != 1 or c_b != 1)
    t1 = T - (c if robust else 1.0) * df
    tb = TB - (c_b if robust else 1.0) * dfB
    a, b = max(t1, 0.0), max(t1, tb, 0.0)
    out = {"cfi": 1.0 if near0(a) and near0(b) else 1 - a / b}
    out["tli"] = (1 - (t1 * dfB) / (tb * df)) if df > 0 and tb != 0 else 1.0
    out["rni"] = np.nan if near0(tb) else 1 - t1 / tb
    if df > dfB or near0(TB):
        out["nfi"] = np.nan
    else:
        out["nfi"] = (TB - T) / TB if df > 0 else 1.0
    if df > dfB:
        out["rfi"] = np.nan
    elif df > 0 and dfB > 0:
        r1, r2 = TB / dfB - T / df, TB / dfB
        out["rfi"] = 1.0 if (r1 < 0 or r2 < 0) else r1 / r2
    else:
        out["rfi"] = 1.0
    out["pnfi"] = (df / dfB) * (TB - T) / TB if dfB > 0 and TB > 0 else np.nan
    i2 = TB - df
    out["ifi"] = 1.0 if i2 < 0 else (np.nan if near0(i2) else (TB - T) / i2)
    return out


def rmsea_block(T, df, N, G=1, c=1.0, T_ci=None):
    """lavaan's RMSEA, its 90% CI and the close/not-close fit p-values (h0 .05 / .08):
    ``sqrt(G) sqrt(max(T/(N df) − c/N, 0))``; the CI and p-values use ``T_ci`` (default
    ``T``) with the noncentrality scaled by ``c`` (robust versions). Returns
    ``(rmsea, ci_lower, ci_upper, pvalue, notclose_pvalue)``; with df = 0: (0, 0, 0, NaN,
    NaN)."""
    if df <= 0:
        return 0.0, 0.0, 0.0, np.nan, np.nan
    T_ci = T if T_ci is None else T_ci
    rm = float(np.sqrt(G) * np.sqrt(max(T / (N * df) - c / N, 0.0)))
    lo, hi = rmsea_ci(T_ci, df, N, G, c=c)
    close = float(1 - special.chndtr(T_ci, df, N * df / c * 0.05 ** 2 / G))
    notclose = float(special.chndtr(T_ci, df, N * df / c * 0.08 ** 2 / G))
    return rm, lo, hi, close, notclose


def rmsea_ci(chisq, df, ntotal, ngroups=1, level=0.90, c=1.0):
    """Confidence interval of RMSEA by inverting the noncentral chi-square in lambda.

    Returns (lower, upper); lavaan's ``rmsea.ci.lower`` / ``rmsea.ci.upper``.
    """
    if not (np.isfinite(chisq) and np.isfinite(df)):  # e.g. df * c with c undefined (df = 0)
        return np.nan, np.nan
    if df <= 0:
        return 0.0, 0.0
    lo_p, hi_p = 1 - (1 - level) / 2, (1 - level) / 2

    def f(lam, target):
        return special.chndtr(chisq, df, lam) - target if lam > 0 else \
            special.chdtr(df, chisq) - target

    def root(target, upper):  # the noncentrality with cdf(chisq) = target
        lam = special.chndtrinc(chisq, df, target)  # cdflib's inverse; root-find if it fails
        return lam if np.isfinite(lam) else optimize.brentq(f, 0.0, upper, args=(target,),
                                                            xtol=1e-12)

    # lavaan's brackets: [0, chisq] below, [0, max(N, 4 chisq)] above, else 0
    lam_l = 0.0 if special.chdtr(df, chisq) < lo_p else root(lo_p, max(chisq, 1e-8))
    upper = max(ntotal, 4 * chisq)
    lam_u = 0.0 if f(0.0, hi_p) < 0 or f(upper, hi_p) > 0 else root(hi_p, upper)
    scale = np.sqrt(ngroups)
    return (float(np.sqrt(c * lam_l / (ntotal * df)) * scale),
            float(np.sqrt(c * lam_u / (ntotal * df)) * scale))


@functools.lru_cache(maxsize=32)
def _lower_triangle(p, k):
    """``np.tril_indices(p, k)``, cached: numpy builds it through broadcasting checks that
    cost more than the fit measures that use it."""
    return np.tril_indices(p, k)


def _quad(Sinv, E, e_mean):
    """0.5 tr(Sinv E Sinv E) + e_mean' Sinv e_mean (normal-theory weight)."""
    X = Sinv @ E
    q = 0.5 * np.trace(X @ X)
    if e_mean is not None:
        q += e_mean @ Sinv @ e_mean
    return q


def compute_fit_measures(*, stats_by_group, implied, F, npar, ndat, x_index, fixed_x,
                         meanstructure, override=None):
    """All fit measures for an ML fit.

    Parameters
    ----------
    stats_by_group : list of SampleStats (cov divisor N)
    implied : list of (Sigma, mu) per group
    F : float
        Minimum of the (N_g/N weighted) ML discrepancy.
    npar, ndat : int
    x_index : list of int
        Positions of exogenous covariates (fixed.x) among the observed variables.
    override : dict, optional
        ``chisq``, ``baseline_chisq``, ``logl`` and ``unrestricted_logl`` computed
        elsewhere (FIML); every index is then derived from them.
    """
    G = len(stats_by_group)
    N = sum(s.nobs for s in stats_by_group)
    p = stats_by_group[0].cov.shape[0]
    df = ndat - npar
    T = max(N * F, 0.0) if not override else max(override["chisq"], 0.0)
    fm = {}
    fm["npar"] = npar
    fm["fmin"] = F / 2
    fm["chisq"] = T
    fm["df"] = df
    fm["pvalue"] = pchisq_upper(T, df)

    # baseline (independence) model: free variances (and means) of y, x block kept
    y_idx = [i for i in range(p) if not (fixed_x and i in x_index)]
    xi = list(x_index) if fixed_x else []
    TB = 0.0
    logl = unres = 0.0
    inverses = []  # of each group's implied covariance, for GFI below
    for st, (Sigma, mu) in zip(stats_by_group, implied):
        S = st.cov
        ld_S = np.linalg.slogdet(S)[1]
        ld_x = np.linalg.slogdet(S[np.ix_(xi, xi)])[1] if xi else 0.0
        FB = ld_x + np.sum(np.log(np.diag(S)[y_idx])) - ld_S
        TB += st.nobs * FB
        Sinv = small_inv(Sigma)
        inverses.append(Sinv)
        ld_Sig = np.linalg.slogdet(Sigma)[1]
        mean_term = 0.0
        if st.mean is not None and mu is not None:
            d = st.mean - mu
            mean_term = d @ Sinv @ d
        ll = -st.nobs / 2 * (p * np.log(2 * np.pi) + ld_Sig + np.trace(Sinv @ S) + mean_term)
        ul = -st.nobs / 2 * (p * np.log(2 * np.pi) + ld_S + p)
        if xi:
            lx = -st.nobs / 2 * (len(xi) * np.log(2 * np.pi) + ld_x + len(xi))
            ll -= lx
            ul -= lx
        logl += ll
        unres += ul
    if override:
        TB, logl, unres = override["baseline_chisq"], override["logl"], \
            override["unrestricted_logl"]
    npar_b = G * (len(y_idx) * (2 if meanstructure else 1))
    dfB = ndat - npar_b
    fm["baseline_chisq"] = TB
    fm["baseline_df"] = dfB
    fm["baseline_pvalue"] = pchisq_upper(TB, dfB)

    inc = incremental_indices(T, df, TB, dfB)
    fm.update({k: inc[k] for k in ("cfi", "tli", "rfi", "nfi", "pnfi", "ifi", "rni")})
    fm["nnfi"] = inc["tli"]
    fm["logl"] = logl
    fm["unrestricted_logl"] = unres
    fm["aic"] = -2 * logl + 2 * npar
    fm["bic"] = -2 * logl + npar * np.log(float(N))
    fm["ntotal"] = N
    fm["bic2"] = -2 * logl + npar * np.log((N + 2) / 24)

    # RMSEA
    (fm["rmsea"], fm["rmsea_ci_lower"], fm["rmsea_ci_upper"], fm["rmsea_pvalue"],
     fm["rmsea_notclose_pvalue"]) = rmsea_block(T, df, N, G)
    fm["rmsea_ci_level"] = 0.90
    fm["rmsea_close_h0"] = 0.05
    fm["rmsea_notclose_h0"] = 0.08

    # residual-based indices, N_g-weighted over groups
    acc = dict(rmr=0.0, rmr_nomean=0.0, srmr=0.0, srmr_nomean=0.0, crmr=0.0, crmr_nomean=0.0,
               mplus=0.0, mplus_nomean=0.0, gfi=0.0)
    tri, off = _lower_triangle(p, 0), _lower_triangle(p, -1)
    nel = 0
    for st, (Sigma, mu), Sinv in zip(stats_by_group, implied, inverses):
        w = st.nobs / N
        S = st.cov
        sd = np.sqrt(np.diag(S))
        R = S - Sigma
        Rstd = R / np.outer(sd, sd)
        has_mean = meanstructure and st.mean is not None
        m_res = (st.mean - mu) if has_mean else None
        nel += p * (p + 1) // 2 + (p if has_mean else 0)
        sq_cov = np.sum(Rstd[tri] ** 2)
        sq_raw = np.sum(R[tri] ** 2)
        n_cov = len(tri[0])
        if has_mean:
            srmr = np.sqrt((sq_cov + np.sum((m_res / sd) ** 2)) / (n_cov + p))
            rmr = np.sqrt((sq_raw + np.sum(m_res ** 2)) / (n_cov + p))
        else:
            srmr = np.sqrt(sq_cov / n_cov)
            rmr = np.sqrt(sq_raw / n_cov)
        acc["srmr"] += w * srmr
        acc["srmr_nomean"] += w * np.sqrt(sq_cov / n_cov)
        acc["rmr"] += w * rmr
        acc["rmr_nomean"] += w * np.sqrt(sq_raw / n_cov)
        # CRMR: correlation residuals, off-diagonal only
        sds = np.sqrt(np.diag(Sigma))
        Rc = S / np.outer(sd, sd) - Sigma / np.outer(sds, sds)
        n_off = max(len(off[0]), 1)
        crmr_nomean = np.sqrt(np.sum(Rc[off] ** 2) / n_off)
        if has_mean:
            crmr = np.sqrt((np.sum(Rc[off] ** 2) + np.sum((m_res / sd) ** 2)) / (n_off + p))
        else:
            crmr = crmr_nomean
        acc["crmr"] += w * crmr
        # Mplus SRMR: correlation residuals off the diagonal plus relative variance residuals
        var_res = (np.diag(S) - np.diag(Sigma)) / np.diag(S)
        sq_mp = np.sum(Rc[off] ** 2) + np.sum(var_res ** 2)
        acc["mplus_nomean"] += w * np.sqrt(sq_mp / n_cov)
        if has_mean:
            m_mp = st.mean / sd - mu / sds
            acc["mplus"] += w * np.sqrt((sq_mp + np.sum(m_mp ** 2)) / (n_cov + p))
        else:
            acc["mplus"] += w * np.sqrt(sq_mp / n_cov)
        acc["crmr_nomean"] += w * crmr_nomean
        # GFI with the normal-theory weight at Sigma-hat; x moments excluded (fixed.x)
        E = R.copy()
        Sm = S.copy()
        if xi:
            E[np.ix_(xi, xi)] = 0.0
            Sm[np.ix_(xi, xi)] = 0.0
        e_mean = s_mean = None
        if has_mean:
            e_mean = m_res.copy()
            s_mean = st.mean.copy()
            if xi:
                e_mean[xi] = 0.0
                s_mean[xi] = 0.0
        acc["gfi"] += w * (1 - _quad(Sinv, E, e_mean) / _quad(Sinv, Sm, s_mean))
    fm["rmr"] = acc["rmr"]
    fm["rmr_nomean"] = acc["rmr_nomean"]
    fm["srmr"] = acc["srmr"]
    fm["srmr_bentler"] = acc["srmr"]
    fm["srmr_bentler_nomean"] = acc["srmr_nomean"]
    fm["crmr"] = acc["crmr"]
    fm["crmr_nomean"] = acc["crmr_nomean"]
    fm["srmr_mplus"] = acc["mplus"]
    fm["srmr_mplus_nomean"] = acc["mplus_nomean"]
    if df > 0 and T > 0:
        fm["cn_05"] = special.chdtri(df, 0.05) / (T / N) + 1
        fm["cn_01"] = special.chdtri(df, 0.01) / (T / N) + 1
    else:
        fm["cn_05"] = fm["cn_01"] = np.nan
    gfi = acc["gfi"]
    fm["gfi"] = gfi
    fm["agfi"] = 1 - (nel / df) * (1 - gfi) if df > 0 else 1.0
    fm["pgfi"] = (df / nel) * gfi if nel > 0 else np.nan
    fm["mfi"] = float(np.exp(-0.5 * (T - df) / N))
    fm["ecvi"] = (T + 2 * npar) / N
    return pd.Series(np.array([fm[k] for k in FIT_MEASURE_NAMES], float),
                     index=_NAMES_INDEX, copy=False)
