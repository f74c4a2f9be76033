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

import re
import warnings

import numpy as np
import pandas as pd

from ..errors import (
    ArgumentError,
    ConvergenceError,
    DataError,
    DataWarning,
    IdentificationError,
    ModelSyntaxError,
)
from ..validation import as_bool, as_count, as_names, as_vector, show
from . import ram as _ram
from .constraints import (
    Constraints,
    bordered_vcov,
    check_constrained_identification,
    constrained_fit,
)
from .ls import LSProblem, ls_fit_measures, ls_vcov, n_minus_one_measures
from .missing import FIMLProblem, coverage, fiml_robust, fiml_stats, missing_patterns
from .ml import MLProblem, check_identification, fisher_scoring, observed_information, quasi_newton
from .mlm import first_order_information, first_order_vcov, satorra_bentler
from .moments import (
    check_columns,
    check_positive_definite,
    check_variance_ratio,
    cov_input,
    group_labels_in,
    sample_stats_from_data,
)
from .partable import GROUP_EQUAL_CHOICES, check_factor_names, partable_records_and_frame
from .result import SEMResult, TwoLevelResult, table_columns
from .robust import baseline_scaling, cluster_robust, robust_vcov_and_scaling
from .start import start_values
from .syntax import ParsedModel, parse, parse_shared
from .twolevel import estimate_twolevel
from .wlsmv import WLSMVEstimate, estimate_wlsmv

__all__ = ["fit", "growth"]

_ESTIMATORS = ("ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF", "GLS", "ULS", "WLS", "DWLS")
_LS = ("GLS", "ULS", "WLS", "DWLS")
_MLM_TESTS = {"MLM": "satorra.bentler", "MLMV": "scaled.shifted", "MLMVS": "mean.var.adjusted"}
# lavaan's se= of each estimator (the rest: "standard")
_DEFAULT_SE = {"MLR": "robust.huber.white", "MLM": "robust.sem", "MLMV": "robust.sem",
               "MLMVS": "robust.sem", "MLF": "first.order"}
_MISSING = ("listwise", "fiml", "ml.x")
_SE = (None, "standard", "robust.sem", "robust.huber.white", "none")
_TESTS = (None, "standard", "satorra.bentler", "scaled.shifted", "mean.var.adjusted",
          "yuan.bentler", "yuan.bentler.mplus")




