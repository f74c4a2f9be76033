"""``pls()``: estimate a PLS path model (PLS-SEM) from lavaan syntax and a DataFrame."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np

from ..errors import ArgumentError, DataError, DataWarning, HeywoodWarning
from .algorithm import SCHEMES, estimate
from .data import MISSING, complete, correlation, raw_matrix
from .model import read_model
from .quality import loadings, outer_vif, rsquare
from .result import PLSResult

__all__ = ["pls"]


def pls(model, data, *, scheme="path", consistent=False, missing="mean",
        missing_value=None, tol=1e-7, max_iter=300) -> PLSResult:
    """Estimate a PLS path model (composite-based SEM, as SmartPLS and seminr).

    Parameters
    ----------
    model : str
        lavaan syntax: ``X =~ x1 + x2`` a mode A composite ("reflective"),
        ``X <~ x1 + x2`` a mode B composite ("formative"), ``Y ~ X`` structural paths.
        A data column named in a ``~`` formula becomes a single-item construct.
    data : pandas.DataFrame
        Raw item scores; items are standardised (mean 0, SD 1), so only their
        correlations matter for the estimates.
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme; ``"path"`` is SmartPLS's and seminr's default.
    consistent : bool
        PLSc (Dijkstra & Henseler 2015): correct the mode A constructs with two or more
        items for measurement error, so paths estimate common-factor relations.
    missing : {"mean", "casewise"}
        Mean replacement (SmartPLS's and seminr's default) or casewise deletion of rows
        with a missing model item. Either is reported in ``result.missing`` and the
        summary, and a :class:`~im_research.errors.DataWarning` says how much was done.
    missing_value : number, optional
        A code that marks missing answers (SmartPLS data often use -99).
    tol : float
        Stop when the sum of absolute changes of the outer weights is below ``tol``
        (SmartPLS's stop criterion, 1e-7).
    max_iter : int
        Maximum number of iterations (300 as SmartPLS and seminr).

    Returns
    -------
    PLSResult

    Raises
    ------
    ModelSyntaxError
        For syntax PLS cannot take (covariances, constraints, loops, ...).
    DataError
        For absent or non-numeric items, or an item with no variation.
    ConvergenceError
        When the weights do not settle within ``max_iter`` iterations.

    Warns
    -----
    HeywoodWarning
        With ``consistent=True``, when a corrected construct correlation exceeds ±1.

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> res = ir.pls('''
    ... im =~ im1 + im2 + im3 + im4
    ... js =~ js1 + js2 + js3
    ... js ~ im
    ... ''', bank)
    >>> bool(res.paths["estimate"].iloc[0] > 0)
    True
    """
    if scheme not in SCHEMES:
        raise ArgumentError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if missing not in MISSING:
        raise ArgumentError(f"missing must be one of {MISSING}, got {missing!r}")
    if not isinstance(consistent, bool):
        raise ArgumentError(f"consistent must be True or False, got {consistent!r}")
    if isinstance(tol, bool) or not (isinstance(tol, Real) and tol > 0):
        raise ArgumentError(f"tol must be a positive number, got {tol!r}")
    if not isinstance(max_iter, Integral) or isinstance(max_iter, bool) or max_iter < 1:
        raise ArgumentError(f"max_iter must be a positive integer, got {max_iter!r}")
    if not hasattr(data, "columns"):
        raise ArgumentError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    m = read_model(model, data.columns)
    items = m.indicators
    raw = raw_matrix(data, items, missing_value)
    nan = np.isnan(raw)
    index = data.index
    if missing == "casewise":
        index = index[~nan.any(axis=1)]
    X = complete(raw, missing, items)
    report = {"method": missing,
              "cells": {x: int(c) for x, c in zip(items, nan.sum(axis=0)) if c},
              "rows_dropped": int(raw.shape[0] - X.shape[0])}
    if nan.any():
        done = (f"{int(nan.sum())} missing cells replaced by item means" if missing == "mean"
                else f"{report['rows_dropped']} rows with missing items dropped")
        warnings.warn(f"pls(): {done} (missing={missing!r})", DataWarning, stacklevel=2)
    if X.shape[0] < 3:
        raise DataError(f"only {X.shape[0]} complete rows; PLS needs more data")
    S = correlation(X, items)
    blocks, start = [], 0
    for c in m.constructs:
        blocks.append(np.arange(start, start + len(m.items[c])))
        start += len(m.items[c])
    modes = [m.modes[c] for c in m.constructs]
    spec = {"blocks": blocks, "modes": modes, "P": m.path_matrix(), "scheme": scheme,
            "tol": tol, "max_iter": max_iter, "consistent": consistent, "missing": missing}
    try:
        est = estimate(S, blocks, modes, spec["P"], scheme=scheme, tol=tol,
                       max_iter=max_iter, consistent=consistent)
    except np.linalg.LinAlgError:
        raise DataError("the items of a mode B block, or the predecessors of a construct, "
                        "are perfectly collinear; drop a redundant item or path") from None
    if consistent:
        _warn_inadmissible(est.C_used, rsquare(est.C_used, est.B), m.constructs)
    lam = loadings(S, est.W, blocks, est.rho_a)
    return PLSResult(model=m, spec=spec, S=S, X=X, raw=raw, index=index, est=est, lam=lam,
                     outer_vif=outer_vif(S, blocks), missing=report, item_names=items)


def _warn_inadmissible(C, r2, names) -> None:
    """PLSc divides correlations by √(ρA_i ρA_j); a result beyond ±1, or an R² of 1 or
    more, is a Heywood case."""
    i, j = np.nonzero(np.triu(np.abs(C) >= 1, k=1))
    over = np.flatnonzero(r2 >= 1)
    if over.size and not i.size:
        warnings.warn(f"PLSc: the R² of {names[over[0]]!r} is {r2[over[0]]:.3f} (≥ 1), an "
                      "inadmissible solution; its predecessors' corrected correlations are "
                      "too high", HeywoodWarning, stacklevel=3)
    if i.size:
        warnings.warn(
            f"PLSc: the corrected correlation of {names[i[0]]!r} and {names[j[0]]!r} is "
            f"{C[i[0], j[0]]:.3f} (beyond ±1), an inadmissible solution; the constructs may "
            "not be distinct or their reliabilities (ρA) are low", HeywoodWarning,
            stacklevel=3)
