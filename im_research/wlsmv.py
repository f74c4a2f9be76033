"""WLSMV for ordered (Likert) indicators, as lavaan's default for ``ordered =`` variables.

The three steps (Muthén 1984; Muthén, du Toit & Spisic 1997):

1. thresholds and polychoric correlations with their asymptotic covariance Γ
   (:func:`im_research.ordinal.wls_statistics`);
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

Only models whose observed variables are all ordered and whose items have no outgoing
paths (items are indicators or outcomes) are supported; one group, complete rows.

Examples
--------
>>> import im_research as ir                                        # doctest: +SKIP
>>> res = ir.fit(model, data=likert_df, ordered=True)               # doctest: +SKIP
>>> res.params.query("op == '|'")                                   # doctest: +SKIP
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special

from .errors import ConvergenceError, DataError, DataWarning, ModelSyntaxError
from .fitmeasures import rmsea_ci
from .ordinal import WLSStatistics, wls_statistics

__all__ = ["prepare_ordinal_data", "ordinal_partable", "DWLSProblem", "wlsmv_inference",
           "fit_wlsmv"]

_MANY_CATEGORIES = 10


# ---------------------------------------------------------------------------------------
# data and parameter table
# ---------------------------------------------------------------------------------------
def _resolve_ordered(ordered, ov):
    if ordered is True:
        return list(ov)
    if isinstance(ordered, str):
        ordered = [ordered]
    ordered = list(ordered)
    unknown = [v for v in ordered if v not in ov]
    if unknown:
        raise DataError(f"ordered= names {unknown} that are not observed variables of the "
                        f"model ({ov})")
    continuous = [v for v in ov if v not in ordered]
    if continuous:
        raise DataError(
            f"ordered= covers only some of the model's observed variables; {continuous} "
            "would be continuous. Mixing ordered and continuous variables is not available "
            "yet: declare all of them ordered (ordered=True), or fit the Likert codes as "
            "continuous with estimator='MLR'")
    return ordered


def prepare_ordinal_data(data: pd.DataFrame, ov, ordered):
    """Complete rows of the ordered variables as numeric codes, plus the dropped labels.

    Ordered pandas Categoricals become their category codes; other columns must be
    numeric. Incomplete rows are dropped (listwise, reported with a ``DataWarning``).
    """
    names = _resolve_ordered(ordered, ov)
    sub = pd.DataFrame(index=data.index)
    for v in names:
        col = data[v]
        if isinstance(col.dtype, pd.CategoricalDtype):
            if not col.cat.ordered:
                raise DataError(f"column {v!r} is an unordered categorical; make it ordered "
                                "(col.cat.as_ordered()) so the category order is known")
            col = col.cat.codes.where(col.notna()).astype(float)
        elif not pd.api.types.is_numeric_dtype(col):
            bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
            example = f" (e.g. {bad.iloc[0]!r} in row {bad.index[0]!r})" if len(bad) else ""
            raise DataError(
                f"ordered column {v!r} is not numeric{example}. Recode the labels to "
                "ordered codes first (im_research.io.read_survey maps Likert labels), or "
                "pass an ordered pandas Categorical")
        sub[v] = col.astype(float)
    empty = [v for v in names if sub[v].isna().all()]
    if empty:
        raise DataError(f"column(s) {empty} have no observed values (all missing); remove "
                        "them from the model or fix the import")
    complete = sub.notna().all(axis=1)
    dropped = list(sub.index[~complete])
    if dropped:
        per_col = ", ".join(f"{c}: {k}" for c, k in sub.isna().sum().items() if k)
        warnings.warn(
            f"listwise deletion dropped {len(dropped)} of {len(sub)} rows with missing "
            f"values (missing per column: {per_col}); WLSMV uses complete rows (lavaan "
            "default); impute first to keep them", DataWarning, stacklevel=4)
    sub = sub[complete]
    for v in names:
        k = sub[v].nunique()
        if k > _MANY_CATEGORIES:
            warnings.warn(f"ordered column {v!r} has {k} categories; with this many the "
                          "item is usually better treated as continuous", DataWarning,
                          stacklevel=4)
    return sub, dropped


def ordinal_partable(records, info, wstats: WLSStatistics):
    """Rewrite ML parameter-table records for the delta parameterization.

    Item residual variances become fixed (computed after estimation), item intercepts
    fixed at 0; threshold rows (``x|t1``...) are added after the regressions and scale
    factors (``x ~*~ x`` = 1) before the intercepts; free parameters are renumbered.
    """
    ordered = set(wstats.names)
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
    th_rows = [dict(lhs=wstats.names[j], op="|", rhs=name.split("|")[1], group=0, label="",
                    free=True, value=np.nan, start=np.nan, user=False, exo=False, pid=0)
               for j, name in zip(wstats.th_var, wstats.th_names)]
    scale_rows = [dict(lhs=v, op="~*~", rhs=v, group=0, label="", free=False, value=1.0,
                       start=np.nan, user=False, exo=False, pid=-1) for v in wstats.names]
    first_cov = next((k for k, r in enumerate(records) if r["op"] not in ("=~", "~")),
                     len(records))
    out = records[:first_cov] + th_rows + records[first_cov:]
    first_mean = next((k for k, r in enumerate(out) if r["op"] in ("~1", ":=")), len(out))
    out = out[:first_mean] + scale_rows + out[first_mean:]
    # renumber the free parameters in table order, keeping shared (equal) ones shared
    new_pid, nxt = {}, 0
    for r in out:
        if r["op"] == "|":
            r["pid"] = nxt
            nxt += 1
        elif r["op"] != ":=" and r["free"] and r["pid"] >= 0:
            if r["pid"] not in new_pid:
                new_pid[r["pid"]] = nxt
                nxt += 1
            r["pid"] = new_pid[r["pid"]]
    return out


# ---------------------------------------------------------------------------------------
# estimation
# ---------------------------------------------------------------------------------------
class DWLSProblem:
    """The DWLS discrepancy of one group and its Gauss–Newton minimisation.

    ``sigma(theta)`` stacks the model thresholds and the off-diagonal implied
    correlations in the order of :attr:`WLSStatistics.wls_obs`.
    """

    def __init__(self, ram, wstats: WLSStatistics, th_pid, npar):
        self.ram = ram
        self.wstats = wstats
        self.s = wstats.wls_obs
        self.w = 1.0 / np.diag(wstats.gamma)
        self.ii, self.jj = wstats.pairs
        self.th_pid = np.asarray(th_pid, dtype=int)
        self.nth = len(self.th_pid)
        self.npar = npar
        self.nobs = wstats.nobs

    def sigma(self, theta):
        Sigma = self.ram.implied(theta)[0]
        return np.concatenate([theta[self.th_pid], Sigma[self.ii, self.jj]])

    def jacobian(self, theta):
        """Δ = dσ/dθ (statistics x parameters)."""
        _, _, dS, _, _ = self.ram.delta(theta)
        D = np.zeros((len(self.s), self.npar))
        np.add.at(D, (np.arange(self.nth), self.th_pid), 1.0)
        D[self.nth:] = dS[:, self.ii, self.jj].T
        return D

    def discrepancy(self, theta):
        """Σ w (s − σ)²."""
        d = self.s - self.sigma(theta)
        return float(np.sum(self.w * d * d))

    def solve(self, theta0, max_iter=500, tol=1e-10):
        """Gauss–Newton with step halving; returns (theta, F, gradient, info, ok, iters)."""
        theta = np.asarray(theta0, float).copy()
        F = self.discrepancy(theta)
        ok = False
        it = 0
        for it in range(1, max_iter + 1):
            D = self.jacobian(theta)
            r = self.s - self.sigma(theta)
            WD = D * self.w[:, None]
            info = D.T @ WD
            grad = -2 * WD.T @ r
            try:
                step = np.linalg.solve(info, WD.T @ r)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(info, WD.T @ r, rcond=None)[0]
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
        D = self.jacobian(theta)
        WD = D * self.w[:, None]
        info = D.T @ WD
        grad = -2 * WD.T @ (self.s - self.sigma(theta))
        return theta, F, grad, info, ok, it


def _ugamma(Gamma, w, D, Einv):
    """UΓ with U = W − WΔE⁻¹Δ'W (lavaan's ``trace_ABA``/``original`` for diagonal W)."""
    GV = Gamma * w[None, :]
    return GV - D @ Einv @ D.T @ (Gamma * np.outer(w, w))


def _scaled_shifted(T, df, UG):
    tr, tr2 = float(np.trace(UG)), float(np.sum(UG * UG.T))
    a = np.sqrt(df / tr2)
    shift = df - a * tr
    return {"stat": a * T + shift, "scaling_factor": 1 / a, "shift": shift, "trace": tr,
            "trace2": tr2}


def _pupper(x, df):
    return float(1.0 - special.chdtr(df, x)) if df > 0 else np.nan


def _catml(wstats, P, Einv, D, w, df, df_b):
    """Savalei's (2021) catML statistics behind lavaan's robust CFI/TLI/RMSEA."""
    R = wstats.cor
    p = R.shape[0]
    N = wstats.nobs
    if np.min(np.linalg.eigvalsh(R)) < np.sqrt(np.finfo(float).eps):
        return None
    Pinv = np.linalg.inv(P)
    XX3 = N * (np.linalg.slogdet(P)[1] - np.linalg.slogdet(R)[1] + np.trace(R @ Pinv) - p)
    ii, jj = wstats.pairs
    V = Pinv[np.ix_(ii, ii)] * Pinv[np.ix_(jj, jj)] + Pinv[np.ix_(ii, jj)] * Pinv[np.ix_(jj, ii)]
    nth = len(wstats.th)
    Dc, wc = D[nth:], w[nth:]
    Gc = wstats.gamma[nth:, nth:]
    WiU = np.eye(len(wc)) - Dc @ Einv @ (Dc.T * wc[None, :])
    c3 = float(np.trace(WiU.T @ V @ WiU @ Gc)) / df if df > 0 else np.nan
    XX3_null = -N * np.linalg.slogdet(R)[1]
    c3_null = float(np.trace(Gc)) / df_b
    return {"T": XX3, "c": c3, "TB": XX3_null, "c_b": c3_null}


def _incremental(T, df, TB, dfB, c=1.0, cb=1.0):
    """lavaan's CFI, TLI, RNI with optional scaling (robust versions)."""
    t1 = T - c * df
    tb = TB - cb * dfB
    den = max(t1, tb, 0.0)
    cfi = 1.0 if np.isclose(max(t1, 0.0), 0.0) and np.isclose(den, 0.0) else \
        1 - max(t1, 0.0) / den
    tli = 1 - (t1 * dfB) / (tb * df) if df > 0 and tb != 0 else 1.0
    rni = 1 - t1 / tb if tb != 0 else np.nan
    return cfi, tli, rni


