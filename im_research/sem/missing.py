"""Full-information ML for incomplete data (``missing="fiml"``), as lavaan's
``missing = "ml"``.

- casewise likelihood summed over missing-data patterns (each pattern uses the rows and
  columns of Σ and μ of its observed variables); a mean structure is always estimated;
- the saturated (h1) model is estimated by EM (start: available-case means and
  variances; convergence 1e-5 on the moments or 500 iterations, as lavaan 0.6);
- χ² = 2 (logl_h1 − logl_h0); the baseline is the independence model (free means and
  variances, which factorises into per-variable available-case estimates);
- standard errors from the observed information (lavaan's default for FIML), its
  Hessian analytic and summed over patterns (``FIMLProblem.observed_information``);
- the patterns are stacked by their number of observed variables, so each step is a
  batched array operation rather than a loop over patterns;
- rows with every model variable missing are removed and reported, and so are rows
  missing a fixed exogenous covariate, except with ``missing="ml.x"`` (as lavaan).

:func:`missing_patterns` reports the patterns and the coverage (the share of rows
observing each pair of variables, lavaan's ``lavInspect(fit, "coverage")``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import DataError, DataWarning
from .ml import observed_information
from .moments import SampleStats

__all__ = ["FIMLProblem", "missing_patterns", "em_saturated", "coverage",
           "independence_loglik", "fiml_stats", "x_marginal_loglik",
           "x_fiml_loglik"]


class _Pattern:
    def __init__(self, obs_idx, x):
        self.obs = obs_idx
        self.n = len(x)
        self.mean = x.mean(axis=0)
        d = x - self.mean
        self.cov = d.T @ d / self.n


def _patterns(x):
    mask = ~np.isnan(x)
    keys, inverse = np.unique(mask, axis=0, return_inverse=True)
    out = []
    for k, key in enumerate(keys):
        rows = np.flatnonzero(inverse.ravel() == k)
        obs = np.flatnonzero(key)
        if len(obs):
            out.append(_Pattern(obs, x[np.ix_(rows, obs)]))
    return out


class _Block:
    """Patterns with the same number of observed variables, stacked so that one batched
    LAPACK call serves all of them: ``obs``/``mis`` (b, po)/(b, pm) indices, ``n`` (b,),
    ``mean`` (b, po), ``cov`` (b, po, po) (divisor n) and ``flat`` (b, po²), the
    positions of each observed block in a flattened p x p array."""

    def __init__(self, pats, p):
        self.obs = np.array([pat.obs for pat in pats])
        b, po = self.obs.shape
        missing = np.ones((b, p), bool)
        missing[np.arange(b)[:, None], self.obs] = False
        self.mis = np.nonzero(missing)[1].reshape(b, p - po)
        self.n = np.array([pat.n for pat in pats], dtype=float)
        self.mean = np.array([pat.mean for pat in pats])
        self.cov = np.array([pat.cov for pat in pats])
        o = self.obs
        self.flat = (o[:, :, None] * p + o[:, None, :]).reshape(len(pats), -1)

    def sub(self, M):
        """The observed blocks of M (p x p) for every pattern (b, po, po)."""
        return M[self.obs[:, :, None], self.obs[:, None, :]]


def _blocks(x, max_elems=None, npar=1):
    """The patterns of x grouped into blocks; with ``max_elems`` a block is split so that
    its derivative slices (npar x b x po²) stay below that many numbers."""
    p = x.shape[1]
    pats = _patterns(x)
    out = []
    for po in sorted({len(pat.obs) for pat in pats}):
        group = [pat for pat in pats if len(pat.obs) == po]
        size = len(group) if max_elems is None else max(1, int(max_elems // (npar * po * po)))
        out.extend(_Block(group[i:i + size], p) for i in range(0, len(group), size))
    return out


def _block_terms(blk, Sigma, mu):
    """Per pattern of a block: Σ_o⁻¹, log|Σ_o| and d = ȳ_o − μ_o; None if some Σ_o is
    not positive definite."""
    S = blk.sub(Sigma)
    try:
        Lc = np.linalg.cholesky(S)
        Sinv = np.linalg.inv(S)  # can fail when S is only numerically positive definite
    except np.linalg.LinAlgError:
        return None
    logdet = 2 * np.log(np.diagonal(Lc, axis1=1, axis2=2)).sum(axis=1)
    return Sinv, logdet, blk.mean - mu[blk.obs]


def _block_minus2ll(blk, K, logdet, d):
    """−2 logl of each pattern's rows divided by their number."""
    po = blk.obs.shape[1]
    tr = np.einsum("bij,bji->b", K, blk.cov)
    quad = np.einsum("bi,bij,bj->b", d, K, d)
    return po * np.log(2 * np.pi) + logdet + tr + quad


