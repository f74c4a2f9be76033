"""Sample moments and input checks shared by every estimator.

``SampleStats`` holds one group's moments (covariance with divisor N, as lavaan's ML);
the checks name the column, row or matrix entry at fault.

>>> import pandas as pd
>>> from im_research.sem.moments import sample_stats_from_data
>>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 4.0, 3.0]})
>>> sample_stats_from_data(df, ["a", "b"], "listwise", True).cov[0, 0]
1.25
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError, DataWarning

__all__ = ["SampleStats", "check_columns", "group_labels_in", "sample_stats_from_data",
           "check_positive_definite", "cov_input"]


@dataclass
class SampleStats:
    """Sample moments of one group (covariance with divisor N, as lavaan's ML)."""

    nobs: int
    cov: np.ndarray
    mean: np.ndarray | None
    names: list[str]
    data: pd.DataFrame | None = None
    dropped: list = field(default_factory=list)




def suggest_names(name, candidates):
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.5)
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def non_numeric_example(col: pd.Series) -> str:
    """`` (e.g. 'agree' in row 7)`` for the first cell of ``col`` that is not a number."""
    bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
    return f" (e.g. {bad.iloc[0]!r} in row {bad.index[0]!r})" if len(bad) else ""


def check_columns(data: pd.DataFrame, ov: list[str], lv: list[str]):
    missing = [v for v in ov if v not in data.columns]
    if missing:
        msgs = []
        for v in missing:
            hint = suggest_names(v, list(data.columns) + lv)
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
                f"column {v!r} is not numeric{non_numeric_example(col)}. Recode it to "
                "numbers first "
                "(im_research.io.read_survey maps Likert labels and Persian digits to codes),"
                " or declare it ordered.")
        if col.notna().sum() == 0:
            raise DataError(f"column {v!r} has no observed values (all missing); remove it "
                            "from the model or fix the import")
    return sub.to_numpy(dtype=float)


def group_labels_in(data, group):
    """Group labels in order of first appearance (lavaan), ``[None]`` without groups."""
    if group is None:
        return [None]
    if group not in data.columns:
        raise DataError(f"group column {group!r} is not in the data." +
                        suggest_names(group, data.columns))
    if data[group].isna().any():
        rows = list(data.index[data[group].isna()][:5])
        raise DataError(f"group column {group!r} has missing values (rows {rows}...); "
                        "drop or recode them first")
    return list(pd.unique(data[group]))


def sample_stats_from_data(data, ov, missing, meanstructure, group_label=None, x=None):
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



def check_positive_definite(cov, names, where):
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


def cov_input(cov, nobs, means, sd, ov):
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
    check_positive_definite(mat, ov, "covariance matrix given in cov=")
    mean = None
    if means is not None:
        ms = pd.Series(means) if not isinstance(means, pd.Series) else means
        mean = ms[ov].to_numpy(float)
    # lavaan's sample.cov.rescale: input divisor N-1 -> ML divisor N
    return SampleStats(nobs, mat * (nobs - 1) / nobs, mean, list(ov))

