"""Model fit and predictive power of a PLS model: SRMR, d_ULS, d_G; Q² by blindfolding;
PLSpredict against the linear-model benchmark.

Fit (Henseler et al. 2014; Dijkstra & Henseler 2015) compares the indicator correlation
matrix ``S`` with the matrix ``Σ`` the *saturated* PLS model implies (construct
correlations free, as SmartPLS's "saturated model" and cSEM's ``.saturated = TRUE``):

- composites (every construct of a PLS fit, and mode B or single-item constructs of a
  PLSc fit) leave their own items' correlations free: ``Σ_jj = S_jj``;
- common factors (mode A constructs corrected by PLSc) imply ``Σ_jj = λ_j λ_j'`` off the
  diagonal, 1 on it;
- between two blocks ``Σ_ij = λ_i r_ij λ_j'`` with the loadings ``λ`` and the construct
  correlations ``r`` (PLSc: corrected); for composites ``λ_j = S_jj w_j`` (unit-variance
  scores), so this is the composite model's ``S_jj w_j r_ij w_i' S_ii``.

Then ``SRMR = √(mean over i ≤ j of (s_ij − σ_ij)²)``, ``d_ULS = ½ Σ_ij (s_ij − σ_ij)²``,
``d_G = ½ Σ_k (log φ_k)²`` with ``φ_k`` the eigenvalues of ``S⁻¹Σ``.

Blindfolding and PLSpredict re-estimate the model and so need plain PLS (composite
scores and the paths estimated from them); they refuse PLSc fits.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError, DataWarning
from .algorithm import estimate, estimate_batch
from .data import correlation

__all__ = ["implied_correlation", "fit_indices", "default_distance", "blindfolding",
           "plspredict", "PLSPredict"]


def implied_correlation(S, W, blocks, lam, C, common) -> np.ndarray:
    """The saturated model's indicator correlation matrix (see the module docstring).

    ``lam`` (p,) loadings, ``C`` (k, k) construct correlations (PLSc: corrected),
    ``common`` (k,) bool: blocks treated as common factors.
    """
    p = S.shape[0]
    L = np.zeros((p, len(blocks)))
    for j, idx in enumerate(blocks):
        L[idx, j] = lam[idx]
    sigma = L @ C @ L.T
    for j, idx in enumerate(blocks):
        within = np.ix_(idx, idx)
        sigma[within] = np.outer(lam[idx], lam[idx]) if common[j] else S[within]
    np.fill_diagonal(sigma, 1.0)
    return sigma


def fit_indices(S, sigma) -> dict:
    """SRMR, d_ULS and d_G of ``sigma`` against ``S`` (see the module docstring)."""
    resid = S - sigma
    lower = np.tril_indices(S.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.linalg.eigvals(np.linalg.solve(S, sigma)).real
        d_g = 0.5 * float(np.sum(np.log(phi) ** 2)) if (phi > 0).all() else np.nan
    return {"srmr": float(np.sqrt(np.mean(resid[lower] ** 2))),
            "d_uls": 0.5 * float(np.sum(resid ** 2)),
            "d_g": d_g}


def _standardise(X, ddof=1):
    mu = X.mean(axis=0)
    sd = X.std(axis=0, ddof=ddof)
    return (X - mu) / sd, mu, sd


def _check_int(name, value, low, high=None):
    if (not isinstance(value, Integral) or isinstance(value, bool) or value < low
            or (high is not None and value > high)):
        span = f"between {low} and {high}" if high is not None else f"≥ {low}"
        raise ArgumentError(f"{name} must be an integer {span}, got {value!r}")


def default_distance(n) -> int:
    """SmartPLS's omission distance 7, or, when ``n`` is a multiple of 7, the first of
    8, 6, 9, 5, 10 that does not divide ``n`` (Hair et al. 2017: D between 5 and 10, n/D
    not an integer)."""
    return next((d for d in (7, 8, 6, 9, 5, 10) if n % d), 7)


def blindfolding(X, spec, constructs, endogenous, predecessors, distance=7) -> pd.DataFrame:
    """Stone–Geisser Q² of the construct cross-validated redundancy (Hair et al. 2017,
    *Primer*, ch. 6; SmartPLS), for every endogenous mode A construct.

    The ``n × q`` item scores of the construct, standardised, are numbered down the
    first item's column, then the next (so that, with ``n / D`` not an integer, the
    omitted rows shift from item to item); round ``d`` (0 … D − 1) sets every point
    numbered ``d mod D`` to the mean (0), re-estimates
    the model on the blinded data, predicts the construct's scores from its predecessors'
    (``η̂ = Σ b_i ξ_i``) and each omitted point as ``λ_c η̂``. Over the D rounds
    ``Q² = 1 − SSE/SSO`` with ``SSE = Σ (z − ẑ)²`` and ``SSO = Σ z²`` over the omitted
    points.
    """
    blocks, modes, P = spec["blocks"], spec["modes"], spec["P"]
    Z = _standardise(X)[0]
    n = Z.shape[0]
    _check_int("distance", distance, 2, n // 2)
    if n % distance == 0:
        warnings.warn(f"blindfolding: {n} rows is a multiple of the omission distance "
                      f"{distance}, so each round omits whole rows (Hair et al. advise "
                      "against it); choose another distance", DataWarning, stacklevel=3)
    rows = []
    for c in endogenous:
        j = constructs.index(c)
        if modes[j] != "A":
            continue  # Q² is defined for reflective endogenous constructs
        idx = blocks[j]
        pred = [constructs.index(s) for s in predecessors(c)]
        order = np.arange(n * len(idx)).reshape(len(idx), n).T  # down each item in turn
        sse = sso = 0.0
        for d in range(distance):
            omit = order % distance == d
            Zb = Z.copy()
            Zb[:, idx] = np.where(omit, 0.0, Z[:, idx])
            try:
                S = correlation(Zb)
                e = estimate(S, blocks, modes, P, scheme=spec["scheme"], tol=spec["tol"],
                             max_iter=spec["max_iter"])
            except (DataError, np.linalg.LinAlgError):
                raise DataError(f"blindfolding round {d + 1} of {c!r} left an item constant "
                                "or a block collinear; choose another omission distance"
                                ) from None
            scores = _standardise(Zb)[0] @ e.W
            eta = scores[:, pred] @ e.B[pred, j]
            lam = (S @ e.W)[idx, j]
            z_hat = eta[:, None] * lam[None, :]
            z = Z[:, idx]
            sse += float(np.sum(((z - z_hat) ** 2)[omit]))
            sso += float(np.sum((z ** 2)[omit]))
        rows.append((c, sse, sso, 1 - sse / sso))
    return pd.DataFrame(rows, columns=["construct", "sse", "sso", "q2"]).set_index("construct")


class PLSPredict:
    """Out-of-sample predictions of a PLS model (Shmueli et al. 2016, 2019): see
    :meth:`im_research.pls.PLSResult.predict`.

    Attributes
    ----------
    metrics : DataFrame
        One row per endogenous item: ``construct``, ``pls_rmse``, ``pls_mae``,
        ``q2_predict`` (PLS against the training-mean benchmark), ``lm_rmse``,
        ``lm_mae`` (the linear-model benchmark); each the mean over repetitions.
    folds, repetitions : int
    predictions, lm_predictions, ia_predictions : ndarray (repetitions, n, items)
        The out-of-sample predictions in the items' raw metric (PLS, the linear model,
        the indicator average: each item's training mean).
    observed : ndarray (n, items)
        The endogenous items' values.
    """

    def __init__(self, metrics, folds, repetitions, predictions, lm_predictions,
                 ia_predictions=None, observed=None):
        self.metrics = metrics
        self.folds, self.repetitions = folds, repetitions
        self.predictions, self.lm_predictions = predictions, lm_predictions
        self.ia_predictions, self.observed = ia_predictions, observed

    def cvpat(self, benchmark="IA") -> pd.DataFrame:
        """CVPAT, the cross-validated predictive ability test (Liengaard et al. 2021):
        does PLS predict the endogenous constructs' items better than a benchmark?

        Per row, the loss is the squared prediction error averaged over the repetitions
        and over a construct's items; ``D`` = benchmark loss − PLS loss; the test is a
        one-sided t test of mean D > 0 with n − 1 degrees of freedom (Liengaard et
        al.'s statistic; Sharma et al. 2023 bootstrap the same D instead).

        Parameters
        ----------
        benchmark : {"IA", "LM"}
            The indicator average (each item's training mean) or the linear model.

        Returns
        -------
        DataFrame
            Per endogenous construct and ``"overall"`` (all endogenous items):
            ``pls_loss``, ``benchmark_loss``, ``diff`` (mean D), ``t``, ``p``.

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
        >>> table = res.predict(10, 2, seed=1).cvpat("IA")
        >>> bool(table.loc["overall", "p"] < 0.05)
        True
        """
        if benchmark not in ("IA", "LM"):
            raise ArgumentError(f"benchmark must be 'IA' or 'LM', got {benchmark!r}")
        other = self.ia_predictions if benchmark == "IA" else self.lm_predictions
        y = self.observed
        pls_sq = ((self.predictions - y) ** 2).mean(axis=0)
        bench_sq = ((other - y) ** 2).mean(axis=0)
        owner = self.metrics["construct"].to_numpy()
        groups = {c: owner == c for c in dict.fromkeys(owner)}
        groups["overall"] = np.ones(len(owner), dtype=bool)
        rows = []
        n = y.shape[0]
        for name, cols in groups.items():
            lp, lb = pls_sq[:, cols].mean(axis=1), bench_sq[:, cols].mean(axis=1)
            d = lb - lp
            t = d.mean() / (d.std(ddof=1) / np.sqrt(n))
            rows.append((name, lp.mean(), lb.mean(), d.mean(), t, stats.t.sf(t, n - 1)))
        return pd.DataFrame(rows, columns=["construct", "pls_loss", "benchmark_loss", "diff",
                                           "t", "p"]).set_index("construct")

    def verdict(self) -> str:
        """Shmueli et al. (2019): PLS has high / medium / low / no predictive power when
        its RMSE is below the LM's for all / most / a minority / none of the items
        (given every Q²predict > 0; otherwise "lacks predictive relevance")."""
        m = self.metrics
        if (m["q2_predict"] <= 0).any():
            return "lacks predictive relevance (an item has Q²predict ≤ 0)"
        share = float(np.mean(m["pls_rmse"] < m["lm_rmse"]))
        if share == 1:
            return "high (every item's RMSE below the LM's)"
        if share > 0.5:
            return "medium (most items' RMSE below the LM's)"
        return "low (a minority below the LM's)" if share > 0 else "none (no item below the LM)"

    def __repr__(self):
        return (f"<PLSPredict: {len(self.metrics)} items, {self.folds} folds × "
                f"{self.repetitions} repetitions>")


def plspredict(X, spec, constructs, items, folds=10, repetitions=10, seed=None) -> PLSPredict:
    """PLSpredict with the earliest-antecedents predictions of Shmueli et al. (2016).

    Each repetition permutes the rows with one ``numpy.random.Generator`` (seeded by
    ``seed``) and splits them into ``folds`` near-equal folds. For each fold the model is
    estimated on the other rows; the test rows are standardised with the training means
    and SDs, the exogenous constructs' scores ``ξ = Z_x W_x`` predict the endogenous
    scores through the total effects, ``η̂ = ξ T``, and each endogenous item is
    ``λ η̂`` back in its raw metric. The LM benchmark regresses each endogenous item on all
    exogenous constructs' items (with an intercept) in the training rows.
    """
    _check_int("folds", folds, 2, X.shape[0])
    _check_int("repetitions", repetitions, 1)
    blocks, P = spec["blocks"], spec["P"]
    n, k = X.shape[0], len(blocks)
    exo = np.flatnonzero(P.sum(axis=0) == 0)
    endo = np.flatnonzero(P.sum(axis=0) > 0)
    x_items = np.concatenate([blocks[j] for j in exo])
    y_items = np.concatenate([blocks[j] for j in endo])
    rng = np.random.default_rng(seed)
    splits = [np.array_split(rng.permutation(n), folds) for _ in range(repetitions)]
    tests = [t for rep in splits for t in rep]
    trains = [np.setdiff1d(np.arange(n), t) for t in tests]
    if min(len(t) for t in trains) <= len(x_items) + 1:
        raise DataError(f"a training fold has too few rows for the LM benchmark on "
                        f"{len(x_items)} exogenous items; use fewer folds or more data")
    if any((X[t].std(axis=0) == 0).any() for t in trains):
        raise DataError("an item is constant in a training fold; use fewer folds")
    moments = [_standardise(X[t]) for t in trains]
    S = np.stack([z.T @ z / (len(z) - 1) for z, _, _ in moments])
    est = estimate_batch(S, blocks, spec["modes"], P, scheme=spec["scheme"], tol=spec["tol"],
                         max_iter=spec["max_iter"])
    if not est.ok.all():
        raise DataError(f"{int((~est.ok).sum())} training folds could not be estimated "
                        "(no convergence or a singular block)")
    eye = np.eye(k)
    owner = np.concatenate([np.full(len(blocks[j]), o) for o, j in enumerate(endo)])
    pred = np.empty((repetitions, n, len(y_items)))
    lm = np.empty_like(pred)
    for f, (test, train, (_, mu, sd)) in enumerate(zip(tests, trains, moments)):
        W, B = est.W[f], est.B[f]
        T = np.linalg.inv(eye - B)[np.ix_(exo, endo)]  # total effects, exogenous → endogenous
        lam = (S[f] @ W)[y_items, endo[owner]]
        Zt = (X[test] - mu) / sd
        eta = Zt[:, x_items] @ W[np.ix_(x_items, exo)] @ T
        r = f // folds
        pred[r, test] = eta[:, owner] * lam * sd[y_items] + mu[y_items]
        A = np.column_stack([np.ones(len(train)), X[np.ix_(train, x_items)]])
        coef = np.linalg.lstsq(A, X[np.ix_(train, y_items)], rcond=None)[0]
        lm[r, test] = np.column_stack([np.ones(len(test)), X[np.ix_(test, x_items)]]) @ coef
    y = X[:, y_items]
    # the naive benchmark predicts each test row by its training fold's mean
    naive = np.empty_like(pred)
    for f, (test, (_, mu, _)) in enumerate(zip(tests, moments)):
        naive[f // folds, test] = mu[y_items]
    err, err_lm = pred - y, lm - y
    metrics = pd.DataFrame({
        "construct": [constructs[endo[o]] for o in owner],
        "pls_rmse": np.sqrt((err ** 2).mean(axis=1)).mean(axis=0),
        "pls_mae": np.abs(err).mean(axis=1).mean(axis=0),
        "q2_predict": (1 - (err ** 2).sum(axis=1) / ((naive - y) ** 2).sum(axis=1)).mean(axis=0),
        "lm_rmse": np.sqrt((err_lm ** 2).mean(axis=1)).mean(axis=0),
        "lm_mae": np.abs(err_lm).mean(axis=1).mean(axis=0)},
        index=[items[i] for i in y_items])
    return PLSPredict(metrics, folds, repetitions, pred, lm, naive, y)