def missing_patterns(data: pd.DataFrame, columns) -> pd.DataFrame:
    """One row per pattern: ``n`` and one boolean column per variable (True = observed)."""
    m = data[list(columns)].notna()
    counts = m.value_counts().rename("n").reset_index()
    return counts[["n"] + list(columns)]


def coverage(data: pd.DataFrame, columns) -> pd.DataFrame:
    """Share of rows in which both variables of each pair are observed."""
    m = data[list(columns)].notna().to_numpy(float)
    return pd.DataFrame(m.T @ m / len(m), index=columns, columns=columns)


def _loglik(blocks, Sigma, mu):
    ll = 0.0
    for blk in blocks:
        terms = _block_terms(blk, Sigma, mu)
        if terms is None:
            return -np.inf
        ll -= 0.5 * blk.n @ _block_minus2ll(blk, *terms)
    return ll


def em_saturated(x, max_iter=500, tol=1e-5):
    """EM estimates (mean, covariance) of the saturated model and its log-likelihood."""
    n, p = x.shape
    mu = np.nanmean(x, axis=0)
    Sigma = np.diag(np.nanvar(x, axis=0))
    blocks = _blocks(x)
    for _ in range(max_iter):
        # expected sufficient statistics, summed over patterns in flattened p x p cells
        T1 = np.zeros(p)
        T2 = np.zeros(p * p)
        for blk in blocks:
            o, m, nb = blk.obs, blk.mis, blk.n
            xo_mean = blk.mean
            Eoo = blk.cov + xo_mean[:, :, None] * xo_mean[:, None, :]
            T1 += np.bincount(o.ravel(), (nb[:, None] * xo_mean).ravel(), p)
            T2 += np.bincount(blk.flat.ravel(), (nb[:, None, None] * Eoo).ravel(), p * p)
            if not m.shape[1]:
                continue
            Smo = Sigma[m[:, :, None], o[:, None, :]]
            # B = Σ_mo Σ_oo⁻¹ (Σ_oo symmetric)
            B = np.linalg.solve(blk.sub(Sigma), Smo.transpose(0, 2, 1)).transpose(0, 2, 1)
            cond = Sigma[m[:, :, None], m[:, None, :]] - B @ Smo.transpose(0, 2, 1)
            mu_o, mu_m = mu[o], mu[m]
            e_m = mu_m + np.einsum("bij,bj->bi", B, xo_mean - mu_o)
            Emo = B @ (Eoo - mu_o[:, :, None] * xo_mean[:, None, :]) \
                + mu_m[:, :, None] * xo_mean[:, None, :]
            Emm = cond + B @ blk.cov @ B.transpose(0, 2, 1) + e_m[:, :, None] * e_m[:, None, :]
            T1 += np.bincount(m.ravel(), (nb[:, None] * e_m).ravel(), p)
            mo = (m[:, :, None] * p + o[:, None, :]).ravel()
            om = (o[:, None, :] * p + m[:, :, None]).ravel()
            mm = (m[:, :, None] * p + m[:, None, :]).ravel()
            wEmo = (nb[:, None, None] * Emo).ravel()
            T2 += (np.bincount(mo, wEmo, p * p) + np.bincount(om, wEmo, p * p)
                   + np.bincount(mm, (nb[:, None, None] * Emm).ravel(), p * p))
        mu_new = T1 / n
        Sigma_new = T2.reshape(p, p) / n - np.outer(mu_new, mu_new)
        delta = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(Sigma_new - Sigma)))
        mu, Sigma = mu_new, Sigma_new
        if delta < tol:
            break
    return mu, Sigma, _loglik(blocks, Sigma, mu)


def _pad(blk, M, p):
    """(b, p²): each pattern's M (b, po, po) in its observed block of a flattened p x p
    array, zeros elsewhere."""
    b = len(blk.n)
    out = np.zeros((b, p * p))
    out[np.arange(b)[:, None], blk.flat] = M.reshape(b, -1)
    return out


