"""Two-level SEM by maximum likelihood, as lavaan 0.6 fits models with ``level:`` blocks.

A two-level model has a within (level 1) and a between (level 2) block. Every observed
variable y of a respondent i in cluster j is split into a cluster part and a deviation,
``y_ij = mu + b_j + w_ij`` with ``w_ij ~ N(0, Sigma_W)`` and ``b_j ~ N(0, Sigma_B)``
(random intercepts only: slopes are the same in every cluster). Each block is an
ordinary SEM for its covariance matrix: ``Sigma_W`` from the level-1 formulas,
``Sigma_B`` and the means from the level-2 formulas. As in lavaan:

- a variable named in both blocks is split; its level-1 intercept is fixed at 0 and its
  mean belongs to level 2. A variable named only at level 1 (within-only) has no between
  part and keeps its mean at level 1; a variable named only at level 2 (between-only)
  must be constant within each cluster;
- the likelihood (lavaan's ``lav_mvnorm_cluster_loglik_samplestats_2l``) uses the pooled
  within covariance, the cluster means and the cluster sizes; clusters of the same size
  share one matrix inverse, so unbalanced clusters cost one inverse per distinct size;
- the unrestricted (h1) model is lavaan's EM (identity start, stop when the
  log-likelihood gains less than 1e-4); its moments fix the exogenous covariates
  (``fixed_x``), give ``unrestricted_logl``, SRMR within/between and the ICCs;
- chi-square is ``2 (logl_h1 - logl_h0)``; the baseline model has free variances (and
  means) at both levels; SEs come from the observed information (the Hessian of the
  log-likelihood), lavaan's default for two-level ML.

Missing values: listwise deletion by default; ``missing="fiml"`` is lavaan's
``missing = "ml"`` for two-level data (:mod:`im_research.sem.twolevel_missing`): each
cluster contributes the likelihood of its observed values, the unrestricted model is the
same likelihood over free moments (lavaan fits it by nlminb and may stop a little short of
its maximum, which moves SRMR by up to 2 %), rows without any observed value are dropped,
and with ``fixed_x`` so are rows missing an exogenous covariate (as lavaan; give
``fixed_x=False`` to keep them); a row with between-level values only informs its cluster
and is not counted in N (as lavaan). Random slopes, groups, constraints other than shared
labels and robust estimators (MLR, also with FIML) are not available for two-level models.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from im_research.sem.twolevel import estimate_twolevel
>>> rng = np.random.default_rng(2)
>>> cl = np.repeat(np.arange(60), 8)
>>> fb, fw = rng.normal(0, 0.6, 60)[cl], rng.normal(size=480)
>>> df = pd.DataFrame({f"y{k}": fb + fw + rng.normal(0, 0.7, 480) for k in (1, 2, 3)})
>>> df["branch"] = cl
>>> est = estimate_twolevel("level: 1\\n f =~ y1 + y2 + y3\\nlevel: 2\\n g =~ y1 + y2 + y3",
...                         df, cluster="branch")
>>> int(est.fit_measures["df"]), est.stats.nclusters
(0, 60)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from ..errors import (
    ConvergenceError,
    DataError,
    DataWarning,
    IdentificationError,
    ModelSyntaxError,
)
from ..validation import as_vector
from . import ram as _ram
from .fitmeasures import incremental_indices, pchisq_upper, rmsea_block
from .ml import check_identification, observed_information
from .moments import check_columns
from .partable import _assign_pids, _check_definitions, build_partable, check_factor_names
from .start import start_values
from .syntax import ParsedModel, parse
from .twolevel_missing import SaturatedProblem, level_positions, missing_cluster_data

__all__ = ["TwoLevelEstimate", "ClusterStats", "estimate_twolevel", "em_saturated",
           "cluster_stats", "twolevel_partable"]

_LOG2PI = np.log(2 * np.pi)


# -- sample statistics ------------------------------------------------------------------
@dataclass
class ClusterStats:
    """What the two-level likelihood needs from the data.

    ``y`` are the level-1 variables (within-only and split ones, in level-1 order), ``z``
    the between-only ones. ``mean_d``/``cov_d`` hold, per distinct cluster size, the mean
    and covariance (divisor = number of clusters of that size) of the cluster means
    ordered ``z`` then ``y``; ``s_pw`` is the pooled within covariance (divisor N - J).
    """

    y: list[str]
    z: list[str]
    ov2: list[str]
    nobs: int
    nclusters: int
    sizes: np.ndarray
    counts: np.ndarray
    mean_d: np.ndarray
    cov_d: np.ndarray
    s_pw: np.ndarray
    yy_raw: np.ndarray
    means: np.ndarray  # cluster means (J, py + pz), columns y then z
    size_of: np.ndarray  # size of each cluster (J,)
    loglik_x: float
    total_cov: np.ndarray  # covariance of all rows (divisor N), columns y then z
    total_mean: np.ndarray
    both1: np.ndarray = field(default=None)
    both2: np.ndarray = field(default=None)
    z2: np.ndarray = field(default=None)

    def __post_init__(self):
        self.both1, self.both2, self.z2 = level_positions(self.y, self.ov2, self.z)

    @property
    def constant(self):
        """Number of normal densities times log(2 pi) (lavaan's P)."""
        return (self.nobs * len(self.y) + self.nclusters * len(self.z)) * _LOG2PI

    # the likelihood -------------------------------------------------------------------
    def minus2ll(self, SW, muW, SB, muB, gradient=False):
        """``-2 logL`` without the 2 pi constant (lavaan's objective times 2N) for the
        level-1 moments (``SW``, ``muW`` over ``y``) and the level-2 ones (``SB``,
        ``muB`` over ``ov2``); with ``gradient=True`` also its derivatives with respect
        to these four (the covariance derivatives as unconstrained symmetric matrices).
        Returns inf when a matrix is not positive definite."""
        py, pz = len(self.y), len(self.z)
        b1, b2, z2 = self.both1, self.both2, self.z2
        Sb = np.zeros((py, py))
        Sb[np.ix_(b1, b1)] = SB[np.ix_(b2, b2)]
        Syz = np.zeros((py, pz))
        Syz[b1, :] = SB[np.ix_(b2, z2)]
        mu = np.concatenate([muB[z2], muW])
        mu[pz + b1] += muB[b2]
        q = pz + py
        base = np.zeros((q, q))
        base[:pz, :pz] = SB[np.ix_(z2, z2)]
        base[pz:, :pz] = Syz
        base[:pz, pz:] = Syz.T
        base[pz:, pz:] = Sb
        V = np.repeat(base[None], len(self.sizes), axis=0)
        V[:, pz:, pz:] += SW[None] / self.sizes[:, None, None]
        try:
            Lw = np.linalg.cholesky(SW)
            Lv = np.linalg.cholesky(V)
        except np.linalg.LinAlgError:
            return (np.inf, None) if gradient else np.inf
        SWi = _ram.small_inv(SW)
        Vi = np.linalg.inv(V)
        e = self.mean_d - mu
        E = self.cov_d + e[:, :, None] * e[:, None, :]
        c = self.counts
        nw = self.nobs - self.nclusters
        logdet_v = 2 * np.log(np.diagonal(Lv, axis1=1, axis2=2)).sum(axis=1)
        value = (c @ (logdet_v + py * np.log(self.sizes) + np.einsum("kab,kba->k", Vi, E))
                 + nw * (2 * np.log(np.diag(Lw)).sum() + np.sum(SWi * self.s_pw)))
        if not gradient:
            return value
        G = c[:, None, None] * (Vi - Vi @ E @ Vi)
        g_mu = -2 * np.einsum("k,kab,kb->a", c, Vi, e)
        D_W = nw * (SWi - SWi @ self.s_pw @ SWi) + np.einsum(
            "k,kab->ab", 1 / self.sizes, G[:, pz:, pz:])
        Gs = G.sum(axis=0)
        D_B = np.zeros_like(SB)
        D_B[np.ix_(b2, b2)] = Gs[pz:, pz:][np.ix_(b1, b1)]
        D_B[np.ix_(b2, z2)] = Gs[pz:, :pz][b1, :]
        D_B[np.ix_(z2, b2)] = Gs[:pz, pz:][:, b1]
        D_B[np.ix_(z2, z2)] = Gs[:pz, :pz]
        d_muW = g_mu[pz:].copy()
        d_muB = np.zeros_like(muB)
        d_muB[b2] = g_mu[pz:][b1]
        d_muB[z2] = g_mu[:pz]
        return value, (D_W, d_muW, D_B, d_muB)

    def loglik(self, SW, muW, SB, muB):
        """lavaan's logl: with the 2 pi constant, minus the exogenous covariates' own."""
        return -0.5 * (self.minus2ll(SW, muW, SB, muB) + self.constant) - self.loglik_x


def _h1_loglik(n, S):
    p = S.shape[0]
    return -n / 2 * (p * _LOG2PI + np.linalg.slogdet(S)[1] + p)


def exogenous_loglik(x1_rows, x2_clusters):
    """The saturated log-likelihood of the fixed exogenous covariates of one level only
    (rows of the within-only ones, cluster values of the between-only ones; complete), which
    lavaan leaves out of logl."""
    out = 0.0
    for X in (x1_rows, x2_clusters):
        if X.shape[1]:
            d = X - X.mean(axis=0)
            out += _h1_loglik(len(X), d.T @ d / len(X))
    return out


def cluster_stats(data, cluster, ov1, ov2, x1_only, x2_only):
    """:class:`ClusterStats` from complete rows; ``x1_only``/``x2_only`` are the exogenous
    covariates of one level only (their own log-likelihood is left out of logl)."""
    y = list(ov1)
    z = [v for v in ov2 if v not in set(ov1)]
    X = data[y + z].to_numpy(float)
    codes, first = pd.factorize(data[cluster], sort=False)
    J = len(first)
    N = len(X)
    size_of = np.bincount(codes, minlength=J)
    means = np.zeros((J, X.shape[1]))
    np.add.at(means, codes, X)
    means /= size_of[:, None]
    py = len(y)
    dev = X[:, :py] - means[codes, :py]
    s_pw = dev.T @ dev / (N - J)
    flat = [v for v, d, t in zip(y, np.diag(s_pw), X[:, :py].var(axis=0))
            if d <= 1e-10 * max(t, 1e-300)]
    if flat:
        raise DataError(f"{flat[0]!r} does not vary within clusters of {cluster!r} (it is "
                        "constant in each cluster), so it has no level-1 part: name it only "
                        "in the 'level: 2' block")
    if z:  # between-only variables must not vary within a cluster (lavaan refuses too)
        spread = np.abs(X[:, py:] - means[codes, py:]).max(axis=0)
        bad = [v for v, s in zip(z, spread) if s > 1e-8 * max(1.0, np.abs(X[:, py:]).max())]
        if bad:
            v = bad[0]
            k = z.index(v)
            ids = [str(first[j]) for j in np.unique(
                codes[np.abs(X[:, py + k] - means[codes, py + k]) > 1e-8])][:5]
            raise DataError(
                f"{v!r} appears only in the level-2 (between) block but varies within "
                f"clusters (e.g. {cluster} = {', '.join(ids)}); a between-only variable "
                "must be constant within each cluster (use its cluster mean), or name it at "
                "level 1 too")
    sizes, inverse = np.unique(size_of, return_inverse=True)
    order = np.argsort([np.flatnonzero(inverse == k)[0] for k in range(len(sizes))])
    sizes = sizes[order]  # distinct sizes in order of first appearance (as lavaan)
    zy = np.concatenate([means[:, py:], means[:, :py]], axis=1)
    mean_d, cov_d, counts = [], [], []
    for s in sizes:
        rows = zy[size_of == s]
        m = rows.mean(axis=0)
        d = rows - m
        mean_d.append(m)
        cov_d.append(d.T @ d / len(rows))
        counts.append(len(rows))
    total_mean = X.mean(axis=0)
    dt = X - total_mean
    total_cov = dt.T @ dt / N
    names = y + z
    loglik_x = exogenous_loglik(X[:, [names.index(v) for v in x1_only]],
                                means[:, [names.index(v) for v in x2_only]])
    return ClusterStats(y=y, z=z, ov2=list(ov2), nobs=N, nclusters=J,
                        sizes=sizes.astype(float), counts=np.array(counts, float),
                        mean_d=np.array(mean_d), cov_d=np.array(cov_d), s_pw=s_pw,
                        yy_raw=X[:, :py].T @ X[:, :py], means=means, size_of=size_of,
                        loglik_x=loglik_x, total_cov=total_cov, total_mean=total_mean)


# -- the unrestricted model (EM) --------------------------------------------------------
def em_saturated(cs: ClusterStats, tol=1e-4, max_iter=5000, min_variance=1e-5):
    """The unrestricted two-level model by lavaan's EM (``lav_mvnorm_cluster_em_sat``).

    Starts from identity covariances and zero means (the between-only variables at their
    sample moments) and stops when the log-likelihood gains less than ``tol``. The E-step
    uses the posterior mean and covariance of each cluster's random intercepts given its
    means; as in lavaan it keeps a between part for the within-only variables, which the
    likelihood then ignores. Returns ``(Sigma_W, mu_W, Sigma_B, mu_B, logl)`` with the
    level-1 moments over ``cs.y`` and the level-2 ones over ``cs.ov2``.
    """
    py, pz = len(cs.y), len(cs.z)
    b1, b2, z2 = cs.both1, cs.both2, cs.z2
    p2 = len(cs.ov2)

    def level_moments(sw, sb, syz, szz, mw, mb, mz):
        SB = np.zeros((p2, p2))
        SB[np.ix_(b2, b2)] = sb[np.ix_(b1, b1)]
        SB[np.ix_(b2, z2)] = syz[b1, :]
        SB[np.ix_(z2, b2)] = syz[b1, :].T
        SB[np.ix_(z2, z2)] = szz
        muB = np.zeros(p2)
        muB[b2] = mb[b1]
        muB[z2] = mz
        return sw, mw, SB, muB

    fx = cs.loglik(np.eye(py), np.zeros(py), np.eye(p2), np.zeros(p2))
    sw, mw, mb = np.eye(py), np.zeros(py), np.zeros(py)
    sb = np.zeros((py, py))
    sb[np.ix_(b1, b1)] = np.eye(len(b1))
    syz = np.zeros((py, pz))
    Zc = cs.means[:, py:]
    mz = Zc.mean(axis=0)
    szz = (Zc - mz).T @ (Zc - mz) / cs.nclusters
    ybar_all, z_all = cs.means[:, :py], Zc
    groups = [np.flatnonzero(cs.size_of == s) for s in cs.sizes]
    N, J = cs.nobs, cs.nclusters
    moments = level_moments(sw, sb, syz, szz, mw, mb, mz)
    for _ in range(max_iter):
        mu = np.concatenate([mz, mw + mb])
        s1 = np.concatenate([syz, sb], axis=1)  # cov(b_j, (z_j, ybar_j))
        MW, MB = np.zeros(py), np.zeros(py)
        CW2, CB, ZY = np.zeros((py, py)), np.zeros((py, py)), np.zeros((pz, py))
        for s, rows in zip(cs.sizes, groups):
            ybar, zj = ybar_all[rows], z_all[rows]
            omega = np.block([[szz, syz.T], [syz, (sw + s * sb) / s]])
            A = s1 @ np.linalg.inv(omega)
            Ev = (np.concatenate([zj, ybar], axis=1) - mu) @ A.T + mb
            Covv = len(rows) * (sb - A @ s1.T)
            Evv = (Covv + Covv.T) / 2 + Ev.T @ Ev
            MW += s * (ybar - Ev).sum(axis=0)
            MB += Ev.sum(axis=0)
            cross = ybar.T @ Ev
            CW2 += s * (Evv - cross - cross.T)
            CB += Evv
            ZY += zj.T @ Ev
        mw, mb = MW / N, MB / J
        sw = (cs.yy_raw + CW2) / N - np.outer(mw, mw)
        sb = CB / J - np.outer(mb, mb)
        syz = (ZY / J - np.outer(mz, mb)).T
        small = np.flatnonzero(np.diag(sw) < min_variance)
        if len(small):
            sw[small, :] = 0.0
            sw[:, small] = 0.0
            sw[small, small] = min_variance
        moments = level_moments(sw, sb, syz, szz, mw, mb, mz)
        fx_new = cs.loglik(*moments)
        if fx_new - fx < tol:
            fx = fx_new
            break
        fx = fx_new
    return (*moments, fx)


# -- the parameter table ----------------------------------------------------------------
def twolevel_partable(parsed: ParsedModel, *, std_lv=False, fixed_x=True):
    """lavaan's parameter table of a two-level model: the rows of each level's block
    (``group`` 0/1 for the two RAMs, ``level`` 1/2), a split variable's level-1
    intercept fixed at 0, labels shared across levels, ``:=`` rows last (``level`` 0).
    Returns ``(DataFrame, [VarInfo level 1, VarInfo level 2])``."""
    rows, infos = [], []
    for number in (1, 2):
        sub = ParsedModel(formulas=[f for f in parsed.formulas if f.level == number],
                          source=parsed.source)
        pt, info = build_partable(sub, std_lv=std_lv, fixed_x=fixed_x, meanstructure=True)
        infos.append(info)
        for r in pt.to_dict("records"):
            r.update(group=number - 1, level=number)
            rows.append(r)
    both = set(infos[0].ov) & set(infos[1].ov)
    for r in rows:
        if r["level"] == 1 and r["op"] == "~1" and r["lhs"] in both and not r["user"]:
            r.update(free=False, value=0.0, exo=False)
    for d in parsed.definitions:
        rows.append(dict(lhs=d.name, op=":=", rhs=d.text, group=0, label=d.name, free=False,
                         value=float("nan"), start=float("nan"), user=True, exo=False,
                         level=0))
    _assign_pids(rows, parsed)
    pt = pd.DataFrame(rows)
    _check_definitions(pt, parsed)
    return pt, infos


def _ndat(infos, fixed_x):
    """Sample moments of a two-level model (lavaan): both covariance matrices, the
    level-1 means of the within-only variables and the level-2 means, less those of the
    fixed exogenous covariates."""
    ov1, ov2 = infos[0].ov, infos[1].ov
    within_only = [v for v in ov1 if v not in ov2]
    n = len(ov1) * (len(ov1) + 1) // 2 + len(within_only) + len(ov2) * (len(ov2) + 3) // 2
    if fixed_x:
        x1, x2 = infos[0].ov_x, infos[1].ov_x
        n -= len(x1) * (len(x1) + 1) // 2 + sum(v in within_only for v in x1)
        n -= len(x2) * (len(x2) + 3) // 2
    return n


# -- estimation -------------------------------------------------------------------------
class TwoLevelProblem:
    """``F = -2 logL / N`` (2 x lavaan's fmin) over the free parameters, with the
    ``evaluate`` interface of :class:`im_research.sem.ml.MLProblem` (no expected
    information)."""

    def __init__(self, rams, cs: ClusterStats):
        self.rams, self.cs = rams, cs
        self.ntotal = cs.nobs
        self.npar = rams[0].npar

    def moments(self, theta):
        (SW, muW, *_), (SB, muB, *_) = (ram.implied(theta) for ram in self.rams)
        return SW, muW, SB, muB

    def objective(self, theta):
        return self.cs.minus2ll(*self.moments(theta)) / self.ntotal

    def evaluate(self, theta, info=False):
        out = []
        for ram in self.rams:
            Sigma, mu, dS, dm, _ = ram.delta(theta)
            out.append((Sigma, mu, dS, dm))
        (SW, muW, dSW, dmW), (SB, muB, dSB, dmB) = out
        value, grads = self.cs.minus2ll(SW, muW, SB, muB, gradient=True)
        if not np.isfinite(value):
            return np.inf, None, None
        D_W, d_muW, D_B, d_muB = grads
        k = self.npar
        g = (dSW.reshape(k, -1) @ D_W.ravel() + dmW @ d_muW
             + dSB.reshape(k, -1) @ D_B.ravel() + dmB @ d_muB)
        return value / self.ntotal, g / self.ntotal, None


def _minimise(problem, theta0, max_iter):
    """BFGS, then Newton steps on the observed information until the gradient vanishes.
    Returns (theta, F, gradient, iterations, converged)."""
    def fun(th):
        F, g, _ = problem.evaluate(th)
        if not np.isfinite(F):
            return 1e10, np.zeros_like(th)
        return F, g

    theta = np.asarray(theta0, float)
    if not np.isfinite(problem.objective(theta)):  # lavaan: shrink the starting values
        for _ in range(10):
            theta = theta / 10
            if np.isfinite(problem.objective(theta)):
                break
    res = optimize.minimize(fun, theta, jac=True, method="BFGS",
                            options={"gtol": 1e-7, "maxiter": max_iter})
    theta, iters = res.x, int(res.nit)
    F, g, _ = problem.evaluate(theta)
    for _ in range(5):
        if g is None or np.max(np.abs(g)) < 1e-10:
            break
        H = 2 * observed_information(problem, theta)
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        Fn, gn, _ = problem.evaluate(theta - step)
        if not (np.isfinite(Fn) and Fn <= F + 1e-12):
            break
        theta, F, g = theta - step, Fn, gn
        iters += 1
    ok = g is not None and np.isfinite(F) and np.max(np.abs(g)) < 1e-6
    return theta, F, g, iters, bool(ok)


@dataclass
class TwoLevelEstimate:
    """What :func:`estimate_twolevel` returns to ``fit()``."""

    partable: pd.DataFrame
    infos: list
    rams: list
    problem: TwoLevelProblem
    theta: np.ndarray
    vcov: np.ndarray
    F: float
    converged: bool
    iterations: int
    stats: ClusterStats
    h1: tuple
    fit_measures: pd.Series
    icc: pd.Series
    cluster: str
    data: pd.DataFrame
    dropped: list
    ndat: int
    missing: str = "listwise"


def _start(pt, infos, cs, std_lv, npar):
    """lavaan's starting values of a two-level model: each level's rows start from the
    total covariance matrix and means (as lavaan's start values for multilevel data)."""
    theta = np.full(npar, np.nan)
    names = cs.y + cs.z
    for number, info in zip((1, 2), infos):
        idx = [names.index(v) for v in info.ov]
        st = _Moments(cs.total_cov[np.ix_(idx, idx)], cs.total_mean[idx], list(info.ov))
        records = [dict(r, group=0) for r in pt.to_dict("records")
                   if r["level"] == number]
        th = start_values(records, info, [st], std_lv, npar)
        pids = {int(r["pid"]) for r in records if r["pid"] >= 0}
        for p in pids:
            if np.isnan(theta[p]):
                theta[p] = th[p]
    theta[np.isnan(theta)] = 0.0
    return theta


@dataclass
class _Moments:
    cov: np.ndarray
    mean: np.ndarray
    names: list


def _fix_exogenous(pt, infos, h1):
    """Exogenous covariates' (co)variances and means at their h1 values of the level."""
    SW, muW, SB, muB = h1[:4]
    mats = {1: (SW, muW, infos[0].ov), 2: (SB, muB, infos[1].ov)}
    values = pt["value"].to_numpy(float).copy()
    for k, r in enumerate(pt.itertuples()):
        if not r.exo:
            continue
        S, m, names = mats[r.level]
        i = names.index(r.lhs)
        values[k] = S[i, names.index(r.rhs)] if r.op == "~~" else m[i]
    pt["value"] = values


def _rams(pt, infos, npar):
    return [_ram.RAM([r for r in pt.to_dict("records") if r["level"] == number],
                     infos[number - 1].ov, infos[number - 1].lv, npar)
            for number in (1, 2)]


def _baseline(infos, cs, h1, fixed_x):
    """lavaan's two-level baseline: free variances at both levels, free level-2 means
    and level-1 means of the within-only variables, the exogenous covariates' own
    covariance block (fixed at its h1 values with ``fixed_x``, else free), the level-1
    means of split variables fixed at their h1 values. Returns its logl and number of
    free parameters."""
    SW, muW, SB, muB = h1[:4]
    rows, npar = [], 0
    for number, info, S, m in ((1, infos[0], SW, muW), (2, infos[1], SB, muB)):
        names, x = list(info.ov), set(info.ov_x)
        for i, v in enumerate(names):
            for j in range(i, len(names)):
                w = names[j]
                if v != w and not (v in x and w in x):
                    continue
                free = not (fixed_x and v in x)
                rows.append(dict(lhs=v, op="~~", rhs=w, value=S[i, j], pid=npar if free
                                 else -1, level=number))
                npar += free
            free = not (fixed_x and v in x) and (number == 2 or v not in cs.ov2)
            rows.append(dict(lhs=v, op="~1", rhs="", value=m[i], pid=npar if free else -1,
                             level=number))
            npar += free
    rams = [_ram.RAM([r for r in rows if r["level"] == number], infos[number - 1].ov, [],
                     npar) for number in (1, 2)]
    theta0 = np.array([r["value"] for r in rows if r["pid"] >= 0])
    problem = TwoLevelProblem(rams, cs)
    theta, *_ = _minimise(problem, theta0, 2000)
    return cs.loglik(*problem.moments(theta)), npar


def _force_pd(S, tol=1e-6):
    """lavaan's ``lav_matrix_symmetric_force_pd``: eigenvalues below tol x the largest
    raised to it."""
    if S.shape[0] == 1:
        return np.maximum(S, tol)
    w, v = np.linalg.eigh(S)
    top = abs(w[-1])
    w = np.where(w / top < tol, tol * top, w)
    return (v * w) @ v.T


def _srmr(S, Sigma):
    def cor(M):
        d = np.sqrt(np.diag(M))
        return M / np.outer(d, d)
    if np.any(np.diag(Sigma) <= 0):
        return np.nan
    R = cor(S) - cor(Sigma)
    tri = np.tril_indices(S.shape[0])
    return float(np.sqrt(np.sum(R[tri] ** 2) / len(tri[0])))


def _fit_measures(*, F, logl, logl_h1, logl_b, npar, npar_b, ndat, cs, implied, h1):
    N = cs.nobs
    df, df_b = ndat - npar, ndat - npar_b
    T, TB = max(2 * (logl_h1 - logl), 0.0), max(2 * (logl_h1 - logl_b), 0.0)
    fm = {"npar": npar, "fmin": F / 2, "chisq": T, "df": df, "pvalue": pchisq_upper(T, df),
          "baseline_chisq": TB, "baseline_df": df_b,
          "baseline_pvalue": pchisq_upper(TB, df_b)}
    inc = incremental_indices(T, df, TB, df_b)
    fm.update(cfi=inc["cfi"], tli=inc["tli"], nnfi=inc["tli"], rfi=inc["rfi"],
              nfi=inc["nfi"], pnfi=inc["pnfi"], ifi=inc["ifi"], rni=inc["rni"])
    fm.update(logl=logl, unrestricted_logl=logl_h1, aic=-2 * logl + 2 * npar,
              bic=-2 * logl + npar * np.log(float(N)), ntotal=N,
              bic2=-2 * logl + npar * np.log((N + 2) / 24))
    (fm["rmsea"], fm["rmsea_ci_lower"], fm["rmsea_ci_upper"], fm["rmsea_pvalue"],
     fm["rmsea_notclose_pvalue"]) = rmsea_block(T, df, N)
    fm.update(rmsea_ci_level=0.90, rmsea_close_h0=0.05, rmsea_notclose_h0=0.08)
    order = ["npar", "fmin", "chisq", "df", "pvalue", "baseline_chisq", "baseline_df",
             "baseline_pvalue", "cfi", "tli", "nnfi", "rfi", "nfi", "pnfi", "ifi", "rni",
             "logl", "unrestricted_logl", "aic", "bic", "ntotal", "bic2", "rmsea",
             "rmsea_ci_lower", "rmsea_ci_upper", "rmsea_ci_level", "rmsea_pvalue",
             "rmsea_close_h0", "rmsea_notclose_pvalue", "rmsea_notclose_h0"]
    within = _srmr(h1[0], implied[0])
    between = _srmr(h1[2], _force_pd(implied[1]))
    out = pd.Series({k: fm[k] for k in order}, dtype=float)
    out["srmr"] = within + between
    out["srmr_within"] = within
    out["srmr_between"] = between
    return out


def _icc(cs, h1):
    """lavaan's ``lavInspect(fit, "icc")``: between / (within + between) variance of
    the h1 model for each level-1 variable (0 for within-only variables)."""
    SW, SB = h1[0], h1[2]
    out = np.zeros(len(cs.y))
    b, w = np.diag(SB)[cs.both2], np.diag(SW)[cs.both1]
    out[cs.both1] = b / (w + b)
    return pd.Series(out, index=cs.y, name="icc")


def check_twolevel_data(data, cluster, ov, lv, fiml=False, exo=()):
    """The cluster column and the model's columns of ``data``. Listwise: complete rows
    only. FIML (``fiml=True``): the cluster column must be complete; rows missing one of
    the fixed exogenous covariates ``exo`` are dropped (as lavaan with ``fixed.x``), and
    rows without any observed value. Returns (rows kept, dropped index labels, the labels
    of the rows dropped for a missing covariate)."""
    if not isinstance(data, pd.DataFrame):
        raise DataError("data must be a pandas DataFrame")
    if cluster not in data.columns:
        raise DataError(f"cluster={cluster!r} is not a column of the data; give the column "
                        "that identifies the clusters (e.g. the branch of each employee)")
    if cluster in ov:
        raise DataError(f"cluster={cluster!r} is also a variable of the model; the cluster "
                        "column only identifies the clusters")
    check_columns(data, ov, lv)
    if data[cluster].isna().all():
        raise DataError(f"the cluster column {cluster!r} is empty")
    no_x = []
    if fiml:
        gaps = data[cluster].isna()
        if gaps.any():
            rows = ", ".join(str(r) for r in data.index[gaps][:5])
            k = int(gaps.sum())
            raise DataError(f"the cluster column {cluster!r} has missing values in {k} "
                            f"row{'s' if k > 1 else ''} (e.g. rows {rows}); FIML needs the "
                            "cluster of every row: fill them in or drop those rows first")
        missing_x = data[list(exo)].isna().any(axis=1)
        no_x = list(data.index[missing_x])
        keep = ~missing_x & data[ov].notna().any(axis=1)
    else:
        keep = data[ov].notna().all(axis=1) & data[cluster].notna()
    used = data[keep]
    dropped = list(data.index[~keep])
    codes = pd.factorize(used[cluster])[0]
    sizes = np.bincount(codes) if len(codes) else np.zeros(0, int)
    if len(sizes) < 2:
        raise DataError(f"the data have {len(sizes)} cluster(s) in {cluster!r} (after "
                        "removing incomplete rows); a two-level model needs many clusters")
    if np.all(sizes == 1):
        raise DataError(f"every cluster of {cluster!r} has one member; a two-level model "
                        "needs clusters with several members (is it the right column?)")
    if sizes.mean() < 1.5:
        warnings.warn(f"the mean cluster size is {sizes.mean():.2f}: many clusters of "
                      f"{cluster!r} have a single member, which leaves little to separate "
                      "within from between variation", DataWarning, stacklevel=5)
    return used, dropped, no_x


def _rows(k):
    return f"{k} row" if k == 1 else f"{k} rows"


def estimate_twolevel(model, data, cluster, *, std_lv=False, fixed_x=True, start=None,
                      max_iter=2000, missing="listwise"):
    """Fit a two-level model by ML (see the module notes). ``missing`` is
    ``"listwise"`` or ``"fiml"`` (lavaan's ``missing = "ml"``). Returns a
    :class:`TwoLevelEstimate`; :func:`im_research.fit` wraps it in a result."""
    parsed = parse(model, levels=True) if isinstance(model, str) else model
    if not parsed.levels:
        raise ModelSyntaxError("cluster= fits a two-level model: write the model in "
                               "'level: 1' and 'level: 2' blocks")
    if any(not c.simple for c in parsed.constraints):
        raise ModelSyntaxError("two-level models accept shared labels and a == b "
                               "constraints only; drop the other constraints")
    if any(f.op == "<~" for f in parsed.formulas):
        raise ModelSyntaxError("formative composites (<~) are not available in two-level "
                               "models")
    pt, infos = twolevel_partable(parsed, std_lv=std_lv, fixed_x=fixed_x)
    for number in (1, 2):
        check_factor_names(ParsedModel(formulas=[f for f in parsed.formulas
                                                 if f.level == number]), data.columns)
    ov1, ov2 = infos[0].ov, infos[1].ov
    ov_all = ov1 + [v for v in ov2 if v not in ov1]
    fiml = missing == "fiml"
    exo = list(dict.fromkeys(infos[0].ov_x + infos[1].ov_x)) if fixed_x else []
    used, dropped, no_x = check_twolevel_data(data, cluster, ov_all,
                                              infos[0].lv + infos[1].lv, fiml, exo)
    if dropped and not fiml:
        warnings.warn(f"listwise deletion dropped {len(dropped)} rows with missing values",
                      DataWarning, stacklevel=4)
    elif dropped:
        empty = len(dropped) - len(no_x)
        warnings.warn("FIML dropped " + " and ".join(
            ([f"{_rows(len(no_x))} missing a fixed exogenous covariate "
              f"({', '.join(exo)}; as lavaan with fixed.x: use fixed_x=False to keep them)"]
             if no_x else []) + ([f"{_rows(empty)} without any observed value"]
                                 if empty else [])), DataWarning, stacklevel=4)
    x1 = [v for v in infos[0].ov_x if v not in ov2] if fixed_x else []
    x2 = [v for v in infos[1].ov_x if v not in ov1] if fixed_x else []
    if fiml:
        codes = pd.factorize(used[cluster])[0]
        first = np.unique(codes, return_index=True)[1]
        cs = missing_cluster_data(used, cluster, ov1, ov2, exogenous_loglik(
            used[x1].to_numpy(float), used[x2].to_numpy(float)[first]))
        if cs.nobs < len(used):
            warnings.warn(f"{_rows(len(used) - cs.nobs)} with between-level values but no "
                          "level-1 value: they inform their clusters' level-2 values and "
                          "are not counted in the number of observations (as lavaan)",
                          DataWarning, stacklevel=4)
    else:
        cs = cluster_stats(used, cluster, ov1, ov2, x1, x2)
    if cs.nobs - cs.nclusters <= len(ov1):
        raise DataError(f"{cs.nobs} rows in {cs.nclusters} clusters leave too few "
                        f"within-cluster degrees of freedom for {len(ov1)} level-1 variables")
    h1 = _saturated_fiml(cs, max_iter) if fiml else em_saturated(cs)
    _fix_exogenous(pt, infos, h1)
    npar = int(pt["pid"].max()) + 1 if (pt["pid"] >= 0).any() else 0
    ndat = _ndat(infos, fixed_x)
    if npar > ndat:
        raise IdentificationError(f"the model has {npar} free parameters but the two "
                                  f"levels give only {ndat} sample moments")
    rams = _rams(pt, infos, npar)
    problem = TwoLevelProblem(rams, cs)
    theta0 = (_start(pt, infos, cs, std_lv, npar) if start is None
              else as_vector(start, "start", length=npar).copy())
    theta, F, g, iters, ok = _minimise(problem, theta0, max_iter)
    if not ok:
        raise ConvergenceError(
            f"the two-level model did not converge ({iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g)) if g is not None else float('nan'):.2e}). Simplify the "
            "between model (few clusters carry it), or give start= values")
    A = observed_information(problem, theta)
    check_identification(pt, A, npar)
    vcov = np.linalg.inv(A) / problem.ntotal
    SW, muW, SB, muB = problem.moments(theta)
    logl = cs.loglik(SW, muW, SB, muB)
    logl_b, npar_b = _baseline(infos, cs, h1, fixed_x)
    fm = _fit_measures(F=F, logl=logl, logl_h1=h1[4], logl_b=logl_b, npar=npar,
                       npar_b=npar_b, ndat=ndat, cs=cs, implied=(SW, SB), h1=h1)
    return TwoLevelEstimate(partable=pt, infos=infos, rams=rams, problem=problem,
                            theta=theta, vcov=vcov, F=F, converged=ok, iterations=iters,
                            stats=cs, h1=h1, fit_measures=fm, icc=_icc(cs, h1),
                            cluster=cluster, data=used, dropped=dropped, ndat=ndat,
                            missing=missing)


def _saturated_fiml(cd, max_iter):
    """The unrestricted model of incomplete data (lavaan fits it by ML over Cholesky
    factors); returns ``(Sigma_W, mu_W, Sigma_B, mu_B, logl)`` as :func:`em_saturated`."""
    problem = SaturatedProblem(cd)
    theta, _, g, iters, ok = _minimise(problem, problem.start(), max_iter)
    if not ok:
        raise ConvergenceError(
            f"the unrestricted two-level model of the incomplete data did not converge "
            f"({iters} iterations; max |gradient| = "
            f"{np.max(np.abs(g)) if g is not None else float('nan'):.2e}); check for "
            "variables with very few observed values or on very different scales")
    moments = problem.moments(theta)
    return (*moments, cd.loglik(*moments))
