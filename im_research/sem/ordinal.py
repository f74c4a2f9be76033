"""Ordinal (Likert) indicators: thresholds and polychoric correlations, as lavaan's
first two estimation steps for ``ordered=`` variables (``lavCor(data, ordered = ...)``).

- thresholds: τ_k = Φ⁻¹(cumulative proportion of categories 1..k), k = 1..K−1
  (lavaan ``lav_uvord_th`` without covariates);
- polychoric correlation of each pair: two-step ML with the thresholds held fixed
  (lavaan's ``lav_bvord_cor_twostep_fit``), maximising Σ n_ab log P_ab(ρ) over the
  contingency table; bivariate normal probabilities by Gauss–Legendre quadrature
  (see ``_phi2``).

- :func:`wls_statistics`: the thresholds and polychorics stacked as lavaan's ``wls.obs``
  with their asymptotic covariance matrix Γ (lavaan's ``NACOV``/``gamma``), Muthén's
  (1984) sandwich over the casewise scores of the univariate and bivariate estimating
  equations. The WLSMV estimator of :func:`im_research.fit` (``ordered=``) is built on it
  (:mod:`im_research.sem.wlsmv`).

lavaan's conventions kept here: the "A" (bread) blocks are outer products of the scores,
not Hessians (``lav_muthen1984``); Γ = N·B⁻¹(ΣsᵢsᵢᵀB⁻ᵀ) with divisor N; cell
probabilities below √ε are floored as lavaan floors them.

Examples
--------
>>> import pandas as pd
>>> from im_research.sem.ordinal import polychoric, thresholds
>>> df = pd.DataFrame({"a": [1, 1, 2, 2, 3, 3, 1, 2, 3, 2],
...                    "b": [1, 2, 2, 2, 3, 3, 1, 1, 3, 3]})
>>> round(float(thresholds(df, ["a"])["est"].iloc[0]), 4)  # qnorm(0.3)
-0.5244
>>> R = polychoric(df, ["a", "b"])  # lavaan: lavCor(df, ordered = c("a", "b"))
>>> bool(0 < R.loc["a", "b"] < 1)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from ..errors import DataError

__all__ = ["thresholds", "polychoric", "wls_statistics", "wls_statistics_conditional",
           "WLSStatistics"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(24)  # Drezner form: 3e-11 up to |rho| = .995
# fewer nodes where |rho| is small (as Genz 2004 for this integral: 6 below .3, 12 below .75)
_GL_RULES = [(0.3, np.polynomial.legendre.leggauss(6)),
             (0.75, np.polynomial.legendre.leggauss(12)), (np.inf, (_GL_X, _GL_W))]


def _categories(x: pd.Series, name: str):
    """Sorted observed categories of ``x`` and the category index of each observed value
    (numpy for numeric codes: pandas' dropna/unique cost more than the statistics)."""
    if pd.api.types.is_numeric_dtype(x.dtype) and not isinstance(x.dtype,
                                                                   pd.CategoricalDtype):
        a = x.to_numpy(dtype=float, na_value=np.nan)
        vals = a[~np.isnan(a)]
        cats = np.unique(vals)
    else:
        vals = x.dropna()
        cats = np.sort(vals.unique())
        vals = vals.to_numpy()
    if len(cats) < 2:
        raise DataError(
            f"ordered column {name!r} has only {len(cats)} observed category "
            f"({cats.tolist()}); a threshold model needs at least two. Drop the item or "
            "merge it with another, or treat it as continuous.")
    return cats, np.searchsorted(cats, vals)


def thresholds(data: pd.DataFrame, columns) -> pd.DataFrame:
    """Thresholds of ordered variables (lavaan's ``x1|t1, x1|t2, ...``).

    Returns a DataFrame with columns ``lhs, op ("|"), rhs ("t1", ...), est``.
    """
    rows = []
    for v in columns:
        cats, codes = _categories(data[v], v)
        counts = np.bincount(codes, minlength=len(cats))
        cum = np.cumsum(counts)[:-1] / counts.sum()
        for k, c in enumerate(cum):
            rows.append({"lhs": v, "op": "|", "rhs": f"t{k + 1}", "est": special.ndtri(c)})
    return pd.DataFrame(rows)


def _phi2(h, k, rho):
    """Φ₂(h, k; ρ) for arrays h, k (infinite values allowed) and ρ a scalar or an array
    that broadcasts against them (one ρ per table of a stack, shape (m, 1, 1)).

    Gauss–Legendre quadrature of Φ₂ = Φ(h)Φ(k) + (1/2π)∫₀^asin ρ exp(−(h² + k² −
    2hk sin t) / (2cos² t)) dt (Drezner & Wesolowsky's form: no singularity as |ρ| → 1;
    within 3e-11 up to |ρ| = .995 with 24 nodes; 6 and 12 nodes below |ρ| = .3 and .75,
    as Genz 2004, agree with 60 nodes to 2e-16); only the finite grid points are
    integrated; a scalar |ρ| = 1 is exact.
    """
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    if np.ndim(rho) == 0 and abs(rho) >= 1:
        return (special.ndtr(np.minimum(h, k)) if rho > 0 else
                np.maximum(special.ndtr(h) - special.ndtr(-k), 0.0))
    out = special.ndtr(h) * special.ndtr(k)
    fin = np.isfinite(h) & np.isfinite(k)  # the integral vanishes at infinite corners
    if not fin.any():
        return out
    rho = np.asarray(rho, float)
    table = np.broadcast_to(np.arange(rho.size).reshape(rho.shape), h.shape)[fin]
    r = np.abs(rho.reshape(-1))[table]  # each finite point's |rho|
    hh, kk, done = h[fin], k[fin], np.zeros(len(table), bool)
    total = np.zeros(len(table))
    for limit, (x, w) in _GL_RULES:
        sel = ~done & (r < limit)
        if sel.any():
            a = np.arcsin(rho.reshape(-1)[table[sel]])
            t = 0.5 * a[:, None] * (x + 1)  # nodes on [0, asin rho]
            h1, k1 = hh[sel][:, None], kk[sel][:, None]
            dens = np.exp(-(h1 * h1 + k1 * k1 - 2 * h1 * k1 * np.sin(t))
                          / (2 * np.cos(t) ** 2))
            total[sel] = 0.5 * a * (dens @ w) / (2 * np.pi)
            done |= sel
    out[fin] += total
    return out


def _cell_probs(A, B, rho, second=False):
    """Cell probabilities and their derivative in rho on the threshold grid (A, B)
    (the last two axes; a stack of grids takes ρ of shape (m, 1, 1)); with
    ``second=True`` also the second derivative, from ∂φ₂/∂ρ = φ₂·(ρ(1 − ρ²) + hk(1 − ρ²)
    − ρ(h² − 2ρhk + k²)) / (1 − ρ²)²."""
    F = _phi2(A, B, rho)
    P = F[..., 1:, 1:] - F[..., :-1, 1:] - F[..., 1:, :-1] + F[..., :-1, :-1]
    fin = np.isfinite(A) & np.isfinite(B)
    Af, Bf = np.where(fin, A, 0.0), np.where(fin, B, 0.0)
    R2 = 1 - rho * rho
    Q = Af ** 2 - 2 * rho * Af * Bf + Bf ** 2
    dens = np.where(fin, np.exp(-Q / (2 * R2)) / (2 * np.pi * np.sqrt(R2)), 0.0)

    def corners(G):
        return G[..., 1:, 1:] - G[..., :-1, 1:] - G[..., 1:, :-1] + G[..., :-1, :-1]

    P = np.clip(P, 1e-300, None)
    if not second:
        return P, corners(dens)
    ddens = dens * (rho * R2 + Af * Bf * R2 - rho * Q) / R2 ** 2
    return P, corners(dens), corners(ddens)


def _padded_grids(t1s, t2s):
    """Threshold grids of many pairs stacked (m, K1max + 1, K2max + 1): each padded
    with +inf, so that padded cells have probability 0 and no cases."""
    k1 = max(len(t) for t in t1s) + 2
    k2 = max(len(t) for t in t2s) + 2
    A = np.full((len(t1s), k1, k2), np.inf)
    B = np.full((len(t2s), k1, k2), np.inf)
    for q, (t1, t2) in enumerate(zip(t1s, t2s)):
        A[q, 0], A[q, 1:len(t1) + 1] = -np.inf, np.asarray(t1)[:, None]
        B[q, :, 0], B[q, :, 1:len(t2) + 1] = -np.inf, t2
    return A, B


def _two_by_two(table, t1, t2, names):
    """lavaan's rules for 2x2 tables (``lav_bvord_cor_twostep_fit``): one empty cell gets
    0.5 added with the margins kept; returns (table, closed-form rho or None)."""
    f = table.astype(float).copy()
    empty = np.argwhere(f == 0)
    if len(empty) >= 2:
        raise DataError(f"the 2x2 table of {names[0]!r} and {names[1]!r} has two empty "
                        "cells: the items are (nearly) identical or mutually exclusive; "
                        "drop one of them")
    if len(empty) == 1:
        r, c = empty[0]
        sign = 1.0 if r == c else -1.0  # empty diagonal cell: add to the diagonal
        f += sign * 0.5 * np.array([[1, -1], [-1, 1]])
    if f[0, 0] * f[1, 1] == f[0, 1] * f[1, 0]:
        return f, 0.0
    if t1[0] == 0 and t2[0] == 0:
        return f, float(-np.cos(2 * np.pi * f[0, 0] / f.sum()))
    return f, None


def _start_rhos(A, B, T, n, bound):
    """Starting values for the scoring: each answer replaced by the mean of the latent
    normal within its category, s = (φ(τ_lo) − φ(τ_hi)) / (Φ(τ_hi) − Φ(τ_lo)); for a
    bivariate normal Cov(s₁, s₂) ≈ ρ·Var(s₁)·Var(s₂), which puts ρ within a few hundredths
    and saves the scoring three or four of its ~9 steps."""
    def scores(t):  # t: (m, K + 1) thresholds with -inf first and +inf padding
        dens = np.where(np.isfinite(t), np.exp(-0.5 * np.where(np.isfinite(t), t, 0) ** 2)
                        / np.sqrt(2 * np.pi), 0.0)
        prob = np.diff(special.ndtr(t), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(prob > 0, -np.diff(dens, axis=1) / prob, 0.0)

    s1, s2 = scores(A[:, :, 0]), scores(B[:, 0, :])
    p1, p2 = T.sum(axis=2) / n[:, None], T.sum(axis=1) / n[:, None]
    m1, m2 = (p1 * s1).sum(axis=1), (p2 * s2).sum(axis=1)
    v1 = (p1 * (s1 - m1[:, None]) ** 2).sum(axis=1)
    v2 = (p2 * (s2 - m2[:, None]) ** 2).sum(axis=1)
    cov = np.einsum("qij,qi,qj->q", T, s1 - m1[:, None], s2 - m2[:, None]) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where((v1 > 0) & (v2 > 0), cov / (v1 * v2), 0.0)
    return np.clip(np.nan_to_num(rho), -0.9 * bound, 0.9 * bound)


def _pair_rhos(tables, t1s, t2s, names, bound=0.995):
    """Two-step ML polychoric correlations of many pairs at once: Fisher scoring on each
    table's log-likelihood, all pairs in one stacked array (padded grids, a pair stops
    when its step is below 1e-12), with a bounded line search as fallback for a pair
    whose scoring fails (lavaan bounds |rho| < .995); 2x2 tables follow lavaan's
    empty-cell rules (:func:`_two_by_two`)."""
    rhos = np.zeros(len(tables))
    todo, tabs = [], []
    for r, (table, t1, t2, nm) in enumerate(zip(tables, t1s, t2s, names)):
        if table.shape == (2, 2):
            table, rho = _two_by_two(table, t1, t2, nm)
            if rho is not None:
                rhos[r] = rho
                continue
        todo.append(r)
        tabs.append(table)
    if not todo:
        return rhos
    A, B = _padded_grids([t1s[r] for r in todo], [t2s[r] for r in todo])
    T = np.zeros((len(todo), A.shape[1] - 1, A.shape[2] - 1))
    for q, table in enumerate(tabs):
        T[q, :table.shape[0], :table.shape[1]] = table
    n = T.sum(axis=(1, 2))
    rho = _start_rhos(A, B, T, n, bound)
    active = np.ones(len(todo), bool)
    failed = np.ones(len(todo), bool)  # not converged by scoring
    for _ in range(50):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        P, dP, d2P = _cell_probs(A[idx], B[idx], rho[idx][:, None, None], second=True)
        score = (T[idx] * dP / P).sum(axis=(1, 2))
        # Newton (observed information) where it is positive: quadratic convergence;
        # Fisher scoring (expected information) otherwise
        observed = (T[idx] * ((dP / P) ** 2 - d2P / P)).sum(axis=(1, 2))
        expected = n[idx] * (dP * dP / P).sum(axis=(1, 2))
        info = np.where(observed > 0, observed, expected)
        ok = info > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            new = np.clip(rho[idx] + score / info, -bound, bound)
        conv = ok & (np.abs(new - rho[idx]) < 1e-12)
        rho[idx[ok]] = new[ok]
        failed[idx[conv]] = False
        active[idx[conv | ~ok]] = False
    for q in np.flatnonzero(failed):
        table = T[q]

        def negll(r, A=A[q], B=B[q], table=table):
            return -(table * np.log(_cell_probs(A, B, r)[0])).sum()

        rho[q] = optimize.minimize_scalar(negll, bounds=(-bound, bound), method="bounded",
                                          options={"xatol": 1e-10}).x
    rhos[todo] = rho
    return rhos


def polychoric_matrix(x, names) -> np.ndarray:
    """Polychoric correlations (p, p) of complete ordered items ``x`` (n, p numeric codes),
    without Γ: what :func:`polychoric` returns for complete rows, at a fraction of the
    cost (bootstrap draws of HTMT need only the matrix). ``names`` label the errors."""
    p = x.shape[1]
    codes, taus = [], []
    for j in range(p):
        cats, c = np.unique(x[:, j], return_inverse=True)
        if len(cats) < 2:
            raise DataError(f"ordered column {names[j]!r} has only one observed category; "
                            "a threshold model needs at least two")
        counts = np.bincount(c, minlength=len(cats))
        taus.append(special.ndtri(np.cumsum(counts)[:-1] / len(c)))
        codes.append(c)
    ii, jj = np.triu_indices(p, 1)
    tables = []
    for i, j in zip(ii, jj):
        K1, K2 = len(taus[i]) + 1, len(taus[j]) + 1
        tables.append(np.bincount(codes[i] * K2 + codes[j], minlength=K1 * K2)
                      .reshape(K1, K2).astype(float))
    R = np.eye(p)
    R[ii, jj] = R[jj, ii] = _pair_rhos(tables, [taus[i] for i in ii], [taus[j] for j in jj],
                                        [(names[i], names[j]) for i, j in zip(ii, jj)])
    return R


def polychoric(data: pd.DataFrame, columns) -> pd.DataFrame:
    """Polychoric correlation matrix of ordered variables (two-step, thresholds fixed;
    pairwise-present rows), as lavaan's ``lavCor(data, ordered = columns)``.

    Parameters
    ----------
    data : DataFrame
        Integer- or category-coded items.
    columns : list of str
        The ordered items.

    Returns
    -------
    DataFrame
        Symmetric correlation matrix indexed by ``columns``.
    """
    columns = list(columns)
    R = wls_statistics(data, columns, pairwise=True).cor
    return pd.DataFrame(R, index=columns, columns=columns)


# ---------------------------------------------------------------------------------------
# WLS statistics with their asymptotic covariance (Muthén 1984, as lavaan's muthen1984)
# ---------------------------------------------------------------------------------------
_SQRT_EPS = np.sqrt(np.finfo(float).eps)


@dataclass
class WLSStatistics:
    """Sample statistics of the WLSMV estimator for one group of complete rows.

    Attributes
    ----------
    names : list of str
        The variables, in model order.
    th : ndarray
        Thresholds of the ordered variables and minus the means of the continuous ones,
        variable by variable (lavaan's ``x1|t1, x1|t2, ..., x7~1``).
    th_var : ndarray of int
        Index (into ``names``) of the variable of each entry of ``th``.
    th_names : list of str
        ``"x1|t1"``, ..., ``"x7~1"``.
    cor : ndarray
        Correlation matrix: polychoric (ordered pairs), polyserial (mixed pairs),
        Pearson (continuous pairs).
    gamma : ndarray
        N times the asymptotic covariance of ``wls_obs`` (lavaan's ``NACOV``).
    nobs : int
    numeric : ndarray of bool
        Which variables are continuous.
    var : ndarray
        Variances (divisor N) of the continuous variables.
    """

    names: list
    th: np.ndarray
    th_var: np.ndarray
    th_names: list
    cor: np.ndarray
    gamma: np.ndarray
    nobs: int
    numeric: np.ndarray = None
    var: np.ndarray = None
    slopes: np.ndarray = None
    exo: list = None

    def __post_init__(self):
        if self.numeric is None:
            self.numeric = np.zeros(len(self.names), dtype=bool)
        if self.var is None:
            self.var = np.zeros(0)
        if self.slopes is None:
            self.slopes = np.zeros((len(self.names), 0))
        if self.exo is None:
            self.exo = []

    @property
    def pairs(self):
        """(i, j) index arrays of the correlations in ``wls_obs`` order: the lower
        triangle column by column, as lavaan's ``vech(diagonal = FALSE)``."""
        p = len(self.names)
        jj, ii = np.triu_indices(p, 1)
        return ii, jj

    @property
    def cov(self):
        """``cor`` rescaled by the standard deviations of the continuous variables."""
        sd = np.ones(len(self.names))
        sd[self.numeric] = np.sqrt(self.var)
        return self.cor * np.outer(sd, sd)

    @property
    def n_fixed_block(self):
        """Number of leading ``wls_obs`` entries that are thresholds, means, slopes on
        the covariates or variances."""
        return len(self.th) + self.slopes.size + len(self.var)

    @property
    def wls_obs(self):
        """Thresholds (and −means), slopes on the covariates (covariate by covariate),
        variances of the continuous variables, then the off-diagonal (residual)
        covariances (lavaan's ``wls.obs``)."""
        ii, jj = self.pairs
        return np.concatenate([self.th, self.slopes.T.ravel(), self.var,
                               self.cov[ii, jj]])


def _bv_cell_terms(A, B, rho):
    """Per-cell quantities of stacked bivariate probit tables on the threshold grids
    A (rows), B (columns) of :func:`_padded_grids` with ρ of shape (m, 1, 1):
    probabilities, dP/drho and dP/d(upper, lower) row and column thresholds."""
    F = _phi2(A, B, rho)
    P = F[:, 1:, 1:] - F[:, :-1, 1:] - F[:, 1:, :-1] + F[:, :-1, :-1]
    P = np.where(P < _SQRT_EPS, _SQRT_EPS, P)
    R = np.sqrt(1 - rho * rho)
    fin = np.isfinite(A) & np.isfinite(B)
    Af, Bf = np.where(fin, A, 0.0), np.where(fin, B, 0.0)
    dens = np.where(fin, np.exp(-(Af ** 2 - 2 * rho * Af * Bf + Bf ** 2) / (2 * R * R))
                    / (2 * np.pi * R), 0.0)
    dP_drho = dens[:, 1:, 1:] - dens[:, :-1, 1:] - dens[:, 1:, :-1] + dens[:, :-1, :-1]

    def edge(u, v_hi, v_lo):
        # phi(u) * [Phi((v_hi - rho u)/R) - Phi((v_lo - rho u)/R)], zero at infinite u
        uf = np.where(np.isfinite(u), u, 0.0)
        val = special.ndtr((v_hi - rho * uf) / R) - special.ndtr((v_lo - rho * uf) / R)
        return np.where(np.isfinite(u), np.exp(-uf ** 2 / 2) / np.sqrt(2 * np.pi) * val, 0.0)

    # for cell (r, c): row upper bound a[r+1], lower a[r]; column bounds b[c+1], b[c]
    up1 = edge(A[:, 1:, 1:], B[:, 1:, 1:], B[:, 1:, :-1])   # d/d(upper row threshold)
    lo1 = edge(A[:, :-1, 1:], B[:, :-1, 1:], B[:, :-1, :-1])  # d/d(lower row threshold)
    up2 = edge(B[:, 1:, 1:], A[:, 1:, 1:], A[:, :-1, 1:])
    lo2 = edge(B[:, 1:, :-1], A[:, 1:, :-1], A[:, :-1, :-1])
    return P, dP_drho, up1, lo1, up2, lo2


def _threshold_scores(codes, K, lik, upper, lower):
    """Casewise derivative of log P with respect to each of the K-1 thresholds when a
    case in category c has upper bound t_c and lower bound t_{c-1}."""
    n = len(codes)
    sc = np.zeros((n, K - 1))
    rows = np.arange(n)
    has_up = codes < K - 1
    has_lo = codes > 0
    sc[rows[has_up], codes[has_up]] += upper[has_up] / lik[has_up]
    sc[rows[has_lo], codes[has_lo] - 1] -= lower[has_lo] / lik[has_lo]
    return sc


def _pdf(z):
    zf = np.where(np.isfinite(z), z, 0.0)
    return np.where(np.isfinite(z), np.exp(-zf * zf / 2) / np.sqrt(2 * np.pi), 0.0)


def _bounds(codes, tau):
    """Lower and upper thresholds of each case's category."""
    return (np.concatenate([[-np.inf], tau])[codes],
            np.concatenate([tau, [np.inf]])[codes])


def _polyserial(z, lo, hi):
    """Two-step polyserial correlation of a standardized continuous ``z`` (a residual,
    with covariates) with an ordered variable whose case bounds are ``lo``/``hi``
    (thresholds fixed), lavaan's ``lav_bvmix_cor_twostep_fit``."""
    def negll(rho):
        R = np.sqrt(1 - rho * rho)
        P = special.ndtr((hi - rho * z) / R) - special.ndtr((lo - rho * z) / R)
        return -np.sum(np.log(np.maximum(P, np.finfo(float).eps)))

    res = optimize.minimize_scalar(negll, bounds=(-0.995, 0.995), method="bounded",
                                   options={"xatol": 1e-10})
    return float(res.x)


def _bvmix_scores(z, sd, codes, K, lo, hi, rho):
    """Casewise scores of a continuous y1 (standardized ``z``, SD ``sd``) and an ordered
    y2 with case bounds ``lo``/``hi`` at ``rho`` (lavaan ``lav_bvmix_cor_scores``):
    d/d rho, d/d mean1, d/d var1, d/d thresholds of y2, and the factor that multiplies
    the covariates in d/d slopes of y2."""
    R = np.sqrt(1 - rho * rho)
    a_hi, a_lo = (hi - rho * z) / R, (lo - rho * z) / R
    f_hi, f_lo = _pdf(a_hi), _pdf(a_lo)
    P = np.maximum(special.ndtr(a_hi) - special.ndtr(a_lo), np.finfo(float).eps)
    diff = f_hi - f_lo
    d_mu = (z + rho / R * diff / P) / sd
    d_var = ((z * z - 1) + rho * z / R * diff / P) / (2 * sd * sd)
    t_hi = np.where(np.isfinite(hi), hi, 0.0)
    t_lo = np.where(np.isfinite(lo), lo, 0.0)
    d_rho = (f_hi * (t_hi * rho - z) - f_lo * (t_lo * rho - z)) / (R ** 3 * P)
    d_th = _threshold_scores(codes, K, P * R, f_hi, f_lo)
    d_sl2 = -diff / (R * P)  # times x: d/d slopes of y2
    return d_rho, d_mu, d_var, d_th, d_sl2


def _bvreg_scores(z1, z2, sd1, sd2, rho):
    """Casewise scores of two continuous variables at correlation ``rho`` (lavaan
    ``lav_bvreg_cor_scores``): d/d rho, d/d means, d/d variances."""
    R = 1 - rho * rho
    q = z1 * z1 - 2 * rho * z1 * z2 + z2 * z2
    d_rho = rho / R + z1 * z2 / R - q * rho / R ** 2
    d_mu1 = (z1 - rho * z2) / (R * sd1)
    d_mu2 = (z2 - rho * z1) / (R * sd2)
    d_var1 = -(0.5 - (z1 * z1 - rho * z1 * z2) / (2 * R)) / sd1 ** 2
    d_var2 = -(0.5 - (z2 * z2 - rho * z1 * z2) / (2 * R)) / sd2 ** 2
    return d_rho, d_mu1, d_mu2, d_var1, d_var2


def _continuous_pair(z1, z2, sd1, sd2, X, cols1, cols2):
    """Pearson (residual) correlation of two continuous variables with its casewise
    score and the A21/H21/H22 entries; ``cols`` = (mean column, slope columns, variance
    column) of each variable in the univariate block."""
    rho = float(np.mean(z1 * z2))  # the two-step ML correlation
    d_rho, d_mu1, d_mu2, d_var1, d_var2 = _bvreg_scores(z1, z2, sd1, sd2, rho)
    a21 = {cols1[0]: d_rho @ d_mu1, cols2[0]: d_rho @ d_mu2,
           cols1[2]: d_rho @ d_var1, cols2[2]: d_rho @ d_var2}
    for c, v in zip(cols1[1], d_rho @ (X * d_mu1[:, None])):
        a21[c] = v
    for c, v in zip(cols2[1], d_rho @ (X * d_mu2[:, None])):
        a21[c] = v
    h21 = {cols1[2]: sd2 * rho / (2 * sd1), cols2[2]: sd1 * rho / (2 * sd2)}
    return rho, d_rho, a21, h21, sd1 * sd2


def _mixed_pair(z, sd, X, codes, K, lo, hi, cols_c, th_cols_o, sl_cols_o):
    """Polyserial (residual) correlation of a continuous and an ordered variable with its
    casewise score and the A21/H21/H22 entries (columns as in :func:`_continuous_pair`)."""
    rho = _polyserial(z, lo, hi)
    d_rho, d_mu, d_var, d_th, d_sl2 = _bvmix_scores(z, sd, codes, K, lo, hi, rho)
    a21 = {cols_c[0]: d_rho @ d_mu, cols_c[2]: d_rho @ d_var}
    for c, v in zip(th_cols_o, d_rho @ d_th):
        a21[c] = v
    for c, v in zip(cols_c[1], d_rho @ (X * d_mu[:, None])):
        a21[c] = v
    for c, v in zip(sl_cols_o, d_rho @ (X * d_sl2[:, None])):
        a21[c] = v
    return rho, d_rho, a21, {cols_c[2]: rho / (2 * sd)}, sd


def _linear_univariate(y, X1):
    """Linear regression of a continuous ``y`` on ``X1`` (intercept column first):
    coefficients, residual variance (1/N), standardized residuals and the casewise
    scores of the intercept (n,), the slopes (n, q) and the variance (n,)."""
    coef = np.linalg.lstsq(X1, y, rcond=None)[0]
    e = y - X1 @ coef
    s2 = float(e @ e / len(y))
    return (coef, s2, e / np.sqrt(s2), e / s2, X1[:, 1:] * (e / s2)[:, None],
            -0.5 / s2 + e * e / (2 * s2 * s2))


def _set_row(k, a21, h21, h, A21, H21, h22):
    for c, v in a21.items():
        A21[k, c] = v
    for c, v in h21.items():
        H21[k, c] = v
    h22[k] = h


def _columns(data, columns, what):
    """``data[columns]`` without ``.attrs`` (pandas deep-copies them per column access),
    naming absent columns."""
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise DataError(f"{what}: the data have no column(s) {absent}")
    return pd.DataFrame(data[columns])


def _muthen_gamma(SC, blocks, A21, sc_cor, H21, h22, mean_cols, names):
    """N times lavaan's ``muthen1984`` sandwich: ``SC`` holds the casewise scores
    (univariate statistics, then the pairs' correlations), ``blocks`` the columns of each
    variable's univariate statistics (its "A11" block), ``A21`` the cross-products of the
    pair scores with the univariate ones. With continuous variables ``H21``/``h22``
    turn correlations into covariances and ``mean_cols`` flip to −mean (lavaan's
    convention)."""
    n, n11 = SC.shape[0], A21.shape[1]
    npair = sc_cor.shape[1]
    inner = SC.T @ SC
    A11 = np.zeros((n11, n11))
    for idx in blocks:
        A11[np.ix_(idx, idx)] = inner[np.ix_(idx, idx)]
    a22 = np.sum(sc_cor ** 2, axis=0)
    if np.any(a22 == 0):
        bad = [nm for nm, a in zip(names, a22) if a == 0]
        raise DataError(f"the weight matrix cannot be built: no information on the "
                        f"correlation(s) {bad}; check these items for (near-)empty "
                        "categories")
    A11_inv = np.linalg.inv(A11)
    Binv = np.zeros((n11 + npair, n11 + npair))
    Binv[:n11, :n11] = A11_inv
    Binv[n11:, n11:] = np.diag(1 / a22)
    Binv[n11:, :n11] = -(A21 / a22[:, None]) @ A11_inv
    W = Binv @ inner @ Binv.T
    if len(mean_cols):
        H = np.eye(n11 + npair)
        H[n11:, :n11] = H21
        H[n11:, n11:] = np.diag(h22)
        W = H @ W @ H.T
        flip = np.ones(n11 + npair)
        flip[list(mean_cols)] = -1
        W = W * np.outer(flip, flip)
    return n * W


def wls_statistics(data: pd.DataFrame, columns, ordered=None,
                   pairwise: bool = False) -> WLSStatistics:
    """Thresholds, polychoric correlations and their asymptotic covariance Γ.

    The statistics and Γ equal lavaan's ``lavInspect(fit, "sampstat")`` and
    ``lavInspect(fit, "gamma")`` for a model with ``ordered = ordered`` (complete rows,
    no covariates). Continuous variables (those not in ``ordered``) contribute their
    means and variances, polyserial correlations with the ordered ones and Pearson
    correlations among themselves, as in lavaan's ``muthen1984``.

    Parameters
    ----------
    data : DataFrame
        Complete rows (drop or impute missing values first).
    columns : list of str
        The variables.
    ordered : list of str, optional
        The ordered ones (default: all of ``columns``).
    pairwise : bool
        Use the available values of each variable and pair (lavaan's
        ``missing = "pairwise"``): the casewise scores of a missing value are 0 and Γ is
        scaled by the number of rows. Ordered variables only.

    Examples
    --------
    >>> import pandas as pd
    >>> from im_research.sem.ordinal import wls_statistics
    >>> df = pd.DataFrame({"a": [1, 1, 2, 2, 3, 3, 1, 2, 3, 2, 1, 3],
    ...                    "b": [1, 2, 2, 2, 3, 3, 1, 1, 3, 3, 1, 2]})
    >>> st = wls_statistics(df, ["a", "b"])
    >>> st.wls_obs.shape, st.gamma.shape   # 2 + 2 thresholds and one correlation
    ((5,), (5, 5))
    """
    columns = list(columns)
    ordered = set(columns if ordered is None else ordered)
    sub = _columns(data, columns, "wls_statistics")
    numeric = np.array([v not in ordered for v in columns])
    has_na = sub.isna().any()
    if has_na.any() and (not pairwise or has_na[list(numeric)].any()):
        bad = sub.columns[has_na].tolist()
        raise DataError(f"wls_statistics needs complete rows; {bad} have missing values "
                        "(drop incomplete rows first, or use pairwise=True for ordered "
                        "variables)")
    n, p = sub.shape
    notna = sub.notna().to_numpy()  # one pass, not a pandas call per column
    observed = {j: notna[:, j] for j in range(p)}
    codes, taus, th_var, th_names, th, sc_th = {}, {}, [], [], [], []
    z, sd, var, sc_var = {}, {}, [], []
    for j, v in enumerate(columns):
        if numeric[j]:
            coef, s2, z[j], s_mean, _, s_var = _linear_univariate(sub[v].to_numpy(float),
                                                                  np.ones((n, 1)))
            sd[j] = np.sqrt(s2)
            th.append(-coef[:1])
            th_var.append(j)
            th_names.append(f"{v}~1")
            sc_th.append(s_mean[:, None])
            var.append(s2)
            sc_var.append(s_var[:, None])
            continue
        cats, c = _categories(sub[v], v)  # codes of the observed values
        K = len(cats)
        counts = np.bincount(c, minlength=K)
        tau = special.ndtri(np.cumsum(counts)[:-1] / len(c))
        prob = counts / len(c)
        ext = np.concatenate([[-np.inf], tau, [np.inf]])
        dens = np.exp(-ext ** 2 / 2) / np.sqrt(2 * np.pi)  # 0 at +-inf
        codes[j] = np.full(n, -1)
        codes[j][observed[j]] = c
        taus[j] = tau
        th.append(tau)
        th_var += [j] * (K - 1)
        th_names += [f"{v}|t{k + 1}" for k in range(K - 1)]
        sc = np.zeros((n, K - 1))  # a missing value contributes nothing
        sc[observed[j]] = _threshold_scores(c, K, prob[c], dens[c + 1], dens[c])
        sc_th.append(sc)
    th = np.concatenate(th)
    th_var = np.array(th_var, dtype=int)
    sizes = [blk.shape[1] for blk in sc_th]
    start = np.concatenate([[0], np.cumsum(sizes)])
    nth = len(th)
    num_idx = np.flatnonzero(numeric)
    var_col = {j: nth + k for k, j in enumerate(num_idx)}  # column of var_j in SC
    n11 = nth + len(num_idx)
    cor = np.eye(p)
    jj, ii = np.triu_indices(p, 1)
    npair = len(ii)
    sc_cor = np.zeros((n, npair))
    A21 = np.zeros((npair, n11))
    H21 = np.zeros((npair, n11))
    h22 = np.ones(npair)

    X0 = np.zeros((n, 0))

    def cols(j):
        return start[j], [], var_col[j]

    # polychorics of all ordered pairs at once (pairwise-present rows)
    ord_pairs = [k for k in range(npair) if not (numeric[ii[k]] or numeric[jj[k]])]
    pair_codes, tables = {}, []
    for k in ord_pairs:
        i, j = ii[k], jj[k]
        both = observed[i] & observed[j]
        pair_codes[k] = (both, codes[i][both], codes[j][both])
        K1, K2 = len(taus[i]) + 1, len(taus[j]) + 1
        # bincount of the flattened cell index (np.add.at is unbuffered and slow)
        table = np.bincount(pair_codes[k][1] * K2 + pair_codes[k][2],
                            minlength=K1 * K2).reshape(K1, K2).astype(float)
        tables.append(table)
    if ord_pairs:
        t1s = [taus[ii[k]] for k in ord_pairs]
        t2s = [taus[jj[k]] for k in ord_pairs]
        poly = _pair_rhos(tables, t1s, t2s, [(columns[ii[k]], columns[jj[k]])
                                             for k in ord_pairs])
        P, dP, up1, lo1, up2, lo2 = _bv_cell_terms(*_padded_grids(t1s, t2s),
                                                   poly[:, None, None])
        T = np.zeros(P.shape)
        for q, table in enumerate(tables):
            T[q, :table.shape[0], :table.shape[1]] = table
        # A21 = Σ_cases (dP/P) × (threshold score): a sum over the cells of each table,
        # where a case in row r scores +up/P on threshold r and −lo/P on threshold r − 1
        Wc = T * dP / P ** 2
        r_up, r_lo = (Wc * up1).sum(axis=2), (Wc * lo1).sum(axis=2)
        c_up, c_lo = (Wc * up2).sum(axis=1), (Wc * lo2).sum(axis=1)
        pair_terms = {}
        for q, k in enumerate(ord_pairs):
            k1, k2 = len(t1s[q]), len(t2s[q])
            pair_terms[k] = (poly[q], P[q], dP[q], r_up[q, :k1] - r_lo[q, 1:k1 + 1],
                             c_up[q, :k2] - c_lo[q, 1:k2 + 1])
    for k, (i, j) in enumerate(zip(ii, jj)):
        if numeric[i] or numeric[j]:
            if numeric[i] and numeric[j]:
                rho, d_rho, a21, h21, h = _continuous_pair(z[i], z[j], sd[i], sd[j], X0,
                                                          cols(i), cols(j))
            else:
                c_, o_ = (i, j) if numeric[i] else (j, i)  # continuous, ordered
                lo, hi = _bounds(codes[o_], taus[o_])
                rho, d_rho, a21, h21, h = _mixed_pair(
                    z[c_], sd[c_], X0, codes[o_], len(taus[o_]) + 1, lo, hi, cols(c_),
                    range(start[o_], start[o_ + 1]), [])
            _set_row(k, a21, h21, h, A21, H21, h22)
        else:
            both, ci, cj = pair_codes[k]
            rho, Pq, dPq, A21[k, start[i]:start[i + 1]], A21[k, start[j]:start[j + 1]] = \
                pair_terms[k]
            d_pair = dPq[ci, cj] / Pq[ci, cj]
            d_rho = np.zeros(n)
            d_rho[both] = d_pair
        cor[i, j] = cor[j, i] = rho
        sc_cor[:, k] = d_rho
    SC = np.hstack(sc_th + sc_var + [sc_cor])
    blocks = [list(range(start[j], start[j + 1])) + ([var_col[j]] if numeric[j] else [])
              for j in range(p)]
    gamma = _muthen_gamma(SC, blocks, A21, sc_cor, H21, h22, [start[j] for j in num_idx],
                          [f"{columns[i]}-{columns[j]}" for i, j in zip(ii, jj)])
    return WLSStatistics(columns, th, th_var, th_names, cor, gamma, n, numeric,
                         np.array(var, dtype=float))


# ---------------------------------------------------------------------------------------
# with observed covariates (lavaan's conditional.x): probit regressions and residual
# polychoric correlations
# ---------------------------------------------------------------------------------------
def _probit_regression(codes, K, X, name):
    """ML ordinal probit regression P(y = k | x) = Φ(τ_k − x'β) − Φ(τ_{k−1} − x'β) by
    Fisher scoring. Returns (tau, beta, scores of tau (n, K-1), scores of beta (n, q),
    lower and upper bounds per case)."""
    n, q = X.shape
    counts = np.bincount(codes, minlength=K)
    tau = special.ndtri(np.cumsum(counts)[:-1] / n)
    beta = np.zeros(q)

    def pieces(tau, beta):
        eta = X @ beta
        ext = np.concatenate([[-np.inf], tau, [np.inf]])
        Z = ext[None, :] - eta[:, None]  # (n, K+1) bounds of every category
        cdf = special.ndtr(Z)
        return Z, np.maximum(np.diff(cdf, axis=1), 1e-300)

    for _ in range(100):
        Z, Pall = pieces(tau, beta)
        dens = _pdf(Z)  # (n, K+1)
        # dP_c/dtau_k: +phi(z_k) for c = k, -phi(z_k) for c = k+1;
        # dP_c/dbeta = -x(dens_hi - dens_lo)
        dPt = np.zeros((n, K, K - 1))
        for k in range(K - 1):
            dPt[:, k, k] = dens[:, k + 1]
            dPt[:, k + 1, k] = -dens[:, k + 1]
        dPb = -(dens[:, 1:] - dens[:, :-1])[:, :, None] * X[:, None, :]  # (n, K, q)
        dP = np.concatenate([dPt, dPb], axis=2)
        obs = dP[np.arange(n), codes] / Pall[np.arange(n), codes][:, None]
        grad = obs.sum(axis=0)
        info = np.einsum("nkp,nkr,nk->pr", dP, dP, 1 / Pall)
        step = np.linalg.solve(info, grad)
        tau, beta = tau + step[:K - 1], beta + step[K - 1:]
        if np.max(np.abs(step)) < 1e-11:
            break
    else:
        raise DataError(f"the probit regression of {name!r} on the covariates did not "
                        "converge; check for categories that a covariate predicts perfectly")
    if np.any(np.diff(tau) <= 0):
        raise DataError(f"thresholds of {name!r} are not increasing given the covariates")
    Z, Pall = pieces(tau, beta)
    dens = _pdf(Z)
    rows = np.arange(n)
    hi, lo = Z[rows, codes + 1], Z[rows, codes]
    lik = Pall[rows, codes]
    sc_tau = _threshold_scores(codes, K, lik, dens[rows, codes + 1], dens[rows, codes])
    sc_beta = -X * ((dens[rows, codes + 1] - dens[rows, codes]) / lik)[:, None]
    return tau, beta, sc_tau, sc_beta, lo, hi


def _bv_probs_cases(lo1, hi1, lo2, hi2, rho):
    F = (_phi2(hi1, hi2, rho) - _phi2(lo1, hi2, rho) - _phi2(hi1, lo2, rho)
         + _phi2(lo1, lo2, rho))
    return np.maximum(F, np.sqrt(np.finfo(float).eps))


def _phi2_pdf(h, k, rho):
    fin = np.isfinite(h) & np.isfinite(k)
    hf, kf = np.where(fin, h, 0.0), np.where(fin, k, 0.0)
    R2 = 1 - rho * rho
    return np.where(fin, np.exp(-(hf * hf - 2 * rho * hf * kf + kf * kf) / (2 * R2))
                    / (2 * np.pi * np.sqrt(R2)), 0.0)


def _residual_polychoric(lo1, hi1, lo2, hi2, bound=0.995):
    """ML correlation of two ordered variables given the covariates (case-specific
    bounds), lavaan's ``lav_bvord_cor_twostep_fit`` with eXo."""
    def negll(r):
        return -np.sum(np.log(_bv_probs_cases(lo1, hi1, lo2, hi2, r)))

    res = optimize.minimize_scalar(negll, bounds=(-bound, bound), method="bounded",
                                   options={"xatol": 1e-11})
    return float(res.x)


def _bvord_scores_cases(lo1, hi1, lo2, hi2, rho, c1, K1, c2, K2, X):
    """Casewise scores of a residual polychoric pair (lavaan ``lav_bvord_cor_scores``
    with covariates): d/d rho, d/d thresholds and d/d slopes of both variables."""
    lik = _bv_probs_cases(lo1, hi1, lo2, hi2, rho)
    d_rho = (_phi2_pdf(hi1, hi2, rho) - _phi2_pdf(lo1, hi2, rho) - _phi2_pdf(hi1, lo2, rho)
             + _phi2_pdf(lo1, lo2, rho)) / lik
    R = np.sqrt(1 - rho * rho)

    def edge(u, v_hi, v_lo):
        uf = np.where(np.isfinite(u), u, 0.0)
        return _pdf(u) * (special.ndtr((v_hi - rho * uf) / R) - special.ndtr((v_lo - rho * uf) / R))

    z1_hi, z1_lo = edge(hi1, hi2, lo2), edge(lo1, hi2, lo2)
    z2_hi, z2_lo = edge(hi2, hi1, lo1), edge(lo2, hi1, lo1)
    th1 = _threshold_scores(c1, K1, lik, z1_hi, z1_lo)
    th2 = _threshold_scores(c2, K2, lik, z2_hi, z2_lo)
    sl1 = X * ((z1_lo - z1_hi) / lik)[:, None]
    sl2 = X * ((z2_lo - z2_hi) / lik)[:, None]
    return d_rho, th1, th2, sl1, sl2


def wls_statistics_conditional(data: pd.DataFrame, columns, exo, ordered=None) -> WLSStatistics:
    """Thresholds (or intercepts), slopes on the covariates ``exo`` and residual
    correlations of ``columns`` with their Γ, as lavaan's ``muthen1984`` with
    ``conditional.x = TRUE`` (the default when ordered outcomes have observed
    predictors). Ordered variables get probit regressions and residual polychorics;
    continuous ones (not in ``ordered``; default: all ordered) linear regressions,
    residual polyserial and Pearson correlations.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from im_research.sem.ordinal import wls_statistics_conditional
    >>> rng = np.random.default_rng(1); x = rng.normal(size=300)
    >>> df = pd.DataFrame({"x": x, "a": np.digitize(x + rng.normal(size=300), [-1, 0, 1]),
    ...                    "b": np.digitize(x + rng.normal(size=300), [-1, 1])})
    >>> st = wls_statistics_conditional(df, ["a", "b"], ["x"])
    >>> st.slopes.shape, len(st.wls_obs)   # 3 + 2 thresholds, 2 slopes, 1 correlation
    ((2, 1), 8)
    """
    columns, exo = list(columns), list(exo)
    ordered = set(columns if ordered is None else ordered)
    sub = _columns(data, columns + exo, "wls_statistics_conditional")
    text = [c for c in exo if not pd.api.types.is_numeric_dtype(sub[c])]
    if text:
        raise DataError(f"covariate(s) {text} are not numeric; code them as numbers (e.g. "
                        "0/1 for two categories) before using them as covariates")
    if sub.isna().any().any():
        bad = sub.columns[sub.isna().any()].tolist()
        raise DataError(f"wls_statistics_conditional needs complete rows; {bad} have "
                        "missing values")
    X = sub[exo].to_numpy(float)
    X1 = np.column_stack([np.ones(len(X)), X])
    n, p, q = len(sub), len(columns), len(exo)
    numeric = np.array([v not in ordered for v in columns])
    codes, K, lohi, z, sd = {}, {}, {}, {}, {}
    th, th_var, th_names, sc_th, slopes, var, sc_var = [], [], [], [], [], [], []
    sc_sl = np.zeros((n, p * q))
    for j, v in enumerate(columns):
        if numeric[j]:  # linear regression: intercept, slopes, residual variance (1/N)
            coef, s2, z[j], s_mean, s_slopes, s_var = _linear_univariate(
                sub[v].to_numpy(float), X1)
            sd[j] = np.sqrt(s2)
            th.append(-coef[:1])
            th_var.append(j)
            th_names.append(f"{v}~1")
            sc_th.append(s_mean[:, None])
            sc_sl[:, [k * p + j for k in range(q)]] = s_slopes
            slopes.append(coef[1:])
            var.append(s2)
            sc_var.append(s_var[:, None])
            continue
        cats, c = _categories(sub[v], v)
        codes[j], K[j] = c, len(cats)
        tau, beta, s_tau, s_beta, lo, hi = _probit_regression(c, len(cats), X, v)
        lohi[j] = (lo, hi)
        th.append(tau)
        th_var += [j] * len(tau)
        th_names += [f"{v}|t{k + 1}" for k in range(len(tau))]
        sc_th.append(s_tau)
        slopes.append(beta)
        sc_sl[:, [k * p + j for k in range(q)]] = s_beta
    th = np.concatenate(th)
    nth = len(th)
    start = np.concatenate([[0], np.cumsum([blk.shape[1] for blk in sc_th])])
    num_idx = np.flatnonzero(numeric)
    var_col = {j: nth + p * q + k for k, j in enumerate(num_idx)}

    def sl_cols(j):
        return [nth + k * p + j for k in range(q)]

    n11 = nth + p * q + len(num_idx)
    jj, ii = np.triu_indices(p, 1)
    npair = len(ii)
    cor = np.eye(p)
    sc_cor = np.zeros((n, npair))
    A21 = np.zeros((npair, n11))
    H21 = np.zeros((npair, n11))
    h22 = np.ones(npair)
    def cols(j):
        return start[j], sl_cols(j), var_col[j]

    for k, (i, j) in enumerate(zip(ii, jj)):
        if numeric[i] or numeric[j]:
            if numeric[i] and numeric[j]:
                rho, d_rho, a21, h21, h = _continuous_pair(z[i], z[j], sd[i], sd[j], X,
                                                          cols(i), cols(j))
            else:
                c_, o_ = (i, j) if numeric[i] else (j, i)
                lo, hi = lohi[o_]
                rho, d_rho, a21, h21, h = _mixed_pair(
                    z[c_], sd[c_], X, codes[o_], K[o_], lo, hi, cols(c_),
                    range(start[o_], start[o_ + 1]), sl_cols(o_))
            _set_row(k, a21, h21, h, A21, H21, h22)
        else:
            (lo1, hi1), (lo2, hi2) = lohi[i], lohi[j]
            rho = _residual_polychoric(lo1, hi1, lo2, hi2)
            d_rho, th1, th2, sl1, sl2 = _bvord_scores_cases(lo1, hi1, lo2, hi2, rho, codes[i],
                                                            K[i], codes[j], K[j], X)
            A21[k, start[i]:start[i + 1]] = d_rho @ th1
            A21[k, start[j]:start[j + 1]] = d_rho @ th2
            A21[k, sl_cols(i)] = d_rho @ sl1
            A21[k, sl_cols(j)] = d_rho @ sl2
        cor[i, j] = cor[j, i] = rho
        sc_cor[:, k] = d_rho
    SC = np.hstack(sc_th + [sc_sl] + sc_var + [sc_cor])
    blocks = [list(range(start[j], start[j + 1])) + sl_cols(j) +
              ([var_col[j]] if numeric[j] else []) for j in range(p)]
    gamma = _muthen_gamma(SC, blocks, A21, sc_cor, H21, h22, [start[j] for j in num_idx],
                          [f"{columns[i]}-{columns[j]}" for i, j in zip(ii, jj)])
    return WLSStatistics(columns, th, np.array(th_var, dtype=int), th_names, cor, gamma, n,
                         numeric, np.array(var, dtype=float),
                         slopes=np.array(slopes).reshape(p, q), exo=exo)
