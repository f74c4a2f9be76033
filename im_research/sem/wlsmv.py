"""WLSMV for ordered (Likert) indicators, as lavaan's default for ``ordered =`` variables.

The three steps (Muthén 1984; Muthén, du Toit & Spisic 1997):

1. thresholds and polychoric correlations with their asymptotic covariance Γ
   (:func:`im_research.sem.ordinal.wls_statistics`);
2. DWLS: minimise ``F = Σ w_k (s_k − σ_k(θ))²`` over the thresholds and correlations,
   ``w = 1 / diag(Γ)``, with the *delta* parameterization: the latent responses y* have
   unit variance, so the residual variances of the items are not parameters but
   ``1 − (explained variance)``; intercepts and factor means are 0, scale factors
   (``~*~``) are 1 (all reported as fixed rows, as lavaan does);
3. robust inference: ``vcov = E⁻¹ Δ'WΓWΔ E⁻¹ / (N − 1)`` with ``E = Δ'WΔ``
   (``se = "robust.sem"``) and the mean- and variance-adjusted ("scaled-shifted") test
   ``T* = a·T + b``, ``a = √(df / tr((UΓ)²))``, ``b = df − a·tr(UΓ)``, with
   ``U = W − WΔE⁻¹Δ'W`` (Asparouhov & Muthén 2010).

lavaan conventions followed (they differ from some texts):

- the test statistic is ``T = (N − 1)·F`` and ``fmin = F (N − 1) / (2N)``;
- fit measures use ``N − 1`` where ML uses N (RMSEA, its CI and tests, CN, MFI);
- ``chisq_scaling_factor`` is ``1/a``; ``*_scaled`` indices plug in ``T*`` and ``df``;
- ``cfi_robust``, ``tli_robust``, ``rmsea_robust`` follow Savalei (2021): the ML
  discrepancy between the polychoric matrix and the DWLS-implied correlation matrix
  (lavaan's ``catML``) with its own scaling ``tr(U'VUΓ)/df``;
- SRMR/RMR are computed on the correlation residuals, with the (zero) diagonal counted,
  and ``rmr``/``srmr_bentler`` add the threshold residuals; ``srmr`` is the version
  without thresholds; ``srmr_mplus`` is not defined (NaN);
- ``wrmr = √(T / number of statistics)``; GFI uses the DWLS weights.

Ordered items must have no outgoing paths (they are indicators or outcomes); rows must
be complete (incomplete ones are dropped and reported). Observed covariates predicting
other variables (``f ~ age``, fixed.x) follow lavaan's conditional.x: the statistics are
thresholds and slopes of probit regressions of the items on the covariates and residual
polychorics (:func:`im_research.sem.ordinal.wls_statistics_conditional`); the model's
moments are those given the covariates (``_ram.RAM.conditional_delta``). Continuous variables can be
mixed in (``ordered=[...]`` naming only the ordinal ones): they contribute means,
variances, polyserial and Pearson correlations to the statistics, keep free intercepts
and residual variances, and lavaan's robust (catML) CFI/TLI/RMSEA are then NaN.

Groups (``group=``) follow lavaan: every group has its own thresholds, scale factors
``~*~`` fixed at 1 and latent means at 0 (configural); with
``group_equal=("thresholds", ...)`` the thresholds are shared and, in the second and
later groups, the scale factors δ and the latent means become free (implied thresholds
δ(τ − μ*), correlations δᵢδⱼΣ*ᵢⱼ, residual variances 1/δ² − explained variance).

Examples
--------
>>> import im_research as ir                                        # doctest: +SKIP
>>> res = ir.fit(model, data=likert_df, ordered=True)               # doctest: +SKIP
>>> res.params.query("op == '|'")                                   # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from scipy.linalg import block_diag

from ..errors import ConvergenceError, DataError, DataWarning, IdentificationError, ModelSyntaxError
from ..validation import as_vector
from . import ram as _ram
from .fitmeasures import incremental_indices, pchisq_upper, rmsea_block
from .ml import check_identification
from .moments import SampleStats, check_columns, group_labels_in, non_numeric_example
from .ordinal import WLSStatistics, wls_statistics, wls_statistics_conditional
from .partable import partable_records
from .start import start_values

__all__ = ["prepare_ordinal_data", "ordinal_partable", "DWLSProblem", "wlsmv_inference",
           "WLSMVEstimate", "estimate_wlsmv", "gradient_and_information",
           "scaled_shifted_difference"]

_MANY_CATEGORIES = 10


# ---------------------------------------------------------------------------------------
# data and parameter table
# ---------------------------------------------------------------------------------------
def _resolve_ordered(ordered, ov):
    """The ordered variables among the model's observed ones (the rest are continuous)."""
    if ordered is True:
        return list(ov)
    if isinstance(ordered, str):
        ordered = [ordered]
    ordered = list(ordered)
    unknown = [v for v in ordered if v not in ov]
    if unknown:
        raise DataError(f"ordered= names {unknown} that are not observed variables of the "
                        f"model ({ov})")
    if not ordered:
        raise DataError("ordered= is empty; leave it out to treat every variable as "
                        "continuous (estimator='ML' or 'MLR')")
    return [v for v in ov if v in ordered]


