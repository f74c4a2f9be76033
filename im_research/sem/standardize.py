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
    lvset = set(lv)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd_all = np.sqrt(np.where(np.diag(C) > 0, np.diag(C), np.nan))
    sd_lv = np.array([sd_all[pos[v]] if v in lvset else 1.0 for v in names])
    std_lv = np.full(len(ops), np.nan)
    std_all = np.full(len(ops), np.nan)
    for k, (op, lhs, rhs) in enumerate(zip(ops, lhss, rhss)):
        e = est[k]
        if op == "=~":
            i, j = pos[rhs], pos[lhs]  # lhs is the factor
            std_lv[k] = e * sd_lv[j] / sd_lv[i]
            std_all[k] = e * sd_all[j] / sd_all[i]
        elif op in ("~", "<~"):
            i, j = pos[lhs], pos[rhs]
            std_lv[k] = e * sd_lv[j] / sd_lv[i]
            std_all[k] = e * sd_all[j] / sd_all[i]
        elif op == "~~":
            i, j = pos[lhs], pos[rhs]
            if i == j:
                std_lv[k] = e / sd_lv[i] ** 2
                std_all[k] = e / sd_all[i] ** 2
            else:
                # (residual) covariances are scaled by the (residual) variances, also in
                # std_lv for latent variables (lavaan's cov.std = TRUE)
                v_i = S[i, i] if names[i] in lvset else 1.0
                v_j = S[j, j] if names[j] in lvset else 1.0
                std_lv[k] = e / np.sqrt(v_i * v_j) if v_i * v_j > 0 else np.nan
                denom = S[i, i] * S[j, j]
                std_all[k] = e / np.sqrt(denom) if denom > 0 else np.nan
        elif op in ("~1", "|"):
            i = pos[lhs]
            std_lv[k] = e / sd_lv[i]
            std_all[k] = e / sd_all[i]
        elif op == "~*~":  # scale factors of ordered items: delta * sd(y*) = 1 (lavaan)
            std_lv[k] = e
            std_all[k] = 1.0
    return std_lv, std_all


def rsquare_values(C, S, ov, lv, endogenous):
    """R² = 1 - residual variance / implied variance for the ``endogenous`` variables."""
    names = list(ov) + list(lv)
    pos = {v: i for i, v in enumerate(names)}
    out = {}
    for v in endogenous:
        i = pos[v]
        out[v] = 1 - S[i, i] / C[i, i] if C[i, i] > 0 else np.nan
    return out
