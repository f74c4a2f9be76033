"""``pls()``: estimate a PLS path model (PLS-SEM) from lavaan syntax and a DataFrame."""

from __future__ import annotations

import warnings
from dataclasses import replace
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
        higher_order="two_stage", weights=None, scaled=True) -> PLSResult:
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
    weights : dict, optional
        Outer weighting per construct, overriding the mode its formula implies:
        ``"A"`` (correlation weights), ``"B"`` (regression weights) or ``"unit"`` (unit
        weights, fixed at 1, as seminr's ``unit_weights``). A ``<~`` construct given
        ``"A"`` is a mode A *composite* (seminr's ``composite(..., mode_A)``): PLSc
        corrects only the ``=~`` constructs (common factors), never composites
        (Dijkstra & Henseler 2015), so with ``consistent=True`` a ``=~`` construct must
        keep mode A. seminr 2.3.4 differs here: its PLSc leaves the composites' loadings
        alone but also divides their correlations by ρA, as if they were reflective.
    scaled : bool
        Standardise the items (SmartPLS's and seminr's metric). ``False`` only centres
        them, as R plspm's ``scaled = FALSE``: the weights are estimated from the item
        covariances (mode A weights follow each item's covariance with the inner proxy,
        so items with more variance weigh more) and apply to the centred raw items;
        scores keep unit variance, and loadings and cross-loadings stay correlations.
        Not available with PLSc, interaction terms or higher-order constructs; the
        bootstrap, Q², PLSpredict and IPMA refuse such a fit. plspm scales its scores
        to population variance 1, so its weights are √(n/(n − 1)) times ours.

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

    PLSc for the common factor ``im`` beside a mode A composite ``js``, whose
    loadings PLSc leaves as they are:

    >>> two = '''
    ... im =~ im1 + im2 + im3 + im4
    ... js <~ js1 + js2 + js3
    ... js ~ im
    ... '''
    >>> mix = ir.pls(two, bank, consistent=True, weights={"js": "A"})
    >>> plain = ir.pls(two, bank, weights={"js": "A"})
    >>> js = mix.outer["construct"] == "js"
    >>> bool((mix.outer["loading"][js] == plain.outer["loading"][js]).all())
    True

    Centred, unscaled items (R plspm's ``scaled = FALSE``): the weights apply to the raw
    items, so tripling the data divides them by three:

    >>> raw = ir.pls(two, bank, scaled=False, tol=1e-12)
    >>> tripled = ir.pls(two, 3 * bank[raw.outer["item"]], scaled=False, tol=1e-12)
    >>> bool(abs(3 * tripled.weights - raw.weights).to_numpy().max() < 1e-10)
    True
    """
    if scheme not in SCHEMES:
        raise ArgumentError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    if missing not in MISSING:
        raise ArgumentError(f"missing must be one of {MISSING}, got {missing!r}")
    if not isinstance(consistent, bool):
        raise ArgumentError(f"consistent must be True or False, got {consistent!r}")
    if not isinstance(scaled, bool):
        raise ArgumentError(f"scaled must be True or False, got {scaled!r}")
    if not scaled and consistent:
        raise ArgumentError("scaled=False cannot be combined with consistent=True: PLSc's "
                            "ρA and corrections are defined for standardised items")
    if isinstance(tol, bool) or not (isinstance(tol, Real) and tol > 0):
        raise ArgumentError(f"tol must be a positive number, got {tol!r}")
    if not isinstance(max_iter, Integral) or isinstance(max_iter, bool) or max_iter < 1:
        raise ArgumentError(f"max_iter must be a positive integer, got {max_iter!r}")
    if not hasattr(data, "columns"):
        raise ArgumentError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    declared = read_model(model, data.columns)
    # composites (<~) stay uncorrected by PLSc whatever their weights
    composite = {c for c, mode in declared.modes.items() if mode == "B"}
    if weights is not None:
        declared = replace(declared, modes={**declared.modes,
                                            **_weighting(weights, declared, consistent)})
    d = design(declared, interaction=interaction, higher_order=higher_order, scheme=scheme,
               tol=tol, max_iter=max_iter)
    if not scaled and d.derive is not None:
        raise ArgumentError("scaled=False is not implemented for models with interaction "
                            "terms or higher-order constructs; use scaled=True")
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
                "consistent": consistent, "missing": missing, "scaled": scaled}
    res = _fit(d.model, d.derive, d.interaction, X, raw, index, report, settings, composite)
    if d.first_stage is not None:
        first = d.first_stage
        select = [items.index(x) for x in first.indicators]
        res.first_stage = _fit(first, (lambda Z: Z[:, select]), [False] * len(
            first.constructs), X, raw, index, report, settings, composite)
    return res


WEIGHTINGS = ("A", "B", "unit")


def _weighting(weights, declared, consistent) -> dict:
    """Check ``pls(weights=)`` against the declared model; the modes it sets."""
    if not isinstance(weights, dict):
        raise ArgumentError("weights must be a dict {construct: 'A' | 'B' | 'unit'}, got "
                            f"{type(weights).__name__}")
    for c, mode in weights.items():
        if c not in declared.items or c in declared.interactions:
            raise ArgumentError(f"weights names {c!r}, which is not a construct declared "
                                f"with =~ or <~ (constructs: {list(declared.items)})")
        if c in declared.higher_order:
            raise ArgumentError(f"weights cannot set the mode of the higher-order construct "
                                f"{c!r}; declare it with =~ (mode A) or <~ (mode B)")
        if mode not in WEIGHTINGS:
            raise ArgumentError(f"weights[{c!r}] must be one of {WEIGHTINGS}, got {mode!r}")
        if consistent and declared.modes[c] == "A" and mode != "A":
            raise ArgumentError(
                f"weights[{c!r}] = {mode!r}: PLSc corrects {c!r} (=~) as a common factor, "
                "which needs mode A weights; declare it with <~ to make it a composite")
    return dict(weights)


def _fit(m, derive, interaction, X, raw, index, report, settings, composite) -> PLSResult:
    """Estimate the model ``m`` on the completed base matrix ``X`` (``derive`` maps it to
    the model's items); PLSc leaves the ``composite`` constructs uncorrected."""
    try:
        Xd = derive(X) if derive is not None else X
        S = correlation(Xd, m.indicators)
        blocks = blocks_of(m)
        modes = [m.modes[c] for c in m.constructs]
        spec = {"blocks": blocks, "modes": modes, "P": m.path_matrix(), "derive": derive,
                "interaction": interaction, "item_sd": Xd.std(axis=0, ddof=1), **settings}
        if settings["consistent"]:  # the blocks PLSc corrects (common factors)
            spec["consistent"] = [c not in composite for c in m.constructs]
        sd = spec["item_sd"]
        # unscaled (plspm's scaled=FALSE): the same algorithm on the item covariances
        est = estimate(S if settings["scaled"] else S * np.outer(sd, sd), blocks, modes,
                       spec["P"], scheme=settings["scheme"], tol=settings["tol"],
                       max_iter=settings["max_iter"], consistent=spec["consistent"],
                       interaction=interaction, item_sd=sd)
        if not settings["scaled"]:
            est.W = est.W * sd[:, None]  # the same composites, on standardised items
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
