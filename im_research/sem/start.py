"""Starting values for ML-type estimators.

lavaan's "simple" starts (fabin3-type loadings, 0.5 s_ii residual variances, 0.05 factor
variances, zero regressions and covariances) leave the optimiser five or six
Fisher-scoring steps from the estimates. We start closer, from the moments that the
measurement model already implies:

- loadings: fabin3-type instrumental ratios; the marker's common variance from triads;
- covariances of the factors (and of factors with observed variables in regressions): the
  average of ``s_ij / (lambda_i lambda_j)`` over the indicator pairs;
- regressions: least squares on those covariances; their residual variances what the
  predictors leave unexplained (bounded away from zero);
- residual variances of indicators: ``s_ii`` minus the common part; residual covariances
  what the factors leave of ``s_ij`` (both bounded).

The estimates do not depend on the starts; convergence is faster and steadier.
"""

from __future__ import annotations

from math import isnan

import numpy as np

from .ram import small_inv

__all__ = ["start_values"]


def start_values(records, info, stats_by_group, std_lv, npar):
    """Starting values of the free parameters (in ``vcov`` order) from the sample moments
    of each group; a parameter shared by several rows (labels, group equality) keeps the
    start of its first row."""
    theta = np.full(npar, np.nan)
    for g, st in enumerate(stats_by_group):
        rows = [r for r in records if r["group"] == g and r["op"] != ":="]
        _group_starts(theta, rows, info, st, std_lv)
    theta[np.isnan(theta)] = 0.0
    return theta


class _Moments:
    """What the measurement model implies about one group's sample covariance matrix."""

    def __init__(self, S, pos, info, rows):
        self.S, self.pos = S, pos
        p = len(pos)
        factors = [f for f, inds in info.indicators.items() if any(v in pos for v in inds)]
        self.k = len(factors)
        self.Lam = np.zeros((p, self.k))  # marker metric (first indicator 1)
        indicators = [[pos[v] for v in info.indicators[f] if v in pos] for f in factors]
        lam, fac, ind, self.psi = _fabin(S, indicators)
        self.Lam[[obs[0] for obs in indicators], np.arange(self.k)] = 1.0
        self.Lam[ind, fac] = lam
        # observed variables in regressions or in covariances with factors join as
        # their own "factor" with loading 1
        fset = set(factors)
        extra = list(dict.fromkeys(
            v for r in rows if r["op"] in ("~", "~~") and (r["op"] == "~" or
                                                           {r["lhs"], r["rhs"]} & fset)
            for v in (r["lhs"], r["rhs"]) if v in pos))
        self.names = {v: i for i, v in enumerate(factors + extra)}
        self.Phi = self._implied_covariances(extra)
        Pff = self.Phi[:self.k, :self.k]
        Pff = np.where(np.isnan(Pff), 0.0, Pff)
        self.common = self.Lam @ Pff @ self.Lam.T
        self.indicator = np.any(self.Lam != 0, axis=1)
        s = np.diag(S)
        self.unique = np.where(self.indicator,
                               np.clip(s - np.diag(self.common), 0.05 * s, 0.95 * s), 0.5 * s)

    def _implied_covariances(self, extra):
        """Average of ``s_ij / (lambda_i lambda_j)`` over the pairs of distinct indicators
        of two factors (observed variables are their own indicator); nan without pairs."""
        ind, fac = np.nonzero(self.Lam)
        lam = self.Lam[ind, fac]
        ind = np.concatenate([ind, [self.pos[v] for v in extra]]).astype(int)
        fac = np.concatenate([fac, self.k + np.arange(len(extra))]).astype(int)
        lam = np.concatenate([lam, np.ones(len(extra))])
        distinct = ind[:, None] != ind[None, :]
        M = np.where(distinct, self.S[ind][:, ind] / np.outer(lam, lam), 0.0)
        Z = np.zeros((len(ind), self.k + len(extra)))
        Z[np.arange(len(ind)), fac] = 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            Phi = (Z.T @ M @ Z) / (Z.T @ distinct @ Z)
        d = np.concatenate([self.psi, self.S[[self.pos[v] for v in extra],
                                             [self.pos[v] for v in extra]]])
        np.fill_diagonal(Phi, d)
        return Phi

    def phi(self, a, b):
        i, j = self.names.get(a), self.names.get(b)
        return np.nan if i is None or j is None else self.Phi[i, j]