def fit(model, data=None, *, cov=None, nobs=None, means=None, sd=None, estimator=None,
        missing="listwise", std_lv=False, fixed_x=True, meanstructure=False, group=None,
        group_equal=(), group_partial=(), ordered=None, start=None, max_iter=500,
        raise_on_heywood=False, orthogonal=False, information=None, int_ov_free=True,
        int_lv_free=False, likelihood="normal", se=None, test=None, cluster=None):
    """Fit a structural equation model written in lavaan syntax.

    Parameters
    ----------
    model : str
        lavaan model syntax (``=~``, ``~``, ``~~``, ``~1``, ``:=``, labels, fixed values).
    data : pandas.DataFrame, optional
        Raw data, one row per respondent; columns named as in the model.
    cov : pandas.DataFrame or dict of DataFrames, optional
        Sample covariance matrix (divisor N-1, as published), or a correlation matrix
        together with ``sd``. Needs ``nobs``. Rescaled by (N-1)/N as lavaan does. A dict
        ``{group: matrix}`` fits a multi-group model; ``nobs``, ``means`` (and ``sd``) are
        then dicts with the same keys.
    nobs : int, optional
        Sample size for ``cov`` input.
    means : Series or dict, optional
        Sample means for ``cov`` input (adds a mean structure).
    sd : Series, dict or sequence, optional
        Standard deviations turning a correlation matrix in ``cov`` into a covariance.
    estimator : str, optional
        One of "ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF", "GLS", "ULS", "WLS", "DWLS" for
        continuous data, "WLSMV" for ``ordered=``.
        Maximum likelihood (the default for continuous data), or ML with Huber-White
        robust SEs and the Yuan-Bentler scaled test (``"MLR"``, needs raw data; see
        :mod:`im_research.sem.robust`), or ML with robust (sandwich) SEs and the
        Satorra-Bentler scaled test (``"MLM"``, complete raw data; see
        :mod:`im_research.sem.mlm`), or with the scaled-shifted (``"MLMV"``) or
        mean-and-variance adjusted (``"MLMVS"``) test; ``"MLF"``: ML with first-order
        (outer product) SEs; ``"GLS"``/``"ULS"``/``"WLS"``/``"DWLS"``: least squares
        (one group, no mean structure; WLS and DWLS weight by the fourth-moment matrix
        of the raw data; see :mod:`im_research.sem.ls`). ``"WLSMV"`` is the default (and the
        only choice) with ``ordered=``.
    missing : {"listwise", "fiml", "ml.x", "pairwise"}
        ``"pairwise"`` (with ``ordered=``, lavaan's option for WLSMV): thresholds from each
        item's answers, polychorics from pairwise-present rows.
        ``"listwise"``: rows with missing values are dropped and the number is reported
        (warning and ``result.dropped_rows``). ``"fiml"``: full-information ML with a mean
        structure and observed-information SEs (lavaan ``missing = "ml"``; see
        :mod:`im_research.sem.missing`). Combined with ``estimator="MLR"`` (lavaan
        ``missing = "ml", estimator = "MLR"``): Huber-White SEs from the casewise scores
        of the incomplete rows, the Yuan-Bentler scaled test with the saturated model at
        its EM estimates, and lavaan's FIML-corrected robust CFI/TLI/RMSEA. ``"ml.x"``
        (lavaan's name): FIML that also keeps the rows missing a fixed exogenous
        covariate (``"fiml"`` removes them, as lavaan's ``"ml"``); the covariates'
        fixed moments are their EM estimates; ``result.missing`` is then ``"fiml"``.
        Two-level models (``level:`` blocks) take ``"listwise"`` or ``"fiml"``; see
        ``cluster``.
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
    orthogonal : bool
        Fix the covariances among latent variables at 0 unless the model frees them
        (lavaan ``orthogonal = TRUE``).
    information : {None, "expected", "observed"}
        Information matrix behind the ML standard errors (lavaan ``information =``); by
        default the estimator's own ("expected" for ML, "observed" for MLR and FIML).
    int_ov_free, int_lv_free : bool
        With a mean structure, estimate the intercepts of the observed variables (default
        True) and the means of the latent variables (default False): lavaan's
        ``int.ov.free`` / ``int.lv.free`` (see :func:`growth`).
    se, test : str, optional
        Override the estimator's standard errors (lavaan ``se =``: "standard",
        "robust.sem", "robust.huber.white", "none") or test (``test =``: "standard",
        "satorra.bentler", "scaled.shifted", "mean.var.adjusted", "yuan.bentler",
        "yuan.bentler.mplus"); ML-type estimators with complete data ("yuan.bentler" is,
        as in lavaan, the Satorra–Bentler factor when no data are missing).
        ``estimator="MLM"`` is ``se="robust.sem", test="satorra.bentler"``, ``"MLR"`` is
        ``"robust.huber.white"`` with ``"yuan.bentler.mplus"``. ``se="bootstrap"`` and
        ``test="bollen.stine"`` are refused: use :func:`im_research.bootstrap` and
        :func:`im_research.bollen_stine` on the fitted model (same draws as lavaan's
        given its resampling indices).
    cluster : str, optional
        Column of ``data`` naming the unit each respondent belongs to (a branch, a
        clinic). For a model without ``level:`` blocks (lavaan's single-level
        ``cluster =``): ML estimates with cluster-robust standard errors (casewise scores
        summed within clusters, small-sample factor C/(C − 1)) and the Yuan–Bentler
        scaled test with clustered Γ, as lavaan 0.6-14 (see
        :func:`im_research.sem.robust.cluster_robust`). ``estimator="MLR"`` and ``"ML"``
        give the same SEs and scaling factors except the model's trace, where lavaan uses
        the Hessian for MLR and the "h1" information for ML; a mean structure is added
        (as lavaan). One group, complete rows (listwise) so far. The cluster column must
        have no missing values; ``result.nclusters`` holds the number of clusters.
        For a model with lavaan's ``level: 1`` / ``level: 2`` blocks (or ``level:
        within`` / ``level: between``): a two-level model by ML as lavaan 0.6-14 fits
        it (random intercepts only; observed-information SEs; listwise deletion),
        returning a :class:`~im_research.sem.result.TwoLevelResult` whose ``params``
        carry lavaan's ``level`` column (1 = within, 2 = between, 0 for ``:=``), with
        ``icc()`` and SRMR within/between; see :mod:`im_research.sem.twolevel`. With
        ``missing="fiml"`` (lavaan's ``missing = "ml"``) each cluster contributes the
        likelihood of its observed values: only rows without any observed value (and,
        with ``fixed_x``, rows missing an exogenous covariate, as lavaan) are dropped and
        reported, the cluster column must then be complete; see
        :mod:`im_research.sem.twolevel_missing`.
    likelihood : {"normal", "wishart"}
        lavaan's ``likelihood =`` for ML: "wishart" analyses the covariance matrix with
        divisor N − 1 and uses N − 1 in the test statistic, the SEs and the N-based fit
        measures (as LISREL/EQS); one group, no mean structure.

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
    if not isinstance(model, (str, ParsedModel)):
        raise ArgumentError(f"model={show(model)}: give the model as a string in lavaan "
                            "syntax, e.g. 'f =~ x1 + x2 + x3'")
    group_equal = as_names(group_equal, "group_equal",
                           allowed=[*GROUP_EQUAL_CHOICES, "thresholds"])
    group_partial = as_names(group_partial, "group_partial")
    std_lv, fixed_x = as_bool(std_lv, "std_lv"), as_bool(fixed_x, "fixed_x")
    meanstructure = as_bool(meanstructure, "meanstructure")
    raise_on_heywood = as_bool(raise_on_heywood, "raise_on_heywood")
    max_iter = as_count(max_iter, "max_iter", minimum=1)
    for arg, value in (("estimator", estimator), ("missing", missing)):
        if value is not None and not isinstance(value, str):
            raise ArgumentError(f"{arg}={show(value)} must be a name such as 'ML' or 'fiml'")
    if group is not None and not isinstance(group, str):
        raise ArgumentError(f"group={show(group)}: give the name of one column (text)")
    if ordered is not None and not isinstance(ordered, bool):
        ordered = as_names(ordered, "ordered")
    if start is not None:
        start = as_vector(start, "start")
    twolevel = _level_blocks(model)
    if twolevel is not None:  # level: blocks -> two-level ML (sem.twolevel)
        return _fit_twolevel(
            model, twolevel, data, cluster, std_lv=std_lv, fixed_x=fixed_x, start=start,
            max_iter=max_iter, raise_on_heywood=raise_on_heywood, others={
                "cov": cov, "nobs": nobs, "means": means, "sd": sd, "estimator": estimator,
                "missing": missing, "group": group, "group_equal": group_equal,
                "group_partial": group_partial, "ordered": ordered, "orthogonal": orthogonal,
                "information": information, "int_ov_free": int_ov_free,
                "int_lv_free": int_lv_free, "likelihood": likelihood, "se": se,
                "test": test})
    if data is not None:
        given = [a for a, v in (("cov", cov), ("nobs", nobs), ("means", means), ("sd", sd))
                 if v is not None]
        if given:
            raise ArgumentError(f"{', '.join(a + '=' for a in given)} belong to summary-data "
                                "input (cov=); with data= they would be ignored. Give either "
                                "data= or cov= with nobs=")
    if ordered is not None and ordered is not False:
        if cluster is not None:
            raise ArgumentError("cluster= is not available with ordered= yet (lavaan's "
                                "cluster-robust WLSMV is not implemented); treat the items "
                                "as continuous with estimator='MLR', cluster=...")
        if missing == "fiml":
            raise ArgumentError("ordered= cannot be combined with missing='fiml' (lavaan refuses "
                                "too: FIML is a normal-theory method). Either treat the Likert "
                                "items as continuous with missing='fiml', or use ordered= with "
                                "complete cases (listwise) or imputed data")
        if estimator is not None and str(estimator).upper() != "WLSMV":
            raise ArgumentError(f"estimator={estimator!r} does not handle ordered= items; use "
                                "estimator='WLSMV' (the default with ordered=), or drop "
                                "ordered= to treat the codes as continuous (e.g. 'MLR')")
        if missing not in ("listwise", "pairwise"):
            raise ArgumentError(f"missing={missing!r} is not available with ordered=; use "
                                "'listwise' (complete rows) or 'pairwise' (lavaan's options)")
        if data is None:
            raise DataError("ordered= needs the raw data (data=): thresholds, polychoric "
                            "correlations and their weights come from the responses")
        if not isinstance(data, pd.DataFrame):
            raise DataError("data must be a pandas DataFrame")
        parsed = parse_shared(model) if isinstance(model, str) else model
        check_factor_names(parsed, data.columns)
        if orthogonal or not int_ov_free or int_lv_free or any(
                f.op == "<~" for f in parsed.formulas) or any(
                not c.simple for c in parsed.constraints):
            raise ValueError("orthogonal=True, int_ov_free=False, int_lv_free=True (growth "
                             "models), formative composites (<~) and constraints other than "
                             "a == b are not available with ordered= yet; fit them with "
                             "continuous data")
        est = estimate_wlsmv(model, pd.DataFrame(data), ordered=ordered, std_lv=std_lv,
                             fixed_x=fixed_x, start=start, max_iter=max_iter, group=group,
                             group_equal=group_equal, group_partial=group_partial,
                             missing=missing)
        return _wlsmv_result(est, model, parsed, group=group, std_lv=std_lv,
                             fixed_x=fixed_x, missing=missing,
                             raise_on_heywood=raise_on_heywood)
    estimator = "ML" if estimator is None else str(estimator).upper()
    if estimator not in _ESTIMATORS:
        raise ArgumentError(f"estimator={estimator!r} is not available yet; use one of "
                            f"{_ESTIMATORS}" + (" (WLSMV needs ordered=)" if estimator ==
                                                 "WLSMV" else ""))
    if missing not in _MISSING:
        raise ArgumentError(f"missing={missing!r} is not available yet; use one of {_MISSING}"
                            + (" ('pairwise' is available with ordered=)"
                               if missing == "pairwise" else ""))
    keep_x_rows = missing == "ml.x"  # FIML that keeps rows missing a fixed covariate
    if keep_x_rows:
        missing = "fiml"
    if (data is None) == (cov is None):
        raise DataError("give either data= (raw data) or cov= with nobs= (summary data)")
    if data is not None:
        if not isinstance(data, pd.DataFrame):
            raise DataError("data must be a pandas DataFrame")
        if data.attrs:
            # a shallow view without .attrs: pandas deep-copies attrs (e.g. a dataset's
            # codebook) on every column access, which would dominate the fit time
            data = pd.DataFrame(data)

    parsed = parse_shared(model) if isinstance(model, str) else model
    cov_groups = data is None and isinstance(cov, dict)  # published matrices per group
    if cov_groups:
        _check_group_dicts(cov, nobs, means, sd, group)
    check_factor_names(parsed, data.columns if data is not None else getattr(
        next(iter(cov.values())) if cov_groups else cov, "columns", ()),
        "data" if data is not None else "cov= matrix")
    # group structure
    if group is not None and data is None:
        raise DataError("group= needs raw data (data=) with a group column")
    group_labels = list(cov) if cov_groups else group_labels_in(data, group)
    ngroups = len(group_labels)
    if ngroups > 1 or missing == "fiml" or cluster is not None:  # lavaan: means with clusters
        meanstructure = True
    if missing == "fiml" and data is None:
        raise DataError("missing='fiml' needs the raw data (data=)")
    records, info, pt = partable_records_and_frame(
        model, ngroups=ngroups, std_lv=std_lv, fixed_x=fixed_x,
        meanstructure=meanstructure or means is not None, group_equal=group_equal,
        group_partial=group_partial, orthogonal=bool(orthogonal),
        int_ov_free=bool(int_ov_free), int_lv_free=bool(int_lv_free))
    ms = any(r["op"] == "~1" for r in records)
    ov = info.ov
    if estimator in _MLM_TESTS and missing != "listwise":
        raise ValueError(f"estimator={estimator!r} needs complete data (lavaan refuses "
                         "missing='ml' with it too); use estimator='MLR' with "
                         "missing='fiml'")
    own = "observed" if estimator == "MLR" or missing == "fiml" else "expected"
    if information not in (None, own) and not (information == "observed" and
                                               estimator == "ML"):
        raise ValueError(f"information={information!r} is available with estimator='ML' "
                         f"(complete data) so far; with estimator={estimator!r}"
                         f"{' and FIML' if missing == 'fiml' else ''} the information is "
                         f"{own!r}")
    if se == "bootstrap" or test == "bollen.stine":
        # lavaan draws with R's random number generator, which numpy cannot replay
        raise ValueError(
            f"{'se' if se == 'bootstrap' else 'test'}={se if se == 'bootstrap' else test!r} "
            "is not available in fit(): fit the model, then call ir.bootstrap(res, "
            "n_boot=..., seed=...) for bootstrap SEs and CIs (or ir.bootstrap(res, "
            "indices=...) with resampling indices exported from R to repeat lavaan's "
            "draws), and ir.bollen_stine(res, n_boot=..., seed=...) for the Bollen-Stine "
            "bootstrap p-value")
    if se not in _SE or test not in _TESTS:
        name, value, choices = ("se", se, _SE) if se not in _SE else ("test", test, _TESTS)
        raise ValueError(f"{name}={value!r} is not available; choose one of "
                         f"{[c for c in choices if c]} (or leave it None)")
    if (se or test) and (estimator not in ("ML", "MLM", "MLMV", "MLMVS", "MLR", "MLF")
                         or missing != "listwise"):
        raise ValueError("se= and test= are available for the ML estimators with complete "
                         f"data so far (here estimator={estimator!r}, missing={missing!r})")
    if estimator == "MLF" and missing != "listwise":
        raise ValueError("estimator='MLF' is available with complete data (listwise) so far")
    if cluster is not None:
        _check_cluster_options(cluster, data, ov, estimator, missing, group, se, test,
                               parsed)
    general = [c for c in parsed.constraints if not c.simple]  # a == 2*b, a > 0, ...
    if likelihood not in ("normal", "wishart"):
        raise ValueError(f"likelihood={likelihood!r}; use 'normal' or 'wishart'")
    wishart = likelihood == "wishart"
    if wishart and (estimator != "ML" or ngroups > 1 or ms or missing != "listwise"
                    or general or information == "observed"):
        raise ValueError("likelihood='wishart' is available for estimator='ML' with one "
                         "group of complete data, no mean structure or general constraints, "
                         "and the expected information so far")
    if general and (estimator != "ML" or missing != "listwise" or information == "observed"):
        raise ValueError(f"the constraint {general[0].text!r} (line {general[0].line}) is "
                         "available with estimator='ML', the expected information and "
                         "complete data so far; "
                         "simple equalities (a == b or a shared label) work everywhere")
    if estimator in _LS and (missing != "listwise" or (fixed_x and info.ov_x)):
        raise ValueError(f"estimator={estimator!r} is available without missing values or "
                         "fixed exogenous covariates so far; use estimator='ML' (or 'MLR') "
                         "for this model")

    # sample statistics
    if data is not None:
        x_all = check_columns(data, ov, info.lv)
        stats = []
        for gl in group_labels:
            sub = data if gl is None else data[data[group] == gl]
            if missing == "fiml":
                stats.append(fiml_stats(sub, ov, info.ov_x if fixed_x and not keep_x_rows
                                        else [], gl))
                continue
            st = sample_stats_from_data(sub, ov, missing, True, gl,
                                         x=x_all if gl is None else None)
            if not ms:
                st.mean = None
            if st.nobs <= len(ov):  # the sample covariance matrix is then singular
                raise DataError(
                    f"only {st.nobs} complete rows for {len(ov)} variables; more rows than "
                    "variables are needed" if gl is None else
                    f"group {gl!r} has only {st.nobs} complete cases for {len(ov)} "
                    "variables; merge small groups or drop the group")
            check_positive_definite(st.cov, ov, "sample covariance matrix" +
                      ("" if gl is None else f" of group {gl!r}"))
            stats.append(st)
        if cluster is not None:  # labels of the complete rows, in their order
            cluster_labels = [_cluster_labels(data, cluster, x_all)]
    else:
        if estimator in ("MLR", "MLM", "MLMV", "MLMVS", "MLF", "WLS", "DWLS"):
            raise DataError(f"estimator={estimator!r} needs the raw data (data=): robust "
                            "standard errors use each respondent's answers; with a "
                            "covariance matrix use estimator='ML'")
        if cov_groups:
            stats = [cov_input(cov[g], nobs[g], None if means is None else means[g],
                               None if sd is None else sd[g], ov) for g in group_labels]
        else:
            stats = [cov_input(cov, nobs, means, sd, ov)]
        if ms and stats[0].mean is None:
            raise DataError("the model has a mean structure (~1) but no means= were given"
                            + (" (groups need means= per group, a dict like cov=)"
                               if cov_groups else ""))

    scale_warnings = []
    for g, st in enumerate(stats):
        msg = check_variance_ratio(st.cov, st.names, "data" if ngroups == 1 else
                                   f"group {group_labels[g]!r}")
        if msg:
            scale_warnings.append(msg)
    # exogenous covariates: fixed at sample values
    if any(r["exo"] for r in records):
        for g, st in enumerate(stats):
            pos = {v: i for i, v in enumerate(st.names)}
            for r in records:
                if r["group"] == g and r["exo"]:
                    r["value"] = (st.cov[pos[r["lhs"]], pos[r["rhs"]]] if r["op"] == "~~"
                                  else st.mean[pos[r["lhs"]]])
        pt["value"] = [r["value"] for r in records]
    npar = max((r["pid"] for r in records), default=-1) + 1
    p = len(ov)
    px = len(info.ov_x) if fixed_x else 0
    ndat = ngroups * (p * (p + 1) // 2 + (p if ms else 0)
                      - (px * (px + 1) // 2 + (px if ms else 0)))
    n_eq = sum(c.op == "==" for c in general)  # each equality constraint adds one df
    if npar - n_eq > ndat:
        raise IdentificationError(
            f"the model has {npar - n_eq} free parameters but the data give only {ndat} "
            f"sample moments (df = {ndat - npar + n_eq}); fix or remove "
            f"{npar - n_eq - ndat} parameter(s)")

    rams = [_ram.RAM([r for r in records if r["group"] == g and r["op"] != ":="], ov,
                     info.lv, npar) for g in range(ngroups)]
    if missing == "fiml":
        problem = FIMLProblem(rams, [st.data.to_numpy(float) for st in stats])
    elif estimator in _LS or wishart:
        for st in stats:  # lavaan: least squares and the Wishart likelihood use divisor N-1
            st.cov = st.cov * st.nobs / (st.nobs - 1)
        problem = (LSProblem(rams, stats, estimator, ms) if estimator in _LS
                   else MLProblem(rams, stats))
    else:
        problem = MLProblem(rams, stats)
    theta0 = start_values(records, info, stats, std_lv, npar)
    if start is not None:
        theta0 = as_vector(start, "start", length=npar).copy()
    cons = Constraints(general, pt) if general else None
    if cons is not None:
        theta, F, g, I, ok, iters, msg = constrained_fit(problem, theta0, cons, max_iter)
    else:
        theta, F, g, I, ok, iters, msg = fisher_scoring(problem, theta0, max_iter=max_iter)
    if not ok and npar and iters < max_iter and cons is None:
        theta_b, F_b, g_b, I_b, ok_b, it_b, msg_b = quasi_newton(problem, theta0)
        if ok_b or (np.isfinite(F_b) and F_b < F):
            theta, F, g, I, ok, iters, msg = theta_b, F_b, g_b, I_b, ok_b, iters + it_b, msg_b
    # lavaan's check: max |gradient of fmin| <= 1e-3
    converged = bool(ok and np.isfinite(F) and (npar == 0 or np.max(np.abs(g / 2)) <= 1e-3))
    result = SEMResult._from_fit(
        model=model, parsed=parsed, partable=pt, info=info, stats=stats, rams=rams,
        problem=problem, theta=theta, F=F, information=I, converged=converged,
        iterations=iters, group=group, group_labels=group_labels, estimator=estimator,
        std_lv=std_lv, fixed_x=fixed_x, meanstructure=ms, ndat=ndat, missing=missing,
        columns=table_columns(records))
    result.warnings.extend(scale_warnings)
    result._n_eq = n_eq
    # what the standard errors rest on (standardized residuals follow the same choices)
    result._se_basis = {
        "information": information or own,
        "se": se or _DEFAULT_SE.get(estimator, "standard"),
        "plain": cons is None and cluster is None and not wishart and estimator not in _LS}
    if not converged:
        if I is not None and np.all(np.isfinite(I)):  # a flat direction explains it
            if cons is None:
                check_identification(pt, I, npar)
            else:
                check_constrained_identification(I, cons.jacobian(theta)[cons.active(theta)])
        raise ConvergenceError(
            f"the model did not converge ({msg}; {iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g)) if g is not None else float('nan'):.2e}). No estimates are "
            "reported. Try other starting values (start=), simplify the model, or check for"
            " variables on very different scales.", result=result)
    if cons is not None:
        H = cons.jacobian(theta)[cons.active(theta)]
        result._robust = {"vcov": bordered_vcov(I, H, problem.ntotal), "c": None}
    else:
        check_identification(pt, I, npar)
    if cluster is not None:
        result._robust = cluster_robust(
            problem, rams, stats, theta, ndat - npar, ndat - (p - px) * 2, cluster_labels,
            [ov.index(v) for v in info.ov_x] if fixed_x else [],
            "hessian" if estimator == "MLR" else "h1")
        result.cluster, result.nclusters = cluster, result._robust["nclusters"]
    elif missing == "fiml":
        used = pd.concat([st.data for st in stats])
        result.missing_patterns = missing_patterns(used, ov)
        result.coverage = coverage(used, ov)
        A = observed_information(problem, theta)
        result._robust = {"vcov": np.linalg.inv(A) / problem.ntotal, "c": None}
        if estimator == "MLR":
            result._robust = fiml_robust(
                problem, rams, stats, theta, npar, ndat - npar, ndat - ngroups * (p - px) * 2,
                [ov.index(v) for v in info.ov_x] if fixed_x else [])
    elif estimator == "MLR":
        x_idx = [ov.index(v) for v in info.ov_x] if fixed_x else []
        vcov, c, *_ = robust_vcov_and_scaling(problem, rams, stats, theta, npar,
                                              ndat - npar, ms, x_idx)
        c_b = baseline_scaling(stats, ndat - ngroups * (p - px) * (2 if ms else 1), ms, x_idx)
        result._robust = {"vcov": vcov, "c": c, "c_b": c_b}
    elif estimator in _MLM_TESTS:
        ny = p - px
        result._robust = satorra_bentler(
            rams, stats, theta, ndat - npar, ndat - ngroups * ny * (2 if ms else 1), ms,
            [ov.index(v) for v in info.ov_x] if fixed_x else [], _MLM_TESTS[estimator])
    elif estimator in _LS:
        result._robust = {"vcov": ls_vcov(problem, theta), "c": None}
    elif estimator == "MLF":
        result._robust = {"vcov": first_order_vcov(rams, stats, theta, ms), "c": None}
    elif wishart:
        result._robust = {"vcov": np.linalg.inv(I) / (problem.ntotal - 1), "c": None}
    elif information == "observed":
        A = observed_information(problem, theta)
        result._robust = {"vcov": np.linalg.inv(A) / problem.ntotal, "c": None}
    if se or test:
        result._robust = _se_and_test(
            result._robust, se, test, observed=(information or own) == "observed",
            problem=problem, rams=rams, stats=stats, theta=theta, I=I, df=ndat - npar,
            df_b=ndat - ngroups * (p - px) * (2 if ms else 1), ms=ms,
            x_idx=[ov.index(v) for v in info.ov_x] if fixed_x else [])
    result._finalise()
    if estimator in _LS:
        result.fit_measures = ls_fit_measures(result.fit_measures, problem, theta, npar)
    elif wishart:  # chi-squares (N - 1) F
        fm, k = result.fit_measures, (problem.ntotal - 1) / problem.ntotal
        result.fit_measures = n_minus_one_measures(fm, k * fm["chisq"],
                                                   k * fm["baseline_chisq"], npar)
    result._flag_heywood(raise_on_heywood, stacklevel=2)
    return result


_LEVEL_HEADER = re.compile(r"(?:^|;)\s*level\s*:(?!=)", re.MULTILINE | re.IGNORECASE)
# fit() options and their defaults; a two-level fit accepts no other value
_TWOLEVEL_DEFAULTS = {
    "cov": None, "nobs": None, "means": None, "sd": None, "estimator": "ML",
    "group": None, "group_equal": (), "group_partial": (),
    "ordered": None, "orthogonal": False, "information": "observed", "int_ov_free": True,
    "int_lv_free": False, "likelihood": "normal", "se": None, "test": None}


def _level_blocks(model):
    """The parsed model if it has lavaan's ``level:`` blocks, else None."""
    if isinstance(model, ParsedModel):
        return model if model.levels else None
    if not _LEVEL_HEADER.search(model):  # cheap test before a second parse
        return None
    parsed = parse(model, levels=True)
    return parsed if parsed.levels else None


