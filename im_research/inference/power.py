"""Monte Carlo power and sample-size planning for a population model.

For each sample size, ``reps`` datasets are drawn from the population model (multivariate
normal), the analysis model is refitted to all of them at once (batched Fisher scoring,
see ``_batch.py``), and each parameter's Wald test is recorded: power (share of
significant tests), convergence rate, mean estimate, bias and 95 % CI coverage.
Replication ``r`` uses its own random stream ``SeedSequence(seed).spawn(reps)[r]``, so
results do not depend on how the work is split over workers.

**Nested designs** (``clusters=`` branches × ``cluster_size=`` employees, ``icc=``):
every respondent's scores are a branch part (share ``icc`` of every variance, with the
population covariance structure) plus an individual part (share 1 − icc), so the model
holds within and between branches and the pooled covariance is the population's. The
design effect of a mean is Kish's 1 + (m − 1)·ICC (m = cluster size), effective n =
n / deff; for the covariance-structure parameters (loadings, paths, variances) the
intraclass correlation of the cross-products is ICC², so their design effect is
1 + (m − 1)·ICC². Both are shown against the simulation: the Monte Carlo variance of the
item means and of the estimates over their independent-sampling variance (σ²/n and the
ML standard errors that ignore the clustering).

**Indirect effects** (``indirect=``): the power of the joint-significance test, the share
of replications in which every path of the chain is significant (MacKinnon et al. 2002).

**Power of the whole model** (:func:`rmsea_power`, :func:`rmsea_sample_size`): the
closed form of MacCallum, Browne & Sugawara (1996) for the test of close fit (RMSEA .05
against .08) or of not-close fit (.05 against .01), as semTools' ``findRMSEApower`` and
``findRMSEAsamplesize``; no simulation.

Examples
--------
>>> from im_research.inference.power import power
>>> tab = power("f =~ .8*x1 + .7*x2 + .7*x3\\ny ~ .3*f", n=[100, 200], reps=200, seed=1)
>>> tab.query("op == '~'")[["n", "power"]].shape
(2, 2)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import special

from ..errors import ArgumentError
from ..sem.partable import free_parameter_rows
from ..synthetic.simulate import PopulationModel
from ..validation import as_count, as_number, as_seed, show

__all__ = ["power", "plot_power_curve", "rmsea_power", "rmsea_sample_size", "design_effect"]


def _population(population):
    if isinstance(population, PopulationModel):
        return population
    if isinstance(population, str):
        return PopulationModel.from_syntax(_with_observed_outcomes(population))
    if hasattr(population, "population"):  # a models.CanonicalModel
        return population.population
    raise ArgumentError(f"population={show(population)}: give a PopulationModel, a "
                        "CanonicalModel (im_research.models...) or lavaan syntax with "
                        "population values, e.g. 'f =~ .8*x1 + .7*x2 + .7*x3'")


def _with_observed_outcomes(syntax):
    """Allow observed outcomes (``y ~ .3*f``) by giving them a single-indicator factor
    with loading .999 (numerically an observed variable)."""
    from ..sem.syntax import parse

    parsed = parse(syntax)
    latent = {f.lhs for f in parsed.formulas if f.op == "=~"}
    extra = []
    for f in parsed.formulas:
        names = [f.lhs] + [t.var for t in f.terms] if f.op == "~" else []
        for v in names:
            if v not in latent:
                latent.add(v)
                extra.append(f"{v} =~ .999*{v}_obs")
    if not extra:
        return syntax
    return "\n".join(extra) + "\n" + syntax


def _draw_covs(sigma, n, seeds, design=None):
    """Sample covariances (divisor n) and means of ``len(seeds)`` draws; ``design`` =
    (clusters, cluster_size, icc) draws branch parts shared by a branch's members."""
    p = sigma.shape[0]
    chol = np.linalg.cholesky(sigma)
    covs = np.empty((len(seeds), p, p))
    means = np.empty((len(seeds), p))
    for r, ss in enumerate(seeds):
        rng = np.random.default_rng(ss)
        z = rng.standard_normal((n, p)) @ chol.T
        if design is not None:
            clusters, m, icc = design
            u = rng.standard_normal((clusters, p)) @ chol.T
            z = np.sqrt(icc) * np.repeat(u, m, axis=0) + np.sqrt(1 - icc) * z
        means[r] = z.mean(axis=0)
        z -= means[r]
        covs[r] = z.T @ z / n
    return covs, means


