"""From the declared model to the model PLS estimates: interaction terms and
higher-order constructs.

Both add columns to the data that are computed *from* the data (products of items, or
construct scores of a first stage), so they are recomputed on every resample of a
bootstrap, as seminr does. :func:`design` returns the estimated model and a
``derive`` function mapping the completed data columns to the estimation matrix.

Interaction terms ``X:M`` (moderation; Henseler & Chin 2010, Becker et al. 2018):

- ``"two_stage"``: estimate the model without interaction terms, then use the product
  of the standardised X and M scores as a single-item construct (SmartPLS 4's default;
  recommended by Hair et al. 2022 when the aim is the significance of the effect);
- ``"product_indicator"``: every product of a standardised X item and a standardised M
  item is an item of a mode A construct (seminr's default);
- ``"orthogonal"``: those products residualised on all X and M items (Little et al.
  2006), as seminr.

ρA of an interaction construct is 1 (it is not corrected by PLSc), as in seminr.

Higher-order constructs ``H =~ A + B`` (Becker et al. 2012; Sarstedt et al. 2019):

- ``"two_stage"`` (the disjoint approach, seminr's): stage one estimates the model with
  H replaced by its dimensions (paths into H go to each dimension, paths out of H leave
  from each); stage two measures H by the dimensions' scores;
- ``"embedded"``: stage one is the repeated-indicators model; stage two as above;
- ``"repeated"``: one stage; H is measured by all its dimensions' items, with paths
  H → dimension (``=~``) or dimension → H (``<~``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import ArgumentError, ModelSyntaxError
from .algorithm import estimate
from .data import correlation
from .model import PLSModel, _check_acyclic

__all__ = ["Design", "design", "blocks_of", "INTERACTION_METHODS", "HOC_METHODS"]

INTERACTION_METHODS = ("two_stage", "product_indicator", "orthogonal")
HOC_METHODS = ("two_stage", "embedded", "repeated")


@dataclass
class Design:
    """``model`` (what is estimated; its items are the columns ``columns`` of the
    derived matrix), ``base`` (the data columns read), ``derive`` (completed base
    matrix → derived matrix, or None when they are the same), ``interaction`` (per
    construct: is it an interaction term) and ``first_stage`` (the stage-one model of two-stage
    higher-order constructs, on the base columns)."""

    model: PLSModel
    base: list
    derive: object = None
    interaction: list = field(default_factory=list)
    first_stage: PLSModel | None = None

    @property
    def columns(self) -> list:
        return self.model.indicators


def blocks_of(model: PLSModel) -> list:
    """Row positions of each construct's items in ``model.indicators``."""
    blocks, start = [], 0
    for c in model.constructs:
        blocks.append(np.arange(start, start + len(model.items[c])))
        start += len(model.items[c])
    return blocks


def _unique(seq) -> list:
    return list(dict.fromkeys(seq))


def _without(model: PLSModel, drop) -> PLSModel:
    """The model less the constructs ``drop`` and their paths."""
    keep = [c for c in model.constructs if c not in drop]
    return PLSModel(keep, {c: model.items[c] for c in keep}, {c: model.modes[c] for c in keep},
                    [p for p in model.paths if p[0] not in drop and p[1] not in drop])


def _repeated(model: PLSModel) -> PLSModel:
    """Repeated indicators: each higher-order construct measured by its dimensions'
    items, linked to them by paths (H → dimension for mode A, dimension → H for B)."""
    items, paths = dict(model.items), list(model.paths)
    for h, dims in model.higher_order.items():
        items[h] = [x for d in dims for x in model.items[d]]
        paths += [(h, d) if model.modes[h] == "A" else (d, h) for d in dims]
    return PLSModel(list(model.constructs), items, dict(model.modes), paths)


def _disjoint(model: PLSModel) -> PLSModel:
    """Stage one of the disjoint two-stage approach: each higher-order construct replaced
    by its dimensions in the structural model."""
    paths = []
    for s, t in model.paths:
        sources = model.higher_order.get(s, [s])
        targets = model.higher_order.get(t, [t])
        paths += [(a, b) for a in sources for b in targets]
    keep = [c for c in model.constructs if c not in model.higher_order]
    return PLSModel(keep, {c: model.items[c] for c in keep}, {c: model.modes[c] for c in keep},
                    _unique(paths))


def _scores(model, frame, scheme, tol, max_iter) -> np.ndarray:
    """Standardised construct scores of ``model`` estimated on the columns in ``frame``."""
    X = np.column_stack([frame[x] for x in model.indicators])
    Xs = _standardise(X)
    S = correlation(X, model.indicators)
    e = estimate(S, blocks_of(model), [model.modes[c] for c in model.constructs],
                 model.path_matrix(), scheme=scheme, tol=tol, max_iter=max_iter)
    return Xs @ e.W


