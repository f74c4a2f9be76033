"""Batched ML refits: many samples of the same model at once.

Bootstrap draws and Monte Carlo replications fit one model to many covariance matrices.
Instead of a Python loop of small fits (where interpreter overhead dominates), the
Fisher-scoring iterations here run on stacks of matrices with numpy's batched linear
algebra. Single-group models; same formulas as ``_ram.RAM`` and ``estimate.MLProblem``.
"""

from __future__ import annotations

import numpy as np

from .ml import BFGS_SWITCH, STEP_TOL

__all__ = ["BatchML"]


def _path_depth(ram):
    """The longest chain of directed paths in the model (A^(depth + 1) = 0), or None
    when the paths form a loop (a non-recursive model)."""
    M = ram.A0 != 0  # fixed paths (marker loadings) ...
    M[ram.a_i, ram.a_j] = True  # ... and free ones
    power, depth = M.copy(), 1
    while power.any():
        if depth > ram.t:
            return None
        power = (power.astype(int) @ M.astype(int)) > 0
        depth += 1
    return depth - 1


class BatchML:
    """Fisher scoring for a stack of samples of one single-group model.

    Parameters
    ----------
    ram : _ram.RAM
        The model structure (from a fitted result, ``res._rams[0]``).
    """

    def __init__(self, ram):
        self.ram = ram
        self.p, self.t, self.k = ram.p, ram.t, ram.npar
        # every free cell of A, S and m as a column of the aggregation matrix P (k x c):
        # derivatives are computed per cell and summed into their parameter
        pids = np.concatenate([ram.a_pid, ram.s_pid, ram.m_pid]).astype(int)
        self.P = np.zeros((self.k, len(pids)))
        self.P[pids, np.arange(len(pids))] = 1.0
        # each parameter owning exactly one cell (no equality constraints): the sums over
        # cells are a reordering, done by indexing instead of two matrix products
        self.cell_of = (np.argsort(pids) if len(pids) == self.k
                        and np.array_equal(np.sort(pids), np.arange(self.k)) else None)
        self.na, self.ns, self.nm = len(ram.a_pid), len(ram.s_pid), len(ram.m_pid)
        # diagonal S cells: dSigma = u u' = u v' + v u' with v = u / 2
        self.s_scale = np.where(ram.s_offdiag, 1.0, 0.5)
        self.eye_t = np.eye(self.t)
        self.depth = _path_depth(ram)


    def _implied(self, theta):
        r = self.ram
        B_ = theta.shape[0]
        A = np.broadcast_to(r.A0, (B_, self.t, self.t)).copy()
        S = np.broadcast_to(r.S0, (B_, self.t, self.t)).copy()
        m = np.broadcast_to(r.m0, (B_, self.t)).copy()
        A[:, r.a_i, r.a_j] = theta[:, r.a_pid]
        S[:, r.s_i, r.s_j] = theta[:, r.s_pid]
        S[:, r.s_j, r.s_i] = theta[:, r.s_pid]
        m[:, r.m_i] = theta[:, r.m_pid]
        if self.depth is None:  # a model with feedback loops
            Bm = np.linalg.inv(self.eye_t - A)
        else:  # (I - A)^-1 = I + A + ... + A^depth: batched products beat batched inverses
            Bm = self.eye_t + A
            for _ in range(self.depth - 1):
                Bm = self.eye_t + A @ Bm
        C = Bm @ S @ Bm.transpose(0, 2, 1)
        return Bm, C, S, m

    def evaluate(self, theta, cov, mean, logdet_s, info=True):
        """F (B,), gradient (B, k) and unit information (B, k, k) for each sample."""
        r = self.ram
        p = self.p
        Bm, C, S, m = self._implied(theta)
        Sigma = C[:, :p, :p]
        sign, logdet = np.linalg.slogdet(Sigma)
        bad = sign <= 0
        Sinv = np.linalg.inv(np.where(bad[:, None, None], np.eye(p), Sigma))
        F = logdet + np.einsum("bij,bji->b", Sinv, cov) - logdet_s - p
        W = cov
        u = None
        if mean is not None:
            mu = np.einsum("bij,bj->bi", Bm, m)[:, :p]
            d = mean - mu
            u = np.einsum("bij,bj->bi", Sinv, d)
            F = F + np.einsum("bi,bi->b", d, u)
            W = cov + d[:, :, None] * d[:, None, :]
        F = np.where(bad, np.inf, F)
        Omega = Sinv @ (W - Sigma) @ Sinv
        # each free cell c changes Sigma by u_c v_c' + v_c u_c' (rank two), so
        # tr(S^-1 dS_c S^-1 dS_d) / 2 = (V'S^-1U)_cd (V'S^-1U)_dc + (V'S^-1V)_cd (U'S^-1U)_cd
        L = Bm[:, :p, :]  # (B, p, t)
        U = np.concatenate([L[:, :, r.a_i], L[:, :, r.s_i],
                            np.zeros((theta.shape[0], p, self.nm))], axis=2)
        V = np.concatenate([C[:, r.a_j, :p].transpose(0, 2, 1),
                            L[:, :, r.s_j] * self.s_scale,
                            np.zeros((theta.shape[0], p, self.nm))], axis=2)
        g_cells = -2 * np.einsum("bpc,bpc->bc", U, Omega @ V)
        if info:
            SU, SV = Sinv @ U, Sinv @ V
            Qvu = V.transpose(0, 2, 1) @ SU
            I_cells = Qvu * Qvu.transpose(0, 2, 1) + (V.transpose(0, 2, 1) @ SV) * (
                U.transpose(0, 2, 1) @ SU)
        if mean is not None:
            Bmv = np.einsum("bij,bj->bi", Bm, m)
            D = np.concatenate([L[:, :, r.a_i] * Bmv[:, None, r.a_j],
                                np.zeros((theta.shape[0], p, self.ns)),
                                L[:, :, r.m_i]], axis=2)  # (B, p, c): dmu per cell
            g_cells -= 2 * np.einsum("bpc,bp->bc", D, u)
            if info:
                I_cells = I_cells + D.transpose(0, 2, 1) @ Sinv @ D
        c = self.cell_of
        g = g_cells @ self.P.T if c is None else g_cells[:, c]
        if not info:
            return F, g, None
        if c is None:
            return F, g, self.P @ I_cells @ self.P.T
        return F, g, I_cells[:, c[:, None], c[None, :]]

    def fit(self, theta0, cov, mean=None, max_iter=100, tol=1e-8, need_info=True):
        """Fit every sample; returns (theta (B, k), converged (B,), info (B, k, k) at the
        estimates, or None with ``need_info=False``).

        Fisher scoring while a sample is far from its optimum; once its gradient is small
        (max < ``ml.BFGS_SWITCH``), BFGS started from that sample's information, as
        :func:`~im_research.sem.ml.fisher_scoring` does for one fit: the quasi-Newton
        steps pick up the curvature misfit adds and need no information. A sample is done
        when its quasi-Newton step falls below ``ml.STEP_TOL`` relative (taken).
        """
        Bsz = cov.shape[0]
        theta = np.broadcast_to(theta0, (Bsz, self.k)).copy()
        sign, logdet_s = np.linalg.slogdet(cov)
        ok_s = sign > 0
        F, g, I = self.evaluate(theta, cov, mean, logdet_s)
        active = ok_s & np.isfinite(F)
        converged = np.zeros(Bsz, bool)
        bfgs = np.zeros(Bsz, bool)
        H = np.zeros((Bsz, self.k, self.k))  # BFGS inverse Hessians
        for _ in range(max_iter):
            idx = np.flatnonzero(active)
            if not len(idx):
                break
            gmax = np.max(np.abs(g[idx]), axis=1)
            start = idx[~bfgs[idx] & (gmax < BFGS_SWITCH)]
            if len(start):
                try:
                    H[start] = np.linalg.inv(2 * I[start])
                    bfgs[start] = True
                except np.linalg.LinAlgError:
                    pass
            quasi = bfgs[idx]
            gi = g[idx]
            step = np.empty_like(gi)
            if quasi.any():
                step[quasi] = -np.einsum("bij,bj->bi", H[idx[quasi]], gi[quasi])
                # the quasi-Newton step is the remaining error: take it and stop (as
                # fisher_scoring); the information, if needed, is evaluated there below
                finish = quasi & (gmax < STEP_TOL) & (np.max(
                    np.abs(step) / (1 + np.abs(theta[idx])), axis=1) < STEP_TOL)
                if finish.any():
                    theta[idx[finish]] += step[finish]
                    converged[idx[finish]] = True
                    active[idx[finish]] = False
                    keep = ~finish
                    idx, quasi, gi, step = idx[keep], quasi[keep], gi[keep], step[keep]
                    if not len(idx):
                        continue
            if (~quasi).any():
                Ii = I[idx[~quasi]]
                try:
                    step[~quasi] = -np.linalg.solve(2 * Ii, gi[~quasi][:, :, None])[:, :, 0]
                except np.linalg.LinAlgError:
                    step[~quasi] = -np.einsum("bij,bj->bi", np.linalg.pinv(2 * Ii),
                                              gi[~quasi])
            alpha = np.ones(len(idx))
            todo = np.arange(len(idx))
            newF = np.full(len(idx), np.inf)
            newg = np.zeros_like(gi)
            for _ in range(30):
                sel = idx[todo]
                cand = theta[sel] + alpha[todo, None] * step[todo]
                want_info = not bfgs[sel].all()  # the information only for scoring steps
                Fc, gc, Ic = self.evaluate(cand, cov[sel], None if mean is None else
                                           mean[sel], logdet_s[sel], info=want_info)
                good = np.isfinite(Fc) & (Fc <= F[sel] + 1e-12 * np.maximum(1, np.abs(F[sel])))
                gpos = todo[good]
                newF[gpos], newg[gpos] = Fc[good], gc[good]
                if want_info:
                    I[idx[gpos]] = Ic[good]
                s_k = cand[good] - theta[sel[good]]
                theta[idx[gpos]] = cand[good]
                upd = bfgs[idx[gpos]]
                if upd.any():  # BFGS update of the inverse Hessian
                    b = idx[gpos][upd]
                    sk, yk = s_k[upd], gc[good][upd] - g[b]
                    sy = np.einsum("bi,bi->b", sk, yk)
                    okb = sy > 1e-14
                    b, sk, yk, sy = b[okb], sk[okb], yk[okb], sy[okb]
                    if len(b):
                        rho = 1.0 / sy
                        Hy = np.einsum("bij,bj->bi", H[b], yk)
                        H[b] = (H[b] - rho[:, None, None] * (sk[:, :, None] * Hy[:, None, :]
                                                             + Hy[:, :, None] * sk[:, None, :])
                                + ((rho * rho * np.einsum("bi,bi->b", yk, Hy) + rho)[:, None,
                                                                                      None]
                                   * sk[:, :, None] * sk[:, None, :]))
                todo = todo[~good]
                alpha[todo] /= 2
                if not len(todo):
                    break
            moved = np.isfinite(newF)
            dF = np.where(moved, F[idx] - newF, 0.0)
            F[idx[moved]], g[idx[moved]] = newF[moved], newg[moved]
            gmax = np.max(np.abs(g[idx]), axis=1)
            done = (gmax < tol) | ((dF < 1e-15) & (gmax < 1e-6))
            stuck = ~moved
            converged[idx[done]] = True
            active[idx[done | stuck]] = False
        converged &= np.max(np.abs(g / 2), axis=1) <= 1e-3
        if not need_info:
            return theta, converged, None
        stale = np.flatnonzero(bfgs)  # their information is from the switch to BFGS
        if len(stale):
            I[stale] = self.evaluate(theta[stale], cov[stale], None if mean is None else
                                     mean[stale], logdet_s[stale])[2]
        return theta, converged, I