def prepare_ordinal_data(data: pd.DataFrame, ov, ordered, exo=(), pairwise=False):
    """Complete rows of the model's variables (ordered ones as numeric codes), the
    dropped row labels and the ordered names.

    Ordered pandas Categoricals become their category codes; other columns must be
    numeric. Incomplete rows are dropped (listwise, reported with a ``DataWarning``).
    """
    if ordered is not True and not isinstance(ordered, str):
        declared = [v for v in exo if v in list(ordered)]
        if declared:
            raise DataError(f"covariate(s) {declared} are declared ordered; observed "
                            "covariates enter with their values (lavaan's conditional.x). "
                            "Leave them out of ordered=, or make each a single-indicator "
                            "factor to treat it as an ordered item")
    ov = list(ov)
    names = _resolve_ordered(ordered, [v for v in ov if v not in exo])
    cols = {}  # built as arrays: column-wise DataFrame inserts cost more than the checks
    for v in ov:
        col = data[v]
        if v not in names:  # continuous
            if not pd.api.types.is_numeric_dtype(col):
                raise DataError(f"column {v!r} is not numeric{non_numeric_example(col)}; "
                                "recode it, or declare it ordered")
            cols[v] = col.to_numpy(dtype=float, na_value=np.nan)
            continue
        if isinstance(col.dtype, pd.CategoricalDtype):
            if not col.cat.ordered:
                raise DataError(f"column {v!r} is an unordered categorical; make it ordered "
                                "(col.cat.as_ordered()) so the category order is known")
            col = col.cat.codes.where(col.notna()).astype(float)
        elif not pd.api.types.is_numeric_dtype(col):
            raise DataError(
                f"ordered column {v!r} is not numeric{non_numeric_example(col)}. Recode "
                "the labels to "
                "ordered codes first (im_research.survey.io.read_survey maps Likert labels), or "
                "pass an ordered pandas Categorical")
        cols[v] = col.to_numpy(dtype=float, na_value=np.nan)
    x = np.column_stack([cols[v] for v in ov]) if ov else np.zeros((len(data), 0))
    isinf = np.isinf(x)
    if isinf.any():  # an infinite code would otherwise become the top category
        j = int(np.argmax(isinf.any(axis=0)))
        row = data.index[int(np.argmax(isinf[:, j]))]
        raise DataError(f"column {ov[j]!r} has an infinite value in row {row!r}; replace it "
                        "with NaN (missing) or a valid code")
    isnan = np.isnan(x)
    empty = [v for v, e in zip(ov, isnan.all(axis=0)) if e]
    if empty:
        raise DataError(f"column(s) {empty} have no observed values (all missing); remove "
                        "them from the model or fix the import")
    sub = pd.DataFrame(x, index=data.index, columns=list(ov))
    if pairwise:
        incomplete = [v for v in ov if v not in names and sub[v].isna().any()]
        if incomplete or exo:
            raise DataError(
                "missing='pairwise' is available for ordered items without covariates; "
                + (f"continuous column(s) {incomplete} have missing values" if incomplete
                   else f"covariates {list(exo)} are in the model") + "; use listwise")
        keep = ~isnan.all(axis=1)  # rows without any answer carry no information
    else:
        keep = ~isnan.any(axis=1)
    dropped = list(sub.index[~keep])
    if dropped:
        per_col = ", ".join(f"{c}: {k}" for c, k in zip(ov, isnan.sum(axis=0)) if k)
        what = ("rows without any answer" if pairwise else
                f"rows with missing values (missing per column: {per_col}); WLSMV uses "
                "complete rows (lavaan default); use missing='pairwise' to keep them")
        warnings.warn(f"{'removed' if pairwise else 'listwise deletion dropped'} "
                      f"{len(dropped)} of {len(sub)} {what}", DataWarning, stacklevel=4)
    sub = sub[keep]
    x = x[keep]
    def distinct(j):
        col = x[:, j]
        return len(np.unique(col[~np.isnan(col)]))

    const = [v for j, v in enumerate(ov) if v not in names and distinct(j) < 2]
    if const:
        raise DataError(f"continuous column(s) {const} are constant; remove them")
    for v in names:
        k = distinct(ov.index(v))
        if k > _MANY_CATEGORIES:
            warnings.warn(f"ordered column {v!r} has {k} categories; with this many the "
                          "item is usually better treated as continuous", DataWarning,
                          stacklevel=4)
    return sub, dropped, names


def _split_threshold_partial(group_partial):
    """``"x1|t1"`` and ``"x7 ~1"`` entries of group_partial (thresholds, and the means of
    continuous variables, which lavaan equates with the thresholds) and the rest."""
    th, rest = set(), []
    for entry in group_partial:
        if "|" in entry:
            lhs, rhs = (t.strip() for t in entry.split("|", 1))
            th.add((lhs, rhs))
        else:
            if entry.replace(" ", "").endswith("~1"):
                th.add((entry.replace(" ", "")[:-2], "~1"))
            rest.append(entry)
    return th, rest