def _standardise(X):
    return (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)


def design(declared: PLSModel, *, interaction="two_stage", higher_order="two_stage",
           scheme="path", tol=1e-7, max_iter=300) -> Design:
    """The estimation design of a declared model (see the module docstring).

    Examples
    --------
    >>> from im_research.pls.model import read_model
    >>> m = read_model("X =~ x1 + x2\\nM =~ m1 + m2\\ny ~ X + M + X:M",
    ...                ["x1", "x2", "m1", "m2", "y"])
    >>> design(m, interaction="product_indicator").model.items["X:M"]
    ['x1*m1', 'x1*m2', 'x2*m1', 'x2*m2']

    Raises
    ------
    ArgumentError
        For an unknown ``interaction`` or ``higher_order`` method.
    ModelSyntaxError
        When a stage-one model is not a valid PLS model.
    """
    if interaction not in INTERACTION_METHODS:
        raise ArgumentError(f"interaction must be one of {INTERACTION_METHODS}, got "
                            f"{interaction!r}")
    if higher_order not in HOC_METHODS:
        raise ArgumentError(f"higher_order must be one of {HOC_METHODS}, got {higher_order!r}")
    inter = declared.interactions
    hoc = declared.higher_order
    plain = _without(declared, inter)
    plain = PLSModel(plain.constructs, plain.items, plain.modes, plain.paths, {}, dict(hoc))
    first = None
    if not hoc:
        stage2 = plain
    elif higher_order == "repeated":
        stage2 = _repeated(plain)
    else:
        first = _repeated(plain) if higher_order == "embedded" else _disjoint(plain)
        dims = {d for ds in hoc.values() for d in ds}
        stage2 = _without(plain, dims)
        _check_acyclic(first)
    base = _unique((first or stage2).indicators)
    for h in hoc if first is not None else ():
        clash = [d for d in hoc[h] if d in base]
        if clash:
            raise ModelSyntaxError(f"the dimension {clash[0]!r} of {h!r} has the name of a "
                                   "data column; rename the construct", token=clash[0])
    items, modes, paths = dict(stage2.items), dict(stage2.modes), list(stage2.paths)
    constructs = list(stage2.constructs)
    for name, (iv, mod) in inter.items():
        if iv not in items or mod not in items:
            raise ModelSyntaxError(f"the interaction {name} needs {iv!r} and {mod!r} in the "
                                   "structural model (not dimensions of a higher-order "
                                   "construct)", token=name)
        if interaction == "two_stage":
            items[name] = [f"{iv}*{mod}"]
        else:
            items[name] = [f"{a}*{b}" for a in items[iv] for b in items[mod]]
        modes[name] = "A"
        constructs.append(name)
    paths += [p for p in declared.paths if p[0] in inter]
    model = PLSModel(constructs, items, modes, paths, dict(inter), dict(hoc))
    _check_acyclic(model)
    is_term = [c in inter for c in constructs]
    if first is None and not inter and len(set(model.indicators)) == len(model.indicators):
        return Design(model, base, None, is_term, None)

    def derive(X):
        frame = dict(zip(base, X.T))
        if first is not None:
            Z = _scores(first, frame, scheme, tol, max_iter)
            pos = first.constructs.index
            frame.update({d: Z[:, pos(d)] for ds in hoc.values() for d in ds})
        if inter:
            main = None
            if interaction == "two_stage":
                Z = _scores(stage2, frame, scheme, tol, max_iter)
                main = {c: Z[:, j] for j, c in enumerate(stage2.constructs)}
            for name, (iv, mod) in inter.items():
                if main is not None:
                    frame[items[name][0]] = main[iv] * main[mod]
                    continue
                A = _standardise(np.column_stack([frame[x] for x in stage2.items[iv]]))
                M = _standardise(np.column_stack([frame[x] for x in stage2.items[mod]]))
                P = (A[:, :, None] * M[:, None, :]).reshape(len(A), -1)
                if interaction == "orthogonal":
                    D = np.column_stack([np.ones(len(A))]
                                        + [frame[x] for x in stage2.items[iv]
                                           + stage2.items[mod]])
                    P = P - D @ np.linalg.lstsq(D, P, rcond=None)[0]
                frame.update(zip(items[name], P.T))
        return np.column_stack([frame[x] for x in model.indicators])

    return Design(model, base, derive, is_term, first)
