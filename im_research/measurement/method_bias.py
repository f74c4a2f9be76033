"""Common-method variance checks for single-source surveys.

- :func:`harman_single_factor`: share of the items' total variance explained by the first
  unrotated principal component. Podsakoff et al. (2003) list its limits: a single
  factor rarely explains a majority even when method variance is substantial, so a
  share below 50 % is *not* evidence that common-method variance is absent.
- :func:`marker_variable`: Lindell & Whitney (2001) correction of correlations with the
  smallest positive correlation of a theoretically unrelated marker variable:
  r_adj = (r − r_M) / (1 − r_M), with its t test (df = N − 3).
- :func:`method_factor_comparison`: the unmeasured latent method construct (ULMC): the
  CFA refitted with a method factor loading on every item (equal unit loadings, free
  method variance), uncorrelated with the trait factors; compares fit (χ² difference)
  and reports the share of item variance due to the method factor (mean squared
  standardized method loading).

Examples
--------
>>> import im_research as ir
>>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
>>> h = ir.method_bias.harman_single_factor(bank, ["im1", "im2", "js1", "js2", "oc1"])
>>> bool(0 < h["first_factor_share"] < 1)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError, DataWarning
from ..validation import as_frame, as_names, numeric_block, show

__all__ = ["harman_single_factor", "marker_variable", "method_factor_comparison"]


def _report_incomplete(data, cols, where, how):
    n = int(data[cols].isna().any(axis=1).sum())
    if n:
        rule = ("left out (listwise)" if how == "listwise" else
                "used pairwise (each correlation from the rows where both are present)")
        warnings.warn(f"{where}: {n} of {len(data)} rows have missing values and are {rule}",
                      DataWarning, stacklevel=3)


def harman_single_factor(data: pd.DataFrame, items) -> pd.Series:
    """First unrotated component's share of variance (correlation matrix) and a flag
    ``majority`` (> .50)."""
    items = as_names(items, "items")
    as_frame(data)
    if len(items) < 2:
        raise ArgumentError(f"items={show(items)}: Harman's test needs at least two items")
    missing = [c for c in items if c not in data.columns]
    if missing:
        raise DataError(f"harman_single_factor: the data lack items {missing}")
    numeric_block(data, items, "harman_single_factor")
    _report_incomplete(data, items, "harman_single_factor", "pairwise")
    R = data[items].corr().to_numpy()
    if not np.isfinite(R).all():
        bad = [i for i in items if data[i].nunique() < 2]
        raise DataError(f"harman_single_factor: item(s) {bad} are constant; remove them")
    eig = np.sort(np.linalg.eigvalsh(R))[::-1]
    share = eig[0] / eig.sum()
    return pd.Series({"first_factor_share": share, "majority": share > 0.5,
                      "n_items": len(items), "n": int(data[items].dropna().shape[0])})


def marker_variable(data: pd.DataFrame, marker: str, variables, r_m=None) -> pd.DataFrame:
    """Lindell–Whitney adjusted correlations among ``variables``.

    ``r_m`` defaults to the smallest positive correlation between the marker and the
    variables. Returns ``var_a, var_b, r, r_adj, t, pvalue``."""
    variables = as_names(variables, "variables")
    if not isinstance(marker, str):
        raise ArgumentError(f"marker={show(marker)}: give the name of one marker column")
    as_frame(data)
    cols = variables + [marker]
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise DataError(f"marker_variable: the data lack {missing}")
    numeric_block(data, cols, "marker_variable")
    _report_incomplete(data, cols, "marker_variable", "listwise")
    d = data[cols].dropna()
    n = len(d)
    R = d.corr()
    if r_m is None:
        pos = R.loc[marker, variables]
        pos = pos[pos > 0]
        r_m = float(pos.min()) if len(pos) else 0.0
    rows = []
    for i, a in enumerate(variables):
        for b in variables[i + 1:]:
            r = R.loc[a, b]
            r_adj = (r - r_m) / (1 - r_m)
            t = r_adj / np.sqrt((1 - r_adj ** 2) / (n - 3))
            rows.append(dict(var_a=a, var_b=b, r=r, r_adj=r_adj, t=t,
                             pvalue=2 * stats.t.sf(abs(t), n - 3)))
    out = pd.DataFrame(rows)
    out.attrs["r_m"] = r_m
    return out


def method_factor_comparison(model: str, data: pd.DataFrame, name: str = "method"):
    """Fit ``model`` with and without an unmeasured method factor.

    Returns a DataFrame with one row per model (``chisq, df, cfi, rmsea, srmr``), the χ²
    difference test in ``attrs["chisq_diff"]`` and the mean squared standardized method
    loading in ``attrs["method_variance_share"]``."""
    from ..sem.estimate import fit
    from ..sem.partable import build_partable

    _, info = build_partable(model)
    items = [v for v in info.ov if v not in info.ov_x]
    if name in info.lv:
        raise DataError(f"the model already has a factor called {name!r}; pass name=")
    base = fit(model, data=data)
    # equal (unit) method loadings with a free method variance: freely estimated method
    # loadings are usually not identified next to the trait factors
    extra = f"\n{name} =~ " + " + ".join(f"1*{v}" for v in items) + "\n" + "".join(
        f"{name} ~~ 0*{f}\n" for f in info.lv)
    with_m = fit(model + extra, data=data)
    keys = ["chisq", "df", "cfi", "tli", "rmsea", "srmr"]
    table = pd.DataFrame([base.fit_measures[keys].rename("traits only"),
                          with_m.fit_measures[keys].rename("traits + method factor")])
    d_chi = base.fit_measures["chisq"] - with_m.fit_measures["chisq"]
    d_df = base.fit_measures["df"] - with_m.fit_measures["df"]
    table.attrs["chisq_diff"] = {"chisq": d_chi, "df": d_df,
                                 "pvalue": float(stats.chi2.sf(d_chi, d_df))}
    p = with_m.params
    lm = p[(p["op"] == "=~") & (p["lhs"] == name)]["std_all"]
    table.attrs["method_variance_share"] = float(np.mean(lm ** 2))
    table.attrs["fits"] = (base, with_m)
    return table
