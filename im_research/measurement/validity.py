"""Discriminant validity: Fornell–Larcker criterion and HTMT (with bootstrap inference).

- :func:`fornell_larcker`: factor correlations with √AVE on the diagonal (AVE as semTools
  computes it, see :mod:`im_research.measurement.reliability`); a factor passes when its √AVE
  exceeds its correlations with every other factor.
- :func:`htmt`: heterotrait–monotrait ratio from the item correlations (absolute values,
  as semTools ``htmt(absolute = TRUE)``): the mean correlation between two factors'
  items over the geometric mean of their mean within-factor correlations. The original
  HTMT (Henseler et al. 2015) uses arithmetic means (``htmt2=False``, our default as in
  the issue); HTMT2 uses geometric means (semTools 0.5-6 default, ``htmt2=True``).
  Criteria: < .85 (strict) and < .90 (liberal).
- :func:`htmt_inference`: percentile bootstrap intervals of each HTMT ("HTMT
  inference": discriminant validity holds when the upper bound is below the criterion).

Examples
--------
>>> import im_research as ir
>>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
>>> h = ir.htmt("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3", bank)
>>> bool(h.loc["js", "im"] < 0.85)
True
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError, DataWarning
from ..validation import (
    as_count,
    as_frame,
    as_names,
    as_number,
    numeric_block,
    seed_sequence,
    show,
)
from .reliability import _resolve, reliability

__all__ = ["fornell_larcker", "htmt", "htmt_inference"]


def fornell_larcker(fit_or_model, data=None) -> pd.DataFrame:
    """Factor correlations (lower triangle) with √AVE on the diagonal, plus a column
    ``criterion_met`` per factor."""
    res = _resolve(fit_or_model, data)
    rel = reliability(res).set_index("factor")
    factors = list(rel.index)
    C = res._C[0][0]
    names = res.observed + res.latent
    idx = [names.index(f) for f in factors]
    sd = np.sqrt(np.diag(C)[idx])
    R = C[np.ix_(idx, idx)] / np.outer(sd, sd)
    out = pd.DataFrame(np.tril(R, -1), index=factors, columns=factors).where(
        np.tril(np.ones_like(R, bool), -1))
    for k, f in enumerate(factors):
        out.iloc[k, k] = rel.loc[f, "sqrt_ave"]
    off = np.abs(R - np.eye(len(factors)))
    out["criterion_met"] = [bool(rel.loc[f, "sqrt_ave"] > off[k].max())
                            for k, f in enumerate(factors)]
    return out


def _indicators(model):
    from ..sem.partable import build_partable

    if not isinstance(model, str):
        raise ArgumentError(f"model={show(model)}: give the measurement model as lavaan "
                            "syntax, e.g. 'a =~ a1 + a2 + a3\\nb =~ b1 + b2 + b3'")
    _, info = build_partable(model)
    ind = {f: [v for v in vs if v not in info.lv] for f, vs in info.indicators.items()}
    ind = {f: v for f, v in ind.items() if v}
    if len(ind) < 2:
        raise DataError("HTMT needs at least two factors measured by observed items")
    return ind


def _htmt_stack(R, groups, htmt2):
    """HTMT matrices (B, k, k; lower triangle and diagonal) of a stack of |correlation|
    matrices ``R`` (B, p, p); ``groups`` holds each factor's item positions."""
    def agg(v):  # arithmetic (HTMT) or geometric (HTMT2) mean over the last axis
        return np.exp(np.log(v).mean(axis=-1)) if htmt2 else v.mean(axis=-1)

    B, k = R.shape[0], len(groups)
    within = np.ones((B, k))  # a single item is perfectly reliable by assumption
    for f, g in enumerate(groups):
        if len(g) >= 2:
            iu, ju = np.triu_indices(len(g), 1)
            within[:, f] = agg(R[:, g[iu], g[ju]])
    out = np.full((B, k, k), np.nan)
    for a in range(k):
        out[:, a, a] = 1.0
        for b in range(a):
            between = R[:, groups[a][:, None], groups[b][None, :]].reshape(B, -1)
            out[:, a, b] = agg(between) / np.sqrt(within[:, a] * within[:, b])
    return out


def _htmt_from_cor(R, ind, htmt2):
    groups = [R.index.get_indexer(items) for items in ind.values()]
    with np.errstate(divide="ignore"):
        H = _htmt_stack(R.to_numpy()[None], groups, htmt2)[0]
    return pd.DataFrame(H, index=list(ind), columns=list(ind))


def _checked_items(model, data, ordered, where):
    """The factors, their items and ``ordered`` (a list of names, True or None) after
    checking ``data``: items present, numeric (unless ordered) and not constant (a
    constant item has no correlations)."""
    ind = _indicators(model)
    items = [i for v in ind.values() for i in v]
    as_frame(data)
    if ordered is not None and not isinstance(ordered, bool):
        ordered = as_names(ordered, "ordered")
        unknown = [v for v in ordered if v not in items]
        if unknown:
            raise DataError(f"{where}: ordered= names {unknown}, which are not items of the "
                            f"model ({items})")
    missing = [i for i in items if i not in data.columns]
    if missing:
        raise DataError(f"{where}: the data lack items {missing} (data= has columns "
                        f"{show(list(data.columns), 120)})")
    if not ordered:
        numeric_block(data, items, where)
    for i in items:
        values = pd.unique(data[i].dropna())
        if len(values) < 2:
            raise DataError(f"{where}: item {i!r} is constant (every answer is "
                            f"{str(values[0]) if len(values) else 'missing'}); its correlations "
                            "are undefined — remove it from the model")
    return ind, items, ordered