def _fit_twolevel(model, parsed, data, cluster, *, std_lv, fixed_x, start, max_iter,
                  raise_on_heywood, others):
    """``fit()`` of a model with ``level:`` blocks: checks the options, then two-level ML
    (:func:`im_research.sem.twolevel.estimate_twolevel`)."""
    label, line = parsed.levels[0]
    if cluster is None:
        raise ModelSyntaxError(
            "two-level models (level:) need the cluster variable: fit them with "
            "fit(model, data, cluster='<column>'), the column naming each respondent's "
            "cluster (e.g. the branch)", line=line, token=f"level: {label}")
    if not isinstance(cluster, str):
        raise ArgumentError(f"cluster={show(cluster)}: give the name of one column (text)")
    if data is None:
        raise DataError("a two-level model needs the raw data (data=) with the cluster "
                        f"column {cluster!r}")
    if others["estimator"] is not None:
        others["estimator"] = str(others["estimator"]).upper()
    missing = others.pop("missing")
    if missing not in ("listwise", "fiml"):
        raise ArgumentError(f"missing={missing!r} is not available for two-level models; "
                            "use 'listwise' (the default) or 'fiml' (lavaan's "
                            "missing='ml')")
    for name, default in _TWOLEVEL_DEFAULTS.items():
        if name not in others:
            continue
        value = others[name]
        if value is None and default is not None and name in ("estimator", "information"):
            continue
        if (isinstance(default, tuple) and value is not None and len(value) == 0) or (
                name == "ordered" and value is False):
            continue
        if value is not default and value != default:
            raise ArgumentError(
                f"{name}={show(value)} is not available for two-level models: they are "
                "fitted by ML with observed-information SEs, one group, listwise deletion "
                "or FIML (as lavaan's defaults for level: blocks); drop "
                f"{name}=" + (" (use im_research.bootstrap for other SEs)"
                              if name in ("se", "test") else ""))
    est = estimate_twolevel(parsed, data, cluster, std_lv=std_lv, fixed_x=fixed_x,
                            start=start, max_iter=max_iter, missing=missing)
    result = TwoLevelResult._from_twolevel(est, model=model, parsed=parsed, std_lv=std_lv,
                                           fixed_x=fixed_x, raise_on_heywood=raise_on_heywood)
    if missing == "fiml":
        result.missing = "fiml"
        result.warnings = ([f"FIML dropped {len(est.dropped)} rows (rows without any "
                            "observed value, or missing a fixed exogenous covariate)"]
                           if est.dropped else [])
    return result