def _rmsea_block(T, df, N, c=1.0, Tci=None):
    rm = float(np.sqrt(max(T / (N * df) - c / N, 0.0))) if df > 0 else 0.0
    Tci = T if Tci is None else Tci
    lo, hi = rmsea_ci(Tci, df, N, c=c)
    close = float(1 - special.chndtr(Tci, df, N * df / c * 0.05 ** 2)) if df > 0 else np.nan
    notclose = float(special.chndtr(Tci, df, N * df / c * 0.08 ** 2)) if df > 0 else np.nan
    return rm, lo, hi, close, notclose


def wlsmv_inference(problem: DWLSProblem, theta, npar, P):
    """Robust vcov, scaled-shifted tests and every lavaan fit measure of a WLSMV fit.

    ``P`` is the implied correlation matrix of the items (unit diagonal).
    Returns ``(vcov, fit_measures Series, details dict)``.
    """
    ws = problem.wstats
    N = ws.nobs
    Nm = N - 1  # lavaan: ntotal - ngroups for (D)WLS
    w, s = problem.w, problem.s
    D = problem.jacobian(theta)
    E = D.T @ (D * w[:, None])
    Einv = np.linalg.inv(E)
    WD = D * w[:, None]
    vcov = Einv @ (WD.T @ ws.gamma @ WD) @ Einv / Nm
    sig = problem.sigma(theta)
    Fw = float(np.sum(w * (s - sig) ** 2))
    T = Nm * Fw
    ndat = len(s)
    df = ndat - npar
    ss = _scaled_shifted(T, df, _ugamma(ws.gamma, w, D, Einv))
    # baseline: thresholds free, correlations zero
    nth = len(ws.th)
    Db = np.zeros((ndat, nth))
    Db[np.arange(nth), np.arange(nth)] = 1.0
    Eb_inv = np.diag(1 / w[:nth])
    TB = Nm * float(np.sum(w[nth:] * s[nth:] ** 2))
    dfB = ndat - nth
    ssb = _scaled_shifted(TB, dfB, _ugamma(ws.gamma, w, Db, Eb_inv))
    fm = {"npar": npar, "fmin": 0.5 * Nm / N * Fw, "chisq": T, "df": df,
          "pvalue": _pupper(T, df), "chisq_scaled": ss["stat"], "df_scaled": df,
          "pvalue_scaled": _pupper(ss["stat"], df),
          "chisq_scaling_factor": ss["scaling_factor"], "baseline_chisq": TB,
          "baseline_df": dfB, "baseline_pvalue": _pupper(TB, dfB),
          "baseline_chisq_scaled": ssb["stat"], "baseline_df_scaled": dfB,
          "baseline_pvalue_scaled": _pupper(ssb["stat"], dfB),
          "baseline_chisq_scaling_factor": ssb["scaling_factor"]}
    cat = _catml(ws, P, Einv, D, w, df, dfB)
    for suffix, (t, tb) in {"": (T, TB), "_scaled": (ss["stat"], ssb["stat"])}.items():
        cfi, tli, rni = _incremental(t, df, tb, dfB)
        fm["cfi" + suffix], fm["tli" + suffix], fm["nnfi" + suffix] = cfi, tli, tli
        fm["rni" + suffix] = rni
        fm["rfi" + suffix] = 1 - (t / df) / (tb / dfB) if df > 0 else np.nan
        fm["nfi" + suffix] = (tb - t) / tb
        fm["pnfi" + suffix] = df / dfB * fm["nfi" + suffix]
        fm["ifi" + suffix] = (tb - t) / (tb - df)
    if cat is not None:
        cfi, tli, rni = _incremental(cat["T"], df, cat["TB"], dfB, cat["c"], cat["c_b"])
    else:
        cfi = tli = rni = np.nan
    fm["cfi_robust"], fm["tli_robust"], fm["nnfi_robust"], fm["rni_robust"] = \
        cfi, tli, tli, rni
    rm = _rmsea_block(T, df, Nm)
    fm.update(rmsea=rm[0], rmsea_ci_lower=rm[1], rmsea_ci_upper=rm[2], rmsea_ci_level=0.90,
              rmsea_pvalue=rm[3], rmsea_close_h0=0.05, rmsea_notclose_pvalue=rm[4],
              rmsea_notclose_h0=0.08)
    rm = _rmsea_block(ss["stat"], df, Nm)
    fm.update(rmsea_scaled=rm[0], rmsea_ci_lower_scaled=rm[1], rmsea_ci_upper_scaled=rm[2],
              rmsea_pvalue_scaled=rm[3], rmsea_notclose_pvalue_scaled=rm[4])
    if cat is not None:
        rm = _rmsea_block(cat["T"], df, Nm, c=cat["c"], Tci=cat["T"] / cat["c"])
    else:
        rm = (np.nan,) * 5
    fm.update(rmsea_robust=rm[0], rmsea_ci_lower_robust=rm[1], rmsea_ci_upper_robust=rm[2],
              rmsea_pvalue_robust=rm[3], rmsea_notclose_pvalue_robust=rm[4])
    # residual-based indices on correlations (+ thresholds for the "total" versions)
    p = ws.cor.shape[0]
    ss_cor = float(np.sum((s[nth:] - sig[nth:]) ** 2))
    ss_th = float(np.sum((s[:nth] - sig[:nth]) ** 2))
    n_tri, n_off = p * (p + 1) // 2, p * (p - 1) // 2
    fm["rmr"] = fm["srmr_bentler"] = np.sqrt((ss_cor + ss_th) / (n_tri + nth))
    fm["rmr_nomean"] = fm["srmr"] = fm["srmr_bentler_nomean"] = np.sqrt(ss_cor / n_tri)
    fm["crmr"] = np.sqrt((ss_cor + ss_th) / (n_off + nth))
    fm["crmr_nomean"] = np.sqrt(ss_cor / n_off)
    fm["srmr_mplus"] = fm["srmr_mplus_nomean"] = np.nan
    fm["cn_05"] = special.chdtri(df, 0.05) / (T / Nm) + 1 if df > 0 and T > 0 else np.nan
    fm["cn_01"] = special.chdtri(df, 0.01) / (T / Nm) + 1 if df > 0 and T > 0 else np.nan
    gfi = 1 - Fw / float(np.sum(w * s ** 2))
    fm["gfi"] = gfi
    fm["agfi"] = 1 - (ndat / df) * (1 - gfi) if df > 0 else 1.0
    fm["pgfi"] = (df / ndat) * gfi
    fm["mfi"] = float(np.exp(-0.5 * (T - df) / Nm))
    fm["wrmr"] = float(np.sqrt(T / ndat))
    details = {"scaled_shifted": ss, "baseline_scaled_shifted": ssb, "catml": cat,
               "information": E}
    return vcov, pd.Series(fm, dtype=float), details


