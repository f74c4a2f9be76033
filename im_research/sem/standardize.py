"""Standardized solutions (lavaan's ``std.lv`` and ``std.all``) and R².

Both use *model-implied* variances (not sample variances), as lavaan does:

- ``std_lv`` rescales latent variables to unit variance;
- ``std_all`` rescales latent and observed variables;
- a (residual) covariance becomes ``theta_ij / sqrt(theta_ii * theta_jj)``, i.e. a
  residual *correlation* (lavaan's ``cov.std = TRUE``; for ``std_lv`` only latent
  variables are rescaled, by their residual variances), and a residual variance becomes
  the share of unexplained variance.
"""

from __future__ import annotations

import numpy as np

__all__ = ["standardize_values", "rsquare_values"]


def standardize_values(ops, lhss, rhss, est, C, S, ov, lv):
    """Return (std_lv, std_all) arrays for parameter-table rows (one group) given by
    their ``ops``, ``lhss`` and ``rhss``.

    ``C`` is the model-implied covariance of all variables (observed then latent) and
    ``S`` the RAM symmetric matrix (parameters).
    """
    names = list(ov) + list(lv)
    pos = {v: i for i, v in enumerate(names)}
    n = len(ops)
    i, j = np.zeros(n, int), np.zeros(n, int)  # the variable a row describes, and its source
    kind = np.zeros(n, int)  # 0 other, 1 path, 2 (co)variance, 3 intercept/threshold, 4 ~*~
    for k, (op, lhs, rhs) in enumerate(zip(ops, lhss, rhss)):
        if op == "=~":  # lhs is the factor
            i[k], j[k], kind[k] = pos[rhs], pos[lhs], 1
        elif op in ("~", "<~"):
            i[k], j[k], kind[k] = pos[lhs], pos[rhs], 1
        elif op == "~~":
            i[k], j[k], kind[k] = pos[lhs], pos[rhs], 2
        elif op in ("~1", "|"):
            i[k] = j[k] = pos[lhs]
            kind[k] = 3
        elif op == "~*~":
            kind[k] = 4
    est = np.asarray(est, float)
    is_lv = np.arange(len(names)) >= len(ov)
    dC, dS = np.diag(C), np.diag(S)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd_all = np.sqrt(np.where(dC > 0, dC, np.nan))
        sd_lv = np.where(is_lv, sd_all, 1.0)
        # (residual) covariances are scaled by the (residual) variances, also in std_lv
        # for latent variables (lavaan's cov.std = TRUE)
        v_lv = np.where(is_lv, dS, 1.0)
        cov_lv = v_lv[i] * v_lv[j]
        cov_all = dS[i] * dS[j]
        var = i == j
        out = []
        for sd, cv in ((sd_lv, cov_lv), (sd_all, cov_all)):
            std = np.full(n, np.nan)
            path = kind == 1
            std[path] = est[path] * sd[j[path]] / sd[i[path]]
            m = (kind == 2) & var
            std[m] = est[m] / sd[i[m]] ** 2
            m = (kind == 2) & ~var
            std[m] = np.where(cv[m] > 0, est[m] / np.sqrt(np.abs(cv[m])), np.nan)
            m = kind == 3
            std[m] = est[m] / sd[i[m]]
            out.append(std)
    out[0][kind == 4] = est[kind == 4]  # scale factors of ordered items: delta sd(y*) = 1
    out[1][kind == 4] = 1.0
    return out[0], out[1]


def rsquare_values(C, S, ov, lv, endogenous):
    """R² = 1 - residual variance / implied variance for the ``endogenous`` variables."""
    names = list(ov) + list(lv)
    pos = {v: i for i, v in enumerate(names)}
    out = {}
    for v in endogenous:
        i = pos[v]
        out[v] = 1 - S[i, i] / C[i, i] if C[i, i] > 0 else np.nan
    return out