def _replicate_chunk(template, sigma, n, seeds, design=None):
    """Fit a chunk of replications; returns (theta, converged, se, item means)."""
    from threadpoolctl import threadpool_limits

    from ..sem.batch import BatchML

    with threadpool_limits(1):
        covs, means = _draw_covs(sigma, n, seeds, design)
        batch = BatchML(template._rams[0])
        theta, ok, info = batch.fit(template.theta, covs)
        se = np.full(theta.shape, np.nan)
        for r in np.flatnonzero(ok):
            try:
                se[r] = np.sqrt(np.clip(np.diag(np.linalg.inv(info[r])) / n, 0, None))
            except np.linalg.LinAlgError:
                ok[r] = False
    return theta, ok, se, means


def _designs(n, clusters, cluster_size, icc):
    """[(n, design or None)] from ``n`` or from ``clusters`` × ``cluster_size``."""
    if clusters is None and cluster_size is None:
        if n is None:
            raise ArgumentError("give the sample size n= (or clusters= and cluster_size= "
                                "for a nested design)")
        if isinstance(n, str) or np.ndim(n) > 1 or np.size(n) == 0:
            raise ArgumentError(f"n={show(n)}: give a sample size or a list of them")
        if icc:
            raise ArgumentError(f"icc={show(icc)} needs a nested design: give clusters= "
                                "(branches) and cluster_size= (employees per branch)")
        return [(as_count(v, "n", minimum=1), None) for v in np.atleast_1d(n).tolist()]
    if n is not None:
        raise ArgumentError("give either n= or clusters= with cluster_size= (n is then "
                            "clusters x cluster_size), not both")
    if clusters is None or cluster_size is None:
        raise ArgumentError("a nested design needs both clusters= (number of branches) and "
                            "cluster_size= (employees per branch)")
    if isinstance(clusters, str) or np.ndim(clusters) > 1 or np.size(clusters) == 0:
        raise ArgumentError(f"clusters={show(clusters)}: give a number of branches or a list")
    m = as_count(cluster_size, "cluster_size", minimum=1, hint="respondents per branch")
    icc = as_number(icc, "icc", low=0, high=1, low_open=False, high_open=True)
    return [(c * m, (c, m, icc)) for c in
            (as_count(v, "clusters", minimum=2) for v in np.atleast_1d(clusters).tolist())]