def _moment_hessian(D, dm, w, Kf, Lf, uf=None):
    """The first-derivative part of the Hessian of F summed over patterns in moment
    space: D (k, p²) and dm (k, p) are the derivatives of Σ and μ, Kf and Lf (n, p²) the
    padded K = Σ_o⁻¹ and L of each pattern, w (n,) the weights n_pattern / N and uf (n, p)
    the padded w K d (None: no mean-misfit terms).

    tr(Σ_l L Σ_k K) summed over patterns is D T D' with T[ab, cd] = Σ L_bc K_da, one
    (p², n) x (n, p²) product, far cheaper than per-pattern slices of D for small p."""
    n, pp = Kf.shape
    p = dm.shape[1]
    T = (Lf.T @ Kf).reshape(p, p, p, p).transpose(3, 0, 1, 2).reshape(pp, pp)
    H = D @ T @ D.T + 2 * (dm @ (w @ Kf).reshape(p, p) @ dm.T)
    if uf is not None:
        # V[l, k] = μ_k'KΣ_l u = Σ D_l[ab] M[ab, c] dm_k[c], M[ab, c] = Σ w u_b K_ca
        M = np.einsum("nb,nca->abc", uf, Kf.reshape(n, p, p)).reshape(pp, p)
        V = D @ M @ dm.T
        H += 2 * (V + V.T)
    return H


