"""``pls()``: estimate a PLS path model (PLS-SEM) from lavaan syntax and a DataFrame."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np

from ..errors import ArgumentError, DataError, DataWarning, HeywoodWarning
from .algorithm import SCHEMES, estimate
from .data import MISSING, complete, correlation, raw_matrix
from .design import blocks_of, design
from .model import read_model
from .quality import loadings, outer_vif, rsquare
from .result import PLSResult

__all__ = ["pls"]


def pls(model, data, *, scheme="path", consistent=False, missing="mean",
        missing_value=None, tol=1e-7, max_iter=300, interaction="two_stage",
        higher_order="two_stage") -> PLSResult:
    """Estimate a PLS path model (composite-based SEM, as SmartPLS and seminr).

    Parameters
    ----------
    model : str
        lavaan syntax: ``X =~ x1 + x2`` a mode A composite ("reflective"),
        ``X <~ x1 + x2`` a mode B composite ("formative"), ``Y ~ X`` structural paths.
        A data column named in a ``~`` formula becomes a single-item construct.
        ``Y ~ X + M + X:M`` adds the interaction term ``X:M`` (moderation);
        ``H =~ A + B`` (or ``<~``) over constructs A and B a higher-order construct.
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
    interaction : {"two_stage", "product_indicator", "orthogonal"}
        How an interaction term ``X:M`` is measured: the product of the X and M scores
        of the model without interactions (SmartPLS 4's default), every product of a
        standardised X item and M item (seminr's default), or those products
        residualised on the X and M items. See :mod:`im_research.pls.design`.
    higher_order : {"two_stage", "embedded", "repeated"}
        How a higher-order construct is estimated: disjoint two-stage (seminr's;
        stage one replaces it by its dimensions), embedded two-stage (stage one is the
        repeated-indicators model) or repeated indicators in one stage. In the two-stage
        approaches the dimensions' measurement models are in ``result.first_stage``.

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

    A moderation (two-stage interaction term):

    >>> mod = ir.pls('''
    ... im =~ im1 + im2 + im3 + im4
    ... js =~ js1 + js2 + js3
    ... oc =~ oc1 + oc2 + oc3
    ... oc ~ im + js + im:js
    ... ''', bank)
    >>> list(mod.paths["source"])
    ['im', 'js', 'im:js']
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
    declared = read_model(model, data.columns)
    d = design(declared, interaction=interaction, higher_order=higher_order, scheme=scheme,
               tol=tol, max_iter=max_iter)
    items = d.base
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
    settings = {"scheme": scheme, "tol": tol, "max_iter": max_iter,
                "consistent": consistent, "missing": missing}
    res = _fit(d.model, d.derive, d.interaction, X, raw, index, report, settings)
    if d.first_stage is not None:
        first = d.first_stage
        select = [items.index(x) for x in first.indicators]
        res.first_stage = _fit(first, (lambda Z: Z[:, select]), [False] * len(
            first.constructs), X, raw, index, report, settings)
    return res


def _fit(m, derive, interaction, X, raw, index, report, settings) -> PLSResult:
    """Estimate the model ``m`` on the completed base matrix ``X`` (``derive`` maps it to
    the model's items)."""
    try:
        Xd = derive(X) if derive is not None else X
        S = correlation(Xd, m.indicators)
        blocks = blocks_of(m)
        modes = [m.modes[c] for c in m.constructs]
        spec = {"blocks": blocks, "modes": modes, "P": m.path_matrix(), "derive": derive,
                "interaction": interaction, "item_sd": Xd.std(axis=0, ddof=1), **settings}
        est = estimate(S, blocks, modes, spec["P"], scheme=settings["scheme"],
                       tol=settings["tol"], max_iter=settings["max_iter"],
                       consistent=settings["consistent"], interaction=interaction,
                       item_sd=spec["item_sd"])
    except np.linalg.LinAlgError:
        raise DataError("the items of a mode B block, or the predecessors of a construct, "
                        "are perfectly collinear; drop a redundant item or path") from None
    if settings["consistent"]:
        _warn_inadmissible(est.C_used, rsquare(est.C_used, est.B), m.constructs)
    lam = loadings(S, est.W, blocks, est.rho_a)
    return PLSResult(model=m, spec=spec, S=S, X=Xd, raw=raw, index=index, est=est, lam=lam,
                     outer_vif=outer_vif(S, blocks), missing=report,
                     item_names=m.indicators)


def _warn_inadmissible(C, r2, names) -> None:
    """PLSc divides correlations by √(ρA_i ρA_j); a result beyond ±1, or an R² of 1 or
    more, is a Heywood case."""
    i, j = np.nonzero(np.triu(np.abs(C) >= 1, k=1))
    over = np.flatnonzero(r2 >= 1)
    if over.size and not i.size:
        warnings.warn(f"PLSc: the R² of {names[over[0]]!r} is {r2[over[0]]:.3f} (≥ 1), an "
                      "inadmissible solution; its predecessors' corrected correlations are "
                      "too high", HeywoodWarning, stacklevel=4)
    if i.size:
        warnings.warn(
            f"PLSc: the corrected correlation of {names[i[0]]!r} and {names[j[0]]!r} is "
            f"{C[i[0], j[0]]:.3f} (beyond ±1), an inadmissible solution; the constructs may "
            "not be distinct or their reliabilities (ρA) are low", HeywoodWarning,
            stacklevel=4)
