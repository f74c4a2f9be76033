"""Importance–performance map analysis (IPMA; Ringle & Sarstedt 2016).

Items are rescaled to 0–100, ``x' = 100 (x − min) / (max − min)``, with the scale's
bounds (or the observed ones). A construct's rescaled score is the weighted average of
its rescaled items, with its outer weights made to sum to 1: the *unstandardised*
weights ``w / sd(x)`` as Ringle & Sarstedt (2016) and SmartPLS, or the standardised
ones as seminrExtras. **Performance** is the mean rescaled score; **importance** the
unstandardised total effect on the target, from paths
``b · sd(target') / sd(source')`` (Hair et al. 2018, *Advanced Issues in PLS-SEM*, ch. 4).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, DataWarning

__all__ = ["ipma"]

WEIGHTS = ("unstandardized", "standardized")


def _bounds(scale, items, X):
    """(lo, hi) arrays per item from ``scale`` (None: observed; a pair; a dict)."""
    if scale is None:
        return X.min(axis=0), X.max(axis=0)
    if isinstance(scale, dict):
        absent = [x for x in items if x not in scale]
        if absent:
            raise ArgumentError(f"scale has no bounds for the items {absent[:5]}; give "
                                "(min, max) for every item of the model")
        pairs = [scale[x] for x in items]
    else:
        pairs = [scale] * len(items)
    try:
        lo, hi = (np.array(v, dtype=float) for v in zip(*pairs))
    except (TypeError, ValueError):
        raise ArgumentError(f"scale must be None, a (min, max) pair or a dict item → (min, "
                            f"max), got {scale!r}") from None
    if (hi <= lo).any():
        raise ArgumentError("scale: each max must exceed its min")
    outside = (X < lo - 1e-12) | (X > hi + 1e-12)
    if outside.any():
        r, k = np.argwhere(outside)[0]
        raise DataError(f"item {items[k]!r} has the value {X[r, k]:g}, outside its scale "
                        f"({lo[k]:g}, {hi[k]:g}); fix the data or the scale")
    return lo, hi


def ipma(result, target, scale=None, weights="unstandardized") -> pd.DataFrame:
    """IPMA of one fitted model (see :meth:`im_research.pls.PLSResult.ipma`)."""
    names = result.model.constructs
    if target not in names:
        raise ArgumentError(f"target must be a construct of the model {names}, got "
                            f"{target!r}")
    if weights not in WEIGHTS:
        raise ArgumentError(f"weights must be one of {WEIGHTS}, got {weights!r}")
    if result._spec["derive"] is not None:
        raise ArgumentError("IPMA is not implemented for models with interaction terms or "
                            "higher-order constructs")
    items = list(result.outer["item"])
    X = result._data()
    lo, hi = _bounds(scale, items, X)
    Xr = 100 * (X - lo) / (hi - lo)
    W = result.weights.to_numpy()
    if weights == "unstandardized":
        W = W / X.std(axis=0, ddof=1)[:, None]
    if (W < 0).any():
        bad = items[np.argwhere(W < 0)[0][0]]
        warnings.warn(f"ipma(): the weight of {bad!r} is negative, so its construct's "
                      "rescaled score is not an average of its items", DataWarning,
                      stacklevel=3)
    W = W / W.sum(axis=0)
    scores = Xr @ W
    sd = scores.std(axis=0, ddof=1)
    B = result.path_matrix.to_numpy()
    B_unstd = B * sd[None, :] / sd[:, None]
    eye = np.eye(len(names))
    T = np.linalg.inv(eye - B_unstd) - eye
    T_std = result.total_effects.to_numpy()
    t = names.index(target)
    pred = [j for j in range(len(names)) if T_std[j, t] != 0]
    if not pred:
        raise ArgumentError(f"no construct has an effect on {target!r}; choose an "
                            "endogenous target")
    table = pd.DataFrame({"importance": T[pred, t], "importance_std": T_std[pred, t],
                          "performance": scores.mean(axis=0)[pred]},
                         index=[names[j] for j in pred])
    owner = list(result.outer["construct"])
    pos = {c: j for j, c in enumerate(names)}
    rows = [(x, c, W[i, pos[c]] * T[pos[c], t], Xr[:, i].mean())
            for i, (x, c) in enumerate(zip(items, owner)) if T_std[pos[c], t] != 0]
    table.attrs["items"] = pd.DataFrame(rows, columns=["item", "construct", "importance",
                                                       "performance"])
    table.attrs["target"] = target
    table.attrs["target_performance"] = float(scores[:, t].mean())
    return table
