"""Indicator data for PLS: checks, missing values and correlation matrices.

Missing values follow seminr/SmartPLS: ``missing="mean"`` replaces each empty cell by its
column's mean over all rows; ``missing="casewise"`` drops every row with an empty model
item. Either way the result reports what was done (``PLSResult.missing``). Bootstrap
samples are drawn from the raw rows and treated the same way inside each sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError

__all__ = ["MISSING", "raw_matrix", "complete", "correlation", "row_counts",
           "resampled_correlations"]

MISSING = ("mean", "casewise")


def raw_matrix(data, columns, missing_value=None) -> np.ndarray:
    """The model's indicator columns as floats, with ``missing_value`` cells as NaN.

    Raises
    ------
    DataError
        Naming absent columns, columns holding text, or infinite values.
    """
    if not isinstance(data, pd.DataFrame):
        raise ArgumentError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise DataError(f"the model's items {absent} are not columns of data; check the "
                        "spelling or add them")
    out = np.empty((len(data), len(columns)))
    for k, c in enumerate(columns):
        col = data[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            bad = col[pd.to_numeric(col, errors="coerce").isna() & col.notna()]
            where = f" (row {bad.index[0]!r}: {bad.iloc[0]!r})" if len(bad) else ""
            raise DataError(f"column {c!r} is not numeric{where}; recode it to numbers "
                            "or declare the text as missing")
        out[:, k] = col.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(out).any():
        r, k = np.argwhere(np.isinf(out))[0]
        raise DataError(f"column {columns[k]!r} holds an infinite value (row "
                        f"{data.index[r]!r}); replace it or mark it missing")
    if missing_value is not None:
        out[out == missing_value] = np.nan
    return out


def complete(X, missing, names=None) -> np.ndarray:
    """Mean-replace (``"mean"``) or drop rows with (``"casewise"``) missing cells.

    Raises
    ------
    DataError
        When mean replacement meets a column with no observed value.
    """
    nan = np.isnan(X)
    if not nan.any():
        return X
    if missing == "casewise":
        return X[~nan.any(axis=1)]
    empty = np.flatnonzero(nan.all(axis=0))
    if empty.size:
        name = repr(names[empty[0]]) if names is not None else f"number {empty[0]}"
        raise DataError(f"item {name} has no observed value; drop it from the model")
    return np.where(nan, np.nanmean(X, axis=0), X)


def correlation(X, names=None) -> np.ndarray:
    """Indicator correlation matrix (n − 1 in both moments, as R's ``cor``).

    Raises
    ------
    DataError
        When a column is constant (its correlations are undefined).
    """
    Xc = X - X.mean(axis=0)
    ss = np.einsum("ij,ij->j", Xc, Xc)
    flat = np.flatnonzero(ss <= 1e-14 * max(1.0, ss.max()))
    if flat.size:
        name = repr(names[flat[0]]) if names is not None else f"number {flat[0]}"
        raise DataError(f"item {name} has the same value in every used row; PLS needs "
                        "variation: drop it from the model")
    Xc /= np.sqrt(ss)
    return Xc.T @ Xc


def row_counts(idx, n) -> np.ndarray:
    """How often each of ``n`` rows occurs in each row of ``idx``: (m, n) floats."""
    m = idx.shape[0]
    return np.bincount((idx + n * np.arange(m)[:, None]).ravel(),
                       minlength=m * n).reshape(m, n).astype(float)


def resampled_correlations(raw, counts, missing) -> tuple[np.ndarray, np.ndarray]:
    """Correlation matrices of many resamples of ``raw`` at once.

    Row ``d`` of ``counts`` says how often each raw row occurs in sample ``d`` (a
    bootstrap draw, or a jackknife sample with one row left out); missing cells get the
    *sample's* item means (``"mean"``) or their rows a weight of 0 (``"casewise"``),
    exactly as if each sample were completed and correlated on its own.

    Returns
    -------
    S : ndarray (m, p, p)
    ok : ndarray of bool (m,)
        False where an item is constant (or unobserved) in the draw, or fewer than three
        rows remain.
    """
    counts = counts.copy()
    miss = np.isnan(raw)
    with np.errstate(invalid="ignore"):
        centre = np.nanmean(raw, axis=0) if miss.any() else raw.mean(axis=0)
    X0 = np.where(miss, 0.0, raw - np.nan_to_num(centre))  # centred for accuracy
    F = miss.astype(float)
    if missing == "casewise":
        counts *= ~miss.any(axis=1)
    N = counts.sum(axis=1)
    m, (n, p) = len(counts), X0.shape

    def weighted(A, B):
        # Σ_r counts[d, r] A[r, i] B[r, j] for every sample d: one GEMM over the
        # row-wise outer products (much faster than m small products)
        return (counts @ (A[:, :, None] * B[:, None, :]).reshape(n, p * p)).reshape(m, p, p)

    cross = weighted(X0, X0)
    sums = counts @ X0
    ok = N >= 3
    if missing == "mean" and miss.any():
        observed = counts @ (1 - F)
        ok &= (observed > 0).all(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mu = np.where(observed > 0, sums / observed, 0.0)
        G = weighted(X0, F) * mu[:, None, :]
        H = weighted(F, F)
        cross += G + G.transpose(0, 2, 1) + H * mu[:, :, None] * mu[:, None, :]
        sums = sums + (counts @ F) * mu
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = cross - sums[:, :, None] * sums[:, None, :] / N[:, None, None]
        var = np.diagonal(cov, axis1=1, axis2=2)
        scale = np.abs(np.diagonal(cross, axis1=1, axis2=2)) + 1.0
        ok &= (var > 1e-12 * scale).all(axis=1)
        sd = np.sqrt(np.where(var > 0, var, 1.0))
        S = cov / (sd[:, :, None] * sd[:, None, :])
    S[~ok] = np.nan
    return S, ok
