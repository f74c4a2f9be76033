"""The result of :func:`im_research.pls`: estimates, quality criteria and a summary."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ArgumentError, DataError
from .algorithm import estimate, path_coefficients
from .bootstrap import (
    CI_TYPES,
    SIGN_CHANGES,
    PLSBootstrap,
    draw_indices,
    jackknife_counts,
    run,
    run_parallel,
)
from .data import complete
from .guidelines import hair_2019
from .ipma import ipma
from .predictive import (
    PLSPredict,
    blindfolding,
    default_distance,
    fit_indices,
    implied_correlation,
    plspredict,
)
from .quality import htmt, inner_vif, reliability, rsquare

__all__ = ["PLSResult"]


def _frame(M, names):
    return pd.DataFrame(M, index=names, columns=names)


def _chains(A) -> list:
    """Every directed chain of two or more paths in the DAG ``A`` (as index lists), by
    source then target in model order."""
    k = len(A)
    found = []

    def walk(chain):
        if len(chain) > 2:
            found.append(chain)
        for nxt in np.flatnonzero(A[chain[-1]]):
            walk(chain + [int(nxt)])

    for i in range(k):
        walk([i])
    return sorted(found, key=lambda c: (c[0], c[-1], c))


class PLSResult:
    """A fitted PLS path model (see :func:`im_research.pls`).

    Attributes
    ----------
    model : PLSModel
        Constructs, their items and modes (``"A"``, ``"B"``, ``"unit"``), paths.
    scheme : str
        Inner weighting scheme.
    consistent : bool
        Whether PLSc corrected the mode A common factors (``=~``; not composites).
    nobs : int
        Rows used.
    missing : dict
        ``method``, ``cells`` (cells replaced per item, only items with any),
        ``rows_dropped``.
    iterations : int
        Iterations of the weight loop (counted from 0, as seminr).
    outer : DataFrame
        One row per item: ``construct, item, mode, weight, loading, vif`` (with
        ``scaled=False`` the weights apply to the centred raw items).
    weights, loadings : DataFrame
        Items × constructs, zero outside each block (seminr's layout).
    cross_loadings : DataFrame
        Correlations of every item with every construct's scores.
    path_matrix : DataFrame
        ``[i, j]``: coefficient of the path i → j (0 where there is none).
    paths : DataFrame
        One row per path: ``source, target, estimate, vif`` (the inner VIF, from the
        construct scores' correlations, as seminr also for PLSc).
    total_effects, indirect_effects : DataFrame
        Total and total indirect effects, ``[i, j]`` for i on j.
    specific_effects : DataFrame
        Every specific indirect effect (a chain of two or more paths): ``path``
        (``"A -> M -> Y"``), ``source``, ``target``, ``estimate`` (the product of the
        chain's path coefficients); they add up to ``indirect_effects``.
    rsquare : DataFrame
        Endogenous constructs: ``r2, adj_r2``, and ``aic``, ``bic`` of their regressions
        (for comparing structural models on the same data; Sharma et al. 2019).
    construct_cor : DataFrame
        Correlations of the construct scores (PLSc: before the correction).
    scores : DataFrame
        Construct scores (standardised items times weights; mean 0, SD 1).
    first_stage : PLSResult or None
        With two-stage higher-order constructs: the stage-one fit, which holds the
        measurement models of their dimensions (lower-order constructs).

    Examples
    --------
    >>> import im_research as ir
    >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
    >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
    >>> res.rsquare.round(3)[["r2", "adj_r2"]]
           r2  adj_r2
    js  0.274   0.272
    >>> print(res.summary().splitlines()[0])
    PLS-SEM (path weighting), 420 observations, 5 iterations
    """

    def __init__(self, *, model, spec, S, X, raw, index, est, lam, outer_vif, missing,
                 item_names):
        self.model = model
        self.first_stage = None
        self.scheme = spec["scheme"]
        # spec["consistent"]: False, or with PLSc one flag per block (common factor?)
        self.consistent = spec["consistent"] is not False
        self.missing = missing
        self.iterations = est.iterations
        self.nobs = X.shape[0]
        self._spec, self._S, self._raw, self._est = spec, S, raw, est
        names = model.constructs
        k = len(names)
        W = est.W  # weights of the standardised items
        # with scaled=False, report the weights of the centred raw items
        shown = W if spec["scaled"] else W / spec["item_sd"][:, None]
        self.weights = pd.DataFrame(shown, index=item_names, columns=names)
        L = lam[:, None] * (W != 0)
        self.loadings = pd.DataFrame(L, index=item_names, columns=names)
        self.cross_loadings = pd.DataFrame(S @ W, index=item_names, columns=names)
        owner = [c for c in names for _ in model.items[c]]
        self.outer = pd.DataFrame({
            "construct": owner, "item": item_names, "mode": [model.modes[c] for c in owner],
            "weight": shown.sum(axis=1), "loading": lam, "vif": outer_vif})
        self.path_matrix = _frame(est.B, names)
        eye = np.eye(k)
        total = np.linalg.inv(eye - est.B) - eye
        self.total_effects = _frame(total, names)
        self.indirect_effects = _frame(total - est.B, names)
        pos = {c: j for j, c in enumerate(names)}
        vifs = {}
        for t in model.endogenous:
            pred = [pos[s] for s in model.predecessors(t)]
            vifs.update({(names[i], t): v for i, v in zip(pred, inner_vif(est.C, pred))})
        self.paths = pd.DataFrame(
            [(s, t, est.B[pos[s], pos[t]], vifs[(s, t)]) for s, t in model.paths],
            columns=["source", "target", "estimate", "vif"])
        r2 = rsquare(est.C_used, est.B)
        endo = [pos[t] for t in model.endogenous]
        npred = np.array([len(model.predecessors(names[j])) for j in endo])
        r2e = r2[endo]
        n = self.nobs
        # AIC/BIC of each structural regression on standardised scores (Sharma et al.
        # 2019): n·log(SSE/n) + penalty × (predictors + 1), SSE = (1 − R²)(n − 1)
        with np.errstate(invalid="ignore", divide="ignore"):  # NaN for an R² ≥ 1 (PLSc)
            fit_term = n * np.log((1 - r2e) * (n - 1) / n)
        self.rsquare = pd.DataFrame(
            {"r2": r2e, "adj_r2": 1 - (1 - r2e) * (n - 1) / (n - npred - 1),
             "aic": fit_term + 2 * (npred + 1), "bic": fit_term + np.log(n) * (npred + 1)},
            index=model.endogenous)
        self.specific_effects = pd.DataFrame(
            [(" -> ".join(names[i] for i in chain), names[chain[0]], names[chain[-1]],
              float(np.prod(est.B[chain[:-1], chain[1:]]))) for chain in _chains(spec["P"])],
            columns=["path", "source", "target", "estimate"])
        self.construct_cor = _frame(est.C, names)
        Xs = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
        self.scores = pd.DataFrame(Xs @ W, index=index, columns=names)

    def _blocks(self):
        return self._spec["blocks"]

    def reliability(self) -> pd.DataFrame:
        """Cronbach's α, ρC, AVE and ρA per construct (1 for single items; ρA = 1 for
        mode B, whose ρC and AVE are shown for completeness only)."""
        modes = self._spec["modes"]
        rel = reliability(self._S, self._est.W, self._blocks(), modes,
                          self.outer["loading"].to_numpy(), self._spec["interaction"])
        return pd.DataFrame(rel, index=self.model.constructs,
                            columns=["alpha", "rhoC", "AVE", "rhoA"])

    def htmt(self, htmt2=False) -> pd.DataFrame:
        """Heterotrait–monotrait ratios, lower triangle (NaN elsewhere).

        ``htmt2=True`` gives HTMT2 (geometric means; Roemer, Schuberth & Henseler
        2021), which stays consistent when loadings differ within a block.
        """
        if htmt2 and (self._S == 0).any():
            raise DataError("HTMT2 (geometric means) is undefined with a zero item "
                            "correlation; use htmt2=False")
        H = htmt(self._S, self._blocks(), htmt2)
        return _frame(np.where(np.tri(len(H), k=-1, dtype=bool), H, np.nan),
                      self.model.constructs)

    def fornell_larcker(self) -> pd.DataFrame:
        """√AVE on the diagonal, construct-score correlations below it (seminr's table)."""
        C = self._est.C.copy()
        np.fill_diagonal(C, np.sqrt(self.reliability()["AVE"].to_numpy()))
        return _frame(np.where(np.tri(len(C), dtype=bool), C, np.nan), self.model.constructs)

    def f_squared(self, method="refit") -> pd.DataFrame:
        """Cohen's f² of every path, ``(R²_in − R²_out) / (1 − R²_in)``.

        Parameters
        ----------
        method : {"refit", "same_scores"}
            ``"refit"`` re-estimates the whole PLS model without the path for R²_out
            (Hair et al.'s Primer and seminr); ``"same_scores"`` drops the predictor
            from the regression on the original scores (cSEM). They differ slightly
            because the weights change when a path is removed.

        Returns
        -------
        DataFrame
            ``[i, j]``: f² of the path i → j (0 where there is none).
        """
        if method not in ("refit", "same_scores"):
            raise ArgumentError(f"method must be 'refit' or 'same_scores', got {method!r}")
        names = self.model.constructs
        pos = {c: j for j, c in enumerate(names)}
        r2_in = rsquare(self._est.C_used, self._est.B)
        F = np.zeros((len(names),) * 2)
        for s, t in self.model.paths:
            j = pos[t]
            if method == "same_scores":
                P = self._spec["P"].copy()
                P[pos[s], j] = 0.0
                r2_out = rsquare(self._est.C_used, path_coefficients(self._est.C_used, P))[j]
            else:
                r2_out = self._refit_r2_without(s, t)
            F[pos[s], j] = (r2_in[j] - r2_out) / (1 - r2_in[j])
        return _frame(F, names)

    def _refit_r2_without(self, source, target) -> float:
        # A construct left with no path drops out of the reduced model, as its proxy
        # would be empty.
        m = self.model.without_path(source, target)
        linked = {v for p in m.paths for v in p}
        keep = [j for j, c in enumerate(self.model.constructs) if c in linked]
        if target not in linked:
            return 0.0
        blocks_all = self._blocks()
        rows = np.concatenate([blocks_all[j] for j in keep])
        S = self._S[np.ix_(rows, rows)]
        blocks, start = [], 0
        for j in keep:
            blocks.append(np.arange(start, start + len(blocks_all[j])))
            start += len(blocks_all[j])
        P = m.path_matrix()[np.ix_(keep, keep)]
        sp = self._spec
        if not sp["scaled"]:  # estimated from the item covariances, as the fit itself
            S = S * np.outer(sp["item_sd"][rows], sp["item_sd"][rows])
        factor = sp["consistent"] and [sp["consistent"][j] for j in keep]
        e = estimate(S, blocks, [sp["modes"][j] for j in keep], P, scheme=sp["scheme"],
                     tol=sp["tol"], max_iter=sp["max_iter"], consistent=factor,
                     interaction=[sp["interaction"][j] for j in keep],
                     item_sd=sp["item_sd"][rows])
        t = keep.index(self.model.constructs.index(target))
        return float(rsquare(e.C_used, e.B)[t])

    def implied_cor(self) -> pd.DataFrame:
        """The indicator correlations the saturated model implies (composites keep their
        items' correlations; PLSc common factors imply ``λλ'`` within the block; see
        :mod:`im_research.pls.predictive`)."""
        factor = self._spec["consistent"] or [False] * len(self._blocks())
        common = np.array([bool(f) and mode == "A" and len(idx) > 1
                           for f, mode, idx in zip(factor, self._spec["modes"],
                                                   self._blocks())])
        # C_used holds rescaled interaction terms without PLSc; the fit needs correlations
        C = self._est.C_used if self.consistent else self._est.C
        sigma = implied_correlation(self._S, self._est.W, self._blocks(),
                                    self.outer["loading"].to_numpy(), C, common)
        items = list(self.outer["item"])
        return pd.DataFrame(sigma, index=items, columns=items)

    def fit(self) -> pd.Series:
        """SRMR, d_ULS and d_G of the saturated model (Henseler et al. 2014; Dijkstra &
        Henseler 2015), as SmartPLS's "saturated model" and cSEM's ``.saturated = TRUE``.

        Returns
        -------
        Series
            ``srmr`` (Hu & Bentler's < .08 is the usual rule), ``d_uls``, ``d_g``.

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
        >>> bool(res.fit()["srmr"] < 0.08)
        True
        """
        return pd.Series(fit_indices(self._S, self.implied_cor().to_numpy()))

    def _not_predictive(self) -> str | None:
        """Why Q² and PLSpredict are not computed for this model, or None."""
        if self.consistent:
            return "not defined for PLSc (refit with consistent=False)"
        if self._spec["derive"] is not None:
            return ("not implemented for models with interaction terms or higher-order "
                    "constructs (their derived items would be built from held-out rows)")
        if not self._spec["scaled"]:
            return "not implemented for unstandardised items (refit with scaled=True)"
        return None

    def _refuse_unscaled(self, what):
        if not self._spec["scaled"]:
            raise ArgumentError(f"{what} is not implemented for unstandardised items "
                                "(scaled=False); refit with scaled=True")

    def _refuse_plsc(self, what):
        why = self._not_predictive()
        if why is not None:
            raise ArgumentError(f"{what} is {why}")

    def _data(self):
        return complete(self._raw, self._spec["missing"], list(self.outer["item"]))

    def blindfolding(self, distance=None) -> pd.DataFrame:
        """Q² by blindfolding: the construct cross-validated redundancy of every
        endogenous mode A construct (Hair et al. 2017, *Primer* ch. 6; SmartPLS).

        Parameters
        ----------
        distance : int, optional
            Omission distance D (Hair et al. advise 5–10 with n/D not an integer). By
            default SmartPLS's 7, or when the rows are a multiple of 7 the first of 8,
            6, 9, 5, 10 that is not. Every D-th data point of the construct's items,
            counted down each item in turn, is omitted in each of D rounds and predicted
            from the model re-estimated without it.

        Returns
        -------
        DataFrame
            Per construct ``sse``, ``sso``, ``q2`` (= 1 − SSE/SSO; > 0: predictive
            relevance; .25 / .50 medium / large).

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
        >>> bool(res.blindfolding()["q2"].iloc[0] > 0)
        True
        """
        self._refuse_plsc("blindfolding")
        if distance is None:
            distance = default_distance(self.nobs)
        return blindfolding(self._data(), self._spec, self.model.constructs,
                            self.model.endogenous, self.model.predecessors, distance)

    def predict(self, folds=10, repetitions=10, *, seed=None) -> PLSPredict:
        """PLSpredict (Shmueli et al. 2016, 2019): k-fold cross-validated predictions
        of the endogenous items, against the linear-model (LM) benchmark.

        Parameters
        ----------
        folds : int
            k (10 as SmartPLS and seminr).
        repetitions : int
            Times the k-fold split is redrawn; metrics are averaged over them.
        seed : int or numpy.random.Generator, optional
            Fixes the splits: the same seed gives byte-identical results.

        Returns
        -------
        PLSPredict
            ``metrics`` per endogenous item: RMSE, MAE and Q²predict of PLS, RMSE and MAE
            of the LM; ``verdict()`` after Shmueli et al. (2019).

        Notes
        -----
        Missing cells are mean-replaced (or their rows dropped) once, on all rows,
        before the split, as in the fit.

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
        >>> pred = res.predict(10, 2, seed=1)
        >>> list(pred.metrics.index)
        ['js1', 'js2', 'js3']
        """
        self._refuse_plsc("PLSpredict")
        return plspredict(self._data(), self._spec, self.model.constructs,
                          list(self.outer["item"]), folds, repetitions, seed)

    def bootstrap(self, n_boot=5000, *, seed=None, indices=None, ci="perc",
                  alpha=0.05, sign_change="none", n_jobs=1) -> PLSBootstrap:
        """Bootstrap standard errors, t values and confidence intervals.

        Parameters
        ----------
        n_boot : int
            Draws (SmartPLS's default 5000). Ignored when ``indices`` is given.
        seed : int or numpy.random.Generator, optional
            Fixes the draws: the same seed gives identical results.
        indices : array of int (draws, nobs), optional
            0-based row positions of each draw (positions in the rows before casewise
            deletion), to reproduce another program's bootstrap exactly.
        ci : {"perc", "bca"}
            Percentile intervals (SmartPLS's and seminr's), or BCa: bias-corrected and
            accelerated, the acceleration from a jackknife over the rows used (one
            more estimate per row).
        alpha : float
            1 − alpha intervals.
        sign_change : {"none", "individual", "construct"}
            Correction of arbitrary sign reversals in the draws (Tenenhaus et al. 2005):
            none (seminr's and SmartPLS's), each path, weight and loading given the sign
            of its original estimate, or a construct's scores reversed when its loadings
            are closer to the negated original ones (paths to and from it follow).
        n_jobs : int
            joblib workers (-1: all cores). Every draw has its own random stream
            (spawned from ``seed``), so the result is identical for any ``n_jobs`` and
            any joblib backend (``joblib.parallel_config(backend="dask")``).

        Returns
        -------
        PLSBootstrap

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im",
        ...              bank)
        >>> boot = res.bootstrap(200, seed=1, ci="bca")
        >>> bool(boot.paths.loc["im -> js", "ci_lower"] > 0)
        True
        """
        self._refuse_unscaled("the bootstrap")
        if ci not in CI_TYPES:
            raise ArgumentError(f"ci must be one of {CI_TYPES}, got {ci!r}")
        if not (isinstance(alpha, float) and 0 < alpha < 1):
            raise ArgumentError(f"alpha must be a number between 0 and 1, got {alpha!r}")
        if sign_change not in SIGN_CHANGES:
            raise ArgumentError(f"sign_change must be one of {SIGN_CHANGES}, got "
                                f"{sign_change!r}")
        if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
            raise ArgumentError(f"n_jobs must be a nonzero integer (-1: all cores), got "
                                f"{n_jobs!r}")
        n = self._raw.shape[0]
        idx = draw_indices(n, n_boot, seed, indices)
        reference = (self._est.B, self.outer["weight"].to_numpy(),
                     self.outer["loading"].to_numpy())
        draws, failed = run_parallel(self._raw, self._spec, idx, n, n_jobs, sign_change,
                                     reference)
        if not draws:
            raise DataError(f"none of the {len(idx)} bootstrap draws could be estimated")
        jack = None
        if ci == "bca":
            used = np.ones(n, dtype=bool)
            if self._spec["missing"] == "casewise":
                used = ~np.isnan(self._raw).any(axis=1)
            jack, jack_failed = run(self._raw, self._spec, jackknife_counts(used))
            if jack_failed:
                raise DataError(f"{jack_failed} jackknife samples (one row left out) "
                                "could not be estimated, so BCa is undefined; use ci='perc'")
        return PLSBootstrap(self, draws, len(idx), failed, alpha, ci, jack)

    def ipma(self, target, scale=None, weights="unstandardized") -> pd.DataFrame:
        """Importance–performance map analysis for one target construct (Ringle &
        Sarstedt 2016; see :mod:`im_research.pls.ipma`).

        Parameters
        ----------
        target : str
            An endogenous construct.
        scale : None, (min, max) or dict
            The items' possible range, for the 0–100 rescaling: one pair for all items
            (e.g. ``(1, 7)``), a dict item → pair, or None for the observed range.
        weights : {"unstandardized", "standardized"}
            Rescale the unstandardised outer weights (``w / sd``; Ringle & Sarstedt,
            SmartPLS) or the standardised ones (seminrExtras).

        Returns
        -------
        DataFrame
            Per construct with an effect on the target: ``importance`` (unstandardised
            total effect: the points the target's 0–100 score gains per point of the
            construct's), ``importance_std`` and ``performance`` (mean 0–100 score).
            ``attrs["items"]`` has the same for the items, ``attrs["target_performance"]``
            the target's own performance.

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im", bank)
        >>> table = res.ipma("js", scale=(1, 7))
        >>> list(table.columns)
        ['importance', 'importance_std', 'performance']
        """
        self._refuse_unscaled("IPMA")
        return ipma(self, target, scale, weights)

    def report(self, boot=None, predict=None) -> pd.DataFrame:
        """The reviewer's checklist of Hair et al. (2019): one row per criterion and
        construct, item or path with ``value, threshold, verdict, source``.

        Parameters
        ----------
        boot : PLSBootstrap, optional
            Adds the HTMT interval, weight and path significance rows.
        predict : PLSPredict, optional
            The PLSpredict rows' source; by default ``self.predict(seed=0)`` (10 folds ×
            10 repetitions). Q² comes from ``self.blindfolding()``.

        Returns
        -------
        DataFrame
            Columns ``step, criterion, subject, value, threshold, verdict, source``;
            render it with ``ir.report.render(table, "markdown" | "html" | "latex")``.

        Examples
        --------
        >>> import im_research as ir
        >>> bank = ir.datasets.load("bank_service_profit_chain", reverse_scored=True)
        >>> res = ir.pls("im =~ im1 + im2 + im3 + im4\\njs =~ js1 + js2 + js3\\njs ~ im",
        ...              bank)
        >>> table = res.report()
        >>> table.loc[table["criterion"] == "AVE", ["subject", "verdict"]].to_numpy().tolist()
        [['im', 'meets'], ['js', 'meets']]
        """
        return hair_2019(self, boot, predict)

    def summary(self) -> str:
        """A plain-text report: settings, missing data, paths, R², f², outer model,
        reliability, HTMT and inner VIFs, model fit (SRMR, d_ULS, d_G), Q² and
        PLSpredict (10 folds × 10 repetitions, seed 0)."""
        m = self.missing
        if m["method"] == "mean":
            miss = (f"mean replacement of {sum(m['cells'].values())} cells"
                    + (f" ({', '.join(f'{k} {v}' for k, v in m['cells'].items())})"
                       if m["cells"] else ""))
        else:
            miss = f"casewise deletion of {m['rows_dropped']} rows"
        how = ("PLSc, " if self.consistent else "") + ("" if self._spec["scaled"] else
                                                          "unstandardised items, ")
        head = (f"PLS-SEM ({how}{self.scheme} weighting), "
                f"{self.nobs} observations, {self.iterations} iterations\n"
                f"Missing data: {miss}")
        f2 = self.f_squared()
        paths = self.paths.assign(f2=[f2.loc[s, t] for s, t in
                                      zip(self.paths["source"], self.paths["target"])])
        parts = [head,
                 "\nPaths\n" + paths.round(4).to_string(index=False),
                 "\nR²\n" + self.rsquare.round(4).to_string(),
                 "\nOuter model\n" + self.outer.round(4).to_string(index=False),
                 "\nReliability and convergent validity\n" + self.reliability().round(4)
                 .to_string(),
                 "\nHTMT\n" + self.htmt().round(4).to_string(na_rep=""),
                 "\nFornell–Larcker\n" + self.fornell_larcker().round(4).to_string(na_rep=""),
                 "\nTotal effects\n" + self.total_effects.round(4).to_string(),
                 "\nModel fit (saturated model)\n" + self.fit().round(4).to_string()]
        if self._not_predictive():
            parts.append(f"\nQ² and PLSpredict: {self._not_predictive()}")
        else:
            pred = self.predict(seed=0)
            d = default_distance(self.nobs)
            parts += [f"\nQ² (blindfolding, D = {d})\n"
                      + self.blindfolding(d).round(4).to_string(),
                      f"\nPLSpredict ({pred.folds} folds × {pred.repetitions} repetitions, "
                      f"seed 0): {pred.verdict()}\n" + pred.metrics.round(4).to_string()]
        return "\n".join(parts)

    def __repr__(self):
        return (f"<PLSResult: {len(self.model.constructs)} constructs, "
                f"{len(self.model.paths)} paths, {self.nobs} observations, "
                f"{self.scheme} scheme{', PLSc' if self.consistent else ''}>")
