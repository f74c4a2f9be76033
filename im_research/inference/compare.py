"""Comparing nested models: lavaan's ``lavTestLRT`` with the estimator's default test.

- ML: the plain χ² difference;
- MLR: the Satorra–Bentler (2001) scaled difference, ``(T₀ − T₁)/c_d`` with
  ``c_d = (df₀c₀ − df₁c₁)/(df₀ − df₁)`` (lavaan's ``"satorra.bentler.2001"``);
- WLSMV: Satorra's (2000) test with the scaled-shifted correction
  (:func:`im_research.sem.wlsmv.scaled_shifted_difference`, lavaan's ``"satorra.2000"``).

The models are ordered by their degrees of freedom (least restricted first) and each is
compared with the one before, as lavaan does.

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> rng = np.random.default_rng(3); f = rng.normal(size=300)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(size=300) for i in range(1, 5)})
>>> free = ir.fit("f =~ x1 + x2 + x3 + x4", data=df)
>>> equal = ir.fit("f =~ x1 + a*x2 + a*x3 + a*x4", data=df)
>>> table = ir.lrt(free, equal)
>>> int(table["delta_df"].iloc[1])
2
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataWarning
from ..validation import check_fitted

__all__ = ["lrt", "chisq_difference"]


def chisq_difference(free, restricted) -> dict:
    """χ² difference test of ``restricted`` against the less restricted ``free`` fit.

    Returns ``delta_chisq, delta_df, pvalue, method``.
    """
    check_fitted(free, "free", "chisq_difference()")
    check_fitted(restricted, "restricted", "chisq_difference()")
    if free.estimator != restricted.estimator:
        raise ValueError(f"the fits use different estimators ({free.estimator} and "
                         f"{restricted.estimator}); compare fits of one estimator")
    f1, f0 = free.fit_measures, restricted.fit_measures
    d_df = int(round(f0["df"] - f1["df"]))
    if d_df <= 0:
        raise ValueError("the second model must have more degrees of freedom (be nested in "
                         "the first)")
    if free.estimator == "WLSMV":
        from ..sem.wlsmv import scaled_shifted_difference

        d = scaled_shifted_difference(free, restricted)
        d_chi, method = d["stat"], "satorra.2000 (scaled-shifted)"
    elif "chisq_scaling_factor" in f1.index:
        c_d = (f0["df"] * f0["chisq_scaling_factor"] -
               f1["df"] * f1["chisq_scaling_factor"]) / d_df
        d_chi = (f0["chisq"] - f1["chisq"]) / c_d if c_d > 0 else np.nan
        if c_d <= 0:
            warnings.warn(f"the Satorra-Bentler scaled difference is undefined here (scaling "
                          f"correction of the difference {c_d:.3g} <= 0, which happens with "
                          "small samples or nearly equal models); delta_chisq is NaN. Compare "
                          "the unscaled chisq, or refit with estimator='ML'", DataWarning,
                          stacklevel=2)
        method = "satorra.bentler.2001"
    else:
        d_chi, method = f0["chisq"] - f1["chisq"], "standard"
    return {"delta_chisq": float(d_chi), "delta_df": d_df,
            "pvalue": float(stats.chi2.sf(d_chi, d_df)), "method": method}


def lrt(*fits, names=None) -> pd.DataFrame:
    """lavaan's ``lavTestLRT(fit1, fit2, ...)``: one row per model (sorted by df), with
    ``df, chisq, chisq_scaled, aic, bic`` and the difference test against the previous
    row (``delta_chisq, delta_df, pvalue, method``)."""
    if len(fits) < 2:
        raise ValueError("give at least two fitted models")
    for k, f in enumerate(fits):
        check_fitted(f, f"fits[{k}]", "lrt()")
    names = list(names) if names is not None else [f"model{k + 1}" for k in range(len(fits))]
    order = sorted(range(len(fits)), key=lambda k: fits[k].fit_measures["df"])
    rows = []
    for pos, k in enumerate(order):
        fm = fits[k].fit_measures
        row = {"model": names[k], "df": fm["df"], "chisq": fm["chisq"],
               "chisq_scaled": fm.get("chisq_scaled", np.nan),
               "aic": fm.get("aic", np.nan), "bic": fm.get("bic", np.nan)}
        if pos > 0:
            row.update(chisq_difference(fits[order[pos - 1]], fits[k]))
        rows.append(row)
    return pd.DataFrame(rows).set_index("model")