def ordinal_partable(records, info, wstats_list, equal_thresholds=False, partial=(),
                     free_means=True):
    """Rewrite ML parameter-table records for the delta parameterization.

    Item residual variances become fixed (computed after estimation), item intercepts
    fixed at 0; threshold rows (``x|t1``...) are added after the regressions and scale
    factors (``x ~*~ x``) before the intercepts, group by group. With
    ``equal_thresholds`` (lavaan ``group.equal = "thresholds"``) the thresholds and the
    means of continuous variables are shared across groups (except ``partial`` ones)
    and, as in lavaan, the scale factors and the latent means of the second and later
    groups become free. Free parameters are renumbered.
    """
    ws0 = wstats_list[0]
    ordered = {v for v, num in zip(ws0.names, ws0.numeric) if not num}
    continuous = set(ws0.names) - ordered
    lv = set(info.lv)
    for r in records:
        op, lhs, rhs = r["op"], r["lhs"], r["rhs"]
        if (op == "~" and rhs in ordered) or (op == "=~" and lhs in ordered):
            raise ModelSyntaxError(
                f"the ordered item {rhs if op == '~' else lhs!r} is used as a predictor "
                f"({lhs} {op} {rhs}); with WLSMV items can only be indicators or outcomes. "
                "Define a single-indicator factor or treat the item as continuous")
        if op == "~~" and lhs == rhs and lhs in ordered:
            r.update(free=False, value=0.0, start=np.nan, pid=-1)
        elif op == "~1" and lhs in ordered:
            if r["user"] and r["free"]:
                raise ModelSyntaxError(
                    f"'{lhs} ~ 1': intercepts of ordered items are fixed at 0 (the "
                    "thresholds carry their location); remove this line")
            r.update(free=False, value=0.0, pid=-1)
        elif (op == "~1" and lhs in lv and r["group"] > 0 and equal_thresholds
              and free_means and not r["user"]):
            r.update(free=True, value=np.nan, pid=-2)  # new parameter
    out = []
    for g, ws in enumerate(wstats_list):
        rows = [r for r in records if r["group"] == g and r["op"] != ":="]
        th_rows = [dict(lhs=ws.names[j], op="|", rhs=name.split("|")[1], group=g, label="",
                        free=True, value=np.nan, start=np.nan, user=False, exo=False, pid=-2)
                   for j, name in zip(ws.th_var, ws.th_names) if "|" in name]
        free_scale = equal_thresholds and g > 0
        scale_rows = [dict(lhs=v, op="~*~", rhs=v, group=g, label="", free=free_scale,
                           value=np.nan if free_scale else 1.0, start=np.nan, user=False,
                           exo=False, pid=-2 if free_scale else -1)
                      for v in ws.names if v in ordered]
        first_cov = next((k for k, r in enumerate(rows) if r["op"] not in ("=~", "~")),
                         len(rows))
        rows = rows[:first_cov] + th_rows + rows[first_cov:]
        first_mean = next((k for k, r in enumerate(rows) if r["op"] == "~1"), len(rows))
        out += rows[:first_mean] + scale_rows + rows[first_mean:]
    out += [r for r in records if r["op"] == ":="]
    # renumber the free parameters in table order, keeping shared (equal) ones shared
    new_pid, nxt = {}, 0
    for r in out:
        if r["op"] == ":=" or not r["free"]:
            continue
        shared = False
        if r["op"] == "|":
            shared = equal_thresholds and (r["lhs"], r["rhs"]) not in partial
            key = ("|", r["lhs"], r["rhs"]) if shared else ("|", r["group"], r["lhs"],
                                                            r["rhs"])
        elif (r["op"] == "~1" and r["lhs"] in continuous and equal_thresholds
              and (r["lhs"], "~1") not in partial and not r["label"]):
            shared = True  # lavaan equates the means of continuous variables too
            key = ("~1", r["lhs"])
        elif r["pid"] == -2:
            key = ("new", id(r))
        else:
            key = ("old", r["pid"])
        if key not in new_pid:
            new_pid[key] = nxt
            nxt += 1
        r["pid"] = new_pid[key]
        if shared and r["group"] > 0:
            r["label"] = f".{r['lhs']}{r['op']}{r['rhs']}"
    return out


# ---------------------------------------------------------------------------------------
# estimation
# ---------------------------------------------------------------------------------------
class _Group:
    """One group's statistics, weights and parameter positions.

    ``th_pid`` has one entry per threshold-block statistic (−1 for the means of
    continuous variables), ``scale_pid`` one per variable (−1: δ fixed at 1). With
    covariates (``ws.exo``) the moments are those of the items given the covariates
    (lavaan's conditional.x): thresholds, slopes Π and residual correlations."""

    def __init__(self, ram, ws: WLSStatistics, th_pid, scale_pid, fg, cg):
        self.ram, self.ws = ram, ws
        self.s = ws.wls_obs
        self.w = 1.0 / np.diag(ws.gamma)
        self.ii, self.jj = ws.pairs
        self.th_pid = np.asarray(th_pid, dtype=int)
        self.th_free = self.th_pid >= 0
        self.th_var = ws.th_var
        self.num = np.flatnonzero(ws.numeric)
        self.scale_pid = np.asarray(scale_pid, dtype=int)
        self.nth = len(self.th_pid)
        self.nsl = ws.slopes.size
        self.nfix = ws.n_fixed_block  # thresholds, slopes, means, variances come first
        self.yidx = np.array([ram.ov.index(v) for v in ws.names])
        self.xidx = np.array([ram.ov.index(v) for v in ws.exo], dtype=int)
        self.fg = fg  # N_g / N (information, Gamma weights)
        self.cg = cg  # (N_g - 1) / N (lavaan's objective)

    def delta_scale(self, theta):
        d = np.ones(len(self.scale_pid))
        free = self.scale_pid >= 0
        d[free] = theta[self.scale_pid[free]]
        return d

    def moments(self, theta, derivs=False):
        """(Σ, μ, Π) of the items (given the covariates), with derivatives if asked."""
        y = self.yidx
        if len(self.xidx):
            out = self.ram.conditional_delta(theta, y, self.xidx)
            return out if derivs else out[:3]
        if derivs:
            Sigma, mu, dS, dm, _ = self.ram.delta(theta)
            return (Sigma[np.ix_(y, y)], mu[y], np.zeros((len(y), 0)), dS[:, y][:, :, y],
                    dm[:, y], np.zeros((self.ram.npar, len(y), 0)))
        Sigma, mu = self.ram.implied(theta)[:2]
        return Sigma[np.ix_(y, y)], mu[y], np.zeros((len(y), 0))

    def _stack(self, theta, Sigma0, mu0, Pi, d):
        tv = self.th_var
        tau = np.where(self.th_free, theta[np.maximum(self.th_pid, 0)], 0.0)
        th = d[tv] * (tau - mu0[tv])  # -mean for continuous variables
        slopes = (d[:, None] * Pi).T.ravel()  # covariate by covariate
        return np.concatenate([th, slopes, Sigma0[self.num, self.num],
                               d[self.ii] * d[self.jj] * Sigma0[self.ii, self.jj]])

    def sigma(self, theta):
        """The model's statistics in ``wls_obs`` order."""
        return self._stack(theta, *self.moments(theta), self.delta_scale(theta))

    def linearize(self, theta, npar):
        """(σ, Δ = dσ/dθ) from one evaluation of the moments and their derivatives."""
        Sigma0, mu0, Pi, dS, dm, dP = self.moments(theta, derivs=True)
        d = self.delta_scale(theta)
        tv, ii, jj, nf = self.th_var, self.ii, self.jj, self.nfix
        n0, n1 = self.nth, self.nth + self.nsl
        p = len(d)
        D = np.zeros((len(self.s), npar))
        rows = np.flatnonzero(self.th_free)
        np.add.at(D, (rows, self.th_pid[rows]), d[tv][rows])
        D[:n0] -= (dm[:, tv] * d[tv]).T
        if self.nsl:
            D[n0:n1] = (dP * d[None, :, None]).transpose(0, 2, 1).reshape(npar, -1).T
        D[n1:nf] = dS[:, self.num, self.num].T
        D[nf:] = (dS[:, ii, jj] * (d[ii] * d[jj])).T
        free = self.scale_pid >= 0
        if free.any():
            tau = np.where(self.th_free, theta[np.maximum(self.th_pid, 0)], 0.0)
            tau_minus_mu = tau - mu0[tv]
            sp = self.scale_pid
            for k in np.flatnonzero(free[tv]):
                D[k, sp[tv[k]]] += tau_minus_mu[k]
            for j in np.flatnonzero(free):
                for c in range(Pi.shape[1]):
                    D[n0 + c * p + j, sp[j]] += Pi[j, c]
            for k, (i, j) in enumerate(zip(ii, jj)):
                if free[i]:
                    D[nf + k, sp[i]] += d[j] * Sigma0[i, j]
                if free[j]:
                    D[nf + k, sp[j]] += d[i] * Sigma0[i, j]
        return self._stack(theta, Sigma0, mu0, Pi, d), D


