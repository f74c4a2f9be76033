"""General parameter constraints (``a == 2*b``, ``a == b*c``, ``a > 0``, ``a < b``) for ML
fits, with lavaan 0.6's conventions:

- estimates minimise F under the constraints (SLSQP, then Newton steps on the
  Lagrangian of the active set for full precision);
- standard errors come from the information matrix bordered by the Jacobian H of the
  equality constraints and of the *active* inequality constraints (inactive ones are
  ignored): ``vcov = top-left block of [[I, H'], [H, 0]]⁻¹ / N``;
- each equality constraint adds one degree of freedom and removes one parameter from
  ``npar`` (and AIC/BIC); inequality constraints change neither.

``a == b`` between two labels is not handled here: the two parameters share one entry of
the free-parameter vector (see :mod:`im_research.sem.partable`).

Examples
--------
>>> import numpy as np, pandas as pd, im_research as ir
>>> rng = np.random.default_rng(2)
>>> f = rng.normal(size=300)
>>> df = pd.DataFrame({f"x{i}": f + rng.normal(scale=0.8, size=300) for i in range(1, 5)})
>>> res = ir.fit("f =~ x1 + a*x2 + b*x3 + x4; a == 2*b", data=df)
>>> est = res.params.set_index("rhs").query("op == '=~'")["est"]
>>> round(float(est["x2"] / est["x3"]), 6), int(res.fit_measures["df"])
(2.0, 3)
"""

from __future__ import annotations

import numpy as np
from scipy import linalg, optimize

from ..errors import IdentificationError
from .syntax import EXPRESSION_FUNCTIONS

__all__ = ["Constraints", "constrained_fit", "bordered_vcov", "check_constrained_identification"]

ACTIVE_TOL = 1e-6  # an inequality closer than this to its bound is active


class Constraints:
    """Constraint functions of the free-parameter vector.

    Parameters
    ----------
    constraints : list of syntax.Constraint
        The general constraints (not simple ``a == b``).
    partable : DataFrame
        The parameter table (labels, pids, fixed values).
    """

    def __init__(self, constraints, partable):
        self.items = list(constraints)
        labels = partable["label"].to_numpy()
        ops = partable["op"].to_numpy()
        pids = partable["pid"].to_numpy()
        values = partable["value"].to_numpy(float)
        self._where = {}  # label -> (pid, fixed value)
        for lab, op, pid, val in zip(labels, ops, pids, values):
            if lab and op != ":=" and lab not in self._where:
                self._where[lab] = (int(pid), float(val))
        self._codes = []
        for c in self.items:
            # ==: lhs - rhs = 0; >: lhs - rhs >= 0; <: rhs - lhs >= 0
            expr = f"({c.rhs}) - ({c.lhs})" if c.op == "<" else f"({c.lhs}) - ({c.rhs})"
            self._codes.append(compile(expr, f"<constraint {c.text}>", "eval"))
        self.is_eq = np.array([c.op == "==" for c in self.items], bool)
        self._pids = sorted({self._where[n][0] for c in self.items for n in c.names
                             if self._where[n][0] >= 0})

    def __len__(self):
        return len(self.items)

    def values(self, theta):
        env = dict(EXPRESSION_FUNCTIONS)
        for lab, (pid, val) in self._where.items():
            env[lab] = theta[pid] if pid >= 0 else val
        return np.array([float(eval(code, {"__builtins__": {}}, env))  # noqa: S307
                         for code in self._codes])

    def jacobian(self, theta):
        """Central-difference Jacobian (constraints x free parameters)."""
        J = np.zeros((len(self.items), len(theta)))
        for k in self._pids:
            h = 1e-6 * max(1.0, abs(theta[k]))
            tp, tm = theta.copy(), theta.copy()
            tp[k] += h
            tm[k] -= h
            J[:, k] = (self.values(tp) - self.values(tm)) / (2 * h)
        return J

    def active(self, theta):
        """Equalities and the inequalities at their bound."""
        return self.is_eq | (np.abs(self.values(theta)) < ACTIVE_TOL)


