"""Population models with known truth, and survey data drawn from them.

A :class:`PopulationModel` is described by *standardized* loadings and paths (as they are
reported in papers). Residual variances are solved so that every item and factor has unit
variance, which makes the true ``std_all`` values exactly the numbers you typed.
:func:`draw` turns the model into survey data: continuous or Likert items (symmetric or
skewed thresholds), reverse-keyed items, MCAR/MAR missing cells, careless responders
(random or straight-lining), and employees nested in units with a chosen ICC.

Every random function takes ``seed`` (an int or a ``numpy.random.Generator``); the same
seed gives identical data, and :func:`to_csv_bytes` gives identical bytes.

Examples
--------
>>> from im_research.synthetic.simulate import PopulationModel, draw
>>> pop = PopulationModel(loadings={"im": {"im1": .8, "im2": .7, "im3": .75},
...                                 "js": {"js1": .8, "js2": .8, "js3": .7}},
...                       paths={"js": {"im": .5}})
>>> sim = draw(pop, n=200, seed=1, points=5)
>>> items = sim.data.drop(columns="id")
>>> items.shape, int(items.min().min()), int(items.max().max())
((200, 6), 1, 5)
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import IMResearchError
from ..validation import as_count, as_names, as_number, as_seed, show

__all__ = ["PopulationModel", "Simulated", "draw", "discretize", "likert_thresholds",
           "to_csv_bytes", "SimulationError"]


class SimulationError(IMResearchError, ValueError):
    """A population model or simulation setting is impossible (named in the message)."""


def _rng(seed):
    if seed is None:
        raise SimulationError("seed is required (an int or numpy.random.Generator) so that "
                              "the data can be reproduced")
    seed = as_seed(seed, "seed", error=SimulationError)
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


@dataclass
class PopulationModel:
    """A standardized population SEM.

    Parameters
    ----------
    loadings : dict
        ``{factor: {item: standardized loading}}``; |loading| < 1 (negative for a
        reverse-keyed item).
    paths : dict
        ``{outcome factor: {predictor factor: standardized beta}}`` (recursive models).
    correlations : dict
        ``{(factor_a, factor_b): r}`` among exogenous factors (default 0).
    """

    loadings: dict
    paths: dict = field(default_factory=dict)
    correlations: dict = field(default_factory=dict)

    def __post_init__(self):
        self.factors = list(self.loadings)
        # a factor measured by factors (second order): its loadings on them are, for the
        # data, regressions of the first-order factors on it (standardized, so the
        # loading is their correlation)
        self._struct = {y: dict(preds) for y, preds in self.paths.items()}
        for f, inds in self.loadings.items():
            for sub, gamma in inds.items():
                if sub in self.loadings:
                    self._struct.setdefault(sub, {})[f] = gamma
        self.items = [i for f in self.factors for i in self.loadings[f]
                      if i not in self.loadings]
        if len(set(self.items)) != len(self.items):
            raise SimulationError("an item is listed under two factors")
        for f, items in self.loadings.items():
            for item, lam in items.items():
                if not -1 < lam < 1:
                    raise SimulationError(
                        f"loading of {item} on {f} is {lam}; standardized loadings must lie "
                        "strictly between -1 and 1")
        for y, preds in self.paths.items():
            for x in list(preds) + [y]:
                if x not in self.loadings:
                    raise SimulationError(f"path {y} ~ {x}: factor {x!r} has no loadings; "
                                          f"known factors: {self.factors}")
        self.order = self._topological_order()
        self._phi = self._latent_cov()

    @classmethod
    def from_syntax(cls, model: str) -> PopulationModel:
        """Build from lavaan syntax whose fixed values are the standardized population
        values, e.g. ``"f =~ .8*x1 + .7*x2 + .7*x3\ny =~ .8*y1 + .8*y2 + .7*y3\ny ~ .4*f"``;
        ``a ~~ .3*b`` sets a correlation between exogenous factors."""
        from ..sem.syntax import parse  # the syntax reader is a leaf module (no estimation)

        loadings, paths, cors = {}, {}, {}
        for f in parse(model).formulas:
            for t in f.terms:
                if t.fixed is None or len(t.fixed) != 1:
                    raise SimulationError(
                        f"line {f.line}: {f.lhs} {f.op} {t.var} needs one population value, "
                        f"e.g. {f.lhs} {f.op} 0.5*{t.var}")
                value = t.fixed[0]
                if f.op == "=~":
                    loadings.setdefault(f.lhs, {})[t.var] = value
                elif f.op == "~":
                    paths.setdefault(f.lhs, {})[t.var] = value
                elif f.op == "~~" and f.lhs != t.var:
                    cors[(f.lhs, t.var)] = value
                else:
                    raise SimulationError(f"line {f.line}: only =~, ~ and factor correlations "
                                          "(a ~~ r*b) describe a population model")
        return cls(loadings, paths, cors)

    def _topological_order(self):
        order, seen = [], set()

        def visit(f, stack):
            if f in stack:
                raise SimulationError(f"paths are circular through {f!r}; use a recursive "
                                      "model")
            if f in seen:
                return
            for x in self._struct.get(f, {}):
                visit(x, stack | {f})
            seen.add(f)
            order.append(f)

        for f in self.factors:
            visit(f, set())
        return order

    @property
    def exogenous(self):
        return [f for f in self.factors if not self._struct.get(f)]

    def _latent_cov(self):
        k = len(self.factors)
        idx = {f: i for i, f in enumerate(self.factors)}
        phi = np.eye(k)
        for (a, b), r in self.correlations.items():
            if a not in self.exogenous or b not in self.exogenous:
                raise SimulationError(f"correlation {a} ~~ {b}: only exogenous factors "
                                      f"({self.exogenous}) can be given correlations")
            phi[idx[a], idx[b]] = phi[idx[b], idx[a]] = r
        for y in self.order:
            preds = self._struct.get(y)
            if not preds:
                continue
            j = idx[y]
            beta = np.zeros(k)
            for x, b in preds.items():
                beta[idx[x]] = b
            cov_with = phi @ beta  # cov(y, every factor) through its predictors
            explained = beta @ phi @ beta
            if explained >= 1:
                raise SimulationError(
                    f"the paths into {y!r} explain {explained:.2f} of its variance (R^2 >= 1);"
                    " make the standardized paths smaller")
            phi[j, :] = phi[:, j] = cov_with
            phi[j, j] = 1.0
        if np.linalg.eigvalsh(phi)[0] <= 0:
            raise SimulationError("the implied factor correlation matrix is not positive "
                                  "definite; check the correlations and paths")
        return phi

    def latent_cov(self) -> pd.DataFrame:
        """Implied correlation matrix of the factors."""
        return pd.DataFrame(self._phi, index=self.factors, columns=self.factors)

    def loading_matrix(self) -> np.ndarray:
        lam = np.zeros((len(self.items), len(self.factors)))
        for j, f in enumerate(self.factors):
            for item, value in self.loadings[f].items():
                if item not in self.loadings:  # second-order loadings act through factors
                    lam[self.items.index(item), j] = value
        return lam

    def implied_cov(self) -> pd.DataFrame:
        """Implied correlation matrix of the items (unit variances)."""
        lam = self.loading_matrix()
        sigma = lam @ self._phi @ lam.T
        np.fill_diagonal(sigma, 1.0)
        return pd.DataFrame(sigma, index=self.items, columns=self.items)

    def syntax(self, labels=False) -> str:
        """lavaan syntax for the model (free parameters, marker identification)."""
        lines = [f"{f} =~ " + " + ".join(self.loadings[f]) for f in self.factors]
        for y in self.order:
            if self.paths.get(y):
                lines.append(f"{y} ~ " + " + ".join(self.paths[y]))
        return "\n".join(lines) + "\n"

    def truth(self) -> pd.DataFrame:
        """True standardized values (``lhs, op, rhs, std_all``) as lavaan would name them."""
        rows = []
        for f in self.factors:
            for item, lam in self.loadings[f].items():
                rows.append((f, "=~", item, lam))
        for y in self.order:
            for x, b in self.paths.get(y, {}).items():
                rows.append((y, "~", x, b))
        for a, b in self.correlations:
            rows.append((a, "~~", b, self.correlations[(a, b)]))
        return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "std_all"])


@dataclass
class Simulated:
    """Simulated data with its truth.

    ``truth`` keys: ``params`` (true standardized values), ``careless`` (row ids of careless
    responders), ``missing_cells`` (list of (row, column) set to missing), ``unit_effects``
    and settings.
    """

    data: pd.DataFrame
    truth: dict


def likert_thresholds(points: int, skew: float = 0.0) -> np.ndarray:
    """Cut points on the latent z scale for a ``points``-category item.

    ``skew = 0`` gives symmetric thresholds (equally spaced on [-2, 2] on the z scale,
    so the middle category is the most common); ``skew > 0`` shifts them down so answers
    pile up at the agreeable end, as satisfaction items usually do.
    """
    points = as_count(points, "points", minimum=2, error=SimulationError,
                      hint="a Likert item needs at least 2 points")
    skew = as_number(skew, "skew", error=SimulationError)
    cuts = np.linspace(-2.0, 2.0, int(points) + 1)[1:-1] * (1.0 if points > 2 else 0.0)
    return cuts - skew


def discretize(data: pd.DataFrame, points, skew: float = 0.0) -> pd.DataFrame:
    """Cut continuous (standardized) item scores into Likert categories 1..points.

    ``points`` is one number for all columns or ``{column: points}`` (other columns are
    left as they are)."""
    out = data.copy()
    cols = list(points) if isinstance(points, dict) else list(out.columns)
    absent = [c for c in cols if c not in out.columns]
    if absent:
        raise SimulationError(f"points= names {absent}, which are not columns of the data")
    for col in cols:
        pts = points[col] if isinstance(points, dict) else points
        cuts = likert_thresholds(pts, skew)
        out[col] = (np.searchsorted(cuts, out[col].to_numpy()) + 1).astype(int)
    return out


def draw(pop: PopulationModel, n: int, *, seed, points=None, skew=0.0, reverse=(),
         missing_mcar=0.0, missing_mar=None, careless=0.0, careless_kind="mixed",
         units=None, icc=0.0, ids=True) -> Simulated:
    """Draw survey data from ``pop``.

    Parameters
    ----------
    n : int
        Number of respondents.
    seed : int or numpy.random.Generator
    points : int or dict, optional
        Likert points (all items, or ``{item: points}``); None keeps continuous scores.
    skew : float
        Threshold shift (see :func:`likert_thresholds`).
    reverse : sequence of str
        Items stored reverse-keyed (their loading sign is flipped before discretising).
    missing_mcar : float
        Share of item cells missing completely at random.
    missing_mar : dict, optional
        ``{"items": [...], "driver": item, "rate": share}``: cells of ``items`` go missing
        more often for respondents low on ``driver`` (missing at random given ``driver``).
    careless : float
        Share of careless respondents; ``careless_kind`` is ``"random"``,
        ``"straightline"`` or ``"mixed"`` (half each).
    units : int, optional
        Number of units (branches, clinics) respondents are nested in; adds a ``unit``
        column and gives the exogenous factors an intraclass correlation ``icc``.
    """
    rng = _rng(seed)
    if not isinstance(pop, PopulationModel):
        hint = (" (a CanonicalModel: pass its .population)" if hasattr(pop, "population")
                else "")
        raise SimulationError(f"pop={show(pop)}: give a PopulationModel{hint}, e.g. "
                              "PopulationModel.from_syntax('f =~ .8*x1 + .7*x2 + .7*x3')")
    n = as_count(n, "n", minimum=2, error=SimulationError,
                 hint="the number of respondents to draw")
    for name, share in (("icc", icc), ("missing_mcar", missing_mcar), ("careless", careless)):
        as_number(share, name, low=0, high=1, low_open=False, error=SimulationError)
    if careless_kind not in ("random", "straightline", "mixed"):
        raise SimulationError(f"careless_kind={careless_kind!r}; choose 'random', "
                              "'straightline' or 'mixed'")
    if units is not None:
        units = as_count(units, "units", minimum=1, error=SimulationError)
    if points is not None and not isinstance(points, dict):
        points = as_count(points, "points", minimum=2, error=SimulationError,
                          hint="a Likert item needs at least 2 points")
    reverse = as_names(reverse, "reverse", error=SimulationError)
    unknown = [r for r in reverse if r not in pop.items]
    if unknown:
        raise SimulationError(f"reverse items {unknown} are not items of the model")
    if missing_mar is not None:
        if not isinstance(missing_mar, dict) or set(missing_mar) != {"items", "driver", "rate"}:
            raise SimulationError(f"missing_mar={show(missing_mar)}: give a dict with keys "
                                  "'items', 'driver' and 'rate'")
        mar_items = as_names(missing_mar["items"], "missing_mar['items']",
                             error=SimulationError)
        absent = [v for v in mar_items + [missing_mar["driver"]] if v not in pop.items]
        if absent:
            raise SimulationError(f"missing_mar names {absent}, which are not items of the "
                                  "model")
        as_number(missing_mar["rate"], "missing_mar['rate']", low=0, high=1,
                  error=SimulationError)
        missing_mar = {**missing_mar, "items": mar_items}
    k = len(pop.factors)
    # latent scores: exogenous factors get a unit component when nested
    unit = None
    z = rng.standard_normal((n, k))
    if units:
        unit = np.sort(rng.integers(0, units, size=n))
        u = rng.standard_normal((units, k))
        exo = [pop.factors.index(f) for f in pop.exogenous]
        z[:, exo] = np.sqrt(icc) * u[unit][:, exo] + np.sqrt(1 - icc) * z[:, exo]
    eta = _structural(pop, z, rng)
    lam = pop.loading_matrix()
    uniq = np.sqrt(np.clip(1 - np.sum(lam ** 2, axis=1), 0, None))
    y = eta @ lam.T + rng.standard_normal((n, len(pop.items))) * uniq
    data = pd.DataFrame(y, columns=pop.items)
    for r in reverse:
        data[r] = -data[r]
    if points is not None:
        data = discretize(data, points, skew)
    else:
        data = data.round(6)
    careless_ids = []
    if careless:
        m = int(round(careless * n))
        careless_ids = sorted(rng.choice(n, size=m, replace=False).tolist())
        for j, row in enumerate(careless_ids):
            kind = careless_kind if careless_kind != "mixed" else (
                "random" if j % 2 == 0 else "straightline")
            if points is None:
                vals = rng.standard_normal(len(pop.items)).round(6) if kind == "random" \
                    else np.repeat(round(float(rng.normal()), 6), len(pop.items))
            else:
                pts = np.array([points[i] if isinstance(points, dict) else points
                                for i in pop.items])
                if kind == "random":
                    vals = rng.integers(1, pts + 1)
                else:  # the same relative position on every item's scale
                    vals = np.minimum(rng.integers(1, pts.max() + 1), pts)
            data.iloc[row, :len(pop.items)] = vals
    missing_cells = []
    if missing_mcar:
        mask = rng.random((n, len(pop.items))) < missing_mcar
        missing_cells += [(int(i), pop.items[j]) for i, j in zip(*np.nonzero(mask))]
    if missing_mar:
        driver = data[missing_mar["driver"]].to_numpy(float)
        p = stats.norm.cdf(-1.0 - stats.zscore(driver)) * missing_mar["rate"] / 0.16
        for item in missing_mar["items"]:
            hit = rng.random(n) < np.clip(p, 0, 0.95)
            missing_cells += [(int(i), item) for i in np.flatnonzero(hit)]
    if missing_cells:
        data = data.astype(float) if points is None else data.astype("Int64")
        for i, col in missing_cells:
            data.at[i, col] = pd.NA if points is not None else np.nan
    if units:
        data.insert(0, "unit", unit + 1)
    if ids:
        data.insert(0, "id", np.arange(1, n + 1))
    truth = {"params": pop.truth(), "careless": [int(i) + 1 for i in careless_ids],
             "missing_cells": missing_cells, "latent_cov": pop.latent_cov(),
             "settings": dict(n=n, points=points, skew=skew, reverse=list(reverse),
                              missing_mcar=missing_mcar, careless=careless, units=units,
                              icc=icc)}
    return Simulated(data, truth)


def _structural(pop, z, rng):
    """Factor scores from independent standard normals ``z`` (exogenous columns already
    carrying the unit component): exogenous correlated via Cholesky, endogenous built
    from their paths plus a residual scaled to unit variance."""
    k = len(pop.factors)
    idx = {f: i for i, f in enumerate(pop.factors)}
    eta = np.zeros_like(z)
    exo = [idx[f] for f in pop.exogenous]
    L = np.linalg.cholesky(pop._phi[np.ix_(exo, exo)])
    eta[:, exo] = z[:, exo] @ L.T
    for y in pop.order:
        preds = pop._struct.get(y)
        if not preds:
            continue
        beta = np.zeros(k)
        for x, b in preds.items():
            beta[idx[x]] = b
        resid_var = 1 - beta @ pop._phi @ beta
        eta[:, idx[y]] = eta @ beta + np.sqrt(resid_var) * z[:, idx[y]]
    return eta


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """CSV bytes with a fixed format (same data, same bytes on every platform)."""
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue().encode("utf-8")
