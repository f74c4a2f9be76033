"""Bootstrap of a PLS model: resample rows, re-estimate, summarise (seminr/SmartPLS style).

Each draw resamples the *raw* rows (missing cells still empty), treats missing values as
the original fit did (mean replacement inside the sample, or casewise deletion), and
re-estimates with the same scheme, stop rule and PLSc setting (interaction terms and
two-stage scores are rebuilt in every sample). Draw *i*'s rows come from its own random
stream, the *i*-th child of the seed's ``SeedSequence``; ``indices=`` injects a fixed
index matrix instead (e.g. R's, to reproduce seminr exactly). So a seed gives the
same draws whether they are computed serially or by joblib workers (``n_jobs``, or any
``joblib.parallel_config`` backend such as Dask). Draws that fail (a constant item in
the sample, collinear predictors, no convergence) are dropped and counted, as in seminr.

The summary per parameter: original estimate, bootstrap mean, SD (n − 1), t = original /
SD, and percentile limits (``numpy.quantile``'s default, R's type 7) or BCa limits (the
acceleration from a leave-one-row-out jackknife, as ``scipy.stats.bootstrap``). All
samples of a chunk are estimated at once (:func:`~im_research.pls.algorithm.estimate_batch`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, ConvergenceError, DataError
from .algorithm import estimate_batch
from .data import complete, correlation, resampled_correlations, row_counts
from .quality import htmt, loadings

__all__ = ["PLSBootstrap", "draw_indices", "run", "run_parallel", "bootstrap_counts",
           "jackknife_counts", "SIGN_CHANGES"]

CHUNK = 250  # samples estimated at once: ~20 MB of work arrays for 30 items, 350 rows
CI_TYPES = ("perc", "bca")


SIGN_CHANGES = ("none", "individual", "construct")


def draw_indices(n, n_boot, seed=None, indices=None) -> np.ndarray:
    """The (n_boot, n) matrix of 0-based row positions: drawn, or ``indices`` checked.

    Draw *i* comes from its own stream, the *i*-th child of the seed's
    ``SeedSequence`` (``Generator.spawn``), so it is the same whoever computes it and in
    whatever order (serial, joblib workers, Dask)."""
    if indices is not None:
        idx = np.asarray(indices)
        if (idx.ndim != 2 or idx.shape[0] < 2 or idx.shape[1] != n
                or not np.issubdtype(idx.dtype, np.integer)):
            raise ArgumentError(f"indices must be an integer array of shape (draws, {n}), "
                                f"two or more draws of 0-based row positions; got "
                                f"shape {idx.shape} and dtype {idx.dtype}")
        if idx.min() < 0 or idx.max() >= n:
            raise ArgumentError(f"indices must lie in 0..{n - 1} (0-based row positions); "
                                "subtract 1 from R's 1-based indices")
        return idx
    if not isinstance(n_boot, (int, np.integer)) or isinstance(n_boot, bool) or n_boot < 2:
        raise ArgumentError(f"n_boot must be an integer ≥ 2, got {n_boot!r}")
    streams = np.random.default_rng(seed).spawn(n_boot)
    return np.array([g.integers(0, n, size=n) for g in streams])


def _flip(B, W, L, blocks, reference, sign_change):
    """Sign-change corrections of one chunk of draws (Tenenhaus et al. 2005).

    ``"individual"``: every path, weight and loading takes the sign of its original
    estimate. ``"construct"``: a construct's scores are reversed in a draw when its
    loadings are closer to the negated original ones, |Σ(λ̂ − λ*)| > |Σ(λ̂ + λ*)|;
    reversing scores negates its weights and loadings and the paths to and from it."""
    B0, w0, L0 = reference
    if sign_change == "individual":
        return (np.abs(B) * np.sign(B0), np.abs(W) * np.sign(w0)[:, None],
                np.abs(L) * np.sign(L0))
    M = np.zeros((len(L0), len(blocks)))
    for j, idx in enumerate(blocks):
        M[idx, j] = 1.0
    d = np.where(np.abs((L0 - L) @ M) > np.abs((L0 + L) @ M), -1.0, 1.0)
    return d[:, :, None] * B * d[:, None, :], W * d[:, None, :], L * (d @ M.T)


def run(raw, spec, counts, sign_change="none", reference=None) -> tuple[dict, int]:
    """Re-estimate on each sample (``counts``: an iterable of (m, n) row-count chunks;
    a chunk is estimated at once); arrays of paths, total effects, weights, loadings and
    HTMT per successful sample, and the number of failed samples. ``reference`` (the
    original paths, item weights and loadings) is needed by a ``sign_change``."""
    blocks, modes, P = spec["blocks"], spec["modes"], spec["P"]
    eye = np.eye(len(blocks))
    out = {"paths": [], "total": [], "weights": [], "loadings": [], "htmt": []}
    failed = 0
    for chunk in counts:
        if spec["derive"] is None:
            S, ok = resampled_correlations(raw, chunk, spec["missing"])
            sd = None
        else:
            S, ok, sd = derived_correlations(raw, chunk, spec["missing"], spec["derive"])
            if ok.any():
                sd = sd[ok]
        if not ok.any():
            failed += len(ok)
            continue
        S = S[ok]
        e = estimate_batch(S, blocks, modes, P, scheme=spec["scheme"], tol=spec["tol"],
                           max_iter=spec["max_iter"], consistent=spec["consistent"],
                           interaction=spec["interaction"], item_sd=sd)
        keep = e.ok
        failed += int((~ok).sum() + (~keep).sum())
        S, W, B, rho = S[keep], e.W[keep], e.B[keep], e.rho_a[keep]
        L = loadings(S, W, blocks, rho)
        if sign_change != "none":
            B, W, L = _flip(B, W, L, blocks, reference, sign_change)
        out["paths"].append(B)
        out["total"].append(np.linalg.inv(eye - B) - eye)
        out["weights"].append(W.sum(axis=2))
        out["loadings"].append(L)
        out["htmt"].append(htmt(S, blocks))
    if not out["paths"]:
        return {}, failed
    return {key: np.concatenate(v) for key, v in out.items()}, failed


def run_parallel(raw, spec, idx, n, n_jobs=1, sign_change="none", reference=None):
    """:func:`run` over the draws ``idx`` in chunks, on ``n_jobs`` joblib workers
    (``joblib.parallel_config`` picks the backend, e.g. Dask's); the chunks are
    put back in draw order, so the result equals the serial one."""
    chunks = [idx[s:s + CHUNK] for s in range(0, len(idx), CHUNK)]
    if n_jobs == 1 or len(chunks) == 1:
        return run(raw, spec, bootstrap_counts(idx, n), sign_change, reference)
    from joblib import Parallel, delayed  # imported on demand: joblib is slow to load

    parts = Parallel(n_jobs=n_jobs)(
        delayed(run)(raw, spec, [row_counts(c, n)], sign_change, reference) for c in chunks)
    kept = [p for p, _ in parts if p]
    failed = sum(f for _, f in parts)
    if not kept:
        return {}, failed
    return {key: np.concatenate([p[key] for p in kept]) for key in kept[0]}, failed


def derived_correlations(raw, counts, missing, derive) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`~im_research.pls.data.resampled_correlations` for a model whose items are
    derived from the data (interaction terms, two-stage scores): each sample is completed,
    derived and correlated on its own (slower, as each may run a stage-one estimate).
    Also returns the derived items' SDs (m, p) (the interaction terms' scale)."""
    m, n = counts.shape
    S, sd, ok = None, None, np.zeros(m, dtype=bool)
    for d in range(m):
        try:
            X = complete(raw[np.repeat(np.arange(n), counts[d].astype(int))], missing)
            if len(X) < 3:
                continue
            D = derive(X)
            R = correlation(D)
        except (DataError, ConvergenceError, np.linalg.LinAlgError):
            continue
        if S is None:
            S, sd = np.full((m,) + R.shape, np.nan), np.full((m, len(R)), np.nan)
        S[d], sd[d], ok[d] = R, D.std(axis=0, ddof=1), True
    return S, ok, sd


def bootstrap_counts(idx, n, chunk=CHUNK):
    """Row counts of the draws in ``idx``, ``chunk`` draws at a time."""
    for start in range(0, len(idx), chunk):
        yield row_counts(idx[start:start + chunk], n)


def jackknife_counts(used, chunk=CHUNK):
    """Row counts of the leave-one-out samples of the rows marked ``used``."""
    rows = np.flatnonzero(used)
    for start in range(0, len(rows), chunk):
        c = np.broadcast_to(used.astype(float), (len(rows[start:start + chunk]), len(used)))
        c = c.copy()
        c[np.arange(len(c)), rows[start:start + chunk]] = 0.0
        yield c


def _quantities(draws, result):
    """Every bootstrapped quantity as (label list, original values, per-sample values),
    keyed by table name."""
    m = result.model
    names = m.constructs
    pos = {c: j for j, c in enumerate(names)}
    out = {}
    pi = [pos[s] for s, _ in m.paths]
    pj = [pos[t] for _, t in m.paths]
    out["paths"] = ([f"{s} -> {t}" for s, t in m.paths],
                    result.path_matrix.to_numpy()[pi, pj], draws["paths"][:, pi, pj])
    T = result.total_effects.to_numpy()
    ti, tj = np.nonzero(T)
    out["total_effects"] = ([f"{names[i]} -> {names[j]}" for i, j in zip(ti, tj)],
                            T[ti, tj], draws["total"][:, ti, tj])
    chains = [[pos[c] for c in path.split(" -> ")] for path in result.specific_effects["path"]]
    per_draw = [np.prod(draws["paths"][:, c[:-1], c[1:]], axis=1) for c in chains]
    out["specific_effects"] = (
        list(result.specific_effects["path"]), result.specific_effects["estimate"].to_numpy(),
        np.column_stack(per_draw) if per_draw else np.empty((len(draws["paths"]), 0)))
    outer = result.outer
    items = [f"{x} ({c})" for c, x in zip(outer["construct"], outer["item"])]
    out["weights"] = (items, outer["weight"].to_numpy(), draws["weights"])
    out["loadings"] = (items, outer["loading"].to_numpy(), draws["loadings"])
    hi, hj = np.tril_indices(len(names), -1)
    out["htmt"] = ([f"{names[i]} ~ {names[j]}" for i, j in zip(hi, hj)],
                   result.htmt().to_numpy()[hi, hj], draws["htmt"][:, hi, hj])
    return out


def _summary(original, draws, labels, alpha, jack=None) -> pd.DataFrame:
    """Mean, SD, t and percentile (or, given jackknife values, BCa) limits."""
    if len(draws) < 2:
        raise DataError(f"only {len(draws)} bootstrap draws succeeded; at least two are "
                        "needed (draws fail when an item is constant in the resample)")
    sd = draws.std(axis=0, ddof=1)
    # a single item's weight and loading are 1 in every draw (up to rounding): no
    # spread, no t value, an interval of one point
    const = sd <= 1e-12 * np.maximum(1.0, np.abs(original))
    sd[const] = 0.0
    probs = np.array([alpha / 2, 1 - alpha / 2])
    if jack is None:
        lo, hi = np.quantile(draws, probs, axis=0)
    else:
        # BCa (Efron 1987): bias z0 from the share of draws below the estimate,
        # acceleration from the jackknife, a = Σ L³ / (6 (Σ L²)^1.5)
        L = jack.mean(axis=0) - jack
        with np.errstate(divide="ignore", invalid="ignore"):
            acc = (L ** 3).sum(axis=0) / (6 * ((L ** 2).sum(axis=0)) ** 1.5)
            z0 = stats.norm.ppf(np.mean(draws < original, axis=0))
            zq = stats.norm.ppf(probs)[:, None]
            adj = stats.norm.cdf(z0 + (z0 + zq) / (1 - acc * (z0 + zq)))
        lo, hi = np.full(len(original), np.nan), np.full(len(original), np.nan)
        # undefined (NaN) when every draw falls on one side of the estimate
        for j in np.flatnonzero(~np.isnan(adj).any(axis=0)):
            lo[j], hi[j] = np.quantile(draws[:, j], adj[:, j])
    lo[const] = hi[const] = original[const]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(const, np.nan, original / sd)
    return pd.DataFrame({"original": original, "mean": draws.mean(axis=0), "sd": sd,
                         "t": t, "ci_lower": lo, "ci_upper": hi}, index=labels)


class PLSBootstrap:
    """Bootstrap summaries of a PLS fit (from :meth:`PLSResult.bootstrap`).

    Attributes
    ----------
    paths, total_effects, specific_effects, weights, loadings, htmt : DataFrame
        One row per parameter (``"A -> B"``, ``"A -> M -> B"``, ``"item (Construct)"``
        or ``"A ~ B"`` for HTMT): ``original, mean, sd, t, ci_lower, ci_upper``.
    draws : dict of ndarray
        The per-draw estimates (``paths`` and ``total`` as (draws, k, k) with [i, j] for
        i → j; ``weights``, ``loadings`` (draws, p); ``htmt`` (draws, k, k)).
    n_boot, n_failed : int
        Draws requested and draws dropped because they failed.
    alpha : float
        The intervals are 1 − alpha.
    ci : {"perc", "bca"}
        Percentile or BCa intervals.
    """

    def __init__(self, result, draws, n_boot, n_failed, alpha, ci="perc", jack=None):
        self.draws = draws
        self.n_boot = n_boot
        self.n_failed = n_failed
        self.alpha = alpha
        self.ci = ci
        boot = _quantities(draws, result)
        jk = _quantities(jack, result) if jack is not None else None
        for name, (labels, original, values) in boot.items():
            setattr(self, name, _summary(original, values, labels, alpha,
                                         jk[name][2] if jk is not None else None))

    def summary(self) -> str:
        """Every table (paths, total and specific effects, weights, loadings, HTMT) as
        text, after the number of draws used and the interval type."""
        kept = self.n_boot - self.n_failed
        level = f"{100 * (1 - self.alpha):g}%"
        kind = "percentile" if self.ci == "perc" else "BCa"
        parts = [f"PLS bootstrap: {kept} of {self.n_boot} draws used "
                 f"({self.n_failed} failed and dropped); {kind} {level} intervals"]
        for name in ("paths", "total_effects", "specific_effects", "weights", "loadings",
                     "htmt"):
            parts.append(f"\n{name.replace('_', ' ').capitalize()}\n"
                         + getattr(self, name).round(4).to_string())
        return "\n".join(parts)

    def __repr__(self):
        return self.summary()