def power(population, n=None, reps: int = 1000, seed=None, alpha: float = 0.05,
          n_jobs: int = 1, client=None, chunk_size: int = 250, *, clusters=None,
          cluster_size=None, icc: float = 0.0, indirect=None) -> pd.DataFrame:
    """Monte Carlo power of every free parameter of the model, for each sample size.

    Parameters
    ----------
    population : PopulationModel, CanonicalModel or str
        The population (standardized values). lavaan syntax needs a value on every
        term, e.g. ``"f =~ .8*x1 + .7*x2 + .7*x3\\ny ~ .3*f"``.
    n : int or sequence of int
        Sample sizes (simple random samples).
    reps : int
        Replications per sample size.
    seed : int
        Seed of the replications' random streams.
    alpha : float
        Significance level of the two-sided Wald tests.
    n_jobs, client
        Local worker processes (joblib) or a ``dask.distributed.Client``.
    clusters : int or sequence of int, optional
        Number of branches (units) of a nested design, instead of ``n``; with
        ``cluster_size`` (respondents per branch, balanced) n = clusters × cluster_size.
    cluster_size : int, optional
        Respondents per branch.
    icc : float
        Share of every variance between branches (0 ≤ icc < 1).
    indirect : dict, optional
        Indirect effects, name -> the regression paths of the chain, e.g.
        ``{"ind": ["oc ~ ic", "sq ~ oc"]}``. Each adds a row (``op`` ``":="``, ``rhs`` the
        paths joined by ``" * "``, ``true`` and ``mean_est`` the products of the paths,
        unstandardized) whose ``power`` is that of the joint-significance test: the share
        of replications in which every path is significant at ``alpha`` (MacKinnon et al.
        2002). It has no interval, so its ``coverage`` is NaN.

    Returns
    -------
    DataFrame
        ``n, lhs, op, rhs, true, mean_est, bias, rel_bias, power, coverage, conv_rate``.
        Nested designs add ``clusters, cluster_size, icc``, ``deff`` (1 + (m − 1)·ICC²,
        the parameters' design effect), ``deff_sim`` (Monte Carlo variance of the
        estimate over the mean squared ML standard error that ignores the clustering),
        ``n_effective`` (n / deff) and ``coverage_naive``; ``power`` and ``coverage`` use
        the ML SEs times √deff (what a cluster-robust analysis gives in large samples).
        ``table.attrs["design_effect"]`` compares Kish's design effect of the item means,
        1 + (m − 1)·ICC, with the simulation: ``clusters, cluster_size, n, icc,
        deff_mean, deff_mean_sim, deff_mean_mc_se, n_effective, n_effective_sim``.

    Examples
    --------
    >>> tab = power("f =~ .8*x1 + .7*x2 + .7*x3\\ny ~ .3*f", clusters=40, cluster_size=10,
    ...             icc=0.2, reps=100, seed=1)
    >>> tab.attrs["design_effect"]["deff_mean"].round(2).tolist()
    [2.8]
    >>> pop = "x =~ .8*x1 + .7*x2 + .7*x3\\nm ~ .4*x\\ny ~ .4*m"
    >>> tab = power(pop, n=150, reps=50, seed=1, indirect={"ind": ["m ~ x", "y ~ m"]})
    >>> tab.set_index("lhs").loc["ind", "rhs"]
    'm ~ x * y ~ m'
    """
    from ..sem.estimate import fit

    seed = as_seed(seed, "seed")
    if not isinstance(seed, int):  # combined with the sample-size index below
        raise ArgumentError(f"seed={show(seed)}: power() needs a non-negative int seed")
    reps = as_count(reps, "reps", minimum=2, hint="replications per sample size")
    alpha = as_number(alpha, "alpha", low=0, high=1)
    chunk_size = as_count(chunk_size, "chunk_size", minimum=1)
    pop = _population(population)
    sigma = pop.implied_cov().to_numpy()
    designs = _designs(n, clusters, cluster_size, icc)
    chains = _chains(indirect)
    ns = [d[0] for d in designs]
    if min(ns) <= len(pop.items):
        raise ArgumentError(f"n={show(n)}: every n must exceed the number of items "
                            f"({len(pop.items)})")
    cov_df = pd.DataFrame(sigma, index=pop.items, columns=pop.items)
    z_crit = -special.ndtri(alpha / 2)
    rows, deff_rows = [], []
    for k_n, (n_i, design) in enumerate(designs):
        # the analysis model at the population: its estimates are the true values in the
        # analysis parameterization (marker-variable identification)
        template = fit(pop.syntax(), cov=cov_df * n_i / (n_i - 1), nobs=n_i)
        truth = template.theta
        first = free_parameter_rows(template.partable)
        # the chains' columns among the free parameters, found before any replication
        links = {name: [_path_column(first, link, name) for link in chain]
                 for name, chain in chains.items()}
        seeds = np.random.SeedSequence([seed, k_n]).spawn(reps)
        chunks = [seeds[i:i + chunk_size] for i in range(0, reps, chunk_size)]
        if client is None and n_jobs == 1:
            parts = [_replicate_chunk(template, sigma, n_i, c, design) for c in chunks]
        else:
            from joblib import Parallel, delayed, parallel_config
            backend = "dask" if client is not None else "loky"
            with parallel_config(backend=backend, n_jobs=-1 if client is not None
                                 else n_jobs):
                parts = Parallel()(delayed(_replicate_chunk)(template, sigma, n_i, c,
                                                             design) for c in chunks)
        theta = np.vstack([p[0] for p in parts])
        ok = np.concatenate([p[1] for p in parts])
        se = np.vstack([p[2] for p in parts])
        th, s = theta[ok], se[ok]
        extra = {}
        if design is not None:
            n_cl, m, rho = design
            deff = 1 + (m - 1) * rho ** 2
            naive = (th - z_crit * s <= truth) & (truth <= th + z_crit * s)
            with np.errstate(invalid="ignore", divide="ignore"):
                deff_sim = th.var(axis=0, ddof=1) / np.mean(s ** 2, axis=0)
            extra = {"clusters": n_cl, "cluster_size": m, "icc": rho, "deff": deff,
                     "n_effective": n_i / deff}
            s = s * np.sqrt(deff)
            deff_rows.append(_mean_design_effect(np.vstack([p[3] for p in parts]),
                                                 np.diag(sigma), n_i, design))
        sig = np.abs(th / s) > z_crit
        cover = (th - z_crit * s <= truth) & (truth <= th + z_crit * s)
        for j, (lhs, op, rhs) in enumerate(zip(first["lhs"], first["op"], first["rhs"])):
            mean_est = th[:, j].mean() if len(th) else np.nan
            rows.append(dict(n=n_i, lhs=lhs, op=op, rhs=rhs, true=truth[j],
                             mean_est=mean_est, bias=mean_est - truth[j],
                             rel_bias=(mean_est - truth[j]) / truth[j] if truth[j] else np.nan,
                             power=sig[:, j].mean() if len(th) else np.nan,
                             coverage=cover[:, j].mean() if len(th) else np.nan,
                             conv_rate=ok.mean(), **extra,
                             **({"deff_sim": deff_sim[j],
                                 "coverage_naive": naive[:, j].mean()} if extra else {})))
        for name, chain in chains.items():
            cols = links[name]
            true, est = np.prod(truth[cols]), np.prod(th[:, cols], axis=1)
            mean_est = est.mean() if len(th) else np.nan
            rows.append(dict(n=n_i, lhs=name, op=":=",
                             rhs=" * ".join(f"{a} ~ {b}" for a, b in chain), true=true,
                             mean_est=mean_est, bias=mean_est - true,
                             rel_bias=(mean_est - true) / true if true else np.nan,
                             power=sig[:, cols].all(axis=1).mean() if len(th) else np.nan,
                             coverage=np.nan, conv_rate=ok.mean(), **extra,
                             **({"deff_sim": np.nan, "coverage_naive": np.nan}
                                if extra else {})))
    table = pd.DataFrame(rows)
    if deff_rows:
        table.attrs["design_effect"] = pd.DataFrame(deff_rows)
    return table


