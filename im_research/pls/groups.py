"""Groups, one PLS model: multigroup analysis (MGA) and measurement invariance of
composite models (MICOM), for every pair of groups.

- **Permutation test** (Chin & Dibbern 2010): the group labels are permuted, both groups
  re-estimated, and a path difference is significant when few permuted differences
  are as large: ``p = (1 + #{|δ*| ≥ |δ|}) / (1 + permutations)``.
- **Henseler's bootstrap MGA** (Henseler, Ringle & Sinkovics 2009), as seminr's
  ``estimate_pls_mga``: each group is bootstrapped and
  ``p = 1 − (1/J²) Σ_j Σ_k Θ(2 β̄₁ − β*₁ⱼ − 2 β̄₂ + β*₂ₖ)`` tests β₁ > β₂ (one-sided).
- **MICOM** (Henseler, Ringle & Sarstedt 2016): step 1 configural invariance (the same
  model, items, data treatment and algorithm settings in both groups, which this
  function guarantees); step 2 compositional invariance, the correlation ``c`` of the
  pooled data's scores under the two groups' weights, against the 5 % quantile of its
  permutation distribution; step 3 equal composite means and variances (the difference
  of means and of log variances of the pooled-model scores between the groups, inside
  the permutation 95 % interval).

Every permutation re-estimates both groups from their correlation matrices in one batch
(as the bootstrap does), and all random draws come from ``seed``.
"""

from __future__ import annotations

from itertools import combinations
from numbers import Integral

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError
from .algorithm import estimate_batch
from .bootstrap import CHUNK, derived_correlations
from .data import resampled_correlations
from .estimate import pls

__all__ = ["PLSMultiGroup", "multigroup", "adjust_p"]


def _estimates(raw, spec, counts):
    """Paths ``B`` (m, k, k) and weights ``W`` (m, p, k) of the samples given by row
    ``counts``, NaN where a sample could not be estimated."""
    B, W = [], []
    for start in range(0, len(counts), CHUNK):
        chunk = counts[start:start + CHUNK]
        if spec["derive"] is None:
            S, ok = resampled_correlations(raw, chunk, spec["missing"])
            sd = None
        else:
            S, ok, sd = derived_correlations(raw, chunk, spec["missing"], spec["derive"])
        if S is None or not ok.any():
            k, p = spec["P"].shape[0], sum(len(b) for b in spec["blocks"])
            B.append(np.full((len(chunk), k, k), np.nan))
            W.append(np.full((len(chunk), p, k), np.nan))
            continue
        S = np.where(ok[:, None, None], S, np.eye(S.shape[1]))  # placeholders, dropped below
        e = estimate_batch(S, spec["blocks"], spec["modes"], spec["P"], scheme=spec["scheme"],
                           tol=spec["tol"], max_iter=spec["max_iter"],
                           consistent=spec["consistent"], interaction=spec["interaction"],
                           item_sd=None if sd is None else np.where(ok[:, None], sd, 1.0))
        bad = ~(ok & e.ok)
        e.B[bad], e.W[bad] = np.nan, np.nan
        B.append(e.B)
        W.append(e.W)
    return np.concatenate(B), np.concatenate(W)


def _henseler_p(b1, b2) -> float:
    """seminr's one-sided PLS-MGA p-value for β₁ > β₂ from two bootstrap columns."""
    left = 2 * b1.mean() - b1 - 2 * b2.mean()
    return float(1 - np.count_nonzero(left[:, None] + b2[None, :] > 0) / (len(b1) * len(b2)))


ADJUST = (None, "holm", "bonferroni")
MIN_GROUP_ROWS = 10  # below this a group's bootstrap and permutations rarely estimate