class DWLSProblem:
    """The DWLS discrepancy over groups and its Gauss–Newton minimisation.

    For each group, ``sigma`` stacks the implied thresholds δ_j(τ_jk − μ*_j) and the
    off-diagonal implied correlations δ_iδ_jΣ*_ij in the order of
    :attr:`WLSStatistics.wls_obs`; the objective is lavaan's
    ``Σ_g (N_g − 1)/N · Σ w (s − σ)²`` (twice its ``fmin``).
    """

    def __init__(self, rams, wstats_list, th_pids, scale_pids, npar):
        N = sum(ws.nobs for ws in wstats_list)
        self.groups = [_Group(ram, ws, tp, sp, ws.nobs / N, (ws.nobs - 1) / N)
                       for ram, ws, tp, sp in zip(rams, wstats_list, th_pids, scale_pids)]
        self.npar = npar
        self.nobs = N

    def discrepancy(self, theta):
        total = 0.0
        for gr in self.groups:
            d = gr.s - gr.sigma(theta)
            total += gr.cg * float(np.sum(gr.w * d * d))
        return total

    def normal_equations(self, theta, info_weight="cg"):
        """(Σ c_g Δ'WΔ, Σ c_g Δ'W(s − σ)) with c_g = (N_g − 1)/N, the Gauss–Newton
        system of the objective; ``info_weight="fg"`` weights the information by
        N_g/N instead (lavaan's expected information)."""
        info = np.zeros((self.npar, self.npar))
        rhs = np.zeros(self.npar)
        for gr in self.groups:
            sig, D = gr.linearize(theta, self.npar)
            WD = D * gr.w[:, None]
            info += getattr(gr, info_weight) * (D.T @ WD)
            rhs += gr.cg * (WD.T @ (gr.s - sig))
        return info, rhs

    def solve(self, theta0, max_iter=500, tol=1e-10):
        """Gauss–Newton with step halving; returns (theta, F, gradient, info, ok, iters)."""
        theta = np.asarray(theta0, float).copy()
        F = self.discrepancy(theta)
        ok = False
        it = 0
        for it in range(1, max_iter + 1):  # noqa: B007 (the count is returned)
            info, rhs = self.normal_equations(theta)
            try:
                step = np.linalg.solve(info, rhs)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(info, rhs, rcond=None)[0]
            t = 1.0
            while t > 1e-8:
                cand = theta + t * step
                try:
                    Fc = self.discrepancy(cand)
                except np.linalg.LinAlgError:
                    Fc = np.inf
                if np.isfinite(Fc) and Fc <= F + 1e-14:
                    break
                t /= 2
            else:
                break
            theta, F_old, F = cand, F, Fc
            if np.max(np.abs(t * step)) < tol or abs(F_old - F) < tol * 1e-3:
                ok = True
                break
        info, rhs = self.normal_equations(theta)
        return theta, F, -2 * rhs, info, ok, it


def _ugamma(Gamma, v, D, Einv):
    """UΓ with U = V − VΔE⁻¹Δ'V for a diagonal weight ``v`` (lavaan's trace_ABA)."""
    return Gamma * v[None, :] - D @ Einv @ D.T @ (Gamma * np.outer(v, v))


def _scaled_shifted(T, df, UG):
    tr, tr2 = float(np.trace(UG)), float(np.sum(UG * UG.T))
    a = np.sqrt(df / tr2)
    shift = df - a * tr
    return {"stat": a * T + shift, "scaling_factor": 1 / a, "shift": shift, "trace": tr,
            "trace2": tr2}


