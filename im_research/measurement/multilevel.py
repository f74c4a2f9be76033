"""Agreement and aggregation of employee scores to units (branches, clinics, departments).

Conventions as R's ``multilevel`` package (Bliese):

- :func:`icc`: one-way ANOVA of the score on the unit; ICC(1) = (MSB − MSW) /
  (MSB + (k − 1)·MSW) with k the *mean* group size N/J (not the unbalanced-design n0),
  ICC(2) = (MSB − MSW) / MSB;
- :func:`rwg_j` and :func:`rwg`: within-group agreement against a null (expected random)
  variance σ²_E; the uniform null for an A-point scale is (A² − 1)/12; slightly and
  moderately skewed nulls from James, Demaree & Wolf (1984) as tabulated by LeBreton &
  Senter (2008). rwg(j) = J(1 − s̄²/σ²) / (J(1 − s̄²/σ²) + s̄²/σ²) with s̄² the mean item
  variance (divisor n − 1); values are set to 0 when s̄² > σ² (as ``multilevel``), and are
  missing for one-member units;
- :func:`aggregate`: unit means with n, rwg(j) and the ICCs, ready to merge with
  unit-level (e.g. customer) data; :func:`mixed_link` fits a random-intercept model
  (statsmodels MixedLM, REML) for employee → unit → customer links.

Examples
--------
>>> import im_research as ir
>>> bank = ir.datasets.load("bank_service_profit_chain")
>>> bank["im_score"] = bank[["im1", "im2", "im3", "im4"]].mean(axis=1)
>>> out = ir.icc(bank, "im_score", group="branch")
>>> bool(0 < out["icc1"] < 1)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError, DataWarning
from ..validation import as_count, as_frame, as_names, numeric_block, require_columns, show

__all__ = ["icc", "rwg_j", "rwg", "aggregate", "mixed_link", "null_variance"]

_SKEWED = {"slight_skew": {5: 1.34, 7: 2.90}, "moderate_skew": {5: 0.90, 7: 2.00}}


def null_variance(scale_points: int, null="uniform") -> float:
    """Expected variance of random responding on an A-point scale."""
    scale_points = as_count(scale_points, "scale_points", minimum=2,
                            hint="the number of answer options, e.g. 5 or 7")
    if isinstance(null, (int, float)) and not isinstance(null, bool):
        if not np.isfinite(null) or null <= 0:
            raise ArgumentError(f"null={null!r}: a null variance must be a positive number")
        return float(null)
    if not isinstance(null, str):
        raise ArgumentError(f"null={show(null)}; null must be 'uniform', 'slight_skew', "
                            "'moderate_skew' or a number")
    if null == "uniform":
        return (scale_points ** 2 - 1) / 12
    if null in _SKEWED:
        table = _SKEWED[null]
        if scale_points not in table:
            raise ArgumentError(f"scale_points={scale_points}: {null} null variances are "
                                f"tabulated for {sorted(table)}-point scales; pass a number "
                                "as null= instead")
        return table[scale_points]
    raise ArgumentError(f"null={show(null)}; null must be 'uniform', 'slight_skew', "
                        "'moderate_skew' or a number")


def _check(data, cols, group, where):
    """Refuse a missing or text column and a group column with gaps (naming them)."""
    as_frame(data)
    if not isinstance(group, (str, int)) or isinstance(group, bool):
        raise ArgumentError(f"group={show(group)}: give the name of the unit column")
    require_columns(data, list(cols) + [group])
    if data[group].isna().any():
        rows = list(data.index[data[group].isna()][:5])
        raise DataError(f"group column {group!r} has missing values (rows {rows}); fix them "
                        "first")
    numeric_block(data, list(cols), where)


def _warn_small_units(table, stat, where):
    small = table.loc[table["n"] < 2, "group"].tolist()
    if small:
        warnings.warn(f"{where}: {len(small)} unit(s) have fewer than two complete responses "
                      f"({show(small)}); their {stat} is NaN (agreement needs two members)",
                      DataWarning, stacklevel=3)


def _check_scale(data, items, scale_points):
    """Refuse answers that span more points than ``scale_points`` (a 7-point item
    judged against a 5-point null would read as no agreement)."""
    x = data[items].to_numpy(float)
    if np.isfinite(x).any():
        lo, hi = np.nanmin(x), np.nanmax(x)
        if hi - lo + 1 > scale_points + 1e-9:
            raise ArgumentError(f"scale_points={scale_points}, but the answers range from "
                                f"{lo:g} to {hi:g} ({hi - lo + 1:g} points); pass the number "
                                "of answer options of the scale, e.g. "
                                f"scale_points={int(np.ceil(hi - lo + 1))}")


def icc(data: pd.DataFrame, column: str, group: str) -> pd.Series:
    """ICC(1), ICC(2) and the ANOVA pieces (``msb, msw, df_between, df_within, k, F,
    pvalue, n, n_groups``). Rows with a missing ``column`` are reported, not dropped
    silently: the count is in ``n_missing``."""
    if not isinstance(column, str):
        raise ArgumentError(f"column={show(column)}: give the name of one score column "
                            "(average items first, e.g. data[items].mean(axis=1))")
    _check(data, [column], group, "icc")
    d = data[[column, group]]
    n_missing = int(d[column].isna().sum())
    d = d.dropna()
    groups = d.groupby(group)[column]
    J, N = groups.ngroups, len(d)
    if J < 2:
        raise DataError(f"icc needs at least two units in {group!r}; found {J}")
    if N == J:
        raise DataError(f"icc: every unit of {group!r} has one respondent with a score "
                        f"({J} units, {N} rows), so the within-unit variance cannot be "
                        "estimated; icc needs several members per unit")
    grand = d[column].mean()
    ssb = (groups.size() * (groups.mean() - grand) ** 2).sum()
    ssw = ((d[column] - groups.transform("mean")) ** 2).sum()
    dfb, dfw = J - 1, N - J
    msb, msw = ssb / dfb, ssw / dfw
    k = N / J
    F = msb / msw
    return pd.Series({"icc1": (msb - msw) / (msb + (k - 1) * msw), "icc2": (msb - msw) / msb,
                      "msb": msb, "msw": msw, "df_between": dfb, "df_within": dfw, "k": k,
                      "F": F, "pvalue": float(stats.f.sf(F, dfb, dfw)), "n": N,
                      "n_groups": J, "n_missing": n_missing})


def rwg_j(data: pd.DataFrame, items, group: str, scale_points: int = 5,
          null="uniform") -> pd.DataFrame:
    """rwg(j) per unit: ``group, n, mean_var, rwg_j``. Rows with a missing item are
    excluded per unit (as ``multilevel``) and counted in ``n_dropped``."""
    items = as_names(items, "items")
    _check(data, items, group, "rwg_j")
    s2 = null_variance(scale_points, null)
    _check_scale(data, items, scale_points)
    J = len(items)
    rows = []
    for g, sub in data.groupby(group, sort=True):
        complete = sub[items].dropna()
        n = len(complete)
        if n < 2:
            val, mv = np.nan, np.nan
        else:
            mv = complete.var(ddof=1).mean()
            ratio = mv / s2
            val = 0.0 if mv > s2 else J * (1 - ratio) / (J * (1 - ratio) + ratio)
        rows.append(dict(group=g, n=n, n_dropped=len(sub) - n, mean_var=mv, rwg_j=val))
    out = pd.DataFrame(rows)
    _warn_small_units(out, "rwg_j", "rwg_j")
    return out


def rwg(data: pd.DataFrame, item: str, group: str, scale_points: int = 5,
        null="uniform") -> pd.DataFrame:
    """Single-item rwg = 1 − s²/σ² per unit (0 when s² > σ²; missing for n < 2)."""
    if not isinstance(item, str):
        raise ArgumentError(f"item={show(item)}: rwg takes one item; use rwg_j for several")
    _check(data, [item], group, "rwg")
    s2 = null_variance(scale_points, null)
    _check_scale(data, [item], scale_points)
    rows = []
    for g, sub in data.groupby(group, sort=True):
        x = sub[item].dropna()
        v = x.var(ddof=1) if len(x) >= 2 else np.nan
        val = np.nan if np.isnan(v) else (0.0 if v > s2 else 1 - v / s2)
        rows.append(dict(group=g, n=len(x), var=v, rwg=val))
    out = pd.DataFrame(rows)
    _warn_small_units(out, "rwg", "rwg")
    return out


def aggregate(data: pd.DataFrame, items, group: str, scale_points: int = 5,
              null="uniform", name: str = "score") -> tuple[pd.DataFrame, pd.Series]:
    """Aggregate the mean of ``items`` to units.

    Returns ``(units, summary)``: one row per unit (``group, n, <name>, rwg_j``) and the
    justification statistics (ICC(1), ICC(2), median and mean rwg(j), share of units with
    rwg(j) ≥ .70)."""
    items = as_names(items, "items")
    _check(data, items, group, "aggregate")
    if not isinstance(name, str) or name in data.columns:
        raise ArgumentError(f"name={show(name)}: give a new column name for the unit score")
    d = data.assign(**{name: data[items].mean(axis=1)})
    agree = rwg_j(d, items, group, scale_points, null)
    means = d.groupby(group, sort=True)[name].agg(["size", "mean"]).reset_index()
    units = means.rename(columns={"size": "n_rows", "mean": name, group: "group"}).merge(
        agree[["group", "rwg_j"]], on="group")
    ic = icc(d, name, group)
    summary = pd.Series({"icc1": ic["icc1"], "icc2": ic["icc2"],
                         "rwg_j_median": agree["rwg_j"].median(),
                         "rwg_j_mean": agree["rwg_j"].mean(),
                         "share_rwg_j_070": (agree["rwg_j"] >= 0.70).mean()})
    return units, summary


def mixed_link(data: pd.DataFrame, outcome: str, predictors, group: str):
    """Random-intercept regression (statsmodels MixedLM, REML) of ``outcome`` on
    ``predictors`` with units as groups; returns the fitted statsmodels result (use
    ``.summary()``; ``.params``)."""
    import statsmodels.formula.api as smf

    predictors = as_names(predictors, "predictors")
    _check(data, [outcome] + predictors, group, "mixed_link")
    d = data[[outcome, group] + predictors].dropna()
    formula = f"{outcome} ~ " + " + ".join(predictors)
    return smf.mixedlm(formula, d, groups=d[group]).fit(reml=True)