def _se_and_test(robust, se, test, *, observed, problem, rams, stats, theta, I, df, df_b, ms,
                 x_idx):
    """lavaan's ``se =`` / ``test =`` in place of the estimator's own."""
    N, npar = problem.ntotal, len(theta)
    robust = dict(robust) if robust else {"vcov": np.linalg.inv(I) / N, "c": None}
    # lavaan's "yuan.bentler" trace tr(UΓ) (structured U, unstructured Γ = A1⁻¹B1A1⁻¹) is
    # the Satorra–Bentler trace when no data are missing
    sb_tests = ("satorra.bentler", "scaled.shifted", "mean.var.adjusted", "yuan.bentler")
    sb = hw = None
    if se == "robust.sem" or test in sb_tests:
        sb = satorra_bentler(rams, stats, theta, df, df_b, ms, x_idx,
                             test if test in sb_tests[:3] else "satorra.bentler")
    if se == "robust.huber.white" or test == "yuan.bentler.mplus":
        hw = robust_vcov_and_scaling(problem, rams, stats, theta, npar, df, ms, x_idx)
    if se == "standard":
        info = observed_information(problem, theta) if observed else I
        robust["vcov"] = np.linalg.inv(info) / N
    elif se == "robust.sem":
        robust["vcov"] = sb["vcov"]
    elif se == "robust.huber.white":
        robust["vcov"] = hw[0]
    elif se == "none":
        robust["vcov"] = np.full((npar, npar), np.nan)
    if test is not None:
        for key in ("c", "c_b", "test", "tr", "tr_b", "robust"):
            robust.pop(key, None)
        robust["c"] = None
        if test in sb_tests:
            robust.update({k: sb[k] for k in ("c", "c_b", "test", "tr", "tr_b")})
        elif test == "yuan.bentler.mplus":
            robust["c_b"] = baseline_scaling(stats, df_b, ms, x_idx)
            robust["c"] = hw[1]
            if not observed:  # lavaan's h0 trace uses the fit's own (expected) information
                B0 = first_order_information(rams, stats, theta, ms)
                robust["c"] = (hw[2] - np.trace(B0 @ np.linalg.inv(I))) / df if df > 0 \
                    else np.nan
    return robust