def _catml(problem, Ps, Ds, Einv, df3):
    """Savalei's (2021) catML statistics behind lavaan's robust CFI/TLI/RMSEA: the ML
    discrepancy of each group's polychoric matrix R at the DWLS-implied correlations P,
    with its scaling tr(U'VUΓ)/df (V the normal-theory weight of the correlations)."""
    XX3 = XX3_null = 0.0
    Vs, Ws, Gs, Dc = [], [], [], []
    for gr, P, D in zip(problem.groups, Ps, Ds):
        R = gr.ws.cor
        if np.min(np.linalg.eigvalsh(R)) < np.sqrt(np.finfo(float).eps):
            return None
        N_g, p = gr.ws.nobs, R.shape[0]
        Pinv = np.linalg.inv(P)
        XX3 += N_g * (np.linalg.slogdet(P)[1] - np.linalg.slogdet(R)[1]
                      + np.trace(R @ Pinv) - p)
        XX3_null -= N_g * np.linalg.slogdet(R)[1]
        ii, jj = gr.ii, gr.jj
        Vs.append(gr.fg * (Pinv[np.ix_(ii, ii)] * Pinv[np.ix_(jj, jj)]
                           + Pinv[np.ix_(ii, jj)] * Pinv[np.ix_(jj, ii)]))
        Ws.append(gr.fg * gr.w[gr.nfix:])
        Gs.append(gr.ws.gamma[gr.nfix:, gr.nfix:] / gr.fg)
        Dc.append(D[gr.nfix:])
    V, w, G, Dc = block_diag(*Vs), np.concatenate(Ws), block_diag(*Gs), np.vstack(Dc)
    WiU = np.eye(len(w)) - Dc @ Einv @ (Dc.T * w[None, :])
    df3_null = len(w)
    return {"T": XX3, "c": float(np.trace(WiU.T @ V @ WiU @ G)) / df3 if df3 > 0 else np.nan,
            "TB": XX3_null, "c_b": float(np.trace(G)) / df3_null}


def wlsmv_inference(problem: DWLSProblem, theta, npar, Ps, n_th_par, n_mean_par):
    """Robust vcov, scaled-shifted tests and every lavaan fit measure of a WLSMV fit.

    ``Ps`` are the implied correlation matrices of the items (unit diagonal), one per
    group; ``n_th_par``/``n_mean_par`` count the free threshold and latent-mean
    parameters (dropped from the catML model). Returns ``(vcov, fit_measures, details)``.
    """
    groups = problem.groups
    G = len(groups)
    N = problem.nobs
    Nm = N - G  # lavaan: ntotal - ngroups for (D)WLS
    sigmas, Ds = map(list, zip(*(gr.linearize(theta, npar) for gr in groups)))
    E = sum(gr.fg * D.T @ (D * gr.w[:, None]) for gr, D in zip(groups, Ds))
    Einv = np.linalg.inv(E)
    meat = sum(gr.fg * (D * gr.w[:, None]).T @ gr.ws.gamma @ (D * gr.w[:, None])
               for gr, D in zip(groups, Ds))
    vcov = Einv @ meat @ Einv / Nm
    Fg = [float(np.sum(gr.w * (gr.s - sig) ** 2)) for gr, sig in zip(groups, sigmas)]
    T = sum((gr.ws.nobs - 1) * f for gr, f in zip(groups, Fg))
    ndat = sum(len(gr.s) for gr in groups)
    nfix = sum(gr.nfix for gr in groups)  # thresholds, means, variances
    df = ndat - npar
    v = np.concatenate([gr.fg * gr.w for gr in groups])
    Gamma = block_diag(*[gr.ws.gamma / gr.fg for gr in groups])
    D_all = np.vstack(Ds)
    ss = _scaled_shifted(T, df, _ugamma(Gamma, v, D_all, Einv))
    # baseline: thresholds, means and variances free in every group, covariances zero
    Db = np.zeros((ndat, nfix))
    r0 = c0 = 0
    for gr in groups:
        Db[r0 + np.arange(gr.nfix), c0 + np.arange(gr.nfix)] = 1.0
        r0 += len(gr.s)
        c0 += gr.nfix
    Eb_inv = np.linalg.inv(Db.T @ (Db * v[:, None]))
    TB = sum((gr.ws.nobs - 1) * float(np.sum(gr.w[gr.nfix:] * gr.s[gr.nfix:] ** 2))
             for gr in groups)
    dfB = ndat - nfix
    ssb = _scaled_shifted(TB, dfB, _ugamma(Gamma, v, Db, Eb_inv))
    fm = {"npar": npar, "fmin": T / (2 * N), "chisq": T, "df": df,
          "pvalue": pchisq_upper(T, df), "chisq_scaled": ss["stat"], "df_scaled": df,
          "pvalue_scaled": pchisq_upper(ss["stat"], df),
          "chisq_scaling_factor": ss["scaling_factor"], "baseline_chisq": TB,
          "baseline_df": dfB, "baseline_pvalue": pchisq_upper(TB, dfB),
          "baseline_chisq_scaled": ssb["stat"], "baseline_df_scaled": dfB,
          "baseline_pvalue_scaled": pchisq_upper(ssb["stat"], dfB),
          "baseline_chisq_scaling_factor": ssb["scaling_factor"]}
    df3 = (ndat - nfix) - (npar - n_th_par - n_mean_par)
    # with free scale factors (equal thresholds across groups) lavaan 0.6-14 cannot build
    # the catML model and reports the robust indices as NA; so do we
    free_scale = any((gr.scale_pid >= 0).any() for gr in groups)
    # lavaan: catML only for all-ordered items without covariates (conditional.x)
    continuous = any(len(gr.num) or len(gr.xidx) for gr in groups)
    cat = None if free_scale or continuous else _catml(problem, Ps, Ds, Einv, df3)
    for suffix, (t, tb) in {"": (T, TB), "_scaled": (ss["stat"], ssb["stat"])}.items():
        inc = incremental_indices(t, df, tb, dfB)
        for k in ("cfi", "tli", "rni", "rfi", "nfi", "pnfi", "ifi"):
            fm[k + suffix] = inc[k]
        fm["nnfi" + suffix] = inc["tli"]
    inc = (incremental_indices(cat["T"], df, cat["TB"], dfB, cat["c"], cat["c_b"])
           if cat is not None else dict.fromkeys(("cfi", "tli", "rni"), np.nan))
    fm["cfi_robust"], fm["tli_robust"], fm["rni_robust"] = inc["cfi"], inc["tli"], inc["rni"]
    fm["nnfi_robust"] = inc["tli"]
    rm = rmsea_block(T, df, Nm, G)
    fm.update(rmsea=rm[0], rmsea_ci_lower=rm[1], rmsea_ci_upper=rm[2], rmsea_ci_level=0.90,
              rmsea_pvalue=rm[3], rmsea_close_h0=0.05, rmsea_notclose_pvalue=rm[4],
              rmsea_notclose_h0=0.08)
    rm = rmsea_block(ss["stat"], df, Nm, G)
    fm.update(rmsea_scaled=rm[0], rmsea_ci_lower_scaled=rm[1], rmsea_ci_upper_scaled=rm[2],
              rmsea_pvalue_scaled=rm[3], rmsea_notclose_pvalue_scaled=rm[4])
    if cat is not None:
        rm = rmsea_block(cat["T"], df3, Nm, G, c=cat["c"], T_ci=cat["T"] / cat["c"])
    else:
        rm = (np.nan,) * 5
    fm.update(rmsea_robust=rm[0], rmsea_ci_lower_robust=rm[1], rmsea_ci_upper_robust=rm[2],
              rmsea_pvalue_robust=rm[3], rmsea_notclose_pvalue_robust=rm[4])
    # residual-based indices, weighted by N_g / N over groups: RMR on the raw (covariance)
    # residuals, SRMR/CRMR on correlation residuals; the "total" versions add the
    # threshold residuals of the ordered items (lavaan counts only those)
    acc = dict.fromkeys(["rmr", "rmr_nomean", "srmr", "srmr_nomean", "crmr",
                         "crmr_nomean", "gfi"], 0.0)
    for gr, f, P, sig in zip(groups, Fg, Ps, sigmas):
        p = gr.ws.cor.shape[0]
        tri = np.tril_indices(p)
        sd_s, sd_m = np.sqrt(np.diag(gr.ws.cov)), np.sqrt(np.diag(P))
        r_cor = gr.ws.cov / np.outer(sd_s, sd_s) - P / np.outer(sd_m, sd_m)
        ordinal_th = ~gr.ws.numeric[gr.th_var]
        res_th = (gr.s - sig)[:gr.nth][ordinal_th]
        n_th = int(ordinal_th.sum())
        ss_raw = float(np.sum((gr.ws.cov - P)[tri] ** 2))
        ss_cor = float(np.sum(r_cor[tri] ** 2))
        ss_th = float(np.sum(res_th ** 2))  # y* thresholds: sd 1
        n_tri, n_off = p * (p + 1) // 2, p * (p - 1) // 2
        n_tri += len(gr.xidx)  # lavaan counts one more element per covariate
        acc["rmr"] += gr.fg * np.sqrt((ss_raw + ss_th) / (n_tri + n_th))
        acc["rmr_nomean"] += gr.fg * np.sqrt(ss_raw / n_tri)
        acc["srmr"] += gr.fg * np.sqrt((ss_cor + ss_th) / (n_tri + n_th))
        acc["srmr_nomean"] += gr.fg * np.sqrt(ss_cor / n_tri)
        acc["crmr"] += gr.fg * np.sqrt((ss_cor + ss_th) / (n_off + n_th))
        acc["crmr_nomean"] += gr.fg * np.sqrt(ss_cor / n_off)
        acc["gfi"] += gr.fg * (1 - f / float(np.sum(gr.w * gr.s ** 2)))
    fm["rmr"], fm["rmr_nomean"] = acc["rmr"], acc["rmr_nomean"]
    fm["srmr_bentler"] = acc["srmr"]
    fm["srmr"] = fm["srmr_bentler_nomean"] = acc["srmr_nomean"]
    fm["crmr"], fm["crmr_nomean"] = acc["crmr"], acc["crmr_nomean"]
    fm["srmr_mplus"] = fm["srmr_mplus_nomean"] = np.nan
    fm["cn_05"] = special.chdtri(df, 0.05) / (T / Nm) + 1 if df > 0 and T > 0 else np.nan
    fm["cn_01"] = special.chdtri(df, 0.01) / (T / Nm) + 1 if df > 0 and T > 0 else np.nan
    gfi = acc["gfi"]
    fm["gfi"] = gfi
    fm["agfi"] = 1 - (ndat / df) * (1 - gfi) if df > 0 else 1.0
    fm["pgfi"] = (df / ndat) * gfi
    fm["mfi"] = float(np.exp(-0.5 * (T - df) / Nm))
    fm["wrmr"] = float(np.sqrt(T / len(groups[0].s)))  # lavaan: first group's count
    details = {"scaled_shifted": ss, "baseline_scaled_shifted": ssb, "catml": cat,
               "information": E, "inverted_information": Einv, "jacobians": Ds,
               "gamma_all": Gamma, "v_all": v}
    return vcov, pd.Series(fm, dtype=float), details