def _chains(indirect):
    """{name: [(lhs, rhs), ...]} from ``indirect={"ind": ["m ~ x", "y ~ m"]}``."""
    if indirect is None:
        return {}
    example = 'e.g. indirect={"ind": ["m ~ x", "y ~ m"]}'
    if not isinstance(indirect, dict) or not indirect:
        raise ArgumentError(f"indirect={show(indirect)}: give a dict name -> list of paths, "
                            f"{example}")
    chains = {}
    for name, chain in indirect.items():
        if isinstance(chain, str) or not isinstance(chain, (list, tuple)) or len(chain) < 2:
            raise ArgumentError(f"indirect[{name!r}]={show(chain)}: give a list of at least "
                                f"two regression paths, {example}")
        links = []
        for link in chain:
            m = re.fullmatch(r"\s*([\w.]+)\s*~\s*([\w.]+)\s*", link) \
                if isinstance(link, str) else None
            if m is None:
                raise ArgumentError(f"indirect[{name!r}]: {show(link)} is not a path "
                                    f"'y ~ x'; {example}")
            links.append(m.groups())
        chains[str(name)] = links
    return chains


def _path_column(first, link, name):
    """The column of path ``link`` = (lhs, rhs) among the free parameters."""
    rows = list(zip(first["lhs"], first["op"], first["rhs"]))
    for j, (lhs, op, rhs) in enumerate(rows):
        if op == "~" and (lhs, rhs) == link:
            return j
    paths = [(lhs, rhs) for lhs, op, rhs in rows if op == "~"]
    raise ArgumentError(f"indirect[{name!r}]: the model has no path {link[0]} ~ {link[1]}; "
                        "its paths are " + ", ".join(f"{a} ~ {b}" for a, b in paths))


