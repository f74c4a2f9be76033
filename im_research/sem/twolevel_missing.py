"""The two-level likelihood of incomplete data (FIML), as lavaan's ``missing = "ml"`` with
``level:`` blocks (``lav_mvnorm_cluster_missing_loglik_samplestats_2l``).

A cluster j contributes the normal density of all its observed values at once: its
between-only values z_j (once per cluster) and the observed level-1 values y_ij of each
member i. Their covariance has the blocks

- ``Sigma_W 1(i = i') + Sigma_B[y, y]`` between y_ij and y_i'j (within-only variables have
  no between part, so only ``Sigma_W`` for them),
- ``Sigma_B[z, y]`` between z_j and y_ij, ``Sigma_B[z, z]`` for z_j,

and the means are ``mu_W + mu_B`` (split variables), ``mu_W`` (within-only) and
``mu_B`` (between-only). As in lavaan, the density is evaluated without building these
matrices: z_j first, then the members given z_j, whose covariance (block-diagonal
observed parts of ``Sigma_W`` plus the conditional between part) is inverted by
Woodbury's identity (see :meth:`MissingClusterData.minus2ll`). The cost is a small
inverse per missing pattern and per cluster, whatever the cluster sizes; the analytic
gradient reuses the same blocks.

The unrestricted (h1) model is fitted as lavaan does it for incomplete two-level data: the
same likelihood over free covariance matrices (Cholesky factors) and means at both
levels (:class:`SaturatedProblem`).

Examples
--------
>>> import numpy as np, pandas as pd
>>> from im_research.sem.twolevel_missing import missing_cluster_data
>>> df = pd.DataFrame({"y": [1.0, np.nan, 2.0, 0.5, 1.5],
...                    "x": [0.2, 0.1, np.nan, 0.4, 0.3], "g": [1, 1, 1, 2, 2]})
>>> cd = missing_cluster_data(df, "g", ["y", "x"], ["y"])  # x is within-only
>>> cd.nobs, cd.nclusters, cd.nobserved
(5, 2, 8)
>>> round(float(cd.minus2ll(np.eye(2), np.zeros(2), 0.5 * np.eye(1), np.ones(1))), 4)
2.9363
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["MissingClusterData", "missing_cluster_data", "SaturatedProblem"]

_LOG2PI = np.log(2 * np.pi)


def level_positions(y, ov2, z):
    """Positions that tie the levels together: of the variables with both a within and a
    between part among the level-1 columns ``y`` and among the level-2 variables ``ov2``,
    and of the between-only variables ``z`` among ``ov2``."""
    pos1 = {v: i for i, v in enumerate(y)}
    both = [v for v in ov2 if v in pos1]
    return (np.array([pos1[v] for v in both], dtype=int),
            np.array([ov2.index(v) for v in both], dtype=int),
            np.array([ov2.index(v) for v in z], dtype=int))


@dataclass
class MissingClusterData:
    """The incomplete two-level data, with the interface of
    :class:`im_research.sem.twolevel.ClusterStats` that estimation needs.

    Rows are sorted by cluster (``starts`` marks each cluster's first row); ``Y`` holds
    the level-1 values (NaN where missing) with each row's missing pattern in
    ``row_pattern`` (patterns in ``y_patterns``); ``Z`` the between-only values per
    cluster with ``z_pattern``/``z_patterns`` likewise.
    """

    y: list[str]
    z: list[str]
    ov2: list[str]
    nobs: int
    nclusters: int
    nobserved: int
    Y: np.ndarray
    Z: np.ndarray
    starts: np.ndarray
    row_pattern: np.ndarray
    y_patterns: np.ndarray
    z_pattern: np.ndarray
    z_patterns: np.ndarray
    loglik_x: float
    total_cov: np.ndarray  # pairwise covariance of the rows (divisor N), y then z
    total_mean: np.ndarray
    both1: np.ndarray = field(default=None)
    both2: np.ndarray = field(default=None)
    z2: np.ndarray = field(default=None)

    def __post_init__(self):
        self.both1, self.both2, self.z2 = level_positions(self.y, self.ov2, self.z)
        self.cluster_of = np.repeat(np.arange(self.nclusters), np.diff(
            np.append(self.starts, len(self.Y))))

    @property
    def constant(self):
        """Number of observed values times log(2 pi) (lavaan's P)."""
        return self.nobserved * _LOG2PI

    @staticmethod
    def _embedded_inverses(S, patterns):
        """Per missing pattern: the inverse of the observed block embedded in a zero
        matrix, and its log-determinant; None if a block is not positive definite."""
        inv = np.zeros((len(patterns), *S.shape))
        logdet = np.zeros(len(patterns))
        for k, obs in enumerate(patterns):
            o = np.flatnonzero(obs)
            if len(o) == 0:
                continue
            try:
                L = np.linalg.cholesky(S[np.ix_(o, o)])
            except np.linalg.LinAlgError:
                return None
            Li = np.linalg.inv(L)
            inv[k][np.ix_(o, o)] = Li.T @ Li
            logdet[k] = 2 * np.log(np.diag(L)).sum()
        return inv, logdet

    def minus2ll(self, SW, muW, SB, muB, gradient=False):
        """``-2 logL`` of the observed values without the 2 pi constant; with
        ``gradient=True`` also its derivatives with respect to ``SW``, ``muW``, ``SB``,
        ``muB`` (covariance derivatives as unconstrained symmetric matrices, as
        :meth:`im_research.sem.twolevel.ClusterStats.minus2ll`). Returns inf when a
        cluster's covariance matrix is not positive definite.

        Per cluster, the between-only values z (covariance P) come first; given them the
        random intercepts have covariance ``B = Sigma_B[y,y] - T`` with
        ``T = Sigma_B[y,z] P^-1 Sigma_B[z,y]``, and the members' values covariance
        ``D + U B U'`` (D block-diagonal of the observed parts of ``Sigma_W``), inverted
        by Woodbury's identity with ``A = U' D^-1 U`` (the sum of the members' embedded
        inverses): ``logdet = logdet P + sum logdet D_i + logdet(I + B A)``.
        """
        py, pz = len(self.y), len(self.z)
        b1, b2, z2 = self.both1, self.both2, self.z2
        Sb = np.zeros((py, py))
        Sb[np.ix_(b1, b1)] = SB[np.ix_(b2, b2)]
        Szy = np.zeros((pz, py))
        Szy[:, b1] = SB[np.ix_(z2, b2)]
        mu_y = np.asarray(muW, float).copy()
        mu_y[b1] += muB[b2]
        wy = self._embedded_inverses(SW, self.y_patterns)
        wz = self._embedded_inverses(SB[np.ix_(z2, z2)], self.z_patterns)
        if wy is None or wz is None:
            return (np.inf, None) if gradient else np.inf
        A_i = wy[0][self.row_pattern]  # (N, py, py)
        Pi = wz[0][self.z_pattern]  # (J, pz, pz)
        e = np.nan_to_num(self.Y - mu_y)
        ez = np.nan_to_num(self.Z - muB[z2])
        PiSzy = Pi @ Szy
        T = Szy.T @ PiSzy  # (J, py, py)
        m = np.einsum("jzy,jz->jy", PiSzy, ez)
        B = Sb[None] - T
        A = np.add.reduceat(A_i, self.starts, axis=0)
        et = e - m[self.cluster_of]
        Ae = np.einsum("iab,ib->ia", A_i, et)
        p = np.add.reduceat(Ae, self.starts, axis=0)
        Mj = np.eye(py)[None] + B @ A
        ev = np.linalg.eigvals(Mj)
        if np.any(ev.real <= 0):  # D + U B U' is not positive definite
            return (np.inf, None) if gradient else np.inf
        C = np.linalg.solve(Mj, B)
        C = (C + np.transpose(C, (0, 2, 1))) / 2
        Cp = np.einsum("jab,jb->ja", C, p)
        value = (wy[1][self.row_pattern].sum() + wz[1][self.z_pattern].sum()
                 + np.log(ev.real).sum() + np.einsum("jz,jzw,jw->", ez, Pi, ez)
                 + np.einsum("ia,ia->", et, Ae) - np.einsum("ja,ja->", p, Cp))
        if not gradient:
            return value
        a = np.einsum("iab,ib->ia", A_i, et - Cp[self.cluster_of])
        s = np.add.reduceat(a, self.starts, axis=0)
        K = A - A @ C @ A  # U' S^-1 U, S = D + U B U' (the members' block of V^-1)
        # sum_i A_i C_i A_i by batched products (a three-operand einsum loops in C)
        D_W = A.sum(axis=0) - (A_i @ C[self.cluster_of] @ A_i).sum(axis=0) - a.T @ a
        D_b = K.sum(axis=0) - s.T @ s
        az = np.einsum("jzw,jw->jz", Pi, ez - s @ Szy.T)
        PSK = PiSzy @ K
        D_zy = -PSK.sum(axis=0) - az.T @ s
        D_zz = (Pi + PSK @ np.transpose(PiSzy, (0, 2, 1))).sum(axis=0) - az.T @ az
        g_y = -2 * a.sum(axis=0)
        D_B = np.zeros_like(SB)
        D_B[np.ix_(b2, b2)] = D_b[np.ix_(b1, b1)]
        D_B[np.ix_(z2, b2)] = D_zy[:, b1]
        D_B[np.ix_(b2, z2)] = D_zy[:, b1].T
        D_B[np.ix_(z2, z2)] = D_zz
        d_muB = np.zeros_like(muB)
        d_muB[b2] = g_y[b1]
        d_muB[z2] = -2 * az.sum(axis=0)
        return value, (D_W, g_y, D_B, d_muB)

    def loglik(self, SW, muW, SB, muB):
        """lavaan's logl: with the 2 pi constant, minus the exogenous covariates' own."""
        return -0.5 * (self.minus2ll(SW, muW, SB, muB) + self.constant) - self.loglik_x


def _patterns(X):
    """Missing patterns of the rows of X: (pattern of each row, observed masks)."""
    obs = np.isfinite(X)
    patterns, index = np.unique(obs, axis=0, return_inverse=True)
    return index.ravel(), patterns


def missing_cluster_data(data, cluster, ov1, ov2, loglik_x=0.0):
    """:class:`MissingClusterData` from rows with missing values (NaN) in the model's
    columns; ``data`` has no empty rows and a complete ``cluster`` column. A between-only
    variable takes, in each cluster, the value its members share (missing if none has
    it); it must not vary within a cluster. A row with between-only values but no level-1
    value informs its cluster's values and is not counted in ``nobs`` (as lavaan, which
    calls it empty)."""
    y = list(ov1)
    z = [v for v in ov2 if v not in set(ov1)]
    py, pz = len(y), len(z)
    codes, first = pd.factorize(data[cluster], sort=False)
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    Y = data[y].to_numpy(float)[order]
    Zrows = data[z].to_numpy(float)[order]
    J = len(first)
    with warnings.catch_warnings():  # clusters without an observed value give NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        grouped = pd.DataFrame(np.column_stack([Y, Zrows])).groupby(codes)
        cmean = grouped.mean().to_numpy()
        spread = (grouped.max() - grouped.min()).to_numpy()
        within = np.nanmean((Y - cmean[codes, :py]) ** 2, axis=0)
        total = np.nanvar(Y, axis=0)
    flat = [v for v, w, t in zip(y, within, total) if not w > 1e-10 * max(t, 1e-300)]
    if flat:
        raise DataError(f"{flat[0]!r} does not vary within clusters of {cluster!r} (it is "
                        "constant in each cluster), so it has no level-1 part: name it only "
                        "in the 'level: 2' block")
    if pz:
        scale = max(1.0, np.nanmax(np.abs(Zrows)) if np.isfinite(Zrows).any() else 1.0)
        for k, v in enumerate(z):
            bad = np.flatnonzero(spread[:, py + k] > 1e-8 * scale)
            if len(bad):
                ids = ", ".join(str(first[j]) for j in bad[:5])
                raise DataError(
                    f"{v!r} appears only in the level-2 (between) block but varies within "
                    f"clusters (e.g. {cluster} = {ids}); a between-only variable must be "
                    "constant within each cluster (use its cluster mean), or name it at "
                    "level 1 too")
    Z = cmean[:, py:]
    row_pattern, y_patterns = _patterns(Y)
    z_pattern, z_patterns = _patterns(Z)
    X = pd.DataFrame(np.column_stack([Y, Zrows]))
    N = len(X)
    total_cov = np.nan_to_num(X.cov().to_numpy() * (N - 1) / N)
    return MissingClusterData(  # N: rows with a level-1 value (lavaan's ntotal)
        y=y, z=z, ov2=list(ov2), nobs=int(np.isfinite(Y).any(axis=1).sum()), nclusters=J,
        nobserved=int(np.isfinite(Y).sum() + np.isfinite(Z).sum()), Y=Y, Z=Z,
        starts=np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]),
        row_pattern=row_pattern, y_patterns=y_patterns, z_pattern=z_pattern,
        z_patterns=z_patterns, loglik_x=loglik_x, total_cov=total_cov,
        total_mean=X.mean().to_numpy())


