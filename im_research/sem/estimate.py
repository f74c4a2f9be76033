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

import numpy as np
import pandas as pd

from ..errors import ConvergenceError, DataError, IdentificationError
from . import ram as _ram
from .missing import FIMLProblem, coverage, fiml_robust, fiml_stats, missing_patterns
from .ml import MLProblem, check_identification, fisher_scoring, observed_information, quasi_newton
from .moments import (
    check_columns,
    check_positive_definite,
    cov_input,
    group_labels_in,
    sample_stats_from_data,
)
from .partable import partable_records_and_frame
from .result import SEMResult
from .robust import robust_vcov_and_scaling
from .start import start_values
from .syntax import parse
from .wlsmv import WLSMVEstimate, estimate_wlsmv

__all__ = ["fit"]

_ESTIMATORS = ("ML", "MLR")
_MISSING = ("listwise", "fiml")




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
        :mod:`im_research.sem.robust`). ``"WLSMV"`` is the default (and the only choice) with
        ``ordered=``.
    missing : {"listwise", "fiml", "pairwise"}
        ``"pairwise"`` (with ``ordered=``, lavaan's option for WLSMV): thresholds from each
        item's answers, polychorics from pairwise-present rows.
        ``"listwise"``: rows with missing values are dropped and the number is reported
        (warning and ``result.dropped_rows``). ``"fiml"``: full-information ML with a mean
        structure and observed-information SEs (lavaan ``missing = "ml"``; see
        :mod:`im_research.sem.missing`). Combined with ``estimator="MLR"`` (lavaan
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
        SEs and the scaled-shifted test (WLSMV; see :mod:`im_research.sem.wlsmv`). ``True``
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
        parsed = parse(model) if isinstance(model, str) else model
        est = estimate_wlsmv(model, pd.DataFrame(data), ordered=ordered, std_lv=std_lv,
                             fixed_x=fixed_x, start=start, max_iter=max_iter, group=group,
                             group_equal=group_equal, group_partial=group_partial,
                             missing=missing)
        return _wlsmv_result(est, model, parsed, group=group, std_lv=std_lv,
                             fixed_x=fixed_x, missing=missing,
                             raise_on_heywood=raise_on_heywood)
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
    group_labels = group_labels_in(data, group)
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
        x_all = check_columns(data, ov, info.lv)
        stats = []
        for gl in group_labels:
            sub = data if gl is None else data[data[group] == gl]
            if missing == "fiml":
                stats.append(fiml_stats(sub, ov, info.ov_x if fixed_x else [], gl))
                continue
            st = sample_stats_from_data(sub, ov, missing, True, gl,
                                         x=x_all if gl is None else None)
            if not ms:
                st.mean = None
            if st.nobs <= len(ov) and ngroups > 1:
                raise DataError(f"group {gl!r} has only {st.nobs} complete cases for "
                                f"{len(ov)} variables; merge small groups or drop the group")
            check_positive_definite(st.cov, ov, "sample covariance matrix" +
                      ("" if gl is None else f" of group {gl!r}"))
            stats.append(st)
    else:
        if estimator == "MLR":
            raise DataError("estimator='MLR' needs the raw data (data=): robust standard "
                            "errors use each respondent's scores; with a covariance matrix "
                            "use estimator='ML'")
        stats = [cov_input(cov, nobs, means, sd, ov)]
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
        problem = FIMLProblem(rams, [st.data.to_numpy(float) for st in stats])
    else:
        problem = MLProblem(rams, stats)
    theta0 = start_values(records, info, stats, std_lv, npar)
    if start is not None:
        theta0 = np.asarray(start, float).copy()
    theta, F, g, I, ok, iters, msg = fisher_scoring(problem, theta0, max_iter=max_iter)
    if not ok and npar and iters < max_iter:
        theta_b, F_b, g_b, I_b, ok_b, it_b, msg_b = quasi_newton(problem, theta0)
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
            check_identification(pt, I, npar)  # a flat direction explains the failure
        raise ConvergenceError(
            f"the model did not converge ({msg}; {iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g)) if g is not None else float('nan'):.2e}). No estimates are "
            "reported. Try other starting values (start=), simplify the model, or check for"
            " variables on very different scales.", result=result)
    check_identification(pt, I, npar)
    if missing == "fiml":
        used = pd.concat([st.data for st in stats])
        result.missing_patterns = missing_patterns(used, ov)
        result.coverage = coverage(used, ov)
        A = observed_information(problem, theta)
        result._robust = {"vcov": np.linalg.inv(A) / problem.ntotal, "c": None}
        if estimator == "MLR":
            p_ = len(ov)
            df_b = ngroups * (p_ * (p_ + 1) // 2 + p_ - 2 * p_)
            result._robust = fiml_robust(problem, rams, stats, theta, npar, ndat - npar, df_b)
    elif estimator == "MLR":
        df = ndat - npar
        vcov, c, *_ = robust_vcov_and_scaling(problem, rams, stats, theta, npar, df, ms)
        result._robust = {"vcov": vcov, "c": c}
    result._finalise()
    result._flag_heywood(raise_on_heywood, stacklevel=2)
    return result


def _wlsmv_result(est: WLSMVEstimate, model, parsed, *, group, std_lv, fixed_x, missing,
                  raise_on_heywood):
    """Wrap a WLSMV estimation in an ``SEMResult`` (robust.sem vcov, WLSMV fit measures,
    implied moments of y* with unit variances, as lavaan reports them)."""
    result = SEMResult._from_fit(
        model=model, parsed=parsed, partable=est.partable, info=est.info, stats=est.stats,
        rams=est.rams, problem=est.problem, theta=est.theta, F=est.F,
        information=est.information, converged=True, iterations=est.iterations, group=group,
        group_labels=est.group_labels, estimator="WLSMV", std_lv=std_lv, fixed_x=fixed_x,
        meanstructure=True, ndat=est.ndat, missing=missing)
    result._robust = {"vcov": est.vcov, "c": None}
    result._wlsmv = {"fit_measures": est.fit_measures, **est.details,
                     "wls_statistics": est.wls_statistics}
    result._finalise()
    result._implied = [(P, None) for P in est.implied]
    items = est.wls_statistics[0].names

    def frames(mats):
        out = [pd.DataFrame(m, index=items, columns=items) for m in mats]
        return out[0] if len(out) == 1 else dict(zip(est.group_labels, out))

    result.implied_cov = frames(est.implied)
    result.sample_cov = frames([ws.cov for ws in est.wls_statistics])
    result._flag_heywood(raise_on_heywood, stacklevel=3)
    return result
