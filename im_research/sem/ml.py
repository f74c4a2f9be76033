"""The ML discrepancy, its gradient and expected information, and the optimiser.

``MLProblem`` is shared by ``fit()``, the bootstrap and batched refits; ``fisher_scoring``
minimises any problem with the same ``evaluate`` interface (FIML too).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import lapack as _lapack

from ..errors import ConvergenceError, IdentificationError
from . import ram as _ram

__all__ = ["MLProblem", "fisher_scoring", "quasi_newton", "observed_information",
           "check_identification"]


class MLProblem:
    """ML discrepancy summed over groups with weights N_g / N.

    ``F = sum_g w_g [log|Sigma| + tr(S Sigma^-1) - log|S| - p + (m - mu)' Sigma^-1 (m - mu)]``
    (lavaan reports ``fmin = F / 2``; chi-square is ``N * F``).
    """

    def __init__(self, rams, stats):
        self.rams = rams
        self.stats = stats
        self.ntotal = sum(s.nobs for s in stats)
        self.weights = np.array([s.nobs / self.ntotal for s in stats])
        self.logdetS = [np.linalg.slogdet(s.cov)[1] for s in stats]
        self.npar = rams[0].npar

    def objective(self, theta):
        total = 0.0
        for ram, st, w, lds in zip(self.rams, self.stats, self.weights, self.logdetS):
            Sigma, mu, *_ = ram.implied(theta)
            try:
                Lc = np.linalg.cholesky(Sigma)
            except np.linalg.LinAlgError:
                return np.inf
            logdet = 2 * np.log(np.diag(Lc)).sum()
            Sinv = _ram.small_inv(Sigma)
            f = logdet + np.trace(Sinv @ st.cov) - lds - ram.p
            if st.mean is not None:
                d = st.mean - mu
                f += d @ Sinv @ d
            total += w * f
        return total

    def evaluate(self, theta, info=True):
        """Return (F, gradient of F, unit expected information) or F=inf if not PD."""
        F = 0.0
        grad = np.zeros(self.npar)
        I = np.zeros((self.npar, self.npar)) if info else None
        for ram, st, w, lds in zip(self.rams, self.stats, self.weights, self.logdetS):
            implied = ram.implied(theta)
            Sigma, mu, B, C, _, m = implied
            Lc, bad = _lapack.dpotrf(Sigma, lower=1, clean=0)
            if bad:  # not positive definite
                return np.inf, None, None
            logdet = 2 * np.log(np.diag(Lc)).sum()
            Sinv = _ram.small_inv(Sigma)
            W = st.cov
            f = logdet + np.sum(Sinv * W) - lds - ram.p  # tr(Sinv W), both symmetric
            u = None
            if st.mean is not None:
                d = st.mean - mu
                u = Sinv @ d
                f += d @ u
                W = W + np.outer(d, d)
            Omega = Sinv @ (W - Sigma) @ Sinv
            F += w * f
            if not info:
                grad += w * ram.gradient(theta, Omega, u, implied)
                continue
            # dSigma_c = U_c V_c' + V_c U_c' per free cell: tr(Omega dSigma_c) = 2 U_c'Omega V_c
            # and tr(S^-1 dS_c S^-1 dS_d) / 2 = (V'S^-1U)_cd (V'S^-1U)_dc
            # + (V'S^-1V)_cd (U'S^-1U)_cd
            means = st.mean is not None or ram.meanstructure
            U, V, D = ram.cell_factors(B, C, m, means)
            SU, SV = Sinv @ U, Sinv @ V
            g_cells = -2 * np.einsum("pc,pc->c", U, Omega @ V)
            Qvu = V.T @ SU
            I_cells = Qvu * Qvu.T + (V.T @ SV) * (U.T @ SU)
            if means:
                if u is not None:
                    g_cells -= 2 * (D.T @ u)
                I_cells += D.T @ Sinv @ D
            g, Ig = ram.sum_cells(g_cells, I_cells)
            grad += w * g
            I += w * Ig
        return F, grad, I


    def observed_information(self, theta):
        """Observed information per unit, the Hessian of F / 2 (lavaan's default for MLR),
        analytic: per group (K = Σ⁻¹, d = ȳ − μ, u = K d, P = K (S + dd') K, L = 2P − K)
        the Hessian of F has the first-derivative part
        tr(K Σ_k L Σ_l) + 2 μ_k'KΣ_l u + 2 μ_l'KΣ_k u + 2 μ_k'Kμ_l, evaluated on the
        rank-two cell factors of Σ_k, and the part with second derivatives of the
        moments, −tr(Ω Σ_kl) − 2 u'μ_kl with Ω = P − K
        (``RAM.second_derivative_contraction``); the formulas of the FIML information
        (:meth:`im_research.sem.missing.FIMLProblem.observed_information`) with one
        pattern per group.

        Examples
        --------
        >>> import numpy as np, im_research as ir
        >>> from im_research.synthetic.simulate import PopulationModel, draw
        >>> pop = PopulationModel(loadings={"f": {"a": .8, "b": .7, "c": .6}})
        >>> data = draw(pop, n=250, seed=5).data
        >>> res = ir.fit("f =~ a + b + c", data=data, information="observed")
        >>> A = res._problem.observed_information(res.theta)
        >>> se = np.sqrt(np.diag(np.linalg.inv(A)) / res.nobs)  # the reported SEs
        >>> bool(np.allclose(se, res.params.loc[res.params["se"] > 0, "se"]))
        True
        """
        H = np.zeros((self.npar, self.npar))
        for ram, st, w in zip(self.rams, self.stats, self.weights):
            Sigma, mu, B, C, _, m = ram.implied(theta)
            K = _ram.small_inv(Sigma)
            W, u = st.cov, np.zeros(ram.p)
            means = st.mean is not None
            if means:
                d = st.mean - mu
                u = K @ d
                W = W + np.outer(d, d)
            P = K @ W @ K
            L = 2 * P - K
            U, V, D = ram.cell_factors(B, C, m, means)
            KU, KV, LU, LV = K @ U, K @ V, L @ U, L @ V
            UKV = U.T @ KV
            # tr(K dΣ_c L dΣ_d) with dΣ_c = U_c V_c' + V_c U_c': four products of c x c
            Hc = ((V.T @ LU) * UKV + (V.T @ LV) * (U.T @ KU) + (U.T @ LU) * (V.T @ KV)
                  + (U.T @ LV) * UKV.T)
            if means:
                KD = K @ D
                Vm = (KD.T @ U) * (V.T @ u)[None, :] + (KD.T @ V) * (U.T @ u)[None, :]
                Hc = Hc + 2 * (Vm + Vm.T) + 2 * (D.T @ KD)
            _, Hp = ram.sum_cells(np.zeros(len(Hc)), Hc)
            H += w * (Hp - ram.second_derivative_contraction(theta, P - K, u))
        return 0.25 * (H + H.T)


# Fisher scoring hands over to BFGS below this max |gradient of F| (scoring contracts only
# linearly when the model misfits), and a quasi-Newton step below STEP_TOL relative to
# 1 + |theta| (with max |gradient| < STEP_TOL) is the remaining error: taken, then done.
# BatchML uses the same rule for its stacks of refits.
BFGS_SWITCH = 3e-2
STEP_TOL = 1e-6


def fisher_scoring(problem: MLProblem, theta0, max_iter=500, tol=1e-10, bfgs=True,
                    final_info=True):
    """Minimise F from ``theta0``. Returns (theta, F, grad, info, ok, iterations, message).

    ``bfgs=False`` keeps pure Fisher scoring (best from a warm start, e.g. bootstrap
    draws); ``final_info=False`` skips recomputing the information at the solution."""
    theta = theta0.copy()
    F, g, I = problem.evaluate(theta)
    if not np.isfinite(F):
        # lavaan: non-finite start -> shrink starts
        for _ in range(10):
            theta = theta / 10 + 0.0
            F, g, I = problem.evaluate(theta)
            if np.isfinite(F):
                break
        else:
            return theta, F, g, I, False, 0, "the starting values give a non-positive-definite" \
                " implied covariance matrix"
    it = 0
    H_inv = None  # BFGS inverse Hessian, started from the Fisher information
    stalled = 0  # successive steps cut below 1/64: scoring is running along a ridge
    gmax = np.max(np.abs(g))
    for it in range(1, max_iter + 1):
        # Fisher scoring far from the optimum; near it, BFGS started from the expected
        # information picks up the curvature that misfit adds (superlinear convergence)
        use_bfgs = bfgs and gmax < BFGS_SWITCH
        if use_bfgs and H_inv is None:
            try:
                H_inv = _ram.small_inv(2 * I)
            except np.linalg.LinAlgError:
                use_bfgs = False
        if use_bfgs:
            step = -H_inv @ g
            if gmax < STEP_TOL and np.max(np.abs(step) / (1 + np.abs(theta))) < STEP_TOL:
                # the quasi-Newton step is the remaining error: take it and finish with
                # the one evaluation (with the information) that the estimates need
                cand = theta + step
                Fc, gc, Ic = problem.evaluate(cand, info=final_info)
                if np.isfinite(Fc) and Fc <= F + 1e-12 * max(1.0, abs(F)):
                    return cand, Fc, gc, Ic if final_info else I, True, it, "converged"
        else:
            step = -_solve_information(2 * I, g)
        alpha = 1.0
        for _ in range(40):
            cand = theta + alpha * step
            Fc, gc, Ic = problem.evaluate(cand, info=not use_bfgs)
            if np.isfinite(Fc) and Fc <= F + 1e-12 * max(1.0, abs(F)):
                break
            alpha /= 2
        else:
            return theta, F, g, I, bool(np.max(np.abs(g)) < 1e-6), it, "line search failed"
        dF = F - Fc
        # Far from the optimum the information can turn near-singular (a factor variance
        # heading to zero) and the scoring steps run away along a ridge, each cut to a
        # sliver; give up early so that the caller's quasi-Newton fallback starts afresh.
        stalled = stalled + 1 if alpha < 1 / 64 and not use_bfgs else 0
        if stalled >= 5:
            return theta, F, g, I, False, it, "Fisher scoring stalled (steps cut to slivers)"
        if use_bfgs:
            s_k, y_k = cand - theta, gc - g
            sy = s_k @ y_k
            if sy > 1e-14:
                rho = 1.0 / sy
                Hy = H_inv @ y_k
                sHy = np.outer(s_k, Hy)
                H_inv = (H_inv - rho * (sHy + sHy.T)
                         + (rho * rho * (y_k @ Hy) + rho) * np.outer(s_k, s_k))
            Ic = I
        theta, F, g, I = cand, Fc, gc, Ic
        gmax = np.max(np.abs(g))
        if gmax < tol or (dF < 1e-15 and gmax < 1e-6):
            if use_bfgs and final_info:
                I = problem.evaluate(theta)[2]
            return theta, F, g, I, True, it, "converged"
    return theta, F, g, I, False, it, f"no convergence after {max_iter} iterations"


def _solve_information(M, b):
    """``M^-1 b`` for a (nearly always) positive definite information: Cholesky through
    LAPACK, else LU, else least squares (a singular information far from the optimum)."""
    _, x, info = _lapack.dposv(M, b)
    if info == 0:
        return x
    try:
        return np.linalg.solve(M, b)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(M, b, rcond=None)[0]


def quasi_newton(problem: MLProblem, theta0):
    from scipy.optimize import minimize

    def fun(th):
        F, g, _ = problem.evaluate(th, info=False)
        if not np.isfinite(F):
            return 1e10, np.zeros_like(th)
        return F, g

    res = minimize(fun, theta0, jac=True, method="BFGS",
                   options={"gtol": 1e-9, "maxiter": 20000})
    F, g, I = problem.evaluate(res.x)
    ok = np.isfinite(F) and np.max(np.abs(g)) < 1e-5
    return res.x, F, g, I, ok, res.nit, res.message


def observed_information(problem, theta):
    """Observed information per unit: the Hessian of fmin = F / 2 (lavaan's default for
    MLR and FIML); analytic where the problem provides it (ML, FIML), otherwise central
    differences of the analytic gradient, symmetrised."""
    if hasattr(problem, "observed_information"):
        return problem.observed_information(theta)
    npar = len(theta)
    H = np.zeros((npar, npar))
    for k in range(npar):
        h = 1e-6 * max(1.0, abs(theta[k]))
        tp, tm = theta.copy(), theta.copy()
        tp[k] += h
        tm[k] -= h
        gp, gm = problem.evaluate(tp, info=False)[1], problem.evaluate(tm, info=False)[1]
        if gp is None or gm is None:  # the implied covariance is not positive definite there
            raise ConvergenceError(
                "the observed information cannot be computed at the estimates (the implied "
                "covariance matrix stops being positive definite next to them); look for "
                "extreme values or variables on very different scales")
        H[:, k] = (gp - gm) / (2 * h)
    return 0.25 * (H + H.T)


def _name_params(pt, pids):
    first = pt.drop_duplicates("pid").set_index("pid")
    return [f"{first.at[p, 'lhs']} {first.at[p, 'op']} {first.at[p, 'rhs']}".strip()
            for p in pids]


def check_identification(pt, I, npar):
    if npar == 0:
        return
    # judged on the scale-free (unit-diagonal) information, so that parameters in very
    # different units (a variance of a salary in rials next to a loading) do not look
    # like a flat direction; a parameter without any information is flat by itself
    d = np.diag(I)
    dead = np.flatnonzero(d <= 0)
    if len(dead):
        w = np.zeros(1)
        v = np.zeros((npar, 1))
        v[dead[0], 0] = 1.0
        bad = [0]
    else:
        s = 1 / np.sqrt(d)
        R = I * np.outer(s, s)
        if _ram.well_conditioned(R, 1e-9):
            return
        w, v = np.linalg.eigh(R)
        bad = np.where(w < 1e-9 * max(abs(w[-1]), 1e-300))[0]
    if len(bad):
        vec = np.abs(v[:, bad[0]])
        involved = np.argsort(-vec)[:6]
        involved = [int(k) for k in involved if vec[k] > 0.05]
        raise IdentificationError(
            "the model is not identified: the information matrix is singular "
            f"(smallest eigenvalue on the correlation scale {w[0]:.2e}). Parameters involved: "
            f"{_name_params(pt, involved)}. Fix a loading to 1 or a variance to 1 for each "
            "factor, add constraints, or remove paths.")