# ---------------------------------------------------------------------------------------
# driver used by im_research.fit(..., ordered=...)
# ---------------------------------------------------------------------------------------
def _statistic_positions(rows, ws):
    """Free-parameter index of each threshold statistic (−1 for the means of continuous
    variables) and of each variable's scale factor (−1: fixed δ = 1) in table ``rows``."""
    th = {f"{r['lhs']}|{r['rhs']}": int(r["pid"]) for r in rows if r["op"] == "|"}
    scale = {r["lhs"]: int(r["pid"]) for r in rows if r["op"] == "~*~"}
    return [th.get(name, -1) for name in ws.th_names], [scale.get(v, -1) for v in ws.names]


def _group_statistics(sub, parts, ov, ordered, group_labels, group, exo=(),
                      pairwise=False):
    """Per-group WLS statistics of the rows ``parts`` (one frame per group of ``sub``);
    every group must show every category of every item."""
    pooled = ({v: np.sort(sub[v].dropna().unique()) for v in ordered}
              if len(parts) > 1 else {})  # categories every group must show
    out = []
    for gl, part in zip(group_labels, parts):
        if gl is not None:
            if len(part) <= len(ov):
                raise DataError(f"group {gl!r} has only {len(part)} complete rows for "
                                f"{len(ov)} variables; merge small groups or drop it")
            for v in pooled:
                absent = sorted(set(pooled[v]) - set(part[v].dropna().unique()))
                if absent:
                    shown = ", ".join(f"{c:g}" for c in absent)
                    raise DataError(
                        f"ordered item {v!r} has no answers in categor"
                        f"{'y' if len(absent) == 1 else 'ies'} {shown} in group {gl!r} "
                        f"(column {group!r}); thresholds cannot be compared. Merge sparse "
                        "categories (e.g. recode 1 and 2 together) before fitting")
        out.append(wls_statistics_conditional(part, ov, list(exo), ordered) if exo else
                   wls_statistics(part, ov, ordered, pairwise=pairwise))
    return out


