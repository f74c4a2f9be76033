"""``fit()``: maximum-likelihood estimation of lavaan models.

The estimation core is our own (numpy/scipy) so that every number can be made to agree
with lavaan; semopy is only used as a cross-check in tests and as a benchmark baseline
(see ``docs/why_our_own_core.md``).

Examples
--------
>>> import im_research as ir
>>> hs = ir.datasets.load_reference("HolzingerSwineford1939")   # doctest: +SKIP
>>> res = ir.fit("visual =~ x1 + x2 + x3", data=hs)               # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import _ram
from .errors import (ConvergenceError, DataError, DataWarning, IdentificationError)
from .partable import partable_records_and_frame
from .syntax import parse

__all__ = ["fit", "SampleStats"]

_ESTIMATORS = ("ML", "MLR")
_MISSING = ("listwise", "fiml")


@dataclass
class SampleStats:
    """Sample moments of one group (covariance with divisor N, as lavaan's ML)."""

    nobs: int
    cov: np.ndarray
    mean: np.ndarray | None
    names: list[str]
    data: pd.DataFrame | None = None
    dropped: list = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# data handling
# ---------------------------------------------------------------------------------------
def _suggest(name, candidates):
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _non_numeric_example(col: pd.Series) -> str:
    """`` (e.g. 'agree' in row 7)`` for the first cell of ``col`` that is not a number."""
    bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
    return f" (e.g. {bad.iloc[0]!r} in row {bad.index[0]!r})" if len(bad) else ""


def _check_columns(data: pd.DataFrame, ov: list[str], lv: list[str]):
    missing = [v for v in ov if v not in data.columns]
    if missing:
        msgs = []
        for v in missing:
            hint = _suggest(v, list(data.columns) + lv)
            msgs.append(f"{v!r}{hint}")
        raise DataError(
            "the model uses variables that are not columns of the data: " + "; ".join(msgs)
            + " (names are case-sensitive; a latent variable must be defined with =~ before"
            " it is used)")
    dup = sorted(set(data.columns[data.columns.duplicated()]) & set(ov))
    if dup:
        raise DataError(f"column(s) {dup} appear more than once in the data; rename them")
    sub = data[ov]
    numeric_ok = [dt.kind in "biuf" for dt in sub.dtypes]  # bool, int, unsigned, float
    if all(numeric_ok):  # the common case, checked on one numpy array (returned for reuse)
        x = sub.to_numpy(dtype=float)
        empty = np.isnan(x).all(axis=0)
        if empty.any():
            v = ov[int(np.argmax(empty))]
            raise DataError(f"column {v!r} has no observed values (all missing); remove "
                            "it from the model or fix the import")
        return x
    for k, v in enumerate(ov):
        col = data[v]
        if numeric_ok[k]:
            if col.isna().all():
                raise DataError(f"column {v!r} has no observed values (all missing); remove "
                                "it from the model or fix the import")
            continue
        if not pd.api.types.is_numeric_dtype(col):
            raise DataError(
                f"column {v!r} is not numeric{_non_numeric_example(col)}. Recode it to "
                "numbers first "
                "(im_research.io.read_survey maps Likert labels and Persian digits to codes),"
                " or declare it ordered.")
        if col.notna().sum() == 0:
            raise DataError(f"column {v!r} has no observed values (all missing); remove it "
                            "from the model or fix the import")
    return sub.to_numpy(dtype=float)


def _group_labels(data, group):
    """Group labels in order of first appearance (lavaan), ``[None]`` without groups."""
    if group is None:
        return [None]
    if group not in data.columns:
        raise DataError(f"group column {group!r} is not in the data." +
                        _suggest(group, data.columns))
    if data[group].isna().any():
        rows = list(data.index[data[group].isna()][:5])
        raise DataError(f"group column {group!r} has missing values (rows {rows}...); "
                        "drop or recode them first")
    return list(pd.unique(data[group]))


def _sample_stats_from_data(data, ov, missing, meanstructure, group_label=None, x=None):
    """Moments of the complete rows (``x``: ``data[ov]`` as floats, if already made)."""
    if x is None:
        x = data[ov].to_numpy(dtype=float)
    complete = ~np.isnan(x).any(axis=1)
    dropped = list(data.index[~complete])
    where = "" if group_label is None else f" in group {group_label!r}"
    if dropped:
        if missing == "listwise":
            n_na = np.isnan(x).sum(axis=0)
            per_col = ", ".join(f"{c}: {k}" for c, k in zip(ov, n_na) if k)
            msg = (f"listwise deletion dropped {len(dropped)} of {len(x)} rows{where} with "
                   f"missing values (missing per column: {per_col}); "
                   f"use missing='fiml' to keep them")
            warnings.warn(msg, DataWarning, stacklevel=4)
        x = x[complete]
    n = len(x)
    if n < 2:
        raise DataError(f"only {n} complete row(s){where}; cannot estimate a covariance matrix")
    sub = pd.DataFrame(x, index=data.index[complete], columns=ov)
    mean = x.mean(axis=0)
    dev = x - mean
    cov = dev.T @ dev / n
    sd = np.sqrt(np.diag(cov))
    const = [v for v, s in zip(ov, sd) if s == 0]
    if const:
        raise DataError(f"column(s) {const} are constant{where} (zero variance); a constant "
                        "cannot be modelled — remove it from the model")
    return SampleStats(n, cov, mean if meanstructure else None, list(ov), sub, dropped)


def _fiml_stats(data, ov, ov_x, group_label=None):
    """Rows and EM moments for FIML; removes (and reports) rows without any model
    variable, and rows missing an exogenous covariate (fixed.x, as lavaan)."""
    from .missing import em_saturated

    sub = data[ov].astype(float)
    where = "" if group_label is None else f" in group {group_label!r}"
    empty = sub.isna().all(axis=1)
    drop = empty | (sub[ov_x].isna().any(axis=1) if ov_x else False)
    dropped = list(sub.index[drop])
    if dropped:
        warnings.warn(f"FIML removed {int(empty.sum())} rows{where} with every model variable "
                      f"missing and {int(drop.sum() - empty.sum())} rows with a missing "
                      f"exogenous covariate {ov_x}", DataWarning, stacklevel=4)
    sub = sub[~drop]
    if len(sub) < 2:
        raise DataError(f"only {len(sub)} usable row(s){where} for FIML")
    mu, Sigma, ll = em_saturated(sub.to_numpy())
    st = SampleStats(len(sub), Sigma, mu, list(ov), sub, dropped)
    st.h1_logl = ll
    return st


def _check_pd(cov, names, where):
    eig = np.linalg.eigvalsh(cov)
    if eig[0] <= 1e-10 * max(eig[-1], 1e-300):
        # name the variables involved in the smallest eigenvector
        w, v = np.linalg.eigh(cov)
        vec = np.abs(v[:, 0])
        involved = [names[i] for i in np.argsort(-vec)[:4] if vec[i] > 0.1]
        raise DataError(
            f"the {where} is not positive definite (smallest eigenvalue {eig[0]:.3g}); "
            f"variables involved: {involved}. Look for a variable that is a sum or copy of "
            "others, more variables than cases, or a mistyped matrix entry.")


def _cov_input(cov, nobs, means, sd, ov):
    if isinstance(cov, pd.DataFrame):
        names = [str(c) for c in cov.columns]
        if list(map(str, cov.index)) != names:
            raise DataError("cov: row and column names must be the same variables in the same"
                            " order")
        mat = cov.to_numpy(dtype=float)
    else:
        raise DataError("cov must be a pandas DataFrame with variable names as index and "
                        "columns (e.g. pd.DataFrame(matrix, index=names, columns=names))")
    if nobs is None:
        raise DataError("nobs= (the sample size) is required with cov=")
    nobs = int(nobs)
    if not np.allclose(mat, mat.T, atol=1e-8):
        i, j = np.unravel_index(np.argmax(np.abs(mat - mat.T)), mat.shape)
        raise DataError(f"cov is not symmetric: entry [{names[i]}, {names[j]}] = {mat[i, j]} "
                        f"but [{names[j]}, {names[i]}] = {mat[j, i]}")
    missing = [v for v in ov if v not in names]
    if missing:
        raise DataError(f"variables {missing} are in the model but not in cov (it has "
                        f"{names})")
    idx = [names.index(v) for v in ov]
    mat = mat[np.ix_(idx, idx)]
    is_cor = np.allclose(np.diag(mat), 1.0)
    if sd is not None:
        sd_s = pd.Series(sd) if not isinstance(sd, pd.Series) else sd
        if isinstance(sd, (list, tuple, np.ndarray)):
            sd_s = pd.Series(np.asarray(sd, float), index=names)
        miss = [v for v in ov if v not in sd_s.index]
        if miss:
            raise DataError(f"sd= lacks standard deviations for {miss}")
        if not is_cor:
            raise DataError("sd= was given but cov is not a correlation matrix (its diagonal"
                            " is not all 1); give either a covariance matrix, or a "
                            "correlation matrix with sd=")
        d = sd_s[ov].to_numpy(float)
        if np.any(d <= 0):
            raise DataError("sd= must be positive")
        mat = mat * np.outer(d, d)
    elif is_cor:
        warnings.warn("cov has a unit diagonal: it is analysed as a covariance matrix. If it is "
                      "a correlation matrix from a paper, pass the SDs with sd= so that "
                      "unstandardized estimates and SEs are right.", DataWarning, stacklevel=3)
    _check_pd(mat, ov, "covariance matrix given in cov=")
    mean = None
    if means is not None:
        ms = pd.Series(means) if not isinstance(means, pd.Series) else means
        mean = ms[ov].to_numpy(float)
    # lavaan's sample.cov.rescale: input divisor N-1 -> ML divisor N
    return SampleStats(nobs, mat * (nobs - 1) / nobs, mean, list(ov))


# ---------------------------------------------------------------------------------------
# starting values (lavaan's, simplified: fabin3-type loadings, 0.5 s_ii residuals)
# ---------------------------------------------------------------------------------------
def _start_values(records, info, stats_by_group, std_lv, npar):
    theta = np.full(npar, np.nan)
    for g, st in enumerate(stats_by_group):
        S = st.cov
        pos = {v: i for i, v in enumerate(st.names)}
        rows = [r for r in records if r["group"] == g and r["op"] != ":="]
        lam, psi = {}, {}
        for f, inds in info.indicators.items():
            obs = [v for v in inds if v in pos]
            if not obs:
                continue
            r = obs[0]
            ir = pos[r]
            for i_name in obs[1:]:
                i = pos[i_name]
                others = [pos[v] for v in obs if v not in (r, i_name)]
                if others:
                    Srr = S[np.ix_(others, others)]
                    try:
                        w = np.linalg.solve(Srr, S[others, ir])
                        den = S[ir, others] @ w
                        val = (S[i, others] @ w) / den if den > 0 else 1.0
                    except np.linalg.LinAlgError:
                        val = 1.0
                else:
                    val = 1.0
                lim = np.sqrt(S[i, i] / (0.1 * S[ir, ir]))
                lam[(f, i_name)] = float(np.clip(val, -lim, lim))
            # common variance of the marker from triads, bounded
            est = []
            for a in range(1, len(obs)):
                for b in range(a + 1, len(obs)):
                    ja, jb = pos[obs[a]], pos[obs[b]]
                    if S[ja, jb] != 0:
                        est.append(S[ir, ja] * S[ir, jb] / S[ja, jb])
            ps = float(np.median(est)) if est else 0.5 * S[ir, ir]
            psi[f] = float(np.clip(ps, 0.05 * S[ir, ir], 0.95 * S[ir, ir]))
        for r in rows:
            pid = int(r["pid"])
            if pid < 0 or not np.isnan(theta[pid]):
                continue
            if not np.isnan(r["start"]):
                theta[pid] = r["start"]
                continue
            op, lhs, rhs = r["op"], r["lhs"], r["rhs"]
            if op == "=~":
                v = lam.get((lhs, rhs), 1.0)
                if std_lv:
                    v *= np.sqrt(psi.get(lhs, 1.0))
                theta[pid] = v
            elif op == "~~" and lhs == rhs:
                if lhs in pos:
                    theta[pid] = 0.5 * S[pos[lhs], pos[lhs]] if lhs not in info.ov_x else \
                        S[pos[lhs], pos[lhs]]
                else:
                    # common variance of the marker (lavaan starts at 0.05, which makes
                    # the first Fisher-scoring steps wander for endogenous factors)
                    theta[pid] = psi.get(lhs, 0.05)
            elif op == "~~":
                if lhs in info.ov_x and rhs in info.ov_x:
                    theta[pid] = S[pos[lhs], pos[rhs]]
                else:
                    theta[pid] = 0.0
            elif op == "~1":
                theta[pid] = st.mean[pos[lhs]] if (lhs in pos and st.mean is not None) else 0.0
            else:
                theta[pid] = 0.0
        # observed-variable regressions: OLS starts (lavaan does this for models w/o latents)
        if not info.lv:
            for y in info.ov_y:
                reg = [r for r in rows if r["op"] == "~" and r["lhs"] == y]
                xs = [r["rhs"] for r in reg if r["rhs"] in pos]
                if not xs or len(xs) != len(reg):
                    continue
                ix = [pos[x] for x in xs]
                try:
                    b = np.linalg.solve(S[np.ix_(ix, ix)], S[ix, pos[y]])
                except np.linalg.LinAlgError:
                    continue
                for r, bval in zip(reg, b):
                    if r["pid"] >= 0 and np.isnan(r["start"]):
                        theta[int(r["pid"])] = bval
                resid = S[pos[y], pos[y]] - S[ix, pos[y]] @ b
                vrow = [r for r in rows if r["op"] == "~~" and r["lhs"] == y and r["rhs"] == y]
                if vrow and vrow[0]["pid"] >= 0 and 0.01 * S[pos[y], pos[y]] < resid:
                    theta[int(vrow[0]["pid"])] = resid
    theta[np.isnan(theta)] = 0.0
    return theta


# ---------------------------------------------------------------------------------------
# objective, gradient and expected information
# ---------------------------------------------------------------------------------------
class MLProblem:
    """ML discrepancy summed over groups with weights N_g / N.

    ``F = sum_g w_g [log|Sigma| + tr(S Sigma^-1) - log|S| - p + (m - mu)' Sigma^-1 (m - mu)]``
    (lavaan reports ``fmin = F / 2``; chi-square is ``N * F``).
    """

    def __init__(self, rams, stats):
        self.rams = rams
        self.stats = stats
        self.ntotal = sum(s.nobs for s in stats)
        self.weights = np.array([s.nobs / self.ntotal for s in stats])
        self.logdetS = [np.linalg.slogdet(s.cov)[1] for s in stats]
        self.npar = rams[0].npar

    def objective(self, theta):
        total = 0.0
        for ram, st, w, lds in zip(self.rams, self.stats, self.weights, self.logdetS):
            Sigma, mu, *_ = ram.implied(theta)
            try:
                Lc = np.linalg.cholesky(Sigma)
            except np.linalg.LinAlgError:
                return np.inf
            logdet = 2 * np.log(np.diag(Lc)).sum()
            Sinv = _ram.small_inv(Sigma)
            f = logdet + np.trace(Sinv @ st.cov) - lds - ram.p
            if st.mean is not None:
                d = st.mean - mu
                f += d @ Sinv @ d
            total += w * f
        return total

    def evaluate(self, theta, info=True):
        """Return (F, gradient of F, unit expected information) or F=inf if not PD."""
        F = 0.0
        grad = np.zeros(self.npar)
        I = np.zeros((self.npar, self.npar)) if info else None
        for ram, st, w, lds in zip(self.rams, self.stats, self.weights, self.logdetS):
            if info:
                Sigma, mu, dS, dm, _ = ram.delta(theta)
            else:
                Sigma, mu, *_ = ram.implied(theta)
            try:
                Lc = np.linalg.cholesky(Sigma)
            except np.linalg.LinAlgError:
                return np.inf, None, None
            logdet = 2 * np.log(np.diag(Lc)).sum()
            Sinv = _ram.small_inv(Sigma)
            W = st.cov
            f = logdet + np.trace(Sinv @ W) - lds - ram.p
            if st.mean is not None:
                d = st.mean - mu
                f += d @ Sinv @ d
                W = W + np.outer(d, d)
            Omega = Sinv @ (W - Sigma) @ Sinv
            if info:
                k = dS.shape[0]
                g = -(dS.reshape(k, -1) @ Omega.ravel())
                if st.mean is not None:
                    g -= 2 * dm @ (Sinv @ d)
            else:
                g = ram.gradient(theta, Omega, Sinv @ d if st.mean is not None else None)
            F += w * f
            grad += w * g
            if info:
                X = Sinv @ dS  # (k, p, p); I_kl = tr(X_k X_l) / 2
                Ig = 0.5 * (X.reshape(k, -1) @ X.transpose(0, 2, 1).reshape(k, -1).T)
                if st.mean is not None or ram.meanstructure:
                    Ig += dm @ Sinv @ dm.T
                I += w * Ig
        return F, grad, I


def _fisher_scoring(problem: MLProblem, theta0, max_iter=500, tol=1e-10, bfgs=True,
                    final_info=True):
    """Minimise F from ``theta0``. Returns (theta, F, grad, info, ok, iterations, message).

    ``bfgs=False`` keeps pure Fisher scoring (best from a warm start, e.g. bootstrap
    draws); ``final_info=False`` skips recomputing the information at the solution."""
    theta = theta0.copy()
    F, g, I = problem.evaluate(theta)
    if not np.isfinite(F):
        # lavaan: non-finite start -> shrink starts
        for _ in range(10):
            theta = theta / 10 + 0.0
            F, g, I = problem.evaluate(theta)
            if np.isfinite(F):
                break
        else:
            return theta, F, g, I, False, 0, "the starting values give a non-positive-definite" \
                " implied covariance matrix"
    it = 0
    H_inv = None  # BFGS inverse Hessian, started from the Fisher information
    for it in range(1, max_iter + 1):
        # Fisher scoring far from the optimum; near it, BFGS started from the expected
        # information picks up the curvature that misfit adds (superlinear convergence)
        use_bfgs = bfgs and np.max(np.abs(g)) < 1e-3
        if use_bfgs and H_inv is None:
            try:
                H_inv = np.linalg.inv(2 * I)
            except np.linalg.LinAlgError:
                use_bfgs = False
        if use_bfgs:
            step = -H_inv @ g
        else:
            try:
                step = -np.linalg.solve(2 * I, g)
            except np.linalg.LinAlgError:
                step = -np.linalg.lstsq(2 * I, g, rcond=None)[0]
        alpha = 1.0
        for _ in range(40):
            cand = theta + alpha * step
            Fc, gc, Ic = problem.evaluate(cand, info=not use_bfgs)
            if np.isfinite(Fc) and Fc <= F + 1e-12 * max(1.0, abs(F)):
                break
            alpha /= 2
        else:
            return theta, F, g, I, bool(np.max(np.abs(g)) < 1e-6), it, "line search failed"
        dF = F - Fc
        if use_bfgs:
            s_k, y_k = cand - theta, gc - g
            sy = s_k @ y_k
            if sy > 1e-14:
                rho = 1.0 / sy
                Hy = H_inv @ y_k
                H_inv = (H_inv - rho * (np.outer(s_k, Hy) + np.outer(Hy, s_k))
                         + (rho * rho * (y_k @ Hy) + rho) * np.outer(s_k, s_k))
            Ic = I
        theta, F, g, I = cand, Fc, gc, Ic
        if np.max(np.abs(g)) < tol or (dF < 1e-15 and np.max(np.abs(g)) < 1e-6):
            if use_bfgs and final_info:
                I = problem.evaluate(theta)[2]
            return theta, F, g, I, True, it, "converged"
    return theta, F, g, I, False, it, f"no convergence after {max_iter} iterations"


def _quasi_newton(problem: MLProblem, theta0):
    from scipy.optimize import minimize

    def fun(th):
        F, g, _ = problem.evaluate(th, info=False)
        if not np.isfinite(F):
            return 1e10, np.zeros_like(th)
        return F, g

    res = minimize(fun, theta0, jac=True, method="BFGS",
                   options={"gtol": 1e-9, "maxiter": 20000})
    F, g, I = problem.evaluate(res.x)
    ok = np.isfinite(F) and np.max(np.abs(g)) < 1e-5
    return res.x, F, g, I, ok, res.nit, res.message


def observed_information(problem, theta):
    """Observed information per unit: the Hessian of fmin = F / 2, by central differences
    of the analytic gradient, symmetrised (lavaan's default for MLR and FIML)."""
    npar = len(theta)
    H = np.zeros((npar, npar))
    for k in range(npar):
        h = 1e-6 * max(1.0, abs(theta[k]))
        tp, tm = theta.copy(), theta.copy()
        tp[k] += h
        tm[k] -= h
        H[:, k] = (problem.evaluate(tp, info=False)[1] - problem.evaluate(tm, info=False)[1]) \
            / (2 * h)
    return 0.25 * (H + H.T)


def _name_params(pt, pids):
    first = pt.drop_duplicates("pid").set_index("pid")
    return [f"{first.at[p, 'lhs']} {first.at[p, 'op']} {first.at[p, 'rhs']}".strip()
            for p in pids]


def _check_identification(pt, I, npar):
    if npar == 0:
        return
    w, v = np.linalg.eigh(I)
    scale = max(abs(w[-1]), 1e-300)
    bad = np.where(w < 1e-9 * scale)[0]
    if len(bad):
        vec = np.abs(v[:, bad[0]])
        involved = np.argsort(-vec)[:6]
        involved = [int(k) for k in involved if vec[k] > 0.05]
        raise IdentificationError(
            "the model is not identified: the information matrix is singular "
            f"(smallest eigenvalue {w[0]:.2e}). Parameters involved: "
            f"{_name_params(pt, involved)}. Fix a loading to 1 or a variance to 1 for each "
            "factor, add constraints, or remove paths.")


# ---------------------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------------------
def fit(model, data=None, *, cov=None, nobs=None, means=None, sd=None, estimator=None,
        missing="listwise", std_lv=False, fixed_x=True, meanstructure=False, group=None,
        group_equal=(), group_partial=(), ordered=None, start=None, max_iter=500,
        raise_on_heywood=False):
    """Fit a structural equation model written in lavaan syntax.

    Parameters
    ----------
    model : str
        lavaan model syntax (``=~``, ``~``, ``~~``, ``~1``, ``:=``, labels, fixed values).
    data : pandas.DataFrame, optional
        Raw data, one row per respondent; columns named as in the model.
    cov : pandas.DataFrame, optional
        Sample covariance matrix (divisor N-1, as published), or a correlation matrix
        together with ``sd``. Needs ``nobs``. Rescaled by (N-1)/N as lavaan does.
    nobs : int, optional
        Sample size for ``cov`` input.
    means : Series or dict, optional
        Sample means for ``cov`` input (adds a mean structure).
    sd : Series, dict or sequence, optional
        Standard deviations turning a correlation matrix in ``cov`` into a covariance.
    estimator : {"ML", "MLR", "WLSMV"}, optional
        Maximum likelihood (the default for continuous data), or ML with Huber-White
        robust SEs and the Yuan-Bentler scaled test (``"MLR"``, needs raw data; see
        :mod:`im_research.robust`). ``"WLSMV"`` is the default (and the only choice) with
        ``ordered=``.
    missing : {"listwise", "fiml", "pairwise"}
        ``"pairwise"`` (with ``ordered=``, lavaan's option for WLSMV): thresholds from each
        item's answers, polychorics from pairwise-present rows.
        ``"listwise"``: rows with missing values are dropped and the number is reported
        (warning and ``result.dropped_rows``). ``"fiml"``: full-information ML with a mean
        structure and observed-information SEs (lavaan ``missing = "ml"``; see
        :mod:`im_research.missing`). Combined with ``estimator="MLR"`` (lavaan
        ``missing = "ml", estimator = "MLR"``): Huber-White SEs from the casewise scores
        of the incomplete rows, the Yuan-Bentler scaled test with the saturated model at
        its EM estimates, and lavaan's FIML-corrected robust CFI/TLI/RMSEA.
    std_lv : bool
        Identify factors by fixing their variances to 1 (lavaan ``std.lv``).
    fixed_x : bool
        Treat exogenous observed covariates as fixed (lavaan ``fixed.x``, default True).
    meanstructure : bool
        Add intercepts and means (automatic with ``~1`` in the model or with groups).
    group : str, optional
        Column defining groups (multi-group model; groups in order of first appearance).
    group_equal, group_partial : sequence of str
        lavaan's ``group.equal`` and ``group.partial``.
    ordered : True or list of str, optional
        Treat the items as ordered categories (lavaan ``ordered =``): thresholds and
        polychoric correlations, DWLS estimation with the delta parameterization, robust
        SEs and the scaled-shifted test (WLSMV; see :mod:`im_research.wlsmv`). ``True``
        means every observed variable of the model; with a list the other variables are
        continuous (polyserial correlations, as lavaan). Works with ``group=`` and
        ``group_equal=("thresholds", "loadings", ...)``. Thresholds appear in
        ``params`` with ``op == "|"``. Complete rows only (listwise, reported).
    start : array-like, optional
        Starting values for the free parameters (in ``vcov`` order).
    max_iter : int
        Iteration limit of the optimiser.
    raise_on_heywood : bool
        Raise instead of warning when a variance estimate is negative.

    Returns
    -------
    SEMResult
        ``params``, ``fit_measures``, ``rsquare``, ``summary()``, ``modindices()``, ...

    Raises
    ------
    ModelSyntaxError, DataError, IdentificationError, ConvergenceError

    Examples
    --------
    >>> import numpy as np, pandas as pd, im_research as ir
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=300)
    >>> df = pd.DataFrame({f"x{i}": 0.8 * f + rng.normal(scale=0.6, size=300)
    ...                    for i in (1, 2, 3)})
    >>> res = ir.fit("f =~ x1 + x2 + x3", data=df)
    >>> int(res.fit_measures["df"])
    0
    """
    from .result import SEMResult  # noqa: PLC0415 (result imports estimate helpers)

    if ordered is not None and ordered is not False:
        if missing == "fiml":
            raise ValueError("ordered= cannot be combined with missing='fiml' (lavaan refuses "
                             "too: FIML is a normal-theory method). Either treat the Likert "
                             "items as continuous with missing='fiml', or use ordered= with "
                             "complete cases (listwise) or imputed data")
        if estimator is not None and str(estimator).upper() != "WLSMV":
            raise ValueError(f"estimator={estimator!r} does not handle ordered= items; use "
                             "estimator='WLSMV' (the default with ordered=), or drop "
                             "ordered= to treat the codes as continuous (e.g. 'MLR')")
        if missing not in ("listwise", "pairwise"):
            raise ValueError(f"missing={missing!r} is not available with ordered=; use "
                             "'listwise' (complete rows) or 'pairwise' (lavaan's options)")
        if data is None:
            raise DataError("ordered= needs the raw data (data=): thresholds, polychoric "
                            "correlations and their weights come from the responses")
        if not isinstance(data, pd.DataFrame):
            raise DataError("data must be a pandas DataFrame")
        from .wlsmv import fit_wlsmv
        parsed = parse(model) if isinstance(model, str) else model
        return fit_wlsmv(model, parsed, pd.DataFrame(data), ordered=ordered, std_lv=std_lv,
                         fixed_x=fixed_x, start=start, max_iter=max_iter,
                         raise_on_heywood=raise_on_heywood, group=group,
                         group_equal=group_equal, group_partial=group_partial,
                         missing=missing)
    estimator = "ML" if estimator is None else str(estimator).upper()
    if estimator not in _ESTIMATORS:
        raise ValueError(f"estimator={estimator!r} is not available yet; use one of "
                         f"{_ESTIMATORS}" + (" (WLSMV needs ordered=)" if estimator ==
                                              "WLSMV" else ""))
    if missing not in _MISSING:
        raise ValueError(f"missing={missing!r} is not available yet; use one of {_MISSING}"
                         + (" ('pairwise' is available with ordered=)"
                            if missing == "pairwise" else ""))
    if (data is None) == (cov is None):
        raise DataError("give either data= (raw data) or cov= with nobs= (summary data)")
    if data is not None:
        if not isinstance(data, pd.DataFrame):
            raise DataError("data must be a pandas DataFrame")
        # a shallow view without .attrs: pandas deep-copies attrs (e.g. a dataset's
        # codebook) on every column access, which would dominate the fit time
        data = pd.DataFrame(data)

    parsed = parse(model) if isinstance(model, str) else model
    # group structure
    if group is not None and data is None:
        raise DataError("group= needs raw data (data=) with a group column")
    group_labels = _group_labels(data, group)
    ngroups = len(group_labels)
    if ngroups > 1 or missing == "fiml":
        meanstructure = True
    if missing == "fiml" and data is None:
        raise DataError("missing='fiml' needs the raw data (data=)")
    records, info, pt = partable_records_and_frame(
        model, ngroups=ngroups, std_lv=std_lv, fixed_x=fixed_x,
        meanstructure=meanstructure or means is not None, group_equal=group_equal,
        group_partial=group_partial)
    ms = any(r["op"] == "~1" for r in records)
    ov = info.ov

    # sample statistics
    if data is not None:
        x_all = _check_columns(data, ov, info.lv)
        stats = []
        for gl in group_labels:
            sub = data if gl is None else data[data[group] == gl]
            if missing == "fiml":
                stats.append(_fiml_stats(sub, ov, info.ov_x if fixed_x else [], gl))
                continue
            st = _sample_stats_from_data(sub, ov, missing, True, gl,
                                         x=x_all if gl is None else None)
            if not ms:
                st.mean = None
            if st.nobs <= len(ov) and ngroups > 1:
                raise DataError(f"group {gl!r} has only {st.nobs} complete cases for "
                                f"{len(ov)} variables; merge small groups or drop the group")
            _check_pd(st.cov, ov, "sample covariance matrix" +
                      ("" if gl is None else f" of group {gl!r}"))
            stats.append(st)
    else:
        if estimator == "MLR":
            raise DataError("estimator='MLR' needs the raw data (data=): robust standard "
                            "errors use each respondent's scores; with a covariance matrix "
                            "use estimator='ML'")
        stats = [_cov_input(cov, nobs, means, sd, ov)]
        if ms and stats[0].mean is None:
            raise DataError("the model has a mean structure (~1) but no means= were given")

    # exogenous covariates: fixed at sample values
    for g, st in enumerate(stats):
        pos = {v: i for i, v in enumerate(st.names)}
        for r in records:
            if r["group"] == g and r["exo"]:
                r["value"] = (st.cov[pos[r["lhs"]], pos[r["rhs"]]] if r["op"] == "~~"
                              else st.mean[pos[r["lhs"]]])
    pt["value"] = [r["value"] for r in records]  # exogenous covariates filled in above
    npar = max((r["pid"] for r in records), default=-1) + 1
    p = len(ov)
    px = len(info.ov_x) if fixed_x else 0
    ndat = ngroups * (p * (p + 1) // 2 + (p if ms else 0)
                      - (px * (px + 1) // 2 + (px if ms else 0)))
    if npar > ndat:
        raise IdentificationError(
            f"the model has {npar} free parameters but the data give only {ndat} "
            f"sample moments (df = {ndat - npar}); fix or remove {npar - ndat} parameter(s)")

    rams = [_ram.RAM([r for r in records if r["group"] == g and r["op"] != ":="], ov,
                     info.lv, npar) for g in range(ngroups)]
    if missing == "fiml":
        from .missing import FIMLProblem
        problem = FIMLProblem(rams, [st.data.to_numpy(float) for st in stats])
    else:
        problem = MLProblem(rams, stats)
    theta0 = _start_values(records, info, stats, std_lv, npar)
    if start is not None:
        theta0 = np.asarray(start, float).copy()
    theta, F, g, I, ok, iters, msg = _fisher_scoring(problem, theta0, max_iter=max_iter)
    if not ok and npar and iters < max_iter:
        theta_b, F_b, g_b, I_b, ok_b, it_b, msg_b = _quasi_newton(problem, theta0)
        if ok_b or (np.isfinite(F_b) and F_b < F):
            theta, F, g, I, ok, iters, msg = theta_b, F_b, g_b, I_b, ok_b, iters + it_b, msg_b
    # lavaan's check: max |gradient of fmin| <= 1e-3
    converged = bool(ok and np.isfinite(F) and (npar == 0 or np.max(np.abs(g / 2)) <= 1e-3))
    result = SEMResult._from_fit(
        model=model, parsed=parsed, partable=pt, info=info, stats=stats, rams=rams,
        problem=problem, theta=theta, F=F, information=I, converged=converged,
        iterations=iters, group=group, group_labels=group_labels, estimator=estimator,
        std_lv=std_lv, fixed_x=fixed_x, meanstructure=ms, ndat=ndat, missing=missing)
    if not converged:
        if I is not None and np.all(np.isfinite(I)):
            _check_identification(pt, I, npar)  # a flat direction explains the failure
        raise ConvergenceError(
            f"the model did not converge ({msg}; {iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g)) if g is not None else float('nan'):.2e}). No estimates are "
            "reported. Try other starting values (start=), simplify the model, or check for"
            " variables on very different scales.", result=result)
    _check_identification(pt, I, npar)
    if missing == "fiml":
        from .missing import coverage, missing_patterns
        used = pd.concat([st.data for st in stats])
        result.missing_patterns = missing_patterns(used, ov)
        result.coverage = coverage(used, ov)
        A = observed_information(problem, theta)
        result._robust = {"vcov": np.linalg.inv(A) / problem.ntotal, "c": None}
        if estimator == "MLR":
            from .missing import fiml_robust
            p_ = len(ov)
            df_b = ngroups * (p_ * (p_ + 1) // 2 + p_ - 2 * p_)
            result._robust = fiml_robust(problem, rams, stats, theta, npar, ndat - npar, df_b)
    elif estimator == "MLR":
        from .robust import robust_vcov_and_scaling
        df = ndat - npar
        vcov, c, *_ = robust_vcov_and_scaling(problem, rams, stats, theta, npar, df, ms)
        result._robust = {"vcov": vcov, "c": c}
    result._finalise()
    result._flag_heywood(raise_on_heywood, stacklevel=2)
    return result