class FIMLProblem:
    """Objective F = −2 logl / N (up to a constant) with the same interface as
    ``estimate.MLProblem`` (``evaluate(theta, info)`` → F, gradient, information).

    The patterns are stacked in blocks (``_Block``) and every pattern-level step is a
    batched array operation; only the blocks are looped over. Informations are summed in
    moment space (``_moment_hessian``) up to ``_MOMENT_MAX_P`` variables (its p⁴ arrays
    take 20 MB at p = 40) and from per-pattern slices of dΣ beyond."""

    _MAX_ELEMS = 2_000_000  # numbers in one block's derivative slices (16 MB)
    _MOMENT_MAX_P = 40

    def __init__(self, rams, group_data):
        self.rams = rams
        self.npar = rams[0].npar
        self.patterns = [_blocks(x, self._MAX_ELEMS, max(self.npar, 1)) for x in group_data]
        self.nobs = [len(x) for x in group_data]
        self.ntotal = sum(self.nobs)

    def loglik(self, theta):
        total = 0.0
        for ram, blocks in zip(self.rams, self.patterns):
            Sigma, mu, *_ = ram.implied(theta)
            total += _loglik(blocks, Sigma, mu)
        return total

    def objective(self, theta):
        ll = self.loglik(theta)
        return -2 * ll / self.ntotal if np.isfinite(ll) else np.inf

    def _pattern_sums(self, blk, Sigma, mu):
        """Weights w = n/N, Σ_o⁻¹, d, P = Σ_o⁻¹(S_o + dd')Σ_o⁻¹ and the weighted F of a
        block; None if some Σ_o is not positive definite."""
        terms = _block_terms(blk, Sigma, mu)
        if terms is None:
            return None
        K, logdet, d = terms
        w = blk.n / self.ntotal
        P = K @ (blk.cov + d[:, :, None] * d[:, None, :]) @ K
        return w, K, d, P, w @ _block_minus2ll(blk, K, logdet, d)

    def evaluate(self, theta, info=True):
        F = 0.0
        grad = np.zeros(self.npar)
        I = np.zeros((self.npar, self.npar)) if info else None
        for ram, blocks in zip(self.rams, self.patterns):
            if info:
                Sigma, mu, dS, dm, _ = ram.delta(theta)
            else:
                Sigma, mu, *_ = ram.implied(theta)
            p, k = ram.p, self.npar
            moment = info and p <= self._MOMENT_MAX_P
            # the gradient -tr(Ω dΣ) - 2 u'dμ needs only Ω and u summed over patterns
            Omega = np.zeros(p * p)
            u_tot = np.zeros(p)
            ws, Ks = [], []
            for blk in blocks:
                sums = self._pattern_sums(blk, Sigma, mu)
                if sums is None:
                    return np.inf, None, None
                w, K, d, P, Fb = sums
                F += Fb
                Omega += np.bincount(blk.flat.ravel(), (w[:, None, None] * (P - K)).ravel(),
                                     p * p)
                u_tot += np.bincount(blk.obs.ravel(),
                                     (w[:, None] * np.einsum("bij,bj->bi", K, d)).ravel(), p)
                if moment:
                    ws.append(w)
                    Ks.append(_pad(blk, K, p))
                elif info:
                    b, po = blk.obs.shape
                    dSo = dS.reshape(k, -1)[:, blk.flat].reshape(k, b, po, po)
                    X = np.matmul(K, dSo) * np.sqrt(w)[:, None, None]
                    I += 0.5 * (X.reshape(k, -1) @ X.transpose(0, 1, 3, 2).reshape(k, -1).T)
                    dmo = dm[:, blk.obs]
                    Km = np.einsum("kbi,bij->kbj", dmo, K) * w[:, None]
                    I += Km.reshape(k, -1) @ dmo.reshape(k, -1).T
            if moment:
                w, Kf = np.concatenate(ws), np.vstack(Ks)
                I += 0.5 * _moment_hessian(dS.reshape(k, -1), dm, w, Kf, w[:, None] * Kf)
            if info:
                grad += -(dS.reshape(k, -1) @ Omega) - 2 * dm @ u_tot
            else:
                grad += ram.gradient(theta, Omega.reshape(p, p), u_tot)
        return F, grad, I

    def observed_information(self, theta):
        """Observed information per unit, the Hessian of F / 2, summed analytically over
        the missing-data patterns (``ml.observed_information`` uses it).

        Per pattern (K = Σ_o⁻¹, d = ȳ_o − μ_o, W = S_o + dd', u = K d, P = K W K) the
        Hessian of F has the first-derivative part
        tr(Σ_l (2P − K) Σ_k K) + 2 μ_l'KΣ_k u + 2 μ_k'KΣ_l u + 2 μ_k'Kμ_l; the parts with
        second derivatives of Σ and μ are −tr(Ω Σ_kl) − 2 u'μ_kl with Ω = P − K, and sum
        over patterns before they are contracted (``RAM.second_derivative_contraction``).

        Examples
        --------
        >>> import numpy as np, pandas as pd, im_research as ir
        >>> rng = np.random.default_rng(1)
        >>> x = pd.DataFrame(rng.standard_normal((200, 3)) + rng.standard_normal((200, 1)),
        ...                  columns=["a", "b", "c"])
        >>> x.iloc[::7, 0] = np.nan
        >>> res = ir.fit("f =~ a + b + c", data=x, missing="fiml")
        >>> A = res._problem.observed_information(res.theta)  # the SEs are √diag(A⁻¹/N)
        >>> A.shape == (res.npar, res.npar)
        True
        """
        k = self.npar
        H = np.zeros((k, k))
        for ram, blocks in zip(self.rams, self.patterns):
            Sigma, mu, dS, dm, _ = ram.delta(theta)
            p = ram.p
            moment = p <= self._MOMENT_MAX_P
            Omega = np.zeros(p * p)
            u_tot = np.zeros(p)
            ws, Ks, Ls, us = [], [], [], []
            for blk in blocks:
                w, K, d, P, _ = self._pattern_sums(blk, Sigma, mu)
                b, po = blk.obs.shape
                u = np.einsum("bij,bj->bi", K, d)
                Omega += np.bincount(blk.flat.ravel(), (w[:, None, None] * (P - K)).ravel(),
                                     p * p)
                u_tot += np.bincount(blk.obs.ravel(), (w[:, None] * u).ravel(), p)
                if moment:
                    ws.append(w)
                    Ks.append(_pad(blk, K, p))
                    Ls.append(_pad(blk, w[:, None, None] * (2 * P - K), p))
                    wu = np.zeros((b, p))
                    wu[np.arange(b)[:, None], blk.obs] = w[:, None] * u
                    us.append(wu)
                    continue
                dSo = dS.reshape(k, -1)[:, blk.flat].reshape(k, b, po, po)
                dmo = dm[:, blk.obs]
                # tr(Σ_l (2P − K) Σ_k K) = tr(X_l Z_k), X = K Σ_l, Z = (2P − K) Σ_k
                X = np.matmul(K, dSo) * w[:, None, None]
                Z = np.matmul(2 * P - K, dSo).transpose(0, 1, 3, 2)
                H += X.reshape(k, -1) @ Z.reshape(k, -1).T
                Su = np.einsum("kbij,bj->kbi", dSo, u) * w[:, None]  # Σ_l u
                Km = np.einsum("kbi,bij->kbj", dmo, K)  # K μ_k
                V = Su.reshape(k, -1) @ Km.reshape(k, -1).T  # V[l, k] = μ_k'KΣ_l u
                H += 2 * (V + V.T) + 2 * ((Km * w[:, None]).reshape(k, -1)
                                          @ dmo.reshape(k, -1).T)
            if moment:
                H += _moment_hessian(dS.reshape(k, -1), dm, np.concatenate(ws), np.vstack(Ks),
                                     np.vstack(Ls), np.vstack(us))
            H -= ram.second_derivative_contraction(theta, Omega.reshape(p, p), u_tot)
        return 0.25 * (H + H.T)