@dataclass
class WLSMVEstimate:
    """What a WLSMV estimation hands to ``fit()``, which wraps it in an ``SEMResult``."""

    partable: pd.DataFrame
    info: object
    stats: list
    rams: list
    problem: DWLSProblem
    theta: np.ndarray
    F: float
    information: np.ndarray
    iterations: int
    group_labels: list
    ndat: int
    vcov: np.ndarray
    fit_measures: pd.Series
    details: dict
    wls_statistics: list
    implied: list  # model-implied correlations of y* (given x), one per group


def estimate_wlsmv(model, data, *, ordered, std_lv, fixed_x, start, max_iter, group=None,
                   group_equal=(), group_partial=(), missing="listwise"):
    """Estimate ``model`` by WLSMV (DWLS, delta parameterization, robust.sem SEs and the
    scaled-shifted test); called by :func:`im_research.fit` (see there)."""
    group_equal = tuple(group_equal)
    for bad, use in (("intercepts", "thresholds"), ("residuals", None)):
        if bad in group_equal:
            raise ValueError(
                f"group_equal={bad!r} does not apply to ordered items in the delta "
                "parameterization (" + (f"their location is in the thresholds: use "
                                        f"{use!r}" if use else "their residual variances "
                                        "are not parameters") + ")")
    equal_th = "thresholds" in group_equal
    th_partial, rest_partial = _split_threshold_partial(group_partial)
    group_labels = group_labels_in(data, group)
    G = len(group_labels)
    records, info = partable_records(
        model, ngroups=G, std_lv=std_lv, fixed_x=fixed_x, meanstructure=True,
        group_equal=tuple(g for g in group_equal if g != "thresholds"),
        group_partial=tuple(rest_partial))
    ov = info.ov
    if any(v not in data.columns for v in ov):
        check_columns(data, ov, info.lv)  # raises with suggestions
    exo = list(info.ov_x)
    if exo and not fixed_x:
        raise ModelSyntaxError(
            f"observed covariates {exo} with ordered= need fixed_x=True (lavaan's "
            "conditional.x); or make each a single-indicator factor ('f_age =~ age')")
    pairwise = missing == "pairwise"
    sub, dropped, names = prepare_ordinal_data(data, ov, ordered, exo, pairwise)
    sub = sub[ov]
    yvars = [v for v in ov if v not in exo]
    groups = data.loc[sub.index, group] if group is not None else None
    parts = [sub if gl is None else sub[groups == gl] for gl in group_labels]
    wstats = _group_statistics(sub, parts, yvars, names, group_labels, group, exo, pairwise)
    # the covariates' own moments are fixed at their sample values (fixed.x; lavaan's
    # conditional.x uses the N - 1 divisor here)
    x_moments = [(p[exo].mean().to_numpy(), p[exo].cov().to_numpy()) for p in parts] \
        if exo else []
    for g, (m_x, c_x) in enumerate(x_moments):
        for r in records:
            if r["group"] == g and r["exo"]:
                i = exo.index(r["lhs"])
                r["value"] = m_x[i] if r["op"] == "~1" else c_x[i, exo.index(r["rhs"])]
    records = ordinal_partable(records, info, wstats, equal_thresholds=equal_th,
                               partial=th_partial, free_means="means" not in group_equal)
    pt = pd.DataFrame(records)
    npar = max((r["pid"] for r in records), default=-1) + 1
    ndat = sum(len(ws.wls_obs) for ws in wstats)
    if npar > ndat:
        raise IdentificationError(
            f"the model has {npar} free parameters but the data give only {ndat} "
            f"statistics (thresholds and polychoric correlations); df = {ndat - npar}")
    rams, th_pids, scale_pids = [], [], []
    for g, ws in enumerate(wstats):
        rows = [r for r in records if r["group"] == g and r["op"] != ":="]
        rams.append(_ram.RAM(rows, ov, info.lv, npar))
        th_pid, scale_pid = _statistic_positions(rows, ws)
        th_pids.append(th_pid)
        scale_pids.append(scale_pid)
    problem = DWLSProblem(rams, wstats, th_pids, scale_pids, npar)
    stats = []
    for g, (part, ws) in enumerate(zip(parts, wstats)):
        yi = [ov.index(v) for v in ws.names]
        cov, mean = np.zeros((len(ov), len(ov))), np.zeros(len(ov))
        cov[np.ix_(yi, yi)] = ws.cov  # (residual) correlations of the items
        mean[[ov.index(v) for v, num in zip(ws.names, ws.numeric) if num]] = \
            -ws.th[[k for k, nm in enumerate(ws.th_names) if "~1" in nm]]
        if exo:
            xi = [ov.index(v) for v in exo]
            mean[xi], cov[np.ix_(xi, xi)] = x_moments[g]
        stats.append(SampleStats(ws.nobs, cov, mean, list(ov), part,
                                 dropped if g == 0 else []))
    theta0 = start_values(records, info, stats, std_lv, npar)
    for g in reversed(range(G)):  # shared thresholds start at the first group's values
        tp = np.asarray(th_pids[g], dtype=int)
        theta0[tp[tp >= 0]] = wstats[g].th[tp >= 0]
        sp = np.asarray(scale_pids[g], dtype=int)
        theta0[sp[sp >= 0]] = 1.0
    if start is not None:
        theta0 = as_vector(start, "start", length=len(theta0)).copy()
    theta, F, grad, info_m, ok, iters = problem.solve(theta0, max_iter=max_iter)
    g_fmin = grad / 2  # lavaan checks the gradient of fmin = F / 2
    if not ok or np.max(np.abs(g_fmin)) > 1e-3:
        if np.all(np.isfinite(info_m)):
            check_identification(pt, info_m, npar)
        raise ConvergenceError(
            f"the WLSMV estimation did not converge ({iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g_fmin)):.2e}). No estimates are reported. Simplify the model, "
            "merge sparse categories, or give start= values.")
    check_identification(pt, info_m, npar)
    # delta parameterization: residual variances make var(y*) = 1/delta^2 (1 when fixed)
    Ps = []
    for g, (ram, gr) in enumerate(zip(rams, problem.groups)):
        Sigma0 = gr.moments(theta)[0]  # of the items (given the covariates)
        d = gr.delta_scale(theta)
        for k, r in enumerate(records):
            if (r["group"] == g and r["op"] == "~~" and r["lhs"] == r["rhs"]
                    and r["lhs"] in names):
                j = gr.ws.names.index(r["lhs"])
                val = 1 / d[j] ** 2 - Sigma0[j, j]
                pt.at[k, "value"] = r["value"] = val
                i = ov.index(r["lhs"])
                ram.S0[i, i] = val
        Ps.append(gr.moments(theta)[0] * np.outer(d, d))
    n_th_par = len({p for tp in th_pids for p in tp})
    n_mean_par = len({r["pid"] for r in records
                      if r["op"] == "~1" and r["lhs"] in info.lv and r["pid"] >= 0})
    vcov, fm, details = wlsmv_inference(problem, theta, npar, Ps, n_th_par, n_mean_par)
    return WLSMVEstimate(
        partable=pt, info=info, stats=stats, rams=rams, problem=problem, theta=theta, F=F,
        information=info_m, iterations=iters, group_labels=group_labels, ndat=ndat,
        vcov=vcov, fit_measures=fm, details=details, wls_statistics=wstats, implied=Ps)