class PLSMultiGroup:
    """The result of :func:`multigroup`.

    Every pair of groups is compared (one pair for two groups); the rows of ``paths``
    and ``micom`` name their pair in ``group_a`` and ``group_b``.

    Attributes
    ----------
    groups : tuple
        The group values, sorted as text.
    pairs : list of tuple
        The compared pairs ``(group_a, group_b)``, in the order of ``itertools.combinations``.
    pooled : PLSResult
        The model on all rows.
    results : dict
        Group value → :class:`PLSResult`.
    paths : DataFrame
        Per path ``"A -> B"`` and pair: ``group_a``, ``group_b``, ``pooled`` (the pair's
        rows), ``group1`` and ``group2`` (the estimates in ``group_a`` and ``group_b``),
        ``diff`` (a − b), ``p_permutation`` (two-sided), ``p_henseler`` (one-sided,
        β_a > β_b, as seminr and SmartPLS's PLS-MGA), ``p_henseler_two_sided``
        (2·min(p, 1 − p)); with ``adjust``, also ``p_permutation_adj`` and
        ``p_henseler_two_sided_adj``.
    micom : DataFrame
        Per construct and pair: step 2 ``c``, ``c_q05`` (5 % permutation quantile),
        ``c_p``, ``compositional`` (bool); step 3 ``mean_diff`` with its permutation
        interval ``mean_lo``, ``mean_hi`` and ``mean_p``; ``logvar_diff`` (log variance
        ratio) with ``var_lo``, ``var_hi``, ``var_p``; ``invariance`` ("full", "partial"
        or "none": full needs steps 2 and 3, partial step 2 only).
    adjust : str or None
        The multiple-comparison correction of the ``*_adj`` columns.
    n_perm, n_boot : int
    n_perm_failed : int
        Permutations where a group could not be estimated (left out), over all pairs.
    """

    def __init__(self, groups, pairs, pooled, results, paths, micom, n_perm, n_boot,
                 n_perm_failed, adjust=None):
        self.groups = groups
        self.pairs = pairs
        self.pooled = pooled
        self.results = results
        self.paths = paths
        self.micom = micom
        self.n_perm = n_perm
        self.n_boot = n_boot
        self.n_perm_failed = n_perm_failed
        self.adjust = adjust

    def summary(self) -> str:
        """The path comparison and the MICOM table as text."""
        sizes = ", ".join(f"{g!r} ({self.results[g].nobs} rows)" for g in self.groups)
        note = ("" if len(self.pairs) == 1 else
                f"; {len(self.pairs)} pairs, p-values "
                + (f"also {self.adjust}-adjusted per path (*_adj)" if self.adjust
                   else "not adjusted for multiple comparisons"))
        return (f"PLS multigroup analysis: groups {sizes}; {self.n_perm} permutations, "
                f"{self.n_boot} bootstrap draws per group{note}\n\nPaths\n"
                + self.paths.round(4).to_string()
                + "\n\nMICOM (steps 2 and 3)\n" + self.micom.round(4).to_string())

    def __repr__(self):
        return self.summary()