def independence_loglik(x):
    """Log-likelihood of the independence model (each variable normal with its own
    available-case mean and variance, divisor n_j)."""
    ll = 0.0
    for j in range(x.shape[1]):
        col = x[:, j]
        col = col[~np.isnan(col)]
        v = col.var()
        ll += -len(col) / 2 * (np.log(2 * np.pi) + np.log(v) + 1)
    return ll


def x_marginal_loglik(st, x_idx):
    """Log-likelihood of the fixed exogenous covariates at their (EM) moments, which
    lavaan subtracts from every log-likelihood of a fixed.x model. As lavaan, every row
    counts as complete, also under ``missing="ml.x"`` where some rows miss a covariate."""
    if not len(x_idx):
        return 0.0
    k = len(x_idx)
    logdet = np.linalg.slogdet(st.cov[np.ix_(x_idx, x_idx)])[1]
    return -st.nobs / 2 * (k * np.log(2 * np.pi) + logdet + k)


def x_fiml_loglik(st, x_idx):
    """FIML log-likelihood of the covariates alone at their EM moments (their part of the
    baseline model; equal to :func:`x_marginal_loglik` when no covariate is missing)."""
    if not len(x_idx):
        return 0.0
    x = st.data.to_numpy(float)[:, x_idx]
    return _loglik(_blocks(x), st.cov[np.ix_(x_idx, x_idx)], st.mean[x_idx])


