"""Measurement invariance across groups: configural → metric → scalar → strict.

Each step adds lavaan's ``group.equal`` constraints (loadings; + intercepts; + residual
variances) and is compared with the previous step by the χ² difference test
(``lavTestLRT``) and by the change in fit indices. The verdict per step uses, by
default:

- Cheung & Rensvold (2002): ΔCFI ≥ −.010;
- Chen (2007): ΔRMSEA ≤ .015, and ΔSRMR ≤ .030 for metric, ≤ .010 for scalar and strict.

All cut-offs can be overridden with ``criteria=``. With ``estimator="MLR"`` the χ²
difference is the Satorra–Bentler (2001) scaled difference (lavaan's ``lavTestLRT``
default) and the CFI/TLI/RMSEA columns hold the robust indices. :func:`release_candidates` ranks the
equality constraints of a step by their univariate score (Lagrange multiplier) test —
lavaan's ``lavTestScore(fit)$uni`` — to point at the items most responsible for misfit;
release them with ``partial=``.

Examples
--------
>>> import im_research as ir
>>> air = ir.datasets.load("airline_integrated_marketing")
>>> air = air[air["department"].isin(["catering", "cabin crew"])]
>>> tab = ir.invariance("ifc =~ ifc1 + ifc2 + ifc3 + ifc4", air, group="department")
>>> list(tab.index)
['configural', 'metric', 'scalar', 'strict']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError
from ..sem import ram as _ram
from ..sem.estimate import fit
from ..validation import as_names, show
from .compare import chisq_difference

__all__ = ["invariance", "release_candidates", "CRITERIA", "STEPS", "STEPS_ORDINAL"]

STEPS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
         "strict": ("loadings", "intercepts", "residuals")}
# ordered items (WLSMV), in Wu & Estabrook's (2016) order: thresholds before loadings
STEPS_ORDINAL = {"configural": (), "thresholds": ("thresholds",),
                 "metric": ("thresholds", "loadings")}
CRITERIA = {"delta_cfi": -0.010, "delta_rmsea": 0.015,
            "delta_srmr": {"metric": 0.030, "scalar": 0.010, "strict": 0.010,
                           "thresholds": 0.010}}


def _verdict(step, d, crit):
    srmr_cut = crit["delta_srmr"][step] if isinstance(crit["delta_srmr"], dict) else \
        crit["delta_srmr"]
    checks = [("ΔCFI", d["delta_cfi"], ">=", crit["delta_cfi"]),
              ("ΔRMSEA", d["delta_rmsea"], "<=", crit["delta_rmsea"]),
              ("ΔSRMR", d["delta_srmr"], "<=", srmr_cut)]
    failed = [c for c in checks if not (c[1] >= c[3] if c[2] == ">=" else c[1] <= c[3])]
    text = "; ".join(f"{n} {v:+.3f} {'ok' if c not in failed else 'beyond'} {op} {cut:+.3f}"
                     for c in checks for n, v, op, cut in [c])
    if not failed:
        return f"{step} invariance supported ({text})"
    return f"{step} invariance NOT supported ({text}); see release_candidates()"


def invariance(model: str, data: pd.DataFrame, group: str, steps=None, partial=None,
               criteria=None, ordered=None, **fit_kwargs) -> pd.DataFrame:
    """Fit the invariance sequence and compare consecutive steps.

    Parameters
    ----------
    steps : sequence of str, optional
        Default ``("configural", "metric", "scalar", "strict")``; with ``ordered=``
        ``("configural", "thresholds", "metric")`` (equal thresholds, then also equal
        loadings; Wu & Estabrook 2016, lavaan's group.equal for ordered items).
    ordered : True or list, optional
        Ordered items (WLSMV). The χ² difference is lavaan's ``lavTestLRT`` default for
        WLSMV (Satorra 2000, scaled-shifted); the cfi/tli/rmsea columns hold the scaled
        indices (lavaan 0.6-14 gives no robust ones once thresholds are equal).
    partial : dict, optional
        ``{step: ["x3 ~1", ...]}`` parameters left free in that step and later ones
        (partial invariance; lavaan's ``group.partial``).
    criteria : dict, optional
        Override :data:`CRITERIA`.

    Returns
    -------
    DataFrame indexed by step: ``npar, chisq, df, pvalue, cfi, tli, rmsea, srmr, aic, bic,
    delta_chisq, delta_df, delta_pvalue, delta_cfi, delta_rmsea, delta_srmr, verdict``;
    the fitted results are in ``.attrs["fits"]``.
    """
    table = STEPS_ORDINAL if ordered is not None and ordered is not False else STEPS
    steps = tuple(table) if steps is None else as_names(steps, "steps")
    unknown = [s for s in steps if s not in table]
    if unknown:
        raise ArgumentError(f"unknown steps {unknown}; choose from {list(table)}" +
                            (" (ordered items)" if table is STEPS_ORDINAL else ""))
    if not steps:
        raise ArgumentError(f"steps=[] is empty; choose from {list(table)}")
    if table is STEPS_ORDINAL:
        fit_kwargs["ordered"] = ordered
    if partial is not None and not isinstance(partial, dict):
        raise ArgumentError(f"partial={show(partial)}: give a dict {{step: ['x3 ~1', ...]}}")
    partial = {k: as_names(v, f"partial[{k!r}]") for k, v in (partial or {}).items()}
    if criteria is not None and not isinstance(criteria, dict):
        raise ArgumentError(f"criteria={show(criteria)}: give a dict such as "
                            "{'delta_cfi': -0.01}")
    crit = {**CRITERIA, **(criteria or {})}
    fits, rows = {}, []
    released = []
    prev = None
    for step in steps:
        released = released + list(partial.get(step, []))
        res = fit(model, data=data, group=group, group_equal=table[step],
                  group_partial=released, **fit_kwargs)
        fits[step] = res
        fm = res.fit_measures
        row = {k: fm.get(k, np.nan) for k in ("npar", "chisq", "df", "pvalue", "cfi", "tli",
                                              "rmsea", "srmr", "aic", "bic")}
        row["step"] = step
        wlsmv = res.estimator == "WLSMV"
        robust = "chisq_scaling_factor" in fm.index
        if wlsmv:
            row.update(chisq_scaled=fm["chisq_scaled"], cfi=fm["cfi_scaled"],
                       tli=fm["tli_scaled"], rmsea=fm["rmsea_scaled"])
        elif robust:  # MLR: report the robust indices in the cfi/rmsea columns
            row.update(chisq_scaled=fm["chisq_scaled"], cfi=fm["cfi_robust"],
                       tli=fm["tli_robust"], rmsea=fm["rmsea_robust"])
        if prev is not None:
            pm = fits[prev].fit_measures
            diff = chisq_difference(fits[prev], res)
            d_chi, d_df = diff["delta_chisq"], diff["delta_df"]
            prev_row = rows[-1]
            row.update(delta_chisq=d_chi, delta_df=d_df, delta_pvalue=diff["pvalue"],
                       delta_cfi=row["cfi"] - prev_row["cfi"],
                       delta_rmsea=row["rmsea"] - prev_row["rmsea"],
                       delta_srmr=fm["srmr"] - pm["srmr"])
            row["verdict"] = _verdict(step, row, crit)
        else:
            row["verdict"] = "baseline (same structure in every group)"
        rows.append(row)
        prev = step
    out = pd.DataFrame(rows).set_index("step")
    out.attrs["fits"] = fits
    return out


def release_candidates(result) -> pd.DataFrame:
    """Univariate score tests of the cross-group equality constraints of a fitted
    multi-group model (lavaan ``lavTestScore(fit)$uni``), largest first:
    ``lhs, op, rhs, group_a, group_b, X2, df, pvalue``. For WLSMV fits the ordinary
    (not robust) score test, as lavaan computes it; threshold constraints appear as
    ``x3 | t1`` rows."""
    pt = result.partable
    if result.ngroups < 2:
        raise ValueError("release_candidates needs a multi-group model with equality "
                         "constraints")
    shared = pt[(pt["pid"] >= 0)].groupby("pid").filter(lambda g: len(g) > 1)
    if shared.empty:
        raise ValueError("the model has no equality constraints to release")
    # unconstrained parameterization: every row its own parameter
    un = pt[pt["op"] != ":="].copy()
    free_rows = un.index[un["pid"] >= 0]
    new_pid = {idx: k for k, idx in enumerate(free_rows)}
    un["pid"] = [new_pid.get(i, -1) for i in un.index]
    K = len(free_rows)
    theta_un = result.theta[pt.loc[free_rows, "pid"].to_numpy()]
    if result.estimator == "WLSMV":
        from ..sem.wlsmv import gradient_and_information
        g, info = gradient_and_information(result, un, theta_un, K)
    else:
        from ..sem.ml import MLProblem
        rams = [_ram.RAM(un[un["group"] == g].to_dict("records"), result.observed,
                         result.latent, K) for g in range(result.ngroups)]
        _, grad, info = MLProblem(rams, result._stats).evaluate(theta_un)
        g = grad / 2  # gradient of fmin
    constraints, labels = [], []
    for _, grp in shared.groupby("pid"):
        idx = list(grp.index)
        for other in idx[1:]:
            row = np.zeros(K)
            row[new_pid[idx[0]]] = 1.0
            row[new_pid[other]] = -1.0
            constraints.append(row)
            r0, r1 = pt.loc[idx[0]], pt.loc[other]
            labels.append((r0["lhs"], r0["op"], r0["rhs"], result.group_labels[r0["group"]],
                           result.group_labels[r1["group"]]))
    R = np.array(constraints)
    # the information of the unconstrained model may be singular (e.g. all intercepts and
    # the latent means free): invert it bordered by the constraints, as lavaan does
    m = len(R)
    Z = np.block([[info, R.T], [R, np.zeros((m, m))]])
    P = np.linalg.inv(Z)[K:, K:]  # = -(R I^-1 R')^-1 when I is invertible
    lam = np.linalg.lstsq(R.T, -g, rcond=None)[0]  # multipliers: g + R' lam = 0
    N = result.nobs
    x2 = N * lam ** 2 / -np.diag(P)
    out = pd.DataFrame(labels, columns=["lhs", "op", "rhs", "group_a", "group_b"])
    out["X2"] = x2
    out["df"] = 1
    out["pvalue"] = stats.chi2.sf(x2, 1)
    return out.sort_values("X2", ascending=False, kind="stable").reset_index(drop=True)