def _item_correlations(data, items, ordered):
    """|correlations| of the items: Pearson, or polychoric for ``ordered`` items (complete
    rows, as semTools' ``htmt(ordered =)`` through ``lavCor``)."""
    if not ordered:
        n_incomplete = int(data[items].isna().any(axis=1).sum())
        if n_incomplete:
            warnings.warn(f"htmt: {n_incomplete} of {len(data)} rows have missing items; each "
                          "correlation uses the rows where both items are present "
                          "(pairwise)", DataWarning, stacklevel=3)
        return data[items].corr().abs()
    from ..sem.ordinal import wls_statistics

    names = items if ordered is True else list(ordered)
    complete = pd.DataFrame(data[items]).dropna()
    if len(complete) < len(data):
        warnings.warn(f"htmt: {len(data) - len(complete)} rows with missing items are left "
                      "out of the polychoric correlations (listwise, as semTools)",
                      DataWarning, stacklevel=3)
    R = wls_statistics(complete, items, [i for i in items if i in names]).cor
    return pd.DataFrame(np.abs(R), index=items, columns=items)


def htmt(model: str, data: pd.DataFrame, htmt2: bool = False, ordered=None) -> pd.DataFrame:
    """HTMT matrix (lower triangle, 1 on the diagonal) of the factors in ``model``.

    ``ordered`` (True or a list of items) uses polychoric (and polyserial) correlations
    instead of Pearson's, as semTools ``htmt(ordered =)``: advisable for Likert items.
    Rows with missing items are reported (``DataWarning``); a constant item is refused."""
    ind, items, ordered = _checked_items(model, data, ordered, "htmt")
    R = _item_correlations(data, items, ordered)
    if htmt2 and (R.to_numpy() == 0).any():
        raise DataError("HTMT2 (geometric means) is undefined with a zero correlation; use "
                        "htmt2=False")
    return _htmt_from_cor(R, ind, htmt2)


def htmt_inference(model: str, data: pd.DataFrame, n_boot: int = 1000, seed=None,
                   htmt2: bool = False, level: float = 0.95, ordered=None) -> pd.DataFrame:
    """Bootstrap percentile intervals for every HTMT pair with the .85 and .90 criteria:
    ``factor_a, factor_b, htmt, ci_lower, ci_upper, below_085, below_090``. With
    ``ordered`` each draw recomputes the polychoric correlations (slower: about 20 ms a
    draw for ten items)."""
    from ..inference.bootstrap import percentile_interval

    seed = seed_sequence(seed)
    n_boot = as_count(n_boot, "n_boot", minimum=2, hint="the number of resamples")
    level = as_number(level, "level", low=0, high=1)
    ind, items, ordered = _checked_items(model, data, ordered, "htmt_inference")
    x = data[items].dropna().to_numpy(float)
    if len(x) < len(data):
        raise DataError(f"htmt_inference: {len(data) - len(x)} rows have missing items; "
                        "handle them first (they are not dropped silently)")
    est = htmt(model, data, htmt2, ordered)
    seeds = seed.spawn(n_boot)
    n = len(x)

    def rows(chunk):  # each draw's rows from its own seed stream
        return np.array([np.random.default_rng(ss).integers(0, n, n) for ss in chunk])

    groups = [np.array([items.index(i) for i in v]) for v in ind.values()]
    draws, failed = [], 0
    all_ordered = ordered is True or (ordered and set(ordered) == set(items))
    if not ordered:  # Pearson: correlation matrices of a chunk of draws at once
        size = max(1, min(256, int(2e7 // (n * len(items)))))  # about 160 MB a chunk
        for start in range(0, n_boot, size):
            xb = x[rows(seeds[start:start + size])]
            dev = xb - xb.mean(axis=1, keepdims=True)
            cov = dev.transpose(0, 2, 1) @ dev  # batched BLAS, not einsum
            sd = np.sqrt(np.einsum("bii->bi", cov))
            with np.errstate(divide="ignore", invalid="ignore"):
                R = np.abs(cov / (sd[:, :, None] * sd[:, None, :]))
            draws.append(_htmt_stack(R, groups, htmt2))
        draws = list(np.concatenate(draws))
    else:
        from ..sem.ordinal import polychoric_matrix

        frame = pd.DataFrame(x, columns=items)
        for ss in seeds:
            r = rows([ss])[0]
            try:  # the matrix alone when every item is ordered; else with polyserials
                R = (np.abs(polychoric_matrix(x[r], items)) if all_ordered else
                     _item_correlations(frame.iloc[r], items, ordered).to_numpy())
            except DataError:  # an item became constant in this resample
                failed += 1
                continue
            draws.append(_htmt_stack(R[None], groups, htmt2)[0])
    if failed:
        warnings.warn(f"htmt_inference: {failed} of {n_boot} resamples left an item with a "
                      f"single category and were left out; the intervals use {len(draws)} "
                      "draws",
                      DataWarning, stacklevel=2)
    if len(draws) < 2:
        raise DataError("htmt_inference: fewer than two usable resamples; merge sparse "
                        "categories first")
    draws = np.array(draws)
    a = (1 - level) / 2
    rows = []
    factors = list(ind)
    for i in range(len(factors)):
        for j in range(i):
            lo, hi = percentile_interval(draws[:, i, j], [a, 1 - a])
            rows.append(dict(factor_a=factors[i], factor_b=factors[j],
                             htmt=est.iloc[i, j], ci_lower=lo, ci_upper=hi,
                             below_085=hi < 0.85, below_090=hi < 0.90))
    return pd.DataFrame(rows)
