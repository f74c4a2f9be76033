"""RAM matrices: implied moments and their derivatives for one group.

Variables are ordered observed first (p) then latent (m); ``A`` holds directed paths
(loadings and regressions, ``A[i, j]`` = effect of j on i), ``S`` (co)variances and ``m``
intercepts/means. With ``B = (I - A)^-1``:

    Sigma = (B S B')[:p, :p],   mu = (B m)[:p]

This is algebraically the same model as lavaan's LISREL "all-y" representation; the RAM
form keeps the derivatives short. All derivative formulas are written out in
``docs/estimation.md``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack as _lapack

__all__ = ["RAM", "small_inv", "well_conditioned"]


def small_inv(M):
    """Inverse of a small square matrix through LAPACK directly (numpy's wrapper costs
    more than the factorisation at SEM sizes; a fit calls this dozens of times)."""
    lu, piv, info = _lapack.dgetrf(M)
    if info == 0:
        inv, info = _lapack.dgetri(lu, piv)
        if info == 0:
            return inv
    raise np.linalg.LinAlgError("singular matrix")


def well_conditioned(R, ratio):
    """True if the symmetric matrix ``R`` (unit diagonal) is positive definite with
    smallest/largest eigenvalue >= ``ratio`` — a sufficient test from a Cholesky factor L:
    lambda_min >= 1 / trace(R^-1) = 1 / ||L^-1||_F^2 and lambda_max <= trace(R). False
    means "look at the eigenvalues", which cost several times more."""
    L, info = _lapack.dpotrf(R, lower=1)
    if info != 0:
        return False
    Linv, info = _lapack.dtrtri(L, lower=1)
    return info == 0 and 1.0 / np.sum(Linv ** 2) >= ratio * np.trace(R)


def _scatter(target, idx, values, unique):
    """target[idx] += values, with repeated indices summed."""
    if unique:
        target[idx] += values
    else:
        np.add.at(target, idx, values)


class RAM:
    """Implied moments of one group as functions of the free-parameter vector.

    Parameters
    ----------
    rows : list of dict or DataFrame
        Parameter-table rows of this group (no ``:=`` rows).
    ov, lv : list of str
    npar : int
        Length of the free-parameter vector (all groups).
    """

    def __init__(self, rows, ov, lv, npar):
        self.ov, self.lv = list(ov), list(lv)
        self.p = len(ov)
        self.t = self.p + len(lv)
        self.npar = npar
        pos = {v: i for i, v in enumerate(self.ov + self.lv)}
        self.A0 = np.zeros((self.t, self.t))
        self.S0 = np.zeros((self.t, self.t))
        self.m0 = np.zeros(self.t)
        a_cells, s_cells, m_cells = [], [], []
        if hasattr(rows, "to_dict"):
            rows = rows.to_dict("records")
        for r in rows:
            op, pid = r["op"], int(r["pid"])
            val = r["value"]
            if op == "=~":
                i, j = pos[r["rhs"]], pos[r["lhs"]]
                kind = "A"
            elif op in ("~", "<~"):  # a composite is regressed on its components
                i, j = pos[r["lhs"]], pos[r["rhs"]]
                kind = "A"
            elif op == "~~":
                i, j = pos[r["lhs"]], pos[r["rhs"]]
                kind = "S"
            elif op == "~1":
                i, j = pos[r["lhs"]], 0
                kind = "m"
            else:
                continue
            if pid >= 0:
                {"A": a_cells, "S": s_cells, "m": m_cells}[kind].append((i, j, pid))
            else:
                v = 0.0 if np.isnan(val) else float(val)
                if kind == "A":
                    self.A0[i, j] = v
                elif kind == "S":
                    self.S0[i, j] = self.S0[j, i] = v
                else:
                    self.m0[i] = v

        def arr(cells):
            a = np.array(cells, dtype=int).reshape(-1, 3)
            return a[:, 0], a[:, 1], a[:, 2]

        self.a_i, self.a_j, self.a_pid = arr(a_cells)
        self.s_i, self.s_j, self.s_pid = arr(s_cells)
        self.m_i, _, self.m_pid = arr(m_cells)
        self.s_offdiag = self.s_i != self.s_j
        self._s_half = np.where(self.s_offdiag, 1.0, 0.5)
        # with no equality constraints each free parameter owns one cell: plain indexing
        # replaces the (slow) unbuffered np.add.at scatter
        self._unique = {k: len(np.unique(v)) == len(v)
                        for k, v in (("a", self.a_pid), ("s", self.s_pid), ("m", self.m_pid))}
        self.meanstructure = bool(len(self.m_pid)) or bool(np.any(self.m0))
        self._eye = np.eye(self.t)
        # free cells in parameter order (cell_factors' columns): with one cell per
        # parameter of this group and every parameter here, cell sums are the cells
        pids = np.concatenate([self.a_pid, self.s_pid, self.m_pid]).astype(int)
        order = np.argsort(pids, kind="stable")
        col = np.empty_like(order)
        col[order] = np.arange(len(order))
        na, ns = len(self.a_pid), len(self.s_pid)
        self._col_a, self._col_s, self._col_m = col[:na], col[na:na + ns], col[na + ns:]
        self._cell_pids = pids[order]
        self._cells_unique = len(np.unique(pids)) == len(pids)
        self._cells_direct = self._cells_unique and np.array_equal(self._cell_pids,
                                                                   np.arange(npar))

    # -- matrices ---------------------------------------------------------------------
    def matrices(self, theta):
        A = self.A0.copy()
        S = self.S0.copy()
        m = self.m0.copy()
        A[self.a_i, self.a_j] = theta[self.a_pid]
        S[self.s_i, self.s_j] = theta[self.s_pid]
        S[self.s_j, self.s_i] = theta[self.s_pid]
        m[self.m_i] = theta[self.m_pid]
        return A, S, m

    def implied(self, theta):
        """Return (Sigma, mu, B, C) where C = B S B' is the covariance of all variables."""
        A, S, m = self.matrices(theta)
        B = small_inv(self._eye - A)
        C = B @ S @ B.T
        p = self.p
        return C[:p, :p], (B @ m)[:p], B, C, S, m

    def gradient(self, theta, Omega, u=None, implied=None):
        """Gradient of F_ML for this group from matrix-level formulas (no dSigma).

        ``Omega = Sigma^-1 (W - Sigma) Sigma^-1`` and ``u = Sigma^-1 (ybar - mu)``:
        dF/dS = -B' Om B (doubled off the diagonal), dF/dA = -2 B' Om B S B' (plus the mean
        part -2 (B'u)(Bm)'), dF/dm = -2 B'u, where Om pads Omega to all variables
        (so B' Om B S B' = B[:p]' Omega C[:p] with C = B S B'). ``implied``: the
        (Sigma, mu, B, C, S, m) of :meth:`implied` at ``theta`` when the caller has them.
        """
        p = self.p
        if implied is None:
            implied = self.implied(theta)
        _, _, B, C, S, m = implied
        BO = B[:p, :].T @ Omega  # t x p
        H = BO @ B[:p, :]  # B' Om B
        grad = np.zeros(self.npar)
        if len(self.s_pid):
            vals = -H[self.s_i, self.s_j] * np.where(self.s_offdiag, 2.0, 1.0)
            _scatter(grad, self.s_pid, vals, self._unique["s"])
        if len(self.a_pid):
            GA = -2 * (BO @ C[:p, :])  # rows of C for the observed variables
            vals = GA[self.a_i, self.a_j]
            if u is not None:
                Bu = B[:p, :].T @ u
                vals = vals - 2 * Bu[self.a_i] * (B @ m)[self.a_j]
            _scatter(grad, self.a_pid, vals, self._unique["a"])
        if len(self.m_pid) and u is not None:
            Bu = B[:p, :].T @ u
            _scatter(grad, self.m_pid, -2 * Bu[self.m_i], self._unique["m"])
        return grad

    def second_derivative_contraction(self, theta, Omega, u):
        """Hessian (npar x npar) of ``q(θ) = tr(Ω Σ(θ)) + 2 u'μ(θ)`` for fixed Ω (p x p,
        symmetric) and u (p): the part of an observed information that carries the second
        derivatives of the implied moments.

        With G = B'ΩB, H = B'ΩC, v = B'u (Ω, u padded to all variables) and Bm = B m,
        a path cell (i, j), a (co)variance cell (k, l) and a mean cell k give
        ∂²q/∂A_ij∂A_kl = 2[B_li H_kj + G_ik C_lj + H_il B_jk + B_li v_k Bm_j + v_i B_jk Bm_l],
        ∂²q/∂A_ij∂S_kl = 2[G_ik B_jl + G_il B_jk] (one term on the diagonal) and
        ∂²q/∂A_ij∂m_k = 2 v_i B_jk; q is linear in S and m.

        Examples
        --------
        >>> import numpy as np
        >>> ram = RAM([{"op": "~", "lhs": "y", "rhs": "x", "pid": 0, "value": np.nan},
        ...            {"op": "~~", "lhs": "x", "rhs": "x", "pid": 1, "value": np.nan},
        ...            {"op": "~~", "lhs": "y", "rhs": "y", "pid": 2, "value": np.nan}],
        ...           ["y", "x"], [], 3)
        >>> H = ram.second_derivative_contraction(np.array([0.5, 1.0, 1.0]), np.eye(2),
        ...                                       np.zeros(2))
        >>> float(H[0, 0])  # tr(Σ) = b² v_x + v_y + v_x: second derivative in b is 2 v_x
        2.0
        """
        A, S, m = self.matrices(theta)
        B = small_inv(self._eye - A)
        p = self.p
        C = B @ S @ B.T
        Bp = B[:p, :]
        G = Bp.T @ Omega @ Bp
        Hm = Bp.T @ Omega @ C[:p, :]
        v = Bp.T @ u
        Bm = B @ m
        out = np.zeros((self.npar, self.npar))
        if not len(self.a_pid):
            return out
        i, j = self.a_i, self.a_j
        ix = np.ix_
        # rows: path cell r = (i, j); columns: path cell c = (k, l)
        Bli = B.T[ix(i, j)]  # B[l_c, i_r]
        Haa = 2 * (Bli * Hm.T[ix(j, i)] + G[ix(i, i)] * C[ix(j, j)] + Hm[ix(i, j)] * B[ix(j, i)]
                   + Bli * np.outer(Bm[j], v[i]) + np.outer(v[i], Bm[j]) * B[ix(j, i)])
        np.add.at(out, ix(self.a_pid, self.a_pid), Haa)
        if len(self.s_pid):
            k, l_ = self.s_i, self.s_j
            Has = G[ix(i, k)] * B[ix(j, l_)]
            off = self.s_offdiag
            Has[:, off] += (G[ix(i, l_)] * B[ix(j, k)])[:, off]
            Has *= 2
            np.add.at(out, ix(self.a_pid, self.s_pid), Has)
            np.add.at(out, ix(self.s_pid, self.a_pid), Has.T)
        if len(self.m_pid):
            Ham = 2 * v[i][:, None] * B[ix(j, self.m_i)]
            np.add.at(out, ix(self.a_pid, self.m_pid), Ham)
            np.add.at(out, ix(self.m_pid, self.a_pid), Ham.T)
        return out

    def _cell_derivatives(self, L, C_cols, Bm, means=True):
        """dSigma (npar, k, k) and dmu (npar, k) of the rows ``L = B[rows, :]`` with
        ``C_cols = C[:, rows]`` and ``Bm = B m``: a path cell (i, j) gives
        L[:, i] C[j, rows] + transpose, a (co)variance cell L[:, i] L[:, j]' (+ transpose
        off the diagonal), a mean cell L[:, i]."""
        k = L.shape[0]
        dS = np.zeros((self.npar, k, k))
        dm = np.zeros((self.npar, k))
        if len(self.a_pid):
            Li = L[:, self.a_i]  # k x c
            contrib = np.einsum("pc,cq->cpq", Li, C_cols[self.a_j])
            _scatter(dS, self.a_pid, contrib + contrib.transpose(0, 2, 1), self._unique["a"])
            if means:
                _scatter(dm, self.a_pid, (Li * Bm[self.a_j]).T, self._unique["a"])
        if len(self.s_pid):
            contrib = np.einsum("pc,qc->cpq", L[:, self.s_i], L[:, self.s_j])
            off = self.s_offdiag
            contrib[off] = contrib[off] + contrib[off].transpose(0, 2, 1)
            _scatter(dS, self.s_pid, contrib, self._unique["s"])
        if len(self.m_pid):
            _scatter(dm, self.m_pid, L[:, self.m_i].T, self._unique["m"])
        return dS, dm

    def cell_factors(self, B, C, m, means=True):
        """Each free cell's derivatives in rank-two form: ``dSigma_c = U_c V_c' + V_c U_c'``
        and ``dmu_c = D_c``, as (p, c) arrays U, V, D over the cells a, s, m in that order
        (``self.cell_pids`` maps cells to parameters).

        Products of derivatives then cost O(p² c) instead of the O(p³ c) of the dense
        (npar, p, p) array of :meth:`delta` — what makes large models fast.
        """
        p = self.p
        L = B[:p, :]
        U = np.zeros((p, len(self._cell_pids)))
        V = np.zeros_like(U)
        LA = L[:, self.a_i]
        U[:, self._col_a] = LA
        U[:, self._col_s] = L[:, self.s_i]
        V[:, self._col_a] = C[self.a_j, :p].T
        # a diagonal (co)variance cell gives u u' = u v' + v u' with v = u / 2
        V[:, self._col_s] = L[:, self.s_j] * self._s_half
        D = None
        if means:
            D = np.zeros_like(U)
            D[:, self._col_a] = LA * (B @ m)[self.a_j]
            D[:, self._col_m] = L[:, self.m_i]
        return U, V, D

    @property
    def cell_pids(self):
        """The parameter of each free cell, in the order of :meth:`cell_factors`."""
        return self._cell_pids

    def sum_cells(self, g_cells, I_cells=None):
        """Cell gradient (c,) and information (c, c) summed into parameters (npar)."""
        if self._cells_direct:
            return g_cells, I_cells
        pids, unique = self._cell_pids, self._cells_unique
        g = np.zeros(self.npar)
        _scatter(g, pids, g_cells, unique)
        if I_cells is None:
            return g, None
        I = np.zeros((self.npar, self.npar))
        if unique:  # one cell per parameter: plain indexed assignment
            I[pids[:, None], pids] = I_cells
        else:
            np.add.at(I, np.ix_(pids, pids), I_cells)
        return g, I

    def delta(self, theta):
        """Derivatives of the implied moments.

        Returns (Sigma, mu, dSigma, dmu, aux): ``dSigma`` has shape (npar, p, p) and
        ``dmu`` (npar, p); rows for parameters of other groups are zero.
        """
        Sigma, mu, B, C, S, m = self.implied(theta)
        p = self.p
        dS, dm = self._cell_derivatives(B[:p, :], C[:, :p], B @ m, self.meanstructure)
        return Sigma, mu, dS, dm, (B, C, S, m)

    def conditional_delta(self, theta, yidx, xidx):
        """Moments of the observed ``yidx`` given the exogenous observed ``xidx``
        (lavaan's conditional.x): residual covariance Σ_y|x, intercepts μ_y|x, slopes
        Π = B[y, x], and their derivatives (npar, ...).

        The x variables have no incoming paths, so y = Πx + (the rest); Σ_y|x is the
        implied covariance with the variances and covariances of x set to zero.
        """
        A, S, m = self.matrices(theta)
        S[np.ix_(xidx, xidx)] = 0.0
        m[xidx] = 0.0
        B = small_inv(self._eye - A)
        L = B[yidx, :]
        C = B @ S @ B.T
        Bm = B @ m
        dS, dm = self._cell_derivatives(L, C[:, yidx], Bm)
        dP = np.zeros((self.npar, len(yidx), len(xidx)))
        if len(self.a_pid):  # a path cell (i, j): dPi = B[y, i] B[j, x]
            contrib = np.einsum("pc,cq->cpq", L[:, self.a_i], B[np.ix_(self.a_j, xidx)])
            _scatter(dP, self.a_pid, contrib, self._unique["a"])
        return C[np.ix_(yidx, yidx)], Bm[yidx], B[np.ix_(yidx, xidx)], dS, dm, dP