def case_scores(x, Sigma, mu, dS, dm):
    """Casewise scores d logl_i / dθ (n x k) of the normal log-likelihood, missing
    values allowed (pattern by pattern; complete data is one pattern)."""
    n = x.shape[0]
    k = dS.shape[0]
    s = np.zeros((n, k))
    mask = ~np.isnan(x)
    keys, inverse = np.unique(mask, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    for j, key in enumerate(keys):
        rows = np.flatnonzero(inverse == j)
        o = np.flatnonzero(key)
        if not len(o):
            continue
        Sinv = np.linalg.inv(Sigma[np.ix_(o, o)])
        u = (x[np.ix_(rows, o)] - mu[o]) @ Sinv
        dSo = dS[:, o[:, None], o[None, :]].reshape(k, -1)
        # ½ u'dΣ_k u − ½ tr(Σ⁻¹dΣ_k) as one product with the flattened dΣ_k
        uu = (u[:, :, None] * u[:, None, :]).reshape(len(rows), -1)
        s[rows] = 0.5 * ((uu - Sinv.T.ravel()) @ dSo.T) + u @ dm[:, o].T
    return s


def _vech_index(p):
    """(i, j) of vech order: the lower triangle, column by column."""
    return [(i, j) for j in range(p) for i in range(j, p)]


def _saturated_derivs(p):
    """dΣ/dη and dμ/dη for the saturated parameters η = (μ, vech Σ)."""
    idx = _vech_index(p)
    k = p + len(idx)
    dS = np.zeros((k, p, p))
    dm = np.zeros((k, p))
    dm[np.arange(p), np.arange(p)] = 1.0
    for r, (i, j) in enumerate(idx):
        dS[p + r, i, j] = dS[p + r, j, i] = 1.0
    return dS, dm, idx


def _h1_observed_info(x, Sigma, mu):
    """Observed information per case of the saturated model for incomplete rows at
    (Sigma, mu), and the first-order information (mean outer product of the casewise
    scores).

    Σ and μ are linear in η = (μ, vech Σ), so the observed information is the
    first-derivative part of ``FIMLProblem.observed_information``, summed over patterns
    in moment space (``_moment_hessian``)."""
    n, p = x.shape
    dS, dm, _ = _saturated_derivs(p)
    s = case_scores(x, Sigma, mu, dS, dm)
    B1 = s.T @ s / n
    ws, Ks, Ls, us = [], [], [], []
    for blk in _blocks(x):
        K, _, d = _block_terms(blk, Sigma, mu)
        w = blk.n / n
        P = K @ (blk.cov + d[:, :, None] * d[:, None, :]) @ K
        ws.append(w)
        Ks.append(_pad(blk, K, p))
        Ls.append(_pad(blk, w[:, None, None] * (2 * P - K), p))
        wu = np.zeros((len(w), p))
        wu[np.arange(len(w))[:, None], blk.obs] = w[:, None] * np.einsum("bij,bj->bi", K, d)
        us.append(wu)
    H = _moment_hessian(dS.reshape(len(dS), -1), dm, np.concatenate(ws), np.vstack(Ks),
                        np.vstack(Ls), np.vstack(us))
    return 0.25 * (H + H.T), B1


def _complete_info(Sigma):
    """Expected (= observed at the saturated estimates) complete-data information per
    case of (mu, vech Sigma)."""
    p = len(Sigma)
    dS, dm, _ = _saturated_derivs(p)
    Si = np.linalg.inv(Sigma)
    X = np.einsum("ij,kjl->kil", Si, dS)
    return 0.5 * np.einsum("aij,bji->ab", X, X) + dm @ Si @ dm.T


def _ml_complete_chisq(n, S, m, Sigma, mu):
    """n * F_ML of complete-data moments (S, m) against (Sigma, mu)."""
    p = len(S)
    Si = np.linalg.inv(Sigma)
    d = m - mu
    return n * (np.linalg.slogdet(Sigma)[1] - np.linalg.slogdet(S)[1] + np.trace(S @ Si) - p
                + d @ Si @ d)


def _delta_h1(dS, dm):
    """Jacobian of (mu, vech Sigma) with respect to the parameters (rows: moments)."""
    return np.vstack([dm.T, np.array([dS[:, i, j] for i, j in _vech_index(dm.shape[1])])])


def _independence_trace(x):
    """tr(B₀A₀⁻¹) of the independence model (free means and variances) for incomplete
    data at its available-case estimates; the model factorises per variable."""
    n = x.shape[0]
    tr = 0.0
    for j in range(x.shape[1]):
        col = x[:, j]
        col = col[~np.isnan(col)]
        d = col - col.mean()
        v = (d ** 2).mean()
        s_mu, s_v = d / v, 0.5 * (d ** 2 / v ** 2 - 1 / v)
        B = np.array([[np.sum(s_mu ** 2), np.sum(s_mu * s_v)],
                      [np.sum(s_mu * s_v), np.sum(s_v ** 2)]]) / n
        A = np.diag([len(col) / v, len(col) / (2 * v ** 2)]) / n
        tr += np.trace(B @ np.linalg.inv(A))
    return tr


def fiml_robust(problem, rams, stats, theta, npar, df, df_b, x_idx=()):
    """MLR with FIML, as lavaan's ``missing = "ml", estimator = "MLR"``.

    Returns a dict with ``vcov`` (Huber–White A⁻¹B₀A⁻¹/N: A the observed information,
    B₀ from the casewise scores of the incomplete rows), ``c`` and ``c_b`` (Yuan–Bentler
    mplus scaling factors of the model and the baseline, c = [tr(B₁A₁⁻¹) − tr(B₀A⁻¹)]/df
    with the saturated-model informations at the EM estimates) and ``robust``: the
    statistics behind ``cfi_robust``/``tli_robust``/``rmsea_robust``, which lavaan computes
    for missing data with the FIML-corrected approach of Zhang & Savalei (2023, "V3"):
    T₃ = the complete-data ML statistic of the estimates against the EM moments and
    c₃ = tr(U W_m⁻¹ W_c W_m⁻¹ U Γ)/df with W_m, W_c the incomplete- and complete-data
    saturated informations, Γ = W_m⁻¹ J W_m⁻¹ and U = W_m − W_mΔ(ΔᵀW_mΔ)⁻¹ΔᵀW_m.
    With fixed covariates (``x_idx``) their own moments leave the saturated traces.
    """
    from scipy.linalg import block_diag


    N = problem.ntotal
    A = observed_information(problem, theta)
    Ainv = np.linalg.inv(A)
    B0 = np.zeros((npar, npar))
    tr_h1 = tr_b = 0.0
    T3 = T3b = 0.0
    Wm, Wmi, Wc, Gam, D, DB = [], [], [], [], [], []
    for ram, st in zip(rams, stats):
        x = st.data.to_numpy(float)
        n, p = x.shape
        fg = n / N
        Sigma, mu, dS, dm, _ = ram.delta(theta)
        s = case_scores(x, Sigma, mu, dS, dm)
        B0 += s.T @ s / N
        mu1, Sigma1 = st.mean, st.cov  # the EM estimates of fiml_stats
        A1, B1 = _h1_observed_info(x, Sigma1, mu1)
        xs = set(x_idx)
        y = [i for i in range(p) if i not in xs]
        # fixed covariates: their own means and covariances leave the saturated model
        keep = np.array([i not in xs for i in range(p)]
                        + [not (i in xs and j in xs) for i, j in _vech_index(p)])
        A1, B1 = A1[np.ix_(keep, keep)], B1[np.ix_(keep, keep)]
        A1i = np.linalg.inv(A1)
        tr_h1 += np.trace(B1 @ A1i)
        tr_b += _independence_trace(x[:, y])
        # FIML-corrected (V3) pieces; the baseline keeps the covariates' EM moments
        T3 += _ml_complete_chisq(n, Sigma1, mu1, Sigma, mu)
        m_b, S_b = mu1.copy(), np.diag(np.diag(Sigma1)).astype(float)
        m_b[y] = np.nanmean(x[:, y], axis=0)
        S_b[np.ix_(y, y)] = np.diag(np.nanvar(x[:, y], axis=0))
        S_b[np.ix_(x_idx, x_idx)] = Sigma1[np.ix_(x_idx, x_idx)]
        T3b += _ml_complete_chisq(n, Sigma1, mu1, S_b, m_b)
        Wm.append(fg * A1)
        Wmi.append(A1i / fg)
        Wc.append(fg * _complete_info(Sigma1)[np.ix_(keep, keep)])
        Gam.append(A1i @ B1 @ A1i / fg)
        D.append(_delta_h1(dS, dm)[keep])
        k = len(y)
        dSb = np.zeros((2 * k, p, p))
        dmb = np.zeros((2 * k, p))
        dmb[np.arange(k), y] = 1.0
        dSb[k + np.arange(k), y, y] = 1.0
        DB.append(_delta_h1(dSb, dmb)[keep])
    vcov = Ainv @ B0 @ Ainv / N
    c = (tr_h1 - np.trace(B0 @ Ainv)) / df if df > 0 else np.nan
    c_b = (tr_h1 - tr_b) / df_b if df_b > 0 else np.nan
    Wm, Wmi, Wc, Gam = (block_diag(*m) for m in (Wm, Wmi, Wc, Gam))
    D = np.vstack(D)
    DB = block_diag(*DB)

    def k3(Dl):
        U = Wm - Wm @ Dl @ np.linalg.inv(Dl.T @ Wm @ Dl) @ Dl.T @ Wm
        return np.trace(U @ Wmi @ Wc @ Wmi @ U @ Gam)

    robust = {"T": T3, "c": k3(D) / df if df > 0 else np.nan,
              "TB": T3b, "c_b": k3(DB) / df_b if df_b > 0 else np.nan}
    return {"vcov": vcov, "c": c, "c_b": c_b, "robust": robust}


def fiml_stats(data, ov, ov_x, group_label=None):
    """Rows and EM moments for FIML; removes (and reports) rows without any model
    variable, and rows missing an exogenous covariate (fixed.x, as lavaan)."""
    sub = data[ov].astype(float)
    where = "" if group_label is None else f" in group {group_label!r}"
    empty = sub.isna().all(axis=1)
    drop = empty | (sub[ov_x].isna().any(axis=1) if ov_x else False)
    dropped = list(sub.index[drop])
    if dropped:
        warnings.warn(f"FIML removed {int(empty.sum())} rows{where} with every model variable "
                      f"missing and {int(drop.sum() - empty.sum())} rows with a missing "
                      f"exogenous covariate {ov_x}", DataWarning, stacklevel=4)
    sub = sub[~drop]
    if len(sub) < 2:
        raise DataError(f"only {len(sub)} usable row(s){where} for FIML")
    mu, Sigma, ll = em_saturated(sub.to_numpy())
    st = SampleStats(len(sub), Sigma, mu, list(ov), sub, dropped)
    st.h1_logl = ll
    return st

