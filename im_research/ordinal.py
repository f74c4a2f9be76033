"""Ordinal (Likert) indicators: thresholds and polychoric correlations, as lavaan's
first two estimation steps for ``ordered=`` variables (``lavCor(data, ordered = ...)``).

- thresholds: τ_k = Φ⁻¹(cumulative proportion of categories 1..k), k = 1..K−1
  (lavaan ``lav_uvord_th`` without covariates);
- polychoric correlation of each pair: two-step ML with the thresholds held fixed
  (lavaan's ``lav_bvord_cor_twostep_fit``), maximising Σ n_ab log P_ab(ρ) over the
  contingency table; bivariate normal probabilities by Gauss–Legendre quadrature of
  Φ₂(h, k; ρ) = Φ(h)Φ(k) + ∫₀^ρ φ₂(h, k; r) dr.

The DWLS/WLSMV estimator built on these statistics is not part of :func:`im_research.fit`
yet; ``fit(..., ordered=...)`` says so.

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

import numpy as np
import pandas as pd
from scipy import optimize, special

from .errors import DataError

__all__ = ["thresholds", "polychoric"]

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
    """Φ₂(h, k; ρ) for arrays h, k (infinite values allowed) and scalar ρ."""
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    base = special.ndtr(h) * special.ndtr(k)
    r = 0.5 * rho * (_GL_X + 1)  # nodes on [0, rho]
    hh, kk = h[..., None], k[..., None]
    fin = np.isfinite(hh) & np.isfinite(kk)
    hh = np.where(fin, hh, 0.0)
    kk = np.where(fin, kk, 0.0)
    one = 1 - r ** 2
    dens = np.exp(-(hh ** 2 - 2 * r * hh * kk + kk ** 2) / (2 * one)) / (2 * np.pi *
                                                                        np.sqrt(one))
    integral = 0.5 * rho * (dens * _GL_W).sum(-1)
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