def _check_count(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 20:
        raise ArgumentError(f"{name} must be an integer ≥ 20, got {value!r}")


def adjust_p(p, method):
    """Holm's or Bonferroni's adjustment of one family of p-values.

    Parameters
    ----------
    p : array_like
        The family's p-values; NaN entries stay NaN and do not count in the family.
    method : {"holm", "bonferroni"}
        Bonferroni multiplies each p by the family size m; Holm's step-down multiplies
        the i-th smallest by m − i + 1 and keeps the results non-decreasing. Both are
        capped at 1.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> from im_research.pls.groups import adjust_p
    >>> adjust_p([0.01, 0.04, 0.03], "holm").round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if method == "bonferroni":
        out[ok] = np.minimum(1.0, m * p[ok])
    else:  # holm: step-down, monotone
        q = p[ok]
        order = np.argsort(q, kind="stable")
        stepped = np.maximum.accumulate((m - np.arange(m)) * q[order])
        adj = np.empty(m)
        adj[order] = np.minimum(1.0, stepped)
        out[ok] = adj
    return out


def multigroup(model, data, group, *, n_perm=1000, n_boot=1000, seed=None,
               boot_indices=None, adjust=None, **pls_kwargs) -> PLSMultiGroup:
    """Compare one PLS model across groups: MGA (permutation and Henseler's bootstrap)
    and MICOM, for every pair of groups.

    With more than two groups every pair is compared on its own rows, as SmartPLS does
    (seminr's ``estimate_pls_mga`` takes two groups). The p-values are per comparison:
    they are **not** corrected for the number of pairs unless ``adjust`` is given.

    Parameters
    ----------
    model : str
        lavaan syntax as for :func:`im_research.pls`.
    data : pandas.DataFrame
    group : str
        The column holding the group of each row; it needs at least two values with
        at least 10 rows each (rows with an empty group are an error: drop or recode
        them first).
    n_perm : int
        Permutations per pair (SmartPLS's default 1000).
    n_boot : int
        Bootstrap draws per group and pair for Henseler's test.
    seed : int or numpy.random.Generator, optional
        Fixes the permutations and the draws. With two groups, ``default_rng(seed)``
        spawns the bootstrap and permutation streams; with more, pair *i* (in the order
        of ``pairs``) uses child *i* of ``default_rng(seed).spawn(len(pairs))``, so a
        two-group call on that pair's rows with that child as ``seed`` gives the same
        numbers.
    boot_indices : tuple of two arrays or dict, optional
        0-based row positions *within each group's rows* for the bootstraps (e.g. another
        program's), instead of drawing them: ``(group 1, group 2)`` for two groups, or a
        dict group value → array.
    adjust : {None, "holm", "bonferroni"}
        Adds ``p_permutation_adj`` and ``p_henseler_two_sided_adj``, each path's p-values
        adjusted over the pairs (MICOM's p-values are left unadjusted).
    **pls_kwargs
        Passed to :func:`im_research.pls` (``scheme``, ``missing``, ...).

    Returns
    -------
    PLSMultiGroup

    Raises
    ------
    ArgumentError
        When ``group`` is not a column, has empty cells, fewer than two values or a
        group with fewer than 10 rows, or when ``adjust`` or ``boot_indices`` is invalid.

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> mga = ir.pls_multigroup("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\n"
    ...                         "js ~ im", bank, "role", n_perm=100, n_boot=100, seed=1)
    >>> mga.groups
    ('back office', 'frontline')
    >>> list(mga.micom["invariance"])
    ['full', 'full']
    """
    if not hasattr(data, "columns") or group not in data.columns:
        raise ArgumentError(f"group must name a column of data, got {group!r}")
    labels = data[group]
    if labels.isna().any():
        raise ArgumentError(f"column {group!r} has {int(labels.isna().sum())} empty cells "
                            f"(first row {labels.index[labels.isna()][0]!r}); drop or "
                            "recode those rows")
    values = tuple(sorted(pd.unique(labels), key=str))
    if len(values) < 2:
        raise ArgumentError(f"column {group!r} must hold at least two groups, found only "
                            f"{list(values)}; choose a column that splits the rows")
    sizes = labels.value_counts()
    small = [g for g in values if sizes[g] < MIN_GROUP_ROWS]
    if small:
        raise ArgumentError(f"column {group!r}: group {small[0]!r} has {sizes[small[0]]} "
                            f"rows, fewer than {MIN_GROUP_ROWS}; merge it with another "
                            "group or drop its rows")
    _check_count(n_perm, "n_perm")
    _check_count(n_boot, "n_boot")
    if adjust not in ADJUST:
        raise ArgumentError(f"adjust must be one of {list(ADJUST)}, got {adjust!r}")
    pairs = list(combinations(values, 2))
    indices = _boot_indices(boot_indices, values)
    if pls_kwargs.get("scaled") is False:  # its resampling works on item correlations
        raise ArgumentError("pls_multigroup() is not implemented for unstandardised items "
                            "(scaled=False); use scaled=True")
    results = {g: pls(model, data[labels == g], **pls_kwargs) for g in values}
    pooled = pls(model, data, **pls_kwargs)
    # two groups keep the seed's own streams (the numbers of earlier versions)
    streams = [seed] if len(pairs) == 1 else np.random.default_rng(seed).spawn(len(pairs))
    paths, micoms, failed = [], [], 0
    for (a, b), stream in zip(pairs, streams):
        rows = labels.isin([a, b])
        pair_pooled = pooled if rows.all() else pls(model, data[rows], **pls_kwargs)
        p, m, f = _compare_pair(pair_pooled, results, (a, b), labels[rows], data.index[rows],
                                stream, n_perm, n_boot,
                                None if indices is None else (indices[a], indices[b]))
        paths.append(p)
        micoms.append(m)
        failed += f
    paths, micom = pd.concat(paths), pd.concat(micoms)
    if adjust is not None:
        for col in ("p_permutation", "p_henseler_two_sided"):
            paths[f"{col}_adj"] = paths.groupby(level=0, sort=False)[col].transform(
                lambda s: adjust_p(s.to_numpy(), adjust))
    return PLSMultiGroup(values, pairs, pooled, results, paths, micom, n_perm, n_boot,
                         failed, adjust)


def _boot_indices(boot_indices, values):
    """``boot_indices`` as a dict group → index array (or None)."""
    if boot_indices is None:
        return None
    if isinstance(boot_indices, tuple) and len(boot_indices) == 2 and len(values) == 2:
        return dict(zip(values, boot_indices))
    if isinstance(boot_indices, dict) and set(boot_indices) == set(values):
        return boot_indices
    raise ArgumentError("boot_indices must be a tuple of two index arrays (group 1, group 2) "
                        f"or a dict with one index array per group {list(values)}")


def _compare_pair(pooled, results, pair, labels, index, seed, n_perm, n_boot, boot_indices):
    """The permutation test, Henseler's MGA and MICOM of one pair on its own rows."""
    g1, g2 = pair
    rng = np.random.default_rng(seed)
    boot_seed, perm_seed = rng.spawn(2)
    if boot_indices is not None:
        boots = [results[g].bootstrap(indices=i) for g, i in zip(pair, boot_indices)]
    else:
        boots = [results[g].bootstrap(n_boot, seed=s) for g, s in
                 zip(pair, boot_seed.spawn(2))]
    j = min(len(b.draws["paths"]) for b in boots)

    # permutations: both groups re-estimated from the pair's raw rows, reweighted
    raw, spec = pooled._raw, pooled._spec
    lab = (labels == g1).to_numpy()
    n = len(lab)
    perms = np.array([lab[p] for p in (g.permutation(n) for g in perm_seed.spawn(n_perm))])
    counts = np.concatenate([perms, ~perms]).astype(float)
    B, W = _estimates(raw, spec, counts)
    B1, B2, W1, W2 = B[:n_perm], B[n_perm:], W[:n_perm], W[n_perm:]
    good = ~(np.isnan(B1).any(axis=(1, 2)) | np.isnan(B2).any(axis=(1, 2)))
    if good.sum() < 20:
        raise DataError(f"groups {g1!r} and {g2!r}: only {int(good.sum())} of {n_perm} "
                        "permutations could be estimated in both groups; the groups may "
                        "be too small")
    B1, B2, W1, W2 = B1[good], B2[good], W1[good], W2[good]

    pos = {c: i for i, c in enumerate(pooled.model.constructs)}
    rows = []
    for s, t in pooled.model.paths:
        i, k = pos[s], pos[t]
        b1 = results[g1].path_matrix.loc[s, t]
        b2 = results[g2].path_matrix.loc[s, t]
        d_perm = B1[:, i, k] - B2[:, i, k]
        p_perm = (1 + np.sum(np.abs(d_perm) >= abs(b1 - b2) - 1e-12)) / (1 + len(d_perm))
        p_h = _henseler_p(boots[0].draws["paths"][:j, i, k], boots[1].draws["paths"][:j, i, k])
        rows.append((f"{s} -> {t}", g1, g2, pooled.path_matrix.loc[s, t], b1, b2, b1 - b2,
                     p_perm, p_h, 2 * min(p_h, 1 - p_h)))
    paths = pd.DataFrame(rows, columns=["path", "group_a", "group_b", "pooled", "group1",
                                        "group2", "diff", "p_permutation", "p_henseler",
                                        "p_henseler_two_sided"]).set_index("path")
    micom = _micom(pooled, results, pair, W1, W2)
    used = index.get_indexer(pooled.scores.index)
    micom = micom.assign(**_micom_step3(pooled, lab[used], perms[:, used]))
    step2 = micom["compositional"]
    step3 = (micom["mean_p"] > 0.05) & (micom["var_p"] > 0.05)
    micom["invariance"] = np.where(step2 & step3, "full", np.where(step2, "partial", "none"))
    micom.insert(0, "group_b", g2)
    micom.insert(0, "group_a", g1)
    return paths, micom, int((~good).sum())


def _composite_cor(S, Wa, Wb):
    """Correlations of the composites of Wa and Wb (…, p, k) on items with correlations S."""
    ab = np.einsum("...pk,pq,...qk->...k", Wa, S, Wb)
    aa = np.einsum("...pk,pq,...qk->...k", Wa, S, Wa)
    bb = np.einsum("...pk,pq,...qk->...k", Wb, S, Wb)
    return ab / np.sqrt(aa * bb)


def _micom(pooled, results, groups, W1, W2) -> pd.DataFrame:
    """MICOM step 2: c from the groups' weights on the pooled data, vs permutations."""
    S = pooled._S
    g1, g2 = groups
    c = _composite_cor(S, results[g1]._est.W, results[g2]._est.W)
    perm_c = _composite_cor(S, W1, W2)
    q05 = np.quantile(perm_c, 0.05, axis=0)
    p = (1 + np.sum(perm_c <= c + 1e-12, axis=0)) / (1 + len(perm_c))
    # a single item has c = 1 in every sample: invariant by construction
    single = np.array([len(b) == 1 for b in pooled._spec["blocks"]])
    p[single] = 1.0
    return pd.DataFrame({"c": c, "c_q05": q05, "c_p": p,
                         "compositional": (c >= q05) | single},
                        index=pooled.model.constructs)


def _micom_step3(pooled, lab, perms) -> dict:
    """MICOM step 3: mean and log-variance differences of the pooled scores between the
    groups (``lab``: row in group 1), against the same permutations as step 2."""
    Z = pooled.scores.to_numpy()
    n_perm = len(perms)

    def stats(mask):
        a, b = Z[mask], Z[~mask]
        return (a.mean(axis=0) - b.mean(axis=0),
                np.log(a.var(axis=0, ddof=1)) - np.log(b.var(axis=0, ddof=1)))

    mean, logvar = stats(lab)
    perm = [stats(mask) for mask in perms]
    pm = np.array([m for m, _ in perm])
    pv = np.array([v for _, v in perm])
    with np.errstate(invalid="ignore"):
        out = {"mean_diff": mean, "mean_lo": np.quantile(pm, 0.025, axis=0),
               "mean_hi": np.quantile(pm, 0.975, axis=0),
               "mean_p": (1 + np.sum(np.abs(pm) >= np.abs(mean) - 1e-12, axis=0)) / (1 + n_perm),
               "logvar_diff": logvar, "var_lo": np.quantile(pv, 0.025, axis=0),
               "var_hi": np.quantile(pv, 0.975, axis=0),
               "var_p": (1 + np.sum(np.abs(pv) >= np.abs(logvar) - 1e-12, axis=0))
               / (1 + n_perm)}
    return out