def constrained_fit(problem, theta0, cons, max_iter=500):
    """Minimise ``problem`` under ``cons``. Returns (theta, F, grad, info, ok, iterations,
    message) like :func:`im_research.sem.ml.fisher_scoring`; ``grad`` is the gradient of
    the Lagrangian (zero at a solution)."""

    def fun(th):
        F, g, _ = problem.evaluate(th, info=False)
        if not np.isfinite(F):
            return 1e10, np.zeros_like(th)
        return F, g

    eq = {"type": "eq", "fun": lambda th: cons.values(th)[cons.is_eq],
          "jac": lambda th: cons.jacobian(th)[cons.is_eq]}
    ineq = {"type": "ineq", "fun": lambda th: cons.values(th)[~cons.is_eq],
            "jac": lambda th: cons.jacobian(th)[~cons.is_eq]}
    res = optimize.minimize(fun, theta0, jac=True, method="SLSQP",
                            constraints=[c for c, n in ((eq, cons.is_eq.sum()),
                                                        (ineq, (~cons.is_eq).sum())) if n],
                            options={"maxiter": max_iter, "ftol": 1e-14})
    theta = res.x
    iters = int(res.nit)
    # Newton (Fisher) steps on the Lagrangian of the active set: full precision
    for _ in range(50):
        F, g, I = problem.evaluate(theta)
        if not np.isfinite(F):
            break
        act = cons.active(theta)
        H = cons.jacobian(theta)[act]
        h = cons.values(theta)[act]
        k = len(theta)
        K = np.block([[2 * I, H.T], [H, np.zeros((len(h), len(h)))]])
        try:
            sol = np.linalg.solve(K, -np.concatenate([g, h]))
        except np.linalg.LinAlgError:
            break
        step = sol[:k]
        cand = theta + step
        ok_ineq = np.all(cons.values(cand)[~cons.is_eq & ~act] > -ACTIVE_TOL)
        if not (np.isfinite(problem.evaluate(cand, info=False)[0]) and ok_ineq):
            break
        theta = cand
        iters += 1
        if np.max(np.abs(step)) < 1e-10:
            break
    F, g, I = problem.evaluate(theta)
    act = cons.active(theta)
    H = cons.jacobian(theta)[act]
    if len(H):  # gradient of the Lagrangian: g minus its part spanned by the constraints
        lam = np.linalg.lstsq(H.T, g, rcond=None)[0]
        g = g - H.T @ lam
    feasible = np.all(np.abs(cons.values(theta)[cons.is_eq]) < 1e-8) and np.all(
        cons.values(theta)[~cons.is_eq] > -ACTIVE_TOL)
    ok = bool(np.isfinite(F) and feasible)
    msg = "converged" if ok else f"the constraints could not be met ({res.message})"
    return theta, F, g, I, ok, iters, msg


def bordered_vcov(I, H, N):
    """Covariance matrix of constrained estimates: the top-left block of the inverse of
    the information bordered by the constraint Jacobian H, divided by N (lavaan).

    Raises IdentificationError when the information is singular in a direction the
    constraints leave free (judged on the unit-diagonal scale, as ``check_identification``).
    """
    check_constrained_identification(I, H)
    k, m = I.shape[0], H.shape[0]
    K = np.block([[I, H.T], [H, np.zeros((m, m))]])
    return np.linalg.inv(K)[:k, :k] / N


def check_constrained_identification(I, H):
    """Raise IdentificationError when the information ``I`` is singular in a direction
    the active constraints (Jacobian ``H``) leave free. The direction is structural, so
    the check also explains a fit that did not converge."""
    k, m = I.shape[0], H.shape[0]
    d = np.sqrt(np.clip(np.diag(I), 1e-300, None))
    # directions the constraints leave free, in the unit-diagonal parameterisation
    Z = linalg.null_space(H / d) if m else np.eye(k)
    R = Z.T @ (I / np.outer(d, d)) @ Z
    w = np.linalg.eigvalsh(R) if R.size else np.ones(1)
    if w[0] < 1e-9 * max(abs(w[-1]), 1e-300):
        raise IdentificationError(
            "the model is not identified: the information matrix is singular even with "
            "the constraints (smallest eigenvalue on the correlation scale "
            f"{w[0]:.2e}). Fix a loading or a variance for each factor, or add constraints.")
