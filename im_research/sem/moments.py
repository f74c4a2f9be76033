"""Sample moments and input checks shared by every estimator.

``SampleStats`` holds one group's moments (covariance with divisor N, as lavaan's ML);
the checks name the column, row or matrix entry at fault.

>>> import pandas as pd
>>> from im_research.sem.moments import sample_stats_from_data
>>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 4.0, 3.0]})
>>> float(sample_stats_from_data(df, ["a", "b"], "listwise", True).cov[0, 0])
1.25
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError, DataWarning
from ..validation import as_count
from .ram import well_conditioned

__all__ = ["SampleStats", "check_columns", "group_labels_in", "sample_stats_from_data",
           "check_positive_definite", "check_variance_ratio", "cov_input"]


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
    columns = list(data.columns)  # plain names: pandas' Index costs per element
    have = set(columns)
    missing = [v for v in ov if v not in have]
    if missing:
        msgs = []
        for v in missing:
            hint = suggest_names(v, columns + lv)
            msgs.append(f"{v!r}{hint}")
        raise DataError(
            "the model uses variables that are not columns of the data: " + "; ".join(msgs)
            + " (names are case-sensitive; a latent variable must be defined with =~ before"
            " it is used)")
    pos = {}
    for i, c in enumerate(columns):  # a dict beats pandas' indexers on small frames
        pos.setdefault(c, []).append(i)
    dup = sorted(v for v in set(ov) if len(pos[v]) > 1)
    if dup:
        raise DataError(f"column(s) {dup} appear more than once in the data; rename them")
    idx = [pos[v][0] for v in ov]
    dtypes = data.dtypes.to_numpy()
    numeric_ok = [dtypes[i].kind in "biuf" for i in idx]  # bool, int, unsigned, float
    if all(numeric_ok):  # the common case, checked on one numpy array (returned for reuse)
        if all(dt.kind in "biuf" for dt in dtypes):  # one numeric block: no copy by column
            x = data.to_numpy(dtype=float)[:, idx]
        else:
            x = data.iloc[:, idx].to_numpy(dtype=float)
        _refuse_infinite(x, ov, data.index)
        empty = np.isnan(x).all(axis=0)
        if empty.any():
            v = ov[int(np.argmax(empty))]
            raise DataError(f"column {v!r} has no observed values (all missing); remove "
                            "it from the model or fix the import")
        return x
    sub = data.iloc[:, idx]
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
    x = sub.to_numpy(dtype=float)
    _refuse_infinite(x, ov, data.index)
    return x


def _refuse_infinite(x, ov, index):
    """Refuse infinite cells, and values so large that their squares overflow."""
    inf = np.isinf(x)
    if inf.any():
        r, j = np.argwhere(inf)[0]
        raise DataError(f"column {ov[j]!r} has {int(inf[:, j].sum())} infinite value(s), e.g. "
                        f"row {index[r]!r} = {x[r, j]}; an infinite cell is usually a "
                        "division by zero or a missing-value code — replace it with NaN "
                        "(missing) or a number")
    if not np.isnan(x).any():  # complete data: plain variances (nanvar costs more)
        with np.errstate(over="ignore", invalid="ignore"):
            var = x.var(axis=0)
    else:
        with np.errstate(over="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            var = np.nanvar(x, axis=0)  # NaN for an empty column, refused later
    huge = np.isinf(var)
    if huge.any():
        j = int(np.argmax(huge))
        r = int(np.nanargmax(np.abs(x[:, j])))
        raise DataError(f"column {ov[j]!r} has values too large to analyse (row {index[r]!r} "
                        f"= {x[r, j]:.3g}); fix the entry or rescale the column")
    pos = var[var > 0]
    if len(pos) and pos.max() / pos.min() > _SCALE_LIMIT:
        # beyond double precision's reach: the estimates would be numerical noise
        j, k = int(np.argmax(np.where(var > 0, var, -np.inf))), int(np.argmin(
            np.where(var > 0, var, np.inf)))
        r = int(np.nanargmax(np.abs(x[:, j] - np.nanmean(x[:, j]))))
        raise DataError(f"the variance of column {ov[j]!r} is {var[j] / var[k]:.2g} times that "
                        f"of {ov[k]!r}, too far apart to estimate reliably; its most extreme "
                        f"value is {x[r, j]:.6g} in row {index[r]!r} — fix a mistyped entry "
                        "or rescale the column")


# variance ratio beyond which double precision cannot carry the fit: the checks and the
# estimates are scale-free, and a salary in rials next to 1-5 items fits exactly as the
# rescaled data up to ratios near 1e22 (tests/sem/test_lavaan_breadth.py); below this
# limit a large ratio only gets lavaan's warning (check_variance_ratio)
_SCALE_LIMIT = 1e20


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
    everything = bool(complete.all())  # the usual case: no index arithmetic
    dropped = [] if everything else list(data.index[~complete])
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
    sub = pd.DataFrame(x, index=data.index if everything else data.index[complete],
                       columns=ov)
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
    """Raise a DataError naming the variables when ``cov`` is not positive definite.

    Judged on the correlation scale, so that a variable measured in large units (a salary
    in rials) is not mistaken for a linear dependence."""
    d = np.sqrt(np.diag(cov))
    corr = cov / np.outer(d, d) if np.all(d > 0) else cov
    if well_conditioned(corr, 1e-10):
        return
    w, v = np.linalg.eigh(corr)
    if w[0] <= 1e-10 * max(w[-1], 1e-300):
        # name the variables involved in the smallest eigenvector
        vec = np.abs(v[:, 0])
        involved = [names[i] for i in np.argsort(-vec)[:4] if vec[i] > 0.1]
        raise DataError(
            f"the {where} is not positive definite (smallest eigenvalue of the correlation "
            f"matrix {w[0]:.3g}); variables involved: {involved}. Look for a variable that "
            "is a sum or copy of others, more variables than cases, or a mistyped matrix "
            "entry.")


VARIANCE_RATIO_LIMIT = 1000.0  # lavaan's threshold for its "factor 1000" warning


def check_variance_ratio(cov, names, where, stacklevel=3):
    """Warn (DataWarning) when the largest observed variance exceeds the smallest by more
    than a factor 1000, as lavaan does; return the message or None.

    Estimates stay correct (the checks are scale-free), but the numbers are hard to read
    and optimisers can struggle, so the message suggests a unit to rescale to.

    >>> import numpy as np, warnings
    >>> with warnings.catch_warnings(record=True):
    ...     msg = check_variance_ratio(np.diag([1.0, 2.5e8]), ["x", "salary"], "data")
    >>> "divided by 10,000" in msg
    True
    """
    var = np.diag(cov)
    hi, lo = int(np.argmax(var)), int(np.argmin(var))
    ratio = var[hi] / var[lo] if var[lo] > 0 else np.inf
    if ratio <= VARIANCE_RATIO_LIMIT:
        return None
    factor = 10.0 ** np.floor(np.log10(np.sqrt(var[hi] / var[lo])))
    msg = (f"the observed variances in the {where} differ by a factor of {ratio:.3g} (largest:"
           f" {names[hi]!r}, {var[hi]:.4g}; smallest: {names[lo]!r}, {var[lo]:.4g}). The "
           f"estimates are still valid, but consider rescaling, e.g. {names[hi]!r} divided "
           f"by {factor:,.0f}, so that the variances are of similar size (lavaan warns about a "
           "ratio above 1000 too)")
    warnings.warn(msg, DataWarning, stacklevel=stacklevel)
    return msg


def cov_input(cov, nobs, means, sd, ov):
    """Moments from a published covariance (or correlation, with ``sd``) matrix.

    Every argument is checked before use: missing or infinite entries, ``nobs`` that is
    not a whole number larger than the number of variables, ``sd``/``means`` that do not
    give one finite value per variable."""
    if not isinstance(cov, pd.DataFrame):
        raise DataError("cov must be a pandas DataFrame with variable names as index and "
                        "columns (e.g. pd.DataFrame(matrix, index=names, columns=names))")
    names = [str(c) for c in cov.columns]
    if list(map(str, cov.index)) != names:
        raise DataError("cov: row and column names must be the same variables in the same"
                        " order")
    if len(set(names)) != len(names):
        raise DataError(f"cov: variable names appear more than once: "
                        f"{sorted({v for v in names if names.count(v) > 1})}")
    text = [c for c in cov.columns if not pd.api.types.is_numeric_dtype(cov[c])]
    if text:
        raise DataError(f"cov: column {text[0]!r} is not numeric{non_numeric_example(cov[text[0]])}"
                        "; the matrix must hold numbers only")
    mat = cov.to_numpy(dtype=float)
    bad = ~np.isfinite(mat)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(f"cov has {int(bad.sum())} missing or infinite entries, e.g. "
                        f"[{names[i]}, {names[j]}] = {mat[i, j]}; a covariance matrix must be "
                        "complete (fill the other triangle of a published lower-triangular "
                        "matrix)")
    if nobs is None:
        raise DataError("nobs= (the sample size) is required with cov=")
    # a sample above ten billion is a typing error, and beyond float precision in the
    # fit measures (N·df overflows the RMSEA interval search)
    nobs = as_count(nobs, "nobs", minimum=2, maximum=10**10, error=DataError,
                    hint="nobs= is the number of respondents behind cov")
    if nobs <= len(ov):
        raise DataError(f"nobs={nobs} is not larger than the number of variables "
                        f"({len(ov)}): a covariance matrix from so few cases is singular. "
                        "Check nobs= (the sample size of the study)")
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
        d = _per_variable(sd, "sd", names, ov)
        if not is_cor:
            raise DataError("sd= was given but cov is not a correlation matrix (its diagonal"
                            " is not all 1); give either a covariance matrix, or a "
                            "correlation matrix with sd=")
        if np.any(d <= 0):
            raise DataError(f"sd= must be positive; {ov[int(np.argmin(d))]} has "
                            f"{d.min():g}")
        mat = mat * np.outer(d, d)
    elif is_cor:
        warnings.warn("cov has a unit diagonal: it is analysed as a covariance matrix. If it is "
                      "a correlation matrix from a paper, pass the SDs with sd= so that "
                      "unstandardized estimates and SEs are right.", DataWarning, stacklevel=3)
    check_positive_definite(mat, ov, "covariance matrix given in cov=")
    mean = None if means is None else _per_variable(means, "means", names, ov)
    # lavaan's sample.cov.rescale: input divisor N-1 -> ML divisor N
    return SampleStats(nobs, mat * (nobs - 1) / nobs, mean, list(ov))


def _per_variable(values, arg, names, ov):
    """One finite number per model variable from a Series/dict (by name) or a sequence in
    the order of cov's columns."""
    if isinstance(values, (pd.Series, dict)):
        s = pd.Series(values)
        s.index = s.index.map(str)
        miss = [v for v in ov if v not in s.index]
        if miss:
            raise DataError(f"{arg}= lacks values for {miss}; give one per variable of cov")
        s = s[ov]
    else:
        if isinstance(values, str) or np.ndim(values) != 1:
            raise DataError(f"{arg}= must be a Series/dict keyed by variable name or a list "
                            f"with one value per column of cov, got {type(values).__name__}")
        if len(values) != len(names):
            raise DataError(f"{arg}= has {len(values)} values but cov has {len(names)} "
                            f"variables ({', '.join(names)}); give one per variable, or a "
                            "dict/Series keyed by name")
        s = pd.Series(list(values), index=names)[ov]
    num = pd.to_numeric(s, errors="coerce")
    bad = num.isna() | ~np.isfinite(num.astype(float))
    if bad.any():
        v = s.index[bad.to_numpy()][0]
        raise DataError(f"{arg}= value for {v!r} is {s[v]!r}; every value must be a finite "
                        "number")
    return num.to_numpy(float)
