"""Modification indices (score tests for fixed-to-zero parameters), as lavaan's
``modindices()``.

For each candidate parameter j (a cross-loading or a residual covariance that the model
fixes to zero) with g_j the gradient of lavaan's ``fmin`` (= F_ML / 2; for WLSMV
F_DWLS (N-1) / 2N) and V the expected information of the extended model (for WLSMV
Δ'WΔ) with the free parameters partialled out (``V = I_22 - I_21 I_11^-1 I_12``;
candidates with V below ε^(1/3) cannot be identified and are dropped, as in lavaan):

    mi = N * g_j^2 / V_jj,    epc = -g_j / V_jj

``sepc_lv`` and ``sepc_all`` standardize the EPC as if it were the parameter (residual
covariances are scaled by the current residual variances, as lavaan does).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from . import ram as _ram
from .wlsmv import gradient_and_information

__all__ = ["modification_indices"]


def _candidates(res, g):
    pt = res.partable
    have = set(zip(pt.loc[pt["group"] == g, "lhs"], pt.loc[pt["group"] == g, "op"],
                   pt.loc[pt["group"] == g, "rhs"]))
    info = res._info
    ov = info.ov_nox
    out = []
    for f in info.lv:
        for v in ov:
            if (f, "=~", v) not in have and v not in info.lv:
                out.append((f, "=~", v))
    order = res.observed + res.latent
    for a, b in combinations(ov, 2):
        a, b = (a, b) if order.index(a) <= order.index(b) else (b, a)
        if (a, "~~", b) not in have:
            out.append((a, "~~", b))
    # structural candidates as lavaan's full table (lav_partable_full): latent (residual)
    # covariances, and regressions among the variables that already appear in '~'
    # formulas; unidentifiable ones are dropped later
    for a, b in combinations(info.lv, 2):
        if (a, "~~", b) not in have and (b, "~~", a) not in have:
            out.append((a, "~~", b))
    eqs = list(dict.fromkeys(v for lhs, op, rhs in sorted(have, key=str) if op == "~"
                             for v in (lhs, rhs)))
    lv = set(info.lv)
    fixed = set(info.ov_x) if res.fixed_x else set()  # exogenous: never a candidate lhs
    for y in (v for v in eqs if v not in fixed):
        for x in eqs:
            # y ~ x is the same path as a loading x =~ y or a composite weight y <~ x
            if x != y and not (y in info.ov_ind and x in lv) and not have & {
                    (y, "~", x), (x, "=~", y), (y, "<~", x)}:
                out.append((y, "~", x))
    return out


def _ml_score_info(res, ext, theta, ntot):
    """Gradient of fmin (= F_ML / 2) and expected information of the extended model."""
    grad = np.zeros(ntot)
    info = np.zeros((ntot, ntot))
    for g, st in enumerate(res._stats):
        ram = _ram.RAM(ext[ext["group"] == g].to_dict("records"), res.observed, res.latent,
                       ntot)
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        w = st.nobs / res.nobs
        Sinv = np.linalg.inv(Sigma)
        W = st.cov
        if st.mean is not None:
            d = st.mean - mu
            W = W + np.outer(d, d)
        Omega = Sinv @ (W - Sigma) @ Sinv
        gg = -np.einsum("kab,ab->k", dS, Omega)
        if st.mean is not None:
            gg -= 2 * dm @ (Sinv @ d)
        grad += w * gg / 2
        X = Sinv @ dS
        Ig = 0.5 * np.einsum("kab,lba->kl", X, X)
        if st.mean is not None:
            Ig += dm @ Sinv @ dm.T
        info += w * Ig
    return grad, info


def _ls_score_info(res, ext, theta, ntot):
    """Gradient of lavaan's fmin (Σ_g (N_g − 1) F_g / 2N) and its expected information
    Σ_g (N_g/N) Δ_g'W_gΔ_g (group weights N_g/N, as lavaan) of the extended model, for the
    least-squares estimators (the weights W_g come from the data only: the fit's are
    reused)."""
    grad = np.zeros(ntot)
    info = np.zeros((ntot, ntot))
    problem = res._problem
    rows, cols = problem.rows, problem.cols
    for g, (s, W, k) in enumerate(problem.blocks):
        ram = _ram.RAM(ext[ext["group"] == g].to_dict("records"), res.observed, res.latent,
                       ntot)
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        sigma, Delta = Sigma[rows, cols], dS[:, rows, cols].T
        if problem.ms:
            sigma, Delta = np.concatenate([mu, sigma]), np.vstack([dm.T, Delta])
        WD = W @ Delta
        grad -= k * WD.T @ (s - sigma)
        info += res._stats[g].nobs / res.nobs * Delta.T @ WD
    return grad, info


def modification_indices(res, min_mi=0.0, sort=True):
    """Modification indices of a fitted model.

    Parameters
    ----------
    res : SEMResult
    min_mi : float
        Only rows with ``mi >= min_mi``.
    sort : bool
        Sort by ``mi``, largest first.

    Returns
    -------
    DataFrame
        ``lhs, op, rhs, (group), mi, epc, sepc_lv, sepc_all``.

    Examples
    --------
    >>> mi = res.modindices(min_mi=10)          # doctest: +SKIP
    """
    pt = res.partable
    if (pt["op"] == "<~").any():
        raise NotImplementedError("modification indices for models with formative "
                                  "composites (<~) are not available yet")
    if any(not c.simple for c in res._parsed.constraints):
        raise NotImplementedError("modification indices for models with constraints other "
                                  "than a == b are not available yet")
    npar = res.npar
    rows_out = []
    base = pt[pt["op"] != ":="].copy()
    # fixed rows of the model itself (markers, fixed means and intercepts) are candidates
    # too, as in lavaan; those that cannot be identified when freed drop out below
    fixed = base.index[(base["pid"] < 0) & ~base["exo"].astype(bool)
                       & base["op"].isin(["=~", "~", "~~", "~1"])]
    extra_rows = [dict(base.loc[i], pid=npar + k, free=True) for k, i in enumerate(fixed)]
    start_vals = [float(base.at[i, "value"]) for i in fixed]
    base.loc[fixed, "pid"] = npar + np.arange(len(fixed))
    new_rows = []
    for g in range(res.ngroups):
        for lhs, op, rhs in _candidates(res, g):
            new_rows.append(dict(lhs=lhs, op=op, rhs=rhs, group=g, label="", free=True,
                                 value=0.0, start=np.nan, user=False, exo=False,
                                 pid=npar + len(extra_rows) + len(new_rows)))
    extra_rows += new_rows
    if not extra_rows:
        return pd.DataFrame(columns=["lhs", "op", "rhs", "mi", "epc", "sepc_lv", "sepc_all"])
    ext = pd.concat([base, pd.DataFrame(new_rows)], ignore_index=True) if new_rows else base
    K = len(extra_rows)
    ntot = npar + K
    theta = np.concatenate([res.theta, start_vals, np.zeros(len(new_rows))])
    N = res.nobs
    if res.estimator == "WLSMV":
        grad, info = gradient_and_information(res, ext, theta, ntot)
    elif res.estimator in ("GLS", "ULS", "WLS", "DWLS"):
        grad, info = _ls_score_info(res, ext, theta, ntot)
    else:
        grad, info = _ml_score_info(res, ext, theta, ntot)
    I11 = info[:npar, :npar]
    I12 = info[:npar, npar:]
    I22 = info[npar:, npar:]
    V = I22 - I12.T @ np.linalg.solve(I11, I12) if npar else I22
    v = np.diag(V)
    g2 = grad[npar:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = v > np.finfo(float).eps ** (1 / 3)  # lavaan's cut-off
        mi = np.where(ok, N * g2 ** 2 / v, np.nan)
        epc = np.where(ok, -g2 / v, np.nan)
    for k, r in enumerate(extra_rows):
        C, S = res._C[r["group"]]
        names = res.observed + res.latent
        pos = {n: i for i, n in enumerate(names)}
        sd_all = np.sqrt(np.diag(C))
        if r["op"] == "=~":
            f, x = pos[r["lhs"]], pos[r["rhs"]]
            sepc_lv = epc[k] * sd_all[f]
            sepc_all = epc[k] * sd_all[f] / sd_all[x]
        elif r["op"] == "~":
            y, x = pos[r["lhs"]], pos[r["rhs"]]
            lv_sd = [sd_all[i] if n in res.latent else 1.0 for i, n in ((x, r["rhs"]),
                                                                       (y, r["lhs"]))]
            sepc_lv = epc[k] * lv_sd[0] / lv_sd[1]
            sepc_all = epc[k] * sd_all[x] / sd_all[y]
        elif r["op"] == "~1":
            i = pos[r["lhs"]]
            sepc_lv = epc[k] / (sd_all[i] if r["lhs"] in res.latent else 1.0)
            sepc_all = epc[k] / sd_all[i]
        else:
            a, b = pos[r["lhs"]], pos[r["rhs"]]
            sepc_lv = epc[k]
            denom = S[a, a] * S[b, b]
            sepc_all = epc[k] / np.sqrt(denom) if denom > 0 else np.nan
        row = dict(lhs=r["lhs"], op=r["op"], rhs=r["rhs"], mi=mi[k], epc=epc[k],
                   sepc_lv=sepc_lv, sepc_all=sepc_all)
        if res.ngroups > 1:
            row["group"] = res.group_labels[r["group"]]
        rows_out.append(row)
    out = pd.DataFrame(rows_out)
    if res.ngroups > 1:
        out = out[["lhs", "op", "rhs", "group", "mi", "epc", "sepc_lv", "sepc_all"]]
    out = out[out["mi"].notna()]  # not identifiable when freed: lavaan drops these rows
    out = out[out["mi"] >= min_mi]
    if sort:
        out = out.sort_values("mi", ascending=False, kind="stable")
    return out.reset_index(drop=True)