def _check_cluster_options(cluster, data, ov, estimator, missing, group, se, test, parsed):
    """Refuse what single-level cluster-robust fits do not cover (yet)."""
    if data is None:
        raise DataError("cluster= needs the raw data (data=) with a cluster column")
    if not isinstance(cluster, str) or cluster not in data.columns:
        raise DataError(f"cluster={show(cluster)} is not a column of the data; give the name "
                        "of the column that identifies each respondent's unit (e.g. "
                        "'branch')")
    if cluster in ov:
        raise DataError(f"cluster={cluster!r} is also a variable of the model; the cluster "
                        "column only labels the units")
    if estimator not in ("ML", "MLR") or missing != "listwise" or group is not None \
            or se or test or any(not c.simple for c in parsed.constraints):
        raise ArgumentError(f"cluster= (cluster-robust SEs and test) is available with "
                         f"estimator='MLR' or 'ML', one group and complete rows so far "
                         f"(here estimator={estimator!r}, missing={missing!r}, "
                         f"group={group!r}, se={se!r}, test={test!r}, or a constraint "
                         f"other than a == b)")


def _cluster_labels(data, cluster, x):
    """Cluster labels of the complete rows; missing labels are refused (naming rows)."""
    labels = data[cluster]
    if labels.isna().any():
        rows = list(data.index[labels.isna()][:5])
        raise DataError(f"cluster column {cluster!r} has missing values (rows {rows}); give "
                        "every respondent a unit or drop those rows first")
    labels = labels.to_numpy()[~np.isnan(x).any(axis=1)]
    n_clusters = len(pd.unique(labels))
    if n_clusters < 2:
        raise DataError(f"cluster column {cluster!r} has {n_clusters} unit(s) among the "
                        "complete rows; cluster-robust SEs need several units")
    if n_clusters < 30:
        # the sandwich is biased downwards with few clusters (Cameron & Miller 2015)
        warnings.warn(f"only {n_clusters} clusters in {cluster!r}: cluster-robust standard "
                      "errors and tests are unreliable with few clusters (fewer than about "
                      "30-50; Cameron & Miller 2015); read them with caution", DataWarning,
                      stacklevel=4)
    return labels