def gradient_and_information(result, table, theta, npar):
    """Gradient of fmin and expected DWLS information Σ f_g Δ'WΔ of a WLSMV ``result``'s
    statistics under another parameter table (extended by candidate parameters for
    modification indices, or with every row free for score tests)."""
    groups = result._problem.groups
    rams, th_pids, scale_pids = [], [], []
    for g, gr in enumerate(groups):
        rows = table[table["group"] == g]
        rows = rows.to_dict("records")
        rams.append(_ram.RAM(rows, result.observed, result.latent, npar))
        th_pid, scale_pid = _statistic_positions(rows, gr.ws)
        th_pids.append(th_pid)
        scale_pids.append(scale_pid)
    problem = DWLSProblem(rams, [gr.ws for gr in groups], th_pids, scale_pids, npar)
    info, rhs = problem.normal_equations(theta, info_weight="fg")
    return -rhs, info


def scaled_shifted_difference(fit1, fit0):
    """χ² difference test of two nested WLSMV fits (``fit0`` more restricted), lavaan's
    ``lavTestLRT`` default for DWLS: Satorra's (2000) test with the scaled-shifted
    (Asparouhov & Muthén 2010) correction and the "delta" restriction matrix.

    With Δ₁, Δ₀ the models' Jacobians, A spans the orthogonal complement of
    ``ginv(Δ₁)Δ₀`` (the directions fit0 fixes), P the information of fit1 and
    ``M = P⁻¹A'(AP⁻¹A')⁻A P⁻¹``::

        tr  = Σ_g f_g tr(W_g Γ_g W_g Δ₁g M Δ₁g'),   tr2 = tr((V Δ₁ M Δ₁' V Γ_f)²)
        a = √(m / tr2),  b = m − a·tr,  T_d = a (T₀ − T₁) + b,  m = df₀ − df₁.

    Returns a dict ``stat, df, pvalue, a, b``.
    """
    fm1, fm0 = fit1.fit_measures, fit0.fit_measures
    T1, T0 = fm1["chisq"], fm0["chisq"]
    m = int(round(fm0["df"] - fm1["df"]))
    if m <= 0:
        raise ValueError("the second model must be nested in (more restricted than) the first")
    d1, d0 = fit1._wlsmv, fit0._wlsmv
    D1, D0 = np.vstack(d1["jacobians"]), np.vstack(d0["jacobians"])
    H = np.linalg.pinv(D1) @ D0
    q, r = np.linalg.qr(H, mode="complete")
    rank = int(np.sum(np.abs(np.diag(r)) > 1e-8 * max(1.0, np.abs(r).max())))
    A = q[:, rank:].T
    Pinv = d1["inverted_information"]
    APA = A @ Pinv @ A.T
    keep = ~((np.abs(APA.sum(0)) < np.sqrt(np.finfo(float).eps)) &
             (np.abs(APA.sum(1)) < np.sqrt(np.finfo(float).eps)))
    A = A[keep]
    M = Pinv @ A.T @ np.linalg.pinv(A @ Pinv @ A.T) @ A @ Pinv
    groups = fit1._problem.groups
    tr = 0.0
    for gr, D in zip(groups, d1["jacobians"]):
        WGW = gr.ws.gamma * np.outer(gr.w, gr.w)
        tr += gr.fg * float(np.trace(WGW @ D @ M @ D.T))
    V = np.concatenate([gr.w for gr in groups])
    Gamma_f = block_diag(*[gr.fg * gr.ws.gamma for gr in groups])
    U = (V[:, None] * (D1 @ M @ D1.T)) * V[None, :]
    UG = U @ Gamma_f
    tr2 = float(np.trace(UG @ UG))
    a = np.sqrt(m / tr2)
    b = m - a * tr
    stat = (T0 - T1) * a + b
    return {"stat": stat, "df": m, "pvalue": pchisq_upper(stat, m), "a": a, "b": b}
