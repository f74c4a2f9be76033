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
  (:mod:`im_research.wlsmv`).

lavaan's conventions kept here: the "A" (bread) blocks are outer products of the scores,
not Hessians (``lav_muthen1984``); Γ = N·B⁻¹(ΣsᵢsᵢᵀB⁻ᵀ) with divisor N; cell
probabilities below √ε are floored as lavaan floors them.

Examples
--------
>>> import pandas as pd
>>> from im_research.ordinal import polychoric, thresholds
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

from .errors import DataError

__all__ = ["thresholds", "polychoric", "wls_statistics", "WLSStatistics"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(40)


def _categories(x: pd.Series, name: str):
    vals = x.dropna()
    cats = np.sort(vals.unique())
    if len(cats) < 2:
        raise DataError(
            f"ordered column {name!r} has only {len(cats)} observed category "
            f"({cats.tolist()}); a threshold model needs at least two. Drop the item or "
            "merge it with another, or treat it as continuous.")
    codes = np.searchsorted(cats, vals.to_numpy())
    return cats, codes, vals.index


def thresholds(data: pd.DataFrame, columns) -> pd.DataFrame:
    """Thresholds of ordered variables (lavaan's ``x1|t1, x1|t2, ...``).

    Returns a DataFrame with columns ``lhs, op ("|"), rhs ("t1", ...), est``.
    """
    rows = []
    for v in columns:
        cats, codes, _ = _categories(data[v], v)
        counts = np.bincount(codes, minlength=len(cats))
        cum = np.cumsum(counts)[:-1] / counts.sum()
        for k, c in enumerate(cum):
            rows.append({"lhs": v, "op": "|", "rhs": f"t{k + 1}", "est": special.ndtri(c)})
    return pd.DataFrame(rows)


def _phi2(h, k, rho):
    """Φ₂(h, k; ρ) for arrays h, k (infinite values allowed) and scalar ρ.

    Gauss–Legendre quadrature of Φ₂ = Φ(h)Φ(k) + (1/2π)∫₀^asin ρ exp(−(h² + k² −
    2hk sin t) / (2cos² t)) dt (Drezner & Wesolowsky's form: no singularity as |ρ| → 1;
    about 1e-12 at ρ = .999); |ρ| = 1 is exact.
    """
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    if abs(rho) >= 1:
        return (special.ndtr(np.minimum(h, k)) if rho > 0 else
                np.maximum(special.ndtr(h) - special.ndtr(-k), 0.0))
    base = special.ndtr(h) * special.ndtr(k)
    a = np.arcsin(rho)
    t = 0.5 * a * (_GL_X + 1)  # nodes on [0, asin rho]
    sin_t, cos2_t = np.sin(t), np.cos(t) ** 2
    hh, kk = h[..., None], k[..., None]
    fin = np.isfinite(hh) & np.isfinite(kk)
    hh = np.where(fin, hh, 0.0)
    kk = np.where(fin, kk, 0.0)
    dens = np.exp(-(hh ** 2 + kk ** 2 - 2 * hh * kk * sin_t) / (2 * cos2_t))
    integral = 0.5 * a * (dens * _GL_W).sum(-1) / (2 * np.pi)
    return base + np.where(fin[..., 0], integral, 0.0)


def _pair_rho(table, t1, t2):
    a = np.concatenate([[-np.inf], t1, [np.inf]])
    b = np.concatenate([[-np.inf], t2, [np.inf]])
    A, B = np.meshgrid(a, b, indexing="ij")

    def negll(rho):
        F = _phi2(A, B, rho)
        P = F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1]
        P = np.clip(P, 1e-300, None)
        return -(table * np.log(P)).sum()

    res = optimize.minimize_scalar(negll, bounds=(-0.995, 0.995), method="bounded",
                                   options={"xatol": 1e-10})
    return float(res.x)


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
    th = thresholds(data, columns)
    tau = {v: th.loc[th["lhs"] == v, "est"].to_numpy() for v in columns}
    cats = {v: _categories(data[v], v)[0] for v in columns}
    R = np.eye(len(columns))
    for i, u in enumerate(columns):
        for j in range(i):
            v = columns[j]
            both = data[[u, v]].dropna()
            iu = np.searchsorted(cats[u], both[u].to_numpy())
            iv = np.searchsorted(cats[v], both[v].to_numpy())
            table = np.zeros((len(cats[u]), len(cats[v])))
            np.add.at(table, (iu, iv), 1)
            R[i, j] = R[j, i] = _pair_rho(table, tau[u], tau[v])
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
        The ordered variables.
    th : ndarray
        Thresholds, variable by variable (``x1|t1, x1|t2, ..., x2|t1, ...``).
    th_var : ndarray of int
        Index (into ``names``) of the variable each threshold belongs to.
    th_names : list of str
        ``"x1|t1"``, ...
    cor : ndarray
        Polychoric correlation matrix.
    gamma : ndarray
        N times the asymptotic covariance of ``wls_obs`` (lavaan's ``NACOV``).
    nobs : int
    """

    names: list
    th: np.ndarray
    th_var: np.ndarray
    th_names: list
    cor: np.ndarray
    gamma: np.ndarray
    nobs: int

    @property
    def pairs(self):
        """(i, j) index arrays of the correlations in ``wls_obs`` order: the lower
        triangle column by column, as lavaan's ``vech(diagonal = FALSE)``."""
        p = len(self.names)
        jj, ii = np.triu_indices(p, 1)
        return ii, jj

    @property
    def wls_obs(self):
        """Thresholds followed by the correlations (lavaan's ``wls.obs``)."""
        ii, jj = self.pairs
        return np.concatenate([self.th, self.cor[ii, jj]])


def _bv_cell_terms(t1, t2, rho):
    """Per-cell quantities of a bivariate probit table with thresholds ``t1`` (rows),
    ``t2`` (columns): probabilities, dP/drho and dP/d(upper, lower) row thresholds."""
    a = np.concatenate([[-np.inf], t1, [np.inf]])
    b = np.concatenate([[-np.inf], t2, [np.inf]])
    A, B = np.meshgrid(a, b, indexing="ij")
    F = _phi2(A, B, rho)
    P = F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1]
    P = np.where(P < _SQRT_EPS, _SQRT_EPS, P)
    R = np.sqrt(1 - rho * rho)
    fin = np.isfinite(A) & np.isfinite(B)
    Af, Bf = np.where(fin, A, 0.0), np.where(fin, B, 0.0)
    dens = np.where(fin, np.exp(-(Af ** 2 - 2 * rho * Af * Bf + Bf ** 2) / (2 * R * R))
                    / (2 * np.pi * R), 0.0)
    dP_drho = dens[1:, 1:] - dens[:-1, 1:] - dens[1:, :-1] + dens[:-1, :-1]

    def edge(u, v_hi, v_lo):
        # phi(u) * [Phi((v_hi - rho u)/R) - Phi((v_lo - rho u)/R)], zero at infinite u
        uf = np.where(np.isfinite(u), u, 0.0)
        val = special.ndtr((v_hi - rho * uf) / R) - special.ndtr((v_lo - rho * uf) / R)
        return np.where(np.isfinite(u), np.exp(-uf ** 2 / 2) / np.sqrt(2 * np.pi) * val, 0.0)

    # for cell (r, c): row upper bound a[r+1], lower a[r]; column bounds b[c+1], b[c]
    up1 = edge(A[1:, 1:], B[1:, 1:], B[1:, :-1])   # d/d(upper row threshold)
    lo1 = edge(A[:-1, 1:], B[:-1, 1:], B[:-1, :-1])  # d/d(lower row threshold)
    up2 = edge(B[1:, 1:], A[1:, 1:], A[:-1, 1:])
    lo2 = edge(B[1:, :-1], A[1:, :-1], A[:-1, :-1])
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