def _check_group_dicts(cov, nobs, means, sd, group):
    """cov= as {group: matrix}: nobs= (and means=, sd= if given) must be dicts with the
    same groups (lavaan's lists of sample.cov, sample.nobs, sample.mean)."""
    if group is not None:
        raise DataError("with cov= as a dict the groups are its keys; drop group=")
    if len(cov) < 1:
        raise DataError("cov= is an empty dict; give {group: covariance matrix}")
    for name, value in (("nobs", nobs), ("means", means), ("sd", sd)):
        if value is None and name != "nobs":
            continue
        if not isinstance(value, dict) or set(value) != set(cov):
            raise DataError(f"with cov= a dict of groups {list(cov)}, {name}= must be a dict "
                            f"with the same keys (got {type(value).__name__}"
                            + (f" with keys {list(value)}" if isinstance(value, dict) else "")
                            + ")")


def growth(model, data=None, **kwargs):
    """Fit a latent growth curve model, as lavaan's ``growth()``: :func:`fit` with a mean
    structure, observed intercepts fixed at 0 and latent means (intercept and slope
    factors) estimated (``int_ov_free=False, int_lv_free=True``).

    Parameters
    ----------
    model : str
        lavaan syntax with the growth factors' loadings fixed, e.g. intercept loadings 1
        and slope loadings 0, 1, 2, 3 for four waves.
    data : pandas.DataFrame, optional
        One row per respondent, one column per wave.
    **kwargs
        Further :func:`fit` options (``estimator=``, ``missing=``, ``group=``, ...).

    Returns
    -------
    SEMResult

    Examples
    --------
    >>> import numpy as np, pandas as pd, im_research as ir
    >>> rng = np.random.default_rng(3)
    >>> i, s = rng.normal(3, 1, 400), rng.normal(0.5, 0.3, 400)
    >>> df = pd.DataFrame({f"t{k}": i + k * s + rng.normal(0, 0.5, 400) for k in range(4)})
    >>> res = ir.growth("i =~ 1*t0 + 1*t1 + 1*t2 + 1*t3; "
    ...                 "s =~ 0*t0 + 1*t1 + 2*t2 + 3*t3", data=df)
    >>> round(float(res.params.query("lhs == 's' and op == '~1'")["est"].iloc[0]), 1)
    0.5
    """
    for name in ("meanstructure", "int_ov_free", "int_lv_free"):
        if name in kwargs:
            raise TypeError(f"growth() sets {name}= itself; use fit() to choose it")
    return fit(model, data, meanstructure=True, int_ov_free=False, int_lv_free=True,
               **kwargs)


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
