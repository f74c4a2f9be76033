"""Sampling distributions by simulation: draw many samples from a population model with
known truth, fit the analysis model to each, and summarise how the estimates scatter.

A study is one draw from this distribution. The summary shows what a single study
cannot: the bias of each standardized estimate, its spread (the true standard error),
and the shape of its distribution. The product of two paths (an indirect effect) is
skewed even when each path is normal, which is why its symmetric delta-method interval
misleads and bootstrap intervals are asymmetric (MacKinnon et al. 2004).

Replication ``r`` uses its own random stream ``SeedSequence(seed).spawn(reps)[r]``: the
same seed gives the same draws and estimates.

Examples
--------
>>> from im_research.synthetic.simulate import PopulationModel
>>> from im_research.inference.sampling import sampling_distribution
>>> pop = PopulationModel.from_syntax(
...     "x =~ .8*x1 + .7*x2 + .7*x3\\nm =~ .8*m1 + .7*m2 + .7*m3\\n"
...     "y =~ .8*y1 + .7*y2 + .7*y3\\nm ~ .4*x\\ny ~ .4*m")
>>> model = "x =~ x1 + x2 + x3\\nm =~ m1 + m2 + m3\\ny =~ y1 + y2 + y3\\n" \\
...         "m ~ a*x\\ny ~ b*m\\nind := a*b"
>>> sd = sampling_distribution(pop, n=150, reps=20, seed=1, model=model,
...                            truth={"ind": 0.16})
>>> sd.summary.loc[["m~x", "ind"], "truth"].tolist(), len(sd.draws)
([0.4, 0.16], 20)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ArgumentError, HeywoodWarning, IMResearchError
from ..sem.estimate import fit
from ..synthetic.simulate import PopulationModel, draw
from ..validation import as_count, seed_sequence, show

__all__ = ["sampling_distribution", "SamplingDistribution"]


@dataclass
class SamplingDistribution:
    """``draws`` (one row per converged sample, one column per parameter: the
    standardized estimate ``std_all``), ``summary`` (per parameter: ``truth``, ``mean``,
    ``bias``, ``sd``, ``lower``/``upper`` (2.5 % and 97.5 % quantiles of the estimates),
    ``skewness``), ``n``, ``reps``, ``n_failed`` (samples whose fit failed, left out) and
    ``n_improper`` (fits with a Heywood case, kept: small samples produce them, and
    leaving them out would make the distribution look better than it is)."""

    draws: pd.DataFrame
    summary: pd.DataFrame
    n: int
    reps: int
    n_failed: int
    n_improper: int = 0


def _name(lhs, op, rhs):
    return lhs if op == ":=" else f"{lhs}{op}{rhs}"


def sampling_distribution(population: PopulationModel, n: int, reps: int = 50, *, seed,
                          model: str | None = None, truth: dict | None = None,
                          points=None) -> SamplingDistribution:
    """Draw ``reps`` samples of size ``n`` from ``population`` and fit ``model`` to each.

    Parameters
    ----------
    population : PopulationModel
        Standardized population values (:class:`~im_research.synthetic.simulate.PopulationModel`).
    n, reps : int
        Sample size and number of samples.
    seed : int or numpy.random.Generator
        Required: the same seed gives the same samples.
    model : str, optional
        The analysis model in lavaan syntax (default ``population.syntax()``); its
        regressions and ``:=`` definitions are recorded.
    truth : dict, optional
        True values of the ``:=`` definitions, ``{name: value}`` (regressions take
        theirs from the population).
    points : int, optional
        Likert points of the items (default continuous).

    Returns
    -------
    SamplingDistribution
        Parameters are named ``"lhs~rhs"`` (regressions) or by the definition's name.

    Examples
    --------
    >>> from im_research.synthetic.simulate import PopulationModel
    >>> pop = PopulationModel.from_syntax("f =~ .8*x1 + .7*x2 + .7*x3\\n"
    ...                                   "g =~ .8*y1 + .7*y2 + .7*y3\\ng ~ .5*f")
    >>> sd = sampling_distribution(pop, n=200, reps=10, seed=3)
    >>> list(sd.summary.index), sd.n_failed
    (['g~f'], 0)
    """
    if not isinstance(population, PopulationModel):
        raise ArgumentError(f"population={show(population)}: give a PopulationModel "
                            "(im_research.simulate.PopulationModel)")
    n = as_count(n, "n", minimum=10, hint="the sample size of each draw")
    reps = as_count(reps, "reps", minimum=2, hint="the number of samples to draw")
    seq = seed_sequence(seed)
    model = population.syntax() if model is None else model
    if not isinstance(model, str):
        raise ArgumentError(f"model={show(model)}: give lavaan syntax")
    truth = dict(truth or {})
    defined = [line.split("#")[0].split(":=")[0].strip() for line in model.splitlines()
               if ":=" in line.split("#")[0]]
    unknown = [k for k in truth if k not in defined]
    if unknown:  # refused before any sample is drawn
        raise ArgumentError(f"truth names {unknown}, which are not ':=' definitions of the "
                            f"model (it defines {defined})")
    rows, failed, improper = [], 0, 0
    for child in seq.spawn(reps):
        sample = draw(population, n, seed=np.random.default_rng(child), points=points,
                      ids=False)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", HeywoodWarning)
                res = fit(model, data=sample.data)
        except IMResearchError:  # a fit that failed: counted, not kept
            failed += 1
            continue
        improper += any(issubclass(c.category, HeywoodWarning) for c in caught)
        p = res.params[res.params["op"].isin(["~", ":="])]
        rows.append({_name(a, o, b): v for a, o, b, v in
                     zip(p["lhs"], p["op"], p["rhs"], p["std_all"])})
    if len(rows) < 2:
        raise IMResearchError(f"only {len(rows)} of {reps} samples could be fitted; "
                              "increase n or check the model")
    draws = pd.DataFrame(rows)
    true = {f"{r.lhs}~{r.rhs}": r.std_all for r in population.truth().itertuples()
            if r.op == "~"}
    true.update(truth)
    x = draws.to_numpy(float)
    summary = pd.DataFrame({
        "truth": [true.get(c, np.nan) for c in draws.columns],
        "mean": x.mean(axis=0),
        "sd": x.std(axis=0, ddof=1),
        "lower": np.quantile(x, 0.025, axis=0),
        "upper": np.quantile(x, 0.975, axis=0),
        "skewness": stats.skew(x, axis=0, bias=False),
    }, index=draws.columns)
    summary.insert(2, "bias", summary["mean"] - summary["truth"])
    summary.index.name = "parameter"
    return SamplingDistribution(draws, summary, n, reps, failed, improper)