def residual_variances(ram, theta, names):
    """θ_jj = 1 − (explained variance of y*_j) for the delta parameterization.

    Uses the RAM model with the item residual variances set to 0."""
    Sigma0 = ram.implied(theta)[0]
    return {v: 1.0 - Sigma0[k, k] for k, v in enumerate(ram.ov) if v in names}


# ---------------------------------------------------------------------------------------
# driver used by im_research.fit(..., ordered=...)
# ---------------------------------------------------------------------------------------
def fit_wlsmv(model, parsed, data, *, ordered, std_lv, fixed_x, start, max_iter,
              raise_on_heywood):
    """Fit ``model`` by WLSMV; called by :func:`im_research.fit` (see there)."""
    from . import _ram
    from .errors import HeywoodWarning, IdentificationError
    from .estimate import SampleStats, _check_identification, _start_values
    from .partable import partable_records
    from .result import SEMResult

    records, info = partable_records(model, ngroups=1, std_lv=std_lv, fixed_x=fixed_x,
                                     meanstructure=True)
    ov = info.ov
    missing_cols = [v for v in ov if v not in data.columns]
    if missing_cols:
        from .estimate import _check_columns
        _check_columns(data, ov, info.lv)  # raises with suggestions
    sub, dropped = prepare_ordinal_data(data, ov, ordered)
    sub = sub[ov]
    ws = wls_statistics(sub, ov)
    records = ordinal_partable(records, info, ws)
    pt = pd.DataFrame(records)
    npar = max((r["pid"] for r in records), default=-1) + 1
    ndat = len(ws.wls_obs)
    if npar > ndat:
        raise IdentificationError(
            f"the model has {npar} free parameters but the data give only {ndat} "
            f"statistics (thresholds and polychoric correlations); df = {ndat - npar}")
    ram = _ram.RAM([r for r in records if r["op"] != ":="], ov, info.lv, npar)
    th_pid = [r["pid"] for r in records if r["op"] == "|"]
    problem = DWLSProblem(ram, ws, th_pid, npar)
    stats = [SampleStats(ws.nobs, ws.cor.copy(), None, list(ov), sub, dropped)]
    theta0 = _start_values(records, info, stats, std_lv, npar)
    theta0[problem.th_pid] = ws.th
    if start is not None:
        theta0 = np.asarray(start, float).copy()
    theta, F, grad, info_m, ok, iters = problem.solve(theta0, max_iter=max_iter)
    # lavaan checks the gradient of fmin = F (N-1) / (2N)
    g_fmin = grad * 0.5 * (ws.nobs - 1) / ws.nobs
    if not ok or np.max(np.abs(g_fmin)) > 1e-3:
        if np.all(np.isfinite(info_m)):
            _check_identification(pt, info_m, npar)
        raise ConvergenceError(
            f"the WLSMV estimation did not converge ({iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g_fmin)):.2e}). No estimates are reported. Simplify the model, "
            "merge sparse categories, or give start= values.")
    _check_identification(pt, info_m, npar)
    # the delta parameterization: item residual variances make diag(Sigma*) = 1
    theta_res = residual_variances(ram, theta, set(ws.names))
    for k, r in enumerate(records):
        if r["op"] == "~~" and r["lhs"] == r["rhs"] and r["lhs"] in theta_res:
            pt.at[k, "value"] = r["value"] = theta_res[r["lhs"]]
            i = ov.index(r["lhs"])
            ram.S0[i, i] = theta_res[r["lhs"]]
    P = ram.implied(theta)[0]
    vcov, fm, details = wlsmv_inference(problem, theta, npar, P)
    result = SEMResult._from_fit(
        model=model, parsed=parsed, partable=pt, info=info, stats=stats, rams=[ram],
        problem=problem, theta=theta, F=F, information=info_m, converged=True,
        iterations=iters, group=None, group_labels=[None], estimator="WLSMV",
        std_lv=std_lv, fixed_x=fixed_x, meanstructure=True, ndat=ndat, missing="listwise")
    result._robust = {"vcov": vcov, "c": None}
    result._wlsmv = {"fit_measures": fm, **details, "wls_statistics": ws}
    result._finalise()
    heywood = result._heywood_messages()
    if heywood and raise_on_heywood:
        raise IdentificationError("; ".join(heywood))
    for msg in heywood:
        result.warnings.append(msg)
        warnings.warn(msg, HeywoodWarning, stacklevel=3)
    return result