def _mean_design_effect(means, variances, n, design):
    """Kish's design effect of the item means against their Monte Carlo variance."""
    n_cl, m, rho = design
    ratio = means.var(axis=0, ddof=1) / (variances / n)  # one ratio per item
    deff, sim = 1 + (m - 1) * rho, ratio.mean()
    # the items' ratios are correlated: the Monte Carlo SE of one variance ratio,
    # sqrt(2 / (R - 1)), bounds that of their mean
    mc_se = sim * np.sqrt(2 / (len(means) - 1))
    return {"clusters": n_cl, "cluster_size": m, "n": n, "icc": rho, "deff_mean": deff,
            "deff_mean_sim": sim, "deff_mean_mc_se": mc_se, "n_effective": n / deff,
            "n_effective_sim": n / sim}


def plot_power_curve(table: pd.DataFrame, params=None, target: float = 0.8, ax=None,
                     labels=None):
    """Power against n for the chosen parameters (default: all regressions ``~``).

    ``params`` is a list of ``"lhs op rhs"`` strings (an indirect effect of
    ``power(indirect=...)`` is ``"ind := m ~ x * y ~ m"``); ``labels`` (``{"lhs op rhs":
    text}``) names them in the legend. Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    tab = table.assign(parameter=table["lhs"] + " " + table["op"] + " " + table["rhs"])
    if params is None:
        tab = tab[tab["op"] == "~"]
    else:
        tab = tab[tab["parameter"].isin(params)]
    if labels:
        tab = tab.assign(parameter=tab["parameter"].replace(labels))
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    sns.lineplot(data=tab, x="n", y="power", hue="parameter", marker="o", ax=ax)
    # beside the axes: inside, the legend hides the curves' flat tops or their low starts
    sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.axhline(target, ls="--", color="grey", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("power (Monte Carlo)")
    ax.set_title("Power by sample size")
    return ax


def _rmsea_args(df, rmsea0, rmsea1, alpha):
    df = as_count(df, "df", minimum=1, hint="the model's degrees of freedom")
    rmsea0 = as_number(rmsea0, "rmsea0", low=0, low_open=False)
    rmsea1 = as_number(rmsea1, "rmsea1", low=0, low_open=False)
    if rmsea0 == rmsea1:
        raise ArgumentError(f"rmsea0={rmsea0:g} equals rmsea1: the null and the alternative "
                            "RMSEA must differ (close fit: .05 against .08)")
    return df, rmsea0, rmsea1, as_number(alpha, "alpha", low=0, high=1)


def _rmsea_power(df, n, rmsea0, rmsea1, alpha):
    from scipy import stats

    n = np.asarray(n, dtype=float)
    lam0, lam1 = (n - 1) * df * rmsea0 ** 2, (n - 1) * df * rmsea1 ** 2
    if rmsea0 < rmsea1:  # reject when chi-square is large (test of close fit)
        crit = stats.ncx2.isf(alpha, df, lam0) if rmsea0 > 0 else stats.chi2.isf(alpha, df)
        return stats.ncx2.sf(crit, df, lam1)
    crit = stats.ncx2.ppf(alpha, df, lam0)  # reject when small (test of not-close fit)
    return (stats.ncx2.cdf(crit, df, lam1) if rmsea1 > 0 else stats.chi2.cdf(crit, df))


def rmsea_power(df: int, n, rmsea0: float = 0.05, rmsea1: float = 0.08,
                alpha: float = 0.05):
    """Power of the RMSEA test of a whole model (MacCallum, Browne & Sugawara 1996).

    The model's χ² with ``df`` degrees of freedom is noncentral with λ = (n − 1)·df·ε²
    under RMSEA ε. With ``rmsea0 < rmsea1`` (test of close fit, .05 against .08) the test
    rejects close fit when χ² exceeds its 1 − α quantile under ``rmsea0``; the power is the
    chance of that when the RMSEA is ``rmsea1``. With ``rmsea0 > rmsea1`` (test of
    not-close fit, .05 against .01) it rejects when χ² falls below the α quantile, i.e.
    supports close fit. Equals semTools' ``findRMSEApower`` (one group).

    Parameters
    ----------
    df : int
        Degrees of freedom of the model.
    n : int or array of int
        Sample size(s).
    rmsea0, rmsea1 : float
        RMSEA under the null hypothesis and the alternative.
    alpha : float
        Significance level.

    Returns
    -------
    float or ndarray
        The power (an array for an array of n).

    Examples
    --------
    >>> round(rmsea_power(df=40, n=200), 3)
    0.688
    """
    df, rmsea0, rmsea1, alpha = _rmsea_args(df, rmsea0, rmsea1, alpha)
    if isinstance(n, str) or np.ndim(n) > 1 or np.size(n) == 0:
        raise ArgumentError(f"n={show(n)}: give a sample size or a list of them")
    ns = [as_count(v, "n", minimum=2) for v in np.atleast_1d(n).tolist()]
    out = _rmsea_power(df, ns, rmsea0, rmsea1, alpha)
    return float(out[0]) if np.ndim(n) == 0 else out


def rmsea_sample_size(df: int, rmsea0: float = 0.05, rmsea1: float = 0.08,
                      power: float = 0.8, alpha: float = 0.05) -> int:
    """The smallest n whose :func:`rmsea_power` exceeds ``power`` (as semTools'
    ``findRMSEAsamplesize``, which starts at n = 5; this one from n = 2).

    Examples
    --------
    >>> rmsea_sample_size(df=40)
    252
    """
    df, rmsea0, rmsea1, alpha = _rmsea_args(df, rmsea0, rmsea1, alpha)
    target = as_number(power, "power", low=0, high=1)
    if target <= alpha:
        raise ArgumentError(f"power={target:g} must exceed alpha={alpha:g}")
    lo, hi = 2, 4
    if _rmsea_power(df, lo, rmsea0, rmsea1, alpha) > target:
        return lo
    while _rmsea_power(df, hi, rmsea0, rmsea1, alpha) <= target:  # power rises with n
        lo, hi = hi, hi * 2
        if hi > 10 ** 9:
            raise ArgumentError("no sample size below 10^9 reaches that power; the two RMSEA "
                                "values are too close")
    while hi - lo > 1:  # power(lo) <= target < power(hi)
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _rmsea_power(df, mid, rmsea0, rmsea1, alpha) <= target \
            else (lo, mid)
    return hi


def design_effect(icc: float, cluster_size) -> float:
    """Kish's design effect of a mean in a cluster sample, 1 + (m − 1)·ICC.

    ``cluster_size`` m respondents per branch (the average size, which need not be a
    whole number, for unbalanced branches); n respondents carry the
    information of n / deff independent ones (the effective n). The covariance-structure
    parameters of a model have the smaller design effect 1 + (m − 1)·ICC² (see
    :func:`power` with ``clusters=``).

    Examples
    --------
    >>> design_effect(icc=0.1, cluster_size=21)
    3.0
    """
    icc = as_number(icc, "icc", low=0, high=1, low_open=False, high_open=True)
    m = as_number(cluster_size, "cluster_size", low=1, low_open=False)
    return 1 + (m - 1) * icc