class SaturatedProblem:
    """The unrestricted two-level model for :class:`MissingClusterData`: free Cholesky
    factors of ``Sigma_W`` (level-1 variables) and ``Sigma_B`` (level-2 variables), free
    level-2 means and level-1 means of the within-only variables (a split variable's mean
    belongs to level 2). ``evaluate`` returns ``F = -2 logL / N`` and its gradient, as
    :class:`im_research.sem.twolevel.TwoLevelProblem`."""

    def __init__(self, cd: MissingClusterData):
        self.cd, self.ntotal = cd, cd.nobs
        py, p2 = len(cd.y), len(cd.ov2)
        self.tw, self.tb = np.tril_indices(py), np.tril_indices(p2)
        self.wonly = np.setdiff1d(np.arange(py), cd.both1)
        self.sizes = [len(self.tw[0]), len(self.wonly), len(self.tb[0]), p2]
        self.npar = sum(self.sizes)

    def start(self):
        """Level-1 covariances at the total ones, level-2 variances at a tenth of the
        total variances (between-only variables: all of it), means at the total means."""
        cd = self.cd
        py = len(cd.y)
        SW = cd.total_cov[:py, :py] + 1e-3 * np.eye(py)
        names = cd.y + cd.z
        idx2 = [names.index(v) for v in cd.ov2]
        var2 = np.maximum(np.diag(cd.total_cov)[idx2], 1e-3)
        SB = np.diag(np.where(np.isin(np.arange(len(idx2)), cd.z2), var2, 0.1 * var2))
        try:
            LW = np.linalg.cholesky(SW)
        except np.linalg.LinAlgError:  # pairwise covariances need not be positive definite
            LW = np.diag(np.sqrt(np.diag(SW)))
        LB = np.linalg.cholesky(SB)
        return np.concatenate([LW[self.tw], cd.total_mean[:py][self.wonly], LB[self.tb],
                               cd.total_mean[idx2]])

    def _split(self, theta):
        cd = self.cd
        parts = np.split(np.asarray(theta, float), np.cumsum(self.sizes)[:-1])
        py, p2 = len(cd.y), len(cd.ov2)
        LW, LB = np.zeros((py, py)), np.zeros((p2, p2))
        LW[self.tw], LB[self.tb] = parts[0], parts[2]
        muW = np.zeros(py)
        muW[self.wonly] = parts[1]
        return LW, muW, LB, parts[3]

    def moments(self, theta):
        LW, muW, LB, muB = self._split(theta)
        return LW @ LW.T, muW, LB @ LB.T, muB

    def objective(self, theta):
        return self.cd.minus2ll(*self.moments(theta)) / self.ntotal

    def evaluate(self, theta, info=False):
        LW, muW, LB, muB = self._split(theta)
        value, grads = self.cd.minus2ll(LW @ LW.T, muW, LB @ LB.T, muB, gradient=True)
        if not np.isfinite(value):
            return np.inf, None, None
        D_W, d_muW, D_B, d_muB = grads
        g = np.concatenate([(2 * D_W @ LW)[self.tw], d_muW[self.wonly],
                            (2 * D_B @ LB)[self.tb], d_muB])
        return value / self.ntotal, g / self.ntotal, None