def wls_statistics(data: pd.DataFrame, columns) -> WLSStatistics:
    """Thresholds, polychoric correlations and their asymptotic covariance Γ.

    The statistics and Γ equal lavaan's ``lavInspect(fit, "sampstat")`` and
    ``lavInspect(fit, "gamma")`` for a model with ``ordered = columns`` (complete rows,
    no covariates).

    Parameters
    ----------
    data : DataFrame
        Complete rows (drop or impute missing values first).
    columns : list of str
        The ordered items.

    Examples
    --------
    >>> import pandas as pd
    >>> from im_research.ordinal import wls_statistics
    >>> df = pd.DataFrame({"a": [1, 1, 2, 2, 3, 3, 1, 2, 3, 2, 1, 3],
    ...                    "b": [1, 2, 2, 2, 3, 3, 1, 1, 3, 3, 1, 2]})
    >>> st = wls_statistics(df, ["a", "b"])
    >>> st.wls_obs.shape, st.gamma.shape   # 2 + 2 thresholds and one correlation
    ((5,), (5, 5))
    """
    columns = list(columns)
    sub = data[columns]
    if sub.isna().any().any():
        bad = sub.columns[sub.isna().any()].tolist()
        raise DataError(f"wls_statistics needs complete rows; {bad} have missing values "
                        "(drop incomplete rows first, as fit(..., ordered=) does)")
    n, p = sub.shape
    codes, taus, th_var, th_names, sc_th = [], [], [], [], []
    for j, v in enumerate(columns):
        cats, c, _ = _categories(sub[v], v)
        K = len(cats)
        counts = np.bincount(c, minlength=K)
        tau = special.ndtri(np.cumsum(counts)[:-1] / n)
        prob = counts / n
        ext = np.concatenate([[-np.inf], tau, [np.inf]])
        dens = np.exp(-ext ** 2 / 2) / np.sqrt(2 * np.pi)  # 0 at +-inf
        codes.append(c)
        taus.append(tau)
        th_var += [j] * (K - 1)
        th_names += [f"{v}|t{k + 1}" for k in range(K - 1)]
        sc_th.append(_threshold_scores(c, K, prob[c], dens[c + 1], dens[c]))
    th = np.concatenate(taus)
    th_var = np.array(th_var, dtype=int)
    start = np.concatenate([[0], np.cumsum([len(t) for t in taus])])
    nth = len(th)
    cor = np.eye(p)
    jj, ii = np.triu_indices(p, 1)
    npair = len(ii)
    sc_cor = np.zeros((n, npair))
    A21 = np.zeros((npair, nth))
    for k, (i, j) in enumerate(zip(ii, jj)):
        table = np.zeros((len(taus[i]) + 1, len(taus[j]) + 1))
        np.add.at(table, (codes[i], codes[j]), 1)
        rho = _pair_rho(table, taus[i], taus[j])
        cor[i, j] = cor[j, i] = rho
        P, dP, up1, lo1, up2, lo2 = _bv_cell_terms(taus[i], taus[j], rho)
        ci, cj = codes[i], codes[j]
        lik = P[ci, cj]
        s_rho = dP[ci, cj] / lik
        sc_cor[:, k] = s_rho
        d1 = _threshold_scores(ci, len(taus[i]) + 1, lik, up1[ci, cj], lo1[ci, cj])
        d2 = _threshold_scores(cj, len(taus[j]) + 1, lik, up2[ci, cj], lo2[ci, cj])
        A21[k, start[i]:start[i + 1]] = s_rho @ d1
        A21[k, start[j]:start[j + 1]] = s_rho @ d2
    SC = np.hstack(sc_th + [sc_cor])
    inner = SC.T @ SC
    A11 = np.zeros((nth, nth))
    for j in range(p):
        blk = slice(start[j], start[j + 1])
        A11[blk, blk] = inner[blk, blk]
    A11_inv = np.linalg.inv(A11)
    a22 = np.sum(sc_cor ** 2, axis=0)
    if np.any(a22 == 0):
        bad = [f"{columns[i]}-{columns[j]}" for i, j, a in zip(ii, jj, a22) if a == 0]
        raise DataError(f"the weight matrix cannot be built: no information on the "
                        f"polychoric correlation(s) {bad}; check these items for "
                        "(near-)empty categories")
    Binv = np.zeros((nth + npair, nth + npair))
    Binv[:nth, :nth] = A11_inv
    Binv[nth:, nth:] = np.diag(1 / a22)
    Binv[nth:, :nth] = -(A21 / a22[:, None]) @ A11_inv
    gamma = n * (Binv @ inner @ Binv.T)
    return WLSStatistics(columns, th, th_var, th_names, cor, gamma, n)
