"""Nonparametric bootstrap of a fitted model, fast enough for a notebook.

Each draw resamples rows with replacement (within groups, as lavaan does), recomputes the
sample moments and refits by warm-started Fisher scoring on the already-built model
matrices: no parsing, no start values, no fit measures. Draw ``r`` uses its own random
stream ``SeedSequence(seed).spawn(n_boot)[r]``, so results are identical whatever the
backend (serial, joblib processes, Dask) or the number of workers.

Conventions (lavaan 0.6):

- ``boot_se`` is the SD of the successful draws with divisor R for free parameters and
  R - 1 for defined (``:=``) parameters, as lavaan 0.6-14 reports them;
- ``ci="perc"`` is lavaan's percentile interval (``boot::norm.inter``: rank (R + 1)·α,
  interpolated on the normal-quantile scale); ``quantile="numpy"`` gives numpy's linear
  rule instead (R's ``quantile(type = 7)``);
- ``ci="bca"`` is BCa with jackknife acceleration (the jackknife refits the model n
  times), ``ci="bca_simple"`` is lavaan's ``bca.simple`` (no acceleration) and
  ``ci="norm"`` is ``est - bias ± z · se``;
- failed draws (non-convergence) are removed and counted; draws with negative variances
  are kept, as in lavaan.

Examples
--------
>>> import im_research as ir
>>> from im_research.teaching.flagship import load_flagship_data
>>> res = ir.fit("js ~ a*im1\\ncs1 ~ b*js\\nind := a*b",
...              data=load_flagship_data().rename(columns={"js1": "js"}))
>>> boot = ir.bootstrap(res, n_boot=200, seed=1)          # lavaan: se = "bootstrap"
>>> list(boot.table.columns)[:6]
['lhs', 'op', 'rhs', 'label', 'est', 'boot_se']
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, DataError, DataWarning
from ..validation import as_count, as_number, check_fitted, seed_sequence

__all__ = ["bootstrap", "BootstrapResult", "bollen_stine", "BollenStineResult",
           "percentile_interval"]

_CI_TYPES = ("perc", "bca", "bca_simple", "norm")


# ---------------------------------------------------------------------------------------
# interval helpers
# ---------------------------------------------------------------------------------------
def percentile_interval(draws, alphas, method: str = "norm_inter"):
    """Percentile points of ``draws`` at ``alphas``.

    ``method="norm_inter"`` is the rule lavaan uses through the boot package: with R
    sorted draws and rank r = (R + 1)·α, take draw ⌊r⌋ and interpolate towards the next
    one linearly on the scale of ``qnorm(k / (R + 1))``; ``method="numpy"`` is
    ``numpy.quantile`` (linear, R's type 7).
    """
    t = np.sort(np.asarray(draws, float))
    R = len(t)
    alphas = np.atleast_1d(np.asarray(alphas, float))
    if method == "numpy":
        return np.quantile(t, alphas)
    if method != "norm_inter":
        raise ArgumentError(f"quantile={method!r}; choose 'norm_inter' (lavaan's rule) or "
                            "'numpy'")
    out = np.empty(len(alphas))
    for i, a in enumerate(alphas):
        rk = (R + 1) * a
        k = int(np.floor(rk))
        if k == rk and 1 <= k <= R:
            out[i] = t[k - 1]
        elif k <= 0:
            out[i] = t[0]
        elif k >= R:
            out[i] = t[-1]
        else:
            z, z1, z2 = stats.norm.ppf([a, k / (R + 1), (k + 1) / (R + 1)])
            out[i] = t[k - 1] + (z - z1) / (z2 - z1) * (t[k] - t[k - 1])
    return out


# ---------------------------------------------------------------------------------------
# the refit engine (picklable: workers rebuild nothing but the sample moments)
# ---------------------------------------------------------------------------------------
class _Refitter:
    def __init__(self, res):
        if res.data is None:
            raise DataError("bootstrap needs the raw data; this model was fitted from a "
                            "covariance matrix (cov=). Refit it with data=.")
        self.rams = res._rams
        self.theta0 = res.theta.copy()
        self.names = res.observed
        self.meanstructure = [st.mean is not None for st in res._stats]
        self.x = [st.data[res.observed].to_numpy(float) for st in res._stats]
        self.pt_value = res._pt_value
        self.pt_pid = res._pt_pid
        label_rows, codes, _ = res._def_setup()
        self.label_rows = label_rows
        self.def_exprs = [(d.name, d.expr) for d in res._parsed.definitions]
        self._codes = None
        self._batch = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_codes"] = None  # code objects are not picklable; recompiled in workers
        state["_batch"] = None
        return state

    def definitions(self, theta):
        if not self.def_exprs:
            return np.zeros(0)
        from ..sem.result import evaluate_definitions

        if self._codes is None:
            self._codes = [(n, compile(e, f"<:= {n}>", "eval")) for n, e in self.def_exprs]
        vals = self.pt_value.copy()
        free = self.pt_pid >= 0
        vals[free] = theta[self.pt_pid[free]]
        return evaluate_definitions(self._codes, self.label_rows, vals)

    def _batch_moments(self, rows):
        """Sample moments (divisor n) of a stack of single-group resamples ``rows`` (B, n):
        (n, covariances (B, p, p), means (B, p) or None without a mean structure)."""
        from ..sem.batch import BatchML

        if self._batch is None:
            self._batch = BatchML(self.rams[0])
        xb = self.x[0][np.asarray(rows)]  # (B, n, p)
        n = xb.shape[1]
        mean = xb.mean(axis=1)
        dev = xb - mean[:, None, :]
        cov = dev.transpose(0, 2, 1) @ dev / n  # batched BLAS (einsum here is 10x slower)
        return n, cov, mean if self.meanstructure[0] else None

    def refit_many(self, rows):
        """Batched refits of a single-group model: ``rows`` is (B, n) row indices.
        Returns a list of estimate vectors (None where a draw failed)."""
        _, cov, mean = self._batch_moments(rows)
        theta, ok, _ = self._batch.fit(self.theta0, cov, mean, need_info=False)
        return [np.concatenate([th, self.definitions(th)]) if good else None
                for th, good in zip(theta, ok)]

    def jackknife(self, start, stop):
        """Estimates without row i for i in start..stop-1 (None where a refit fails).

        The leave-one-out moments come from the full-sample ones in closed form,
        mean₋ᵢ = m − dᵢ/(n−1) and (n−1)·cov₋ᵢ = D'D − n/(n−1)·dᵢdᵢ' with d = x − m,
        so each chunk is one batched fit and the cost grows linearly in n."""
        from ..sem.batch import BatchML

        if self._batch is None:
            self._batch = BatchML(self.rams[0])
        x = self.x[0]
        n = len(x)
        mean = x.mean(axis=0)
        dev = x - mean
        di = dev[start:stop]
        cov = ((dev.T @ dev)[None] - n / (n - 1) * np.einsum("bi,bj->bij", di, di)) / (n - 1)
        theta, ok, _ = self._batch.fit(self.theta0, cov,
                                       mean - di / (n - 1) if self.meanstructure[0] else None,
                                       need_info=False)
        return [np.concatenate([th, self.definitions(th)]) if good else None
                for th, good in zip(theta, ok)]

    jackknife_chunk = 1000  # rows per batched jackknife step

    def chisq_many(self, rows):
        """ML chi-squares (n·F) of batched refits of a single-group model, ``rows`` (B, n);
        NaN where a draw fails."""
        n, cov, mean = self._batch_moments(rows)
        theta, ok, _ = self._batch.fit(self.theta0, cov, mean, need_info=False)
        F = self._batch.evaluate(theta, cov, mean, np.linalg.slogdet(cov)[1], info=False)[0]
        return list(np.where(ok & np.isfinite(F), n * F, np.nan))

    def chisq(self, row_sets):
        """The ML chi-square (N·F) of one resample given per-group row indices; NaN if the
        refit fails."""
        fitted = self._refit_ml(row_sets)
        return np.nan if fitted is None else fitted[0].ntotal * fitted[2]

    def _refit_ml(self, row_sets):
        """ML refit of one resample given per-group row indices: (problem, theta, F), or
        None when it fails."""
        from ..sem.ml import MLProblem, fisher_scoring
        from ..sem.moments import SampleStats

        stats_b = []
        for x, rows, ms in zip(self.x, row_sets, self.meanstructure):
            xb = x[rows]
            n = len(xb)
            mean = xb.mean(axis=0)
            dev = xb - mean
            cov = dev.T @ dev / n
            stats_b.append(SampleStats(n, cov, mean if ms else None, self.names))
        try:
            problem = MLProblem(self.rams, stats_b)
            if not all(np.isfinite(problem.logdetS)):
                return None
            theta, F, g, I, ok, iters, msg = fisher_scoring(problem, self.theta0,
                                                             max_iter=200, tol=1e-8, bfgs=False)
        except (np.linalg.LinAlgError, FloatingPointError, ValueError):
            return None
        if not ok or not np.isfinite(F) or np.max(np.abs(g / 2)) > 1e-3:
            return None
        return problem, theta, F

    def refit(self, row_sets):
        """Estimates for one resample given per-group row indices; None if it fails."""
        fitted = self._refit_ml(row_sets)
        return None if fitted is None else np.concatenate([fitted[1],
                                                           self.definitions(fitted[1])])


class _WLSMVRefitter(_Refitter):
    """Refits of a WLSMV fit: thresholds, polychorics and weights are recomputed on each
    resample (as lavaan's bootstrap does). A resample in which an item loses one of its
    categories fails, as in lavaan (its bootstrap keeps the original categories)."""

    def __init__(self, res):
        super().__init__(res)
        self.frames = [st.data[res.observed] for st in res._stats]
        groups = res._problem.groups
        ws0 = groups[0].ws
        self.items, self.exo = list(ws0.names), list(ws0.exo)
        self.ordered = [v for v, num in zip(ws0.names, ws0.numeric) if not num]
        self.th_names = [gr.ws.th_names for gr in groups]
        self.th_pids = [gr.th_pid for gr in groups]
        self.scale_pids = [gr.scale_pid for gr in groups]
        self.npar = res.npar
        self.pairwise = res.missing == "pairwise"

    def refit(self, row_sets):
        from ..sem.ordinal import wls_statistics, wls_statistics_conditional
        from ..sem.wlsmv import DWLSProblem

        try:
            wstats = []
            for frame, rows, names in zip(self.frames, row_sets, self.th_names):
                part = frame.iloc[np.asarray(rows)]
                ws = (wls_statistics_conditional(part, self.items, self.exo, self.ordered)
                      if self.exo else wls_statistics(part, self.items, self.ordered,
                                                      pairwise=self.pairwise))
                if ws.th_names != names:  # a category vanished in this resample
                    return None
                wstats.append(ws)
            problem = DWLSProblem(self.rams, wstats, self.th_pids, self.scale_pids,
                                  self.npar)
            theta, F, grad, _, ok, _ = problem.solve(self.theta0, max_iter=100)
        except (np.linalg.LinAlgError, FloatingPointError, ValueError, DataError):
            return None
        if not ok or not np.isfinite(F) or np.max(np.abs(grad / 2)) > 1e-3:
            return None
        return np.concatenate([theta, self.definitions(theta)])

    def refit_many(self, rows):
        return [self.refit([r]) for r in rows]

    jackknife_chunk = 20  # polychorics are recomputed per refit: report progress often

    def jackknife(self, start, stop):
        all_rows = np.arange(len(self.frames[0]))
        return [self.refit([np.delete(all_rows, i)]) for i in range(start, stop)]


def _run_chunk(refitter, seeds, sizes, indices_chunk, statistic="estimates"):
    """Refit a chunk of draws (in a worker: one BLAS thread, as small matrices gain
    nothing from more and two workers would oversubscribe two cores); ``statistic`` is
    "estimates" (vectors, None where a draw fails) or "chisq" (NaN where it fails)."""
    from threadpoolctl import threadpool_limits

    out = []
    with threadpool_limits(1):
        row_sets = []
        for k, ss in enumerate(seeds):
            if indices_chunk is not None:
                row_sets.append(indices_chunk[k])
            else:
                rng = np.random.default_rng(ss)
                row_sets.append([rng.integers(0, n, size=n) for n in sizes])
        if statistic == "chisq":
            if len(sizes) == 1:
                return refitter.chisq_many([r[0] for r in row_sets])
            return [refitter.chisq(rows) for rows in row_sets]
        if len(sizes) == 1:
            return refitter.refit_many([r[0] for r in row_sets])
        for rows in row_sets:
            out.append(refitter.refit(rows))
    return out


# ---------------------------------------------------------------------------------------
# the public function
# ---------------------------------------------------------------------------------------
@dataclass
class BootstrapResult:
    """Bootstrap estimates: ``table`` (one row per free and defined parameter: ``lhs, op,
    rhs, label, est, boot_se, ci_lower, ci_upper``), ``draws`` (successful draws × the
    same parameters), ``n_failed``, ``n_boot``, ``ci`` and ``level``."""

    table: pd.DataFrame
    draws: pd.DataFrame
    n_failed: int
    n_boot: int
    ci: str
    level: float

    def summary(self) -> str:
        head = (f"Bootstrap: {self.n_boot} draws, {self.n_failed} failed; {self.ci} "
                f"{100 * self.level:.0f}% intervals\n")
        return head + self.table.round(4).to_string(index=False)

    def _repr_html_(self):
        return (f"<p><b>Bootstrap</b>: {self.n_boot} draws, {self.n_failed} failed; "
                f"{self.ci} {100 * self.level:.0f}% intervals</p>" +
                self.table.round(4).to_html(index=False))


def _param_rows(res):
    from ..sem.partable import free_parameter_rows

    first = free_parameter_rows(res.partable)
    rows = first[["lhs", "op", "rhs", "label"]].copy()
    if res.ngroups > 1:
        rows.insert(3, "group", [res.group_labels[g] for g in first["group"]])
    defs = res.params[res.params["op"] == ":="][["lhs", "op", "rhs", "label"]]
    return pd.concat([rows, defs], ignore_index=True)


_LEAST_SQUARES = ("GLS", "ULS", "WLS", "DWLS")


def _check_bootstrappable(fit):
    """Refuse fits whose draws the refitters would get wrong (they refit by ML, or by
    WLSMV for ordered items, with equality constraints only)."""
    if fit.estimator in _LEAST_SQUARES:
        raise ArgumentError(
            f"bootstrap() refits by maximum likelihood, but this model was fitted with "
            f"estimator={fit.estimator!r}: the draws would not be {fit.estimator} estimates. "
            "Bootstrap an ML fit (estimator='ML'; the ML estimates are the same for MLM/MLR)")
    if fit.missing == "fiml":
        raise ArgumentError(
            "bootstrap() of missing='fiml' fits is not available yet (each draw would need "
            "its own FIML fit); use the FIML robust SEs (estimator='MLR', missing='fiml'), "
            "or bootstrap the complete cases")
    general = [c for c in fit._parsed.constraints if not c.simple]
    if general:
        raise ArgumentError(
            "bootstrap() handles equality labels only; this model has constraints such as "
            f"{general[0].lhs} {general[0].op} {general[0].rhs}, which the refits would "
            "ignore")


def bootstrap(fit, n_boot: int = 1000, seed=None, ci: str = "perc", level: float = 0.95,
              indices=None, n_jobs: int = 1, client=None, quantile: str = "norm_inter",
              progress: bool | None = None, chunk_size: int = 100) -> BootstrapResult:
    """Nonparametric bootstrap of every free and defined parameter of ``fit``.

    Parameters
    ----------
    fit : SEMResult
        A model fitted to raw data (ML, MLR or WLSMV; WLSMV draws recompute thresholds,
        polychorics and weights, about 60 ms each for ten 7-point items).
    n_boot : int
        Number of resamples (ignored when ``indices`` is given).
    seed : int, numpy.random.Generator or SeedSequence
        Seed of the draws' random streams (required unless ``indices`` is given).
    ci : {"perc", "bca", "bca_simple", "norm"}
    level : float
        Confidence level.
    indices : array-like (n_boot, n), optional
        Resampling row indices (0-based, or 1-based as exported from R — detected when the
        smallest index is 1 and the largest n), to reproduce another program's draws.
        Single-group models only.
    n_jobs : int
        Worker processes (joblib/loky); -1 uses all cores.
    client : dask.distributed.Client, optional
        Run the draws on a Dask cluster (through joblib's dask backend).
    quantile : {"norm_inter", "numpy"}
        Percentile rule (lavaan's, or numpy's linear quantiles).
    progress : bool, optional
        Show a tqdm progress bar (default: when ``n_boot >= 500``).

    Returns
    -------
    BootstrapResult

    Notes
    -----
    ``ci="bca"`` refits the model once without each row (the jackknife), in batches for
    ML fits; a progress bar is shown and a ``DataWarning`` gives the expected time when
    it is long (WLSMV fits on thousands of rows).
    """
    check_fitted(fit, "fit", "bootstrap()")
    if not isinstance(ci, str) or ci not in _CI_TYPES:
        raise ArgumentError(f"ci={ci!r}; choose one of {_CI_TYPES}")
    if ci == "bca" and fit.ngroups > 1:  # the jackknife acceleration is per group
        raise ArgumentError("ci='bca' is available for single-group models; use 'perc'")
    level = as_number(level, "level", low=0, high=1)
    if quantile not in ("norm_inter", "numpy"):
        raise ArgumentError(f"quantile={quantile!r}; choose 'norm_inter' (lavaan's rule) or "
                            "'numpy'")
    if not isinstance(n_jobs, (int, np.integer)) or isinstance(n_jobs, bool) or n_jobs == 0 \
            or n_jobs < -1:
        raise ArgumentError(f"n_jobs={n_jobs!r}: give a number of worker processes (1, 2, "
                            "...) or -1 for all cores")
    chunk_size = as_count(chunk_size, "chunk_size", minimum=1)
    if progress is not None and not isinstance(progress, bool):
        raise ArgumentError(f"progress={progress!r} must be True, False or None")
    _check_bootstrappable(fit)
    refitter = _WLSMVRefitter(fit) if fit.estimator == "WLSMV" else _Refitter(fit)
    sizes = [len(x) for x in refitter.x]
    n_boot, chunks = _draw_chunks(fit, sizes, n_boot, seed, indices, chunk_size)
    show = (n_boot >= 500) if progress is None else progress
    results = _execute(refitter, sizes, chunks, n_jobs, client, show, n_boot)
    rows = _param_rows(fit)
    ok = [r for r in results if r is not None]
    n_failed = n_boot - len(ok)
    if len(ok) < 2:
        raise DataError(f"only {len(ok)} of {n_boot} bootstrap draws converged; the model is "
                        "too unstable for a bootstrap")
    draws = np.vstack(ok)
    est = np.concatenate([fit.theta, refitter.definitions(fit.theta)])
    n_free = len(fit.theta)
    ddof = np.r_[np.zeros(n_free), np.ones(draws.shape[1] - n_free)]
    boot_se = np.sqrt(((draws - draws.mean(axis=0)) ** 2).sum(axis=0) /
                      (len(draws) - ddof))
    lo_hi = _intervals(draws, est, boot_se, ci, level, quantile, refitter, fit, progress)
    table = rows.copy()
    table["est"] = est
    table["boot_se"] = boot_se
    table["ci_lower"], table["ci_upper"] = lo_hi[:, 0], lo_hi[:, 1]
    names = [lab if lab else f"{a}{o}{b}" for a, o, b, lab in
             zip(rows["lhs"], rows["op"], rows["rhs"], rows["label"])]
    return BootstrapResult(table, pd.DataFrame(draws, columns=names), n_failed, n_boot, ci,
                           level)


@dataclass
class BollenStineResult:
    """The Bollen–Stine bootstrap test: ``chisq`` and ``df`` of the fitted model, the
    bootstrap ``pvalue`` (share of successful draws whose chi-square exceeds ``chisq``),
    ``boot_chisq`` (the successful draws), ``n_boot`` and ``n_failed``."""

    chisq: float
    df: int
    pvalue: float
    boot_chisq: np.ndarray
    n_boot: int
    n_failed: int

    def summary(self) -> str:
        q = np.percentile(self.boot_chisq, [50, 95])
        return (f"Bollen-Stine bootstrap: chi-square({self.df}) = {self.chisq:.3f}, "
                f"bootstrap p = {self.pvalue:.3f} ({len(self.boot_chisq)} draws, "
                f"{self.n_failed} failed); under the model the bootstrap chi-square has "
                f"median {q[0]:.2f} and 95th percentile {q[1]:.2f}")

    def __repr__(self):
        return f"<BollenStineResult: {self.summary()}>"


def bollen_stine(fit, n_boot: int = 1000, seed=None, indices=None, n_jobs: int = 1,
                 client=None, progress: bool | None = None,
                 chunk_size: int = 100) -> BollenStineResult:
    """Bollen–Stine bootstrap p-value of the model's chi-square (lavaan's
    ``test = "bollen.stine"``).

    The data are first transformed so that the model holds exactly in them (Bollen &
    Stine 1992): each group's centred rows are multiplied by S^(-1/2) Σ̂^(1/2) (symmetric
    square roots; S with divisor N) and moved to the implied means μ̂. Resamples of the
    transformed rows are refitted by ML; the p-value is the share of successful draws
    whose chi-square exceeds the model's, as lavaan reports it. Use it when the items are
    not normal and the sample is too small for a scaled test.

    Parameters
    ----------
    fit : SEMResult
        An ML-family fit (``"ML"``, ``"MLR"``, ``"MLM"``, ...) of complete raw data,
        without exogenous observed covariates or constraints other than equalities.
    n_boot : int
        Number of resamples (lavaan's default is 1000).
    seed : int, numpy.random.Generator or SeedSequence
        Seed of the draws' random streams (required unless ``indices`` is given).
    indices : array-like (n_boot, n), optional
        Resampling row indices (0-based, or 1-based from R), to reproduce lavaan's draws.
    n_jobs, client, progress, chunk_size
        As in :func:`bootstrap`.

    Returns
    -------
    BollenStineResult

    Examples
    --------
    >>> import numpy as np, pandas as pd, im_research as ir
    >>> rng = np.random.default_rng(3); f = rng.normal(size=(200, 1))
    >>> x = pd.DataFrame(f + rng.normal(size=(200, 4)), columns=["x1", "x2", "x3", "x4"])
    >>> bs = ir.bollen_stine(ir.fit("f =~ x1 + x2 + x3 + x4", data=x), n_boot=100, seed=1)
    >>> 0 <= bs.pvalue <= 1
    True
    """
    check_fitted(fit, "fit", "bollen_stine()")
    if fit.estimator not in ("ML", "MLR", "MLM", "MLMV", "MLMVS", "MLF"):
        raise ArgumentError(f"bollen_stine() tests the ML chi-square; this model was fitted "
                            f"with estimator={fit.estimator!r}. Refit it with estimator='ML' "
                            "(for ordered items use the scaled tests of WLSMV)")
    _check_bootstrappable(fit)
    if fit.fixed_x and fit._info.ov_x:
        raise ArgumentError(
            f"bollen_stine() with exogenous observed covariates {fit._info.ov_x} is not "
            "available (their sample moments are fixed at the original values); refit with "
            "fixed_x=False")
    if progress is not None and not isinstance(progress, bool):
        raise ArgumentError(f"progress={progress!r} must be True, False or None")
    chunk_size = as_count(chunk_size, "chunk_size", minimum=1)
    refitter = _Refitter(fit)
    transformed = []
    for g, x in enumerate(refitter.x):
        Sigma = fit._implied[g][0]
        dev = x - x.mean(axis=0)
        S = dev.T @ dev / len(x)
        X = dev @ _sym_power(S, -0.5) @ _sym_power(Sigma, 0.5)
        mu = fit._implied[g][1]
        transformed.append(X + mu if refitter.meanstructure[g] and mu is not None else X)
    refitter.x = transformed
    sizes = [len(x) for x in transformed]
    n_boot, chunks = _draw_chunks(fit, sizes, n_boot, seed, indices, chunk_size)
    show = (n_boot >= 500) if progress is None else progress
    boot = np.asarray(_execute(refitter, sizes, chunks, n_jobs, client, show, n_boot,
                               statistic="chisq"), float)
    ok = boot[np.isfinite(boot)]
    if len(ok) < 2:
        raise DataError(f"only {len(ok)} of {n_boot} Bollen-Stine draws converged")
    chisq = float(fit.fit_measures["chisq"])
    return BollenStineResult(chisq, int(fit.fit_measures["df"]),
                             float(np.mean(ok > chisq)), ok, n_boot, n_boot - len(ok))


def _sym_power(A, power):
    """A symmetric positive-definite matrix to ``power`` via its eigenvalues (lavaan's
    ``lav_matrix_symmetric_sqrt`` for ±1/2)."""
    values, vectors = np.linalg.eigh(A)
    return (vectors * values ** power) @ vectors.T


def _draw_chunks(fit, sizes, n_boot, seed, indices, chunk_size):
    """The draws as chunks of (seed streams, fixed row indices or None): one stream per
    draw from ``seed``, or the rows of ``indices`` (0-based, or 1-based from R)."""
    if indices is not None:
        if fit.ngroups > 1:
            raise ArgumentError("indices= is supported for single-group models only")
        idx = np.asarray(indices)
        n = sizes[0]
        if idx.ndim != 2 or idx.shape[1] != n:
            raise ArgumentError(f"indices must have shape (n_boot, {n}); got {idx.shape}")
        if not np.issubdtype(idx.dtype, np.integer):
            raise ArgumentError("indices must be integers")
        if idx.min() >= 1 and idx.max() == n:
            idx = idx - 1  # 1-based (R) indices
        if idx.min() < 0 or idx.max() >= n:
            raise ArgumentError(f"indices must lie in 0..{n - 1} (or 1..{n} from R)")
        n_boot = idx.shape[0]
        seeds = [None] * n_boot
        per_draw_rows = [[row] for row in idx]
    else:
        seed = seed_sequence(seed)
        n_boot = as_count(n_boot, "n_boot", minimum=2,
                          hint="the number of resamples, e.g. n_boot=1000")
        seeds = seed.spawn(n_boot)
        per_draw_rows = None
    return n_boot, [(seeds[i:i + chunk_size],
                     None if per_draw_rows is None else per_draw_rows[i:i + chunk_size])
                    for i in range(0, n_boot, chunk_size)]


def _execute(refitter, sizes, chunks, n_jobs, client, show, n_boot, statistic="estimates"):
    bar = None
    if show:
        from tqdm.auto import tqdm
        bar = tqdm(total=n_boot, desc="bootstrap", unit="draw")
    results = []
    if client is None and n_jobs == 1:
        for seeds, idx in chunks:
            out = _run_chunk(refitter, seeds, sizes, idx, statistic)
            results.extend(out)
            if bar is not None:
                bar.update(len(out))
    else:
        from joblib import Parallel, delayed, parallel_config

        backend = "dask" if client is not None else "loky"
        jobs = -1 if client is not None else n_jobs
        with parallel_config(backend=backend, n_jobs=jobs,
                             inner_max_num_threads=1 if backend == "loky" else None):
            parallel = Parallel(return_as="generator")
            for out in parallel(delayed(_run_chunk)(refitter, seeds, sizes, idx, statistic)
                                for seeds, idx in chunks):
                results.extend(out)
                if bar is not None:
                    bar.update(len(out))
    if bar is not None:
        bar.close()
    return results


def _intervals(draws, est, se, ci, level, quantile, refitter, fit, progress):
    a = (1 - level) / 2
    alphas = np.array([a, 1 - a])
    out = np.empty((draws.shape[1], 2))
    if ci == "norm":
        bias = draws.mean(axis=0) - est
        z = stats.norm.ppf(1 - a)
        sd = draws.std(axis=0, ddof=1)
        out[:, 0] = est - bias - z * sd
        out[:, 1] = est - bias + z * sd
        return out
    if ci == "perc":
        for j in range(draws.shape[1]):
            out[j] = percentile_interval(draws[:, j], alphas, quantile)
        return out
    acc = (_jackknife_acceleration(refitter, fit, progress) if ci == "bca"
           else np.zeros(draws.shape[1]))
    zq = stats.norm.ppf(alphas)
    for j in range(draws.shape[1]):
        z0 = stats.norm.ppf(np.mean(draws[:, j] < est[j]))
        adj = stats.norm.cdf(z0 + (z0 + zq) / (1 - acc[j] * (z0 + zq)))
        out[j] = percentile_interval(draws[:, j], adj, quantile)
    return out


def _jackknife_acceleration(refitter, fit, progress=None):
    """a = sum(L^3) / (6 sum(L^2)^1.5), L_i = (n - 1)(mean of leave-one-out - leave-i-out).

    The first chunk of refits is timed; when the whole jackknife will take long a
    ``DataWarning`` gives the expected time, and a progress bar runs (unless
    ``progress=False``)."""
    n = len(refitter.x[0])
    chunk = refitter.jackknife_chunk
    jack, bar = [], None
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        for i, est in enumerate(refitter.jackknife(start, stop), start=start):
            if est is None:
                raise DataError(f"the jackknife refit without row {i} failed; use "
                                "ci='perc'")
            jack.append(est)
        if start == 0 and stop < n:
            expected = (time.perf_counter() - t0) * n / stop
            if expected > 30:
                warnings.warn(f"ci='bca' refits the model once without each of the {n} rows "
                              f"(the jackknife); expected time about {expected:.0f} s. "
                              "ci='perc' or 'bca_simple' need no jackknife",
                              DataWarning, stacklevel=4)
            if progress or (progress is None and expected > 5):
                from tqdm.auto import tqdm
                bar = tqdm(total=n, initial=stop, desc="jackknife (BCa)", unit="refit")
        elif bar is not None:
            bar.update(stop - start)
    if bar is not None:
        bar.close()
    jack = np.vstack(jack)
    L = (n - 1) * (jack.mean(axis=0) - jack)
    denom = 6 * (L ** 2).sum(axis=0) ** 1.5
    return np.where(denom > 0, (L ** 3).sum(axis=0) / np.where(denom > 0, denom, 1), 0.0)