def _fabin(S, indicators):
    """fabin3-type loadings (marker metric: the first indicator 1) and the markers' common
    variances (least squares on ``s_ri = lambda_i psi``, bounded to [0.05, 0.95] of the
    marker's variance) for the factors with observed indicators ``indicators`` (lists of
    positions in S).

    Indicator i's loading is ``s_rZ S_ZZ^-1 s_Zi / s_rZ S_ZZ^-1 s_Zr`` with r the marker
    and instruments Z the factor's other non-marker indicators. Every ``S_ZZ^-1`` is a
    rank-one downdate of the inverse of the block-diagonal matrix of all non-markers, so
    all factors together cost one inversion and a few products."""
    k = len(indicators)
    diag = np.diag(S)
    fac = np.concatenate([[a] * (len(obs) - 1) for a, obs in enumerate(indicators)] +
                         [[]]).astype(int)
    ind = np.concatenate([obs[1:] for obs in indicators] + [[]]).astype(int)
    marker = np.array([obs[0] for obs in indicators], int)
    r = marker[fac]  # each non-marker's marker
    size = np.bincount(fac, minlength=k)
    lam = np.ones(len(ind))
    same = fac[:, None] == fac[None, :]
    off = same & ~np.eye(len(ind), dtype=bool)  # same factor, another indicator
    Sii = S[ind][:, ind]
    try:
        K = small_inv(np.where(same, Sii, 0.0)) if len(ind) else None
    except np.linalg.LinAlgError:
        K = None
    if K is not None:
        X = np.where(off, S[ind[:, None], r[None, :]], 0.0)  # column i: s_Zr, Z without i
        T = np.where(off, Sii, 0.0)  # column i: s_Zi
        KX, KT, d = K @ X, K @ T, np.diag(K)
        den = np.einsum("ji,ji->i", X, KX) - np.diag(KX) ** 2 / d
        num = np.einsum("ji,ji->i", T, KX) - np.diag(KT) * np.diag(KX) / d
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.where((den > 0) & (size[fac] >= 2), num / den, 1.0)
        lim = np.sqrt(diag[ind] / (0.1 * diag[r]))
        lam = np.clip(val, -lim, lim)
    # cov(marker, i) = lambda_i psi: least squares over the factor's other indicators
    srr = diag[marker]
    num = np.bincount(fac, S[r, ind] * lam, minlength=k)
    den = np.bincount(fac, lam * lam, minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        psi = np.where(den > 0, num / den, 0.5 * srr)
    psi = np.clip(psi, 0.05 * srr, 0.95 * srr)
    return lam, fac, ind, psi


def _group_starts(theta, rows, info, st, std_lv):
    S, pos = st.cov, {v: i for i, v in enumerate(st.names)}
    mo = _Moments(S, pos, info, rows)
    factor = {f: a for a, f in enumerate(mo.names) if a < mo.k}
    # with std_lv the factors' scale differs from their markers', so regressions that
    # involve factors keep starting at 0
    resid = _regression_starts(theta, rows, mo, skip=set(factor) if std_lv else set())
    for r in rows:
        pid = int(r["pid"])
        if pid < 0 or not isnan(theta[pid]):
            continue
        if not isnan(r["start"]):
            theta[pid] = r["start"]
            continue
        op, lhs, rhs = r["op"], r["lhs"], r["rhs"]
        if op == "=~":
            a = factor.get(lhs)
            v = mo.Lam[pos[rhs], a] if a is not None and rhs in pos else 1.0
            theta[pid] = v * np.sqrt(mo.psi[a]) if std_lv and a is not None else v
        elif op == "~~" and lhs == rhs:
            if lhs in resid:
                theta[pid] = resid[lhs]
            elif lhs in pos:
                theta[pid] = S[pos[lhs], pos[lhs]] if lhs in info.ov_x else mo.unique[pos[lhs]]
            else:
                theta[pid] = mo.psi[factor[lhs]] if lhs in factor else 0.05
        elif op == "~~":
            theta[pid] = _covariance(mo, lhs, rhs, info, factor, resid, std_lv)
        elif op == "~1":
            theta[pid] = st.mean[pos[lhs]] if (lhs in pos and st.mean is not None) else 0.0
        else:
            theta[pid] = 0.0


def _regression_starts(theta, rows, mo, skip):
    """Least squares on the implied covariances of factors and observed variables;
    returns the residual variances (bounded to [0.05, 1] times the total)."""
    by_lhs, resid = {}, {}
    for r in rows:
        if r["op"] == "~":
            by_lhs.setdefault(r["lhs"], []).append(r)
    for y, regs in by_lhs.items():
        xs = [r["rhs"] for r in regs]
        if len(set(xs)) != len(xs) or skip.intersection([y, *xs]):
            continue
        idx = [mo.names.get(v) for v in [*xs, y]]
        if None in idx:
            continue
        P = mo.Phi[idx][:, idx]
        if np.isnan(P).any():
            continue
        try:
            b = small_inv(P[:-1, :-1]) @ P[:-1, -1]
        except np.linalg.LinAlgError:
            continue
        for r, value in zip(regs, b):
            pid = int(r["pid"])
            if pid >= 0 and isnan(theta[pid]) and isnan(r["start"]):
                theta[pid] = value
        total = P[-1, -1]
        resid[y] = min(max(total - P[:-1, -1] @ b, 0.05 * total), total)
    return resid


def _covariance(mo, a, b, info, factor, resid, std_lv):
    """Start of a covariance: the sample value between covariates, 0 between disturbances
    of regressions; between factors the implied value (a correlation with std_lv); between
    indicators what their factors leave, bounded to half the geometric mean of their
    unique variances."""
    pos = mo.pos
    if a in info.ov_x and b in info.ov_x:
        return mo.S[pos[a], pos[b]]
    if a in resid or b in resid:
        return 0.0
    if a in factor and b in factor:
        c, pa, pb = mo.phi(a, b), mo.psi[factor[a]], mo.psi[factor[b]]
        if np.isnan(c):
            return 0.0
        c = min(max(c, -0.95 * np.sqrt(pa * pb)), 0.95 * np.sqrt(pa * pb))
        return c / np.sqrt(pa * pb) if std_lv else c
    if a in pos and b in pos:
        i, j = pos[a], pos[b]
        bound = 0.5 * np.sqrt(mo.unique[i] * mo.unique[j])
        return min(max(mo.S[i, j] - mo.common[i, j], -bound), bound)
    return 0.0
